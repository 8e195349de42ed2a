/**
 * Upstash (Redis over HTTPS) adapter. The SDK's defaults do not suit a cache that must never stall
 * or alter data, so every relevant one is overridden:
 *
 * - `retry: { retries: 0 }`: the default retries network errors 5 times with exponential backoff
 *   (≈ 4.3 s of sleeps plus each attempt's own connect time). `retry: false` still makes two
 *   attempts in 1.x; only `retries: 0` means one. The `Cache` wrapper's timeout and breaker
 *   decide instead.
 * - `automaticDeserialization: false`: by default GET runs `JSON.parse` on what it reads, so the
 *   string "123" comes back as the number 123 and "null" as null. Our values are already strings.
 * - a per-request abort signal (`signal` as a function: a plain AbortSignal makes an aborted
 *   request *resolve* with the result "Aborted"): nothing outlives `requestTimeoutMs`, and
 *   `close()` aborts whatever is in flight.
 * - auto-pipelining and telemetry off: one HTTP request per call, no extra headers.
 *
 * Responses keep the SDK's default base64 encoding, which round-trips any string exactly.
 */
import { Redis } from "@upstash/redis";
import { type CacheStore, GENERATION_TTL_SECONDS, generationKey } from "./store.ts";
import {
  INCREMENT_SCRIPT,
  INVALIDATE_SCRIPT,
  invalidationKeys,
  SET_IF_GENERATION_SCRIPT,
  ttlToMs,
} from "./redis_common.ts";

export interface UpstashStoreOptions {
  /** UPSTASH_REDIS_REST_URL */
  url: string;
  /** UPSTASH_REDIS_REST_TOKEN */
  token: string;
  /** Hard limit for one HTTP request, after which it is aborted. Default 1000 ms. */
  requestTimeoutMs?: number;
  /** Response encoding asked of the server; default "base64" (the SDK's default). */
  responseEncoding?: false | "base64";
}

export class UpstashStore implements CacheStore {
  readonly kind = "upstash";
  readonly #redis: Redis;
  readonly #closing = new AbortController();

  constructor(options: UpstashStoreOptions) {
    const requestTimeoutMs = options.requestTimeoutMs ?? 1_000;
    this.#redis = new Redis({
      url: options.url,
      token: options.token,
      retry: { retries: 0 },
      automaticDeserialization: false,
      enableAutoPipelining: false,
      enableTelemetry: false,
      latencyLogging: false,
      responseEncoding: options.responseEncoding ?? "base64",
      // Called once per request. Must stay a function: see the module comment.
      signal: () =>
        AbortSignal.any([
          this.#closing.signal,
          AbortSignal.timeout(requestTimeoutMs),
        ]),
    });
  }

  #checkOpen() {
    if (this.#closing.signal.aborted) throw new Error("UpstashStore is closed");
  }

  async get(key: string): Promise<string | null> {
    this.#checkOpen();
    const value = await this.#redis.get<string>(key);
    return value === null || value === undefined ? null : String(value);
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.#checkOpen();
    await this.#redis.set(key, value, { px: ttlToMs(ttlSeconds) });
  }

  async delete(keys: string[]): Promise<void> {
    this.#checkOpen();
    if (keys.length === 0) return;
    await this.#redis.unlink(...keys);
  }

  async invalidate(keys: string[]): Promise<void> {
    this.#checkOpen();
    if (keys.length === 0) return;
    await this.#redis.eval<string[], number>(
      INVALIDATE_SCRIPT,
      invalidationKeys(keys, generationKey),
      [String(ttlToMs(GENERATION_TTL_SECONDS))],
    );
  }

  async generation(key: string): Promise<string> {
    this.#checkOpen();
    const value = await this.#redis.get<string>(generationKey(key));
    return value === null || value === undefined ? "0" : String(value);
  }

  async setIfGeneration(
    key: string,
    value: string,
    ttlSeconds: number,
    generation: string,
  ): Promise<boolean> {
    this.#checkOpen();
    const reply = await this.#redis.eval<string[], number>(
      SET_IF_GENERATION_SCRIPT,
      [key, generationKey(key)],
      [value, String(ttlToMs(ttlSeconds)), generation],
    );
    return Number(reply) === 1;
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    this.#checkOpen();
    const reply = await this.#redis.eval<string[], number>(INCREMENT_SCRIPT, [
      key,
    ], [
      String(ttlToMs(ttlSeconds)),
    ]);
    return Number(reply);
  }

  async ping(): Promise<void> {
    this.#checkOpen();
    await this.#redis.ping();
  }

  /** Aborts in-flight requests; later calls reject at once. Stateless HTTP: nothing else to end. */
  close(): Promise<void> {
    this.#closing.abort(new Error("UpstashStore closed"));
    return Promise.resolve();
  }
}
