// @ts-check
/**
 * @file Why an office or a service is closed now and when it opens again,
 * in the screen's language, for every screen that says "closed" (citizen
 * page, kiosk, lobby display): "Tutup: Hari Raya Natal" and "Buka lagi
 * pukul 13.30" (today), "Buka lagi besok, 07.30", "Buka lagi Senin, 07.30"
 * (within six days), "Buka lagi Senin, 4 Januari, 07.30" (later); in
 * English "Opens again Monday, 07:30". Days and times are the office's
 * (its `time_zone`), never the device's, worded by Intl.DateTimeFormat in
 * the screen's locale (id-ID, en-GB); the sentences are in the language
 * files (`hours.*`).
 *
 * {@link Reopening} asks the screen to fetch the office again when it
 * opens (and when the office's day changes, so "besok" does not stay
 * "besok" past midnight), so no screen stays "closed" all day.
 */
import { lang, locale, t } from "./i18n.js";

/**
 * What the server says about something that may be closed: an office
 * (OfficeView, the live snapshot) or a service (ServiceView).
 * @typedef {import("./contract").components["schemas"]["Closed"] & {open: boolean}} Availability
 */

const DAY_MS = 86_400_000;
/** Digits and calendar fixed, whatever the device's settings. */
const PARTS_LOCALE = "en-US-u-ca-gregory-nu-latn";

/** @type {Map<string, Intl.DateTimeFormat>} */
const formats = new Map();

/**
 * A cached formatter.
 * @param {string} loc
 * @param {string} timeZone
 * @param {Intl.DateTimeFormatOptions} opts
 */
function format(loc, timeZone, opts) {
  const key = JSON.stringify([loc, timeZone, opts]);
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(loc, { ...opts, timeZone });
    formats.set(key, f);
  }
  return f;
}

/**
 * The office's calendar day of an instant, as a count of days (since
 * 1970-01-01 there), so that two instants can be told apart by day.
 * @param {number} ms
 * @param {string} timeZone
 */
export function localDay(ms, timeZone) {
  const parts = format(PARTS_LOCALE, timeZone, { year: "numeric", month: "numeric", day: "numeric" }).formatToParts(ms);
  const n = (/** @type {string} */ type) => Number(parts.find((p) => p.type === type)?.value);
  return Math.round(Date.UTC(n("year"), n("month") - 1, n("day")) / DAY_MS);
}

/**
 * When something closed opens again, in words, by the office's calendar:
 * "Buka lagi pukul 13.30" (today), "Buka lagi besok, 07.30", "Buka lagi
 * Senin, 07.30" (in two to six days), "Buka lagi Senin, 4 Januari, 07.30"
 * (later). The "no opening planned" sentence without `opensAt`.
 * @param {string | null | undefined} opensAt RFC 3339, as the server sends it
 * @param {string} timeZone the office's
 * @param {number} [now] ms since the epoch (the server's clock when known)
 */
export function opensText(opensAt, timeZone, now = Date.now()) {
  const at = opensAt ? Date.parse(opensAt) : NaN;
  if (Number.isNaN(at)) return t("hours.opens_unknown");
  const loc = locale();
  const time = format(loc, timeZone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  // Past (a clock a little ahead of the server's): it opens today.
  const days = localDay(at, timeZone) - localDay(now, timeZone);
  if (days <= 0) return t("hours.opens_today", { time });
  if (days === 1) return t("hours.opens_tomorrow", { time });
  const weekday = format(loc, timeZone, { weekday: "long" }).format(at);
  if (days <= 6) return t("hours.opens_weekday", { weekday, time });
  const date = format(loc, timeZone, { day: "numeric", month: "long" }).format(at);
  return t("hours.opens_date", { weekday, date, time });
}

/**
 * A closed day's reason in the screen's language, else the office's first
 * (the server's map is in alphabetical order, not the office's), or null.
 * @param {Record<string, string> | null | undefined} reason
 * @param {string[]} [languages] the office's, its default first
 */
export function reasonIn(reason, languages = []) {
  if (!reason) return null;
  for (const l of [lang(), ...languages]) if (reason[l]) return reason[l];
  return Object.values(reason)[0] ?? null;
}

/**
 * What a screen says about something closed now: `why` ("Tutup: Hari Raya
 * Natal", or `closed` when the day has no reason, e.g. after hours) and
 * `when` ("Buka lagi besok, 07.30"); null while it is open.
 * @param {Availability} v
 * @param {{timeZone: string, languages?: string[], now?: number, closed?: string}} ctx
 *   `closed`: the words without a reason (default "Tutup")
 * @returns {{why: string, when: string} | null}
 */
export function closedText(v, ctx) {
  if (v.open) return null;
  const reason = reasonIn(v.closed_reason, ctx.languages);
  return {
    why: reason ? t("hours.closed_reason", { reason }) : (ctx.closed ?? t("svc.closed")),
    when: opensText(v.opens_at, ctx.timeZone, ctx.now),
  };
}

/** How long before closing a screen says when it closes. */
const SOON_MS = 3_600_000;

/**
 * "Tutup pukul 16.00" ("Closes at 16:00") while something open closes
 * within the hour, by the office's clock; else null.
 * @param {Availability} v
 * @param {string} timeZone the office's
 * @param {number} [now] ms since the epoch (the server's clock when known)
 */
export function closesText(v, timeZone, now = Date.now()) {
  const at = v.open && v.closes_at ? Date.parse(v.closes_at) : NaN;
  if (Number.isNaN(at) || at - now > SOON_MS || at <= now) return null;
  const time = format(locale(), timeZone, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(at);
  return t("hours.closes_at", { time });
}

/** Whether two closed things are closed for the same reason until the same time. @param {Availability} a @param {Availability} b */
export function sameClosure(a, b) {
  return !a.open && !b.open && a.opens_at === b.opens_at && JSON.stringify(a.closed_reason) === JSON.stringify(b.closed_reason);
}

/** The longest a {@link Reopening} sleeps between looks at the clock. */
const TICK_MS = 30_000;
/** The shortest: the server may still say "closed" a moment after our clock's `opens_at`. */
const MIN_WAIT_MS = 5_000;
/** After asking for a refresh, ask again this much later unless {@link Reopening.watch} is called. */
const RETRY_MS = 30_000;

/**
 * Calls `refresh` (which fetches the office again and gives the result to
 * {@link Reopening.watch}) a second after the earliest `opens_at` of what
 * is closed or `closes_at` of what is open (and an hour before that, when
 * "Tutup pukul 16.00" appears), and when the office's day changes (the words "besok" or a
 * weekday are then out of date). It looks at the clock at least every
 * 30 s and when the page becomes visible, so a phone that slept or a clock
 * that was set still refreshes on time; a failed refresh is tried again.
 */
export class Reopening {
  /**
   * @param {() => unknown} refresh
   * @param {() => number} [now] the clock (the server's, when the screen knows it)
   */
  constructor(refresh, now = () => Date.now()) {
    this.refresh = refresh;
    this.now = now;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    this.deadline = Infinity;
    this.day = 0;
    this.timeZone = "UTC";
    this.armed = false;
    if (typeof document !== "undefined") {
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") this.check();
      });
    }
  }

  /**
   * Follows these (an office and its services, as just fetched); nothing
   * to do while all are open with no closing planned.
   * @param {string} timeZone the office's
   * @param {Availability[]} views
   */
  watch(timeZone, views) {
    this.stop();
    const now = this.now();
    const times = [];
    for (const v of views) {
      const at = Date.parse((v.open ? v.closes_at : v.opens_at) ?? "");
      if (Number.isNaN(at)) continue;
      times.push(at);
      // An open one also an hour before it closes, to say "Tutup pukul 16.00".
      if (v.open && at - SOON_MS > now) times.push(at - SOON_MS);
    }
    if (times.length === 0 && views.every((v) => v.open)) return;
    this.deadline = times.length > 0 ? Math.min(...times) + 1000 : Infinity;
    this.timeZone = timeZone;
    this.day = localDay(this.now(), timeZone);
    this.armed = true;
    this.schedule();
  }

  stop() {
    this.armed = false;
    clearTimeout(this.timer);
  }

  schedule() {
    clearTimeout(this.timer);
    const wait = Math.max(MIN_WAIT_MS, Math.min(this.deadline - this.now(), TICK_MS));
    this.timer = setTimeout(() => this.check(), wait);
  }

  check() {
    if (!this.armed) return;
    const now = this.now();
    if (now < this.deadline && localDay(now, this.timeZone) === this.day) {
      this.schedule();
      return;
    }
    this.deadline = now + RETRY_MS;
    this.day = localDay(now, this.timeZone);
    this.schedule();
    // A failure is tried again at the deadline just set.
    try {
      const p = this.refresh();
      if (p instanceof Promise) p.catch(() => {});
    } catch {
      /* as above */
    }
  }
}
