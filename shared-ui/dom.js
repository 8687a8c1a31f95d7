// @ts-check
/**
 * @file A tiny helper to build DOM nodes without innerHTML (so text from
 * the server is never parsed as markup).
 */

/**
 * @typedef {Record<string, string | number | boolean | null | undefined | EventListener>} Attrs
 * @typedef {Node | string | number | null | undefined | false} Child
 */

/**
 * `h("button", {class: "btn", onclick: f}, "Text")`. Attributes starting
 * with `on` are listeners; `false`/null/undefined attributes are left out.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Attrs | null} [attrs]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on") && typeof v === "function") el.addEventListener(k.slice(2), /** @type {EventListener} */ (v));
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(typeof c === "object" ? c : String(c));
  }
  return el;
}

/**
 * Replaces the children of `el`.
 * @param {Element} el
 * @param {...(Child | Child[])} children
 */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c != null && c !== false).map((c) => (typeof c === "object" ? c : String(c))));
}

/** The element with this id (throws when the page lacks it). */
export function byId(/** @type {string} */ id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} missing`);
  return el;
}

/**
 * Runs `draw`, which replaces what is under `root`, and puts the focus back
 * on the control that had it (found again by its id, or its tag and
 * `data-service`), so a live redraw does not throw a keyboard or
 * screen-reader user back to the top of the page.
 * @param {Element} root
 * @param {() => void} draw
 */
export function keepFocus(root, draw) {
  const had = document.activeElement;
  /** @type {string | null} */
  let again = null;
  if (had instanceof HTMLElement && had !== root && root.contains(had)) {
    const service = had.getAttribute("data-service");
    if (had.id) again = `#${CSS.escape(had.id)}`;
    else if (service != null) again = `${had.tagName.toLowerCase()}[data-service="${CSS.escape(service)}"]`;
  }
  draw();
  if (!again || (had && root.contains(had))) return;
  const el = root.querySelector(again);
  if (el instanceof HTMLElement) el.focus({ preventScroll: true });
}
