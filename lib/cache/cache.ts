/**
 * The cache every feature uses. Wraps a {@link CacheStore} so that a slow or dead cache costs at
 * most `timeoutMs` per call and never an error: failures read as misses, writes are dropped, and
 * after `failureThreshold` consecutive failures a circuit breaker skips the store entirely for
 * `cooldownMs` before probing again. Correctness never depends on the cache.
 *
 * @example
 * ```ts
 * const dashboard = await cache.getOrLoad(`dashboard:${id}`, 1800, () => loadDashboard(id));
 * ```
 */
import { Deadlines } from "../time/deadlines.ts";
import type { CacheStore } from "./store.ts";

export interface CacheOptions {
  timeoutMs: number;
  /** How many parsed values to keep for reuse (see {@link Cache.get}); default 5,000. */
  parsedEntries?: number;
  failureThreshold?: number;
  cooldownMs?: number;
  now?: () => number;
}

export interface CacheStats {
  kind: string;
  healthy: boolean;
  circuit: "closed" | "open";
  hits: number;
  misses: number;
  errors: number;
  hitRate: number;
}

class CacheTimeoutError extends Error {
  override name = "CacheTimeoutError";
}
const timedOut = () => new CacheTimeoutError();

/** Freezes a parsed JSON value all the way down (values handed to several readers are shared). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}

export class Cache {
  readonly store: CacheStore;
  readonly #timeoutMs: number;
  readonly #failureThreshold: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  readonly #inflight = new Map<string, { promise: Promise<unknown>; stale: boolean }>();
  readonly #parsed = new Map<string, { raw: string; value: unknown }>();
  readonly #parsedEntries: number;
  // One ticker for every call's time limit, checked every fifth of it (so a call gives up within
  // 1.2 × timeoutMs): a timer per call was a measurable cost on every remote-cache request.
  readonly #deadlines: Deadlines;
  #consecutiveFailures = 0;
  #openUntil = 0;
  #hits = 0;
  #misses = 0;
  #errors = 0;

  constructor(store: CacheStore, options: CacheOptions) {
    this.store = store;
    this.#timeoutMs = options.timeoutMs;
    this.#failureThreshold = options.failureThreshold ?? 3;
    this.#cooldownMs = options.cooldownMs ?? 5_000;
    this.#now = options.now ?? Date.now;
    this.#parsedEntries = options.parsedEntries ?? 5_000;
    this.#deadlines = new Deadlines(Math.max(1, Math.floor(options.timeoutMs / 5)));
  }

  /** False while the circuit breaker is open (the store recently failed repeatedly). */
  get healthy(): boolean {
    return this.#openUntil <= this.#now();
  }

  async #call<T>(operation: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false }> {
    if (!this.healthy) return { ok: false };
    if (this.store.inProcess) {
      try {
        return { ok: true, value: await operation() };
      } catch {
        this.#errors++;
        return { ok: false };
      }
    }
    try {
      const value = await this.#deadlines.within(operation(), this.#timeoutMs, timedOut);
      this.#consecutiveFailures = 0;
      return { ok: true, value };
    } catch {
      this.#errors++;
      if (++this.#consecutiveFailures >= this.#failureThreshold) {
        this.#openUntil = this.#now() + this.#cooldownMs;
        // Half-open: the first call after the cooldown probes the store; one failure re-opens.
        this.#consecutiveFailures = this.#failureThreshold - 1;
      }
      return { ok: false };
    }
  }

  /**
   * The parsed JSON value at `key`, or null on a miss, a parse failure or a cache failure.
   *
   * Values are deeply frozen and shared: while the store holds the same text for a key, every
   * reader gets the same object, parsed once (a warm dashboard or signed-in request was spending a
   * real share of its time re-parsing identical JSON; docs/benchmarks.md). Identity is stable for
   * exactly as long as the stored text is, so derived results may be memoised per object
   * (a `WeakMap`) and are dropped with it on the next write, here or in any other process.
   */
  async get<T>(key: string): Promise<T | null> {
    let raw: string | null;
    if (this.store.inProcess) {
      // What #call would do for an in-process store, without its closure, result object and
      // extra async frame: this is the lookup every signed-in request makes at least twice.
      try {
        raw = await this.store.get(key);
      } catch {
        this.#errors++;
        raw = null;
      }
    } else {
      const result = await this.#call(() => this.store.get(key));
      raw = result.ok ? result.value : null;
    }
    if (raw === null) {
      this.#misses++;
      return null;
    }
    const known = this.#parsedHit<T>(key, raw);
    if (known !== undefined) return known;
    try {
      const value = deepFreeze(JSON.parse(raw) as T);
      this.#hits++;
      this.#parsed.delete(key);
      this.#parsed.set(key, { raw, value });
      if (this.#parsed.size > this.#parsedEntries) {
        this.#parsed.delete(this.#parsed.keys().next().value!);
      }
      return value;
    } catch {
      this.#misses++;
      return null;
    }
  }

  /**
   * The value {@link get} would return, synchronously — or undefined when only the asynchronous
   * path can tell: the store is remote, or the key is missing or not parsed yet. A warm signed-in
   * request reads its session and its list this way; each `await` of an async read was a few
   * promise hops and a `then` lookup on the value (docs/benchmarks.md).
   */
  peek<T>(key: string): T | undefined {
    const store = this.store;
    if (store.peek === undefined) return undefined;
    let raw: string | null;
    try {
      raw = store.peek(key);
    } catch {
      return undefined;
    }
    return raw === null ? undefined : this.#parsedHit<T>(key, raw);
  }

  /** The shared parsed value of `raw` at `key`, counted as a hit, if it has been parsed. */
  #parsedHit<T>(key: string, raw: string): T | undefined {
    const known = this.#parsed.get(key);
    if (known === undefined || known.raw !== raw) return undefined;
    this.#hits++;
    return known.value as T;
  }

  /** Stores `value` as JSON for `ttlSeconds`. Returns false if the store could not take it. */
  async set(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    const result = await this.#call(() => this.store.set(key, JSON.stringify(value), ttlSeconds));
    return result.ok;
  }

  /**
   * Invalidates keys after a write: deletes them and bumps their generations, so no load that
   * read the database before the write can store its result afterwards — in this process or any
   * other sharing the store. Returns false if the store could not be reached.
   */
  async delete(...keys: string[]): Promise<boolean> {
    if (keys.length === 0) return true;
    // In this process, a load already in flight must also not be joined by later readers.
    for (const key of keys) {
      this.#parsed.delete(key);
      const flight = this.#inflight.get(key);
      if (flight) {
        flight.stale = true;
        this.#inflight.delete(key);
      }
    }
    const result = await this.#call(() => this.store.invalidate(keys));
    return result.ok;
  }

  /** Increments a counter that lives `ttlSeconds`; null when the store is unavailable. */
  async increment(key: string, ttlSeconds: number): Promise<number | null> {
    const result = await this.#call(() => this.store.increment(key, ttlSeconds));
    return result.ok ? result.value : null;
  }

  /**
   * Cache-aside with single-flight: on a miss, concurrent callers for the same key share one
   * `load()`; its result is stored for `ttlSeconds`. If the cache is down, `load()` still runs
   * (once per burst) and its result is returned.
   */
  async getOrLoad<T>(key: string, ttlSeconds: number, load: () => Promise<T>): Promise<T> {
    // In-process store, nothing in flight: a hit needs no flight (the common, warm case, which
    // was paying for a flight object and three promises per call). A remote store keeps the
    // lookup inside the flight, so a cold burst sends the store one GET rather than one each.
    if (this.store.inProcess && !this.#inflight.has(key)) {
      const cached = await this.get<T>(key);
      if (cached !== null) return cached;
      return await this.#flight(key, ttlSeconds, load, true);
    }
    return await this.#flight(key, ttlSeconds, load, false);
  }

  #flight<T>(
    key: string,
    ttlSeconds: number,
    load: () => Promise<T>,
    missed: boolean,
  ): Promise<T> {
    const pending = this.#inflight.get(key);
    if (pending) return pending.promise as Promise<T>;
    const flight = { promise: Promise.resolve() as Promise<unknown>, stale: false };
    flight.promise = (async () => {
      // (Unless the caller has just looked and missed: a miss is counted once.)
      const cached = missed ? null : await this.get<T>(key);
      if (cached !== null) return cached;
      // Read the generation BEFORE loading: an invalidation after this point changes it, and the
      // conditional write below then declines our possibly stale value.
      const generation = await this.#call(() => this.store.generation(key));
      const value = await load();
      // "Nothing there" is not cached: the next reader asks the source again.
      if (generation.ok && !flight.stale && value !== null && value !== undefined) {
        await this.#call(() =>
          this.store.setIfGeneration(key, JSON.stringify(value), ttlSeconds, generation.value)
        );
      }
      return value;
    })().finally(() => {
      if (this.#inflight.get(key) === flight) this.#inflight.delete(key);
    });
    this.#inflight.set(key, flight);
    return flight.promise as Promise<T>;
  }

  /** Counters since start, for `/api/v1/cache/stats` and `/readyz`. */
  stats(): CacheStats {
    const lookups = this.#hits + this.#misses;
    return {
      kind: this.store.kind,
      healthy: this.healthy,
      circuit: this.healthy ? "closed" : "open",
      hits: this.#hits,
      misses: this.#misses,
      errors: this.#errors,
      hitRate: lookups === 0 ? 0 : Math.round((this.#hits / lookups) * 10_000) / 10_000,
    };
  }

  /** Pings the store directly (through the timeout), ignoring the breaker. */
  async ping(): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      await Promise.race([
        this.store.ping(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new CacheTimeoutError()), Math.max(this.#timeoutMs, 250));
        }),
      ]);
      return true;
    } catch {
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): Promise<void> {
    return this.store.close();
  }
}
