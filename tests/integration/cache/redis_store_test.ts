/**
 * RedisStore against a real Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379): the shared
 * contract, Redis-specific TTL checks, and outages (a closed port; a proxy that goes away and
 * comes back).
 */
import assert from "node:assert/strict";
import { createClient } from "redis";
import { Cache } from "../../../lib/cache/cache.ts";
import { RedisStore } from "../../../lib/cache/redis_store.ts";
import { cacheStoreContract } from "../../support/cache_store_contract.ts";

const REDIS_URL = Deno.env.get("TEST_REDIS_URL") ?? "redis://127.0.0.1:6379";
const CLOSED_PORT_URL = "redis://127.0.0.1:1";

async function connectedStore(url = REDIS_URL, log?: (line: string) => void) {
  const store = new RedisStore(url, { log });
  if (!(await store.waitUntilConnected(3_000))) {
    await store.close();
    throw new Error(`no Redis at ${url} (set TEST_REDIS_URL)`);
  }
  return store;
}

/** A raw client for looking behind the store's back. */
async function rawClient() {
  const client = createClient({ url: REDIS_URL });
  client.on("error", () => {});
  await client.connect();
  return client;
}

cacheStoreContract("redis", async () => ({ store: await connectedStore() }));

Deno.test("RedisStore: increment stores the TTL in Redis and heals a counter without one", async () => {
  const store = await connectedStore();
  const raw = await rawClient();
  const prefix = `headway-test:${crypto.randomUUID()}:`;
  try {
    assert.equal(await store.increment(`${prefix}a`, 60), 1);
    const ttl = await raw.pTTL(`${prefix}a`);
    assert.ok(ttl > 55_000 && ttl <= 60_000, `PTTL ${ttl}`);

    await raw.set(`${prefix}b`, "5"); // a counter that lost its TTL
    assert.equal(await store.increment(`${prefix}b`, 30), 6);
    const healed = await raw.pTTL(`${prefix}b`);
    assert.ok(healed > 25_000 && healed <= 30_000, `PTTL ${healed}`);

    await store.set(`${prefix}c`, "v", 1.5); // fractional TTLs are kept as milliseconds
    const fractional = await raw.pTTL(`${prefix}c`);
    assert.ok(fractional > 1_000 && fractional <= 1_500, `PTTL ${fractional}`);
  } finally {
    await raw.unlink([`${prefix}a`, `${prefix}b`, `${prefix}c`]);
    raw.destroy();
    await store.close();
  }
});

Deno.test("RedisStore: a closed port fails fast, logs once, and Cache answers misses", async () => {
  const logs: string[] = [];
  const store = new RedisStore(CLOSED_PORT_URL, {
    log: (line) => logs.push(line),
  });
  const cache = new Cache(store, { timeoutMs: 50 });
  try {
    // The store itself rejects at once: no offline queue to wait in.
    const started = performance.now();
    await assert.rejects(store.get("k"));
    assert.ok(performance.now() - started < 100, "store.get did not fail fast");

    const batchStart = performance.now();
    const results: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      results.push(await cache.get(`k${i}`));
      results.push(await cache.set(`k${i}`, { i }, 60));
      results.push(await cache.increment(`rate:${i}`, 60));
      results.push(await cache.delete(`k${i}`, `j${i}`));
      results.push(
        await cache.getOrLoad(
          `page:${i}`,
          60,
          () => Promise.resolve(`loaded ${i}`),
        ),
      );
    }
    const elapsed = performance.now() - batchStart;
    assert.equal(results.length, 20);
    assert.deepEqual(results.slice(0, 5), [
      null,
      false,
      null,
      false,
      "loaded 0",
    ]);
    assert.deepEqual(results.slice(15), [null, false, null, false, "loaded 3"]);
    assert.ok(elapsed < 500, `20 calls took ${elapsed.toFixed(0)} ms`);
    assert.equal(await cache.ping(), false);

    // Retries continue in the background without repeating the log line.
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(logs.length, 1, logs.join("\n"));
    assert.match(logs[0], /127\.0\.0\.1:1 unavailable/);
  } finally {
    const closing = performance.now();
    await cache.close();
    assert.ok(
      performance.now() - closing < 500,
      "close() waited on the dead server",
    );
  }
});

Deno.test("RedisStore: close() right after construction, with the server up or down", async () => {
  for (const url of [REDIS_URL, CLOSED_PORT_URL]) {
    const store = new RedisStore(url);
    await store.close();
    await store.close(); // idempotent
    await assert.rejects(store.get("k"));
    assert.equal(await store.waitUntilConnected(10), false);
  }
});

/** A TCP proxy to Redis that can be taken down and brought back on the same port. */
function startProxy(target: URL) {
  const upstream = {
    hostname: target.hostname,
    port: Number(target.port || 6379),
  };
  let listener: Deno.Listener | undefined;
  let port = 0;
  const conns = new Set<Deno.Conn>();
  const tasks = new Set<Promise<void>>();

  const closeQuietly = (conn: Deno.Conn) => {
    conns.delete(conn);
    try {
      conn.close();
    } catch {
      // already closed
    }
  };

  async function pump(from: Deno.Conn, to: Deno.Conn) {
    const buffer = new Uint8Array(64 * 1024);
    try {
      while (true) {
        const n = await from.read(buffer);
        if (n === null) return;
        let offset = 0;
        while (offset < n) offset += await to.write(buffer.subarray(offset, n));
      }
    } catch {
      // the other side went away
    }
  }

  async function serve(client: Deno.Conn) {
    conns.add(client);
    let server: Deno.Conn;
    try {
      server = await Deno.connect(upstream);
    } catch {
      closeQuietly(client);
      return;
    }
    conns.add(server);
    const a = pump(client, server);
    const b = pump(server, client);
    await Promise.race([a, b]);
    closeQuietly(client);
    closeQuietly(server);
    await Promise.all([a, b]);
  }

  function track(task: Promise<void>) {
    tasks.add(task);
    task.finally(() => tasks.delete(task));
  }

  return {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    start() {
      const l = Deno.listen({ hostname: "127.0.0.1", port });
      listener = l;
      port = l.addr.port;
      track((async () => {
        try {
          for await (const conn of l) track(serve(conn));
        } catch {
          // listener closed
        }
      })());
    },
    async stop() {
      listener?.close();
      listener = undefined;
      for (const conn of [...conns]) closeQuietly(conn);
      while (tasks.size > 0) await Promise.all([...tasks]);
    },
  };
}

Deno.test("RedisStore: reconnects in the background after the server comes back", async () => {
  const proxy = startProxy(new URL(REDIS_URL));
  proxy.start();
  const logs: string[] = [];
  const store = new RedisStore(proxy.url, {
    log: (line) => logs.push(line),
    minReconnectDelayMs: 20,
    maxReconnectDelayMs: 200,
  });
  const cache = new Cache(store, { timeoutMs: 50, cooldownMs: 100 });
  const key = `headway-test:${crypto.randomUUID()}:reconnect`;
  try {
    assert.equal(await store.waitUntilConnected(3_000), true);
    assert.equal(await cache.set(key, "before", 60), true);

    await proxy.stop();
    // The drop is noticed, and calls fail fast instead of queueing.
    const deadline = Date.now() + 2_000;
    while (store.connected && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(store.connected, false);
    const started = performance.now();
    assert.equal(await cache.get(key), null);
    assert.ok(performance.now() - started < 100);

    // Several retries fail while it is down…
    await new Promise((resolve) => setTimeout(resolve, 500));
    proxy.start();
    // …and the store is back once the server is.
    assert.equal(await store.waitUntilConnected(3_000), true);
    await new Promise((resolve) => setTimeout(resolve, 150)); // breaker cooldown
    assert.equal(await cache.get(key), "before");
    assert.equal(logs.length, 3, logs.join("\n"));
    assert.match(logs[0], /connected/);
    assert.match(logs[1], /unavailable/);
    assert.match(logs[2], /reconnected/);
  } finally {
    await cache.delete(key);
    await cache.close();
    await proxy.stop();
  }
});
