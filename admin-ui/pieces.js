// @ts-check
/**
 * @file What the staff and devices sections of /admin share: a secret
 * shown once (a one-time password, a device's link) in a marked box with
 * a copy button, kept nowhere but on screen until "Selesai"; when
 * something last happened ("5 menit lalu", else the date) following the
 * clock and the language; and a list whose entries are drawn again only
 * when what they show changes, focus kept on the same control.
 */
import { h } from "../shared-ui/dom.js";
import { locale } from "../shared-ui/i18n.js";
import { at, reword, tx, w } from "./strings.js";

/** @typedef {import("./forms.js").Words} Words */

/** The time zone dates are said in (the office's). */
let zone = "Asia/Jakarta";

/** @param {string} z */
export function setZone(z) {
  zone = z || "Asia/Jakarta";
}

/**
 * When `iso` was, in words: "baru saja", "5 menit lalu", "3 jam lalu",
 * a day or more ago the date and time in the office's zone; `never`'s
 * words when null.
 * @param {string | null | undefined} iso
 * @param {string} never
 */
export function agoText(iso, never) {
  if (!iso) return at(never);
  const s = (Date.now() - Date.parse(iso)) / 1000;
  // A clock a little ahead of ours is "just now", not "in a minute".
  if (s < 60) return at("time.just_now");
  if (s < 3600) return at(s < 120 ? "time.minute_ago" : "time.minutes_ago", { n: Math.floor(s / 60) });
  if (s < 86400) return at(s < 7200 ? "time.hour_ago" : "time.hours_ago", { n: Math.floor(s / 3600) });
  return new Intl.DateTimeFormat(locale(), { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hour12: false, timeZone: zone })
    .format(new Date(iso))
    .replace(/\./g, ":");
}

/**
 * A `<time>` that says how long ago `iso` was, kept true by
 * {@link rewordTimes}.
 * @param {string | null | undefined} iso
 * @param {string} never the words when it never happened
 */
export function ago(iso, never) {
  const el = h("time", { "data-ago": iso ?? "", "data-never": never, datetime: iso ?? null });
  el.textContent = agoText(iso, never);
  return el;
}

/** Says again every {@link ago} under `root`: the clock moved on, or the language changed. @param {ParentNode} [root] */
export function rewordTimes(root = document) {
  for (const el of root.querySelectorAll("time[data-ago]")) el.textContent = agoText(el.getAttribute("data-ago"), el.getAttribute("data-never") ?? "time.never");
}

/**
 * Words a section again in the current language, keeping what is typed:
 * its fixed texts, its times, then its entries (`render`).
 * @param {Element | null | undefined} head an element of the section
 * @param {() => void} render
 */
export function rewordSection(head, render) {
  const root = head?.closest("section");
  if (!root) return;
  reword(root);
  rewordTimes(root);
  render();
}

/**
 * A selector for the same control in an entry drawn again: its tag and
 * its `data-` attributes (`button[data-toggle="siti"]`), else its id.
 * @param {Element} el
 */
function sameControl(el) {
  const data = [...el.attributes].filter((a) => a.name.startsWith("data-") && a.name !== "data-at" && a.name !== "data-at-vars");
  if (data.length) return el.tagName.toLowerCase() + data.map((a) => `[${a.name}="${CSS.escape(a.value)}"]`).join("");
  return el.id ? `#${CSS.escape(el.id)}` : null;
}

/**
 * Draws `items` into `list` in their order, each entry by `draw`, again
 * only when what it shows changed (`shows`), so a redraw keeps a refusal
 * and the focus; focus on an entry drawn again goes to the same control.
 * @template T
 * @param {HTMLElement} list
 * @param {Map<string, {el: HTMLElement, shows: string}>} drawn what is on screen, by key
 * @param {T[]} items
 * @param {(x: T) => string} key
 * @param {(x: T) => unknown} shows everything its entry shows
 * @param {(x: T) => HTMLElement} draw
 */
export function syncItems(list, drawn, items, key, shows, draw) {
  const keys = items.map(key);
  for (const k of [...drawn.keys()]) if (!keys.includes(k)) drawn.delete(k);
  for (const x of items) {
    const k = key(x);
    const now = JSON.stringify(shows(x));
    const had = drawn.get(k);
    if (had?.shows === now) continue;
    const fresh = draw(x);
    const active = document.activeElement;
    const again = had && active && had.el.contains(active) ? sameControl(active) : null;
    if (had) had.el.replaceWith(fresh);
    drawn.set(k, { el: fresh, shows: now });
    if (again) /** @type {HTMLElement | null} */ (fresh.querySelector(again))?.focus();
  }
  const els = keys.map((k) => /** @type {{el: HTMLElement}} */ (drawn.get(k)).el);
  if (els.length !== list.children.length || els.some((e, i) => list.children[i] !== e)) list.replaceChildren(...els);
}

/**
 * Copies `text`; over plain http on the office LAN, where browsers offer
 * no clipboard API, by selecting `el` and the old copy command. Resolves
 * whether it worked.
 * @param {string} text
 * @param {HTMLElement} el what shows it
 */
async function copy(text, el) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = getSelection();
    sel?.removeAllRanges();
    sel?.addRange(range);
    try {
      return document.execCommand("copy");
    } catch {
      return false;
    }
  }
}

/**
 * A secret shown this once (the server never says it again): a marked
 * box with its heading, the secret as typed, a copy button, what to do
 * with it, and "Selesai", which takes the box away and calls `done`
 * (where focus goes next). It is kept nowhere else: not in storage, not
 * in a variable once the box is gone.
 * @param {string} id
 * @param {{title: Words, secret: string, hint: Words, secretLabel: string}} what
 * @param {() => void} done
 */
export function secretBox(id, what, done) {
  // A password is read out letter by letter, large; a link is long.
  const value = h("code", { id: `${id}-value`, class: what.secret.length > 32 ? "a-secret-value is-long" : "a-secret-value", translate: "no" }, what.secret);
  const said = h("p", { id: `${id}-copied`, class: "c-message a-secret-said", role: "status" });
  const head = tx(h("h3", { id: `${id}-h`, tabindex: "-1" }), ...what.title);
  const box = h(
    "section",
    { id, class: "a-secret", "aria-labelledby": head.id },
    h("p", { class: "a-secret-mark" }, w("once.mark")),
    head,
    h("p", { class: "a-secret-line" }, tx(h("span", { class: "visually-hidden" }), what.secretLabel), value),
    tx(h("p", { class: "a-secret-hint" }), ...what.hint),
    h(
      "div",
      { class: "f-actions" },
      h(
        "button",
        {
          type: "button",
          class: "btn btn-brand",
          id: `${id}-copy`,
          onclick: async () => tx(said, (await copy(what.secret, value)) ? "once.copied" : "once.copy_failed"),
        },
        w("once.copy"),
      ),
      h(
        "button",
        {
          type: "button",
          class: "btn",
          id: `${id}-done`,
          onclick: () => {
            box.remove();
            done();
          },
        },
        w("once.done"),
      ),
    ),
    said,
  );
  return { el: box, head };
}
