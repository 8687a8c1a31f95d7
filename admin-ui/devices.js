// @ts-check
/**
 * @file The devices section of /admin (`#devices`): an office's kiosks
 * and lobby displays with their last contact; pairing a new one by the
 * six digits it shows (it asked `POST /pairings` and waits for them to be
 * typed here), or adding one with a link to open on it (shown once: it
 * carries the device's key); renaming; a kiosk's network printer; a
 * display's zone (the counters and services it shows, none ticked: all);
 * and revoking one, which stops it at once. The office's printers,
 * counters and services come from its configuration.
 */
import { api } from "../shared-ui/api.js";
import { fill, h } from "../shared-ui/dom.js";
import { lang } from "../shared-ui/i18n.js";
import { FormView, confirmDialog, errorBox, field, group, hideRefusal, input, radios, refusal, refusalWords, send, showRefusal } from "./forms.js";
import { ago, rewordSection, rewordTimes, secretBox, setZone, syncItems } from "./pieces.js";
import { at, tx, w } from "./strings.js";

/**
 * @typedef {import("../shared-ui/contract").components["schemas"]} S
 * @typedef {S["DeviceView"]} Device
 * @typedef {S["OfficeDef"]} Config
 * @typedef {import("../shared-ui/dom.js").Child} Child
 */

/** The office shown. */
let officeId = "";
/** Its devices as the server last listed them. @type {Device[]} */
let devices = [];
/** Its configuration: the printers, counters and services a device can be set to. @type {Config | null} */
let cfg = null;
/** Cards on screen, by device id. @type {Map<string, {el: HTMLElement, shows: string}>} */
const cards = new Map();
/** Refused revocations, said again when a card is drawn again. @type {Map<number, unknown>} */
const refused = new Map();
/** @type {Record<string, HTMLElement>} */
let ui = {};
/** @type {FormView[]} */
let addForms = [];

/** How often the list is fetched again while shown, for the devices' last contact. */
const REFRESH_MS = 60000;

/** A service's name in the screen's language, else the office's first. @param {S["ServiceDef"]} s */
const serviceName = (s) => s.name[lang()] ?? s.name[cfg?.languages?.[0] ?? "id"] ?? Object.values(s.name)[0] ?? s.id ?? "";

/** Builds the section in `el` (once). @param {HTMLElement} el */
export function mountDevices(el) {
  const head = tx(h("h2", { id: "devices-h", tabindex: "-1" }), "devices.title");
  const once = h("div", { id: "devices-once" });
  const status = h("p", { id: "devices-status", class: "c-message", role: "status" });
  const load = h("p", { id: "devices-load", class: "error-msg", role: "alert", hidden: true });
  const listHead = tx(h("h3", { id: "devices-list-h", tabindex: "-1" }), "devices.list_title");
  const list = h("ul", { class: "f-items", id: "devices-list" });
  const empty = tx(h("p", { class: "a-hint", hidden: true }), "devices.empty");
  const pair = pairForm();
  const link = linkForm();
  addForms = [pair, link];
  const listView = h(
    "div",
    { class: "f-list", id: "devices-list-view" },
    h(
      "div",
      { class: "a-add-ways" },
      h("section", { class: "f-block", "aria-labelledby": "devices-pair-h" }, tx(h("h3", { id: "devices-pair-h" }), "devices.pair_title"), tx(h("p", { class: "a-hint" }), "devices.pair_hint"), pair.el),
      h("section", { class: "f-block", "aria-labelledby": "devices-link-h" }, tx(h("h3", { id: "devices-link-h" }), "devices.link_title"), tx(h("p", { class: "a-hint" }), "devices.link_hint"), link.el),
    ),
    once,
    load,
    listHead,
    status,
    empty,
    list,
  );
  const editView = h("div", { class: "f-edit", id: "devices-edit", hidden: true });
  fill(el, h("section", { class: "c-card cfg-part", "aria-labelledby": head.id }, head, tx(h("p", { class: "a-hint cfg-intro" }), "devices.intro"), listView, editView));
  ui = { head, once, status, load, listHead, list, empty, listView, editView };
  setInterval(() => {
    if (el.offsetParent && ui.editView.hidden && !document.querySelector("dialog[open]")) void refreshDevices();
    rewordTimes(el);
  }, REFRESH_MS);
}

/** The office chosen at the top of the page (another: the section starts again). @param {string} office */
export function setDevicesOffice(office) {
  if (office === officeId) return;
  officeId = office;
  devices = [];
  cfg = null;
  cards.clear();
  refused.clear();
  fill(ui.list);
  fill(ui.once);
  ui.status.textContent = "";
  for (const fv of addForms) {
    fv.clear();
    fv.el.reset();
  }
  if (!ui.editView.hidden) close(null);
}

/** Shows the section: devices and configuration fetched again; `focus`: its heading gets focus. @param {boolean} [focus] */
export async function showDevices(focus = false) {
  if (focus) ui.head.focus();
  await refreshDevices();
}

/** Fetches the devices and the office's configuration again and draws them. */
async function refreshDevices() {
  const office = officeId;
  if (!office) return;
  try {
    /** @type {[Device[], Config]} */
    const [list, c] = await Promise.all([api(`/offices/${encodeURIComponent(office)}/devices`), api(`/offices/${encodeURIComponent(office)}/config`)]);
    if (office !== officeId) return;
    hideRefusal(ui.load);
    devices = list;
    cfg = c;
    setZone(c.time_zone);
    render();
  } catch (e) {
    tx(ui.load, ...refusalWords(e, "device"));
    ui.load.hidden = false;
  }
}

/** Words the section again in the current language, keeping what is typed. */
export function rewordDevices() {
  rewordSection(ui.head, render);
}

function render() {
  ui.empty.hidden = devices.length > 0;
  const l = lang();
  syncItems(ui.list, cards, devices, (d) => String(d.id), (d) => [d, l, refused.has(d.id), cfg?.printers, cfg?.counters, cfg?.services], card);
}

/** What a device is set to, in words: a kiosk's printer, a display's zone. @param {Device} d @returns {[string, Child][]} */
function settingsFacts(d) {
  const c = cfg;
  if (d.kind === "kiosk") {
    const p = d.settings.printer;
    return [[at("devices.printer"), p ? printerWords(p) : at("devices.no_printer")]];
  }
  const counters = d.settings.counters ?? [];
  const services = d.settings.services ?? [];
  const counterNames = counters.map((id) => c?.counters.find((x) => x.id === id)?.name ?? id);
  const serviceNames = services.map((id) => {
    const s = c?.services.find((x) => x.id === id);
    return s ? serviceName(s) : id;
  });
  return [
    [at("devices.zone_counters"), counterNames.length ? counterNames.join(", ") : at("devices.all_counters")],
    [at("devices.zone_services"), serviceNames.length ? serviceNames.join(", ") : at("devices.all_services")],
  ];
}

/** "kiosk-1 (192.168.1.50:9100, 80 mm)". @param {string} id */
function printerWords(id) {
  const p = cfg?.printers?.find((x) => x.id === id);
  return p ? at("devices.printer_is", { id, address: p.address, paper: { key: `cfg.paper.${p.paper ?? "80mm"}` } }) : id;
}

/** One device's card: name and kind, last contact, settings, "Ubah" and "Cabut". @param {Device} d */
function card(d) {
  const id = String(d.id);
  const who = h("span", { class: "visually-hidden" }, ` (${d.name})`);
  const err = errorBox(`devices-err-${id}`);
  const revoke = h(
    "button",
    { type: "button", class: "btn btn-stop a-small", "data-revoke": id, "aria-describedby": err.id, onclick: () => void revokeDevice(d, revoke, err) },
    w("devices.revoke"),
    who.cloneNode(true),
  );
  /** @type {[string, Child][]} */
  const facts = [
    [at("devices.last_seen"), ago(d.last_seen_at, "devices.never")],
    ...settingsFacts(d),
    [at("devices.added"), ago(d.created_at, "devices.never")],
  ];
  const el = h(
    "li",
    { class: "f-item", "data-device": id },
    h("h4", { id: `devices-${id}`, class: "a-item-h", tabindex: "-1" }, d.name, " ", h("span", { class: `a-kind is-${d.kind}` }, at(`devices.kind.${d.kind}`))),
    h(
      "dl",
      { class: "f-facts" },
      facts.map(([term, details]) => h("div", null, h("dt", null, term), h("dd", null, details))),
    ),
    h(
      "div",
      { class: "f-actions" },
      h("button", { type: "button", class: "btn a-small", "data-edit": id, onclick: () => open(d) }, w("cfg.edit"), who),
      revoke,
    ),
    err,
  );
  if (refused.has(d.id)) {
    tx(err, ...refusalWords(refused.get(d.id), "device"));
    err.hidden = false;
  }
  return el;
}

/** Asks, then revokes `d`; it stops working at once. @param {Device} d @param {HTMLElement} button @param {HTMLElement} err */
async function revokeDevice(d, button, err) {
  hideRefusal(err);
  refused.delete(d.id);
  ui.status.textContent = "";
  if (!(await confirmDialog(["devices.revoke_q", { name: d.name }], "devices.revoke_yes"))) return;
  try {
    await send("DELETE", `/offices/${encodeURIComponent(officeId)}/devices/${d.id}`);
    devices = devices.filter((x) => x.id !== d.id);
    render();
    tx(ui.status, "devices.revoked", { name: d.name });
    ui.listHead.focus();
  } catch (e) {
    refused.set(d.id, e);
    showRefusal(err, button, e, "device");
  }
}

/** A device just added: in the list at once, its card focused unless `then` says otherwise. @param {Device} d */
function added(d) {
  devices = [...devices.filter((x) => x.id !== d.id), d];
  render();
  tx(ui.status, "devices.added_done", { name: d.name });
}

/** The name field every way of adding has. @param {FormView} fv */
const nameField = (fv) => {
  const name = input({ maxlength: 64 });
  return { name, el: field(fv, "name", name, "devices.name", { required: true, hint: "devices.name_hint" }) };
};

/** Pairing by the six digits the new device shows. */
function pairForm() {
  const fv = new FormView("devices-pair", "device", "devices.pair");
  fv.byCode = { unknown_pairing_code: "code", already_exists: "name" };
  const { name, el } = nameField(fv);
  const code = input({ inputmode: "numeric", maxlength: 7, autocomplete: "off", spellcheck: "false", class: "a-code" });
  fv.el.append(el, field(fv, "code", code, "devices.code", { required: true, hint: "devices.code_hint" }), ...fv.end());
  fv.onSubmit(async () => {
    const digits = code.value.replace(/\s+/g, "");
    if (!/^\d{6}$/.test(digits)) throw refusal("invalid_field", "code");
    /** @type {S["Registered"]} */
    const r = await send("POST", `/offices/${encodeURIComponent(officeId)}/devices`, { name: name.value.trim(), code: digits });
    fv.el.reset();
    added(r.device);
    document.getElementById(`devices-${r.device.id}`)?.focus();
    return null;
  });
  return fv;
}

/** Adding with a link to open on the device (for one that cannot show a code). */
function linkForm() {
  const fv = new FormView("devices-link", "device", "devices.make_link");
  fv.byCode = { already_exists: "name" };
  const { name, el } = nameField(fv);
  const kind = radios(fv, "kind", "devices.kind", [
    ["kiosk", "devices.kind.kiosk"],
    ["display", "devices.kind.display"],
  ]);
  // A kiosk unless chosen otherwise, also after the form is emptied.
  kind.inputs[0].defaultChecked = true;
  kind.value = "kiosk";
  fv.el.append(el, kind.el, ...fv.end());
  fv.onSubmit(async () => {
    /** @type {S["Registered"]} */
    const r = await send("POST", `/offices/${encodeURIComponent(officeId)}/devices`, { name: name.value.trim(), kind: kind.value });
    fv.el.reset();
    added(r.device);
    const d = r.device;
    const box = secretBox(
      "devices-link-once",
      { title: ["devices.once.title", { name: d.name }], secret: r.link ?? "", hint: ["devices.once.hint", { name: d.name }], secretLabel: "devices.once.label" },
      () => document.getElementById(`devices-${d.id}`)?.focus(),
    );
    fill(ui.once, box.el);
    box.head.focus();
    return null;
  });
  return fv;
}

/** Shows the list again, focus on `target`. @param {HTMLElement | null} target */
function close(target) {
  fill(ui.editView);
  ui.editView.hidden = true;
  ui.listView.hidden = false;
  target?.focus();
}

/**
 * Checkboxes of a display's zone, as one field: ticked the ids in `chosen`.
 * @param {FormView} fv
 * @param {string} name `settings.counters`
 * @param {string} legend
 * @param {[string, string][]} options id and name
 * @param {string[]} chosen
 */
function zoneBoxes(fv, name, legend, options, chosen) {
  const boxes = options.map(([id]) => h("input", { type: "checkbox", value: id, id: `${fv.id}-${name.replace(/\W+/g, "-")}-${id}`, checked: chosen.includes(id) }));
  const el = group(
    fv,
    name,
    legend,
    [h("div", { class: "a-checks" }, options.map(([, label], i) => h("label", { class: "f-check" }, boxes[i], " ", label)))],
    () => boxes.find((b) => b.checked) ?? boxes[0],
    { hint: "devices.zone_hint" },
  );
  return { el, value: () => boxes.filter((b) => b.checked).map((b) => b.value) };
}

/** The form for `d`, in place of the list: its name, and a kiosk's printer or a display's zone. @param {Device} d */
function open(d) {
  const c = cfg;
  if (!c) return;
  ui.status.textContent = "";
  const fv = new FormView("devices-form", "device", "devices.save");
  fv.byCode = { already_exists: "name" };
  const { name, el } = nameField(fv);
  name.value = d.name;
  /** @type {HTMLElement[]} */
  const fields = [el];
  /** @type {() => S["DeviceSettings"]} */
  let settings;
  if (d.kind === "kiosk") {
    const printer = h(
      "select",
      null,
      tx(h("option", { value: "" }), "devices.no_printer"),
      (c.printers ?? []).map((p) => h("option", { value: p.id ?? "" }, printerWords(p.id ?? ""))),
    );
    printer.value = d.settings.printer ?? "";
    fields.push(field(fv, "settings.printer", printer, "devices.printer", { hint: (c.printers ?? []).length ? "devices.printer_hint" : "devices.printer_none_hint" }));
    settings = () => ({ printer: printer.value || null });
  } else {
    const counters = zoneBoxes(fv, "settings.counters", "devices.zone_counters", c.counters.map((x) => [x.id ?? "", x.name]), d.settings.counters ?? []);
    const services = zoneBoxes(fv, "settings.services", "devices.zone_services", c.services.map((s) => [s.id ?? "", serviceName(s)]), d.settings.services ?? []);
    fields.push(counters.el, services.el);
    settings = () => ({ counters: counters.value(), services: services.value() });
  }
  const id = String(d.id);
  const opener = () => /** @type {HTMLElement | null} */ (ui.list.querySelector(`[data-edit="${id}"]`));
  fv.actions.append(h("button", { type: "button", class: "btn", id: "devices-form-cancel", onclick: () => close(opener()) }, w("cfg.cancel")));
  const title = tx(h("h3", { id: "devices-form-h", tabindex: "-1" }), `devices.edit_title.${d.kind}`, { name: d.name });
  fv.el.setAttribute("aria-labelledby", title.id);
  fv.el.append(...fields, ...fv.end());
  fv.onSubmit(async () => {
    /** @type {Device} */
    const changed = await send("PUT", `/offices/${encodeURIComponent(officeId)}/devices/${d.id}`, { name: name.value.trim(), settings: settings() });
    devices = devices.map((x) => (x.id === d.id ? changed : x));
    render();
    close(document.getElementById(`devices-${id}`));
    tx(ui.status, "devices.saved", { name: changed.name });
    return null;
  });
  fill(ui.editView, title, fv.el);
  ui.listView.hidden = true;
  ui.editView.hidden = false;
  title.focus();
}
