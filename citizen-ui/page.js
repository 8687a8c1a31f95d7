// @ts-check
/**
 * @file What the citizen page's views (citizen.js: the lists; ticket.js:
 * one ticket) share: the page's main element, the offices fetched (with
 * the server's clock), going to another view without a reload, what the
 * view shown has running (stopped when it goes) and its redraw for a
 * language change, and the citizen's words for a refusal and for the
 * people ahead.
 */
import { api, ApiError, errorText } from "../shared-ui/api.js";
import { byId, h } from "../shared-ui/dom.js";
import { hasString, t } from "../shared-ui/i18n.js";

/** @typedef {import("../shared-ui/api.js").Office} Office */

export const main = byId("main");

/**
 * The view shown: what it has running (streams, timers), stopped when it
 * goes, and how it redraws itself in another language.
 */
export const view = {
  /** @type {(() => void)[]} */
  running: [],
  rerender: () => {},
};

/** @type {Map<string, Office>} */
export const offices = new Map();
/** The server's clock minus the phone's (from the office's `now`): "today" and "tomorrow" are the office's. */
export let skewMs = 0;

/** Fetches an office (kept for the other views). @param {string} id */
export async function office(id) {
  const o = /** @type {Office} */ (await api(`/offices/${encodeURIComponent(id)}`));
  offices.set(id, o);
  const now = Date.parse(o.now);
  if (now) skewMs = now - Date.now();
  return o;
}

/** Draws the view of the address (set by citizen.js). @type {() => Promise<void>} */
let router = async () => {};

/** @param {() => Promise<void>} f */
export function routeWith(f) {
  router = f;
}

/** Goes to a path of this page without reloading (keeps audio unlocked). */
export function go(/** @type {string} */ path) {
  history.pushState(null, "", path);
  void router().then(() => scrollTo(0, 0));
}

/** @param {string} path @returns {EventListener} */
export function link(path) {
  return (e) => {
    e.preventDefault();
    go(path);
  };
}

/**
 * The footer's link to the privacy notice, naming the office the citizen
 * is at (`?office=`), if any; marked while the notice is shown.
 * @param {string | null} officeId
 * @param {boolean} [shown] whether this is the notice's page
 */
export function privacyLink(officeId, shown = false) {
  const a = byId("privacy-link");
  a.setAttribute("href", officeId ? `/privacy?office=${encodeURIComponent(officeId)}` : "/privacy");
  if (shown) a.setAttribute("aria-current", "page");
  else a.removeAttribute("aria-current");
}

/** Refusals whose shared words (`err.{code}`) already speak to a citizen. */
const SHARED_WORDS = new Set(["ticket_already_active", "proof_required", "proof_invalid", "proof_expired", "proof_spent", "unavailable"]);

/**
 * A refusal or failure in a citizen's words: this page's own for its code
 * (`cit.err.{code}`), the shared one where it speaks to a citizen, "cannot
 * reach the server", else a plain "try again, or ask staff". Never the
 * server's message.
 * @param {unknown} e
 */
export function citizenError(e) {
  if (!(e instanceof ApiError)) return t("cit.err.other");
  if (hasString(`cit.err.${e.code}`)) return t(`cit.err.${e.code}`);
  if (e.status === 0 || (SHARED_WORDS.has(e.code) && hasString(`err.${e.code}`))) return errorText(e);
  return t("cit.err.other");
}

/** A failure, said at once. @param {unknown} e @param {string} [id] */
export function errorView(e, id) {
  return h("p", { class: "error-msg", role: "alert", id, tabindex: "-1" }, citizenError(e));
}

/** "2 orang di depan Anda", "tidak ada orang di depan Anda". @param {number} n */
export function aheadText(n) {
  return n === 0 ? t("cit.ahead_none") : n === 1 ? t("cit.ahead_one") : t("cit.ahead_n", { n });
}
