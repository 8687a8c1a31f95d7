// @ts-check
/**
 * @file Priority reasons claimed online, for staff in the hall (the help
 * desk and the counter page): a ticket whose citizen chose a priority
 * reason on their phone waits as a regular ticket until staff see them and
 * confirm it ("Konfirmasi prioritas", `POST .../priority/confirm`, in the
 * audit log with who did it). The list is the office's
 * (`GET /offices/{office}/priority-claims`, staff only: the reason is not
 * public), fetched again when the stream says a ticket came, moved or
 * left.
 */
import { api, errorText } from "./api.js";
import { fill, h } from "./dom.js";
import { serviceName, t } from "./i18n.js";

/** @typedef {import("./contract").components["schemas"]} Schemas */
/** @typedef {Schemas["PriorityClaim"]} PriorityClaim */
/** @typedef {import("./api.js").Service} Service */

/** Event kinds after which the list may differ. */
const CHANGES = new Set([
  "ticket_issued",
  "priority_confirmed",
  "ticket_called",
  "ticket_done",
  "ticket_cancelled",
  "ticket_no_show",
  "ticket_transferred",
  "ticket_requeued",
  "day_ended",
]);

export class PriorityClaims {
  /**
   * @param {string} office
   * @param {() => Service[]} services the office's services (for their names)
   */
  constructor(office, services) {
    this.office = office;
    this.services = services;
    /** @type {PriorityClaim[]} */
    this.claims = [];
    /** Number → what became of its confirmation (shown by its row). @type {Map<string, string>} */
    this.notes = new Map();
    /** @type {string | null} */
    this.error = null;
    /** The rows on the page, by number, with what they say. @type {Map<string, {key: string, el: HTMLElement}>} */
    this.rows = new Map();
    this.list = h("ul", { class: "claims-list", id: "claims-list" });
    // Worded on each render: the page may load its language after this.
    this.title = h("h2", { id: "claims-title" });
    this.hint = h("p", { class: "hint" });
    /** What became of the last confirmations, said once. */
    this.status = h("p", { class: "claims-done", role: "status", id: "claims-status" });
    this.el = h("section", { class: "c-card claims", id: "claims", "aria-labelledby": "claims-title" }, this.title, this.hint, this.status, this.list);
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    this.stopped = false;
  }

  /** Fetches the list now. */
  async refresh() {
    try {
      this.claims = await api(`/offices/${encodeURIComponent(this.office)}/priority-claims`);
      this.error = null;
    } catch (e) {
      this.error = errorText(e);
    }
    this.render();
  }

  /** A message of the office's stream: fetches again (once for a burst) when it may change the list. @param {any} msg */
  see(msg) {
    const changed = msg?.type === "snapshot" || (msg?.type === "event" && CHANGES.has(msg.event?.kind));
    if (!changed || this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) void this.refresh();
    }, 300);
  }

  stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** @param {PriorityClaim} c */
  async confirm(c) {
    try {
      await api(`/offices/${encodeURIComponent(this.office)}/tickets/${encodeURIComponent(c.number)}/priority/confirm`, { method: "POST" });
      this.notes.set(c.number, t("claims.confirmed", { number: c.number }));
    } catch (e) {
      this.notes.set(c.number, errorText(e));
    }
    await this.refresh();
  }

  /**
   * One claim's row.
   * @param {PriorityClaim} c
   * @param {string} service the service's name
   * @param {string} note what became of its confirmation, or ""
   */
  row(c, service, note) {
    return h(
      "li",
      { class: "claims-row", "data-number": c.number },
      h("span", { class: "claims-number num" }, c.number),
      h(
        "span",
        { class: "claims-what" },
        h("span", { class: "claims-reason" }, t(`priority.${c.priority}`)),
        h("span", { class: "claims-service" }, `${service} · ${t(`status.${c.status}`)}`),
        note && h("span", { class: "error-msg", role: "alert" }, note),
      ),
      h(
        "button",
        { type: "button", class: "btn btn-go claims-confirm", "aria-label": t("claims.confirm_number", { number: c.number }), onclick: () => this.confirm(c) },
        t("claims.confirm"),
      ),
    );
  }

  render() {
    const name = (/** @type {string} */ id) => {
      const s = this.services().find((x) => x.id === id);
      return s ? serviceName(s) : id;
    };
    this.title.textContent = t("claims.title");
    this.hint.textContent = t("claims.hint");
    const done = [...this.notes].filter(([n]) => !this.claims.some((c) => c.number === n));
    /** @type {Map<string, {key: string, el: HTMLElement}>} */
    const rows = new Map();
    for (const c of this.claims) {
      const note = this.notes.get(c.number) ?? "";
      const key = [t(`priority.${c.priority}`), name(c.service), t(`status.${c.status}`), note, t("claims.confirm")].join("\u0000");
      const kept = this.rows.get(c.number);
      rows.set(c.number, kept && kept.key === key ? kept : { key, el: this.row(c, name(c.service), note) });
    }
    this.rows = rows;
    const children = [
      this.error && h("li", { class: "error-msg", role: "alert" }, this.error),
      this.claims.length === 0 && !this.error && h("li", { class: "hint", id: "claims-none" }, t("claims.none")),
      ...[...rows.values()].map((r) => r.el),
    ].filter((c) => c instanceof HTMLElement);
    // A row that did not change stays the same element, left in place: a
    // refresh while a clerk taps "Konfirmasi" (any ticket issued in the
    // office starts one) must not swap the button under the finger.
    const same = children.length === this.list.children.length && children.every((c, i) => c === this.list.children[i]);
    if (!same) fill(this.list, children);
    // Kept until the next confirmation says something new.
    if (done.length) this.status.textContent = done.map(([, note]) => note).join(" ");
    // A confirmation is said once.
    for (const [n] of done) this.notes.delete(n);
  }
}
