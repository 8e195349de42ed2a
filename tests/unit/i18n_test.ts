import assert from "node:assert/strict";
import fc from "fast-check";
import {
  isLocale,
  LOCALES,
  type MessageKey,
  negotiateLocale,
  translator,
} from "../../lib/i18n/i18n.ts";
import { en } from "../../lib/i18n/messages_en.ts";
import { fr } from "../../lib/i18n/messages_fr.ts";

Deno.test("i18n: negotiateLocale without a header is English", () => {
  assert.equal(negotiateLocale(undefined), "en");
  assert.equal(negotiateLocale(null), "en");
  assert.equal(negotiateLocale(""), "en");
});

Deno.test("i18n: negotiateLocale honours order and q-values", () => {
  const cases: [string, string][] = [
    ["fr", "fr"],
    ["fr-CA", "fr"],
    ["fr-FR,fr;q=0.9", "fr"],
    ["FR-ca", "fr"],
    ["en-US,en;q=0.9,fr;q=0.8", "en"],
    ["fr-CA,fr;q=0.9,en;q=0.8", "fr"],
    // q-values beat position.
    ["en;q=0.5, fr;q=0.9", "fr"],
    ["en;q=0.1,fr", "fr"],
    ["fr;q=0.2, en;q=0.3", "en"],
    ["fr; q=0.9, en; q=0.4", "fr"],
    // Equal weights: the earlier entry wins.
    ["fr;q=0.5,en;q=0.5", "fr"],
    ["en;q=0.5,fr;q=0.5", "en"],
    // Unsupported languages are skipped, falling through to the next supported one.
    ["de-DE,de;q=0.9,fr;q=0.8", "fr"],
    ["es, it;q=0.9, en;q=0.1", "en"],
    // q=0 means "not acceptable".
    ["fr;q=0", "en"],
    ["fr;q=0, en;q=0.1", "en"],
    ["fr;q=0.0,de", "en"],
    // Nothing supported: the default.
    ["de", "en"],
    ["*", "en"],
    ["zh-Hant-TW, ja;q=0.5", "en"],
    // Garbage never throws.
    [";;;,,,", "en"],
    ["fr;q=abc", "en"],
    ["fr;q=", "en"],
  ];
  for (const [header, expected] of cases) {
    assert.equal(negotiateLocale(header), expected, `Accept-Language: ${header}`);
  }
});

Deno.test("i18n: negotiateLocale never throws and always returns a supported locale", () => {
  fc.assert(fc.property(fc.string(), (header) => {
    assert.ok(isLocale(negotiateLocale(header)));
  }));
  const entry = fc.record({
    tag: fc.constantFrom("en", "fr", "de", "fr-CA", "en-GB", "es", "*"),
    q: fc.option(fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000), { nil: undefined }),
  });
  fc.assert(fc.property(fc.array(entry, { maxLength: 6 }), (entries) => {
    const header = entries.map((e) => e.q === undefined ? e.tag : `${e.tag};q=${e.q}`).join(",");
    // Reference: highest q among supported tags, earliest first on ties.
    let best: { lang: string; q: number } | undefined;
    for (const e of entries) {
      const lang = e.tag.split("-")[0];
      const q = e.q ?? 1;
      if (q <= 0 || !isLocale(lang)) continue;
      if (!best || q > best.q) best = { lang, q };
    }
    assert.equal(negotiateLocale(header), best?.lang ?? "en", header);
  }));
});

Deno.test("i18n: LOCALES and isLocale agree", () => {
  assert.deepEqual([...LOCALES], ["en", "fr"]);
  for (const locale of LOCALES) assert.ok(isLocale(locale));
  for (const other of ["de", "EN", "fr-CA", "", null, undefined, 1]) assert.ok(!isLocale(other));
});

Deno.test("i18n: translator fills placeholders and leaves unknown ones", () => {
  const t = translator("en");
  assert.equal(t("dashboard.greeting", { name: "Ana" }), "Hello, Ana");
  assert.equal(
    translator("fr")("dashboard.greeting", { name: "Ana" }),
    fr["dashboard.greeting"].replace("{name}", "Ana"),
  );
  assert.match(t("auth.login.throttled", { seconds: 30 }), /\b30\b/);
  // A missing parameter keeps its placeholder visible rather than printing "undefined".
  assert.equal(t("dashboard.greeting", {}), "Hello, {name}");
  assert.equal(t("dashboard.greeting"), "Hello, {name}");
  // Values are inserted literally, even when they look like placeholders or `$&` patterns.
  assert.equal(t("dashboard.greeting", { name: "{name} $& $1" }), "Hello, {name} $& $1");
  assert.equal(t("dashboard.greeting", { name: 0 }), "Hello, 0");
});

Deno.test("i18n: a key missing from every catalogue falls back to the key itself", () => {
  const missing = "no.such.key" as MessageKey;
  assert.equal(translator("fr")(missing), "no.such.key");
  assert.equal(translator("en")(missing), "no.such.key");
});

Deno.test("i18n: fr translates; the product name stays the same", () => {
  const t = translator("fr");
  assert.equal(t("nav.dashboard"), fr["nav.dashboard"]);
  assert.notEqual(t("nav.dashboard"), en["nav.dashboard"]);
  assert.equal(t("app.name"), "Headway");
});

Deno.test("i18n: fr has exactly the en keys, no empty strings, and the same placeholders", () => {
  const enKeys = Object.keys(en).sort();
  const frKeys = Object.keys(fr).sort();
  assert.deepEqual(frKeys, enKeys);
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of enKeys as MessageKey[]) {
    for (const [name, catalogue] of [["en", en], ["fr", fr]] as const) {
      const text = catalogue[key];
      assert.equal(typeof text, "string", `${name} ${key}`);
      assert.ok(text.trim().length > 0, `${name} ${key} is empty`);
      assert.equal(text, text.trim(), `${name} ${key} has stray whitespace`);
    }
    assert.deepEqual(placeholders(fr[key]), placeholders(en[key]), `placeholders of ${key}`);
  }
});
