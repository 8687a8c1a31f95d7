// The whole path of a ticket through the screens: a kiosk ticket and an
// online one, called from the counter page, announced by the display
// (chime, exact sentence, in order, never cut off, never repeated after a
// reload), shown on the citizen's phone, across a server restart; after the
// service, the satisfaction survey, the document's steps set at the counter
// and seen live on the phone, and the supervisor's report.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { axe, CLERK, kioskQr, launchBrowser, OFFICE, screenshot, speechRecorder, spoken, startServer, SUPERVISOR } from "./helpers.mjs";

const T = { timeout: 15000 };

describe("a day at the office", { timeout: 180000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let display;
  /** @type {import("playwright-core").Page} */ let kiosk;
  /** @type {import("playwright-core").Page} */ let phone;
  /** @type {import("playwright-core").Page} */ let counter;
  let phoneCode = "";
  /** The elderly citizen's ticket, being served at counter 1 at the end of the morning. */
  let elderly = { code: "", number: "" };

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Waits until the display has spoken `n` sentences; returns them. */
  async function waitSpoken(/** @type {number} */ n) {
    await display.waitForFunction((n) => /** @type {any} */ (window).__spoken.filter((/** @type {any} */ s) => s.text).length >= n, n, T);
    return spoken(display);
  }

  it("opens the lobby display", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    await ctx.addInitScript(speechRecorder);
    display = await ctx.newPage();
    await display.goto(`${server.url}/display/${OFFICE}`);
    await display.locator("#counters li").first().waitFor(T);
    assert.equal(await display.locator("#counters li").count(), 8);
  });

  it("a citizen takes a ticket at the kiosk", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1080, height: 1920 } });
    await ctx.addInitScript(speechRecorder);
    kiosk = await ctx.newPage();
    await kiosk.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    await kiosk.locator('[data-service="ktp-el"]').waitFor(T);
    assert.ok(!kiosk.url().includes("device="), "the token is removed from the address");
    await kiosk.locator('[data-service="ktp-el"]').click();
    await kiosk.locator("#prio-none").click();
    await kiosk.locator("#confirm-take").click();
    await kiosk.locator("#result:not([hidden])").waitFor(T);
    assert.equal(await kiosk.locator("#result-number").textContent(), "A001");
    assert.equal(await kiosk.locator("#result-ahead").textContent(), "0 orang");
    // The QR code is the server's image of this very ticket.
    const qr = await kioskQr(kiosk);
    assert.equal((await server.api(`/tickets/${qr.code}`)).number, "A001");
    await kiosk.locator("#done").click();
    await kiosk.locator("#start:not([hidden])").waitFor(T);
  });

  it("another citizen takes one online, on a phone", async () => {
    const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    phone = await ctx.newPage();
    await phone.goto(`${server.url}/o/${OFFICE}`);
    await phone.locator('button[data-service="ktp-el"]').click();
    await phone.locator("#confirm-take").click();
    await phone.waitForURL(/\/t\/[0-9a-hjkmnp-tv-z]+$/, T);
    phoneCode = new URL(phone.url()).pathname.split("/").pop() ?? "";
    await phone.locator("#ticket-number").waitFor(T);
    assert.match((await phone.locator("#ticket-number").textContent()) ?? "", /A002$/);
    await phone.locator("#ticket-ahead", { hasText: "1" }).waitFor(T);
  });

  it("the clerk signs in, opens counter 1 and calls the next: the display speaks it", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    counter = await ctx.newPage();
    await counter.goto(`${server.url}/counter/${OFFICE}`);
    await counter.locator("#username").fill(CLERK.username);
    await counter.locator("#password").fill(CLERK.password);
    await counter.locator("#signin-form button[type=submit]").click();
    await counter.locator('#pick-list [data-counter="1"]').click();
    await counter.locator("#act-open").click();
    await counter.locator("#counter-state.is-open").waitFor(T);
    await counter.locator("#queue .c-chip", { hasText: "A001" }).waitFor(T);
    await counter.keyboard.press("n"); // shortcut of "call next"
    await counter.locator("#current-number", { hasText: "A001" }).waitFor(T);

    const said = await waitSpoken(1);
    assert.equal(said[0].text, "Nomor antrean A satu, silakan menuju loket satu");
    assert.equal(said[0].lang, "id-ID");
    await display.locator("#now-number", { hasText: "A001" }).waitFor(T);
    assert.equal(await display.locator("#spoken").textContent(), "Nomor antrean A satu, silakan menuju loket satu");
    await display.locator('#counters [data-counter="1"]', { hasText: "A001" }).waitFor(T);
    await screenshot(display, "display-1920x1080-call");
    await screenshot(counter, "counter-1366x768-called");
  });

  it("the display and the phone survive a server restart and show the next call", async () => {
    await server.restart();
    // Both come back by themselves (no reload) ...
    await display.locator("#offline").waitFor({ state: "hidden", timeout: 30000 });
    await phone.locator("#offline").waitFor({ state: "hidden", timeout: 30000 });
    await counter.locator("#offline").waitFor({ state: "hidden", timeout: 30000 });
    // ... and get the next call.
    await counter.locator("#act-start").click();
    await counter.locator("#act-finish:not([disabled])").waitFor(T);
    await counter.locator("#act-finish").click();
    await counter.locator("#act-call-next:not([disabled])").waitFor(T);
    await counter.locator("#act-call-next").click();
    await counter.locator("#current-number", { hasText: "A002" }).waitFor(T);

    const said = await waitSpoken(2);
    assert.equal(said[1].text, "Nomor antrean A dua, silakan menuju loket satu");
    await phone.locator("#called:not([hidden])").waitFor(T);
    assert.equal(await phone.locator("#called-where").textContent(), "Silakan menuju Loket 1");
    assert.equal(await phone.locator("#ticket-status").textContent(), "Dipanggil");
    await screenshot(phone, "citizen-390x844-called");
    const ticket = await server.api(`/tickets/${phoneCode}`);
    assert.equal(ticket.status, "called");
  });

  it("two calls in quick succession are both spoken, in order, neither cut off", async () => {
    const cookie = await server.clerkCookie();
    await server.takeOnline("kartu-keluarga");
    await server.takeOnline("kartu-keluarga");
    await server.counter(cookie, "2", "open");
    await server.counter(cookie, "3", "open");
    const before = (await spoken(display)).length;
    // Back to back, without waiting for the display.
    const first = await server.counter(cookie, "2", "call-next");
    const second = await server.counter(cookie, "3", "call-next");
    assert.equal(first.number, "B001");
    assert.equal(second.number, "B002");
    const said = (await waitSpoken(before + 2)).slice(before);
    // Together, each in its short form after one chime.
    assert.deepEqual(
      said.map((/** @type {any} */ s) => s.text),
      ["B satu, loket dua", "B dua, loket tiga"],
    );
    assert.ok(said[1].start >= said[0].end, "the second starts after the first has ended");
    assert.equal(await display.evaluate(() => /** @type {any} */ (window).__cancelled), 0, "nothing was cut off");
    await display.locator("#recent li").nth(2).waitFor(T);
  });

  it("a reloaded display repeats no call, and speaks the next one", async () => {
    await display.reload();
    await display.locator('#counters [data-counter="3"]', { hasText: "B002" }).waitFor(T);
    // The snapshot's calls are shown, not spoken.
    await display.locator("#recent li").nth(2).waitFor(T);
    await display.waitForTimeout(1500);
    assert.deepEqual(await spoken(display), []);
    const cookie = await server.clerkCookie();
    await server.counter(cookie, "3", "recall");
    const said = await waitSpoken(1);
    assert.equal(said.length, 1);
    assert.equal(said[0].text, "Panggilan ulang. Nomor antrean B dua, silakan menuju loket tiga");
  });

  it("the citizen cancels a waiting ticket", async () => {
    const t = await server.takeOnline("samsat");
    await phone.goto(`${server.url}/t/${t.code}`);
    await phone.locator("#cancel").click();
    await phone.locator("#cancel-yes").click();
    await phone.locator("#ticket-status", { hasText: "Dibatalkan" }).waitFor(T);
    assert.equal((await server.api(`/tickets/${t.code}`)).status, "cancelled");
  });

  it("the counter page turns off what the server would refuse, saying why", async () => {
    // A002 was called once; a no-show needs two calls (min_calls = 2).
    assert.equal(await counter.locator("#act-no-show").isDisabled(), true);
    assert.equal(await counter.locator("#why-act-no-show").textContent(), "Setelah 2 panggilan, sekarang 1");
    const v = await axe(counter);
    assert.deepEqual(v, [], JSON.stringify(v, null, 2));
  });

  it("a reloaded counter page keeps its ticket, timer and priority mark, and lists the next numbers", async () => {
    const cookie = await server.clerkCookie();
    const take = (/** @type {string | null} */ priority) =>
      server.api(`/offices/${OFFICE}/tickets`, {
        body: { service: "ktp-el", priority, channel: "kiosk" },
        headers: { authorization: `Bearer ${server.token}` },
      });
    const regular = await take(null);
    elderly = await take("elderly");
    const pregnant = await take("pregnant");
    await server.counter(cookie, "1", "start");
    await server.counter(cookie, "1", "finish");
    await server.counter(cookie, "1", "call", { number: elderly.number });
    await counter.waitForTimeout(2200);

    await counter.reload();
    await counter.locator("#current-number", { hasText: elderly.number }).waitFor(T);
    assert.equal(await counter.locator("#current-status").textContent(), "Dipanggil");
    assert.equal(await counter.locator("#current-service").textContent(), "· KTP Elektronik");
    await counter.locator("#current-prio:not([hidden])").waitFor(T);
    // The timer counts from the call, not from the reload.
    const [mm, ss] = ((await counter.locator("#current-timer").textContent()) ?? "").split(":").map(Number);
    assert.ok(mm * 60 + ss >= 2, `timer ${mm}:${ss}`);
    // The next numbers, in call order: the priority lane first.
    await counter.locator("#queue .c-chip").nth(1).waitFor(T);
    assert.deepEqual(await counter.locator("#queue .c-chip").allTextContents(), [pregnant.number, regular.number]);
    assert.deepEqual(
      await counter.locator("#queue .c-chip").evaluateAll((els) => els.map((el) => el.classList.contains("is-prio"))),
      [true, false],
    );
    // Started: the timer counts from the start.
    await counter.locator("#act-start").click();
    await counter.locator("#current-status", { hasText: "Sedang dilayani" }).waitFor(T);
    await counter.locator("#current-timer", { hasText: /^00:0[01]$/ }).waitFor(T);
    await counter.reload();
    await counter.locator("#act-finish:not([disabled])").waitFor(T);
    await counter.locator("#current-prio:not([hidden])").waitFor(T);
    const c1 = (await server.api(`/offices/${OFFICE}`)).counters.find((/** @type {any} */ c) => c.id === "1");
    const [m2, s2] = ((await counter.locator("#current-timer").textContent()) ?? "").split(":").map(Number);
    const sinceStart = (Date.now() - Date.parse(c1.started_at)) / 1000;
    assert.ok(Math.abs(m2 * 60 + s2 - sinceStart) <= 2, `timer ${m2}:${s2}, started ${sinceStart} s ago`);
  });

  /** Fails with axe's serious and critical findings, if any. @param {import("playwright-core").Page} p */
  async function axeClean(p) {
    const v = await axe(p);
    assert.deepEqual(v, [], JSON.stringify(v, null, 2));
  }

  it("the citizen whose ticket is done answers the satisfaction survey", async () => {
    assert.equal((await server.api(`/tickets/${phoneCode}`)).status, "done");
    await phone.goto(`${server.url}/t/${phoneCode}`);
    await phone.locator("#survey-form").waitFor(T);
    // Nine questions, one at a time, each a fieldset with a legend and four worded options.
    const question = phone.locator("#survey-form fieldset");
    // Skipping them all and sending nothing is refused at the end, with a reason.
    for (let i = 0; i < 9; i++) await phone.locator("#survey-next").click();
    await phone.locator("#survey-submit").click();
    await phone.locator("#survey-error").waitFor(T);
    await axeClean(phone);
    for (let i = 0; i < 9; i++) await phone.locator("#survey-back").click();
    // Answers by their words; the 8th question is skipped.
    const answers = [4, 4, 3, 4, 3, 4, 4, null, 3];
    for (const [i, a] of answers.entries()) {
      assert.equal(await question.count(), 1);
      assert.match((await question.locator("legend").textContent()) ?? "", new RegExp(`^Pertanyaan ${i + 1} dari 9`));
      assert.equal(await question.locator("input[type=radio]").count(), 4);
      if (i === 3) assert.match((await question.textContent()) ?? "", /Sangat mahal.*Cukup mahal.*Murah.*Gratis/);
      // Every option is a large target.
      const small = await question.locator("label.option").evaluateAll((els) => els.filter((el) => el.getBoundingClientRect().height < 44).length);
      assert.equal(small, 0);
      if (a != null) await question.locator(`input[value="${a}"]`).check();
      if (i === 1) {
        await question.scrollIntoViewIfNeeded();
        await screenshot(phone, "citizen-390x844-survey");
      }
      await phone.locator("#survey-next").click();
    }
    await phone.locator("#survey-submit").click();
    await phone.locator("#survey-thanks").waitFor(T);
    assert.match((await phone.locator("#survey-thanks").textContent()) ?? "", /Terima kasih/);
    assert.equal((await server.api(`/tickets/${phoneCode}`)).survey_open, false);
    await axeClean(phone);
  });

  it("the clerk moves a document through its steps; the citizen sees it live", async () => {
    await phone.locator("#doc-steps li").first().waitFor(T);
    assert.match((await phone.locator("#doc-now").textContent()) ?? "", /belum diproses/);
    await phone.evaluate(() => (/** @type {any} */ (window).__sameLoad = true));
    // Finishing the elderly citizen's ticket offers its steps at once.
    await counter.locator("#act-finish").click();
    await counter.locator("#doc-number", { hasText: elderly.number }).waitFor(T);
    assert.equal(await counter.locator("#doc-ticket [data-step]").count(), 6);
    // Another ticket by its code (a scanner types the QR's whole address).
    await counter.locator("#doc-code").fill(`${server.url}/t/${phoneCode}`);
    await counter.locator("#doc-form button[type=submit]").click();
    await counter.locator("#doc-number", { hasText: "A002" }).waitFor(T);
    // One step at a time: "diterima", then "verifikasi".
    await counter.locator('#doc-next[data-next="diterima"]').click();
    await counter.locator('#doc-next[data-next="verifikasi"]').click();
    await counter.locator('#doc-steps li[data-step="verifikasi"][aria-current="step"]').waitFor(T);
    assert.equal(await counter.locator("#doc-message").textContent(), "Dokumen A002: verifikasi.");
    await axeClean(counter);
    await screenshot(counter, "counter-1366x768-document");
    // The phone shows it without a reload.
    await phone.locator('#doc-steps li[aria-current="step"]', { hasText: "verifikasi" }).waitFor(T);
    assert.equal(await phone.locator("#doc-now").textContent(), "Tahap sekarang: verifikasi (tahap 2 dari 6).");
    assert.equal(await phone.locator("#doc-steps li.is-done").count(), 1);
    assert.equal(await phone.evaluate(() => /** @type {any} */ (window).__sameLoad), true, "no reload");
    await screenshot(phone, "citizen-390x844-document");
    await axeClean(phone);
    // A ticket not done yet: its next step is off, saying why.
    const waiting = await server.takeOnline("akta");
    await counter.locator("#doc-code").fill(waiting.code);
    await counter.locator("#doc-form button[type=submit]").click();
    await counter.locator("#doc-number", { hasText: waiting.number }).waitFor(T);
    assert.equal(await counter.locator("#doc-next").isDisabled(), true);
    assert.equal(await counter.locator("#why-doc-next").textContent(), `Bisa setelah ${waiting.number} selesai dilayani (sekarang: Menunggu)`);
  });

  it("the supervisor's report counts the survey: 1 respondent, IKM 90.63, grade A", async () => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const admin = await ctx.newPage();
    await admin.goto(`${server.url}/admin`);
    await admin.locator("#username").fill(SUPERVISOR.username);
    await admin.locator("#password").fill(SUPERVISOR.password);
    await admin.locator("#signin-form button[type=submit]").click();
    await admin.locator("#report-table tfoot tr").waitFor(T);
    const total = admin.locator('#report-table tfoot tr[data-service="total"]');
    const cells = await total.locator("td").allTextContents();
    const head = await admin.locator("#report-table thead th").allTextContents();
    const col = (/** @type {string} */ name) => cells[head.indexOf(name) - 1];
    assert.equal(col("Responden IKM"), "1");
    assert.equal(col("Nilai IKM"), "90,63");
    assert.equal(col("Mutu pelayanan"), "A · Sangat Baik");
    assert.equal(col("Selesai"), "3");
    const ktp = await admin.locator('#report-table tbody tr[data-service="ktp-el"] td').allTextContents();
    assert.equal(ktp[head.indexOf("Responden IKM") - 1], "1");
    assert.match((await admin.locator("#ikm-summary").textContent()) ?? "", /^IKM 90,63 dari 100 · mutu A \(Sangat Baik\) · 1 responden$/);
    // (29 / 8 answered elements) × 25; the skipped element has no NRR.
    assert.deepEqual(await admin.locator("#ikm-table tbody td").allTextContents(), ["4", "4", "3", "4", "3", "4", "4", "–", "3"]);
    await admin.locator(".a-report").scrollIntoViewIfNeeded();
    await screenshot(admin, "admin-1366x768-report");
    await axeClean(admin);
    // A range the server refuses: said in the screen's words, not the server's.
    await admin.locator("#report-from").fill("2030-01-02");
    await admin.locator("#report-to").fill("2030-01-01");
    await admin.locator("#report-form button[type=submit]").click();
    await admin.locator("#report-status.is-error").waitFor(T);
    assert.equal(await admin.locator("#report-status").textContent(), "Tanggal akhir harus sama dengan atau sesudah tanggal awal.");
    await ctx.close();
  });
});
