// @ts-check
/**
 * @file The touch kiosk in the hall: big service buttons with the waiting
 * count and the quota left (closed and exhausted services stay visible,
 * marked), an optional priority lane, then the number huge with the
 * people ahead, the estimate, a QR code of the ticket's page and printing.
 * Resets to the start when left alone, after a warning that can be
 * extended (WCAG 2.2.1). "Dengarkan" reads the screen aloud.
 *
 * A kiosk without a token pairs first: it shows a six-digit code that a
 * supervisor enters in Admin → Perangkat, and starts by itself once paired
 * (its printer is then its settings there: the server prints while
 * issuing). A kiosk whose token is refused (revoked: a ticket or `GET
 * /device` answered 401, or its stream closed with 4001) says so in both
 * languages, forgets the token and offers to pair again.
 *
 * Settings come once through the URL fragment, set by staff when the kiosk
 * is installed, and are kept on the device; the public has no way to
 * change them: `#device=TOKEN` (from `antrean device add`) or
 * `#pair=SECRET` (/admin's one-time link, exchanged once for the token; a
 * link used already or expired says so and offers pairing by code),
 * `printer=ID` (an ESC/POS printer of the office: the
 * server prints while issuing), `paper=80mm|58mm`, `autoprint=1` (print
 * the PDF at once) and `idle=S` (seconds before the "still there?"
 * warning; default 45).
 */
import { api, ApiError, errorText, officeFromPath } from "../shared-ui/api.js";
import { byId, fill, h } from "../shared-ui/dom.js";
import { closedText, closesText, Reopening } from "../shared-ui/hours.js";
import { applyI18n, clock, labelLangButton, lang, loadLang, serviceName, speechLang, t, waitText } from "../shared-ui/i18n.js";
import { followOffice, Reconfiguring, suspendedNow, trackSuspensions } from "../shared-ui/office.js";
import { pairDevice, showLinkSpent, showRevoked, takeFragment, thisDevice, tokenFromFragment, tokenRefused } from "../shared-ui/session.js";
import { speak, stopSpeaking, unlockAudio } from "../shared-ui/sound.js";

/** @typedef {import("../shared-ui/api.js").Office} Office */
/** @typedef {import("../shared-ui/api.js").Service} Service */
/** @typedef {import("../shared-ui/live.js").Ticket} Ticket */
/** @typedef {import("../shared-ui/contract").components["schemas"]["Priority"]} Priority */
/** @typedef {Exclude<Priority, "other">} Offered the priorities the kiosk offers, each with its icon */

const officeId = officeFromPath();
const SETTINGS = `antrean.kiosk.${officeId}`;
/** Idle time before the warning, on the start screen with a choice made and on the result. */
const IDLE_MS = { start: 45_000, result: 40_000 };
/** How long the warning waits for a tap. */
const WARN_S = 20;

/** @typedef {{device?: string, printer?: string, paper?: import("../shared-ui/contract").components["schemas"]["Paper"], autoprint?: boolean, idle?: number}} Settings */

/**
 * The settings kept, with those given once in the fragment (kept too);
 * the token it gives is taken at the start ({@link init}).
 * @param {URLSearchParams} p
 */
function settings(p) {
  /** @type {Settings} */
  let s = {};
  try {
    s = JSON.parse(localStorage.getItem(SETTINGS) ?? "{}");
  } catch {
    /* none yet */
  }
  if (p.size > 0) {
    if (p.has("printer")) s.printer = p.get("printer") || undefined;
    if (p.has("paper")) s.paper = p.get("paper") === "58mm" ? "58mm" : "80mm";
    if (p.has("autoprint")) s.autoprint = p.get("autoprint") === "1";
    if (p.has("idle")) s.idle = Math.max(5, Number(p.get("idle")) || 45);
    saveSettings(s);
  }
  return s;
}

/** Keeps the settings on the device. @param {Settings} s */
function saveSettings(s) {
  try {
    localStorage.setItem(SETTINGS, JSON.stringify(s));
  } catch {
    /* kept for this page only */
  }
}

/** What staff gave in the address, taken off it at once (the token must not stay in the history). */
const fragment = takeFragment();
const cfg = settings(fragment);
/** @type {Office | null} */
let office = null;
/** @type {Map<string, Pick<import("../shared-ui/live.js").Waiting, "waiting" | "remaining" | "estimated_wait_s">>} */
const live = new Map();
/** Services staff stopped, as the live stream tells it. @type {import("../shared-ui/office.js").Suspensions} */
const suspensions = new Map();
/** @type {Offered | null} */
let priority = null;
/** @type {Ticket | null} */
let ticket = null;
let busy = false;
/** The pairing or revoked screen, the services, or a ticket taken. @type {"setup" | "start" | "result"} */
let screen = "start";
/** The office's live stream, once the kiosk has a token. @type {import("../shared-ui/live.js").Live | null} */
let stream = null;
/** Server clock minus ours (from the live snapshot). */
let skewMs = 0;
/** Fetches the office again when a closed service (or the office) opens. */
const reopening = new Reopening(() => loadOffice(), () => Date.now() + skewMs);
/** Fetches the office again when staff change its services, counters, hours or closed days. */
const reconfiguring = new Reconfiguring(() => loadOffice());

const PRIORITIES = /** @type {Offered[]} */ (["disability", "elderly", "pregnant", "child"]);
/** Inline icons (no font or file needed). */
const ICONS = {
  disability:
    '<circle cx="9" cy="3.5" r="2.2" fill="currentColor"/><path d="M9 7v6h6l3 6" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/><path d="M6.5 10.5a5.5 5.5 0 1 0 7.8 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round"/>',
  elderly:
    '<circle cx="11" cy="3.5" r="2.2" fill="currentColor"/><path d="M11 7l-1 7-2 8M10 14l3 8M11 9l4 3" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/><path d="M16 12v10" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>',
  pregnant:
    '<circle cx="11" cy="3.5" r="2.2" fill="currentColor"/><path d="M11 7v5c4.5 0 5 5.5 0 6.5V22M11 9l-3 4" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>',
  child:
    '<circle cx="12" cy="7" r="2.5" fill="currentColor"/><path d="M12 10.5v6M12 16.5l-3 5M12 16.5l3 5M8 12.5h8" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>',
};

/** @param {Offered} p */
function icon(p) {
  const span = h("span", { class: "k-icon", "aria-hidden": "true" });
  span.innerHTML = `<svg viewBox="0 0 24 24" width="44" height="44" focusable="false">${ICONS[p]}</svg>`;
  return span;
}

function figures(/** @type {Service} */ s) {
  const l = live.get(s.id);
  return { waiting: l?.waiting ?? s.waiting, remaining: l ? l.remaining : s.remaining, estimate: l ? l.estimated_wait_s : s.estimated_wait_s };
}

/**
 * Why a service or the office is closed and when it opens again, in the
 * office's calendar; null while open.
 * @param {Office | Service} v
 * @param {string} [closed] the words without a reason
 */
function closedLines(v, closed) {
  if (!office) return null;
  return closedText(v, { timeZone: office.time_zone, languages: office.languages, now: Date.now() + skewMs, closed });
}

/** Whether no ticket can be taken at all now: the office closed and no service open. */
function officeClosed() {
  return !!office && !office.open && office.services.every((s) => !s.open);
}

/**
 * The start screen: the service buttons, or while the office is closed
 * why and when it opens again (no button that would only fail).
 */
function renderServices() {
  if (!office) return;
  const shut = officeClosed() ? closedLines(office, t("hours.tickets_closed")) : null;
  byId("closed").hidden = !shut;
  byId("open").hidden = !!shut;
  byId("start").setAttribute("aria-labelledby", shut ? "closed-why" : "start-title");
  byId("closed-why").textContent = shut?.why ?? "";
  byId("closed-when").textContent = shut?.when ?? "";
  // Up to eight buttons fit in two rows of four across a landscape screen; more take five a row.
  byId("services").toggleAttribute("data-many", office.services.length > 8);
  fill(
    byId("services"),
    office.services.map((s) => {
      const f = figures(s);
      const closed = closedLines(s);
      const exhausted = f.remaining === 0;
      const stopped = suspendedNow(s, suspensions);
      const name = [h("span", { class: "k-prefix", "aria-hidden": "true" }, s.prefix), h("span", { class: "k-svc-name" }, serviceName(s))];
      // Stopped by staff: their message as written (in the office's language), no button.
      if (stopped != null) {
        return h(
          "div",
          { class: "k-service is-off is-suspended", "data-service": s.id, "data-suspended": "" },
          name,
          h(
            "span",
            { class: "k-svc-facts" },
            h("span", { class: "k-svc-off" }, t("svc.suspended")),
            h("span", { class: "k-svc-msg", lang: office?.languages[0] ?? "id" }, stopped),
          ),
        );
      }
      // A closed or used-up service stays visible, but as a card, not a button.
      if (closed || exhausted) {
        return h(
          "div",
          { class: "k-service is-off", "data-service": s.id },
          name,
          h(
            "span",
            { class: "k-svc-facts" },
            h("span", { class: "k-svc-off" }, closed ? closed.why : t("svc.exhausted")),
            closed && h("span", { class: "k-svc-when" }, closed.when),
          ),
        );
      }
      const closes = office && closesText(s, office.time_zone, Date.now() + skewMs);
      return h(
        "button",
        { type: "button", class: "k-service", "data-service": s.id, onclick: () => take(s) },
        name,
        h(
          "span",
          { class: "k-svc-facts" },
          h("span", null, t("kiosk.waiting_n", { n: f.waiting })),
          h("span", null, f.remaining == null ? t("svc.unlimited") : t("kiosk.remaining_n", { n: f.remaining })),
          closes && h("span", { class: "k-svc-closes" }, closes),
        ),
      );
    }),
  );
}

function renderPriorities() {
  fill(
    byId("priorities"),
    PRIORITIES.map((p) =>
      h(
        "button",
        {
          type: "button",
          class: "k-prio",
          "data-priority": p,
          "aria-pressed": priority === p ? "true" : "false",
          onclick: () => {
            priority = priority === p ? null : p;
            renderPriorities();
            armIdle();
          },
        },
        icon(p),
        h("span", null, t(`priority.${p}`)),
      ),
    ),
  );
}

/** @param {Service} s */
async function take(s) {
  if (busy || !cfg.device) return;
  busy = true;
  const err = byId("start-error");
  err.hidden = true;
  void unlockAudio();
  try {
    /** @type {Record<string, unknown>} */
    const body = { service: s.id, priority, channel: "kiosk" };
    if (cfg.printer) body.print = cfg.printer;
    /** @type {import("../shared-ui/contract").components["schemas"]["Issued"]} */
    const res = await api(`/offices/${officeId}/tickets`, {
      body,
      headers: { authorization: `Bearer ${cfg.device}` },
    });
    ticket = res;
    showResult(s);
    // The server printed (the printer in the address, or the kiosk's own in /admin).
    if (res.print) {
      const ok = res.print.ok !== false && !res.print.error;
      byId("print-status").textContent = ok ? t("kiosk.printed") : t("kiosk.print_failed");
      byId("print").hidden = ok;
    } else if (cfg.autoprint) {
      printPdf();
    }
  } catch (e) {
    if (tokenRefused(e)) {
      void revoked();
      return;
    }
    // Closed, stopped or no longer offered since the office was fetched: fetch it again.
    const stale = e instanceof ApiError && ["service_closed", "service_suspended", "service_not_served", "unknown_service"].includes(e.code);
    if (stale) void loadOffice().catch(() => {});
    err.textContent =
      e instanceof ApiError && e.code === "service_closed"
        ? t("svc.closed_now", { service: serviceName(s) })
        : e instanceof ApiError && e.code === "service_suspended"
          ? t("svc.suspended_now", { service: serviceName(s) })
          : stale
            ? t("svc.gone_now", { service: serviceName(s) })
            : errorText(e);
    err.hidden = false;
  } finally {
    busy = false;
  }
}

/** @param {Service} s */
function showResult(s) {
  if (!ticket) return;
  stopSpeaking();
  showScreen("result");
  byId("result-number").textContent = ticket.number;
  byId("result-service").textContent = serviceName(s);
  const prio = byId("result-prio");
  prio.hidden = !ticket.priority;
  prio.textContent = ticket.priority ? `${t("kiosk.priority")}: ${t(`priority.${ticket.priority}`)}` : "";
  byId("result-ahead").textContent = t("svc.people", { n: ticket.ahead ?? 0 });
  byId("result-estimate").textContent = waitText(ticket.estimated_wait_s);
  // The server draws the QR code of the ticket's page (its public address,
  // as printed on paper), so the screen and the paper show the same code.
  fill(
    byId("result-qr"),
    h("img", { class: "qr", src: `/api/v1/tickets/${encodeURIComponent(ticket.code)}/qr.svg`, alt: t("kiosk.qr_label"), width: 352, height: 352 }),
  );
  byId("print-status").textContent = "";
  byId("print").hidden = false;
  byId("main").focus();
  armIdle();
}

/** Prints the ticket's PDF through a hidden frame (silent with Chrome's --kiosk-printing). */
function printPdf() {
  if (!ticket) return;
  const frame = /** @type {HTMLIFrameElement} */ (byId("print-frame"));
  byId("print-status").textContent = t("kiosk.printing");
  frame.onload = () => {
    try {
      frame.contentWindow?.focus();
      frame.contentWindow?.print();
      byId("print-status").textContent = t("kiosk.printed");
    } catch {
      byId("print-status").textContent = t("kiosk.print_failed");
    }
  };
  frame.src = `/api/v1/tickets/${ticket.code}/ticket.pdf?paper=${cfg.paper ?? "80mm"}`;
}

/** @param {typeof screen} which */
function showScreen(which) {
  screen = which;
  byId("device-setup").hidden = which !== "setup";
  byId("start").hidden = which !== "start";
  byId("result").hidden = which !== "result";
}

function reset() {
  stopSpeaking();
  setListening(false);
  hideIdle();
  ticket = null;
  priority = null;
  if (screen === "setup") return;
  showScreen("start");
  byId("start-error").hidden = true;
  fill(byId("result-qr"));
  if (lang() !== (office?.languages[0] ?? "id")) void setLang(office?.languages[0] ?? "id");
  renderPriorities();
  renderServices();
  clearTimeout(idleTimer);
}

// Idle reset with a warning (WCAG 2.2.1: the visitor can ask for more time).
/** @type {ReturnType<typeof setTimeout> | undefined} */
let idleTimer;
/** @type {ReturnType<typeof setInterval> | undefined} */
let countdown;

function dirty() {
  return screen === "result" || priority !== null || lang() !== (office?.languages[0] ?? "id");
}

function armIdle() {
  clearTimeout(idleTimer);
  // The pairing or revoked screen is for staff: nothing to reset.
  if (!byId("idle").hidden || !dirty() || screen === "setup") return;
  idleTimer = setTimeout(showIdle, cfg.idle ? cfg.idle * 1000 : IDLE_MS[screen]);
}

function showIdle() {
  let left = WARN_S;
  const text = () => (byId("idle-text").textContent = t("kiosk.idle_text", { n: left }));
  text();
  byId("idle").hidden = false;
  byId("idle-stay").focus();
  clearInterval(countdown);
  countdown = setInterval(() => {
    left -= 1;
    if (left <= 0) reset();
    else text();
  }, 1000);
}

function hideIdle() {
  clearInterval(countdown);
  byId("idle").hidden = true;
}

// "Dengarkan": speech output of what is on screen (EN 301 549 / ADA 707).
let listening = false;
/** @param {boolean} on */
function setListening(on) {
  listening = on;
  byId("listen").setAttribute("aria-pressed", String(on));
}

function screenText() {
  if (screen === "setup") return byId("device-setup").innerText;
  if (screen === "result" && ticket) {
    const s = office?.services.find((x) => x.id === ticket?.service);
    return [
      t("kiosk.say_number", { number: spellNumber(ticket.number) }),
      s ? serviceName(s) + "." : "",
      t("kiosk.say_ahead", { n: ticket.ahead ?? 0 }),
      t("kiosk.estimate") + ": " + waitText(ticket.estimated_wait_s) + ".",
      t("kiosk.say_result_help"),
    ].join(" ");
  }
  if (office && officeClosed()) {
    const shut = closedLines(office, t("hours.tickets_closed"));
    return [`${office.name}.`, `${shut?.why}.`, `${shut?.when}.`, t("kiosk.closed_hint")].join(" ");
  }
  const parts = [t("kiosk.choose") + ".", t("kiosk.choose_hint")];
  for (const s of office?.services ?? []) {
    const f = figures(s);
    const closed = closedLines(s);
    const stopped = suspendedNow(s, suspensions);
    const state = stopped != null ? `${t("svc.suspended")}, ${stopped}` : closed ? `${closed.why}, ${closed.when}` : f.remaining === 0 ? t("svc.exhausted") : t("kiosk.waiting_n", { n: f.waiting });
    parts.push(`${serviceName(s)}: ${state}.`);
  }
  parts.push(t("kiosk.say_priority"));
  return parts.join(" ");
}

/** "A012" read as "A 0 1 2" so any voice says it clearly. */
function spellNumber(/** @type {string} */ n) {
  return n.split("").join(" ");
}

async function listen() {
  armIdle();
  if (listening) {
    stopSpeaking();
    setListening(false);
    return;
  }
  setListening(true);
  stopSpeaking();
  await speak(screenText(), speechLang(lang()), { rate: 0.95 });
  setListening(false);
}

/** @param {string} l */
async function setLang(l) {
  await loadLang(l);
  labelLangButton(byId("lang-btn"));
  applyI18n();
  renderServices();
  renderPriorities();
  if (screen === "result" && ticket) {
    const s = office?.services.find((x) => x.id === ticket?.service);
    if (s) showResult(s);
  }
}

async function loadOffice() {
  office = await api(`/offices/${officeId}`);
  if (!office) return;
  byId("office-name").textContent = office.name;
  document.title = `${office.name} · ${t("kiosk.title")}`;
  for (const s of office.services) {
    live.delete(s.id);
    suspensions.delete(s.id);
  }
  renderServices();
  reopening.watch(office.time_zone, [office, ...office.services]);
}

function tick() {
  byId("clock").textContent = office ? clock(new Date(), office.time_zone) : "";
}

async function init() {
  // First, so a token given is kept even if the office cannot be fetched now.
  const given = await tokenFromFragment(fragment);
  if (given.token) {
    cfg.device = given.token;
    saveSettings(cfg);
  }
  document.body.classList.add("kiosk");
  // The public cannot reach the browser's menus from here.
  document.addEventListener("contextmenu", (e) => e.preventDefault());
  for (const ev of ["pointerdown", "keydown"]) {
    document.addEventListener(ev, () => {
      if (byId("idle").hidden) armIdle();
    }, { capture: true, passive: true });
  }
  try {
    office = await api(`/offices/${officeId}`);
  } catch (e) {
    await loadLang("id");
    fill(byId("main"), h("p", { class: "error-msg", role: "alert" }, e instanceof Error ? e.message : String(e)));
    return;
  }
  if (!office) return;
  reopening.watch(office.time_zone, [office, ...office.services]);
  await setLang(office.languages[0] ?? "id");
  byId("office-name").textContent = office.name;
  document.title = `${office.name} · ${t("kiosk.title")}`;
  byId("lang-btn").addEventListener("click", () => setLang(lang() === "id" ? "en" : "id").then(armIdle));
  byId("listen").addEventListener("click", () => void listen());
  byId("print").addEventListener("click", () => {
    armIdle();
    printPdf();
  });
  byId("done").addEventListener("click", reset);
  byId("idle-stay").addEventListener("click", () => {
    hideIdle();
    armIdle();
  });
  byId("idle-reset").addEventListener("click", reset);
  tick();
  setInterval(tick, 10_000);
  // Opening hours and quotas: refresh the whole office now and then.
  setInterval(() => void loadOffice().catch(() => {}), 60_000);
  if (given.linkSpent) linkSpent();
  else await begin();
}

/**
 * Starts taking tickets: pairs first while the kiosk has no token; a
 * token the server refuses is revoked. Without an answer (the server away)
 * it starts anyway: the stream comes back with the server, and says then
 * whether the token still holds.
 */
async function begin() {
  while (!cfg.device) {
    showScreen("setup");
    cfg.device = (await pairDevice(byId("device-setup"), { office: officeId, kind: "kiosk" })) ?? undefined;
    saveSettings(cfg);
  }
  try {
    await thisDevice(cfg.device);
  } catch (e) {
    if (tokenRefused(e)) {
      await revoked();
      return;
    }
  }
  showScreen("start");
  reset();
  stream = followOffice(officeId, onOfficeMessage, { access: { device: cfg.device }, onAccessEnded: () => void revoked() });
}

/** Opened with a one-time link already used or expired: says so; staff pair it by code instead (a new token). */
function linkSpent() {
  showScreen("setup");
  void showLinkSpent(byId("device-setup"), () => {
    delete cfg.device;
    saveSettings(cfg);
    void begin();
  });
}

/** The token was refused: forget it, say so, and offer to pair again. */
async function revoked() {
  stream?.stop();
  stream = null;
  delete cfg.device;
  saveSettings(cfg);
  stopSpeaking();
  hideIdle();
  ticket = null;
  showScreen("setup");
  await showRevoked(byId("device-setup"), "kiosk", () => void begin());
}

/** @param {import("../shared-ui/live.js").ServerMsg} msg */
function onOfficeMessage(msg) {
  trackSuspensions(suspensions, msg);
  reconfiguring.see(msg, office);
  if (msg.type === "snapshot") {
    live.clear();
    for (const w of msg.services) live.set(w.service, w);
    const now = Date.parse(msg.now);
    if (now) skewMs = now - Date.now();
    // Opened or closed while we were away: Reconfiguring fetches the office (and the services' hours).
  } else if (msg.type === "event") {
    for (const w of msg.waiting ?? []) live.set(w.service, w);
    if (msg.event.kind === "day_ended") void loadOffice().catch(() => {});
  }
  if (screen === "start") renderServices();
}

void init();
