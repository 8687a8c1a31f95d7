// @ts-check
/**
 * @file A minimal supervisor page: sign in, then a live monitor of an
 * office (counters with their state and number, waiting per service,
 * the latest events) from the public live stream.
 */
import { api } from "../shared-ui/api.js";
import { byId, fill, h } from "../shared-ui/dom.js";
import { applyI18n, clock, langSwitch, loadLang, preferredLang, serviceName, t, waitText } from "../shared-ui/i18n.js";
import { followOffice, OfficeState } from "../shared-ui/office.js";
import { signedIn, signInForm, signOut, whoami } from "../shared-ui/session.js";

/** @type {import("../shared-ui/api.js").Office | null} */
let office = null;
/** Counters and waiting figures, from the office's live stream. */
let state = new OfficeState();
/** @type {{at: string, text: string}[]} */
let events = [];
/** @type {import("../shared-ui/live.js").Live | null} */
let live = null;

function render() {
  if (!office) return;
  const o = office;
  byId("office-name").textContent = o.name;
  fill(
    byId("counters"),
    state.counters.map((c) =>
      h(
        "tr",
        null,
        h("th", { scope: "row" }, c.name),
        h("td", null, t(`counter.state.${c.state}`) + (c.reason ? ` (${c.reason})` : "")),
        h("td", { class: "num" }, c.number ? `${c.number} · ${t(`status.${c.ticket_status}`)}` : "—"),
      ),
    ),
  );
  fill(
    byId("services"),
    o.services.map((s) => {
      const w = state.waiting.get(s.id);
      return h(
        "tr",
        null,
        h("th", { scope: "row" }, h("span", { class: "c-prefix" }, s.prefix), " ", serviceName(s)),
        h("td", { class: "num c-count" }, String(w?.waiting ?? s.waiting)),
        h("td", null, waitText(w ? w.estimated_wait_s : s.estimated_wait_s)),
        h("td", { class: "num" }, String((w ? w.remaining : s.remaining) ?? "∞")),
      );
    }),
  );
  fill(
    byId("events"),
    events.slice(0, 40).map((e) => h("li", null, `${clock(new Date(e.at), o.time_zone, true)} ${e.text}`)),
  );
}

/** @param {string} id */
async function watch(id) {
  live?.stop();
  office = await api(`/offices/${encodeURIComponent(id)}`);
  state = new OfficeState();
  state.counters = office?.counters ?? [];
  events = [];
  render();
  live = followOffice(id, (msg) => {
    state.apply(msg);
    if (msg.type === "event") {
      const e = msg.event;
      const what = [e.kind.replace(/_/g, " "), e.number, e.counter_name ?? (e.counter ? `#${e.counter}` : ""), e.state, e.reason].filter(Boolean).join(" · ");
      events.unshift({ at: msg.at, text: what });
    }
    render();
  });
}

async function start() {
  const me = await signedIn();
  byId("whoami").textContent = whoami(me);
  byId("sign-out").hidden = !me;
  byId("signin").hidden = !!me;
  byId("monitor").hidden = !me;
  if (!me) {
    live?.stop();
    byId("username").focus();
    return;
  }
  /** @type {import("../shared-ui/api.js").OfficeSummary[]} */
  const list = await api("/offices");
  const mine = me.office ? list.filter((o) => o.id === me?.office) : list;
  const select = /** @type {HTMLSelectElement} */ (byId("office-select"));
  fill(select, mine.map((o) => h("option", { value: o.id }, o.name)));
  select.onchange = () => void watch(select.value);
  if (mine[0]) await watch(mine[0].id);
}

async function init() {
  await loadLang(preferredLang("id"));
  applyI18n();
  langSwitch(byId("lang-btn"), render);
  signInForm("admin.signin_title", start);
  byId("sign-out").addEventListener("click", async () => {
    await signOut();
    await start();
  });
  await start();
}

void init();
