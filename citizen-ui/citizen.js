// @ts-check
/**
 * @file The citizen's page, for phones: `/` lists the offices, `/o/{office}`
 * its services (people waiting, estimate and quota left, live; completion
 * time, cost, requirements) to take a ticket online; both list the tickets
 * this phone holds (mine.js) with their state, live, until the document is
 * collected. `/t/{code}` is the ticket (ticket.js, loaded when needed);
 * `/privacy` the privacy notice (privacy.js, loaded there only), linked
 * from every view's footer with the office shown, if any. One small page
 * (well under 60 KB on the office page's first load), so it loads on slow
 * 3G.
 */
import { api, ApiError, errorText } from "../shared-ui/api.js";
import { byId, fill, h, keepFocus, patch } from "../shared-ui/dom.js";
import { closedText, closesText, Reopening, sameClosure } from "../shared-ui/hours.js";
import { applyI18n, lang, langSwitch, loadLang, preferredLang, serviceName, t, waitText } from "../shared-ui/i18n.js";
import { badgeFor, Live } from "../shared-ui/live.js";
import { followOffice, Reconfiguring, suspendedNow, trackSuspensions } from "../shared-ui/office.js";
import { unlockAudio } from "../shared-ui/sound.js";
import { finished, forget, keep, keptTickets } from "./mine.js";
import { aheadText, citizenError, errorView, go, link, main, office, offices, privacyLink, routeWith, skewMs, view } from "./page.js";

/** @typedef {import("../shared-ui/api.js").Office} Office */
/** @typedef {import("../shared-ui/api.js").Service} Service */
/** @typedef {import("../shared-ui/live.js").Ticket} Ticket */
/** @typedef {import("../shared-ui/live.js").Waiting} Waiting */
/** @typedef {import("./mine.js").Kept} Kept */

/** Fetches the office page's office again when something closed opens, or something open closes. */
const reopening = new Reopening(() => rerenderOffice(), () => Date.now() + skewMs);
/** Fetches the office shown again and redraws it (set by the office page). */
let rerenderOffice = () => {};

/** The priority reasons a citizen may claim online, as the desk offers them. */
const PRIORITIES = /** @type {const} */ (["elderly", "disability", "pregnant", "child", "other"]);
/** The proof of work an online ticket answers: loaded when a ticket is about to be taken. */
const proofs = () => import("../shared-ui/proof.js");

/** The ticket's view, with the survey and the alerts: loaded when first needed. */
const ticketView = () => import("./ticket.js");
/** The privacy notice: loaded on its page only. */
const privacyView = () => import("./privacy.js");

async function route() {
  for (const stop of view.running.splice(0)) stop();
  view.rerender = () => {};
  reopening.stop();
  rerenderOffice = () => {};
  byId("offline").hidden = true;
  byId("called").hidden = true;
  const [first, id] = location.pathname.split("/").filter(Boolean);
  const from = new URLSearchParams(location.search).get("office");
  privacyLink(first === "o" && id ? decodeURIComponent(id) : first === "privacy" ? from : null, first === "privacy");
  try {
    if (first === "o" && id) await officePage(decodeURIComponent(id));
    else if (first === "t" && id) await (await ticketView()).ticketPage(decodeURIComponent(id));
    else if (first === "privacy") await (await privacyView()).privacyPage(from);
    else await officeList();
  } catch (e) {
    // A ticket the server does not know (a new database, a mistyped
    // address) is not kept any longer.
    if (first === "t" && e instanceof ApiError && e.code === "unknown_ticket") forget(decodeURIComponent(id));
    view.rerender = () => fill(main, h("h1", { class: "error-title" }, t("cit.err.title")), errorView(e), h("p", null, h("a", { href: "/", onclick: link("/") }, t("cit.back_offices"))));
    view.rerender();
  }
  main.focus({ preventScroll: true });
}

/**
 * Streams shown as one "menyambung ulang" badge: shown while any of them
 * is away.
 */
function sharedBadge() {
  const away = new Set();
  const show = badgeFor(byId("offline"), () => t("live.reconnecting"));
  return (/** @type {unknown} */ who) => (/** @type {import("../shared-ui/live.js").LiveStatus} */ s) => {
    if (s === "reconnecting") away.add(who);
    else away.delete(who);
    show(away.size > 0 ? "reconnecting" : "live");
  };
}

/**
 * One line about a ticket's state for the lists: "Menunggu · 2 orang di
 * depan", "Dipanggil · Silakan menuju Loket 3", "Selesai · Dokumen: siap
 * diambil".
 * @param {Ticket} v
 * @param {Service | undefined} s
 */
function ticketLine(v, s) {
  const status = t(`status.${v.status}`);
  const more = (() => {
    switch (v.status) {
      case "waiting":
        return aheadText(v.ahead ?? 0);
      case "called":
        return t("cit.go_to", { counter: v.counter_name ?? "" });
      case "serving":
        return t("cit.served_at", { counter: v.counter_name ?? "" });
      case "done":
        if (s?.workflow.length) return v.document ? t("cit.mine.document", { step: v.document }) : t("cit.mine.document_none");
        return v.survey_open ? t("cit.mine.survey") : null;
      default:
        return null;
    }
  })();
  return more ? `${status} · ${more}` : status;
}

/**
 * The tickets this phone holds (all, or one office's), each a link to its
 * page with its state, live from its own stream until it is finished.
 * Hidden while there are none.
 * @param {string | null} officeId
 * @param {(who: unknown) => (s: import("../shared-ui/live.js").LiveStatus) => void} [badge]
 *   the page's badge (none: another stream of the page shows it)
 */
function myTickets(officeId, badge) {
  const list = h("ul", { class: "mine-list" });
  const el = h("section", { class: "mine", id: "mine", "aria-labelledby": "mine-title", hidden: true }, h("h2", { id: "mine-title" }), list);
  /** @type {Map<string, {kept: Kept, ticket: Ticket | null}>} */
  const shown = new Map();
  const draw = () => {
    el.hidden = shown.size === 0;
    /** @type {HTMLElement} */ (el.firstChild).textContent = t(shown.size === 1 ? "cit.mine.title_one" : "cit.mine.title");
    const many = new Set([...shown.values()].map((x) => x.kept.office)).size > 1 || officeId == null;
    fill(
      list,
      [...shown.values()].map(({ kept, ticket }) => {
        const o = offices.get(kept.office);
        const s = o?.services.find((x) => x.id === (ticket?.service ?? kept.service));
        return h(
          "li",
          { class: "mine-item", "data-code": kept.code },
          h(
            "a",
            { href: `/t/${kept.code}`, onclick: link(`/t/${kept.code}`), class: "mine-link" },
            h("span", { class: "mine-number num" }, ticket?.number ?? kept.number),
            h(
              "span",
              { class: "mine-what" },
              h("span", { class: "mine-service" }, s ? serviceName(s) : (ticket?.service ?? kept.service)),
              many && o && h("span", { class: "mine-office" }, o.name),
              ticket && h("span", { class: `mine-state mine-${ticket.status}` }, ticketLine(ticket, s)),
            ),
          ),
        );
      }),
    );
  };
  const start = async () => {
    const kept = keptTickets(officeId ?? undefined);
    const views = await Promise.all(
      kept.map((k) =>
        api(`/tickets/${encodeURIComponent(k.code)}`).then(
          (/** @type {Ticket} */ v) => v,
          (/** @type {unknown} */ e) => {
            if (e instanceof ApiError && e.code === "unknown_ticket") forget(k.code);
            return e instanceof ApiError && e.code === "unknown_ticket" ? undefined : null;
          },
        ),
      ),
    );
    for (const [i, k] of kept.entries()) {
      const ticket = views[i];
      if (ticket === undefined) continue;
      if (!offices.has(k.office)) await office(k.office).catch(() => null);
      const workflow = offices.get(k.office)?.services.find((s) => s.id === (ticket?.service ?? k.service))?.workflow ?? [];
      if (ticket) keep(ticket, workflow, false);
      shown.set(k.code, { kept: k, ticket });
      if (ticket && finished(ticket, workflow)) continue;
      const stream = new Live(`/api/v1/tickets/${encodeURIComponent(k.code)}/live`, {
        onMessage: (msg) => {
          if (msg.type !== "ticket") return;
          const entry = shown.get(k.code);
          if (entry) entry.ticket = msg.ticket;
          const wf = offices.get(k.office)?.services.find((s) => s.id === msg.ticket.service)?.workflow ?? [];
          keep(msg.ticket, wf, false);
          draw();
          if (finished(msg.ticket, wf)) stream.stop();
        },
        onStatus: badge?.(k.code),
      }).start();
      view.running.push(() => stream.stop());
    }
    draw();
  };
  return { el, start, draw };
}

async function officeList() {
  /** @type {import("../shared-ui/api.js").OfficeSummary[]} */
  const list = await api("/offices");
  document.title = t("cit.title");
  const mine = myTickets(null, sharedBadge());
  view.rerender = () => {
    mine.draw();
    draw();
  };
  const heading = h("h1");
  const offices = h("ul", { class: "list" });
  const draw = () => {
    heading.textContent = t("cit.choose_office");
    fill(
      offices,
      list.map((o) =>
        h("li", { class: "card" }, h("h2", null, h("a", { href: `/o/${o.id}`, onclick: link(`/o/${o.id}`) }, o.name)), h("p", { class: "hint" }, o.address)),
      ),
    );
  };
  draw();
  fill(main, mine.el, heading, offices);
  await mine.start();
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

/**
 * A service's published standard in the page's language where the office
 * wrote it, else in the office's own.
 * @param {Service} s
 */
function standard(s) {
  const tr = s.translations[lang()];
  return {
    requirements: tr?.requirements?.length ? tr.requirements : s.requirements,
    completion_time: tr?.completion_time || s.completion_time,
    cost: tr?.cost || s.cost,
  };
}

/**
 * What a service card offers:
 * `stopped` (by staff), `closed`, `out` (no ticket left today anywhere),
 * `kiosk` (none left online, some at the kiosk) or `take`.
 * @typedef {"stopped" | "closed" | "out" | "kiosk" | "take"} Offer
 */

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
  /** A refusal, shown on the card of the service it is about (worded on each draw, in the page's language). @type {{service: string, words: () => string | Node[]} | null} */
  let error = null;
  /** Services staff stopped, as the office's live stream tells it. @type {import("../shared-ui/office.js").Suspensions} */
  const suspensions = new Map();
  /** Waiting figures by service, as the stream tells them (latest first; cleared when the office is fetched). @type {Map<string, Waiting>} */
  const figures = new Map();
  /** What each card offered when drawn: another offer draws the page again. @type {Map<string, Offer>} */
  const offered = new Map();
  // The office's stream shows the page's badge; the tickets' would say the same.
  const mine = myTickets(o.id);

  /** A service's figures now: the stream's, else the office's as fetched. @param {Service} s */
  const figuresOf = (s) => {
    const w = figures.get(s.id);
    const total = w ? w.remaining : s.remaining;
    // Online tickets count against both quotas, kiosk tickets only against the total.
    const online = w ? w.remaining_online : s.remaining_online;
    return { waiting: w ? w.waiting : s.waiting, estimate: w ? w.estimated_wait_s : s.estimated_wait_s, total, online };
  };
  /** @param {Service} s @returns {Offer} */
  const offerOf = (s) => {
    if (suspendedNow(s, suspensions) != null) return "stopped";
    if (!s.open || !o.open) return "closed";
    const f = figuresOf(s);
    if (f.total === 0) return "out";
    if (f.online === 0) return "kiosk";
    return "take";
  };
  /**
   * Why no ticket can be taken online, and where one still can: at the
   * kiosk only while it can still issue (the office's total quota), never
   * a kiosk that is out too.
   * @param {Service} s
   * @param {string} [why] the words before the kiosk's (default: the online quota is used up)
   */
  const outText = (s, why = t("cit.quota.online_out")) => {
    const f = figuresOf(s);
    if (f.total === 0) return t("cit.quota.out");
    return `${why} ${f.total == null ? t("cit.quota.at_kiosk") : t("cit.quota.at_kiosk_n", { n: f.total })}`;
  };

  // Drawn again on live changes: the focus stays on the control that had it.
  const render = () => keepFocus(main, draw);
  const draw = () => {
    const closed = closedLines(o, o, t("hours.office_closed"));
    offered.clear();
    // What did not change stays the same element (see `patch`): a live
    // redraw for one service must not swap another's button under a finger.
    patch(
      main,
      h("div", { class: "office-head" }, h("h1", null, o.name), h("p", null, o.address)),
      mine.el,
      closed &&
        h(
          "div",
          { class: "closed-note", role: "note", id: "office-closed" },
          h("p", { class: "closed-why" }, closed.why),
          h("p", { class: "closed-when" }, closed.when),
          h("p", null, t("cit.closed_hint")),
        ),
      h("h2", { class: closed ? "services-title" : "visually-hidden" }, t(closed ? "cit.services_closed" : "cit.services")),
      h("ul", { class: closed ? "list list-closed" : "list" }, o.services.map((s) => (closed ? closedCard(s) : serviceCard(s)))),
    );
  };
  /** The last refusal about this service, said on its card (null: none). @param {Service} s */
  const refusalOn = (s) =>
    error?.service === s.id ? h("p", { class: "error-msg", role: "alert", id: `take-error-${s.id}`, tabindex: "-1" }, error.words()) : null;
  /**
   * While the office is closed: the service's name and, folded, its
   * standard (to prepare the documents); said only when it opens later
   * than the office.
   * @param {Service} s
   */
  const closedCard = (s) => {
    const std = standard(s);
    offered.set(s.id, offerOf(s));
    const own = !s.open && !sameClosure(o, s) ? closedLines(o, s) : null;
    return h(
      "li",
      { class: "card card-closed", "data-card": s.id },
      h("h3", null, h("span", { class: "prefix", "aria-hidden": "true" }, s.prefix), serviceName(s)),
      own && h("p", { class: "closed-own", "data-closed": s.id }, own.when),
      refusalOn(s),
      h(
        "details",
        null,
        h("summary", null, t("cit.standard")),
        h("dl", { class: "facts" }, h("dt", null, t("svc.completion")), h("dd", null, std.completion_time), h("dt", null, t("svc.cost")), h("dd", null, std.cost)),
        std.requirements.length > 0 && [h("p", { class: "req-title" }, t("svc.requirements")), h("ul", null, std.requirements.map((r) => h("li", null, r)))],
      ),
    );
  };
  /** @param {Service} s */
  const serviceCard = (s) => {
    const headId = `svc-${s.id}`;
    const std = standard(s);
    const f = figuresOf(s);
    return h(
      "li",
      { class: "card", "data-card": s.id },
      h("h2", { id: headId }, h("span", { class: "prefix", "aria-hidden": "true" }, s.prefix), serviceName(s)),
      h(
        "dl",
        { class: "facts" },
        h("dt", null, t("svc.waiting")),
        h("dd", { class: "num", id: `fig-waiting-${s.id}` }, t("svc.people", { n: f.waiting })),
        h("dt", null, t("svc.estimate")),
        h("dd", { id: `fig-estimate-${s.id}` }, waitText(f.estimate)),
        h("dt", null, t("svc.quota_online")),
        h("dd", { class: "num", id: `fig-online-${s.id}` }, f.online == null ? t("svc.unlimited") : String(f.online)),
        h("dt", null, t("svc.completion")),
        h("dd", null, std.completion_time),
        h("dt", null, t("svc.cost")),
        h("dd", null, std.cost),
      ),
      std.requirements.length > 0 &&
        h("details", null, h("summary", null, t("svc.requirements")), h("ul", null, std.requirements.map((r) => h("li", null, r)))),
      action(s, headId),
    );
  };
  /** The figures shown, set in place (no redraw, so nobody loses their place). */
  const update = () => {
    for (const s of o.services) {
      const f = figuresOf(s);
      const set = (/** @type {string} */ id, /** @type {string} */ text) => {
        const el = document.getElementById(id);
        if (el && el.textContent !== text) el.textContent = text;
      };
      set(`fig-waiting-${s.id}`, t("svc.people", { n: f.waiting }));
      set(`fig-estimate-${s.id}`, waitText(f.estimate));
      set(`fig-online-${s.id}`, f.online == null ? t("svc.unlimited") : String(f.online));
      set(`out-${s.id}`, outText(s));
    }
  };
  /**
   * What a card offers: the staff's message while stopped, why it is closed
   * and when it opens (no button that would only fail), where to go when
   * no ticket is left online, the confirmation, or the button; with the
   * last refusal about this service below it.
   * @param {Service} s
   * @param {string} headId
   */
  const action = (s, headId) => {
    const offer = offerOf(s);
    offered.set(s.id, offer);
    const refusal = refusalOn(s);
    const errId = refusal ? refusal.id : null;
    if (offer === "stopped") {
      // The staff's words, as written, in the office's language.
      return [
        h(
          "div",
          { class: "unavailable suspended", "data-suspended": s.id },
          h("p", { class: "suspended-label" }, t("svc.suspended")),
          h("p", { class: "suspended-msg", lang: o.languages[0] ?? "id" }, suspendedNow(s, suspensions)),
        ),
        refusal,
      ];
    }
    if (offer === "closed") {
      const closed = closedLines(o, s);
      return [
        h("div", { class: "unavailable", "data-closed": s.id }, h("p", { class: "closed-why" }, closed?.why), h("p", { class: "closed-when" }, closed?.when)),
        refusal,
      ];
    }
    if (offer === "out" || offer === "kiosk") {
      // A refusal just now says the same, once.
      return refusal ?? h("p", { class: "unavailable", id: `out-${s.id}`, "data-out": s.id }, outText(s));
    }
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
        "aria-describedby": [headId, closes && `closes-${s.id}`, errId].filter(Boolean).join(" "),
        onclick: () => {
          confirming = s.id;
          error = null;
          void unlockAudio();
          // What taking it needs, fetched while the citizen reads the confirmation.
          void proofs().catch(() => {});
          void ticketView().catch(() => {});
          render();
          /** @type {HTMLElement | null} */ (document.getElementById("confirm-take"))?.focus();
        },
      },
      t("cit.take"),
    );
    return [closes && h("p", { class: "closes-soon", id: `closes-${s.id}` }, closes), refusal, button];
  };
  /**
   * Shows a refusal on its service's card and puts the focus on what the
   * card offers now (the button again, else the words).
   * @param {Service} s
   * @param {() => string | Node[]} words
   */
  const refuse = (s, words) => {
    error = { service: s.id, words };
    render();
    const button = document.querySelector(`button[data-service="${CSS.escape(s.id)}"]`) ?? document.getElementById(`take-error-${s.id}`);
    if (button instanceof HTMLElement) button.focus();
  };
  /** @param {Service} drawn the service as its card was drawn */
  const take = async (drawn) => {
    // A kept card may have been drawn from an earlier fetch of the office.
    const s = o.services.find((x) => x.id === drawn.id) ?? drawn;
    void unlockAudio();
    taking = true;
    render();
    try {
      const { citizenId, proofFor } = await proofs();
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
      keep(ticket, s.workflow);
      go(`/t/${ticket.code}`);
    } catch (e) {
      taking = false;
      confirming = null;
      await refused(s, e);
    }
  };
  /**
   * Says why a ticket was refused, in the citizen's words, on the card;
   * fetches the office again first when the refusal means it changed
   * (closed, stopped, taken away, quota used up), so the card shows what
   * is true now.
   * @param {Service} s
   * @param {unknown} e
   */
  const refused = async (s, e) => {
    const code = e instanceof ApiError ? e.code : null;
    if (code === "ticket_already_active") {
      // The ticket this phone holds is one tap away.
      const held = keptTickets(o.id).find((k) => k.service === s.id) ?? keptTickets(o.id)[0];
      refuse(s, () => [
        h("span", null, errorText(e)),
        held ? h("span", null, " ", h("a", { href: `/t/${held.code}`, onclick: link(`/t/${held.code}`), id: "held-ticket" }, t("cit.see_ticket"))) : h("span"),
      ]);
      return;
    }
    /** @type {Record<string, (s: Service) => string>} */
    const afterFetch = {
      service_not_served: (x) => t("svc.gone_now", { service: serviceName(x) }),
      unknown_service: (x) => t("svc.gone_now", { service: serviceName(x) }),
      service_closed: (x) => t("svc.closed_now", { service: serviceName(x) }),
      service_suspended: (x) => t("svc.suspended_now", { service: serviceName(x) }),
      quota_exhausted: () => t("cit.quota.out"),
      online_quota_exhausted: (x) => outText(x),
      // The address's share is used up: the kiosk, only while it can issue.
      online_share_used: (x) => outText(x, t("cit.quota.share_used")),
    };
    const words = code && afterFetch[code];
    if (!words) {
      refuse(s, () => citizenError(e));
      return;
    }
    await refresh().catch(() => {});
    refuse(s, () => words(o.services.find((x) => x.id === s.id) ?? s));
  };
  const refresh = async () => {
    o = await office(id);
    // The office as just fetched is the latest word, until the stream's next.
    suspensions.clear();
    figures.clear();
    render();
    reopening.watch(o.time_zone, [o, ...o.services]);
  };
  view.rerender = () => {
    mine.draw();
    render();
  };
  rerenderOffice = () => {
    error = null;
    return refresh();
  };
  render();
  reopening.watch(o.time_zone, [o, ...o.services]);
  // Figures, a service stopped or resumed by staff, and the services,
  // hours and closed days they change show at once, without a reload.
  const again = new Reconfiguring(() => refresh());
  view.running.push(() => again.stop());
  const live = followOffice(o.id, (msg) => {
    again.see(msg, o);
    const stopped = trackSuspensions(suspensions, msg);
    const waiting = msg.type === "snapshot" ? msg.services : msg.type === "event" ? (msg.waiting ?? []) : [];
    for (const w of waiting) figures.set(w.service, w);
    if (stopped || o.services.some((s) => offered.get(s.id) !== offerOf(s))) render();
    else if (waiting.length) update();
  });
  view.running.push(() => live.stop());
  await mine.start();
}

async function init() {
  await loadLang(preferredLang("id"));
  langSwitch(byId("lang-btn"), () => view.rerender());
  byId("called-ok").addEventListener("click", () => {
    byId("called").hidden = true;
    main.focus();
  });
  byId("brand").addEventListener("click", link("/"));
  byId("privacy-link").addEventListener("click", (e) => {
    e.preventDefault();
    go(byId("privacy-link").getAttribute("href") ?? "/privacy");
  });
  // Any tap lets the page make sound later (browsers allow audio only after one).
  document.addEventListener("pointerdown", () => void unlockAudio(), { once: true });
  applyI18n();
  routeWith(route);
  window.addEventListener("popstate", () => void route());
  await route();
}

void init();
