// An office head at the admin monitor (1366×768) with the lobby display
// (1920×1080) open in another page: a supervisor edits the running text
// (a count against 500, a refusal over 500 next to the field in the
// screen's language, "Tersimpan") and the display's ticker shows it at once,
// without a reload; empty text hides the ticker bar. On the counter list, a
// counter a clerk left open is paused with a reason (the display says so),
// and one holding a ticket cannot be closed (409 counter_busy, said in the
// screen's language). Live events do not wipe what the supervisor types.
// A clerk sees neither control. axe-core finds nothing serious; a
// screenshot of each state goes to artifacts/.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CLERK, OFFICE, SUPERVISOR, checkScreen, launchBrowser, openPage, renderedText, screenshot, signInOnPage, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };
const TEXT = "Hari ini layanan KTP-el buka sampai pukul 15.00. Bawa fotokopi KK.";

/** @param {import("playwright-core").Page} p @param {{username: string, password: string}} who */
async function signIn(p, who) {
  await p.locator("#username").fill(who.username);
  await p.locator("#password").fill(who.password);
  await p.locator("#signin-form button[type=submit]").click();
  await p.locator("#monitor:not([hidden])").waitFor(T);
}

describe("running text and counters from the monitor", { timeout: 180000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let admin;
  /** @type {import("playwright-core").Page} */ let display;
  /** @type {string} */ let cookie;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    cookie = await server.clerkCookie();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the display and the monitor open with the configured text", async () => {
    display = await openPage(browser, { width: 1920, height: 1080 });
    await display.goto(`${server.url}/display/${OFFICE}`);
    await display.locator("#ticker-bar:not([hidden])").waitFor(T);
    const configured = await display.locator("#ticker-text").textContent();
    assert.match(configured ?? "", /^Selamat datang/);
    // Marked: a reload would lose it.
    await display.evaluate(() => Object.assign(window, { __noReload: true }));
    admin = await openPage(browser, { width: 1366, height: 768 });
    await admin.goto(`${server.url}/admin`);
    await signIn(admin, SUPERVISOR);
    await admin.locator("#text-card:not([hidden])").waitFor(T);
    assert.equal(await admin.locator("#rt-text").inputValue(), configured);
    assert.equal(await admin.locator("label[for=rt-text]").textContent(), "Teks berjalan di layar tunggu");
    assert.equal(await renderedText(admin.locator("#rt-count")), `${[...(configured ?? "")].length} dari 500 karakter`);
  });

  it("over 500 characters is refused next to the field, in the screen's language", async () => {
    const area = admin.locator("#rt-text");
    await area.fill("a".repeat(501));
    assert.equal(await renderedText(admin.locator("#rt-count")), "501 dari 500 karakter: 1 terlalu banyak");
    await admin.locator("#rt-save").click();
    await admin.locator("#rt-err:not([hidden])").waitFor(T);
    assert.equal(await renderedText(admin.locator("#rt-err")), "Teks berjalan paling banyak 500 karakter.");
    assert.equal(await area.getAttribute("aria-invalid"), "true");
    assert.equal(await admin.evaluate(() => document.activeElement?.id), "rt-text", "focus back on the field");
    await admin.locator("#text-card").scrollIntoViewIfNeeded();
    await checkScreen(admin, "running-text-admin-1366x768-refused");
    await admin.locator("#lang-btn").click();
    await admin.locator("#rt-err", { hasText: "The running text can be at most 500 characters." }).waitFor(T);
    assert.equal(await renderedText(admin.locator("#rt-count")), "501 of 500 characters: 1 too many");
    await admin.locator("#lang-btn").click();
    await admin.locator("#rt-err", { hasText: "Teks berjalan paling banyak 500 karakter." }).waitFor(T);
  });

  it("a live event does not wipe what the supervisor is typing", async () => {
    const area = admin.locator("#rt-text");
    await area.fill(TEXT);
    assert.equal(await admin.locator("#rt-err").isHidden(), true, "the refusal goes once the text changes");
    await server.counter(cookie, "1", "open");
    await admin.locator('#counters [data-counter="1"] [data-pause]').waitFor(T);
    assert.equal(await area.inputValue(), TEXT);
  });

  it("saved: 'Tersimpan', and the display shows it at once without a reload", async () => {
    await admin.locator("#rt-save").click();
    await admin.locator("#rt-status", { hasText: "Tersimpan" }).waitFor(T);
    assert.equal(await admin.locator("#rt-status").getAttribute("role"), "status");
    await display.locator("#ticker-text", { hasText: TEXT }).waitFor(T);
    assert.equal(await display.evaluate(() => /** @type {any} */ (window).__noReload), true, "not reloaded");
    await admin.locator("#text-card").scrollIntoViewIfNeeded();
    await checkScreen(admin, "running-text-admin-1366x768-saved");
    await checkScreen(display, "running-text-display-1920x1080");
  });

  it("empty text hides the ticker, no empty bar; then back", async () => {
    await admin.locator("#rt-text").fill("");
    await admin.locator("#rt-save").click();
    await display.locator("#ticker-bar").waitFor({ state: "hidden", ...T });
    // Down to the bottom, or to the pairing strip staff see for a while after the page opens.
    const gap = await display.evaluate(() => (document.querySelector(".d-foot")?.getBoundingClientRect().top ?? innerHeight) - (document.querySelector(".d-main")?.getBoundingClientRect().bottom ?? 0));
    assert.ok(gap < 2, `the main area reaches the bottom (${gap}px left)`);
    await screenshot(display, "running-text-display-1920x1080-none");
    await admin.locator("#rt-text").fill(TEXT);
    await admin.locator("#rt-save").click();
    await display.locator("#ticker-bar:not([hidden]) #ticker-text", { hasText: TEXT }).waitFor(T);
  });

  it("a counter a clerk left open is paused with a reason; the display shows it", async () => {
    const row = admin.locator('#counters [data-counter="1"]');
    const select = row.locator("select");
    assert.equal(await admin.locator("label[for=ct-reason-1]").textContent(), "Alasan jeda (Loket 1)");
    assert.deepEqual(await select.locator("option").allTextContents(), ["Istirahat", "Salat", "Rapat", "Lainnya"]);
    // "Lainnya": a field for the reason; left empty it is refused.
    await select.selectOption("other");
    const other = row.locator("#ct-other-1");
    await other.waitFor(T);
    assert.equal(await admin.evaluate(() => document.activeElement?.id), "ct-other-1");
    await other.fill("   ");
    await row.locator("[data-pause]").click();
    await row.locator("#ct-err-1", { hasText: "Tulis alasan jeda (1–64 karakter)." }).waitFor(T);
    assert.equal(await other.getAttribute("aria-invalid"), "true");
    // A live event keeps the reason being typed.
    await other.fill("Rapat koord");
    await server.takeOnline("kartu-keluarga");
    await admin.waitForTimeout(300);
    assert.equal(await other.inputValue(), "Rapat koord");
    await other.fill("Rapat koordinasi camat");
    await row.scrollIntoViewIfNeeded();
    await checkScreen(admin, "counters-admin-1366x768-other");
    await row.locator("[data-pause]").click();
    // An open counter offers Tutup too: wait until the paused row is drawn
    // (Jeda gone), not merely for Tutup.
    await row.locator("[data-pause]").waitFor({ ...T, state: "detached" });
    await row.locator("[data-close]").waitFor(T);
    assert.equal(await row.locator("[data-pause]").count(), 0);
    assert.equal(await admin.evaluate(() => document.activeElement?.getAttribute("data-close")), "1", "focus on Tutup");
    assert.equal(await renderedText(row.locator("td").first()), "Jeda (Rapat koordinasi camat)");
    assert.equal(await renderedText(admin.locator("#counter-status")), "Loket 1 dijeda: Rapat koordinasi camat.");
    const d = display.locator('#counters [data-counter="1"]');
    await display.locator('#counters [data-counter="1"].is-paused').waitFor(T);
    assert.equal(await renderedText(d.locator(".d-counter-number")), "Rapat koordinasi camat", "the reason chosen, not 'Istirahat'");
    await checkScreen(display, "counters-display-1920x1080-paused");
  });

  it("a counter holding a ticket is not closed: the monitor says why, in its language", async () => {
    // A short reason is shown as given.
    await server.counter(cookie, "3", "open");
    const r3 = admin.locator('#counters [data-counter="3"]');
    await r3.locator("select").selectOption("prayer");
    await r3.locator("[data-pause]").click();
    await display.locator('#counters [data-counter="3"].is-paused .d-counter-number', { hasText: "Salat" }).waitFor(T);
    await server.counter(cookie, "2", "open");
    await server.counter(cookie, "2", "call-next");
    const row = admin.locator('#counters [data-counter="2"]');
    await row.locator("td.num", { hasText: "B001" }).waitFor(T);
    await row.locator("select").selectOption("prayer");
    await row.locator("[data-close]").click();
    const err = row.locator("#ct-err-2");
    await err.waitFor({ state: "visible", ...T });
    assert.equal(await renderedText(err), "Loket ini masih memegang nomor antrean. Petugas perlu menyelesaikan atau melewati nomor itu dulu.");
    assert.equal(await admin.evaluate(() => document.activeElement?.getAttribute("data-close")), "2", "focus stays on Tutup");
    // Live events (another ticket) leave the choice and the refusal.
    await server.takeOnline("ktp-el");
    await admin.waitForTimeout(300);
    assert.equal(await row.locator("select").inputValue(), "prayer");
    assert.equal(await err.isVisible(), true);
    await row.scrollIntoViewIfNeeded();
    await checkScreen(admin, "counters-admin-1366x768-busy");
    await admin.locator("#lang-btn").click();
    await row.locator("[data-close]").click();
    await err.filter({ hasText: "This counter still holds a ticket." }).waitFor(T);
    await admin.locator("#lang-btn").click();
    // The paused one is closed.
    await admin.locator('#counters [data-counter="1"] [data-close]').click();
    await admin.locator("#counter-status", { hasText: "Loket 1 ditutup." }).waitFor(T);
    await display.locator('#counters [data-counter="1"].is-closed').waitFor(T);
    assert.equal(await admin.evaluate(() => document.activeElement?.id), "ct-1", "focus on the counter's name");
  });

  it("a clerk sees neither control (the page is not theirs: admin-report.test.mjs)", async () => {
    const p = await openPage(browser, { width: 1366, height: 768 });
    await p.goto(`${server.url}/admin`);
    await signInOnPage(p, CLERK);
    await p.locator("#staff-only:not([hidden])").waitFor(T);
    assert.equal(await p.locator("#text-card").isVisible(), false);
    assert.equal(await p.locator("#monitor").isVisible(), false);
    assert.equal(await p.locator("[data-pause], [data-close], #counters select").count(), 0);
    await p.close();
  });
});
