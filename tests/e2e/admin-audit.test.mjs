// The audit log and who holds each counter, from /admin, as a regency
// office's supervisor uses them (1366×768, axe-core and a screenshot of
// every state in artifacts/, the log also at 1920×1080): the supervisor
// adds a clerk, resets their password, disables them, pairs a kiosk by its
// code and revokes it; a clerk opens counter 1 and calls a ticket. The
// monitor shows, live, that petugas1 holds counter 1. The audit view says
// the chain is intact (checking it first), and lists, as sentences, exactly
// the supervisor's sign-ins, account and device actions when filtered by
// their name, the clerk's sign-in, counter_taken, counter_state and
// ticket_called by theirs, a ticket's issue and call by its number; pages
// older and newer; downloads the same entries as CSV; reads the same in
// English. The supervisor
// releases counter 1 from the monitor (asked first, the cell then says
// nobody holds it), and a release somebody else made first is refused
// next to the button. After a row of the database is edited with sqlite3,
// the chain checked again raises the alarm naming the first broken entry.
// Failed sign-ins name the account tried (or say the name is nobody's) and
// the address, never the password.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ARTIFACTS, CLERK, OFFICE, SUPERVISOR, antreanCli, launchBrowser, lookWhole, openPage, renderedText, sessionCookie, signInOnPage, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };
const DESK = { width: 1366, height: 768 };
const WIDE = { width: 1920, height: 1080 };
/** The clerk the supervisor adds (and disables). */
const ANI = "ani.rahma";

/**
 * A screenshot of the whole page into artifacts/admin-audit-{name}.png;
 * axe-core finds nothing serious and nothing is wider than the screen.
 * @param {import("playwright-core").Page} p
 * @param {string} name
 */
function look(p, name) {
  return lookWhole(p, `admin-audit-${name}`, name);
}

describe("the audit log and the counters' holders in /admin", { timeout: 300000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let admin;
  /** The supervisor's and the clerk's sessions, for the API. */
  let cookie = "";
  let clerk = "";
  /** The ticket the clerk calls. */
  let number = "";
  /** The admin who reads every office's log. */
  const kepala = { username: "kepala", password: "rahasia-admin-1" };

  /** Opens a view from the menu; focus goes to its heading. @param {"staff" | "devices" | "audit" | "monitor"} view */
  async function open(view) {
    await admin.locator(`#view-${view}`).click();
    await admin.locator(`#${view}:not([hidden])`).waitFor(T);
    const heading = view === "monitor" ? "office-name" : `${view}-h`;
    await admin.waitForFunction((id) => document.activeElement?.id === id, heading, T);
    assert.equal(await admin.locator(`#view-${view}`).getAttribute("aria-current"), "page");
  }

  /** Answers the confirmation dialog; returns its question. @param {boolean} yes */
  async function answer(yes) {
    const dialog = admin.locator("#cfg-confirm[open]");
    await dialog.waitFor(T);
    const question = await renderedText(dialog.locator("#cfg-confirm-text"));
    await dialog.locator(yes ? "#cfg-confirm-yes" : "#cfg-confirm-no").click();
    await admin.locator("#cfg-confirm[open]").waitFor({ state: "detached", ...T });
    return question;
  }

  /** The log as the server gives the supervisor, newest first. @param {Record<string, string>} [q] */
  const log = async (q = {}) => (await server.api(`/audit?${new URLSearchParams({ limit: "50", ...q })}`, { headers: { cookie } })).entries;

  /**
   * Clicks `control` and waits until the table shows the page the server
   * answered for these filters (`office` and `limit` as the form has them).
   * @param {import("playwright-core").Locator} control
   * @param {Record<string, string>} query
   */
  async function loaded(control, query) {
    const n = Number((await admin.locator("#audit-table").getAttribute("data-loads")) ?? 0);
    await control.click();
    await admin.waitForFunction(
      ([n, want]) => {
        const t = document.getElementById("audit-table");
        const q = new URLSearchParams(t?.getAttribute("data-query") ?? "");
        q.delete("before");
        return Number(t?.getAttribute("data-loads")) > n && [...q].sort().join("&") === [...new URLSearchParams(want)].sort().join("&");
      },
      /** @type {const} */ ([n, new URLSearchParams(query).toString()]),
      T,
    );
  }

  /**
   * Applies the filters (the others emptied) and waits for the table;
   * returns its rows as [kind, sentence, who].
   * @param {{actor?: string, number?: string, kind?: string, limit?: string}} f
   */
  async function filter(f) {
    const limit = await admin.locator("#audit-filter-limit").inputValue();
    await loaded(admin.locator("#audit-filter-clear"), { office: OFFICE, limit });
    if (f.actor) await admin.locator("#audit-filter-actor").fill(f.actor);
    if (f.number) await admin.locator("#audit-filter-number").fill(f.number);
    if (f.kind) await admin.locator("#audit-filter-kind").selectOption(f.kind);
    if (f.limit) await admin.locator("#audit-filter-limit").selectOption(f.limit);
    await loaded(admin.locator("#audit-filter button[type=submit]"), { office: OFFICE, limit: f.limit ?? limit, ...(f.actor && { actor: f.actor }), ...(f.number && { number: f.number }), ...(f.kind && { kind: f.kind }) });
    return rows();
  }

  /** The table's rows as [kind, sentence, who]. */
  const rows = () =>
    admin.locator("#audit-list tr").evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute("data-kind") ?? "", ...[...tr.querySelectorAll("td")].slice(1).map((td) => (td.textContent ?? "").replace(/\s+/g, " ").trim())]),
    );

  /** The table's entry ids. */
  const ids = () => admin.locator("#audit-list tr").evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-entry"))));

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    cookie = await sessionCookie(server, SUPERVISOR);
    admin = await openPage(browser, DESK);
    await admin.goto(`${server.url}/admin`);
    await signInOnPage(admin, SUPERVISOR);
    await admin.locator("#office-head:not([hidden])").waitFor(T);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the supervisor adds a clerk, resets their password and disables them, pairs a kiosk by its code and revokes it", async () => {
    await open("staff");
    await admin.locator("#staff-add").click();
    await admin.locator("#staff-new-username").fill(ANI);
    await admin.locator("#staff-new input[value=clerk]").check();
    await admin.locator("#staff-new button[type=submit]").click();
    await admin.locator("#staff-password").waitFor(T);
    await admin.locator("#staff-password-done").click();
    await admin.locator(`[data-reset="${ANI}"]`).click();
    await answer(true);
    await admin.locator("#staff-password").waitFor(T);
    await admin.locator("#staff-password-done").click();
    await admin.locator(`[data-toggle="${ANI}"]`).click();
    await answer(true);
    await admin.locator(`#staff-list tr[data-user="${ANI}"] td`, { hasText: "Nonaktif" }).waitFor(T);

    await open("devices");
    /** @type {{code: string}} */
    const pairing = await server.api("/pairings", { body: { office: OFFICE, kind: "kiosk" } });
    await admin.locator("#devices-pair-name").fill("Kios lobi");
    await admin.locator("#devices-pair-code").fill(pairing.code);
    await admin.locator("#devices-pair button[type=submit]").click();
    await admin.locator("#devices-status", { hasText: "Kios lobi terdaftar." }).waitFor(T);
    await admin.locator("#devices-list [data-device]", { hasText: "Kios lobi" }).locator("[data-revoke]").click();
    await answer(true);
    await admin.locator("#devices-status", { hasText: "Kios lobi dicabut." }).waitFor(T);
  });

  it("a clerk opens counter 1 and calls a ticket: the monitor shows, live, that they hold it", async () => {
    await open("monitor");
    const holder = (/** @type {string} */ id) => admin.locator(`#counters tr[data-counter="${id}"] td.a-holder`);
    await holder("1").filter({ hasText: "tidak dipegang" }).waitFor(T);
    assert.deepEqual(await admin.locator("#counters-card thead th").allInnerTexts(), ["Loket", "Status", "Petugas", "Nomor", "Tindakan"]);
    number = (await server.takeOnline("ktp-el")).number;
    clerk = await sessionCookie(server, CLERK);
    await server.counter(clerk, "1", "open");
    await server.counter(clerk, "1", "call-next");
    await holder("1").filter({ hasText: `dipegang ${CLERK.username}` }).waitFor(T);
    assert.match(await renderedText(holder("1")), new RegExp(`^dipegang ${CLERK.username} Lepaskan loket \\(Loket 1\\)$`));
    assert.equal(await renderedText(holder("2")), "tidak dipegang");
    assert.equal(await holder("2").locator("button").count(), 0, "nothing to release where nobody holds the counter");
    await admin.locator('#counters tr[data-counter="1"] td.num', { hasText: number }).waitFor(T);
    await look(admin, "monitor-held");
  });

  it("the audit view checks the chain when it opens (saying it is checking) and finds it intact", async () => {
    // A slow walk of the chain, as on a large log.
    await admin.route("**/api/v1/audit/verify", async (route) => {
      await new Promise((r) => setTimeout(r, 1200));
      await route.continue();
    });
    await open("audit");
    await admin.locator("#audit-chain-status", { hasText: "Memeriksa rantai log…" }).waitFor(T);
    assert.equal(await admin.locator("#audit-chain").getAttribute("class"), "a-chain is-checking");
    await look(admin, "checking");
    const chain = await server.api("/audit/verify", { headers: { cookie } });
    assert.equal(chain.intact, true);
    await admin.locator("#audit-chain-status", { hasText: `Rantai log utuh: ${chain.events} entri terverifikasi.` }).waitFor(T);
    assert.equal(await admin.locator("#audit-chain-alarm").isHidden(), true);
    await admin.unroute("**/api/v1/audit/verify");
    // The newest entries first, as the server has them.
    await admin.locator("#audit-status", { hasText: /^Halaman 1: \d+ entri\.$/ }).waitFor(T);
    const all = await log();
    assert.deepEqual(await ids(), all.slice(0, 25).map((/** @type {any} */ e) => e.id));
    assert.deepEqual(await admin.locator("#audit-table thead th").allInnerTexts(), ["Waktu", "Kejadian", "Oleh"]);
    assert.match(await renderedText(admin.locator("#audit-caption")), /^Log audit, terbaru lebih dulu, halaman 1: semua entri$/);
    // The time in the office's zone (WIB), the log and its number in small print.
    const newest = all[0];
    const wib = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: "Asia/Jakarta" }).format(new Date(newest.at));
    const first = admin.locator("#audit-list tr").first().locator("td").first();
    assert.equal(await first.locator("time").getAttribute("datetime"), newest.at);
    assert.match(await first.locator("time").innerText(), new RegExp(`${wib}$`));
    assert.equal(await first.locator(".a-seq").innerText(), `${newest.log} · no. ${newest.seq}`);
    await look(admin, "intact");
  });

  it("filtered by the supervisor's name: exactly their sign-ins, account and device actions, as sentences", async () => {
    const suggested = await admin.locator("#audit-actors option").evaluateAll((os) => os.map((o) => /** @type {HTMLOptionElement} */ (o).value));
    assert.deepEqual(suggested, [ANI, CLERK.username, SUPERVISOR.username], "the office's staff offered as suggestions");
    assert.equal(await admin.locator("#audit-filter-actor").getAttribute("list"), "audit-actors");
    assert.deepEqual(await filter({ actor: SUPERVISOR.username }), [
      ["device_revoked", "Perangkat 'Kios lobi' dicabut", SUPERVISOR.username],
      ["device_added", "Perangkat 'Kios lobi' (Kios) didaftarkan", SUPERVISOR.username],
      ["user_disabled", `${ANI} dinonaktifkan`, SUPERVISOR.username],
      ["password_reset", `Kata sandi ${ANI} diatur ulang`, SUPERVISOR.username],
      ["user_added", `Akun ${ANI} dibuat (Petugas loket)`, SUPERVISOR.username],
      // On this page, and before that the test's own session for the API.
      ["signed_in", `${SUPERVISOR.username} masuk dari 127.0.0.1`, SUPERVISOR.username],
      ["signed_in", `${SUPERVISOR.username} masuk dari 127.0.0.1`, SUPERVISOR.username],
    ]);
    assert.match(await renderedText(admin.locator("#audit-caption")), new RegExp(`halaman 1: oleh ${SUPERVISOR.username}$`));
    assert.equal(await admin.locator(".a-pager").isHidden(), true, "one page: no paging");
    // "user:supervisor1" is the same filter.
    assert.equal((await filter({ actor: `user:${SUPERVISOR.username}` })).length, 7);
    await look(admin, "by-supervisor");
  });

  it("filtered by the clerk's name: their sign-in, the counter taken and opened, the ticket called", async () => {
    assert.deepEqual(await filter({ actor: CLERK.username }), [
      ["ticket_called", `Nomor ${number} dipanggil ke Loket 1`, CLERK.username],
      ["counter_state", "Loket 1 dibuka", CLERK.username],
      ["counter_taken", `Loket 1 dipegang ${CLERK.username}`, CLERK.username],
      ["signed_in", `${CLERK.username} masuk dari 127.0.0.1`, CLERK.username],
    ]);
    await look(admin, "by-clerk");
  });

  it("filtered by the ticket's number (as typed, small letters too): its issue and its call", async () => {
    assert.deepEqual(await filter({ number: number.toLowerCase() }), [
      ["ticket_called", `Nomor ${number} dipanggil ke Loket 1`, CLERK.username],
      ["ticket_issued", `Nomor ${number} diambil online untuk KTP Elektronik`, "Warga"],
    ]);
    assert.match(await renderedText(admin.locator("#audit-caption")), new RegExp(`nomor ${number}$`));
    // And by kind, its readable name chosen.
    assert.deepEqual(
      await admin.locator("#audit-filter-kind optgroup").evaluateAll((gs) => gs.map((g) => /** @type {HTMLOptGroupElement} */ (g).label)),
      ["Nomor antrean", "Loket", "Layanan dan kantor", "Akun staf", "Perangkat", "Data pribadi"],
    );
    assert.equal(await admin.locator('#audit-filter-kind option[value="user_disabled"]').innerText(), "Akun dinonaktifkan");
    assert.deepEqual(await filter({ kind: "user_disabled" }), [["user_disabled", `${ANI} dinonaktifkan`, SUPERVISOR.username]]);
  });

  it("pages older and newer, 10 entries a page", async () => {
    const all = await log();
    assert.ok(all.length > 10 && all.length <= 20, `${all.length} entries`);
    await filter({ limit: "10" });
    const older = admin.locator("#audit-older");
    const newer = admin.locator("#audit-newer");
    assert.deepEqual(await ids(), all.slice(0, 10).map((/** @type {any} */ e) => e.id));
    assert.equal(await newer.isDisabled(), true, "the newest page has nothing newer");
    assert.deepEqual((await rows()).at(-1), ["user_added", `Akun ${ANI} dibuat (Petugas loket)`, SUPERVISOR.username], "the supervisor's first action");
    await older.click();
    await admin.locator("#audit-status", { hasText: `Halaman 2: ${all.length - 10} entri.` }).waitFor(T);
    assert.deepEqual(await ids(), all.slice(10).map((/** @type {any} */ e) => e.id));
    assert.equal(await older.isDisabled(), true, "the oldest page");
    assert.equal(await admin.evaluate(() => document.activeElement?.id), "audit-newer", "focus moved to the button that still goes somewhere");
    assert.equal(await admin.locator("#audit-page").innerText(), "Halaman 2");
    // The oldest entries: the supervisor's sign-ins, the office's file
    // seeding it, the accounts the server's command line made.
    const oldest = await rows();
    assert.deepEqual(oldest.slice(0, 3), [
      ["signed_in", `${SUPERVISOR.username} masuk dari 127.0.0.1`, SUPERVISOR.username],
      ["signed_in", `${SUPERVISOR.username} masuk dari 127.0.0.1`, SUPERVISOR.username],
      ["configured", "Konfigurasi awal dipasang", "Sistem"],
    ]);
    assert.deepEqual(
      oldest.slice(3).map(([kind, what]) => [kind, what]),
      [
        ["device_added", "Perangkat 'kiosk-1' (Kios) didaftarkan"],
        ["user_added", `Akun ${SUPERVISOR.username} dibuat (Supervisor)`],
        ["user_added", `Akun ${CLERK.username} dibuat (Petugas loket)`],
      ],
    );
    for (const [, , who] of oldest.slice(3)) assert.match(who, /^.+ \(baris perintah server\)$/);
    await look(admin, "page-2");
    await newer.click();
    await admin.locator("#audit-status", { hasText: "Halaman 1: 10 entri." }).waitFor(T);
    assert.deepEqual(await ids(), all.slice(0, 10).map((/** @type {any} */ e) => e.id));
    assert.equal(await admin.evaluate(() => document.activeElement?.id), "audit-older");
  });

  it("the CSV link downloads the entries of the same filters", async () => {
    await filter({ actor: CLERK.username });
    const link = admin.locator("#audit-csv");
    assert.equal(new URL(/** @type {string} */ (await link.getAttribute("href")), server.url).search, `?office=${OFFICE}&actor=${CLERK.username}`);
    const [download] = await Promise.all([admin.waitForEvent("download", T), link.click()]);
    const file = path.join(ARTIFACTS, "admin-audit.csv");
    await download.saveAs(file);
    const text = fs.readFileSync(file, "utf8");
    assert.ok(text.startsWith("\uFEFF"), "with a BOM, for spreadsheets");
    const lines = text.slice(1).trim().split("\r\n");
    assert.equal(lines[0], "id,log,seq,at,kind,actor,details");
    assert.deepEqual(lines.slice(1).map((l) => l.split(",")[4]), ["ticket_called", "counter_state", "counter_taken", "signed_in"]);
    assert.ok(lines.slice(1).every((l) => l.split(",")[5] === `user:${CLERK.username}`));
  });

  it("in English, the same entries in English words", async () => {
    await admin.locator("#lang-btn").click();
    await admin.locator("#audit-h", { hasText: "Audit log" }).waitFor(T);
    try {
      assert.deepEqual(await rows(), [
        ["ticket_called", `Ticket ${number} called to Loket 1`, CLERK.username],
        ["counter_state", "Loket 1 opened", CLERK.username],
        ["counter_taken", `Loket 1 taken by ${CLERK.username}`, CLERK.username],
        ["signed_in", `${CLERK.username} signed in from 127.0.0.1`, CLERK.username],
      ]);
      assert.match(await renderedText(admin.locator("#audit-chain-status")), /^Log chain intact: \d+ entries verified\.$/);
      assert.deepEqual(await admin.locator("#audit-table thead th").allInnerTexts(), ["Time", "What happened", "By"]);
      await look(admin, "english");
    } finally {
      // Back to Indonesian even when this failed, so the tests after it say what they check.
      await admin.locator("#lang-btn").click();
      await admin.locator("#audit-h", { hasText: "Log audit" }).waitFor(T);
    }
  });

  it("at 1920×1080 the log reads in one view", async () => {
    const p = await openPage(browser, WIDE);
    await p.goto(`${server.url}/admin#audit`);
    await signInOnPage(p, SUPERVISOR);
    await p.locator("#audit-chain.is-intact").waitFor(T);
    await p.locator("#audit-status", { hasText: /^Halaman 1/ }).waitFor(T);
    await look(p, "wide");
    await p.close();
  });

  it("the supervisor releases counter 1 from the monitor, asked first; a release someone made first is refused next to the button", async () => {
    await open("monitor");
    const holder = admin.locator('#counters tr[data-counter="1"] td.a-holder');
    const release = holder.locator('[data-release="1"]');
    await release.click();
    const question = await answer(false);
    assert.match(question, new RegExp(`^Lepaskan Loket 1 dari ${CLERK.username}\\? Loket tetap buka seperti sekarang, termasuk nomor yang sedang dilayaninya; ${CLERK.username} tidak lagi memegangnya dan petugas lain dapat mengambilnya\\. Gunakan bila petugas meninggalkan loket dalam keadaan terbuka\\.$`));
    assert.equal(await renderedText(holder), `dipegang ${CLERK.username} Lepaskan loket (Loket 1)`, "cancelled: still held");
    await release.click();
    await admin.locator("#cfg-confirm[open]").waitFor(T);
    await look(admin, "release-confirm");
    await answer(true);
    await holder.filter({ hasText: "tidak dipegang" }).waitFor(T);
    assert.equal(await release.count(), 0);
    assert.equal(await admin.locator("#counter-status").innerText(), "Loket 1 dilepaskan. Petugas lain dapat mengambilnya.");
    assert.equal(await admin.evaluate(() => document.activeElement?.id), "ct-1", "focus on the counter's name");
    const o = await server.api(`/offices/${OFFICE}`);
    const c1 = o.counters.find((/** @type {any} */ c) => c.id === "1");
    assert.deepEqual([c1.clerk, c1.state, c1.number], [null, "open", number], "open as it was, with its ticket");
    assert.equal((await log({ kind: "counter_taken" }))[0].actor, `user:${SUPERVISOR.username}`);
    await look(admin, "released");

    // The clerk takes it again (acting on it), and someone else releases it while the supervisor is asked.
    await server.counter(clerk, "1", "recall");
    await holder.filter({ hasText: `dipegang ${CLERK.username}` }).waitFor(T);
    await release.click();
    await admin.locator("#cfg-confirm[open]").waitFor(T);
    await server.api(`/offices/${OFFICE}/counters/1/release`, { method: "POST", headers: { cookie } });
    await holder.filter({ hasText: "tidak dipegang" }).waitFor(T);
    await answer(true);
    const err = admin.locator("#ct-rel-err-1");
    await err.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(err), "Tidak ada petugas yang memegang loket ini sekarang.");
    assert.equal(await admin.evaluate(() => document.activeElement?.id), "ct-1");
    await look(admin, "release-refused");
  });

  it("after a row of the database is edited, the chain checked again raises the alarm at the first broken entry", async () => {
    await open("audit");
    await admin.locator("#audit-chain.is-intact").waitFor(T);
    const called = (await log({ kind: "ticket_called" })).at(-1);
    execFileSync("sqlite3", [path.join(server.dir, "data", "antrean.db"), "UPDATE events SET actor='user:x' WHERE kind='ticket_called'"]);
    await admin.locator("#audit-verify").click();
    const alarm = admin.locator("#audit-chain-alarm");
    await alarm.waitFor({ state: "visible", ...T });
    assert.equal(await alarm.getAttribute("role"), "alert");
    assert.equal(await admin.locator("#audit-chain").getAttribute("class"), "a-chain is-broken");
    const said = await renderedText(alarm);
    assert.match(said, /^Peringatan: log audit telah diubah /);
    assert.match(said, new RegExp(`Rantai log terputus di entri #${called.id} \\(log ${OFFICE}, nomor ${called.seq}\\)\\. Isi entri ini tidak cocok dengan hash-nya`));
    assert.match(said, /Keterangan server: its content does not match its hash/);
    assert.equal(await admin.locator("#audit-chain-status").innerText(), "");
    await look(admin, "broken");
    // The filters emptied, the page that starts with it.
    await loaded(admin.locator("#audit-show-broken"), { office: OFFICE, limit: await admin.locator("#audit-filter-limit").inputValue() });
    const row = admin.locator(`#audit-list tr[data-entry="${called.id}"]`);
    assert.equal(await admin.evaluate(() => document.activeElement?.getAttribute("data-entry")), String(called.id), "focus on the broken entry");
    assert.match(await renderedText(row), /Rantai terputus di sini/);
    assert.equal((await ids())[0], called.id, "the page starts with it");
    await look(admin, "broken-entry");
  });

  it("an admin reads one office's log, or every office's and every account's", async () => {
    antreanCli(server, ["user", "add", kepala.username, "--role", "admin"], { ANTREAN_PASSWORD: kepala.password });
    const p = await openPage(browser, DESK);
    await p.goto(`${server.url}/admin#audit`);
    await signInOnPage(p, kepala);
    await p.locator("#audit-status", { hasText: /^Halaman 1/ }).waitFor(T);
    assert.equal(await p.locator("#audit-scope-box").isVisible(), true, "an admin chooses the log");
    assert.equal(await p.locator('#audit-list tr[data-kind="user_added"]', { hasText: "Akun kepala dibuat" }).count(), 0, "an admin's account concerns no office");
    await p.locator("#audit-filter-office").selectOption("all");
    await p.locator("#audit-filter button[type=submit]").click();
    await p.locator('#audit-list tr[data-kind="user_added"]', { hasText: "Akun kepala dibuat (Admin)" }).waitFor(T);
    assert.equal(new URL(/** @type {string} */ (await p.locator("#audit-csv").getAttribute("href")), server.url).search, "", "every log, as CSV too");
    // The chain is the same for everyone: broken since the edit.
    await p.locator("#audit-chain.is-broken").waitFor(T);
    await look(p, "admin-all");
    await p.close();
  });

  it("a failed sign-in names the account tried and the address, never the password; a name nobody has is not kept", async () => {
    const wrong = { username: CLERK.username, password: "salah-ketik-sandi-7" };
    // A password typed into the name field.
    const nobody = { username: "rahasia-di-kolom-nama", password: "sandi-orang-lain-9" };
    for (const who of [wrong, nobody]) {
      const res = await fetch(`${server.url}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(who) });
      assert.equal(res.status, 401, who.username);
    }
    // The supervisor (still on the audit view) sees the one against their office's account.
    assert.deepEqual(await filter({ kind: "sign_in_failed" }), [["sign_in_failed", `Gagal masuk sebagai ${CLERK.username} dari 127.0.0.1`, "Anonim"]]);
    // An admin sees both, in every log.
    const p = await openPage(browser, DESK);
    await p.goto(`${server.url}/admin#audit`);
    await signInOnPage(p, kepala);
    await p.locator("#audit-status", { hasText: /^Halaman 1/ }).waitFor(T);
    await p.locator("#audit-filter-office").selectOption("all");
    await p.locator("#audit-filter-kind").selectOption("sign_in_failed");
    await p.locator("#audit-filter button[type=submit]").click();
    await p.locator('#audit-list tr[data-kind="sign_in_failed"]').nth(1).waitFor(T);
    const failed = await p.locator("#audit-list tr").evaluateAll((trs) =>
      trs.map((tr) => [tr.getAttribute("data-kind") ?? "", ...[...tr.querySelectorAll("td")].slice(1).map((td) => (td.textContent ?? "").replace(/\s+/g, " ").trim())]),
    );
    assert.deepEqual(failed, [
      ["sign_in_failed", "Gagal masuk dengan nama yang tidak terdaftar dari 127.0.0.1", "Anonim"],
      ["sign_in_failed", `Gagal masuk sebagai ${CLERK.username} dari 127.0.0.1`, "Anonim"],
    ]);
    const page = await p.evaluate(() => document.documentElement.outerHTML + document.body.innerText);
    for (const secret of [wrong.password, nobody.password, nobody.username]) assert.ok(!page.includes(secret), `${secret} on the page`);
    await look(p, "failed-sign-in");
    await p.close();
  });
});
