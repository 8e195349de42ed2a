import assert from "node:assert/strict";
import fc from "fast-check";
import {
  CREDENTIAL_DIGESTS_KEPT,
  CREDENTIAL_MAX_REMEMBERED_LENGTH,
  credentialDigest,
  credentialDigestsHeld,
  forgetCredential,
  randomSecret,
  sha256Hex,
} from "../../../lib/auth/secrets.ts";

Deno.test("credentialDigest: the same hex SHA-256 as sha256Hex, remembered or not", () => {
  fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 120 }), (secret) => {
    const first = credentialDigest(secret);
    assert.equal(first, sha256Hex(secret));
    assert.equal(credentialDigest(secret), first);
  }));
  // A known vector: SHA-256("abc").
  assert.equal(
    credentialDigest("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});

Deno.test("credentialDigest: a flood of distinct credentials stays within the bound", () => {
  for (let i = 0; i < CREDENTIAL_DIGESTS_KEPT + 500; i++) credentialDigest(`flood-${i}`);
  assert.equal(credentialDigestsHeld(), CREDENTIAL_DIGESTS_KEPT);
  // The oldest went first; every answer is still right.
  assert.equal(credentialDigest("flood-0"), sha256Hex("flood-0"));
  assert.equal(credentialDigestsHeld(), CREDENTIAL_DIGESTS_KEPT);
});

Deno.test("forgetCredential: an ended credential is no longer held", () => {
  const secret = randomSecret();
  credentialDigest(secret);
  const held = credentialDigestsHeld();
  forgetCredential(secret);
  assert.equal(credentialDigestsHeld(), held - 1);
  assert.equal(credentialDigest(secret), sha256Hex(secret));
});

Deno.test("credentialDigest: an overlong string is digested but not remembered", () => {
  const long = "x".repeat(CREDENTIAL_MAX_REMEMBERED_LENGTH + 1);
  forgetCredential(long);
  const held = credentialDigestsHeld();
  assert.equal(credentialDigest(long), sha256Hex(long));
  assert.equal(credentialDigestsHeld(), held);
});
