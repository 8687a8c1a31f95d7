// The counter terminal through a clerk's morning, at 1366×768 (and a look
// at 1920×1080), with real clicks and keys on the real server: the next
// step of a visit is the one primary button (open → call → start →
// finish) and has the focus after sign-in and after each step; shortcuts
// are shown on the buttons but are not part of their names; a button the
// server would refuse is off and says why under it (no-show before the
// second call); a refusal all the same is said next to the button in the
// clerk's words; the pause takes the clerk's own reason, which the lobby
// display shows; the document panel fits the screen and moves a document
// forward one step at a time, the last after a confirmation. axe-core
// (moderate findings included) on every state; screenshots in artifacts/.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { checkScreen, CLERK, launchBrowser, lookWhole, OFFICE, openPage, renderedText, ROOT, signInOnPage, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };
const DESK = { width: 1366, height: 768 };
const WIDE = { width: 1920, height: 1080 };
/** A reason of the clerk's own, typed with spaces around it (sent trimmed). */
const OWN_REASON = "Ambil formulir";

describe("the counter terminal", { timeout: 240000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let p;
  /** The kiosk's tickets of the morning: A001–A004, then B001. @type {{code: string, number: string}[]} */
  const tickets = [];

  /** A kiosk ticket for `service`. @param {string} service */
  const take = (service) =>
    server.api(`/offices/${OFFICE}/tickets`, { body: { service, priority: null, channel: "kiosk" }, headers: { authorization: `Bearer ${server.token}` } });
  /** The id of the element with the focus. */
  const focused = () => p.evaluate(() => document.activeElement?.id ?? "");
  /** The counter as the server has it. @param {string} id */
  const counterOf = async (id) => (await server.api(`/offices/${OFFICE}`)).counters.find((/** @type {any} */ c) => c.id === id);
  /** The primary buttons on the page (the next step), by id. */
  const primaries = () => p.locator("#work .btn.c-primary").evaluateAll((els) => els.map((el) => el.id));
  /** The reason said under a button that is off, and whether the button is described by it. @param {string} id */
  async function why(id) {
    const button = p.locator(`#${id}`);
    assert.equal(await button.isDisabled(), true, `#${id} is off`);
    const described = ((await button.getAttribute("aria-describedby")) ?? "").split(" ");
    assert.ok(described.includes(`why-${id}`), `#${id} is described by its reason`);
    return (await p.locator(`#why-${id}`).textContent()) ?? "";
  }

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    for (let i = 0; i < 4; i++) tickets.push(await take("ktp-el"));
    tickets.push(await take("kartu-keluarga"));
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("after sign-in the focus is on the next step; the buttons' names leave their shortcut out", async () => {
    p = await openPage(browser, DESK);
    await p.goto(`${server.url}/counter/${OFFICE}`);
    await signInOnPage(p, CLERK);
    await p.locator("#pick-list button").first().waitFor(T);
    assert.equal(await focused(), "pick-1", "the choice starts at the first free counter");
    await checkScreen(p, "counter-day-1366x768-pick");
    await p.keyboard.press("Enter");
    await p.locator("#work:not([hidden])").waitFor(T);
    // A closed counter: opening it is the next step.
    assert.deepEqual(await primaries(), ["act-open"]);
    assert.equal(await focused(), "act-open");
    assert.equal(await why("act-call-next"), "Buka loket dulu");
    assert.equal(await why("act-start"), "Setelah memanggil");
    assert.equal(await why("act-finish"), "Setelah Mulai layani");
    assert.equal(await why("act-no-show"), "Belum ada nomor");
    // Names without the letter; the key said by aria-keyshortcuts, shown in a <kbd> hidden from the name.
    const names = {
      "act-open": ["Buka loket", "O"],
      "act-call-next": ["Panggil berikutnya", "N"],
      "act-start": ["Mulai layani", "S"],
      "act-finish": ["Selesai", "F"],
      "act-recall": ["Panggil ulang", "R"],
      "act-no-show": ["Tidak hadir", "X"],
      "act-transfer": ["Alihkan", "T"],
      "act-call": ["Panggil nomor", "C"],
    };
    for (const [id, [name, key]] of Object.entries(names)) {
      const byName = p.getByRole("button", { name, exact: true });
      assert.equal(await byName.count(), 1, `one button named "${name}"`);
      assert.equal(await byName.getAttribute("id"), id);
      assert.equal(await byName.getAttribute("aria-keyshortcuts"), key);
      assert.equal(await byName.locator("kbd").getAttribute("aria-hidden"), "true");
      assert.equal(await byName.locator("kbd").textContent(), key);
    }
    // Off looks off: greyed and dashed, unlike the primary.
    const look = (/** @type {string} */ id) =>
      p.locator(`#${id}`).evaluate((el) => {
        const s = getComputedStyle(el);
        return { border: s.borderTopStyle, background: s.backgroundColor, opacity: s.opacity };
      });
    assert.deepEqual(await look("act-call-next"), { border: "dashed", background: "rgb(233, 236, 239)", opacity: "1" });
    assert.deepEqual(await look("act-open"), { border: "solid", background: "rgb(10, 107, 67)", opacity: "1" });
    await checkScreen(p, "counter-day-1366x768-closed");
  });

  it("the primary button follows the visit: call, start, finish, each with Enter on the focused step", async () => {
    await p.keyboard.press("Enter"); // open
    await p.locator("#counter-state.is-open").waitFor(T);
    assert.deepEqual(await primaries(), ["act-call-next"]);
    assert.equal(await focused(), "act-call-next");
    assert.equal(await p.locator("#act-open").isHidden(), true, "an open counter offers no 'open'");
    await checkScreen(p, "counter-day-1366x768-open");

    await p.keyboard.press("Enter"); // call next
    await p.locator("#current-number", { hasText: "A001" }).waitFor(T);
    assert.deepEqual(await primaries(), ["act-start"]);
    assert.equal(await focused(), "act-start");
    assert.equal(await why("act-call-next"), "Selesaikan A001 dulu");
    assert.equal(await why("act-pause"), "Selesaikan A001 dulu");
    assert.equal(await why("act-finish"), "Setelah Mulai layani");
    assert.equal(await p.locator("#act-recall").isEnabled(), true);
    assert.equal(await p.locator("#act-transfer").isEnabled(), true);

    await p.keyboard.press("Enter"); // start
    await p.locator("#current-status", { hasText: "Sedang dilayani" }).waitFor(T);
    assert.deepEqual(await primaries(), ["act-finish"]);
    assert.equal(await focused(), "act-finish");
    assert.equal(await why("act-start"), "A001 sedang dilayani");
    assert.equal(await why("act-recall"), "A001 sedang dilayani");
    assert.equal(await why("act-no-show"), "A001 sedang dilayani");
    await checkScreen(p, "counter-day-1366x768-serving");

    await p.keyboard.press("Enter"); // finish
    await p.locator("#doc-number", { hasText: "A001" }).waitFor(T);
    assert.deepEqual(await primaries(), ["act-call-next"]);
    assert.equal(await focused(), "act-call-next");
    assert.equal((await counterOf("1")).number, null);
  });

  it("no-show is off until the second call, saying so; a recall turns it on; the count survives a reload", async () => {
    await p.keyboard.press("n");
    await p.locator("#current-number", { hasText: "A002" }).waitFor(T);
    assert.equal(await why("act-no-show"), "Setelah 2 panggilan, sekarang 1");
    await checkScreen(p, "counter-day-1366x768-called-no-show-off");
    await p.keyboard.press("x"); // its shortcut does nothing either
    await p.waitForTimeout(300);
    assert.equal((await counterOf("1")).ticket_status, "called");

    await p.reload();
    await p.locator("#current-number", { hasText: "A002" }).waitFor(T);
    assert.equal(await focused(), "act-start", "after the reload's sign-in, the focus is on the next step");
    assert.equal(await why("act-no-show"), "Setelah 2 panggilan, sekarang 1");

    await p.keyboard.press("r");
    await p.locator("#message", { hasText: "A002 dipanggil ulang." }).waitFor(T);
    await p.locator("#act-no-show:not([disabled])").waitFor(T);
    assert.equal(await p.locator("#why-act-no-show").textContent(), "");
    assert.equal(await p.locator("#act-no-show").getAttribute("aria-describedby"), null);
    await p.locator("#act-no-show").click();
    await p.locator("#message", { hasText: "A002 ditandai tidak hadir." }).waitFor(T);
    assert.equal(await focused(), "act-call-next");
  });

  it("a page that did not see the call knows its count; a refusal all the same is said next to the button, in the clerk's words", async () => {
    await p.keyboard.press("n");
    await p.locator("#current-number", { hasText: "A003" }).waitFor(T);
    // Another tab of the same clerk: it did not see A003's call, and knows
    // the count from the server all the same.
    const fresh = await openPage(browser, DESK);
    await fresh.goto(`${server.url}/counter/${OFFICE}`);
    await signInOnPage(fresh, CLERK);
    await fresh.locator("#pick-1.is-mine").click();
    await fresh.locator("#current-number", { hasText: "A003" }).waitFor(T);
    assert.equal(await fresh.locator("#why-act-no-show").textContent(), "Setelah 2 panggilan, sekarang 1");
    await fresh.close();
    // A tab that believes the office needs one call (its rule changed
    // since it fetched the office): the server refuses, and says why.
    const stale = await openPage(browser, DESK);
    await stale.route(`**/api/v1/offices/${OFFICE}`, async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, json: { ...(await res.json()), min_calls: 1 } });
    });
    await stale.goto(`${server.url}/counter/${OFFICE}`);
    await signInOnPage(stale, CLERK);
    await stale.locator("#pick-1.is-mine").click();
    await stale.locator("#current-number", { hasText: "A003" }).waitFor(T);
    await stale.locator("#act-no-show").click();
    const refusal = stale.locator("#act-refusal");
    await refusal.waitFor(T);
    assert.equal(await refusal.textContent(), "Nomor ini belum cukup sering dipanggil untuk ditandai tidak hadir. Panggil ulang dulu.");
    assert.equal(await refusal.getAttribute("role"), "alert");
    assert.equal(await stale.locator("#act-no-show").getAttribute("aria-describedby"), "act-refusal");
    assert.equal(await stale.evaluate(() => document.getElementById("act-no-show")?.closest(".c-act")?.nextElementSibling?.id), "act-refusal");
    assert.doesNotMatch(await renderedText(stale.locator("#work")), /time\(s\)|needs at least|no-show needs/, "never the server's English");
    await checkScreen(stale, "counter-day-1366x768-refused-no-show");
    await stale.close();
  });

  it("pause: a common reason, or the clerk's own words, required, at most 64 characters, sent trimmed; the display shows them", async () => {
    // The number first (pause needs a free counter), with the focus back on the next step.
    await p.keyboard.press("s");
    await p.locator("#act-finish:not([disabled])").waitFor(T);
    await p.keyboard.press("f");
    await p.locator("#act-pause:not([disabled])").waitFor(T);
    const display = await openPage(browser, WIDE);
    await display.goto(`${server.url}/display/${OFFICE}`);
    await display.locator('#counters [data-counter="1"]').waitFor(T);

    await p.keyboard.press("p");
    await p.locator("#dlg[open]").waitFor(T);
    // The focus on the chosen reason.
    assert.deepEqual(await p.evaluate(() => [/** @type {HTMLInputElement} */ (document.activeElement).type, /** @type {HTMLInputElement} */ (document.activeElement).value]), ["radio", "break"]);
    assert.equal(await p.locator("#pause-other-box").isHidden(), true);
    await checkScreen(p, "counter-day-1366x768-pause");
    // "Lainnya" by keyboard: its field appears under it.
    for (let i = 0; i < 3; i++) await p.keyboard.press("ArrowDown");
    await p.locator("#pause-other-box:not([hidden])").waitFor(T);
    await p.keyboard.press("Enter");
    const field = p.locator("#pause-other");
    await p.locator("#pause-other-error:not([hidden])").waitFor(T);
    assert.equal(await p.locator("#pause-other-error").textContent(), "Tulis alasan jeda, atau pilih salah satu alasan di atas.");
    assert.equal(await field.getAttribute("aria-invalid"), "true");
    assert.match((await field.getAttribute("aria-describedby")) ?? "", /pause-other-error/);
    assert.equal(await focused(), "pause-other");
    await checkScreen(p, "counter-day-1366x768-pause-other-missing");
    await field.fill("x".repeat(65));
    assert.equal(await p.locator("#pause-other-count").textContent(), "Kelebihan 1 karakter");
    await p.keyboard.press("Enter");
    await p.locator("#pause-other-error", { hasText: "Alasan paling banyak 64 karakter; yang ini 65 karakter." }).waitFor(T);
    assert.equal((await counterOf("1")).state, "open", "nothing sent");
    await checkScreen(p, "counter-day-1366x768-pause-other-long");
    await field.fill(`  ${OWN_REASON}  `);
    assert.equal(await p.locator("#pause-other-count").textContent(), `Sisa ${64 - OWN_REASON.length} karakter`);
    await p.keyboard.press("Enter");
    await p.locator("#dlg:not([open])").waitFor({ state: "attached", ...T });
    await p.locator("#counter-state.is-paused").waitFor(T);
    assert.equal(await p.locator("#counter-state").textContent(), `Jeda: ${OWN_REASON}`);
    assert.equal((await counterOf("1")).reason, OWN_REASON);
    assert.deepEqual(await primaries(), ["act-open"]);
    assert.equal(await focused(), "act-open");
    await checkScreen(p, "counter-day-1366x768-paused");
    await display.locator('#counters [data-counter="1"]', { hasText: OWN_REASON }).waitFor(T);
    await checkScreen(display, "counter-day-1920x1080-display-paused");
    await display.close();
    await p.keyboard.press("Enter");
    await p.locator("#counter-state.is-open").waitFor(T);
  });

  it("the document panel fits 1366×768 and moves forward one step at a time; the last step asks first", async () => {
    const panel = await p.locator(".c-doc").evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { top: r.top, bottom: r.bottom, scrolled: scrollY, height: innerHeight };
    });
    assert.equal(panel.scrolled, 0);
    assert.ok(panel.bottom <= panel.height, `the document panel ends at ${panel.bottom}px of ${panel.height}`);
    // Look up A001 by its code, as a scanner types the QR's whole address.
    const a001 = tickets[0];
    await p.locator("#doc-code").fill(`${server.url}/t/${a001.code}`);
    await p.keyboard.press("Enter");
    await p.locator("#doc-number", { hasText: "A001" }).waitFor(T);
    const workflow = ["diterima", "verifikasi", "perekaman", "pencetakan", "siap diambil", "diserahkan"];
    assert.deepEqual(await p.locator("#doc-steps li").evaluateAll((els) => els.map((el) => el.getAttribute("data-step"))), workflow);
    for (const [i, step] of workflow.entries()) {
      const next = p.locator("#doc-next");
      assert.equal(await p.locator("#doc-ticket button").count(), 1, "only the next step is offered");
      assert.equal(await next.getAttribute("data-next"), step);
      assert.equal(await focused(), "doc-next");
      if (i < workflow.length - 1) {
        assert.equal(await next.textContent(), `Lanjut ke tahap: ${step}`);
        await p.keyboard.press("Enter");
        await p.locator(`#doc-steps li[data-step="${step}"][aria-current="step"]`).waitFor(T);
        assert.equal(await p.locator("#doc-steps li.is-done").count(), i, "the steps before it are done");
        assert.equal(await p.locator("#doc-message").textContent(), `Dokumen A001: ${step}.`);
        assert.equal(await p.locator("#doc-current").textContent(), `Tahap sekarang: ${step} (tahap ${i + 1} dari 6)`);
        if (i === 1) await checkScreen(p, "counter-day-1366x768-document-step");
        continue;
      }
      // The last: a dialog asks, the focus on "Batal"; Escape leaves it as it was.
      assert.equal(await next.textContent(), "Tahap terakhir: diserahkan");
      await p.keyboard.press("Enter");
      await p.locator("#dlg[open]").waitFor(T);
      assert.equal(await focused(), "dlg-cancel");
      assert.equal(await p.locator("#dlg-title").textContent(), "Tahap terakhir dokumen A001");
      await checkScreen(p, "counter-day-1366x768-document-confirm");
      await p.keyboard.press("Escape");
      await p.locator("#dlg:not([open])").waitFor({ state: "attached", ...T });
      assert.equal((await server.api(`/tickets/${a001.code}`)).document, "siap diambil");
      assert.equal(await focused(), "doc-next");
      // Again, confirmed by keyboard.
      await p.keyboard.press("Enter");
      await p.locator("#dlg[open]").waitFor(T);
      await p.keyboard.press("Shift+Tab");
      assert.equal(await focused(), "dlg-ok");
      await p.keyboard.press("Enter");
      await p.locator("#doc-finished").waitFor(T);
    }
    assert.equal((await server.api(`/tickets/${a001.code}`)).document, "diserahkan");
    assert.equal(await p.locator("#doc-ticket button").count(), 0, "nothing after the last step");
    assert.equal(await p.locator("#doc-steps li.is-done").count(), 6, "the last step reached is done too");
    assert.equal(await focused(), "doc-finished");
    await checkScreen(p, "counter-day-1366x768-document-finished");
  });

  it("the document panel: a ticket not served yet is off with why; an unknown code is said under the field", async () => {
    const waiting = await take("ktp-el");
    await p.locator("#doc-code").fill(waiting.code);
    await p.locator("#doc-find").click();
    await p.locator("#doc-number", { hasText: waiting.number }).waitFor(T);
    assert.equal(await p.locator("#doc-next").isDisabled(), true);
    assert.equal(await p.locator("#why-doc-next").textContent(), `Bisa setelah ${waiting.number} selesai dilayani (sekarang: Menunggu)`);
    assert.match((await p.locator("#doc-next").getAttribute("aria-describedby")) ?? "", /why-doc-next/);
    await checkScreen(p, "counter-day-1366x768-document-not-done");
    await p.locator("#doc-code").fill("tidakada");
    await p.keyboard.press("Enter");
    await p.locator("#doc-find-error:not([hidden])").waitFor(T);
    assert.equal(await p.locator("#doc-find-error").textContent(), "Nomor atau kode tiket itu tidak ditemukan. Periksa, lalu coba lagi.");
    assert.equal(await p.locator("#doc-code").getAttribute("aria-invalid"), "true");
    assert.equal(await focused(), "doc-code");
    await checkScreen(p, "counter-day-1366x768-document-unknown");
  });

  it("transfer and call a number: targets the server would refuse are off; what to fix is said next to the field", async () => {
    await p.locator("#act-call-next").focus();
    await p.keyboard.press("Enter");
    await p.locator("#current-number", { hasText: "A004" }).waitFor(T);
    await p.keyboard.press("t");
    await p.locator("#dlg[open]").waitFor(T);
    assert.equal(await p.locator("#dlg-title").textContent(), "Alihkan A004");
    const own = p.locator('#transfer-to option[value="service:ktp-el"]');
    assert.equal(await own.isDisabled(), true);
    assert.match((await own.textContent()) ?? "", /\(layanan nomor ini\)$/);
    assert.equal(await focused(), "transfer-to");
    await p.locator("#dlg-ok").click();
    await p.locator("#transfer-to-error", { hasText: "Pilih layanan atau loket tujuan." }).waitFor(T);
    await checkScreen(p, "counter-day-1366x768-transfer-missing");
    await p.locator("#transfer-to").selectOption("service:kartu-keluarga");
    await p.keyboard.press("Tab");
    assert.equal(await focused(), "dlg-ok");
    await p.keyboard.press("Enter");
    await p.locator("#message", { hasText: "A004 dialihkan." }).waitFor(T);
    assert.equal(await focused(), "act-call-next");

    await p.keyboard.press("c");
    await p.locator("#dlg[open]").waitFor(T);
    assert.equal(await focused(), "call-number");
    await p.keyboard.type("12A");
    await p.keyboard.press("Enter");
    await p.locator("#call-number-error", { hasText: "Nomor antrean berupa huruf lalu angka, misalnya A012." }).waitFor(T);
    await p.locator("#call-number").fill("a 999");
    await p.keyboard.press("Enter");
    await p.locator("#call-number-error", { hasText: "Nomor atau kode tiket itu tidak ditemukan. Periksa, lalu coba lagi." }).waitFor(T);
    assert.equal(await p.locator("#dlg[open]").count(), 1, "kept open to fix the number");
    await checkScreen(p, "counter-day-1366x768-call-number-refused");
    await p.keyboard.press("Escape");
    await p.locator("#dlg:not([open])").waitFor({ state: "attached", ...T });
  });

  it("in English, the reasons too; at 1920×1080 the same screen, larger, fits", async () => {
    await p.keyboard.press("n");
    await p.locator("#current-number", { hasText: /^A00[5-9]$/ }).waitFor(T);
    await p.locator("#lang-btn").click();
    await p.locator("#act-call-next", { hasText: "Call next" }).waitFor(T);
    assert.equal(await why("act-no-show"), "After 2 calls, now 1");
    assert.equal(await why("act-call-next"), `Finish ${await p.locator("#current-number").textContent()} first`);
    await checkScreen(p, "counter-day-1366x768-called-en");
    await p.locator("#lang-btn").click();
    await p.locator("#act-call-next", { hasText: "Panggil berikutnya" }).waitFor(T);

    const wide = await openPage(browser, WIDE);
    await wide.goto(`${server.url}/counter/${OFFICE}`);
    await signInOnPage(wide, CLERK);
    await wide.locator("#pick-1.is-mine").click();
    await wide.locator("#work:not([hidden])").waitFor(T);
    await wide.locator("#doc-code").fill(tickets[0].code);
    await wide.keyboard.press("Enter");
    await wide.locator("#doc-finished").waitFor(T);
    const fits = await wide.evaluate(() => {
      const r = /** @type {HTMLElement} */ (document.querySelector(".c-doc")).getBoundingClientRect();
      return r.bottom <= innerHeight && document.documentElement.scrollWidth <= innerWidth;
    });
    assert.equal(fits, true, "the document panel on screen, nothing wider than it");
    await lookWhole(wide, "counter-day-1920x1080-called");
    await wide.close();
  });

  it("every refusal the counter page can get has the clerk's words in both languages", () => {
    const table = (/** @type {string} */ lang) => JSON.parse(fs.readFileSync(path.join(ROOT, `shared-ui/i18n/${lang}.json`), "utf8"));
    // What the counter's routes, the document, the ticket look-up and requeue answer (crates/antrean-server/src/error.rs).
    const codes = [
      "counter_busy",
      "counter_not_open",
      "counter_already_in_state",
      "counter_held",
      "no_current_ticket",
      "invalid_transition",
      "min_calls_not_reached",
      "not_served_here",
      "transfer_to_same",
      "service_not_served",
      "unknown_ticket",
      "unknown_step",
      "unknown_service",
      "unknown_counter",
      "pause_reason_required",
      "forbidden",
      "unauthenticated",
      "rate_limited",
      "cross_origin",
      "network",
    ];
    for (const lang of ["id", "en"]) {
      const words = table(lang);
      const missing = codes.filter((c) => !words[`counter.err.${c}`] && !words[`err.${c}`]);
      assert.deepEqual(missing, [], `${lang}: codes without words`);
    }
  });
});
