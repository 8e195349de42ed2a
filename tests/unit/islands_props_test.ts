import assert from "node:assert/strict";
import fc from "fast-check";
import { computed, type Signal, signal } from "@preact/signals";
import { decodeProps, jsonForScript, PropsEncoder, type Wire } from "../../lib/islands/props.ts";

/** Encodes like the server, sends through JSON like the page, decodes like the browser. */
function roundTrip(values: unknown[]): unknown[] {
  const encoder = new PropsEncoder();
  const wire = values.map((value, i) => encoder.encode(value, `island${i}`));
  const page = JSON.parse(jsonForScript({ uses: wire, signals: encoder.signals }));
  return decodeProps(page.uses, page.signals, (value) => signal(value)) as unknown[];
}

const one = (value: unknown) => roundTrip([value])[0];

Deno.test("props: JSON values survive unchanged", () => {
  const value = {
    s: "text",
    n: 42.5,
    zero: 0,
    t: true,
    f: false,
    nil: null,
    list: [1, "two", [3, [4, { five: 5 }]], []],
    nested: { a: { b: { c: ["d"] } }, empty: {} },
    unicode: "été ✓ 😀",
  };
  assert.deepEqual(one(value), value);
});

Deno.test("props: Dates come back as Dates at the same instant", () => {
  const at = new Date("2024-02-29T12:34:56.789Z");
  const decoded = one({ at, list: [at] }) as { at: Date; list: Date[] };
  assert.ok(decoded.at instanceof Date);
  assert.equal(decoded.at.toISOString(), at.toISOString());
  assert.ok(decoded.list[0] instanceof Date);
  assert.equal(decoded.list[0].getTime(), at.getTime());
});

Deno.test("props: an invalid Date round-trips as an invalid Date instead of throwing", () => {
  const decoded = one({ when: new Date(Number.NaN) }) as { when: Date };
  assert.ok(decoded.when instanceof Date);
  assert.ok(Number.isNaN(decoded.when.getTime()));
});

Deno.test("props: undefined, NaN and ±Infinity are preserved", () => {
  const decoded = one({
    u: undefined,
    nan: Number.NaN,
    inf: Infinity,
    ninf: -Infinity,
    list: [undefined, Number.NaN, 1],
  }) as Record<string, unknown>;
  assert.ok("u" in decoded, "an explicit undefined key stays present");
  assert.equal(decoded.u, undefined);
  assert.ok(Number.isNaN(decoded.nan));
  assert.equal(decoded.inf, Infinity);
  assert.equal(decoded.ninf, -Infinity);
  assert.equal((decoded.list as unknown[]).length, 3);
  assert.equal((decoded.list as unknown[])[0], undefined);
  assert.ok(Number.isNaN((decoded.list as unknown[])[1]));
});

Deno.test("props: objects with a `$hw` key are escaped, never interpreted as tags", () => {
  const forged = [
    { $hw: ["d", "2020-01-01T00:00:00.000Z"] },
    { $hw: ["u"] },
    { $hw: ["s", 0] },
    { $hw: ["n", "NaN"] },
    { $hw: ["o", { x: 1 }] },
    { $hw: "plain", other: 1 },
    { nested: { $hw: { $hw: ["s", 0] } } },
  ];
  for (const value of forged) {
    const decoded = one(value);
    assert.deepEqual(decoded, value, JSON.stringify(value));
  }
  // Even alongside a real signal (which occupies slot 0) a forged reference stays data.
  const count = signal(5);
  const [decoded] = roundTrip([{ count, fake: { $hw: ["s", 0] } }]) as {
    count: Signal<number>;
    fake: unknown;
  }[];
  assert.deepEqual(decoded.fake, { $hw: ["s", 0] });
  assert.equal(decoded.count.value, 5);
});

Deno.test("props: property — arbitrary JSON-ish values round-trip", () => {
  const leaf = fc.oneof(
    fc.string(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.date({ noInvalidDate: true }),
  );
  const value = fc.letrec((tie) => ({
    tree: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
    array: fc.array(tie("tree"), { maxLength: 4 }),
    object: fc.dictionary(
      fc.oneof(fc.string(), fc.constantFrom("$hw", "__proto__", "constructor")),
      tie("tree"),
      { maxKeys: 4, noNullPrototype: true },
    ),
  })).tree;
  fc.assert(fc.property(value, (v) => {
    assert.deepEqual(one(v), v);
  }));
});

Deno.test("props: functions, symbols, bigints and class instances throw with the path", () => {
  const encoder = new PropsEncoder();
  const cases: [unknown, RegExp][] = [
    [{ onClick: () => {} }, /counter#Counter\.onClick: a function/],
    [{ list: [1, 2, Symbol("x")] }, /counter#Counter\.list\[2\]: a symbol/],
    [{ big: 1n }, /counter#Counter\.big: a bigint/],
    [{ deep: { map: new Map() } }, /counter#Counter\.deep\.map: only plain objects/],
    [{ re: /x/ }, /counter#Counter\.re: only plain objects/],
    [{ when: [new (class Point {})()] }, /counter#Counter\.when\[0\]: only plain objects/],
  ];
  for (const [value, message] of cases) {
    assert.throws(() => encoder.encode(value, "counter#Counter"), message);
  }
  // A signal's value is checked too, and named as such.
  assert.throws(
    () => new PropsEncoder().encode({ s: signal(() => 1) }, "p"),
    /p\.s\.value: a function/,
  );
});

Deno.test("props: objects with a null prototype are plain objects", () => {
  const bare = Object.assign(Object.create(null), { a: 1 });
  assert.deepEqual({ ...(one(bare) as object) }, { a: 1 });
});

Deno.test("props: one signal used twice, by two islands, is one signal after decoding", () => {
  const shared = signal(3);
  const other = signal("x");
  const encoder = new PropsEncoder();
  const first = encoder.encode({ a: shared, b: shared, c: other }, "a#A");
  const second = encoder.encode({ count: shared }, "b#B");
  assert.equal(encoder.signals.length, 2, "each distinct signal is stored once");
  assert.deepEqual(encoder.signals, [3, "x"]);
  assert.deepEqual((first as Record<string, Wire>).a, { $hw: ["s", 0] });
  assert.deepEqual((second as Record<string, Wire>).count, { $hw: ["s", 0] });

  const page = JSON.parse(jsonForScript({ uses: [first, second], signals: encoder.signals }));
  const [x, y] = decodeProps(page.uses, page.signals, (v) => signal(v)) as {
    a: Signal<number>;
    b: Signal<number>;
    c: Signal<string>;
    count: Signal<number>;
  }[];
  assert.equal(x.a, x.b, "the same signal object within one island");
  assert.equal(x.a, y.count, "and across islands");
  assert.notEqual(x.a, x.c);
  assert.equal(y.count.value, 3);
  // Shared for real: a write through one is seen through the other.
  x.a.value = 10;
  assert.equal(y.count.value, 10);
  assert.equal(x.c.value, "x");
});

Deno.test("props: signals holding Dates, objects, other signals and themselves", () => {
  const inner = signal(new Date(0));
  const outer = signal({ inner, label: "o" });
  const self: Signal<unknown> = signal(null);
  self.value = { me: self };
  const [decoded] = roundTrip([{ outer, inner, self }]) as {
    outer: Signal<{ inner: Signal<Date>; label: string }>;
    inner: Signal<Date>;
    self: Signal<{ me: unknown }>;
  }[];
  assert.equal(decoded.outer.value.inner, decoded.inner);
  assert.ok(decoded.inner.value instanceof Date);
  assert.equal(decoded.inner.value.getTime(), 0);
  assert.equal(decoded.outer.value.label, "o");
  assert.equal(decoded.self.value.me, decoded.self);
});

Deno.test("props: a computed signal is sent as its current value", () => {
  const base = signal(2);
  const doubled = computed(() => base.value * 2);
  const [decoded] = roundTrip([{ doubled }]) as { doubled: Signal<number> }[];
  assert.equal(decoded.doubled.value, 4);
});

Deno.test("jsonForScript: cannot close the script element and parses back exactly", () => {
  const nasty = {
    html: "</script><script>alert(1)</script>",
    comment: "<!-- <script>",
    amp: "a && b",
    seps: "line\u2028para\u2029end",
    upper: "</SCRIPT>",
  };
  const text = jsonForScript(nasty);
  assert.ok(!/<\/script/i.test(text));
  assert.ok(!text.includes("<"));
  assert.ok(!text.includes(">"));
  assert.ok(!text.includes("&"));
  assert.ok(!text.includes("\u2028") && !text.includes("\u2029"));
  assert.deepEqual(JSON.parse(text), nasty);
  // Also valid as a JavaScript expression (the line separators matter to older engines).
  assert.deepEqual(new Function(`return ${text}`)(), nasty);
});

Deno.test("jsonForScript: property — any string is safe and lossless", () => {
  fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => {
    const text = jsonForScript({ s });
    assert.ok(!/[<>&\u2028\u2029]/.test(text));
    assert.equal(JSON.parse(text).s, s);
  }));
});

Deno.test("props: -0 keeps its sign (JSON alone would make it 0)", () => {
  const decoded = one({ delta: -0, list: [-0, 0] }) as { delta: number; list: number[] };
  assert.ok(Object.is(decoded.delta, -0));
  assert.ok(Object.is(decoded.list[0], -0) && Object.is(decoded.list[1], 0));
});
