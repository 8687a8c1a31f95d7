// @ts-check
/**
 * @file The audit log section of /admin (`#audit`), for supervisors (their
 * office's log and the account changes that concern it) and admins (any
 * office, or everything): filters by day, who, what and ticket number;
 * the entries newest first, each said as a sentence ("Nomor A012
 * dipanggil ke Loket 2"), in the office's local time, with who did it and
 * its place in the log; older and newer pages (a stack of `before`
 * cursors, since the server pages one way only); the same entries as CSV;
 * and whether the hash chain is intact, checked when the section is shown
 * and on demand. The server already leaves out ticket codes and survey
 * answers; a survey is said without an actor.
 */
import { api } from "../shared-ui/api.js";
import { fill, h } from "../shared-ui/dom.js";
import { lang, locale, num, serviceName } from "../shared-ui/i18n.js";
import { FormView, errorBox, field, hideRefusal, input, refusalWords, select } from "./forms.js";
import { at, has, reword, tx, w } from "./strings.js";

/**
 * @typedef {import("../shared-ui/contract").components["schemas"]} S
 * @typedef {S["AuditEntry"]} Entry
 * @typedef {S["AuditPage"]} Page
 * @typedef {S["ChainCheck"]} Chain
 * @typedef {S["Me"]} Me
 * @typedef {import("../shared-ui/api.js").Office} Office
 * @typedef {import("./forms.js").Words} Words
 * @typedef {import("./strings.js").Vars} Vars
 * @typedef {Record<string, import("./strings.js").Var | undefined>} Loose placeholders, some perhaps missing from the details
 */

/** The kinds of entry, grouped as the filter offers them. */
const KINDS = {
  tickets: ["ticket_issued", "ticket_called", "ticket_serving", "ticket_done", "ticket_no_show", "ticket_requeued", "ticket_transferred", "ticket_cancelled", "priority_confirmed", "document_status", "survey_submitted"],
  counters: ["counter_state", "counter_taken"],
  office: ["service_suspended", "service_resumed", "running_text_changed", "configured", "day_ended"],
  staff: ["user_added", "user_changed", "user_disabled", "user_enabled", "password_reset", "password_changed", "signed_out_everywhere", "signed_in", "sign_in_failed", "signed_out"],
  devices: ["device_added", "device_changed", "device_revoked"],
  privacy: ["personal_erased"],
};

/** Entries a page, as offered (the server takes 1 to 50). */
const PAGE_SIZES = ["10", "25", "50"];

/** Who is signed in. @type {Me | null} */
let me = null;
/** The office chosen at the top of the page. */
let officeId = "";
/** The filters of the entries on screen (`office`, `day`, `actor`, `kind`, `number`, `limit`). */
let applied = new URLSearchParams();
/** The `before` of each page from the newest to the one shown (null: the newest). @type {(number | null)[]} */
let cursors = [null];
/** The page on screen. @type {Page | null} */
let page = null;
/** The chain as last checked: "checking", its result, or the refusal. @type {{checking: boolean, result: Chain | null, error: unknown}} */
let chain = { checking: false, result: null, error: null };
/** Offices by id, for the names of their counters and services and their time zone. @type {Map<string, Promise<Office | null>>} */
const offices = new Map();
/** Offices as fetched, for drawing without waiting. @type {Map<string, Office>} */
const known = new Map();
/** Answers arriving after a newer request are dropped. */
let loads = 0;
let checks = 0;
/** @type {Record<string, HTMLElement>} */
let ui = {};
/** @type {FormView} */
let form;
/** @type {Record<string, HTMLInputElement | HTMLSelectElement>} */
let filters = {};

/** Builds the section in `el` (once). @param {HTMLElement} el */
export function mountAudit(el) {
  const head = tx(h("h2", { id: "audit-h", tabindex: "-1" }), "audit.title");
  const chainStatus = h("p", { id: "audit-chain-status", class: "a-chain-text", role: "status" });
  const chainAlarm = h("div", { id: "audit-chain-alarm", class: "a-chain-text", role: "alert" });
  const verify = h("button", { type: "button", class: "btn a-small", id: "audit-verify", onclick: () => void checkChain() }, w("audit.chain.check"));
  const chainBox = h("div", { class: "a-chain", id: "audit-chain" }, chainStatus, chainAlarm, verify);

  form = new FormView("audit-filter", "audit", "audit.show");
  const day = input({ type: "date" });
  const actor = input({ list: "audit-actors", spellcheck: "false", autocapitalize: "none", maxlength: 80 });
  const kind = h("select", null);
  const number = input({ spellcheck: "false", autocapitalize: "characters", maxlength: 12, class: "a-number" });
  const limit = select(PAGE_SIZES.map((n) => [n, "audit.per_page_n", { n }]));
  limit.value = "25";
  const scope = select([
    ["office", "audit.scope.office"],
    ["all", "audit.scope.all"],
  ]);
  filters = { day, actor, kind, number, limit, scope };
  const scopeField = field(form, "office", scope, "audit.scope", { hint: "audit.scope_hint" });
  scopeField.id = "audit-scope-box";
  const actors = h("datalist", { id: "audit-actors" });
  const clear = h("button", { type: "button", class: "btn", id: "audit-filter-clear", onclick: () => void clearFilters() }, w("audit.clear"));
  form.actions.append(clear);
  form.el.classList.add("a-filters");
  form.el.append(
    h(
      "div",
      { class: "a-filter-fields" },
      field(form, "day", day, "audit.day", { hint: "audit.day_hint" }),
      field(form, "actor", actor, "audit.actor", { hint: "audit.actor_hint" }),
      field(form, "kind", kind, "audit.kind"),
      field(form, "number", number, "audit.number", { hint: "audit.number_hint" }),
      field(form, "limit", limit, "audit.per_page"),
      scopeField,
    ),
    actors,
    ...form.end(),
  );
  form.onSubmit(async () => {
    const scope = applied.get("office");
    applied = chosenFilters();
    // An admin who now reads every office is offered everyone's names.
    if (applied.get("office") !== scope) void suggestActors();
    await load(0, [null]);
    return null;
  });

  const status = h("p", { id: "audit-status", class: "c-message", role: "status" });
  const loadErr = errorBox("audit-load");
  const caption = h("caption", { id: "audit-caption" });
  const list = h("tbody", { id: "audit-list" });
  const table = h(
    "table",
    { class: "a-table a-audit", id: "audit-table" },
    caption,
    h("thead", null, h("tr", null, ["at", "what", "who"].map((c) => h("th", { scope: "col", class: `a-col-${c}` }, w(`audit.col.${c}`))))),
    list,
  );
  const empty = tx(h("p", { id: "audit-empty", class: "a-hint", hidden: true }), "audit.empty");
  const newer = h("button", { type: "button", class: "btn a-small", id: "audit-newer", onclick: () => void turn(-1) }, w("audit.newer"));
  const older = h("button", { type: "button", class: "btn a-small", id: "audit-older", onclick: () => void turn(1) }, w("audit.older"));
  const where = h("span", { id: "audit-page", class: "a-page-no" });
  const pageErr = errorBox("audit-page-err");
  const pager = h(
    "nav",
    { class: "a-pager", "aria-labelledby": "audit-pager-label" },
    tx(h("span", { id: "audit-pager-label", class: "visually-hidden" }), "audit.pager"),
    newer,
    where,
    older,
  );
  const csv = h("a", { id: "audit-csv", class: "btn a-small", href: "#" }, w("audit.csv"));
  fill(
    el,
    h(
      "section",
      { class: "c-card cfg-part", "aria-labelledby": head.id },
      head,
      tx(h("p", { class: "a-hint cfg-intro" }), "audit.intro"),
      chainBox,
      form.el,
      h("div", { class: "a-results-tools" }, status, csv),
      loadErr,
      empty,
      h("div", { class: "a-scroll", role: "group", tabindex: "0", "aria-labelledby": caption.id }, table),
      pager,
      pageErr,
    ),
  );
  ui = { head, chainBox, chainStatus, chainAlarm, verify, scopeField, actors, status, loadErr, caption, list, table, empty, newer, older, where, pageErr, pager, csv };
  drawKinds();
}

/** The kind filter's options, in the current language (the choice kept). */
function drawKinds() {
  const kind = /** @type {HTMLSelectElement} */ (filters.kind);
  const chosen = kind.value;
  fill(
    kind,
    h("option", { value: "" }, at("audit.kind.any")),
    Object.entries(KINDS).map(([group, kinds]) => h("optgroup", { label: at(`audit.group.${group}`) }, kinds.map((k) => h("option", { value: k }, at(`audit.kind.${k}`))))),
  );
  kind.value = chosen;
}

/**
 * Who is signed in and the office chosen; another office starts the
 * section again (its filters emptied).
 * @param {Me} who
 * @param {string} office
 */
export function setAuditContext(who, office) {
  const again = me?.username !== who.username || officeId !== office;
  me = who;
  officeId = office;
  ui.scopeField.hidden = who.role !== "admin";
  if (!again) return;
  form.el.reset();
  form.clear();
  /** @type {HTMLSelectElement} */ (filters.limit).value = "25";
  applied = chosenFilters();
  cursors = [null];
  page = null;
  chain = { checking: false, result: null, error: null };
  render();
}

/** Shows the section: the newest page again, the chain checked; `focus`: its heading gets focus. @param {boolean} [focus] */
export async function showAudit(focus = false) {
  if (focus) ui.head.focus();
  if (!me || !officeId) return;
  offices.clear();
  void suggestActors();
  void checkChain();
  try {
    await load(0, [null]);
  } catch (e) {
    tx(ui.loadErr, ...refusalWords(e, "audit"));
    ui.loadErr.hidden = false;
  }
}

/** Words the section again in the current language, keeping what is typed. */
export function rewordAudit() {
  const root = ui.head?.closest("section");
  if (!root) return;
  reword(root);
  drawKinds();
  render();
}

/** The filters as chosen in the form. */
function chosenFilters() {
  const q = new URLSearchParams();
  const all = me?.role === "admin" && filters.scope.value === "all";
  if (!all && officeId) q.set("office", officeId);
  for (const name of ["day", "actor", "kind", "number"]) {
    const v = filters[name].value.trim();
    if (v) q.set(name, v);
  }
  q.set("limit", filters.limit.value);
  return q;
}

/** Empties the filters and shows the newest entries. */
async function clearFilters() {
  const size = filters.limit.value;
  const scope = filters.scope.value;
  form.el.reset();
  form.clear();
  filters.limit.value = size;
  filters.scope.value = scope;
  form.el.requestSubmit();
}

/** The office's staff as suggestions for "who" (an admin seeing everything: everyone). */
async function suggestActors() {
  const all = !applied.has("office");
  try {
    /** @type {S["UserView"][]} */
    const users = await api(all ? "/users" : `/users?office=${encodeURIComponent(officeId)}`);
    fill(
      ui.actors,
      users.map((u) => u.username).sort((a, b) => a.localeCompare(b)).map((name) => h("option", { value: name })),
    );
  } catch {
    // Suggestions only: the field works without them.
    fill(ui.actors);
  }
}

/**
 * Shows the page `at` of the pages known (`list`: their cursors), with
 * the filters applied. Rejects with the server's refusal; what is on
 * screen then stays.
 * @param {number} index
 * @param {(number | null)[]} list
 */
async function load(index, list) {
  const n = ++loads;
  const q = new URLSearchParams(applied);
  const before = list[index];
  if (before != null) q.set("before", String(before));
  hideRefusal(ui.loadErr);
  hideRefusal(ui.pageErr);
  tx(ui.status, "audit.loading");
  /** @type {Page} */
  const p = await api(`/audit?${q}`).catch((e) => {
    if (n === loads) ui.status.textContent = "";
    throw e;
  });
  if (n !== loads) return;
  await Promise.all(p.entries.map((e) => officeFor(e)));
  if (n !== loads) return;
  page = p;
  cursors = list.slice(0, index + 1);
  render();
  // What is on screen, for whoever waits for it (the browser tests).
  ui.table.setAttribute("data-query", String(q));
  ui.table.setAttribute("data-loads", String(n));
}

/** An older (1) or newer (-1) page; focus stays on the button, or moves to the other when it ends. @param {1 | -1} step */
async function turn(step) {
  const button = step > 0 ? ui.older : ui.newer;
  const here = cursors.length - 1;
  /** @type {(number | null)[]} */
  const list = step > 0 ? [...cursors, page?.next_before ?? null] : cursors;
  if (step > 0 && page?.next_before == null) return;
  if (step < 0 && here === 0) return;
  try {
    await load(here + step, list);
    const other = step > 0 ? ui.newer : ui.older;
    (/** @type {HTMLButtonElement} */ (button).disabled ? other : button).focus();
  } catch (e) {
    tx(ui.pageErr, ...refusalWords(e, "audit"));
    ui.pageErr.hidden = false;
    button.focus();
  }
}

/** The office an entry is about (its log's, or the one an account change concerns), fetched once. @param {Entry} e */
function officeIdOf(e) {
  const d = details(e);
  if (e.log !== "@accounts") return e.log;
  return typeof d.office === "string" ? d.office : officeId;
}

/** @param {Entry} e */
function officeFor(e) {
  const id = officeIdOf(e);
  let p = offices.get(id);
  if (!p) {
    p = api(`/offices/${encodeURIComponent(id)}`)
      .then((/** @type {Office} */ o) => {
        known.set(id, o);
        return o;
      })
      .catch(() => null);
    offices.set(id, p);
  }
  return p;
}

/** An entry's details as the object they are. @param {Entry} e @returns {Record<string, any>} */
const details = (e) => (e.details && typeof e.details === "object" ? e.details : {});

/** A counter's name in an office, else "loket 7" (a counter since removed). @param {Office | undefined} o @param {unknown} id */
function counterName(o, id) {
  if (id == null) return undefined;
  return o?.counters.find((c) => c.id === id)?.name ?? at("audit.counter_id", { id: String(id) });
}

/** A service's name in the current language, else its id. @param {Office | undefined} o @param {unknown} id */
function serviceWords(o, id) {
  if (id == null) return undefined;
  const s = o?.services.find((x) => x.id === id);
  return s ? serviceName(s) : String(id);
}

/** A name in the current language from a map of names per language. @param {Record<string, string> | undefined} names */
const named = (names) => (names ? (names[lang()] ?? Object.values(names)[0]) : undefined);

/** What a configuration change was about, in words. @param {Office | undefined} o @param {Record<string, any>} c */
function changeSubject(o, c) {
  switch (c.change) {
    case "service_saved":
      return named(c.service?.name) ?? c.service?.id;
    case "service_removed":
      return serviceWords(o, c.service);
    case "counter_saved":
      return c.counter?.name ?? c.counter?.id;
    case "counter_removed":
      return counterName(o, c.counter);
    case "closure_saved":
      return [c.closure?.from, c.closure?.to !== c.closure?.from && c.closure?.to].filter(Boolean).join("–") + (named(c.closure?.reason) ? ` (${named(c.closure?.reason)})` : "");
    case "closure_removed":
      return c.from;
    case "printer_saved":
      return c.printer?.id;
    case "printer_removed":
      return c.printer;
    default:
      return "";
  }
}

/**
 * What an entry records, as a sentence: its key and placeholders; null
 * when the kind is not worded here or its details lack what the
 * sentence needs.
 * @param {Entry} e
 * @returns {Words | null}
 */
function sentence(e) {
  const d = details(e);
  const o = known.get(officeIdOf(e));
  const counter = counterName(o, d.counter);
  const service = serviceWords(o, d.service);
  const ticket = { number: d.number, counter, service };
  /** @type {Record<string, () => Loose>} */
  const say = {
    ticket_issued: () => ({
      number: d.ticket?.number,
      service: serviceWords(o, d.ticket?.service),
      channel: { key: `audit.channel.${d.ticket?.channel}`, or: String(d.ticket?.channel) },
      priority: d.ticket?.priority ? { key: "audit.say.priority", vars: { why: { key: `priority.${d.ticket.priority}`, or: String(d.ticket.priority) } } } : "",
    }),
    ticket_called: () => ({ ...ticket, recall: d.recall ? { key: "audit.say.recall" } : "" }),
    ticket_serving: () => ticket,
    ticket_done: () => ticket,
    ticket_no_show: () => ticket,
    ticket_requeued: () => ({ number: d.number, service }),
    ticket_cancelled: () => ({ number: d.number, service }),
    ticket_transferred: () => ({
      number: d.number,
      from: counterName(o, d.from_counter),
      to: d.counter ? counterName(o, d.counter) : service,
    }),
    priority_confirmed: () => ({ number: d.number, service }),
    document_status: () => ({ number: d.number, service, step: d.step }),
    survey_submitted: () => ({ service }),
    counter_state: () => ({ counter, reason: d.reason ?? "" }),
    counter_taken: () => (d.clerk ? { counter, clerk: d.clerk } : { counter }),
    service_suspended: () => ({ service, message: d.message }),
    service_resumed: () => ({ service }),
    running_text_changed: () => ({ text: d.text }),
    configured: () => ({ what: { key: `cfg.change.${d.change?.change}`, vars: { subject: changeSubject(o, d.change ?? {}) ?? "" } } }),
    day_ended: () => ({ day: d.day, expired: num(d.expired) }),
    user_added: () => ({ user: d.user, role: { key: `staff.role.${d.role}`, or: String(d.role) } }),
    user_changed: () => ({ user: d.user, role: { key: `staff.role.${d.role}`, or: String(d.role) } }),
    user_disabled: () => ({ user: d.user }),
    user_enabled: () => ({ user: d.user }),
    password_reset: () => ({ user: d.user }),
    password_changed: () => ({ user: d.user }),
    signed_out_everywhere: () => ({ user: d.user }),
    signed_in: () => ({ user: d.user, address: d.address }),
    sign_in_failed: () => (d.user ? { user: d.user, address: d.address } : { address: d.address }),
    signed_out: () => ({ user: d.user }),
    device_added: () => ({ name: d.name, kind: { key: `devices.kind.${d.device_kind}`, or: String(d.device_kind) } }),
    device_changed: () => ({ name: d.name }),
    device_revoked: () => ({ name: d.name }),
    personal_erased: () => ({ what: erasedWords(d) }),
  };
  if (!Object.hasOwn(say, e.kind)) return null;
  const vars = say[e.kind]();
  if (Object.values(vars).some((v) => v == null)) return null;
  // One sentence per state or outcome where the words differ.
  const key =
    e.kind === "counter_state" ? `audit.say.counter_state.${d.state}${d.reason && d.state === "paused" ? "_why" : ""}`
    : e.kind === "counter_taken" ? `audit.say.counter_taken.${d.clerk ? "held" : "released"}`
    : e.kind === "ticket_transferred" ? `audit.say.ticket_transferred.${d.counter ? "counter" : "service"}`
    : e.kind === "running_text_changed" && !d.text ? "audit.say.running_text_cleared"
    : e.kind === "sign_in_failed" && !d.user ? "audit.say.sign_in_failed_unknown"
    : e.kind === "configured" && !has(`cfg.change.${d.change?.change}`) ? ""
    : e.kind === "personal_erased" ? `audit.say.personal_erased.${d.why}`
    : `audit.say.${e.kind}`;
  return has(key) ? [key, /** @type {Vars} */ (vars)] : null;
}

/**
 * What an erasure of personal data took ("2 alasan prioritas, 1 saran"),
 * by its counts (in one office's log, that office's); undefined without
 * any.
 * @param {Record<string, any>} d
 * @returns {import("./strings.js").Var | undefined}
 */
function erasedWords(d) {
  /** @param {string} what @param {unknown} n */
  const count = (what, n) => (typeof n === "number" && n > 0 ? { key: `audit.say.erased.${what}${n === 1 ? "_one" : ""}`, vars: { n: num(n) } } : null);
  // One office's log counts what was erased of that office's citizens.
  const scope = applied.get("office");
  const f = (scope && d.offices?.[scope]) || d;
  const reasons = count("reasons", f.priority_reasons);
  const suggestions = count("suggestions", f.suggestions);
  if (reasons && suggestions) return { key: "audit.say.erased.both", vars: { reasons, suggestions } };
  return reasons ?? suggestions ?? undefined;
}

/** A detail's value in short: text as is, anything else as JSON, long values cut. @param {unknown} v */
function short(v) {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}

/** What an entry records: its sentence, else its kind and a compact list of its details. @param {Entry} e */
function what(e) {
  const words = sentence(e);
  if (words) return tx(h("span", { class: "a-what" }), ...words);
  const label = has(`audit.kind.${e.kind}`) ? at(`audit.kind.${e.kind}`) : e.kind;
  const pairs = Object.entries(details(e)).filter(([, v]) => v != null && v !== "");
  return h(
    "span",
    { class: "a-what" },
    label,
    pairs.length > 0 && h("span", { class: "a-details" }, pairs.map(([k, v]) => h("span", null, h("span", { class: "a-detail-key" }, `${k}:`), " ", short(v)))),
  );
}

/** Who did it, in words. @param {Entry} e @returns {Words} */
function who(e) {
  if (e.kind === "survey_submitted") return ["audit.actor.anonymous"];
  const a = e.actor;
  if (a == null) return e.kind === "ticket_issued" ? ["audit.actor.citizen"] : ["audit.actor.system"];
  if (a === "citizen") return ["audit.actor.citizen"];
  // Nobody signed in, e.g. a failed sign-in (its sentence names the account tried).
  if (a === "anonymous") return ["audit.actor.anonymous"];
  if (a === "system") return ["audit.actor.system"];
  const i = a.indexOf(":");
  const type = a.slice(0, i);
  const name = a.slice(i + 1);
  return has(`audit.actor.${type}`) && i > 0 ? [`audit.actor.${type}`, { name }] : ["cfg.other_value", { value: a }];
}

/** When, in the office's local time: "2 Des 2026 07:18:34". @param {Entry} e */
function when(e) {
  const zone = known.get(officeIdOf(e))?.time_zone ?? known.get(officeId)?.time_zone ?? "Asia/Jakarta";
  const text = new Intl.DateTimeFormat(locale(), { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZone: zone })
    .format(new Date(e.at))
    .replace(/(\d{2})\.(\d{2})\.(\d{2})/, "$1:$2:$3");
  return h("time", { datetime: e.at }, text);
}

/** One entry's row. @param {Entry} e */
function row(e) {
  const broken = chain.result?.broken?.id === e.id;
  return h(
    "tr",
    { "data-entry": e.id, "data-kind": e.kind, class: broken ? "is-broken" : null },
    h(
      "td",
      { class: "a-col-at" },
      when(e),
      h("span", { class: "a-seq" }, at("audit.place", { log: e.log, seq: e.seq })),
      broken && tx(h("strong", { class: "a-broken-mark" }), "audit.chain.broken_mark"),
    ),
    h("td", { class: "a-col-what" }, what(e)),
    h("td", { class: "a-col-who" }, tx(h("span"), ...who(e))),
  );
}

function render() {
  if (!ui.list) return;
  const p = page;
  const entries = p?.entries ?? [];
  fill(ui.list, entries.map(row));
  const first = cursors.length === 1;
  ui.empty.hidden = !p || entries.length > 0;
  if (p && entries.length === 0) tx(ui.empty, first ? "audit.empty" : "audit.empty_older");
  tx(ui.caption, "audit.caption", { page: cursors.length, filters: filterWords() });
  tx(ui.where, "audit.page_n", { n: cursors.length });
  /** @type {HTMLButtonElement} */ (ui.newer).disabled = first;
  /** @type {HTMLButtonElement} */ (ui.older).disabled = !p || p.next_before == null;
  ui.pager.hidden = !p || (first && p.next_before == null);
  if (p) tx(ui.status, entries.length ? "audit.shown" : "audit.shown_none", { n: entries.length, page: cursors.length });
  const q = new URLSearchParams(applied);
  q.delete("limit");
  /** @type {HTMLAnchorElement} */ (ui.csv).href = `/api/v1/audit.csv?${q}`;
  ui.csv.setAttribute("download", `audit-${applied.get("office") ?? "semua"}${applied.get("day") ? `-${applied.get("day")}` : ""}.csv`);
  renderChain();
}

/** The filters applied, in words, for the table's caption. */
function filterWords() {
  /** @type {string[]} */
  const parts = [];
  const day = applied.get("day");
  const actor = applied.get("actor");
  const kind = applied.get("kind");
  const number = applied.get("number");
  if (day) parts.push(at("audit.filter.day", { day }));
  if (actor) parts.push(at("audit.filter.actor", { actor }));
  if (kind) parts.push(at("audit.filter.kind", { kind: has(`audit.kind.${kind}`) ? at(`audit.kind.${kind}`) : kind }));
  if (number) parts.push(at("audit.filter.number", { number: number.toUpperCase() }));
  return parts.length ? parts.join(", ") : at("audit.filter.none");
}

/** Walks the whole chain (on a large log it takes a moment, said meanwhile). */
async function checkChain() {
  if (chain.checking) return;
  const n = ++checks;
  chain = { ...chain, checking: true };
  renderChain();
  try {
    /** @type {Chain} */
    const result = await api("/audit/verify");
    if (n !== checks) return;
    chain = { checking: false, result, error: null };
  } catch (e) {
    if (n !== checks) return;
    // A check that failed (the network) says so and leaves the last answer, an alarm included.
    chain = { checking: false, result: chain.result, error: e };
  }
  render();
}

/**
 * Why the chain broke, in words, from the server's reason (it sends no
 * code; its English reason is shown beside ours).
 * @param {string} reason
 */
function brokenWhy(reason) {
  if (/previous hash/.test(reason)) return "audit.chain.why.removed";
  if (/content does not match/.test(reason)) return "audit.chain.why.edited";
  if (/^seq /.test(reason)) return "audit.chain.why.missing";
  return "audit.chain.why.other";
}

function renderChain() {
  const c = chain;
  const box = ui.chainBox;
  const broken = c.result?.broken ?? null;
  box.classList.toggle("is-checking", c.checking);
  box.classList.toggle("is-intact", !c.checking && !c.error && !!c.result?.intact);
  box.classList.toggle("is-broken", !c.checking && !!broken);
  // The alarm stays up while checking again: it is withdrawn only by an intact answer.
  if (c.checking) tx(ui.chainStatus, "audit.chain.checking");
  else if (c.error) tx(ui.chainStatus, ...refusalWords(c.error, "audit"));
  else if (c.result?.intact) tx(ui.chainStatus, "audit.chain.intact", { n: num(c.result.events) });
  else fill(ui.chainStatus);
  if (broken) {
    if (ui.chainAlarm.getAttribute("data-shows") !== JSON.stringify([broken, lang()])) {
      ui.chainAlarm.setAttribute("data-shows", JSON.stringify([broken, lang()]));
      fill(
        ui.chainAlarm,
        h("p", { class: "a-chain-title" }, at("audit.chain.broken_title")),
        h("p", null, at("audit.chain.broken", { id: broken.id, log: broken.log, seq: broken.seq }), " ", at(brokenWhy(broken.reason))),
        h("p", { class: "a-hint" }, at("audit.chain.server_says"), " ", h("span", { lang: "en" }, broken.reason)),
        h("p", null, at("audit.chain.broken_todo")),
        h("button", { type: "button", class: "btn a-small", id: "audit-show-broken", onclick: () => void showEntry(broken.id) }, at("audit.chain.show_entry")),
      );
    }
  } else if (!c.checking) {
    ui.chainAlarm.removeAttribute("data-shows");
    fill(ui.chainAlarm);
  }
  ui.chainAlarm.hidden = !broken;
}

/** The page that starts with entry `id`, the filters emptied (the broken one); focus on its row. @param {number} id */
async function showEntry(id) {
  const size = filters.limit.value;
  form.el.reset();
  form.clear();
  filters.limit.value = size;
  applied = chosenFilters();
  try {
    await load(1, [null, id + 1]);
    const r = /** @type {HTMLElement | null} */ (ui.list.querySelector(`tr[data-entry="${id}"]`));
    if (r) {
      r.tabIndex = -1;
      r.focus();
    } else tx(ui.status, "audit.chain.entry_not_yours", { id });
  } catch (e) {
    tx(ui.loadErr, ...refusalWords(e, "audit"));
    ui.loadErr.hidden = false;
  }
}
