// Staff and devices from /admin, as a regency office's supervisor manages
// them (1366×768, axe-core and a screenshot of every state in artifacts/):
// a supervisor adds a clerk and sees the one-time password once, in a
// marked box with a copy button, kept nowhere in the browser; the clerk
// signs in with it (and must choose their own); a name against the rule or
// already taken is refused next to the field; the supervisor resets the
// password (the old one stops working) and disables the clerk (asked
// first; the clerk can no longer sign in) and enables them again; a
// supervisor is never offered a supervisor's role and the API refuses one
// (403); their own row offers no disable or reset and says why. A
// supervisor pairs a kiosk by the six digits it shows (a wrong code
// refused next to the code), renames it, sets its printer and revokes it
// (its key stops working at once); adds a display with a link shown once
// and sets its zone. An admin chooses any role and office, an admin's
// account without one, and sees every office's staff and the admins.
// Indonesian first, and the same in English.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CLERK, OFFICE, PUBLIC_BASE_URL, SUPERVISOR, antreanCli, launchBrowser, lookWhole, openPage, renderedText, signInOnPage, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };
const DESK = { width: 1366, height: 768 };

/** The id of the element with focus. @param {import("playwright-core").Page} p */
const focused = (p) => p.evaluate(() => document.activeElement?.id ?? "");

/**
 * A screenshot of the whole page into artifacts/admin-staff-{name}.png;
 * axe-core finds nothing serious and nothing is wider than the screen.
 * @param {import("playwright-core").Page} p
 * @param {string} name
 */
function look(p, name) {
  return lookWhole(p, `admin-staff-${name}`, name);
}

describe("staff and devices from /admin", { timeout: 300000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let admin;
  /** The supervisor's session, for asking the server what it has. */
  let cookie = "";
  /** The clerk added here, and the one-time password the screen showed. */
  const siti = { username: "siti.aminah", password: "" };

  /**
   * Signs in over the API; the answer's status, body and cookie.
   * @param {{username: string, password: string}} who
   */
  async function signInApi(who) {
    const res = await fetch(`${server.url}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(who) });
    return { status: res.status, body: await res.json().catch(() => null), cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] };
  }

  /** A staff member as the server has them. @param {string} name */
  const user = async (name) => (await server.api(`/users?office=${OFFICE}`, { headers: { cookie } })).find((/** @type {any} */ u) => u.username === name);
  /** The office's devices as the server has them. */
  const devices = () => server.api(`/offices/${OFFICE}/devices`, { headers: { cookie } });

  /** Opens a view from the menu; focus goes to its heading. @param {"staff" | "devices"} view */
  async function open(view) {
    await admin.locator(`#view-${view}`).click();
    await admin.locator(`#${view}:not([hidden])`).waitFor(T);
    await admin.waitForFunction((v) => document.activeElement?.id === `${v}-h`, view, T);
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

  /** The staff row of `name`. @param {string} name */
  const row = (name) => admin.locator(`#staff-list tr[data-user="${name}"]`);

  /** Whatever the page keeps in its storage, as one text. */
  const stored = () => admin.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    cookie = (await signInApi(SUPERVISOR)).cookie;
    admin = await openPage(browser, DESK);
    await admin.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
    await admin.goto(`${server.url}/admin`);
    await signInOnPage(admin, SUPERVISOR);
    await admin.locator("#office-head:not([hidden])").waitFor(T);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("a clerk is offered neither staff nor devices, and the API refuses them", async () => {
    const p = await openPage(browser, DESK);
    await p.goto(`${server.url}/admin#staff`);
    await signInOnPage(p, CLERK);
    await p.locator("#staff-only:not([hidden])").waitFor(T);
    assert.equal(await p.locator("#staff").isVisible(), false);
    assert.equal(await p.locator("#view-staff, #view-devices").filter({ visible: true }).count(), 0);
    const clerk = await server.clerkCookie();
    await assert.rejects(server.api(`/offices/${OFFICE}/devices`, { headers: { cookie: clerk } }), /403/);
    await p.close();
  });

  it("the staff list: role, office, status and last sign-in; one's own row says why it offers no disable or reset", async () => {
    await open("staff");
    await row(CLERK.username).waitFor(T);
    const cells = await row(CLERK.username).locator("th, td").allInnerTexts();
    assert.deepEqual(cells.slice(0, 5), [CLERK.username, "Petugas loket", "Mal Pelayanan Publik Kabupaten Lampung Utara", "Aktif", "baru saja"]);
    assert.deepEqual(await admin.locator("#staff-table thead th").allInnerTexts(), ["Nama pengguna", "Peran", "Kantor", "Status", "Terakhir masuk", "Tindakan"]);
    const own = row(SUPERVISOR.username);
    assert.equal(await own.locator("td").nth(3).innerText(), "baru saja", "signed in a moment ago");
    assert.equal(await own.locator("button").count(), 0, "no buttons on one's own row");
    assert.match(await renderedText(own.locator(".a-actions")), /^Akun Anda\. Kata sandi Anda sendiri diubah lewat menu Akun di atas\. Menonaktifkan akun sendiri/);
    assert.equal(await admin.locator("#staff-scope-box").isVisible(), false, "only an admin chooses other offices");
    await look(admin, "list");
  });

  it("a supervisor is offered clerk and help desk only; the API refuses a supervisor (403)", async () => {
    await admin.locator("#staff-add").click();
    await admin.locator("#staff-new-h").waitFor(T);
    assert.equal(await focused(admin), "staff-new-h");
    assert.deepEqual(await admin.locator("#staff-new input[type=radio]").evaluateAll((els) => els.map((e) => /** @type {HTMLInputElement} */ (e).value)), ["clerk", "help_desk"]);
    assert.equal(await admin.locator("#staff-new input[value=supervisor], #staff-new input[value=admin]").count(), 0);
    assert.equal(await admin.locator("#staff-new select").count(), 0, "a supervisor's staff work in their office");
    assert.match(await renderedText(admin.locator("#staff-new")), /Kantor: Mal Pelayanan Publik Kabupaten Lampung Utara/);
    const res = await fetch(`${server.url}/api/v1/users`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ username: "kepala2", role: "supervisor", office: OFFICE }),
    });
    assert.equal(res.status, 403);
    assert.equal((await res.json()).error.code, "forbidden");
    assert.equal(await user("kepala2"), undefined);
    await look(admin, "add-form");
  });

  it("a user name against the rule, or taken, is refused next to it, focus there", async () => {
    const name = admin.locator("#staff-new-username");
    const err = admin.locator("#staff-new-username-err");
    await name.fill("siti aminah");
    await admin.locator("#staff-new button[type=submit]").click();
    await err.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(err), "Nama pengguna 1–64 karakter: huruf, angka, titik, garis bawah, atau tanda hubung, tanpa spasi.");
    assert.equal(await name.getAttribute("aria-invalid"), "true");
    assert.equal(await focused(admin), "staff-new-username");
    await look(admin, "add-refused");
    await name.fill(CLERK.username);
    assert.equal(await err.isHidden(), true, "the refusal goes once the field changes");
    await admin.locator("#staff-new button[type=submit]").click();
    await err.filter({ hasText: "Nama ini sudah dipakai. Pilih nama lain." }).waitFor(T);
    assert.equal(await focused(admin), "staff-new-username");
  });

  it("adds a clerk: the one-time password is shown once, kept nowhere; the clerk signs in with it and must choose their own", async () => {
    await admin.locator("#staff-new-username").fill(siti.username);
    await admin.locator("#staff-new input[value=clerk]").check();
    await admin.locator("#staff-new button[type=submit]").click();
    const box = admin.locator("#staff-password");
    await box.waitFor(T);
    assert.equal(await focused(admin), "staff-password-h", "focus on the box, read out first");
    assert.equal(await renderedText(box.locator("h3")), `Kata sandi sekali pakai untuk ${siti.username}`);
    assert.match(await box.locator(".a-secret-mark").textContent() ?? "", /^Hanya tampil sekali$/);
    assert.match(await renderedText(box), new RegExp(`Serahkan kata sandi ini langsung kepada ${siti.username.replace(".", "\\.")}`));
    siti.password = (await box.locator("#staff-password-value").innerText()).trim();
    assert.match(siti.password, /^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    await admin.locator("#staff-status", { hasText: `Akun ${siti.username} dibuat.` }).waitFor(T);
    const cells = await row(siti.username).locator("th, td").allInnerTexts();
    assert.deepEqual(cells.slice(0, 5), [siti.username, "Petugas loket", "Mal Pelayanan Publik Kabupaten Lampung Utara", "Menunggu masuk pertama", "belum pernah"]);
    await box.locator("#staff-password-copy").click();
    await admin.locator("#staff-password-copied", { hasText: "Tersalin." }).waitFor(T);
    assert.equal(await admin.evaluate(() => navigator.clipboard.readText()), siti.password);
    assert.ok(!(await stored()).includes(siti.password), "not in localStorage or sessionStorage");
    await look(admin, "one-time-password");

    await box.locator("#staff-password-done").click();
    assert.equal(await box.count(), 0);
    assert.equal(await focused(admin), `staff-${siti.username}`, "focus on the new member's row");
    assert.ok(!(await admin.content()).includes(siti.password), "gone from the page");
    await admin.reload();
    await row(siti.username).waitFor(T);
    assert.ok(!(await admin.content()).includes(siti.password), "not shown again after a reload");
    assert.ok(!(await stored()).includes(siti.password));

    const s = await signInApi(siti);
    assert.equal(s.status, 200);
    assert.equal(s.body.must_change_password, true);
    assert.equal(s.body.role, "clerk");
    assert.equal(s.body.office, OFFICE);
  });

  it("resets the password, asked first: a new one shown once, the old one refused", async () => {
    await admin.locator(`[data-reset="${siti.username}"]`).click();
    assert.match(await answer(false), /^Atur ulang kata sandi siti\.aminah\?/);
    assert.equal(await admin.locator("#staff-password").count(), 0, "cancelled: nothing happened");
    await admin.locator(`[data-reset="${siti.username}"]`).click();
    await answer(true);
    const box = admin.locator("#staff-password");
    await box.waitFor(T);
    assert.equal(await renderedText(box.locator("h3")), `Kata sandi sekali pakai baru untuk ${siti.username}`);
    const fresh = (await box.locator("#staff-password-value").innerText()).trim();
    assert.notEqual(fresh, siti.password);
    assert.equal((await signInApi(siti)).status, 401, "the old one no longer works");
    siti.password = fresh;
    assert.equal((await signInApi(siti)).body.must_change_password, true);
    await look(admin, "password-reset");
    await box.locator("#staff-password-done").click();
  });

  it("disables the clerk, asked first: they can no longer sign in; enabled again", async () => {
    await admin.locator(`[data-toggle="${siti.username}"]`).click();
    assert.match(await answer(true), /^Nonaktifkan siti\.aminah\? Ia langsung keluar dari semua perangkat/);
    await row(siti.username).locator("td", { hasText: "Nonaktif" }).waitFor(T);
    await admin.locator("#staff-status", { hasText: `${siti.username} dinonaktifkan` }).waitFor(T);
    assert.equal(await admin.evaluate(() => document.activeElement?.getAttribute("data-toggle")), siti.username, "focus on Aktifkan");
    assert.equal(await renderedText(admin.locator(`[data-toggle="${siti.username}"]`)), `Aktifkan (${siti.username})`);
    assert.equal((await user(siti.username)).disabled, true);
    const s = await signInApi(siti);
    assert.notEqual(s.status, 200);
    assert.equal(s.body.error.code, "account_disabled");
    await look(admin, "disabled");

    await admin.locator(`[data-toggle="${siti.username}"]`).click();
    await answer(true);
    await row(siti.username).locator("td", { hasText: "Belum membuat kata sandi sendiri" }).waitFor(T);
    assert.equal((await user(siti.username)).disabled, false);
  });

  it("changes the role to help desk, and signs the member out everywhere", async () => {
    await admin.locator(`[data-edit="${siti.username}"]`).click();
    await admin.locator("#staff-form-h", { hasText: `Ubah peran: ${siti.username}` }).waitFor(T);
    await admin.locator("#staff-form input[value=help_desk]").check();
    await admin.locator("#staff-form button[type=submit]").click();
    await admin.locator("#staff-status", { hasText: `Peran ${siti.username} tersimpan.` }).waitFor(T);
    assert.equal(await focused(admin), `staff-${siti.username}`);
    assert.equal(await row(siti.username).locator("td").first().innerText(), "Petugas informasi");
    assert.equal((await user(siti.username)).role, "help_desk");

    const s = await signInApi(siti);
    assert.equal(s.status, 200);
    await admin.locator(`[data-signout="${siti.username}"]`).click();
    await answer(true);
    await admin.locator("#staff-status", { hasText: `${siti.username} sudah keluar dari semua perangkat.` }).waitFor(T);
    const after = await fetch(`${server.url}/api/v1/session`, { headers: { cookie: s.cookie } });
    assert.equal(after.status, 401, "their session has ended");
  });

  it("in English, the same list and words", async () => {
    await admin.locator("#lang-btn").click();
    await admin.locator("#staff-h", { hasText: "Staff" }).waitFor(T);
    assert.deepEqual(await admin.locator("#staff-table thead th").allInnerTexts(), ["User name", "Role", "Office", "Status", "Last sign-in", "Actions"]);
    assert.equal(await row(siti.username).locator("td").nth(2).innerText(), "Own password not chosen yet");
    assert.equal(await row(siti.username).locator("td").nth(3).innerText(), "just now");
    assert.match(await renderedText(row(SUPERVISOR.username).locator(".a-actions")), /^Your account\./);
    await look(admin, "list-en");
    await admin.locator("#lang-btn").click();
    await admin.locator("#staff-h", { hasText: "Staf" }).waitFor(T);
  });

  it("pairs a kiosk by the code it shows (a wrong code refused next to it), renames it, sets its printer, revokes it", async () => {
    // A network printer to choose.
    await server.api(`/offices/${OFFICE}/printers/kiosk-lobi`, { method: "PUT", body: { address: "127.0.0.1:9100", paper: "80mm" }, headers: { cookie } });
    await open("devices");
    await admin.locator('#devices-list [data-device] h4', { hasText: "kiosk-1" }).waitFor(T);
    assert.match(await renderedText(admin.locator("#devices-list [data-device]").first()), /Kios.*Kontak terakhir belum pernah/);
    await look(admin, "devices");

    /** @type {{code: string, secret: string}} */
    const pairing = await server.api("/pairings", { body: { office: OFFICE, kind: "kiosk" } });
    assert.match(pairing.code, /^\d{6}$/);
    const code = admin.locator("#devices-pair-code");
    assert.equal(await code.getAttribute("inputmode"), "numeric");
    await admin.locator("#devices-pair-name").fill("Kios lobi");
    const wrong = pairing.code.slice(0, 5) + String((Number(pairing.code[5]) + 1) % 10);
    await code.fill(wrong);
    await admin.locator("#devices-pair button[type=submit]").click();
    const err = admin.locator("#devices-pair-code-err");
    await err.waitFor({ state: "visible", ...T });
    assert.match(await renderedText(err), /^Tidak ada perangkat yang menampilkan kode ini di kantor ini\./);
    assert.equal(await focused(admin), "devices-pair-code");
    await look(admin, "pair-refused");
    await code.fill(pairing.code);
    await admin.locator("#devices-pair button[type=submit]").click();
    await admin.locator("#devices-status", { hasText: "Kios lobi terdaftar." }).waitFor(T);
    const kiosk = (await devices()).find((/** @type {any} */ d) => d.name === "Kios lobi");
    assert.equal(kiosk.kind, "kiosk");
    assert.equal(await focused(admin), `devices-${kiosk.id}`, "focus on the new device");
    const card = admin.locator(`#devices-list [data-device="${kiosk.id}"]`);
    assert.match(await renderedText(card), /Kios lobi Kios/);
    assert.equal(await admin.locator("#devices-pair-code").inputValue(), "", "the form is empty again");
    const polled = await server.api(`/pairings/${pairing.secret}`);
    assert.equal(polled.status, "paired");
    const token = polled.token;
    assert.equal((await server.api("/device", { headers: { authorization: `Bearer ${token}` } })).name, "Kios lobi");
    await look(admin, "paired");

    // Renamed, with its printer.
    await card.locator("[data-edit]").click();
    await admin.locator("#devices-form-h", { hasText: "Ubah kios: Kios lobi" }).waitFor(T);
    assert.equal(await focused(admin), "devices-form-h");
    await admin.locator("#devices-form-name").fill("Kios pintu utama");
    await admin.locator("#devices-form-settings-printer").selectOption("kiosk-lobi");
    await look(admin, "kiosk-form");
    await admin.locator("#devices-form button[type=submit]").click();
    await admin.locator("#devices-status", { hasText: "Kios pintu utama tersimpan." }).waitFor(T);
    assert.equal(await focused(admin), `devices-${kiosk.id}`);
    assert.match(await renderedText(card), /Printer tiket kiosk-lobi \(127\.0\.0\.1:9100, 80 mm\)/);
    const saved = (await devices()).find((/** @type {any} */ d) => d.id === kiosk.id);
    assert.deepEqual([saved.name, saved.settings.printer], ["Kios pintu utama", "kiosk-lobi"]);

    // Revoked, asked first: its key stops working at once.
    await card.locator("[data-revoke]").click();
    assert.match(await answer(true), /^Cabut Kios pintu utama\?/);
    await admin.locator("#devices-status", { hasText: "Kios pintu utama dicabut." }).waitFor(T);
    assert.equal(await card.count(), 0);
    assert.equal(await focused(admin), "devices-list-h");
    assert.equal((await devices()).some((/** @type {any} */ d) => d.id === kiosk.id), false);
    await assert.rejects(server.api("/device", { headers: { authorization: `Bearer ${token}` } }), /401/);
    await look(admin, "revoked");
  });

  it("adds a display with a link shown once, and sets its zone", async () => {
    await admin.locator("#devices-link-name").fill("TV lantai 2");
    await admin.locator("#devices-link input[value=display]").check();
    await admin.locator("#devices-link button[type=submit]").click();
    const box = admin.locator("#devices-link-once");
    await box.waitFor(T);
    assert.equal(await focused(admin), "devices-link-once-h");
    const link = (await box.locator("#devices-link-once-value").innerText()).trim();
    // The link holds a secret that fetches the device's token once, never the token.
    assert.ok(link.startsWith(`${PUBLIC_BASE_URL}/display/${OFFICE}#pair=`), link);
    const secret = link.split("#pair=")[1];
    assert.ok(!(await stored()).includes(secret));
    await look(admin, "link");
    await box.locator("#devices-link-once-done").click();
    assert.equal(await box.count(), 0);

    const tv = (await devices()).find((/** @type {any} */ d) => d.name === "TV lantai 2");
    assert.equal(tv.kind, "display");
    assert.equal(await focused(admin), `devices-${tv.id}`);
    const card = admin.locator(`#devices-list [data-device="${tv.id}"]`);
    assert.match(await renderedText(card), /Loket yang ditampilkan Semua loket/);
    await card.locator("[data-edit]").click();
    await admin.locator("#devices-form-h", { hasText: "Ubah layar tunggu: TV lantai 2" }).waitFor(T);
    await admin.locator("#devices-form-settings-counters-1").check();
    await admin.locator("#devices-form-settings-counters-2").check();
    await admin.locator("#devices-form-settings-services-ktp-el").check();
    await look(admin, "zone-form");
    await admin.locator("#devices-form button[type=submit]").click();
    await admin.locator("#devices-status", { hasText: "TV lantai 2 tersimpan." }).waitFor(T);
    assert.match(await renderedText(card), /Loket yang ditampilkan Loket 1, Loket 2/);
    assert.match(await renderedText(card), /Layanan yang ditampilkan KTP Elektronik/);
    const saved = (await devices()).find((/** @type {any} */ d) => d.id === tv.id);
    assert.deepEqual(saved.settings, { counters: ["1", "2"], services: ["ktp-el"] });
    await look(admin, "zone-saved");
    await admin.locator("#lang-btn").click();
    await admin.locator("#devices-h", { hasText: "Devices" }).waitFor(T);
    assert.match(await renderedText(card), /Counters shown Loket 1, Loket 2/);
    assert.match(await renderedText(card), /Services shown Electronic ID card \(KTP-el\)/);
    await look(admin, "devices-en");
    await admin.locator("#lang-btn").click();
    await admin.locator("#devices-h", { hasText: "Perangkat" }).waitFor(T);
  });

  it("an admin gives any role and office (an admin none), and sees every office's staff and the admins", async () => {
    const kepala = { username: "kepala", password: "rahasia-admin-1" };
    antreanCli(server, ["user", "add", kepala.username, "--role", "admin"], { ANTREAN_PASSWORD: kepala.password });
    const p = await openPage(browser, DESK);
    await p.goto(`${server.url}/admin#staff`);
    await signInOnPage(p, kepala);
    await p.locator(`#staff-list tr[data-user="${SUPERVISOR.username}"]`).waitFor(T);
    // The office's staff; a supervisor is the admin's to manage.
    assert.equal(await p.locator(`#staff-list tr[data-user="${kepala.username}"]`).count(), 0, "an admin works for no one office");
    assert.equal(await p.locator(`[data-toggle="${SUPERVISOR.username}"]`).count(), 1);
    await p.locator("#staff-add").click();
    await p.locator("#staff-new-h").waitFor(T);
    assert.deepEqual(await p.locator("#staff-new input[type=radio]").evaluateAll((els) => els.map((e) => /** @type {HTMLInputElement} */ (e).value)), ["clerk", "help_desk", "supervisor", "admin"]);
    assert.equal(await p.locator("#staff-new-office").inputValue(), OFFICE);
    await p.locator("#staff-new-username").fill("wakil");
    await p.locator("#staff-new input[value=admin]").check();
    assert.equal(await p.locator("#staff-new-office").isVisible(), false, "an admin has no office");
    await look(p, "admin-add-form");
    await p.locator("#staff-new button[type=submit]").click();
    await p.locator("#staff-password").waitFor(T);
    assert.deepEqual([(await user("wakil")) ?? null], [null], "not one of the office's staff");
    await p.locator("#staff-password-done").click();
    await p.locator("#staff-scope").selectOption("all");
    const wakil = p.locator('#staff-list tr[data-user="wakil"]');
    await wakil.waitFor(T);
    assert.deepEqual((await wakil.locator("td").allInnerTexts()).slice(0, 3), ["Admin", "Semua kantor", "Menunggu masuk pertama"]);
    assert.match(await renderedText(p.locator(`#staff-list tr[data-user="${kepala.username}"] .a-actions`)), /^Akun Anda\./);
    await look(p, "admin-all");
    await p.close();
  });
});
