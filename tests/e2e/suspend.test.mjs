// A service stopped for now, as staff and citizens meet it: a supervisor
// stops `ktp-el` from the admin monitor (1366×768) with a message; the
// kiosk (1080×1920), the citizen page (360×740) and the lobby display
// (1920×1080), open in other pages, show "Layanan dihentikan sementara"
// and the message at once, with no take-ticket button for it; an empty
// message is refused next to the field, in the screen's language; the
// supervisor resumes and the button comes back, without a reload. A
// ticket refused as service_suspended (stopped while the page was open)
// says so. A clerk never sees the switch. axe-core finds nothing serious;
// a screenshot of each state goes to artifacts/.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CLERK, OFFICE, SUPERVISOR, axe, checkScreen, launchBrowser, openPage, renderedText, screenshot, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };
const MESSAGE = "Blanko KTP habis, silakan kembali besok";


/** @param {import("playwright-core").Page} p @param {{username: string, password: string}} who */
async function signIn(p, who) {
  await p.locator("#username").fill(who.username);
  await p.locator("#password").fill(who.password);
  await p.locator("#signin-form button[type=submit]").click();
  await p.locator("#monitor:not([hidden])").waitFor(T);
}

describe("a service stopped for now", { timeout: 180000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let admin;
  /** @type {import("playwright-core").Page} */ let kiosk;
  /** @type {import("playwright-core").Page} */ let phone;
  /** @type {import("playwright-core").Page} */ let display;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the screens open, ktp-el offered", async () => {
    kiosk = await openPage(browser, { width: 1080, height: 1920 });
    await kiosk.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    await kiosk.locator('button[data-service="ktp-el"]').waitFor(T);
    phone = await openPage(browser, { width: 360, height: 740 }, true);
    await phone.goto(`${server.url}/o/${OFFICE}`);
    await phone.locator('button[data-service="ktp-el"]').waitFor(T);
    display = await openPage(browser, { width: 1920, height: 1080 });
    await display.goto(`${server.url}/display/${OFFICE}`);
    await display.locator('#waiting [data-service="ktp-el"]').waitFor(T);
    assert.equal(await display.locator(".d-svc-suspended").count(), 0);
    admin = await openPage(browser, { width: 1366, height: 768 });
    await admin.goto(`${server.url}/admin`);
    await signIn(admin, SUPERVISOR);
    await admin.locator('[data-switch="ktp-el"] input').waitFor(T);
  });

  it("admin (1366×768): an empty message is refused next to the field, in the screen's language", async () => {
    const sw = admin.locator('[data-switch="ktp-el"]');
    await sw.locator("input").fill("   ");
    await sw.locator("button[data-suspend]").click();
    const err = sw.locator("#sw-err-ktp-el");
    await err.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(err), "Tulis pesan untuk warga (paling banyak 120 karakter).");
    assert.equal(await sw.locator("input").getAttribute("aria-invalid"), "true");
    assert.equal(await admin.evaluate(() => document.activeElement?.id), "sw-msg-ktp-el", "focus back on the field");
    assert.equal(await sw.locator("input").getAttribute("maxlength"), "120");
    await sw.scrollIntoViewIfNeeded();
    await checkScreen(admin, "suspend-admin-1366x768-refused");
    // The same refusal in English.
    await admin.locator("#lang-btn").click();
    await sw.locator("label", { hasText: "Message for citizens" }).waitFor(T);
    await sw.locator("input").fill("");
    await sw.locator("button[data-suspend]").click();
    await err.filter({ hasText: "Write a message for citizens (at most 120 characters)." }).waitFor(T);
    await admin.locator("#lang-btn").click();
    await sw.locator("label", { hasText: "Pesan untuk warga" }).waitFor(T);
  });

  it("the supervisor stops ktp-el: kiosk, phone and display show the message at once, no button", async () => {
    // What a citizen holds on the phone meanwhile, for another service: its
    // button and its requirements, opened (the redraw must keep both).
    const other = phone.locator('[data-card="skck"]');
    await other.locator("summary").click();
    const otherButton = await other.locator('button[data-service="skck"]').elementHandle();
    const otherKiosk = await kiosk.locator('button[data-service="skck"]').elementHandle();
    const sw = admin.locator('[data-switch="ktp-el"]');
    await sw.locator("input").fill(MESSAGE);
    await sw.locator("button[data-suspend]").click();
    await sw.locator("button[data-resume]").waitFor(T);
    assert.equal(await admin.evaluate(() => document.activeElement?.getAttribute("data-resume")), "ktp-el", "focus on Lanjutkan");
    assert.equal(await renderedText(sw.locator(".a-switch-state")), `Dihentikan sementara: ${MESSAGE}`);
    assert.equal(await renderedText(admin.locator("#switch-status")), "KTP Elektronik dihentikan sementara.");
    await sw.scrollIntoViewIfNeeded();
    await checkScreen(admin, "suspend-admin-1366x768-stopped");

    // Kiosk: a card with the label and the message, no button.
    const card = kiosk.locator('[data-service="ktp-el"][data-suspended]');
    await card.waitFor(T);
    assert.equal(await card.evaluate((el) => el.tagName), "DIV");
    assert.equal(await renderedText(card.locator(".k-svc-off")), "Layanan dihentikan sementara");
    assert.equal(await renderedText(card.locator(".k-svc-msg")), MESSAGE);
    assert.equal(await kiosk.locator('button[data-service="ktp-el"]').count(), 0);
    assert.equal(await kiosk.locator("button[data-service]").count(), 7, "the other services are offered");
    await checkScreen(kiosk, "suspend-kiosk-1080x1920");

    // Citizen page: the card says it, no button.
    const pc = phone.locator('[data-suspended="ktp-el"]');
    await pc.waitFor(T);
    assert.equal(await renderedText(pc), `Layanan dihentikan sementara ${MESSAGE}`);
    assert.equal(await phone.locator('button[data-service="ktp-el"]').count(), 0);
    assert.equal(await otherButton?.evaluate((el) => el.isConnected), true, "the other service's button is the same element");
    assert.equal(await other.locator("details").getAttribute("open"), "", "its requirements stay open");
    assert.equal(await otherKiosk?.evaluate((el) => el.isConnected), true, "the kiosk's too");
    await pc.scrollIntoViewIfNeeded();
    await checkScreen(phone, "suspend-citizen-360x740");
    await phone.locator("#lang-btn").click();
    await pc.locator(".suspended-label", { hasText: "Temporarily stopped" }).waitFor(T);
    assert.equal(await renderedText(pc.locator(".suspended-msg")), MESSAGE, "the staff's words, as written");
    assert.equal(await pc.locator(".suspended-msg").getAttribute("lang"), "id");
    await checkScreen(phone, "suspend-citizen-360x740-en");
    await phone.locator("#lang-btn").click();

    // Display: the waiting list says it.
    const row = display.locator('#waiting [data-service="ktp-el"] .d-svc-suspended');
    await row.waitFor(T);
    assert.equal(await renderedText(row), `Layanan dihentikan sementara ${MESSAGE}`);
    await checkScreen(display, "suspend-display-1920x1080");
    const overflow = await display.evaluate(() => document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth);
    assert.equal(overflow, false, "the display fits its screen");

    // The API refuses it too.
    await assert.rejects(server.takeOnline("ktp-el"), /422 .*service_suspended/);
  });

  /**
   * A page that missed the stop: no live stream, and the first answer of
   * the office says every service issues; later ones are the server's.
   * @param {import("playwright-core").Page} p
   */
  async function missedIt(p) {
    await p.routeWebSocket(/\/live/, () => {});
    let fetched = 0;
    await p.route(`**/api/v1/offices/${OFFICE}`, async (route) => {
      const res = await route.fetch();
      const o = await res.json();
      if (fetched++ === 0) for (const s of o.services) s.suspended = null;
      await route.fulfill({ response: res, json: o });
    });
  }

  it("a ticket refused as service_suspended says so, on the kiosk and the phone", async () => {
    const k = await openPage(browser, { width: 1080, height: 1920 });
    await missedIt(k);
    await k.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    await k.locator('button[data-service="ktp-el"]').click();
    await k.locator("#prio-none").click();
    await k.locator("#confirm-take").click();
    await k.locator("#confirm-error", { hasText: "KTP Elektronik dihentikan sementara. Nomor antrean tidak dapat diambil." }).waitFor(T);
    // Fetched again: the card with the message instead of the button.
    await k.locator("#confirm-back").click();
    await k.locator('[data-service="ktp-el"][data-suspended] .k-svc-msg', { hasText: MESSAGE }).waitFor(T);
    await k.close();

    const p = await openPage(browser, { width: 360, height: 740 }, true);
    await missedIt(p);
    await p.goto(`${server.url}/o/${OFFICE}`);
    await p.locator('button[data-service="ktp-el"]').click();
    await p.locator("#confirm-take").click();
    await p.locator(".error-msg", { hasText: "KTP Elektronik dihentikan sementara." }).waitFor(T);
    await p.locator('[data-suspended="ktp-el"] .suspended-msg', { hasText: MESSAGE }).waitFor(T);
    assert.equal(await p.locator('button[data-service="ktp-el"]').count(), 0);
    await p.close();
  });

  it("the supervisor resumes: the buttons come back without a reload", async () => {
    const sw = admin.locator('[data-switch="ktp-el"]');
    await sw.locator("button[data-resume]").click();
    await sw.locator("input").waitFor(T);
    assert.equal(await admin.evaluate(() => document.activeElement?.id), "sw-msg-ktp-el", "focus on the field again");
    assert.equal(await renderedText(admin.locator("#switch-status")), "KTP Elektronik dilanjutkan.");
    await kiosk.locator('button[data-service="ktp-el"]').waitFor(T);
    await phone.locator('button[data-service="ktp-el"]').waitFor(T);
    await display.locator(".d-svc-suspended").waitFor({ state: "detached", ...T });
    assert.equal(await kiosk.locator("[data-suspended]").count(), 0);
    assert.equal(await phone.locator("[data-suspended]").count(), 0);
    await screenshot(kiosk, "suspend-kiosk-1080x1920-resumed");
    // And a ticket can be taken again.
    await kiosk.locator('button[data-service="ktp-el"]').click();
    await kiosk.locator("#prio-none").click();
    await kiosk.locator("#confirm-take").click();
    await kiosk.locator("#result:not([hidden])").waitFor(T);
  });

  it("a clerk does not see the switch", async () => {
    const p = await openPage(browser, { width: 1366, height: 768 });
    await p.goto(`${server.url}/admin`);
    await p.locator("#username").fill(CLERK.username);
    await p.locator("#password").fill(CLERK.password);
    await p.locator("#signin-form button[type=submit]").click();
    // Not the monitor at all: the way to their counter (admin-report.test.mjs).
    await p.locator("#staff-only:not([hidden])").waitFor(T);
    assert.equal(await p.locator("#switches-card").isVisible(), false);
    assert.equal(await p.locator("[data-suspend], [data-resume]").count(), 0);
    await screenshot(p, "suspend-admin-1366x768-clerk");
    await p.close();
  });
});
