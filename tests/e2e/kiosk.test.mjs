// The touch kiosk as a visitor meets it (issue 16), at 1080×1920 (portrait,
// the usual kiosk) and 1920×1080: the steps on screen in the order they are
// taken (the service, then "do you belong to a priority group?", then a
// confirmation with the service's requirements and cost, "Ambil nomor" and
// "Kembali"); icons drawn as inline SVG, no emoji anywhere; every refusal
// the contract names worded for the citizen next to "Ambil nomor", never
// the server's message; "Ambil nomor" turned off with the reason while the
// service cannot issue; printing (the server's ESC/POS printer: printed,
// unreachable, out of paper; the browser's PDF: printing, printed,
// refused) in words that agree; idle reset, the language switch and the
// closed state on the new steps. Every state: a screenshot in artifacts/,
// axe-core (moderate included) clean, nothing off the screen; the ticket's
// QR code reads back with zbarimg.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import {
  ARTIFACTS,
  BIN,
  OFFICE,
  PUBLIC_BASE_URL,
  ROOT,
  SUPERVISOR,
  ZONE,
  checkScreen,
  kioskQr,
  launchBrowser,
  openPage,
  readQr,
  renderedText,
  sessionCookie,
  spoken,
  startServer,
} from "./helpers.mjs";

const T = { timeout: 15000 };
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };
/** @type {Record<string, Record<string, string>>} */
const STRINGS = Object.fromEntries(["id", "en"].map((l) => [l, JSON.parse(fs.readFileSync(path.join(ROOT, `shared-ui/i18n/${l}.json`), "utf8"))]));
const ID = STRINGS.id;
const EN = STRINGS.en;
/** The server's English message in a refusal: never to be shown to a citizen. */
const RAW = "RAW server message for logs";

/**
 * The codes a kiosk can be answered with, and why: each has a text of its
 * own for the citizen standing there (`kiosk.err.{code}`).
 */
const KIOSK_CODES = [
  "network", // no answer: the kiosk's network or the server is down
  "http_502", // an answer without an error body (a proxy, a 408 of a slow read)
  "unavailable", // the office recovers from a storage failure
  "internal",
  "rate_limited",
  "unknown_office", // the kiosk set up with an office the server no longer has
  "forbidden", // a device of another office, or not a kiosk
  "unknown_printer", // `printer=` names a printer the office removed: nothing issued
  "device_token_required", // revoked (a 401 shows the revoked screen; worded anyway)
  "unauthenticated",
  "service_closed", // closed, stopped, used up or taken away since the office was fetched
  "service_suspended",
  "service_not_served",
  "unknown_service",
  "quota_exhausted",
  "invalid_body", // the kiosk's own request refused: its software, not the citizen
  "invalid_field",
  "invalid_query",
  "body_too_large",
  "no_route",
  "method_not_allowed",
];

/** Every `error.code` of the contract (`antrean openapi`). */
function contractCodes() {
  const doc = JSON.parse(execFileSync(BIN, ["openapi"], { encoding: "utf8", maxBuffer: 64 << 20 }));
  return /** @type {string[]} */ (doc.components.schemas.ErrorCode.enum);
}

/** A string with `{name}` filled in. @param {string} s @param {Record<string, string>} vars */
function fillIn(s, vars) {
  return s.replace(/\{(\w+)\}/g, (m, k) => vars[k] ?? m);
}

/**
 * What the kiosk says for a code: its own words, else the screens' (`err.{code}`).
 * @param {Record<string, string>} strings @param {string} code @param {string} service
 */
function expectedText(strings, code, service) {
  const key = code.startsWith("http_") ? "kiosk.err.http" : `kiosk.err.${code}`;
  return fillIn(strings[key] ?? strings[`err.${code}`], { service });
}

/**
 * Nothing off the screen, every visible target at least 64 px high and
 * inside it, no emoji or other pictograph (in text or drawn by CSS), and
 * every icon an inline SVG; then the screenshot, the CSP and axe-core.
 * @param {import("playwright-core").Page} p
 * @param {string} name
 */
async function look(p, name) {
  const found = await p.evaluate(() => {
    const pictograph = /\p{Extended_Pictographic}/u;
    const visible = (/** @type {Element} */ el) => /** @type {HTMLElement} */ (el).offsetParent !== null || getComputedStyle(el).position === "fixed";
    const targets = [...document.querySelectorAll("button, a, input, select")].filter(visible);
    const drawn = [...document.querySelectorAll("*")].filter(visible).flatMap((el) =>
      ["::before", "::after"].map((pseudo) => getComputedStyle(el, pseudo).content).filter((c) => c !== "none" && c !== "normal" && pictograph.test(c)),
    );
    return {
      over: { x: document.documentElement.scrollWidth - innerWidth, y: document.documentElement.scrollHeight - innerHeight },
      small: targets.filter((el) => el.getBoundingClientRect().height < 64).map((el) => el.id || el.textContent?.trim()),
      outside: targets.filter((el) => {
        const r = el.getBoundingClientRect();
        return r.top < 0 || r.left < 0 || r.bottom > innerHeight + 0.5 || r.right > innerWidth + 0.5;
      }).map((el) => el.id || el.textContent?.trim()),
      pictographs: [...document.body.innerText].filter((c) => pictograph.test(c)).concat(drawn),
      iconless: [...document.querySelectorAll("#listen, #ask-back, #confirm-back, #confirm-take, #print, #done, #prio-none, [data-priority]")]
        .filter((el) => !el.querySelector(":scope > svg"))
        .map((el) => el.id || el.getAttribute("data-priority")),
    };
  });
  assert.deepEqual(found.over, { x: 0, y: 0 }, `${name}: wider or taller than the screen`);
  assert.deepEqual(found.small, [], `${name}: targets under 64 px`);
  assert.deepEqual(found.outside, [], `${name}: targets off the screen`);
  assert.deepEqual(found.pictographs, [], `${name}: emoji or pictographs (icons are inline SVG)`);
  assert.deepEqual(found.iconless, [], `${name}: buttons whose icon is not an inline SVG`);
  await checkScreen(p, name);
}

/** The id of the focused element. @param {import("playwright-core").Page} p */
function focused(p) {
  return p.evaluate(() => document.activeElement?.id ?? "");
}

describe("the kiosk, step by step", { timeout: 300000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {net.Server} */ let printer;
  /** What the test printer received, one buffer per connection. @type {Buffer[]} */
  const printed = [];
  let supervisor = "";

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    // A morning in progress: people waiting, counters open (so estimates show).
    const cookie = await server.clerkCookie();
    for (const s of ["ktp-el", "ktp-el", "skck", "skck", "skck"]) await server.takeOnline(s);
    for (const c of ["1", "8"]) await server.counter(cookie, c, "open");
    // A network ticket printer (ESC/POS over TCP) that keeps what it gets,
    // and one that is switched off (nothing listens on its port).
    printer = net.createServer((sock) => {
      const chunks = /** @type {Buffer[]} */ ([]);
      sock.on("data", (d) => chunks.push(d));
      sock.on("end", () => printed.push(Buffer.concat(chunks)));
    });
    await new Promise((r) => printer.listen(0, "127.0.0.1", () => r(null)));
    const off = net.createServer();
    await new Promise((r) => off.listen(0, "127.0.0.1", () => r(null)));
    const offPort = /** @type {net.AddressInfo} */ (off.address()).port;
    await new Promise((r) => off.close(() => r(null)));
    supervisor = await sessionCookie(server, SUPERVISOR);
    const put = (/** @type {string} */ id, /** @type {number} */ port) =>
      server.api(`/offices/${OFFICE}/printers/${id}`, { method: "PUT", body: { address: `127.0.0.1:${port}`, paper: "80mm" }, headers: { cookie: supervisor } });
    await put("lobi", /** @type {net.AddressInfo} */ (printer.address()).port);
    await put("lobi-mati", offPort);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    printer?.close();
  });

  /**
   * The kiosk at this size, step 1 shown; `extra` adds settings to the
   * address (`&printer=lobi`).
   * @param {{width: number, height: number}} size
   * @param {string} [extra]
   * @param {(p: import("playwright-core").Page) => Promise<void>} [prepare] routes set before the page loads
   */
  async function kiosk(size, extra = "", prepare) {
    const p = await openPage(browser, size);
    await prepare?.(p);
    await p.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}${extra}`);
    await p.locator('button[data-service="ktp-el"] .k-svc-facts').waitFor(T);
    return p;
  }

  /**
   * Steps 1 and 2: the service, then the priority group (null: "Tidak").
   * @param {import("playwright-core").Page} p @param {string} service @param {string | null} group
   */
  async function toConfirm(p, service, group) {
    await p.locator(`button[data-service="${service}"]`).click();
    await p.locator("#ask:not([hidden])").waitFor(T);
    await p.locator(group ? `[data-priority="${group}"]` : "#prio-none").click();
    await p.locator("#confirm:not([hidden])").waitFor(T);
  }

  it("1080×1920: the service, then the priority question, then the confirmation with requirements and cost; Kembali goes one step back", async () => {
    const p = await kiosk(PORTRAIT);
    // Step 1 offers the services only: no priority choice to make first.
    assert.equal(await renderedText(p.locator("#start .k-step")), "Langkah 1 dari 3");
    assert.equal(await renderedText(p.locator("#start-title")), "Pilih layanan");
    assert.equal(await p.locator("[data-priority]:visible").count(), 0, "the priority question waits for step 2");
    assert.equal(await renderedText(p.locator("#start .k-sub")), ID["kiosk.choose_hint"]);
    await look(p, "kiosk-steps-1080x1920-1-service");

    await p.locator('button[data-service="skck"]').click();
    await p.locator("#ask:not([hidden])").waitFor(T);
    assert.equal(await focused(p), "ask-title", "focus on the question");
    assert.equal(await renderedText(p.locator("#ask .k-step")), "Langkah 2 dari 3");
    assert.equal(await renderedText(p.locator("#ask-service")), "Layanan: SKCK (Polres)");
    assert.equal(await renderedText(p.locator("#ask-title")), "Apakah Anda termasuk kelompok prioritas?");
    assert.deepEqual(
      (await p.locator("#ask .k-prio").allInnerTexts()).map((s) => s.replace(/\s+/g, " ").trim()),
      ["Lansia 60 tahun ke atas", "Penyandang disabilitas", "Ibu hamil", "Anak-anak", "Tidak, antrean biasa"],
    );
    await look(p, "kiosk-steps-1080x1920-2-priority");
    // Kembali: back to the services, nothing taken.
    await p.locator("#ask-back").click();
    await p.locator("#start:not([hidden])").waitFor(T);
    assert.equal(await focused(p), "start-title");

    await toConfirm(p, "skck", "elderly");
    assert.equal(await focused(p), "confirm-title", "focus on the confirmation");
    assert.equal(await renderedText(p.locator("#confirm .k-step")), "Langkah 3 dari 3");
    assert.equal(await renderedText(p.locator("#confirm-title")), "Periksa sebelum mengambil nomor");
    assert.equal(await renderedText(p.locator("#confirm-service")), "SKCK (Polres)");
    assert.equal(await renderedText(p.locator("#confirm-lane")), "Antrean prioritas: Lansia");
    assert.equal(await p.locator("#confirm-lane svg").count(), 1, "the group's picture beside it");
    assert.equal(await renderedText(p.locator("#confirm-waiting")), "3 orang");
    assert.match(await renderedText(p.locator("#confirm-estimate")), /menit/);
    assert.equal(await renderedText(p.locator("#confirm-cost")), "Rp30.000 (PNBP)");
    assert.equal(await renderedText(p.locator("#confirm-time")), "Hari yang sama");
    assert.equal(await renderedText(p.locator("#confirm-reqs-title")), "Bawa persyaratan ini ke loket");
    assert.deepEqual(await p.locator("#confirm-reqs li").allTextContents(), ["KTP-el", "Kartu Keluarga", "Akta kelahiran / ijazah", "Pas foto 4x6 latar merah (6 lembar)", "Sidik jari dari Polres"]);
    assert.equal(await renderedText(p.locator("#confirm-take")), "Ambil nomor");
    assert.equal(await renderedText(p.locator("#confirm-back")), "Kembali");
    // "Ambil nomor" is the largest target, below what it confirms.
    const take = await p.locator("#confirm-take").boundingBox();
    const back = await p.locator("#confirm-back").boundingBox();
    const reqs = await p.locator("#confirm-reqs-box").boundingBox();
    assert.ok(take && back && reqs && take.width * take.height > back.width * back.height && take.y >= reqs.y + reqs.height, "Ambil nomor: large, after the requirements");
    assert.ok(take.height >= 110, `Ambil nomor is ${take.height}px high`);
    await look(p, "kiosk-steps-1080x1920-3-confirm");
    // "Dengarkan" reads the confirmation: the service, the lane, the cost and what to bring.
    await p.locator("#listen").click();
    await p.waitForFunction(() => /** @type {any} */ (window).__spoken.some((/** @type {any} */ s) => s.text.includes("Periksa")), null, T);
    const said = (await spoken(p)).at(-1);
    assert.equal(said.lang, "id-ID");
    for (const part of ["Langkah 3 dari 3.", "SKCK (Polres).", "Antrean prioritas: Lansia.", "Biaya: Rp30.000 (PNBP).", "Bawa persyaratan ini ke loket: KTP-el; Kartu Keluarga;", ID["kiosk.say_confirm"]]) {
      assert.ok(said.text.includes(part), `spoken: ${said.text}\nmissing: ${part}`);
    }

    // Kembali goes to the question (not the start); another answer there.
    await p.locator("#confirm-back").click();
    await p.locator("#ask:not([hidden])").waitFor(T);
    await p.locator("#prio-none").click();
    await p.locator("#confirm-lane", { hasText: "Antrean biasa" }).waitFor(T);
    await p.locator("#confirm-back").click();
    await p.locator('[data-priority="elderly"]').click();
    await p.locator("#confirm:not([hidden])").waitFor(T);

    const issued = p.waitForResponse((r) => r.request().method() === "POST" && r.url().endsWith(`/offices/${OFFICE}/tickets`));
    await p.locator("#confirm-take").click();
    const sent = (await issued).request().postDataJSON();
    assert.deepEqual(sent, { service: "skck", priority: "elderly", channel: "kiosk" });
    await p.locator("#result:not([hidden])").waitFor(T);
    assert.equal(await focused(p), "result-title");
    assert.equal(await p.locator("#result-number").textContent(), "H004");
    assert.equal(await renderedText(p.locator("#result-prio")), "Layanan prioritas: Lansia");
    const qr = await kioskQr(p);
    assert.equal((await server.api(`/tickets/${qr.code}`)).priority, "elderly");
    await look(p, "kiosk-steps-1080x1920-4-result");
    const qrFile = path.join(ARTIFACTS, "kiosk-steps-1080x1920-qr.png");
    await p.locator("#result-qr img").screenshot({ path: qrFile });
    assert.equal(readQr(qrFile), `${PUBLIC_BASE_URL}/t/${qr.code}`);
    await p.locator("#done").click();
    await p.locator("#start:not([hidden])").waitFor(T);
    await p.close();
  });

  it("a tap held while the office issues a ticket still chooses its service (the button is not swapped under the finger)", async () => {
    const p = await kiosk(PORTRAIT);
    const button = p.locator('button[data-service="skck"]');
    const before = await button.elementHandle();
    const waiting = async () => renderedText(button.locator(".k-svc-facts span").first());
    const was = await waiting();
    const box = await button.boundingBox();
    assert.ok(box);
    await p.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await p.mouse.down();
    // Someone takes an SKCK ticket online meanwhile: the figure on this very button changes.
    await server.takeOnline("skck");
    await p.waitForFunction((w) => document.querySelector('button[data-service="skck"] .k-svc-facts span')?.textContent !== w, was, T);
    assert.notEqual(await waiting(), was);
    assert.equal(await before?.evaluate((el) => el.isConnected), true, "the same button, its figure updated in place");
    await p.mouse.up();
    await p.locator("#ask:not([hidden])").waitFor(T);
    assert.equal(await renderedText(p.locator("#ask-service")), "Layanan: SKCK (Polres)");
    await p.close();
  });

  it("1920×1080: the confirmation fits, in Indonesian and in English (the office's translation, else its own words marked as Indonesian)", async () => {
    const p = await kiosk(LANDSCAPE, "", async (page) => {
      // The office wrote no English standard for the birth certificates.
      await page.route(`**/api/v1/offices/${OFFICE}`, async (route) => {
        const res = await route.fetch();
        const o = await res.json();
        o.services.find((/** @type {any} */ s) => s.id === "akta").translations = {};
        await route.fulfill({ response: res, json: o });
      });
    });
    await look(p, "kiosk-steps-1920x1080-1-service");
    await p.locator('button[data-service="ktp-el"]').click();
    await p.locator("#ask:not([hidden])").waitFor(T);
    await look(p, "kiosk-steps-1920x1080-2-priority");
    await p.locator('[data-priority="pregnant"]').click();
    await p.locator("#confirm:not([hidden])").waitFor(T);
    assert.equal(await renderedText(p.locator("#confirm-lane")), "Antrean prioritas: Ibu hamil");
    assert.equal(await renderedText(p.locator("#confirm-cost")), "Gratis");
    assert.equal(await p.locator("#confirm-reqs li").count(), 3);
    await look(p, "kiosk-steps-1920x1080-3-confirm");

    await p.locator("#lang-btn").click();
    await p.locator("#confirm-title", { hasText: "Check before you take a number" }).waitFor(T);
    assert.equal(await renderedText(p.locator("#confirm .k-step")), "Step 3 of 3");
    assert.equal(await renderedText(p.locator("#confirm-service")), "Electronic ID card (KTP-el)");
    assert.equal(await renderedText(p.locator("#confirm-lane")), "Priority queue: Pregnant");
    assert.equal(await renderedText(p.locator("#confirm-cost")), "Free");
    assert.equal(await p.locator("#confirm-cost").getAttribute("lang"), "en");
    assert.deepEqual(await p.locator("#confirm-reqs li").allTextContents(), ["Photocopy of the family card (Kartu Keluarga)", "Aged 17 or older, or married", "Police report of loss (for a lost KTP)"]);
    assert.equal(await p.locator("#confirm-reqs").getAttribute("lang"), "en");
    assert.equal(await renderedText(p.locator("#confirm-take")), "Take a number");
    assert.equal(await renderedText(p.locator("#confirm-back")), "Back");
    await look(p, "kiosk-steps-1920x1080-3-confirm-en");

    // No English standard: the office's own words, marked as Indonesian for a screen reader.
    await p.locator("#confirm-back").click();
    await p.locator("#ask-back").click();
    await toConfirm(p, "akta", null);
    assert.equal(await renderedText(p.locator("#confirm-lane")), "Regular queue");
    assert.equal(await renderedText(p.locator("#confirm-cost")), "Gratis");
    assert.equal(await p.locator("#confirm-cost").getAttribute("lang"), "id");
    assert.equal(await p.locator("#confirm-reqs").getAttribute("lang"), "id");
    assert.equal(await p.locator("#confirm-reqs li").first().textContent(), "Surat keterangan lahir / kematian");
    await look(p, "kiosk-steps-1920x1080-3-confirm-en-untranslated");
    await p.close();
  });

  it("every refusal in the contract is worded for the citizen next to Ambil nomor, never the server's message", async () => {
    const codes = contractCodes();
    for (const code of KIOSK_CODES.filter((c) => c !== "network" && !c.startsWith("http_"))) assert.ok(codes.includes(code), `${code} is a code of the contract`);
    // The kiosk's own words: in both languages, for the citizen (no codes, no technical words), each a sentence.
    for (const code of KIOSK_CODES) {
      const key = code.startsWith("http_") ? "kiosk.err.http" : `kiosk.err.${code}`;
      for (const [l, strings] of Object.entries(STRINGS)) {
        const s = strings[key];
        assert.ok(s, `${key} in ${l}.json`);
        assert.doesNotMatch(s, /\b[a-z]+_[a-z_]+\b|\bHTTP\b|\bAPI\b|\btoken\b|\bJSON\b|\bserver\b|\berror\b/i, `${key} (${l}) speaks to an engineer: ${s}`);
        assert.match(s, /[.!]$/, `${key} (${l}) is a sentence`);
      }
    }
    for (const code of ["internal", "forbidden", "unknown_printer", "invalid_body"]) assert.match(ID[`kiosk.err.${code}`], /Silakan minta bantuan petugas\.$/, code);

    const p = await kiosk(PORTRAIT);
    /** The refusal the next "Ambil nomor" gets. */
    let answer = "";
    await p.route(`**/api/v1/offices/${OFFICE}/tickets`, async (route) => {
      if (answer === "network") return route.abort("failed");
      if (answer.startsWith("http_")) return route.fulfill({ status: Number(answer.slice(5)), contentType: "text/html", body: "<h1>Bad Gateway</h1>" });
      // Not 401: that one ends in the revoked screen (devices.test.mjs), whatever its code.
      return route.fulfill({ status: 422, json: { error: { code: answer, message: RAW } } });
    });
    await toConfirm(p, "ktp-el", null);
    /** @param {string} code */
    const refuse = async (code) => {
      answer = code;
      const refused = p.waitForEvent("requestfinished", (r) => r.method() === "POST").catch(() => null);
      const failed = p.waitForEvent("requestfailed", (r) => r.method() === "POST").catch(() => null);
      await p.locator("#confirm-take").click();
      await Promise.race([refused, failed]);
      await p.locator("#confirm-take:not([disabled])").waitFor(T);
      await p.waitForFunction(() => document.getElementById("confirm-status")?.textContent === "" && document.getElementById("confirm-error")?.textContent !== "", null, T);
      return renderedText(p.locator("#confirm-error"));
    };
    const all = ["network", "http_502", ...codes];
    for (const code of all) {
      const said = await refuse(code);
      assert.ok(!said.includes(RAW), `${code}: the server's message shown`);
      assert.equal(said, expectedText(ID, code, "KTP Elektronik"), `${code}`);
      if (KIOSK_CODES.includes(code)) assert.equal(said, fillIn(ID[code.startsWith("http_") ? "kiosk.err.http" : `kiosk.err.${code}`], { service: "KTP Elektronik" }));
    }
    // Said next to the button: its description, and the alert beside it.
    assert.match((await p.locator("#confirm-take").getAttribute("aria-describedby")) ?? "", /\bconfirm-error\b/);
    assert.equal(await p.locator("#confirm-error").getAttribute("role"), "alert");
    await refuse("internal");
    assert.equal(await renderedText(p.locator("#confirm-error")), "Terjadi gangguan pada sistem antrean. Silakan minta bantuan petugas.");
    await look(p, "kiosk-steps-1080x1920-3-refused");
    // The refusal follows the language switch, and the kiosk's codes are worded in English too.
    await p.locator("#lang-btn").click();
    await p.locator("#confirm-error", { hasText: EN["kiosk.err.internal"] }).waitFor(T);
    await look(p, "kiosk-steps-1080x1920-3-refused-en");
    for (const code of KIOSK_CODES) {
      const said = await refuse(code);
      assert.equal(said, expectedText(EN, code, "Electronic ID card (KTP-el)"), `${code} (en)`);
    }
    await p.close();
  });

  it("the office cannot be fetched at the start: the citizen is told, and the kiosk starts by itself once it can", async () => {
    let refused = 0;
    const p = await openPage(browser, PORTRAIT);
    await p.route(`**/api/v1/offices/${OFFICE}`, (route) => (refused++ === 0 ? route.fulfill({ status: 503, json: { error: { code: "unavailable", message: RAW } } }) : route.fallback()));
    await p.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    await p.locator("#load-error:not([hidden])").waitFor(T);
    assert.equal(await renderedText(p.locator("#load-error")), ID["kiosk.err.unavailable"]);
    assert.equal(await p.locator("#listen, #lang-btn").first().isVisible(), false, "no button that does nothing yet");
    await look(p, "kiosk-steps-1080x1920-0-unavailable");
    await p.locator('button[data-service="ktp-el"]').waitFor(T);
    assert.equal(await p.locator("#load-error").isHidden(), true);
    await p.close();
  });

  it("a service stopped while its confirmation is shown: Ambil nomor is off with the staff's message beside it; resumed, it is on again", async () => {
    const p = await kiosk(PORTRAIT);
    await toConfirm(p, "kartu-keluarga", null);
    const message = "Blanko KK habis, datang lagi besok pukul 08.00";
    await server.api(`/offices/${OFFICE}/services/kartu-keluarga/suspend`, { body: { message }, headers: { cookie: supervisor } });
    await p.locator("#confirm-take[disabled]").waitFor(T);
    assert.equal(await renderedText(p.locator("#confirm-why")), `Layanan dihentikan sementara: ${message}`);
    assert.equal(await p.locator("#confirm-why span").getAttribute("lang"), "id");
    assert.equal(await renderedText(p.locator("#confirm-back")), "Pilih layanan lain");
    assert.match((await p.locator("#confirm-take").getAttribute("aria-describedby")) ?? "", /\bconfirm-why\b/);
    // Off, and looks it: grey, dashed, not the green of a button to press.
    const style = await p.locator("#confirm-take").evaluate((el) => ({ bg: getComputedStyle(el).backgroundColor, border: getComputedStyle(el).borderTopStyle }));
    assert.deepEqual(style, { bg: "rgb(221, 226, 232)", border: "dashed" });
    await look(p, "kiosk-steps-1080x1920-3-stopped");
    // Pressed anyway: nothing is sent.
    let posted = 0;
    p.on("request", (r) => r.method() === "POST" && posted++);
    await p.locator("#confirm-take").click({ force: true });
    await p.waitForTimeout(300);
    assert.equal(posted, 0);

    await server.api(`/offices/${OFFICE}/services/kartu-keluarga/resume`, { method: "POST", headers: { cookie: supervisor } });
    await p.locator("#confirm-take:not([disabled])").waitFor(T);
    assert.equal(await p.locator("#confirm-why").isHidden(), true);
    assert.equal(await renderedText(p.locator("#confirm-back")), "Kembali");

    // Stopped again: "Pilih layanan lain" leads to the start, where it is a card with the message, not a button.
    await server.api(`/offices/${OFFICE}/services/kartu-keluarga/suspend`, { body: { message }, headers: { cookie: supervisor } });
    await p.locator("#confirm-take[disabled]").waitFor(T);
    await p.locator("#confirm-back").click();
    await p.locator('[data-service="kartu-keluarga"][data-suspended] .k-svc-msg', { hasText: message }).waitFor(T);
    assert.equal(await p.locator('button[data-service="kartu-keluarga"]').count(), 0);
    await look(p, "kiosk-steps-1080x1920-1-stopped");
    await server.api(`/offices/${OFFICE}/services/kartu-keluarga/resume`, { method: "POST", headers: { cookie: supervisor } });
    await p.locator('button[data-service="kartu-keluarga"]').waitFor(T);
    await p.close();
  });

  it("printing, in words that agree: the office printer prints, is unreachable or out of paper; the browser's PDF prints or is refused", async () => {
    const printedText = ID["kiosk.printed"];
    const fallback = ID["kiosk.print_fallback"];
    /**
     * Takes a ticket for KTP at this kiosk; the print status once settled.
     * @param {import("playwright-core").Page} p
     */
    const takeTicket = async (p) => {
      await toConfirm(p, "ktp-el", null);
      await p.locator("#confirm-take").click();
      await p.locator("#result:not([hidden])").waitFor(T);
      await p.locator("#print-status:not(:empty)").waitFor(T);
      return renderedText(p.locator("#print-status"));
    };

    // The office's printer, by the server while issuing: printed; no button to print again.
    const before = printed.length;
    const ok = await kiosk(PORTRAIT, "&printer=lobi");
    assert.equal(await takeTicket(ok), printedText);
    assert.equal(await ok.locator("#print").isHidden(), true);
    const number = (await ok.locator("#result-number").textContent()) ?? "";
    for (let i = 0; printed.length === before && i < 50; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(Buffer.concat(printed.slice(before)).toString("latin1").includes(number), `the printer got ${number}`);
    await look(ok, "kiosk-print-1080x1920-printed");
    await ok.close();

    // Switched off: not printed, the number on screen holds, staff can print it.
    const off = await kiosk(PORTRAIT, "&printer=lobi-mati");
    assert.equal(await takeTicket(off), `${ID["kiosk.print_failed"]} ${fallback}`);
    assert.equal(await off.locator("#print").isHidden(), true, "the kiosk cannot send it again: staff can");
    assert.match((await off.locator("#print-status").getAttribute("class")) ?? "", /is-warn/);
    await look(off, "kiosk-print-1080x1920-unreachable");
    // "Dengarkan" says it too.
    await off.locator("#listen").click();
    await off.waitForFunction(() => /** @type {any} */ (window).__spoken.some((/** @type {any} */ s) => s.text.includes("Nomor antrean Anda")), null, T);
    assert.ok((await spoken(off)).at(-1).text.includes(fallback));
    await off.close();

    // Out of paper (the printer stopped taking the ticket).
    const paper = await kiosk(PORTRAIT, "&printer=lobi", async (page) => {
      await page.route(`**/api/v1/offices/${OFFICE}/tickets`, async (route) => {
        const res = await route.fetch();
        const issued = await res.json();
        issued.print = { printer: "lobi", ok: false, error: "write timed out", failure: "stopped" };
        await route.fulfill({ response: res, json: issued });
      });
    });
    assert.equal(await takeTicket(paper), `${ID["kiosk.print_no_paper"]} ${fallback}`);
    await look(paper, "kiosk-print-1080x1920-no-paper");
    await paper.close();

    // No office printer: "Cetak tiket" prints the PDF through a hidden
    // frame. Headless Chromium cannot print a PDF (its page crashes), so
    // the frame gets a same-origin page it may show and print; the kiosk
    // says "printing", then the same "printed" as the office printer.
    /** @param {import("playwright-core").Page} page */
    const printable = (page) =>
      page.route("**/ticket.pdf*", async (route) => {
        await new Promise((r) => setTimeout(r, 600));
        await route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>tiket</title><p>A</p>" });
      });
    const pdf = await kiosk(PORTRAIT, "", printable);
    await toConfirm(pdf, "ktp-el", null);
    await pdf.locator("#confirm-take").click();
    await pdf.locator("#result:not([hidden])").waitFor(T);
    assert.equal(await renderedText(pdf.locator("#print-status")), "");
    assert.equal(await renderedText(pdf.locator("#print")), "Cetak tiket");
    await look(pdf, "kiosk-print-1080x1920-offered");
    await pdf.locator("#print").click();
    await pdf.locator("#print-status", { hasText: ID["kiosk.printing"] }).waitFor(T);
    await pdf.locator("#print-status", { hasText: printedText }).waitFor(T);
    assert.equal(await pdf.locator("#print").isHidden(), true);
    await pdf.close();

    // A frame the browser refuses to show (the answer forbids framing): not printed; the button stays to try again.
    const refused = await kiosk(PORTRAIT, "", async (page) => {
      await page.route("**/ticket.pdf*", async (route) => {
        const res = await route.fetch();
        await route.fulfill({ response: res, headers: { ...res.headers(), "x-frame-options": "DENY", "content-security-policy": "frame-ancestors 'none'" } });
      });
    });
    await toConfirm(refused, "ktp-el", null);
    await refused.locator("#confirm-take").click();
    await refused.locator("#print").click();
    await refused.locator("#print-status", { hasText: fallback }).waitFor(T);
    assert.equal(await renderedText(refused.locator("#print-status")), `${ID["kiosk.print_failed"]} ${fallback}`);
    assert.equal(await refused.locator("#print").isVisible(), true);
    await look(refused, "kiosk-print-1080x1920-pdf-refused");
    await refused.close();

    // autoprint=1: printed at once, no button to press.
    const auto = await kiosk(PORTRAIT, "&autoprint=1", printable);
    await toConfirm(auto, "ktp-el", null);
    await auto.locator("#confirm-take").click();
    await auto.locator("#print-status", { hasText: printedText }).waitFor(T);
    await auto.close();

  });

  it("left alone on a step, the kiosk warns, then goes back to the start in the office's language", async () => {
    const p = await kiosk(PORTRAIT, "&idle=5");
    await toConfirm(p, "ktp-el", "child");
    await p.locator("#lang-btn").click();
    await p.locator("#confirm-title", { hasText: "Check before you take a number" }).waitFor(T);
    await p.locator("#idle:not([hidden])").waitFor(T);
    assert.equal(await focused(p), "idle-stay");
    await look(p, "kiosk-steps-1080x1920-idle-en");
    // "Still here" keeps the step and the choice.
    await p.locator("#idle-stay").click();
    assert.equal(await renderedText(p.locator("#confirm-lane")), "Priority queue: Child");
    // Then, left alone again, back to the start after the warning's 20 s.
    await p.locator("#idle:not([hidden])").waitFor(T);
    await p.locator("#start:not([hidden])").waitFor({ timeout: 40000 });
    await p.locator("#start-title", { hasText: "Pilih layanan" }).waitFor(T);
    assert.equal(await p.evaluate(() => document.documentElement.lang), "id");
    assert.equal(await p.locator("#confirm").isHidden(), true);
    assert.equal(await p.locator("#idle").isHidden(), true);
    // On the question too.
    await p.locator('button[data-service="ktp-el"]').click();
    await p.locator("#ask:not([hidden])").waitFor(T);
    await p.locator("#idle:not([hidden])").waitFor(T);
    await p.locator("#idle-reset").click();
    await p.locator("#start:not([hidden])").waitFor(T);
    await p.close();
  });

  it("closed: the closed panel instead of the services, and no step after it", async () => {
    const tomorrow = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE }).format(new Date(Date.now() + 86400000));
    const opensAt = `${tomorrow}T07:30:00+07:00`;
    const reason = { id: "Cuti bersama", en: "Collective leave" };
    const page = await openPage(browser, PORTRAIT);
    await page.route(`**/api/v1/offices/${OFFICE}`, async (route) => {
      const res = await route.fetch();
      const o = await res.json();
      Object.assign(o, { open: false, closed_reason: reason, opens_at: opensAt, closes_at: null });
      for (const s of o.services) Object.assign(s, { open: false, closed_reason: reason, opens_at: opensAt, closes_at: null });
      await route.fulfill({ response: res, json: o });
    });
    await page.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    await page.locator("#closed:not([hidden])").waitFor(T);
    assert.equal(await renderedText(page.locator("#closed-why")), "Tutup: Cuti bersama");
    assert.equal(await renderedText(page.locator("#closed-when")), "Buka lagi besok, 07.30");
    assert.equal(await page.locator("button[data-service], [data-priority]:visible").count(), 0);
    await look(page, "kiosk-steps-1080x1920-closed");
    await page.locator("#lang-btn").click();
    await page.locator("#closed-why", { hasText: "Closed: Collective leave" }).waitFor(T);
    await look(page, "kiosk-steps-1080x1920-closed-en");
    await page.close();
  });
});
