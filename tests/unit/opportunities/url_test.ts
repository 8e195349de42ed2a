/**
 * URL identity for duplicate imports (lib/opportunities/url.ts): spellings of one site collide,
 * different pages/queries/ports do not, and non-web or credentialed URLs are refused.
 */
import assert from "node:assert/strict";
import { InvalidUrlError, normalizeUrl, urlHash } from "../../../lib/opportunities/url.ts";

const SAME_AS_EXAMPLE = [
  "https://example.com",
  "https://example.com/",
  "https://EXAMPLE.com",
  "HTTPS://Example.COM/",
  "https://www.example.com",
  "https://www.example.com/",
  "https://WWW.Example.com",
  "http://example.com",
  "http://www.example.com/",
  "https://example.com:443",
  "http://example.com:80/",
  "https://example.com/#contact",
  "https://example.com#",
  "  https://example.com  ",
  "https://example.com.",
];

Deno.test("normalizeUrl: case, trailing slash, www., default port, fragment, scheme → one key", () => {
  const key = normalizeUrl("https://example.com");
  assert.equal(key, "example.com");
  for (const spelling of SAME_AS_EXAMPLE) {
    assert.equal(normalizeUrl(spelling), key, spelling);
  }
});

Deno.test("normalizeUrl: paths keep their identity (trailing slash and case aside)", () => {
  assert.equal(
    normalizeUrl("https://example.com/services/"),
    normalizeUrl("https://www.example.com/services"),
  );
  assert.equal(
    normalizeUrl("https://example.com/Services"),
    normalizeUrl("https://example.com/services"),
  );
  assert.equal(normalizeUrl("https://example.com/a b"), normalizeUrl("https://example.com/a%20b"));
  assert.equal(
    normalizeUrl("https://example.com/services#team"),
    normalizeUrl("https://example.com/services"),
  );
});

Deno.test("normalizeUrl: a different path, query or port is a different site", () => {
  const base = normalizeUrl("https://example.com");
  const different = [
    "https://example.com/about",
    "https://example.com/?lang=fr",
    "https://example.com:8443",
    "http://example.com:8080",
    "https://example.org",
    "https://shop.example.com",
    "https://wwwexample.com",
  ];
  const keys = different.map(normalizeUrl);
  for (const [i, key] of keys.entries()) assert.notEqual(key, base, different[i]);
  assert.equal(new Set(keys).size, keys.length, "all distinct from each other");
  assert.notEqual(
    normalizeUrl("https://example.com/?a=1"),
    normalizeUrl("https://example.com/?a=2"),
  );
  assert.notEqual(normalizeUrl("https://example.com/a"), normalizeUrl("https://example.com/a/b"));
});

Deno.test("normalizeUrl: invalid, non-http(s) and credentialed URLs are refused", () => {
  for (
    const bad of [
      "",
      "   ",
      "example.com",
      "not a url",
      "//example.com",
      "ftp://example.com",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "mailto:me@example.com",
      "data:text/html,hi",
      "https://user:secret@example.com",
      "https://user@example.com",
      "http://:pw@example.com",
    ]
  ) {
    assert.throws(() => normalizeUrl(bad), InvalidUrlError, JSON.stringify(bad));
  }
});

Deno.test("urlHash: per user, and equal for equal normalised URLs", () => {
  const a = "11111111-1111-1111-1111-111111111111";
  const b = "22222222-2222-2222-2222-222222222222";
  const key = normalizeUrl("https://www.example.com/");
  assert.match(urlHash(a, key), /^[0-9a-f]{64}$/);
  assert.equal(urlHash(a, key), urlHash(a, normalizeUrl("http://EXAMPLE.com")));
  assert.notEqual(urlHash(a, key), urlHash(b, key));
});
