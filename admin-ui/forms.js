// @ts-check
/**
 * @file What every configuration form on /admin shares: one way to send a
 * change (`send`, which keeps the field the server names), one way to show
 * a refusal next to that field in the screen's language with focus moved
 * there (`showRefusal`, `FormView.refuse`), fields with their label, hint
 * and error wired together for screen readers, the week's opening hours
 * (the office's and a service's own), and a dialog that asks before a
 * removal. The staff and devices sections use them too.
 */
import { api, ApiError, errorText } from "../shared-ui/api.js";
import { fill, h } from "../shared-ui/dom.js";
import { has, tx, w } from "./strings.js";

/**
 * @typedef {import("./strings.js").Vars} Vars
 * @typedef {[string, Vars?]} Words a string's key and its placeholders
 * @typedef {HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement} Control
 */

/**
 * A refusal the screen can tell by itself before sending (a file that is
 * not JSON, an id already used), said like the server's.
 * @param {string} code one of the screen's (`id_taken`, `not_json`, ...) or the server's (`invalid_field`)
 * @param {string} field
 */
export function refusal(code, field) {
  return new ApiError(0, /** @type {import("../shared-ui/api.js").ApiErrorCode} */ (code), "", field);
}

/**
 * The field a body that did not parse is about, from the path at the start
 * of the server's message: "hours: mon: not hours like …" → "hours.mon",
 * "quota: invalid type: …" → "quota"; null when it names none.
 * @param {string} message
 */
export function pathIn(message) {
  let rest = message.replace(/^Failed to deserialize[^:]*: /, "");
  const segment = /^([a-z_][a-z0-9_]*(?:\[\d+\])*(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])*)*): /;
  const parts = [];
  for (let m = segment.exec(rest); m; m = segment.exec(rest)) {
    parts.push(m[1]);
    rest = rest.slice(m[0].length);
  }
  return parts.length ? parts.join(".") : null;
}

/**
 * Sends one change: `method` on `path` under `/api/v1`, `body` as JSON.
 * Resolves with the answer (the configuration after the change); rejects
 * with the server's ApiError, its `field` also for a body that did not
 * parse (400 `invalid_body`, the path at the start of its message).
 * @param {"POST" | "PUT" | "DELETE"} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function send(method, path, body) {
  try {
    return await api(path, { method, body });
  } catch (e) {
    if (e instanceof ApiError && e.code === "invalid_body" && !e.field) e.field = pathIn(e.message);
    throw e;
  }
}

/** The field a refusal without one is about, by its code. @type {Record<string, string>} */
const CODE_FIELD = {
  prefix_taken: "prefix",
  id_retired: "id",
  id_taken: "id",
  closure_overlaps: "from",
  closure_exists: "from",
};

/** The weekday keys of opening hours, Monday first. */
export const DAYS = /** @type {const} */ (["mon", "tue", "wed", "thu", "fri", "sat", "sun"]);

/** Which form's rules a list of an imported configuration follows. @type {Record<string, string>} */
const LIST_KIND = { services: "service", counters: "counter", closed: "closure", printers: "printer" };

/** Fields only the office's settings have (an import's `name` might be a service's, a counter's or the office's). */
const SETTINGS_ONLY = ["time_zone", "languages", "min_calls", "priority_ratio", "number_reading", "running_text"];

/** The field a refusal is about, or null. @param {unknown} e */
export function fieldOf(e) {
  if (!(e instanceof ApiError)) return null;
  return e.field || CODE_FIELD[e.code] || null;
}

/**
 * What a field must be, in words: `cfg.rule.{kind}.{field}`, else
 * `cfg.rule.{field}` (the same in every form: `id`, hours); a text in
 * another language (`translations.en.cost`) by the text's own rule.
 * @param {string} kind
 * @param {string} field
 * @returns {Words}
 */
function rule(kind, field) {
  const last = field.split(".").at(-1) ?? field;
  // A text in another language follows the rule of the text itself:
  // `translations.en.cost` is a cost; an entry of a list the list's rule
  // (`settings.counters[0]`: `settings.counters`).
  const f = field.startsWith("hours") || DAYS.includes(/** @type {any} */ (last)) ? "hours" : field.replace(/^translations\.[^.]+\./, "").replace(/\[\d+\]/g, "");
  for (const key of [`cfg.rule.${kind}.${f}`, `cfg.rule.${f}`]) if (has(key)) return [key];
  return ["cfg.rule.other", { field }];
}

/**
 * A refusal in the screen's words: a broken rule by the field it names,
 * a conflict by its code (`cfg.err.{kind}.{code}` where the form's kind
 * words it its own way, a 403 about staff), else the server's own message.
 * @param {unknown} e
 * @param {string} kind the form's rules: settings, hours, service, counter, closure, printer, import
 * @returns {Words}
 */
export function refusalWords(e, kind) {
  if (!(e instanceof ApiError)) return ["cfg.server_says", { message: errorText(e) }];
  const field = fieldOf(e);
  if (field && (e.code === "invalid_field" || e.code === "invalid_body")) {
    const item = /^(services|counters|closed|printers)\[(\d+)\]\.?(.*)$/.exec(field);
    if (item) {
      const [key, vars] = rule(LIST_KIND[item[1]], item[3] || "other");
      return ["cfg.import_at", { part: { key: `cfg.import_part.${item[1]}` }, n: Number(item[2]) + 1, rule: { key, vars } }];
    }
    if (kind !== "import") return rule(kind, field);
    // A field of the file not placed in one of its lists: the office's own
    // settings by their names, else named as the file names it.
    return SETTINGS_ONLY.includes(field) ? rule("settings", field) : ["cfg.import_field", { field }];
  }
  for (const key of [`cfg.err.${kind}.${e.code}`, `cfg.err.${e.code}`, `err.${e.code}`]) if (has(key)) return [key, { message: e.message }];
  return ["cfg.server_says", { message: errorText(e) }];
}

/** Whether `el` is a form control (it can be marked invalid). @param {Element} el @returns {el is Control} */
function isControl(el) {
  return el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;
}

/**
 * Shows a refusal in `err`, next to what it is about, in the screen's
 * language (worded again when the language changes); marks `control`
 * invalid and moves focus to it.
 * @param {HTMLElement} err
 * @param {HTMLElement} control
 * @param {unknown} e
 * @param {string} kind
 */
export function showRefusal(err, control, e, kind) {
  const [key, vars] = refusalWords(e, kind);
  tx(err, key, vars);
  err.hidden = false;
  if (isControl(control)) control.setAttribute("aria-invalid", "true");
  control.focus();
}

/** Takes a refusal away. @param {HTMLElement} err @param {HTMLElement | null} [control] */
export function hideRefusal(err, control) {
  err.hidden = true;
  err.removeAttribute("data-at");
  err.textContent = "";
  control?.removeAttribute("aria-invalid");
}

/** An empty, hidden refusal box. @param {string} id */
export function errorBox(id) {
  return h("p", { id, class: "error-msg f-error", role: "alert", hidden: true });
}

/**
 * A form whose fields are known by the names the server gives them, so a
 * refusal lands next to the field it names (else by the submit button).
 * `dirty` while the supervisor has changed something not yet saved: the
 * form is then not filled again from a live change.
 */
export class FormView {
  /**
   * @param {string} id the form's id, the prefix of its fields' ids
   * @param {string} kind whose rules' words its refusals use
   * @param {string} submitKey the submit button's words
   */
  constructor(id, kind, submitKey) {
    this.id = id;
    this.kind = kind;
    /** @type {Map<string, {control: () => HTMLElement, err: HTMLElement}>} */
    this.fields = new Map();
    this.err = errorBox(`${id}-err`);
    this.status = h("p", { id: `${id}-status`, class: "c-message f-status", role: "status" });
    this.submit = h("button", { type: "submit", class: "btn btn-brand", "aria-describedby": `${id}-err` }, w(submitKey));
    this.actions = h("div", { class: "f-actions" }, this.submit);
    this.el = h("form", { id, class: "f-form", novalidate: true });
    this.dirty = false;
    this.busy = false;
    /** The field a refusal goes to when it names none of this form's (an import: the file). @type {string | null} */
    this.fallback = null;
    /** The field a refusal without one is about, by its code, in this form (`unknown_pairing_code`: the code). @type {Record<string, string>} */
    this.byCode = {};
    this.el.addEventListener("input", (ev) => {
      this.dirty = true;
      this.status.textContent = "";
      const target = /** @type {HTMLElement} */ (ev.target);
      for (const f of this.fields.values()) if (f.control() === target || f.err.parentElement?.contains(target)) hideRefusal(f.err, target);
    });
  }

  /**
   * Registers a field under the server's name for it.
   * @param {string} name
   * @param {HTMLElement | (() => HTMLElement)} control what gets focus on a refusal
   * @param {HTMLElement} err where the refusal is said
   */
  add(name, control, err) {
    this.fields.set(name, { control: typeof control === "function" ? control : () => control, err });
  }

  clear() {
    for (const f of this.fields.values()) hideRefusal(f.err, f.control());
    hideRefusal(this.err);
  }

  /** Shows a refusal next to the field it names (its list's field for `hours.mon` when no day is known). @param {unknown} e */
  refuse(e) {
    this.clear();
    const name = fieldOf(e) ?? (e instanceof ApiError ? this.byCode[e.code] : undefined);
    // `settings.counters[0]` goes to `settings.counters`, `hours.mon` to `hours` when no day is known.
    const f =
      (name ? (this.fields.get(name) ?? this.fields.get(name.replace(/\[\d+\]/g, "")) ?? this.fields.get(name.split(/[.[]/)[0])) : undefined) ??
      (this.fallback ? this.fields.get(this.fallback) : undefined);
    if (f) showRefusal(f.err, f.control(), e, this.kind);
    else showRefusal(this.err, this.submit, e, this.kind);
  }

  /**
   * On submit: `save`, then its words in the status region; a refusal next
   * to its field. One save at a time.
   * @param {() => Promise<Words | null>} save
   */
  onSubmit(save) {
    this.el.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (this.busy) return;
      this.busy = true;
      this.clear();
      this.status.textContent = "";
      try {
        const said = await save();
        this.dirty = false;
        if (said) tx(this.status, said[0], said[1]);
      } catch (e) {
        this.refuse(e);
      } finally {
        this.busy = false;
      }
    });
  }

  /** The form's refusal, buttons and status, to put at its end. */
  end() {
    return [this.err, this.actions, this.status];
  }
}

/** An element id made from a field's name (`hours.mon` → `hours-mon`). @param {string} name */
const idPart = (name) => name.replace(/[^a-zA-Z0-9_-]+/g, "-");

/**
 * A labelled control with its hint and its refusal, registered in `fv`
 * under the server's `name` for it.
 * @param {FormView} fv
 * @param {string} name
 * @param {Control} control
 * @param {string} label the label's key
 * @param {{hint?: string, vars?: Vars, required?: boolean, lang?: string}} [opts] `lang`: the language of what is typed
 */
export function field(fv, name, control, label, opts = {}) {
  const id = `${fv.id}-${idPart(name)}`;
  control.id = id;
  control.name = name;
  if (opts.required) control.setAttribute("aria-required", "true");
  if (opts.lang) control.lang = opts.lang;
  const hint = opts.hint ? tx(h("p", { id: `${id}-hint`, class: "a-hint" }), opts.hint) : null;
  const err = errorBox(`${id}-err`);
  control.setAttribute("aria-describedby", [hint?.id, err.id].filter(Boolean).join(" "));
  fv.add(name, control, err);
  return h("div", { class: "f-field" }, h("label", { for: id }, w(label, opts.vars), opts.required && [" ", required()]), control, hint, err);
}

/** "(wajib)" after a label. */
function required() {
  const s = w("cfg.required");
  s.className = "f-req";
  return s;
}

/**
 * A fieldset of controls registered as one field under `name` (names per
 * language, a list of services, radio buttons), its refusal at its end.
 * @param {FormView} fv
 * @param {string} name
 * @param {string} legend the legend's key
 * @param {(HTMLElement | null | false)[]} children
 * @param {() => HTMLElement} focus what gets focus on a refusal
 * @param {{hint?: string, vars?: Vars, required?: boolean, class?: string}} [opts] `vars`: the legend's and the hint's placeholders
 */
export function group(fv, name, legend, children, focus, opts = {}) {
  const id = `${fv.id}-${idPart(name)}`;
  const hint = opts.hint ? tx(h("p", { id: `${id}-hint`, class: "a-hint" }), opts.hint, opts.vars) : null;
  const err = errorBox(`${id}-err`);
  fv.add(name, focus, err);
  return h(
    "fieldset",
    { id, class: `f-group ${opts.class ?? ""}`.trim(), "aria-describedby": [hint?.id, err.id].filter(Boolean).join(" ") },
    h("legend", null, w(legend, opts.vars), opts.required && [" ", required()]),
    children,
    hint,
    err,
  );
}

/** A text input. @param {Record<string, string | number | boolean>} [attrs] */
export function input(attrs = {}) {
  return h("input", { type: "text", autocomplete: "off", ...attrs });
}

/** A whole number input (empty allowed). @param {number} min @param {number} max */
export function numberInput(min, max) {
  return h("input", { type: "number", inputmode: "numeric", min, max, step: 1 });
}

/** A textarea for one entry per line. @param {number} rows */
export function linesInput(rows) {
  return h("textarea", { rows, spellcheck: "true" });
}

/**
 * A select of worded options.
 * @param {[string, string, Vars?][]} options value, key and placeholders
 */
export function select(options) {
  return h(
    "select",
    null,
    options.map(([value, key, vars]) => tx(h("option", { value }), key, vars)),
  );
}

/**
 * Radio buttons as one field.
 * @param {FormView} fv
 * @param {string} name
 * @param {string} legend
 * @param {[string, string][]} options value and the label's key
 * @param {{hint?: string}} [opts]
 */
export function radios(fv, name, legend, options, opts = {}) {
  const inputs = options.map(([value]) => h("input", { type: "radio", name: `${fv.id}-${idPart(name)}`, value, id: `${fv.id}-${idPart(name)}-${idPart(value)}` }));
  const el = group(
    fv,
    name,
    legend,
    [h("div", { class: "f-radios" }, options.map(([, key], i) => h("label", { class: "f-check" }, inputs[i], " ", w(key))))],
    () => inputs.find((i) => i.checked) ?? inputs[0],
    opts,
  );
  return {
    el,
    inputs,
    get value() {
      return inputs.find((i) => i.checked)?.value ?? "";
    },
    set value(v) {
      for (const i of inputs) i.checked = i.value === v;
    },
  };
}

/** Trimmed non-empty lines. @param {string} text */
export function lines(text) {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

/**
 * A number input's whole number, null when empty; what cannot be read as
 * a number is refused at the field (not taken as empty).
 * @param {HTMLInputElement} el
 */
export function numberValue(el) {
  if (el.validity.badInput) throw refusal("invalid_field", el.name);
  return el.value.trim() === "" ? null : Number(el.value);
}

/**
 * The week's opening hours: either none of its own (the office: tickets at
 * any hour; a service: the office's hours) or each day open or closed,
 * with its stretches ("07:30-11:30, 13:30-16:00"). Each day's field is
 * registered as `{prefix}{day}` (`mon`, `hours.mon`), the whole (its
 * choice) as `hours`.
 * @param {FormView} fv
 * @param {string} prefix "" for the office, "hours." for a service
 * @param {{legend: string, none: string, week: string, weekFirst?: boolean}} keys the words; `weekFirst`: the week is the first choice
 */
export function weekHours(fv, prefix, keys) {
  const base = prefix.replace(/\.$/, "") || "hours";
  /** @type {[string, string][]} */
  const choices = [
    ["none", keys.none],
    ["week", keys.week],
  ];
  const mode = radios(fv, base, keys.legend, keys.weekFirst ? choices.reverse() : choices);
  /** @type {Record<string, {open: HTMLInputElement, text: HTMLInputElement, closed: HTMLElement}>} */
  const days = {};
  const rows = DAYS.map((day) => {
    const id = `${fv.id}-${idPart(prefix + day)}`;
    const open = h("input", { type: "checkbox", id: `${id}-open` });
    const text = input({ inputmode: "text", spellcheck: "false", "aria-describedby": `${fv.id}-${base}-hint ${id}-err` });
    text.id = id;
    text.name = prefix + day;
    const closed = w("cfg.hours.closed");
    closed.className = "f-day-closed";
    const err = errorBox(`${id}-err`);
    fv.add(prefix + day, text, err);
    days[day] = { open, text, closed };
    open.addEventListener("change", () => {
      if (open.checked && !text.value.trim()) text.value = nearest(day);
      show(day);
      if (open.checked) text.focus();
    });
    return h(
      "div",
      { class: "f-day", role: "group", "aria-labelledby": `${id}-name`, "data-day": day },
      tx(h("span", { id: `${id}-name`, class: "f-day-name" }), `cfg.day.${day}`),
      h("label", { class: "f-check" }, open, " ", w("cfg.hours.open")),
      h("span", { class: "f-day-hours" }, h("label", { for: id, class: "visually-hidden" }, w("cfg.hours.stretches", { day: { key: `cfg.day.${day}` } })), text, closed),
      err,
    );
  });
  /** The hours of the nearest open day before this one (a new day usually keeps the same hours). @param {string} day */
  const nearest = (day) => {
    const i = DAYS.indexOf(/** @type {any} */ (day));
    for (const d of [...DAYS.slice(0, i).reverse(), ...DAYS.slice(i + 1)]) if (days[d].open.checked && days[d].text.value.trim()) return days[d].text.value;
    return "07:30-16:00";
  };
  /** @param {string} day */
  const show = (day) => {
    const d = days[day];
    d.text.hidden = !d.open.checked;
    d.closed.hidden = d.open.checked;
  };
  const week = h("div", { class: "f-week", id: `${fv.id}-${base}-days` }, tx(h("p", { id: `${fv.id}-${base}-hint`, class: "a-hint" }), "cfg.hours.hint"), rows);
  const sync = () => {
    week.hidden = mode.value !== "week";
  };
  for (const i of mode.inputs) i.addEventListener("change", sync);
  return {
    el: h("div", { class: "f-hours" }, mode.el, week),
    /** The hours as the server takes them: null for none of their own. @returns {Record<string, string> | null} */
    value() {
      if (mode.value !== "week") return null;
      return Object.fromEntries(DAYS.filter((d) => days[d].open.checked).map((d) => [d, days[d].text.value.trim()]));
    },
    /** @param {Record<string, string> | null | undefined} hours */
    set(hours) {
      mode.value = hours ? "week" : "none";
      for (const d of DAYS) {
        days[d].open.checked = !!hours && d in hours;
        days[d].text.value = hours?.[d] ?? "";
        show(d);
      }
      sync();
    },
  };
}

/** The one dialog that asks before a removal or an import. @type {HTMLDialogElement | null} */
let dialog = null;

/**
 * Asks before something that cannot be undone from here, in a modal dialog
 * (focus stays in it, Escape cancels, "Batal" first focused); resolves
 * whether to go on. Focus goes back where it was.
 * @param {Words} question
 * @param {string} yesKey the words of going on
 * @param {{safe?: boolean}} [opts] `safe`: going on takes nothing away (enabling an account), its button is not red
 * @returns {Promise<boolean>}
 */
export function confirmDialog(question, yesKey, opts = {}) {
  if (!dialog) {
    dialog = h("dialog", { id: "cfg-confirm", class: "f-dialog", "aria-labelledby": "cfg-confirm-text" });
    document.body.append(dialog);
  }
  const dlg = dialog;
  const back = document.activeElement;
  const yes = h("button", { type: "button", class: opts.safe ? "btn btn-brand" : "btn btn-stop", id: "cfg-confirm-yes", onclick: () => dlg.close("yes") }, w(yesKey));
  const no = h("button", { type: "button", class: "btn", id: "cfg-confirm-no", autofocus: true, onclick: () => dlg.close("no") }, w("cfg.cancel"));
  fill(dlg, tx(h("p", { id: "cfg-confirm-text" }), question[0], question[1]), h("div", { class: "f-actions" }, no, yes));
  dlg.returnValue = "";
  dlg.showModal();
  no.focus();
  return new Promise((resolve) => {
    dlg.addEventListener(
      "close",
      () => {
        if (back instanceof HTMLElement && back.isConnected) back.focus();
        resolve(dlg.returnValue === "yes");
      },
      { once: true },
    );
  });
}
