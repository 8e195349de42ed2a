/**
 * Shared assertions and request helpers for the API, page and security integration tests.
 * Not a test file itself (no `_test` suffix).
 */
import assert from "node:assert/strict";
import { type Harness, ORIGIN, type TestClient } from "../../support/harness.ts";

export interface Envelope {
  error: string;
  detail: string;
  timestamp: string;
  request_id: string;
}

/**
 * Asserts the `/api/*` error envelope: JSON, exactly `{error, detail, timestamp, request_id}`, an
 * upper-case code, a fresh ISO timestamp and a request id equal to the `X-Request-Id` header.
 */
export async function assertEnvelope(
  res: Response,
  status?: number,
  code?: string,
): Promise<Envelope> {
  const text = await res.text();
  if (status !== undefined) assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/, text);
  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body).sort(), ["detail", "error", "request_id", "timestamp"], text);
  assert.match(body.error, /^[A-Z][A-Z_]*$/, text);
  if (code !== undefined) assert.equal(body.error, code, text);
  assert.equal(typeof body.detail, "string");
  assert.ok(body.detail.length > 0, "detail is not empty");
  assert.match(body.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
  assert.ok(Math.abs(Date.parse(body.timestamp) - Date.now()) < 60_000, "timestamp is now");
  assert.ok(body.request_id.length > 0);
  assert.equal(body.request_id, res.headers.get("x-request-id"));
  return body;
}

/** A request with exactly the given headers: no cookies, no automatic `Origin`. */
export function raw(h: Harness, path: string, init: RequestInit = {}): Promise<Response> {
  return Promise.resolve(h.app.request(`${ORIGIN}${path}`, init));
}

/** The `Set-Cookie` line for `name`, if any. */
export function setCookieLine(res: Response, name: string): string | undefined {
  return res.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

/** The value a `Set-Cookie` line assigns. */
export function cookieValue(line: string): string {
  return line.split(";")[0].slice(line.indexOf("=") + 1);
}

export function patch(client: TestClient, path: string, json: unknown): Promise<Response> {
  return client.request(path, { method: "PATCH", json });
}

export function del(client: TestClient, path: string, init: RequestInit = {}): Promise<Response> {
  return client.request(path, { ...init, method: "DELETE" });
}

/** A fresh, unique email address. */
export const freshEmail = (tag = "user") => `${tag}-${crypto.randomUUID()}@example.com`;

/**
 * Rate limits use fixed one-minute windows: wait until at least `marginSeconds` remain in the
 * current window so a burst of test requests cannot straddle two windows.
 */
export async function awayFromWindowEdge(marginSeconds = 4, windowSeconds = 60): Promise<void> {
  const windowMs = windowSeconds * 1000;
  const left = windowMs - (Date.now() % windowMs);
  if (left < marginSeconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, left + 50));
  }
}

/** A copy of a client's cookies on a new client (a second tab that kept the old cookie). */
export function cloneClient(h: Harness, from: TestClient): TestClient {
  const copy = h.client();
  for (const [name, value] of from.cookies) copy.cookies.set(name, value);
  return copy;
}
