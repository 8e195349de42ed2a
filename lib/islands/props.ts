/**
 * The wire format for island props, shared by the server (encode) and the boot script (decode).
 * JSON with tagged values for what JSON lacks: Dates, `undefined`, non-finite numbers, -0 and
 * `@preact/signals` signals. Signals are stored once in a side table and referenced by index, so
 * one signal passed to two islands is one signal again in the browser.
 *
 * A tag is an object whose only key is `$hw`; plain objects that happen to have that key are
 * escaped, so no user data can forge a tag.
 */
export type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

type Tag =
  | ["d", string] // Date
  | ["u"] // undefined
  | ["n", "NaN" | "Infinity" | "-Infinity" | "-0"]
  | ["s", number] // signal, index into the signal table
  | ["o", { [key: string]: Wire }]; // escaped plain object that had a `$hw` key

/** Anything with a `.value` that is a signal (duck-typed so this module needs no import). */
export interface SignalLike {
  value: unknown;
  peek(): unknown;
  subscribe(fn: (value: unknown) => void): () => void;
}

function isSignal(value: object): value is SignalLike {
  return "peek" in value && "subscribe" in value && "brand" in value;
}

const tag = (t: Tag): Wire => ({ $hw: t as unknown as Wire });

/** Collects the signal table while encoding every island of one page. */
export class PropsEncoder {
  readonly signals: Wire[] = [];
  readonly #signalIndex = new Map<object, number>();

  encode(value: unknown, path = "props"): Wire {
    switch (typeof value) {
      case "string":
      case "boolean":
        return value;
      case "number":
        // JSON writes -0 as 0; a sign a chart axis or a delta may rely on must survive.
        if (Object.is(value, -0)) return tag(["n", "-0"]);
        return Number.isFinite(value) ? value : tag(["n", String(value) as "NaN"]);
      case "undefined":
        return tag(["u"]);
      case "bigint":
      case "function":
      case "symbol":
        throw new TypeError(`${path}: a ${typeof value} cannot be passed to an island`);
    }
    if (value === null) return null;
    if (value instanceof Date) {
      // An invalid Date has no ISO form (toISOString throws); `new Date("")` is invalid again.
      return tag(["d", Number.isNaN(value.getTime()) ? "" : value.toISOString()]);
    }
    if (Array.isArray(value)) return value.map((item, i) => this.encode(item, `${path}[${i}]`));
    const object = value as object;
    if (isSignal(object)) {
      let index = this.#signalIndex.get(object);
      if (index === undefined) {
        index = this.signals.length;
        this.#signalIndex.set(object, index);
        this.signals.push(null); // reserve the slot before encoding (a signal may hold itself)
        this.signals[index] = this.encode(object.peek(), `${path}.value`);
      }
      return tag(["s", index]);
    }
    const proto = Object.getPrototypeOf(object);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`${path}: only plain objects, arrays, Dates and signals can be passed`);
    }
    const out: { [key: string]: Wire } = {};
    for (const [key, item] of Object.entries(object)) {
      out[key] = this.encode(item, `${path}.${key}`);
    }
    return "$hw" in out ? tag(["o", out]) : out;
  }
}

/** Rebuilds values; `makeSignal` creates the browser's signals from the decoded table. */
export function decodeProps(
  wire: Wire,
  signalTable: Wire[],
  makeSignal: (value: unknown) => unknown,
): unknown {
  const signals: unknown[] = [];
  const decode = (value: Wire): unknown => {
    if (value === null || typeof value !== "object") return value;
    if (Array.isArray(value)) return value.map(decode);
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "$hw") {
      const [kind, payload] = value.$hw as unknown as Tag;
      switch (kind) {
        case "d":
          return new Date(payload as string);
        case "u":
          return undefined;
        case "n":
          return Number(payload); // "-0" → -0 too
        case "s":
          return signals[payload as number];
        case "o":
          return Object.fromEntries(
            Object.entries(payload as Record<string, Wire>).map(([k, v]) => [k, decode(v)]),
          );
      }
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
  };
  // Create every signal first (empty), then fill them, so signals may reference each other.
  for (let i = 0; i < signalTable.length; i++) signals.push(makeSignal(undefined));
  signalTable.forEach((value, i) => {
    (signals[i] as { value: unknown }).value = decode(value);
  });
  return decode(wire);
}

/**
 * Serialises a value for an inline `<script type="application/json">`: `<`, `>`, `&` and the
 * JavaScript line separators are escaped so no data can close the script element.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}
