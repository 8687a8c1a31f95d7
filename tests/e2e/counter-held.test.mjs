// One clerk per counter, as the screens show it: clerk A opens counter 1;
// clerk B's counter choice shows it held by A and cannot choose it (the API
// refuses B as counter_held if forced); the lobby display shows A's name on
// counter 1's tile. A supervisor releases it: B's choice offers it again, B
// takes it by acting, the display then shows B, and A's page says B holds
// it with its buttons off. A page that could not know (its stream away)
// is refused next to the button used.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { addStaff, checkScreen, CLERK, launchBrowser, OFFICE, openPage, renderedText, sessionCookie, signInOnPage, startServer, SUPERVISOR } from "./helpers.mjs";

const T = { timeout: 15000 };
/** "Live, without a reload." */
const AT_ONCE = { timeout: 5000 };
const COUNTER = { width: 1366, height: 768 };
const TV = { width: 1920, height: 1080 };
const CLERK_B = { username: "petugas2", password: "rahasia-loket-dua" };
const HELD = "Loket ini sedang dipegang petugas lain. Petugas itu menutupnya, atau supervisor melepasnya dari monitor.";

describe("a counter held by one clerk", { timeout: 180000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let pageA;
  /** @type {import("playwright-core").Page} */ let pageB;
  /** @type {import("playwright-core").Page} */ let display;

  before(async () => {
    server = await startServer();
    addStaff(server, CLERK_B);
    browser = await launchBrowser();
    for (let i = 0; i < 3; i++) await server.takeOnline("ktp-el");
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A counter page signed in as `who`, at the counter choice. @param {{username: string, password: string}} who */
  async function signedIn(who) {
    const p = await openPage(browser, COUNTER);
    await p.goto(`${server.url}/counter/${OFFICE}`);
    await signInOnPage(p, who);
    await p.locator("#pick-list button").first().waitFor(T);
    return p;
  }

  /** Counter 1's tile on the display: the clerk's name under the counter's. */
  const tileClerk = () => display.locator('#counters [data-counter="1"] .d-counter-clerk');

  it("clerk A opens counter 1: B's choice shows it held by A and cannot choose it; the display shows A", async () => {
    display = await openPage(browser, TV);
    await display.goto(`${server.url}/display/${OFFICE}`);
    await display.locator('#counters [data-counter="1"]').waitFor(T);
    assert.equal(await tileClerk().textContent(), "", "nobody at counter 1 yet");

    pageA = await signedIn(CLERK);
    pageB = await signedIn(CLERK_B);
    await pageA.locator("#pick-1").click();
    await pageA.locator("#act-open").click();
    await pageA.locator("#counter-state.is-open").waitFor(T);
    await pageA.locator("#counter-clerk.is-mine", { hasText: "Loket Anda" }).waitFor(T);

    // B's choice, live: counter 1 is A's, greyed out and not choosable, saying why.
    const one = pageB.locator("#pick-1");
    await pageB.locator("#pick-1.is-held").waitFor(AT_ONCE);
    assert.equal(await one.isDisabled(), true);
    assert.match(await renderedText(one), /^Loket 1 — petugas1 Sedang dipakai petugas lain Buka/);
    assert.equal(await one.evaluate((el) => getComputedStyle(el).borderStyle), "dashed", "it looks unavailable");
    assert.equal(await pageB.locator("#pick-2").isDisabled(), false, "another counter can be chosen");
    await one.click({ force: true });
    assert.equal(await pageB.locator("#work").isHidden(), true, "a click on it chooses nothing");
    await checkScreen(pageB, "counter-held-1366x768-pick-b");

    // Forced through the API, B is refused.
    const cookieB = await sessionCookie(server, CLERK_B);
    await assert.rejects(server.counter(cookieB, "1", "call-next"), /409.*counter_held/);

    // The hall sees who works counter 1.
    await tileClerk().filter({ hasText: "petugas1" }).waitFor(AT_ONCE);
    await checkScreen(display, "counter-held-1920x1080-display-a");
    const fits = await display.evaluate(() => document.documentElement.scrollHeight <= innerHeight && document.documentElement.scrollWidth <= innerWidth);
    assert.equal(fits, true, "the display still fits its screen");
  });

  it("released by a supervisor, B takes counter 1 by acting; the display shows B, and A's page says B holds it", async () => {
    // A second page of A's that hears nothing from the stream: it will not know.
    const stale = await openPage(browser, COUNTER);
    await stale.routeWebSocket(/\/live/, () => {});

    const supervisor = await sessionCookie(server, SUPERVISOR);
    await server.api(`/offices/${OFFICE}/counters/1/release`, { method: "POST", headers: { cookie: supervisor } });
    await pageB.locator("#pick-1:not([disabled])").waitFor(AT_ONCE);
    assert.equal(await renderedText(pageB.locator("#pick-1")), "Loket 1 Buka A");
    await display.waitForFunction(() => document.querySelector('#counters [data-counter="1"] .d-counter-clerk')?.textContent === "", null, AT_ONCE);
    await pageA.locator("#counter-clerk").waitFor({ state: "hidden", ...AT_ONCE });

    await stale.goto(`${server.url}/counter/${OFFICE}`);
    await signInOnPage(stale, CLERK);
    await stale.locator("#pick-1").click();
    await stale.locator("#act-call-next:not([disabled])").waitFor(T);

    await pageB.locator("#pick-1").click();
    await pageB.locator("#act-call-next:not([disabled])").click();
    await pageB.locator("#current-number", { hasText: "A001" }).waitFor(T);
    await pageB.locator("#counter-clerk.is-mine", { hasText: "Loket Anda" }).waitFor(AT_ONCE);
    await tileClerk().filter({ hasText: "petugas2" }).waitFor(AT_ONCE);
    await checkScreen(pageB, "counter-held-1366x768-work-b");
    await checkScreen(display, "counter-held-1920x1080-display-b");

    // A's live page: held by B, said in full, the counter's buttons off.
    await pageA.locator("#counter-clerk.is-other").waitFor(AT_ONCE);
    assert.equal(
      await pageA.locator("#counter-clerk").textContent(),
      "Loket ini dipegang petugas2. Pilih loket lain, atau minta supervisor melepasnya dari monitor.",
    );
    for (const id of ["act-open", "act-pause", "act-close", "act-call-next", "act-recall", "act-start", "act-no-show", "act-transfer", "act-call"]) {
      assert.equal(await pageA.locator(`#${id}`).isDisabled(), true, `#${id} is off`);
    }
    await checkScreen(pageA, "counter-held-1366x768-work-a-held");
    // Back at the choice, counter 1 is B's.
    await pageA.locator("#change-counter").click();
    await pageA.locator("#pick-1.is-held", { hasText: "Loket 1 — petugas2" }).waitFor(T);

    // The stale page's call is refused, said next to the button used.
    await stale.locator("#act-pause").click();
    await stale.locator("#dlg[open]").waitFor(T);
    await stale.locator("#dlg-ok").click();
    const refusal = stale.locator("#act-refusal");
    await refusal.waitFor(T);
    assert.equal(await refusal.textContent(), HELD);
    assert.equal(await refusal.getAttribute("role"), "alert");
    assert.equal(await stale.locator("#act-pause").getAttribute("aria-describedby"), "act-refusal");
    const near = await stale.evaluate(() => {
      const b = /** @type {HTMLElement} */ (document.getElementById("act-pause")).getBoundingClientRect();
      const r = /** @type {HTMLElement} */ (document.getElementById("act-refusal")).getBoundingClientRect();
      return r.top >= b.bottom - 1 && r.top - b.bottom < 40;
    });
    assert.equal(near, true, "the refusal is right under the button");
    await checkScreen(stale, "counter-held-1366x768-refused-pause");
    await stale.locator("#act-call-next").click();
    await stale.locator("#act-refusal").waitFor(T);
    assert.equal(await stale.locator("#act-pause").getAttribute("aria-describedby"), null, "one refusal, at the button used last");
    assert.equal(await stale.evaluate(() => document.getElementById("act-call-next")?.closest(".c-act")?.nextElementSibling?.id), "act-refusal");
    assert.equal(await stale.locator("#message").textContent(), "");
    await checkScreen(stale, "counter-held-1366x768-refused");
    await stale.close();
  });
});
