// @ts-check
/**
 * @file Solves an online ticket's challenge off the page's thread (see
 * proof.js): `{salt, bits}` in, `{nonce}` out. A same-origin module
 * script, so the Content-Security-Policy's `script-src 'self'` allows it.
 */
import { solve } from "./sha256.js";

self.addEventListener("message", (e) => {
  const { salt, bits } = /** @type {MessageEvent<{salt: string, bits: number}>} */ (e).data;
  self.postMessage({ nonce: solve(salt, bits) });
});
