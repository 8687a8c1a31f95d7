// The privacy notice (UU 27/2022) as a citizen meets it: at /privacy on a
// phone (360×740) in Indonesian and English, with the controller, contact
// and retention period of antrean.toml's [privacy] (and, without them, the
// office's own name and its help desk); linked from the footer of every
// citizen view (the office list, the office page, the ticket, the closed
// state), naming the office the citizen came from; at the kiosk
// (1080×1920, 1920×1080) in a dialog over the step shown, the focus in it,
// closed by Escape or "Tutup" back where it was, and by the idle reset;
// the confirmation says how long a priority reason is kept. The audit
// view words an erasure of personal data. Every state: a screenshot in
// artifacts/, axe-core (moderate included) clean, nothing wider than the
// screen. And nothing personal reaches the server's log: after tickets
// with priority reasons (online and at the kiosk), a priority confirmed,
// a survey with a suggestion and refused ones, its output at log level
// debug holds no reason given, no suggestion and no ticket code.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {
  ARTIFACTS,
  CLERK,
  OFFICE,
  SUPERVISOR,
  antreanCli,
  checkScreen,
  kioskQr,
  launchBrowser,
  lookWhole,
  mark,
  openPage,
  renderedText,
  sessionCookie,
  signInOnPage,
  startServer,
  stillMarked,
} from "./helpers.mjs";

const T = { timeout: 15000 };
const PHONE = { width: 360, height: 740 };
const PORTRAIT = { width: 1080, height: 1920 };
const LANDSCAPE = { width: 1920, height: 1080 };
const OFFICE_NAME = "Mal Pelayanan Publik Kabupaten Lampung Utara";
const OFFICE_ADDRESS = "Jl. Jenderal Sudirman, Kotabumi, Lampung Utara";
/** antrean.toml's [privacy], as a regency would write it. */
const PRIVACY = {
  retention_days: 30,
  controller: "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Lampung Utara",
  contact: "ppid@lampungutarakab.go.id atau (0724) 21234",
};
const PRIVACY_TOML = `[privacy]
retention_days = ${PRIVACY.retention_days}
controller = ${JSON.stringify(PRIVACY.controller)}
contact = ${JSON.stringify(PRIVACY.contact)}`;

/** The notice's section headings, in order. */
const HEADINGS = {
  id: ["Siapa yang bertanggung jawab", "Kami tidak menanyakan siapa Anda", "Apa yang kami simpan, dan mengapa", "Berapa lama kami menyimpannya", "Melihat atau menghapus data Anda", "Mengadu"],
  en: ["Who is responsible", "We do not ask who you are", "What we keep, and why", "How long we keep it", "Seeing or erasing your data", "Complaints"],
};

/** The id of the focused element. @param {import("playwright-core").Page} p */
const focused = (p) => p.evaluate(() => document.activeElement?.id ?? "");

/**
 * What the citizen's notice must say, in either language.
 * @param {import("playwright-core").Page} p
 * @param {"id" | "en"} lang
 */
async function saysItAll(p, lang) {
  assert.equal(await p.evaluate(() => document.documentElement.lang), lang);
  assert.deepEqual(await p.locator("main h2").allTextContents(), HEADINGS[lang]);
  const text = await renderedText(p.locator("main"));
  const id = lang === "id";
  for (const part of [
    id ? `${PRIVACY.controller} bertanggung jawab atas data ini.` : `${PRIVACY.controller} is responsible for this data.`,
    id ? `Kantor layanan: ${OFFICE_NAME}, ${OFFICE_ADDRESS}.` : `Service office: ${OFFICE_NAME}, ${OFFICE_ADDRESS}.`,
    id ? "Anda tidak perlu memberi nama, NIK, alamat atau nomor telepon" : "You do not need to give your name, NIK (national ID number), address or phone number",
    id ? "Alasan prioritas dan saran Anda dihapus 30 hari setelah Anda memberikannya." : "Your reason for priority and your suggestion are erased 30 days after you gave them.",
    id ? "paling lama 7 hari, atau sampai dokumen Anda diambil" : "for at most 7 days, or until your document is collected",
    id ? "UU 27/2022 Pasal 7" : "Law 27/2022 Article 7",
    id ? "ke meja informasi kantor" : "to the office's help desk",
    id ? `Anda juga dapat menghubungi: ${PRIVACY.contact}` : `You can also contact: ${PRIVACY.contact}`,
    "SP4N-LAPOR! di lapor.go.id".replace(" di ", id ? " di " : " at "),
  ]) {
    assert.ok(text.includes(part), `${lang}: missing "${part}" in:\n${text}`);
  }
  assert.equal(await p.locator("main li").count(), 4, "four things kept, one item each");
  // The complaint channels are words, not links or anything fetched from elsewhere.
  assert.equal(await p.locator('a[href*="lapor"], a[href*="ombudsman"], img, iframe').count(), 0);
}

describe("the privacy notice", { timeout: 300000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;

  before(async () => {
    server = await startServer({ mainToml: PRIVACY_TOML });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("GET /privacy answers antrean.toml's [privacy]", async () => {
    assert.deepEqual(await server.api("/privacy"), PRIVACY);
  });

  it("/privacy at 360×740, in Indonesian and English: who, what and why, how long, seeing or erasing, complaints; landmarks and headings", async () => {
    const p = await openPage(browser, PHONE, true);
    /** @type {string[]} */
    const elsewhere = [];
    p.on("request", (r) => !r.url().startsWith(server.url) && elsewhere.push(r.url()));
    await p.goto(`${server.url}/privacy?office=${OFFICE}`);
    await p.locator("main h1", { hasText: "Privasi dan data pribadi Anda" }).waitFor(T);
    assert.equal(await p.title(), "Privasi dan data pribadi Anda · Antrean");
    // One of each landmark; one h1, then the sections.
    assert.deepEqual(
      await p.evaluate(() => ["header", "main", "footer"].map((tag) => document.querySelectorAll(tag).length)),
      [1, 1, 1],
    );
    assert.equal(await p.locator("h1").count(), 1);
    await saysItAll(p, "id");
    // On the notice, its link says so; the way back is to the office's services.
    assert.equal(await p.locator("#privacy-link").getAttribute("aria-current"), "page");
    assert.equal(await p.locator(".back a").getAttribute("href"), `/o/${OFFICE}`);
    assert.equal(await renderedText(p.locator(".back a")), "Kembali ke daftar layanan");
    await lookWhole(p, "privacy-360x740");
    await p.screenshot({ path: path.join(ARTIFACTS, "privacy-360x740-screen.png") });

    await p.locator("#lang-btn").click();
    await p.locator("main h1", { hasText: "Privacy and your personal data" }).waitFor(T);
    await saysItAll(p, "en");
    assert.equal(await renderedText(p.locator("#privacy-link")), "Privacy");
    assert.equal(await p.title(), "Privacy and your personal data · Antrean");
    await lookWhole(p, "privacy-360x740-en");
    await p.locator("#lang-btn").click();
    await p.locator("main h1", { hasText: "Privasi" }).waitFor(T);
    assert.deepEqual(elsewhere, [], "nothing fetched from elsewhere");
    await p.close();
  });

  it("without a controller or contact configured: the office answers for its data, at its help desk; without an office, each office", async () => {
    const p = await openPage(browser, PHONE, true);
    await p.route("**/api/v1/privacy", (route) => route.fulfill({ json: { controller: null, contact: null, retention_days: 90 } }));
    await p.goto(`${server.url}/privacy?office=${OFFICE}`);
    const who = p.locator('[data-part="who"]');
    await who.waitFor(T);
    assert.equal(await renderedText(who.locator("p").first()), `${OFFICE_NAME} bertanggung jawab atas data ini.`);
    assert.equal(await renderedText(who.locator("p").nth(1)), `Alamat: ${OFFICE_ADDRESS}.`);
    assert.equal(await renderedText(p.locator("#privacy-retention")), "Alasan prioritas dan saran Anda dihapus 90 hari setelah Anda memberikannya.");
    assert.equal(await p.locator("#privacy-contact").count(), 0, "no contact: the help desk only");
    await lookWhole(p, "privacy-360x740-defaults");
    // No office named (or one the server does not know): every office answers for its own.
    for (const address of ["/privacy", "/privacy?office=tidak-ada"]) {
      await p.goto(`${server.url}${address}`);
      await who.waitFor(T);
      assert.equal(await renderedText(who.locator("p").first()), "Setiap kantor layanan bertanggung jawab atas data di kantornya sendiri.", address);
      assert.equal(await p.locator(".back a").getAttribute("href"), "/");
    }
    await p.close();
  });

  /**
   * Follows the footer's link from the view shown: it names the office (or
   * none), and the notice opens without a reload, the focus on it.
   * @param {import("playwright-core").Page} p
   * @param {string | null} office
   * @param {string} name
   */
  async function followLink(p, office, name) {
    const a = p.locator("footer #privacy-link");
    assert.equal(await renderedText(a), "Privasi", name);
    assert.equal(await a.getAttribute("href"), office ? `/privacy?office=${office}` : "/privacy", name);
    const box = await a.boundingBox();
    assert.ok(box && box.height >= 44, `${name}: the link is ${box?.height}px high`);
    await a.scrollIntoViewIfNeeded();
    await lookWhole(p, `privacy-link-${name}-360x740`, name);
    await mark(p);
    await a.click();
    await p.locator("main h1", { hasText: "Privasi dan data pribadi Anda" }).waitFor(T);
    assert.equal(new URL(p.url()).pathname + new URL(p.url()).search, office ? `/privacy?office=${office}` : "/privacy");
    assert.ok(await stillMarked(p), `${name}: no reload`);
    assert.equal(await focused(p), "main");
    assert.equal(await p.locator('[data-part="who"] p').count() > 0, true);
  }

  it("every citizen view links to it in its footer: the office list, the office page, a ticket, the closed state", async () => {
    const p = await openPage(browser, PHONE, true);
    await p.goto(`${server.url}/`);
    await p.locator(".card a").first().waitFor(T);
    await followLink(p, null, "offices");

    await p.goto(`${server.url}/o/${OFFICE}`);
    await p.locator("button[data-service]").first().waitFor(T);
    await followLink(p, OFFICE, "office");
    // Back to where the citizen was.
    await p.locator(".back a").click();
    await p.locator("button[data-service]").first().waitFor(T);
    assert.equal(await p.locator("#privacy-link").getAttribute("aria-current"), null);

    const ticket = await server.takeOnline("akta");
    await p.goto(`${server.url}/t/${ticket.code}`);
    await p.locator("#ticket-number").waitFor(T);
    await followLink(p, OFFICE, "ticket");
    await server.api(`/tickets/${ticket.code}/cancel`, { method: "POST" });

    // Closed today: the short closed state, the link below it.
    const closed = await openPage(browser, PHONE, true);
    await closed.route(`**/api/v1/offices/${OFFICE}`, async (route) => {
      const res = await route.fetch();
      const o = await res.json();
      const reason = { id: "Cuti bersama", en: "Collective leave" };
      Object.assign(o, { open: false, closed_reason: reason, opens_at: null, closes_at: null });
      for (const s of o.services) Object.assign(s, { open: false, closed_reason: reason, opens_at: null, closes_at: null });
      await route.fulfill({ response: res, json: o });
    });
    await closed.routeWebSocket(/\/live/, () => {});
    await closed.goto(`${server.url}/o/${OFFICE}`);
    await closed.locator("#office-closed").waitFor(T);
    await followLink(closed, OFFICE, "closed");
    await closed.close();

    // In English too.
    await p.goto(`${server.url}/o/${OFFICE}`);
    await p.locator("button[data-service]").first().waitFor(T);
    await p.locator("#lang-btn").click();
    await p.locator("#privacy-link", { hasText: "Privacy" }).waitFor(T);
    await p.locator("#lang-btn").click();
    await p.close();
  });

  /**
   * The kiosk's checks with the notice open: nothing off the screen, every
   * target in the dialog at least 64 px high, then screenshot, CSP, axe.
   * @param {import("playwright-core").Page} p
   * @param {string} name
   */
  async function lookKiosk(p, name) {
    const found = await p.evaluate(() => ({
      over: { x: document.documentElement.scrollWidth - innerWidth, y: document.documentElement.scrollHeight - innerHeight },
      small: [...document.querySelectorAll("#privacy button, .k-top button")]
        .filter((el) => /** @type {HTMLElement} */ (el).offsetParent !== null && el.getBoundingClientRect().height < 64)
        .map((el) => el.id),
      close: (() => {
        const r = /** @type {HTMLElement} */ (document.getElementById("privacy-close")).getBoundingClientRect();
        return r.bottom <= innerHeight && r.top >= 0;
      })(),
    }));
    assert.deepEqual(found.over, { x: 0, y: 0 }, `${name}: wider or taller than the screen`);
    assert.deepEqual(found.small, [], `${name}: targets under 64 px`);
    assert.ok(found.close, `${name}: Tutup on the screen`);
    await checkScreen(p, name);
  }

  /**
   * Scrolls the notice to its end, where the complaint channels are: the
   * fade that says more is below goes; a screenshot of the end.
   * @param {import("playwright-core").Page} p
   * @param {string} name
   */
  async function readToTheEnd(p, name) {
    const body = p.locator("#privacy-body");
    const more = await body.evaluate((el) => el.scrollHeight > el.clientHeight);
    assert.equal(await body.evaluate((el) => el.classList.contains("is-more")), more, `${name}: faded exactly when more is below`);
    await body.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await p.waitForFunction(() => !document.getElementById("privacy-body")?.classList.contains("is-more"), null, T);
    await p.locator('[data-part="complain"]').scrollIntoViewIfNeeded();
    await p.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
  }

  /** The kiosk at this size, step 1 shown. @param {{width: number, height: number}} size @param {string} [extra] */
  async function kiosk(size, extra = "") {
    const p = await openPage(browser, size);
    await p.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}${extra}`);
    await p.locator('button[data-service="ktp-el"] .k-svc-facts').waitFor(T);
    return p;
  }

  it("kiosk 1080×1920: Privasi opens the notice over the step, the focus in it; Escape and Tutup close it, back on that step; the confirmation says how long a priority reason is kept", async () => {
    const p = await kiosk(PORTRAIT);
    const button = p.locator("#privacy-btn");
    assert.equal(await renderedText(button), "Privasi");
    const box = await button.boundingBox();
    assert.ok(box && box.height >= 64, `Privasi is ${box?.height}px high`);
    // The confirmation of a priority ticket: how long its reason is kept; nothing of it for the regular lane.
    await p.locator('button[data-service="skck"]').click();
    await p.locator('[data-priority="elderly"]').click();
    await p.locator("#confirm:not([hidden])").waitFor(T);
    assert.equal(await renderedText(p.locator("#confirm-privacy")), "Alasan prioritas Anda dihapus setelah 30 hari.");
    await checkScreen(p, "privacy-kiosk-1080x1920-confirm");
    await p.locator("#confirm-back").click();
    await p.locator("#prio-none").click();
    await p.locator("#confirm-lane", { hasText: "Antrean biasa" }).waitFor(T);
    assert.equal(await p.locator("#confirm-privacy").isHidden(), true);
    await p.locator("#confirm-back").click();
    await p.locator('[data-priority="elderly"]').click();
    await p.locator("#confirm:not([hidden])").waitFor(T);

    // Opened on the confirmation; the focus in the notice, everything else out of reach.
    const fetched = p.waitForResponse((r) => new URL(r.url()).pathname === "/api/v1/privacy");
    await button.click();
    await fetched;
    const dialog = p.locator("#privacy");
    await dialog.waitFor(T);
    assert.equal(await focused(p), "privacy-body");
    assert.deepEqual(await p.evaluate(() => [/** @type {HTMLElement} */ (document.getElementById("top")).inert, /** @type {HTMLElement} */ (document.getElementById("main")).inert]), [true, true]);
    assert.equal(await renderedText(p.locator("#privacy-title")), "Privasi dan data pribadi Anda");
    assert.deepEqual(await dialog.locator("h3").allTextContents(), HEADINGS.id);
    const text = await renderedText(dialog);
    for (const part of [`${PRIVACY.controller} bertanggung jawab atas data ini.`, `Kantor layanan: ${OFFICE_NAME}`, "dihapus 30 hari", "paling lama 7 hari", PRIVACY.contact, "lapor.go.id"]) {
      assert.ok(text.includes(part), `missing "${part}" in the dialog:\n${text}`);
    }
    await lookKiosk(p, "privacy-kiosk-1080x1920");
    await readToTheEnd(p, "privacy-kiosk-1080x1920-end");
    await p.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden", ...T });
    assert.equal(await focused(p), "privacy-btn", "the focus back on Privasi");
    assert.equal(await renderedText(p.locator("#confirm-lane")), "Antrean prioritas: Lansia", "the step and its choice as they were");
    assert.equal(await p.evaluate(() => /** @type {HTMLElement} */ (document.getElementById("main")).inert), false);

    // Tutup, in English.
    await p.locator("#lang-btn").click();
    await p.locator("#confirm-title", { hasText: "Check before you take a number" }).waitFor(T);
    assert.equal(await renderedText(p.locator("#confirm-privacy")), "Your reason for priority is erased after 30 days.");
    await button.click();
    await dialog.locator("h3", { hasText: "How long we keep it" }).waitFor(T);
    assert.equal(await renderedText(p.locator("#privacy-close")), "Close");
    await lookKiosk(p, "privacy-kiosk-1080x1920-en");
    await p.locator("#privacy-close").click();
    await dialog.waitFor({ state: "hidden", ...T });
    assert.equal(await focused(p), "privacy-btn");
    assert.equal(await p.locator("#confirm:not([hidden])").count(), 1);
    await p.close();
  });

  it("kiosk 1920×1080: the notice fits, Tutup in view", async () => {
    const p = await kiosk(LANDSCAPE);
    await p.locator("#privacy-btn").click();
    await p.locator("#privacy").waitFor(T);
    await lookKiosk(p, "privacy-kiosk-1920x1080");
    await readToTheEnd(p, "privacy-kiosk-1920x1080-end");
    await p.locator("#privacy-close").click();
    await p.locator("#privacy").waitFor({ state: "hidden", ...T });
    assert.equal(await focused(p), "privacy-btn");
    await p.close();
  });

  it("kiosk: left alone with the notice open, the idle warning comes over it; 'still here' goes back into it, the reset closes it", async () => {
    const p = await kiosk(PORTRAIT, "&idle=5");
    // Opened on step 1, which otherwise never resets.
    await p.locator("#privacy-btn").click();
    await p.locator("#privacy").waitFor(T);
    const idle = p.locator("#idle:not([hidden])");
    await idle.waitFor(T);
    assert.equal(await focused(p), "idle-stay");
    assert.equal(await p.evaluate(() => document.elementFromPoint(innerWidth / 2, innerHeight / 2)?.closest("#idle") != null), true, "the warning over the notice");
    await checkScreen(p, "privacy-kiosk-1080x1920-idle");
    await p.locator("#idle-stay").click();
    assert.equal(await focused(p), "privacy-body", "back in the notice");
    await idle.waitFor(T);
    await p.locator("#idle-reset").click();
    await p.locator("#privacy").waitFor({ state: "hidden", ...T });
    await p.locator("#start:not([hidden])").waitFor(T);
    assert.equal(await p.evaluate(() => /** @type {HTMLElement} */ (document.getElementById("main")).inert), false);
    await p.close();
  });

  it("the audit view words an erasure of personal data, by the retention or on request", async () => {
    const kepala = { username: "kepala", password: "rahasia-admin-1" };
    antreanCli(server, ["user", "add", kepala.username, "--role", "admin"], { ANTREAN_PASSWORD: kepala.password });
    const p = await openPage(browser, { width: 1366, height: 768 });
    // Erasures come after a day has ended (the Rust tests make them, with a
    // clock of their own); here two are added to the log the server answers.
    // The office's log counts its own citizens' data; every log, the regency's.
    const erased = [
      { id: 9002, log: "@privacy", seq: 2, at: new Date().toISOString(), kind: "personal_erased", actor: "operator:siti", details: { events: [14], priority_reasons: 1, suggestions: 0, why: "request" } },
      { id: 9001, log: "@privacy", seq: 1, at: new Date(Date.now() - 3600e3).toISOString(), kind: "personal_erased", actor: "system", details: { events: [5, 9, 12], priority_reasons: 2, suggestions: 1, offices: { [OFFICE]: { priority_reasons: 1, suggestions: 1 }, "kantor-lain": { priority_reasons: 1, suggestions: 0 } }, why: "retention", before: "2026-09-01T00:00:00Z" } },
    ];
    await p.route(/\/api\/v1\/audit\?/, async (route) => {
      const res = await route.fetch();
      const page = await res.json();
      page.entries = [...erased, ...page.entries];
      await route.fulfill({ response: res, json: page });
    });
    await p.goto(`${server.url}/admin#audit`);
    await signInOnPage(p, kepala);
    await p.locator('#audit-list tr[data-kind="personal_erased"]').first().waitFor(T);
    const rows = () =>
      p.locator('#audit-list tr[data-kind="personal_erased"]').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].slice(1).map((td) => (td.textContent ?? "").replace(/\s+/g, " ").trim())));
    assert.deepEqual(await rows(), [
      ["Data pribadi dihapus: 1 alasan prioritas (atas permintaan)", "siti (baris perintah server)"],
      ["Data pribadi dihapus: 1 alasan prioritas, 1 saran (masa simpan berakhir)", "Sistem"],
    ]);
    await p.locator("#audit-filter-office").selectOption("all");
    await p.locator("#audit-filter button[type=submit]").click();
    await p.locator("#audit-list td", { hasText: "2 alasan prioritas, 1 saran" }).waitFor(T);
    assert.equal(await renderedText(p.locator('#audit-filter-kind optgroup[label="Data pribadi"] option[value="personal_erased"]')), "Data pribadi dihapus");
    /** Kinds of the filter shown as their key (no words in the language shown). */
    const unworded = () => p.locator("#audit-filter-kind option").evaluateAll((os) => os.map((o) => /** @type {HTMLOptionElement} */ (o)).filter((o) => o.value && (o.text === o.value || o.text.startsWith("audit."))).map((o) => o.value));
    assert.deepEqual(await unworded(), [], "every kind in words");
    await lookWhole(p, "privacy-admin-audit-1366x768");
    await p.locator("#lang-btn").click();
    await p.locator("#audit-list td", { hasText: "Personal data erased" }).first().waitFor(T);
    assert.deepEqual(await rows(), [
      ["Personal data erased: 1 priority reason (on request)", "siti (server command line)"],
      ["Personal data erased: 2 priority reasons, 1 suggestion (retention period over)", "System"],
    ]);
    assert.deepEqual(await unworded(), [], "every kind in words (en)");
    await lookWhole(p, "privacy-admin-audit-1366x768-en");
    await p.close();
  });
});

describe("nothing personal in the server's log", { timeout: 300000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;

  before(async () => {
    // As talkative as it gets: every crate at debug.
    server = await startServer({ env: { ANTREAN_LOG: "debug" } });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("after tickets with priority reasons, a priority confirmed, a survey with a suggestion and refused ones, the log holds none of them", async () => {
    const clerk = await sessionCookie(server, CLERK);
    const supervisor = await sessionCookie(server, SUPERVISOR);
    /** What must never be written: ticket codes, the reasons given, the suggestions. */
    const secrets = new Set(["pregnant", "disability", "elderly"]);

    // Online, on the phone: a ticket for the pregnant.
    const phone = await openPage(browser, PHONE, true);
    await phone.goto(`${server.url}/o/${OFFICE}`);
    await phone.locator('button[data-service="kartu-keluarga"]').click();
    await phone.locator("#lane").selectOption("pregnant");
    await phone.locator("#confirm-take").click();
    await phone.waitForURL(/\/t\/[0-9a-z]+$/, T);
    await phone.locator("#ticket-priority").waitFor(T);
    const online = new URL(phone.url()).pathname.split("/").pop() ?? "";
    secrets.add(online);

    // At the kiosk: one for a person with a disability.
    const kiosk = await openPage(browser, PORTRAIT);
    await kiosk.goto(`${server.url}/kiosk/${OFFICE}#device=${server.token}`);
    await kiosk.locator('button[data-service="akta"]').click();
    await kiosk.locator('[data-priority="disability"]').click();
    await kiosk.locator("#confirm-take").click();
    const atKiosk = (await kioskQr(kiosk)).code;
    secrets.add(atKiosk);
    await kiosk.close();
    // And one over the API, with the elderly's reason.
    const other = await server.takeOnline("akta", "elderly");
    secrets.add(other.code);

    // The help desk confirms the online claim; both are served.
    const number = (await server.api(`/tickets/${online}`)).number;
    await server.api(`/offices/${OFFICE}/tickets/${number}/priority/confirm`, { method: "POST", headers: { cookie: clerk } });
    for (const [counter, code] of [["2", online], ["4", atKiosk]]) {
      const n = (await server.api(`/tickets/${code}`)).number;
      await server.counter(clerk, counter, "open");
      await server.counter(clerk, counter, "call", { number: n });
      await server.counter(clerk, counter, "start");
      await server.counter(clerk, counter, "finish");
      await server.counter(clerk, counter, "close");
    }

    // The citizen answers the survey with a suggestion, on the phone.
    const suggestion = "Kursi ruang tunggu kurang, mohon tambah kipas angin dekat loket dua";
    secrets.add(suggestion);
    await phone.locator("#survey-form").waitFor(T);
    for (let i = 0; i < 9; i++) {
      await phone.locator('#survey-form input[value="3"]').check();
      await phone.locator("#survey-next").click();
    }
    await phone.locator("#suggestion").fill(suggestion);
    await phone.locator("#survey-submit").click();
    await phone.locator("#survey-thanks").waitFor(T);
    await phone.close();
    // Refused ones: a second answer, and one too long.
    /** @param {string} code @param {string} text */
    const survey = (code, text) =>
      fetch(`${server.url}/api/v1/tickets/${code}/survey`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ answers: Array(9).fill(3), suggestion: text }) });
    const again = "Saran kedua yang ditolak karena survei sudah diisi";
    const long = `Saran terlalu panjang ${"sekali ".repeat(200)}`;
    secrets.add(again);
    secrets.add(long.slice(0, 40));
    assert.ok((await survey(online, again)).status >= 400, "a second answer is refused");
    assert.ok((await survey(atKiosk, long)).status >= 400, "a suggestion too long is refused");
    // A supervisor reads the log and the report (which count the reasons).
    await server.api("/audit?limit=50", { headers: { cookie: supervisor } });
    await server.api(`/offices/${OFFICE}/report`, { headers: { cookie: supervisor } });

    // Started again on the same data (rebuilt from it), then stopped.
    await server.restart();
    await server.api(`/tickets/${other.code}`);
    await server.stop();

    const log = server.logs.join("");
    fs.writeFileSync(path.join(ARTIFACTS, "privacy-server-log.txt"), log);
    assert.match(log, /serving on/, "the log was read");
    assert.match(log, /DEBUG/, "at debug level");
    const found = [...secrets].filter((s) => log.toLowerCase().includes(s.toLowerCase()));
    assert.deepEqual(found, [], "personal data or ticket codes in the server's log (artifacts/privacy-server-log.txt)");
  });
});
