// @ts-check
/**
 * @file Who is using a screen, and how that ends.
 *
 * Staff (counter, admin and help desk pages): the sign-in card's form (in
 * `section#signin`), choosing one's own password right after signing in
 * with a one-time one, who is signed in, and the account's tools next to
 * the page's sign-out (change my password, sign out everywhere). A session
 * ends at once when the server says so (a live stream closed with 4001, a
 * request answered 401): the page shows the sign-in card with
 * {@link resetSignIn} and a notice.
 *
 * Devices (kiosk, display): the token staff give once in the address
 * (`#device=TOKEN`, or a one-time link's `#pair=SECRET` exchanged for it),
 * pairing by a six-digit code a supervisor enters in /admin, and the
 * screens of a device whose token was revoked or whose link was spent.
 */
import { api, ApiError, errorText } from "./api.js";
import { byId, fill, h } from "./dom.js";
import { lang, t } from "./i18n.js";

/** @typedef {import("./contract").components["schemas"]["Me"]} Me */
/** @typedef {import("./contract").components["schemas"]["DeviceView"]} Device */
/** @typedef {import("./contract").components["schemas"]["DeviceKind"]} DeviceKind */

// --- Staff -------------------------------------------------------------------

/**
 * Who is signed in on this browser, or null. A session that must still
 * choose its password (signed in with a one-time one, then reloaded) counts
 * as none: signing in again with the one-time password leads to the choice,
 * and nothing else would work meanwhile.
 * @returns {Promise<Me | null>}
 */
export async function signedIn() {
  try {
    /** @type {Me} */
    const me = await api("/session");
    return me.must_change_password ? null : me;
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

/** Whether a refusal means the staff session has ended (signed out elsewhere, disabled, expired). @param {unknown} e */
export function sessionEnded(e) {
  return e instanceof ApiError && e.status === 401;
}

/** What {@link signInForm} was given, to draw the card again. */
let signInCard = { titleKey: "", onSignedIn: async () => {} };

/**
 * Fills `section#signin` with the sign-in form and handles it: a wrong
 * password or a disabled account said on the card; after a one-time
 * password, the choice of one's own ({@link choosePassword}) before
 * `onSignedIn`.
 * @param {string} titleKey the card's heading (an i18n key)
 * @param {() => Promise<void>} onSignedIn
 */
export function signInForm(titleKey, onSignedIn) {
  signInCard = { titleKey, onSignedIn };
  resetSignIn();
}

/**
 * The sign-in card again, empty, with a notice on top or none (e.g.
 * "Anda telah keluar: ..." when the session was ended elsewhere).
 * @param {string | null} [notice]
 */
export function resetSignIn(notice = null) {
  const { titleKey, onSignedIn } = signInCard;
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
  fill(
    byId("signin"),
    h("h1", { id: "signin-title", "data-i18n": titleKey }, t(titleKey)),
    notice && h("p", { id: "signin-notice", class: "signin-notice", role: "alert" }, notice),
    form,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.hidden = true;
    const password = /** @type {HTMLInputElement} */ (byId("password"));
    const current = password.value;
    try {
      /** @type {Me} */
      const me = await api("/session", { body: { username: /** @type {HTMLInputElement} */ (byId("username")).value.trim(), password: current } });
      password.value = "";
      if (me.must_change_password) choosePassword(current, onSignedIn);
      else await onSignedIn();
    } catch (ex) {
      error.textContent = errorText(ex);
      error.hidden = false;
    }
  });
}

/**
 * Whether `me` may work on this staff page of office `officeId`; says who
 * is signed in (`#whoami`). When nobody is, or the account works at another
 * office (said on the card), `showSignIn` shows the sign-in card.
 * @param {Me | null} me
 * @param {string} officeId
 * @param {() => void} showSignIn
 */
export function staffHere(me, officeId, showSignIn) {
  byId("whoami").textContent = whoami(me);
  if (!me) {
    showSignIn();
    byId("username").focus();
    return false;
  }
  if (me.office && me.office !== officeId) {
    showSignIn();
    signInError(t("counter.wrong_office"));
    return false;
  }
  return true;
}

/** Shows an error on the sign-in card (e.g. a clerk of another office). @param {string} text */
export function signInError(text) {
  const err = byId("signin-error");
  err.textContent = text;
  err.hidden = false;
}

/**
 * A new password typed twice, the rule said first, each field's error next
 * to it (`aria-describedby`, `aria-invalid`, focus there); with the current
 * password first when `withCurrent`. Sends `PUT /session/password`.
 * @param {string} prefix of the fields' ids
 * @param {boolean} withCurrent
 */
function passwordFields(prefix, withCurrent) {
  const rule = h("p", { id: `${prefix}-rule`, class: "pw-rule" }, t("session.rule"));
  /** @type {Record<string, {input: HTMLInputElement, error: HTMLElement}>} */
  const fields = {};
  const field = (/** @type {string} */ name, /** @type {string} */ autocomplete, /** @type {string[]} */ describedBy) => {
    const id = `${prefix}-${name}`;
    const error = h("p", { id: `${id}-error`, class: "field-error", hidden: true });
    const input = /** @type {HTMLInputElement} */ (
      h("input", { id, name: id, type: "password", autocomplete, "aria-describedby": [...describedBy, `${id}-error`].join(" ") })
    );
    fields[name] = { input, error };
    return h("div", { class: "pw-field" }, h("label", { for: id }, t(`session.${name}_password`)), input, error);
  };
  const general = h("p", { id: `${prefix}-error`, class: "error-msg", role: "alert", hidden: true });
  const nodes = [
    rule,
    withCurrent && field("current", "current-password", []),
    field("new", "new-password", [`${prefix}-rule`]),
    field("repeat", "new-password", []),
    general,
  ];

  /** Says what is wrong next to `name`'s field (focus there), or in general. @param {string | null} name @param {string} text */
  function refuse(name, text) {
    const f = name ? fields[name] : null;
    if (!f) {
      general.textContent = text;
      general.hidden = false;
      return;
    }
    f.error.textContent = text;
    f.error.hidden = false;
    f.input.setAttribute("aria-invalid", "true");
    f.input.focus();
  }

  function clear() {
    general.hidden = true;
    for (const f of Object.values(fields)) {
      f.error.hidden = true;
      f.input.removeAttribute("aria-invalid");
    }
  }

  /**
   * Sends the change; the Me it answers, or null when refused (said next to its field).
   * @param {string} [current] the current password when there is no field for it
   * @returns {Promise<Me | null>}
   */
  async function send(current) {
    clear();
    const value = (/** @type {string} */ name) => fields[name]?.input.value ?? "";
    if (value("new") !== value("repeat")) {
      refuse("repeat", t("session.mismatch"));
      return null;
    }
    try {
      return await api("/session/password", { method: "PUT", body: { current_password: current ?? value("current"), new_password: value("new") } });
    } catch (e) {
      if (sessionEnded(e)) throw e;
      const field = e instanceof ApiError ? { current_password: "current", new_password: "new" }[e.field ?? ""] : undefined;
      refuse(field ?? null, errorText(e));
      return null;
    }
  }

  return { nodes, send, first: () => fields[withCurrent ? "current" : "new"].input };
}

/**
 * After signing in with a one-time password: the card asks for one's own
 * (the one-time one is known, so only the new one, twice), then `onDone`.
 * @param {string} current the one-time password just signed in with
 * @param {() => Promise<void>} onDone
 */
function choosePassword(current, onDone) {
  const pw = passwordFields("choose", false);
  const form = h(
    "form",
    { id: "choose-form", novalidate: true },
    pw.nodes,
    h("button", { type: "submit", class: "btn btn-go", "data-i18n": "session.save_password" }, t("session.save_password")),
  );
  fill(
    byId("signin"),
    h("h1", { id: "signin-title", "data-i18n": "session.choose_title" }, t("session.choose_title")),
    h("p", { class: "pw-intro", "data-i18n": "session.choose_intro" }, t("session.choose_intro")),
    form,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    try {
      if (!(await pw.send(current))) return;
    } catch {
      resetSignIn(t("session.ended"));
      return;
    }
    resetSignIn();
    await onDone();
  });
  pw.first().focus();
}

/**
 * A modal dialog of the staff tools, built once and kept at the end of the
 * page.
 * @param {string} id
 */
function dialog(id) {
  const existing = document.getElementById(id);
  if (existing) return /** @type {HTMLDialogElement} */ (existing);
  const dlg = /** @type {HTMLDialogElement} */ (h("dialog", { id, class: "staff-dlg", "aria-labelledby": `${id}-title` }));
  document.body.append(dlg);
  return dlg;
}

/**
 * A dialog's title, body and its two buttons (the first submits).
 * @param {HTMLDialogElement} dlg
 * @param {string} titleKey
 * @param {(HTMLElement | string | false | null)[]} body
 * @param {string} okKey
 * @param {(form: HTMLFormElement) => Promise<void>} onOk
 */
function fillDialog(dlg, titleKey, body, okKey, onOk) {
  const form = /** @type {HTMLFormElement} */ (
    h(
      "form",
      { novalidate: true },
      h("h2", { id: `${dlg.id}-title` }, t(titleKey)),
      body,
      h(
        "div",
        { class: "c-dlg-actions" },
        h("button", { type: "submit", class: "btn btn-go", id: `${dlg.id}-ok` }, t(okKey)),
        h("button", { type: "button", class: "btn", id: `${dlg.id}-cancel`, onclick: () => dlg.close() }, t("btn.cancel")),
      ),
    )
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void onOk(form);
  });
  fill(dlg, form);
  dlg.showModal();
}

/**
 * The account's tools next to the page's sign-out button: a small "Akun"
 * menu (a disclosure, so a header of a 1366 px screen keeps one line) with
 * "Ubah kata sandi" and "Keluar di semua perangkat", each in a dialog. It
 * shows and hides with the sign-out button. `onSignedOut` is called with what to say
 * on the sign-in card when this session ended (signed out everywhere, or
 * found ended while changing the password).
 * @param {HTMLElement} signOutButton
 * @param {(notice: string) => void | Promise<void>} onSignedOut
 */
export function mountStaffTools(signOutButton, onSignedOut) {
  const menu = /** @type {HTMLDetailsElement} */ (h("details", { id: "staff-menu", class: "staff-menu", hidden: signOutButton.hidden }));
  const button = (/** @type {string} */ id, /** @type {string} */ key, /** @type {() => void} */ onclick) =>
    h("button", { type: "button", class: "btn", id, "data-i18n": key, onclick: () => ((menu.open = false), onclick()) }, t(key));
  const ended = (/** @type {HTMLDialogElement} */ dlg, /** @type {string} */ notice) => {
    dlg.close();
    void onSignedOut(notice);
  };
  const change = button("change-password", "session.change_password", () => {
    const dlg = dialog("password-dlg");
    const pw = passwordFields("cp", true);
    const done = h("p", { id: "cp-done", class: "c-message", role: "status" });
    fillDialog(dlg, "session.change_password", [...pw.nodes, done], "session.save_password", async (form) => {
      try {
        if (!(await pw.send())) return;
      } catch {
        ended(dlg, t("session.ended"));
        return;
      }
      for (const input of form.querySelectorAll("input")) input.value = "";
      done.textContent = t("session.password_changed");
    });
    pw.first().focus();
  });
  const everywhere = button("sign-out-all", "session.sign_out_all", () => {
    const dlg = dialog("sign-out-all-dlg");
    const error = h("p", { id: "sign-out-all-error", class: "error-msg", role: "alert", hidden: true });
    fillDialog(dlg, "session.sign_out_all_title", [h("p", null, t("session.sign_out_all_text")), error], "session.sign_out_all", async () => {
      try {
        await api("/session/all", { method: "DELETE" });
      } catch (e) {
        if (!sessionEnded(e)) {
          error.textContent = errorText(e);
          error.hidden = false;
          return;
        }
      }
      ended(dlg, t("session.signed_out_all"));
    });
    byId("sign-out-all-dlg-ok").focus();
  });
  menu.append(
    h("summary", { class: signOutButton.className, "data-i18n": "session.account" }, t("session.account")),
    h("div", { class: "staff-menu-items" }, change, everywhere),
  );
  menu.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && menu.open) {
      menu.open = false;
      /** @type {HTMLElement} */ (menu.querySelector("summary")).focus();
    }
  });
  signOutButton.before(menu);
  // Shown and hidden with the page's sign-out.
  new MutationObserver(() => {
    menu.hidden = signOutButton.hidden;
    menu.open = false;
  }).observe(signOutButton, { attributes: true, attributeFilter: ["hidden"] });
}

// --- Devices -----------------------------------------------------------------

/** How often a device showing its code asks whether it was paired. */
const PAIR_POLL_MS = 2500;
/** How long to wait before asking for a code again after a refusal (e.g. too many asked). */
const PAIR_RETRY_MS = 10_000;

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** Whether a refusal means the device's token no longer works (revoked or unknown). @param {unknown} e */
export function tokenRefused(e) {
  return e instanceof ApiError && e.status === 401;
}

/**
 * This device as the server knows it (its name, kind, settings). Throws the
 * ApiError: {@link tokenRefused} when revoked, `network` when no answer.
 * @param {string} token
 * @returns {Promise<Device>}
 */
export function thisDevice(token) {
  return api("/device", { headers: { authorization: `Bearer ${token}` } });
}

/**
 * What staff gave this device once in the address's fragment (`#device=`,
 * `#pair=`, a kiosk's own settings), taken off the address at once so that
 * neither a token nor a link's secret stays in the bar or the history.
 */
export function takeFragment() {
  const params = new URLSearchParams(location.hash.slice(1));
  if (location.hash.length > 1) history.replaceState(null, "", location.pathname + location.search);
  return params;
}

/**
 * The device's token that the fragment gives: `device=TOKEN` (from
 * `antrean device add`) as is, `pair=SECRET` (/admin's one-time link)
 * exchanged once for it (`GET /pairings/{secret}`, asked again while the
 * server does not answer). `linkSpent`: the link was used already or is
 * older than 15 minutes (404), so there is no token; {@link showLinkSpent}
 * says so.
 * @param {URLSearchParams} fragment from {@link takeFragment}
 * @returns {Promise<{token: string | null, linkSpent: boolean}>}
 */
export async function tokenFromFragment(fragment) {
  const token = fragment.get("device");
  if (token) return { token, linkSpent: false };
  const secret = fragment.get("pair");
  if (!secret) return { token: null, linkSpent: false };
  for (;;) {
    try {
      const r = await api(`/pairings/${encodeURIComponent(secret)}`);
      // A link's secret is paired from the start; anything else is no link.
      return r.status === "paired" ? { token: /** @type {string} */ (r.token), linkSpent: false } : { token: null, linkSpent: true };
    } catch (e) {
      const away = e instanceof ApiError && (e.status === 0 || e.status === 429 || e.status >= 500);
      if (!away) return { token: null, linkSpent: true };
      await sleep(PAIR_POLL_MS);
    }
  }
}

/**
 * Pairs this device: draws in `host` the six digits to enter in Admin →
 * Perangkat and the time left, asks every few seconds whether a
 * supervisor entered them, and takes a new code when one expires. Resolves
 * with the device's token, or null when cancelled (`cancellable`: a
 * display, which works without one).
 * @param {HTMLElement} host
 * @param {{office: string, kind: DeviceKind, cancellable?: boolean}} opts
 * @returns {Promise<string | null>}
 */
export function pairDevice(host, { office, kind, cancellable = false }) {
  let stopped = false;
  let until = 0;
  const code = h("p", { id: "pair-code", class: "pair-code num" }, "······");
  const left = h("p", { id: "pair-left", class: "pair-left" });
  const status = h("p", { id: "pair-status", class: "pair-status", role: "status" });
  /** @type {(token: string | null) => void} */
  let finish = () => {};
  fill(
    host,
    h(
      "div",
      { class: "pair" },
      h("h1", { id: "pair-title", class: "pair-title", "data-i18n": `pair.title.${kind}` }, t(`pair.title.${kind}`)),
      h("p", { class: "pair-label", "data-i18n": "pair.code" }, t("pair.code")),
      code,
      h("p", { class: "pair-hint", "data-i18n": "pair.hint" }, t("pair.hint")),
      left,
      status,
      cancellable &&
        h("button", { type: "button", class: "btn pair-cancel", id: "pair-cancel", "data-i18n": "btn.cancel", onclick: () => finish(null) }, t("btn.cancel")),
    ),
  );
  const tick = () => {
    const s = Math.max(0, Math.ceil((until - Date.now()) / 1000));
    left.textContent = until ? t("pair.time_left", { time: `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}` }) : "";
  };
  const clock = setInterval(tick, 1000);

  /** Shows a code until it is paired (its token), expires or is gone (null). @param {{code: string, secret: string, expires_in_s: number}} p */
  async function follow(p) {
    code.textContent = `${p.code.slice(0, 3)} ${p.code.slice(3)}`;
    code.setAttribute("data-code", p.code);
    until = Date.now() + p.expires_in_s * 1000;
    tick();
    status.textContent = t("pair.waiting");
    while (!stopped && Date.now() < until) {
      await sleep(PAIR_POLL_MS);
      if (stopped) return null;
      try {
        const r = await api(`/pairings/${encodeURIComponent(p.secret)}`);
        if (r.status === "paired") return /** @type {string} */ (r.token);
        status.textContent = t("pair.waiting");
      } catch (e) {
        if (e instanceof ApiError && e.code === "unknown_pairing_code") return null;
        status.textContent = errorText(e);
      }
    }
    return null;
  }

  return new Promise((resolve) => {
    finish = (token) => {
      if (stopped) return;
      stopped = true;
      clearInterval(clock);
      resolve(token);
    };
    void (async () => {
      while (!stopped) {
        let p;
        try {
          p = await api("/pairings", { body: { office, kind } });
        } catch (e) {
          status.textContent = errorText(e);
          await sleep(PAIR_RETRY_MS);
          continue;
        }
        const token = await follow(p);
        if (token) {
          status.textContent = t("pair.paired");
          finish(token);
        }
      }
    })();
  });
}

/**
 * A notice for whoever stands before a device, in the screen's language
 * and the other one at once (Indonesian and English): its title and a line
 * of detail, then one button that pairs.
 * @param {HTMLElement} host
 * @param {{id: string, titleKey: string, detailKey?: string, buttonId: string, buttonKey: string, onPair: () => void}} n
 */
async function deviceNotice(host, { id, titleKey, detailKey, buttonId, buttonKey, onPair }) {
  const other = lang() === "id" ? "en" : "id";
  /** @type {Record<string, string>} */
  const strings = await fetch(new URL(`./i18n/${other}.json`, import.meta.url))
    .then((r) => r.json())
    .catch(() => ({}));
  fill(
    host,
    h(
      "div",
      { class: "pair is-revoked" },
      h("h1", { id, class: "revoked-title", lang: lang() }, t(titleKey)),
      detailKey && h("p", { class: "revoked-detail", lang: lang() }, t(detailKey)),
      strings[titleKey] && h("p", { class: "revoked-other", lang: other }, strings[titleKey]),
      detailKey && strings[detailKey] && h("p", { class: "revoked-other-detail", lang: other }, strings[detailKey]),
      h(
        "button",
        {
          type: "button",
          class: "btn btn-go pair-again",
          id: buttonId,
          "data-i18n": buttonKey,
          // Once: a second tap would start a second pairing.
          onclick: (/** @type {Event} */ e) => {
            /** @type {HTMLButtonElement} */ (e.currentTarget).disabled = true;
            onPair();
          },
        },
        t(buttonKey),
      ),
    ),
  );
  byId(buttonId).focus();
}

/**
 * The screen of a device whose token was revoked: what happened in
 * Indonesian and English at once (whoever stands before it), and "Pasangkan
 * lagi".
 * @param {HTMLElement} host
 * @param {DeviceKind} kind
 * @param {() => void} onPairAgain
 */
export function showRevoked(host, kind, onPairAgain) {
  return deviceNotice(host, { id: "revoked-title", titleKey: `device.revoked.${kind}`, buttonId: "pair-again", buttonKey: "device.pair_again", onPair: onPairAgain });
}

/**
 * The screen of a device opened with a one-time link already used or
 * expired ({@link tokenFromFragment}): so, in Indonesian and English, and
 * "Pasangkan dengan kode".
 * @param {HTMLElement} host
 * @param {() => void} onPairByCode
 */
export function showLinkSpent(host, onPairByCode) {
  return deviceNotice(host, {
    id: "spent-title",
    titleKey: "device.link_spent",
    detailKey: "device.link_spent_detail",
    buttonId: "pair-by-code",
    buttonKey: "device.pair_by_code",
    onPair: onPairByCode,
  });
}
