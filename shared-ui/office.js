// @ts-check
/**
 * @file An office as its public live stream tells it, for the screens that
 * follow one (display, counter, admin, kiosk): its counters with their
 * current ticket, the waiting figures per service (with the next numbers)
 * and the server's clock. One place applies the stream's messages, so every
 * screen shows the same thing.
 */
import { byId } from "./dom.js";
import { t } from "./i18n.js";
import { badgeFor, Live } from "./live.js";

/** @typedef {import("./live.js").Counter} Counter */
/** @typedef {import("./live.js").Waiting} Waiting */
/** @typedef {import("./live.js").ServerMsg} ServerMsg */
/** @typedef {import("./live.js").EventMsg} EventMsg */

/**
 * Follows an office's public stream (resuming after a drop), with the
 * page's "reconnecting" badge (`#offline`).
 * @param {string} officeId
 * @param {(msg: ServerMsg) => void} onMessage
 */
export function followOffice(officeId, onMessage) {
  return new Live(`/api/v1/offices/${encodeURIComponent(officeId)}/live`, {
    resume: true,
    onMessage,
    onStatus: badgeFor(byId("offline"), () => t("live.reconnecting")),
  }).start();
}

/**
 * Which services staff stopped, with their message, as the live stream
 * tells it (snapshot, each event's waiting figures, and the
 * `service_suspended` / `service_resumed` events themselves, which come
 * without figures when replayed): service id to message, null while it
 * issues. A service the stream has not mentioned is as the office was
 * fetched ({@link suspendedNow}).
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
  Object.assign(c, { number: null, ticket_status: null, ticket_service: null, ticket_priority: false, called_at: null, started_at: null });
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
          break;
        }
        {
          const queued = this.waiting.get(e.service ?? "")?.next.find((q) => q.number === e.number);
          Object.assign(c, {
            number: e.number ?? null,
            ticket_status: "called",
            ticket_service: e.service ?? null,
            ticket_priority: queued ? queued.priority : c.number === e.number && c.ticket_priority,
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
      case "day_ended":
        for (const x of this.counters) clearTicket(x);
        break;
    }
  }
}
