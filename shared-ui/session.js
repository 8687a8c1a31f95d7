// @ts-check
/**
 * @file Staff sign-in for the counter and admin pages: the sign-in card's
 * form (in `section#signin`), who is signed in, signing out.
 */
import { api, ApiError } from "./api.js";
import { byId, fill, h } from "./dom.js";
import { t } from "./i18n.js";

/** @typedef {import("./contract").components["schemas"]["Me"]} Me */

/** Who is signed in on this browser, or null. @returns {Promise<Me | null>} */
export async function signedIn() {
  try {
    return await api("/session");
  } catch {
    return null;
  }
}

/** "petugas1 (Petugas loket)". @param {Me | null} me */
export function whoami(me) {
  return me ? `${me.username} (${t(`role.${me.role}`)})` : "";
}

export async function signOut() {
  await api("/session", { method: "DELETE" }).catch(() => {});
}

/**
 * Fills `section#signin` with the sign-in form and handles it.
 * @param {string} titleKey the card's heading (an i18n key)
 * @param {() => Promise<void>} onSignedIn
 */
export function signInForm(titleKey, onSignedIn) {
  const field = (/** @type {string} */ id, /** @type {Record<string, string>} */ attrs) => [
    h("label", { for: id, "data-i18n": `counter.${id}` }, t(`counter.${id}`)),
    h("input", { id, name: id, required: true, ...attrs }),
  ];
  const error = h("p", { id: "signin-error", class: "error-msg", role: "alert", hidden: true });
  const form = h(
    "form",
    { id: "signin-form" },
    field("username", { autocomplete: "username" }),
    field("password", { type: "password", autocomplete: "current-password" }),
    error,
    h("button", { type: "submit", class: "btn btn-go", "data-i18n": "counter.signin" }, t("counter.signin")),
  );
  fill(byId("signin"), h("h1", { id: "signin-title", "data-i18n": titleKey }, t(titleKey)), form);
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    const password = /** @type {HTMLInputElement} */ (byId("password"));
    try {
      await api("/session", { body: { username: /** @type {HTMLInputElement} */ (byId("username")).value.trim(), password: password.value } });
      password.value = "";
      await onSignedIn();
    } catch (ex) {
      error.textContent = ex instanceof ApiError && ex.status === 401 ? t("counter.bad_credentials") : ex instanceof Error ? ex.message : String(ex);
      error.hidden = false;
    }
  });
}

/** Shows an error on the sign-in card (e.g. a clerk of another office). @param {string} text */
export function signInError(text) {
  const err = byId("signin-error");
  err.textContent = text;
  err.hidden = false;
}
