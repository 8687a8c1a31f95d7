// Closed, as a citizen meets it: an office closed today for a holiday (a
// `[[closed]]` day for today's date in Asia/Jakarta, with its reason), and
// an open office with a service that keeps hours of its own (closed today,
// open on a day later this week). On the phone (360×740), the kiosk
// (1080×1920, 1920×1080) and the lobby display (1920×1080) every "closed"
// says why and when it opens again, in the screen's language ("Buka lagi
// besok, 00.00": with no `hours` the next opening after a closed day is
// midnight, and the screens say it as the API gives it); no button is
// offered that would only fail; axe-core finds nothing serious; a
// screenshot of each state goes to artifacts/. A screen left open fetches
// the office again when a service opens, and offers it then.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { OFFICE, ZONE, axe, checkScreen, launchBrowser, officeDate, openPage, renderedText, screenshot, spoken, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };


/** Visible targets on the page under 64 px high (the kiosk's minimum). @param {import("playwright-core").Page} p */
function smallTargets(p) {
  return p.evaluate(() =>
    [...document.querySelectorAll("button, a, input, select, [role=button]")]
      .filter((el) => /** @type {HTMLElement} */ (el).offsetParent !== null)
      .map((el) => ({ id: el.id || el.textContent, h: el.getBoundingClientRect().height }))
      .filter((x) => x.h < 64),
  );
}

describe("an office closed today for a holiday", { timeout: 120000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  const today = officeDate(0);

  before(async () => {
    server = await startServer({
      officeToml: `[[closed]]\nfrom = "${today.iso}"\nreason = { id = "Cuti bersama Natal", en = "Christmas leave" }\n`,
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the API says so (and refuses a ticket)", async () => {
    const o = await server.api(`/offices/${OFFICE}`);
    assert.equal(o.open, false);
    assert.equal(o.closed_reason.id, "Cuti bersama Natal");
    assert.equal(o.opens_at, `${officeDate(1).iso}T00:00:00+07:00`);
    await assert.rejects(server.takeOnline("ktp-el"), /422 .*service_closed/);
  });

  it("citizen (360×740): why and when, once for the office (every service closes with it), and no button", async () => {
    const p = await openPage(browser, { width: 360, height: 740 }, true);
    await p.goto(`${server.url}/o/${OFFICE}`);
    const note = p.locator("#office-closed");
    await note.waitFor(T);
    assert.equal(await renderedText(note.locator(".closed-why")), "Tutup: Cuti bersama Natal");
    assert.equal(await renderedText(note.locator(".closed-when")), "Buka lagi besok, 00.00");
    assert.equal(await p.locator('[data-card]').count(), 8);
    assert.equal(await p.locator("[data-closed]").count(), 0, "not said again on each service");
    assert.equal(await p.locator("button[data-service]").count(), 0, "no take-ticket button");
    await checkScreen(p, "closed-citizen-360x740");
    await p.locator('[data-card="samsat"]').scrollIntoViewIfNeeded();
    await screenshot(p, "closed-citizen-360x740-card");
    await p.locator("#lang-btn").click();
    await note.locator(".closed-why", { hasText: "Closed: Christmas leave" }).waitFor(T);
    assert.equal(await renderedText(note.locator(".closed-when")), "Opens again tomorrow, 00:00");
    await p.evaluate(() => scrollTo(0, 0));
    await checkScreen(p, "closed-citizen-360x740-en");
    await p.locator("#lang-btn").click();
    await p.close();
  });

  it("kiosk (1080×1920): the closed state instead of the buttons, read aloud, in both languages", async () => {
    const p = await openPage(browser, { width: 1080, height: 1920 });
    await p.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    await p.locator("#closed:not([hidden])").waitFor(T);
    assert.equal(await renderedText(p.locator("#closed-why")), "Tutup: Cuti bersama Natal");
    assert.equal(await renderedText(p.locator("#closed-when")), "Buka lagi besok, 00.00");
    assert.equal(await p.locator("#services").isVisible(), false);
    assert.equal(await p.locator("button[data-service]").count(), 0, "no take-ticket button");
    assert.equal(await p.locator("#start").getAttribute("aria-labelledby"), "closed-why");
    assert.deepEqual(await smallTargets(p), [], "targets under 64 px");
    await checkScreen(p, "closed-kiosk-1080x1920");
    await p.locator("#listen").click();
    await p.waitForFunction(() => /** @type {any} */ (window).__spoken.some((/** @type {any} */ s) => s.text), null, T);
    const said = (await spoken(p)).at(-1);
    assert.match(said.text, /Tutup: Cuti bersama Natal\. Buka lagi besok, 00\.00\./);
    assert.equal(said.lang, "id-ID");
    await p.locator("#lang-btn").click();
    await p.locator("#closed-why", { hasText: "Closed: Christmas leave" }).waitFor(T);
    assert.equal(await renderedText(p.locator("#closed-when")), "Opens again tomorrow, 00:00");
    await checkScreen(p, "closed-kiosk-1080x1920-en");
    await p.close();
  });

  it("display (1920×1080): a banner with why and when; calls go on below it", async () => {
    const p = await openPage(browser, { width: 1920, height: 1080 });
    await p.goto(`${server.url}/display/${OFFICE}`);
    await p.locator("#closed:not([hidden])").waitFor(T);
    assert.equal(await renderedText(p.locator("#closed-why")), "Tutup: Cuti bersama Natal");
    assert.equal(await renderedText(p.locator("#closed-when")), "Buka lagi besok, 00.00");
    // Closed with the office: told once, not on every service.
    assert.equal(await p.locator(".d-svc-closed").count(), 0);
    assert.equal(await p.locator("#now").isVisible(), true);
    await p.locator("#counters li").first().waitFor(T);
    await checkScreen(p, "closed-display-1920x1080");
    const overflow = await p.evaluate(() => document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth);
    assert.equal(overflow, false, "the display fits its screen");
    await p.close();
  });
});

describe("an open office with a service on hours of its own", { timeout: 120000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  // Passports only on one day, three days from today: closed now, "Buka lagi Sabtu, 08.00".
  const day = officeDate(3);

  before(async () => {
    server = await startServer({
      officeToml: [
        "[[services]]",
        'id = "paspor"',
        'prefix = "P"',
        'name = { id = "Paspor (Imigrasi)", en = "Passport (immigration)" }',
        "quota = 40",
        "service_minutes = 12",
        'requirements = ["KTP-el", "Kartu Keluarga"]',
        'completion_time = "4 hari kerja"',
        'cost = "Rp350.000"',
        `hours = { ${day.key} = "08:00-12:00" }`,
        "",
        "[[counters]]",
        'id = "9"',
        'name = "Loket 9"',
        'services = ["paspor"]',
      ].join("\n"),
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("the API says so", async () => {
    const o = await server.api(`/offices/${OFFICE}`);
    assert.equal(o.open, true);
    const paspor = o.services.find((/** @type {any} */ s) => s.id === "paspor");
    assert.deepEqual([paspor.open, paspor.closed_reason, paspor.opens_at], [false, null, `${day.iso}T08:00:00+07:00`]);
  });

  it("kiosk (1920×1080): the closed service is a card, not a button; the others are buttons", async () => {
    const p = await openPage(browser, { width: 1920, height: 1080 });
    await p.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    const card = p.locator('[data-service="paspor"]');
    await card.waitFor(T);
    assert.equal(await card.evaluate((el) => el.tagName), "DIV");
    assert.equal(await renderedText(card.locator(".k-svc-off")), "Tutup");
    assert.equal(await renderedText(card.locator(".k-svc-when")), `Buka lagi ${day.id}, 08.00`);
    assert.equal(await p.locator("button[data-service]").count(), 8);
    assert.equal(await p.locator("#closed").isVisible(), false);
    assert.deepEqual(await smallTargets(p), [], "targets under 64 px");
    await checkScreen(p, "closed-kiosk-1920x1080-service");
    await p.locator("#lang-btn").click();
    await card.locator(".k-svc-when", { hasText: `Opens again ${day.en}, 08:00` }).waitFor(T);
    assert.equal(await renderedText(card.locator(".k-svc-off")), "Closed");
    await p.close();
  });

  it("citizen (360×740): the closed service's card says when; the others offer a ticket", async () => {
    const p = await openPage(browser, { width: 360, height: 740 }, true);
    await p.goto(`${server.url}/o/${OFFICE}`);
    const card = p.locator('[data-closed="paspor"]');
    await card.waitFor(T);
    assert.equal(await renderedText(card), `Tutup Buka lagi ${day.id}, 08.00`);
    assert.equal(await p.locator("#office-closed").count(), 0);
    assert.equal(await p.locator('button[data-service="paspor"]').count(), 0);
    assert.equal(await p.locator("button[data-service]").count(), 8);
    await card.scrollIntoViewIfNeeded();
    await checkScreen(p, "closed-citizen-360x740-service");
    await p.close();
  });

  it("display (1920×1080): the service's row says when; no banner", async () => {
    const p = await openPage(browser, { width: 1920, height: 1080 });
    await p.goto(`${server.url}/display/${OFFICE}`);
    const row = p.locator('#waiting [data-service="paspor"] .d-svc-closed');
    await row.waitFor(T);
    assert.equal(await renderedText(row), `Tutup · Buka lagi ${day.id}, 08.00`);
    assert.equal(await p.locator("#closed").isVisible(), false);
    await checkScreen(p, "closed-display-1920x1080-service");
    const overflow = await p.evaluate(() => document.documentElement.scrollHeight > innerHeight || document.documentElement.scrollWidth > innerWidth);
    assert.equal(overflow, false, "the display fits its screen");
    await p.close();
  });

  /**
   * Serves the office as the server says, except that passports open a few
   * seconds from now (the first answer), then are open (every later one):
   * a screen left open must fetch the office again by itself.
   * @param {import("playwright-core").Page} p
   */
  async function opensSoon(p) {
    const opensAt = new Date(Date.now() + 3000);
    const local = new Intl.DateTimeFormat("sv-SE", { timeZone: ZONE, dateStyle: "short", timeStyle: "medium" }).format(opensAt).replace(" ", "T");
    const hhmm = local.slice(11, 16).replace(":", ".");
    let fetched = 0;
    await p.route(`**/api/v1/offices/${OFFICE}`, async (route) => {
      const res = await route.fetch();
      const o = await res.json();
      const paspor = o.services.find((/** @type {any} */ s) => s.id === "paspor");
      if (fetched++ === 0) paspor.opens_at = `${local}+07:00`;
      else Object.assign(paspor, { open: true, opens_at: null, closed_reason: null });
      await route.fulfill({ response: res, json: o });
    });
    return { hhmm, fetched: () => fetched };
  }

  it("kiosk: when the service opens, the screen fetches the office again and offers it", async () => {
    const p = await openPage(browser, { width: 1080, height: 1920 });
    const soon = await opensSoon(p);
    await p.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    const when = p.locator('[data-service="paspor"] .k-svc-when');
    await when.waitFor(T);
    assert.equal(await renderedText(when), `Buka lagi pukul ${soon.hhmm}`);
    await screenshot(p, "closed-kiosk-1080x1920-service");
    await p.locator('button[data-service="paspor"]').waitFor(T);
    assert.ok(soon.fetched() >= 2);
    await p.close();
  });

  it("citizen: when the service opens, the page fetches the office again and offers it", async () => {
    const p = await openPage(browser, { width: 360, height: 740 }, true);
    const soon = await opensSoon(p);
    await p.goto(`${server.url}/o/${OFFICE}`);
    const card = p.locator('[data-closed="paspor"]');
    await card.waitFor(T);
    assert.equal(await renderedText(card.locator(".closed-when")), `Buka lagi pukul ${soon.hhmm}`);
    await p.locator('button[data-service="paspor"]').waitFor(T);
    assert.ok(soon.fetched() >= 2);
    await p.close();
  });
});
