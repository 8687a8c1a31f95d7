// The office's configuration from /admin, as a regency office's supervisor
// uses it without an IT person (1366×768, and the same page on a 360×740
// phone): a clerk never sees it; each part (settings, opening hours,
// closed days, services, counters, printers, export and import) is one
// labelled form or list that axe-core finds nothing serious in, at both
// sizes, with a screenshot of every form and state in artifacts/.
// A refusal is said next to the field it names, in the screen's language,
// with focus there, and changes nothing: a prefix in use (409), an online
// quota over the quota (422), hours that do not parse (400), a removal
// the server refuses. A service and a counter serving it added here show
// on the kiosk and the lobby display without a reload; opening hours
// changed here close the office and the citizen page says when it opens
// again; a holiday marked for today refuses an online ticket with its
// reason on the citizen's screen. Export downloads what the server has;
// an import says what it changed.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ARTIFACTS, CLERK, OFFICE, SUPERVISOR, checkScreen, launchBrowser, lookWhole, missTheClosure, officeDate, openPage, renderedText, signInOnPage, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };
const DESK = { width: 1366, height: 768 };
const PHONE = { width: 360, height: 740 };

/** A date in words as the admin screen says it ("Selasa, 1 Desember 2026"). @param {string} iso */
function dateWords(iso) {
  return new Intl.DateTimeFormat("id-ID", { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));
}

/** A language file's strings: the shared ones or the admin screen's own. @param {"shared-ui" | "admin-ui"} dir @param {"id" | "en"} lang */
function strings(dir, lang) {
  return JSON.parse(fs.readFileSync(new URL(`../../${dir}/i18n/${lang}.json`, import.meta.url), "utf8"));
}
const SHARED = strings("shared-ui", "id");

/** @param {import("playwright-core").Page} p @param {{username: string, password: string}} who */
async function signIn(p, who) {
  await p.locator("#username").fill(who.username);
  await p.locator("#password").fill(who.password);
  await p.locator("#signin-form button[type=submit]").click();
  await p.locator("#office-head:not([hidden])").waitFor(T);
}

/** The id of the element with focus. @param {import("playwright-core").Page} p */
const focused = (p) => p.evaluate(() => document.activeElement?.id ?? "");

/**
 * Screenshots of the page as it is at 1366×768 and narrowed to 360×740,
 * whole length, into artifacts/admin-config-{name}-{size}.png; at both
 * sizes axe-core finds nothing serious and nothing is wider than the screen.
 * @param {import("playwright-core").Page} p
 * @param {string} name
 */
async function look(p, name) {
  for (const size of [DESK, PHONE]) {
    await p.setViewportSize(size);
    await lookWhole(p, `admin-config-${name}-${size.width}x${size.height}`, `${name} at ${size.width}×${size.height}`);
  }
  await p.setViewportSize(DESK);
}

/**
 * Marks the page; `stillMarked` is false after a reload.
 * @param {import("playwright-core").Page} p
 */
const mark = (p) => p.evaluate(() => Object.assign(window, { __noReload: true }));
/** @param {import("playwright-core").Page} p */
const stillMarked = (p) => p.evaluate(() => /** @type {any} */ (window).__noReload === true);

describe("the office's configuration from /admin", { timeout: 300000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let admin;
  /** @type {import("playwright-core").Page} */ let kiosk;
  /** @type {import("playwright-core").Page} */ let display;
  /** The supervisor's session, for reading the configuration as the server has it. */
  let cookie = "";
  const config = () => server.api(`/offices/${OFFICE}/config`, { headers: { cookie } });

  /** Opens a part of the section from its menu; focus goes to its heading. @param {string} key */
  async function part(key) {
    await admin.locator(`#cfg-nav a[data-part="${key}"]`).click();
    await admin.locator(`#cfg-${key}:not([hidden])`).waitFor(T);
    assert.equal(await focused(admin), `cfg-${key}-h`);
    assert.equal(await admin.locator(`#cfg-nav a[data-part="${key}"]`).getAttribute("aria-current"), "page");
  }

  /** Confirms (or not) the removal dialog; returns its question. @param {boolean} yes */
  async function answer(yes) {
    const dialog = admin.locator("#cfg-confirm[open]");
    await dialog.waitFor(T);
    const question = await renderedText(dialog.locator("#cfg-confirm-text"));
    await dialog.locator(yes ? "#cfg-confirm-yes" : "#cfg-confirm-no").click();
    await admin.locator("#cfg-confirm[open]").waitFor({ state: "detached", ...T });
    return question;
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const res = await fetch(`${server.url}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(SUPERVISOR) });
    cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("a clerk sees neither the configuration nor its menu, even by its address", async () => {
    const p = await openPage(browser, DESK);
    await p.goto(`${server.url}/admin#config/services`);
    await signInOnPage(p, CLERK);
    await p.locator("#staff-only:not([hidden])").waitFor(T);
    assert.equal(await p.locator("#monitor").isVisible(), false);
    assert.equal(await p.locator("#views").isVisible(), false);
    assert.equal(await p.locator("#config").isVisible(), false);
    assert.equal(await p.locator("#cfg-services-add:visible, #cfg-nav a:visible").count(), 0);
    await assert.rejects(server.api(`/offices/${OFFICE}/config`, { headers: { cookie: await server.clerkCookie() } }), /403/);
    await look(p, "clerk");
    await p.close();
  });

  it("a supervisor opens it from the menu; every part is labelled, axe-clean at both sizes", async () => {
    admin = await openPage(browser, DESK);
    await admin.goto(`${server.url}/admin`);
    await signIn(admin, SUPERVISOR);
    await admin.locator("#monitor:not([hidden])").waitFor(T);
    assert.equal(await admin.locator("#view-monitor").getAttribute("aria-current"), "page");
    await admin.locator("#view-config").click();
    await admin.locator("#cfg-settings:not([hidden])").waitFor(T);
    assert.equal(await admin.locator("#monitor").isVisible(), false);
    assert.equal(await admin.locator("#view-config").getAttribute("aria-current"), "page");
    assert.equal(await focused(admin), "cfg-settings-h");
    assert.deepEqual(await admin.locator("#cfg-nav a").allTextContents(), ["Pengaturan umum", "Jam buka", "Hari libur", "Layanan", "Loket", "Printer tiket", "Ekspor dan impor"]);
    // The settings form shows what the server has.
    const c = await config();
    await admin.locator("#cfg-settings-form-name").waitFor(T);
    assert.equal(await admin.locator("#cfg-settings-form-name").inputValue(), c.name);
    assert.equal(await admin.locator("#cfg-settings-form-time_zone").inputValue(), "Asia/Jakarta");
    assert.equal(await admin.locator("#cfg-settings-form-languages").inputValue(), "id,en");
    assert.equal(await admin.locator("#cfg-settings-form-min_calls").inputValue(), "2");
    assert.equal(await admin.locator("#cfg-settings-form-priority_ratio").inputValue(), "3");
    assert.equal(await admin.locator("label[for=cfg-settings-form-name]").textContent(), "Nama kantor (wajib)");
    await look(admin, "settings");
    for (const key of ["hours", "closures", "services", "counters", "printers", "transfer"]) {
      await part(key);
      await look(admin, key);
    }
    // The week's hours: one row per day, each open or closed.
    await part("hours");
    await admin.locator('#cfg-hours-form input[type=radio][value="week"]').check();
    assert.equal(await admin.locator("#cfg-hours-form [data-day]").count(), 7);
    await admin.locator('[data-day="fri"] input[type=checkbox]').check();
    assert.equal(await focused(admin), "cfg-hours-form-fri", "focus on the day's hours");
    await admin.locator("#cfg-hours-form-fri").fill("07:30-11:30, 13:30-16:00");
    await admin.locator('[data-day="sat"] input[type=checkbox]').check();
    assert.equal(await admin.locator("#cfg-hours-form-sat").inputValue(), "07:30-11:30, 13:30-16:00", "a new day starts from the day before");
    await look(admin, "hours-week");
    // Not saved: back as the server has it.
    await admin.reload();
    await admin.locator("#cfg-hours:not([hidden])").waitFor(T);
    await admin.locator('#cfg-hours-form input[value="none"]:checked').waitFor(T);
    assert.equal((await config()).hours, undefined);
  });

  it("settings: a rule broken is said next to its field, in the screen's language; then saved", async () => {
    await part("settings");
    const calls = admin.locator("#cfg-settings-form-min_calls");
    await calls.fill("11");
    await admin.locator("#cfg-settings-form button[type=submit]").click();
    const err = admin.locator("#cfg-settings-form-min_calls-err");
    await err.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(err), "Isi 1 sampai 10 panggilan.");
    assert.equal(await calls.getAttribute("aria-invalid"), "true");
    assert.equal(await focused(admin), "cfg-settings-form-min_calls", "focus on the field");
    await look(admin, "settings-refused");
    await admin.locator("#lang-btn").click();
    await err.filter({ hasText: "Fill in 1 to 10 calls." }).waitFor(T);
    assert.equal(await admin.locator("label[for=cfg-settings-form-min_calls]").textContent(), "Calls before no-show (required)");
    assert.equal(await calls.inputValue(), "11", "what was typed stays");
    await look(admin, "settings-refused-en");
    await admin.locator("#lang-btn").click();
    await err.filter({ hasText: "Isi 1 sampai 10 panggilan." }).waitFor(T);
    assert.equal((await config()).min_calls, 2, "nothing changed");

    await calls.fill("3");
    assert.equal(await err.isHidden(), true, "the refusal goes once the field changes");
    await admin.locator('#cfg-settings-form input[value="digits"]').check();
    await admin.locator("#cfg-settings-form button[type=submit]").click();
    await admin.locator("#cfg-settings-form-status", { hasText: "Pengaturan tersimpan." }).waitFor(T);
    const c = await config();
    assert.deepEqual([c.min_calls, c.number_reading, c.priority_ratio, c.languages], [3, "digits", 3, ["id", "en"]]);
    await look(admin, "settings-saved");
  });

  it("a prefix in use (409) and an online quota over the quota (422) are said next to their fields; nothing changes", async () => {
    const before = await config();
    await part("services");
    await admin.locator('[data-edit="kartu-keluarga"]').click();
    const title = admin.locator("#cfg-services-form-h");
    await title.waitFor(T);
    assert.equal(await renderedText(title), "Ubah layanan: Kartu Keluarga");
    assert.equal(await focused(admin), "cfg-services-form-h");
    const prefix = admin.locator("#cfg-services-form-prefix");
    assert.equal(await prefix.inputValue(), "B");
    await prefix.fill("A");
    await admin.locator("#cfg-services-form button[type=submit]").click();
    const prefixErr = admin.locator("#cfg-services-form-prefix-err");
    await prefixErr.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(prefixErr), SHARED["err.prefix_taken"]);
    assert.equal(await prefix.getAttribute("aria-invalid"), "true");
    assert.equal(await focused(admin), "cfg-services-form-prefix", "focus on the prefix");
    assert.match((await prefix.getAttribute("aria-describedby")) ?? "", /cfg-services-form-prefix-err/);
    await look(admin, "service-prefix-taken");

    await prefix.fill("B");
    await admin.locator("#cfg-services-form-quota").fill("10");
    await admin.locator("#cfg-services-form-quota_online").fill("20");
    await admin.locator("#cfg-services-form button[type=submit]").click();
    const onlineErr = admin.locator("#cfg-services-form-quota_online-err");
    await onlineErr.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(onlineErr), "Kuota online tidak boleh melebihi kuota harian.");
    assert.equal(await prefixErr.isHidden(), true);
    assert.equal(await admin.locator("#cfg-services-form-quota_online").getAttribute("aria-invalid"), "true");
    assert.equal(await focused(admin), "cfg-services-form-quota_online", "focus on the online quota");
    await look(admin, "service-quota-online");
    await admin.locator("#lang-btn").click();
    await onlineErr.filter({ hasText: "The online quota cannot exceed the daily quota." }).waitFor(T);
    assert.equal(await renderedText(title), "Edit service: Kartu Keluarga");
    await admin.locator("#lang-btn").click();
    await onlineErr.filter({ hasText: "Kuota online tidak boleh melebihi kuota harian." }).waitFor(T);

    assert.deepEqual(await config(), before, "nothing changed");
    await admin.locator("#cfg-services-cancel").click();
    await admin.locator("#cfg-services-list").waitFor(T);
    assert.equal(await admin.evaluate(() => document.activeElement?.getAttribute("data-edit")), "kartu-keluarga", "focus back on Ubah");
  });

  it("a service's own hours, set in its form", async () => {
    await admin.locator('[data-edit="samsat"]').click();
    await admin.locator("#cfg-services-form-h").waitFor(T);
    await admin.locator('#cfg-services-form input[type=radio][value="week"]').check();
    for (const day of ["mon", "tue", "wed", "thu"]) {
      await admin.locator(`#cfg-services-form [data-day="${day}"] input[type=checkbox]`).check();
      await admin.locator(`#cfg-services-form-hours-${day}`).fill("08:00-14:00");
    }
    await admin.locator('#cfg-services-form [data-day="fri"] input[type=checkbox]').check();
    await admin.locator("#cfg-services-form-hours-fri").fill("8:00");
    await admin.locator("#cfg-services-form button[type=submit]").click();
    // Hours that do not parse (400): said next to that day.
    const err = admin.locator("#cfg-services-form-hours-fri-err");
    await err.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(err), "Tulis jam seperti 07:30-16:00, beberapa rentang dipisah koma (07:30-11:30, 13:30-16:00), jam buka sebelum jam tutup.");
    assert.equal(await focused(admin), "cfg-services-form-hours-fri");
    await admin.locator("#cfg-services-form-hours").scrollIntoViewIfNeeded();
    await look(admin, "service-hours-refused");
    await admin.locator("#cfg-services-form-hours-fri").fill("08:00-11:00");
    await admin.locator("#cfg-services-form button[type=submit]").click();
    await admin.locator("#cfg-services-status", { hasText: "Layanan Samsat (Pajak Kendaraan) tersimpan." }).waitFor(T);
    assert.equal(await focused(admin), "cfg-services-samsat", "focus on the saved service");
    const samsat = (await config()).services.find((/** @type {any} */ s) => s.id === "samsat");
    assert.deepEqual(samsat.hours, { mon: "08:00-14:00", tue: "08:00-14:00", wed: "08:00-14:00", thu: "08:00-14:00", fri: "08:00-11:00" });
    assert.match(await renderedText(admin.locator('[data-item="samsat"]')), /Sen 08:00-14:00 · Sel 08:00-14:00 · Rab 08:00-14:00 · Kam 08:00-14:00 · Jum 08:00-11:00/);
    // Its own hours off again: the later parts close the office by its
    // hours, and a Samsat open on weekdays 08:00-14:00 would stay open then,
    // so they would pass or fail by the hour the test runs.
    const { hours: _, ...anyHour } = samsat;
    await server.api(`/offices/${OFFICE}/services/samsat`, { method: "PUT", body: anyHour, headers: { cookie } });
    assert.equal((await config()).services.find((/** @type {any} */ s) => s.id === "samsat").hours, undefined);
  });

  it("a service and a counter serving it, added here, show on the kiosk and the display without a reload", async () => {
    kiosk = await openPage(browser, { width: 1080, height: 1920 });
    await kiosk.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    await kiosk.locator('button[data-service="ktp-el"]').waitFor(T);
    await mark(kiosk);
    display = await openPage(browser, { width: 1920, height: 1080 });
    await display.goto(`${server.url}/display/${OFFICE}`);
    await display.locator('#waiting [data-service="ktp-el"]').waitFor(T);
    await mark(display);

    await admin.locator("#cfg-services-add").click();
    await admin.locator("#cfg-services-form-h", { hasText: "Tambah layanan" }).waitFor(T);
    assert.equal(await focused(admin), "cfg-services-form-h");
    await admin.locator("#cfg-services-form-name-id").fill("Paspor (Imigrasi)");
    assert.equal(await admin.locator("#cfg-services-form-id").inputValue(), "paspor-imigrasi", "the code follows the name");
    await admin.locator("#cfg-services-form-id").fill("paspor");
    await admin.locator("#cfg-services-form-name-en").fill("Passport (immigration)");
    assert.equal(await admin.locator("#cfg-services-form-name-en").getAttribute("lang"), "en");
    await admin.locator("#cfg-services-form-prefix").fill("p");
    assert.equal(await admin.locator("#cfg-services-form-prefix").inputValue(), "P");
    await admin.locator("#cfg-services-form-quota").fill("40");
    await admin.locator("#cfg-services-form-quota_online").fill("20");
    await admin.locator("#cfg-services-form-service_minutes").fill("12");
    await admin.locator("#cfg-services-form-requirements").fill("KTP-el\nKartu Keluarga\n\n  Akta kelahiran  ");
    await admin.locator("#cfg-services-form-completion_time").fill("4 hari kerja");
    await admin.locator("#cfg-services-form-cost").fill("Rp350.000");
    await admin.locator("#cfg-services-form-workflow").fill("diterima\nwawancara\nsiap diambil");
    await look(admin, "service-form");
    await admin.locator("#cfg-services-form button[type=submit]").click();
    await admin.locator("#cfg-services-status", { hasText: "Layanan Paspor (Imigrasi) tersimpan." }).waitFor(T);
    assert.equal(await focused(admin), "cfg-services-paspor");
    const card = admin.locator('[data-item="paspor"]');
    assert.match(await renderedText(card), /Belum ada loket: warga belum dapat mengambil nomor\./);
    const paspor = (await config()).services.find((/** @type {any} */ s) => s.id === "paspor");
    assert.deepEqual(paspor, {
      id: "paspor",
      name: { id: "Paspor (Imigrasi)", en: "Passport (immigration)" },
      prefix: "P",
      quota: 40,
      quota_online: 20,
      service_minutes: 12,
      requirements: ["KTP-el", "Kartu Keluarga", "Akta kelahiran"],
      completion_time: "4 hari kerja",
      cost: "Rp350.000",
      workflow: ["diterima", "wawancara", "siap diambil"],
    });
    await look(admin, "service-added");
    // No counter serves it yet: not offered.
    await kiosk.waitForTimeout(1500);
    assert.equal(await kiosk.locator('[data-service="paspor"]').count(), 0);

    // A counter for it; its services ordered by keyboard.
    await part("counters");
    await admin.locator("#cfg-counters-add").click();
    await admin.locator("#cfg-counters-form-h").waitFor(T);
    assert.equal(await admin.locator("#cfg-counters-form-id").inputValue(), "9");
    assert.equal(await admin.locator("#cfg-counters-form-name").inputValue(), "Loket 9");
    const order = admin.locator("#cfg-counters-form-order li");
    await admin.locator("#cfg-counters-form-pick").selectOption("paspor");
    await admin.locator("#cfg-counters-form-pick-add").click();
    await admin.locator("#cfg-counters-form-pick").selectOption("ktp-el");
    await admin.locator("#cfg-counters-form-pick-add").click();
    assert.deepEqual(await order.evaluateAll((els) => els.map((e) => e.getAttribute("data-service"))), ["paspor", "ktp-el"]);
    await admin.locator('#cfg-counters-form-order [data-service="ktp-el"] [data-move="up"]').focus();
    await admin.keyboard.press("Enter");
    assert.deepEqual(await order.evaluateAll((els) => els.map((e) => e.getAttribute("data-service"))), ["ktp-el", "paspor"]);
    const where = await admin.evaluate(() => [document.activeElement?.getAttribute("data-move"), document.activeElement?.closest("li")?.getAttribute("data-service")]);
    assert.deepEqual(where, ["down", "ktp-el"], "focus stays with the service moved (Naik is off at the top)");
    assert.equal(await renderedText(admin.locator("#cfg-counters-form-services [role=status]")), "A · KTP Elektronik: urutan 1 dari 2.");
    await admin.locator('#cfg-counters-form input[value="service_order"]').check();
    await look(admin, "counter-form");
    await admin.locator('#cfg-counters-form-order [data-service="ktp-el"] [data-move="drop"]').click();
    assert.deepEqual(await order.evaluateAll((els) => els.map((e) => e.getAttribute("data-service"))), ["paspor"]);
    assert.equal(await admin.evaluate(() => document.activeElement?.closest("li")?.getAttribute("data-service")), "paspor", "focus on the next one");
    await admin.locator("#cfg-counters-form button[type=submit]").click();
    await admin.locator("#cfg-counters-status", { hasText: "Loket 9 tersimpan." }).waitFor(T);
    const loket9 = (await config()).counters.find((/** @type {any} */ c) => c.id === "9");
    assert.deepEqual(loket9, { id: "9", name: "Loket 9", services: ["paspor"], policy: "service_order" });
    await look(admin, "counter-added");

    // The kiosk and the display show both, without a reload.
    const button = kiosk.locator('button[data-service="paspor"]');
    await button.waitFor(T);
    assert.match(await renderedText(button), /Paspor \(Imigrasi\)/);
    await display.locator('#waiting [data-service="paspor"]').waitFor(T);
    await display.locator('#counters [data-counter="9"]').waitFor(T);
    assert.ok(await stillMarked(kiosk), "the kiosk was not reloaded");
    assert.ok(await stillMarked(display), "the display was not reloaded");
    await checkScreen(kiosk, "admin-config-kiosk-1080x1920-paspor");
    await checkScreen(display, "admin-config-display-1920x1080-paspor");
    // The monitor, fetched again, has its switch; the services' list names the counter.
    await admin.locator('[data-switch="paspor"]').waitFor({ state: "attached", ...T });
    await part("services");
    await admin.locator('[data-item="paspor"] dd', { hasText: "Loket 9" }).waitFor(T);
  });

  it("a change by another supervisor shows in the lists without a reload", async () => {
    await mark(admin);
    await part("counters");
    await server.api(`/offices/${OFFICE}/counters/7`, { method: "PUT", body: { name: "Loket 7 BPJS", services: ["bpjs-kesehatan"] }, headers: { cookie } });
    await admin.locator("#cfg-counters-7", { hasText: "Loket 7 BPJS" }).waitFor(T);
    assert.ok(await stillMarked(admin));
  });

  it("a service's standard in English, written here: saved as its translation, and the citizen page in English shows it", async () => {
    await part("services");
    const card = admin.locator('[data-item="paspor"]');
    assert.match(await renderedText(card), /Bahasa Inggris Standar pelayanan belum ditulis: warga melihatnya dalam Bahasa Indonesia\./);
    await card.locator("[data-edit]").click();
    await admin.locator("#cfg-services-form-h", { hasText: "Ubah layanan: Paspor (Imigrasi)" }).waitFor(T);
    // The office's own standard first, then one fieldset per other language.
    assert.equal(await renderedText(admin.locator("#cfg-services-form-standard > legend")), "Standar pelayanan — Bahasa Indonesia");
    const en = admin.locator("#cfg-services-form-translations-en");
    assert.equal(await renderedText(en.locator("> legend")), "Standar pelayanan — Bahasa Inggris");
    assert.match(await renderedText(en), /Isian yang kosong tampil dalam Bahasa Indonesia\./);
    const req = admin.locator("#cfg-services-form-translations-en-requirements");
    const completion = admin.locator("#cfg-services-form-translations-en-completion_time");
    const cost = admin.locator("#cfg-services-form-translations-en-cost");
    assert.deepEqual(await Promise.all([req, completion, cost].map((l) => l.inputValue())), ["", "", ""]);
    for (const l of [req, completion, cost]) assert.equal(await l.getAttribute("lang"), "en");
    assert.equal(await admin.locator("label[for=cfg-services-form-translations-en-cost]").textContent(), "Biaya");
    assert.equal(await renderedText(admin.locator("#cfg-services-form-translations-en-completion_time-hint")), "Misalnya: 1 working day.");
    assert.equal(await admin.locator("#cfg-services-form-requirements").inputValue(), "KTP-el\nKartu Keluarga\nAkta kelahiran", "the office's own stay");

    // 31 requirements: refused next to the English ones, focus there; nothing changes.
    await req.fill(Array.from({ length: 31 }, (_, i) => `Requirement ${i + 1}`).join("\n"));
    await completion.fill("4 working days");
    await cost.fill("Rp350,000");
    await admin.locator("#cfg-services-form button[type=submit]").click();
    const err = admin.locator("#cfg-services-form-translations-en-requirements-err");
    await err.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(err), "Satu persyaratan per baris: paling banyak 30 baris, tiap baris paling banyak 200 karakter.");
    assert.equal(await focused(admin), "cfg-services-form-translations-en-requirements");
    assert.equal(await req.getAttribute("aria-invalid"), "true");
    assert.match((await req.getAttribute("aria-describedby")) ?? "", /cfg-services-form-translations-en-requirements-err/);
    assert.equal((await config()).services.find((/** @type {any} */ s) => s.id === "paspor").translations, undefined, "nothing changed");
    await look(admin, "service-standard-en-refused");
    await admin.locator("#lang-btn").click();
    await err.filter({ hasText: "One requirement per line: at most 30 lines, each at most 200 characters." }).waitFor(T);
    assert.equal(await renderedText(en.locator("> legend")), "Service standard — English");
    assert.equal(await admin.locator("label[for=cfg-services-form-translations-en-cost]").textContent(), "Cost");
    await admin.locator("#lang-btn").click();
    await err.filter({ hasText: "Satu persyaratan per baris" }).waitFor(T);

    await req.fill("Electronic ID card (KTP-el)\nFamily card (Kartu Keluarga)\n\n  Birth certificate  ");
    assert.equal(await err.isHidden(), true, "the refusal goes once the field changes");
    await en.scrollIntoViewIfNeeded();
    await look(admin, "service-standard-en");
    await admin.locator("#cfg-services-form button[type=submit]").click();
    await admin.locator("#cfg-services-status", { hasText: "Layanan Paspor (Imigrasi) tersimpan." }).waitFor(T);
    const paspor = (await config()).services.find((/** @type {any} */ s) => s.id === "paspor");
    assert.deepEqual(paspor.translations, { en: { requirements: ["Electronic ID card (KTP-el)", "Family card (Kartu Keluarga)", "Birth certificate"], completion_time: "4 working days", cost: "Rp350,000" } });
    assert.deepEqual([paspor.requirements, paspor.completion_time, paspor.cost], [["KTP-el", "Kartu Keluarga", "Akta kelahiran"], "4 hari kerja", "Rp350.000"]);
    assert.match(await renderedText(card), /Bahasa Inggris Standar pelayanan sudah ditulis/);

    // The citizen page: the office's own in Indonesian, the English in English.
    const phone = await openPage(browser, PHONE, true);
    await phone.goto(`${server.url}/o/${OFFICE}`);
    const citizen = phone.locator('[data-card="paspor"]');
    await citizen.waitFor(T);
    const facts = async () => (await citizen.locator("dd").allTextContents()).slice(-2);
    const requirements = () => citizen.locator("details li").allTextContents();
    assert.deepEqual(await facts(), ["4 hari kerja", "Rp350.000"]);
    assert.deepEqual(await requirements(), ["KTP-el", "Kartu Keluarga", "Akta kelahiran"]);
    await phone.locator("#lang-btn").click();
    await citizen.locator("dd", { hasText: "4 working days" }).waitFor(T);
    assert.deepEqual(await facts(), ["4 working days", "Rp350,000"]);
    assert.deepEqual(await requirements(), ["Electronic ID card (KTP-el)", "Family card (Kartu Keluarga)", "Birth certificate"]);
    await citizen.locator("summary").click();
    await citizen.scrollIntoViewIfNeeded();
    await checkScreen(phone, "admin-config-citizen-360x740-standard-en");
    await phone.close();

    // All three English texts emptied: the translation is left out.
    await card.locator("[data-edit]").click();
    await admin.locator("#cfg-services-form-h").waitFor(T);
    assert.equal(await cost.inputValue(), "Rp350,000");
    for (const l of [req, completion, cost]) await l.fill("");
    await admin.locator("#cfg-services-form button[type=submit]").click();
    await admin.locator("#cfg-services-status", { hasText: "Layanan Paspor (Imigrasi) tersimpan." }).waitFor(T);
    assert.equal((await config()).services.find((/** @type {any} */ s) => s.id === "paspor").translations, undefined);
  });

  it("removals are asked first; one the server refuses is said next to its button", async () => {
    await part("services");
    const remove = admin.locator('[data-remove="skck"]');
    await remove.click();
    await admin.locator("#cfg-confirm[open]").waitFor(T);
    const question = await renderedText(admin.locator("#cfg-confirm-text"));
    assert.equal(question, "Hapus layanan SKCK (Polres)? Kodenya tidak dapat dipakai lagi. Loket berhenti melayaninya.");
    assert.equal(await focused(admin), "cfg-confirm-no", "Batal first");
    await look(admin, "remove-dialog");
    await answer(false);
    assert.equal(await admin.evaluate(() => document.activeElement?.getAttribute("data-remove")), "skck", "focus back on Hapus");
    assert.ok((await config()).services.some((/** @type {any} */ s) => s.id === "skck"));
    // Counter 8 serves only SKCK: refused, said next to the button.
    await remove.click();
    await answer(true);
    const err = admin.locator("#cfg-services-skck-err");
    await err.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(err), SHARED["err.counter_needs_service"]);
    assert.equal(await admin.evaluate(() => document.activeElement?.getAttribute("data-remove")), "skck");
    await admin.locator('[data-item="skck"]').scrollIntoViewIfNeeded();
    await look(admin, "remove-refused");

    // An open counter is not removed; closed, it is.
    const clerk = await server.clerkCookie();
    await server.counter(clerk, "8", "open");
    await part("counters");
    await admin.locator('[data-remove="8"]').click();
    await answer(true);
    await admin.locator("#cfg-counters-8-err", { hasText: SHARED["err.counter_not_closed"] }).waitFor(T);
    await server.counter(clerk, "8", "close");
    await admin.locator('[data-remove="8"]').click();
    await answer(true);
    await admin.locator("#cfg-counters-status", { hasText: "Loket 8 dihapus." }).waitFor(T);
    assert.equal(await admin.locator('[data-item="8"]').count(), 0);
    assert.equal(await focused(admin), "cfg-counters-add");
    await part("services");
    await admin.locator('[data-remove="skck"]').click();
    await answer(true);
    await admin.locator("#cfg-services-status", { hasText: "Layanan SKCK (Polres) dihapus." }).waitFor(T);
    const c = await config();
    assert.equal(c.services.some((/** @type {any} */ s) => s.id === "skck"), false);
    assert.deepEqual(c.retired.services, ["skck"]);
    // Its code is never used again.
    await admin.locator("#cfg-services-add").click();
    await admin.locator("#cfg-services-form-name-id").fill("SKCK baru");
    await admin.locator("#cfg-services-form-id").fill("skck");
    await admin.locator("#cfg-services-form button[type=submit]").click();
    await admin.locator("#cfg-services-form-id-err", { hasText: SHARED["err.id_retired"] }).waitFor(T);
    assert.equal(await focused(admin), "cfg-services-form-id");
    // An id already in the list is refused before asking (the server would take it as a change).
    await admin.locator("#cfg-services-form-id").fill("akta");
    await admin.locator("#cfg-services-form button[type=submit]").click();
    await admin.locator("#cfg-services-form-id-err", { hasText: "Kode ini sudah dipakai. Pilih kode lain, atau ubah yang sudah ada." }).waitFor(T);
    await admin.locator("#cfg-services-cancel").click();
    assert.equal(await focused(admin), "cfg-services-add");
  });

  it("printers: added, a bad address refused next to it, changed and removed", async () => {
    await part("printers");
    await admin.locator("#cfg-printers-add").click();
    assert.equal(await admin.locator("#cfg-printers-form-id").inputValue(), "kiosk-2");
    await admin.locator("#cfg-printers-form-address").fill("printer lobi");
    await admin.locator("#cfg-printers-form button[type=submit]").click();
    const err = admin.locator("#cfg-printers-form-address-err");
    await err.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(err), "Tulis alamat printer dengan port-nya, misalnya 192.168.1.50:9100.");
    assert.equal(await focused(admin), "cfg-printers-form-address");
    await look(admin, "printer-refused");
    await admin.locator("#cfg-printers-form-address").fill("192.168.10.22:9100");
    await admin.locator('#cfg-printers-form input[value="58mm"]').check();
    await admin.locator("#cfg-printers-form button[type=submit]").click();
    await admin.locator("#cfg-printers-status", { hasText: "Printer kiosk-2 tersimpan." }).waitFor(T);
    assert.deepEqual((await config()).printers, [
      { id: "kiosk-1", address: "192.168.10.21:9100", paper: "80mm" },
      { id: "kiosk-2", address: "192.168.10.22:9100", paper: "58mm" },
    ]);
    await look(admin, "printers");
    await admin.locator('[data-edit="kiosk-2"]').click();
    assert.equal(await renderedText(admin.locator("#cfg-printers-form .f-id")), "Kode: kiosk-2 (tidak dapat diubah)");
    await admin.locator('#cfg-printers-form input[value="80mm"]').check();
    await admin.locator("#cfg-printers-form button[type=submit]").click();
    await admin.locator("#cfg-printers-status", { hasText: "Printer kiosk-2 tersimpan." }).waitFor(T);
    assert.equal((await config()).printers[1].paper, "80mm");
    await admin.locator('[data-remove="kiosk-2"]').click();
    await answer(true);
    await admin.locator("#cfg-printers-status", { hasText: "Printer kiosk-2 dihapus." }).waitFor(T);
    assert.equal((await config()).printers.length, 1);
  });

  it("export downloads the configuration; an import says what it changed, and what it refused", async () => {
    await part("transfer");
    const [download] = await Promise.all([admin.waitForEvent("download"), admin.locator("#cfg-export").click()]);
    assert.equal(download.suggestedFilename(), `${OFFICE}-${officeDate(0).iso}.json`);
    const exported = JSON.parse(fs.readFileSync(/** @type {string} */ (await download.path()), "utf8"));
    assert.deepEqual(exported, await config());
    await admin.locator("#cfg-export-status", { hasText: "Diunduh:" }).waitFor(T);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antrean-import-"));
    const file = (/** @type {string} */ name, /** @type {string} */ text) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, text);
      return f;
    };
    const input = admin.locator("#cfg-import-form-file");
    const submit = admin.locator("#cfg-import-form button[type=submit]");
    const err = admin.locator("#cfg-import-form-file-err");
    // Not JSON: said next to the file, nothing sent.
    await input.setInputFiles(file("catatan.json", "ini bukan json"));
    await submit.click();
    await err.filter({ hasText: "Berkas ini bukan JSON yang dapat dibaca." }).waitFor(T);
    assert.equal(await focused(admin), "cfg-import-form-file");
    // A rule broken inside the file: where, and which rule; a conflict by its code.
    const bad = structuredClone(exported);
    bad.services[1].quota = "banyak";
    await input.setInputFiles(file("kuota.json", JSON.stringify(bad)));
    await submit.click();
    assert.equal(await answer(true), "Ganti konfigurasi kantor dengan isi berkas kuota.json?");
    await err.filter({ hasText: "Di berkas, layanan ke-2:" }).waitFor(T);
    assert.match(await renderedText(err), /Isi kuota paling sedikit 1, atau kosongkan bila tanpa batas/);
    assert.equal(await focused(admin), "cfg-import-form-file");
    await look(admin, "import-refused");
    const twice = structuredClone(exported);
    twice.services[1].prefix = "A";
    await input.setInputFiles(file("dua-a.json", JSON.stringify(twice)));
    await submit.click();
    await answer(true);
    await err.filter({ hasText: SHARED["err.prefix_taken"] }).waitFor(T);
    // A standard in a language the office does not have.
    const french = structuredClone(exported);
    french.services[1].translations = { fr: { cost: "Gratuit" } };
    await input.setInputFiles(file("fr.json", JSON.stringify(french)));
    await submit.click();
    await answer(true);
    await err.filter({ hasText: "Di berkas, layanan ke-2: Standar pelayanan dalam bahasa lain hanya untuk bahasa kantor selain bahasa utamanya." }).waitFor(T);
    assert.deepEqual(await config(), exported, "nothing changed");

    const edited = structuredClone(exported);
    edited.services[0].name.id = "KTP-el (Kartu Tanda Penduduk)";
    edited.printers.push({ id: "kiosk-3", address: "192.168.10.23:9100", paper: "58mm" });
    await input.setInputFiles(file("konfigurasi.json", JSON.stringify(edited, null, 2)));
    await submit.click();
    await answer(true);
    await admin.locator("#cfg-import-form-status", { hasText: "Impor selesai: 2 perubahan." }).waitFor(T);
    assert.deepEqual(await admin.locator("#cfg-import-changes li").allTextContents(), ["Layanan disimpan: ktp-el", "Printer disimpan: kiosk-3"]);
    assert.equal(await err.isHidden(), true);
    const c = await config();
    assert.equal(c.services[0].name.id, "KTP-el (Kartu Tanda Penduduk)");
    assert.equal(c.printers.length, 2);
    await look(admin, "imported");
    await admin.locator("#lang-btn").click();
    await admin.locator("#cfg-import-changes li", { hasText: "Service saved: ktp-el" }).waitFor(T);
    await admin.locator("#lang-btn").click();
    // The same file again: nothing to change.
    await submit.click();
    await answer(true);
    await admin.locator("#cfg-import-form-status", { hasText: "Tidak ada yang berubah" }).waitFor(T);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("opening hours changed here close the office now; the citizen page says when it opens again", async () => {
    const tomorrow = officeDate(1);
    await part("hours");
    await admin.locator('#cfg-hours-form input[type=radio][value="week"]').check();
    await admin.locator(`#cfg-hours-form [data-day="${tomorrow.key}"] input[type=checkbox]`).check();
    const hours = admin.locator(`#cfg-hours-form-${tomorrow.key}`);
    await hours.fill("8-12");
    await admin.locator("#cfg-hours-form button[type=submit]").click();
    const err = admin.locator(`#cfg-hours-form-${tomorrow.key}-err`);
    await err.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(err), "Tulis jam seperti 07:30-16:00, beberapa rentang dipisah koma (07:30-11:30, 13:30-16:00), jam buka sebelum jam tutup.");
    assert.equal(await focused(admin), `cfg-hours-form-${tomorrow.key}`);
    assert.equal(await hours.getAttribute("aria-invalid"), "true");
    await look(admin, "hours-refused");
    assert.equal((await config()).hours, undefined, "nothing changed");
    await hours.fill("08:00-12:00");
    await admin.locator("#cfg-hours-form button[type=submit]").click();
    await admin.locator("#cfg-hours-form-status", { hasText: "Jam buka tersimpan." }).waitFor(T);
    assert.deepEqual((await config()).hours, { [tomorrow.key]: "08:00-12:00" });
    await look(admin, "hours-saved");

    const phone = await openPage(browser, PHONE, true);
    await phone.goto(`${server.url}/o/${OFFICE}`);
    const note = phone.locator("#office-closed");
    await note.waitFor(T);
    assert.equal(await renderedText(note.locator(".closed-when")), "Buka lagi besok, 08.00");
    assert.equal(await phone.locator("button[data-service]").count(), 0, "no take-ticket button");
    await checkScreen(phone, "admin-config-citizen-360x740-hours");
    // The kiosk left open says so too, without a reload.
    await kiosk.locator("#closed:not([hidden])").waitFor(T);
    assert.ok(await stillMarked(kiosk));

    // Any hour again.
    await admin.locator('#cfg-hours-form input[type=radio][value="none"]').check();
    await admin.locator("#cfg-hours-form button[type=submit]").click();
    await admin.locator("#cfg-hours-form-status", { hasText: "Tersimpan: nomor antrean diterbitkan kapan saja." }).waitFor(T);
    assert.equal((await config()).hours, undefined);
    await phone.reload();
    await phone.locator('button[data-service="ktp-el"]').waitFor(T);
    await phone.close();
  });

  it("a holiday for today marked here: an online ticket is refused, with its reason on the citizen's screen", async () => {
    const today = officeDate(0);
    // A citizen's page drawn before the holiday, that has not heard of it
    // (no stream, and the office as it was).
    const phone = await openPage(browser, PHONE, true);
    await missTheClosure(phone);

    await part("closures");
    await admin.locator("#cfg-closures-add").click();
    await admin.locator("#cfg-closures-form-h", { hasText: "Tambah hari libur" }).waitFor(T);
    await admin.locator("#cfg-closures-form-from").fill(today.iso);
    await admin.locator("#cfg-closures-form-to").fill(officeDate(-1).iso);
    await admin.locator("#cfg-closures-form-reason-id").fill("Cuti bersama Idul Fitri");
    await admin.locator("#cfg-closures-form-reason-en").fill("Eid al-Fitr collective leave");
    await admin.locator("#cfg-closures-form button[type=submit]").click();
    // The last day before the first: said next to it.
    const toErr = admin.locator("#cfg-closures-form-to-err");
    await toErr.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(toErr), "Tanggal terakhir tidak boleh sebelum hari pertama, dan paling lama setahun setelahnya.");
    assert.equal(await focused(admin), "cfg-closures-form-to");
    await look(admin, "closure-refused");
    await admin.locator("#cfg-closures-form-to").fill("");
    await admin.locator("#cfg-closures-form button[type=submit]").click();
    await admin.locator("#cfg-closures-status", { hasText: `Hari libur ${dateWords(today.iso)} tersimpan.` }).waitFor(T);
    const card = admin.locator(`[data-item="${today.iso}"]`);
    assert.match(await renderedText(card), /Berlaku hari ini/);
    assert.deepEqual((await config()).closed, [{ from: today.iso, reason: { id: "Cuti bersama Idul Fitri", en: "Eid al-Fitr collective leave" } }]);
    await look(admin, "closure-added");
    await assert.rejects(server.takeOnline("ktp-el"), /422 .*service_closed/);

    // The citizen tries: refused, and the page says why.
    await phone.goto(`${server.url}/o/${OFFICE}`);
    await phone.locator('button[data-service="ktp-el"]').click();
    await phone.locator("#confirm-take").click();
    await phone.locator(".error-msg").waitFor(T);
    const note = phone.locator("#office-closed");
    await note.waitFor(T);
    assert.equal(await renderedText(note.locator(".closed-why")), "Tutup: Cuti bersama Idul Fitri");
    assert.equal(await phone.locator("button[data-service]").count(), 0);
    await checkScreen(phone, "admin-config-citizen-360x740-holiday-refused");
    await phone.close();

    // Two days now, then removed: open again.
    await card.locator("[data-edit]").click();
    await admin.locator("#cfg-closures-form-to").fill(officeDate(1).iso);
    await look(admin, "closure-form");
    await admin.locator("#cfg-closures-form button[type=submit]").click();
    await admin.locator("#cfg-closures-status", { hasText: `Hari libur ${dateWords(today.iso)} sampai ${dateWords(officeDate(1).iso)} tersimpan.` }).waitFor(T);
    assert.equal((await config()).closed[0].to, officeDate(1).iso);
    await admin.locator(`[data-remove="${today.iso}"]`).click();
    assert.match(await answer(true), /^Hapus hari libur /);
    await admin.locator("#cfg-closures-status", { hasText: "dihapus." }).waitFor(T);
    assert.deepEqual((await config()).closed ?? [], []);
    await server.takeOnline("ktp-el");
  });
});
