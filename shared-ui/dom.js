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
  const nodes = children.flat().filter((c) => c != null && c !== false).map((c) => (typeof c === "object" ? c : String(c)));
  // The same elements in the same order: nothing to do (replacing them
  // would take them out of the page for a moment, and the focus with them).
  const same = nodes.length === el.childNodes.length && nodes.every((n, i) => n === el.childNodes[i]);
  if (!same) el.replaceChildren(...nodes);
}

/**
 * Makes the children of `el` say what `children` say, keeping every
 * element that is still the same thing (the same tag and attributes; an
 * open `<details>` stays open) and bringing its text and children up to
 * date in place. So a live redraw does not swap a button under a finger (a
 * tap pressed on one element and released on its replacement is lost),
 * close what a citizen opened, or take the focus away. A kept element
 * keeps the listeners it was built with: they must find what they act on
 * by its id when they run, not hold on to an object of the first drawing.
 * @param {Element} el
 * @param {...(Child | Child[])} children
 */
export function patch(el, ...children) {
  patchNodes(el, nodes(children));
}

/** @param {(Child | Child[])[]} children @returns {Node[]} */
function nodes(children) {
  return children
    .flat()
    .filter((c) => c != null && c !== false)
    .map((c) => (typeof c === "object" ? /** @type {Node} */ (c) : document.createTextNode(String(c))));
}

/** @param {Element} el @param {Node[]} fresh */
function patchNodes(el, fresh) {
  const old = [...el.childNodes];
  const kept = fresh.map((n, i) => {
    const o = old[i];
    if (!o || o === n || fresh.includes(o)) return n;
    if (o instanceof Text && n instanceof Text) {
      if (o.data !== n.data) o.data = n.data;
      return o;
    }
    if (o instanceof Element && n instanceof Element && sameKind(o, n)) {
      patchNodes(o, [...n.childNodes]);
      return o;
    }
    return n;
  });
  fill(el, kept);
}

/** The same tag and attributes (but `open`, which the citizen sets). @param {Element} a @param {Element} b */
function sameKind(a, b) {
  if (a.tagName !== b.tagName) return false;
  const names = (/** @type {Element} */ e) => e.getAttributeNames().filter((n) => n !== "open");
  const an = names(a);
  return an.length === names(b).length && an.every((n) => a.getAttribute(n) === b.getAttribute(n));
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
  const inside = had instanceof HTMLElement && had !== root && root.contains(had);
  /** @type {string | null} */
  let again = null;
  if (inside) {
    const service = had.getAttribute("data-service");
    if (had.id) again = `#${CSS.escape(had.id)}`;
    else if (service != null) again = `${had.tagName.toLowerCase()}[data-service="${CSS.escape(service)}"]`;
  }
  draw();
  if (!inside || document.activeElement === had) return;
  // Kept but moved (it lost the focus on the way), else drawn anew.
  const el = root.contains(had) ? had : again && root.querySelector(again);
  if (el instanceof HTMLElement) el.focus({ preventScroll: true });
}
