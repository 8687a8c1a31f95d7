// @ts-check
/**
 * @file The staff section of /admin (`#staff`), for supervisors (the
 * clerks and help desk of their office) and admins (everyone): the staff
 * with role, office, status and last sign-in; adding an account (its
 * one-time password shown once, to hand over); changing its role and
 * office; disabling and enabling it; a new one-time password when one is
 * forgotten; signing someone out everywhere. What the signed-in user may
 * do to whom mirrors the server's rule (antrean-core `check_manage`):
 * others' accounts only, a supervisor's are the admin's. The server
 * decides; the screen only offers what it would allow.
 */
import { api } from "../shared-ui/api.js";
import { fill, h } from "../shared-ui/dom.js";
import { lang } from "../shared-ui/i18n.js";
import { FormView, confirmDialog, errorBox, field, hideRefusal, input, radios, refusalWords, select, send, showRefusal } from "./forms.js";
import { ago, rewordSection, secretBox, syncItems } from "./pieces.js";
import { at, tx, w } from "./strings.js";

/**
 * @typedef {import("../shared-ui/contract").components["schemas"]} S
 * @typedef {S["UserView"]} User
 * @typedef {S["Role"]} Role
 * @typedef {S["Me"]} Me
 * @typedef {import("../shared-ui/api.js").OfficeSummary} OfficeSummary
 */

/** Every role, least first. @type {Role[]} */
const ROLES = ["clerk", "help_desk", "supervisor", "admin"];

/** Who is signed in. @type {Me | null} */
let me = null;
/** The offices the signed-in user works for (an admin: all). @type {OfficeSummary[]} */
let offices = [];
/** The office chosen at the top of the page. */
let officeId = "";
/** The staff as the server last listed them. @type {User[]} */
let users = [];
/** Rows on screen, by user name. @type {Map<string, {el: HTMLElement, shows: string}>} */
const rows = new Map();
/** Refusals of a row's action, said again when the row is drawn again. @type {Map<string, unknown>} */
const refused = new Map();
/** @type {Record<string, HTMLElement>} */
let ui = {};

/** The roles `me` may give: an admin any, a supervisor clerk and help desk. */
const givable = () => (me?.role === "admin" ? ROLES : ROLES.filter((r) => r === "clerk" || r === "help_desk"));

/**
 * Whether `me` may manage `u` (antrean-core `check_manage`): not oneself;
 * an admin anyone; a supervisor the clerks and help desk of their office.
 * @param {User} u
 */
function manages(u) {
  if (!me || u.username === me.username) return false;
  if (me.role === "admin") return true;
  return me.role === "supervisor" && givable().includes(u.role) && u.office === me.office;
}

/** An office's name (an admin's: every office). @param {string | null} id */
const officeWords = (id) => (id == null ? at("staff.all_offices") : (offices.find((o) => o.id === id)?.name ?? id));

/**
 * "Aktif", "Nonaktif", "Menunggu masuk pertama" (a one-time password, never
 * signed in), "Belum membuat kata sandi sendiri" (signed in with it, or
 * given a new one after a reset).
 * @param {User} u
 */
const statusKey = (u) =>
  u.disabled ? "staff.status.disabled" : !u.must_change_password ? "staff.status.active" : u.last_sign_in_at ? "staff.status.own_password" : "staff.status.first";

/** Builds the section in `el` (once). @param {HTMLElement} el */
export function mountStaff(el) {
  const head = tx(h("h2", { id: "staff-h", tabindex: "-1" }), "staff.title");
  const add = h("button", { type: "button", class: "btn btn-brand", id: "staff-add", onclick: () => open(null) }, w("staff.add"));
  const scope = select([
    ["office", "staff.scope.office"],
    ["all", "staff.scope.all"],
  ]);
  scope.id = "staff-scope";
  scope.addEventListener("change", () => void refreshStaff());
  const scopeBox = h("div", { class: "f-pick", id: "staff-scope-box", hidden: true }, h("label", { for: scope.id }, w("staff.scope")), scope);
  const once = h("div", { id: "staff-once" });
  const status = h("p", { id: "staff-status", class: "c-message", role: "status" });
  const load = h("p", { id: "staff-load", class: "error-msg", role: "alert", hidden: true });
  const list = h("tbody", { id: "staff-list" });
  const table = h(
    "table",
    { class: "a-table a-staff", id: "staff-table" },
    tx(h("caption", { class: "visually-hidden" }), "staff.caption"),
    h("thead", null, h("tr", null, ["username", "role", "office", "status", "last", "actions"].map((c) => h("th", { scope: "col" }, w(`staff.col.${c}`))))),
    list,
  );
  const listView = h(
    "div",
    { class: "f-list", id: "staff-list-view" },
    h("div", { class: "f-actions a-list-tools" }, add, scopeBox),
    once,
    status,
    load,
    h("div", { class: "a-scroll", role: "group", tabindex: "0", "aria-labelledby": head.id }, table),
  );
  const editView = h("div", { class: "f-edit", id: "staff-edit", hidden: true });
  fill(el, h("section", { class: "c-card cfg-part", "aria-labelledby": head.id }, head, tx(h("p", { class: "a-hint cfg-intro" }), "staff.intro"), listView, editView));
  ui = { head, add, scope, scopeBox, once, status, load, list, listView, editView };
}

/**
 * Who is signed in, their offices and the office chosen; the list is
 * fetched again when shown.
 * @param {Me} who
 * @param {OfficeSummary[]} list
 * @param {string} office
 */
export function setStaffContext(who, list, office) {
  if (me?.username !== who.username || officeId !== office) {
    rows.clear();
    refused.clear();
    fill(ui.list);
    fill(ui.once);
    ui.status.textContent = "";
    if (!ui.editView.hidden) close(null);
  }
  me = who;
  offices = list;
  officeId = office;
  ui.scopeBox.hidden = who.role !== "admin";
}

/** Shows the section: the staff fetched again; `focus`: its heading gets focus. @param {boolean} [focus] */
export async function showStaff(focus = false) {
  if (focus) ui.head.focus();
  await refreshStaff();
}

/** Fetches the staff again (an admin: the chosen office's, or everyone) and draws them. */
async function refreshStaff() {
  if (!me || !officeId) return;
  const all = me?.role === "admin" && /** @type {HTMLSelectElement} */ (ui.scope).value === "all";
  const office = officeId;
  try {
    /** @type {User[]} */
    const list = await api(all ? "/users" : `/users?office=${encodeURIComponent(office)}`);
    if (office !== officeId) return;
    hideRefusal(ui.load);
    users = list.sort((a, b) => a.username.localeCompare(b.username));
    render();
  } catch (e) {
    tx(ui.load, ...refusalWords(e, "user"));
    ui.load.hidden = false;
  }
}

/** Words the section again in the current language, keeping what is typed. */
export function rewordStaff() {
  rewordSection(ui.head, render);
}

function render() {
  const l = lang();
  syncItems(ui.list, rows, users, (u) => u.username, (u) => [u, l, refused.has(u.username)], row);
}

/** One member's row: name, role, office, status, last sign-in, and what `me` may do. @param {User} u */
function row(u) {
  const who = h("span", { class: "visually-hidden" }, ` (${u.username})`);
  const err = errorBox(`staff-err-${u.username}`);
  /** @type {import("../shared-ui/dom.js").Child[]} */
  let actions;
  if (u.username === me?.username) actions = [tx(h("p", { class: "a-hint a-own" }), "staff.own")];
  else if (!manages(u)) actions = [tx(h("p", { class: "a-hint" }), "staff.not_yours")];
  else {
    const b = (/** @type {string} */ act, /** @type {string} */ key, /** @type {string} */ cls, /** @type {() => void} */ run) =>
      h("button", { type: "button", class: `btn a-small ${cls}`, [`data-${act}`]: u.username, "aria-describedby": err.id, onclick: run }, w(key), who.cloneNode(true));
    actions = [
      h(
        "div",
        { class: "a-row-actions" },
        b("edit", "staff.edit", "", () => open(u)),
        u.disabled ? b("toggle", "staff.enable", "", () => void act(u, "enable")) : b("toggle", "staff.disable", "btn-stop", () => void act(u, "disable")),
        !u.disabled && b("reset", "staff.reset", "", () => void act(u, "password-reset")),
        !u.disabled && b("signout", "staff.sign_out", "", () => void act(u, "sign-out")),
      ),
      err,
    ];
  }
  const tr = h(
    "tr",
    { "data-user": u.username, class: u.disabled ? "is-disabled" : null },
    h("th", { scope: "row", id: `staff-${u.username}`, tabindex: "-1" }, u.username),
    h("td", null, w(`staff.role.${u.role}`)),
    h("td", null, officeWords(u.office)),
    h("td", null, h("span", { class: `a-state ${u.disabled ? "is-off" : u.must_change_password ? "is-wait" : "is-on"}` }, w(statusKey(u)))),
    h("td", null, ago(u.last_sign_in_at, "staff.never")),
    h("td", { class: "a-actions" }, actions),
  );
  if (refused.has(u.username)) {
    tx(err, ...refusalWords(refused.get(u.username), "user"));
    err.hidden = false;
  }
  return tr;
}

/** What each action asks first and says after, by its path. */
const ACTIONS = /** @type {const} */ ({
  disable: { ask: "staff.disable_q", yes: "staff.disable_yes", done: "staff.disabled", control: "toggle" },
  enable: { ask: "staff.enable_q", yes: "staff.enable_yes", done: "staff.enabled", control: "toggle" },
  "password-reset": { ask: "staff.reset_q", yes: "staff.reset_yes", done: "staff.reset_done", control: "reset" },
  "sign-out": { ask: "staff.sign_out_q", yes: "staff.sign_out_yes", done: "staff.signed_out", control: "signout" },
});

/**
 * Asks, then does `action` to `u`; a new one-time password is shown once.
 * A refusal is said in the row, focus on the button that was used.
 * @param {User} u
 * @param {keyof typeof ACTIONS} action
 */
async function act(u, action) {
  const a = ACTIONS[action];
  const name = u.username;
  const control = () => /** @type {HTMLElement | null} */ (ui.list.querySelector(`[data-${a.control}="${CSS.escape(name)}"]`));
  refused.delete(name);
  const err = document.getElementById(`staff-err-${name}`);
  if (err) hideRefusal(err);
  ui.status.textContent = "";
  if (!(await confirmDialog([a.ask, { name }], a.yes, { safe: action === "enable" }))) return;
  try {
    /** @type {User | S["WithPassword"]} */
    const r = await send("POST", `/users/${encodeURIComponent(name)}/${action}`);
    const user = "user" in r ? r.user : r;
    users = users.map((x) => (x.username === name ? user : x));
    render();
    tx(ui.status, a.done, { name });
    if ("one_time_password" in r) showPassword(name, r.one_time_password, "staff.once.reset_title");
    else control()?.focus();
  } catch (e) {
    refused.set(name, e);
    render();
    const box = document.getElementById(`staff-err-${name}`);
    const button = control();
    if (box && button) showRefusal(box, button, e, "user");
  }
}

/**
 * The one-time password of `name`, shown once above the list, focus on
 * its heading; "Selesai" takes it away and focus to the member's row.
 * @param {string} name
 * @param {string} password
 * @param {string} titleKey
 */
function showPassword(name, password, titleKey) {
  const { el, head } = secretBox(
    "staff-password",
    { title: [titleKey, { name }], secret: password, hint: ["staff.once.hint", { name }], secretLabel: "staff.once.label" },
    () => (document.getElementById(`staff-${name}`) ?? ui.add).focus(),
  );
  fill(ui.once, el);
  head.focus();
}

/** Shows the list again, focus on `target`. @param {HTMLElement | null} target */
function close(target) {
  fill(ui.editView);
  ui.editView.hidden = true;
  ui.listView.hidden = false;
  target?.focus();
}

/**
 * The form for a new member (`u` null) or another role and office for
 * `u`, in place of the list. A supervisor chooses between the roles they
 * may give, in their own office; an admin any role, and an office for all
 * but an admin.
 * @param {User | null} u
 */
function open(u) {
  if (!me) return;
  ui.status.textContent = "";
  const fv = new FormView(u ? "staff-form" : "staff-new", "user", u ? "staff.save" : "staff.create");
  fv.byCode = { already_exists: "username", own_account: "role" };
  const username = input({ maxlength: 64, spellcheck: "false", autocapitalize: "none", autocomplete: "off" });
  const role = radios(
    fv,
    "role",
    "staff.role",
    givable().map((r) => [r, `staff.role_about.${r}`]),
  );
  role.value = u?.role ?? "clerk";
  const office = select(offices.map((o) => [o.id, "staff.office_name", { name: o.name }]));
  office.value = u?.office ?? officeId;
  const officeField = me.role === "admin" ? field(fv, "office", office, "staff.office", { hint: "staff.office_hint" }) : tx(h("p", { class: "f-id" }), "staff.office_is", { name: officeWords(me.office) });
  const sync = () => {
    officeField.hidden = role.value === "admin";
  };
  for (const i of role.inputs) i.addEventListener("change", sync);
  sync();
  const opener = () => /** @type {HTMLElement | null} */ (u ? ui.list.querySelector(`[data-edit="${CSS.escape(u.username)}"]`) : ui.add);
  fv.actions.append(h("button", { type: "button", class: "btn", id: `${fv.id}-cancel`, onclick: () => close(opener()) }, w("cfg.cancel")));
  const title = tx(h("h3", { id: `${fv.id}-h`, tabindex: "-1" }), u ? "staff.edit_title" : "staff.add_title", u ? { name: u.username } : undefined);
  fv.el.setAttribute("aria-labelledby", title.id);
  fv.el.append(
    u ? tx(h("p", { class: "f-id" }), "staff.username_is", { name: u.username }) : field(fv, "username", username, "staff.username", { required: true, hint: "staff.username_hint" }),
    role.el,
    officeField,
    ...fv.end(),
  );
  fv.onSubmit(async () => {
    const placement = { role: role.value, office: role.value === "admin" ? null : me?.role === "admin" ? office.value : (me?.office ?? null) };
    if (u) {
      /** @type {User} */
      const changed = await send("PUT", `/users/${encodeURIComponent(u.username)}`, placement);
      users = users.map((x) => (x.username === u.username ? changed : x));
      close(null);
      render();
      tx(ui.status, "staff.saved", { name: u.username });
      document.getElementById(`staff-${u.username}`)?.focus();
    } else {
      /** @type {S["WithPassword"]} */
      const r = await send("POST", "/users", { username: username.value.trim(), ...placement });
      close(null);
      await refreshStaff();
      tx(ui.status, "staff.added", { name: r.user.username });
      showPassword(r.user.username, r.one_time_password, "staff.once.new_title");
    }
    return null;
  });
  fill(ui.editView, title, fv.el);
  ui.listView.hidden = true;
  ui.editView.hidden = false;
  title.focus();
}
