// The lobby display through an office's day, at the sizes TVs have
// (1920×1080, 1366×768, 3840×2160 and portrait 1080×1920), with calls made
// through the real server and a speech stub that takes 70 ms a character
// (about 14 a second, a normal Indonesian voice), slower at a slower rate.
// Eight counters calling at once: one chime, the short forms, the eighth
// call spoken within 15 s, every call on screen at once and the big card in
// step with the counter tiles. Thirty counters with long names and a long
// service name: no tile cut off and nothing wider or higher than the
// screen, at every size, before a burst, during one and after many calls
// and recalls. A recall is shown and said as one; a call whose counter
// moved on before its turn is not said. Paused counters show the clerk's
// reason, a closed office when it opens again, a paired display its zone;
// a blocked sound is a strip at the bottom edge, over nothing; an office
// that cannot be reached is said in words and tried again. axe-core
// (moderate included) finds nothing in any state, and a screenshot of each
// goes to artifacts/.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SUPERVISOR, OFFICE, checkScreen, launchBrowser, officeDate, openPage, renderedText, sessionCookie, speechRecorder, spoken, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };
/** For what four busy TV pages show together (a 3840×2160 one among them). */
const FOUR = { timeout: 30000 };
/** The TVs a display runs on: width, height. */
const SIZES = /** @type {const} */ ([
  [1920, 1080],
  [1366, 768],
  [3840, 2160],
  [1080, 1920],
]);
/** A real engine's pace: 70 ms a character at rate 1. */
const PACE = { msPerChar: 70 };
/** How long the eighth of eight calls made together may wait to be spoken, whole. */
const BURST_MS = 15000;
/** Number words of the server's announcements, 0 to 9. */
const WORDS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];

/** @typedef {Awaited<ReturnType<typeof startServer>>} Server */
/** @typedef {import("playwright-core").Page} Page */
/** @typedef {{number: string, counter: string}} Called */

/** Counts the chimes (two oscillators each) a page plays. */
function countChimes() {
  const w = /** @type {any} */ (window);
  w.__oscillators = 0;
  const make = BaseAudioContext.prototype.createOscillator;
  BaseAudioContext.prototype.createOscillator = function () {
    w.__oscillators++;
    return make.call(this);
  };
}

/**
 * Holds the page's audio back until a tap or key press, as a browser's
 * autoplay policy does (headless Chromium lets audio play whatever its
 * flags say, so the test plays the policy's part).
 */
function holdAudioUntilTap() {
  const Real = window.AudioContext;
  class Held extends Real {
    /** @param {AudioContextOptions} [opts] */
    constructor(opts) {
      super(opts);
      this.held = true;
      void super.suspend();
    }
    get state() {
      return this.held ? "suspended" : super.state;
    }
    async resume() {
      if (!navigator.userActivation.isActive) return;
      this.held = false;
      await super.resume();
      this.dispatchEvent(new Event("statechange"));
    }
  }
  window.AudioContext = Held;
}

/**
 * Every 150 ms, what the display shows: the big card, the tile marked as
 * the latest call, what is said now, the numbers in the call lists that are
 * on screen whole, and the numbers on tiles of called tickets.
 */
function sampleDisplay() {
  const w = /** @type {any} */ (window);
  w.__samples = [];
  const onScreen = (/** @type {Element} */ el) => {
    const r = el.getBoundingClientRect();
    return el.checkVisibility() && r.width > 0 && r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5;
  };
  setInterval(() => {
    const now = document.getElementById("now-number");
    if (!now) return;
    const latest = document.querySelector("#counters .is-latest");
    const speaking = (w.__spoken ?? []).findLast((/** @type {any} */ s) => s.text && !s.end);
    w.__samples.push({
      now: now.textContent,
      latest: latest ? { counter: latest.getAttribute("data-counter"), number: latest.querySelector(".d-counter-number")?.textContent } : null,
      spoken: document.getElementById("spoken")?.textContent ?? "",
      speaking: speaking?.text ?? null,
      lists: [...document.querySelectorAll("#also .d-call-number, #recent .d-call-number")].filter(onScreen).map((el) => el.textContent),
      called: [...document.querySelectorAll("#counters .has-called .d-counter-number")].map((el) => el.textContent),
    });
  }, 150);
}

/**
 * A display of this size, its speech paced, its chimes counted and what it
 * shows sampled; open once its live stream has sent its snapshot.
 * @param {import("playwright-core").Browser} browser
 * @param {Server} server
 * @param {readonly [number, number]} size
 * @param {{hash?: string, holdAudio?: boolean}} [opts]
 */
async function openDisplay(browser, server, [width, height], opts = {}) {
  const p = await openPage(browser, { width, height });
  await p.addInitScript(speechRecorder, PACE);
  await p.addInitScript(countChimes);
  await p.addInitScript(sampleDisplay);
  if (opts.holdAudio) await p.addInitScript(holdAudioUntilTap);
  const socket = p.waitForEvent("websocket", T);
  await p.goto(`${server.url}/display/${OFFICE}${opts.hash ?? ""}`);
  await (await socket).waitForEvent("framereceived", T);
  await p.locator("#counters > li").first().waitFor(T);
  return p;
}

/**
 * Nothing is wider or higher than the screen; every counter tile, its name
 * and its number, the big card's number and every list entry shown is on
 * screen whole.
 * @param {Page} p
 * @param {string} label
 */
async function assertFits(p, label) {
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  const r = await p.evaluate(() => {
    const inside = (/** @type {DOMRect} */ b, /** @type {DOMRect} */ box) => b.left >= box.left - 1 && b.top >= box.top - 1 && b.right <= box.right + 1 && b.bottom <= box.bottom + 1;
    const screen = new DOMRect(0, 0, innerWidth, innerHeight);
    const tiles = [...document.querySelectorAll("#counters > li")];
    const shown = [...document.querySelectorAll("#also > li, #recent > li, #waiting > li")].filter((el) => el.checkVisibility());
    return {
      wider: document.documentElement.scrollWidth - innerWidth,
      higher: document.documentElement.scrollHeight - innerHeight,
      tiles: tiles.length,
      tilesOff: tiles.filter((li) => !inside(li.getBoundingClientRect(), screen)).map((li) => li.getAttribute("data-counter")),
      textOff: tiles
        .filter((li) => [...li.querySelectorAll(".d-counter-name, .d-counter-number")].some((el) => !inside(el.getBoundingClientRect(), li.getBoundingClientRect()) || el.scrollWidth > el.clientWidth + 1))
        .map((li) => li.getAttribute("data-counter")),
      heroOff: !inside(/** @type {Element} */ (document.getElementById("now-number")).getBoundingClientRect(), /** @type {Element} */ (document.getElementById("now")).getBoundingClientRect()),
      entriesOff: shown.filter((el) => !inside(el.getBoundingClientRect(), screen)).length,
    };
  });
  assert.ok(r.wider <= 0, `${label}: ${r.wider}px wider than the screen`);
  assert.ok(r.higher <= 0, `${label}: ${r.higher}px higher than the screen`);
  assert.ok(r.tiles > 0, `${label}: no counter tiles`);
  assert.deepEqual(r.tilesOff, [], `${label}: counter tiles not whole on screen`);
  assert.deepEqual(r.textOff, [], `${label}: tiles whose name or number is cut`);
  assert.equal(r.heroOff, false, `${label}: the big number sticks out of its card`);
  assert.equal(r.entriesOff, 0, `${label}: list entries shown but not whole on screen`);
}

/** What the page has sampled since it opened. @param {Page} p */
function samples(p) {
  return p.evaluate(() => /** @type {any[]} */ (/** @type {any} */ (window).__samples));
}

/** The server's short form of a call ("A satu, loket tiga"), for numbers and counters under 10. @param {Called} c */
function shortForm(c) {
  return `${c.number[0]} ${WORDS[Number(c.number.slice(1))]}, loket ${WORDS[Number(c.counter)]}`;
}

/** Utterances that have ended, in order. @param {Page} p */
async function saidDone(p) {
  return (await spoken(p)).filter((/** @type {any} */ s) => s.end > 0);
}

/** Waits until the page has finished saying `n` utterances in all. @param {Page} p @param {number} n */
async function waitSaid(p, n, timeout = 60000) {
  await p.waitForFunction((n) => /** @type {any} */ (window).__spoken.filter((/** @type {any} */ s) => s.text && s.end > 0).length >= n, n, { timeout });
  return saidDone(p);
}

/**
 * Calls the next ticket at each counter at the same moment; what each
 * called.
 * @param {Server} server
 * @param {string} cookie
 * @param {string[]} counters
 * @returns {Promise<Called[]>}
 */
async function callAtOnce(server, cookie, counters) {
  const tickets = await Promise.all(counters.map((c) => server.counter(cookie, c, "call-next")));
  return tickets.map((t, i) => ({ number: t.number, counter: counters[i] }));
}

/** A ticket taken at the kiosk (no proof of work, no rate limit). @param {Server} server @param {string} service */
function kioskTicket(server, service) {
  return server.api(`/offices/${OFFICE}/tickets`, { body: { service, priority: null, channel: "kiosk" }, headers: { authorization: `Bearer ${server.token}` } });
}

/** The shipped office's counters 1 to 8 and one ticket each can call. */
const EIGHT = ["1", "2", "3", "4", "5", "6", "7", "8"];
const EIGHT_TICKETS = ["ktp-el", "ktp-el", "kartu-keluarga", "akta", "perizinan", "samsat", "bpjs-kesehatan", "skck"];

describe("eight counters call at once (the shipped office, 1920×1080)", { timeout: 120000 }, () => {
  /** @type {Server} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  let cookie = "";

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    cookie = await server.clerkCookie();
    for (const s of EIGHT_TICKETS) await kioskTicket(server, s);
    for (const c of EIGHT) await server.counter(cookie, c, "open");
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the eighth is spoken within 15 s: one chime, short forms; every call on screen at once; the big card in step with the tiles", async () => {
    const p = await openDisplay(browser, server, [1920, 1080]);
    const t0 = await p.evaluate(() => performance.now());
    const called = await callAtOnce(server, cookie, EIGHT);
    const said = await waitSaid(p, 8);
    assert.equal(said.length, 8);
    const last = said[7].end - t0;
    const times = said.map((/** @type {any} */ s) => `${Math.round(s.start - t0)}–${Math.round(s.end - t0)}`).join(", ");
    assert.ok(last <= BURST_MS, `the eighth call was spoken by ${Math.round(last)} ms after the calls (at most ${BURST_MS}): ${times}`);
    assert.deepEqual(said.map((/** @type {any} */ s) => s.text).sort(), called.map(shortForm).sort(), "each call once, in its short form");
    assert.ok(said.every((/** @type {any} */ s) => s.rate === 1 && s.lang === "id-ID"));
    for (let i = 1; i < said.length; i++) assert.ok(said[i].start >= said[i - 1].end, "one after another, none cut off");
    assert.equal(await p.evaluate(() => /** @type {any} */ (window).__cancelled), 0);
    assert.equal(await p.evaluate(() => /** @type {any} */ (window).__oscillators), 2, "one chime (two notes) for the run");

    const counterOf = new Map(called.map((c) => [c.number, c.counter]));
    const seen = await samples(p);
    // Once all eight are called, all eight are on screen at once: the big card and "Juga dipanggil".
    const all = seen.find((s) => called.every((c) => s.called.includes(c.number)));
    assert.ok(all, "the tiles showed all eight calls");
    assert.deepEqual([all.now, ...all.lists].filter((n) => counterOf.has(n)).sort(), called.map((c) => c.number).sort(), "every call on screen at once");
    // While a call is said: its words under the big card, its number on the card and on its counter's tile, marked.
    const speaking = seen.filter((s) => s.speaking);
    assert.ok(speaking.length >= 30, `sampled while speaking (${speaking.length})`);
    for (const s of speaking) {
      assert.equal(s.spoken, s.speaking, "the words shown are the words said");
      assert.equal(s.latest?.number, s.now, "the marked tile shows the big card's number");
      assert.equal(s.latest?.counter, counterOf.get(s.now), "at the counter that called it");
      assert.equal(s.speaking, shortForm({ number: s.now, counter: /** @type {string} */ (counterOf.get(s.now)) }), "the card shows the call being said");
    }
    await checkScreen(p, "display-1920x1080-burst-done");
    await assertFits(p, "1920×1080 after the burst");
    await p.close();
  });
});

describe("thirty counters with long names, at every size", { timeout: 300000 }, () => {
  /** @type {Server} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  let cookie = "";
  /** @type {Map<string, Page>} */ const pages = new Map();
  const name = (/** @type {readonly [number, number]} */ [w, h]) => `${w}x${h}`;
  const MORE = Array.from({ length: 22 }, (_, i) => String(i + 9));
  const SUFFIX = ["Perekaman KTP-el dan KIA", "Pencetakan Akta Kelahiran", "Pelayanan Pajak Kendaraan", "Konsultasi BPJS Kesehatan", "Perizinan Usaha Mikro"];
  const counterName = (/** @type {string} */ id) => `Loket ${id} ${SUFFIX[Number(id) % SUFFIX.length]}`.slice(0, 40);

  before(async () => {
    let toml = `[[services]]\nid = "legalisir"\nprefix = "L"\nname = { id = "Legalisir Dokumen Kependudukan dan Pencatatan Sipil Kabupaten Lampung Utara", en = "Certified copies of population and civil registry documents" }\nservice_minutes = 5\n`;
    for (const id of MORE) toml += `\n[[counters]]\nid = "${id}"\nname = ${JSON.stringify(counterName(id))}\nservices = ["legalisir", "ktp-el"]\n`;
    server = await startServer({ officeToml: toml });
    browser = await launchBrowser();
    cookie = await server.clerkCookie();
    for (const s of EIGHT_TICKETS) await kioskTicket(server, s);
    for (const id of MORE) await kioskTicket(server, Number(id) % 2 ? "legalisir" : "ktp-el");
    for (const c of [...EIGHT, ...MORE]) await server.counter(cookie, c, "open");
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("30 whole tiles at every size, nothing wider or higher than the screen", async () => {
    for (const size of SIZES) {
      const p = await openDisplay(browser, server, size);
      pages.set(name(size), p);
      await p.locator("#counters > li").nth(29).waitFor(FOUR);
      assert.equal(await p.locator("#counters > li").count(), 30);
      assert.equal(await renderedText(p.locator('#counters [data-counter="12"] .d-counter-name')), counterName("12"));
      await checkScreen(p, `display-${name(size)}-30-counters`);
      await assertFits(p, `${name(size)}, 30 counters`);
    }
  });

  it("eight calls at once: all of them on screen at once at every size, nothing cut off", async () => {
    const called = await callAtOnce(server, cookie, EIGHT);
    const numbers = called.map((c) => c.number).sort();
    // All sizes at once, while calls still wait.
    await Promise.all(
      [...pages].map(async ([size, p]) => {
        await p.locator("#also > li").first().waitFor(FOUR);
        await checkScreen(p, `display-${size}-burst`);
        await assertFits(p, `${size}, during the burst`);
      }),
    );
    for (const [size, p] of pages) {
      const all = (await samples(p)).find((s) => numbers.every((n) => s.called.includes(n)));
      assert.ok(all, `${size}: the tiles showed all eight calls`);
      assert.deepEqual([all.now, ...all.lists].filter((n) => numbers.includes(n)).sort(), numbers, `${size}: every call on screen at once`);
    }
    for (const [size, p] of pages) {
      await waitSaid(p, 8);
      await assertFits(p, `${size}, after the burst`);
    }
  });

  it("22 more at once and recalls at long-named counters: the lists say how many more, nothing cut off; a recall is shown as one", async () => {
    await callAtOnce(server, cookie, MORE);
    for (const [size, p] of pages) {
      await p.locator("#also-more", { hasText: /^\+\d+ lagi$/ }).waitFor(FOUR);
      await p.waitForFunction(() => document.querySelectorAll("#counters .has-called").length === 30, null, FOUR);
      await checkScreen(p, `display-${size}-30-calls`);
      await assertFits(p, `${size}, 30 calls`);
    }
    // Heard out (30 calls), then two recalls of long-named counters.
    for (const p of pages.values()) await waitSaid(p, 30, 120000);
    const before = new Map(await Promise.all([...pages].map(async ([s, p]) => /** @type {const} */ ([s, (await spoken(p)).length]))));
    const recalled = [await server.counter(cookie, "12", "recall"), await server.counter(cookie, "27", "recall")];
    for (const [size, p] of pages) {
      const said = (await waitSaid(p, /** @type {number} */ (before.get(size)) + 2)).slice(/** @type {number} */ (before.get(size)));
      assert.ok(
        said.every((/** @type {any} */ s) => s.text.startsWith("Panggilan ulang. ")),
        `${size}: said as recalls: ${said.map((/** @type {any} */ s) => s.text).join(" | ")}`,
      );
      await p.locator("#now.is-recall #now-title", { hasText: "Panggilan ulang" }).waitFor(FOUR);
      // The earlier recall is in the list, marked.
      await p.locator(`#recent .d-call.is-recall .d-call-number`, { hasText: recalled[0].number }).waitFor(FOUR);
      await checkScreen(p, `display-${size}-recall`);
      await assertFits(p, `${size}, recalls`);
    }
  });
});

describe("a display's states: calls alone and recalled, pauses, a zone, no sound, no server, closed", { timeout: 240000 }, () => {
  /** @type {Server} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {Page} */ let p;
  let cookie = "";
  let supervisor = "";

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    cookie = await server.clerkCookie();
    supervisor = await sessionCookie(server, SUPERVISOR);
    for (const s of ["ktp-el", "ktp-el", "ktp-el", "ktp-el", "ktp-el", "ktp-el", "kartu-keluarga", "kartu-keluarga", "kartu-keluarga", "akta", "perizinan", "samsat", "bpjs-kesehatan"]) await kioskTicket(server, s);
    for (const c of EIGHT) await server.counter(cookie, c, "open");
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Ends the ticket counter `c` holds, so it can call the next. @param {string} c */
  async function finish(c) {
    await server.counter(cookie, c, "start");
    await server.counter(cookie, c, "finish");
  }

  /** Waits for `n` more utterances than `from` said; those. @param {number} from @param {number} n */
  async function next(from, n) {
    return (await waitSaid(p, from + n)).slice(from);
  }

  it("a call alone: the chime, then the full sentence, a little slower", async () => {
    p = await openDisplay(browser, server, [1920, 1080]);
    await server.counter(cookie, "1", "call-next");
    const [said] = await next(0, 1);
    assert.equal(said.text, "Nomor antrean A satu, silakan menuju loket satu");
    assert.equal(said.rate, 0.9);
    assert.equal(await p.evaluate(() => /** @type {any} */ (window).__oscillators), 2, "one chime");
    assert.equal(await p.locator("#now-title").textContent(), "Sedang dipanggil");
    assert.equal(await p.locator("#spoken").textContent(), said.text);
    assert.equal(await p.locator("#also-box").isHidden(), true, "nothing else waits");
    await checkScreen(p, "display-1920x1080-call");
  });

  it("a recall is shown as one and said with the recall word first", async () => {
    await server.counter(cookie, "1", "recall");
    const [said] = await next(1, 1);
    assert.equal(said.text, "Panggilan ulang. Nomor antrean A satu, silakan menuju loket satu");
    assert.equal(await p.locator("#now-title").textContent(), "Panggilan ulang");
    assert.equal(await p.locator("#now").getAttribute("class").then((c) => /\bis-recall\b/.test(c ?? "")), true);
    assert.equal(await p.locator("#spoken").textContent(), said.text);
    await checkScreen(p, "display-1920x1080-recalled");
    // The next call takes the card; the recall stays in the list, marked.
    await server.counter(cookie, "2", "call-next");
    await next(2, 1);
    const entry = p.locator("#recent .d-call").first();
    assert.equal(await renderedText(entry.locator(".d-call-number")), "A001");
    assert.equal(await entry.getAttribute("class"), "d-call is-recall");
    assert.equal(await entry.locator(".d-call-recall").isVisible(), true, "marked");
    assert.equal(await entry.locator(".d-call-recall .visually-hidden").textContent(), "Panggilan ulang", "in words for a screen reader");
    assert.equal(await p.locator("#recent .d-call-number", { hasText: "A001" }).count(), 1, "a recall moves its call up, not a second entry");
    await checkScreen(p, "display-1920x1080-recall-listed");
  });

  it("a recall behind other calls is said short, as a recall; a recall of a call not yet said adds nothing", async () => {
    // Counter 4's call first: counter 3's waits behind it while its recall comes.
    const called = [...(await callAtOnce(server, cookie, ["4"])), ...(await callAtOnce(server, cookie, ["3"]))];
    await Promise.all(["1", "3"].map((c) => server.counter(cookie, c, "recall")));
    const said = (await next(3, 3)).map((/** @type {any} */ s) => s.text);
    assert.deepEqual(said.slice().sort(), [...called.map(shortForm), "Panggilan ulang. A satu, loket satu"].sort());
    await p.waitForTimeout(1500);
    assert.equal((await saidDone(p)).length, 6, "counter 3's recall came before its call was said");
  });

  it("a call whose counter moved on before its turn is not said, and the big card never shows it", async () => {
    const from = (await saidDone(p)).length;
    await finish("2");
    await callAtOnce(server, cookie, ["5", "6", "7"]);
    const gone = await server.counter(cookie, "2", "call-next");
    await finish("2");
    const kept = await server.counter(cookie, "2", "call-next");
    const said = (await next(from, 4)).map((/** @type {any} */ s) => s.text);
    await p.waitForTimeout(1500);
    assert.equal((await saidDone(p)).length, from + 4);
    assert.deepEqual(said.filter((t) => t.endsWith("loket dua")), [shortForm({ number: kept.number, counter: "2" })], `${gone.number} was not said`);
    assert.ok((await samples(p)).every((s) => s.now !== gone.number), `${gone.number} never on the big card`);
    assert.equal(await p.locator("#now-number").textContent(), kept.number);
    await assertFits(p, "1920×1080, calls");
  });

  it("paused counters show the reason the clerk chose; a closed one says so", async () => {
    for (const c of ["6", "7"]) await finish(c);
    await server.counter(cookie, "7", "pause", { reason: "Rapat koordinasi camat" });
    await server.counter(cookie, "6", "pause", { reason: "Salat" });
    await server.counter(cookie, "8", "close");
    await p.locator('#counters [data-counter="7"].is-paused').waitFor(T);
    await p.locator('#counters [data-counter="8"].is-closed').waitFor(T);
    assert.equal(await renderedText(p.locator('#counters [data-counter="7"] .d-counter-number')), "Rapat koordinasi camat");
    assert.equal(await renderedText(p.locator('#counters [data-counter="6"] .d-counter-number')), "Salat");
    assert.equal(await renderedText(p.locator('#counters [data-counter="8"] .d-counter-number')), "Tutup");
    await checkScreen(p, "display-1920x1080-paused");
    await assertFits(p, "1920×1080, paused");
    const portrait = await openDisplay(browser, server, [1080, 1920]);
    await portrait.locator('#counters [data-counter="7"].is-paused').waitFor(T);
    assert.equal(await renderedText(portrait.locator('#counters [data-counter="7"] .d-counter-number')), "Rapat koordinasi camat");
    await checkScreen(portrait, "display-1080x1920-paused");
    await assertFits(portrait, "1080×1920, paused");
    await portrait.close();
  });

  it("a paired display with a zone shows only it, says which, and speaks only its calls", async () => {
    const { device, link } = await server.api(`/offices/${OFFICE}/devices`, { body: { name: "TV lantai 2", kind: "display" }, headers: { cookie: supervisor } });
    await server.api(`/offices/${OFFICE}/devices/${device.id}`, { method: "PUT", body: { name: "TV lantai 2", settings: { counters: ["3"], services: ["kartu-keluarga", "ktp-el"] } }, headers: { cookie: supervisor } });
    const secret = /#pair=([^&]+)$/.exec(link)?.[1];
    assert.ok(secret, link);
    const zone = await openDisplay(browser, server, [1366, 768], { hash: `#pair=${secret}` });
    await zone.locator("#zone:not([hidden])").waitFor(T);
    assert.equal(await zone.locator("#zone").textContent(), "Layar ini untuk Loket 3 · Kartu Keluarga, KTP Elektronik");
    await zone.waitForFunction(() => document.querySelectorAll("#counters > li").length === 1, null, T);
    assert.deepEqual(await zone.locator("#waiting li").evaluateAll((els) => els.map((el) => el.getAttribute("data-service"))), ["ktp-el", "kartu-keluarga"]);
    for (const c of ["3", "1"]) await finish(c);
    await server.counter(cookie, "3", "call-next");
    await server.counter(cookie, "1", "call-next");
    await zone.waitForFunction(() => /** @type {any} */ (window).__spoken.some((/** @type {any} */ s) => s.end > 0), null, T);
    await zone.waitForTimeout(2000);
    assert.equal((await saidDone(zone)).length, 1, "counter 1 is another zone's");
    assert.match((await saidDone(zone))[0].text, /, silakan menuju loket tiga$/);
    await checkScreen(zone, "display-1366x768-zone");
    await assertFits(zone, "1366×768, zone");
    await zone.close();
  });

  it("sound held back by the browser: a strip at the bottom edge says so, over nothing; a tap turns it on", async () => {
    for (const size of /** @type {const} */ ([[1920, 1080], [1080, 1920]])) {
      const q = await openDisplay(browser, server, size, { holdAudio: true });
      const bar = q.locator("#sound-bar");
      await bar.waitFor(T);
      assert.equal(await renderedText(bar), "Suara panggilan belum aktif. Aktifkan suara");
      const boxes = await q.evaluate(() => {
        const box = (/** @type {string} */ sel) => /** @type {Element} */ (document.querySelector(sel)).getBoundingClientRect().toJSON();
        return { bar: box("#staff-bar"), header: box(".d-top"), main: box(".d-main"), ticker: box("#ticker-bar"), h: innerHeight };
      });
      assert.ok(Math.abs(boxes.bar.bottom - boxes.h) <= 1, "at the bottom edge");
      for (const part of ["header", "main", "ticker"]) assert.ok(boxes[part].bottom <= boxes.bar.top + 0.5, `${part} ends above the strip`);
      await checkScreen(q, `display-${size[0]}x${size[1]}-sound-off`);
      await assertFits(q, `${size[0]}×${size[1]}, sound off`);
      await q.locator("#enable-sound").click();
      await bar.waitFor({ state: "hidden", ...T });
      await q.close();
    }
  });

  it("an office that cannot be reached: said in words, tried again until it answers", async () => {
    const q = await openPage(browser, { width: 1920, height: 1080 });
    let refused = 0;
    await q.route(`**/api/v1/offices/${OFFICE}`, (route) => (refused++ < 2 ? route.abort("connectionrefused") : route.continue()));
    await q.goto(`${server.url}/display/${OFFICE}`);
    await q.locator("#problem:not([hidden])").waitFor(T);
    assert.equal(await renderedText(q.locator("#problem")), "Layar ini belum tersambung ke server antrean. Mencoba lagi otomatis…");
    assert.equal(await q.locator("#main").isHidden(), true, "no empty card while there is nothing to show");
    await checkScreen(q, "display-1920x1080-unreachable");
    await q.locator("#counters > li").first().waitFor(T);
    await q.locator("#problem").waitFor({ state: "hidden", ...T });
    assert.ok(refused >= 3, "fetched again after each failure");
    await q.close();
  });

  it("closed: why and when it opens again ('Buka lagi Sabtu, 07.30'), at every size", async () => {
    const day = officeDate(3);
    await server.api(`/offices/${OFFICE}/hours`, { method: "PUT", body: { [day.key]: "07:30-16:00" }, headers: { cookie: supervisor } });
    for (const size of SIZES) {
      const q = await openDisplay(browser, server, size);
      await q.locator("#closed:not([hidden])").waitFor(T);
      assert.equal(await renderedText(q.locator("#closed-why")), "Pengambilan nomor antrean sedang tutup");
      assert.equal(await renderedText(q.locator("#closed-when")), `Buka lagi ${day.id}, 07.30`);
      await checkScreen(q, `display-${size[0]}x${size[1]}-closed`);
      await assertFits(q, `${size[0]}×${size[1]}, closed`);
      await q.close();
    }
  });
});
