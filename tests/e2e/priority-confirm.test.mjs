// A priority reason claimed online waits until staff in the hall confirm
// it: on a 360×740 phone the citizen chooses "Lansia" while taking a
// number (the page solves the office's proof of work in a Web Worker), and
// the ticket says "prioritas menunggu konfirmasi petugas" while it waits
// behind a regular ticket taken before; at 1366×768 the help desk lists the
// claim and confirms it ("Konfirmasi prioritas"), the phone shows it live
// and the number is first in line; a second claim is confirmed from the
// counter page, whose row stays in place while the list is fetched again;
// the audit log names who confirmed each. The same phone is
// refused a second ticket for the service while the first waits.
// Screenshots in artifacts/, axe-core on every state.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { CLERK, OFFICE, SUPERVISOR, addStaff, checkScreen, launchBrowser, openPage, renderedText, sessionCookie, signInOnPage, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };
const DESK = { username: "informasi1", password: "rahasia-meja-info" };
const PHONE = { width: 360, height: 740 };
const WIDE = { width: 1366, height: 768 };

describe("a priority claimed online", { timeout: 180000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {import("playwright-core").Page} */ let phone;
  /** @type {import("playwright-core").Page} */ let desk;
  let number = "";

  before(async () => {
    server = await startServer();
    addStaff(server, DESK, "help_desk");
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it("is chosen on the phone, and the ticket waits as a regular one until staff confirm it", async () => {
    // Someone took a regular number online before.
    await server.takeOnline("ktp-el");
    phone = await openPage(browser, PHONE, true);
    await phone.goto(`${server.url}/o/${OFFICE}`);
    await phone.locator('button[data-service="ktp-el"]').click();
    await phone.locator("#lane").selectOption("elderly");
    await checkScreen(phone, "priority-claim-choose-360");
    await phone.locator("#confirm-take").click();
    await phone.locator("#ticket-number").waitFor(T);
    number = ((await phone.locator("#ticket-number").innerText()).split(/\s+/).pop() ?? "").trim();
    assert.match(number, /^A\d{3}$/);
    const pending = phone.locator("#ticket-priority.priority-pending");
    await pending.waitFor(T);
    assert.match(await renderedText(pending), /^Prioritas \(Lansia\) menunggu konfirmasi petugas\./);
    // Behind the regular ticket taken before it.
    assert.equal(await phone.locator("#ticket-ahead").innerText(), "1");
    await checkScreen(phone, "priority-claim-pending-360");
  });

  it("a second ticket for the same service is refused on the same phone", async () => {
    await phone.goto(`${server.url}/o/${OFFICE}`);
    await phone.locator('button[data-service="ktp-el"]').click();
    await phone.locator("#confirm-take").click();
    const err = phone.locator(".error-msg[role=alert]");
    await err.waitFor(T);
    assert.match(await renderedText(err), /sudah memegang nomor antrean untuk layanan ini/);
    await phone.locator("#held-ticket").click();
    await phone.locator("#ticket-priority.priority-pending").waitFor(T);
  });

  it("the help desk lists the claim and confirms it; the phone shows it live, first in line", async () => {
    desk = await openPage(browser, WIDE);
    await desk.goto(`${server.url}/desk/${OFFICE}`);
    await signInOnPage(desk, DESK);
    const row = desk.locator(`#claims .claims-row[data-number="${number}"]`);
    await row.waitFor(T);
    assert.match(await renderedText(row), new RegExp(`${number} Lansia KTP Elektronik · Menunggu Konfirmasi prioritas`));
    await row.scrollIntoViewIfNeeded();
    await checkScreen(desk, "priority-claim-desk-1366");
    await row.locator("button.claims-confirm").click();
    await desk.locator("#claims .claims-done", { hasText: `Prioritas nomor ${number} dikonfirmasi.` }).waitFor(T);
    await desk.locator("#claims-none").waitFor(T);
    await checkScreen(desk, "priority-claim-desk-confirmed-1366");

    await phone.locator("#ticket-priority.priority-ok", { hasText: "Prioritas: Lansia" }).waitFor(T);
    await phone.locator("#ticket-ahead", { hasText: "0" }).waitFor(T);
    await checkScreen(phone, "priority-claim-confirmed-360");
  });

  it("a clerk confirms another claim at the counter, and the audit log names who confirmed each", async () => {
    const other = await server.takeOnline("kartu-keluarga", "pregnant");
    assert.equal(other.priority_confirmed, false);
    const counter = await openPage(browser, WIDE);
    await counter.goto(`${server.url}/counter/${OFFICE}`);
    await signInOnPage(counter, CLERK);
    const pick = counter.locator("#pick:not([hidden]) button").first();
    await pick.waitFor(T);
    await pick.click();
    const row = counter.locator(`#claims .claims-row[data-number="${other.number}"]`);
    await row.waitFor(T);
    assert.match(await renderedText(row), /Ibu hamil/);
    // Another ticket in the office makes the list fetch again: the row, and
    // the button a clerk may be tapping, stay the same element.
    const before = await row.elementHandle();
    const refreshed = counter.waitForResponse((r) => r.url().includes("/priority-claims"));
    await server.takeOnline("ktp-el");
    await refreshed;
    assert.equal(await before?.evaluate((el) => el.isConnected), true);
    await row.scrollIntoViewIfNeeded();
    await checkScreen(counter, "priority-claim-counter-1366");
    await row.locator("button.claims-confirm").click();
    await counter.locator("#claims-none").waitFor(T);

    const cookie = await sessionCookie(server, SUPERVISOR);
    const { entries } = await server.api(`/audit?office=${OFFICE}`, { headers: { cookie } });
    const confirmed = entries.filter((/** @type {any} */ e) => e.kind === "priority_confirmed").map((/** @type {any} */ e) => [e.actor, e.details?.number]);
    assert.deepEqual(confirmed.sort(), [
      [`user:${CLERK.username}`, other.number],
      [`user:${DESK.username}`, number],
    ].sort());
  });
});
