// The help desk (/desk/{office}): a signed-out visitor sees the sign-in
// card; a help-desk account of another office is told so; the petugas
// informasi signs in and, with the keyboard only, issues an elderly
// citizen's ticket in the priority lane after confirming they checked it
// (the audit log names them), sees it waiting in the priority lane, shows
// its QR code (read back with zbarimg) and prints its PDF with the
// browser; an office printer chosen once is kept and prints the next
// ticket; services that would be refused say so on their card, and a
// refusal the page did not know yet is said next to the issue button.
// Every state at 1366×768 and 1920×1080, screenshots in artifacts/, axe-core.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { ARTIFACTS, OFFICE, PUBLIC_BASE_URL, SUPERVISOR, antreanCli, checkScreen, launchBrowser, openPage, readQr, renderedText, signInOnPage, startServer } from "./helpers.mjs";

const T = { timeout: 15000 };
const DESK = { username: "informasi1", password: "rahasia-meja-info" };
const SIZES = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
];

describe("the help desk", { timeout: 240000 }, () => {
  /** @type {Awaited<ReturnType<typeof startServer>>} */ let server;
  /** @type {import("playwright-core").Browser} */ let browser;
  /** @type {net.Server} */ let printer;
  /** What the test printer received, one buffer per connection. @type {Buffer[]} */
  const printed = [];
  let supervisor = "";

  before(async () => {
    server = await startServer();
    antreanCli(server, ["user", "add", DESK.username, "--role", "help_desk", "--office", OFFICE], { ANTREAN_PASSWORD: DESK.password });
    browser = await launchBrowser();
    // A network ticket printer (ESC/POS over TCP) that keeps what it gets.
    printer = net.createServer((sock) => {
      const chunks = /** @type {Buffer[]} */ ([]);
      sock.on("data", (d) => chunks.push(d));
      sock.on("end", () => printed.push(Buffer.concat(chunks)));
    });
    await new Promise((r) => printer.listen(0, "127.0.0.1", () => r(null)));
    const port = /** @type {net.AddressInfo} */ (printer.address()).port;
    supervisor = await cookieOf(SUPERVISOR);
    await server.api(`/offices/${OFFICE}/printers/meja-1`, { method: "PUT", body: { address: `127.0.0.1:${port}`, paper: "80mm" }, headers: { cookie: supervisor } });
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    printer?.close();
  });

  /** Signs in over the API; the cookie header. @param {{username: string, password: string}} user */
  async function cookieOf(user) {
    const res = await fetch(`${server.url}/api/v1/session`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(user) });
    assert.equal(res.status, 200, `sign-in of ${user.username}`);
    return (res.headers.get("set-cookie") ?? "").split(";")[0];
  }

  /** The desk page at this size, signed in as the help desk. @param {{width: number, height: number}} size */
  async function signedInDesk(size) {
    const p = await openPage(browser, size);
    await p.goto(`${server.url}/desk/${OFFICE}`);
    await signInOnPage(p, DESK);
    await p.locator("#issue:not([hidden])").waitFor(T);
    return p;
  }

  /** The id of the focused element. @param {import("playwright-core").Page} p */
  const focused = (p) => p.evaluate(() => document.activeElement?.id ?? "");

  for (const { width: w, height: h } of SIZES) {
    it(`at ${w}×${h}, a signed-out visitor sees the sign-in card`, async () => {
      const p = await openPage(browser, { width: w, height: h });
      await p.goto(`${server.url}/desk/${OFFICE}`);
      await p.locator("#signin:not([hidden]) #signin-form").waitFor(T);
      assert.equal(await renderedText(p.locator("#signin-title")), "Masuk petugas informasi");
      assert.equal(await p.locator("#issue").isHidden(), true);
      assert.equal(await p.locator("#sign-out").isHidden(), true);
      assert.equal(await focused(p), "username");
      await checkScreen(p, `desk-${w}x${h}-signin`);
      await p.context().close();
    });
  }

  it("a help-desk account of another office is told so on the sign-in card", async () => {
    const p = await openPage(browser, SIZES[0]);
    await p.route("**/api/v1/session", (route) =>
      route.request().method() === "GET"
        ? route.fulfill({ json: { username: "informasi9", role: "help_desk", office: "kantor-lain", must_change_password: false } })
        : route.continue(),
    );
    await p.goto(`${server.url}/desk/${OFFICE}`);
    await p.locator("#signin-error:not([hidden])").waitFor(T);
    assert.equal(await renderedText(p.locator("#signin-error")), "Akun ini bukan untuk kantor ini.");
    assert.equal(await p.locator("#issue").isHidden(), true);
    await p.context().close();
  });

  for (const { width: w, height: h } of SIZES) {
    it(`at ${w}×${h}, issues an elderly citizen's ticket with the keyboard, confirmed, shows its QR code and prints it with the browser`, async () => {
      const p = await signedInDesk({ width: w, height: h });
      assert.equal(await renderedText(p.locator("#whoami")), "informasi1 (petugas informasi)");
      const before = (await server.api(`/offices/${OFFICE}`)).services.find((/** @type {any} */ s) => s.id === "ktp-el").waiting;
      const card = p.locator('#services [data-service="ktp-el"]');
      assert.match(await renderedText(card), new RegExp(`^A KTP Elektronik Menunggu: ${before} orang Perkiraan tunggu: .+ Sisa kuota: \\d+$`));
      assert.equal(await p.locator("#lane-regular").isChecked(), true);
      await checkScreen(p, `desk-${w}x${h}-choose`);

      // Keyboard only: the first service has the focus; Space chooses it,
      // Tab to the lane, arrows to "Lansia", Tab past the printer to the button.
      assert.equal(await focused(p), "svc-ktp-el");
      await p.keyboard.press("Space");
      await p.keyboard.press("Tab");
      assert.equal(await focused(p), "lane-regular");
      await p.keyboard.press("ArrowDown");
      assert.equal(await focused(p), "lane-elderly");
      assert.equal(await p.locator("#lane-elderly").isChecked(), true);
      assert.equal(await renderedText(p.locator("#summary")), "Akan diterbitkan: KTP Elektronik · Prioritas: Lansia");
      await p.keyboard.press("Tab");
      assert.equal(await focused(p), "printer");
      await p.keyboard.press("Tab");
      assert.equal(await focused(p), "issue-btn");
      await checkScreen(p, `desk-${w}x${h}-chosen`);
      await p.keyboard.press("Enter");

      // The confirm step: nothing is issued before it.
      await p.locator("#confirm[open]").waitFor(T);
      assert.equal(await renderedText(p.locator("#confirm-text")), "Saya telah memeriksa: Lansia.");
      assert.match(await renderedText(p.locator("#confirm-note")), /dilayani lebih dulu, dan tercatat diterbitkan oleh informasi1\.$/);
      assert.equal(await focused(p), "confirm-ok");
      assert.equal((await server.api(`/offices/${OFFICE}`)).services.find((/** @type {any} */ s) => s.id === "ktp-el").waiting, before);
      await checkScreen(p, `desk-${w}x${h}-confirm`);
      await p.keyboard.press("Enter");

      await p.locator("#result:not([hidden])").waitFor(T);
      const number = (await p.locator("#result-number").textContent()) ?? "";
      assert.match(number, /^A\d{3}$/);
      assert.equal(await renderedText(p.locator("#result-prio")), "Prioritas: Lansia");
      assert.equal(await renderedText(p.locator("#result-service")), "KTP Elektronik");
      assert.equal(await focused(p), "result-title");

      // The QR code is the server's image of this ticket's page, readable.
      const img = p.locator("#result-qr img");
      await p.waitForFunction(() => {
        const el = /** @type {HTMLImageElement | null} */ (document.querySelector("#result-qr img"));
        return !!el && el.complete && el.naturalWidth > 0;
      }, null, T);
      const code = decodeURIComponent(/\/tickets\/([^/]+)\/qr\.svg$/.exec((await img.getAttribute("src")) ?? "")?.[1] ?? "");
      assert.match(code, /^[0-9a-hjkmnp-tv-z]{23}$/);
      assert.equal(await img.getAttribute("alt"), `Kode QR menuju halaman nomor antrean ${number}`);
      const qrFile = path.join(ARTIFACTS, `desk-${w}x${h}-qr.png`);
      await img.screenshot({ path: qrFile });
      assert.equal(readQr(qrFile), `${PUBLIC_BASE_URL}/t/${code}`);
      await checkScreen(p, `desk-${w}x${h}-result`);

      // Waiting in the priority lane, issued by the help desk at the counter channel.
      const tk = await server.api(`/tickets/${code}`);
      assert.deepEqual([tk.number, tk.status, tk.priority, tk.channel], [number, "waiting", "elderly", "counter"]);
      assert.equal((await server.api(`/offices/${OFFICE}`)).services.find((/** @type {any} */ s) => s.id === "ktp-el").waiting, before + 1);
      const snapshot = await p.evaluate(
        (office) =>
          new Promise((resolve, reject) => {
            const ws = new WebSocket(`ws://${location.host}/api/v1/offices/${office}/live`);
            ws.onmessage = (m) => {
              resolve(JSON.parse(m.data));
              ws.close();
            };
            ws.onerror = reject;
          }),
        OFFICE,
      );
      const next = /** @type {any} */ (snapshot).services.find((/** @type {any} */ s) => s.service === "ktp-el").next;
      assert.deepEqual(next.find((/** @type {any} */ q) => q.number === number), { number, priority: true });
      // The audit log names who issued it.
      const db = path.join(server.dir, "data", "antrean.db");
      const actor = execFileSync("sqlite3", [db, `SELECT actor FROM events WHERE kind = 'ticket_issued' AND body LIKE '%${code}%'`], { encoding: "utf8" }).trim();
      assert.equal(actor, "user:informasi1");

      // Printing with the browser asks for the ticket's PDF, which the
      // server gives. (The frame then gets a blank page instead: headless
      // Chromium's PDF viewer may crash when asked to print.)
      /** @type {(r: {status: number, type: string}) => void} */ let gotPdf = () => {};
      const pdf = new Promise((r) => (gotPdf = r));
      await p.route(`**/api/v1/tickets/${code}/ticket.pdf?paper=80mm`, async (route) => {
        const res = await route.fetch();
        gotPdf({ status: res.status(), type: res.headers()["content-type"] });
        await route.fulfill({ contentType: "text/html", body: "<!doctype html><title>ticket</title>" });
      });
      await p.locator("#print-browser").click();
      assert.deepEqual(await pdf, { status: 200, type: "application/pdf" });
      await p.locator("#print-status", { hasText: "Tiket dikirim ke jendela cetak browser." }).waitFor(T);

      // Next citizen: nothing chosen, the regular lane, the focus on the services.
      await p.locator("#next").click();
      await p.locator("#issue:not([hidden])").waitFor(T);
      assert.equal(await p.locator("#services input:checked").count(), 0);
      assert.equal(await p.locator("#lane-regular").isChecked(), true);
      assert.equal(await focused(p), "svc-ktp-el");
      await p.context().close();
    });
  }

  it("an office printer chosen once is kept on this computer and prints the ticket as it is issued", async () => {
    const p = await signedInDesk(SIZES[0]);
    assert.deepEqual(await p.locator("#printer option").allTextContents(), ["Tidak — tampilkan kode QR saja", "kiosk-1 (kertas 80mm)", "meja-1 (kertas 80mm)"]);
    await p.locator("#printer").selectOption("meja-1");
    await p.reload();
    await p.locator("#issue:not([hidden])").waitFor(T);
    assert.equal(await p.locator("#printer").inputValue(), "meja-1");
    // A regular ticket: no confirm step.
    await p.locator('#services [data-service="kartu-keluarga"]').click();
    await p.locator("#issue-btn").click();
    await p.locator("#result:not([hidden])").waitFor(T);
    const number = (await p.locator("#result-number").textContent()) ?? "";
    assert.match(number, /^B\d{3}$/);
    assert.equal(await p.locator("#result-prio").isHidden(), true);
    await p.locator("#print-status", { hasText: "Tiket dicetak di printer meja-1." }).waitFor(T);
    for (let i = 0; i < 50 && printed.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    const job = printed.at(-1) ?? Buffer.alloc(0);
    assert.deepEqual([...job.subarray(0, 2)], [0x1b, 0x40], "ESC @ starts the job");
    assert.ok(job.includes(Buffer.from(number)), `the job has ${number}`);
    // Printed again (the paper jammed): the same ticket, once more.
    const jobs = printed.length;
    await p.locator("#print-again", { hasText: "Cetak lagi di meja-1" }).click();
    await p.locator("#print-status", { hasText: "Tiket dicetak di printer meja-1." }).waitFor(T);
    for (let i = 0; i < 50 && printed.length === jobs; i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok((printed.at(-1) ?? Buffer.alloc(0)).includes(Buffer.from(number)), "printed again");
    // A printer that is off: why, in the page's language, next to the buttons.
    const off = net.createServer();
    await new Promise((r) => off.listen(0, "127.0.0.1", () => r(null)));
    const offPort = /** @type {net.AddressInfo} */ (off.address()).port;
    await new Promise((r) => off.close(() => r(null)));
    await server.api(`/offices/${OFFICE}/printers/meja-1`, { method: "PUT", body: { address: `127.0.0.1:${offPort}`, paper: "80mm" }, headers: { cookie: supervisor } });
    await p.locator("#print-again").click();
    const status = p.locator("#print-status.is-error");
    await status.waitFor(T);
    assert.match((await status.textContent()) ?? "", /Tiket tidak tercetak di printer meja-1\..*bukan sebagai printer/);
    await server.api(`/offices/${OFFICE}/printers/meja-1`, { method: "PUT", body: { address: `127.0.0.1:${/** @type {net.AddressInfo} */ (printer.address()).port}`, paper: "80mm" }, headers: { cookie: supervisor } });
    await p.context().close();
  });

  it("services the server would refuse say so on their card, live, and cannot be chosen", async () => {
    const p = await signedInDesk(SIZES[1]);
    // Stopped by staff, with their message.
    await server.api(`/offices/${OFFICE}/services/pindah-datang/suspend`, { body: { message: "Blanko habis, kembali besok" }, headers: { cookie: supervisor } });
    const stopped = p.locator('#services [data-service="pindah-datang"]');
    await stopped.locator(".d-svc-off").waitFor(T);
    assert.equal(await renderedText(stopped), "D Pindah Datang Layanan dihentikan sementara Blanko habis, kembali besok");
    assert.equal(await stopped.locator("input").isDisabled(), true);
    // The quota used up: one taken online, then the day's quota set to one.
    await server.takeOnline("akta");
    const config = await server.api(`/offices/${OFFICE}/config`, { headers: { cookie: supervisor } });
    Object.assign(config.services.find((/** @type {any} */ s) => s.id === "akta"), { quota: 1, quota_online: 1 });
    await server.api(`/offices/${OFFICE}/config`, { method: "PUT", body: config, headers: { cookie: supervisor } });
    const used = p.locator('#services [data-service="akta"]');
    await used.locator(".d-svc-off", { hasText: "Kuota habis" }).waitFor(T);
    assert.equal(await used.locator("input").isDisabled(), true);
    await checkScreen(p, "desk-1920x1080-refusals");
    await p.setViewportSize(SIZES[0]);
    await checkScreen(p, "desk-1366x768-refusals");
    await p.context().close();
  });

  it("a refusal the page did not know yet is said next to the issue button, in the page's language", async () => {
    const p = await openPage(browser, SIZES[0]);
    // No live stream: the page does not hear that the service stops.
    await p.routeWebSocket(/\/live/, () => {});
    await p.goto(`${server.url}/desk/${OFFICE}`);
    await p.locator("#signin-form").waitFor(T);
    await p.locator("#lang-btn").click();
    await p.locator("#signin-title", { hasText: "Help desk sign-in" }).waitFor(T);
    await signInOnPage(p, DESK);
    await p.locator("#issue:not([hidden])").waitFor(T);
    await p.locator('#services [data-service="perizinan"]').click();
    await server.api(`/offices/${OFFICE}/services/perizinan/suspend`, { body: { message: "Sistem OSS gangguan" }, headers: { cookie: supervisor } });
    await p.locator("#issue-btn").click();
    const err = p.locator("#issue-error");
    await err.waitFor({ state: "visible", ...T });
    assert.match(await renderedText(err), /has been stopped for now\. No ticket can be taken\.$/);
    // The office fetched again: its card says so now.
    await p.locator('#services [data-service="perizinan"] .d-svc-off', { hasText: "stopped" }).waitFor(T);
    await checkScreen(p, "desk-1366x768-refused-en");
    // Signing out shows the sign-in card again.
    await p.locator("#sign-out").click();
    await p.locator("#signin:not([hidden]) #signin-form").waitFor(T);
    assert.equal(await p.locator("#issue").isHidden(), true);
    await p.context().close();
  });
});
