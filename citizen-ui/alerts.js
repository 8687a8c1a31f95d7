// @ts-check
/**
 * @file Telling the citizen that their turn is near ("3 nomor lagi") and
 * that they are called: the chime (shared-ui/sound.js) and vibration while
 * the ticket's page is open, and a system notification where the citizen
 * allowed them. Notifications are offered by a button ({@link NotifyOffer})
 * and asked for only when it is tapped, never on load; they are shown while
 * the page is out of sight (another app, the screen off for a while), since
 * the page itself says it while it is in view. On Android, Chrome shows
 * notifications only through a service worker (`notify-sw.js`, which also
 * brings the ticket's page back when one is tapped); elsewhere the
 * Notification constructor does.
 */
import { h, fill } from "../shared-ui/dom.js";
import { t } from "../shared-ui/i18n.js";
import { chime, unlockAudio } from "../shared-ui/sound.js";

/** The turn is near with this many people ahead, or fewer. */
export const NEAR = 3;

/** Vibration (ms on, off, on...): a double buzz when near, three long ones when called. */
const BUZZ = { near: [300, 150, 300], called: [500, 200, 500, 200, 500] };
/** Chimes played: one when near, two when called. */
const CHIMES = { near: 1, called: 2 };

const WORKER = "/ui/citizen-ui/notify-sw.js";
const WORKER_SCOPE = "/ui/citizen-ui/";

/** Whether this browser can show notifications from this page (they need a secure origin). */
function canNotify() {
  return "Notification" in window && window.isSecureContext;
}

/** The service worker that shows notifications, once they are allowed. @type {Promise<ServiceWorkerRegistration | null> | null} */
let worker = null;

function notifier() {
  if (!worker) {
    worker =
      "serviceWorker" in navigator
        ? navigator.serviceWorker.register(WORKER, { scope: WORKER_SCOPE }).catch(() => null)
        : Promise.resolve(null);
  }
  return worker;
}

/**
 * Rings the phone: chime and vibration, and a notification while the page
 * is out of sight, when allowed.
 * @param {"near" | "called"} kind
 * @param {{title: string, body: string, tag: string}} words
 */
export function ring(kind, words) {
  navigator.vibrate?.(BUZZ[kind]);
  let chimes = Promise.resolve();
  for (let i = 0; i < CHIMES[kind]; i++) chimes = chimes.then(() => chime(0.9));
  if (canNotify() && Notification.permission === "granted" && document.visibilityState === "hidden") void notify(words);
}

/** @param {{title: string, body: string, tag: string}} words */
async function notify(words) {
  const opts = { body: words.body, tag: words.tag, renotify: true, data: { url: location.href } };
  try {
    const reg = await notifier();
    if (reg) {
      await reg.showNotification(words.title, opts);
      return;
    }
    const n = new Notification(words.title, opts);
    n.onclick = () => window.focus();
  } catch {
    /* not shown: the page still rang */
  }
}

/**
 * What the page says about alerts while a ticket waits, and the button
 * offering notifications (when the browser has them and the citizen has
 * not yet said yes or no). Drawn again when its state or the language
 * changes; the focus stays on it after the tap.
 */
export class NotifyOffer {
  constructor() {
    this.el = h("section", { class: "alerts", id: "alerts", "aria-labelledby": "alerts-title", hidden: true });
    if (canNotify() && Notification.permission === "granted") void notifier();
  }

  render() {
    const state = canNotify() ? Notification.permission : "unsupported";
    fill(
      this.el,
      h("h2", { id: "alerts-title", class: "alerts-title" }, t("cit.alerts.title")),
      h("p", { id: "alerts-how" }, t("cit.alerts.how", { n: NEAR })),
      state === "default" &&
        h("button", { type: "button", class: "btn btn-brand", id: "notify-ask", "aria-describedby": "alerts-how", onclick: () => void this.ask() }, t("cit.alerts.ask")),
      state === "granted" && h("p", { class: "alerts-state", id: "alerts-state", tabindex: "-1" }, t("cit.alerts.on")),
      state === "denied" && h("p", { class: "alerts-state", id: "alerts-state", tabindex: "-1" }, t("cit.alerts.blocked")),
    );
  }

  async ask() {
    void unlockAudio();
    try {
      await Notification.requestPermission();
    } catch {
      /* an old browser's callback form: the state below says what came of it */
    }
    if (Notification.permission === "granted") void notifier();
    this.render();
    /** @type {HTMLElement | null} */ (this.el.querySelector("#alerts-state"))?.focus();
  }
}
