// @ts-check
/**
 * @file SHA-256 in plain JavaScript (FIPS 180-4), and the proof of work an
 * online ticket answers (see proof.js and the server's proof.rs).
 *
 * Written here rather than taken from WebCrypto: `crypto.subtle` exists only
 * in secure contexts (HTTPS or localhost), and an office LAN may serve the
 * citizen page over plain http on 192.168.x.x. It is also faster for this
 * job: `subtle.digest` is one promise per hash, and the work is hundreds of
 * thousands of hashes of one short block. No other hash: the server has
 * SHA-256 already, and its test vectors are everywhere.
 *
 * Runs in a browser, a Web Worker (proof-worker.js) and under node (the
 * bench measures the solver with it).
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const H0 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

/**
 * Hashes one 64-byte block of `bytes` at `at` into the state `h`.
 * @param {Uint32Array} h the eight state words, updated
 * @param {Uint8Array} bytes
 * @param {number} at
 * @param {Uint32Array} w 64 words of scratch
 */
function compress(h, bytes, at, w) {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4;
    w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15];
    const b = w[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
  }
  let [a, b, c, d, e, f, g, hh] = h;
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh; // prettier-ignore
}

/** Pads a message as SHA-256 does: 0x80, zeros, the length in bits. @param {Uint8Array} msg */
function padded(msg) {
  const out = new Uint8Array(Math.ceil((msg.length + 9) / 64) * 64);
  out.set(msg);
  out[msg.length] = 0x80;
  const bits = msg.length * 8;
  new DataView(out.buffer).setUint32(out.length - 8, Math.floor(bits / 2 ** 32));
  new DataView(out.buffer).setUint32(out.length - 4, bits >>> 0);
  return out;
}

/**
 * SHA-256 of bytes, or of a string's UTF-8.
 * @param {Uint8Array | string} input
 * @returns {Uint8Array} 32 bytes
 */
export function sha256(input) {
  const bytes = padded(typeof input === "string" ? new TextEncoder().encode(input) : input);
  const h = new Uint32Array(H0);
  const w = new Uint32Array(64);
  for (let at = 0; at < bytes.length; at += 64) compress(h, bytes, at, w);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) new DataView(out.buffer).setUint32(i * 4, h[i]);
  return out;
}

/** Leading zero bits of the state words (the digest, big-endian). @param {Uint32Array} h */
function zeroBits(h) {
  let n = 0;
  for (let i = 0; i < 8; i++) {
    const z = Math.clz32(h[i]);
    n += z;
    if (z < 32) break;
  }
  return n;
}

/**
 * The proof of work: the smallest `nonce` such that SHA-256 of
 * `"{salt}:{nonce}"` starts with `bits` zero bits (the server's `solve`).
 * The input is one block (a 32-character salt and up to 16 digits), so each
 * try is one compression, on buffers made once.
 * @param {string} salt ASCII
 * @param {number} bits
 * @returns {number}
 */
export function solve(salt, bits) {
  const prefix = new TextEncoder().encode(`${salt}:`);
  if (prefix.length + 16 + 9 > 64) throw new Error("salt too long for one block");
  const block = new Uint8Array(64);
  block.set(prefix);
  const h = new Uint32Array(8);
  const w = new Uint32Array(64);
  for (let nonce = 0; ; nonce++) {
    const digits = String(nonce);
    let len = prefix.length;
    for (let i = 0; i < digits.length; i++) block[len++] = digits.charCodeAt(i);
    block[len] = 0x80;
    block.fill(0, len + 1, 60);
    const bitLen = len * 8;
    block[60] = bitLen >>> 24;
    block[61] = (bitLen >>> 16) & 0xff;
    block[62] = (bitLen >>> 8) & 0xff;
    block[63] = bitLen & 0xff;
    h.set(H0);
    compress(h, block, 0, w);
    if (zeroBits(h) >= bits) return nonce;
  }
}
