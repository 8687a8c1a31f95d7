// The citizen's phone (360×740; also 412×915 and 1366×768), with the real
// server, staff working through the API and real stream events: the office
// page's figures (waiting, estimate, online quota) follow the stream; a
// used-up quota sends people to the kiosk only while it can issue; the
// tickets this phone holds stay listed (office page and `/`), live, until
// the document is collected; "3 nomor lagi" and the call ring once each
// (chime, vibration, a notification once allowed, asked only on a tap); a
// transfer is explained; the closed state is short and says when it
// opens; the survey shows one question at a time and ends with a
// suggestion counted against 1000 characters, kept on a refusal; every
// refusal is worded for a citizen next to the control used. axe-core
// (moderate included) finds nothing in any state, nothing is wider than
// the screen, and a screenshot of each state goes to artifacts/.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { ARTIFACTS, CLERK, OFFICE, SUPERVISOR, launchBrowser, lookWhole, mark, officeDate, openPage, renderedText, sessionCookie, startServer, stillMarked, streaming } from "./helpers.mjs";

const T = { timeout: 15000 };
const PHONE = { width: 360, height: 740 };

/**
 * What the page did to get the citizen's attention, recorded: vibrations,
 * chime tones (each chime is two), notifications shown (through the
 * service worker or the constructor) and permission asked. The permission
 * stays "default" until asked, then "granted"; `__hidden` makes the page
 * out of sight (another app in front).
 */
function attentionRecorder() {
  const w = /** @type {any} */ (window);
  Object.assign(w, { __buzz: [], __tones: 0, __shown: [], __asked: 0, __hidden: false });
  let permission = "default";
  class FakeNotification {
    /** @param {string} title @param {any} opts */
    constructor(title, opts) {
      w.__shown.push({ title, body: opts?.body, via: "page" });
    }
    static get permission() {
      return permission;
    }
    static async requestPermission() {
      w.__asked++;
      permission = "granted";
      return permission;
    }
  }
  w.Notification = FakeNotification;
  if (w.ServiceWorkerRegistration) {
    w.ServiceWorkerRegistration.prototype.showNotification = async function (/** @type {string} */ title, /** @type {any} */ opts) {
      w.__shown.push({ title, body: opts?.body, via: "worker" });
    };
  }
  Object.defineProperty(navigator, "vibrate", { value: (/** @type {number[]} */ p) => (w.__buzz.push(p), true), configurable: true });
  const tone = AudioContext.prototype.createOscillator;
  AudioContext.prototype.createOscillator = function () {
    w.__tones++;
    return tone.call(this);
  };
  Object.defineProperty(document, "visibilityState", { get: () => (w.__hidden ? "hidden" : "visible"), configurable: true });
}

/** @param {import("playwright-core").Page} p */
async function attention(p) {
  return p.evaluate(() => {
    const w = /** @type {any} */ (window);
    return { buzz: w.__buzz, tones: w.__tones, shown: w.__shown, asked: w.__asked };
  });
}

/**
 * A phone: a fresh context at `size` with the speech and attention
 * recorders, failing the test on any script error.
 * @param {import("playwright-core").Browser} browser
 * @param {{width: number, height: number}} [size]
 */
async function phone(browser, size = PHONE) {
  const p = await openPage(browser, size, size.width < 800);
  await p.context().addInitScript(attentionRecorder);
  /** @type {string[]} */
  const errors = [];
  p.on("pageerror", (e) => errors.push(String(e)));
  p.on("console", (m) => {
    // A refused request is the browser's console line, not the page's error.
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) errors.push(m.text());
  });
  Object.assign(p, { __errors: errors });
  return p;
}

/** @param {import("playwright-core").Page} p */
function scriptErrors(p) {
  return /** @type {any} */ (p).__errors;
}

/**
 * A screenshot of the whole page and one of the screen, axe-core (moderate included) clean,
 * nothing wider than the screen, no script error.
 * @param {import("playwright-core").Page} p
 * @param {string} state
 */
async function look(p, state) {
  const { width, height } = p.viewportSize() ?? PHONE;
  await lookWhole(p, `citizen-${state}-${width}x${height}`);
  // And what the screen shows, as the citizen sees it first.
  await p.screenshot({ path: path.join(ARTIFACTS, `citizen-${state}-${width}x${height}-screen.png`) });
  assert.deepEqual(scriptErrors(p), [], `${state}: script errors`);
}

/** Takes a ticket on the office page as a citizen does; returns its code. @param {import("playwright-core").Page} p @param {string} service */
async function takeOnPage(p, service) {
  await p.locator(`button[data-service="${service}"]`).click();
  await p.locator("#confirm-take").click();
  await p.waitForURL(/\/t\/[0-9a-z]+$/, T);
  await p.locator("#ticket-number").waitFor(T);
  return new URL(p.url()).pathname.split("/").pop() ?? "";
}

/** What this phone keeps in its storage. @param {import("playwright-core").Page} p */
async function kept(p) {
  return p.evaluate(() => JSON.parse(localStorage.getItem("antrean.recent") ?? "[]"));
}

describe("the citizen's phone", { timeout: 900000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  let clerk = "";
  let supervisor = "";

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    clerk = await sessionCookie(server, CLERK);
    supervisor = await sessionCookie(server, SUPERVISOR);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Staff at a counter, through the API. @param {string} counter @param {string} action @param {unknown} [body] */
  const desk = (counter, action, body) => server.counter(clerk, counter, action, body);
  /** A supervisor's change of the office. @param {string} method @param {string} p @param {unknown} [body] */
  async function change(method, p, body) {
    const res = await fetch(`${server.url}/api/v1/offices/${OFFICE}${p}`, {
      method,
      headers: { cookie: supervisor, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }
  /** A kiosk's ticket. @param {string} service @param {string | null} [priority] */
  const atKiosk = (service, priority = null) =>
    server.api(`/offices/${OFFICE}/tickets`, { body: { service, channel: "kiosk", priority }, headers: { authorization: `Bearer ${server.token}` } });

  it("the office page follows the stream: people waiting, the estimate and the online quota left, without a reload", async () => {
    const p = await phone(browser);
    const live = streaming(p);
    await p.goto(`${server.url}/o/${OFFICE}`);
    await p.locator('button[data-service="akta"]').waitFor(T);
    await live;
    await mark(p);
    assert.equal(await renderedText(p.locator("#fig-waiting-akta")), "0 orang");
    assert.equal(await renderedText(p.locator("#fig-estimate-akta")), "belum dapat diperkirakan");
    assert.equal(await renderedText(p.locator("#fig-online-akta")), "30");
    await look(p, "office");

    await desk("4", "open");
    await server.takeOnline("akta");
    await server.takeOnline("akta");
    await atKiosk("akta");
    await p.locator("#fig-waiting-akta", { hasText: "3 orang" }).waitFor(T);
    assert.match(await renderedText(p.locator("#fig-estimate-akta")), /menit/);
    // The online quota counts the two online tickets, not the kiosk's.
    await p.locator("#fig-online-akta", { hasText: /^28$/ }).waitFor({ timeout: 25000 });
    await desk("4", "call-next");
    await p.locator("#fig-waiting-akta", { hasText: "2 orang" }).waitFor(T);
    assert.ok(await stillMarked(p), "no reload");
    await look(p, "office-live");
    await desk("4", "start");
    await desk("4", "finish");
    await desk("4", "close");
    await p.close();
  });

  it("the phone keeps its tickets: listed on the office page and on /, live, until the document is collected", async () => {
    const p = await phone(browser);
    await p.goto(`${server.url}/o/${OFFICE}`);
    assert.equal(await p.locator("#mine").isVisible(), false, "no ticket yet, no list");
    const code = await takeOnPage(p, "ktp-el");
    const number = (await renderedText(p.locator("#ticket-number"))).split(" ").pop() ?? "";
    // Only what the list needs is kept.
    const mine = await kept(p);
    assert.equal(mine.length, 1);
    assert.deepEqual(Object.keys(mine[0]).sort(), ["at", "code", "number", "office", "service"]);
    assert.deepEqual([mine[0].code, mine[0].number, mine[0].service, mine[0].office], [code, number, "ktp-el", OFFICE]);

    await p.locator(".back a").click();
    const item = p.locator(`#mine [data-code="${code}"]`);
    await item.waitFor(T);
    assert.equal(await renderedText(p.locator("#mine h2")), "Nomor antrean Anda");
    assert.equal(await renderedText(item), `${number} KTP Elektronik Menunggu · tidak ada orang di depan Anda`);
    await look(p, "office-mine");

    // On the list of offices too, with the office's name; live.
    await p.locator("#brand").click();
    await item.waitFor(T);
    assert.equal(await renderedText(item), `${number} KTP Elektronik Mal Pelayanan Publik Kabupaten Lampung Utara Menunggu · tidak ada orang di depan Anda`);
    await mark(p);
    await desk("1", "open");
    await desk("1", "call-next");
    await item.locator(".mine-state", { hasText: "Dipanggil · Silakan menuju Loket 1" }).waitFor(T);
    await look(p, "offices-mine-called");
    await desk("1", "start");
    await desk("1", "finish");
    await item.locator(".mine-state", { hasText: "Selesai · Dokumen belum diproses" }).waitFor(T);
    await server.api(`/tickets/${code}/document`, { body: { step: "siap diambil" }, headers: { cookie: clerk } });
    await item.locator(".mine-state", { hasText: "Selesai · Dokumen: siap diambil" }).waitFor(T);
    assert.ok(await stillMarked(p), "no reload");
    await look(p, "offices-mine-document");
    // Still there the next day's visit: its document is not collected yet.
    await p.reload();
    await item.locator(".mine-state", { hasText: "Dokumen: siap diambil" }).waitFor(T);
    // Collected: shown as such, then no longer kept.
    await server.api(`/tickets/${code}/document`, { body: { step: "diserahkan" }, headers: { cookie: clerk } });
    await item.locator(".mine-state", { hasText: "Dokumen: diserahkan" }).waitFor(T);
    assert.deepEqual(await kept(p), []);
    await p.reload();
    await p.locator(".card a").first().waitFor(T);
    assert.equal(await p.locator("#mine").isVisible(), false);

    // A week after it was kept, a ticket is dropped whatever its state.
    const other = await server.takeOnline("ktp-el");
    await p.goto(`${server.url}/t/${other.code}`);
    await p.locator("#ticket-number").waitFor(T);
    assert.equal((await kept(p))[0].code, other.code, "a ticket opened here (a printed ticket's QR code) is kept too");
    await p.evaluate(() => {
      const list = JSON.parse(localStorage.getItem("antrean.recent") ?? "[]");
      list[0].at -= 7 * 86_400_000;
      localStorage.setItem("antrean.recent", JSON.stringify(list));
    });
    await p.goto(`${server.url}/`);
    await p.locator(".card a").first().waitFor(T);
    assert.equal(await p.locator("#mine").isVisible(), false);
    assert.deepEqual(await kept(p), []);
    await server.api(`/tickets/${other.code}/cancel`, { method: "POST" });

    // What the page kept before (one code per office) is read once, then kept the new way.
    const before = await server.takeOnline("akta");
    await p.evaluate(([office, code]) => localStorage.setItem("antrean.tickets", JSON.stringify({ [office]: code })), [OFFICE, before.code]);
    await p.reload();
    await p.locator(`#mine [data-code="${before.code}"] .mine-state`, { hasText: "Menunggu" }).waitFor(T);
    assert.equal(await renderedText(p.locator(`#mine [data-code="${before.code}"] .mine-number`)), before.number);
    assert.equal(await p.evaluate(() => localStorage.getItem("antrean.tickets")), null);
    assert.deepEqual((await kept(p)).map((/** @type {any} */ k) => [k.code, k.number, k.service]), [[before.code, before.number, "akta"]]);
    await server.api(`/tickets/${before.code}/cancel`, { method: "POST" });
    await p.close();
  });

  it("the ticket page: '3 nomor lagi' and the call ring once each, with a notification once allowed; a transfer is explained", async () => {
    // Two wait for family cards, four for BPJS; then the citizen takes one.
    for (const s of ["kartu-keluarga", "kartu-keluarga", "bpjs-kesehatan", "bpjs-kesehatan", "bpjs-kesehatan", "bpjs-kesehatan"]) await server.takeOnline(s);
    const p = await phone(browser);
    await p.goto(`${server.url}/o/${OFFICE}`);
    const code = await takeOnPage(p, "bpjs-kesehatan");
    const number = (await renderedText(p.locator("#ticket-number"))).split(" ").pop() ?? "";
    assert.equal(await renderedText(p.locator("#ticket-ahead")), "4");
    // Notifications are offered, never asked for on load.
    const ask = p.locator("#notify-ask");
    await ask.waitFor(T);
    assert.equal((await attention(p)).asked, 0);
    assert.equal(await renderedText(p.locator("#alerts-how")), "Selama halaman ini terbuka, ponsel berbunyi dan bergetar saat tinggal 3 nomor lagi dan saat Anda dipanggil.");
    await look(p, "ticket-waiting");
    await ask.click();
    await p.locator("#alerts-state", { hasText: "Notifikasi menyala" }).waitFor(T);
    assert.equal(await p.evaluate(() => document.activeElement?.id), "alerts-state");
    assert.equal((await attention(p)).asked, 1);
    // The worker that shows them on Android is the server's file.
    await p.waitForFunction(() => navigator.serviceWorker.getRegistration("/ui/citizen-ui/").then((r) => !!r), null, T);
    await look(p, "ticket-notify-on");
    await mark(p);

    // The citizen switches to another app; the clerk calls the first BPJS number.
    await p.evaluate(() => (/** @type {any} */ (window).__hidden = true));
    await desk("7", "open");
    await desk("7", "call-next");
    await p.locator("#ticket-near", { hasText: "3 nomor lagi. Bersiaplah di dekat loket." }).waitFor(T);
    await p.waitForFunction(() => /** @type {any} */ (window).__shown.length === 1, null, T);
    let seen = await attention(p);
    assert.deepEqual(seen.buzz, [[300, 150, 300]]);
    assert.equal(seen.tones, 2, "one chime");
    assert.deepEqual(seen.shown, [{ title: `${number}: 3 nomor lagi. Bersiaplah di dekat loket.`, body: "BPJS Kesehatan · Mal Pelayanan Publik Kabupaten Lampung Utara", via: "worker" }]);
    assert.equal(await renderedText(p.locator("#ticket-news")), "3 nomor lagi. Bersiaplah di dekat loket.");
    // Nearer still: no more ringing until the call.
    for (let i = 0; i < 3; i++) {
      await desk("7", "start");
      await desk("7", "finish");
      await desk("7", "call-next");
    }
    await p.locator("#ticket-near", { hasText: "Anda berikutnya." }).waitFor(T);
    await p.evaluate(() => (/** @type {any} */ (window).__hidden = false));
    await look(p, "ticket-next");
    seen = await attention(p);
    assert.equal(seen.buzz.length, 1);
    assert.equal(seen.shown.length, 1);
    // Called: full screen, two chimes, a long buzz; no notification while in view.
    await desk("7", "start");
    await desk("7", "finish");
    await desk("7", "call-next");
    await p.locator("#called:not([hidden])").waitFor(T);
    assert.equal(await renderedText(p.locator("#called-where")), "Silakan menuju Loket 7");
    assert.equal(await p.evaluate(() => document.activeElement?.id), "called-ok");
    await p.waitForFunction(() => /** @type {any} */ (window).__tones >= 6, null, T);
    seen = await attention(p);
    assert.deepEqual(seen.buzz.at(-1), [500, 200, 500, 200, 500]);
    assert.equal(seen.shown.length, 1);
    await look(p, "ticket-called");
    // A recall is the same round: no new ringing.
    await desk("7", "recall");
    await p.waitForTimeout(1500);
    assert.equal((await attention(p)).buzz.length, 2);
    await p.locator("#called-ok").click();
    assert.equal(await p.locator("#called").isVisible(), false);
    // A reload does not ring again either.
    await p.reload();
    await p.locator("#ticket-status", { hasText: "Dipanggil" }).waitFor(T);
    await p.waitForTimeout(1000);
    assert.equal(await p.locator("#called").isVisible(), false);
    assert.deepEqual((await attention(p)).buzz, []);

    // At the counter, the clerk sends the citizen on to family cards: two wait there.
    await desk("7", "start");
    await desk("7", "transfer", { service: "kartu-keluarga" });
    const moved = p.locator("#ticket-moved");
    await moved.waitFor(T);
    assert.equal(await renderedText(moved), "Anda dialihkan ke layanan Kartu Keluarga, 2 orang di depan Anda.");
    assert.equal(await renderedText(p.locator("#ticket-service")), "Kartu Keluarga");
    assert.equal(await renderedText(p.locator("#ticket-news")), "Anda dialihkan ke layanan Kartu Keluarga, 2 orang di depan Anda.");
    // Told in person and on the page: the near queue does not ring.
    assert.deepEqual((await attention(p)).buzz, []);
    await look(p, "ticket-moved");
    await p.locator("#lang-btn").click();
    await moved.filter({ hasText: "You have been moved to Family card: 2 people ahead of you." }).waitFor(T);
    await look(p, "ticket-moved-en");
    await p.locator("#lang-btn").click();
    await moved.filter({ hasText: "Anda dialihkan" }).waitFor(T);
    // Called for family cards at counter 2, then sent to counter 3 of the same service.
    await desk("2", "open");
    for (let i = 0; i < 2; i++) {
      await desk("2", "call-next");
      await desk("2", "start");
      await desk("2", "finish");
    }
    await desk("2", "call-next");
    await p.locator("#called:not([hidden])").waitFor(T);
    await p.locator("#called-ok").click();
    await desk("2", "transfer", { counter: "3" });
    await moved.filter({ hasText: "Anda dialihkan ke Loket 3, tidak ada orang di depan Anda." }).waitFor(T);
    assert.equal(await renderedText(p.locator("#ticket-service")), "Kartu Keluarga");
    await look(p, "ticket-moved-counter");
    assert.equal((await server.api(`/tickets/${code}`)).service, "kartu-keluarga");
    await desk("3", "open");
    await desk("3", "call-next");
    await p.locator("#called:not([hidden])").waitFor(T);
    await desk("3", "start");
    await desk("3", "finish");
    await desk("2", "close");
    await desk("3", "close");
    await desk("7", "close");
    await p.close();
  });

  it("a transfer while the page was closed is explained on the next visit; the alerts' button keeps the focus through live updates", async () => {
    const t = await server.takeOnline("akta");
    const p = await phone(browser);
    await p.goto(`${server.url}/t/${t.code}`);
    await p.locator("#ticket-number").waitFor(T);
    await p.goto(`${server.url}/`);
    await desk("4", "open");
    await desk("4", "call", { number: t.number });
    await desk("4", "start");
    await desk("4", "transfer", { service: "pindah-datang" });
    await desk("4", "close");
    await p.goto(`${server.url}/t/${t.code}`);
    const moved = p.locator("#ticket-moved");
    await moved.waitFor(T);
    assert.equal(await renderedText(moved), "Anda dialihkan ke layanan Pindah Datang, tidak ada orang di depan Anda.");
    // An elderly citizen's kiosk ticket goes first: the page is updated, the focus stays.
    await p.locator("#notify-ask").focus();
    await atKiosk("pindah-datang", "elderly");
    await moved.filter({ hasText: "1 orang di depan Anda" }).waitFor(T);
    assert.equal(await renderedText(p.locator("#ticket-ahead")), "1");
    assert.equal(await p.evaluate(() => document.activeElement?.id), "notify-ask");
    await look(p, "ticket-moved-away");
    await server.api(`/tickets/${t.code}/cancel`, { method: "POST" });
    await p.close();
  });

  it("closed: short, says why and when it opens (a service opening later says so), live", async () => {
    const p = await phone(browser);
    const live = streaming(p);
    await p.goto(`${server.url}/o/${OFFICE}`);
    await p.locator('button[data-service="samsat"]').waitFor(T);
    await live;
    await mark(p);
    const today = officeDate(0);
    const tomorrow = officeDate(1);
    const config = await change("GET", "/config");
    const samsat = config.services.find((/** @type {any} */ s) => s.id === "samsat");
    await change("PUT", "/hours", { [tomorrow.key]: "07:30-16:00" });
    await change("PUT", "/services/samsat", { ...samsat, id: undefined, hours: { [tomorrow.key]: "10:00-14:00" } });
    await change("PUT", `/closures/${today.iso}`, { reason: { id: "Rapat kerja pegawai", en: "Staff meeting" } });
    const note = p.locator("#office-closed");
    await note.locator(".closed-why", { hasText: "Tutup: Rapat kerja pegawai" }).waitFor(T);
    assert.equal(await renderedText(note.locator(".closed-when")), "Buka lagi besok, 07.30");
    assert.equal(await p.locator("button[data-service]").count(), 0, "no button that would only fail");
    // Said once at the top; a card says only what differs.
    assert.deepEqual(await p.locator("[data-closed]").allTextContents(), ["Buka lagi besok, 10.00"]);
    assert.equal(await p.locator('[data-card="samsat"] [data-closed="samsat"]').count(), 1);
    // No figures of a day that is not running; the standard is folded.
    assert.equal(await p.locator(".facts:visible").count(), 0);
    assert.ok(await stillMarked(p), "no reload");
    const height = await p.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(height < 2 * 740, `short: ${height}px for the whole page`);
    await look(p, "closed");
    await p.locator('[data-card="ktp-el"] summary').click();
    await p.locator('[data-card="ktp-el"] dd', { hasText: "Gratis" }).waitFor(T);
    await look(p, "closed-standard");
    await p.locator("#lang-btn").click();
    await note.locator(".closed-when", { hasText: "Opens again tomorrow, 07:30" }).waitFor(T);
    assert.equal(await renderedText(note.locator(".closed-why")), "Closed: Staff meeting");
    assert.deepEqual(await p.locator("[data-closed]").allTextContents(), ["Opens again tomorrow, 10:00"]);
    await look(p, "closed-en");
    await p.locator("#lang-btn").click();

    await change("DELETE", `/closures/${today.iso}`);
    await change("DELETE", "/hours");
    await change("PUT", "/services/samsat", { ...samsat, id: undefined });
    await p.locator('button[data-service="samsat"]').waitFor(T);
    assert.equal(await p.locator("#office-closed").count(), 0);
    assert.ok(await stillMarked(p), "no reload");
    await p.close();
  });

  /** A ticket served and done at counter 8 (SKCK). */
  async function doneTicket() {
    const t = await server.takeOnline("skck");
    await desk("8", "open");
    await desk("8", "call-next");
    await desk("8", "start");
    await desk("8", "finish");
    await desk("8", "close");
    return t;
  }

  it("the survey: one question at a time with large answers, then a suggestion counted against 1000 characters, kept on a refusal", async () => {
    const done = await doneTicket();
    const p = await phone(browser);
    await p.goto(`${server.url}/t/${done.code}`);
    const form = p.locator("#survey-form");
    await form.waitFor(T);
    await p.locator("#survey").scrollIntoViewIfNeeded();
    // One question shown, its four answers at least 44 px high and most of the screen's width.
    assert.equal(await form.locator("fieldset").count(), 1);
    assert.match(await renderedText(form.locator("legend")), /^Pertanyaan 1 dari 9 Bagaimana pendapat Anda tentang kesesuaian persyaratan/);
    const sizes = await form.locator("label.option").evaluateAll((els) => els.map((el) => el.getBoundingClientRect()).map((r) => [r.height, r.width]));
    assert.equal(sizes.length, 4);
    for (const [h, w] of sizes) assert.ok(h >= 44 && w >= 0.7 * PHONE.width, `answer ${w}×${h}`);
    assert.equal(await renderedText(p.locator("#survey-next")), "Lewati");
    await look(p, "survey-question");
    await form.locator("label.option", { hasText: "Sangat sesuai" }).click();
    assert.equal(await renderedText(p.locator("#survey-next")), "Berikutnya");
    await p.locator("#survey-next").click();
    assert.match(await renderedText(form.locator("legend")), /^Pertanyaan 2 dari 9/);
    assert.equal(await p.evaluate(() => document.activeElement?.id), "survey-question", "the focus on the new question");
    // Back keeps the answer.
    await p.locator("#survey-back").click();
    assert.equal(await form.locator('input[value="4"]').isChecked(), true);
    await p.locator("#survey-next").click();
    const answers = [4, 3, null, 4, 3, 4, 4, null, 2];
    for (const a of answers.slice(1)) {
      if (a != null) await form.locator(`input[value="${a}"]`).check();
      await p.locator("#survey-next").click();
    }
    // The suggestion, last: a paste of more than 1000 characters is kept and refused here.
    const field = p.locator("#suggestion");
    await field.waitFor(T);
    assert.equal(await renderedText(p.locator('label[for="suggestion"]')), "Saran untuk kami (tidak wajib)");
    assert.equal(await renderedText(p.locator("#suggestion-count")), "0 / 1000 karakter");
    const long = "Antrean rapi, ".repeat(72); // 1008 characters, 1007 once trimmed
    await field.fill(long);
    await p.locator("#suggestion-count.is-over", { hasText: "1007 / 1000 karakter: 7 terlalu banyak" }).waitFor(T);
    await p.locator("#survey-submit").click();
    const fieldError = p.locator("#suggestion-error");
    await fieldError.waitFor(T);
    assert.equal(await renderedText(fieldError), "Saran paling banyak 1000 karakter. Hapus 7 karakter, lalu kirim lagi.");
    assert.equal(await field.inputValue(), long, "the text is kept");
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    assert.match((await field.getAttribute("aria-describedby")) ?? "", /suggestion-error/);
    assert.equal(await p.evaluate(() => document.activeElement?.id), "suggestion");
    assert.equal((await server.api(`/tickets/${done.code}`)).survey_open, true, "nothing sent");
    await look(p, "survey-suggestion-long");
    // The server's own refusal (the text it got was too long) says the same, and keeps the text.
    const text = "  Ruang tunggu perlu lebih banyak kursi dan kipas angin.  ";
    await field.fill(text);
    await p.locator("#suggestion-count", { hasText: "54 / 1000 karakter" }).waitFor(T);
    await p.route("**/survey", (route) => route.continue({ postData: JSON.stringify({ ...route.request().postDataJSON(), suggestion: "y".repeat(1001) }) }));
    await p.locator("#survey-submit").click();
    await fieldError.filter({ hasText: "Saran paling banyak 1000 karakter. Persingkat, lalu kirim lagi." }).waitFor(T);
    assert.equal(await field.inputValue(), text);
    await p.unroute("**/survey");
    // No answer from the server: said by the button, all kept.
    await p.route("**/survey", (route) => route.abort());
    await p.locator("#survey-submit").click();
    const error = p.locator("#survey-error");
    await error.waitFor(T);
    assert.equal(await renderedText(error), "Tidak dapat terhubung ke server. Periksa jaringan lalu coba lagi.");
    assert.equal(await field.inputValue(), text);
    assert.equal(await p.locator("#suggestion-error").count(), 0);
    await look(p, "survey-network");
    await p.unroute("**/survey");
    // Sent: the answers and the trimmed suggestion.
    const sent = p.waitForRequest((r) => r.url().endsWith("/survey") && r.method() === "POST");
    await p.locator("#survey-submit").click();
    assert.deepEqual((await sent).postDataJSON(), { answers, suggestion: text.trim() });
    await p.locator("#survey-thanks").waitFor(T);
    assert.equal((await server.api(`/tickets/${done.code}`)).survey_open, false);
    await look(p, "survey-thanks");
    await p.close();
  });

  /**
   * The refusal on a service's card after taking a ticket there: its words,
   * the card's button (when it still offers one) described by them and
   * focused. @param {import("playwright-core").Page} p @param {string} service
   */
  async function refusal(p, service) {
    const err = p.locator(`[data-card="${service}"] #take-error-${service}`);
    await err.waitFor(T);
    assert.equal(await p.locator(".error-msg").count(), 1, "one refusal on the page");
    const button = p.locator(`button[data-service="${service}"]`);
    if (await button.count()) {
      assert.match((await button.getAttribute("aria-describedby")) ?? "", new RegExp(`take-error-${service}`));
      assert.equal(await p.evaluate(() => document.activeElement?.getAttribute("data-service")), service, "the focus back on the button");
    }
    return renderedText(err);
  }
  /** Taps "take a ticket" and confirms. @param {import("playwright-core").Page} p @param {string} service */
  async function tryTaking(p, service) {
    await p.locator(`button[data-service="${service}"]`).click();
    await p.locator("#confirm-take").click();
  }
  /**
   * Makes `page` one that has not heard of a change: no live stream, and
   * the first fetch of the office answered with `first` applied.
   * @param {import("playwright-core").Page} page @param {(o: any) => void} first
   */
  async function stale(page, first) {
    await page.routeWebSocket(/\/live/, () => {});
    let fetched = 0;
    await page.route(`**/api/v1/offices/${OFFICE}`, async (route) => {
      const res = await route.fetch();
      const o = await res.json();
      if (fetched++ === 0) first(o);
      await route.fulfill({ response: res, json: o });
    });
  }

  it("refusals are worded for a citizen, on the card of the service, by its button: a ticket already held, a failed check, no network", async () => {
    const p = await phone(browser);
    await p.goto(`${server.url}/o/${OFFICE}`);
    await takeOnPage(p, "pindah-datang");
    await p.locator(".back a").click();
    await tryTaking(p, "pindah-datang");
    assert.equal(
      await refusal(p, "pindah-datang"),
      "Anda sudah memegang nomor antrean untuk layanan ini. Satu nomor per layanan sampai nomor itu dipanggil atau dibatalkan. Lihat nomor Anda",
    );
    await look(p, "refused-held");
    await p.locator("#lang-btn").click();
    await p.locator("#take-error-pindah-datang", { hasText: "You already hold a number for this service." }).waitFor(T);
    await look(p, "refused-held-en");
    await p.locator("#lang-btn").click();
    await p.locator("#take-error-pindah-datang", { hasText: "Anda sudah memegang" }).waitFor(T);

    // A security check the server cannot verify.
    await p.route(`**/api/v1/offices/${OFFICE}/tickets`, (route) =>
      route.continue({ postData: JSON.stringify({ ...route.request().postDataJSON(), proof: { challenge: "x", nonce: 1 } }) }),
    );
    await tryTaking(p, "akta");
    assert.equal(await refusal(p, "akta"), "Pemeriksaan keamanan gagal. Muat ulang halaman lalu coba lagi.");
    await p.unroute(`**/api/v1/offices/${OFFICE}/tickets`);
    // No answer at all.
    await p.route(`**/api/v1/offices/${OFFICE}/tickets`, (route) => route.abort());
    await tryTaking(p, "samsat");
    assert.equal(await refusal(p, "samsat"), "Tidak dapat terhubung ke server. Periksa jaringan lalu coba lagi.");
    await look(p, "refused-network");
    await p.unroute(`**/api/v1/offices/${OFFICE}/tickets`);
    // Another tap takes the refusal away.
    await tryTaking(p, "samsat");
    await p.waitForURL(/\/t\//, T);
    assert.equal(await p.locator(".error-msg").count(), 0);
    await p.close();
  });

  it("a used-up quota sends people to the kiosk only while the kiosk can still issue; live, and on a refusal", async () => {
    const config = await change("GET", "/config");
    const def = config.services.find((/** @type {any} */ s) => s.id === "perizinan");
    await change("PUT", "/services/perizinan", { ...def, id: undefined, quota: 3, quota_online: 1 });
    const p = await phone(browser);
    const live = streaming(p);
    await p.goto(`${server.url}/o/${OFFICE}`);
    await live;
    await mark(p);
    await p.locator("#fig-online-perizinan", { hasText: /^1$/ }).waitFor(T);
    // Someone else takes the last online ticket: the page learns it from the stream, then the office.
    await server.takeOnline("perizinan");
    const out = p.locator('[data-out="perizinan"]');
    await out.waitFor({ timeout: 25000 });
    assert.equal(await renderedText(out), "Kuota online hari ini habis. Masih ada 2 nomor di kios kantor.");
    assert.equal(await p.locator('button[data-service="perizinan"]').count(), 0);
    await out.scrollIntoViewIfNeeded();
    await look(p, "quota-online-out");
    // A page that had not heard of it is refused with the same words.
    const late = await phone(browser);
    await stale(late, (o) => Object.assign(o.services.find((/** @type {any} */ s) => s.id === "perizinan"), { remaining: 2, remaining_online: 1 }));
    await late.goto(`${server.url}/o/${OFFICE}`);
    await tryTaking(late, "perizinan");
    assert.equal(await refusal(late, "perizinan"), "Kuota online hari ini habis. Masih ada 2 nomor di kios kantor.");
    await look(late, "quota-online-refused");
    // The kiosk issues one: the count follows; then the last: no kiosk to send anyone to.
    await atKiosk("perizinan");
    await out.filter({ hasText: "Masih ada 1 nomor di kios kantor." }).waitFor(T);
    await atKiosk("perizinan");
    await out.filter({ hasText: "Nomor antrean hari ini sudah habis, juga di kios kantor. Silakan datang lagi pada hari layanan berikutnya." }).waitFor(T);
    assert.ok(await stillMarked(p), "no reload");
    await look(p, "quota-out");
    await late.close();
    const later = await phone(browser);
    await stale(later, (o) => Object.assign(o.services.find((/** @type {any} */ s) => s.id === "perizinan"), { remaining: 1, remaining_online: 1 }));
    await later.goto(`${server.url}/o/${OFFICE}`);
    await tryTaking(later, "perizinan");
    assert.equal(await refusal(later, "perizinan"), "Nomor antrean hari ini sudah habis, juga di kios kantor. Silakan datang lagi pada hari layanan berikutnya.");
    await later.locator("#lang-btn").click();
    await later.locator("#take-error-perizinan", { hasText: "No queue numbers are left today, at the office kiosk either." }).waitFor(T);
    await look(later, "quota-out-refused-en");
    await later.locator("#lang-btn").click();
    await change("PUT", "/services/perizinan", { ...def, id: undefined });
    await p.close();
    await later.close();
  });

  it("the ticket page: a cancel too late and an unknown ticket are worded for a citizen", async () => {
    const t = await server.takeOnline("bpjs-kesehatan");
    const p = await phone(browser);
    // The page has not heard that the number was called.
    await p.routeWebSocket(/\/live/, () => {});
    await p.goto(`${server.url}/t/${t.code}`);
    await p.locator("#cancel").waitFor(T);
    await desk("7", "open");
    await desk("7", "call-next");
    await p.locator("#cancel").click();
    await p.locator("#cancel-yes").click();
    const err = p.locator("#cancel-error");
    await err.waitFor(T);
    assert.equal(await renderedText(err), "Nomor ini sudah dipanggil, jadi tidak dapat dibatalkan lagi.");
    // And the ticket as it is now: called, said in full screen.
    await p.locator("#called:not([hidden])").waitFor(T);
    assert.equal(await renderedText(p.locator("#called-where")), "Silakan menuju Loket 7");
    assert.equal(await p.evaluate(() => document.activeElement?.id), "called-ok");
    await p.locator("#called-ok").click();
    assert.equal(await renderedText(p.locator("#ticket-status")), "Dipanggil");
    assert.equal(await p.locator("#cancel").count(), 0);
    await look(p, "cancel-refused");
    await desk("7", "start");
    await desk("7", "finish");
    await desk("7", "close");

    await p.goto(`${server.url}/t/tidakada0000000000`);
    await p.locator(".error-msg").waitFor(T);
    assert.equal(await renderedText(p.locator(".error-msg")), "Nomor antrean ini tidak ditemukan. Periksa alamatnya, atau ambil nomor baru.");
    assert.ok(!(await kept(p)).some((/** @type {any} */ k) => k.code === "tidakada0000000000"));
    await look(p, "ticket-unknown");
    await p.close();
  });

  for (const size of [
    { width: 412, height: 915 },
    { width: 1366, height: 768 },
  ]) {
    it(`${size.width}×${size.height}: the office page with a ticket held, the ticket, the survey`, async () => {
      const done = await doneTicket();
      const p = await phone(browser, size);
      await p.goto(`${server.url}/o/${OFFICE}`);
      const code = await takeOnPage(p, "kartu-keluarga");
      await p.locator("#notify-ask").waitFor(T);
      await look(p, "ticket-waiting");
      await p.locator(".back a").click();
      await p.locator(`#mine [data-code="${code}"]`).waitFor(T);
      await look(p, "office-mine");
      await p.goto(`${server.url}/t/${done.code}`);
      await p.locator("#survey-form").waitFor(T);
      await look(p, "survey-question");
      for (let i = 0; i < 9; i++) await p.locator("#survey-next").click();
      await p.locator("#suggestion").fill("Terima kasih, pelayanannya cepat.");
      await look(p, "survey-suggestion");
      await server.api(`/tickets/${code}/cancel`, { method: "POST" });
      await p.close();
    });
  }
});

describe("the citizen's phone, where an address's share and budget count (as in production)", { timeout: 300000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;

  before(async () => {
    server = await startServer();
    // The shipped share of an online quota per address (the tests' server turns it off).
    const file = path.join(server.dir, "config", "antrean.toml");
    fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^online_share_per_ip_percent\s*=.*$/m, "online_share_per_ip_percent = 20"));
    await server.restart();
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("a share used up sends to the kiosk (with how many are left there); too many tickets from one address is said plainly", async () => {
    // Five online tickets for moving house from this address: its share of 20.
    for (let i = 0; i < 5; i++) await server.takeOnline("pindah-datang");
    const p = await phone(browser);
    await p.goto(`${server.url}/o/${OFFICE}`);
    await p.locator('button[data-service="pindah-datang"]').click();
    await p.locator("#confirm-take").click();
    const share = p.locator('[data-card="pindah-datang"] #take-error-pindah-datang');
    await share.waitFor(T);
    assert.equal(await renderedText(share), "Nomor online dari jaringan internet Anda hari ini sudah mencapai batas. Masih ada 55 nomor di kios kantor.");
    await look(p, "refused-share");
    // 25 more from this address: its budget of 30 in ten minutes.
    for (const [service, n] of /** @type {const} */ ([["ktp-el", 10], ["samsat", 12], ["akta", 3]])) for (let i = 0; i < n; i++) await server.takeOnline(service);
    await p.locator('button[data-service="bpjs-kesehatan"]').click();
    await p.locator("#confirm-take").click();
    const budget = p.locator('[data-card="bpjs-kesehatan"] #take-error-bpjs-kesehatan');
    await budget.waitFor(T);
    assert.equal(await renderedText(budget), "Terlalu banyak permintaan dari jaringan Anda. Tunggu beberapa menit, lalu coba lagi.");
    await look(p, "refused-budget");
    await p.locator("#lang-btn").click();
    await budget.filter({ hasText: "Too many requests from your network. Wait a few minutes, then try again." }).waitFor(T);
    await look(p, "refused-budget-en");
    await p.close();
  });
});
