// @ts-check
/**
 * @file The citizen's ticket, `/t/{code}`, live: how many are ahead, "3
 * nomor lagi" and a full-screen "go to counter 3" with sound and vibration
 * (alerts.js), a transfer explained, and once done its document's progress
 * and the satisfaction survey (done.js). Loaded when a ticket is shown (or
 * about to be taken), so the office page's first load stays small.
 */
import { api, ApiError } from "../shared-ui/api.js";
import { byId, fill, h, keepFocus } from "../shared-ui/dom.js";
import { serviceName, t, waitText } from "../shared-ui/i18n.js";
import { badgeFor, Live } from "../shared-ui/live.js";
import { followOffice, Reconfiguring } from "../shared-ui/office.js";
import { NEAR, NotifyOffer, ring } from "./alerts.js";
import { DocumentStatus, Survey } from "./done.js";
import { finished, firstAlert, keep } from "./mine.js";
import { aheadText, citizenError, link, main, office, offices, privacyLink, view } from "./page.js";

/** @typedef {import("../shared-ui/live.js").Ticket} Ticket */

/** @param {string} code */
export async function ticketPage(code) {
  /** @type {Ticket} */
  let ticket = await api(`/tickets/${encodeURIComponent(code)}`);
  let o = offices.get(ticket.office) ?? (await office(ticket.office));
  privacyLink(o.id);
  const serviceOf = (/** @type {string} */ id) => o.services.find((s) => s.id === id);
  const workflowOf = (/** @type {Ticket} */ v) => serviceOf(v.service)?.workflow ?? [];
  const name = (/** @type {string} */ id) => {
    const s = serviceOf(id);
    return s ? serviceName(s) : id;
  };
  // A ticket opened here (a printed ticket's QR code too) is kept on this phone.
  const before = keep(ticket, workflowOf(ticket));
  /**
   * A transfer the citizen should hear of, while the ticket waits after
   * it: to another service (seen here, or since this phone last saw it),
   * or to another counter. @type {{service: boolean} | null}
   */
  let moved = before && before.service && before.service !== ticket.service && ticket.status === "waiting" ? { service: true } : null;
  /** Where the office's stream said the ticket was transferred to. @type {{service: string, counter: string | null} | null} */
  let sentTo = null;
  /** @type {HTMLElement | null} */
  let error = null;
  let confirmCancel = false;
  // The page is laid out once: live updates redraw the ticket card and the
  // document's steps, and leave the alerts and the survey (and a hand in
  // it) alone.
  const card = h("section", { class: "ticket", "aria-labelledby": "ticket-number" });
  /** News said once to screen readers: called, transferred, near. */
  const news = h("p", { class: "visually-hidden", role: "status", id: "ticket-news" });
  const offer = new NotifyOffer();
  const doc = new DocumentStatus();
  const survey = new Survey(code);
  const back = h("p", { class: "back" });
  fill(main, card, news, offer.el, doc.el, survey.el, back);

  /** The transfer in words ("Anda dialihkan ke layanan Kartu Keluarga, 2 orang di depan Anda."). */
  const movedText = () => {
    if (!moved || ticket.status !== "waiting") return null;
    const ahead = aheadText(ticket.ahead ?? 0);
    const counterId = sentTo && sentTo.service === ticket.service ? sentTo.counter : null;
    const counter = counterId ? (o.counters.find((c) => c.id === counterId)?.name ?? null) : null;
    if (moved.service) return counter ? t("cit.moved.service_counter", { service: name(ticket.service), counter, ahead }) : t("cit.moved.service", { service: name(ticket.service), ahead });
    return counter ? t("cit.moved.counter", { counter, ahead }) : t("cit.moved.other", { ahead });
  };
  /** "3 nomor lagi" while the turn is near. */
  const nearText = () => {
    if (ticket.status !== "waiting" || ticket.ahead == null || ticket.ahead > NEAR) return null;
    return ticket.ahead === 0 ? t("cit.near.next") : ticket.ahead === 1 ? t("cit.near.one") : t("cit.near.n", { n: ticket.ahead });
  };

  const render = () => keepFocus(card, drawCard);
  const drawCard = () => {
    document.title = `${ticket.number} · ${t("cit.title")}`;
    const st = ticket.status;
    const waiting = st === "waiting";
    const near = nearText();
    const movedWords = movedText();
    fill(
      card,
      h("p", { class: "office" }, o.name),
      h("p", { class: "service", id: "ticket-service" }, name(ticket.service)),
      h("h1", { class: "number num", id: "ticket-number" }, h("span", { class: "visually-hidden" }, t("cit.your_number") + " "), ticket.number),
      h("p", null, h("span", { class: `status status-${st}`, id: "ticket-status" }, t(`status.${st}`))),
      movedWords && h("p", { class: "moved", id: "ticket-moved" }, movedWords),
      near && h("p", { class: "near", id: "ticket-near" }, near),
      ticket.priority &&
        !ticket.priority_confirmed &&
        (waiting || st === "called") &&
        h("p", { class: "priority-pending", id: "ticket-priority" }, t("cit.priority_pending", { reason: t(`priority.${ticket.priority}`) })),
      ticket.priority && ticket.priority_confirmed && h("p", { class: "priority-ok", id: "ticket-priority" }, t("cit.priority_confirmed", { reason: t(`priority.${ticket.priority}`) })),
      waiting &&
        h(
          "dl",
          { class: "big-facts" },
          h("div", null, h("dt", null, t("cit.ahead")), h("dd", { class: "num", id: "ticket-ahead" }, String(ticket.ahead ?? "–"))),
          h("div", null, h("dt", null, t("cit.estimate")), h("dd", { id: "ticket-estimate" }, waitText(ticket.estimated_wait_s))),
        ),
      (st === "called" || st === "serving") &&
        h("p", { class: "where" }, t(st === "called" ? "cit.go_to" : "cit.served_at", { counter: ticket.counter_name ?? "" })),
      waiting && h("p", { class: "hint" }, t("cit.live_hint")),
      st === "done" && h("p", { class: "hint" }, t("cit.thanks")),
      st === "no_show" && h("p", { class: "hint" }, t("cit.no_show_hint")),
      waiting &&
        (confirmCancel
          ? h(
              "div",
              { class: "confirm", role: "group", "aria-labelledby": "cancel-q" },
              h("p", { id: "cancel-q" }, t("cit.cancel_confirm")),
              h(
                "div",
                { class: "row" },
                h("button", { type: "button", class: "btn btn-stop", id: "cancel-yes", onclick: cancel }, t("cit.cancel_yes")),
                h("button", { type: "button", class: "btn", id: "cancel-no", onclick: () => ((confirmCancel = false), render()) }, t("cit.cancel_no")),
              ),
            )
          : h(
              "button",
              {
                type: "button",
                class: "btn btn-stop",
                id: "cancel",
                "aria-describedby": error ? "cancel-error" : null,
                onclick: () => {
                  confirmCancel = true;
                  error = null;
                  render();
                  /** @type {HTMLElement | null} */ (document.getElementById("cancel-yes"))?.focus();
                },
              },
              t("cit.cancel"),
            )),
      error,
    );
    // Drawn when it appears (and in another language), not on every update: a hand on its button keeps it.
    const alerts = waiting || st === "called";
    if (alerts && offer.el.hidden) offer.render();
    offer.el.hidden = !alerts;
    doc.update(st === "done" ? workflowOf(ticket) : [], ticket.document ?? null);
    survey.show(st === "done" && ticket.survey_open);
    fill(back, h("a", { href: `/o/${o.id}`, onclick: link(`/o/${o.id}`) }, t("cit.back_services")));
  };

  /** Says news once to screen readers. @param {string} text */
  const say = (text) => {
    news.textContent = text;
  };

  /**
   * What changed between two views of the ticket that the citizen should
   * be told of: a transfer, the turn near (once per queue it waits in),
   * the call (once per round of calls: full screen, sound, vibration).
   * @param {Ticket | null} prev null on the first view
   */
  const notice = (prev) => {
    const st = ticket.status;
    const movedNow = !!prev && st === "waiting" && (prev.service !== ticket.service || prev.status === "called" || prev.status === "serving");
    if (movedNow) {
      moved = { service: prev.service !== ticket.service };
      say(/** @type {string} */ (movedText()));
    } else if (st !== "waiting") moved = null;
    const wasNear = prev && prev.status === "waiting" && prev.service === ticket.service && prev.ahead != null && prev.ahead <= NEAR;
    const near = nearText();
    // Sent on by the clerk to a queue where the turn is near: told in person and on the page, not rung.
    if (near && prev && !wasNear && !movedNow && firstAlert(`${code}:near:${ticket.service}`)) {
      ring("near", { title: `${ticket.number}: ${near}`, body: `${name(ticket.service)} · ${o.name}`, tag: code });
      say(near);
    }
    if (st === "called" && firstAlert(`${code}:called:${ticket.counter}@${ticket.called_at}`)) {
      const where = t("cit.go_to", { counter: ticket.counter_name ?? "" });
      byId("called-number").textContent = ticket.number;
      byId("called-where").textContent = where;
      byId("called").hidden = false;
      byId("called-ok").focus();
      ring("called", { title: t("cit.called.note", { number: ticket.number }), body: where, tag: code });
    }
    if (st !== "called") byId("called").hidden = true;
  };

  const cancel = async () => {
    try {
      ticket = await api(`/tickets/${encodeURIComponent(code)}/cancel`, { method: "POST" });
      keep(ticket, workflowOf(ticket));
      error = null;
    } catch (e) {
      error = h("p", { class: "error-msg", role: "alert", id: "cancel-error", tabindex: "-1" }, e instanceof ApiError && e.code === "invalid_transition" ? t("cit.cancel_late") : citizenError(e));
      // Refused: the ticket moved on meanwhile (called, say), as it is now.
      if (e instanceof ApiError && e.status !== 0) {
        const prev = ticket;
        ticket = await api(`/tickets/${encodeURIComponent(code)}`).catch(() => ticket);
        notice(prev);
      }
    }
    confirmCancel = false;
    render();
    // (The call's full screen, when the refusal showed the ticket called, keeps the focus.)
    if (byId("called").hidden) (document.getElementById("cancel") ?? error ?? card).focus();
  };

  view.rerender = () => {
    if (!survey.el.hidden) survey.render();
    render();
    if (!offer.el.hidden) offer.render();
  };
  render();
  notice(null);
  if (finished(ticket, workflowOf(ticket))) return;
  const stop = () => {
    for (const s of view.running) s();
  };
  const live = new Live(`/api/v1/tickets/${encodeURIComponent(code)}/live`, {
    onMessage: (msg) => {
      if (msg.type !== "ticket") return;
      const prev = ticket;
      ticket = msg.ticket;
      notice(prev);
      render();
      keep(ticket, workflowOf(ticket));
      if (finished(ticket, workflowOf(ticket))) stop();
    },
    onStatus: badgeFor(byId("offline"), () => t("live.reconnecting")),
  }).start();
  view.running.push(() => live.stop());
  // The service's name and workflow are the office's: fetched again when
  // staff change them (the counter's name comes with the ticket); where a
  // transfer sent the ticket comes from the office's stream. The ticket's
  // stream shows the badge for both.
  const again = new Reconfiguring(async () => {
    o = await office(o.id);
    render();
  });
  view.running.push(() => again.stop());
  const officeLive = followOffice(
    o.id,
    (msg) => {
      again.see(msg, o);
      if (msg.type === "event" && msg.event.kind === "ticket_transferred" && msg.event.number === ticket.number) {
        sentTo = { service: msg.event.service, counter: msg.event.counter };
        if (moved) render();
      }
    },
    { badge: false },
  );
  view.running.push(() => officeLive.stop());
}
