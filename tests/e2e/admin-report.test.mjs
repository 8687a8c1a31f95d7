// The office head's page as the people who open it meet it (1366×768, and
// a phone at 360×740): a clerk or the help desk who signs in at /admin is
// shown none of the office, but who they are and the way to their own
// screen; a supervisor's live list of events names each in the screen's
// language ("Nomor dipanggil · A001 · Loket 1"), and the report gives the
// IKM with its respondents against the minimum sample of PermenPANRB
// 14/2017 (a warning when it is not reached) and the citizens' suggestions
// from the survey, as written. axe-core (moderate included) finds nothing;
// a screenshot of each state goes to artifacts/.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CLERK, OFFICE, SUPERVISOR, addStaff, checkScreen, launchBrowser, lookWhole, openPage, renderedText, signInOnPage, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };

describe("admin: who may enter, what happened, how citizens rated it", { timeout: 180000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("a clerk is shown the way to their counter, not the office", async () => {
    const p = await openPage(browser, { width: 1366, height: 768 });
    await p.goto(`${server.url}/admin`);
    await signInOnPage(p, CLERK);
    await p.locator("#staff-only:not([hidden])").waitFor(T);
    assert.equal(await renderedText(p.locator("#staff-only-title")), "Halaman ini untuk supervisor dan admin");
    assert.match(await renderedText(p.locator("#staff-only-body")), new RegExp(`^Anda masuk sebagai ${CLERK.username} \\(Petugas loket\\)\\.`));
    const go = p.locator("#staff-only-go");
    assert.equal(await go.getAttribute("href"), `/counter/${OFFICE}`);
    assert.equal(await renderedText(go), "Buka layar loket");
    assert.equal(await p.evaluate(() => document.activeElement?.id), "staff-only-title", "focus on what it says");
    for (const hidden of ["#monitor", "#views", "#office-head", "#config", "#staff", "#devices", "#audit"]) {
      assert.equal(await p.locator(hidden).isVisible(), false, hidden);
    }
    // Nothing of the office was fetched for them.
    const asked = await p.evaluate(() => performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.includes("/api/v1/offices")));
    assert.deepEqual(asked, []);
    await checkScreen(p, "admin-1366x768-clerk");
    await p.locator("#lang-btn").click();
    await p.locator("#staff-only-title", { hasText: "This page is for supervisors and admins" }).waitFor(T);
    assert.match(await renderedText(p.locator("#staff-only-body")), /\(Counter clerk\)/);
    assert.equal(await renderedText(go), "Open the counter screen");
    await p.locator("#lang-btn").click();
    // Signing out brings the sign-in card back, and a supervisor gets the office.
    await p.locator("#sign-out").click();
    await p.locator("#signin:not([hidden])").waitFor(T);
    assert.equal(await p.locator("#staff-only").isVisible(), false);
    await signInOnPage(p, SUPERVISOR);
    await p.locator("#monitor:not([hidden])").waitFor(T);
    assert.equal(await p.locator("#staff-only").isVisible(), false);
    await p.close();
  });

  it("the help desk is shown the way to the help desk", async () => {
    const desk = { username: "informasi1", password: "meja-informasi-1" };
    addStaff(server, desk, "help_desk");
    const p = await openPage(browser, { width: 360, height: 740 }, true);
    await p.goto(`${server.url}/admin`);
    await signInOnPage(p, desk);
    await p.locator("#staff-only:not([hidden])").waitFor(T);
    assert.equal(await p.locator("#staff-only-go").getAttribute("href"), `/desk/${OFFICE}`);
    assert.equal(await renderedText(p.locator("#staff-only-go")), "Buka meja informasi");
    await lookWhole(p, "admin-360x740-help-desk");
    await p.close();
  });

  it("a supervisor reads the live events in words, and the IKM against its sample with the suggestions", async () => {
    const p = await openPage(browser, { width: 1366, height: 768 });
    await p.goto(`${server.url}/admin`);
    await signInOnPage(p, SUPERVISOR);
    await p.locator("#monitor:not([hidden])").waitFor(T);
    // Three citizens served; two answer the survey, one with a suggestion.
    const cookie = await server.clerkCookie();
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await server.takeOnline("ktp-el")).code);
    await server.counter(cookie, "1", "open");
    for (let i = 0; i < 3; i++) {
      await server.counter(cookie, "1", "call-next");
      await server.counter(cookie, "1", "start");
      await server.counter(cookie, "1", "finish");
    }
    const SUGGESTION = "Ruang tunggu panas.\nMohon tambah kipas angin.";
    for (const [i, body] of [
      [0, { answers: [4, 4, 3, 4, 4, 4, 4, null, 4], suggestion: `  ${SUGGESTION}  ` }],
      [1, { answers: [3, 3, 3, 3, 3, 3, 3, null, 3] }],
    ]) {
      const res = await fetch(`${server.url}/api/v1/tickets/${codes[/** @type {number} */ (i)]}/survey`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      assert.equal(res.status, 204, await res.text());
    }
    const first = p.locator("#events li").first();
    await first.waitFor(T);
    const lines = await p.locator("#events li").allInnerTexts();
    for (const line of ["Nomor diambil · A001 · KTP Elektronik", "Nomor dipanggil · A001 · Loket 1", "Selesai dilayani · A003 · Loket 1"]) {
      assert.ok(lines.some((l) => l.endsWith(` ${line}`)), `${line} in:\n${lines.join("\n")}`);
    }
    for (const l of lines) assert.doesNotMatch(l, /[a-z]+_[a-z]+/, `no event name as code: ${l}`);
    await p.locator("#lang-btn").click();
    await p.locator("#events li", { hasText: "Ticket called · A001" }).first().waitFor(T);
    await p.locator("#lang-btn").click();

    await p.locator("#report-form button[type=submit]").click();
    await p.locator("#ikm-sample").waitFor(T);
    // Three served need a sample of three (Krejcie–Morgan); two answered.
    assert.equal(
      await renderedText(p.locator("#ikm-sample")),
      "Sampel belum cukup untuk dipublikasikan: 2 responden dari 3 warga yang dilayani, minimum 3 (tabel Krejcie–Morgan, PermenPANRB 14/2017).",
    );
    assert.equal(await p.locator("#ikm-sample").getAttribute("class"), "a-warn");
    assert.equal(await renderedText(p.locator("#suggestions-count")), "1 saran terbaru dari 1.");
    const items = p.locator("#suggestions li");
    assert.equal(await items.count(), 1);
    assert.equal(await items.locator(".a-suggestion").innerText(), SUGGESTION, "as written, line break kept, trimmed");
    assert.match(await renderedText(items.locator(".a-hint")), /^\d{4}-\d{2}-\d{2} · KTP/);
    await p.locator("#ikm-sample").scrollIntoViewIfNeeded();
    await checkScreen(p, "admin-1366x768-report-sample-short");

    // The third answers: the sample is reached.
    const res = await fetch(`${server.url}/api/v1/tickets/${codes[2]}/survey`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ answers: [4, 4, 4, 4, 4, 4, 4, 4, 4] }) });
    assert.equal(res.status, 204);
    await p.locator("#report-form button[type=submit]").click();
    await p.locator("#ikm-sample.a-hint").waitFor(T);
    assert.equal(await renderedText(p.locator("#ikm-sample")), "3 responden dari 3 warga yang dilayani; sampel minimum 3 terpenuhi.");
    await p.locator("#lang-btn").click();
    await p.locator("#ikm-sample", { hasText: "3 respondents of 3 citizens served; the minimum sample of 3 is reached." }).waitFor(T);
    await p.locator("#lang-btn").click();
    await p.close();
  });
});
