// @ts-check
/**
 * @file The tickets this phone holds (taken here, or opened from a printed
 * ticket's QR code), so that a ticket stays one tap away after its service,
 * with its document's status, until the document is collected. Kept in
 * localStorage with only what the list needs: the ticket's code, number,
 * service and office, and when it was first kept; dropped once the ticket is
 * finished ({@link finished}) or a week after it was first kept. Which
 * alerts a ticket has given ("3 nomor lagi", called) is kept for the tab
 * only (sessionStorage), so a reload does not ring again.
 */

/** @typedef {import("../shared-ui/live.js").Ticket} Ticket */
/**
 * @typedef {object} Kept
 * @property {string} code the ticket's secret key (its page is `/t/{code}`)
 * @property {string} number
 * @property {string} service the service it waits for (changed by a transfer)
 * @property {string} office
 * @property {number} at when this phone first kept it (ms)
 */

const KEY = "antrean.recent";
/** Before: one code per office, `{office: code}`; read once and moved here. */
const OLD_KEY = "antrean.tickets";
/**
 * Days a ticket is kept at most: a week covers a "1 hari kerja" document
 * over a weekend or a holiday. The privacy notice says so.
 */
export const KEEP_DAYS = 7;
const KEEP_MS = KEEP_DAYS * 86_400_000;
/** Newest first; more than this many at once is not one citizen's day. */
const MAX_KEPT = 6;
const ALERTED = "antrean.alerted";

/** @returns {Kept[]} */
function read() {
  try {
    /** @type {Kept[]} */
    const list = JSON.parse(localStorage.getItem(KEY) ?? "[]");
    const old = localStorage.getItem(OLD_KEY);
    if (old != null) {
      localStorage.removeItem(OLD_KEY);
      /** @type {Record<string, string>} */
      const byOffice = JSON.parse(old);
      const at = Date.now();
      for (const [office, code] of Object.entries(byOffice)) {
        // Number and service come with the ticket's first view.
        if (!list.some((k) => k.code === code)) list.push({ code, number: "", service: "", office, at });
      }
      write(list);
    }
    return Array.isArray(list) ? list.filter((k) => k && typeof k.code === "string") : [];
  } catch {
    return [];
  }
}

/** @param {Kept[]} list */
function write(list) {
  try {
    localStorage.setItem(KEY, JSON.stringify(list));
  } catch {
    /* private mode: the address is the ticket */
  }
}

/**
 * The tickets kept on this phone, newest first (those older than a week
 * dropped); only `office`'s when given.
 * @param {string} [office]
 */
export function keptTickets(office) {
  const now = Date.now();
  const list = read();
  const fresh = list.filter((k) => now - k.at < KEEP_MS);
  if (fresh.length !== list.length) write(fresh);
  return fresh.filter((k) => office == null || k.office === office).sort((a, b) => b.at - a.at);
}

/**
 * Keeps a ticket (or updates its number and service), unless it is
 * finished; returns what was kept of it before (null: new here).
 * @param {Ticket} view
 * @param {string[]} workflow its service's document steps
 * @param {boolean} [told] whether the citizen was told of a new service
 *   (the ticket's page explains a transfer; a list leaves the kept service
 *   as it was, so the ticket's page still can)
 * @returns {Kept | null}
 */
export function keep(view, workflow, told = true) {
  const list = read();
  const i = list.findIndex((k) => k.code === view.code);
  const before = i >= 0 ? { ...list[i] } : null;
  if (finished(view, workflow)) {
    if (i >= 0) {
      list.splice(i, 1);
      write(list);
    }
    return before;
  }
  const service = told || !before?.service ? view.service : before.service;
  const kept = { code: view.code, number: view.number, service, office: view.office, at: before?.at ?? Date.now() };
  if (i >= 0) list[i] = kept;
  else list.unshift(kept);
  if (!before || before.number !== kept.number || before.service !== kept.service) write(list.sort((a, b) => b.at - a.at).slice(0, MAX_KEPT));
  return before;
}

/** Forgets a ticket (a ticket the server no longer knows). @param {string} code */
export function forget(code) {
  const list = read();
  const left = list.filter((k) => k.code !== code);
  if (left.length !== list.length) write(left);
}

/**
 * Whether nothing more is to be seen of a ticket: cancelled or expired;
 * done with its document at the last step (collected), or done without a
 * document and its survey answered. A ticket not shown at its counter
 * (`no_show`) may still be put back in the queue that day.
 * @param {Ticket} view
 * @param {string[]} workflow
 */
export function finished(view, workflow) {
  if (view.status === "cancelled" || view.status === "expired") return true;
  if (view.status !== "done") return false;
  return workflow.length > 0 ? view.document === workflow[workflow.length - 1] : !view.survey_open;
}

/** Alerts already given in this tab, for when storage is blocked. @type {Set<string>} */
const given = new Set();

/**
 * Whether an alert (`key`: the ticket, the threshold and its round) is new
 * in this tab; marks it given.
 * @param {string} key
 */
export function firstAlert(key) {
  if (given.has(key)) return false;
  given.add(key);
  try {
    /** @type {string[]} */
    const all = JSON.parse(sessionStorage.getItem(ALERTED) ?? "[]");
    if (all.includes(key)) return false;
    all.push(key);
    sessionStorage.setItem(ALERTED, JSON.stringify(all.slice(-50)));
  } catch {
    /* the in-memory set above still holds for this page */
  }
  return true;
}
