// Staff sessions end at once: a supervisor disables the clerk whose counter
// page is open and the page shows the sign-in card by itself, with why, and
// keeps nothing of the clerk's work; the disabled account is told so; after a
// password reset the clerk signs in with the one-time password and must
// choose their own (a short one refused next to its field, in Indonesian);
// signing out everywhere in one browser signs out the other; the password
// changed from the page's own dialog.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { checkScreen, CLERK, launchBrowser, OFFICE, openPage, renderedText, sessionCookie, signInOnPage, startServer, SUPERVISOR } from "./helpers.mjs";

const T = { timeout: 15000 };
/** "Within a few seconds, without a reload." */
const AT_ONCE = { timeout: 5000 };
const COUNTER = { width: 1366, height: 768 };
const ENDED = "Anda telah keluar: sesi diakhiri oleh supervisor atau dari perangkat lain.";
/** The clerk's own password, chosen after the reset. */
const CHOSEN = "Kotabumi-loket-2026";

describe("staff sessions that end at once", { timeout: 180000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let counter;
  let supervisor = "";

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    supervisor = await sessionCookie(server, SUPERVISOR);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** A supervisor's change to the clerk's account. @param {string} action */
  const manageClerk = (action) => server.api(`/users/${CLERK.username}/${action}`, { method: "POST", headers: { cookie: supervisor } });

  /** A counter page signed in as `who` at counter 1, its work on screen. @param {{username: string, password: string}} who */
  async function atCounter(who) {
    const p = await openPage(browser, COUNTER);
    await p.goto(`${server.url}/counter/${OFFICE}`);
    await signInOnPage(p, who);
    await p.locator('#pick-list [data-counter="1"]').click();
    await p.locator("#work:not([hidden])").waitFor(T);
    return p;
  }

  /** Waits until `p` shows the sign-in card with `notice`, and nothing of the work. @param {import("playwright-core").Page} p @param {string} notice */
  async function signedOut(p, notice) {
    await p.locator("#signin:not([hidden])").waitFor(AT_ONCE);
    assert.equal(await renderedText(p.locator("#signin-notice")), notice);
    assert.equal(await p.locator("#work").isHidden(), true);
    assert.equal(await p.locator("#whoami").textContent(), "");
    for (const id of ["sign-out", "staff-menu", "change-counter"]) assert.equal(await p.locator(`#${id}`).isHidden(), true, `#${id} hidden`);
  }

  it("a clerk disabled by a supervisor is signed out of the open counter page at once", async () => {
    counter = await atCounter(CLERK);
    await server.takeOnline("ktp-el");
    await counter.locator("#act-open").click();
    await counter.locator("#act-call-next:not([disabled])").click();
    await counter.locator("#current-number", { hasText: "A001" }).waitFor(T);
    await counter.locator("#act-start").click();
    await counter.locator("#act-finish:not([disabled])").click();
    // The document panel holds the ticket just finished.
    await counter.locator("#doc-number").waitFor(T);
    await checkScreen(counter, "session-counter-1366x768-work");
    // Once ended, the page must not open the stream again.
    let sockets = 0;
    counter.on("websocket", () => sockets++);

    await manageClerk("disable");
    await signedOut(counter, ENDED);
    assert.equal(await counter.locator("#doc-number").count(), 0, "the finished ticket is gone from the page");
    assert.equal(await counter.locator("#username").evaluate((el) => el === document.activeElement), true);
    await checkScreen(counter, "session-counter-1366x768-ended");
    await counter.waitForTimeout(2000);
    assert.equal(sockets, 0, "no reconnecting after the session ended");

    // The right password of a disabled account: told so, clearly.
    await signInOnPage(counter, CLERK);
    await counter.locator("#signin-error:not([hidden])").waitFor(T);
    assert.equal(await counter.locator("#signin-error").textContent(), "Akun ini dinonaktifkan. Hubungi supervisor Anda.");
    await checkScreen(counter, "session-counter-1366x768-disabled");
  });

  it("after a reset the clerk signs in with the one-time password and must choose their own", async () => {
    await manageClerk("enable");
    const { one_time_password } = await manageClerk("password-reset");
    await signInOnPage(counter, { username: CLERK.username, password: one_time_password });
    await counter.locator("#choose-form").waitFor(T);
    assert.equal(await counter.locator("#signin-title").textContent(), "Buat kata sandi Anda sendiri");
    // The rule is said before anything is typed.
    assert.match(await renderedText(counter.locator("#choose-rule")), /minimal 10 karakter, tidak memuat nama pengguna Anda, dan bukan kata sandi yang umum/);
    assert.equal(await counter.locator("#choose-new").evaluate((el) => el === document.activeElement), true);
    assert.equal(await counter.locator("#work").isHidden(), true);
    await checkScreen(counter, "session-counter-1366x768-choose");

    // Too short: refused next to the field, in Indonesian, the focus there.
    await counter.locator("#choose-new").fill("pendek");
    await counter.locator("#choose-repeat").fill("pendek");
    await counter.locator("#choose-form button[type=submit]").click();
    await counter.locator("#choose-new-error:not([hidden])").waitFor(T);
    assert.equal(await counter.locator("#choose-new-error").textContent(), "Kata sandi minimal 10 karakter.");
    assert.equal(await counter.locator("#choose-new").getAttribute("aria-invalid"), "true");
    assert.match((await counter.locator("#choose-new").getAttribute("aria-describedby")) ?? "", /choose-new-error/);
    assert.equal(await counter.locator("#choose-new").evaluate((el) => el === document.activeElement), true);
    await checkScreen(counter, "session-counter-1366x768-choose-refused");
    // Containing the user name, and two that differ.
    await counter.locator("#choose-new").fill(`${CLERK.username}-kotabumi`);
    await counter.locator("#choose-repeat").fill(`${CLERK.username}-kotabumi`);
    await counter.locator("#choose-form button[type=submit]").click();
    await counter.locator("#choose-new-error", { hasText: "Kata sandi tidak boleh memuat nama pengguna." }).waitFor(T);
    await counter.locator("#choose-new").fill(CHOSEN);
    await counter.locator("#choose-repeat").fill(CHOSEN + "x");
    await counter.locator("#choose-form button[type=submit]").click();
    await counter.locator("#choose-repeat-error", { hasText: "Kedua kata sandi baru tidak sama." }).waitFor(T);
    assert.equal(await counter.locator("#choose-new-error").isHidden(), true, "the earlier error is gone");

    await counter.locator("#choose-repeat").fill(CHOSEN);
    await counter.locator("#choose-form button[type=submit]").click();
    // The terminal's counter was kept: straight to the work.
    await counter.locator("#work:not([hidden])").waitFor(T);
    await counter.locator("#counter-state.is-open").waitFor(T);
    assert.match((await counter.locator("#whoami").textContent()) ?? "", /^petugas1 /);
    // The new password is the one now; the one-time one is spent.
    await sessionCookie(server, { username: CLERK.username, password: CHOSEN });
    await assert.rejects(sessionCookie(server, { username: CLERK.username, password: one_time_password }));
  });

  it("signing out everywhere in one browser signs out the other at once", async () => {
    const other = await atCounter({ username: CLERK.username, password: CHOSEN });
    // The account's tools, next to the sign-out.
    await other.evaluate(() => scrollTo(0, 0));
    await other.locator("#staff-menu summary").click();
    await other.locator("#sign-out-all").waitFor(T);
    await checkScreen(other, "session-counter-1366x768-tools");
    await other.keyboard.press("Escape");
    await counter.locator("#staff-menu summary").click();
    await counter.locator("#sign-out-all").click();
    await counter.locator("#sign-out-all-dlg[open]").waitFor(T);
    assert.match(await renderedText(counter.locator("#sign-out-all-dlg")), /termasuk yang ini/);
    await checkScreen(counter, "session-counter-1366x768-sign-out-all");
    await counter.locator("#sign-out-all-dlg-ok").click();
    await signedOut(counter, "Anda telah keluar di semua perangkat.");
    await signedOut(other, ENDED);
    await checkScreen(other, "session-counter-1366x768-ended-elsewhere");
    await other.close();
  });

  it("the clerk changes the password from the page: a wrong current one refused next to its field", async () => {
    await signInOnPage(counter, { username: CLERK.username, password: CHOSEN });
    await counter.locator("#work:not([hidden])").waitFor(T);
    await counter.locator("#staff-menu summary").click();
    await counter.locator("#change-password").click();
    await counter.locator("#password-dlg[open]").waitFor(T);
    assert.equal(await counter.locator("#cp-current").evaluate((el) => el === document.activeElement), true);
    await counter.locator("#cp-current").fill("bukan-kata-sandinya");
    await counter.locator("#cp-new").fill("Lampung-Utara-baru-1");
    await counter.locator("#cp-repeat").fill("Lampung-Utara-baru-1");
    await counter.locator("#password-dlg-ok").click();
    await counter.locator("#cp-current-error:not([hidden])").waitFor(T);
    assert.equal(await counter.locator("#cp-current-error").textContent(), "Kata sandi saat ini salah.");
    await checkScreen(counter, "session-counter-1366x768-change-refused");
    await counter.locator("#cp-current").fill(CHOSEN);
    await counter.locator("#password-dlg-ok").click();
    await counter.locator("#cp-done", { hasText: "Kata sandi diubah." }).waitFor(T);
    await counter.locator("#password-dlg-cancel").click();
    // This page stays signed in.
    await counter.locator("#act-call-next").waitFor(T);
    assert.equal(await counter.locator("#signin").isHidden(), true);
    await sessionCookie(server, { username: CLERK.username, password: "Lampung-Utara-baru-1" });
  });

  it("a request refused as signed out shows the sign-in card too", async () => {
    // A page whose stream never reaches the server, so no 4001 tells it.
    await counter.routeWebSocket(/\/live/, () => {});
    await counter.reload();
    await counter.locator("#work:not([hidden])").waitFor(T);
    const cookie = await sessionCookie(server, { username: CLERK.username, password: "Lampung-Utara-baru-1" });
    await server.api("/session/all", { method: "DELETE", headers: { cookie } });
    await counter.locator("#act-requeue").click();
    await counter.locator("#requeue-number").fill("A001");
    await counter.locator("#dlg-ok").click();
    await signedOut(counter, ENDED);
  });
});
