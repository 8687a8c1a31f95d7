// @ts-check
/**
 * @file Strings on screen: every word a screen shows comes from
 * `i18n/{lang}.json` (Indonesian `id` by default, English `en`). One file
 * per language for all screens, so a translator edits one place.
 */

/** @typedef {Record<string, string>} Strings */

/** Languages with a strings file. */
export const LANGS = /** @type {const} */ (["id", "en"]);

/** @type {Strings} */
let strings = {};
/** @type {string} */
let current = "id";

/** BCP 47 tag for speech and `lang` attributes. */
export function speechLang(/** @type {string} */ lang) {
  return lang === "en" ? "en-US" : "id-ID";
}

/** The language chosen on this device, else `fallback`. */
export function preferredLang(/** @type {string} */ fallback = "id") {
  const url = new URLSearchParams(location.search).get("lang");
  if (url && LANGS.includes(/** @type {any} */ (url))) return url;
  try {
    const stored = localStorage.getItem("antrean.lang");
    if (stored && LANGS.includes(/** @type {any} */ (stored))) return stored;
  } catch {
    /* storage blocked: use the default */
  }
  return LANGS.includes(/** @type {any} */ (fallback)) ? fallback : "id";
}

/**
 * Loads a language's strings and makes it current.
 * @param {string} lang
 * @param {{remember?: boolean}} [opts] remember: keep the choice on this device
 */
export async function loadLang(lang, opts = {}) {
  if (!LANGS.includes(/** @type {any} */ (lang))) lang = "id";
  const res = await fetch(new URL(`./i18n/${lang}.json`, import.meta.url));
  strings = await res.json();
  current = lang;
  document.documentElement.lang = lang;
  if (opts.remember) {
    try {
      localStorage.setItem("antrean.lang", lang);
    } catch {
      /* not kept; fine */
    }
  }
}

/**
 * Makes already-read strings current, without fetching or touching the
 * page (for unit tests under node).
 * @param {string} lang
 * @param {Strings} table
 */
export function useStrings(lang, table) {
  strings = table;
  current = lang;
}

/** Labels a language button with the language it switches to. @param {HTMLElement} btn */
export function labelLangButton(btn) {
  const other = current === "id" ? "en" : "id";
  btn.textContent = other === "en" ? "English" : "Bahasa Indonesia";
  btn.setAttribute("lang", other);
}

/**
 * Makes `btn` switch between Indonesian and English (kept on this device),
 * then fills the page's `data-i18n` strings and calls `onChange` to redraw.
 * @param {HTMLElement} btn
 * @param {() => void} onChange
 */
export function langSwitch(btn, onChange) {
  labelLangButton(btn);
  btn.addEventListener("click", async () => {
    await loadLang(current === "id" ? "en" : "id", { remember: true });
    labelLangButton(btn);
    applyI18n();
    onChange();
  });
}

/** The current language code. */
export function lang() {
  return current;
}

/** Whether the current language has a string for `key`. @param {string} key */
export function hasString(key) {
  return Object.hasOwn(strings, key);
}

/**
 * A string by key, with `{name}` placeholders filled in. A missing key shows
 * as itself, so it is noticed rather than hidden.
 * @param {string} key
 * @param {Record<string, string | number>} [vars]
 */
export function t(key, vars) {
  const s = strings[key] ?? key;
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
}

/**
 * Fills `data-i18n` (text) and `data-i18n-{attr}` (attributes: aria-label,
 * placeholder, title, alt) of every element under `root`.
 * @param {ParentNode} [root]
 */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) {
    el.textContent = t(/** @type {string} */ (el.getAttribute("data-i18n")));
  }
  for (const attr of ["aria-label", "placeholder", "title", "alt"]) {
    for (const el of root.querySelectorAll(`[data-i18n-${attr}]`)) {
      el.setAttribute(attr, t(/** @type {string} */ (el.getAttribute(`data-i18n-${attr}`))));
    }
  }
}

/**
 * A service's name in the current language (else the office's first).
 * @param {{names: Record<string, string>, id: string}} service
 */
export function serviceName(service) {
  return service.names[current] ?? Object.values(service.names)[0] ?? service.id;
}

/**
 * An estimated wait in words: "about 10 minutes", "less than 5 minutes",
 * or "unknown" when nobody can honestly say (null).
 * @param {number | null | undefined} seconds
 */
export function waitText(seconds) {
  if (seconds == null) return t("wait.unknown");
  const min = Math.round(seconds / 60);
  if (min < 5) return t("wait.under5");
  // Honest about precision: round to 5 minutes, a range beyond an hour.
  const rounded = Math.round(min / 5) * 5;
  if (rounded >= 60) {
    const lo = Math.floor(min / 15) * 15;
    return t("wait.range", { lo, hi: lo + 30 });
  }
  return t("wait.about", { min: rounded });
}

/** The locale of the current language, for numbers and dates. */
export function locale() {
  return current === "en" ? "en-GB" : "id-ID";
}

/**
 * A number in the current language ("90,63" in Indonesian), or "–" for null.
 * @param {number | null | undefined} x
 * @param {number} [digits] at most this many decimals
 */
export function num(x, digits = 2) {
  if (x == null) return t("none");
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits }).format(x);
}

/**
 * A duration in minutes and seconds ("4 mnt 05 dtk"), or "–" for null.
 * @param {number | null | undefined} seconds
 */
export function duration(seconds) {
  if (seconds == null) return t("none");
  const s = Math.round(seconds);
  if (s < 60) return t("dur.s", { s });
  return t("dur.ms", { m: Math.floor(s / 60), s: String(s % 60).padStart(2, "0") });
}

/**
 * The local time of day, HH:MM, in the office's time zone.
 * @param {Date} date
 * @param {string} [timeZone]
 * @param {boolean} [seconds]
 */
export function clock(date, timeZone, seconds = false) {
  return new Intl.DateTimeFormat(locale(), {
    hour: "2-digit",
    minute: "2-digit",
    ...(seconds ? { second: "2-digit" } : {}),
    hour12: false,
    timeZone,
  })
    .format(date)
    .replace(/\./g, ":");
}

/**
 * The date in words, in the office's time zone.
 * @param {Date} date
 * @param {string} [timeZone]
 */
export function longDate(date, timeZone) {
  return new Intl.DateTimeFormat(locale(), {
    weekday: "long",
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone,
  }).format(date);
}
