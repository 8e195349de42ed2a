/**
 * `/settings`: the profile form (saved, or errors shown in place keeping what was typed), the
 * password form, and the API token flow (secret shown once, revocation).
 */
import assert from "node:assert/strict";
import { startHarness } from "../../support/harness.ts";
import { raw } from "../api/helpers.ts";

function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`).exec(html)?.[0];
  if (!tag) return undefined;
  return (/\bvalue="([^"]*)"/.exec(tag)?.[1] ?? "").replaceAll("&amp;", "&")
    .replaceAll("&quot;", '"');
}

function selected(html: string, name: string): string[] {
  const select = new RegExp(`<select[^>]*\\bname="${name}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  assert.ok(select, `a <select name="${name}">`);
  return [...select[1].matchAll(/<option\b([^>]*)>/g)]
    .filter((m) => /\bselected\b/.test(m[1]))
    .map((m) => /\bvalue="([^"]*)"/.exec(m[1])![1]);
}

Deno.test("settings page: shows the current values and saves name, zone, language and rate", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice", timezone: "America/Toronto" });
    let res = await alice.get("/settings");
    assert.equal(res.status, 200);
    let html = await res.text();
    assert.equal(inputValue(html, "name"), "Alice");
    assert.deepEqual(selected(html, "timezone"), ["America/Toronto"]);
    assert.deepEqual(selected(html, "locale"), ["en"]);
    assert.equal(inputValue(html, "hourly_rate"), "");

    res = await alice.form("/settings", {
      name: "  Alice Martin ",
      timezone: "Europe/Paris",
      locale: "fr",
      hourly_rate: " 85,50 ", // a French decimal comma
    });
    assert.equal(res.status, 303, await res.clone().text());
    assert.equal(res.headers.get("location"), "/settings?notice=saved");
    const me = await (await alice.get("/api/v1/me")).json();
    assert.equal(me.name, "Alice Martin");
    assert.equal(me.timezone, "Europe/Paris");
    assert.equal(me.locale, "fr");
    assert.equal(me.hourly_rate, 85.5);

    html = await (await alice.get("/settings?notice=saved")).text();
    assert.match(html, /<html lang="fr-CA"/, "the new language applies at once");
    assert.match(html, /Vos paramètres sont enregistrés/);
    assert.equal(inputValue(html, "hourly_rate"), "85.5");
    assert.deepEqual(selected(html, "timezone"), ["Europe/Paris"]);
    assert.deepEqual(selected(html, "locale"), ["fr"]);

    // An empty rate clears it.
    res = await alice.form("/settings", {
      name: "Alice Martin",
      timezone: "Europe/Paris",
      locale: "fr",
      hourly_rate: "",
    });
    assert.equal(res.status, 303);
    assert.equal((await (await alice.get("/api/v1/me")).json()).hourly_rate, null);

    // An unknown notice key shows nothing (no reflected text).
    const odd = await (await alice.get("/settings?notice=%3Cb%3Ehi")).text();
    assert.ok(!odd.includes("<b>hi"));
  } finally {
    await h.close();
  }
});

Deno.test("settings page: a bad hourly rate is 400 with the error in place and the typed values kept", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: "Alice", timezone: "America/Toronto" });
    await alice.form("/settings", {
      name: "Alice",
      timezone: "America/Toronto",
      locale: "en",
      hourly_rate: "60",
    });
    for (const rate of ["15", "500.01", "abc", "20.001", "Infinity", "NaN", "-30", "1e9"]) {
      const res = await alice.form("/settings", {
        name: "Typed Name",
        timezone: "Asia/Tokyo",
        locale: "en",
        hourly_rate: rate,
      });
      assert.equal(res.status, 400, rate);
      const html = await res.text();
      assert.match(html, /Enter an amount between 20 and 500, or leave it empty\./, rate);
      assert.match(html, /<input[^>]*name="hourly_rate"[^>]*aria-invalid="true"/);
      assert.equal(inputValue(html, "hourly_rate"), rate, "the typed rate is kept");
      assert.equal(inputValue(html, "name"), "Typed Name", "the other values are kept");
      assert.deepEqual(selected(html, "timezone"), ["Asia/Tokyo"]);
    }
    // Nothing was saved.
    const me = await (await alice.get("/api/v1/me")).json();
    assert.equal(me.name, "Alice");
    assert.equal(me.timezone, "America/Toronto");
    assert.equal(me.hourly_rate, 60);

    // A bad zone or an over-long name are shown in place too.
    let res = await alice.form("/settings", {
      name: "Alice",
      timezone: "Not/AZone",
      locale: "en",
      hourly_rate: "60",
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Choose a valid time zone\./);
    res = await alice.form("/settings", {
      name: "n".repeat(101),
      timezone: "UTC",
      locale: "en",
      hourly_rate: "",
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Use at most 100 characters\./);
    assert.equal((await (await alice.get("/api/v1/me")).json()).timezone, "America/Toronto");

    // In French, the message is French.
    const marie = await h.signup({ locale: "fr" });
    res = await marie.form("/settings", {
      name: "",
      timezone: "UTC",
      locale: "fr",
      hourly_rate: "5",
    });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Entrez un montant entre 20 et 500/);
  } finally {
    await h.close();
  }
});

Deno.test("settings page: tokens are created with the secret shown once, then revoked", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    let html = await (await alice.get("/settings")).text();
    assert.match(html, /<form[^>]*method="post"[^>]*action="\/settings\/tokens(#[\w-]+)?"/);

    const created = await alice.form("/settings/tokens", { name: "Laptop CLI" });
    assert.equal(created.status, 200);
    assert.match(
      created.headers.get("cache-control") ?? "",
      /no-store/,
      "the secret is not cached",
    );
    html = await created.text();
    const secret = /data-testid="new-token"[^>]*>([^<]+)</.exec(html)?.[1];
    assert.ok(secret, "the new token is shown");
    assert.match(secret, /^hw_[A-Za-z0-9_-]{43}$/);
    assert.match(html, /Copy your new token now/);
    assert.match(html, /Laptop CLI/);

    const me = await raw(h, "/api/v1/me", { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(me.status, 200);
    assert.equal((await me.json()).id, alice.userId);

    // Shown once: the next visit lists the token by name without its secret.
    html = await (await alice.get("/settings")).text();
    assert.ok(!html.includes(secret));
    assert.match(html, /Laptop CLI/);
    const action = /action="(\/settings\/tokens\/[0-9a-f-]{36}\/revoke)"/.exec(html)?.[1];
    assert.ok(action, "a revoke form per token");

    // Someone else's revoke URL does nothing to my token.
    const mallory = await h.signup();
    const theirs = await mallory.form(action, {});
    assert.equal(theirs.status, 303);
    assert.equal(
      (await raw(h, "/api/v1/me", { headers: { authorization: `Bearer ${secret}` } })).status,
      200,
    );

    const revoked = await alice.form(action, {});
    assert.equal(revoked.status, 303);
    assert.equal(revoked.headers.get("location"), "/settings?notice=revoked#tokens");
    const after = await raw(h, "/api/v1/me", { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(after.status, 401);
    await after.body?.cancel();
    html = await (await alice.get("/settings?notice=revoked")).text();
    assert.match(html, /revoked/i);
    assert.ok(!html.includes(action), "the revoked token is no longer listed");

    // A blank name is refused in place.
    const blank = await alice.form("/settings/tokens", { name: "   " });
    assert.equal(blank.status, 400);
    assert.ok(!/data-testid="new-token"/.test(await blank.text()));
    // Malformed ids in the revoke URL are harmless.
    for (const id of ["nope", "-".repeat(36), "0".repeat(36)]) {
      const res = await alice.form(`/settings/tokens/${id}/revoke`, {});
      assert.equal(res.status, 303, id);
    }
  } finally {
    await h.close();
  }
});
