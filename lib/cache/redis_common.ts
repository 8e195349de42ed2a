/**
 * Pieces shared by the Redis-protocol adapters (`RedisStore` and `UpstashStore`), kept
 * here so neither adapter pulls in the other's client library.
 */

/**
 * Atomic counter for rate limits: INCR, then give the key its TTL only if it has none (the same
 * as `PEXPIRE … NX`, but it also runs on Redis < 7). A counter that somehow lost its TTL heals on
 * its next increment instead of blocking a client forever. KEYS[1] = key, ARGV[1] = TTL in ms.
 */
export const INCREMENT_SCRIPT = `local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * Whole (or fractional) seconds to Redis milliseconds. A TTL of 0 or less keeps the key for 1 ms,
 * which matches `MemoryStore`: the value is gone by the next read.
 */
export function ttlToMs(ttlSeconds: number): number {
  if (!Number.isFinite(ttlSeconds)) {
    throw new RangeError(`invalid TTL: ${ttlSeconds}`);
  }
  return Math.max(1, Math.round(ttlSeconds * 1000));
}
