// @ts-check
/**
 * @file An office as its public live stream tells it, for the screens that
 * follow one (display, counter, admin, kiosk): its counters with their
 * current ticket and the clerk holding them, the waiting figures per
 * service (with the next numbers) and the server's clock. One place applies the stream's messages, so every
 * screen shows the same thing; and one place ({@link Reconfiguring}) says
 * when to fetch the office again because staff changed its configuration.
 */
import { byId } from "./dom.js";
import { t } from "./i18n.js";
import { badgeFor, Live } from "./live.js";

/** @typedef {import("./live.js").Counter} Counter */
/** @typedef {import("./live.js").Waiting} Waiting */
/** @typedef {import("./live.js").ServerMsg} ServerMsg */
/** @typedef {import("./live.js").EventMsg} EventMsg */

/** @typedef {import("./api.js").Office} Office */

/**
 * Follows an office's public stream (resuming after a drop), with the
 * page's "reconnecting" badge (`#offline`), unless `badge` is false (a
 * page whose other stream already shows it). `access`: what the stream
 * holds (a device's token, a staff session; else the page's, see
 * `holdAccess` in live.js); `onAccessEnded` when that access ends (the
 * stream has stopped for good then).
 * @param {string} officeId
 * @param {(msg: ServerMsg) => void} onMessage
 * @param {{badge?: boolean, access?: import("./live.js").LiveAccess, onAccessEnded?: () => void}} [opts]
 */
export function followOffice(officeId, onMessage, opts = {}) {
  return new Live(`/api/v1/offices/${encodeURIComponent(officeId)}/live`, {
    resume: true,
    onMessage,
    onStatus: opts.badge === false ? undefined : badgeFor(byId("offline"), () => t("live.reconnecting")),
    access: opts.access,
    onAccessEnded: opts.onAccessEnded,
  }).start();
}

/** A quiet moment after the last change before fetching, and a spread so a hall of screens does not ask in the same millisecond. */
const RECONFIGURE_QUIET_MS = 300;
const RECONFIGURE_SPREAD_MS = 700;
/** However long a run of changes goes on, the office is fetched at least this often. */
const RECONFIGURE_MAX_WAIT_MS = 3000;

/**
 * Fetches the office again when staff changed its configuration (services,
 * counters, hours, closed days, settings), so a screen follows it without a
 * reload. A run of `configured` events (an import sends many) is one
 * fetch, after a quiet moment; never two fetches at once, and one more
 * when a change came while fetching. A snapshot that does not match the
 * office as fetched (open or not and until when, its counters with their
 * names and services, the services offered: it changed between the fetch
 * and the stream's start), or any snapshot after the first (the stream was
 * away and may have missed changes), fetches it too.
 */
export class Reconfiguring {
  /**
   * @param {() => Promise<unknown> | unknown} refetch fetches the office and draws it
   * @param {{quietMs?: number, spreadMs?: number}} [opts]
   */
  constructor(refetch, opts = {}) {
    this.refetch = refetch;
    this.quietMs = opts.quietMs ?? RECONFIGURE_QUIET_MS;
    this.spreadMs = opts.spreadMs ?? RECONFIGURE_SPREAD_MS;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** When the oldest change not yet fetched came (ms), else 0. */
    this.pendingSince = 0;
    this.fetching = false;
    this.again = false;
    this.snapshots = 0;
    this.stopped = false;
  }

  /**
   * Looks at a message of the office stream; whether it will fetch the office.
   * @param {ServerMsg} msg
   * @param {Office | null} office the office as the screen last fetched it
   */
  see(msg, office) {
    if (msg.type === "event" && msg.event.kind === "configured") {
      this.soon();
      return true;
    }
    if (msg.type === "snapshot") {
      const first = this.snapshots++ === 0;
      if (!first || !office || !sameSetup(msg, office)) {
        this.soon();
        return true;
      }
    }
    return false;
  }

  /** Fetches the office after a quiet moment (or at once after a long run of changes). */
  soon() {
    if (this.stopped) return;
    if (this.fetching) {
      this.again = true;
      return;
    }
    const now = Date.now();
    if (!this.pendingSince) this.pendingSince = now;
    const wait = Math.min(this.quietMs + Math.random() * this.spreadMs, Math.max(0, this.pendingSince + RECONFIGURE_MAX_WAIT_MS - now));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.run(), wait);
  }

  async run() {
    this.pendingSince = 0;
    if (this.stopped) return;
    this.fetching = true;
    try {
      await this.refetch();
    } catch {
      // Kept as it was; the next change or snapshot asks again.
    } finally {
      this.fetching = false;
    }
    if (this.again) {
      this.again = false;
      this.soon();
    }
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }
}

/**
 * Whether a snapshot shows the office as fetched: open or not, when it
 * opens again, the same counters (ids, names, services) and services.
 * @param {import("./live.js").Snapshot} snap
 * @param {Office} office
 */
export function sameSetup(snap, office) {
  const counters = (/** @type {Counter[]} */ list) => JSON.stringify(list.map((c) => [c.id, c.name, c.services]));
  const services = (/** @type {string[]} */ ids) => JSON.stringify([...ids].sort());
  return (
    snap.open === office.open &&
    snap.opens_at === office.opens_at &&
    counters(snap.counters) === counters(office.counters) &&
    services(snap.services.map((w) => w.service)) === services(office.services.map((s) => s.id))
  );
}

/**
 * Which services staff stopped, with their message, as the live stream
 * tells it (snapshot, each event's waiting figures, and the
 * `service_suspended` / `service_resumed` events themselves): service
 * id to message, null while it issues. A service the stream has not
 * mentioned is as the office was fetched ({@link suspendedNow}).
 * @typedef {Map<string, string | null>} Suspensions
 */

/**
 * Applies a message of the office stream to `map`; whether a service's
 * state changed (so a screen redraws only then).
 * @param {Suspensions} map
 * @param {ServerMsg} msg
 */
export function trackSuspensions(map, msg) {
  let changed = false;
  const set = (/** @type {string} */ id, /** @type {string | null | undefined} */ m) => {
    const v = m ?? null;
    if (map.get(id) !== v) changed = true;
    map.set(id, v);
  };
  if (msg.type === "snapshot") for (const w of msg.services) set(w.service, w.suspended);
  else if (msg.type === "event") {
    for (const w of msg.waiting ?? []) set(w.service, w.suspended);
    const e = msg.event;
    if (e.kind === "service_suspended") set(e.service, e.message);
    else if (e.kind === "service_resumed") set(e.service, null);
  }
  return changed;
}

/**
 * The staff's message while they stopped this service, else null: the
 * live stream's latest word, else the office as fetched.
 * @param {{id: string, suspended: string | null}} s a ServiceView
 * @param {Suspensions} map
 */
export function suspendedNow(s, map) {
  return map.has(s.id) ? (map.get(s.id) ?? null) : s.suspended;
}

/** Clears a counter's current ticket. @param {Counter} c */
export function clearTicket(c) {
  Object.assign(c, { number: null, ticket_status: null, ticket_service: null, ticket_priority: false, ticket_calls: null, called_at: null, started_at: null });
}

export class OfficeState {
  constructor() {
    /** @type {Counter[]} */
    this.counters = [];
    /** @type {Map<string, Waiting>} */
    this.waiting = new Map();
    /** Which services staff stopped, from the stream. @type {Suspensions} */
    this.suspended = new Map();
    /** Server clock minus ours (from the last snapshot). */
    this.skewMs = 0;
  }

  /** Now, by the server's clock (ms). */
  now() {
    return Date.now() + this.skewMs;
  }

  /** @param {string | null | undefined} id */
  counter(id) {
    return this.counters.find((c) => c.id === id) ?? null;
  }

  /**
   * Takes the counters of an office just fetched: their names and services
   * (staff may have changed them), new counters, none removed; what the
   * stream says of a counter kept (its state, its ticket) stays, since it
   * may be newer than the fetch.
   * @param {Counter[]} counters
   */
  reconfigure(counters) {
    const known = new Map(this.counters.map((c) => [c.id, c]));
    this.counters = counters.map((c) => {
      const k = known.get(c.id);
      return k ? Object.assign(k, { name: c.name, services: c.services }) : c;
    });
  }

  /** Applies a message of the office stream. @param {ServerMsg} msg */
  apply(msg) {
    trackSuspensions(this.suspended, msg);
    if (msg.type === "snapshot") {
      this.counters = msg.counters;
      this.waiting.clear();
      for (const w of msg.services) this.waiting.set(w.service, w);
      const now = Date.parse(msg.now);
      if (now) this.skewMs = now - Date.now();
    } else if (msg.type === "event") {
      // Counters first: a call's priority is read from the list before it.
      this.applyToCounters(msg);
      for (const w of msg.waiting ?? []) this.waiting.set(w.service, w);
    }
  }

  /** @param {EventMsg} msg */
  applyToCounters(msg) {
    const e = msg.event;
    const c = this.counter("counter" in e ? e.counter : null);
    switch (e.kind) {
      case "ticket_called":
        if (!c) break;
        if (e.recall && c.number === e.number) {
          c.ticket_status = "called";
          c.ticket_calls = (c.ticket_calls ?? 0) + 1;
          break;
        }
        {
          const queued = this.waiting.get(e.service ?? "")?.next.find((q) => q.number === e.number);
          Object.assign(c, {
            number: e.number ?? null,
            ticket_status: "called",
            ticket_service: e.service ?? null,
            ticket_priority: queued ? queued.priority : c.number === e.number && c.ticket_priority,
            // A call (not a recall) is the first since the ticket waited.
            ticket_calls: 1,
            called_at: msg.at,
            started_at: null,
          });
        }
        break;
      case "ticket_serving":
        if (c) Object.assign(c, { ticket_status: "serving", started_at: msg.at });
        break;
      case "ticket_done":
      case "ticket_no_show":
        if (c && c.number === e.number) clearTicket(c);
        break;
      case "ticket_transferred": {
        const from = this.counter(e.from_counter);
        if (from && from.number === e.number) clearTicket(from);
        break;
      }
      case "counter_state":
        if (c) Object.assign(c, { state: e.state ?? c.state, reason: e.reason ?? null });
        break;
      case "counter_taken":
        if (c) c.clerk = e.clerk;
        break;
      case "day_ended":
        for (const x of this.counters) clearTicket(x);
        break;
    }
  }
}
