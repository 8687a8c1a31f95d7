// @ts-check
/**
 * @file The help desk (petugas informasi): a staff member signs in and
 * takes a number for a citizen without a phone, or when the kiosk fails.
 * They choose the service (large choices with the live waiting count, the
 * estimate and the quota left; a service that would be refused — closed,
 * stopped, used up — says so on its card and cannot be chosen), the lane
 * (regular, or priority with its reason, confirmed in a dialog: "Saya
 * telah memeriksa: Lansia"), and issue it as a `counter` ticket, so the
 * audit log names who issued it. Optionally an office printer prints it
 * while it is issued (the choice kept on this computer). Then the number
 * very large, the QR code of the ticket's page for a relative's phone, the
 * ticket's PDF printed through the browser, and "next citizen".
 *
 * Every staff role of the office may use it (the server decides who may
 * issue); when the session ends (signed out elsewhere, disabled: the
 * stream closes with 4001 or a request answers 401) the sign-in card
 * comes back at once.
 */
import { api, ApiError, errorText, officeFromPath } from "../shared-ui/api.js";
import { byId, fill, h, keepFocus } from "../shared-ui/dom.js";
import { closedText, closesText, Reopening } from "../shared-ui/hours.js";
import { applyI18n, langSwitch, loadLang, preferredLang, serviceName, t, waitText } from "../shared-ui/i18n.js";
import { PriorityClaims } from "../shared-ui/claims.js";
import { holdAccess } from "../shared-ui/live.js";
import { followOffice, OfficeState, Reconfiguring, suspendedNow } from "../shared-ui/office.js";
import { mountStaffTools, resetSignIn, sessionEnded, signedIn, signInForm, signOut, staffHere, whoami } from "../shared-ui/session.js";

/** @typedef {import("../shared-ui/api.js").Office} Office */
/** @typedef {import("../shared-ui/api.js").Service} Service */
/** @typedef {import("../shared-ui/contract").components["schemas"]} Schemas */
/** @typedef {Schemas["Priority"]} Priority */
/** @typedef {Schemas["Issued"]} Issued */
/** @typedef {Schemas["PrinterChoice"]} PrinterChoice */

const officeId = officeFromPath();
/** The office printer chosen on this computer, kept across reloads. */
const PRINTER_KEY = `antrean.desk.${officeId}.printer`;
/** The paper of a ticket printed through the browser (a desk's ordinary or receipt printer). */
const BROWSER_PAPER = "80mm";
/** The priority lane's reasons, in the order the desk offers them. */
const PRIORITIES = /** @type {Priority[]} */ (["elderly", "disability", "pregnant", "child", "other"]);
/** Refusals that mean the office as fetched is out of date. */
const STALE = ["service_closed", "service_suspended", "quota_exhausted", "service_not_served", "unknown_service"];

/** @type {Office | null} */
let office = null;
/** @type {import("../shared-ui/session.js").Me | null} */
let me = null;
/** Waiting figures and stopped services, from the office's live stream. */
const state = new OfficeState();
/** @type {import("../shared-ui/live.js").Live | null} */
let live = null;
/** Fetches the office again when staff change its services, hours or printers. */
const reconfiguring = new Reconfiguring(() => refreshOffice());
/** Fetches the office again when a closed service (or the office) opens. */
const reopening = new Reopening(() => refreshOffice(), () => state.now());
/** @type {PrinterChoice[]} */
let printers = [];
/** The citizen's choices: the service's id, and the lane (null: regular). */
let serviceId = /** @type {string | null} */ (null);
let lane = /** @type {Priority | null} */ (null);
/** The service the priority dialog asks about. @type {Service | null} */
let confirming = null;
/** The ticket just issued, shown on the result. @type {Issued | null} */
let ticket = null;
let busy = false;
/** Priority reasons claimed online, to confirm when the citizen is here. */
const claims = new PriorityClaims(officeId, () => office?.services ?? []);

function show(/** @type {"signin" | "issue" | "result"} */ which) {
  for (const id of ["signin", "issue", "result"]) byId(id).hidden = id !== which;
  byId("sign-out").hidden = which === "signin";
}

// --- Services ----------------------------------------------------------------

/** A service's waiting figures: the stream's latest, else the office as fetched. @param {Service} s */
function figures(s) {
  const w = state.waiting.get(s.id);
  return { waiting: w?.waiting ?? s.waiting, remaining: w ? w.remaining : s.remaining, estimate: w ? w.estimated_wait_s : s.estimated_wait_s };
}

/**
 * Why the server would refuse a ticket for `s` now (stopped by staff,
 * closed, quota used up), in words for its card; null while it issues.
 * @param {Service} s
 * @returns {{why: string, more?: string | null, lang?: string} | null}
 */
function refusal(s) {
  if (!office) return null;
  const stopped = suspendedNow(s, state.suspended);
  // Staff's message as written, in the office's language.
  if (stopped != null) return { why: t("svc.suspended"), more: stopped, lang: office.languages[0] ?? "id" };
  const closed = closedText(s, { timeZone: office.time_zone, languages: office.languages, now: state.now() });
  if (closed) return { why: closed.why, more: closed.when };
  if (figures(s).remaining === 0) return { why: t("svc.exhausted") };
  return null;
}

/**
 * The service choices, drawn again with the focus kept (a new office, a
 * language); their figures and refusals then follow the stream in place
 * ({@link updateServices}), so a click is never lost to a redraw.
 */
function renderServices() {
  if (!office) return;
  keepFocus(byId("services"), () =>
    fill(
      byId("services"),
      office?.services.map((s) =>
        h(
          "label",
          { class: "d-svc", "data-service": s.id },
          h("input", { type: "radio", name: "service", value: s.id, id: `svc-${s.id}`, checked: s.id === serviceId, onchange: () => chooseService(s.id) }),
          h("span", { class: "d-svc-head" }, h("span", { class: "c-prefix" }, s.prefix), " ", h("span", { class: "d-svc-name" }, serviceName(s))),
          h("span", { class: "d-svc-facts" }),
        ),
      ),
    ),
  );
  updateServices();
}

/** Each service's figures, or why it would be refused (then it cannot be chosen). */
function updateServices() {
  if (!office) return;
  for (const s of office.services) {
    const card = byId("services").querySelector(`[data-service="${CSS.escape(s.id)}"]`);
    const input = card?.querySelector("input");
    const facts = card?.querySelector(".d-svc-facts");
    if (!card || !input || !facts) continue;
    const off = refusal(s);
    const f = figures(s);
    card.classList.toggle("is-off", !!off);
    input.disabled = !!off;
    if (off && input.checked) {
      input.checked = false;
      serviceId = null;
    }
    const closes = off ? null : closesText(s, office.time_zone, state.now());
    fill(
      facts,
      off
        ? [h("span", { class: "d-svc-off" }, off.why), off.more && h("span", { class: "d-svc-more", lang: off.lang ?? null }, off.more)]
        : [
            h("span", { class: "d-svc-waiting" }, t("kiosk.waiting_n", { n: f.waiting })),
            h("span", null, `${t("svc.estimate")}: ${waitText(f.estimate)}`),
            h("span", null, f.remaining == null ? t("svc.unlimited") : t("kiosk.remaining_n", { n: f.remaining })),
            closes && h("span", { class: "d-svc-closes" }, closes),
          ],
    );
  }
  renderSummary();
}

/** @param {string} id */
function chooseService(id) {
  serviceId = id;
  byId("issue-error").hidden = true;
  renderSummary();
}

// --- Lane --------------------------------------------------------------------

/** The lane choices: regular, then each reason of the priority lane. */
function renderLanes() {
  const choice = (/** @type {Priority | null} */ p) =>
    h(
      "label",
      { class: `d-choice${p ? "" : " d-regular"}` },
      h("input", {
        type: "radio",
        name: "lane",
        value: p ?? "",
        id: `lane-${p ?? "regular"}`,
        checked: lane === p,
        "aria-describedby": p ? "lane-priority" : null,
        onchange: () => {
          lane = p;
          renderSummary();
        },
      }),
      h("span", null, p ? t(`priority.${p}`) : t("desk.lane.regular")),
    );
  keepFocus(byId("lanes"), () =>
    fill(
      byId("lanes"),
      choice(null),
      h("p", { id: "lane-priority", class: "d-prio-head" }, t("desk.lane.priority_head")),
      h("div", { class: "d-prio" }, PRIORITIES.map(choice)),
    ),
  );
}

/** "Lansia" → "Prioritas: Lansia"; "Reguler". @param {Priority | null} p */
function laneText(p) {
  return p ? t("desk.lane.priority", { reason: t(`priority.${p}`) }) : t("desk.lane.regular");
}

/** What the issue button will issue, said next to it. */
function renderSummary() {
  const s = office?.services.find((x) => x.id === serviceId);
  byId("summary").textContent = s ? t("desk.summary", { service: serviceName(s), lane: laneText(lane) }) : t("desk.summary_none");
}

// --- Printers ----------------------------------------------------------------

function storedPrinter() {
  try {
    return localStorage.getItem(PRINTER_KEY) ?? "";
  } catch {
    return "";
  }
}

/** The office's printers, for the choice "print while issuing"; a failure said next to the choice. */
async function loadPrinters() {
  const err = byId("printer-error");
  try {
    printers = await api(`/offices/${encodeURIComponent(officeId)}/printers`);
    err.hidden = true;
  } catch (e) {
    if (sessionEnded(e)) return endSession(t("session.ended"));
    printers = [];
    err.textContent = errorText(e);
    err.hidden = false;
  }
  renderPrinters();
}

function renderPrinters() {
  const select = /** @type {HTMLSelectElement} */ (byId("printer"));
  const chosen = printers.some((p) => p.id === storedPrinter()) ? storedPrinter() : "";
  fill(
    select,
    h("option", { value: "" }, t("desk.printer_none")),
    printers.map((p) => h("option", { value: p.id }, t("desk.printer_option", { printer: p.id, paper: p.paper }))),
  );
  select.value = chosen;
}

// --- Issuing -----------------------------------------------------------------

/** Says why issuing did not work, next to the issue button. @param {string} text */
function issueError(text) {
  const err = byId("issue-error");
  err.textContent = text;
  err.hidden = false;
}

/** The issue button: a priority lane is confirmed first. @param {SubmitEvent} e */
function onSubmit(e) {
  e.preventDefault();
  byId("issue-error").hidden = true;
  const s = office?.services.find((x) => x.id === serviceId);
  if (!s) {
    issueError(t("desk.choose_service"));
    return;
  }
  if (!lane) {
    void issue(s);
    return;
  }
  confirming = s;
  byId("confirm-text").textContent = t("desk.confirm_text", { reason: t(`priority.${lane}`) });
  byId("confirm-note").textContent = t("desk.confirm_note", { user: me?.username ?? "", service: serviceName(s) });
  /** @type {HTMLDialogElement} */ (byId("confirm")).showModal();
  byId("confirm-ok").focus();
}

/** Issues the ticket chosen (the confirmed lane, the chosen printer). @param {Service} s */
async function issue(s) {
  if (busy) return;
  busy = true;
  const printer = /** @type {HTMLSelectElement} */ (byId("printer")).value;
  try {
    /** @type {Issued} */
    const res = await api(`/offices/${encodeURIComponent(officeId)}/tickets`, {
      body: { service: s.id, priority: lane, channel: "counter", ...(printer ? { print: printer } : {}) },
    });
    ticket = res;
    showResult();
  } catch (e) {
    if (sessionEnded(e)) {
      endSession(t("session.ended"));
      return;
    }
    const code = e instanceof ApiError ? e.code : null;
    // Refused for a reason the page did not know yet: fetch the office again (its card then says so).
    if (code && STALE.includes(code)) void refreshOffice().catch(() => {});
    issueError(refusalText(e, s));
  } finally {
    busy = false;
  }
}

/** A refusal of issuing, in the page's words. @param {unknown} e @param {Service} s */
function refusalText(e, s) {
  const service = serviceName(s);
  switch (e instanceof ApiError ? e.code : null) {
    case "service_closed":
      return t("svc.closed_now", { service });
    case "service_suspended":
      return t("svc.suspended_now", { service });
    case "quota_exhausted":
      return t("desk.quota_exhausted", { service });
    case "service_not_served":
    case "unknown_service":
      return t("svc.gone_now", { service });
    case "forbidden":
      return t("counter.wrong_office");
    default:
      return errorText(e);
  }
}

// --- The ticket issued -------------------------------------------------------

function showResult() {
  const tk = ticket;
  if (!tk || !office) return;
  const s = office.services.find((x) => x.id === tk.service);
  byId("result-number").textContent = tk.number;
  byId("result-service").textContent = s ? serviceName(s) : tk.service;
  const prio = byId("result-prio");
  prio.hidden = !tk.priority;
  prio.textContent = tk.priority ? laneText(tk.priority) : "";
  byId("result-ahead").textContent = t("svc.people", { n: tk.ahead ?? 0 });
  byId("result-estimate").textContent = waitText(tk.estimated_wait_s);
  // The server draws the QR code of the ticket's page (its public address, as on paper).
  const qr = byId("result-qr");
  if (qr.getAttribute("data-code") !== tk.code) {
    qr.setAttribute("data-code", tk.code);
    fill(qr, h("img", { class: "qr", src: `/api/v1/tickets/${encodeURIComponent(tk.code)}/qr.svg`, alt: "", width: 300, height: 300 }));
  }
  /** @type {HTMLImageElement} */ (qr.querySelector("img")).alt = t("desk.qr_label", { number: tk.number });
  showPrinted(tk.print);
  const again = byId("print-again");
  const printer = /** @type {HTMLSelectElement} */ (byId("printer")).value;
  again.hidden = !printer;
  again.textContent = t("desk.print_again", { printer });
  if (byId("result").hidden) {
    show("result");
    byId("result-title").focus();
  }
}

/**
 * What became of printing on an office printer, in the page's language,
 * with why it failed (paper out, switched off...) when it did.
 * @param {Schemas["PrintResult"] | undefined | null} print
 */
function showPrinted(print) {
  if (!print) return printStatus("");
  if (print.ok) return printStatus(t("desk.printed", { printer: print.printer }));
  const why = print.failure ? t(`print.failure.${print.failure}`) : "";
  printStatus(`${t("desk.print_failed", { printer: print.printer })} ${why}`.trim(), true);
}

/** Prints the ticket again on the chosen office printer. */
async function printAgain() {
  const tk = ticket;
  const printer = /** @type {HTMLSelectElement} */ (byId("printer")).value;
  if (!tk || !printer) return;
  printStatus(t("desk.printing"));
  try {
    /** @type {Schemas["PrintResult"]} */
    const result = await api(`/tickets/${encodeURIComponent(tk.code)}/print`, { body: { printer } });
    showPrinted(result);
  } catch (e) {
    if (sessionEnded(e)) return endSession(t("session.ended"));
    printStatus(errorText(e), true);
  }
}

/** @param {string} text @param {boolean} [error] */
function printStatus(text, error = false) {
  const el = byId("print-status");
  el.textContent = text;
  el.classList.toggle("is-error", error);
}

/** Prints the ticket's PDF with the browser, through a hidden frame. */
function printWithBrowser() {
  const tk = ticket;
  if (!tk) return;
  const frame = /** @type {HTMLIFrameElement} */ (byId("print-frame"));
  printStatus(t("desk.printing"));
  frame.onload = () => {
    try {
      frame.contentWindow?.focus();
      frame.contentWindow?.print();
      printStatus(t("desk.print_opened"));
    } catch {
      printStatus(t("desk.print_browser_failed"), true);
    }
  };
  frame.src = `/api/v1/tickets/${encodeURIComponent(tk.code)}/ticket.pdf?paper=${BROWSER_PAPER}`;
}

/** Back to the choices for the next citizen: no service, the regular lane, the same printer. */
function nextCitizen() {
  ticket = null;
  serviceId = null;
  lane = null;
  byId("issue-error").hidden = true;
  fill(byId("result-qr"));
  byId("result-qr").removeAttribute("data-code");
  printStatus("");
  renderServices();
  renderLanes();
  show("issue");
  focusFirstService();
}

function focusFirstService() {
  /** @type {HTMLInputElement | null} */ (byId("services").querySelector("input:checked, input:not([disabled])"))?.focus();
}

// --- Office, sign-in, live ---------------------------------------------------

/** The office as fetched now; what the stream said before it is older. */
async function loadOffice() {
  office = await api(`/offices/${encodeURIComponent(officeId)}`);
  if (!office) return;
  for (const s of office.services) {
    state.waiting.delete(s.id);
    state.suspended.delete(s.id);
  }
  byId("office-name").textContent = office.name;
  document.title = `${t("desk.title")} · ${office.name}`;
  reopening.watch(office.time_zone, [office, ...office.services]);
}

/** The office again (staff changed it, something opened or closed), drawn, with its printers. */
async function refreshOffice() {
  await loadOffice();
  renderServices();
  if (me) await loadPrinters();
  if (ticket) showResult();
}

function redraw() {
  renderServices();
  renderLanes();
  renderPrinters();
  if (ticket) showResult();
  claims.render();
  if (office) document.title = `${t("desk.title")} · ${office.name}`;
  byId("whoami").textContent = whoami(me);
}

function startLive() {
  if (live) return;
  live = followOffice(officeId, (msg) => {
    state.apply(msg);
    reconfiguring.see(msg, office);
    if (msg.type === "event" && msg.event.kind === "day_ended") void refreshOffice().catch(() => {});
    updateServices();
    claims.see(msg);
  });
  live.addEventListener("accessended", () => endSession(t("session.ended")));
}

/**
 * The session has ended (signed out here or everywhere, disabled, reset):
 * the sign-in card at once with `notice`, nothing of the last citizen left.
 * @param {string | null} notice
 */
function endSession(notice) {
  live?.stop();
  live = null;
  me = null;
  ticket = null;
  serviceId = null;
  lane = null;
  for (const dlg of document.querySelectorAll("dialog[open]")) /** @type {HTMLDialogElement} */ (dlg).close();
  claims.el.hidden = true;
  fill(byId("result-qr"));
  byId("result-qr").removeAttribute("data-code");
  byId("issue-error").hidden = true;
  byId("whoami").textContent = "";
  resetSignIn(notice);
  show("signin");
  byId("username").focus();
}

/** After signing in (or on load): who it is, then the choices. */
async function start() {
  me = await signedIn();
  if (!staffHere(me, officeId, () => show("signin"))) return;
  startLive();
  await loadPrinters();
  if (!me) return;
  renderServices();
  renderLanes();
  show("issue");
  claims.el.hidden = false;
  void claims.refresh();
  focusFirstService();
}

async function init() {
  await loadLang(preferredLang("id"));
  applyI18n();
  langSwitch(byId("lang-btn"), redraw);
  try {
    await loadOffice();
  } catch (e) {
    fill(byId("main"), h("p", { class: "error-msg", role: "alert" }, errorText(e)));
    return;
  }
  // The stream holds the staff session: it ends when the session does.
  holdAccess({ staff: true });
  signInForm("desk.signin_title", start);
  byId("sign-out").addEventListener("click", async () => {
    // Stopped first: the server's 4001 for this very sign-out is no news.
    live?.stop();
    await signOut();
    endSession(null);
  });
  mountStaffTools(byId("sign-out"), endSession);
  claims.el.hidden = true;
  byId("main").append(claims.el);
  byId("issue").addEventListener("submit", (e) => onSubmit(/** @type {SubmitEvent} */ (e)));
  byId("printer").addEventListener("change", (e) => {
    try {
      localStorage.setItem(PRINTER_KEY, /** @type {HTMLSelectElement} */ (e.target).value);
    } catch {
      /* chosen for this page only */
    }
  });
  byId("confirm-form").addEventListener("submit", () => {
    if (confirming) void issue(confirming);
    confirming = null;
  });
  byId("confirm-cancel").addEventListener("click", () => /** @type {HTMLDialogElement} */ (byId("confirm")).close());
  byId("print-browser").addEventListener("click", printWithBrowser);
  byId("print-again").addEventListener("click", printAgain);
  byId("next").addEventListener("click", nextCitizen);
  await start();
}

void init();
