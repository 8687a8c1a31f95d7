// @ts-check
/**
 * @file Calls to the HTTP API (`/api/v1`). Errors come back as
 * {@link ApiError} with the server's stable code; {@link errorText} words
 * it in the screen's language (`err.{code}` in the language files). The
 * server's own message is English for engineers and logs: no screen shows
 * it (tests/e2e/errors.test.mjs holds every code of the contract to words
 * in every language).
 */
import { hasString, t } from "./i18n.js";

/**
 * The wire types, from the server's OpenAPI document (`contract.d.ts`).
 * @typedef {import("./contract").components["schemas"]} Schemas
 * @typedef {Schemas["ServiceView"]} Service (`workflow`: the steps of its document after the counter)
 * @typedef {Schemas["OfficeView"]} Office
 * @typedef {Schemas["OfficeSummary"]} OfficeSummary
 * @typedef {Schemas["ErrorCode"]} ErrorCode every `error.code` the server sends
 * @typedef {ErrorCode | "network" | `http_${number}`} ApiErrorCode
 *   the server's code, or "network" (no answer) or "http_NNN" (an answer without an error body)
 */

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {ApiErrorCode} code
   * @param {string} message
   * @param {string | null} [field] the request's field it is about (`invalid_field`: "prefix", "services[2].name")
   */
  constructor(status, code, message, field = null) {
    super(message);
    this.status = status;
    /** @type {ApiErrorCode} */
    this.code = code;
    /** @type {string | null} */
    this.field = field;
  }
}

/**
 * @param {string} path under `/api/v1`
 * @param {{method?: string, body?: unknown, headers?: Record<string, string>}} [opts]
 * @returns {Promise<any>} the JSON answer, or null for 204
 */
export async function api(path, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...(opts.headers ?? {}) };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  let res;
  try {
    res = await fetch(`/api/v1${path}`, {
      method: opts.method ?? (opts.body !== undefined ? "POST" : "GET"),
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      credentials: "same-origin",
    });
  } catch {
    throw new ApiError(0, "network", "");
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    /** @type {Partial<Schemas["ErrorDetail"]>} */
    const err = data?.error ?? {};
    throw new ApiError(res.status, err.code ?? `http_${res.status}`, err.message ?? res.statusText, err.field ?? null);
  }
  return data;
}

/**
 * What to tell the user about a failed call, in the screen's language:
 * "cannot reach the server" when there was no answer, the words for its
 * code (`err.{code}`; `invalid_field` naming the field), else (an answer
 * without an error body, a fault in the page itself) a plain "something
 * went wrong, try again or ask staff", with the details in the console.
 * @param {unknown} e
 */
export function errorText(e) {
  if (e instanceof ApiError) {
    if (e.status === 0) return t("err.network");
    if (e.code === "invalid_field" && e.field) return t("err.invalid_field_named", { field: e.field });
    if (hasString(`err.${e.code}`)) return t(`err.${e.code}`);
  }
  console.error("no words for this error", e);
  return t("err.unknown");
}

/** The office id in a path like `/kiosk/{office}`, `/o/{office}`. */
export function officeFromPath() {
  const parts = location.pathname.split("/").filter(Boolean);
  return decodeURIComponent(parts[1] ?? "");
}
