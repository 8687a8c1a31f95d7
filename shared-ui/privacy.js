// @ts-check
/**
 * @file The privacy notice (UU 27/2022 tentang Pelindungan Data Pribadi)
 * in the screen's language, in the order a citizen asks: who answers for
 * the data, that nothing identifying is asked, what is kept and why, for
 * how long, how to see or erase it, and where to complain. What depends on
 * the installation (the controller, the contact, the retention period)
 * comes from `GET /privacy`; the words are `privacy.*` in the language
 * files. Drawn by the citizen page at `/privacy` (citizen-ui/privacy.js)
 * and in the kiosk's "Privasi" dialog; loaded only there, so the office
 * page's first load stays small.
 */
import { api } from "./api.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

/** @typedef {import("./contract").components["schemas"]["PrivacyNotice"]} PrivacyNotice */

/** The installation's part of the notice. @returns {Promise<PrivacyNotice>} */
export function privacyNotice() {
  return api("/privacy");
}

/**
 * The notice under its title (the caller's: a page's h1, a dialog's h2):
 * a sentence that says what it is about, then one section per question,
 * headed at `level`. Complaint channels are plain text (nothing fetched
 * from elsewhere: the office LAN may have no internet).
 * @param {PrivacyNotice} notice
 * @param {object} opts
 * @param {{name: string, address: string} | null} [opts.office] the office the citizen is at, when known
 * @param {number} opts.phoneDays how long the citizen's phone keeps their tickets (citizen-ui/mine.js)
 * @param {2 | 3} opts.level the sections' heading level
 */
export function noticeParts(notice, { office = null, phoneDays, level }) {
  const heading = level === 2 ? "h2" : "h3";
  /** @param {string} part @param {...(import("./dom.js").Child | import("./dom.js").Child[])} body */
  const section = (part, ...body) => h("section", { class: "privacy-part", "data-part": part }, h(heading, null, t(`privacy.${part}.title`)), ...body);
  const p = (/** @type {string} */ key, /** @type {Record<string, string | number>} */ vars = {}) => h("p", null, t(key, vars));
  const days = notice.retention_days;
  const address = office?.address.replace(/[.\s]+$/, "") ?? "";
  // Nobody named in the configuration: each office answers for its own data.
  const who = notice.controller
    ? [p("privacy.who.named", { controller: notice.controller }), office && p("privacy.who.office", { office: office.name, address })]
    : office
      ? [p("privacy.who.named", { controller: office.name }), address && p("privacy.who.address", { address })]
      : [p("privacy.who.each")];
  return [
    h("p", { class: "privacy-intro" }, t("privacy.intro")),
    section("who", who, p("privacy.who.law")),
    section("none", p("privacy.none.text")),
    section("kept", h("ul", null, ["ticket", "priority", "survey", "suggestion"].map((k) => h("li", { "data-kept": k }, t(`privacy.kept.${k}`))))),
    section(
      "keep",
      h("p", { id: "privacy-retention" }, days === 1 ? t("privacy.keep.personal_one") : t("privacy.keep.personal", { days })),
      p("privacy.keep.figures"),
      p("privacy.keep.phone", { days: phoneDays }),
    ),
    section(
      "rights",
      p("privacy.rights.law"),
      p("privacy.rights.desk"),
      p("privacy.rights.today"),
      notice.contact && h("p", { id: "privacy-contact" }, t("privacy.rights.contact", { contact: notice.contact })),
    ),
    section("complain", p("privacy.complain.office"), p("privacy.complain.lapor")),
  ];
}
