// @ts-check
/**
 * @file The one live connection of every screen: a WebSocket that
 * reconnects by itself (exponential backoff with jitter), resumes with
 * `?since=<last seq>` so no event is missed, drops duplicates, and tells the
 * screen when it is away so it can show "menyambung ulang" while keeping
 * the last state on screen.
 */

/**
 * @typedef {{id: string, name: string, state: string, reason: string | null, number: string | null,
 *   ticket_status: string | null, ticket_service: string | null, ticket_priority: boolean,
 *   called_at: string | null, started_at: string | null, services: string[]}} Counter
 *   (`called_at`: the first call of the current ticket's round; `started_at`: its service's start)
 * @typedef {{number: string, priority: boolean}} Queued
 * @typedef {{service: string, waiting: number, next: Queued[], estimated_wait_s: number | null,
 *   remaining: number | null}} Waiting (`next`: the next numbers in call order, priority lane first)
 * @typedef {{seq: number, at: string, number: string, service: string, counter: string, counter_name: string,
 *   announcement: Record<string, string>}} RecentCall
 * @typedef {{type: "snapshot", seq: number, office: string, name: string, day: string, languages: string[],
 *   running_text: string, counters: Counter[], services: Waiting[], recent_calls: RecentCall[],
 *   now: string}} Snapshot (`now`: the server's clock)
 * @typedef {{kind: string, number?: string, service?: string, counter?: string | null, counter_name?: string,
 *   recall?: boolean, priority?: boolean, announcement?: Record<string, string>, state?: string,
 *   reason?: string | null, from_service?: string, from_counter?: string, day?: string, next_day?: string}} PublicEvent
 * @typedef {{type: "event", seq: number, at: string, event: PublicEvent, waiting?: Waiting[]}} EventMsg
 * @typedef {{code: string, number: string, office: string, service: string, status: string,
 *   priority: string | null, channel: string, issued_at: string, called_at: string | null,
 *   counter: string | null, counter_name: string | null, ahead: number | null,
 *   estimated_wait_s: number | null, document: string | null, survey_open: boolean}} Ticket
 *   (`document`: the step of its `workflow` the document is at; `survey_open`: done and not yet rated)
 * @typedef {{type: "ticket", seq: number, ticket: Ticket}} TicketMsg
 * @typedef {Snapshot | EventMsg | TicketMsg} ServerMsg
 * @typedef {"connecting" | "live" | "reconnecting"} LiveStatus
 */

/**
 * @typedef {object} LiveOptions
 * @property {(msg: ServerMsg) => void} onMessage every message, in order, without duplicates
 * @property {(status: LiveStatus) => void} [onStatus]
 * @property {boolean} [resume] pass `since=<last seq>` when reconnecting (office streams)
 * @property {number} [since] resume from this seq on the very first connection too
 */

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 15000;

/** The WebSocket URL of an API path on this server. */
export function wsUrl(/** @type {string} */ path) {
  const proto = location.protocol === "https:" ? "wss:" : "ws:";
  return `${proto}//${location.host}${path}`;
}

export class Live {
  /**
   * @param {string} path e.g. `/api/v1/offices/x/live`
   * @param {LiveOptions} opts
   */
  constructor(path, opts) {
    this.path = path;
    this.opts = opts;
    /** Seq of the last message handled; -1 before any. */
    this.seq = opts.since ?? -1;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.timer = undefined;
    /** @type {LiveStatus} */
    this.status = "connecting";
    this.hadSnapshotOrTicket = false;
    // A phone waking up or a LAN cable plugged back: try at once.
    window.addEventListener("online", () => this.reconnectNow());
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible" && this.status === "reconnecting") this.reconnectNow();
    });
  }

  start() {
    this.stopped = false;
    this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close();
  }

  /** @param {LiveStatus} s */
  setStatus(s) {
    if (this.status === s) return;
    this.status = s;
    this.opts.onStatus?.(s);
  }

  connect() {
    clearTimeout(this.timer);
    const resume = this.opts.resume && this.seq >= 0;
    const url = wsUrl(this.path + (resume ? `?since=${this.seq}` : ""));
    let ws;
    try {
      ws = new WebSocket(url);
    } catch {
      this.schedule();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.attempt = 0;
      this.setStatus("live");
    };
    ws.onmessage = (e) => {
      /** @type {ServerMsg} */
      let msg;
      try {
        msg = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (msg.type === "event") {
        // Already seen. (A jump forward is not an error: a resume from an
        // older day replays only today's events, then a snapshot.)
        if (msg.seq <= this.seq) return;
      }
      if (msg.type !== "ticket" || msg.seq > this.seq) this.seq = msg.seq;
      this.opts.onMessage(msg);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (!this.stopped) this.schedule();
    };
    ws.onerror = () => ws.close();
  }

  schedule() {
    this.setStatus("reconnecting");
    // Exponential backoff with full jitter, so that a hall of screens does
    // not come back all in the same millisecond after a server restart.
    const cap = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.attempt);
    const delay = cap / 2 + Math.random() * (cap / 2);
    this.attempt = Math.min(this.attempt + 1, 10);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.stopped || this.ws) return;
    this.attempt = 0;
    this.connect();
  }
}

/**
 * A "menyambung ulang / reconnecting" badge, shown while the connection is
 * away. Returns the status callback to give to {@link Live}.
 * @param {HTMLElement} badge an element with `hidden` and a role="status" ancestor or itself
 * @param {() => string} text the badge's words (called when shown, so the current language is used)
 * @returns {(s: LiveStatus) => void}
 */
export function badgeFor(badge, text) {
  return (s) => {
    const away = s === "reconnecting";
    badge.hidden = !away;
    badge.textContent = away ? text() : "";
    document.body.classList.toggle("is-offline", away);
  };
}
