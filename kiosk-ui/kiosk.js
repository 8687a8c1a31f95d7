// @ts-check
/**
 * @file The touch kiosk in the hall, in the order a visitor takes the
 * steps: (1) the service, big buttons with the waiting count and the quota
 * left (closed, stopped and used-up services stay visible as cards, not
 * buttons); (2) "do you belong to a priority group?", the four groups
 * pictured and a plain "no"; (3) a confirmation with what to bring and
 * what it costs (the service's published standard), "Ambil nomor" and
 * "Kembali"; then the number huge with the people ahead, the estimate, a
 * QR code of the ticket's page and printing. Resets to the start when left
 * alone, after a warning that can be extended (WCAG 2.2.1). "Dengarkan"
 * reads the screen aloud. "Privasi" opens the privacy notice
 * (shared-ui/privacy.js) in a dialog over the step shown, which "Tutup"
 * or Escape closes, back on that step; the idle reset closes it too. With
 * a priority group chosen, the confirmation says how long its reason is
 * kept. A refusal is worded for the citizen standing there
 * (`kiosk.err.{code}`), next to the button that was pressed.
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
import { byId, fill, h, patch } from "../shared-ui/dom.js";
import { closedText, closesText, Reopening } from "../shared-ui/hours.js";
import { applyI18n, clock, hasString, labelLangButton, lang, loadLang, serviceName, speechLang, t, waitText } from "../shared-ui/i18n.js";
import { followOffice, Reconfiguring, suspendedNow, trackSuspensions } from "../shared-ui/office.js";
import { pairDevice, showLinkSpent, showRevoked, takeFragment, thisDevice, tokenFromFragment, tokenRefused } from "../shared-ui/session.js";
import { noticeParts, privacyNotice } from "../shared-ui/privacy.js";
import { speak, stopSpeaking, unlockAudio } from "../shared-ui/sound.js";
// How long a phone keeps a ticket opened from its QR code, as the notice says.
import { KEEP_DAYS } from "../citizen-ui/mine.js";

/** @typedef {import("../shared-ui/api.js").Office} Office */
/** @typedef {import("../shared-ui/api.js").Service} Service */
/** @typedef {import("../shared-ui/live.js").Ticket} Ticket */
/** @typedef {import("../shared-ui/contract").components["schemas"]["Priority"]} Priority */
/** @typedef {import("../shared-ui/contract").components["schemas"]["PrintResult"]} PrintResult */
/** @typedef {import("../shared-ui/privacy.js").PrivacyNotice} PrivacyNotice */
/** @typedef {Exclude<Priority, "other">} Offered the priorities the kiosk offers, each with its icon */
/** @typedef {"setup" | "start" | "ask" | "confirm" | "result"} Screen */

const officeId = officeFromPath();
const SETTINGS = `antrean.kiosk.${officeId}`;
/** Idle time before the warning: on a step with a choice made, and on the result. */
const IDLE_MS = { step: 45_000, result: 40_000 };
/** How long the warning waits for a tap. */
const WARN_S = 20;
/** While the office cannot be fetched at the start, try again this often. */
const RETRY_MS = 5_000;

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
/** The service chosen in step 1, as it was then (the office may be fetched again meanwhile). @type {Service | null} */
let chosen = null;
/** The priority group chosen in step 2; null for the regular lane. @type {Offered | null} */
let priority = null;
/** @type {Ticket | null} */
let ticket = null;
/** A ticket is being taken: "Ambil nomor" waits for the answer. */
let busy = false;
/** @type {Screen} */
let screen = "start";
/** The office's live stream, once the kiosk has a token. @type {import("../shared-ui/live.js").Live | null} */
let stream = null;
/** Server clock minus ours (from the live snapshot). */
let skewMs = 0;
/** The privacy notice's figures and contacts, as last fetched. @type {PrivacyNotice | null} */
let notice = null;
/** What had the focus when the privacy notice was opened, to have it again when it closes. @type {HTMLElement | null} */
let privacyOpener = null;
/** Fetches the office again when a closed service (or the office) opens. */
const reopening = new Reopening(() => loadOffice(), () => Date.now() + skewMs);
/** Fetches the office again when staff change its services, counters, hours or closed days. */
const reconfiguring = new Reconfiguring(() => loadOffice());

/** The office's first language: the one its texts are written in, and the kiosk's at rest. */
function homeLang() {
  return office?.languages[0] ?? "id";
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

/** The service chosen in step 1 as the office now has it; null once it is gone. */
function chosenService() {
  return office?.services.find((s) => s.id === chosen?.id) ?? null;
}

/**
 * Why no ticket can be taken for `s` now (stopped by staff, closed, used
 * up, or no longer offered), as the parts of a sentence; null while it
 * issues. The staff's message stays as written, marked with the office's
 * language.
 * @param {Service | null} s
 * @returns {import("../shared-ui/dom.js").Child[] | null}
 */
function unavailable(s) {
  if (!s) return [t("svc.gone_now", { service: chosen ? serviceName(chosen) : "" })];
  const stopped = suspendedNow(s, suspensions);
  if (stopped != null) return [`${t("svc.suspended")}: `, h("span", { lang: homeLang() }, stopped)];
  const closed = closedLines(s);
  if (closed) return [`${closed.why}. ${closed.when}.`];
  if (figures(s).remaining === 0) return [t("kiosk.why_exhausted", { service: serviceName(s) })];
  return null;
}

/**
 * The published standard of a service (requirements, completion time,
 * cost) in the screen's language where the office wrote it, else in its
 * own; `lang` says which, for the `lang` attribute.
 * @param {Service} s
 */
function standard(s) {
  const tr = lang() === homeLang() ? undefined : s.translations[lang()];
  /** @template {string | string[]} V @param {V | undefined} mine @param {V} own */
  const inLang = (mine, own) => (mine?.length ? { value: mine, lang: lang() } : { value: own, lang: homeLang() });
  return {
    requirements: inLang(tr?.requirements, s.requirements),
    completion_time: inLang(tr?.completion_time, s.completion_time),
    cost: inLang(tr?.cost, s.cost),
  };
}

/**
 * Step 1: the service buttons, or while the office is closed why and when
 * it opens again (no button that would only fail).
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
  // Drawn again on every ticket of the office: a button that stays the
  // same keeps its element (see `patch`), so a tap under way is not lost.
  patch(
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
            h("span", { class: "k-svc-msg", lang: homeLang() }, stopped),
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
        { type: "button", class: "k-service", "data-service": s.id, onclick: () => choose(s.id) },
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

/** Step 1 done: on to the priority question. @param {string} id the service's */
function choose(id) {
  const s = office?.services.find((x) => x.id === id);
  if (!s) return;
  void unlockAudio();
  chosen = s;
  priority = null;
  renderAsk();
  showScreen("ask");
}

/** Step 2: the service chosen, above the question. */
function renderAsk() {
  const s = chosenService();
  byId("ask-service").textContent = s ? t("kiosk.chosen", { service: serviceName(s) }) : "";
}

/** Step 2 done: a priority group (or none); on to the confirmation. @param {Offered | null} p */
function pick(p) {
  priority = p;
  clearMessages();
  renderConfirm();
  showScreen("confirm");
}

/** The button of a priority group in step 2. @param {Offered} p */
function prioButton(p) {
  return /** @type {HTMLButtonElement} */ (byId("ask").querySelector(`[data-priority="${p}"]`));
}

/**
 * Step 3: the service, the lane, the figures and its published standard;
 * "Ambil nomor" turned off, with the reason beside it, while the service
 * cannot issue (it changes live).
 */
function renderConfirm() {
  const s = chosenService();
  const why = unavailable(s);
  byId("confirm-prefix").textContent = s?.prefix ?? "";
  byId("confirm-service").textContent = s ? serviceName(s) : "";
  fill(
    byId("confirm-lane"),
    priority ? prioButton(priority).querySelector("svg")?.cloneNode(true) : byId("prio-none").querySelector("svg")?.cloneNode(true),
    h("span", null, priority ? t("kiosk.lane_priority", { group: t(`priority.${priority}`) }) : t("kiosk.lane_regular")),
  );
  byId("confirm-lane").classList.toggle("is-priority", !!priority);
  // Said only when a reason is given, and only with the figure from the server.
  const kept = byId("confirm-privacy");
  kept.hidden = !priority || !notice;
  kept.textContent = priority && notice ? t("kiosk.confirm_privacy", { days: notice.retention_days }) : "";
  if (s) {
    const f = figures(s);
    const std = standard(s);
    byId("confirm-waiting").textContent = t("svc.people", { n: f.waiting });
    byId("confirm-estimate").textContent = waitText(f.estimate);
    setText(byId("confirm-cost"), std.cost);
    setText(byId("confirm-time"), std.completion_time);
    byId("confirm-reqs-box").hidden = std.requirements.value.length === 0;
    const list = byId("confirm-reqs");
    fill(list, std.requirements.value.map((r) => h("li", null, r)));
    list.setAttribute("lang", std.requirements.lang);
  }
  const reason = byId("confirm-why");
  reason.hidden = !why;
  fill(reason, why ?? []);
  const take = /** @type {HTMLButtonElement} */ (byId("confirm-take"));
  const wasFocused = document.activeElement === take;
  take.disabled = busy || !!why;
  /** @type {HTMLButtonElement} */ (byId("confirm-back")).disabled = busy;
  // Unavailable, "Kembali" leads to another service rather than to the question again.
  byId("confirm-back-label").textContent = why ? t("kiosk.other_service") : t("kiosk.back");
  if (wasFocused && take.disabled && !busy) byId("confirm-back").focus();
}

/** @param {HTMLElement} el @param {{value: string, lang: string}} v */
function setText(el, v) {
  el.textContent = v.value || t("none");
  el.setAttribute("lang", v.lang);
}

function clearMessages() {
  lastError = null;
  byId("confirm-status").textContent = "";
  byId("confirm-error").textContent = "";
}

/** The refusal shown next to "Ambil nomor", worded again when the language changes. @type {unknown} */
let lastError = null;

/**
 * A refusal in words for the citizen at the kiosk: `kiosk.err.{code}`
 * (the service named) for every code a kiosk can get, else the screens'
 * `errorText`; never the server's own message.
 * @param {unknown} e
 * @param {Service | null} [s]
 */
function kioskError(e, s = null) {
  if (e instanceof ApiError) {
    const key = e.code.startsWith("http_") ? "kiosk.err.http" : `kiosk.err.${e.code}`;
    if (hasString(key)) return t(key, { service: s ? serviceName(s) : t("kiosk.this_service") });
  }
  return errorText(e);
}

/** "Ambil nomor": issues the ticket (the server prints it when the kiosk has a printer). */
async function take() {
  const s = chosenService();
  if (busy || !cfg.device || !s || unavailable(s)) return;
  busy = true;
  clearMessages();
  byId("confirm-status").textContent = t("kiosk.taking");
  renderConfirm();
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
    busy = false;
    showResult();
    if (res.print) serverPrinted(res.print);
    else if (cfg.autoprint) printPdf();
  } catch (e) {
    busy = false;
    byId("confirm-status").textContent = "";
    if (tokenRefused(e)) {
      void revoked();
      return;
    }
    // Closed, stopped, used up or no longer offered since the office was
    // fetched: fetch it again, and the button says why it is off.
    if (e instanceof ApiError && ["service_closed", "service_suspended", "service_not_served", "unknown_service", "quota_exhausted"].includes(e.code)) {
      void loadOffice().catch(() => {});
    }
    lastError = e;
    byId("confirm-error").textContent = kioskError(e, s);
    renderConfirm();
  }
}

function showResult() {
  if (!ticket) return;
  const s = office?.services.find((x) => x.id === ticket?.service);
  byId("result-number").textContent = ticket.number;
  byId("result-service").textContent = s ? serviceName(s) : "";
  const prio = byId("result-prio");
  prio.hidden = !ticket.priority;
  prio.textContent = ticket.priority ? `${t("kiosk.priority")}: ${t(`priority.${ticket.priority}`)}` : "";
  byId("result-ahead").textContent = t("svc.people", { n: ticket.ahead ?? 0 });
  byId("result-estimate").textContent = waitText(ticket.estimated_wait_s);
  // The server draws the QR code of the ticket's page (its public address,
  // as printed on paper), so the screen and the paper show the same code.
  const src = `/api/v1/tickets/${encodeURIComponent(ticket.code)}/qr.svg`;
  const img = byId("result-qr").querySelector("img");
  if (img?.getAttribute("src") === src) img.alt = t("kiosk.qr_label");
  else fill(byId("result-qr"), h("img", { class: "qr", src, alt: t("kiosk.qr_label"), width: 352, height: 352 }));
  if (screen !== "result") {
    stopSpeaking();
    printStatus(null);
    byId("print").hidden = false;
    showScreen("result");
  }
}

/**
 * What the print status says, in the same words whichever way the ticket
 * was printed: "printing", "printed, take it below", or why not and that
 * the number on screen still holds (staff can print it).
 * @param {"printing" | "printed" | "no_paper" | "failed" | null} state
 */
function printStatus(state) {
  const el = byId("print-status");
  el.dataset.state = state ?? "";
  el.classList.toggle("is-warn", state === "no_paper" || state === "failed");
  el.classList.toggle("is-ok", state === "printed");
  if (!state) el.textContent = "";
  else if (state === "printing" || state === "printed") el.textContent = t(`kiosk.${state}`);
  else el.textContent = `${t(state === "no_paper" ? "kiosk.print_no_paper" : "kiosk.print_failed")} ${t("kiosk.print_fallback")}`;
}

/**
 * The server printed while issuing (the printer in the address, or the
 * kiosk's own in /admin). The kiosk cannot send it again (a reprint is for
 * staff), so a failure points at the screen and the staff, no button.
 * @param {PrintResult} print
 */
function serverPrinted(print) {
  byId("print").hidden = true;
  printStatus(print.ok ? "printed" : print.failure === "stopped" ? "no_paper" : "failed");
}

/** Prints the ticket's PDF through a hidden frame (silent with Chrome's --kiosk-printing). */
function printPdf() {
  if (!ticket) return;
  const frame = /** @type {HTMLIFrameElement} */ (byId("print-frame"));
  printStatus("printing");
  frame.onload = () => {
    try {
      // A refusal (JSON) is not a ticket; a frame the browser would not
      // show is another origin's error page, and print() throws.
      if (frame.contentDocument?.contentType === "application/json") throw new Error("not a ticket");
      frame.contentWindow?.focus();
      frame.contentWindow?.print();
      printStatus("printed");
      byId("print").hidden = true;
    } catch {
      printStatus("failed");
    }
  };
  frame.src = `/api/v1/tickets/${encodeURIComponent(ticket.code)}/ticket.pdf?paper=${cfg.paper ?? "80mm"}`;
}

/** The heading each screen's focus goes to when it is shown. */
const HEADINGS = { setup: "device-setup", start: "start-title", ask: "ask-title", confirm: "confirm-title", result: "result-title" };

/** Shows one screen, its heading focused (a screen reader says where the visitor is). @param {Screen} which */
function showScreen(which) {
  const changed = screen !== which;
  screen = which;
  for (const id of ["device-setup", "start", "ask", "confirm", "result"]) byId(id).hidden = id !== (which === "setup" ? "device-setup" : which);
  if (!changed || which === "setup") return;
  stopSpeaking();
  setListening(false);
  const heading = which === "start" && officeClosed() ? byId("closed-why") : byId(HEADINGS[which]);
  heading.focus({ preventScroll: true });
  armIdle();
}

/** Back to step 1 for the next visitor, in the office's language. */
function reset() {
  stopSpeaking();
  setListening(false);
  hideIdle();
  closePrivacy(false);
  clearTimeout(idleTimer);
  ticket = null;
  chosen = null;
  priority = null;
  busy = false;
  if (screen === "setup") return;
  clearMessages();
  fill(byId("result-qr"));
  printStatus(null);
  if (lang() !== homeLang()) void setLang(homeLang());
  renderServices();
  showScreen("start");
}

// Idle reset with a warning (WCAG 2.2.1: the visitor can ask for more time).
/** @type {ReturnType<typeof setTimeout> | undefined} */
let idleTimer;
/** @type {ReturnType<typeof setInterval> | undefined} */
let countdown;

/** Whether the screen holds someone's choices (anything but step 1 in the office's language, without the privacy notice). */
function dirty() {
  return screen !== "start" || lang() !== homeLang() || privacyOpen();
}

function armIdle() {
  clearTimeout(idleTimer);
  // The pairing or revoked screen is for staff: nothing to reset.
  if (!byId("idle").hidden || !dirty() || screen === "setup") return;
  idleTimer = setTimeout(showIdle, cfg.idle ? cfg.idle * 1000 : IDLE_MS[screen === "result" ? "result" : "step"]);
}

function showIdle() {
  // Taking a ticket: the answer comes first.
  if (busy) return armIdle();
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

// The privacy notice, in a dialog over the step shown: the rest of the
// screen inert meanwhile, so a tap or the keyboard stays in it.
function privacyOpen() {
  return !byId("privacy").hidden;
}

/** The notice's words in the language shown; why not, when the server has not answered yet. */
function renderPrivacy() {
  fill(byId("privacy-body"), notice ? noticeParts(notice, { office, phoneDays: KEEP_DAYS, level: 3 }) : h("p", { class: "k-privacy-error", role: "alert" }, kioskError(new ApiError(0, "network", ""))));
}

async function openPrivacy() {
  armIdle();
  stopSpeaking();
  setListening(false);
  privacyOpener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  // The figures as the server has them now; the last ones while it does not answer.
  notice = await privacyNotice().catch(() => notice);
  renderPrivacy();
  for (const el of [byId("top"), byId("main")]) el.inert = true;
  byId("privacy").hidden = false;
  byId("privacy-body").scrollTop = 0;
  moreBelow();
  byId("privacy-body").focus();
  armIdle();
}

/** Fades the notice's last lines while more of it is below. */
function moreBelow() {
  const body = byId("privacy-body");
  body.classList.toggle("is-more", body.scrollTop + body.clientHeight < body.scrollHeight - 8);
}

/** Closes the notice, back where the visitor was (`refocus`: the control that opened it). */
function closePrivacy(refocus = true) {
  if (!privacyOpen()) return;
  byId("privacy").hidden = true;
  for (const el of [byId("top"), byId("main")]) el.inert = false;
  if (refocus) (privacyOpener?.isConnected ? privacyOpener : byId("privacy-btn")).focus();
  privacyOpener = null;
  armIdle();
}

// "Dengarkan": speech output of what is on screen (EN 301 549 / ADA 707).
let listening = false;
/** @param {boolean} on */
function setListening(on) {
  listening = on;
  byId("listen").setAttribute("aria-pressed", String(on));
}

/** The strings of these keys read as sentences (a full stop where one has none). @param {...string} keys */
function said(...keys) {
  return keys.map((k) => (/[.?!]$/.test(t(k)) ? t(k) : `${t(k)}.`)).join(" ");
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
      byId("print-status").textContent ?? "",
      t("kiosk.say_result_help"),
      byId("print").hidden ? "" : t("kiosk.say_print"),
    ]
      .filter(Boolean)
      .join(" ");
  }
  if (screen === "ask") {
    const groups = /** @type {Offered[]} */ (["elderly", "disability", "pregnant", "child"]).map((p) => (p === "elderly" ? `${t("priority.elderly")}, ${t("kiosk.elderly_age")}` : t(`priority.${p}`)));
    return [said("kiosk.step_2"), `${byId("ask-service").textContent}.`, said("kiosk.ask_title", "kiosk.ask_hint"), `${groups.join(". ")}.`, t("kiosk.say_ask")].join(" ");
  }
  if (screen === "confirm") {
    const s = chosenService();
    const why = byId("confirm-why");
    const reqs = [...byId("confirm-reqs").children].map((li) => li.textContent).join("; ");
    return [
      said("kiosk.step_3", "kiosk.confirm_title"),
      `${byId("confirm-service").textContent}.`,
      `${byId("confirm-lane").textContent}.`,
      byId("confirm-privacy").textContent,
      s && `${t("svc.waiting")}: ${byId("confirm-waiting").textContent}. ${t("kiosk.estimate")}: ${byId("confirm-estimate").textContent}.`,
      s && `${t("svc.cost")}: ${byId("confirm-cost").textContent}. ${t("svc.completion")}: ${byId("confirm-time").textContent}.`,
      reqs && `${t("kiosk.requirements")}: ${reqs}.`,
      why.hidden ? "" : why.textContent,
      byId("confirm-error").textContent,
      why.hidden ? t("kiosk.say_confirm") : t("kiosk.say_unavailable"),
    ]
      .filter(Boolean)
      .join(" ");
  }
  if (office && officeClosed()) {
    const shut = closedLines(office, t("hours.tickets_closed"));
    return [`${office.name}.`, `${shut?.why}.`, `${shut?.when}.`, t("kiosk.closed_hint")].join(" ");
  }
  const parts = [said("kiosk.step_1", "kiosk.choose", "kiosk.choose_hint")];
  for (const s of office?.services ?? []) {
    const f = figures(s);
    const closed = closedLines(s);
    const stopped = suspendedNow(s, suspensions);
    const state = stopped != null ? `${t("svc.suspended")}, ${stopped}` : closed ? `${closed.why}, ${closed.when}` : f.remaining === 0 ? t("svc.exhausted") : t("kiosk.waiting_n", { n: f.waiting });
    parts.push(`${serviceName(s)}: ${state}.`);
  }
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

/** Draws the screen shown again (a language switched, the office fetched again). */
function redraw() {
  if (screen === "start") renderServices();
  else if (screen === "ask") renderAsk();
  else if (screen === "confirm") renderConfirm();
  else if (screen === "result") {
    showResult();
    const state = byId("print-status").dataset.state;
    printStatus(/** @type {any} */ (state || null));
  }
}

/** @param {string} l */
async function setLang(l) {
  await loadLang(l);
  labelLangButton(byId("lang-btn"));
  applyI18n();
  if (office) document.title = `${office.name} · ${t("kiosk.title")}`;
  renderServices();
  redraw();
  if (privacyOpen()) {
    renderPrivacy();
    moreBelow();
  }
  // The refusal next to "Ambil nomor" in the language now shown.
  if (lastError) byId("confirm-error").textContent = kioskError(lastError, chosenService() ?? chosen);
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
  redraw();
  reopening.watch(office.time_zone, [office, ...office.services]);
}

/**
 * The office at the start; while the server cannot give it, says so (in
 * the citizen's words) and asks again every few seconds.
 * @returns {Promise<Office>}
 */
async function firstOffice() {
  for (;;) {
    try {
      const o = await api(`/offices/${officeId}`);
      byId("load-error").hidden = true;
      return o;
    } catch (e) {
      if (!hasString("kiosk.title")) await loadLang("id").catch(() => {});
      byId("load-error-text").textContent = hasString("kiosk.title") ? kioskError(e) : "";
      byId("load-error").hidden = !byId("load-error-text").textContent;
      await new Promise((r) => setTimeout(r, RETRY_MS));
    }
  }
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
  office = await firstOffice();
  reopening.watch(office.time_zone, [office, ...office.services]);
  await setLang(homeLang());
  byId("office-name").textContent = office.name;
  byId("lang-btn").addEventListener("click", () => setLang(lang() === "id" ? "en" : "id").then(armIdle));
  byId("listen").addEventListener("click", () => void listen());
  byId("privacy-btn").addEventListener("click", () => void openPrivacy());
  byId("privacy-close").addEventListener("click", () => closePrivacy());
  byId("privacy-body").addEventListener("scroll", moreBelow, { passive: true });
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && privacyOpen() && byId("idle").hidden) {
      e.preventDefault();
      closePrivacy();
    }
  });
  // For the confirmation's line on a priority reason; fetched again whenever the notice is opened.
  notice = await privacyNotice().catch(() => null);
  // Shown once they work.
  byId("tools").hidden = false;
  for (const b of byId("ask").querySelectorAll("button[data-priority]")) {
    b.addEventListener("click", () => pick(/** @type {Offered} */ (b.getAttribute("data-priority"))));
  }
  byId("prio-none").addEventListener("click", () => pick(null));
  byId("ask-back").addEventListener("click", () => {
    chosen = null;
    renderServices();
    showScreen("start");
  });
  byId("confirm-back").addEventListener("click", () => {
    if (unavailable(chosenService())) {
      chosen = null;
      renderServices();
      showScreen("start");
    } else {
      renderAsk();
      showScreen("ask");
    }
  });
  byId("confirm-take").addEventListener("click", () => void take());
  byId("print").addEventListener("click", () => {
    armIdle();
    printPdf();
  });
  byId("done").addEventListener("click", reset);
  byId("idle-stay").addEventListener("click", () => {
    hideIdle();
    armIdle();
    // Back in what was being read.
    if (privacyOpen()) byId("privacy-body").focus();
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
  // Out of the pairing screen, so the reset draws step 1.
  screen = "start";
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
  closePrivacy(false);
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
  else if (screen === "confirm") renderConfirm();
}

void init();
