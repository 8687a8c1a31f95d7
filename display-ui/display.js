// @ts-check
/**
 * @file The lobby display (TV, 1920×1080; also 1366×768): the latest call
 * huge, every counter with its number and the clerk working it, recent
 * calls, waiting counts, a clock and the office's running text.
 *
 * Every call is announced by sound and sight: a synthesised chime, then the
 * server's sentence spoken in the office's first language and shown on
 * screen while spoken, with a highlight that flashes at most 1.5 times a
 * second (none with prefers-reduced-motion). Calls wait in a queue so none
 * cuts another off; the seq of the last announced call is kept on the
 * device so a reload never repeats one; calls in a snapshot are shown, not
 * announced; calls replayed after a long absence (older than
 * {@link STALE_MS} by the server's clock) are shown, not announced.
 *
 * A display works without a token, as the public display it always was.
 * Paired (a code entered in Admin → Perangkat, offered by a small button
 * for a while after the page opens or someone moves the mouse;
 * `#pair=SECRET` from /admin's one-time link, exchanged once for the token,
 * a link used already or expired said so with pairing by code offered; or
 * `#device=TOKEN` from `antrean device add`), it shows only its zone
 * (`settings.counters` / `settings.services` of `GET /device`, none: all):
 * those counters, those services' waiting, and only calls at those counters
 * for those services are shown and spoken; its stream holds its token. Its
 * token refused (revoked: `GET /device` 401, or the stream closed with
 * 4001), it says so, forgets the token and offers to pair again; behind
 * that, it is the public display again.
 */
import { api, ApiError, officeFromPath } from "../shared-ui/api.js";
import { byId, fill, h } from "../shared-ui/dom.js";
import { closedText, Reopening, sameClosure } from "../shared-ui/hours.js";
import { applyI18n, clock, loadLang, longDate, preferredLang, serviceName, speechLang, t } from "../shared-ui/i18n.js";
import { followOffice, OfficeState, Reconfiguring, suspendedNow } from "../shared-ui/office.js";
import { pairDevice, showLinkSpent, showRevoked, takeFragment, thisDevice, tokenFromFragment, tokenRefused } from "../shared-ui/session.js";
import { audioBlocked, chime, speak, unlockAudio } from "../shared-ui/sound.js";

/** @typedef {import("../shared-ui/live.js").RecentCall} RecentCall */
/** @typedef {{seq: number, number: string, counter: string, counter_name: string, text: string, recall: boolean}} Call */

const officeId = officeFromPath();
const ANNOUNCED = `antrean.display.${officeId}.announced`;
const TOKEN = `antrean.display.${officeId}.device`;
/** How long the "pair this display" button shows after the page opens, and after someone moves the mouse or presses a key. */
const PAIR_OFFER_MS = { opened: 120_000, touched: 30_000 };
/** How often a paired display asks for its settings (its zone may change in /admin). */
const DEVICE_REFRESH_MS = 60_000;
/** A call older than this when it reaches us is shown but not spoken. */
const STALE_MS = 3 * 60_000;
const RECENT_SHOWN = 6;

/** @type {import("../shared-ui/api.js").Office | null} */
let office = null;
/** Announcement language: the office's first. */
let voiceLang = "id";
/** Counters, waiting counts and the server's clock, from the live stream. */
const state = new OfficeState();
/** @type {RecentCall[]} */
let recent = [];
/** @type {Call[]} */
const queue = [];
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

/** Longest reason shown on a paused counter's tile; a longer one says "Jeda". */
const REASON_SHOWN = 16;

/**
 * A paused counter's tile: the staff's reason when short ("Salat",
 * "Rapat"), else the state; never "Istirahat" for a meeting.
 * @param {string | null | undefined} reason
 */
function pausedText(reason) {
  const r = (reason ?? "").trim();
  if (!r) return t("counter.paused");
  return [...r].length <= REASON_SHOWN ? r : t("counter.state.paused");
}

function renderCounters() {
  const shown = state.counters.filter((c) => inZone("counters", c.id));
  byId("counters").toggleAttribute("data-many", shown.length > 10);
  fill(
    byId("counters"),
    shown.map((c) =>
      h(
        "li",
        { class: `d-counter is-${c.state}${c.ticket_status ? " has-" + c.ticket_status : ""}`, "data-counter": c.id },
        // Who works it, small under its name (none: empty, so every tile is as high).
        h("span", { class: "d-counter-who" }, h("span", { class: "d-counter-name" }, c.name), h("span", { class: "d-counter-clerk" }, c.clerk ?? "")),
        h(
          "span",
          { class: "d-counter-number num" },
          c.state === "closed" && !c.number ? t("counter.closed") : c.state === "paused" && !c.number ? pausedText(c.reason) : c.number ?? "—",
        ),
      ),
    ),
  );
}

function renderRecent() {
  fill(
    byId("recent"),
    recent.filter(inZoneCall).slice(0, RECENT_SHOWN).map((r) =>
      h("li", null, h("span", { class: "d-recent-number num" }, r.number), h("span", { class: "d-recent-counter" }, r.counter_name)),
    ),
  );
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
  fill(
    byId("waiting"),
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
          serviceName(s),
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
}

/**
 * The big "now calling" card.
 * @param {{number: string, counter_name: string}} call
 * @param {string} spoken the sentence, or "" for a call only shown
 * @param {boolean} flash
 */
function showNow(call, spoken, flash) {
  byId("now-number").textContent = call.number;
  byId("now-counter").textContent = call.counter_name;
  byId("spoken").textContent = spoken;
  const now = byId("now");
  now.classList.remove("flash");
  if (flash) {
    void now.offsetWidth; // restart the animation
    now.classList.add("flash");
  }
}

/** The latest call of this display's zone, shown and not spoken (none: a dash). */
function showLatest() {
  showNow(recent.find(inZoneCall) ?? { number: "—", counter_name: "" }, "", false);
}

/** @param {import("../shared-ui/live.js").EventMsg} msg */
function onEvent(msg) {
  const e = msg.event;
  if (e.kind === "ticket_called") {
    /** @type {RecentCall} */
    const call = {
      seq: msg.seq,
      at: msg.at,
      number: e.number ?? "",
      service: e.service ?? "",
      counter: e.counter ?? "",
      counter_name: e.counter_name ?? "",
      announcement: e.announcement ?? {},
    };
    recent = [call, ...recent.filter((r) => r.seq !== msg.seq)].slice(0, 20);
    const fresh = state.now() - Date.parse(msg.at) < STALE_MS;
    if (!inZoneCall(call)) {
      // Another zone's: its own display says it.
    } else if (msg.seq > lastAnnounced() && fresh) {
      queue.push({
        seq: msg.seq,
        number: call.number,
        counter: call.counter,
        counter_name: call.counter_name,
        recall: !!e.recall,
        text: call.announcement[voiceLang] ?? Object.values(call.announcement)[0] ?? `${call.number} → ${call.counter_name}`,
      });
      void play();
    } else if (!playing) {
      showNow(call, "", false);
    }
  } else if (e.kind === "day_ended") {
    recent = [];
  } else if (e.kind === "running_text_changed") {
    setTicker(e.text);
  }
  renderCounters();
  renderRecent();
  renderWaiting();
}

/** Announces queued calls one after another; a new one never cuts in. */
async function play() {
  if (playing) return;
  playing = true;
  try {
    while (queue.length > 0) {
      const call = /** @type {Call} */ (queue.shift());
      // Kept before speaking: a reload from here on never repeats it.
      setAnnounced(call.seq);
      showNow(call, call.text, true);
      markCounter(call.counter);
      await chime();
      await speak(call.text, speechLang(voiceLang));
      await new Promise((r) => setTimeout(r, 700));
    }
  } finally {
    playing = false;
  }
}

/** @param {string} id */
function markCounter(id) {
  for (const li of byId("counters").querySelectorAll(".d-counter")) {
    li.classList.toggle("is-latest", li.getAttribute("data-counter") === id);
  }
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

/** The office again (its name, hours, services, counters), drawn. */
async function refreshOffice() {
  await loadOffice();
  if (!office) return;
  voiceLang = office.languages[0] ?? "id";
  document.title = `${office.name} · ${t("display.title")}`;
  byId("office-name").textContent = office.name;
  state.reconfigure(office.counters);
  renderCounters();
  renderClosed();
  renderWaiting();
}

async function init() {
  // First, so a token given is kept even if the office cannot be fetched now.
  const given = await tokenFromFragment(fragment);
  if (given.token) keepToken(given.token);
  try {
    await loadOffice();
  } catch (e) {
    await loadLang("id");
    byId("spoken").textContent = e instanceof ApiError && e.status === 0 ? t("err.network") : e instanceof Error ? e.message : String(e);
    return;
  }
  if (!office) return;
  voiceLang = office.languages[0] ?? "id";
  await loadLang(preferredLang(voiceLang));
  applyI18n();
  document.title = `${office.name} · ${t("display.title")}`;
  byId("office-name").textContent = office.name;
  setTicker(office.running_text);
  state.counters = office.counters;
  if (token) await loadDevice();
  renderCounters();
  renderClosed();
  renderWaiting();
  tick();
  setInterval(tick, 1000);
  document.documentElement.classList.toggle("short", window.innerHeight < 900);

  // Browsers may block sound until someone taps once.
  const enable = byId("enable-sound");
  const checkAudio = () => {
    enable.hidden = !audioBlocked();
  };
  enable.addEventListener("click", async () => {
    await unlockAudio();
    checkAudio();
  });
  setTimeout(checkAudio, 500);

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
    recent = msg.recent_calls;
    // The server never goes back in seq unless its data was reset: then
    // forget what was announced, or no call would be spoken again.
    if (msg.seq < lastAnnounced()) setAnnounced(msg.seq);
    setTicker(msg.running_text);
    // Opened or closed while we were away: Reconfiguring fetches the office (and the services' hours).
    // Shown, never announced.
    if (!playing) showLatest();
    renderCounters();
    renderRecent();
    renderWaiting();
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
  renderCounters();
  renderRecent();
  renderWaiting();
  if (!playing) showLatest();
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
  clearTimeout(offerTimer);
  offerTimer = setTimeout(() => (btn.hidden = true), ms);
}

/** Pairs this display (a code to enter in /admin); cancelled, it stays the public display. */
async function pair() {
  const setup = openSetup();
  byId("pair-start").hidden = true;
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
  renderCounters();
  renderRecent();
  renderWaiting();
  if (!playing) showLatest();
  await showRevoked(openSetup(), "display", () => void pair());
}

/** Opened with a one-time link already used or expired: says so over the public display, with pairing by code. */
async function linkSpent() {
  byId("pair-start").hidden = true;
  await showLinkSpent(openSetup(), () => void pair());
}

/** The full-screen dialog of pairing and its notices, open. */
function openSetup() {
  const setup = /** @type {HTMLDialogElement} */ (byId("device-setup"));
  if (!setup.open) setup.showModal();
  return setup;
}

void init();
