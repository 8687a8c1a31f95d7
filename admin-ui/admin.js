// @ts-check
/**
 * @file A minimal supervisor page: sign in, then a live monitor of an
 * office (counters with their state and number, waiting per service,
 * the latest events) from the public live stream, and a report over a
 * range of business days: per service tickets, outcomes, channels, mean
 * wait and service time, and the satisfaction index (IKM) with its grade.
 * Supervisors (not clerks) stop issuing tickets for a service, with a
 * message for citizens, and resume it; edit the lobby display's running
 * text; pause (with a reason) and close counters; change the office's
 * configuration (`#config`, config.js); manage the staff (`#staff`,
 * staff.js) and the kiosks and displays (`#devices`, devices.js); read the
 * audit log (`#audit`, audit.js). Everyone sees which clerk holds each
 * counter, live; supervisors release one a clerk left open. A
 * configuration changed by anyone (the stream's `configured`) fetches the
 * office and its configuration again.
 */
import { api, ApiError, errorText } from "../shared-ui/api.js";
import { byId, fill, h } from "../shared-ui/dom.js";
import { applyI18n, clock, duration, lang, langSwitch, locale, loadLang, num, preferredLang, serviceName, t, waitText } from "../shared-ui/i18n.js";
import { followOffice, OfficeState, Reconfiguring, suspendedNow } from "../shared-ui/office.js";
import { mountStaffTools, resetSignIn, signedIn, signInForm, signOut, whoami } from "../shared-ui/session.js";
import { mountAudit, rewordAudit, setAuditContext, showAudit } from "./audit.js";
import { mountConfig, refreshConfig, rewordConfig, showConfig, showPart } from "./config.js";
import { mountDevices, rewordDevices, setDevicesOffice, showDevices } from "./devices.js";
import { confirmDialog } from "./forms.js";
import { setZone } from "./pieces.js";
import { mountStaff, rewordStaff, setStaffContext, showStaff } from "./staff.js";
import { at, has, loadAdminStrings, reword } from "./strings.js";

/**
 * @typedef {import("../shared-ui/contract").components["schemas"]["IkmView"]} Ikm
 * @typedef {import("../shared-ui/contract").components["schemas"]["ServiceReport"]} ServiceReport (`service` null: the office total)
 * @typedef {import("../shared-ui/contract").components["schemas"]["Report"]} Report
 */

/** @type {import("../shared-ui/api.js").Office | null} */
let office = null;
/** The report on screen. @type {Report | null} */
let report = null;
/** Counters and waiting figures, from the office's live stream. */
let state = new OfficeState();
/** The latest events, newest first, worded when drawn (so in the current language). @type {{at: string, event: import("../shared-ui/live.js").PublicEvent}[]} */
let events = [];
/** @type {import("../shared-ui/live.js").Live | null} */
let live = null;
/** Fetches the office (and its configuration) again when staff change it. @type {Reconfiguring | null} */
let reconfiguring = null;
/** Whether a supervisor or an admin is signed in (the office is shown). */
let signedInNow = false;
/** A clerk or the help desk who signed in here, told this page is not theirs. @type {import("../shared-ui/session.js").Me | null} */
let staffOnlyFor = null;
/** Whether the one signed in may stop and resume services and change the configuration (a supervisor or an admin, not a clerk or the help desk). */
let canSwitch = false;
/** Who is signed in, and the offices they may choose. @type {{me: import("../shared-ui/session.js").Me, offices: import("../shared-ui/api.js").OfficeSummary[]} | null} */
let signedInAs = null;
/**
 * Each service's switch as drawn, with the state it shows and the language
 * and name it shows it in: it is drawn again only when these change, so
 * live events never wipe a message being typed.
 * @type {Map<string, {el: HTMLElement, shown: string | null | undefined, lang: string}>}
 */
const switches = new Map();

function render() {
  if (!office) return;
  const o = office;
  byId("office-name").textContent = o.name;
  renderCounters();
  fill(
    byId("services"),
    o.services.map((s) => {
      const w = state.waiting.get(s.id);
      return h(
        "tr",
        null,
        h(
          "th",
          { scope: "row" },
          h("span", { class: "c-prefix" }, s.prefix),
          " ",
          serviceName(s),
          suspendedNow(s, state.suspended) != null && h("span", { class: "a-stopped" }, t("admin.suspended")),
        ),
        h("td", { class: "num c-count" }, String(w?.waiting ?? s.waiting)),
        h("td", null, waitText(w ? w.estimated_wait_s : s.estimated_wait_s)),
        h("td", { class: "num" }, String((w ? w.remaining : s.remaining) ?? "∞")),
      );
    }),
  );
  fill(
    byId("events"),
    events.slice(0, 40).map((e) => h("li", null, `${clock(new Date(e.at), o.time_zone, true)} ${eventLine(e.event)}`)),
  );
  renderSwitches();
  renderText();
  renderReport();
}

// --- Counters ------------------------------------------------------------------

/**
 * Each counter's row as drawn. Its state and number are set on every
 * render; its controls (supervisors only) are drawn again only when the
 * counter's state or the language changes, so live events never wipe a
 * reason being chosen or typed; who holds it (with "Lepaskan loket" for
 * supervisors) only when its holder or the language changes, a refused
 * release said there until then.
 * @type {Map<string, {tr: HTMLElement, st: HTMLElement, who: HTMLElement, no: HTMLElement, act: HTMLElement | null, shown: string, held: string, refused: unknown}>}
 */
const rows = new Map();
/** The counters (ids and names) the rows were made for. */
let rowsFor = "";

function renderCounters() {
  const body = byId("counters");
  byId("counters-actions").hidden = !canSwitch;
  byId("counters-card").classList.toggle("a-wide", canSwitch);
  const names = state.counters.map((c) => `${c.id}\t${c.name}`).join("\n");
  if (names !== rowsFor) {
    rowsFor = names;
    rows.clear();
    fill(body);
  }
  for (const c of state.counters) {
    let row = rows.get(c.id);
    if (!row) {
      const st = h("td", null);
      const who = h("td", { class: "a-holder" });
      const no = h("td", { class: "num" });
      const act = canSwitch ? h("td", { class: "a-actions" }) : null;
      row = { tr: h("tr", { "data-counter": c.id }, h("th", { scope: "row", id: `ct-${c.id}`, tabindex: "-1" }, c.name), st, who, no, act), st, who, no, act, shown: "", held: "", refused: null };
      rows.set(c.id, row);
      body.append(row.tr);
    }
    row.st.textContent = t(`counter.state.${c.state}`) + (c.reason ? ` (${c.reason})` : "");
    row.no.textContent = c.number ? `${c.number} · ${t(`status.${c.ticket_status}`)}` : "—";
    const held = `${c.clerk ?? ""}|${lang()}`;
    if (row.held !== held) {
      // A refused release is said until the holder changes again ("" : drawn again to say it).
      if (row.held) row.refused = null;
      row.held = held;
      drawHolder(c, row);
    }
    const key = `${c.state}|${lang()}`;
    if (row.act && row.shown !== key) {
      row.shown = key;
      drawCounterActions(c, row.act, /** @type {HTMLElement} */ (row.tr.firstChild));
    }
  }
}

/**
 * Who holds a counter ("dipegang petugas1", "tidak dipegang"); for
 * supervisors, while a clerk holds it, "Lepaskan loket", asked first.
 * Focus on the button stays there, or goes to the counter's name once
 * nobody holds it.
 * @param {import("../shared-ui/live.js").Counter} c
 * @param {{tr: HTMLElement, who: HTMLElement, held: string, refused: unknown}} row
 */
function drawHolder(c, row) {
  const had = row.who.contains(document.activeElement);
  const name = /** @type {HTMLElement} */ (row.tr.firstChild);
  const text = h("span", { class: c.clerk ? "a-held" : "a-free" }, c.clerk ? at("monitor.held", { clerk: c.clerk }) : at("monitor.not_held"));
  const err = h("p", { id: `ct-rel-err-${c.id}`, class: "error-msg a-switch-error", role: "alert", hidden: row.refused == null }, row.refused == null ? "" : errorText(row.refused));
  if (!canSwitch || !c.clerk) {
    fill(row.who, text, err);
    if (had) name.focus();
    return;
  }
  const clerk = c.clerk;
  const button = h(
    "button",
    {
      type: "button",
      class: "btn a-small btn-stop",
      "data-release": c.id,
      "aria-describedby": err.id,
      onclick: async () => {
        row.refused = null;
        err.hidden = true;
        byId("counter-status").textContent = "";
        const counter = state.counter(c.id);
        const question = ["monitor.release_q", { counter: c.name, clerk, state: t(`counter.state.${counter?.state ?? c.state}`).toLocaleLowerCase(locale()) }];
        if (!(await confirmDialog(/** @type {import("./forms.js").Words} */ (question), "monitor.release_yes"))) return;
        try {
          /** @type {import("../shared-ui/live.js").Counter} */
          const view = await api(`/offices/${encodeURIComponent(office?.id ?? "")}/counters/${encodeURIComponent(c.id)}/release`, { method: "POST" });
          if (counter) counter.clerk = view.clerk;
          byId("counter-status").textContent = at("monitor.released", { counter: c.name });
          render();
          name.focus();
        } catch (e) {
          // Said in the cell drawn again, which may already show that nobody holds it (409 counter_not_held).
          row.refused = e;
          row.held = "";
          render();
          (/** @type {HTMLElement | null} */ (row.who.querySelector("button")) ?? name).focus();
        }
      },
    },
    at("monitor.release"),
    h("span", { class: "visually-hidden" }, ` (${c.name})`),
  );
  fill(row.who, text, " ", button, err);
  if (had) button.focus();
}

/**
 * The day's end releases every counter (the server's new day starts with
 * none held); shared-ui/office.js's OfficeState follows `counter_taken`
 * but not this yet.
 * @param {import("../shared-ui/live.js").ServerMsg} msg
 */
function releaseAtDayEnd(msg) {
  if (msg.type === "event" && msg.event.kind === "day_ended") for (const c of state.counters) c.clerk = null;
}

/** The common reasons for a pause, as in the counter page, and "other" with a field. */
const REASONS = ["break", "prayer", "meeting", "other"];

/** What to say about a refused pause or close: by its code in our words, else the server's. @param {unknown} e */
function counterError(e) {
  if (e instanceof ApiError && ["counter_busy", "counter_already_in_state", "counter_not_open", "pause_reason_required", "forbidden"].includes(e.code)) return t(`err.${e.code}`);
  return errorText(e);
}

/**
 * A counter's controls: while open, a reason with "Jeda" and "Tutup";
 * while paused, "Tutup"; closed, none (focus goes to the counter's name).
 * Focus inside them stays inside them.
 * @param {import("../shared-ui/live.js").Counter} c
 * @param {HTMLElement} el
 * @param {HTMLElement} name the row's heading cell
 */
function drawCounterActions(c, el, name) {
  const had = el.contains(document.activeElement);
  const id = c.id;
  const who = h("span", { class: "visually-hidden" }, ` (${c.name})`);
  const err = h("p", { id: `ct-err-${id}`, class: "error-msg a-switch-error", role: "alert", hidden: true });
  const path = (/** @type {string} */ action) => `/offices/${encodeURIComponent(office?.id ?? "")}/counters/${encodeURIComponent(id)}/${action}`;
  const refuse = (/** @type {unknown} */ e, /** @type {HTMLElement} */ focus) => {
    err.textContent = counterError(e);
    err.hidden = false;
    if (focus instanceof HTMLInputElement) focus.setAttribute("aria-invalid", "true");
    focus.focus();
  };
  /** The counter as the server answered, on screen at once (the live event says the same a moment later). */
  const done = (/** @type {import("../shared-ui/live.js").Counter} */ view, /** @type {string} */ said) => {
    const mine = state.counter(id);
    if (mine) Object.assign(mine, { state: view.state, reason: view.reason });
    byId("counter-status").textContent = said;
    render();
  };
  const close = h(
    "button",
    {
      type: "button",
      class: "btn a-small btn-stop",
      "data-close": id,
      "aria-describedby": `ct-err-${id}`,
      onclick: async () => {
        try {
          done(await api(path("close"), { method: "POST" }), t("admin.closed_done", { counter: c.name }));
        } catch (e) {
          refuse(e, close);
        }
      },
    },
    t("admin.close"),
    who.cloneNode(true),
  );
  if (c.state === "open") {
    const select = /** @type {HTMLSelectElement} */ (
      h(
        "select",
        { id: `ct-reason-${id}`, name: "reason", "data-reason": id },
        REASONS.map((r) => h("option", { value: r }, t(`reason.${r}`))),
      )
    );
    const other = /** @type {HTMLInputElement} */ (
      h("input", {
        id: `ct-other-${id}`,
        name: "other",
        type: "text",
        maxlength: 64,
        autocomplete: "off",
        "aria-required": "true",
        "aria-describedby": `ct-err-${id}`,
        oninput: () => {
          other.removeAttribute("aria-invalid");
          err.hidden = true;
        },
      })
    );
    const otherBox = h("span", { class: "a-other", hidden: true }, h("label", { for: `ct-other-${id}` }, t("admin.pause_other"), who.cloneNode(true)), other);
    select.addEventListener("change", () => {
      otherBox.hidden = select.value !== "other";
      err.hidden = true;
      if (!otherBox.hidden) other.focus();
    });
    const submit = async (/** @type {Event} */ e) => {
      e.preventDefault();
      const reason = select.value === "other" ? other.value : t(`reason.${select.value}`);
      try {
        done(await api(path("pause"), { body: { reason } }), t("admin.paused_done", { counter: c.name, reason: reason.trim() }));
      } catch (e) {
        refuse(e, select.value === "other" ? other : select);
      }
    };
    fill(
      el,
      h(
        "form",
        { class: "a-counter-form", novalidate: true, onsubmit: submit },
        h("label", { for: `ct-reason-${id}`, class: "visually-hidden" }, t("admin.pause_reason"), who.cloneNode(true)),
        select,
        otherBox,
        h("button", { type: "submit", class: "btn a-small", "data-pause": id, "aria-describedby": `ct-err-${id}` }, t("admin.pause"), who.cloneNode(true)),
        close,
      ),
      err,
    );
    if (had) select.focus();
  } else if (c.state === "paused") {
    fill(el, close, err);
    if (had) close.focus();
  } else {
    fill(el);
    if (had) name.focus();
  }
}

// --- Running text ------------------------------------------------------------------

/** The running text as the server last said it (the field is set from it only while not edited). */
let savedText = "";
/** The last refusal of a save, worded again when the language changes. @type {unknown} */
let textError = null;

/** Characters as the server counts them (code points, not UTF-16 units). @param {string} s */
const chars = (s) => [...s].length;

/** The running text card, for supervisors: the count and any refusal in the current language. */
function renderText() {
  byId("text-card").hidden = !canSwitch || !office;
  const area = /** @type {HTMLTextAreaElement} */ (byId("rt-text"));
  const n = chars(area.value);
  byId("rt-count").textContent = n > 500 ? t("admin.text_over", { n: num(n), over: num(n - 500) }) : t("admin.text_count", { n: num(n) });
  byId("rt-count").classList.toggle("is-over", n > 500);
  const err = byId("rt-err");
  err.hidden = textError == null;
  err.textContent = textError == null ? "" : textError instanceof ApiError && ["running_text_too_long", "forbidden"].includes(textError.code) ? t(`err.${textError.code}`) : errorText(textError);
}

/**
 * The running text the office now shows (fetched, or from the stream):
 * into the field only if the supervisor has not changed what was there.
 * @param {string} text
 */
function showSavedText(text) {
  const area = /** @type {HTMLTextAreaElement} */ (byId("rt-text"));
  if (area.value === savedText) area.value = text;
  savedText = text;
}

async function saveText() {
  if (!office) return;
  const area = /** @type {HTMLTextAreaElement} */ (byId("rt-text"));
  const status = byId("rt-status");
  status.textContent = "";
  try {
    /** @type {import("../shared-ui/contract").components["schemas"]["RunningText"]} */
    const r = await api(`/offices/${encodeURIComponent(office.id)}/running-text`, { method: "PUT", body: { text: area.value } });
    textError = null;
    area.removeAttribute("aria-invalid");
    savedText = area.value = r.text;
    office.running_text = r.text;
    status.textContent = t("admin.text_saved");
  } catch (e) {
    textError = e;
    area.setAttribute("aria-invalid", "true");
    area.focus();
  }
  renderText();
}

// --- Stopping a service --------------------------------------------------------

/** What to say about a refused stop or resume: by its code in our words, else the server's. @param {unknown} e */
function switchError(e) {
  if (e instanceof ApiError && ["suspend_message_required", "service_not_suspended", "forbidden"].includes(e.code)) return t(`err.${e.code}`);
  return errorText(e);
}

/** Each service's switch, for supervisors; drawn again only where its state (or the language) changed. */
function renderSwitches() {
  const card = byId("switches-card");
  const list = byId("switches");
  card.hidden = !canSwitch || !office;
  if (card.hidden || !office) {
    switches.clear();
    fill(list);
    return;
  }
  // A service removed from the configuration takes its switch with it.
  for (const [id, sw] of switches) {
    if (office.services.some((s) => s.id === id)) continue;
    sw.el.remove();
    switches.delete(id);
  }
  for (const s of office.services) {
    let sw = switches.get(s.id);
    if (!sw) {
      sw = { el: h("li", { class: "a-switch", "data-switch": s.id }), shown: undefined, lang: "" };
      switches.set(s.id, sw);
      list.append(sw.el);
    }
    const stopped = suspendedNow(s, state.suspended);
    const label = `${lang()}\t${s.prefix}\t${serviceName(s)}`;
    if (sw.shown === stopped && sw.lang === label) continue;
    sw.shown = stopped;
    sw.lang = label;
    drawSwitch(s, sw.el, stopped);
  }
}

/**
 * One service's switch: while it issues, the message field and "Hentikan
 * sementara"; while stopped, the message and "Lanjutkan". Focus inside it
 * stays inside it (on the control now offered).
 * @param {import("../shared-ui/api.js").Service} s
 * @param {HTMLElement} el
 * @param {string | null} stopped the staff's message while stopped
 */
function drawSwitch(s, el, stopped) {
  const had = el.contains(document.activeElement);
  const id = s.id;
  const who = h("span", { class: "visually-hidden" }, ` (${serviceName(s)})`);
  const err = h("p", { id: `sw-err-${id}`, class: "error-msg a-switch-error", role: "alert", hidden: true });
  const refuse = (/** @type {unknown} */ e, /** @type {HTMLElement} */ focus) => {
    err.textContent = switchError(e);
    err.hidden = false;
    if (focus instanceof HTMLInputElement) focus.setAttribute("aria-invalid", "true");
    focus.focus();
  };
  const head = h("h3", { id: `sw-${id}` }, h("span", { class: "c-prefix" }, s.prefix), " ", serviceName(s));
  if (stopped == null) {
    const input = h("input", {
      id: `sw-msg-${id}`,
      name: "message",
      type: "text",
      maxlength: 120,
      autocomplete: "off",
      "aria-required": "true",
      "aria-describedby": `sw-hint-${id} sw-err-${id}`,
      oninput: () => {
        input.removeAttribute("aria-invalid");
        err.hidden = true;
      },
    });
    const submit = async (/** @type {Event} */ e) => {
      e.preventDefault();
      try {
        await setSuspended(s, await api(`/offices/${encodeURIComponent(office?.id ?? "")}/services/${encodeURIComponent(id)}/suspend`, { body: { message: input.value } }));
        byId("switch-status").textContent = t("admin.suspend_done", { service: serviceName(s) });
      } catch (e) {
        refuse(e, input);
      }
    };
    fill(
      el,
      head,
      h("p", { class: "a-switch-state is-on" }, t("admin.issuing")),
      h(
        "form",
        { class: "a-switch-form", novalidate: true, onsubmit: submit },
        h("label", { for: `sw-msg-${id}` }, t("admin.suspend_label"), who),
        input,
        h("p", { id: `sw-hint-${id}`, class: "a-hint" }, t("admin.suspend_hint")),
        err,
        h("button", { type: "submit", class: "btn btn-stop", "data-suspend": id }, t("admin.suspend"), who.cloneNode(true)),
      ),
    );
    if (had) input.focus();
  } else {
    const button = h(
      "button",
      {
        type: "button",
        class: "btn btn-brand",
        "data-resume": id,
        onclick: async () => {
          try {
            await setSuspended(s, await api(`/offices/${encodeURIComponent(office?.id ?? "")}/services/${encodeURIComponent(id)}/resume`, { method: "POST" }));
            byId("switch-status").textContent = t("admin.resume_done", { service: serviceName(s) });
          } catch (e) {
            refuse(e, button);
          }
        },
      },
      t("admin.resume"),
      who,
    );
    fill(
      el,
      head,
      h("p", { class: "a-switch-state is-off" }, h("strong", null, t("admin.suspended")), ": ", h("span", { class: "a-switch-msg", lang: office?.languages[0] ?? "id" }, stopped)),
      err,
      button,
    );
    if (had) button.focus();
  }
}

/**
 * The service as the server answered a stop or resume, on screen at once
 * (the live event says the same a moment later).
 * @param {import("../shared-ui/api.js").Service} s
 * @param {import("../shared-ui/api.js").Service} view
 */
function setSuspended(s, view) {
  Object.assign(s, view);
  state.suspended.set(s.id, view.suspended);
  render();
}

// --- Report ------------------------------------------------------------------

/** The report's columns: heading key and cell text. @type {[string, (r: ServiceReport) => string][]} */
const COLUMNS = [
  ["report.issued", (r) => num(r.issued)],
  ["report.done", (r) => num(r.done)],
  ["report.no_show", (r) => num(r.no_show)],
  ["report.cancelled", (r) => num(r.cancelled)],
  ["report.expired", (r) => num(r.expired)],
  ["report.priority", (r) => num(r.priority)],
  ["report.online", (r) => num(r.online)],
  ["report.kiosk", (r) => num(r.kiosk)],
  ["report.mean_wait", (r) => duration(r.mean_wait_s)],
  ["report.mean_service", (r) => duration(r.mean_service_s)],
  ["report.respondents", (r) => num(r.ikm.respondents)],
  ["report.score", (r) => num(r.ikm.score)],
  ["report.grade", (r) => gradeText(r.ikm)],
];

/** "A · Sangat Baik" (the grade's name in the current language). @param {Ikm} ikm */
function gradeText(ikm) {
  return ikm.grade ? `${ikm.grade} · ${t(`ikm.grade.${ikm.grade}`)}` : t("none");
}

/** A table in a scrollable region (reachable by keyboard when it scrolls). @param {HTMLTableElement} table */
function scrollable(table) {
  return h("div", { class: "a-scroll", role: "group", tabindex: "0", "aria-label": t("report.scroll") }, table);
}

function renderReport() {
  const r = report;
  const o = office;
  if (!r || !o) {
    fill(byId("report"));
    return;
  }
  const name = (/** @type {string | null | undefined} */ id) => {
    const s = o.services.find((x) => x.id === id);
    return s ? serviceName(s) : (id ?? t("report.total"));
  };
  const row = (/** @type {ServiceReport} */ sr) =>
    h("tr", { "data-service": sr.service ?? "total" }, h("th", { scope: "row" }, name(sr.service)), COLUMNS.map(([, cell]) => h("td", { class: "num" }, cell(sr))));
  const ikm = r.total.ikm;
  fill(
    byId("report"),
    scrollable(
      h(
        "table",
        { class: "a-table", id: "report-table" },
        h("caption", null, t("report.caption", { from: r.from, to: r.to })),
        h("thead", null, h("tr", null, h("th", { scope: "col" }, t("report.service")), COLUMNS.map(([key]) => h("th", { scope: "col" }, t(key))))),
        h("tbody", null, r.services.map(row)),
        h("tfoot", null, row(r.total)),
      ),
    ),
    h("h3", null, t("report.ikm_title")),
    ikm.score == null
      ? h("p", { id: "ikm-summary" }, t("report.ikm_empty"))
      : h(
          "p",
          { class: "a-ikm-summary", id: "ikm-summary" },
          t("report.ikm_summary", { score: num(ikm.score), grade: ikm.grade ?? "", name: ikm.grade ? t(`ikm.grade.${ikm.grade}`) : "", n: ikm.respondents }),
        ),
    ikm.respondents > 0 &&
      h(
        "p",
        { id: "ikm-sample", class: ikm.sample_enough ? "a-hint" : "a-warn" },
        at(ikm.sample_enough ? "report.sample_ok" : "report.sample_short", { n: num(ikm.respondents), served: num(ikm.served), min: num(ikm.minimum_sample) }),
      ),
    ikm.respondents > 0 &&
      scrollable(
        h(
          "table",
          { class: "a-table", id: "ikm-table" },
          h("caption", null, t("report.ikm_caption")),
          h("thead", null, h("tr", null, h("th", { scope: "col" }, t("report.element")), h("th", { scope: "col" }, t("report.nrr")))),
          h(
            "tbody",
            null,
            // The elements in the regulation's order, named by number in the strings.
            ikm.elements.map((_, i) => h("tr", null, h("th", { scope: "row" }, `${i + 1}. ${t(`ikm.${i + 1}`)}`), h("td", { class: "num" }, num(ikm.nrr[i])))),
          ),
        ),
      ),
    h("h3", null, at("report.suggestions_title")),
    r.suggestions.length === 0
      ? h("p", { id: "suggestions-count" }, at("report.suggestions_none"))
      : [
          h("p", { id: "suggestions-count", class: "a-hint" }, at("report.suggestions_count", { shown: num(r.suggestions.length), total: num(r.suggestions_total) })),
          h(
            "ul",
            { id: "suggestions", class: "a-suggestions" },
            r.suggestions.map((s) => h("li", null, h("span", { class: "a-hint" }, `${s.day} · ${name(s.service)}`), h("p", { class: "a-suggestion" }, s.text))),
          ),
        ],
  );
}

/** Loads the report for the form's dates; shows the server's refusal (e.g. a clerk, or `from` after `to`). */
async function loadReport() {
  if (!office) return;
  const from = /** @type {HTMLInputElement} */ (byId("report-from")).value;
  const to = /** @type {HTMLInputElement} */ (byId("report-to")).value;
  const status = byId("report-status");
  status.classList.remove("is-error");
  status.setAttribute("role", "status");
  status.textContent = t("report.loading");
  try {
    const q = new URLSearchParams({ from, to });
    report = await api(`/offices/${encodeURIComponent(office.id)}/report?${q}`);
    status.textContent = t("report.loaded", { from: report?.from ?? from, to: report?.to ?? to });
  } catch (e) {
    report = null;
    status.classList.add("is-error");
    status.setAttribute("role", "alert");
    status.textContent = errorText(e);
  }
  renderReport();
}

/**
 * The office fetched again after its configuration changed (services and
 * counters added, renamed or removed), and for supervisors the
 * configuration section; the stream goes on.
 */
async function refetch() {
  const id = office?.id;
  if (!id) return;
  /** @type {[import("../shared-ui/api.js").Office, unknown]} */
  const [o] = await Promise.all([api(`/offices/${encodeURIComponent(id)}`), canSwitch && refreshConfig()]);
  if (office?.id !== id) return;
  office = o;
  state.reconfigure(o.counters);
  render();
}

/** @param {string} id */
async function watch(id) {
  live?.stop();
  reconfiguring?.stop();
  office = await api(`/offices/${encodeURIComponent(id)}`);
  state = new OfficeState();
  state.counters = office?.counters ?? [];
  events = [];
  report = null;
  switches.clear();
  fill(byId("switches"));
  byId("switch-status").textContent = "";
  rows.clear();
  rowsFor = "";
  fill(byId("counters"));
  byId("counter-status").textContent = "";
  textError = null;
  /** @type {HTMLTextAreaElement} */ (byId("rt-text")).value = office?.running_text ?? "";
  savedText = office?.running_text ?? "";
  byId("rt-status").textContent = "";
  // Today, the office's business day, until the supervisor picks a range.
  for (const id of ["report-from", "report-to"]) /** @type {HTMLInputElement} */ (byId(id)).value = office?.day ?? "";
  setZone(office?.time_zone ?? "");
  render();
  void loadReport();
  if (canSwitch) {
    void showConfig(id);
    if (signedInAs) {
      setStaffContext(signedInAs.me, signedInAs.offices, id);
      setAuditContext(signedInAs.me, id);
    }
    setDevicesOffice(id);
    route();
  }
  const again = new Reconfiguring(refetch);
  reconfiguring = again;
  live = followOffice(id, (msg) => {
    again.see(msg, office);
    state.apply(msg);
    releaseAtDayEnd(msg);
    if (msg.type === "event") {
      const e = msg.event;
      events.unshift({ at: msg.at, event: e });
      events.length = Math.min(events.length, 40);
      if (e.kind === "running_text_changed") {
        if (office) office.running_text = e.text;
        showSavedText(e.text);
      }
    } else if (msg.type === "snapshot") showSavedText(msg.running_text);
    render();
  });
}

/**
 * A live event in one line, in the screen's language: what happened (the
 * audit log's name for its kind), then what it concerns: "Nomor dipanggil
 * (panggilan ulang) · A012 · Loket 2", "Loket terbuka · Loket 2 · petugas1".
 * @param {import("../shared-ui/live.js").PublicEvent} e
 */
function eventLine(e) {
  const name = has(`audit.kind.${e.kind}`) ? at(`audit.kind.${e.kind}`) : e.kind;
  const recall = e.kind === "ticket_called" && e.recall ? at("audit.say.recall") : "";
  const counter = "counter" in e ? e.counter : null;
  const where = "counter_name" in e ? e.counter_name : counter ? (office?.counters.find((c) => c.id === counter)?.name ?? `#${counter}`) : "";
  const known = "service" in e ? office?.services.find((s) => s.id === e.service) : undefined;
  const service = where ? "" : known ? serviceName(known) : "service" in e ? e.service : "";
  const state = "state" in e && has(`counter.state.${e.state}`) ? t(`counter.state.${e.state}`) : "";
  const change = "change" in e && has(`cfg.change.${e.change}`) ? at(`cfg.change.${e.change}`, { subject: "subject" in e ? e.subject ?? "" : "" }) : "";
  return [name + recall, "number" in e && e.number, where || service, "clerk" in e && e.clerk, state, "reason" in e && e.reason, change]
    .filter(Boolean)
    .join(" · ");
}

/** The views supervisors choose between, by the address's first part. */
const VIEWS = ["monitor", "config", "staff", "devices", "audit"];

/**
 * Shows the monitor or (supervisors) the configuration, the staff, the
 * devices or the audit log, as the address says (`#config/services`,
 * `#staff`); `focus`: its heading gets focus, after the supervisor chose
 * it. The staff, the devices and the log are fetched again each time
 * they are shown.
 * @param {boolean} [focus]
 */
function route(focus = false) {
  const hash = decodeURIComponent(location.hash.slice(1));
  const first = hash.split("/")[0];
  const view = canSwitch && VIEWS.includes(first) ? first : "monitor";
  byId("office-head").hidden = !signedInNow;
  byId("views").hidden = !canSwitch;
  for (const v of VIEWS) {
    byId(v).hidden = !signedInNow || view !== v;
    if (view === v) byId(`view-${v}`).setAttribute("aria-current", "page");
    else byId(`view-${v}`).removeAttribute("aria-current");
  }
  if (!signedInNow) return;
  if (view === "config") showPart(hash.split("/")[1] ?? "", focus);
  else if (view === "staff") void showStaff(focus);
  else if (view === "devices") void showDevices(focus);
  else if (view === "audit") void showAudit(focus);
  else if (focus) byId("office-name").focus();
}

/**
 * A clerk or the help desk signed in here: none of the office's pages (the
 * server refuses their data anyway), but who they are and the way to their
 * own screen.
 * @param {import("../shared-ui/session.js").Me} me
 */
function showStaffOnly(me) {
  const desk = me.role === "help_desk";
  byId("staff-only-body").textContent = at("staffonly.body", { user: me.username, role: at(`staff.role.${me.role}`) });
  const go = /** @type {HTMLAnchorElement} */ (byId("staff-only-go"));
  go.textContent = at(desk ? "staffonly.desk" : "staffonly.counter");
  go.href = `/${desk ? "desk" : "counter"}/${encodeURIComponent(me.office ?? "")}`;
}

async function start() {
  const me = await signedIn();
  byId("whoami").textContent = whoami(me);
  byId("sign-out").hidden = !me;
  byId("signin").hidden = !!me;
  canSwitch = me?.role === "supervisor" || me?.role === "admin";
  // Only supervisors and admins see the office here.
  signedInNow = !!me && canSwitch;
  signedInAs = null;
  staffOnlyFor = null;
  byId("staff-only").hidden = !me || canSwitch;
  route();
  if (!me || !canSwitch) {
    live?.stop();
    reconfiguring?.stop();
    if (me) {
      staffOnlyFor = me;
      showStaffOnly(me);
      byId("staff-only-title").focus();
    } else byId("username").focus();
    return;
  }
  /** @type {import("../shared-ui/api.js").OfficeSummary[]} */
  const list = await api("/offices");
  const mine = me.office ? list.filter((o) => o.id === me?.office) : list;
  const select = /** @type {HTMLSelectElement} */ (byId("office-select"));
  fill(select, mine.map((o) => h("option", { value: o.id }, o.name)));
  signedInAs = { me, offices: mine };
  select.onchange = () => void watch(select.value);
  if (mine[0]) await watch(mine[0].id);
}

async function init() {
  await Promise.all([loadLang(preferredLang("id")), loadAdminStrings()]);
  applyI18n();
  reword();
  mountConfig(byId("config"));
  mountStaff(byId("staff"));
  mountDevices(byId("devices"));
  mountAudit(byId("audit"));
  langSwitch(byId("lang-btn"), () => {
    reword(byId("views"));
    reword(byId("staff-only"));
    if (staffOnlyFor) showStaffOnly(staffOnlyFor);
    rewordConfig();
    rewordStaff();
    rewordDevices();
    rewordAudit();
    render();
  });
  window.addEventListener("hashchange", () => route(true));
  signInForm("admin.signin_title", start);
  byId("text-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void saveText();
  });
  byId("rt-text").addEventListener("input", () => {
    byId("rt-text").removeAttribute("aria-invalid");
    byId("rt-status").textContent = "";
    textError = null;
    renderText();
  });
  byId("report-form").addEventListener("submit", (e) => {
    e.preventDefault();
    void loadReport();
  });
  // "Akun": one's own password, and signing out everywhere (then the sign-in card, saying so).
  mountStaffTools(byId("sign-out"), async (notice) => {
    resetSignIn(notice);
    await start();
  });
  byId("sign-out").addEventListener("click", async () => {
    await signOut();
    await start();
  });
  await start();
}

void init();
