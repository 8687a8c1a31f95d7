// @ts-check
/**
 * @file The counter terminal: the clerk signs in, picks a counter, opens
 * it, and works the queue: call next, recall, start, finish, no-show,
 * transfer (to a service or a counter), call a given number, requeue a
 * late arrival, pause with a reason. Buttons have keyboard shortcuts.
 * The "document status" panel moves a done ticket's document through its
 * service's workflow: the ticket just finished here, or any by its code
 * (typed, or read by a barcode scanner that types it). The current ticket, the waiting counts and the next numbers come from
 * the office's public live stream, so what the display shows, this shows.
 * When the clerk's session ends (signed out everywhere, disabled or reset by
 * a supervisor: the stream closes with 4001, or a request answers 401), the
 * page shows the sign-in card at once and keeps nothing of their work.
 *
 * One clerk per counter: the counter a clerk opens (or first acts on) is
 * theirs until they close it or a supervisor releases it. The chooser says
 * who holds each counter, live from the stream's `counter_taken` events;
 * one held by another clerk cannot be chosen (a supervisor may work any),
 * and a counter taken while shown here disables its buttons and says by
 * whom. A refusal as `counter_held` the page could not yet know of (a race)
 * is said next to the button used.
 */
import { api, ApiError, errorText, officeFromPath } from "../shared-ui/api.js";
import { byId, fill, h, keepFocus } from "../shared-ui/dom.js";
import { applyI18n, langSwitch, loadLang, preferredLang, serviceName, t } from "../shared-ui/i18n.js";
import { PriorityClaims } from "../shared-ui/claims.js";
import { clearTicket, followOffice, OfficeState, Reconfiguring } from "../shared-ui/office.js";
import { mountStaffTools, resetSignIn, sessionEnded, signedIn, signInForm, signOut, staffHere } from "../shared-ui/session.js";

/** @typedef {import("../shared-ui/live.js").Ticket} Ticket */
/** @typedef {import("../shared-ui/live.js").Counter} Counter */

const officeId = officeFromPath();
const COUNTER_KEY = `antrean.counter.${officeId}`;
/** How many of a service's next numbers are listed. */
const NEXT_SHOWN = 5;
/** The events that change what the counter choice shows: who holds a counter, its state. */
const PICK_EVENTS = new Set(["counter_taken", "counter_state"]);

/** @type {import("../shared-ui/api.js").Office | null} */
let office = null;
/** Priority reasons claimed online, to confirm when the citizen is at the counter. */
const claims = new PriorityClaims(officeId, () => office?.services ?? []);
/** @type {import("../shared-ui/session.js").Me | null} */
let me = null;
/** @type {string | null} */
let counterId = null;
/** Counters and waiting numbers, from the office's live stream. */
const state = new OfficeState();
/**
 * The kind of priority of the current ticket, when this terminal called it
 * (the stream says only whether it has one).
 * @type {{number: string, kind: import("../shared-ui/contract").components["schemas"]["Priority"]} | null}
 */
let priorityKind = null;
/** @type {import("../shared-ui/live.js").Live | null} */
let live = null;
/** Fetches the office again when staff change its services or counters. */
const reconfiguring = new Reconfiguring(() => refreshOffice());
let busy = false;
/**
 * The ticket of the "document status" panel: the last finished here, or
 * the one looked up by its code.
 * @type {Ticket | null}
 */
let docTicket = null;

function counter() {
  return state.counter(counterId);
}

/** Whether the signed-in staff may work counters others hold (the server's `supervises`). */
function supervises() {
  return me?.role === "supervisor" || me?.role === "admin";
}

/** Whether the signed-in clerk holds `c`. @param {Counter} c */
function heldByMe(c) {
  return !!c.clerk && c.clerk === me?.username;
}

/** The clerk holding `c` when it is another one, so this one cannot work it; else null. @param {Counter} c */
function heldByOther(c) {
  return c.clerk && !heldByMe(c) && !supervises() ? c.clerk : null;
}

function show(/** @type {"signin" | "pick" | "work"} */ which) {
  for (const id of ["signin", "pick", "work"]) byId(id).hidden = id !== which;
  byId("sign-out").hidden = which === "signin";
  byId("change-counter").hidden = which !== "work";
}

/** @param {string} text @param {boolean} [error] @param {string} [id] where: the counter's line or the document panel's */
function message(text, error = false, id = "message") {
  const m = byId(id);
  m.textContent = text;
  m.classList.toggle("is-error", error);
  m.setAttribute("role", error ? "alert" : "status");
}

// --- Rendering ---------------------------------------------------------------

function renderWork() {
  const c = counter();
  if (!c || !office) return;
  byId("counter-name").textContent = c.name;
  const st = byId("counter-state");
  st.textContent = c.state === "paused" && c.reason ? `${t("counter.state.paused")}: ${c.reason}` : t(`counter.state.${c.state}`);
  st.className = `c-state is-${c.state}`;
  // Who holds it: "Loket Anda"; another clerk, said in full (the buttons are off); or, to a supervisor, who.
  const held = heldByOther(c);
  const who = byId("counter-clerk");
  if (heldByMe(c)) who.textContent = t("counter.held_mine");
  else if (held) who.textContent = t("counter.held_other", { clerk: held });
  else who.textContent = c.clerk ? t("counter.held_by", { clerk: c.clerk }) : "";
  who.className = `c-clerk${heldByMe(c) ? " is-mine" : held ? " is-other" : ""}`;
  who.hidden = !c.clerk;
  // What this page last did here is no news once another clerk holds it.
  if (held) message("");
  const open = c.state === "open";
  const has = !!c.number;
  /** @type {Record<string, boolean>} */
  const enabled = {
    "act-open": c.state !== "open",
    "act-pause": c.state === "open",
    "act-close": c.state !== "closed" && !has,
    "act-call-next": open && !has,
    "act-call": open && !has,
    "act-recall": has && c.ticket_status === "called",
    "act-start": has && c.ticket_status === "called",
    "act-finish": has && c.ticket_status === "serving",
    "act-no-show": has && c.ticket_status === "called",
    "act-transfer": has,
    "act-requeue": true,
  };
  // Held by another clerk: nothing here but what is not the counter's (requeue).
  for (const [id, on] of Object.entries(enabled)) /** @type {HTMLButtonElement} */ (byId(id)).disabled = !on || (!!held && id !== "act-requeue");
  byId("current-number").textContent = c.number ?? "—";
  byId("current-status").textContent = has ? t(`status.${c.ticket_status}`) : open ? t("counter.idle") : "";
  const svc = office.services.find((s) => s.id === c.ticket_service);
  byId("current-service").textContent = has && svc ? `· ${serviceName(svc)}` : "";
  const prio = byId("current-prio");
  prio.hidden = !has || !c.ticket_priority;
  prio.textContent = priorityKind && priorityKind.number === c.number ? t(`priority.${priorityKind.kind}`) : t("counter.priority");
  tickTimer();
  renderQueue();
}

/** Time since the current ticket was called, or since its service started. */
function tickTimer() {
  const el = byId("current-timer");
  const c = counter();
  const since = Date.parse((c?.ticket_status === "serving" ? c.started_at : c?.called_at) ?? "");
  if (!c?.number || !since) {
    el.textContent = "";
    return;
  }
  const s = Math.max(0, Math.floor((state.now() - since) / 1000));
  el.textContent = `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function renderQueue() {
  const c = counter();
  if (!office || !c) return;
  const mine = new Set(c.services);
  const services = [...c.services.map((id) => office?.services.find((s) => s.id === id)), ...office.services.filter((s) => !mine.has(s.id))].filter(
    (s) => s != null,
  );
  fill(
    byId("queue"),
    services
      .filter((s) => mine.has(s.id))
      .map((s) => {
        const next = state.waiting.get(s.id)?.next.slice(0, NEXT_SHOWN) ?? null;
        return h(
          "tr",
          null,
          h("th", { scope: "row" }, h("span", { class: "c-prefix" }, s.prefix), " ", serviceName(s)),
          h("td", { class: "num c-count" }, String(state.waiting.get(s.id)?.waiting ?? s.waiting)),
          h(
            "td",
            { class: "c-next" },
            next == null
              ? "…"
              : next.length === 0
                ? "—"
                : next.map((w) => h("span", { class: `c-chip${w.priority ? " is-prio" : ""}`, title: w.priority ? t("counter.priority") : null }, w.number)),
          ),
        );
      }),
  );
  fill(
    byId("others"),
    services
      .filter((s) => !mine.has(s.id))
      .map((s) => h("li", null, h("span", { class: "c-prefix" }, s.prefix), " ", serviceName(s), ": ", h("strong", { class: "num" }, String(state.waiting.get(s.id)?.waiting ?? s.waiting)))),
  );
}

/** The "document status" panel: the ticket and its service's workflow steps as buttons. */
function renderDoc() {
  const tk = docTicket;
  const svc = office?.services.find((s) => s.id === tk?.service);
  const workflow = svc?.workflow ?? [];
  fill(
    byId("doc-ticket"),
    !tk
      ? h("p", { class: "c-hint" }, t("counter.doc.hint"))
      : [
          h("p", { class: "c-doc-ticket", id: "doc-number" }, t("counter.doc.ticket", { number: tk.number, service: svc ? serviceName(svc) : tk.service })),
          h("p", { id: "doc-current" }, tk.document ? t("counter.doc.current", { step: tk.document }) : t("counter.doc.no_status")),
          workflow.length === 0
            ? h("p", null, t("counter.doc.no_workflow"))
            : h(
                "div",
                { class: "c-doc-steps", role: "group", "aria-labelledby": "doc-steps-label" },
                h("span", { id: "doc-steps-label", class: "visually-hidden" }, `${t("counter.doc.steps")} (${tk.number})`),
                workflow.map((step) =>
                  h("button", { type: "button", class: "btn", "data-step": step, "aria-pressed": String(tk.document === step), onclick: () => void setDocument(step) }, step),
                ),
              ),
        ],
  );
}

/** Looks a ticket up by its code for the document panel. @param {SubmitEvent} e */
async function findDocTicket(e) {
  e.preventDefault();
  const input = /** @type {HTMLInputElement} */ (byId("doc-code"));
  // A scanner reading the ticket's QR types its whole address: keep the code.
  const code = input.value.trim().split("/").pop()?.toLowerCase() ?? "";
  if (!code) return;
  try {
    docTicket = await api(`/tickets/${encodeURIComponent(code)}`);
    message("", false, "doc-message");
    input.value = "";
  } catch (err) {
    docTicket = null;
    message(errorText(err), true, "doc-message");
  }
  renderDoc();
}

/** Moves the panel's ticket's document to `step`; shows the server's refusal. @param {string} step */
async function setDocument(step) {
  const tk = docTicket;
  if (!tk) return;
  try {
    docTicket = await api(`/tickets/${encodeURIComponent(tk.code)}/document`, { body: { step } });
    message(t("counter.doc.set", { number: tk.number, step }), false, "doc-message");
  } catch (e) {
    message(errorText(e), true, "doc-message");
    endIfSignedOut(e);
  }
  renderDoc();
  /** @type {HTMLElement | null} */ (byId("doc-ticket").querySelector(`[data-step="${CSS.escape(step)}"]`))?.focus();
}

// --- Actions -----------------------------------------------------------------

/**
 * Posts a counter action; shows the server's message when refused.
 * @param {string} action
 * @param {Record<string, string>} [body]
 */
async function act(action, body) {
  if (busy || !counterId) return;
  busy = true;
  refuseAt(null);
  try {
    const res = await api(`/offices/${officeId}/counters/${encodeURIComponent(counterId)}/${action}`, { method: "POST", body });
    if (action === "call-next" && res == null) {
      message(t("counter.nobody"));
    } else if (res && "number" in res && "code" in res) {
      message(t(`counter.done.${action}`, { number: res.number }));
    } else {
      message(t(`counter.done.${action}`, { number: "" }));
    }
    if (action === "finish" && res?.code) {
      docTicket = res;
      message("", false, "doc-message");
      renderDoc();
    }
    // Show at once; the stream confirms a moment later.
    applyLocal(action, res);
    renderWork();
  } catch (e) {
    if (e instanceof ApiError && e.code === "counter_held") refuseAt(byId(`act-${action}`), errorText(e));
    else message(errorText(e), true);
    endIfSignedOut(e);
  } finally {
    busy = false;
  }
}

/**
 * Says a refusal next to the button that was used (right after it in the
 * page, and as its description); null takes it away.
 * @param {HTMLElement | null} button
 * @param {string} [text]
 */
function refuseAt(button, text = "") {
  const old = document.getElementById("act-refusal");
  if (old) {
    document.querySelector('[aria-describedby="act-refusal"]')?.removeAttribute("aria-describedby");
    old.remove();
  }
  if (!button) return;
  const refusal = h("p", { id: "act-refusal", class: "c-refusal", role: "alert" }, text);
  // Under the counter's state buttons, or in the grid right after the button (on a row of its own).
  (button.closest(".c-state-actions") ?? button).after(refusal);
  button.setAttribute("aria-describedby", "act-refusal");
}

/** Applies an action's answer to the counter shown. @param {string} action @param {any} res */
function applyLocal(action, res) {
  const c = counter();
  if (!c || !res) return;
  if ("state" in res && "services" in res) {
    Object.assign(c, res);
    return;
  }
  /** @type {Ticket} */
  const tk = res;
  if (tk.counter === counterId && (tk.status === "called" || tk.status === "serving")) {
    const same = c.number === tk.number;
    if (tk.priority) priorityKind = { number: tk.number, kind: tk.priority };
    Object.assign(c, {
      number: tk.number,
      ticket_status: tk.status,
      ticket_service: tk.service,
      ticket_priority: !!tk.priority,
      called_at: tk.called_at ?? (same ? c.called_at : null),
      // The ticket does not say when its service started; the stream will.
      started_at: tk.status === "serving" ? (same && c.started_at) || new Date(state.now()).toISOString() : null,
    });
  } else if (c.number === tk.number) {
    clearTicket(c);
  }
}

/**
 * A small modal form. Resolves with the form's data, or null when cancelled.
 * @param {string} title
 * @param {string} ok
 * @param {HTMLElement[]} fields
 * @returns {Promise<FormData | null>}
 */
function ask(title, ok, fields) {
  const dlg = /** @type {HTMLDialogElement} */ (byId("dlg"));
  byId("dlg-title").textContent = title;
  byId("dlg-ok").textContent = ok;
  fill(byId("dlg-body"), fields);
  return new Promise((resolve) => {
    const form = /** @type {HTMLFormElement} */ (byId("dlg-form"));
    form.onsubmit = (e) => {
      e.preventDefault();
      const data = new FormData(form);
      dlg.close();
      resolve(data);
    };
    byId("dlg-cancel").onclick = () => {
      dlg.close();
      resolve(null);
    };
    dlg.onclose = () => resolve(null);
    dlg.showModal();
    /** @type {HTMLElement | null} */ (byId("dlg-body").querySelector("input, select"))?.focus();
  });
}

async function pause() {
  const reasons = ["break", "prayer", "meeting", "other"];
  const data = await ask(t("counter.pause_title"), t("counter.pause"), [
    h(
      "fieldset",
      { class: "c-reasons" },
      h("legend", null, t("counter.reason")),
      reasons.map((r, i) => h("label", null, h("input", { type: "radio", name: "reason", value: t(`reason.${r}`), checked: i === 0 }), " ", t(`reason.${r}`))),
    ),
  ]);
  const reason = data?.get("reason");
  if (reason) await act("pause", { reason: String(reason) });
}

async function transfer() {
  if (!office) return;
  const data = await ask(t("counter.transfer_title"), t("counter.transfer"), [
    h("label", { for: "transfer-to" }, t("counter.transfer_to")),
    h(
      "select",
      { id: "transfer-to", name: "to", required: true },
      h("optgroup", { label: t("counter.services") }, office.services.map((s) => h("option", { value: `service:${s.id}` }, `${s.prefix} · ${serviceName(s)}`))),
      h("optgroup", { label: t("counter.counters") }, state.counters.filter((c) => c.id !== counterId).map((c) => h("option", { value: `counter:${c.id}` }, c.name))),
    ),
  ]);
  const to = String(data?.get("to") ?? "");
  const [kind, id] = to.split(":");
  if (kind === "service" || kind === "counter") await act("transfer", { [kind]: id });
}

async function callNumber() {
  const data = await ask(t("counter.call_title"), t("counter.call_number"), [
    h("label", { for: "call-number" }, t("counter.number")),
    h("input", { id: "call-number", name: "number", required: true, autocomplete: "off", pattern: "[A-Za-z]{1,3}[0-9]{1,4}", placeholder: "A012", class: "c-input-num" }),
  ]);
  const n = String(data?.get("number") ?? "").trim();
  if (n) await act("call", { number: n.toUpperCase() });
}

async function requeue() {
  const data = await ask(t("counter.requeue_title"), t("counter.requeue"), [
    h("label", { for: "requeue-number" }, t("counter.number")),
    h("input", { id: "requeue-number", name: "number", required: true, autocomplete: "off", placeholder: "A012", class: "c-input-num" }),
  ]);
  const n = String(data?.get("number") ?? "").trim().toUpperCase();
  if (!n) return;
  try {
    const tk = await api(`/offices/${officeId}/tickets/${encodeURIComponent(n)}/requeue`, { method: "POST" });
    message(t("counter.done.requeue", { number: tk.number }));
  } catch (e) {
    message(errorText(e), true);
    endIfSignedOut(e);
  }
}

/** @type {Record<string, () => void>} */
const KEYS = {
  n: () => void act("call-next"),
  r: () => void act("recall"),
  s: () => void act("start"),
  f: () => void act("finish"),
  x: () => void act("no-show"),
  t: () => void transfer(),
  c: () => void callNumber(),
  p: () => void pause(),
  o: () => void act("open"),
};
const KEY_BUTTON = { n: "act-call-next", r: "act-recall", s: "act-start", f: "act-finish", x: "act-no-show", t: "act-transfer", c: "act-call", p: "act-pause", o: "act-open" };

function onKey(/** @type {KeyboardEvent} */ e) {
  if (byId("work").hidden || e.ctrlKey || e.metaKey || e.altKey) return;
  const target = /** @type {HTMLElement} */ (e.target);
  if (target.closest("input, select, textarea, dialog")) return;
  const k = e.key.toLowerCase();
  const id = /** @type {Record<string, string>} */ (KEY_BUTTON)[k];
  if (!id) return;
  e.preventDefault();
  if (!(/** @type {HTMLButtonElement} */ (byId(id)).disabled)) KEYS[k]();
}

// --- Sign-in, counter choice, live -----------------------------------------

/** The counter choice, with a word on why it is shown again (null: none). @param {string | null} [note] */
function pickCounter(note = null) {
  refuseAt(null);
  show("pick");
  renderPick();
  const m = byId("pick-message");
  m.textContent = note ?? "";
  m.hidden = !note;
  byId("pick-title").focus?.();
}

/**
 * The counters to choose from: who holds each ("Loket 2 — petugas2"; this
 * clerk's own marked), their states and services; one another clerk holds
 * cannot be chosen, and says so.
 */
function renderPick() {
  const list = byId("pick-list");
  keepFocus(list, () =>
    fill(
      list,
      state.counters.map((c) => {
        const held = heldByOther(c);
        const mine = heldByMe(c);
        return h(
          "li",
          null,
          h(
            "button",
            {
              type: "button",
              class: `btn c-pick-btn${held ? " is-held" : ""}${mine ? " is-mine" : ""}`,
              id: `pick-${c.id}`,
              "data-counter": c.id,
              disabled: !!held,
              onclick: () => choose(c.id),
            },
            h("strong", null, c.clerk ? `${c.name} — ${c.clerk}` : c.name),
            mine && h("span", { class: "c-pick-mine" }, t("counter.held_mine")),
            held && h("span", { class: "c-pick-held" }, t("counter.pick_held")),
            h("span", null, t(`counter.state.${c.state}`)),
            h("span", { class: "c-pick-svc" }, c.services.map((id) => office?.services.find((s) => s.id === id)?.prefix ?? id).join(" ")),
          ),
        );
      }),
    ),
  );
}

/** Works counter `id` on this terminal (kept for the next sign-in). @param {string} id */
function choose(id) {
  counterId = id;
  try {
    localStorage.setItem(COUNTER_KEY, id);
  } catch {
    /* chosen for this page only */
  }
  show("work");
  renderWork();
  byId("main").focus();
}

/**
 * The office again after staff changed it: the counters' names and
 * services, the services to transfer to, their workflows. A clerk whose
 * counter was removed chooses another.
 */
async function refreshOffice() {
  office = await api(`/offices/${encodeURIComponent(officeId)}`);
  if (!office) return;
  byId("office-name").textContent = office.name;
  document.title = `${t("counter.title")} · ${office.name}`;
  const name = counter()?.name ?? counterId ?? "";
  state.reconfigure(office.counters);
  if (!byId("work").hidden) {
    if (counter()) renderWork();
    else pickCounter(t("counter.removed", { counter: name }));
  } else if (!byId("pick").hidden) renderPick();
  renderDoc();
}

function startLive() {
  if (live) return;
  const onMessage = (/** @type {import("../shared-ui/live.js").ServerMsg} */ msg) => {
    state.apply(msg);
    reconfiguring.see(msg, office);
    claims.see(msg);
    if (!byId("work").hidden) renderWork();
    else if (!byId("pick").hidden && (msg.type === "snapshot" || (msg.type === "event" && PICK_EVENTS.has(msg.event.kind)))) renderPick();
  };
  // The stream holds the clerk's session: it ends when the session does.
  live = followOffice(officeId, onMessage, { access: { staff: true }, onAccessEnded: () => endSession(t("session.ended")) });
}

/**
 * The session has ended (signed out here or everywhere, disabled, reset):
 * the sign-in card at once, with `notice` on it, and nothing of the
 * clerk's work left on the page (messages, the document panel, dialogs);
 * the stream stops until someone signs in again.
 * @param {string | null} notice
 */
function endSession(notice) {
  live?.stop();
  live = null;
  me = null;
  docTicket = null;
  priorityKind = null;
  refuseAt(null);
  for (const dlg of document.querySelectorAll("dialog[open]")) /** @type {HTMLDialogElement} */ (dlg).close();
  byId("whoami").textContent = "";
  /** @type {HTMLInputElement} */ (byId("doc-code")).value = "";
  message("");
  message("", false, "doc-message");
  renderDoc();
  resetSignIn(notice);
  show("signin");
  byId("username").focus();
}

/** A request refused because the session has ended: the sign-in card. @param {unknown} e */
function endIfSignedOut(e) {
  if (sessionEnded(e)) endSession(t("session.ended"));
}

async function start() {
  me = await signedIn();
  if (!staffHere(me, officeId, () => show("signin"))) return;
  if (!live) state.counters = office?.counters ?? [];
  startLive();
  void claims.refresh();
  try {
    counterId = localStorage.getItem(COUNTER_KEY);
  } catch {
    counterId = null;
  }
  const kept = counter();
  const held = kept && heldByOther(kept);
  if (kept && !held) {
    show("work");
    renderWork();
  } else pickCounter(kept && held ? t("counter.held_note", { counter: kept.name, clerk: held }) : null);
}

async function init() {
  await loadLang(preferredLang("id"));
  applyI18n();
  langSwitch(byId("lang-btn"), () => {
    if (!byId("work").hidden) renderWork();
    else if (!byId("pick").hidden) renderPick();
    renderDoc();
  });
  try {
    office = await api(`/offices/${encodeURIComponent(officeId)}`);
  } catch (e) {
    fill(byId("main"), h("p", { class: "error-msg", role: "alert" }, e instanceof Error ? e.message : String(e)));
    return;
  }
  if (!office) return;
  byId("office-name").textContent = office.name;
  document.title = `${t("counter.title")} · ${office.name}`;

  signInForm("counter.signin_title", start);
  byId("sign-out").addEventListener("click", async () => {
    // Stopped first: the server's 4001 for this very sign-out is no news.
    live?.stop();
    await signOut();
    endSession(null);
  });
  mountStaffTools(byId("sign-out"), endSession);
  byId("work").querySelector(".c-grid")?.append(claims.el);
  byId("change-counter").addEventListener("click", () => pickCounter());
  byId("act-open").addEventListener("click", () => void act("open"));
  byId("act-close").addEventListener("click", () => void act("close"));
  byId("act-pause").addEventListener("click", () => void pause());
  byId("act-call-next").addEventListener("click", () => void act("call-next"));
  byId("act-recall").addEventListener("click", () => void act("recall"));
  byId("act-start").addEventListener("click", () => void act("start"));
  byId("act-finish").addEventListener("click", () => void act("finish"));
  byId("act-no-show").addEventListener("click", () => void act("no-show"));
  byId("act-transfer").addEventListener("click", () => void transfer());
  byId("act-call").addEventListener("click", () => void callNumber());
  byId("act-requeue").addEventListener("click", () => void requeue());
  byId("doc-form").addEventListener("submit", (e) => void findDocTicket(/** @type {SubmitEvent} */ (e)));
  renderDoc();
  document.addEventListener("keydown", onKey);
  setInterval(tickTimer, 1000);
  await start();
}

void init();
