/**
 * Shared pieces for the opportunities integration tests: importing the seed's analysis, progress
 * calls, the error-envelope check, and instrumented cache stores (counting, failing, gated).
 */
import assert from "node:assert/strict";
import { MemoryStore } from "../../../lib/cache/memory_store.ts";
import type { CacheStore } from "../../../lib/cache/store.ts";
import { sampleAnalysis } from "../../fixtures/analysis.ts";
import type { Harness, TestClient } from "../../support/harness.ts";

export const REDIS_URL = Deno.env.get("TEST_REDIS_URL") ?? "redis://127.0.0.1:6379";

export type Client = TestClient;

/** Imports the seed's example (5 h / 8 h / 2 h) and returns the new analysis id. */
export async function importSample(
  client: Client,
  overrides: Parameters<typeof sampleAnalysis>[0] = {},
): Promise<string> {
  const res = await client.post("/api/v1/analyses", sampleAnalysis(overrides));
  assert.equal(res.status, 201, await res.clone().text());
  const body = await res.json();
  assert.equal(body.cached, false);
  return body.analysis_id;
}

export function progress(
  client: Client,
  id: string,
  opportunity_id: string,
  status: string,
  extra: Record<string, unknown> = {},
): Promise<Response> {
  return client.post(`/api/v1/dashboard/${id}/progress`, { opportunity_id, status, ...extra });
}

/** POSTs a progress change that must succeed; returns the body. */
export async function progressOk(
  client: Client,
  id: string,
  opportunity_id: string,
  status: string,
  extra: Record<string, unknown> = {},
) {
  const res = await progress(client, id, opportunity_id, status, extra);
  assert.equal(res.status, 200, await res.clone().text());
  return await res.json();
}

export async function getJson(client: Client, path: string, status = 200) {
  const res = await client.get(path);
  assert.equal(res.status, status, `${path}: ${await res.clone().text()}`);
  return await res.json();
}

export const badgeTypes = (badges: { badge_type: string }[]) => badges.map((b) => b.badge_type);

/**
 * Asserts the foundation's error envelope: exactly {error, detail, timestamp, request_id}, with
 * the given status and code, an ISO timestamp and a non-empty request id. Returns the body.
 */
export async function assertError(
  res: Response,
  status: number,
  code: string,
): Promise<{ error: string; detail: string; timestamp: string; request_id: string }> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get("content-type") ?? "", /application\/json/);
  const body = JSON.parse(text);
  assert.deepEqual(Object.keys(body).sort(), ["detail", "error", "request_id", "timestamp"], text);
  assert.equal(body.error, code, text);
  assert.equal(typeof body.detail, "string");
  assert.ok(body.detail.length > 0);
  assert.ok(!Number.isNaN(Date.parse(body.timestamp)), body.timestamp);
  assert.equal(typeof body.request_id, "string");
  assert.ok(body.request_id.length > 0);
  return body;
}

/** Rows of `progress_events` for an analysis, oldest first. */
export async function events(h: Harness, id: string) {
  return [
    ...await h.db.sql<
      { opportunity_id: string; from_status: string; to_status: string; occurred_at: Date }[]
    >`select opportunity_id, from_status, to_status, occurred_at from progress_events
    where analysis_id = ${id} order by id`,
  ];
}

export async function awardedKeys(h: Harness, id: string): Promise<string[]> {
  const rows = await h.db.sql<{ badge_key: string }[]>`
    select badge_key from user_badges where analysis_id = ${id} order by badge_key`;
  return rows.map((r) => r.badge_key);
}

export async function opportunityRows(h: Harness, id: string) {
  return [
    ...await h.db.sql<
      {
        opportunity_id: string;
        status: string;
        implemented_at: Date | null;
        status_changed_at: Date | null;
      }[]
    >`select opportunity_id, status, implemented_at, status_changed_at from opportunities
    where analysis_id = ${id} order by position`,
  ];
}

/** Polls until `check` is true (e.g. a Redis connection came up). */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A store wrapper that counts operations per key (and can hold `get`s until released). */
export class CountingStore implements CacheStore {
  readonly kind: string;
  readonly gets = new Map<string, number>();
  readonly sets = new Map<string, number>();
  readonly deletes = new Map<string, number>();
  /** While set, the next `get` of a matching key waits (after reading the store) until released. */
  #gate: { match: (key: string) => boolean; opened: Promise<void>; onHold: () => void } | null =
    null;

  constructor(readonly inner: CacheStore = new MemoryStore()) {
    this.kind = inner.kind;
  }

  static #bump(map: Map<string, number>, key: string) {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  /** Total count over keys starting with `prefix`. */
  count(map: Map<string, number>, prefix: string): number {
    let total = 0;
    for (const [key, n] of map) if (key.startsWith(prefix)) total += n;
    return total;
  }

  /**
   * Holds the next matching `get` after it has read the store, so it returns what was there when
   * it started: a slow network read. `held` resolves once it is waiting.
   */
  hold(match: (key: string) => boolean): { held: Promise<void>; release: () => void } {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => (open = resolve));
    let onHold!: () => void;
    const held = new Promise<void>((resolve) => (onHold = resolve));
    const gate = { match, opened, onHold };
    this.#gate = gate;
    return {
      held,
      release: () => {
        if (this.#gate === gate) this.#gate = null;
        open();
      },
    };
  }

  async get(key: string): Promise<string | null> {
    CountingStore.#bump(this.gets, key);
    const value = await this.inner.get(key);
    const gate = this.#gate;
    if (gate && gate.match(key)) {
      // One-shot: only the first matching read is held; later ones go straight through.
      this.#gate = null;
      gate.onHold();
      await gate.opened;
    }
    return value;
  }
  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    CountingStore.#bump(this.sets, key);
    return this.inner.set(key, value, ttlSeconds);
  }
  delete(keys: string[]): Promise<void> {
    for (const key of keys) CountingStore.#bump(this.deletes, key);
    return this.inner.delete(keys);
  }
  invalidate(keys: string[]): Promise<void> {
    for (const key of keys) CountingStore.#bump(this.deletes, key);
    return this.inner.invalidate(keys);
  }
  generation(key: string): Promise<string> {
    return this.inner.generation(key);
  }
  /** Counted as a `set` when it stores (a load's write-back). */
  async setIfGeneration(key: string, value: string, ttlSeconds: number, generation: string) {
    const stored = await this.inner.setIfGeneration(key, value, ttlSeconds, generation);
    if (stored) CountingStore.#bump(this.sets, key);
    return stored;
  }
  increment(key: string, ttlSeconds: number): Promise<number> {
    return this.inner.increment(key, ttlSeconds);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** A cache that is always down: every call rejects at once. */
export class FailingStore implements CacheStore {
  readonly kind = "failing";
  calls = 0;
  #fail<T>(): Promise<T> {
    this.calls++;
    return Promise.reject(new Error("cache down"));
  }
  get(): Promise<string | null> {
    return this.#fail();
  }
  set(): Promise<void> {
    return this.#fail();
  }
  delete(): Promise<void> {
    return this.#fail();
  }
  invalidate(): Promise<void> {
    return this.#fail();
  }
  generation(): Promise<string> {
    return this.#fail();
  }
  setIfGeneration(): Promise<boolean> {
    return this.#fail();
  }
  increment(): Promise<number> {
    return this.#fail();
  }
  ping(): Promise<void> {
    return this.#fail();
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Instant strings for local wall-clock times in `zone`. */
export function localInstant(zone: string, date: Temporal.PlainDate, time: string): Date {
  return new Date(
    date.toZonedDateTime({ timeZone: zone, plainTime: time }).toInstant().epochMilliseconds,
  );
}
