// @ts-check
/**
 * @file The admin screen's own words: the configuration section's strings,
 * `admin-ui/i18n/{lang}.json`, kept beside the one screen that uses them
 * (shared-ui/i18n holds what several screens say). `at()` looks a key up in
 * the current language of shared-ui/i18n.js, else among the shared strings,
 * so the section needs one lookup for both.
 *
 * The section's forms are built once and keep what is typed in them, so a
 * change of language cannot draw them again: an element worded by `tx()`
 * remembers its key (and placeholders) and `reword()` words it again.
 */
import { hasString, LANGS, lang, t } from "../shared-ui/i18n.js";

/**
 * A placeholder's value: a text or number as is, or words of their own
 * (`{key, vars}`, worded in the current language; `or` when the key is
 * missing, e.g. a language code without a name).
 * @typedef {string | number | {key: string, vars?: Vars, or?: string}} Var
 * @typedef {Record<string, Var>} Vars
 */

/** @type {Record<string, Record<string, string>>} */
const tables = {};

/** Reads both languages' admin strings (small; switching language then needs no fetch). */
export async function loadAdminStrings() {
  await Promise.all(
    LANGS.map(async (l) => {
      const res = await fetch(new URL(`./i18n/${l}.json`, import.meta.url));
      tables[l] = await res.json();
    }),
  );
}

/** Whether the admin strings, or the shared ones, have this key. @param {string} key */
export function has(key) {
  return Object.hasOwn(tables[lang()] ?? {}, key) || hasString(key);
}

/**
 * A string by key in the current language, placeholders filled in (their
 * own words worded too). A missing key shows as itself, to be noticed.
 * @param {string} key
 * @param {Vars} [vars]
 * @returns {string}
 */
export function at(key, vars) {
  const s = tables[lang()]?.[key];
  if (s == null) return t(key, vars && Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, value(v)])));
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? value(vars[k]) : m));
}

/** @param {Var} v @returns {string} */
function value(v) {
  if (typeof v !== "object") return String(v);
  return v.or != null && !has(v.key) ? v.or : at(v.key, v.vars);
}

/**
 * Words `el` (its whole text) by key, and remembers it for {@link reword}.
 * Use it on elements without children of their own.
 * @template {HTMLElement} E
 * @param {E} el
 * @param {string} key
 * @param {Vars} [vars]
 * @returns {E}
 */
export function tx(el, key, vars) {
  el.setAttribute("data-at", key);
  if (vars) el.setAttribute("data-at-vars", JSON.stringify(vars));
  else el.removeAttribute("data-at-vars");
  el.textContent = at(key, vars);
  return el;
}

/** A span of words that follow the language. @param {string} key @param {Vars} [vars] */
export function w(key, vars) {
  return tx(document.createElement("span"), key, vars);
}

/** Words again every element under `root` worded by {@link tx}, in the current language. @param {ParentNode} [root] */
export function reword(root = document) {
  for (const el of root.querySelectorAll("[data-at]")) {
    const vars = el.getAttribute("data-at-vars");
    el.textContent = at(/** @type {string} */ (el.getAttribute("data-at")), vars ? JSON.parse(vars) : undefined);
  }
}
