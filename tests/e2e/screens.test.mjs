// Every screen at its target size: a screenshot in artifacts/, no serious
// or critical axe-core violation (also a done ticket's survey and document
// steps, and the report); kiosk targets at least 64 px high; the kiosk's QR
// code (the server's image) reads back as the ticket's public address; the idle warning can be extended; the
// citizen page's first load stays under 60 KB transferred.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { ARTIFACTS, CLERK, OFFICE, PUBLIC_BASE_URL, SUPERVISOR, axe, checkScreen, kioskQr, launchBrowser, openPage, readQr, screenshot, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };

describe("screens", { timeout: 240000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  let code = "";

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // A morning in progress: some tickets, counters open, calls made.
    const cookie = await server.clerkCookie();
    for (const s of ["ktp-el", "ktp-el", "kartu-keluarga", "akta", "ktp-el", "samsat", "samsat", "skck"]) await server.takeOnline(s);
    for (const c of ["1", "2", "4", "6"]) await server.counter(cookie, c, "open");
    await server.counter(cookie, "8", "open");
    await server.counter(cookie, "8", "pause", { reason: "Istirahat" });
    await server.counter(cookie, "1", "call-next");
    await server.counter(cookie, "2", "call-next");
    await server.counter(cookie, "2", "start");
    await server.counter(cookie, "6", "call-next");
    code = (await server.takeOnline("ktp-el")).code;
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("citizen: office list, services, ticket, called (phone)", async () => {
    const p = await openPage(browser, { width: 390, height: 844 }, true);
    await p.goto(`${server.url}/`);
    await p.locator(".card a").first().waitFor(T);
    await checkScreen(p, "citizen-390x844-offices");
    await p.goto(`${server.url}/o/${OFFICE}`);
    await p.locator("button[data-service]").first().waitFor(T);
    await checkScreen(p, "citizen-390x844-services");
    await p.locator('button[data-service="akta"]').click();
    await checkScreen(p, "citizen-390x844-confirm");
    await p.goto(`${server.url}/t/${code}`);
    await p.locator("#ticket-ahead").waitFor(T);
    await checkScreen(p, "citizen-390x844-ticket");
    await p.locator("#lang-btn").click();
    await p.locator("#ticket-status", { hasText: "Waiting" }).waitFor(T);
    await checkScreen(p, "citizen-390x844-ticket-en");
    await p.locator("#lang-btn").click();
    await p.close();
  });

  it("citizen: the first load of an office page is under 60 KB", async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const p = await ctx.newPage();
    const cdp = await ctx.newCDPSession(p);
    await cdp.send("Network.enable");
    await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
    /** @type {Map<string, number>} */
    const sizes = new Map();
    /** @type {Map<string, string>} */
    const urls = new Map();
    cdp.on("Network.requestWillBeSent", (e) => urls.set(e.requestId, e.request.url));
    cdp.on("Network.loadingFinished", (e) => sizes.set(e.requestId, e.encodedDataLength));
    await p.goto(`${server.url}/o/${OFFICE}`, { waitUntil: "networkidle" });
    await p.locator("button[data-service]").first().waitFor(T);
    const total = [...sizes.values()].reduce((a, b) => a + b, 0);
    const detail = [...sizes].map(([id, n]) => `${n}\t${urls.get(id)}`).join("\n");
    console.log(`citizen first load: ${total} bytes in ${sizes.size} requests\n${detail}`);
    assert.ok(sizes.size >= 5, "the page, its styles, scripts, strings and the office were all counted");
    assert.ok(total < 60 * 1024, `first load ${total} bytes:\n${detail}`);
    // The browser's own view agrees.
    const perf = await p.evaluate(() =>
      [/** @type {PerformanceEntry} */ (performance.getEntriesByType("navigation")[0]), ...performance.getEntriesByType("resource")].reduce(
        (a, e) => a + (/** @type {PerformanceResourceTiming} */ (e).transferSize || 0),
        0,
      ),
    );
    assert.ok(perf < 60 * 1024, `performance entries: ${perf} bytes`);
    await ctx.close();
  });

  for (const [w, h] of [
    [1080, 1920],
    [1920, 1080],
  ]) {
    it(`kiosk ${w}×${h}: start, priority, confirmation, result with QR, idle warning`, async () => {
      const p = await openPage(browser, { width: w, height: h });
      await p.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}&idle=5`);
      await p.locator('[data-service="ktp-el"]').waitFor(T);
      await p.locator('[data-service="ktp-el"] .k-svc-facts').waitFor(T);
      // Every target on the kiosk is at least 64 px high.
      const small = await p.evaluate(() =>
        [...document.querySelectorAll("button, a, input, select, [role=button]")]
          .filter((el) => /** @type {HTMLElement} */ (el).offsetParent !== null)
          .map((el) => ({ id: el.id || el.getAttribute("data-service") || el.getAttribute("data-priority") || el.textContent, h: el.getBoundingClientRect().height }))
          .filter((x) => x.h < 64),
      );
      assert.deepEqual(small, [], "targets under 64 px");
      await checkScreen(p, `kiosk-${w}x${h}-start`);
      await p.locator('[data-service="ktp-el"]').click();
      await p.locator("#ask:not([hidden])").waitFor(T);
      await checkScreen(p, `kiosk-${w}x${h}-priority`);
      await p.locator('[data-priority="elderly"]').click();
      await p.locator("#confirm-lane", { hasText: "Lansia" }).waitFor(T);
      // The idle warning comes, and "still here" keeps the choice.
      await p.locator("#idle:not([hidden])").waitFor(T);
      await checkScreen(p, `kiosk-${w}x${h}-idle`);
      await p.locator("#idle-stay").click();
      assert.equal(await p.locator("#confirm-lane").textContent(), "Antrean prioritas: Lansia");
      await p.locator("#confirm-take").click();
      await p.locator("#result:not([hidden])").waitFor(T);
      assert.match((await p.locator("#result-number").textContent()) ?? "", /^A\d{3}$/);
      await p.locator("#result-prio:not([hidden])").waitFor(T);
      await checkScreen(p, `kiosk-${w}x${h}-result`);
      const small2 = await p.evaluate(() =>
        [...document.querySelectorAll("#result button")].filter((el) => el.getBoundingClientRect().height < 64).length,
      );
      assert.equal(small2, 0);
      // The QR code on screen is the server's image of this ticket's page
      // (at the configured public address), with its label, at the size of
      // its box, and a screenshot of it reads back with zbarimg.
      const qr = await kioskQr(p);
      assert.match(qr.code, /^[0-9a-hjkmnp-tv-z]{23}$/);
      assert.equal((await server.api(`/tickets/${qr.code}`)).number, await p.locator("#result-number").textContent());
      assert.equal(qr.alt, "Kode QR menuju halaman nomor antrean Anda");
      assert.ok(qr.width >= 200 && Math.abs(qr.width - qr.height) <= 1, `QR drawn ${qr.width}×${qr.height}`);
      const qrFile = path.join(ARTIFACTS, `kiosk-${w}x${h}-qr.png`);
      await p.locator("#result-qr img").screenshot({ path: qrFile });
      const read = readQr(qrFile);
      assert.notEqual(read, null, "zbarimg is installed (tests/run installs zbar-tools)");
      assert.equal(read, `${PUBLIC_BASE_URL}/t/${qr.code}`);
      // "Dengarkan" reads the screen aloud in Indonesian.
      await p.locator("#listen").click();
      await p.waitForFunction(() => /** @type {any} */ (window).__spoken.some((/** @type {any} */ s) => s.text.includes("Nomor antrean Anda")), null, T);
      assert.equal(await p.evaluate(() => /** @type {any} */ (window).__spoken.at(-1).lang), "id-ID");
      // Left alone, it warns and then goes back to the start.
      await p.locator("#idle:not([hidden])").waitFor(T);
      await p.locator("#start:not([hidden])").waitFor({ timeout: 40000 });
      assert.equal(await p.locator("#confirm").isHidden(), true);
      await p.close();
    });
  }

  it("kiosk: closed services and exhausted quotas are shown, not hidden", async () => {
    const p = await openPage(browser, { width: 1920, height: 1080 });
    await p.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    await p.locator('[data-service="ktp-el"]').waitFor(T);
    assert.equal(await p.locator("[data-service]").count(), 8);
    await p.close();
  });

  for (const [w, h] of [
    [1920, 1080],
    [1366, 768],
  ]) {
    it(`display ${w}×${h}`, async () => {
      const p = await openPage(browser, { width: w, height: h });
      await p.goto(`${server.url}/display/${OFFICE}`);
      await p.locator('#counters [data-counter="1"]', { hasText: "A001" }).waitFor(T);
      await p.locator("#recent li").first().waitFor(T);
      await checkScreen(p, `display-${w}x${h}`);
      // Nothing overflows the screen.
      const overflow = await p.evaluate(() => document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth);
      assert.equal(overflow, false, "the display fits its screen");
      await p.close();
    });
  }

  it("counter: sign-in and work (1366×768)", async () => {
    const p = await openPage(browser, { width: 1366, height: 768 });
    await p.goto(`${server.url}/counter/${OFFICE}`);
    await p.locator("#username").waitFor(T);
    await checkScreen(p, "counter-1366x768-signin");
    await p.locator("#username").fill(CLERK.username);
    await p.locator("#password").fill(CLERK.password);
    await p.locator("#signin-form button[type=submit]").click();
    await p.locator("#pick-list button").first().waitFor(T);
    await checkScreen(p, "counter-1366x768-pick");
    await p.locator('#pick-list [data-counter="2"]').click();
    await p.locator("#current-number", { hasText: "A002" }).waitFor(T);
    await p.locator("#queue .c-chip").first().waitFor(T);
    await checkScreen(p, "counter-1366x768-work");
    await p.keyboard.press("t");
    await p.locator("#dlg[open]").waitFor(T);
    await checkScreen(p, "counter-1366x768-transfer");
    await p.keyboard.press("Escape");
    await p.close();
  });

  it("admin: sign-in and live monitor", async () => {
    const p = await openPage(browser, { width: 1366, height: 768 });
    await p.goto(`${server.url}/admin`);
    await p.locator("#username").waitFor(T);
    await checkScreen(p, "admin-1366x768-signin");
    await p.locator("#username").fill(SUPERVISOR.username);
    await p.locator("#password").fill(SUPERVISOR.password);
    await p.locator("#signin-form button[type=submit]").click();
    await p.locator("#counters tr").first().waitFor(T);
    const cookie = await server.clerkCookie();
    await server.counter(cookie, "4", "call-next");
    await p.locator("#events li").first().waitFor(T);
    await p.locator("#report-table tfoot tr").waitFor(T);
    await checkScreen(p, "admin-1366x768-monitor");
    await p.close();
  });

  it("citizen: a done ticket's document steps and survey, in English (phone)", async () => {
    // (Last: it ends counter 1's ticket, which the display test shows.)
    const cookie = await server.clerkCookie();
    await server.counter(cookie, "1", "start");
    const done = await server.counter(cookie, "1", "finish");
    await server.api(`/tickets/${done.code}/document`, { body: { step: "perekaman" }, headers: { cookie } });
    const p = await openPage(browser, { width: 390, height: 844 }, true);
    await p.goto(`${server.url}/t/${done.code}?lang=en`);
    await p.locator("#survey-form").waitFor(T);
    assert.equal(await p.locator("#doc-now").textContent(), "Current step: perekaman (step 3 of 6).");
    const legend = await p.locator("#survey-form fieldset").first().locator("legend").textContent();
    assert.equal(legend, "Question 1 of 9 How well do the service's requirements fit the kind of service?");
    await p.locator("#doc-steps").scrollIntoViewIfNeeded();
    await checkScreen(p, "citizen-390x844-done-en");
    await p.close();
  });
});
