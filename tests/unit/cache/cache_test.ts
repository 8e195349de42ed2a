/**
 * The resilient Cache wrapper (lib/cache/cache.ts) over MemoryStore and over hand-made stores that
 * fail or hang, plus adapter selection in createCache.
 */
import assert from "node:assert/strict";
import { Cache } from "../../../lib/cache/cache.ts";
import { createCache } from "../../../lib/cache/create_cache.ts";
import { MemoryStore } from "../../../lib/cache/memory_store.ts";
import type { CacheStore } from "../../../lib/cache/store.ts";

type Mode = "ok" | "fail" | "hang";

/** A MemoryStore whose behaviour can be switched: working, throwing, or never answering. */
class ControlledStore implements CacheStore {
  readonly kind = "controlled";
  readonly inner = new MemoryStore();
  mode: Mode = "ok";
  calls = 0;

  constructor(mode: Mode = "ok") {
    this.mode = mode;
  }

  #run<T>(operation: () => Promise<T>): Promise<T> {
    this.calls++;
    if (this.mode === "fail") return Promise.reject(new Error("store down"));
    // A promise that never settles holds no timer or op, so it cannot leak past a test.
    if (this.mode === "hang") return new Promise<T>(() => {});
    return operation();
  }

  get(key: string) {
    return this.#run(() => this.inner.get(key));
  }
  set(key: string, value: string, ttlSeconds: number) {
    return this.#run(() => this.inner.set(key, value, ttlSeconds));
  }
  delete(keys: string[]) {
    return this.#run(() => this.inner.delete(keys));
  }
  invalidate(keys: string[]) {
    return this.#run(() => this.inner.invalidate(keys));
  }
  generation(key: string) {
    return this.#run(() => this.inner.generation(key));
  }
  setIfGeneration(key: string, value: string, ttlSeconds: number, generation: string) {
    return this.#run(() => this.inner.setIfGeneration(key, value, ttlSeconds, generation));
  }
  increment(key: string, ttlSeconds: number) {
    return this.#run(() => this.inner.increment(key, ttlSeconds));
  }
  ping() {
    return this.#run(() => this.inner.ping());
  }
  close() {
    return this.inner.close();
  }
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A clock tests move by hand. */
function manualClock(start = 1_700_000_000_000) {
  const clock = { time: start, now: () => clock.time };
  return clock;
}

Deno.test("Cache: get/set/delete/increment over MemoryStore", async () => {
  const cache = new Cache(new MemoryStore(), { timeoutMs: 50 });
  try {
    assert.equal(await cache.get("missing"), null);
    assert.equal(
      await cache.set("dashboard:1", { goals: [1, 2], name: "Ada" }, 60),
      true,
    );
    assert.deepEqual(await cache.get("dashboard:1"), {
      goals: [1, 2],
      name: "Ada",
    });
    assert.equal(await cache.set("number-like", "123", 60), true);
    assert.equal(await cache.get("number-like"), "123"); // JSON keeps the string a string

    assert.equal(await cache.set("a", 1, 60), true);
    assert.equal(await cache.set("b", 2, 60), true);
    assert.equal(await cache.delete("dashboard:1", "a", "never-set"), true);
    assert.equal(await cache.get("dashboard:1"), null);
    assert.equal(await cache.get("a"), null);
    assert.equal(await cache.get("b"), 2);
    assert.equal(await cache.delete(), true);

    assert.equal(await cache.increment("rate:ip", 60), 1);
    assert.equal(await cache.increment("rate:ip", 60), 2);
    assert.equal(await cache.get("rate:ip"), 2);
    assert.equal(await cache.ping(), true);
  } finally {
    await cache.close();
  }
});

Deno.test("Cache: entries and counters expire by their TTL (injected clock)", async () => {
  const clock = manualClock();
  const cache = new Cache(new MemoryStore({ now: clock.now }), {
    timeoutMs: 50,
    now: clock.now,
  });
  try {
    await cache.set("k", "v", 10);
    clock.time += 9_999;
    assert.equal(await cache.get("k"), "v");
    clock.time += 1;
    assert.equal(await cache.get("k"), null);

    assert.equal(await cache.increment("rate", 60), 1);
    clock.time += 30_000;
    assert.equal(await cache.increment("rate", 60), 2); // does not restart the window
    clock.time += 30_000;
    assert.equal(await cache.increment("rate", 60), 1); // window over: a fresh counter
  } finally {
    await cache.close();
  }
});

Deno.test("Cache.getOrLoad: 100 concurrent cold calls share one load", async () => {
  const store = new ControlledStore();
  const cache = new Cache(store, { timeoutMs: 50 });
  let loads = 0;
  const gate = deferred<void>();
  const load = async () => {
    loads++;
    await gate.promise;
    return { total: 42 };
  };
  try {
    const calls = Array.from(
      { length: 100 },
      () => cache.getOrLoad("summary", 60, load),
    );
    gate.resolve();
    const results = await Promise.all(calls);
    assert.equal(loads, 1);
    for (const result of results) assert.deepEqual(result, { total: 42 });
    // One read, one generation read and one conditional write reached the store, not 100 each.
    assert.equal(store.calls, 3);

    // Warm: served from the store, no load.
    assert.deepEqual(await cache.getOrLoad("summary", 60, load), { total: 42 });
    assert.equal(loads, 1);
  } finally {
    await cache.close();
  }
});

Deno.test("Cache.getOrLoad: a delete during the load is not overwritten by its stale result", async () => {
  const cache = new Cache(new MemoryStore(), { timeoutMs: 50 });
  try {
    // Without a concurrent reader: the stale result is returned to its caller but not stored.
    {
      const started = deferred<void>();
      const gate = deferred<string>();
      const first = cache.getOrLoad("k", 60, () => {
        started.resolve();
        return gate.promise;
      });
      await started.promise;
      await cache.delete("k");
      gate.resolve("stale");
      assert.equal(await first, "stale");
      assert.equal(await cache.get("k"), null);
    }

    // With a reader arriving after the delete: it must not join the stale load.
    {
      const started = deferred<void>();
      const gate = deferred<string>();
      const first = cache.getOrLoad("k2", 60, () => {
        started.resolve();
        return gate.promise;
      });
      await started.promise;
      await cache.delete("k2");
      let freshLoads = 0;
      const second = cache.getOrLoad("k2", 60, () => {
        freshLoads++;
        return Promise.resolve("fresh");
      });
      assert.equal(await second, "fresh");
      gate.resolve("stale");
      assert.equal(await first, "stale");
      assert.equal(freshLoads, 1);
      assert.equal(await cache.get("k2"), "fresh");
    }
  } finally {
    await cache.close();
  }
});

Deno.test("Cache.getOrLoad: a failing load rejects every joiner and is not cached", async () => {
  const cache = new Cache(new MemoryStore(), { timeoutMs: 50 });
  try {
    let loads = 0;
    const failing = async () => {
      loads++;
      await Promise.resolve();
      throw new Error("database down");
    };
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => cache.getOrLoad("k", 60, failing)),
    );
    assert.equal(loads, 1);
    for (const result of results) {
      assert.equal(result.status, "rejected");
      assert.match(
        String((result as PromiseRejectedResult).reason),
        /database down/,
      );
    }
    assert.equal(
      await cache.getOrLoad("k", 60, () => Promise.resolve("ok")),
      "ok",
    );
  } finally {
    await cache.close();
  }
});

Deno.test("Cache.getOrLoad: with the store down the loader still runs, once per burst", async () => {
  const cache = new Cache(new ControlledStore("fail"), { timeoutMs: 50 });
  try {
    let loads = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        cache.getOrLoad("k", 60, () => {
          loads++;
          return Promise.resolve("from the database");
        })),
    );
    assert.equal(loads, 1);
    assert.ok(results.every((value) => value === "from the database"));
  } finally {
    await cache.close();
  }
});

Deno.test("Cache: a failing store reads as misses and dropped writes, never throws", async () => {
  const store = new ControlledStore("fail");
  const cache = new Cache(store, { timeoutMs: 50, failureThreshold: 100 });
  try {
    assert.equal(await cache.get("k"), null);
    assert.equal(await cache.set("k", 1, 60), false);
    assert.equal(await cache.delete("k"), false);
    assert.equal(await cache.increment("k", 60), null);
    assert.equal(await cache.ping(), false);
    const stats = cache.stats();
    assert.equal(stats.errors, 4); // ping bypasses the counters
    assert.equal(stats.misses, 1);
    assert.equal(stats.healthy, true);
  } finally {
    await cache.close();
  }
});

Deno.test("Cache: a hanging store times out into a miss within ~timeoutMs", async () => {
  const timeoutMs = 40;
  const cache = new Cache(new ControlledStore("hang"), {
    timeoutMs,
    failureThreshold: 100,
  });
  try {
    const timed = async <T>(call: () => Promise<T>) => {
      const started = performance.now();
      const value = await call();
      return { value, elapsed: performance.now() - started };
    };
    for (
      const { value, elapsed } of [
        await timed(() => cache.get("k")),
        await timed(() => cache.set("k", 1, 60)),
        await timed(() => cache.delete("k")),
        await timed(() => cache.increment("k", 60)),
      ]
    ) {
      assert.ok(value === null || value === false, `unexpected ${value}`);
      assert.ok(
        elapsed >= timeoutMs - 5,
        `resolved early: ${elapsed.toFixed(1)} ms`,
      );
      assert.ok(
        elapsed < timeoutMs + 200,
        `too slow: ${elapsed.toFixed(1)} ms`,
      );
    }
    // ping allows a little longer (max(timeoutMs, 250)) but still answers.
    const ping = await timed(() => cache.ping());
    assert.equal(ping.value, false);
    assert.ok(ping.elapsed < 500);
    assert.equal(cache.stats().errors, 4);
  } finally {
    await cache.close();
  }
});

Deno.test("Cache: the breaker opens after the threshold and half-opens after the cooldown", async () => {
  const clock = manualClock();
  const store = new ControlledStore("fail");
  const cache = new Cache(store, {
    timeoutMs: 50,
    failureThreshold: 3,
    cooldownMs: 5_000,
    now: clock.now,
  });
  try {
    for (let i = 0; i < 3; i++) assert.equal(await cache.get("k"), null);
    assert.equal(store.calls, 3);
    assert.equal(cache.healthy, false);
    assert.equal(cache.stats().circuit, "open");

    // Open: the store is not called at all.
    for (let i = 0; i < 10; i++) assert.equal(await cache.get("k"), null);
    assert.equal(await cache.set("k", 1, 60), false);
    assert.equal(store.calls, 3);

    // Half-open after the cooldown: one probe; a single failure re-opens.
    clock.time += 4_999;
    assert.equal(cache.healthy, false);
    clock.time += 2;
    assert.equal(cache.healthy, true);
    assert.equal(await cache.get("k"), null);
    assert.equal(store.calls, 4);
    assert.equal(cache.healthy, false);

    // Next probe succeeds: closed again, and it takes a full threshold to re-open.
    clock.time += 5_001;
    store.mode = "ok";
    assert.equal(await cache.set("k", "back", 60), true);
    assert.equal(store.calls, 5);
    assert.equal(cache.stats().circuit, "closed");
    store.mode = "fail";
    await cache.get("k");
    await cache.get("k");
    assert.equal(cache.healthy, true);
    await cache.get("k");
    assert.equal(cache.healthy, false);
  } finally {
    await cache.close();
  }
});

Deno.test("Cache: timeouts count towards the breaker, then calls skip the store", async () => {
  const store = new ControlledStore("hang");
  const cache = new Cache(store, {
    timeoutMs: 30,
    failureThreshold: 2,
    cooldownMs: 60_000,
  });
  try {
    await cache.get("a");
    await cache.get("b");
    assert.equal(cache.healthy, false);
    const started = performance.now();
    for (let i = 0; i < 20; i++) assert.equal(await cache.get("c"), null);
    assert.ok(performance.now() - started < 20, "open breaker still waited");
    assert.equal(store.calls, 2);
  } finally {
    await cache.close();
  }
});

Deno.test("Cache.stats: hits, misses, errors and hitRate", async () => {
  const store = new ControlledStore();
  const cache = new Cache(store, { timeoutMs: 50 });
  try {
    assert.deepEqual(cache.stats(), {
      kind: "controlled",
      healthy: true,
      circuit: "closed",
      hits: 0,
      misses: 0,
      errors: 0,
      hitRate: 0,
    });
    await cache.set("a", { n: 1 }, 60);
    await cache.get("a");
    await cache.get("a");
    await cache.get("b");
    await store.inner.set("corrupt", "{not json", 60);
    await cache.get("corrupt"); // unparsable counts as a miss, not an error
    store.mode = "fail";
    await cache.get("a"); // an error is a miss too
    assert.deepEqual(cache.stats(), {
      kind: "controlled",
      healthy: true,
      circuit: "closed",
      hits: 2,
      misses: 3,
      errors: 1,
      hitRate: 0.4,
    });

    store.mode = "ok";
    await cache.get("a");
    assert.equal(cache.stats().hitRate, 0.5);
    await cache.get("a");
    assert.equal(cache.stats().hitRate, 0.5714); // 4 / 7, rounded to 4 places
  } finally {
    await cache.close();
  }
});

Deno.test("createCache: picks upstash, then redis, then memory", async () => {
  const base = { CACHE_TIMEOUT_MS: 25 };
  const upstash = {
    UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1",
    UPSTASH_REDIS_REST_TOKEN: "token",
  };
  const cases: [Parameters<typeof createCache>[0], string][] = [
    [base, "memory"],
    [{ ...base, REDIS_URL: "redis://127.0.0.1:1" }, "redis"],
    [{ ...base, ...upstash }, "upstash"],
    [{ ...base, ...upstash, REDIS_URL: "redis://127.0.0.1:1" }, "upstash"],
    [{
      ...base,
      UPSTASH_REDIS_REST_URL: "http://127.0.0.1:1",
      REDIS_URL: "redis://127.0.0.1:1",
    }, "redis"],
  ];
  for (const [config, kind] of cases) {
    const cache = createCache(config);
    try {
      assert.equal(cache.stats().kind, kind);
      // Every adapter answers quickly even with nothing behind it.
      const started = performance.now();
      assert.equal(
        await cache.getOrLoad("k", 60, () => Promise.resolve("v")),
        "v",
      );
      assert.ok(performance.now() - started < 500);
    } finally {
      await cache.close();
    }
  }
});

Deno.test("Cache.getOrLoad: a load that straddles an invalidation (any process) is not stored", async () => {
  const shared = new MemoryStore();
  // Two Cache instances over one store stand for two app instances sharing Redis.
  const reader = new Cache(shared, { timeoutMs: 50 });
  const writer = new Cache(shared, { timeoutMs: 50 });
  const gate = deferred<void>();
  try {
    const slowRead = reader.getOrLoad("dashboard:1", 60, async () => {
      await gate.promise; // the database read happened before the write below
      return { version: "old" };
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    await writer.delete("dashboard:1"); // the other instance committed and invalidated
    gate.resolve();
    assert.deepEqual(await slowRead, { version: "old" });
    assert.equal(await shared.get("dashboard:1"), null, "the stale value was written back");
    const fresh = await writer.getOrLoad(
      "dashboard:1",
      60,
      () => Promise.resolve({ version: "new" }),
    );
    assert.deepEqual(fresh, { version: "new" });
    assert.equal(await shared.get("dashboard:1"), JSON.stringify({ version: "new" }));
  } finally {
    await reader.close();
  }
});

Deno.test("Cache.get: one frozen object per stored text; a write or an outside change makes a new one", async () => {
  const store = new MemoryStore();
  const cache = new Cache(store, { timeoutMs: 50, parsedEntries: 2 });
  await cache.set("k", { list: [{ n: 1 }] }, 60);
  const first = await cache.get<{ list: { n: number }[] }>("k");
  const again = await cache.get<{ list: { n: number }[] }>("k");
  assert.equal(again, first, "the same text is parsed once and shared");
  assert.ok(Object.isFrozen(first) && Object.isFrozen(first!.list[0]), "deeply frozen");
  assert.throws(() => {
    (first!.list as { n: number }[]).push({ n: 2 });
  }, TypeError);

  // Through this cache, or straight into the store (another process sharing it): a new object.
  await cache.set("k", { list: [{ n: 2 }] }, 60);
  const second = await cache.get<{ list: { n: number }[] }>("k");
  assert.notEqual(second, first);
  assert.equal(second!.list[0].n, 2);
  await store.set("k", JSON.stringify({ list: [{ n: 3 }] }), 60);
  assert.equal((await cache.get<{ list: { n: number }[] }>("k"))!.list[0].n, 3);
  await cache.delete("k");
  assert.equal(await cache.get("k"), null);

  // Bounded: the oldest parsed values are forgotten (and simply parsed again).
  for (const key of ["a", "b", "c"]) await cache.set(key, { key }, 60);
  const a = await cache.get("a");
  await cache.get("b");
  await cache.get("c");
  const aAgain = await cache.get("a");
  assert.deepEqual(aAgain, a);
  assert.notEqual(aAgain, a, "evicted from the parsed values, parsed anew");
});

Deno.test("Cache.get on an in-process store: a failing read is a miss and an error, never a throw", async () => {
  const inner = new MemoryStore();
  let failing = false;
  const store: CacheStore = {
    kind: "memory",
    inProcess: true,
    get: (key) => failing ? Promise.reject(new Error("broken")) : inner.get(key),
    set: (key, value, ttl) => inner.set(key, value, ttl),
    delete: (keys) => inner.delete(keys),
    invalidate: (keys) => inner.invalidate(keys),
    generation: (key) => inner.generation(key),
    setIfGeneration: (key, value, ttl, generation) =>
      inner.setIfGeneration(key, value, ttl, generation),
    increment: (key, ttl) => inner.increment(key, ttl),
    ping: () => inner.ping(),
    close: () => inner.close(),
  };
  const cache = new Cache(store, { timeoutMs: 50 });
  try {
    await cache.set("k", { n: 1 }, 60);
    assert.deepEqual(await cache.get("k"), { n: 1 });
    failing = true;
    assert.equal(await cache.get("k"), null);
    assert.deepEqual(await cache.getOrLoad("k", 60, () => Promise.resolve({ n: 2 })), { n: 2 });
    const stats = cache.stats();
    assert.equal(stats.hits, 1);
    assert.equal(stats.errors, 2);
    assert.equal(stats.healthy, true, "an in-process store never opens the breaker");
  } finally {
    await cache.close();
  }
});

Deno.test("Cache.peek: answers synchronously only what a get has parsed and the store still holds", async () => {
  const cache = new Cache(new MemoryStore(), { timeoutMs: 50 });
  try {
    assert.equal(cache.peek("k"), undefined, "missing");
    await cache.set("k", { n: 1 }, 60);
    assert.equal(cache.peek("k"), undefined, "stored but never parsed: the async read must");
    const read = await cache.get<{ n: number }>("k");
    assert.equal(cache.peek("k"), read, "the same shared object as get");
    await cache.set("k", { n: 2 }, 60);
    assert.equal(cache.peek("k"), undefined, "a new value is not the parsed one");
    assert.deepEqual(await cache.get("k"), { n: 2 });
    await cache.delete("k");
    assert.equal(cache.peek("k"), undefined, "deleted");
  } finally {
    await cache.close();
  }
});

Deno.test("Cache.peek: never answers for a store without a synchronous read (remote)", async () => {
  const remote = new Cache(new ControlledStore(), { timeoutMs: 50 });
  try {
    await remote.set("k", { n: 1 }, 60);
    assert.deepEqual(await remote.get("k"), { n: 1 }, "parsed by get");
    assert.equal(remote.peek("k"), undefined, "a remote value may have changed since");
  } finally {
    await remote.close();
  }
});
