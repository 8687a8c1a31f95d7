// @ts-check
/**
 * @file The citizen page's service worker, for notifications only (Chrome
 * on Android shows them only through one): tapping "3 nomor lagi" or
 * "dipanggil" brings the ticket's page back, or opens it again. It handles
 * no fetch, so it never stands between the page and the server.
 */

/** The worker's global (the page's types are the DOM's, not a worker's). */
const sw = /** @type {any} */ (self);

sw.addEventListener("notificationclick", (/** @type {any} */ e) => {
  e.notification.close();
  const url = e.notification.data?.url;
  e.waitUntil(
    sw.clients.matchAll({ type: "window", includeUncontrolled: true }).then((/** @type {any[]} */ open) => {
      const page = open.find((c) => c.url === url);
      if (page) return page.focus();
      return url ? sw.clients.openWindow(url) : undefined;
    }),
  );
});
