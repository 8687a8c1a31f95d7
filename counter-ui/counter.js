// @ts-check
/**
 * @file The counter terminal: the clerk signs in, picks a counter, opens
 * it, and works the queue: call next, recall, start, finish, no-show,
 * transfer (to a service or a counter), call a given number, requeue a
 * late arrival, pause with a reason. Buttons have keyboard shortcuts.
 * The current ticket, the waiting counts and the next numbers come from
 * the office's public live stream, so what the display shows, this shows.
 */
import { api, ApiError, officeFromPath } from "../shared-ui/api.js";
import { byId, fill, h } from "../shared-ui/dom.js";
import { applyI18n, lang, loadLang, preferredLang, serviceName, t } from "../shared-ui/i18n.js";
import { badgeFor, Live, wsUrl } from "../shared-ui/live.js";

/** @typedef {import("../shared-ui/live.js").Counter} Counter */
/** @typedef {import("../shared-ui/live.js").EventMsg} EventMsg */
/** @typedef {import("../shared-ui/live.js").ServerMsg} ServerMsg */
/** @typedef {import("../shared-ui/live.js").Waiting} Waiting */
/** @typedef {import("../shared-ui/live.js").Ticket} Ticket */
/** @typedef {{number: string, service: string, priority: boolean, order: number, counter?: string | null}} Waiter */

const officeId = officeFromPath();
const COUNTER_KEY = `antrean.counter.${officeId}`;

/** @type {import("../shared-ui/api.js").Office | null} */
let office = null;
/** @type {{username: string, role: string, office: string | null} | null} */
let me = null;
/** @type {string | null} */
let counterId = null;
/** @type {Counter[]} */
let counters = [];
/** @type {Map<string, Waiting>} */
const waiting = new Map();
/**
 * The waiting tickets by number, rebuilt from today's events (the public
 * stream has counts only in its snapshot): null until rebuilt.
 * @type {Map<string, Waiter> | null}
 */
let waitList = null;
/** Events that arrive while the list is being rebuilt. @type {EventMsg[]} */
let buffered = [];
let order = 0;
/** What this terminal knows of its current ticket beyond the number. */
let current = /** @type {{number: string, service?: string, priority?: string | null | boolean, since: number} | null} */ (null);
/** @type {Live | null} */
let live = null;
let busy = false;

function counter() {
  return counters.find((c) => c.id === counterId) ?? null;
}

function show(/** @type {"signin" | "pick" | "work"} */ which) {
  for (const id of ["signin", "pick", "work"]) byId(id).hidden = id !== which;
  byId("sign-out").hidden = which === "signin";
  byId("change-counter").hidden = which !== "work";
}

/** @param {string} text @param {boolean} [error] */
function message(text, error = false) {
  const m = byId("message");
  m.textContent = text;
  m.classList.toggle("is-error", error);
  m.setAttribute("role", error ? "alert" : "status");
}

// --- Waiting numbers ---------------------------------------------------------

/** @param {Map<string, Waiter>} list @param {EventMsg} msg */
function applyWait(list, msg) {
  const e = msg.event;
  const n = e.number ?? "";
  switch (e.kind) {
    case "ticket_issued":
      list.set(n, { number: n, service: e.service ?? "", priority: !!e.priority, order: order++ });
      break;
    case "ticket_called":
    case "ticket_cancelled":
      list.delete(n);
      break;
    case "ticket_requeued":
      list.set(n, { number: n, service: e.service ?? "", priority: false, order: order++ });
      break;
    case "ticket_transferred": {
      const before = list.get(n);
      list.set(n, { number: n, service: e.service ?? "", priority: before?.priority ?? false, order: before?.order ?? order++, counter: e.counter });
      break;
    }
    case "day_ended":
      list.clear();
      break;
  }
}

/** Replays today's events (`since=0`) up to `target` to learn who waits. */
function rebuildWaitList(/** @type {number} */ target) {
  waitList = null;
  buffered = [];
  /** @type {Map<string, Waiter>} */
  const list = new Map();
  const ws = new WebSocket(wsUrl(`/api/v1/offices/${encodeURIComponent(officeId)}/live?since=0`));
  let last = 0;
  const done = () => {
    ws.onmessage = null;
    ws.close();
    for (const m of buffered) if (m.seq > last) applyWait(list, m);
    buffered = [];
    waitList = list;
    renderQueue();
  };
  ws.onmessage = (ev) => {
    /** @type {ServerMsg} */
    const msg = JSON.parse(String(ev.data));
    if (msg.type === "event") {
      applyWait(list, msg);
      last = msg.seq;
      if (msg.seq >= target) done();
    } else if (msg.type === "snapshot") {
      last = msg.seq;
      done();
    }
  };
  ws.onerror = () => ws.close();
  if (target === 0) {
    ws.onopen = () => done();
  }
}

// --- Rendering ---------------------------------------------------------------

function renderWork() {
  const c = counter();
  if (!c || !office) return;
  byId("counter-name").textContent = c.name;
  const st = byId("counter-state");
  st.textContent = c.state === "paused" && c.reason ? `${t("counter.state.paused")}: ${c.reason}` : t(`counter.state.${c.state}`);
  st.className = `c-state is-${c.state}`;
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
  for (const [id, on] of Object.entries(enabled)) /** @type {HTMLButtonElement} */ (byId(id)).disabled = !on;
  if (!has) current = null;
  else if (!current || current.number !== c.number) current = { number: c.number ?? "", since: Date.now() };
  byId("current-number").textContent = c.number ?? "—";
  byId("current-status").textContent = has ? t(`status.${c.ticket_status}`) : open ? t("counter.idle") : "";
  const svc = office.services.find((s) => s.id === current?.service);
  byId("current-service").textContent = svc ? `· ${serviceName(svc)}` : "";
  const prio = byId("current-prio");
  prio.hidden = !current?.priority;
  prio.textContent = typeof current?.priority === "string" ? t(`priority.${current.priority}`) : t("counter.priority");
  tickTimer();
  renderQueue();
}

function tickTimer() {
  const el = byId("current-timer");
  if (!current) {
    el.textContent = "";
    return;
  }
  const s = Math.max(0, Math.floor((Date.now() - current.since) / 1000));
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
        const next = waitList
          ? [...waitList.values()]
              .filter((w) => w.service === s.id && (!w.counter || w.counter === counterId))
              .sort((a, b) => Number(b.priority) - Number(a.priority) || a.order - b.order)
              .slice(0, 5)
          : null;
        return h(
          "tr",
          null,
          h("th", { scope: "row" }, h("span", { class: "c-prefix" }, s.prefix), " ", serviceName(s)),
          h("td", { class: "num c-count" }, String(waiting.get(s.id)?.waiting ?? s.waiting)),
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
      .map((s) => h("li", null, h("span", { class: "c-prefix" }, s.prefix), " ", serviceName(s), ": ", h("strong", { class: "num" }, String(waiting.get(s.id)?.waiting ?? s.waiting)))),
  );
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
  try {
    const res = await api(`/offices/${officeId}/counters/${encodeURIComponent(counterId)}/${action}`, { method: "POST", body });
    if (action === "call-next" && res == null) {
      message(t("counter.nobody"));
    } else if (res && "number" in res && "code" in res) {
      /** @type {Ticket} */
      const tk = res;
      if (["called", "serving"].includes(tk.status) && tk.counter === counterId) {
        const since = Date.parse((tk.status === "called" ? tk.called_at : null) ?? "") || Date.now();
        current = { number: tk.number, service: tk.service, priority: tk.priority, since: tk.status === "serving" ? Date.now() : since };
      }
      message(t(`counter.done.${action}`, { number: tk.number }));
    } else {
      message(t(`counter.done.${action}`, { number: "" }));
    }
    // Show at once; the stream confirms a moment later.
    applyLocal(action, res);
    renderWork();
  } catch (e) {
    message(e instanceof ApiError && e.status === 0 ? t("err.network") : e instanceof Error ? e.message : String(e), true);
    if (e instanceof ApiError && e.status === 401) void start();
  } finally {
    busy = false;
  }
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
    c.number = tk.number;
    c.ticket_status = tk.status;
  } else if (c.number === tk.number) {
    c.number = null;
    c.ticket_status = null;
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
      h("optgroup", { label: t("counter.counters") }, counters.filter((c) => c.id !== counterId).map((c) => h("option", { value: `counter:${c.id}` }, c.name))),
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
    message(e instanceof Error ? e.message : String(e), true);
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

function pickCounter() {
  show("pick");
  fill(
    byId("pick-list"),
    counters.map((c) =>
      h(
        "li",
        null,
        h(
          "button",
          {
            type: "button",
            class: "btn c-pick-btn",
            "data-counter": c.id,
            onclick: () => {
              counterId = c.id;
              try {
                localStorage.setItem(COUNTER_KEY, c.id);
              } catch {
                /* chosen for this page only */
              }
              show("work");
              renderWork();
              byId("main").focus();
            },
          },
          h("strong", null, c.name),
          h("span", null, t(`counter.state.${c.state}`)),
          h("span", { class: "c-pick-svc" }, c.services.map((id) => office?.services.find((s) => s.id === id)?.prefix ?? id).join(" ")),
        ),
      ),
    ),
  );
  byId("pick-title").focus?.();
}

function startLive() {
  if (live) return;
  live = new Live(`/api/v1/offices/${encodeURIComponent(officeId)}/live`, {
    resume: true,
    onMessage: (msg) => {
      if (msg.type === "snapshot") {
        counters = msg.counters;
        waiting.clear();
        for (const w of msg.services) waiting.set(w.service, w);
        const c = counter();
        const call = c && msg.recent_calls.find((r) => r.counter === c.id && r.number === c.number);
        if (c?.number && call && (!current || current.number !== c.number || !current.service)) {
          current = { number: c.number, service: call.service, since: Date.parse(call.at) || Date.now() };
        }
        rebuildWaitList(msg.seq);
      } else if (msg.type === "event") {
        for (const w of msg.waiting ?? []) waiting.set(w.service, w);
        if (waitList) applyWait(waitList, msg);
        else buffered.push(msg);
        applyEvent(msg);
      }
      if (!byId("work").hidden) renderWork();
    },
    onStatus: badgeFor(byId("offline"), () => t("live.reconnecting")),
  }).start();
}

/** @param {EventMsg} msg */
function applyEvent(msg) {
  const e = msg.event;
  const c = counters.find((x) => x.id === e.counter);
  switch (e.kind) {
    case "ticket_called":
      if (c) {
        c.number = e.number ?? null;
        c.ticket_status = "called";
        if (c.id === counterId && (!current || current.number !== e.number || e.recall)) {
          const prio = current && current.number === e.number ? current.priority : undefined;
          current = { number: e.number ?? "", service: e.service, priority: prio, since: Date.parse(msg.at) || Date.now() };
        }
      }
      break;
    case "ticket_serving":
      if (c) {
        c.ticket_status = "serving";
        if (c.id === counterId && current) current.since = Date.parse(msg.at) || Date.now();
      }
      break;
    case "ticket_done":
    case "ticket_no_show":
      if (c && c.number === e.number) {
        c.number = null;
        c.ticket_status = null;
      }
      break;
    case "ticket_transferred": {
      const from = counters.find((x) => x.id === e.from_counter);
      if (from && from.number === e.number) {
        from.number = null;
        from.ticket_status = null;
      }
      break;
    }
    case "counter_state":
      if (c) {
        c.state = e.state ?? c.state;
        c.reason = e.reason ?? null;
      }
      break;
  }
}

async function start() {
  try {
    me = await api("/session");
  } catch {
    me = null;
  }
  byId("whoami").textContent = me ? `${me.username} (${t(`role.${me.role}`)})` : "";
  if (!me) {
    show("signin");
    byId("username").focus();
    return;
  }
  if (me.office && me.office !== officeId) {
    show("signin");
    const err = byId("signin-error");
    err.textContent = t("counter.wrong_office");
    err.hidden = false;
    return;
  }
  counters = office?.counters ?? [];
  startLive();
  try {
    counterId = localStorage.getItem(COUNTER_KEY);
  } catch {
    counterId = null;
  }
  if (counterId && counters.some((c) => c.id === counterId)) {
    show("work");
    renderWork();
  } else pickCounter();
}

async function init() {
  await loadLang(preferredLang("id"));
  applyI18n();
  const langBtn = byId("lang-btn");
  const label = () => {
    const other = lang() === "id" ? "en" : "id";
    langBtn.textContent = other === "en" ? "English" : "Bahasa Indonesia";
    langBtn.setAttribute("lang", other);
  };
  label();
  langBtn.addEventListener("click", async () => {
    await loadLang(lang() === "id" ? "en" : "id", { remember: true });
    label();
    applyI18n();
    if (!byId("work").hidden) renderWork();
    else if (!byId("pick").hidden) pickCounter();
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

  byId("signin-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const err = byId("signin-error");
    err.hidden = true;
    try {
      await api("/session", {
        body: {
          username: /** @type {HTMLInputElement} */ (byId("username")).value.trim(),
          password: /** @type {HTMLInputElement} */ (byId("password")).value,
        },
      });
      /** @type {HTMLInputElement} */ (byId("password")).value = "";
      await start();
    } catch (ex) {
      err.textContent = ex instanceof ApiError && ex.status === 401 ? t("counter.bad_credentials") : ex instanceof Error ? ex.message : String(ex);
      err.hidden = false;
    }
  });
  byId("sign-out").addEventListener("click", async () => {
    await api("/session", { method: "DELETE" }).catch(() => {});
    me = null;
    live?.stop();
    live = null;
    await start();
  });
  byId("change-counter").addEventListener("click", pickCounter);
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
  document.addEventListener("keydown", onKey);
  setInterval(tickTimer, 1000);
  await start();
}

void init();
