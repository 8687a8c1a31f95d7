// @ts-check
/**
 * @file A minimal supervisor page: sign in, then a live monitor of an
 * office (counters with their state and number, waiting per service,
 * the latest events) from the public live stream.
 */
import { api, ApiError } from "../shared-ui/api.js";
import { byId, fill, h } from "../shared-ui/dom.js";
import { applyI18n, clock, lang, loadLang, preferredLang, serviceName, t, waitText } from "../shared-ui/i18n.js";
import { badgeFor, Live } from "../shared-ui/live.js";

/** @typedef {import("../shared-ui/live.js").Counter} Counter */
/** @typedef {import("../shared-ui/live.js").Waiting} Waiting */

/** @type {import("../shared-ui/api.js").Office | null} */
let office = null;
/** @type {Counter[]} */
let counters = [];
/** @type {Map<string, Waiting>} */
const waiting = new Map();
/** @type {{at: string, text: string}[]} */
let events = [];
/** @type {Live | null} */
let live = null;

function render() {
  if (!office) return;
  const o = office;
  byId("office-name").textContent = o.name;
  fill(
    byId("counters"),
    counters.map((c) =>
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
      const w = waiting.get(s.id);
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
  counters = office?.counters ?? [];
  events = [];
  render();
  live = new Live(`/api/v1/offices/${encodeURIComponent(id)}/live`, {
    resume: true,
    onMessage: (msg) => {
      if (msg.type === "snapshot") {
        counters = msg.counters;
        waiting.clear();
        for (const w of msg.services) waiting.set(w.service, w);
      } else if (msg.type === "event") {
        const e = msg.event;
        for (const w of msg.waiting ?? []) waiting.set(w.service, w);
        const c = counters.find((x) => x.id === (e.counter ?? e.from_counter));
        if (e.kind === "ticket_called" && c) Object.assign(c, { number: e.number, ticket_status: "called" });
        if (e.kind === "ticket_serving" && c) c.ticket_status = "serving";
        if (["ticket_done", "ticket_no_show", "ticket_transferred"].includes(e.kind) && c && c.number === e.number)
          Object.assign(c, { number: null, ticket_status: null });
        if (e.kind === "counter_state" && c) Object.assign(c, { state: e.state, reason: e.reason ?? null });
        const what = [e.kind.replace(/_/g, " "), e.number, e.counter_name ?? (e.counter ? `#${e.counter}` : ""), e.state, e.reason].filter(Boolean).join(" · ");
        events.unshift({ at: msg.at, text: what });
      }
      render();
    },
    onStatus: badgeFor(byId("offline"), () => t("live.reconnecting")),
  }).start();
}

async function start() {
  /** @type {{username: string, role: string, office: string | null} | null} */
  let me = null;
  try {
    me = await api("/session");
  } catch {
    me = null;
  }
  byId("whoami").textContent = me ? `${me.username} (${t(`role.${me.role}`)})` : "";
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
  const btn = byId("lang-btn");
  const label = () => {
    const other = lang() === "id" ? "en" : "id";
    btn.textContent = other === "en" ? "English" : "Bahasa Indonesia";
    btn.setAttribute("lang", other);
  };
  label();
  btn.addEventListener("click", async () => {
    await loadLang(lang() === "id" ? "en" : "id", { remember: true });
    label();
    applyI18n();
    render();
  });
  byId("signin-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const err = byId("signin-error");
    err.hidden = true;
    try {
      await api("/session", {
        body: {
          username: /** @type {HTMLInputElement} */ (byId("username")).value.trim(),
          password: /** @type {HTMLInputElement} */ (byId("password")).value,
        },
      });
      /** @type {HTMLInputElement} */ (byId("password")).value = "";
      await start();
    } catch (ex) {
      err.textContent = ex instanceof ApiError && ex.status === 401 ? t("counter.bad_credentials") : ex instanceof Error ? ex.message : String(ex);
      err.hidden = false;
    }
  });
  byId("sign-out").addEventListener("click", async () => {
    await api("/session", { method: "DELETE" }).catch(() => {});
    await start();
  });
  await start();
}

void init();
