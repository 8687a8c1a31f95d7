// @ts-check
/**
 * @file The counter terminal: the clerk signs in, picks a counter, opens
 * it, and works the queue: call next, start, finish (the three steps of a
 * citizen's visit, the next one the primary button, the focus on it after
 * each), recall, no-show, transfer (to a service or a counter), call a given
 * number, requeue a late arrival, pause with a reason (a common one, or the
 * clerk's own words). Buttons have keyboard shortcuts, shown on them but not
 * part of their names (`aria-keyshortcuts`). A button the server would
 * refuse is off, and says why under it ("Setelah 2 panggilan, sekarang 1");
 * a refusal all the same is said next to the control used, in the clerk's
 * words. The "document status" panel moves a done ticket's document
 * forward through its service's workflow, one step at a time, the last
 * after a confirmation: the ticket just finished here, or any by its code
 * (typed, or read by a barcode scanner that types it). The current ticket,
 * the waiting counts and the next numbers come from the office's public
 * live stream, so what the display shows, this shows. When the clerk's
 * session ends (signed out everywhere, disabled or reset by a supervisor:
 * the stream closes with 4001, or a request answers 401), the page shows
 * the sign-in card at once and keeps nothing of their work.
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
import { applyI18n, hasString, langSwitch, loadLang, preferredLang, serviceName, t } from "../shared-ui/i18n.js";
import { PriorityClaims } from "../shared-ui/claims.js";
import { clearTicket, followOffice, OfficeState, Reconfiguring } from "../shared-ui/office.js";
import { mountStaffTools, resetSignIn, sessionEnded, signedIn, signInForm, signOut, staffHere } from "../shared-ui/session.js";

/** @typedef {import("../shared-ui/live.js").Ticket} Ticket */
/** @typedef {import("../shared-ui/live.js").Counter} Counter */
/** @typedef {import("../shared-ui/live.js").ServerMsg} ServerMsg */

const officeId = officeFromPath();
const COUNTER_KEY = `antrean.counter.${officeId}`;
/** How many of a service's next numbers are listed. */
const NEXT_SHOWN = 5;
/** The events that change what the counter choice shows: who holds a counter, its state. */
const PICK_EVENTS = new Set(["counter_taken", "counter_state"]);
/** Longest pause reason the server takes, in characters (code points), as it counts them. */
const PAUSE_REASON_MAX = 64;
/** The common reasons for a pause (`reason.*`, sent in the screen's language); "other" takes the clerk's words. */
const PAUSE_REASONS = ["break", "prayer", "meeting", "other"];
/** The buttons of the counter, each with what it does. */
const ACTIONS = ["act-open", "act-pause", "act-close", "act-call-next", "act-start", "act-finish", "act-recall", "act-no-show", "act-transfer", "act-call", "act-requeue"];
/** Today's number as a clerk types it: a prefix of letters, then digits ("A012", "a 12"). */
const NUMBER_SHAPE = /^[A-Za-z]{1,3}\s*[0-9]{1,4}$/;

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
/** The button a refusal is said next to (its id), while it is. @type {string | null} */
let refusedAt = null;

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

/**
 * A refusal in the clerk's words: this page's own for what a counter
 * meets (`counter.err.{code}`), else the words every screen has.
 * @param {unknown} e
 */
function refusal(e) {
  if (e instanceof ApiError && e.status !== 0 && hasString(`counter.err.${e.code}`)) return t(`counter.err.${e.code}`);
  return errorText(e);
}

// --- What the buttons may do -------------------------------------------------

/**
 * The counter's buttons as the server's rules stand for `c`: each one on,
 * or off with why (said under it; empty when the page says it elsewhere:
 * another clerk holds the counter), and which is the next step of the
 * clerk's work, the primary button: open the counter, call, start, finish.
 * @param {Counter} c
 * @returns {{primary: string | null, off: Map<string, string>}}
 */
function rules(c) {
  /** @type {Map<string, string>} */
  const off = new Map();
  if (heldByOther(c)) {
    for (const id of ACTIONS) if (id !== "act-requeue") off.set(id, "");
    return { primary: null, off };
  }
  const open = c.state === "open";
  const number = c.number ?? "";
  const called = !!number && c.ticket_status === "called";
  const serving = !!number && c.ticket_status === "serving";
  const busyWith = t("counter.why.busy", { number });
  const when = (/** @type {string} */ id, /** @type {string | false} */ why) => {
    if (why !== false) off.set(id, why);
  };
  when("act-open", open && t("counter.why.open"));
  when("act-pause", !open ? t("counter.why.not_open") : !!number && busyWith);
  when("act-close", c.state === "closed" ? t("counter.why.closed") : !!number && busyWith);
  for (const id of ["act-call-next", "act-call"]) when(id, !open ? t("counter.why.not_open") : !!number && busyWith);
  when("act-start", !number ? t("counter.why.after_call") : serving && t("counter.why.serving", { number }));
  when("act-finish", !number ? t("counter.why.after_start") : called && t("counter.why.after_start"));
  when("act-recall", !number ? t("counter.why.no_ticket") : serving && t("counter.why.serving", { number }));
  // The office's rule and the ticket's calls in its round, as the stream
  // keeps them (office.js): the server's own figures.
  const n = c.ticket_calls;
  const min = office?.min_calls ?? 1;
  when(
    "act-no-show",
    !number
      ? t("counter.why.no_ticket")
      : serving
        ? t("counter.why.serving", { number })
        : n != null && n < min && t("counter.why.min_calls", { min, calls: n }),
  );
  when("act-transfer", !number && t("counter.why.no_ticket"));
  const primary = !open ? "act-open" : !number ? "act-call-next" : called ? "act-start" : "act-finish";
  return { primary, off };
}

/** The primary button now, or null (another clerk holds the counter). */
function primaryButton() {
  const c = counter();
  const id = c && rules(c).primary;
  return id ? /** @type {HTMLButtonElement} */ (byId(id)) : null;
}

/** Puts the focus on the next step of the clerk's work. */
function focusPrimary() {
  primaryButton()?.focus();
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
  const had = document.activeElement;
  const { primary, off } = rules(c);
  for (const id of ACTIONS) {
    const button = /** @type {HTMLButtonElement} */ (byId(id));
    const why = off.get(id);
    button.disabled = why != null;
    button.classList.toggle("c-primary", id === primary);
    byId(`why-${id}`).textContent = why ?? "";
    const described = [why ? `why-${id}` : held && why != null ? "counter-clerk" : null, refusedAt === id ? "act-refusal" : null].filter(Boolean).join(" ");
    if (described) button.setAttribute("aria-describedby", described);
    else button.removeAttribute("aria-describedby");
  }
  // The counter's state: only the changes it can make (open when it is not; pause while open; close unless closed).
  /** @type {HTMLElement} */ (byId("act-open").parentElement).hidden = c.state === "open";
  /** @type {HTMLElement} */ (byId("act-pause").parentElement).hidden = c.state !== "open";
  /** @type {HTMLElement} */ (byId("act-close").parentElement).hidden = c.state === "closed";
  // A button that went off under the focus hands it to the next step.
  if (had instanceof HTMLButtonElement && byId("work").contains(had) && (had.disabled || !had.checkVisibility())) focusPrimary();

  const has = !!c.number;
  byId("current-number").textContent = c.number ?? "—";
  byId("current-status").textContent = has ? t(`status.${c.ticket_status}`) : c.state === "open" ? t("counter.idle") : "";
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

// --- Document status ---------------------------------------------------------

/**
 * The "document status" panel: the ticket, its service's workflow as
 * steps (those before the current one done, the current one marked), and
 * one button for the next step only; off, saying why, while the ticket is
 * not done yet (the server sets a document only after the service).
 */
function renderDoc() {
  const tk = docTicket;
  const svc = office?.services.find((s) => s.id === tk?.service);
  const workflow = svc?.workflow ?? [];
  if (!tk) {
    fill(byId("doc-ticket"), h("p", { class: "c-hint" }, t("counter.doc.hint")));
    return;
  }
  const at = tk.document ? workflow.indexOf(tk.document) : -1;
  const next = workflow[at + 1] ?? null;
  const done = tk.status === "done";
  // The last step reached is done too: the document has been handed over.
  const last = workflow.length - 1;
  const isDone = (/** @type {number} */ i) => i < at || (i === at && at === last);
  const mark = (/** @type {number} */ i) => (isDone(i) ? "is-done" : i === at ? "is-current" : "is-todo");
  const current = !tk.document
    ? t("counter.doc.no_status")
    : at < 0
      ? t("counter.doc.current_gone", { step: tk.document })
      : t("counter.doc.current", { step: tk.document, n: at + 1, of: workflow.length });
  fill(
    byId("doc-ticket"),
    h("p", { class: "c-doc-ticket", id: "doc-number" }, t("counter.doc.ticket", { number: tk.number, service: svc ? serviceName(svc) : tk.service })),
    workflow.length === 0
      ? h("p", null, t("counter.doc.no_workflow"))
      : [
          h("p", { id: "doc-current" }, current),
          h(
            "ol",
            { class: "c-doc-steps", id: "doc-steps", "aria-label": t("counter.doc.steps", { number: tk.number }) },
            workflow.map((step, i) =>
              h(
                "li",
                { class: mark(i), "data-step": step, "aria-current": i === at ? "step" : null },
                h("span", { class: "c-doc-mark", "aria-hidden": "true" }, isDone(i) ? "✓" : String(i + 1)),
                h("span", { class: "c-doc-name" }, step),
                isDone(i) && h("span", { class: "visually-hidden" }, ` (${t("counter.doc.step_done")})`),
                i === at && h("span", { class: "c-doc-now" }, t("counter.doc.step_now")),
              ),
            ),
          ),
          next == null
            ? h("p", { class: "c-doc-finished", id: "doc-finished", tabindex: "-1" }, t("counter.doc.finished", { number: tk.number, step: tk.document ?? "" }))
            : h(
                "div",
                { class: "c-act c-doc-act" },
                h(
                  "button",
                  {
                    type: "button",
                    class: "btn c-doc-next",
                    id: "doc-next",
                    "data-next": next,
                    disabled: !done,
                    "aria-describedby": done ? "doc-message" : "why-doc-next doc-message",
                    onclick: () => void nextStep(tk, next, at + 1 === last),
                  },
                  at + 1 === last ? t("counter.doc.last", { step: next }) : t("counter.doc.next", { step: next }),
                ),
                h("span", { class: "c-why", id: "why-doc-next" }, done ? "" : t("counter.doc.not_done", { number: tk.number, status: t(`status.${tk.status}`) })),
              ),
        ],
  );
}

/** Looks a ticket up by its code for the document panel; a refusal is said under the field. @param {SubmitEvent} e */
async function findDocTicket(e) {
  e.preventDefault();
  const input = /** @type {HTMLInputElement} */ (byId("doc-code"));
  const error = byId("doc-find-error");
  const say = (/** @type {string | null} */ text) => {
    error.textContent = text ?? "";
    error.hidden = !text;
    if (text) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "doc-find-error");
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  };
  // A scanner reading the ticket's QR types its whole address: keep the code.
  const code = input.value.trim().split("/").pop()?.toLowerCase() ?? "";
  if (!code) {
    say(t("counter.doc.code_missing"));
    input.focus();
    return;
  }
  try {
    docTicket = await api(`/tickets/${encodeURIComponent(code)}`);
    say(null);
    message("", false, "doc-message");
    input.value = "";
  } catch (err) {
    say(refusal(err));
    input.focus();
    endIfSignedOut(err);
    return;
  }
  renderDoc();
  /** @type {HTMLElement | null} */ (byId("doc-ticket").querySelector("#doc-next:not([disabled]), #doc-finished"))?.focus();
}

/**
 * Moves the panel's ticket's document on to `step`, the one after its
 * current; the last step only once the clerk confirms it.
 * @param {Ticket} tk @param {string} step @param {boolean} last
 */
async function nextStep(tk, step, last) {
  if (last) {
    const sure = await ask({
      title: t("counter.doc.confirm_title", { number: tk.number }),
      ok: t("counter.doc.confirm_ok", { step }),
      fields: [h("p", { id: "dlg-text" }, t("counter.doc.confirm_text", { number: tk.number, step }))],
      describedBy: "dlg-text",
      focus: "dlg-cancel",
      submit: async () => "done",
    });
    if (sure !== "done") {
      // Back on the step, even when the stream redrew the panel meanwhile
      // (the dialog would give the focus back to a button no longer there).
      document.getElementById("doc-next")?.focus();
      return;
    }
  }
  try {
    docTicket = await api(`/tickets/${encodeURIComponent(tk.code)}/document`, { body: { step } });
    message(t("counter.doc.set", { number: tk.number, step }), false, "doc-message");
  } catch (e) {
    message(refusal(e), true, "doc-message");
    endIfSignedOut(e);
  }
  renderDoc();
  /** @type {HTMLElement | null} */ (byId("doc-ticket").querySelector("#doc-next, #doc-finished"))?.focus();
}

/**
 * Fetches the panel's ticket again when the stream says something
 * happened to a ticket of its number (finished, its document moved on at
 * another counter); the fetch says whether it was this one (numbers start
 * again every day, codes do not).
 * @param {ServerMsg} msg
 */
function followDocTicket(msg) {
  const tk = docTicket;
  if (!tk || msg.type !== "event" || !("number" in msg.event) || msg.event.number !== tk.number) return;
  if (!["ticket_done", "document_status", "ticket_called", "ticket_serving", "ticket_no_show", "ticket_transferred"].includes(msg.event.kind)) return;
  void api(`/tickets/${encodeURIComponent(tk.code)}`).then(
    (fresh) => {
      if (docTicket?.code !== fresh.code) return;
      docTicket = fresh;
      keepFocus(byId("doc-ticket"), renderDoc);
    },
    () => {},
  );
}

// --- Actions -----------------------------------------------------------------

/**
 * Posts a counter action and shows its answer at once (the stream
 * confirms a moment later); a refusal is thrown.
 * @param {string} action
 * @param {Record<string, string>} [body]
 */
async function send(action, body) {
  const res = await api(`/offices/${officeId}/counters/${encodeURIComponent(counterId ?? "")}/${action}`, { method: "POST", body });
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
  applyLocal(res);
  renderWork();
}

/**
 * A counter action of a button, the focus then on the next step; a
 * refusal is said next to the button.
 * @param {string} action
 * @param {Record<string, string>} [body]
 */
async function act(action, body) {
  if (busy || !counterId) return;
  busy = true;
  refuseAt(null);
  try {
    await send(action, body);
    focusPrimary();
  } catch (e) {
    refuseAt(byId(`act-${action}`), refusal(e));
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
  document.getElementById("act-refusal")?.remove();
  refusedAt = button?.id ?? null;
  if (button) {
    const refusal = h("p", { id: "act-refusal", class: "c-refusal", role: "alert" }, text);
    // Under the counter's state buttons, or under the button in its place among the others (on a row of its own).
    (button.closest(".c-state-actions") ?? button.closest(".c-act") ?? button).after(refusal);
  }
  if (!byId("work").hidden) renderWork();
}

/** Applies an action's answer to the counter shown. @param {any} res */
function applyLocal(res) {
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
 * What became of a dialog: done; refused (closed, the refusal said next to
 * the button that opened it); kept open to fix what was typed (`submit`
 * only); cancelled ("Batal", Escape).
 * @typedef {"done" | "refused" | "kept" | "cancelled"} Asked
 */

/**
 * A small modal form. `submit` runs on "OK" with the form's data; unless
 * it answers "kept" (it said what to fix, next to the field or the
 * buttons), the dialog closes. Resolves with what became of it. The focus
 * goes to the first field, or to `focus`; it returns to where it was when
 * the dialog closes.
 * @param {{title: string, ok: string, fields: HTMLElement[], submit: (data: FormData) => Promise<Asked>, describedBy?: string, focus?: string}} opts
 * @returns {Promise<Asked>}
 */
function ask({ title, ok, fields, submit, describedBy, focus }) {
  const dlg = /** @type {HTMLDialogElement} */ (byId("dlg"));
  const form = /** @type {HTMLFormElement} */ (byId("dlg-form"));
  byId("dlg-title").textContent = title;
  byId("dlg-ok").textContent = ok;
  const error = h("p", { id: "dlg-error", class: "c-refusal", role: "alert", hidden: true });
  fill(byId("dlg-body"), fields, error);
  if (describedBy) dlg.setAttribute("aria-describedby", describedBy);
  else dlg.removeAttribute("aria-describedby");
  return new Promise((resolve) => {
    let sending = false;
    form.onsubmit = async (e) => {
      e.preventDefault();
      if (sending) return;
      sending = true;
      try {
        const asked = await submit(new FormData(form));
        if (asked !== "kept") {
          resolve(asked);
          dlg.close();
        }
      } finally {
        sending = false;
      }
    };
    byId("dlg-cancel").onclick = () => dlg.close();
    dlg.onclose = () => resolve("cancelled");
    dlg.showModal();
    const first = focus ? byId(focus) : /** @type {HTMLElement | null} */ (byId("dlg-body").querySelector("input:checked, input, select"));
    first?.focus();
  });
}

/**
 * Says what to fix next to a field of the dialog (aria-invalid, described
 * by the message) and puts the focus on it; null clears it. Whether the
 * field is fine (for a dialog's `submit`: false keeps it open).
 * @param {HTMLInputElement | HTMLSelectElement} field
 * @param {string | null} text
 */
function fieldError(field, text) {
  const el = byId(`${field.id}-error`);
  el.textContent = text ?? "";
  el.hidden = !text;
  const described = (field.getAttribute("aria-describedby") ?? "").split(" ").filter((x) => x && x !== el.id);
  if (text) {
    field.setAttribute("aria-invalid", "true");
    described.push(el.id);
    field.focus();
  } else field.removeAttribute("aria-invalid");
  if (described.length) field.setAttribute("aria-describedby", described.join(" "));
  else field.removeAttribute("aria-describedby");
  return !text;
}

/**
 * Refusals about what was typed or chosen in a dialog: said next to its
 * field, the dialog open to fix it. Others (the counter's state, another
 * clerk, the network) close it and are said next to the button that
 * opened it.
 */
const FIELD_REFUSALS = new Set(["pause_reason_required", "transfer_to_same", "service_not_served", "unknown_service", "unknown_counter", "unknown_ticket", "invalid_transition", "not_served_here"]);

/**
 * Runs a dialog's request; a refusal is said by {@link FIELD_REFUSALS}: at
 * `field` (or the dialog's line over its buttons), or next to `button`.
 * @param {() => Promise<unknown>} run
 * @param {HTMLInputElement | HTMLSelectElement | null} field
 * @param {string} button the id of the button that opened the dialog
 * @returns {Promise<Asked>}
 */
async function fromDialog(run, field, button) {
  refuseAt(null);
  try {
    await run();
    return "done";
  } catch (e) {
    endIfSignedOut(e);
    if (!(e instanceof ApiError && FIELD_REFUSALS.has(e.code))) {
      refuseAt(byId(button), refusal(e));
      return "refused";
    }
    if (field) fieldError(field, refusal(e));
    else {
      const line = byId("dlg-error");
      line.textContent = refusal(e);
      line.hidden = false;
    }
    return "kept";
  }
}

/** A field of a dialog with its label, hint and the line for what to fix. @param {string} id @param {string} label @param {HTMLElement} input @param {string} [hint] */
function dialogField(id, label, input, hint) {
  return h(
    "div",
    { class: "c-field" },
    h("label", { for: id }, label),
    hint && h("p", { class: "c-field-hint", id: `${id}-hint` }, hint),
    h("p", { class: "field-error", id: `${id}-error`, hidden: true }),
    input,
  );
}

/**
 * Pause with a reason: a common one (sent in the screen's language, as the
 * display shows it), or "Lainnya" with the clerk's own words, required, at
 * most {@link PAUSE_REASON_MAX} characters (counted as the server counts
 * them, so no `maxlength` cuts a paste short), sent trimmed.
 */
async function pause() {
  const other = /** @type {HTMLInputElement} */ (
    h("input", { id: "pause-other", name: "other", type: "text", autocomplete: "off", class: "c-input-text", "aria-describedby": "pause-other-hint pause-other-count" })
  );
  const count = h("p", { id: "pause-other-count", class: "c-field-hint" });
  const box = h("div", { id: "pause-other-box", class: "c-other", hidden: true }, dialogField("pause-other", t("counter.pause_other"), other, t("counter.pause_other_hint", { max: PAUSE_REASON_MAX })), count);
  const counted = () => {
    const n = [...other.value.trim()].length;
    count.textContent = n <= PAUSE_REASON_MAX ? t("counter.chars_left", { n: PAUSE_REASON_MAX - n }) : t("counter.chars_over", { n: n - PAUSE_REASON_MAX });
    count.classList.toggle("is-over", n > PAUSE_REASON_MAX);
  };
  other.addEventListener("input", counted);
  counted();
  const radios = PAUSE_REASONS.map((r, i) =>
    h(
      "label",
      null,
      h("input", {
        type: "radio",
        name: "reason",
        value: r,
        checked: i === 0,
        "aria-controls": r === "other" ? "pause-other-box" : null,
        onchange: (/** @type {Event} */ e) => {
          box.hidden = /** @type {HTMLInputElement} */ (e.target).value !== "other";
        },
      }),
      " ",
      t(`reason.${r}`),
    ),
  );
  const paused = await ask({
    title: t("counter.pause_title"),
    ok: t("counter.pause"),
    fields: [h("fieldset", { class: "c-reasons" }, h("legend", null, t("counter.reason")), radios, box)],
    submit: async (data) => {
      const chosen = String(data.get("reason") ?? "");
      let reason = t(`reason.${chosen}`);
      if (chosen === "other") {
        reason = other.value.trim();
        const n = [...reason].length;
        const wrong = !reason ? t("counter.pause_other_missing") : n > PAUSE_REASON_MAX ? t("counter.pause_other_long", { max: PAUSE_REASON_MAX, n }) : null;
        if (!fieldError(other, wrong)) return "kept";
      }
      return fromDialog(() => send("pause", { reason }), chosen === "other" ? other : null, "act-pause");
    },
  });
  if (paused === "done") focusPrimary();
}

/**
 * Transfer the current ticket: to another service (those the office
 * offers, which a counter serves) or to another counter. The ticket's own
 * service, which the server would refuse, is listed off, saying why.
 */
async function transfer() {
  const c = counter();
  if (!office || !c) return;
  const select = /** @type {HTMLSelectElement} */ (
    h(
      "select",
      { id: "transfer-to", name: "to" },
      h("option", { value: "" }, t("counter.transfer_choose")),
      h(
        "optgroup",
        { label: t("counter.services") },
        office.services.map((s) => {
          const same = s.id === c.ticket_service;
          return h("option", { value: `service:${s.id}`, disabled: same }, `${s.prefix} · ${serviceName(s)}${same ? ` (${t("counter.transfer_same")})` : ""}`);
        }),
      ),
      h(
        "optgroup",
        { label: t("counter.counters") },
        state.counters.filter((x) => x.id !== counterId).map((x) => h("option", { value: `counter:${x.id}` }, `${x.name} (${t(`counter.state.${x.state}`)})`)),
      ),
    )
  );
  const sent = await ask({
    title: t("counter.transfer_title", { number: c.number ?? "" }),
    ok: t("counter.transfer"),
    fields: [dialogField("transfer-to", t("counter.transfer_to"), select)],
    submit: async (data) => {
      const [kind, id] = String(data.get("to") ?? "").split(":");
      const chosen = kind === "service" || kind === "counter";
      if (!fieldError(select, chosen ? null : t("counter.transfer_missing"))) return "kept";
      return fromDialog(() => send("transfer", { [kind]: id }), select, "act-transfer");
    },
  });
  if (sent === "done") focusPrimary();
}

/**
 * A dialog asking for today's number (call one, requeue one): checked
 * here for its shape, then given to `run`, whose refusal about the number
 * (no such number, not waiting) is said next to the field.
 * @param {string} title @param {string} ok @param {string} id
 * @param {string} button the id of the button that opens it
 * @param {(number: string) => Promise<unknown>} run
 */
function askNumber(title, ok, id, button, run) {
  const input = /** @type {HTMLInputElement} */ (h("input", { id, name: "number", autocomplete: "off", spellcheck: "false", class: "c-input-num", "aria-describedby": `${id}-hint` }));
  return ask({
    title,
    ok,
    fields: [dialogField(id, t("counter.number"), input, t("counter.number_hint"))],
    submit: async () => {
      const n = input.value.trim().replace(/\s+/g, "").toUpperCase();
      if (!fieldError(input, !n ? t("counter.number_missing") : !NUMBER_SHAPE.test(n) ? t("counter.number_shape") : null)) return "kept";
      return fromDialog(() => run(n), input, button);
    },
  });
}

async function callNumber() {
  const called = await askNumber(t("counter.call_title"), t("counter.call_number"), "call-number", "act-call", (number) => send("call", { number }));
  if (called === "done") focusPrimary();
}

function requeue() {
  return askNumber(t("counter.requeue_title"), t("counter.requeue"), "requeue-number", "act-requeue", async (number) => {
    const tk = await api(`/offices/${officeId}/tickets/${encodeURIComponent(number)}/requeue`, { method: "POST" });
    message(t("counter.done.requeue", { number: tk.number }));
  });
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
  if (target.closest("input, select, textarea, dialog, details")) return;
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
  // The focus on the clerk's own counter, else the first free one.
  /** @type {HTMLElement | null} */ (byId("pick-list").querySelector(".c-pick-btn.is-mine, .c-pick-btn:not([disabled])"))?.focus();
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

/** Works counter `id` on this terminal (kept for the next sign-in), the focus on its next step. @param {string} id */
function choose(id) {
  counterId = id;
  try {
    localStorage.setItem(COUNTER_KEY, id);
  } catch {
    /* chosen for this page only */
  }
  show("work");
  renderWork();
  focusPrimary();
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
  keepFocus(byId("doc-ticket"), renderDoc);
}

function startLive() {
  if (live) return;
  const onMessage = (/** @type {ServerMsg} */ msg) => {
    state.apply(msg);
    reconfiguring.see(msg, office);
    claims.see(msg);
    followDocTicket(msg);
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
  byId("doc-find-error").hidden = true;
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

/** Signed in: the terminal's counter (the focus on its next step), or the choice of one. */
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
  if (kept && !held) choose(kept.id);
  else pickCounter(kept && held ? t("counter.held_note", { counter: kept.name, clerk: held }) : null);
}

async function init() {
  await loadLang(preferredLang("id"));
  applyI18n();
  langSwitch(byId("lang-btn"), () => {
    if (!byId("work").hidden) renderWork();
    else if (!byId("pick").hidden) renderPick();
    keepFocus(byId("doc-ticket"), renderDoc);
  });
  try {
    office = await api(`/offices/${encodeURIComponent(officeId)}`);
  } catch (e) {
    fill(byId("main"), h("p", { class: "error-msg", role: "alert" }, errorText(e)));
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
  byId("work").querySelector(".c-side")?.append(claims.el);
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
