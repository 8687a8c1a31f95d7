// Configuration changed live, as the screens in the hall meet it: a
// supervisor changes the office through the API (services, counters,
// hours, closed days, an import of the whole configuration) while the
// kiosk (1080×1920), the lobby display (1920×1080), the citizen page
// (360×740), a ticket's page and a counter terminal are open; each follows
// the `configured` events of the office's stream and shows the change
// without a reload (a page marked before the change keeps its mark), with
// one fetch of the office per run of changes. A ticket refused because the
// office closed since the page was drawn says so, with the reason. The
// shared piece Reconfiguring (one fetch per run of events) is tested under
// node too. axe-core finds nothing serious; a screenshot of each state goes
// to artifacts/.
import { after, before, describe, it, mock } from "node:test";
import assert from "node:assert/strict";
import { CLERK, OFFICE, SUPERVISOR, checkScreen, launchBrowser, mark, missTheClosure, officeDate, openPage, renderedText, screenshot, startServer, stillMarked, streaming } from "./helpers.mjs";

const T = { timeout: 15000 };

/** The new service of these tests: passports, at a counter of its own. */
const PASPOR = {
  name: { id: "Paspor (Imigrasi)", en: "Passport (immigration)" },
  prefix: "P",
  quota: 40,
  quota_online: 20,
  service_minutes: 12,
  requirements: ["KTP-el", "Kartu Keluarga", "Akta kelahiran"],
  completion_time: "4 hari kerja",
  cost: "Rp350.000",
  workflow: [],
};
const LOKET_9 = { name: "Loket 9", services: ["paspor"], policy: "longest_wait" };

/**
 * Counts the page's fetches of the office (`GET /api/v1/offices/{office}`).
 * @param {import("playwright-core").Page} p
 */
function countFetches(p) {
  const path = `/api/v1/offices/${OFFICE}`;
  const counter = { n: 0 };
  p.on("request", (r) => {
    if (r.method() === "GET" && new URL(r.url()).pathname === path) counter.n++;
  });
  return counter;
}

/** Waits until `cond()` holds (polling), or fails after `ms`. @param {() => boolean} cond */
async function until(cond, ms = 10000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("Reconfiguring: one fetch per run of changes", () => {
  /** @param {number} seq @returns {any} */
  const configured = (seq) => ({ type: "event", seq, at: "", event: { kind: "configured", change: "service_saved", subject: "x" } });
  const office = /** @type {any} */ ({ counters: [{ id: "1", name: "Loket 1", services: ["a"] }], services: [{ id: "a" }] });
  /** @param {any} [o] @returns {any} */
  const snapshot = (o = office) => ({ type: "snapshot", seq: 1, counters: o.counters, services: o.services.map((/** @type {any} */ s) => ({ service: s.id })) });

  it("a run of events is one fetch; one during a fetch, one more after it; snapshots by what they say", async () => {
    mock.timers.enable({ apis: ["setTimeout", "Date"] });
    try {
      const { Reconfiguring } = await import("../../shared-ui/office.js");
      /** @type {(() => void)[]} */
      const pending = [];
      let fetches = 0;
      const r = new Reconfiguring(() => {
        fetches++;
        return new Promise((resolve) => pending.push(() => resolve(undefined)));
      });
      const settle = async () => {
        for (let i = 0; i < 5; i++) await Promise.resolve();
      };
      // An import: many events in a row, one fetch after a quiet moment.
      for (let i = 0; i < 30; i++) {
        assert.equal(r.see(configured(i + 2), office), true);
        mock.timers.tick(20);
      }
      assert.equal(fetches, 0, "not while the run goes on");
      mock.timers.tick(1000);
      assert.equal(fetches, 1);
      // A change while fetching: one more fetch once this one is answered.
      r.see(configured(40), office);
      r.see(configured(41), office);
      mock.timers.tick(2000);
      assert.equal(fetches, 1, "never two at once");
      pending.shift()?.();
      await settle();
      mock.timers.tick(1000);
      assert.equal(fetches, 2);
      pending.shift()?.();
      await settle();
      // Other events fetch nothing.
      assert.equal(r.see({ type: "event", seq: 50, at: "", event: { kind: "ticket_issued" } }, office), false);
      // The first snapshot, matching the office fetched: nothing to fetch.
      assert.equal(r.see(snapshot(), office), false);
      // A later one (the stream was away): fetched again.
      assert.equal(r.see(snapshot(), office), true);
      mock.timers.tick(1000);
      assert.equal(fetches, 3);
      pending.shift()?.();
      await settle();
      r.stop();
      r.see(configured(60), office);
      mock.timers.tick(5000);
      assert.equal(fetches, 3, "stopped");

      // A first snapshot with a counter renamed since the fetch: fetched.
      const r2 = new Reconfiguring(() => void fetches++);
      const renamed = { ...office, counters: [{ id: "1", name: "Loket Satu", services: ["a"] }] };
      assert.equal(r2.see(snapshot(renamed), office), true);
      mock.timers.tick(1000);
      assert.equal(fetches, 4);
      // A first snapshot saying the office closed since the fetch: fetched.
      const r4 = new Reconfiguring(() => void fetches++);
      assert.equal(r4.see({ ...snapshot(), open: false, opens_at: "2026-12-03T07:30:00+07:00" }, { ...office, open: true, opens_at: null }), true);
      mock.timers.tick(1000);
      assert.equal(fetches, 5);
      // A long run of changes still fetches now and then.
      const r3 = new Reconfiguring(() => void fetches++);
      for (let i = 0; i < 40; i++) {
        r3.see(configured(100 + i), office);
        mock.timers.tick(100);
      }
      assert.ok(fetches >= 6, "at least once within 4 s of changes");
      r3.stop();
    } finally {
      mock.timers.reset();
    }
  });
});

describe("configuration changed live", { timeout: 240000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {string} */ let cookie;
  /** @type {import("playwright-core").Page} */ let kiosk;
  /** @type {import("playwright-core").Page} */ let display;
  /** @type {import("playwright-core").Page} */ let phone;
  /** The code of the passport ticket taken at the kiosk. */
  let passport = "";

  /**
   * A change as the supervisor; answers the status and the body.
   * @param {string} method
   * @param {string} p under /offices/{office}
   * @param {unknown} [body]
   */
  async function change(method, p, body) {
    const res = await fetch(`${server.url}/api/v1/offices/${OFFICE}${p}`, {
      method,
      headers: { cookie, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return { status: res.status, body: JSON.parse(text) };
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const res = await fetch(`${server.url}/api/v1/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(SUPERVISOR),
    });
    assert.equal(res.status, 200, "the supervisor signs in");
    cookie = (res.headers.get("set-cookie") ?? "").split(";")[0];
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the kiosk and the display open, without passports", async () => {
    kiosk = await openPage(browser, { width: 1080, height: 1920 });
    const kioskLive = streaming(kiosk);
    await kiosk.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    await kiosk.locator('button[data-service="ktp-el"]').waitFor(T);
    display = await openPage(browser, { width: 1920, height: 1080 });
    const displayLive = streaming(display);
    await display.goto(`${server.url}/display/${OFFICE}`);
    await display.locator('#counters [data-counter="8"]').waitFor(T);
    await kioskLive;
    await displayLive;
    assert.equal(await kiosk.locator('[data-service="paspor"]').count(), 0);
    assert.equal(await display.locator('[data-counter="9"]').count(), 0);
    await mark(kiosk);
    await mark(display);
  });

  it("a new service no counter serves is not offered; with a counter serving it, the kiosk and the display show it without a reload", async () => {
    const fetched = countFetches(kiosk);
    const put = await change("PUT", "/services/paspor", PASPOR);
    assert.equal(put.status, 201, "created");
    // The kiosk fetched the office again, and it has no counter for passports yet.
    await until(() => fetched.n >= 1);
    await kiosk.waitForTimeout(300);
    assert.equal(await kiosk.locator('[data-service="paspor"]').count(), 0, "no counter serves it: not offered");
    await assert.rejects(server.takeOnline("paspor"), /422 .*service_not_served/);

    assert.equal((await change("PUT", "/counters/9", LOKET_9)).status, 201);
    const button = kiosk.locator('button[data-service="paspor"]');
    await button.waitFor(T);
    assert.equal(await renderedText(button.locator(".k-svc-name")), "Paspor (Imigrasi)");
    assert.equal(await kiosk.locator("button[data-service]").count(), 9);
    const tile = display.locator('#counters [data-counter="9"]');
    await tile.waitFor(T);
    assert.equal(await renderedText(tile.locator(".d-counter-name")), "Loket 9");
    assert.equal(await renderedText(tile.locator(".d-counter-number")), "Tutup");
    await display.locator('#waiting [data-service="paspor"]').waitFor(T);
    assert.equal(await renderedText(display.locator('#waiting [data-service="paspor"] .d-svc')), "Paspor (Imigrasi)");
    assert.ok(await stillMarked(kiosk), "the kiosk was not reloaded");
    assert.ok(await stillMarked(display), "the display was not reloaded");
    await checkScreen(kiosk, "config-kiosk-1080x1920-added");
    await checkScreen(display, "config-display-1920x1080-added");
    for (const [p, name] of [[kiosk, "kiosk"], [display, "display"]]) {
      const overflow = await /** @type {import("playwright-core").Page} */ (p).evaluate(() => document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth);
      assert.equal(overflow, false, `the ${name} fits its screen`);
    }

    // And it issues: the kiosk takes a ticket for it.
    const issued = kiosk.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith(`/offices/${OFFICE}/tickets`));
    await button.click();
    await kiosk.locator("#prio-none").click();
    await kiosk.locator("#confirm-take").click();
    passport = (await (await issued).json()).code;
    await kiosk.locator("#result:not([hidden])").waitFor(T);
    assert.equal(await kiosk.locator("#result-number").textContent(), "P001");
    assert.equal(await kiosk.locator("#result-service").textContent(), "Paspor (Imigrasi)");
    await kiosk.locator("#done").click();
    await kiosk.locator("#start:not([hidden])").waitFor(T);
  });

  it("an import of many changes is one fetch per screen; renamed services and counters show", async () => {
    const fetched = { kiosk: countFetches(kiosk), display: countFetches(display) };
    const { body: config } = await change("GET", "/config");
    const ktp = config.services.find((/** @type {any} */ s) => s.id === "ktp-el");
    ktp.name = { id: "KTP-el (Kartu Tanda Penduduk)", en: "Identity card (KTP-el)" };
    const skck = config.services.find((/** @type {any} */ s) => s.id === "skck");
    skck.requirements = [...skck.requirements, "Fotokopi paspor (bila ada)"];
    for (const c of config.counters) if (["1", "2", "3"].includes(c.id)) c.name = `Loket ${c.id} Dukcapil`;
    const { body } = await change("PUT", "/config", config);
    assert.ok(body.changes.length >= 4, `several changes: ${JSON.stringify(body.changes)}`);

    await display.locator('#counters [data-counter="1"] .d-counter-name', { hasText: "Loket 1 Dukcapil" }).waitFor(T);
    assert.equal(await renderedText(display.locator('#counters [data-counter="3"] .d-counter-name')), "Loket 3 Dukcapil");
    await display.locator('#waiting [data-service="ktp-el"] .d-svc', { hasText: "KTP-el (Kartu Tanda Penduduk)" }).waitFor(T);
    await kiosk.locator('button[data-service="ktp-el"] .k-svc-name', { hasText: "KTP-el (Kartu Tanda Penduduk)" }).waitFor(T);
    // Give a second fetch every chance to happen, then count.
    await display.waitForTimeout(2500);
    assert.equal(fetched.display.n, 1, "the display fetched the office once");
    assert.ok(fetched.kiosk.n >= 1 && fetched.kiosk.n <= 2, `the kiosk fetched it once (or its minute's refresh too): ${fetched.kiosk.n}`);
    assert.ok(await stillMarked(kiosk));
    assert.ok(await stillMarked(display));
    await screenshot(display, "config-display-1920x1080-renamed");
  });

  it("a ticket's page shows its service's new name; a counter terminal its new services and counters", async () => {
    const ticket = await server.takeOnline("kartu-keluarga");
    const p = await openPage(browser, { width: 360, height: 740 }, true);
    const ticketLive = streaming(p);
    await p.goto(`${server.url}/t/${ticket.code}`);
    await p.locator(".ticket .service", { hasText: "Kartu Keluarga" }).waitFor(T);
    await ticketLive;
    await mark(p);
    const { body: config } = await change("GET", "/config");
    const kk = config.services.find((/** @type {any} */ s) => s.id === "kartu-keluarga");
    await change("PUT", "/services/kartu-keluarga", { ...kk, id: undefined, name: { id: "Kartu Keluarga (KK)", en: "Family card (KK)" } });
    await p.locator(".ticket .service", { hasText: "Kartu Keluarga (KK)" }).waitFor(T);
    assert.ok(await stillMarked(p));
    await checkScreen(p, "config-ticket-360x740-renamed");
    await p.close();

    // A clerk at Loket 9: the counter is given a second service, then a
    // new counter appears among those to choose.
    const c = await openPage(browser, { width: 1366, height: 768 });
    const counterLive = streaming(c);
    await c.goto(`${server.url}/counter/${OFFICE}`);
    await c.locator("#username").fill(CLERK.username);
    await c.locator("#password").fill(CLERK.password);
    await c.locator("#signin-form button[type=submit]").click();
    await c.locator('#pick-list [data-counter="9"]').click();
    await c.locator("#work:not([hidden])").waitFor(T);
    assert.equal(await renderedText(c.locator("#queue")), "P Paspor (Imigrasi) 1 P001");
    await counterLive;
    await mark(c);
    await change("PUT", "/counters/9", { ...LOKET_9, name: "Loket 9 Imigrasi", services: ["paspor", "skck"] });
    await c.locator("#counter-name", { hasText: "Loket 9 Imigrasi" }).waitFor(T);
    await c.locator("#queue tr", { hasText: "SKCK (Polres)" }).waitFor(T);
    assert.equal(await c.locator("#queue tr").count(), 2);
    await checkScreen(c, "config-counter-1366x768-services");
    await change("PUT", "/counters/10", { name: "Loket 10", services: ["skck"], policy: "longest_wait" });
    await c.locator("#change-counter").click();
    await c.locator('#pick-list [data-counter="10"]', { hasText: "Loket 10" }).waitFor(T);
    await change("DELETE", "/counters/10");
    await c.locator('#pick-list [data-counter="10"]').waitFor({ state: "detached", ...T });
    assert.ok(await stillMarked(c));
    await c.close();
    await change("PUT", "/counters/9", LOKET_9);
  });

  it("removing the counter and the service takes them away again, without a reload", async () => {
    await change("DELETE", "/counters/9");
    await display.locator('#counters [data-counter="9"]').waitFor({ state: "detached", ...T });
    // No counter serves passports now: not offered, though the service is still configured.
    await kiosk.locator('[data-service="paspor"]').waitFor({ state: "detached", ...T });
    await display.locator('#waiting [data-service="paspor"]').waitFor({ state: "detached", ...T });
    // P001 still waits for it: the service cannot go yet.
    const refused = await fetch(`${server.url}/api/v1/offices/${OFFICE}/services/paspor`, { method: "DELETE", headers: { cookie } });
    assert.equal(refused.status, 409);
    assert.equal((await refused.json()).error.code, "service_in_use");
    // Its citizen cancels it; then the service goes.
    await server.api(`/tickets/${passport}/cancel`, { method: "POST" });
    await change("DELETE", "/services/paspor");
    assert.equal(await kiosk.locator("button[data-service]").count(), 8);
    assert.ok(await stillMarked(kiosk));
    assert.ok(await stillMarked(display));
    await screenshot(kiosk, "config-kiosk-1080x1920-removed");
  });

  it("citizen (360×740): hours that close the office now show closed and the next opening, without a reload", async () => {
    phone = await openPage(browser, { width: 360, height: 740 }, true);
    const phoneLive = streaming(phone);
    await phone.goto(`${server.url}/o/${OFFICE}`);
    await phone.locator('button[data-service="ktp-el"]').waitFor(T);
    await phoneLive;
    await mark(phone);
    const day = officeDate(2);
    await change("PUT", "/hours", { [day.key]: "08:00-12:00" });
    const note = phone.locator("#office-closed");
    await note.waitFor(T);
    assert.equal(await renderedText(note.locator(".closed-why")), "Kantor sedang tutup");
    assert.equal(await renderedText(note.locator(".closed-when")), `Buka lagi ${day.id}, 08.00`);
    assert.equal(await phone.locator("button[data-service]").count(), 0, "no take-ticket button");
    assert.equal(await phone.locator('[data-closed="ktp-el"]').count(), 0, "said once, for the office");
    // The kiosk too: its closed panel instead of the buttons.
    await kiosk.locator("#closed:not([hidden])").waitFor(T);
    assert.equal(await renderedText(kiosk.locator("#closed-when")), `Buka lagi ${day.id}, 08.00`);
    assert.ok(await stillMarked(phone));
    await checkScreen(phone, "config-citizen-360x740-hours");
    await phone.locator("#lang-btn").click();
    await note.locator(".closed-when", { hasText: `Opens again ${day.en}, 08:00` }).waitFor(T);
    await checkScreen(phone, "config-citizen-360x740-hours-en");
    await phone.locator("#lang-btn").click();
    await note.locator(".closed-when", { hasText: "Buka lagi" }).waitFor(T);

    // Open at any hour again: the buttons come back.
    await change("DELETE", "/hours");
    await phone.locator('button[data-service="ktp-el"]').waitFor(T);
    assert.equal(await phone.locator("#office-closed").count(), 0);
    await kiosk.locator('button[data-service="ktp-el"]').waitFor(T);
    assert.ok(await stillMarked(phone));
  });

  it("citizen (360×740): a closed day for today with its reason shows at once; a page that missed it is refused, with the reason", async () => {
    const today = officeDate(0);
    const put = await change("PUT", `/closures/${today.iso}`, { reason: { id: "Rapat kerja pegawai", en: "Staff meeting" } });
    assert.equal(put.status, 201);
    // The page open since before: closed, why and when, without a reload.
    const note = phone.locator("#office-closed");
    await note.waitFor(T);
    assert.equal(await renderedText(note.locator(".closed-why")), "Tutup: Rapat kerja pegawai");
    assert.equal(await renderedText(note.locator(".closed-when")), "Buka lagi besok, 00.00");
    assert.equal(await phone.locator("button[data-service]").count(), 0);
    assert.ok(await stillMarked(phone));
    await checkScreen(phone, "config-citizen-360x740-closure");
    // The display's banner says it too.
    await display.locator("#closed-why", { hasText: "Tutup: Rapat kerja pegawai" }).waitFor(T);
    await checkScreen(display, "config-display-1920x1080-closure");

    // A page that missed it (no stream, and an answer of the office from
    // before the closure): taking a ticket is refused, and says why.
    const p = await openPage(browser, { width: 360, height: 740 }, true);
    await missTheClosure(p);
    await p.goto(`${server.url}/o/${OFFICE}`);
    await p.locator('button[data-service="ktp-el"]').click();
    await p.locator("#confirm-take").click();
    const err = p.locator(".error-msg");
    await err.waitFor(T);
    assert.equal(await renderedText(err), "KTP-el (Kartu Tanda Penduduk) sedang tutup.");
    const stale = p.locator("#office-closed");
    await stale.waitFor(T);
    assert.equal(await renderedText(stale.locator(".closed-why")), "Tutup: Rapat kerja pegawai");
    assert.equal(await renderedText(stale.locator(".closed-when")), "Buka lagi besok, 00.00");
    assert.equal(await p.locator("button[data-service]").count(), 0);
    await checkScreen(p, "config-citizen-360x740-refused");
    await p.locator("#lang-btn").click();
    await stale.locator(".closed-why", { hasText: "Closed: Staff meeting" }).waitFor(T);
    await p.close();

    // Removed again: open.
    await change("DELETE", `/closures/${today.iso}`);
    await phone.locator('button[data-service="ktp-el"]').waitFor(T);
    await display.locator("#closed").waitFor({ state: "hidden", ...T });
    assert.ok(await stillMarked(phone));
    assert.ok(await stillMarked(display));
  });
});
