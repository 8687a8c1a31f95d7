// Shared helpers of the browser tests: the real `antrean` binary on a
// temporary config and data directory, Debian's chromium through
// playwright-core, axe-core, and a recorder in place of speech synthesis.
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { solve } from "../../shared-ui/sha256.js";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "../..");
export const BIN = path.join(ROOT, "target/debug/antrean");
export const ARTIFACTS = path.join(here, "artifacts");
export const OFFICE = "mpp-lampung-utara";
export const CLERK = { username: "petugas1", password: "rahasia-loket-1" };
export const SUPERVISOR = { username: "supervisor1", password: "rahasia-super-1" };
/**
 * The `public_base_url` the test server is given: the address in ticket QR
 * codes, deliberately not the one the browser uses, so a test can tell that
 * a QR code was drawn by the server from its configuration.
 */
export const PUBLIC_BASE_URL = "http://antrean.test:8080";
/** The online tickets' proof of work in the tests: real, and quick (~256 tries). */
export const PROOF_BITS = 8;
fs.mkdirSync(ARTIFACTS, { recursive: true });

/**
 * Starts the server with a copy of config/ (opening hours and closed days dropped, so tests
 * run at any hour) and an empty data directory; adds a clerk, a supervisor
 * and a kiosk device. `officeToml` is appended to the office's file (e.g. a
 * `[[closed]]` table for today, or a `[[services]]` with hours of its own),
 * `mainToml` to antrean.toml (e.g. a `[privacy]` table); `env` is added
 * to the server's environment (`ANTREAN_LOG=debug`). What the server
 * writes, stdout and stderr, is kept in `logs`.
 * @param {{officeToml?: string, mainToml?: string, env?: Record<string, string>}} [opts]
 */
export async function startServer(opts = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "antrean-e2e-"));
  const config = path.join(dir, "config");
  const data = path.join(dir, "data");
  fs.cpSync(path.join(ROOT, "config"), config, { recursive: true });
  const officeFile = path.join(config, "offices", `${OFFICE}.toml`);
  fs.writeFileSync(officeFile, fs.readFileSync(officeFile, "utf8").replace(/^hours\s*=.*$/gm, "").replace(/^closed\s*=\s*\[[\s\S]*?^\]\s*$/m, ""));
  if (opts.officeToml) fs.appendFileSync(officeFile, `\n${opts.officeToml}\n`);
  const mainFile = path.join(config, "antrean.toml");
  const main = fs.readFileSync(mainFile, "utf8");
  if (!/^public_base_url\s*=/m.test(main)) throw new Error("config/antrean.toml has no public_base_url line");
  fs.writeFileSync(
    mainFile,
    main
      .replace(/^public_base_url\s*=.*$/m, `public_base_url = ${JSON.stringify(PUBLIC_BASE_URL)}`)
      // The real proof of work, at a difficulty that keeps tests quick.
      .replace(/^online_proof_bits\s*=.*$/m, `online_proof_bits = ${PROOF_BITS}`)
      // One browser takes many tickets here (crates/antrean-server/tests/
      // security.rs checks the share).
      .replace(/^online_share_per_ip_percent\s*=.*$/m, "online_share_per_ip_percent = 100") + (opts.mainToml ? `\n${opts.mainToml}\n` : ""),
  );
  fs.mkdirSync(data);
  const cli = (/** @type {string[]} */ args, env = {}) =>
    execFileSync(BIN, ["--config", config, "--data", data, ...args], { env: { ...process.env, ...env }, encoding: "utf8" });
  cli(["user", "add", CLERK.username, "--role", "clerk", "--office", OFFICE], { ANTREAN_PASSWORD: CLERK.password });
  cli(["user", "add", SUPERVISOR.username, "--role", "supervisor", "--office", OFFICE], { ANTREAN_PASSWORD: SUPERVISOR.password });
  const token = cli(["device", "add", "kiosk-1", "--office", OFFICE]).trim().split("\n")[0].trim();

  const server = {
    dir,
    token,
    url: "",
    /** @type {import("node:child_process").ChildProcess | null} */
    proc: null,
    logs: /** @type {string[]} */ ([]),
    async start(listen = "127.0.0.1:0") {
      const proc = spawn(BIN, ["--config", config, "--data", data, "serve", "--listen", listen], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...opts.env } });
      this.proc = proc;
      proc.stderr?.on("data", (d) => this.logs.push(String(d)));
      const rl = readline.createInterface({ input: /** @type {import("node:stream").Readable} */ (proc.stdout) });
      rl.on("line", (line) => this.logs.push(`${line}\n`));
      this.url = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("server did not start:\n" + this.logs.join(""))), 20000);
        proc.once("exit", (code) => reject(new Error(`server exited (${code}):\n${this.logs.join("")}`)));
        rl.once("line", (line) => {
          clearTimeout(timer);
          const m = /serving on (http:\/\/\S+)/.exec(line);
          if (m) resolve(m[1]);
          else reject(new Error("unexpected first line: " + line));
        });
      });
      return this.url;
    },
    async stop() {
      const proc = this.proc;
      if (!proc || proc.exitCode !== null) return;
      // Once its output is read to the end, too.
      const exited = new Promise((r) => proc.once("close", r));
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 10000);
      await exited;
      clearTimeout(t);
      this.proc = null;
    },
    /** Stops and starts the same binary on the same port and data. */
    async restart() {
      const listen = new URL(this.url).host;
      await this.stop();
      for (let i = 0; ; i++) {
        try {
          return await this.start(listen);
        } catch (e) {
          if (i >= 20) throw e;
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    },
    async close() {
      await this.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    /** JSON API call from the test itself. */
    async api(/** @type {string} */ p, /** @type {{method?: string, body?: unknown, headers?: Record<string,string>}} */ opts = {}) {
      const res = await fetch(this.url + "/api/v1" + p, {
        method: opts.method ?? (opts.body ? "POST" : "GET"),
        headers: { ...(opts.body ? { "content-type": "application/json" } : {}), ...(opts.headers ?? {}) },
        body: opts.body ? JSON.stringify(opts.body) : undefined,
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${p}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : null;
    },
    /** Signs in as the clerk; returns the cookie header. */
    async clerkCookie() {
      const res = await fetch(this.url + "/api/v1/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(CLERK),
      });
      if (!res.ok) throw new Error("sign-in failed: " + res.status);
      return (res.headers.get("set-cookie") ?? "").split(";")[0];
    },
    async counter(/** @type {string} */ cookie, /** @type {string} */ counter, /** @type {string} */ action, /** @type {unknown} */ body) {
      return this.api(`/offices/${OFFICE}/counters/${counter}/${action}`, { method: "POST", body, headers: { cookie } });
    },
    /** A solved challenge of the office, as an online ticket's `proof`. */
    async proof() {
      const c = await this.api(`/offices/${OFFICE}/challenge`);
      return { challenge: c.challenge, nonce: solve(c.salt, c.bits) };
    },
    async takeOnline(/** @type {string} */ service, /** @type {string | null} */ priority = null) {
      return this.api(`/offices/${OFFICE}/tickets`, { body: { service, priority, channel: "online", proof: await this.proof() } });
    },
  };
  await server.start();
  return server;
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--autoplay-policy=no-user-gesture-required",
    ],
  });
}

/**
 * Replaces speech synthesis with a recorder that "speaks" each utterance
 * one after another like a real engine, and counts cancels: for 400 ms
 * each, or, given `msPerChar`, for that long per character at rate 1 (a
 * real engine's pace: 70 ms is about 14 characters a second, a normal
 * Indonesian voice), slower or faster with the utterance's rate. Installed
 * with `page.addInitScript(speechRecorder, {msPerChar: 70})`.
 * @param {{msPerChar?: number}} [pace]
 */
export function speechRecorder(pace) {
  /** @type {any} */
  const w = window;
  w.__spoken = [];
  w.__cancelled = 0;
  class FakeUtterance {
    /** @param {string} text */
    constructor(text) {
      this.text = text;
      this.lang = "";
      this.rate = 1;
      this.volume = 1;
      this.voice = null;
      /** @type {any} */ this.onend = null;
      /** @type {any} */ this.onerror = null;
    }
  }
  const synth = {
    speaking: false,
    pending: false,
    paused: false,
    /** @type {any[]} */ queue: [],
    /** @param {any} u */
    speak(u) {
      this.queue.push(u);
      if (!this.speaking) this.next();
    },
    next() {
      const u = this.queue.shift();
      if (!u) {
        this.speaking = false;
        return;
      }
      this.speaking = true;
      const rec = { text: u.text, lang: u.lang, rate: u.rate, start: performance.now(), end: 0 };
      w.__spoken.push(rec);
      const ms = !u.text ? 0 : pace?.msPerChar ? (u.text.length * pace.msPerChar) / (u.rate || 1) : 400;
      setTimeout(() => {
        rec.end = performance.now();
        this.speaking = false;
        u.onend?.({});
        this.next();
      }, ms);
    },
    cancel() {
      w.__cancelled++;
      this.queue = [];
    },
    getVoices() {
      return [{ name: "Uji", lang: "id-ID", default: true, localService: true, voiceURI: "uji" }];
    },
    addEventListener() {},
    removeEventListener() {},
    pause() {},
    resume() {},
  };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  w.SpeechSynthesisUtterance = FakeUtterance;
}

/** What the page has spoken (non-empty utterances). */
export async function spoken(/** @type {import("playwright-core").Page} */ page) {
  return page.evaluate(() => /** @type {any} */ (window).__spoken.filter((/** @type {any} */ s) => s.text));
}

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core; returns its moderate, serious and critical violations. */
export async function axe(/** @type {import("playwright-core").Page} */ page) {
  // Evaluated through the debugging protocol: the server's
  // Content-Security-Policy rightly refuses an inline script tag.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const r = await /** @type {any} */ (window).axe.run(document, { resultTypes: ["violations"] });
    return r.violations.map((/** @type {any} */ v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 3).map((/** @type {any} */ n) => n.target.join(" ") + " — " + n.failureSummary),
    }));
  });
  return violations.filter((v) => v.impact !== "minor");
}

export async function screenshot(/** @type {import("playwright-core").Page} */ page, /** @type {string} */ name) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}

/**
 * Waits until the kiosk's result shows its QR image, loaded from the server
 * (`/api/v1/tickets/{code}/qr.svg`) and drawn at a readable size; returns
 * the ticket code from its address, its alt text and its size on screen.
 * @param {import("playwright-core").Page} page
 */
export async function kioskQr(page) {
  const img = page.locator("#result-qr img");
  await img.waitFor({ timeout: 15000 });
  await page.waitForFunction(() => {
    const el = /** @type {HTMLImageElement | null} */ (document.querySelector("#result-qr img"));
    return !!el && el.complete;
  }, null, { timeout: 15000 });
  const info = await img.evaluate((el) => {
    const i = /** @type {HTMLImageElement} */ (el);
    const r = i.getBoundingClientRect();
    return { src: new URL(i.src).pathname, alt: i.alt, naturalWidth: i.naturalWidth, width: r.width, height: r.height };
  });
  const m = /^\/api\/v1\/tickets\/([^/]+)\/qr\.svg$/.exec(info.src);
  if (!m) throw new Error("the QR image's address is not the server's qr.svg: " + info.src);
  if (info.naturalWidth === 0) throw new Error("the QR image did not load: " + info.src);
  return { code: decodeURIComponent(m[1]), ...info };
}

/** zbarimg's reading of a PNG, or null when zbarimg is not installed. */
export function readQr(/** @type {string} */ file) {
  try {
    const out = execFileSync("zbarimg", ["-q", "--raw", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return out.trim();
  } catch (e) {
    if (/** @type {any} */ (e).code === "ENOENT") return null;
    throw e;
  }
}

/**
 * A page in a fresh browser context of this size (a phone when `mobile`),
 * with the speech recorder installed.
 * @param {import("playwright-core").Browser} browser
 * @param {{width: number, height: number}} viewport
 * @param {boolean} [mobile]
 */
export async function openPage(browser, viewport, mobile = false) {
  const ctx = await browser.newContext({ viewport, isMobile: mobile, hasTouch: mobile });
  await ctx.addInitScript(speechRecorder);
  await ctx.addInitScript(cspRecorder);
  return ctx.newPage();
}

/** Keeps what the Content-Security-Policy refused, for {@link checkScreen}. */
function cspRecorder() {
  const w = /** @type {any} */ (window);
  w.__cspRefused = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    w.__cspRefused.push(`${e.violatedDirective}: ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
  });
}

/**
 * A screenshot named `name` into the artifacts, then axe-core finds no
 * violation.
 * @param {import("playwright-core").Page} p
 * @param {string} name
 */
export async function checkScreen(p, name) {
  await screenshot(p, name);
  const refused = await p.evaluate(() => /** @type {any} */ (window).__cspRefused ?? []);
  assert.deepEqual(refused, [], `${name}: the Content-Security-Policy refused something`);
  const v = await axe(p);
  assert.deepEqual(v, [], `${name}: ${JSON.stringify(v, null, 2)}`);
}

/**
 * A screenshot of the whole page into artifacts/{file}.png; axe-core finds
 * nothing serious and nothing is wider than the screen.
 * @param {import("playwright-core").Page} p
 * @param {string} file
 * @param {string} [label] what the failures name (default: `file`)
 */
export async function lookWhole(p, file, label = file) {
  await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(null))));
  await p.screenshot({ path: path.join(ARTIFACTS, `${file}.png`), fullPage: true });
  const v = await axe(p);
  assert.deepEqual(v, [], `${label}: ${JSON.stringify(v, null, 2)}`);
  const over = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(over <= 0, `${label}: ${over}px wider than the screen`);
}

/** Text of an element as rendered, lines and spaces collapsed. @param {import("playwright-core").Locator} l */
export async function renderedText(l) {
  return (await l.innerText()).replace(/\s+/g, " ").trim();
}

/** The example office's time zone. */
export const ZONE = "Asia/Jakarta";

/** A date in the office's zone, `days` from today, as YYYY-MM-DD, with its weekday key and words. */
export function officeDate(days = 0) {
  const [y, m, d] = new Intl.DateTimeFormat("en-CA", { timeZone: ZONE }).format(new Date()).split("-").map(Number);
  const at = new Date(Date.UTC(y, m - 1, d + days));
  const word = (/** @type {string} */ locale) => new Intl.DateTimeFormat(locale, { weekday: "long", timeZone: "UTC" }).format(at);
  return {
    iso: at.toISOString().slice(0, 10),
    key: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][at.getUTCDay()],
    id: word("id-ID"),
    en: word("en-GB"),
  };
}

/**
 * Makes `page` one that missed a closure: no live stream, and its first
 * fetch of the office answered as if everything were open.
 * @param {import("playwright-core").Page} page
 */
export async function missTheClosure(page) {
  await page.routeWebSocket(/\/live/, () => {});
  let fetched = 0;
  await page.route(`**/api/v1/offices/${OFFICE}`, async (route) => {
    const res = await route.fetch();
    const o = await res.json();
    if (fetched++ === 0) {
      Object.assign(o, { open: true, closed_reason: null, opens_at: null });
      for (const s of o.services) Object.assign(s, { open: true, closed_reason: null, opens_at: null });
    }
    await route.fulfill({ response: res, json: o });
  });
}

/**
 * Signs `who` in over the API; the session's cookie header.
 * @param {{url: string}} server
 * @param {{username: string, password: string}} who
 */
export async function sessionCookie(server, who) {
  const res = await fetch(server.url + "/api/v1/session", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(who) });
  if (!res.ok) throw new Error(`sign-in of ${who.username} failed: ${res.status} ${await res.text()}`);
  return (res.headers.get("set-cookie") ?? "").split(";")[0];
}

/**
 * Signs in on a staff page's sign-in card (counter, admin).
 * @param {import("playwright-core").Page} page
 * @param {{username: string, password: string}} who
 */
export async function signInOnPage(page, who) {
  await page.locator("#username").fill(who.username);
  await page.locator("#password").fill(who.password);
  await page.locator("#signin-form button[type=submit]").click();
}

/**
 * Runs the `antrean` command line on a test server's configuration and
 * data (also while it serves), e.g. `user add kepala --role admin`;
 * returns what it printed.
 * @param {{dir: string}} server from {@link startServer}
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 */
export function antreanCli(server, args, env = {}) {
  return execFileSync(BIN, ["--config", path.join(server.dir, "config"), "--data", path.join(server.dir, "data"), ...args], { env: { ...process.env, ...env }, encoding: "utf8" });
}

/**
 * Adds a staff account of the office with the command line (`user add`),
 * e.g. a second clerk; its password must be 10+ characters, not its name.
 * @param {{dir: string}} server from {@link startServer}
 * @param {{username: string, password: string}} who
 * @param {"clerk" | "help_desk" | "supervisor"} [role]
 */
export function addStaff(server, who, role = "clerk") {
  antreanCli(server, ["user", "add", who.username, "--role", role, "--office", OFFICE], { ANTREAN_PASSWORD: who.password });
}

/**
 * Marks the page; `stillMarked` is false after a reload.
 * @param {import("playwright-core").Page} p
 */
export async function mark(p) {
  await p.evaluate(() => Object.assign(window, { __noReload: true }));
}
/** @param {import("playwright-core").Page} p */
export async function stillMarked(p) {
  return p.evaluate(() => /** @type {any} */ (window).__noReload === true);
}

/**
 * Resolves once the page's office stream has sent its first message (its
 * snapshot): from then on the page hears every change. Call before `goto`.
 * @param {import("playwright-core").Page} p
 */
export function streaming(p) {
  return new Promise((resolve) => {
    p.on("websocket", (ws) => {
      if (new URL(ws.url()).pathname === `/api/v1/offices/${OFFICE}/live`) ws.once("framereceived", () => resolve(undefined));
    });
  });
}
