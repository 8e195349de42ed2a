import assert from "node:assert/strict";
import { startHarness } from "../../support/harness.ts";

Deno.test("signup then GET /api/v1/me returns the user without the password hash", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice", timezone: "America/Toronto", locale: "fr" });
    const res = await alice.get("/api/v1/me");
    assert.equal(res.status, 200);
    const me = await res.json();
    assert.equal(me.email, alice.email);
    assert.equal(me.name, "Alice");
    assert.equal(me.timezone, "America/Toronto");
    assert.equal(me.locale, "fr");
    assert.equal(me.role, "member");
    assert.ok(!JSON.stringify(me).includes("argon2"));
    assert.ok(!("password_hash" in me));
  } finally {
    await h.close();
  }
});
