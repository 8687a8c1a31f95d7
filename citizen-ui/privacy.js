// @ts-check
/**
 * @file The privacy notice at `/privacy` (shared-ui/privacy.js), linked
 * from the footer of every citizen view; `?office=ID` names the office the
 * citizen came from, whose name and address the notice then gives (an
 * office the server does not know is left out: the notice holds without
 * it). Loaded only on that path, so the office page's first load stays
 * small.
 */
import { fill, h } from "../shared-ui/dom.js";
import { t } from "../shared-ui/i18n.js";
import { noticeParts, privacyNotice } from "../shared-ui/privacy.js";
import { KEEP_DAYS } from "./mine.js";
import { link, main, office, offices, view } from "./page.js";

/** @param {string | null} officeId */
export async function privacyPage(officeId) {
  const [notice, o] = await Promise.all([privacyNotice(), officeId ? (offices.get(officeId) ?? office(officeId).catch(() => null)) : null]);
  view.rerender = () => {
    document.title = `${t("privacy.title")} · ${t("cit.title")}`;
    const back = o ? `/o/${encodeURIComponent(o.id)}` : "/";
    fill(
      main,
      h("article", { class: "privacy", "aria-labelledby": "privacy-title" }, h("h1", { id: "privacy-title" }, t("privacy.title")), noticeParts(notice, { office: o, phoneDays: KEEP_DAYS, level: 2 })),
      h("p", { class: "back" }, h("a", { href: back, onclick: link(back) }, t(o ? "cit.back_services" : "cit.back_offices"))),
    );
  };
  view.rerender();
}
