// @ts-check
/**
 * @file The office's configuration on /admin, for its supervisors and
 * admins (never clerks), in parts a supervisor can use without an IT
 * person: settings, weekly opening hours, closed days, services, counters,
 * printers, and export and import of the whole. One part is shown at a
 * time (`#config/{part}`). Every change goes through `change()` and the
 * configuration the server answers is drawn again; a change by someone
 * else (the stream's `configured` event) fetches it again
 * (`refreshConfig`, from the monitor's Reconfiguring). Forms being
 * edited are not filled again under the supervisor's hands; lists are.
 */
import { api } from "../shared-ui/api.js";
import { fill, h } from "../shared-ui/dom.js";
import { lang, locale } from "../shared-ui/i18n.js";
import {
  FormView,
  confirmDialog,
  errorBox,
  field,
  group,
  hideRefusal,
  input,
  lines,
  linesInput,
  numberInput,
  numberValue,
  radios,
  refusal,
  refusalWords,
  send,
  showRefusal,
  weekHours,
} from "./forms.js";
import { at, has, reword, tx, w } from "./strings.js";

/**
 * @typedef {import("../shared-ui/contract").components["schemas"]} S
 * @typedef {S["OfficeDef"]} Config
 * @typedef {S["ServiceDef"]} ServiceDef
 * @typedef {S["ServiceTexts"]} ServiceTexts
 * @typedef {S["CounterDef"]} CounterDef
 * @typedef {S["ClosureText"]} Closure
 * @typedef {S["PrinterDef"]} PrinterDef
 * @typedef {import("./forms.js").Words} Words
 * @typedef {import("../shared-ui/dom.js").Child} Child
 * @typedef {{key: string, el: HTMLElement, head: HTMLElement, render: (c: Config) => void, reset?: () => void}} Part
 *   one part of the section, drawn from the configuration; `reset` when another office is shown
 */

/** The office whose configuration is shown. */
let officeId = "";
/** Its configuration as the server last answered. @type {Config | null} */
let cfg = null;
/** @type {Part[]} */
let parts = [];
/** @type {HTMLElement | null} */
let root = null;

/**
 * Sends one change of this office's configuration and draws the
 * configuration the server answers (an import's `config`).
 * @param {"PUT" | "DELETE"} method
 * @param {string} path under `/offices/{office}`
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
async function change(method, path, body) {
  const r = await send(method, `/offices/${encodeURIComponent(officeId)}${path}`, body);
  show(r.config ?? r);
  return r;
}

/** @param {Config} c */
function show(c) {
  cfg = c;
  for (const p of parts) p.render(c);
}

/** Fetches the configuration again (after a change by anyone: the monitor's Reconfiguring calls it). */
export async function refreshConfig() {
  const id = officeId;
  if (!id) return;
  const status = document.getElementById("cfg-load");
  try {
    /** @type {Config} */
    const c = await api(`/offices/${encodeURIComponent(id)}/config`);
    if (id !== officeId) return;
    if (status) hideRefusal(status);
    show(c);
  } catch (e) {
    if (status) {
      tx(status, ...refusalWords(e, "settings"));
      status.hidden = false;
    }
  }
}

/** Shows an office's configuration (another office: every part starts again). @param {string} id */
export async function showConfig(id) {
  officeId = id;
  cfg = null;
  for (const p of parts) p.reset?.();
  await refreshConfig();
}

/** Words the section again in the current language, keeping what is typed. */
export function rewordConfig() {
  if (!root) return;
  reword(root);
  if (cfg) show(cfg);
}

/** The parts, in the order of the section's menu. */
const PARTS = ["settings", "hours", "closures", "services", "counters", "printers", "transfer"];

/**
 * Shows one part (else the first); `focus`: its heading gets focus (after
 * the supervisor chose it in the menu).
 * @param {string} key
 * @param {boolean} [focus]
 */
export function showPart(key, focus = false) {
  const k = PARTS.includes(key) ? key : PARTS[0];
  for (const p of parts) p.el.hidden = p.key !== k;
  for (const a of document.querySelectorAll("#cfg-nav a")) {
    if (a.getAttribute("data-part") === k) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  if (focus) parts.find((p) => p.key === k)?.head.focus();
}

/** Builds the section in `el` (once). @param {HTMLElement} el */
export function mountConfig(el) {
  root = el;
  parts = [settingsPart(), hoursPart(), closuresPart(), servicesPart(), countersPart(), printersPart(), transferPart()];
  const nav = h(
    "nav",
    { class: "a-parts", "aria-labelledby": "cfg-nav-label" },
    tx(h("span", { id: "cfg-nav-label", class: "visually-hidden" }), "cfg.nav"),
    h(
      "ul",
      { id: "cfg-nav" },
      // The part shown is chosen again (its heading focused) also when the address stays the same.
      PARTS.map((k) => h("li", null, h("a", { href: `#config/${k}`, "data-part": k, onclick: () => location.hash === `#config/${k}` && showPart(k, true) }, w(`cfg.part.${k}`)))),
    ),
  );
  fill(el, nav, h("p", { id: "cfg-load", class: "error-msg", role: "alert", hidden: true }), parts.map((p) => p.el));
  showPart(PARTS[0]);
}

// --- Shared pieces -----------------------------------------------------------------

/** The office's languages, the default first. */
const langs = () => (cfg?.languages?.length ? cfg.languages : ["id"]);

/** A language's name in the screen's language (the code when we have none). @param {string} code */
const langName = (code) => ({ key: `cfg.lang.${code}`, or: code });

/** A service's name in the screen's language, else the office's first. @param {ServiceDef} s */
const serviceName = (s) => s.name[lang()] ?? s.name[langs()[0]] ?? Object.values(s.name)[0] ?? s.id ?? "";

/** Today in the office's time zone, YYYY-MM-DD. */
const today = () => new Intl.DateTimeFormat("en-CA", { timeZone: cfg?.time_zone || "Asia/Jakarta" }).format(new Date());

/** A slug from a name: "Paspor (Imigrasi)" → "paspor-imigrasi". @param {string} name */
const slug = (name) =>
  name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);

/** The next free number as an id ("9" after counters 1 to 8), also past removed ones. @param {string[]} ids */
const nextNumber = (ids) => String(Math.max(0, ...ids.map(Number).filter(Number.isInteger)) + 1);

/** A date (YYYY-MM-DD) in words, in the screen's language. @param {string} iso */
const dateWords = (iso) =>
  new Intl.DateTimeFormat(locale(), { weekday: "long", day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }).format(new Date(`${iso}T00:00:00Z`));

/** A part's card: its heading (focused when chosen) and its intro. @param {string} key @param {Child[]} body */
function partCard(key, body) {
  const head = tx(h("h2", { id: `cfg-${key}-h`, tabindex: "-1" }), `cfg.part.${key}`);
  const el = h("section", { class: "c-card cfg-part", id: `cfg-${key}`, "aria-labelledby": head.id, hidden: true }, head, tx(h("p", { class: "a-hint cfg-intro" }), `cfg.${key}.intro`), body);
  return { el, head };
}

/**
 * One input per office language for a text citizens read (a service's
 * name, a closure's reason), as one field `name`; the default language's
 * is required, the others may stay empty.
 * @param {FormView} fv
 * @param {string} name
 * @param {string} legend
 * @param {Record<string, string> | undefined} values
 * @param {number} maxlength
 */
function perLanguage(fv, name, legend, values, maxlength) {
  const inputs = langs().map((l) => {
    const el = input({ maxlength, id: `${fv.id}-${name}-${l}`, lang: l, name: `${name}.${l}` });
    el.value = values?.[l] ?? "";
    return el;
  });
  const el = group(
    fv,
    name,
    legend,
    langs().map((l, i) =>
      h(
        "div",
        { class: "f-field" },
        h("label", { for: inputs[i].id }, w("cfg.in_lang", { lang: langName(l) }), i === 0 && [" ", tx(h("span", { class: "f-req" }), "cfg.required")]),
        inputs[i],
      ),
    ),
    () => inputs[0],
  );
  for (const i of inputs) i.setAttribute("aria-describedby", `${fv.id}-${name}-err`);
  return {
    el,
    inputs,
    /** The texts typed, by language (empty ones left out). */
    value() {
      return Object.fromEntries(langs().flatMap((l, i) => (inputs[i].value.trim() ? [[l, inputs[i].value.trim()]] : [])));
    },
  };
}

/** Two fields side by side where there is room. @param {...Child} fields */
const pair = (...fields) => h("div", { class: "f-pair" }, fields);

// --- Settings and hours --------------------------------------------------------------

/** The time zones of Indonesia, by their names there; another zone configured is kept as an option. */
const ZONES = [
  ["Asia/Jakarta", "cfg.zone.wib"],
  ["Asia/Makassar", "cfg.zone.wita"],
  ["Asia/Jayapura", "cfg.zone.wit"],
];
/** The screens speak Indonesian and English: the choices of the office's languages, the default first. */
const LANGUAGE_SETS = [
  ["id", "cfg.langs.id"],
  ["id,en", "cfg.langs.id_en"],
  ["en,id", "cfg.langs.en_id"],
  ["en", "cfg.langs.en"],
];

/**
 * A select's options, with the current value kept when it is none of them.
 * @param {HTMLSelectElement} el
 * @param {string[][]} options value and key
 * @param {string} current
 */
function options(el, options, current) {
  /** @type {[string, string, import("./strings.js").Vars?][]} */
  const all = options.map(([v, k]) => [v, k]);
  if (!options.some(([v]) => v === current)) all.push([current, "cfg.other_value", { value: current.replace(/,/g, ", ") }]);
  fill(el, all.map(([v, k, vars]) => tx(h("option", { value: v }), k, vars)));
  el.value = current;
}

/** @returns {Part} */
function settingsPart() {
  const fv = new FormView("cfg-settings-form", "settings", "cfg.settings.save");
  const name = input({ maxlength: 120 });
  const address = input({ maxlength: 200 });
  const zone = h("select");
  const languages = h("select");
  const reading = radios(fv, "number_reading", "cfg.settings.reading", [
    ["words", "cfg.reading.words"],
    ["digits", "cfg.reading.digits"],
  ]);
  const minCalls = numberInput(1, 10);
  const ratio = numberInput(1, 100);
  fv.el.append(
    field(fv, "name", name, "cfg.settings.name", { required: true }),
    field(fv, "address", address, "cfg.settings.address"),
    pair(
      field(fv, "time_zone", zone, "cfg.settings.time_zone", { hint: "cfg.settings.time_zone_hint" }),
      field(fv, "languages", languages, "cfg.settings.languages", { hint: "cfg.settings.languages_hint" }),
    ),
    reading.el,
    pair(
      field(fv, "min_calls", minCalls, "cfg.settings.min_calls", { hint: "cfg.settings.min_calls_hint", required: true }),
      field(fv, "priority_ratio", ratio, "cfg.settings.priority_ratio", { hint: "cfg.settings.priority_ratio_hint" }),
    ),
    ...fv.end(),
  );
  fv.onSubmit(async () => {
    await change("PUT", "/settings", {
      name: name.value.trim(),
      address: address.value.trim(),
      time_zone: zone.value,
      languages: languages.value.split(","),
      number_reading: reading.value,
      min_calls: numberValue(minCalls),
      priority_ratio: numberValue(ratio),
    });
    return ["cfg.settings.saved"];
  });
  const { el, head } = partCard("settings", [fv.el]);
  return {
    key: "settings",
    el,
    head,
    render(c) {
      if (fv.dirty) return;
      name.value = c.name;
      address.value = c.address ?? "";
      options(zone, ZONES, c.time_zone);
      options(languages, LANGUAGE_SETS, (c.languages ?? ["id"]).join(","));
      reading.value = c.number_reading ?? "words";
      minCalls.value = String(c.min_calls ?? 2);
      ratio.value = c.priority_ratio == null ? "" : String(c.priority_ratio);
    },
    reset() {
      fv.dirty = false;
      fv.clear();
      fv.status.textContent = "";
    },
  };
}

/** @returns {Part} */
function hoursPart() {
  const fv = new FormView("cfg-hours-form", "hours", "cfg.hours.save");
  const week = weekHours(fv, "", { legend: "cfg.hours.legend", none: "cfg.hours.any", week: "cfg.hours.week", weekFirst: true });
  fv.el.append(week.el, ...fv.end());
  fv.onSubmit(async () => {
    const hours = week.value();
    if (hours) await change("PUT", "/hours", hours);
    else await change("DELETE", "/hours");
    return [hours ? "cfg.hours.saved" : "cfg.hours.saved_any"];
  });
  const { el, head } = partCard("hours", [fv.el]);
  return {
    key: "hours",
    el,
    head,
    render(c) {
      if (!fv.dirty) week.set(c.hours);
    },
    reset() {
      fv.dirty = false;
      fv.clear();
      fv.status.textContent = "";
    },
  };
}

// --- Lists: closed days, services, counters, printers ---------------------------------

/**
 * @template T
 * @typedef {object} ListSpec
 * @property {string} key the part (`services`): its strings are `cfg.{key}.*`, its path `/{path}/{id}`
 * @property {string} kind whose rules' words its refusals use
 * @property {string} path
 * @property {string} idField the form's field for the id (`id`; a closure's `from`)
 * @property {(c: Config) => T[]} items in the order shown
 * @property {(x: T) => string} id
 * @property {(x: T) => string} name how messages name it
 * @property {(x: T) => Child[]} title its card's heading
 * @property {(x: T, c: Config) => [string, Child | Child[]][]} facts its card's facts: the term (in words) and the details
 * @property {(x: T, c: Config) => unknown} [depends] what else its card shows (drawn again when it changes)
 * @property {(fv: FormView, x: T | null, c: Config) => {fields: HTMLElement[], value: () => {id: string, body: unknown}}} form
 * @property {(x: T) => unknown} [body] its body as sent, when its id can change in the form (a closure's first day)
 */

/**
 * A part that lists entries as cards, each with "Ubah" and "Hapus", and
 * edits one at a time in a form shown in place of the list. A card is
 * drawn again only when what it shows changes, so live changes keep focus
 * and a refusal where they are.
 * @template T
 * @param {ListSpec<T>} spec
 * @returns {Part}
 */
function listPart(spec) {
  const k = spec.key;
  const add = h("button", { type: "button", class: "btn btn-brand", id: `cfg-${k}-add`, onclick: () => open(null) }, w(`cfg.${k}.add`));
  const status = h("p", { id: `cfg-${k}-status`, class: "c-message", role: "status" });
  const list = h("ul", { class: "f-items", id: `cfg-${k}-list` });
  const empty = tx(h("p", { class: "a-hint", hidden: true }), `cfg.${k}.empty`);
  const listView = h("div", { class: "f-list" }, h("div", { class: "f-actions" }, add), status, empty, list);
  const editView = h("div", { class: "f-edit", hidden: true });
  /** @type {Map<string, {el: HTMLElement, shows: string}>} */
  const cards = new Map();
  /** Refused removals, said again when a card is drawn again (another language). @type {Map<string, unknown>} */
  const refused = new Map();
  /** The id whose form is open (null: a new one), undefined while the list shows. @type {string | null | undefined} */
  let editing;

  const path = (/** @type {string} */ id) => `/${spec.path}/${encodeURIComponent(id)}`;
  const cardId = (/** @type {string} */ id) => `cfg-${k}-${id}`;

  /** @param {T} x @param {Config} c */
  const card = (x, c) => {
    const id = spec.id(x);
    const who = h("span", { class: "visually-hidden" }, ` (${spec.name(x)})`);
    const err = errorBox(`${cardId(id)}-err`);
    const remove = h(
      "button",
      { type: "button", class: "btn btn-stop a-small", "data-remove": id, "aria-describedby": err.id, onclick: () => void removeItem(x, remove, err) },
      w("cfg.remove"),
      who.cloneNode(true),
    );
    const el = h(
      "li",
      { class: "f-item", "data-item": id },
      h("h3", { id: cardId(id), tabindex: "-1" }, spec.title(x)),
      h(
        "dl",
        { class: "f-facts" },
        spec.facts(x, c).map(([term, details]) => h("div", null, h("dt", null, term), h("dd", null, details))),
      ),
      h(
        "div",
        { class: "f-actions" },
        h("button", { type: "button", class: "btn a-small", "data-edit": id, onclick: () => open(x) }, w("cfg.edit"), who),
        remove,
      ),
      err,
    );
    if (refused.has(id)) {
      tx(err, ...refusalWords(refused.get(id), spec.kind));
      err.hidden = false;
    }
    return el;
  };

  /** @param {T} x @param {HTMLElement} button @param {HTMLElement} err */
  const removeItem = async (x, button, err) => {
    const id = spec.id(x);
    hideRefusal(err);
    refused.delete(id);
    status.textContent = "";
    if (!(await confirmDialog([`cfg.${k}.remove_q`, { name: spec.name(x) }], `cfg.${k}.remove_yes`))) return;
    try {
      await change("DELETE", path(id));
      tx(status, `cfg.${k}.removed`, { name: spec.name(x) });
      add.focus();
    } catch (e) {
      refused.set(id, e);
      showRefusal(err, button, e, spec.kind);
    }
  };

  /** Shows the list again, focus on `target` (a card's heading, a button). @param {HTMLElement | null} target */
  const close = (target) => {
    editing = undefined;
    fill(editView);
    editView.hidden = true;
    listView.hidden = false;
    target?.focus();
  };

  /**
   * Saves what the form says: a new id already in the list is refused
   * here (the server would take it as a change of that entry); a closure
   * moved to another first day is removed and saved anew (put back if the
   * new one is refused).
   * @param {T | null} x
   * @param {{id: string, body: unknown}} v
   */
  const save = async (x, v) => {
    const c = /** @type {Config} */ (cfg);
    const old = x ? spec.id(x) : null;
    if (!v.id) throw refusal("invalid_field", spec.idField);
    if (old !== v.id && spec.items(c).some((i) => spec.id(i) === v.id)) throw refusal(k === "closures" ? "closure_exists" : "id_taken", spec.idField);
    if (x && old != null && old !== v.id && spec.body) {
      await change("DELETE", path(old));
      try {
        await change("PUT", path(v.id), v.body);
      } catch (e) {
        await change("PUT", path(old), spec.body(x)).catch(() => {});
        throw e;
      }
    } else await change("PUT", path(v.id), v.body);
  };

  /** Opens the form for `x` (null: a new entry) in place of the list. @param {T | null} x */
  const open = (x) => {
    const c = cfg;
    if (!c) return;
    status.textContent = "";
    editing = x ? spec.id(x) : null;
    const fv = new FormView(`cfg-${k}-form`, spec.kind, `cfg.${k}.save`);
    const f = spec.form(fv, x, c);
    // Cancelled: focus back on what opened the form (looked up then: a card may have been drawn again meanwhile).
    const opener = () => /** @type {HTMLElement | null} */ (x ? document.querySelector(`[data-edit="${CSS.escape(spec.id(x))}"]`) : add);
    const cancel = h("button", { type: "button", class: "btn", id: `cfg-${k}-cancel`, onclick: () => close(opener()) }, w("cfg.cancel"));
    fv.actions.append(cancel);
    const title = tx(h("h3", { id: `cfg-${k}-form-h`, tabindex: "-1" }), x ? `cfg.${k}.edit_title` : `cfg.${k}.add_title`, x ? { name: spec.name(x) } : undefined);
    fv.el.setAttribute("aria-labelledby", title.id);
    fv.el.append(tx(h("p", { class: "a-hint" }), "cfg.required_note"), ...f.fields, ...fv.end());
    fv.onSubmit(async () => {
      const v = f.value();
      await save(x, v);
      close(document.getElementById(cardId(v.id)));
      tx(status, `cfg.${k}.saved`, { name: spec.name(/** @type {T} */ (spec.items(/** @type {Config} */ (cfg)).find((i) => spec.id(i) === v.id) ?? x)) });
      return null;
    });
    fill(editView, title, fv.el);
    listView.hidden = true;
    editView.hidden = false;
    title.focus();
  };

  const el = partCard(k, [listView, editView]);
  return {
    key: k,
    ...el,
    render(c) {
      const items = spec.items(c);
      empty.hidden = items.length > 0;
      const ids = items.map(spec.id);
      for (const id of [...cards.keys()]) if (!ids.includes(id)) cards.delete(id);
      for (const x of items) {
        const id = spec.id(x);
        const shows = JSON.stringify([x, lang(), spec.depends?.(x, c) ?? null]);
        const had = cards.get(id);
        if (had?.shows === shows) continue;
        const fresh = card(x, c);
        // Focus on a card drawn again stays on the same button.
        const focused = had?.el.contains(document.activeElement) ? (document.activeElement?.hasAttribute("data-edit") ? "[data-edit]" : "[data-remove]") : null;
        if (had) had.el.replaceWith(fresh);
        cards.set(id, { el: fresh, shows });
        if (focused) /** @type {HTMLElement | null} */ (fresh.querySelector(focused))?.focus();
      }
      const els = ids.map((id) => /** @type {{el: HTMLElement}} */ (cards.get(id)).el);
      if (els.length !== list.children.length || els.some((e, i) => list.children[i] !== e)) list.replaceChildren(...els);
    },
    reset() {
      if (editing !== undefined) close(null);
      cards.clear();
      refused.clear();
      fill(list);
      status.textContent = "";
    },
  };
}

/** @returns {Part} */
function closuresPart() {
  /** @type {ListSpec<Closure>} */
  const spec = {
    key: "closures",
    kind: "closure",
    path: "closures",
    idField: "from",
    items: (c) => [...(c.closed ?? [])].sort((a, b) => a.from.localeCompare(b.from)),
    id: (x) => x.from,
    name: (x) => (x.to && x.to !== x.from ? at("cfg.closures.range", { from: dateWords(x.from), to: dateWords(x.to) }) : dateWords(x.from)),
    title: (x) => [spec.name(x)],
    depends: () => today(),
    facts: (x) => {
      const now = today();
      const when = (x.to ?? x.from) < now ? "cfg.closures.past" : x.from <= now ? "cfg.closures.today" : null;
      return [
        ...langs().map((l) => /** @type {[string, Child]} */ ([at("cfg.in_lang", { lang: langName(l) }), h("span", { lang: l }, x.reason[l] ?? "—")])),
        ...(when ? [/** @type {[string, Child]} */ ([at("cfg.closures.when"), at(when)])] : []),
      ];
    },
    body: (x) => ({ to: x.to ?? null, reason: x.reason }),
    form(fv, x) {
      const from = input({ type: "date" });
      const to = input({ type: "date" });
      from.value = x?.from ?? "";
      to.value = x?.to && x.to !== x.from ? x.to : "";
      const reason = perLanguage(fv, "reason", "cfg.closures.reason", x?.reason, 120);
      return {
        fields: [
          pair(
            field(fv, "from", from, "cfg.closures.from", { required: true, hint: "cfg.closures.from_hint" }),
            field(fv, "to", to, "cfg.closures.to", { hint: "cfg.closures.to_hint" }),
          ),
          reason.el,
        ],
        value: () => ({ id: from.value, body: { to: to.value || null, reason: reason.value() } }),
      };
    },
  };
  return listPart(spec);
}

/** "150 (online 50)", "Tanpa batas". @param {ServiceDef} s */
function quotaWords(s) {
  const total = s.quota == null ? at("cfg.services.unlimited") : String(s.quota);
  return s.quota_online == null ? total : at("cfg.services.quota_online_of", { total, online: s.quota_online });
}

/** The week's hours in short: "Sen 07:30-16:00 · Jum 07:30-11:30, 13:30-16:00". @param {Record<string, string>} hours */
function hoursWords(hours) {
  const days = Object.keys(hours);
  return days.length ? days.map((d) => `${at(`cfg.day_short.${d}`)} ${hours[d]}`).join(" · ") : at("cfg.hours.never");
}

/** A service's published standard in the office's other languages, by language. @param {ServiceDef | null} s */
const translationsOf = (s) => s?.translations ?? {};

/**
 * A standard's example hint for texts in `l` ("Misalnya: 1 working day."),
 * else the office's usual one.
 * @param {string} field
 * @param {string} l
 */
const exampleHint = (field, l) => (has(`cfg.services.${field}_hint.${l}`) ? `cfg.services.${field}_hint.${l}` : `cfg.services.${field}_hint`);

/**
 * A service's published standard in one language, in its own fieldset
 * ("Standar pelayanan — Bahasa Inggris"): requirements one per line,
 * completion time and cost, each field named as the server names it
 * (`requirements`, or `translations.en.requirements` in another
 * language). The default language's texts are the service's own; in
 * another, the fieldset is a field of its own (`translations.en`, where a
 * refusal of the whole goes).
 * @param {FormView} fv
 * @param {string} l
 * @param {ServiceTexts | undefined} texts
 */
function standardFields(fv, l, texts) {
  const main = l === langs()[0];
  const named = (/** @type {string} */ f) => (main ? f : `translations.${l}.${f}`);
  const requirements = linesInput(4);
  const completion = input({ maxlength: 100 });
  const cost = input({ maxlength: 100 });
  requirements.value = (texts?.requirements ?? []).join("\n");
  requirements.rows = Math.min(10, Math.max(4, (texts?.requirements?.length ?? 0) + 1));
  completion.value = texts?.completion_time ?? "";
  cost.value = texts?.cost ?? "";
  const children = [
    field(fv, named("requirements"), requirements, "cfg.services.requirements", { hint: "cfg.one_per_line", lang: l }),
    pair(
      field(fv, named("completion_time"), completion, "cfg.services.completion_time", { hint: exampleHint("completion_time", l), lang: l }),
      field(fv, named("cost"), cost, "cfg.services.cost", { hint: exampleHint("cost", l), lang: l }),
    ),
  ];
  const legend = "cfg.services.standard_in";
  const vars = { lang: langName(l), main: langName(langs()[0]) };
  const el = main
    ? h("fieldset", { class: "f-group", id: `${fv.id}-standard` }, h("legend", null, w(legend, vars)), children)
    : group(fv, `translations.${l}`, legend, children, () => requirements, { hint: "cfg.services.standard_in_hint", vars });
  return {
    el,
    /** What is typed, as the server takes it. @returns {Required<ServiceTexts>} */
    value: () => ({ requirements: lines(requirements.value), completion_time: completion.value.trim(), cost: cost.value.trim() }),
  };
}

/** @returns {Part} */
function servicesPart() {
  /** The counters serving a service, by name. @param {ServiceDef} s @param {Config} c */
  const servedBy = (s, c) => c.counters.filter((x) => x.services.includes(s.id ?? "")).map((x) => x.name);
  /** @type {ListSpec<ServiceDef>} */
  const spec = {
    key: "services",
    kind: "service",
    path: "services",
    idField: "id",
    items: (c) => c.services,
    id: (x) => x.id ?? "",
    name: serviceName,
    title: (x) => [h("span", { class: "c-prefix" }, x.prefix), " ", serviceName(x)],
    depends: servedBy,
    facts: (x, c) => {
      const by = servedBy(x, c);
      return [
        [at("cfg.services.quota"), quotaWords(x)],
        [at("cfg.services.minutes"), at("cfg.services.minutes_n", { n: x.service_minutes ?? 0 })],
        [at("cfg.services.counters"), by.length ? by.join(", ") : h("strong", { class: "f-warn" }, at("cfg.services.no_counter"))],
        [at("cfg.services.hours"), x.hours ? hoursWords(x.hours) : at("cfg.services.hours_office")],
        // Which of the office's other languages its standard is written in.
        ...langs()
          .slice(1)
          .map((l) => {
            const t = translationsOf(x)[l];
            const written = !!t && (!!t.requirements?.length || !!t.completion_time || !!t.cost);
            const said = written ? at("cfg.services.standard_written") : h("strong", { class: "f-warn" }, at("cfg.services.standard_missing", { main: langName(langs()[0]) }));
            return /** @type {[string, Child]} */ ([at("cfg.in_lang", { lang: langName(l) }), said]);
          }),
      ];
    },
    form(fv, x, c) {
      const id = input({ maxlength: 64, spellcheck: "false", autocapitalize: "none" });
      const names = perLanguage(fv, "name", "cfg.services.name", x?.name, 80);
      const prefix = input({ maxlength: 3, spellcheck: "false", autocapitalize: "characters", class: "f-prefix" });
      const quota = numberInput(1, 100000);
      const online = numberInput(0, 100000);
      const minutes = numberInput(1, 480);
      // The published standard: the service's own in the office's default
      // language, then one fieldset per other language.
      const standards = langs().map((l, i) => ({ l, ...standardFields(fv, l, i === 0 ? (x ?? undefined) : translationsOf(x)[l]) }));
      const others = standards.slice(1);
      // A refusal of the translations as a whole (a language the office no
      // longer has) goes to the first other language's fieldset.
      const first = others[0] && fv.fields.get(`translations.${others[0].l}`);
      if (first) fv.add("translations", first.control, first.err);
      const workflow = linesInput(4);
      const hours = weekHours(fv, "hours.", { legend: "cfg.services.hours", none: "cfg.services.hours_office", week: "cfg.services.hours_own" });
      const used = new Set(c.services.map((s) => s.prefix));
      prefix.value = x?.prefix ?? [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ"].find((l) => !used.has(l)) ?? "";
      quota.value = x?.quota == null ? "" : String(x.quota);
      online.value = x?.quota_online == null ? "" : String(x.quota_online);
      minutes.value = String(x?.service_minutes ?? 5);
      workflow.value = (x?.workflow ?? []).join("\n");
      workflow.rows = Math.min(10, Math.max(4, (x?.workflow?.length ?? 0) + 1));
      hours.set(x?.hours);
      if (!x) {
        // A new service's id follows its name until the supervisor types one.
        let typed = false;
        id.addEventListener("input", () => (typed = true));
        names.inputs[0].addEventListener("input", () => {
          if (!typed) id.value = slug(names.inputs[0].value);
        });
      }
      prefix.addEventListener("input", () => {
        const at = prefix.selectionStart;
        prefix.value = prefix.value.toUpperCase();
        prefix.setSelectionRange(at, at);
      });
      return {
        fields: [
          names.el,
          x ? tx(h("p", { class: "f-id" }), "cfg.id_is", { id: x.id ?? "" }) : field(fv, "id", id, "cfg.services.id", { required: true, hint: "cfg.services.id_hint" }),
          field(fv, "prefix", prefix, "cfg.services.prefix", { required: true, hint: "cfg.services.prefix_hint" }),
          pair(
            field(fv, "quota", quota, "cfg.services.quota", { hint: "cfg.services.quota_hint" }),
            field(fv, "quota_online", online, "cfg.services.quota_online", { hint: "cfg.services.quota_online_hint" }),
          ),
          field(fv, "service_minutes", minutes, "cfg.services.minutes", { required: true, hint: "cfg.services.minutes_hint" }),
          ...standards.map((s) => s.el),
          field(fv, "workflow", workflow, "cfg.services.workflow", { hint: "cfg.services.workflow_hint", lang: langs()[0] }),
          hours.el,
        ],
        value: () => ({
          id: x ? (x.id ?? "") : id.value.trim(),
          body: {
            name: names.value(),
            prefix: prefix.value.trim(),
            quota: numberValue(quota),
            quota_online: numberValue(online),
            service_minutes: numberValue(minutes),
            ...standards[0].value(),
            // A language whose three texts are all empty is left out.
            translations: Object.fromEntries(
              others.flatMap(({ l, value }) => {
                const v = value();
                return v.requirements.length || v.completion_time || v.cost ? [[l, v]] : [];
              }),
            ),
            workflow: lines(workflow.value),
            hours: hours.value(),
          },
        }),
      };
    },
  };
  return listPart(spec);
}

/**
 * The services a counter serves, in order: each with "Naik", "Turun" and
 * "Lepas", and a choice of the others to add. The new order is said in a
 * status region; focus stays on the moved service.
 * @param {FormView} fv
 * @param {string[]} chosen
 * @param {Config} c
 */
function servicePicker(fv, chosen, c) {
  let list = chosen.filter((id) => c.services.some((s) => s.id === id));
  const nameOf = (/** @type {string} */ id) => {
    const s = c.services.find((x) => x.id === id);
    return s ? `${s.prefix} · ${serviceName(s)}` : id;
  };
  const order = h("ol", { class: "f-order", id: `${fv.id}-order` });
  const pick = h("select", { id: `${fv.id}-pick` });
  const said = h("p", { class: "visually-hidden", role: "status" });
  const addRow = h(
    "div",
    { class: "f-pick" },
    h("label", { for: pick.id }, w("cfg.counters.add_label")),
    pick,
    h("button", { type: "button", class: "btn a-small", id: `${fv.id}-pick-add`, onclick: () => move(pick.value, "add") }, w("cfg.counters.add_service")),
  );
  /**
   * @param {string} id
   * @param {"up" | "down" | "drop" | "add"} how
   */
  const move = (id, how) => {
    const i = list.indexOf(id);
    if (how === "add" && id && i < 0) list.push(id);
    else if (how === "drop") list.splice(i, 1);
    else if (how === "up" && i > 0) [list[i - 1], list[i]] = [list[i], list[i - 1]];
    else if (how === "down" && i >= 0 && i < list.length - 1) [list[i + 1], list[i]] = [list[i], list[i + 1]];
    else return;
    fv.dirty = true;
    const err = fv.fields.get("services")?.err;
    if (err) hideRefusal(err);
    draw();
    const n = list.indexOf(id);
    tx(said, how === "drop" ? "cfg.counters.dropped" : "cfg.counters.now_at", { name: nameOf(id), n: n + 1, of: list.length });
    // Focus stays with the service moved (on the other arrow at an end);
    // after "Lepas", on the next one's; after adding, on the choice to add
    // another while there is one.
    const li = order.querySelector(`[data-service="${CSS.escape(id)}"]`);
    /** @type {Element | null | undefined} */
    let target;
    if (how === "add") target = addRow.hidden ? li?.querySelector("[data-move=drop]") : pick;
    else if (how === "drop") target = order.children[Math.min(i, list.length - 1)]?.querySelector("[data-move=drop]");
    else target = li?.querySelector(`[data-move=${how}]:not(:disabled)`) ?? li?.querySelector(`[data-move=${how === "up" ? "down" : "up"}]`);
    /** @type {HTMLElement} */ (target ?? pick).focus();
  };
  const draw = () => {
    fill(
      order,
      list.map((id, i) => {
        const who = h("span", { class: "visually-hidden" }, ` (${nameOf(id)})`);
        const b = (/** @type {"up" | "down" | "drop"} */ how, /** @type {string} */ glyph, /** @type {boolean} */ off) =>
          h("button", { type: "button", class: "btn a-small", "data-move": how, disabled: off, onclick: () => move(id, how) }, h("span", { "aria-hidden": "true" }, glyph), w(`cfg.counters.${how}`), who.cloneNode(true));
        return h("li", { "data-service": id }, h("span", { class: "f-order-name" }, nameOf(id)), h("span", { class: "f-order-btns" }, b("up", "↑", i === 0), b("down", "↓", i === list.length - 1), b("drop", "×", false)));
      }),
    );
    const rest = c.services.filter((s) => !list.includes(s.id ?? ""));
    fill(pick, rest.map((s) => h("option", { value: s.id ?? "" }, `${s.prefix} · ${serviceName(s)}`)));
    addRow.hidden = rest.length === 0;
  };
  draw();
  return {
    el: group(fv, "services", "cfg.counters.services", [order, addRow, said], () => /** @type {HTMLElement} */ (order.querySelector("button:not(:disabled)") ?? pick), {
      hint: "cfg.counters.services_hint",
      required: true,
    }),
    value: () => [...list],
  };
}

/** @returns {Part} */
function countersPart() {
  /** @type {ListSpec<CounterDef>} */
  const spec = {
    key: "counters",
    kind: "counter",
    path: "counters",
    idField: "id",
    items: (c) => c.counters,
    id: (x) => x.id ?? "",
    name: (x) => x.name,
    title: (x) => [x.name],
    depends: (x, c) => x.services.map((id) => c.services.find((s) => s.id === id)).map((s) => s && [s.prefix, s.name]),
    facts: (x, c) => [
      [
        at("cfg.counters.services"),
        h(
          "ol",
          { class: "f-served" },
          x.services.map((id) => {
            const s = c.services.find((y) => y.id === id);
            return h("li", null, s ? [h("span", { class: "c-prefix" }, s.prefix), " ", serviceName(s)] : id);
          }),
        ),
      ],
      [at("cfg.counters.policy"), at(`cfg.policy.${x.policy ?? "longest_wait"}`)],
    ],
    form(fv, x, c) {
      const id = input({ maxlength: 64, spellcheck: "false", autocapitalize: "none" });
      const name = input({ maxlength: 40 });
      const next = nextNumber([...c.counters.map((y) => y.id ?? ""), ...(c.retired?.counters ?? [])]);
      id.value = x?.id ?? next;
      name.value = x?.name ?? at("cfg.counters.default_name", { n: next });
      const picker = servicePicker(fv, x?.services ?? [], c);
      const policy = radios(fv, "policy", "cfg.counters.policy", [
        ["longest_wait", "cfg.policy.longest_wait"],
        ["service_order", "cfg.policy.service_order"],
      ]);
      policy.value = x?.policy ?? "longest_wait";
      return {
        fields: [
          x ? tx(h("p", { class: "f-id" }), "cfg.id_is", { id: x.id ?? "" }) : field(fv, "id", id, "cfg.counters.id", { required: true, hint: "cfg.counters.id_hint" }),
          field(fv, "name", name, "cfg.counters.name", { required: true, hint: "cfg.counters.name_hint" }),
          picker.el,
          policy.el,
        ],
        value: () => ({ id: x ? (x.id ?? "") : id.value.trim(), body: { name: name.value.trim(), services: picker.value(), policy: policy.value } }),
      };
    },
  };
  return listPart(spec);
}

/** @returns {Part} */
function printersPart() {
  /** @type {ListSpec<PrinterDef>} */
  const spec = {
    key: "printers",
    kind: "printer",
    path: "printers",
    idField: "id",
    items: (c) => c.printers ?? [],
    id: (x) => x.id ?? "",
    name: (x) => x.id ?? "",
    title: (x) => [x.id ?? ""],
    facts: (x) => [
      [at("cfg.printers.address"), h("code", null, x.address)],
      [at("cfg.printers.paper"), at(`cfg.paper.${x.paper ?? "80mm"}`)],
    ],
    form(fv, x, c) {
      const id = input({ maxlength: 64, spellcheck: "false", autocapitalize: "none" });
      const address = input({ maxlength: 255, spellcheck: "false", autocapitalize: "none", inputmode: "url" });
      id.value = x?.id ?? `kiosk-${nextNumber((c.printers ?? []).map((p) => (p.id ?? "").replace(/^kiosk-/, "")))}`;
      address.value = x?.address ?? "";
      const paper = radios(fv, "paper", "cfg.printers.paper", [
        ["80mm", "cfg.paper.80mm"],
        ["58mm", "cfg.paper.58mm"],
      ]);
      paper.value = x?.paper ?? "80mm";
      return {
        fields: [
          x ? tx(h("p", { class: "f-id" }), "cfg.id_is", { id: x.id ?? "" }) : field(fv, "id", id, "cfg.printers.id", { required: true, hint: "cfg.printers.id_hint" }),
          field(fv, "address", address, "cfg.printers.address", { required: true, hint: "cfg.printers.address_hint" }),
          paper.el,
        ],
        value: () => ({ id: x ? (x.id ?? "") : id.value.trim(), body: { address: address.value.trim(), paper: paper.value } }),
      };
    },
  };
  return listPart(spec);
}

// --- Export and import ----------------------------------------------------------------

/** A change as an import names it ("service_saved ktp-el"), in words. @param {string} line @returns {Words} */
function changeWords(line) {
  const [name, ...rest] = line.split(" ");
  return [`cfg.change.${name}`, { subject: rest.join(" ") }];
}

/** @returns {Part} */
function transferPart() {
  const download = h("button", { type: "button", class: "btn btn-brand", id: "cfg-export" }, w("cfg.transfer.export"));
  const exportStatus = h("p", { id: "cfg-export-status", class: "c-message", role: "status" });
  download.addEventListener("click", async () => {
    exportStatus.textContent = "";
    try {
      /** @type {Config} */
      const c = await api(`/offices/${encodeURIComponent(officeId)}/config`);
      const name = `${officeId}-${today()}.json`;
      const url = URL.createObjectURL(new Blob([`${JSON.stringify(c, null, 2)}\n`], { type: "application/json" }));
      const a = h("a", { href: url, download: name, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
      tx(exportStatus, "cfg.transfer.exported", { file: name });
    } catch (e) {
      tx(exportStatus, ...refusalWords(e, "import"));
    }
  });

  const fv = new FormView("cfg-import-form", "import", "cfg.transfer.import");
  fv.fallback = "file";
  const file = h("input", { type: "file", accept: "application/json,.json" });
  const changes = h("ul", { id: "cfg-import-changes", class: "f-changes" });
  fv.el.append(field(fv, "file", file, "cfg.transfer.file", { hint: "cfg.transfer.file_hint" }), ...fv.end(), changes);
  fv.onSubmit(async () => {
    fill(changes);
    const chosen = file.files?.[0];
    if (!chosen) throw refusal("no_file", "file");
    /** @type {unknown} */
    let body;
    try {
      body = JSON.parse(await chosen.text());
    } catch {
      throw refusal("not_json", "file");
    }
    if (!(await confirmDialog(["cfg.transfer.confirm", { file: chosen.name }], "cfg.transfer.confirm_yes"))) return null;
    /** @type {S["Imported"]} */
    const r = await change("PUT", "/config", body);
    fill(changes, r.changes.map((line) => tx(h("li"), ...changeWords(line))));
    return r.changes.length ? ["cfg.transfer.imported", { n: r.changes.length }] : ["cfg.transfer.same"];
  });

  const { el, head } = partCard("transfer", [
    h("div", { class: "f-block" }, tx(h("h3", null), "cfg.transfer.export_title"), tx(h("p", { class: "a-hint" }), "cfg.transfer.export_hint"), h("div", { class: "f-actions" }, download), exportStatus),
    h("div", { class: "f-block" }, tx(h("h3", null), "cfg.transfer.import_title"), tx(h("p", { class: "a-hint" }), "cfg.transfer.import_hint"), fv.el),
  ]);
  return {
    key: "transfer",
    el,
    head,
    render() {},
    reset() {
      fv.clear();
      fv.status.textContent = "";
      exportStatus.textContent = "";
      fill(changes);
    },
  };
}
