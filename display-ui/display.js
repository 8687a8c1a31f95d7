// @ts-check
/**
 * @file The lobby display (a TV: 1366×768 to 3840×2160, landscape or
 * portrait): the call being announced huge, the calls waiting to be
 * announced beside it ("Juga dipanggil"), every counter with its number and
 * the clerk working it, earlier calls, waiting counts, a clock and the
 * office's running text. Whatever staff configure (1 to 30 counters, long
 * names) and however many calls come, it fits the screen: the counters'
 * grid is chosen for the space it has ({@link counterGrid}), and a list
 * shows the entries that fit whole ({@link clipToFit}), saying how many
 * calls it could not show.
 *
 * Every call is announced by sound and sight: a synthesised chime, then the
 * server's sentence spoken in the office's first language and shown on
 * screen while spoken, with a highlight that flashes at most 1.5 times a
 * second (none with prefers-reduced-motion). Calls wait in a queue so none
 * cuts another off, all of them on screen while they wait. A call that
 * finds the display quiet gets the chime and the full sentence ("Nomor
 * antrean A satu, silakan menuju loket tiga"); when calls come together
 * (eight counters opening at once), the run gets one chime and each call
 * its short form ("A satu, loket tiga"), so the eighth is spoken within
 * about 15 s, not 45. A recall is said and shown as one ("Panggilan ulang.
 * ..."). A call whose counter has moved on before its turn (another number,
 * or none) is dropped, so the big card always agrees with the counter's
 * tile. The seq of the last announced call is kept on the device so a
 * reload never repeats one; calls in a snapshot are shown, not announced;
 * calls replayed after a long absence (older than {@link STALE_MS} by the
 * server's clock) are shown, not announced.
 *
 * A display works without a token, as the public display it always was.
 * Paired (a code entered in Admin → Perangkat, offered by a small button
 * for a while after the page opens or someone moves the mouse;
 * `#pair=SECRET` from /admin's one-time link, exchanged once for the token,
 * a link used already or expired said so with pairing by code offered; or
 * `#device=TOKEN` from `antrean device add`), it shows only its zone
 * (`settings.counters` / `settings.services` of `GET /device`, none: all),
 * and says which under the office's name: those counters, those services'
 * waiting, and only calls at those counters for those services are shown
 * and spoken; its stream holds its token. Its token refused (revoked:
 * `GET /device` 401, or the stream closed with 4001), it says so, forgets
 * the token and offers to pair again; behind that, it is the public
 * display again.
 *
 * Nothing is laid over the content: the "enable sound" prompt (when the
 * browser blocks audio until a tap), the pairing button and the
 * "reconnecting" badge take their own strip at an edge.
 */
import { api, ApiError, errorText, officeFromPath } from "../shared-ui/api.js";
import { byId, fill, h } from "../shared-ui/dom.js";
import { closedText, Reopening, sameClosure } from "../shared-ui/hours.js";
import { applyI18n, clock, lang, LANGS, loadLang, longDate, preferredLang, serviceName, speechLang, t } from "../shared-ui/i18n.js";
import { followOffice, OfficeState, Reconfiguring, suspendedNow } from "../shared-ui/office.js";
import { pairDevice, showLinkSpent, showRevoked, takeFragment, thisDevice, tokenFromFragment, tokenRefused } from "../shared-ui/session.js";
import { audioBlocked, chime, onAudioChange, speak, unlockAudio } from "../shared-ui/sound.js";

/**
 * A call as the display shows it (from the snapshot's recent calls or a
 * live `ticket_called`).
 * @typedef {{seq: number, number: string, service: string, counter: string, counter_name: string, recall: boolean}} CallView
 */
/** A call waiting to be announced: its sentence and its short form, in the announcement language. @typedef {CallView & {full: string, short: string}} Call */

const officeId = officeFromPath();
const ANNOUNCED = `antrean.display.${officeId}.announced`;
const TOKEN = `antrean.display.${officeId}.device`;
/** How long the "pair this display" button shows after the page opens, and after someone moves the mouse or presses a key. */
const PAIR_OFFER_MS = { opened: 120_000, touched: 30_000 };
/** How often a paired display asks for its settings (its zone may change in /admin). */
const DEVICE_REFRESH_MS = 60_000;
/** A call older than this when it reaches us is shown but not spoken. */
const STALE_MS = 3 * 60_000;
/** Calls kept for the "earlier calls" list (the screen shows those that fit). */
const RECENT_KEPT = 20;
/** Quiet after a full sentence, and between the short forms of a run. */
const GAP_MS = { full: 700, short: 200 };
/** Speech rate: a little slow for a sentence alone, normal for a run (time counts then). */
const RATE = { full: 0.9, short: 1 };
/** Each call stays on the big card at least this long, even with no sound to wait for. */
const MIN_SHOWN_MS = 1000;
/** Fetching the office again after a failure: first wait, longest wait. */
const RETRY_MS = { first: 2000, max: 30_000 };

/** @type {import("../shared-ui/api.js").Office | null} */
let office = null;
/** Announcement language: the office's first. */
let voiceLang = "id";
/** The announcement language's strings (the recall word), whatever the screen's language. @type {Record<string, string>} */
let voiceStrings = {};
/** Counters, waiting counts and the server's clock, from the live stream. */
const state = new OfficeState();
/** Calls of the day, newest first (recalls move theirs to the front). @type {CallView[]} */
let recent = [];
/** Calls waiting to be announced, in order. @type {Call[]} */
const queue = [];
/** The call being announced now, else null. @type {Call | null} */
let current = null;
/** What was said for a call, shown under the big card while it shows that call. */
let said = { seq: -1, text: "" };
let playing = false;
/** Fetches the office again when it (or a closed service) opens. */
const reopening = new Reopening(() => refreshOffice(), () => state.now());
/** Fetches the office again when staff change its services, counters, hours or name. */
const reconfiguring = new Reconfiguring(() => refreshOffice());
/** @type {import("../shared-ui/live.js").Live | null} */
let live = null;
/** What staff gave in the address (a token, a one-time link), taken off it at once. */
const fragment = takeFragment();
/** This display's token when paired, else null. */
let token = storedToken();
/** This display as the server knows it (its zone), when paired. @type {import("../shared-ui/session.js").Device | null} */
let device = null;

/** The token kept on this display, else null. */
function storedToken() {
  try {
    return localStorage.getItem(TOKEN);
  } catch {
    return null;
  }
}

/** @param {string | null} value */
function keepToken(value) {
  token = value;
  try {
    if (value) localStorage.setItem(TOKEN, value);
    else localStorage.removeItem(TOKEN);
  } catch {
    /* kept for this page only */
  }
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Whether a counter or service is in this display's zone (a zone that
 * names none of them: all are).
 * @param {"counters" | "services"} what
 * @param {string} id
 */
function inZone(what, id) {
  const ids = device?.settings[what] ?? [];
  return ids.length === 0 || ids.includes(id);
}

/** A call this display shows and speaks: at one of its counters, for one of its services. @param {{counter: string, service: string}} call */
function inZoneCall(call) {
  return inZone("counters", call.counter) && inZone("services", call.service);
}

function lastAnnounced() {
  try {
    return Number(localStorage.getItem(ANNOUNCED) ?? -1);
  } catch {
    return -1;
  }
}

/** @param {number} seq */
function setAnnounced(seq) {
  try {
    localStorage.setItem(ANNOUNCED, String(seq));
  } catch {
    /* not kept: a reload may repeat one call */
  }
}

/** Sets a CSS variable of `el` to the length of `text` in characters, for sizes that fit it. @param {HTMLElement} el @param {string} text */
function setLen(el, text) {
  el.style.setProperty("--len", String(Math.max(1, [...text].length)));
}

/**
 * Hides the items of `list` that do not fit whole inside it (the first that
 * does not, and every one after it: hiding one would move the next up into
 * its place); how many it hid.
 * @param {HTMLElement} list
 */
function clipToFit(list) {
  const items = /** @type {HTMLElement[]} */ ([...list.children]);
  for (const el of items) el.hidden = false;
  const bottom = list.getBoundingClientRect().bottom + 0.5;
  const first = items.findIndex((el) => el.getBoundingClientRect().bottom > bottom);
  if (first < 0) return 0;
  for (const el of items.slice(first)) el.hidden = true;
  return items.length - first;
}

/** A counter tile's number (or, without one, its state) in words. @param {import("../shared-ui/live.js").Counter} c */
function counterText(c) {
  if (c.number) return c.number;
  if (c.state === "closed") return t("counter.closed");
  // Paused: the reason the clerk chose, as given ("Salat", "Rapat koordinasi camat").
  if (c.state === "paused") return (c.reason ?? "").trim() || t("counter.state.paused");
  return "—";
}

/** The call the big card shows: the one being announced, else the latest of this zone. */
function shownCall() {
  return current ?? recent.find(inZoneCall) ?? null;
}

function renderCounters() {
  const shown = state.counters.filter((c) => inZone("counters", c.id));
  const list = byId("counters");
  fill(
    list,
    shown.map((c) => {
      const text = counterText(c);
      const nameLen = [...c.name].length;
      const li = h(
        "li",
        {
          class: ["d-counter", `is-${c.state}`, c.ticket_status && `has-${c.ticket_status}`].filter(Boolean).join(" "),
          "data-counter": c.id,
          "data-number": c.number ?? "",
          "data-name": nameLen <= SHORT_NAME ? "short" : null,
        },
        // Who works it, small under its name.
        h("span", { class: "d-counter-who" }, h("span", { class: "d-counter-name" }, c.name), h("span", { class: "d-counter-clerk" }, c.clerk ?? "")),
        h("span", { class: c.number ? "d-counter-number num" : "d-counter-number is-state" }, text),
      );
      setLen(li, text);
      li.style.setProperty("--name-len", String(nameLen));
      return li;
    }),
  );
  markCounters();
  layoutCounters();
}

/**
 * Marks the tile of the call on the big card (when its counter still holds
 * that number) and those of calls waiting to be announced.
 */
function markCounters() {
  const now = shownCall();
  const waiting = new Set(queue.map((q) => q.counter));
  for (const li of byId("counters").children) {
    const id = li.getAttribute("data-counter") ?? "";
    li.classList.toggle("is-latest", !!now && now.counter === id && now.number === li.getAttribute("data-number"));
    li.classList.toggle("is-queued", waiting.has(id));
  }
}

/** A counter's name this long or shorter keeps one line on its tile, sized to fit; a longer one wraps to two. */
const SHORT_NAME = 12;
/** The highest a counter tile gets (a few counters do not make a wall of tile). */
const TILE_MAX_VMIN = 26;
/** A tile at least this many times as wide as high puts the name beside the number, a narrower one above it. */
const WIDE_TILE = 2.2;
/** A four-character ticket number's width in ems ("A001" in bold), the length tiles are laid out for. */
const NUMBER_EMS = 4 * 0.74;

/**
 * The grid for `n` counter tiles in a box of `width`×`height` px with
 * `gap` between tiles, rows at most {@link TILE_MAX_VMIN} high: the
 * columns whose tiles show the biggest number while the counter's name
 * stays readable (a name smaller than 1/1.8 of the number counts as that),
 * fewer columns when that is nearly as big. The text sizes are
 * display.css's for a tile of that content box (its padding and border
 * taken off), in px; `vmin` is the screen's.
 * @param {number} n
 * @param {number} width
 * @param {number} height
 * @param {number} gap
 * @param {number} vmin
 * @param {boolean} short every name {@link SHORT_NAME} characters or shorter
 */
function counterGrid(n, width, height, gap, vmin, short) {
  let best = { cols: 1, rows: Math.max(1, n), rowHeight: height, wide: true, score: -1 };
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.ceil(n / cols) || 1;
    const rowHeight = Math.min((height - (rows - 1) * gap) / rows, TILE_MAX_VMIN * vmin);
    const w = (width - (cols - 1) * gap) / cols - 2.6 * vmin;
    const hgt = rowHeight - 1.4 * vmin;
    if (w <= 0 || hgt <= 0) continue;
    const wide = w / hgt >= WIDE_TILE;
    const one = (/** @type {number} */ room) => Math.min(4.2 * vmin, 0.3 * hgt, room / (SHORT_NAME * 0.68));
    const name = short ? one(wide ? 0.4 * w : w) : wide ? Math.min(4.2 * vmin, 0.26 * hgt, 0.08 * w) : Math.min(4 * vmin, 0.2 * hgt, 0.2 * w);
    const number = wide ? Math.min(11 * vmin, 0.6 * hgt, (0.52 * w) / NUMBER_EMS) : Math.min(11 * vmin, 0.44 * hgt, (0.88 * w) / NUMBER_EMS);
    const score = Math.min(number, 1.8 * name);
    if (score > best.score * 1.05) best = { cols, rows, rowHeight, wide, score };
  }
  return best;
}

/** Lays the counter tiles out for the space they have now. */
function layoutCounters() {
  const list = byId("counters");
  const n = list.children.length;
  const gap = parseFloat(getComputedStyle(list).rowGap) || 0;
  const short = [...list.children].every((li) => li.getAttribute("data-name") === "short");
  const g = counterGrid(n, list.clientWidth, list.clientHeight, gap, Math.min(innerWidth, innerHeight) / 100, short);
  list.style.setProperty("--cols", String(g.cols));
  list.style.setProperty("--rows", String(g.rows));
  list.style.setProperty("--row-h", `${Math.floor(g.rowHeight)}px`);
  list.setAttribute("data-shape", g.wide ? "wide" : "tall");
}

/** One entry of the "also called" or "earlier calls" list; a recall marked. @param {CallView} c */
function callItem(c) {
  const li = h(
    "li",
    { class: c.recall ? "d-call is-recall" : "d-call" },
    h(
      "span",
      { class: "d-call-head" },
      h("span", { class: "d-call-number num" }, c.number),
      c.recall && h("span", { class: "d-call-recall" }, h("span", { "aria-hidden": "true" }, "↻"), h("span", { class: "visually-hidden" }, t("display.recall"))),
    ),
    h("span", { class: "d-call-counter" }, c.counter_name),
  );
  setLen(li, c.number);
  return li;
}

/** The big card, the calls waiting to be announced and the earlier ones. */
function renderCalls() {
  const now = shownCall();
  const number = byId("now-number");
  const counter = byId("now-counter");
  number.textContent = now?.number ?? "—";
  counter.textContent = now?.counter_name ?? "";
  setLen(number, number.textContent);
  setLen(counter, counter.textContent);
  byId("now").classList.toggle("is-recall", !!now?.recall);
  byId("now-title").textContent = t(now?.recall ? "display.recall" : "display.now_calling");
  byId("spoken").textContent = now && said.seq === now.seq ? said.text : "";

  byId("also-box").hidden = queue.length === 0;
  fill(byId("also"), queue.map(callItem));
  const skip = new Set([now?.seq, ...queue.map((q) => q.seq)]);
  fill(
    byId("recent"),
    recent.filter((r) => inZoneCall(r) && !skip.has(r.seq)).map(callItem),
  );
  fitCalls();
}

/** Shows of the call lists what fits, and how many waiting calls could not be shown. */
function fitCalls() {
  const recentBox = byId("recent-box");
  recentBox.hidden = false;
  let more = clipToFit(byId("also"));
  if (clipToFit(byId("recent")) === byId("recent").children.length) {
    // None (or not one that fits): no heading either, and the waiting calls get its room.
    recentBox.hidden = true;
    more = clipToFit(byId("also"));
  }
  byId("also-more").textContent = more > 0 ? t("display.more", { n: more }) : "";
}

/**
 * Why the office or a service is closed and when it opens again, by the
 * office's calendar and the server's clock; null while open.
 * @param {import("../shared-ui/hours.js").Availability} v
 * @param {string} [closed] the words without a reason
 */
function closedLines(v, closed) {
  if (!office) return null;
  return closedText(v, { timeZone: office.time_zone, languages: office.languages, now: state.now(), closed });
}

/**
 * The banner while the office issues no numbers (a closed day, after
 * hours). Calls go on below it: the queue of the day is still served.
 */
function renderClosed() {
  const shut = office ? closedLines(office, t("hours.tickets_closed")) : null;
  byId("closed").hidden = !shut;
  byId("closed-why").textContent = shut?.why ?? "";
  byId("closed-when").textContent = shut?.when ?? "";
}

function renderWaiting() {
  if (!office) return;
  const o = office;
  const list = byId("waiting");
  fill(
    list,
    o.services.filter((s) => inZone("services", s.id)).map((s) => {
      // A service closed for its own reason or hours says so; one closed
      // with the office is told once, by the banner.
      const closed = sameClosure(s, o) ? null : closedLines(s);
      // Stopped by staff: the label, then their message as written.
      const stopped = suspendedNow(s, state.suspended);
      return h(
        "li",
        { "data-service": s.id, class: stopped != null ? "is-suspended" : null },
        h("span", { class: "d-prefix", "aria-hidden": "true" }, s.prefix),
        h(
          "span",
          { class: "d-svc" },
          h("span", { class: "d-svc-name" }, serviceName(s)),
          stopped != null
            ? h(
                "span",
                { class: "d-svc-suspended" },
                h("span", { class: "d-svc-label" }, t("svc.suspended")),
                " ",
                h("span", { class: "d-svc-msg", lang: o.languages[0] ?? "id" }, stopped),
              )
            : closed && h("span", { class: "d-svc-closed" }, `${closed.why} · ${closed.when}`),
        ),
        h("span", { class: "d-count num" }, String(state.waiting.get(s.id)?.waiting ?? s.waiting)),
      );
    }),
  );
  layoutWaiting();
}

/** Counters beyond this many get the room of the waiting figures (their names shortened, in three columns). */
const MANY_COUNTERS = 12;

/** Two columns of waiting figures, three when two cannot show every service. */
function layoutWaiting() {
  const list = byId("waiting");
  const many = byId("counters").children.length > MANY_COUNTERS;
  byId("waiting-box").style.setProperty("--waiting-max", many ? "30%" : "42%");
  list.style.setProperty("--cols", "2");
  if (clipToFit(list) > 0) {
    list.style.setProperty("--cols", "3");
    clipToFit(list);
  }
}

/** In a strip under the header, which part of the office a paired display shows ("Layar ini untuk Loket 2 · KTP Elektronik"); none for all of it. */
function renderZone() {
  const counters = device?.settings.counters ?? [];
  const services = device?.settings.services ?? [];
  const parts = [
    counters.map((id) => state.counter(id)?.name ?? id).join(", "),
    services.map((id) => office?.services.find((s) => s.id === id)).map((s, i) => (s ? serviceName(s) : services[i])).join(", "),
  ].filter(Boolean);
  const zone = byId("zone");
  zone.hidden = parts.length === 0;
  zone.textContent = parts.length ? t("display.zone", { what: parts.join(" · ") }) : "";
}

/** Everything that depends on the office, its stream and this display's zone. */
function renderAll() {
  renderZone();
  renderClosed();
  renderCounters();
  renderWaiting();
  renderCalls();
}

/** A live call as the display shows it. @param {import("../shared-ui/live.js").EventMsg} msg @param {Extract<import("../shared-ui/live.js").PublicEvent, {kind: "ticket_called"}>} e */
function callOf(msg, e) {
  return {
    seq: msg.seq,
    number: e.number,
    service: e.service,
    counter: e.counter,
    counter_name: e.counter_name,
    recall: e.recall,
  };
}

/** @param {import("../shared-ui/live.js").EventMsg} msg */
function onEvent(msg) {
  const e = msg.event;
  if (e.kind === "ticket_called") {
    const call = callOf(msg, e);
    // A recall takes its call's place at the front, marked.
    const same = (/** @type {CallView} */ r) => r.seq === call.seq || (call.recall && r.number === call.number && r.counter === call.counter);
    recent = [call, ...recent.filter((r) => !same(r))].slice(0, RECENT_KEPT);
    const fresh = state.now() - Date.parse(msg.at) < STALE_MS;
    // Another zone's call is its own display's; one already said (a reload) or long past is shown only.
    if (inZoneCall(call) && msg.seq > lastAnnounced() && fresh) announce(call, e);
  } else if (e.kind === "day_ended") {
    recent = [];
    queue.length = 0;
  } else if (e.kind === "running_text_changed") {
    setTicker(e.text);
  }
  dropPassed();
  renderWaiting();
  renderCounters();
  renderCalls();
}

/**
 * Queues a call to be announced. A recall of a call still waiting for its
 * turn adds nothing: the call is about to be said anyway.
 * @param {CallView} call
 * @param {Extract<import("../shared-ui/live.js").PublicEvent, {kind: "ticket_called"}>} e
 */
function announce(call, e) {
  if (call.recall && queue.some((q) => q.number === call.number && q.counter === call.counter)) return;
  const full = e.announcement[voiceLang] ?? Object.values(e.announcement)[0] ?? `${call.number} → ${call.counter_name}`;
  const short = e.announcement_short?.[voiceLang] ?? Object.values(e.announcement_short ?? {})[0] ?? full;
  queue.push({ ...call, full, short });
  void play();
}

/**
 * Whether a call's counter has moved on (it holds another number now, or
 * none: finished, no-show, transferred), so saying it would send someone to
 * a counter that no longer waits for them.
 * @param {CallView} call
 */
function passed(call) {
  const c = state.counter(call.counter);
  return !!c && c.number !== call.number;
}

/** Takes out of the queue the calls whose counter has moved on. */
function dropPassed() {
  for (let i = queue.length - 1; i >= 0; i--) if (passed(queue[i])) queue.splice(i, 1);
}

/** The words said for a call: its sentence or short form, a recall said as one. @param {Call} call @param {boolean} short */
function sentence(call, short) {
  const words = short ? call.short : call.full;
  if (!call.recall) return words;
  const recall = voiceStrings["display.say_recall"] ?? t("display.say_recall");
  return recall.replace("{call}", words);
}

/**
 * Announces queued calls one after another; a new one never cuts in. A
 * run of calls (the next already waiting when one is said) has one chime,
 * and from the first call that had others waiting behind it on, short
 * forms with short pauses.
 */
async function play() {
  if (playing) return;
  playing = true;
  let chimed = false;
  let short = false;
  try {
    while (queue.length > 0) {
      const call = /** @type {Call} */ (queue.shift());
      // Kept before speaking: a reload from here on never repeats it.
      setAnnounced(call.seq);
      if (passed(call)) continue;
      current = call;
      said = { seq: call.seq, text: "" };
      markCounters();
      renderCalls();
      flash();
      if (!chimed) await chime();
      chimed = true;
      // Its counter may have moved on during the chime.
      if (passed(call)) continue;
      // Decided after the chime: calls made together arrive during it.
      short ||= queue.length > 0;
      const text = sentence(call, short);
      said = { seq: call.seq, text };
      byId("spoken").textContent = text;
      const how = short ? "short" : "full";
      await Promise.all([speak(text, speechLang(voiceLang), { rate: RATE[how] }), sleep(MIN_SHOWN_MS)]);
      await sleep(GAP_MS[how]);
    }
  } finally {
    playing = false;
    current = null;
    markCounters();
    renderCalls();
  }
}

/** Pulses the big card (and the tile of its counter) for the call now announced. */
function flash() {
  const now = byId("now");
  now.classList.remove("flash");
  void now.offsetWidth; // restart the animation
  now.classList.add("flash");
}

function tick() {
  const now = new Date(state.now());
  byId("clock").textContent = clock(now, office?.time_zone, true);
  byId("date").textContent = longDate(now, office?.time_zone);
}

/**
 * The office's running text on the ticker; none (empty) hides the bar
 * rather than leave an empty strip. Set again only when it changes, so a
 * snapshot does not restart the scroll.
 * @param {string | null | undefined} text
 */
function setTicker(text) {
  const value = (text ?? "").trim() ? (text ?? "") : "";
  const bar = byId("ticker-bar");
  const span = byId("ticker-text");
  if (span.textContent === value && bar.hidden === !value) return;
  span.textContent = value;
  bar.hidden = !value;
  const p = byId("ticker");
  // About 120 px a second, whatever the length.
  p.style.setProperty("--ticker-s", `${Math.max(20, Math.round((value.length * 18 + window.innerWidth) / 120))}s`);
}

async function loadOffice() {
  office = await api(`/offices/${encodeURIComponent(officeId)}`);
  // The office as just fetched is the latest word, until the stream's next.
  state.suspended.clear();
  if (office) reopening.watch(office.time_zone, [office, ...office.services]);
}

/** The announcement language's strings, for the words the display adds to the server's sentence. @param {string} code */
async function loadVoiceStrings(code) {
  const file = LANGS.includes(/** @type {any} */ (code)) ? code : "id";
  try {
    voiceStrings = await (await fetch(new URL(`../shared-ui/i18n/${file}.json`, import.meta.url))).json();
  } catch {
    voiceStrings = {};
  }
}

/** The office's name and title, as fetched. */
function nameOffice() {
  if (!office) return;
  document.title = `${office.name} · ${t("display.title")}`;
  byId("office-name").textContent = office.name;
}

/** The office again (its name, hours, services, counters), drawn. */
async function refreshOffice() {
  await loadOffice();
  if (!office) return;
  voiceLang = office.languages[0] ?? "id";
  nameOffice();
  state.reconfigure(office.counters);
  renderAll();
}

/**
 * Fetches the office until it answers (a TV switched on before the server,
 * a network still coming up), saying why in the strip under the header.
 */
async function loadOfficeUntilFound() {
  for (let wait = RETRY_MS.first; ; wait = Math.min(wait * 2, RETRY_MS.max)) {
    try {
      await loadOffice();
      byId("problem").hidden = true;
      return;
    } catch (e) {
      byId("problem-text").textContent = e instanceof ApiError && e.code === "network" ? t("display.unreachable") : errorText(e);
      byId("problem").hidden = false;
      await sleep(wait);
    }
  }
}

async function init() {
  // First, so a token given is kept even if the office cannot be fetched now.
  const given = await tokenFromFragment(fragment);
  if (given.token) keepToken(given.token);
  await loadLang(preferredLang("id"));
  applyI18n();
  await loadOfficeUntilFound();
  if (!office) return;
  voiceLang = office.languages[0] ?? "id";
  // The labels follow the office's first language unless the address says otherwise.
  if (preferredLang(voiceLang) !== lang()) {
    await loadLang(preferredLang(voiceLang));
    applyI18n();
  }
  await loadVoiceStrings(voiceLang);
  byId("main").hidden = false;
  nameOffice();
  setTicker(office.running_text);
  state.counters = office.counters;
  if (token) await loadDevice();
  renderAll();
  tick();
  setInterval(tick, 1000);
  // The tiles and lists fit the space they have; it changes with a banner, a strip or the window.
  const fit = new ResizeObserver(() => {
    layoutCounters();
    fitCalls();
    layoutWaiting();
  });
  for (const el of [byId("counters"), byId("also"), byId("recent"), byId("waiting")]) fit.observe(el);

  watchSound();

  const setup = byId("device-setup");
  // Escape is "Batal" while pairing; the revoked notice waits for staff.
  setup.addEventListener("cancel", (e) => {
    e.preventDefault();
    document.getElementById("pair-cancel")?.click();
  });
  byId("pair-start").addEventListener("click", () => void pair());
  for (const ev of ["pointermove", "pointerdown", "keydown"]) document.addEventListener(ev, () => offerPairing(PAIR_OFFER_MS.touched), { passive: true });
  offerPairing(PAIR_OFFER_MS.opened);
  setInterval(() => void loadDevice(), DEVICE_REFRESH_MS);
  if (!live) follow();
  if (given.linkSpent) void linkSpent();
}

/**
 * Browsers may block sound until someone taps once: then a strip at the
 * bottom edge says calls are silent, with a button (any tap or key on the
 * page unlocks it too). Kiosk mode with the autoplay flag never needs it
 * (README, "A lobby display in kiosk mode").
 */
function watchSound() {
  const check = () => {
    byId("sound-bar").hidden = !audioBlocked();
    showStaffBar();
  };
  const unlock = async () => {
    if (!audioBlocked()) return;
    await unlockAudio();
    check();
  };
  byId("enable-sound").addEventListener("click", () => void unlock());
  for (const ev of ["pointerdown", "keydown"]) document.addEventListener(ev, () => void unlock(), { passive: true });
  onAudioChange(check);
  setTimeout(check, 500);
}

/** The bottom strip shows while it holds something (the sound prompt, the pairing button). */
function showStaffBar() {
  byId("staff-bar").hidden = byId("sound-bar").hidden && byId("pair-start").hidden;
}

/** Opens the office's stream, holding this display's token when paired. */
function follow() {
  live?.stop();
  live = followOffice(officeId, onOfficeMessage, { access: token ? { device: token } : null, onAccessEnded: () => void revoked() });
}

/** @param {import("../shared-ui/live.js").ServerMsg} msg */
function onOfficeMessage(msg) {
  state.apply(msg);
  reconfiguring.see(msg, office);
  if (msg.type === "snapshot") {
    // Shown, never announced; the server lists first calls only.
    recent = msg.recent_calls.map((r) => ({ seq: r.seq, number: r.number, service: r.service, counter: r.counter, counter_name: r.counter_name, recall: false }));
    // The server never goes back in seq unless its data was reset: then
    // forget what was announced, or no call would be spoken again.
    if (msg.seq < lastAnnounced()) setAnnounced(msg.seq);
    setTicker(msg.running_text);
    // Opened or closed while we were away: Reconfiguring fetches the office (and the services' hours).
    dropPassed();
    renderAll();
  } else if (msg.type === "event") {
    onEvent(msg);
    if (msg.event.kind === "day_ended") void refreshOffice().catch(() => {});
  }
}

/** This display's settings (its zone), drawn; revoked when its token is refused. No answer keeps the zone it had. */
async function loadDevice() {
  if (!token) return;
  try {
    device = await thisDevice(token);
  } catch (e) {
    if (tokenRefused(e)) await revoked();
    return;
  }
  renderAll();
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let offerTimer;

/**
 * Shows "pair this display" for `ms` while it has no token: staff setting
 * the TV up see it, the hall does not all day.
 * @param {number} ms
 */
function offerPairing(ms) {
  const btn = byId("pair-start");
  btn.hidden = !!token || byId("device-setup").hasAttribute("open");
  showStaffBar();
  clearTimeout(offerTimer);
  offerTimer = setTimeout(() => {
    btn.hidden = true;
    showStaffBar();
  }, ms);
}

/** Pairs this display (a code to enter in /admin); cancelled, it stays the public display. */
async function pair() {
  const setup = openSetup();
  byId("pair-start").hidden = true;
  showStaffBar();
  const paired = await pairDevice(setup, { office: officeId, kind: "display", cancellable: true });
  setup.close();
  if (!paired) return;
  keepToken(paired);
  await loadDevice();
  follow();
}

/** The token was refused: forget it and the zone, say so, and go on as the public display behind the notice. */
async function revoked() {
  keepToken(null);
  device = null;
  follow();
  renderAll();
  await showRevoked(openSetup(), "display", () => void pair());
}

/** Opened with a one-time link already used or expired: says so over the public display, with pairing by code. */
async function linkSpent() {
  byId("pair-start").hidden = true;
  showStaffBar();
  await showLinkSpent(openSetup(), () => void pair());
}

/** The full-screen dialog of pairing and its notices, open. */
function openSetup() {
  const setup = /** @type {HTMLDialogElement} */ (byId("device-setup"));
  if (!setup.open) setup.showModal();
  return setup;
}

void init();
