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

/**
 * Invalidation: KEYS come in pairs (key, its generation key); each key is unlinked and its
 * generation incremented, with ARGV[1] = the generation TTL in ms.
 */
export const INVALIDATE_SCRIPT = `for i = 1, #KEYS, 2 do
  redis.call('UNLINK', KEYS[i])
  redis.call('INCR', KEYS[i + 1])
  redis.call('PEXPIRE', KEYS[i + 1], ARGV[1])
end
return 1`;

/**
 * Conditional write: SET KEYS[1] = ARGV[1] with TTL ARGV[2] ms only if the generation at KEYS[2]
 * (missing = "0") equals ARGV[3]. Returns 1 if stored.
 */
export const SET_IF_GENERATION_SCRIPT = `local g = redis.call('GET', KEYS[2]) or '0'
if g == ARGV[3] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** The KEYS list for {@link INVALIDATE_SCRIPT}. */
export function invalidationKeys(keys: string[], generationKey: (key: string) => string): string[] {
  return keys.flatMap((key) => [key, generationKey(key)]);
}
