/** The shared deadline ticker (lib/time/deadlines.ts) behind request deadlines and cache timeouts. */
import assert from "node:assert/strict";
import { Deadlines } from "../../../lib/time/deadlines.ts";

const never = () => new Promise<never>(() => {});

Deno.test("Deadlines: work that settles in time settles as it would", async () => {
  const deadlines = new Deadlines(5);
  assert.equal(await deadlines.within(Promise.resolve(42), 50, () => new Error("late")), 42);
  await assert.rejects(
    deadlines.within(Promise.reject(new RangeError("own")), 50, () => new Error("late")),
    RangeError,
  );
});

Deno.test("Deadlines: silent work is rejected with the given error within a tick of its limit", async () => {
  const deadlines = new Deadlines(10);
  const started = performance.now();
  const results = await Promise.allSettled([
    deadlines.within(never(), 30, () => new Error("first")),
    deadlines.within(never(), 60, () => new Error("second")),
    deadlines.within(new Promise((r) => setTimeout(() => r("fast"), 5)), 60, () => new Error("no")),
  ]);
  const elapsed = performance.now() - started;
  assert.deepEqual(
    results.map((r) => r.status === "fulfilled" ? r.value : (r.reason as Error).message),
    ["first", "second", "fast"],
  );
  assert.ok(elapsed >= 60 && elapsed < 60 + 10 + 50, `took ${elapsed.toFixed(1)} ms`);
});

/** How `promise` ends within `ms`: its value, its error's message, or "still pending". */
async function outcomeWithin(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const pending = new Promise((r) => timer = setTimeout(() => r("still pending"), ms));
  try {
    return await Promise.race([promise.catch((error: Error) => error.message), pending]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("Deadlines: a silent call still expires while many others settle around it", async () => {
  const deadlines = new Deadlines(5);
  const silent = deadlines.within(never(), 40, () => new Error("silent"));
  // Calls added after it (ahead of it in the list) and settling over several ticks: each unlinks
  // itself, and none may take the silent one with it.
  for (let round = 0; round < 5; round++) {
    await Promise.all(
      Array.from(
        { length: 200 },
        (_, i) => deadlines.within(Promise.resolve(i), 40, () => new Error("no")),
      ),
    );
    await new Promise((r) => setTimeout(r, 6));
  }
  assert.equal(await outcomeWithin(silent, 500), "silent");
});

Deno.test("Deadlines: work that finishes after its deadline cannot change the outcome", async () => {
  const deadlines = new Deadlines(5);
  let finish!: (value: string) => void;
  const late = new Promise<string>((r) => finish = r);
  const limited = deadlines.within(late, 10, () => new Error("too late"));
  await assert.rejects(limited, { message: "too late" });
  finish("done");
  await late;
  await assert.rejects(limited, { message: "too late" });
});
