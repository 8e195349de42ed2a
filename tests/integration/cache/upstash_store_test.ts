/**
 * UpstashStore through the Upstash-REST fake (tests/support/upstash_fake.ts), which forwards to a
 * real Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379): the shared contract, the SDK
 * options that keep values intact, the fake's protocol, and outages.
 */
import assert from "node:assert/strict";
import { Redis } from "@upstash/redis";
import { Cache } from "../../../lib/cache/cache.ts";
import { UpstashStore } from "../../../lib/cache/upstash_store.ts";
import { cacheStoreContract, TRICKY_VALUES } from "../../support/cache_store_contract.ts";
import { startUpstashFake } from "../../support/upstash_fake.ts";

const REDIS_URL = Deno.env.get("TEST_REDIS_URL") ?? "redis://127.0.0.1:6379";
const TOKEN = "test-token";

const startFake = () => startUpstashFake({ redisUrl: REDIS_URL, token: TOKEN });
const newPrefix = () => `headway-test:${crypto.randomUUID()}:`;

cacheStoreContract("upstash", async () => {
  const fake = await startFake();
  return {
    store: new UpstashStore({ url: fake.url, token: fake.token }),
    dispose: fake.close,
  };
});

Deno.test("UpstashStore: values round-trip without base64 response encoding too", async () => {
  const fake = await startFake();
  const store = new UpstashStore({
    url: fake.url,
    token: fake.token,
    responseEncoding: false,
  });
  const prefix = newPrefix();
  const keys = TRICKY_VALUES.map((_, i) => `${prefix}${i}`);
  try {
    await Promise.all(
      TRICKY_VALUES.map((value, i) => store.set(keys[i], value, 60)),
    );
    for (const [i, value] of TRICKY_VALUES.entries()) {
      assert.equal(await store.get(keys[i]), value, `value #${i} changed`);
    }
    assert.equal(await store.increment(`${prefix}n`, 60), 1);
  } finally {
    await store.delete([...keys, `${prefix}n`]);
    await store.close();
    await fake.close();
  }
});

Deno.test("UpstashStore: the SDK's default deserialisation would alter our strings", async () => {
  // Documents why the store sets automaticDeserialization: false.
  const fake = await startFake();
  const store = new UpstashStore({ url: fake.url, token: fake.token });
  const defaults = new Redis({
    url: fake.url,
    token: fake.token,
    enableTelemetry: false,
  });
  const prefix = newPrefix();
  try {
    await store.set(`${prefix}number`, "123", 60);
    await store.set(`${prefix}json`, '{"a":1}', 60);
    assert.equal(await defaults.get(`${prefix}number`), 123);
    assert.deepEqual(await defaults.get(`${prefix}json`), { a: 1 });
    assert.equal(await store.get(`${prefix}number`), "123");
    assert.equal(await store.get(`${prefix}json`), '{"a":1}');
  } finally {
    await store.delete([`${prefix}number`, `${prefix}json`]);
    await store.close();
    await fake.close();
  }
});

Deno.test("Upstash fake: auth, pipeline, multi-exec and errors as the SDK expects", async () => {
  const fake = await startFake();
  const options = {
    url: fake.url,
    token: fake.token,
    automaticDeserialization: false,
    enableTelemetry: false,
    retry: { retries: 0 },
  };
  const redis = new Redis({ ...options, enableAutoPipelining: false });
  const prefix = newPrefix();
  try {
    const intruder = new UpstashStore({ url: fake.url, token: "wrong" });
    await assert.rejects(intruder.get(`${prefix}x`), /Unauthorized/);
    await intruder.close();

    const pipeline = redis.pipeline();
    pipeline.set(`${prefix}p`, "not a number");
    pipeline.incr(`${prefix}p`);
    pipeline.get(`${prefix}p`);
    assert.deepEqual(
      await pipeline.exec({ keepErrors: true }),
      [
        { result: "OK", error: undefined },
        {
          result: undefined,
          error: "ERR value is not an integer or out of range",
        },
        { result: "not a number", error: undefined },
      ],
    );

    const tx = redis.multi();
    tx.incr(`${prefix}m`);
    tx.pexpire(`${prefix}m`, 60_000);
    tx.get(`${prefix}m`);
    assert.deepEqual(await tx.exec(), [1, 1, "1"]);

    await assert.rejects(
      redis.eval("return redis.call('NOPE')", [], []),
      /Unknown Redis command/i,
    );
    assert.equal(await redis.ping(), "PONG");

    // The SDK's auto-pipelining sends concurrent commands through /pipeline.
    const auto = new Redis(options);
    const before = fake.requests["/pipeline"] ?? 0;
    const [a, b] = await Promise.all([
      auto.get(`${prefix}m`),
      auto.get(`${prefix}missing`),
    ]);
    assert.deepEqual([a, b], ["1", null]);
    assert.equal(fake.requests["/pipeline"], before + 1);
  } finally {
    await redis.unlink(`${prefix}p`, `${prefix}m`);
    await fake.close();
  }
});

/** 20 calls through Cache, one after another; all must resolve as misses / dropped writes. */
async function twentyCalls(cache: Cache) {
  const started = performance.now();
  const results: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    results.push(await cache.get(`k${i}`));
    results.push(await cache.set(`k${i}`, { i }, 60));
    results.push(await cache.increment(`rate:${i}`, 60));
    results.push(await cache.delete(`k${i}`));
    results.push(
      await cache.getOrLoad(
        `page:${i}`,
        60,
        () => Promise.resolve(`loaded ${i}`),
      ),
    );
  }
  const elapsed = performance.now() - started;
  assert.equal(results.length, 20);
  for (let i = 0; i < 4; i++) {
    assert.deepEqual(results.slice(i * 5, i * 5 + 5), [
      null,
      false,
      null,
      false,
      `loaded ${i}`,
    ]);
  }
  assert.ok(elapsed < 500, `20 calls took ${elapsed.toFixed(0)} ms`);
}

Deno.test("UpstashStore: a stalled server costs at most the Cache timeout", async () => {
  const fake = await startFake();
  const store = new UpstashStore({ url: fake.url, token: fake.token });
  const cache = new Cache(store, { timeoutMs: 50 });
  try {
    fake.setDown("stall");
    await twentyCalls(cache);
    assert.equal(cache.stats().circuit, "open");
  } finally {
    await cache.close(); // aborts the stalled requests
    await fake.close();
  }
});

Deno.test("UpstashStore: a 503 fails at once, without retries, and recovery is immediate", async () => {
  const fake = await startFake();
  const store = new UpstashStore({ url: fake.url, token: fake.token });
  const prefix = newPrefix();
  try {
    fake.setDown("error");
    const before = fake.requests["/"] ?? 0;
    await assert.rejects(store.get(`${prefix}k`));
    assert.equal(fake.requests["/"], before + 1);
    await twentyCalls(new Cache(store, { timeoutMs: 50 }));

    fake.setDown(false);
    await store.set(`${prefix}k`, "back", 60);
    assert.equal(await store.get(`${prefix}k`), "back");
    await store.delete([`${prefix}k`]);
  } finally {
    await store.close();
    await fake.close();
  }
});

Deno.test("UpstashStore: a closed port fails fast (no 5× retry backoff)", async () => {
  const store = new UpstashStore({ url: "http://127.0.0.1:1", token: TOKEN });
  try {
    const started = performance.now();
    await assert.rejects(store.get("k"));
    // The SDK default (5 retries, exponential backoff) takes over 4 s here.
    assert.ok(performance.now() - started < 500, "store.get retried");
    await twentyCalls(new Cache(store, { timeoutMs: 50 }));
  } finally {
    await store.close();
  }
});

Deno.test("UpstashStore: requests are aborted after requestTimeoutMs and on close()", async () => {
  const fake = await startFake();
  const store = new UpstashStore({
    url: fake.url,
    token: fake.token,
    requestTimeoutMs: 100,
  });
  try {
    fake.setDown("stall");
    const started = performance.now();
    await assert.rejects(store.get("k"));
    const elapsed = performance.now() - started;
    assert.ok(
      elapsed >= 90 && elapsed < 600,
      `aborted after ${elapsed.toFixed(0)} ms`,
    );

    const pending = store.get("k");
    await store.close();
    await assert.rejects(pending);
    await assert.rejects(store.get("k"), /closed/);
  } finally {
    await store.close();
    await fake.close();
  }
});
