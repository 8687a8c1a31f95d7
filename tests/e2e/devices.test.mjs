// Kiosks and displays pair and get revoked: a kiosk without a token shows a
// six-digit code, a supervisor enters it (here over the API) and the kiosk
// starts by itself and issues; revoked, it says so within seconds in both
// languages, forgets its token and offers to pair again, and a kiosk opened
// with a revoked token says so at once. A display works without a token (the
// public display) and offers pairing; paired with a zone of one counter and
// two services it shows, and speaks, only that; revoked, it says so. A
// one-time link from /admin holds a secret, not the token: opened, the page
// exchanges it once, keeps the token and takes the secret off the address;
// opened again, it says in both languages that the link was used or expired
// and offers pairing by code.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkScreen, launchBrowser, OFFICE, openPage, renderedText, sessionCookie, spoken, startServer, SUPERVISOR } from "./helpers.mjs";

const T = { timeout: 15000 };
/** A poll every 2.5 s, then the start. */
const PAIRED = { timeout: 10000 };
/** "Within a few seconds." */
const AT_ONCE = { timeout: 5000 };
const KIOSK = { width: 1080, height: 1920 };
const TV = { width: 1920, height: 1080 };

describe("devices that pair and get revoked", { timeout: 180000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let kiosk;
  /** @type {import("playwright-core").Page} */ let display;
  let supervisor = "";
  let kioskId = 0;
  let kioskToken = "";
  let displayId = 0;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    supervisor = await sessionCookie(server, SUPERVISOR);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** What a supervisor does in Admin → Perangkat. @param {string} p @param {{method?: string, body?: unknown}} [opts] */
  const asSupervisor = (p, opts = {}) => server.api(`/offices/${OFFICE}${p}`, { ...opts, headers: { cookie: supervisor } });

  /** The six digits a page shows to pair it. @param {import("playwright-core").Page} page */
  async function pairingCode(page) {
    const el = page.locator("#pair-code[data-code]");
    await el.waitFor(T);
    const code = (await el.getAttribute("data-code")) ?? "";
    assert.match(code, /^\d{6}$/);
    assert.equal(((await el.textContent()) ?? "").replace(/\s/g, ""), code);
    return code;
  }

  it("a kiosk without a token shows a code; paired by a supervisor, it starts by itself and issues", async () => {
    kiosk = await openPage(browser, KIOSK);
    await kiosk.goto(`${server.url}/kiosk/${OFFICE}`);
    const code = await pairingCode(kiosk);
    assert.equal(await kiosk.locator("#pair-title").textContent(), "Pasangkan kios ini");
    assert.equal(await renderedText(kiosk.locator(".pair-hint")), "Masukkan kode ini di halaman Admin → Perangkat");
    assert.match(await renderedText(kiosk.locator("#pair-left")), /^Kode berlaku 1[45]:\d\d lagi$/);
    // Nothing to take a ticket with yet.
    assert.equal(await kiosk.locator("#start").isHidden(), true);
    // Every target on the kiosk is at least 64 px high (only the header's here).
    const small = await kiosk.evaluate(() =>
      [...document.querySelectorAll("button")].filter((b) => b.offsetParent !== null && b.getBoundingClientRect().height < 64).map((b) => b.id),
    );
    assert.deepEqual(small, []);
    await checkScreen(kiosk, "devices-kiosk-1080x1920-pairing");

    const { device } = await asSupervisor("/devices", { body: { name: "Kios lobi", code } });
    kioskId = device.id;
    assert.equal(device.kind, "kiosk");
    await kiosk.locator('button[data-service="ktp-el"]').waitFor(PAIRED);
    assert.equal(await kiosk.locator("#device-setup").isHidden(), true);
    kioskToken = await kiosk.evaluate((o) => JSON.parse(localStorage.getItem(`antrean.kiosk.${o}`) ?? "{}").device ?? "", OFFICE);
    assert.match(kioskToken, /.{20,}/, "the token is kept on the kiosk");
    await kiosk.locator('button[data-service="ktp-el"]').click();
    await kiosk.locator("#prio-none").click();
    await kiosk.locator("#confirm-take").click();
    await kiosk.locator("#result:not([hidden])").waitFor(T);
    assert.equal(await kiosk.locator("#result-number").textContent(), "A001");
    await checkScreen(kiosk, "devices-kiosk-1080x1920-ticket");
    await kiosk.locator("#done").click();
    await kiosk.locator("#start:not([hidden])").waitFor(T);
  });

  it("revoked, the kiosk says so within seconds in both languages, forgets its token and offers to pair again", async () => {
    await asSupervisor(`/devices/${kioskId}`, { method: "DELETE" });
    await kiosk.locator("#revoked-title").waitFor(AT_ONCE);
    assert.equal(await kiosk.locator("#revoked-title").textContent(), "Kios ini telah dicabut. Hubungi petugas.");
    assert.equal(await kiosk.locator(".revoked-other").getAttribute("lang"), "en");
    assert.equal(await kiosk.locator(".revoked-other").textContent(), "This kiosk has been revoked. Please ask staff.");
    assert.equal(await kiosk.locator("#start").isHidden(), true);
    assert.equal(await kiosk.evaluate((o) => JSON.parse(localStorage.getItem(`antrean.kiosk.${o}`) ?? "{}").device ?? null, OFFICE), null);
    await checkScreen(kiosk, "devices-kiosk-1080x1920-revoked");
    // In English too, by the language button.
    await kiosk.locator("#lang-btn").click();
    await kiosk.locator("#pair-again", { hasText: "Pair again" }).waitFor(T);
    await kiosk.locator("#pair-again").click();
    await pairingCode(kiosk);
    assert.equal(await kiosk.locator("#pair-title").textContent(), "Pair this kiosk");
    await checkScreen(kiosk, "devices-kiosk-1080x1920-pairing-en");
  });

  it("a kiosk opened with a revoked token says so at once", async () => {
    const p = await openPage(browser, KIOSK);
    await p.goto(`${server.url}/kiosk/${OFFICE}#device=${kioskToken}`);
    await p.locator("#revoked-title").waitFor(AT_ONCE);
    assert.equal(await p.locator("#start").isHidden(), true);
    await p.close();
  });

  it("a display without a token is the public display, and offers pairing", async () => {
    display = await openPage(browser, TV);
    await display.goto(`${server.url}/display/${OFFICE}`);
    await display.locator("#counters li").nth(7).waitFor(T);
    await display.locator("#pair-start:not([hidden])").waitFor(T);
    assert.equal(await display.locator("#pair-start").textContent(), "Pasangkan layar ini");
    await checkScreen(display, "devices-display-1920x1080-public");
    await display.locator("#pair-start").click();
    const code = await pairingCode(display);
    assert.equal(await display.locator("#pair-title").textContent(), "Pasangkan layar ini");
    await checkScreen(display, "devices-display-1920x1080-pairing");

    const { device } = await asSupervisor("/devices", { body: { name: "TV lantai 2", code } });
    displayId = device.id;
    assert.equal(device.kind, "display");
    await asSupervisor(`/devices/${displayId}`, { method: "PUT", body: { name: "TV lantai 2", settings: { counters: ["2"], services: ["ktp-el", "kartu-keluarga"] } } });
    await display.locator("#device-setup").waitFor({ state: "hidden", ...PAIRED });
    await display.locator("#pair-start").waitFor({ state: "hidden" });
  });

  it("a paired display shows and speaks only its zone: one counter, two services", async () => {
    // Kept on the device: after a reload it is still paired, with its zone.
    await display.reload();
    await display.locator('#counters [data-counter="2"]').waitFor(T);
    await display.waitForFunction(() => document.querySelectorAll("#counters li").length === 1, null, T);
    assert.deepEqual(await display.locator("#waiting li").evaluateAll((els) => els.map((el) => el.getAttribute("data-service"))), ["ktp-el", "kartu-keluarga"]);
    assert.equal(await display.locator("#pair-start").isHidden(), true);

    const cookie = await server.clerkCookie();
    // B001 before A002: counter 2 (both services, in issue order) calls B001.
    await server.takeOnline("kartu-keluarga");
    await server.takeOnline("ktp-el");
    await server.counter(cookie, "1", "open");
    await server.counter(cookie, "2", "open");
    assert.equal((await server.counter(cookie, "1", "call-next")).number, "A001");
    assert.equal((await server.counter(cookie, "2", "call-next")).number, "B001");
    await display.locator("#now-number", { hasText: "B001" }).waitFor(T);
    await display.waitForFunction(() => /** @type {any} */ (window).__spoken.some((/** @type {any} */ s) => s.text), null, T);
    await display.waitForTimeout(1500);
    assert.deepEqual(
      (await spoken(display)).map((/** @type {any} */ s) => s.text),
      ["Nomor antrean B satu, silakan menuju loket dua"],
      "the call at counter 1 is another zone's",
    );
    // The zone's one call is on the big card; counter 1's is listed nowhere.
    assert.deepEqual(await display.locator("#recent .d-call-number").allTextContents(), []);
    await checkScreen(display, "devices-display-1920x1080-zone");
  });

  it("revoked, the display says so within seconds and forgets its token", async () => {
    await asSupervisor(`/devices/${displayId}`, { method: "DELETE" });
    await display.locator("#revoked-title").waitFor(AT_ONCE);
    assert.equal(await display.locator("#revoked-title").textContent(), "Layar ini telah dicabut. Hubungi petugas.");
    assert.equal(await display.locator(".revoked-other").textContent(), "This display has been revoked. Please ask staff.");
    assert.equal(await display.evaluate((o) => localStorage.getItem(`antrean.display.${o}.device`), OFFICE), null);
    await checkScreen(display, "devices-display-1920x1080-revoked");
    // Pairing again can be cancelled: then it is the public display, every counter.
    await display.locator("#pair-again").click();
    await pairingCode(display);
    await display.locator("#pair-cancel").click();
    await display.locator("#device-setup").waitFor({ state: "hidden" });
    await display.locator("#counters li").nth(7).waitFor(T);
  });

  /**
   * A one-time link of /admin for a new device of `kind`: its secret (the
   * link's address is the configured public one, not the test server's).
   * @param {"kiosk" | "display"} kind
   */
  async function oneTimeLink(kind, name = `${kind}-${Date.now()}`) {
    const { device, link } = await asSupervisor("/devices", { body: { name, kind } });
    const m = new RegExp(`/${kind}/${OFFICE}#pair=([^&]+)$`).exec(link);
    assert.ok(m, `a link to the ${kind} holding a secret: ${link}`);
    assert.doesNotMatch(link, /#device=/);
    return { id: device.id, secret: m[1] };
  }

  /** Waits until `page` says its link was spent, in both languages, with pairing by code. @param {import("playwright-core").Page} page */
  async function linkSpent(page) {
    await page.locator("#spent-title").waitFor(T);
    assert.equal(await page.locator("#spent-title").textContent(), "Tautan pemasangan ini sudah dipakai atau kedaluwarsa.");
    assert.match(await renderedText(page.locator(".revoked-detail")), /sekali saja, selama 15 menit/);
    assert.equal(await page.locator(".revoked-other").getAttribute("lang"), "en");
    assert.equal(await page.locator(".revoked-other").textContent(), "This pairing link has already been used or has expired.");
    assert.match(await renderedText(page.locator(".revoked-other-detail")), /once, for 15 minutes/);
    assert.equal(await page.locator("#pair-by-code").textContent(), "Pasangkan dengan kode");
    assert.equal(await page.locator("#pair-by-code").evaluate((el) => el === document.activeElement), true);
  }

  it("a kiosk opened with a one-time link exchanges it once, keeps the token and issues; the link opened again is spent", async () => {
    const { secret } = await oneTimeLink("kiosk");
    const p = await openPage(browser, KIOSK);
    await p.goto(`${server.url}/kiosk/${OFFICE}#pair=${secret}&idle=30`);
    await p.locator('button[data-service="ktp-el"]').waitFor(PAIRED);
    assert.equal(await p.evaluate(() => location.hash), "", "the secret is off the address");
    const kept = await p.evaluate((o) => JSON.parse(localStorage.getItem(`antrean.kiosk.${o}`) ?? "{}"), OFFICE);
    assert.match(kept.device ?? "", /.{20,}/, "the token is kept on the kiosk");
    assert.equal(kept.idle, 30, "the link's other settings are kept too");
    await p.locator('button[data-service="ktp-el"]').click();
    await p.locator("#prio-none").click();
    await p.locator("#confirm-take").click();
    await p.locator("#result:not([hidden])").waitFor(T);
    // Given once: the secret fetches nothing more.
    await assert.rejects(server.api(`/pairings/${secret}`), /404.*unknown_pairing_code/);
    await p.close();

    const again = await openPage(browser, KIOSK);
    await again.goto(`${server.url}/kiosk/${OFFICE}#pair=${secret}`);
    await linkSpent(again);
    assert.equal(await again.evaluate(() => location.hash), "");
    assert.equal(await again.locator("#start").isHidden(), true);
    await checkScreen(again, "devices-kiosk-1080x1920-link-spent");
    await again.locator("#pair-by-code").click();
    await pairingCode(again);
    await again.close();
  });

  it("a display opened with a one-time link is paired; opened again, the link is spent over the public display", async () => {
    const { secret } = await oneTimeLink("display");
    const p = await openPage(browser, TV);
    await p.goto(`${server.url}/display/${OFFICE}#pair=${secret}`);
    await p.locator("#counters li").nth(7).waitFor(T);
    await p.waitForFunction((o) => !!localStorage.getItem(`antrean.display.${o}.device`), OFFICE, T);
    assert.equal(await p.evaluate(() => location.hash), "");
    assert.equal(await p.locator("#pair-start").isHidden(), true, "paired: no pairing offered");
    assert.equal(await p.locator("#device-setup").isHidden(), true);
    await p.close();

    const again = await openPage(browser, TV);
    await again.goto(`${server.url}/display/${OFFICE}#pair=${secret}`);
    await linkSpent(again);
    await checkScreen(again, "devices-display-1920x1080-link-spent");
    await again.locator("#pair-by-code").click();
    await pairingCode(again);
    await again.locator("#pair-cancel").click();
    await again.locator("#device-setup").waitFor({ state: "hidden" });
    await again.locator("#counters li").nth(7).waitFor(T);
    await again.close();
  });
});
