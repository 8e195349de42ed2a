/**
 * Picks the cache adapter from configuration: Upstash when both `UPSTASH_REDIS_REST_URL` and
 * `UPSTASH_REDIS_REST_TOKEN` are set, else Redis when `REDIS_URL` is set, else the in-process
 * memory store. Never connects synchronously and never fails on a dead server: the Redis adapter
 * connects in the background, Upstash is plain HTTP.
 *
 * @example
 * ```ts
 * const cache = createCache(config, { log: (line) => logger.warn(line) });
 * ```
 */
import { Cache } from "./cache.ts";
import { MemoryStore } from "./memory_store.ts";
import { RedisStore } from "./redis_store.ts";
import type { CacheStore } from "./store.ts";
import { UpstashStore } from "./upstash_store.ts";

/** The slice of `Config` (lib/config/config.ts) the cache needs. */
export interface CacheConfig {
  REDIS_URL?: string;
  UPSTASH_REDIS_REST_URL?: string;
  UPSTASH_REDIS_REST_TOKEN?: string;
  CACHE_TIMEOUT_MS: number;
}

export interface CreateCacheOptions {
  /** Receives one line per Redis connection state change. */
  log?: (message: string) => void;
}

export function createStore(
  config: CacheConfig,
  options: CreateCacheOptions = {},
): CacheStore {
  if (config.UPSTASH_REDIS_REST_URL && config.UPSTASH_REDIS_REST_TOKEN) {
    return new UpstashStore({
      url: config.UPSTASH_REDIS_REST_URL,
      token: config.UPSTASH_REDIS_REST_TOKEN,
    });
  }
  if (config.REDIS_URL) {
    return new RedisStore(config.REDIS_URL, { log: options.log });
  }
  return new MemoryStore();
}

export function createCache(
  config: CacheConfig,
  options: CreateCacheOptions = {},
): Cache {
  return new Cache(createStore(config, options), {
    timeoutMs: config.CACHE_TIMEOUT_MS,
  });
}
