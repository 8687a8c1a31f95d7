// @ts-check
/**
 * @file The small proof of work an online ticket answers (about a second on
 * a cheap phone): the office's challenge (`GET /offices/{office}/challenge`),
 * solved in a Web Worker (proof-worker.js) so the page stays responsive,
 * sent as the issue request's `proof`. Where module workers are missing,
 * the page's own thread solves it.
 */
import { api } from "./api.js";
import { solve } from "./sha256.js";

/** @typedef {import("./contract").components["schemas"]} Schemas */

/**
 * Solves `salt` at `bits` in a worker (the page's thread without one).
 * @param {string} salt
 * @param {number} bits
 * @returns {Promise<number>}
 */
export function solveInWorker(salt, bits) {
  if (bits === 0) return Promise.resolve(0);
  /** @type {Worker} */
  let worker;
  try {
    worker = new Worker(new URL("./proof-worker.js", import.meta.url), { type: "module" });
  } catch {
    return Promise.resolve(solve(salt, bits));
  }
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", (e) => {
      worker.terminate();
      resolve(/** @type {{nonce: number}} */ (e.data).nonce);
    });
    worker.addEventListener("error", (e) => {
      worker.terminate();
      // A worker that cannot load (an old browser): solve here instead.
      e.preventDefault();
      try {
        resolve(solve(salt, bits));
      } catch (err) {
        reject(err);
      }
    });
    worker.postMessage({ salt, bits });
  });
}

/**
 * A fresh challenge of `office`, solved: what the issue request sends as `proof`.
 * @param {string} office
 * @returns {Promise<Schemas["Proof"]>}
 */
export async function proofFor(office) {
  /** @type {Schemas["ChallengeView"]} */
  const c = await api(`/offices/${encodeURIComponent(office)}/challenge`);
  return { challenge: c.challenge, nonce: await solveInWorker(c.salt, c.bits) };
}

/** This browser's random id (kept in its storage): one active online ticket per service. */
export function citizenId() {
  const KEY = "antrean.citizen";
  try {
    const known = localStorage.getItem(KEY);
    if (known && /^[A-Za-z0-9_-]{16,64}$/.test(known)) return known;
  } catch {
    /* private mode: a new id for this page */
  }
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  const id = btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  try {
    localStorage.setItem(KEY, id);
  } catch {
    /* kept for this page only */
  }
  return id;
}
