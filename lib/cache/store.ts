/**
 * The storage contract every cache adapter (memory, Redis, Upstash) implements. Values are
 * strings (callers serialise); TTLs are whole seconds. Adapters may throw: {@link Cache} in
 * `cache.ts` adds the timeout, circuit breaker and fallbacks around them.
 */
export interface CacheStore {
  /** Adapter name shown in health output: "memory", "redis" or "upstash". */
  readonly kind: string;
  get(key: string): Promise<string | null>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Deletes every given key; missing keys are ignored. */
  delete(keys: string[]): Promise<void>;
  /**
   * Atomically increments a counter, creating it with `ttlSeconds` to live when absent.
   * Returns the new value. Used for rate limits.
   */
  increment(key: string, ttlSeconds: number): Promise<number>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
