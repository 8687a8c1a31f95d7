// Every refusal the server can send has words in every screen language,
// and no screen shows the server's own message (English, for engineers).
// The codes come from the contract itself (`antrean openapi`: the
// `ErrorCode` enum), so a code added to the server without words fails
// here. Plain node; no browser.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { BIN } from "./helpers.mjs";
import { LANGS, useStrings } from "../../shared-ui/i18n.js";
import { ApiError, errorText } from "../../shared-ui/api.js";

/** The language files, as the screens load them. @param {string} lang */
function strings(lang) {
  return JSON.parse(fs.readFileSync(new URL(`../../shared-ui/i18n/${lang}.json`, import.meta.url), "utf8"));
}

/** Every `error.code` of the contract. @returns {string[]} */
function contractCodes() {
  const doc = JSON.parse(execFileSync(BIN, ["openapi"], { encoding: "utf8" }));
  return doc.components.schemas.ErrorCode.enum;
}

describe("words for every error", () => {
  const codes = contractCodes();

  it("the contract names the codes", () => {
    assert.ok(codes.length > 50, `${codes.length} codes`);
    for (const code of ["online_quota_exhausted", "counter_held", "suggestion_too_long", "internal"]) assert.ok(codes.includes(code), code);
  });

  it("every code of the contract has words in every language, each its own", () => {
    const tables = Object.fromEntries(LANGS.map((l) => [l, strings(l)]));
    const missing = [];
    for (const code of [...codes, "network", "unknown"]) {
      for (const lang of LANGS) {
        const text = tables[lang][`err.${code}`];
        if (!text) missing.push(`${lang}: err.${code}`);
        // Words for people: no identifiers, no English left in Indonesian.
        else assert.doesNotMatch(text, /`|_[a-z]|\{[a-z]+\}/, `${lang}: err.${code} reads as code: ${text}`);
      }
      if (LANGS.every((l) => tables[l][`err.${code}`])) {
        assert.notEqual(tables.id[`err.${code}`], tables.en[`err.${code}`], `err.${code} is translated`);
      }
    }
    assert.deepEqual(missing, [], "codes without words");
  });

  it("errorText says them in the screen's language, the field named; never the server's message", () => {
    useStrings("id", strings("id"));
    assert.equal(errorText(new ApiError(409, "prefix_taken", "prefix `P` is used by service `paspor`")), "Huruf awalan ini sudah dipakai layanan lain. Pilih huruf lain.");
    assert.equal(errorText(new ApiError(422, "invalid_field", "prefix: 1 to 3 letters", "prefix")), "Isian prefix tidak sesuai aturan. Periksa lalu simpan lagi.");
    assert.equal(errorText(new ApiError(422, "invalid_field", "bad")), "Isian ini tidak sesuai aturan. Periksa lalu simpan lagi.");
    assert.equal(errorText(new ApiError(0, "network", "")), strings("id")["err.network"]);
    assert.equal(errorText(new ApiError(409, "invalid_transition", "ticket A001 is done")), strings("id")["err.invalid_transition"]);
    // An answer without an error body (a proxy's 502), a fault in the page:
    // the plain words, with the details only in the console.
    const logged = [];
    const real = console.error;
    console.error = (...args) => logged.push(args);
    try {
      assert.equal(errorText(new ApiError(502, "http_502", "Bad Gateway")), strings("id")["err.unknown"]);
      assert.equal(errorText(new TypeError("x is undefined")), strings("id")["err.unknown"]);
    } finally {
      console.error = real;
    }
    assert.equal(logged.length, 2);
    useStrings("en", strings("en"));
    assert.equal(errorText(new ApiError(409, "closure_overlaps", "it overlaps the closure from 2026-12-24")), "These dates overlap a closed day already set. Change or remove that one first.");
    assert.equal(errorText(new ApiError(422, "online_share_used", "this address took its share")), strings("en")["err.online_share_used"]);
  });
});
