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

/** The longest suggestion the server takes, in characters. */
export const SUGGESTION_MAX = 1000;

/**
 * A suggestion's length as the server counts it: characters (code points)
 * once trimmed, control characters other than line breaks and tabs left
 * out.
 * @param {string} text
 */
export function suggestionLength(text) {
  let n = 0;
  for (const c of text.trim()) if (!/\p{Cc}/u.test(c) || c === "\n" || c === "\t") n++;
  return n;
}

/**
 * The satisfaction survey of one done ticket, one question at a time (so a
 * small screen shows a question and its four answers, large, without
 * scrolling), then a free-text suggestion with a count against 1000
 * characters. Its answers, the question shown and the suggestion are kept
 * across redraws (a language change redraws it) and after a refusal; a 204
 * or a 409 `survey_already_answered` both end in the thank-you.
 */
export class Survey {
  /** @param {string} code the ticket's code */
  constructor(code) {
    this.code = code;
    /** @type {(number | null)[]} */
    this.answers = ELEMENTS.map(() => null);
    /** The question shown (0–8), or the suggestion (9). */
    this.step = 0;
    this.suggestion = "";
    /** @type {"open" | "sending" | "thanks"} */
    this.state = "open";
    /** A refusal of the whole survey, by the send button. @type {string | null} */
    this.error = null;
    /** The suggestion's own refusal (too long), by its field. @type {string | null} */
    this.fieldError = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.sayTimer = undefined;
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

  /** Draws the question shown (or the suggestion, or the thank-you) in the current language. */
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
    const last = this.step === total;
    const sending = this.state === "sending";
    const bar = h("div", { class: "survey-bar-fill" });
    bar.style.width = `${Math.round((this.step / total) * 100)}%`;
    fill(
      this.el,
      h("h2", { id: "survey-title" }, t("survey.title")),
      this.step === 0 && h("p", { id: "survey-intro" }, t("survey.intro")),
      h("div", { class: "survey-bar", "aria-hidden": "true" }, bar),
      h(
        "form",
        { id: "survey-form", "aria-labelledby": "survey-title", novalidate: true, onsubmit: (/** @type {Event} */ e) => (e.preventDefault(), last ? void this.submit() : this.go(1)) },
        last ? this.suggestionField() : this.question(this.step),
        this.error && h("p", { class: "error-msg", role: "alert", id: "survey-error", tabindex: "-1" }, this.error),
        h(
          "div",
          { class: "row survey-nav" },
          this.step > 0 && h("button", { type: "button", class: "btn", id: "survey-back", disabled: sending, onclick: () => this.go(-1) }, t("survey.back")),
          last
            ? h(
                "button",
                { type: "submit", class: "btn btn-go", id: "survey-submit", disabled: sending, "aria-describedby": this.error ? "survey-error" : null },
                t(sending ? "survey.sending" : "survey.submit"),
              )
            : h("button", { type: "submit", class: "btn btn-go", id: "survey-next" }, t(this.answers[this.step] == null ? "survey.skip" : "survey.next")),
        ),
      ),
    );
  }

  /** One question: its legend and four answers, large. @param {number} i */
  question(i) {
    const n = ELEMENTS[i];
    return h(
      "fieldset",
      { class: "question", "data-element": n, id: "survey-question", tabindex: "-1" },
      h("legend", null, h("span", { class: "q-count" }, t("survey.question", { n, total: ELEMENTS.length })), " ", t(`ikm.${n}.q`)),
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
              // "Lewati" becomes "Berikutnya" once answered.
              const next = this.el.querySelector("#survey-next");
              if (next) next.textContent = t("survey.next");
            },
          }),
          h("span", null, t(`ikm.${n}.s${score}`)),
        ),
      ),
    );
  }

  /** The last step: a suggestion in the citizen's words, optional, with its count. */
  suggestionField() {
    const describedBy = ["suggestion-hint", "suggestion-count", this.fieldError && "suggestion-error"].filter(Boolean).join(" ");
    const field = h("textarea", {
      id: "suggestion",
      name: "suggestion",
      rows: 5,
      "aria-describedby": describedBy,
      "aria-invalid": this.fieldError ? "true" : null,
      oninput: () => {
        this.suggestion = field.value;
        this.count();
      },
    });
    field.value = this.suggestion;
    return h(
      "div",
      { class: "suggestion", id: "survey-question", tabindex: "-1" },
      h("label", { for: "suggestion", class: "suggestion-label" }, t("survey.suggestion")),
      h("p", { class: "hint", id: "suggestion-hint" }, t("survey.suggestion_hint")),
      this.fieldError && h("p", { class: "field-error", id: "suggestion-error" }, this.fieldError),
      field,
      h("p", { class: suggestionLength(this.suggestion) > SUGGESTION_MAX ? "suggestion-count is-over" : "suggestion-count", id: "suggestion-count", "aria-hidden": "true" }, this.countText()),
      h("p", { class: "visually-hidden", role: "status", id: "suggestion-said" }),
    );
  }

  /** "120 / 1000 karakter", or how many too many. */
  countText() {
    const n = suggestionLength(this.suggestion);
    return n > SUGGESTION_MAX ? t("survey.count_over", { n, max: SUGGESTION_MAX, over: n - SUGGESTION_MAX }) : t("survey.count", { n, max: SUGGESTION_MAX });
  }

  /** Updates the count as the citizen types; tells screen readers once they pause. */
  count() {
    const text = this.countText();
    const shown = this.el.querySelector("#suggestion-count");
    if (shown) {
      shown.textContent = text;
      shown.classList.toggle("is-over", suggestionLength(this.suggestion) > SUGGESTION_MAX);
    }
    clearTimeout(this.sayTimer);
    this.sayTimer = setTimeout(() => {
      const said = this.el.querySelector("#suggestion-said");
      if (said) said.textContent = text;
    }, 1000);
  }

  /** Shows the next (1) or the previous (-1) question, with the focus on it. @param {number} by */
  go(by) {
    this.step = Math.max(0, Math.min(ELEMENTS.length, this.step + by));
    this.error = null;
    this.render();
    /** @type {HTMLElement | null} */ (this.el.querySelector("#survey-question"))?.focus();
  }

  async submit() {
    if (this.state !== "open") return;
    this.error = null;
    this.fieldError = null;
    const length = suggestionLength(this.suggestion);
    if (length > SUGGESTION_MAX) {
      this.fieldError = t("survey.suggestion_long", { max: SUGGESTION_MAX, over: length - SUGGESTION_MAX });
      this.render();
      /** @type {HTMLElement | null} */ (this.el.querySelector("#suggestion"))?.focus();
      return;
    }
    if (this.answers.every((a) => a == null)) {
      this.error = t("survey.empty");
      this.render();
      /** @type {HTMLElement | null} */ (this.el.querySelector("#survey-error"))?.focus();
      return;
    }
    this.state = "sending";
    this.render();
    try {
      const suggestion = this.suggestion.trim();
      // Empty means none: left out.
      await api(`/tickets/${encodeURIComponent(this.code)}/survey`, { body: suggestion ? { answers: this.answers, suggestion } : { answers: this.answers } });
      this.state = "thanks";
    } catch (e) {
      this.state = "open";
      if (e instanceof ApiError && e.code === "survey_already_answered") this.state = "thanks";
      else if (e instanceof ApiError && e.code === "suggestion_too_long") this.fieldError = t("survey.suggestion_too_long", { max: SUGGESTION_MAX });
      else this.error = e instanceof ApiError && e.status !== 0 ? t("survey.refused") : errorText(e);
    }
    this.render();
    const focus = this.state === "thanks" ? "#survey-thanks" : this.fieldError ? "#suggestion" : "#survey-error";
    /** @type {HTMLElement | null} */ (this.el.querySelector(focus))?.focus();
  }
}
