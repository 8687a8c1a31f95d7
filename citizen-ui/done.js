// @ts-check
/**
 * @file The citizen's ticket page after the service: the document's
 * progress through its service's workflow (a stepper, updated live) and
 * the satisfaction survey (IKM, PermenPANRB 14/2017: nine elements, each
 * with four worded answers scored 1–4; any may be skipped). Each is built
 * once and kept on the page, so a live update never takes the citizen's
 * place in the survey away.
 */
import { api, ApiError, errorText } from "../shared-ui/api.js";
import { h, fill } from "../shared-ui/dom.js";
import { t } from "../shared-ui/i18n.js";

/**
 * The nine IKM elements by number, in the regulation's (and the API's)
 * order: persyaratan; prosedur; waktu penyelesaian; biaya; produk;
 * kompetensi and perilaku pelaksana; penanganan pengaduan; sarana dan
 * prasarana. Their words are `ikm.{n}` (name), `ikm.{n}.q` (question) and
 * `ikm.{n}.s1`–`s4` (the answers scoring 1–4) in the strings.
 */
const ELEMENTS = [1, 2, 3, 4, 5, 6, 7, 8, 9];

/**
 * The document's progress: a heading, one sentence in a live region
 * ("Current step: verifikasi (step 2 of 6)") and the steps in order, the
 * current one marked for sight (highlight) and for screen readers
 * (`aria-current="step"` and words).
 */
export class DocumentStatus {
  constructor() {
    this.heading = h("h2", { id: "doc-title" });
    this.now = h("p", { id: "doc-now", class: "doc-now", role: "status" });
    this.steps = h("ol", { id: "doc-steps", class: "steps" });
    this.el = h("section", { class: "card doc", "aria-labelledby": "doc-title", hidden: true }, this.heading, this.now, this.steps);
  }

  /**
   * Shows `step` within `workflow`; hides the panel when there is no workflow.
   * @param {string[]} workflow
   * @param {string | null} step
   */
  update(workflow, step) {
    this.el.hidden = workflow.length === 0;
    if (this.el.hidden) return;
    this.heading.textContent = t("doc.title");
    const at = step == null ? -1 : workflow.indexOf(step);
    const now = at < 0 ? t("doc.none") : t("doc.now", { step: workflow[at], n: at + 1, total: workflow.length });
    // Only a change is written, so the live region speaks only news.
    if (this.now.textContent !== now) this.now.textContent = now;
    fill(
      this.steps,
      workflow.map((name, i) =>
        h(
          "li",
          { class: i < at ? "is-done" : i === at ? "is-current" : "is-todo", "aria-current": i === at ? "step" : null, "data-step": name },
          h("span", { class: "step-mark", "aria-hidden": "true" }, i < at ? "✓" : String(i + 1)),
          h("span", { class: "step-name" }, name),
          i <= at && h("span", { class: "visually-hidden" }, " " + t(i < at ? "doc.step_done" : "doc.step_current")),
        ),
      ),
    );
  }
}

/**
 * The satisfaction survey of one done ticket. Its answers are kept across
 * redraws (a language change redraws it); a 204 or a 409
 * `survey_already_answered` both end in the thank-you.
 */
export class Survey {
  /** @param {string} code the ticket's code */
  constructor(code) {
    this.code = code;
    /** @type {(number | null)[]} */
    this.answers = ELEMENTS.map(() => null);
    /** @type {"open" | "sending" | "thanks"} */
    this.state = "open";
    /** @type {string | null} */
    this.error = null;
    this.el = h("section", { class: "card survey", id: "survey", "aria-labelledby": "survey-title", hidden: true });
  }

  /** Shows the survey (when `open`) or its thank-you; hides it otherwise. @param {boolean} open */
  show(open) {
    const visible = this.state === "thanks" || open;
    if (visible && (this.el.hidden || !this.el.hasChildNodes())) {
      this.el.hidden = false;
      this.render();
    } else if (!visible) this.el.hidden = true;
  }

  /** Draws the form (or the thank-you) in the current language. */
  render() {
    if (this.state === "thanks") {
      // The ticket's live update (no longer open for a survey) can arrive
      // before the answer to the submission and hide the form: the
      // thank-you shows either way.
      this.el.hidden = false;
      fill(
        this.el,
        h("h2", { id: "survey-title" }, t("survey.title")),
        h("p", { class: "survey-thanks", id: "survey-thanks", tabindex: "-1" }, t("survey.thanks")),
      );
      return;
    }
    const total = ELEMENTS.length;
    fill(
      this.el,
      h("h2", { id: "survey-title" }, t("survey.title")),
      h("p", { id: "survey-intro" }, t("survey.intro")),
      h(
        "form",
        { id: "survey-form", "aria-describedby": "survey-intro", novalidate: true, onsubmit: (/** @type {Event} */ e) => (e.preventDefault(), void this.submit()) },
        ELEMENTS.map((n, i) =>
          h(
            "fieldset",
            { class: "question", "data-element": n },
            h("legend", null, h("span", { class: "q-count" }, t("survey.question", { n, total })), " ", t(`ikm.${n}.q`)),
            [1, 2, 3, 4].map((score) =>
              h(
                "label",
                { class: "option" },
                h("input", {
                  type: "radio",
                  name: `q${n}`,
                  value: score,
                  checked: this.answers[i] === score,
                  onchange: () => {
                    this.answers[i] = score;
                  },
                }),
                h("span", null, t(`ikm.${n}.s${score}`)),
              ),
            ),
          ),
        ),
        this.error && h("p", { class: "error-msg", role: "alert", id: "survey-error", tabindex: "-1" }, this.error),
        h(
          "button",
          { type: "submit", class: "btn btn-go", id: "survey-submit", disabled: this.state === "sending" },
          t(this.state === "sending" ? "survey.sending" : "survey.submit"),
        ),
      ),
    );
  }

  async submit() {
    if (this.state !== "open") return;
    if (this.answers.every((a) => a == null)) {
      this.error = t("survey.empty");
      this.render();
      return;
    }
    this.state = "sending";
    this.error = null;
    this.render();
    try {
      await api(`/tickets/${encodeURIComponent(this.code)}/survey`, { body: { answers: this.answers } });
      this.state = "thanks";
    } catch (e) {
      if (e instanceof ApiError && e.code === "survey_already_answered") this.state = "thanks";
      else {
        this.state = "open";
        this.error = errorText(e);
      }
    }
    this.render();
    if (this.state === "thanks") /** @type {HTMLElement} */ (this.el.querySelector("#survey-thanks")).focus();
    else /** @type {HTMLElement | null} */ (this.el.querySelector("#survey-error"))?.focus();
  }
}
