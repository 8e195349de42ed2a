import assert from "node:assert/strict";
import fc from "fast-check";
import {
  checkPassword,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_RULE,
} from "../../lib/auth/password_policy.ts";

Deno.test("password policy: the documented examples", () => {
  const cases: [string, boolean][] = [
    ["", false],
    ["short1!", false], // too short
    ["abcdefghij", false], // letters only
    ["1234567890", false], // no letter
    ["!!!!!!!!!!", false], // no letter
    ["abcdefghi1", true],
    ["abcdefghi!", true],
    ["correct horse battery", true], // spaces count as "other"
    ["motdepasse-été", true],
    ["пароль12345", true], // any script's letters count
    ["a".repeat(PASSWORD_MAX_LENGTH - 1) + "1", true],
    ["a".repeat(PASSWORD_MAX_LENGTH) + "1", false], // too long
  ];
  for (const [password, ok] of cases) {
    assert.equal(checkPassword(password).ok, ok, JSON.stringify(password));
  }
});

Deno.test("password policy: length counts characters, not UTF-16 units", () => {
  // Five astral characters are ten UTF-16 code units but only five characters.
  const emoji = "😀😀😀😀a";
  assert.equal(emoji.length, 9);
  assert.equal(checkPassword(emoji).length, false);
  const nine = "a1" + "😀".repeat(7);
  assert.equal(checkPassword(nine).length, false);
  assert.equal(checkPassword(nine + "x").length, true);
  assert.equal(checkPassword("é".repeat(PASSWORD_MAX_LENGTH - 1) + "1").ok, true);
});

Deno.test("password policy: scores rise with rules met and length, within 1–4", () => {
  assert.equal(checkPassword("").score, 1);
  assert.equal(checkPassword("abc").score, 1);
  assert.equal(checkPassword("abc1").score, 2);
  assert.equal(checkPassword("abcdefghi1").score, 3);
  assert.equal(checkPassword("abcdefghijklmno1").score, 4);
  assert.equal(checkPassword("abcdefghijklmnop").score, 2, "long but letters only is not strong");
});

Deno.test("password policy: properties", () => {
  fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 250 }), (password) => {
    const check = checkPassword(password);
    const chars = [...password].length;
    assert.equal(check.ok, check.length && check.letter && check.other);
    assert.equal(check.length, chars >= PASSWORD_MIN_LENGTH && chars <= PASSWORD_MAX_LENGTH);
    assert.ok(check.score >= 1 && check.score <= 4 && Number.isInteger(check.score));
    if (check.ok) assert.ok(check.score >= 3);
    if (!check.ok) assert.ok(check.score <= 2, "a failing password is at best fair");
  }));
  // Appending a digit to an ok password of allowed length keeps it ok.
  fc.assert(fc.property(fc.string({ minLength: 10, maxLength: 150 }), (base) => {
    const password = `a1${base}`;
    if (checkPassword(password).ok) assert.ok(checkPassword(`${password}9`).ok);
  }));
});

Deno.test("password policy: the rule text states the limits", () => {
  assert.match(PASSWORD_RULE, new RegExp(`at least ${PASSWORD_MIN_LENGTH} characters`));
  assert.match(PASSWORD_RULE, new RegExp(String(PASSWORD_MAX_LENGTH)));
  assert.match(PASSWORD_RULE, /letter/);
  assert.match(PASSWORD_RULE, /digit or symbol/);
});
