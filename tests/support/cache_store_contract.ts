/**
 * The behaviour every {@link CacheStore} adapter must share, written once and run against the
 * memory store, a real Redis and Upstash (via the fake in `upstash_fake.ts`). Keys carry a random
 * per-run prefix and are deleted at the end, so runs against a shared Redis never collide.
 *
 * @example
 * ```ts
 * cacheStoreContract("memory", () => Promise.resolve({ store: new MemoryStore() }));
 * ```
 */
import assert from "node:assert/strict";
import { type CacheStore, generationKey } from "../../lib/cache/store.ts";

export interface ContractSubject {
  store: CacheStore;
  /** Extra teardown after `store.close()` (e.g. stopping a fake server). */
  dispose?: () => Promise<void>;
}

/** Strings that naive (de)serialisation tends to change. Each must come back byte for byte. */
export const TRICKY_VALUES: readonly string[] = [
  "",
  "123",
  "-0",
  "0012",
  "1e3",
  "NaN",
  "true",
  "null",
  "OK",
  "PONG",
  '"quoted"',
  '{"a":1}',
  "[1,2,3]",
  " padded ",
  "line\nbreak\ttab\r\n",
  "nul\u0000byte",
  "héllo wörld — “quotes” ½",
  "日本語のテキスト",
  "emoji 🌍👩🏽‍💻 astral 𝄞",
  "T0s=",
  "x".repeat(100_000),
];

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function cacheStoreContract(
  name: string,
  open: () => Promise<ContractSubject>,
): void {
  Deno.test(`CacheStore contract: ${name}`, async (t) => {
    const { store, dispose } = await open();
    const prefix = `headway-test:${crypto.randomUUID()}:`;
    const used = new Set<string>();
    const key = (suffix: string) => {
      const full = prefix + suffix;
      used.add(full);
      return full;
    };

    try {
      await t.step("kind names the adapter", () => {
        assert.equal(store.kind, name);
      });

      await t.step("ping resolves", async () => {
        await store.ping();
      });

      await t.step("get of a missing key is null", async () => {
        assert.equal(await store.get(key("missing")), null);
      });

      await t.step("values round-trip exactly", async () => {
        await Promise.all(
          TRICKY_VALUES.map((value, i) => store.set(key(`value:${i}`), value, 60)),
        );
        const read = await Promise.all(
          TRICKY_VALUES.map((_, i) => store.get(key(`value:${i}`))),
        );
        for (const [i, value] of TRICKY_VALUES.entries()) {
          assert.equal(
            typeof read[i],
            "string",
            `value #${i} came back as ${typeof read[i]}`,
          );
          assert.equal(read[i], value, `value #${i} changed`);
        }
      });

      await t.step("set overwrites", async () => {
        await store.set(key("overwrite"), "first", 60);
        await store.set(key("overwrite"), "second", 60);
        assert.equal(await store.get(key("overwrite")), "second");
      });

      await t.step(
        "delete removes many keys in one call and ignores missing ones",
        async () => {
          const keys = ["d1", "d2", "d3", "d4", "d5"].map(key);
          await Promise.all(keys.map((k) => store.set(k, k, 60)));
          await store.delete([keys[0], keys[1], keys[2], key("never-set")]);
          assert.deepEqual(await Promise.all(keys.map((k) => store.get(k))), [
            null,
            null,
            null,
            keys[3],
            keys[4],
          ]);
          await store.delete([]);
          assert.equal(await store.get(keys[4]), keys[4]);
        },
      );

      await t.step(
        "increment counts from 1 and reads back as a string",
        async () => {
          assert.equal(await store.increment(key("counter"), 60), 1);
          assert.equal(await store.increment(key("counter"), 60), 2);
          assert.equal(await store.increment(key("counter"), 60), 3);
          assert.equal(await store.get(key("counter")), "3");
        },
      );

      await t.step("increment continues a counter written by set", async () => {
        await store.set(key("preset"), "41", 60);
        assert.equal(await store.increment(key("preset"), 60), 42);
      });

      await t.step("200 concurrent increments are atomic", async () => {
        const results = await Promise.all(
          Array.from(
            { length: 200 },
            () => store.increment(key("concurrent"), 60),
          ),
        );
        assert.deepEqual(
          [...results].sort((a, b) => a - b),
          Array.from({ length: 200 }, (_, i) => i + 1),
        );
        assert.equal(await store.get(key("concurrent")), "200");
      });

      await t.step("invalidate deletes and bumps the generation", async () => {
        const k = key("gen:value");
        used.add(generationKey(k));
        assert.equal(await store.generation(k), "0");
        await store.set(k, "v", 60);
        await store.invalidate([k, key("gen:missing")]);
        used.add(generationKey(prefix + "gen:missing"));
        assert.equal(await store.get(k), null);
        assert.notEqual(await store.generation(k), "0");
        await store.invalidate([]);
      });

      await t.step("setIfGeneration stores only while the generation is unchanged", async () => {
        const k = key("gen:cas");
        used.add(generationKey(k));
        const before = await store.generation(k);
        assert.equal(await store.setIfGeneration(k, "fresh", 60, before), true);
        assert.equal(await store.get(k), "fresh");
        // A load that read the generation before an invalidation must not write back.
        await store.invalidate([k]);
        assert.equal(await store.setIfGeneration(k, "stale", 60, before), false);
        assert.equal(await store.get(k), null);
        const after = await store.generation(k);
        assert.notEqual(after, before);
        assert.equal(await store.setIfGeneration(k, "new", 60, after), true);
        assert.equal(await store.get(k), "new");
      });

      await t.step("expiry (real clock, ~2.3 s)", async () => {
        await Promise.all([
          // A value set for 1 s is there at once and gone after it.
          (async () => {
            await store.set(key("ttl:set"), "v", 1);
            assert.equal(await store.get(key("ttl:set")), "v");
            await sleep(1_300);
            assert.equal(await store.get(key("ttl:set")), null);
          })(),
          // The counter's TTL starts at creation; later increments must not extend it.
          (async () => {
            assert.equal(await store.increment(key("ttl:counter"), 2), 1);
            await sleep(1_100);
            assert.equal(await store.increment(key("ttl:counter"), 2), 2);
            await sleep(1_200);
            assert.equal(
              await store.increment(key("ttl:counter"), 2),
              1,
              "TTL was extended",
            );
          })(),
          // Incrementing a value that already has a TTL keeps that TTL.
          (async () => {
            await store.set(key("ttl:preset"), "41", 1);
            assert.equal(await store.increment(key("ttl:preset"), 60), 42);
            await sleep(1_300);
            assert.equal(
              await store.get(key("ttl:preset")),
              null,
              "TTL was replaced",
            );
          })(),
        ]);
      });
    } finally {
      // Best effort: a cleanup failure must not hide the assertion that failed.
      await store.delete([...used]).catch(() => {});
      await store.close();
      await dispose?.();
    }
  });
}
