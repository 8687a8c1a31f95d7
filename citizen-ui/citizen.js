// @ts-check
/**
 * @file The citizen's page, for phones: `/` lists the offices, `/o/{office}`
 * its services (quota left, completion time, cost, requirements) to take a
 * ticket online, `/t/{code}` the ticket, live, with a full-screen "go to
 * counter 3" when it is called, and once done its document's progress and
 * the satisfaction survey (done.js). One small page (well under 60 KB), so
 * it loads on slow 3G.
 */
import { api, ApiError, errorText } from "../shared-ui/api.js";
import { byId, fill, h, keepFocus } from "../shared-ui/dom.js";
import { closedText, closesText, Reopening } from "../shared-ui/hours.js";
import { applyI18n, lang, langSwitch, loadLang, preferredLang, serviceName, t, waitText } from "../shared-ui/i18n.js";
import { badgeFor, Live } from "../shared-ui/live.js";
import { followOffice, Reconfiguring, suspendedNow, trackSuspensions } from "../shared-ui/office.js";
import { citizenId, proofFor } from "../shared-ui/proof.js";
import { chime, unlockAudio } from "../shared-ui/sound.js";
import { DocumentStatus, Survey } from "./done.js";

/** @typedef {import("../shared-ui/api.js").Office} Office */
/** @typedef {import("../shared-ui/api.js").Service} Service */
/** @typedef {import("../shared-ui/live.js").Ticket} Ticket */

const main = byId("main");
/** @type {Live | null} */
let live = null;
/** The office's stream on the ticket page (for changes of its services and counters). @type {Live | null} */
let officeLive = null;
/** Fetches the office shown again when staff change its configuration. @type {Reconfiguring | null} */
let reconfiguring = null;
/** @type {Map<string, Office>} */
const offices = new Map();
/** Re-renders the current view (after a language change). */
let rerender = () => {};
/** The server's clock minus the phone's (from the office's `now`): "today" and "tomorrow" are the office's. */
let skewMs = 0;
/** Fetches the office page's office again when something closed opens, or something open closes. */
const reopening = new Reopening(() => rerenderOffice(), () => Date.now() + skewMs);
/** Fetches the office shown again and redraws it (set by the office page). */
let rerenderOffice = () => {};

const MY_TICKETS = "antrean.tickets";
/** The priority reasons a citizen may claim online, as the desk offers them. */
const PRIORITIES = /** @type {const} */ (["elderly", "disability", "pregnant", "child", "other"]);

/** Tickets taken on this phone: {office: code}. */
function myTickets() {
  try {
    return /** @type {Record<string, string>} */ (JSON.parse(localStorage.getItem(MY_TICKETS) ?? "{}"));
  } catch {
    return {};
  }
}

/** @param {string} office @param {string | null} code */
function rememberTicket(office, code) {
  const all = myTickets();
  if (code) all[office] = code;
  else delete all[office];
  try {
    localStorage.setItem(MY_TICKETS, JSON.stringify(all));
  } catch {
    /* private mode: the URL is the ticket */
  }
}

/** @param {string} id */
async function office(id) {
  const o = /** @type {Office} */ (await api(`/offices/${encodeURIComponent(id)}`));
  offices.set(id, o);
  const now = Date.parse(o.now);
  if (now) skewMs = now - Date.now();
  return o;
}

/** Goes to a path of this page without reloading (keeps audio unlocked). */
function go(/** @type {string} */ path) {
  history.pushState(null, "", path);
  route();
}

function errorView(/** @type {unknown} */ e) {
  return h("p", { class: "error-msg", role: "alert" }, errorText(e));
}

async function route() {
  live?.stop();
  live = null;
  officeLive?.stop();
  officeLive = null;
  reconfiguring?.stop();
  reconfiguring = null;
  reopening.stop();
  rerenderOffice = () => {};
  byId("offline").hidden = true;
  const [first, id] = location.pathname.split("/").filter(Boolean);
  try {
    if (first === "o" && id) await officePage(decodeURIComponent(id));
    else if (first === "t" && id) await ticketPage(decodeURIComponent(id));
    else await officeList();
  } catch (e) {
    fill(main, errorView(e), h("p", null, h("a", { href: "/" }, t("cit.back_offices"))));
  }
  main.focus({ preventScroll: true });
}

async function officeList() {
  /** @type {import("../shared-ui/api.js").OfficeSummary[]} */
  const list = await api("/offices");
  document.title = t("cit.title");
  rerender = () => officeList();
  fill(
    main,
    h("h1", null, t("cit.choose_office")),
    h(
      "ul",
      { class: "list" },
      list.map((o) =>
        h(
          "li",
          { class: "card" },
          h("h2", null, h("a", { href: `/o/${o.id}`, onclick: link(`/o/${o.id}`) }, o.name)),
          h("p", { class: "hint" }, o.address),
        ),
      ),
    ),
  );
}

/** @param {string} path @returns {EventListener} */
function link(path) {
  return (e) => {
    e.preventDefault();
    go(path);
  };
}

/**
 * Why something is closed and when it opens again (null while open), by
 * the office's calendar.
 * @param {Office} o
 * @param {Office | Service} v
 * @param {string} [closed] the words without a reason
 */
function closedLines(o, v, closed) {
  return closedText(v, { timeZone: o.time_zone, languages: o.languages, now: Date.now() + skewMs, closed });
}

/** @param {string} id */
async function officePage(id) {
  let o = await office(id);
  document.title = `${o.name} · ${t("cit.title")}`;
  /** @type {string | null} */
  let confirming = null;
  /** The priority reason chosen in the confirmation (null: regular). @type {string | null} */
  let claimed = null;
  /** While the challenge is solved and the ticket issued. */
  let taking = false;
  /** @type {HTMLElement | null} */
  let error = null;
  /** Services staff stopped, as the office's live stream tells it. @type {import("../shared-ui/office.js").Suspensions} */
  const suspensions = new Map();
  // Drawn again on live changes: the focus stays on the control that had it.
  const render = () => keepFocus(main, draw);
  const draw = () => {
    const mine = myTickets()[o.id];
    const closed = closedLines(o, o, t("hours.office_closed"));
    fill(
      main,
      h("div", { class: "office-head" }, h("h1", null, o.name), h("p", null, o.address)),
      mine && h("a", { class: "my-ticket", href: `/t/${mine}`, onclick: link(`/t/${mine}`) }, t("cit.my_ticket")),
      closed &&
        h(
          "div",
          { class: "closed-note", role: "note", id: "office-closed" },
          h("p", { class: "closed-why" }, closed.why),
          h("p", { class: "closed-when" }, closed.when),
          h("p", null, t("cit.closed_hint")),
        ),
      error,
      h("h2", { class: "visually-hidden" }, t("cit.services")),
      h("ul", { class: "list" }, o.services.map((s) => serviceCard(s))),
    );
  };
  /** @param {Service} s */
  const serviceCard = (s) => {
    const left = s.remaining_online == null ? s.remaining : s.remaining_online;
    const exhausted = left === 0;
    const headId = `svc-${s.id}`;
    const closed = closedLines(o, s);
    // The published standard in the page's language where the office wrote
    // it, else in the office's own.
    const tr = s.translations[lang()];
    const std = {
      requirements: tr?.requirements?.length ? tr.requirements : s.requirements,
      completion_time: tr?.completion_time || s.completion_time,
      cost: tr?.cost || s.cost,
    };
    return h(
      "li",
      { class: "card", "data-card": s.id },
      h("h2", { id: headId }, h("span", { class: "prefix", "aria-hidden": "true" }, s.prefix), serviceName(s)),
      h(
        "dl",
        { class: "facts" },
        h("dt", null, t("svc.waiting")),
        h("dd", { class: "num" }, t("svc.people", { n: s.waiting })),
        h("dt", null, t("svc.estimate")),
        h("dd", null, waitText(s.estimated_wait_s)),
        h("dt", null, t("svc.quota_online")),
        h("dd", { class: "num" }, left == null ? t("svc.unlimited") : String(left)),
        h("dt", null, t("svc.completion")),
        h("dd", null, std.completion_time),
        h("dt", null, t("svc.cost")),
        h("dd", null, std.cost),
      ),
      std.requirements.length > 0 &&
        h("details", null, h("summary", null, t("svc.requirements")), h("ul", null, std.requirements.map((r) => h("li", null, r)))),
      action(s, headId, closed, exhausted),
    );
  };
  /**
   * What a card offers: why it is closed and when it opens (no button that
   * would only fail), the used-up quota, the confirmation, or the button.
   * @param {Service} s
   * @param {string} headId
   * @param {{why: string, when: string} | null} closed
   * @param {boolean} exhausted
   */
  const action = (s, headId, closed, exhausted) => {
    const stopped = suspendedNow(s, suspensions);
    if (stopped != null) {
      // The staff's words, as written, in the office's language.
      return h(
        "div",
        { class: "unavailable suspended", "data-suspended": s.id },
        h("p", { class: "suspended-label" }, t("svc.suspended")),
        h("p", { class: "suspended-msg", lang: o.languages[0] ?? "id" }, stopped),
      );
    }
    if (closed) {
      return h("div", { class: "unavailable", "data-closed": s.id }, h("p", { class: "closed-why" }, closed.why), h("p", { class: "closed-when" }, closed.when));
    }
    if (exhausted) return h("p", { class: "unavailable" }, t("svc.exhausted_online"));
    if (confirming === s.id) {
      // An optional priority reason: staff confirm it in the hall, and until
      // then the ticket waits as a regular one.
      const lane = h(
        "select",
        { id: "lane", "aria-describedby": "lane-hint", disabled: taking, onchange: (/** @type {Event} */ e) => (claimed = /** @type {HTMLSelectElement} */ (e.target).value || null) },
        h("option", { value: "" }, t("cit.lane_regular")),
        PRIORITIES.map((p) => h("option", { value: p, selected: claimed === p }, t(`priority.${p}`))),
      );
      return h(
        "div",
        { class: "confirm", role: "group", "aria-labelledby": headId },
        h("p", null, t("cit.confirm", { service: serviceName(s) })),
        h("label", { for: "lane", class: "lane-label" }, t("cit.lane")),
        lane,
        h("p", { class: "hint", id: "lane-hint" }, t("cit.lane_hint")),
        taking && h("p", { class: "hint", role: "status", id: "taking" }, t("cit.proving")),
        h(
          "div",
          { class: "row" },
          h("button", { type: "button", class: "btn btn-go", id: "confirm-take", disabled: taking, onclick: () => take(s) }, t("cit.confirm_yes")),
          h("button", { type: "button", class: "btn", disabled: taking, onclick: () => ((confirming = null), (claimed = null), render()) }, t("btn.cancel")),
        ),
      );
    }
    const closes = closesText(s, o.time_zone, Date.now() + skewMs);
    const button = h(
      "button",
      {
        type: "button",
        class: "btn btn-go",
        "data-service": s.id,
        "aria-describedby": closes ? `${headId} closes-${s.id}` : headId,
        onclick: () => {
          confirming = s.id;
          void unlockAudio();
          render();
          /** @type {HTMLElement | null} */ (document.getElementById("confirm-take"))?.focus();
        },
      },
      t("cit.take"),
    );
    return closes ? [h("p", { class: "closes-soon", id: `closes-${s.id}` }, closes), button] : button;
  };
  /** @param {Service} s */
  const take = async (s) => {
    void unlockAudio();
    taking = true;
    render();
    try {
      const body = { service: s.id, priority: claimed, channel: "online", citizen: citizenId() };
      /** @type {Ticket} */
      let ticket;
      try {
        ticket = await api(`/offices/${o.id}/tickets`, { body: { ...body, proof: await proofFor(o.id) } });
      } catch (e) {
        // A challenge that expired while the phone slept, or was used: once more.
        if (!(e instanceof ApiError && (e.code === "proof_expired" || e.code === "proof_spent"))) throw e;
        ticket = await api(`/offices/${o.id}/tickets`, { body: { ...body, proof: await proofFor(o.id) } });
      }
      taking = false;
      claimed = null;
      rememberTicket(o.id, ticket.code);
      go(`/t/${ticket.code}`);
    } catch (e) {
      taking = false;
      confirming = null;
      if (e instanceof ApiError && (e.code === "service_not_served" || e.code === "unknown_service")) {
        // Staff took it away while the page was open: the list without it.
        error = h("p", { class: "error-msg", role: "alert" }, t("svc.gone_now", { service: serviceName(s) }));
        await refresh().catch(() => render());
        return;
      }
      if (e instanceof ApiError && e.code === "service_closed") {
        // It closed while the page was open: say so in our words, and show
        // why and when it opens again.
        error = h("p", { class: "error-msg", role: "alert" }, t("svc.closed_now", { service: serviceName(s) }));
        await refresh().catch(() => render());
        return;
      }
      const held = myTickets()[o.id];
      if (e instanceof ApiError && e.code === "ticket_already_active" && held) {
        // The ticket this phone holds is one tap away.
        error = h(
          "p",
          { class: "error-msg", role: "alert" },
          errorText(e),
          " ",
          h("a", { href: `/t/${held}`, onclick: link(`/t/${held}`), id: "held-ticket" }, t("cit.see_ticket")),
        );
        render();
        return;
      }
      if (e instanceof ApiError && e.code === "service_suspended") {
        // Staff stopped it while the page was open: their message shows on its card.
        error = h("p", { class: "error-msg", role: "alert" }, t("svc.suspended_now", { service: serviceName(s) }));
        await refresh().catch(() => render());
        return;
      }
      error = errorView(e);
      render();
    }
  };
  const refresh = async () => {
    o = await office(id);
    // The office as just fetched is the latest word, until the stream's next.
    suspensions.clear();
    render();
    reopening.watch(o.time_zone, [o, ...o.services]);
  };
  rerender = render;
  rerenderOffice = () => {
    error = null;
    return refresh();
  };
  render();
  reopening.watch(o.time_zone, [o, ...o.services]);
  // A service stopped or resumed by staff shows at once, without a reload;
  // so do services, hours and closed days they change.
  const again = new Reconfiguring(() => refresh());
  reconfiguring = again;
  live = followOffice(o.id, (msg) => {
    again.see(msg, o);
    if (trackSuspensions(suspensions, msg)) render();
  });
}

/** @param {string} code */
async function ticketPage(code) {
  /** @type {Ticket} */
  let ticket = await api(`/tickets/${encodeURIComponent(code)}`);
  let o = offices.get(ticket.office) ?? (await office(ticket.office));
  const service = () => o.services.find((s) => s.id === ticket.service);
  /** @type {string | null} */
  let announcedCall = null;
  /** @type {HTMLElement | null} */
  let error = null;
  let confirmCancel = false;
  // The page is laid out once: live updates redraw the ticket card and the
  // document's steps, and leave the survey (and a hand in it) alone.
  const card = h("section", { class: "ticket", "aria-labelledby": "ticket-number" });
  const doc = new DocumentStatus();
  const survey = new Survey(code);
  const back = h("p", { class: "back" });
  fill(main, card, doc.el, survey.el, back);

  const render = () => {
    const s = service();
    document.title = `${ticket.number} · ${t("cit.title")}`;
    const st = ticket.status;
    const waiting = st === "waiting";
    fill(
      card,
      h("p", { class: "office" }, o.name),
      h("p", { class: "service" }, s ? serviceName(s) : ticket.service),
      h("h1", { class: "number num", id: "ticket-number" }, h("span", { class: "visually-hidden" }, t("cit.your_number") + " "), ticket.number),
      h("p", null, h("span", { class: `status status-${st}`, id: "ticket-status", "aria-live": "polite" }, t(`status.${st}`))),
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
      error,
      waiting &&
        (confirmCancel
          ? h(
              "div",
              { class: "confirm", role: "group" },
              h("p", null, t("cit.cancel_confirm")),
              h(
                "div",
                { class: "row" },
                h("button", { type: "button", class: "btn btn-stop", id: "cancel-yes", onclick: cancel }, t("cit.cancel_yes")),
                h("button", { type: "button", class: "btn", onclick: () => ((confirmCancel = false), render()) }, t("cit.cancel_no")),
              ),
            )
          : h(
              "button",
              {
                type: "button",
                class: "btn btn-stop",
                id: "cancel",
                onclick: () => {
                  confirmCancel = true;
                  render();
                  /** @type {HTMLElement | null} */ (document.getElementById("cancel-yes"))?.focus();
                },
              },
              t("cit.cancel"),
            )),
    );
    doc.update(st === "done" ? (s?.workflow ?? []) : [], ticket.document ?? null);
    survey.show(st === "done" && ticket.survey_open);
    fill(back, h("a", { href: `/o/${o.id}`, onclick: link(`/o/${o.id}`) }, t("cit.back_services")));
    showCalled();
  };

  /** Full screen, vibration and sound once per call (and per recall). */
  const showCalled = () => {
    const box = byId("called");
    if (ticket.status !== "called") {
      box.hidden = true;
      return;
    }
    const key = `${ticket.counter}@${ticket.called_at}`;
    if (announcedCall === key) return;
    announcedCall = key;
    byId("called-number").textContent = ticket.number;
    byId("called-where").textContent = t("cit.go_to", { counter: ticket.counter_name ?? "" });
    box.hidden = false;
    byId("called-ok").focus();
    navigator.vibrate?.([500, 200, 500, 200, 500]);
    void chime(0.9).then(() => chime(0.9));
  };

  const cancel = async () => {
    try {
      ticket = await api(`/tickets/${encodeURIComponent(code)}/cancel`, { method: "POST" });
      rememberTicket(ticket.office, null);
      error = null;
    } catch (e) {
      error = errorView(e);
    }
    confirmCancel = false;
    render();
  };

  rerender = () => {
    if (!survey.el.hidden) survey.render();
    render();
  };
  render();
  const final = ["done", "cancelled", "expired"];
  /** Whether nothing more can change: final, and any document at its last step. */
  const settled = () => {
    if (!final.includes(ticket.status)) return false;
    const workflow = ticket.status === "done" ? (service()?.workflow ?? []) : [];
    return workflow.length === 0 || ticket.document === workflow[workflow.length - 1];
  };
  const forget = () => {
    if (final.includes(ticket.status) && myTickets()[ticket.office] === code) rememberTicket(ticket.office, null);
  };
  forget();
  if (settled()) return;
  const stopAll = () => {
    live?.stop();
    officeLive?.stop();
    reconfiguring?.stop();
  };
  live = new Live(`/api/v1/tickets/${encodeURIComponent(code)}/live`, {
    onMessage: (msg) => {
      if (msg.type !== "ticket") return;
      ticket = msg.ticket;
      render();
      forget();
      if (settled()) stopAll();
    },
    onStatus: badgeFor(byId("offline"), () => t("live.reconnecting")),
  }).start();
  // The service's name and workflow are the office's: fetched again when
  // staff change them. (The counter's name comes with the ticket.) The
  // ticket's stream shows the badge for both.
  const again = new Reconfiguring(async () => {
    o = await office(o.id);
    render();
  });
  reconfiguring = again;
  officeLive = followOffice(o.id, (msg) => void again.see(msg, o), { badge: false });
}

async function init() {
  await loadLang(preferredLang("id"));
  langSwitch(byId("lang-btn"), () => rerender());
  byId("called-ok").addEventListener("click", () => {
    byId("called").hidden = true;
    main.focus();
  });
  byId("brand").addEventListener("click", link("/"));
  applyI18n();
  window.addEventListener("popstate", route);
  await route();
}

void init();
