/**
 * The HTML account pages: private pages redirect to login, sign-up and log-in forms (with safe
 * `next` redirects), log-out confirmation, the French UI, and the friendly 404 page.
 */
import assert from "node:assert/strict";
import { startHarness } from "../../support/harness.ts";
import { freshEmail, raw, setCookieLine } from "../api/helpers.ts";

const PASSWORD = "correct horse 42";

/** The `value` of the `<input name=…>` in a page, entity-decoded. */
function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*\\bname="${name}"[^>]*>`).exec(html)?.[0];
  if (!tag) return undefined;
  const value = /\bvalue="([^"]*)"/.exec(tag)?.[1] ?? "";
  return value.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">")
    .replaceAll("&amp;", "&");
}

Deno.test("pages: private pages send anonymous visitors to /login with next", async () => {
  const h = await startHarness();
  try {
    const cases: [string, string][] = [
      ["/dashboard", "/login?next=%2Fdashboard"],
      ["/settings", "/login?next=%2Fsettings"],
      ["/settings?notice=saved", "/login?next=%2Fsettings%3Fnotice%3Dsaved"],
    ];
    for (const [path, location] of cases) {
      const res = await raw(h, path);
      assert.equal(res.status, 303, path);
      assert.equal(res.headers.get("location"), location);
      await res.body?.cancel();
    }
    // Posting to a private form anonymously is a redirect too, never a crash or a change.
    const res = await h.client().form("/settings", { name: "x", timezone: "UTC", locale: "en" });
    assert.equal(res.status, 303);
    assert.match(res.headers.get("location") ?? "", /^\/login\?next=/);
  } finally {
    await h.close();
  }
});

Deno.test("pages: the sign-up form creates the account, sets the cookie and lands on /dashboard", async () => {
  const h = await startHarness();
  try {
    const form = await raw(h, "/signup");
    assert.equal(form.status, 200);
    const formHtml = await form.text();
    assert.match(formHtml, /<form[^>]*method="post"[^>]*action="\/signup"/);
    assert.match(formHtml, /name="email"/);
    assert.match(formHtml, /name="password"/);

    const browser = h.client();
    const email = freshEmail("Form");
    const res = await browser.form("/signup", {
      name: "Form User",
      email,
      password: PASSWORD,
      timezone: "America/Toronto",
    });
    assert.equal(res.status, 303, await res.clone().text());
    assert.equal(res.headers.get("location"), "/dashboard");
    const cookie = setCookieLine(res, "hw_session");
    assert.ok(cookie);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);

    const dashboard = await browser.get("/dashboard");
    assert.equal(dashboard.status, 200);
    const html = await dashboard.text();
    assert.match(html, /Hello, Form User/);
    assert.match(html, /<html lang="en"/);

    const me = await (await browser.get("/api/v1/me")).json();
    assert.equal(me.email, email.toLowerCase());
    assert.equal(me.timezone, "America/Toronto", "the browser's zone is kept");
    assert.equal(me.locale, "en");

    // Signed in: /signup and /login go to the dashboard.
    for (const path of ["/signup", "/login"]) {
      const again = await browser.get(path);
      assert.equal(again.status, 303);
      assert.equal(again.headers.get("location"), "/dashboard");
    }
  } finally {
    await h.close();
  }
});

Deno.test("pages: sign-up form errors are shown in place with the typed values (never the password)", async () => {
  const h = await startHarness();
  try {
    const res = await h.client().form("/signup", {
      name: "Kept Name",
      email: "not-an-email",
      password: "weakpw",
    });
    assert.equal(res.status, 400);
    assert.equal(res.headers.getSetCookie().length, 0);
    const html = await res.text();
    assert.equal(inputValue(html, "name"), "Kept Name");
    assert.equal(inputValue(html, "email"), "not-an-email");
    assert.ok(!html.includes("weakpw"), "the password is not echoed");
    assert.match(html, /Enter a valid email address/);
    assert.match(html, /aria-invalid="true"/);

    // An unknown browser time zone is ignored rather than blocking sign-up.
    const browser = h.client();
    const ok = await browser.form("/signup", {
      email: freshEmail(),
      password: PASSWORD,
      timezone: "Not/AZone",
    });
    assert.equal(ok.status, 303);
    assert.equal((await (await browser.get("/api/v1/me")).json()).timezone, "UTC");

    // …but an unknown zone never lets the other fields skip validation.
    const sneaky = h.client();
    const bad = await sneaky.form("/signup", {
      name: "n".repeat(500),
      email: "not-an-email",
      password: "x",
      timezone: "Bad/Zone",
    });
    assert.equal(bad.status, 400);
    assert.equal(bad.headers.getSetCookie().length, 0);
    const badHtml = await bad.text();
    assert.match(badHtml, /Enter a valid email address/);
    assert.match(badHtml, /Use at most 100 characters/);
    const [{ count }] = await h.db.sql`select count(*) from users where email = 'not-an-email'`;
    assert.equal(count, 0, "no account with an invalid email");
    // NUL characters (which Postgres cannot store) are refused, not a crash.
    const nul = await h.client().form("/signup", {
      name: "a\u0000b",
      email: freshEmail(),
      password: PASSWORD,
      timezone: "\u0000",
    });
    assert.equal(nul.status, 400);
    await nul.body?.cancel();

    // A taken email is a 409 with the form kept.
    const taken = await h.signup();
    const dup = await h.client().form("/signup", {
      name: "Dup",
      email: taken.email.toUpperCase(),
      password: PASSWORD,
    });
    assert.equal(dup.status, 409);
    const dupHtml = await dup.text();
    assert.match(dupHtml, /already exists/);
    assert.equal(inputValue(dupHtml, "name"), "Dup");
  } finally {
    await h.close();
  }
});

Deno.test("pages: the login form redirects to a same-site next only", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const login = (next: string | null) =>
      h.client().form(
        next === null ? "/login" : `/login?next=${encodeURIComponent(next)}`,
        { email: alice.email, password: alice.password },
      );

    const allowed: [string | null, string][] = [
      [null, "/dashboard"],
      ["/settings", "/settings"],
      ["/settings?notice=saved", "/settings?notice=saved"],
      ["/dashboard", "/dashboard"],
    ];
    const refused = [
      "//evil.example",
      "//evil.example/path",
      "https://evil.example",
      "http:evil.example",
      "/\\evil.example",
      "\\\\evil.example",
      "/\t/evil.example",
      "javascript:alert(1)",
      "evil.example",
      "",
      "/settings\r\nSet-Cookie: hw_session=x",
      " /settings",
      "/%0d%0aLocation:%20https://evil.example".replace(/%0d%0a/, "\r\n"),
    ];
    for (const [next, location] of allowed) {
      const res = await login(next);
      assert.equal(res.status, 303, String(next));
      assert.equal(res.headers.get("location"), location);
      assert.ok(setCookieLine(res, "hw_session"));
    }
    for (const next of refused) {
      const res = await login(next);
      assert.equal(res.status, 303, JSON.stringify(next));
      assert.equal(res.headers.get("location"), "/dashboard", JSON.stringify(next));
    }
    // Signed-in visitors of /login are redirected with the same rule.
    const res = await alice.get(`/login?next=${encodeURIComponent("//evil.example")}`);
    assert.equal(res.headers.get("location"), "/dashboard");
    const ok = await alice.get(`/login?next=${encodeURIComponent("/settings")}`);
    assert.equal(ok.headers.get("location"), "/settings");

    // The form carries next through to its action, escaped.
    const page = await raw(h, `/login?next=${encodeURIComponent("/settings?notice=saved")}`);
    assert.match(await page.text(), /action="\/login\?next=%2Fsettings%3Fnotice%3Dsaved"/);
  } finally {
    await h.close();
  }
});

Deno.test("pages: a failed form login is 401 with the email kept and the password not echoed", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const res = await h.client().form("/login", {
      email: alice.email,
      password: "wrong-and-secret-9",
    });
    assert.equal(res.status, 401);
    assert.equal(res.headers.getSetCookie().length, 0);
    const html = await res.text();
    assert.match(html, /do not match an account/);
    assert.equal(inputValue(html, "email"), alice.email);
    assert.ok(!html.includes("wrong-and-secret-9"));
    // Oversized inputs are not a crash.
    const big = await h.client().form("/login", {
      email: "x".repeat(10_000),
      password: "y".repeat(10_000),
    });
    assert.equal(big.status, 401);
    await big.body?.cancel();
  } finally {
    await h.close();
  }
});

Deno.test("pages: GET /logout asks for confirmation and does not log out; POST does", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const confirm = await alice.get("/logout");
    assert.equal(confirm.status, 200);
    assert.equal(confirm.headers.getSetCookie().length, 0, "GET does not touch the cookie");
    const html = await confirm.text();
    assert.match(html, /<form[^>]*method="post"[^>]*action="\/logout"/);
    assert.match(html, /Log out of Headway on this device\?/);
    assert.equal((await alice.get("/api/v1/me")).status, 200, "still signed in after GET");

    const old = alice.cookieHeader;
    const res = await alice.form("/logout", {});
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/logout?done=1");
    assert.match(setCookieLine(res, "hw_session") ?? "", /Max-Age=0/i);
    assert.equal((await alice.get("/api/v1/me")).status, 401);
    const replay = await raw(h, "/api/v1/me", { headers: { cookie: old } });
    assert.equal(replay.status, 401, "the old session id is dead server-side");
    await replay.body?.cancel();

    const done = await alice.get("/logout?done=1");
    assert.equal(done.status, 200);
    assert.match(await done.text(), /You have been logged out/);
    // Anonymous GET /logout just says so.
    assert.match(await (await raw(h, "/logout")).text(), /You have been logged out/);
  } finally {
    await h.close();
  }
});

Deno.test("pages: French UI from Accept-Language, and from the user's locale setting", async () => {
  const h = await startHarness();
  try {
    const french = ["fr-CA,fr;q=0.9", "fr", "de-DE,fr;q=0.8,en;q=0.5", "en;q=0.1, fr-FR;q=0.9"];
    for (const lang of french) {
      const res = await raw(h, "/login", { headers: { "accept-language": lang } });
      const html = await res.text();
      assert.match(html, /<html lang="fr-CA"/, lang);
      assert.match(html, /<title>Connexion · Headway<\/title>/, lang);
      assert.match(html, /Courriel/);
      assert.match(html, /Mot de passe/);
    }
    const english = ["en-US,en;q=0.9", "de-DE", "", "*", "fr;q=0, en", "garbage;;;q=x,,"];
    for (const lang of english) {
      const html = await (await raw(h, "/login", { headers: { "accept-language": lang } })).text();
      assert.match(html, /<html lang="en"/, JSON.stringify(lang));
      assert.match(html, /<title>Log in · Headway<\/title>/);
    }

    // A user whose locale is fr sees French even when the browser asks for English.
    const marie = await h.signup({ name: "Marie", locale: "fr" });
    const dashboard = await marie.get("/dashboard", { headers: { "accept-language": "en-US" } });
    const html = await dashboard.text();
    assert.match(html, /<html lang="fr-CA"/);
    assert.match(html, /Bonjour, Marie/);
    const settings = await (await marie.get("/settings", { headers: { "accept-language": "en" } }))
      .text();
    assert.match(settings, /<html lang="fr-CA"/);
    // …and an English user sees English whatever the browser says.
    const john = await h.signup({ name: "John", locale: "en" });
    const en = await (await john.get("/dashboard", { headers: { "accept-language": "fr-CA" } }))
      .text();
    assert.match(en, /Hello, John/);

    // A French form sign-up stores the negotiated locale.
    const browser = h.client();
    const res = await browser.form("/signup", { email: freshEmail(), password: PASSWORD }, {
      headers: { "accept-language": "fr-CA,fr;q=0.9" },
    });
    assert.equal(res.status, 303);
    assert.equal((await (await browser.get("/api/v1/me")).json()).locale, "fr");
  } finally {
    await h.close();
  }
});

Deno.test("pages: the 404 page is friendly HTML with status 404 and the request id", async () => {
  const h = await startHarness();
  try {
    for (const path of ["/nope", "/a/b/c", "/dashboard/extra", "/settings/nope", "/%E2%9C%93"]) {
      const res = await raw(h, path);
      assert.equal(res.status, 404, path);
      assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
      const html = await res.text();
      assert.match(html, /^<!doctype html>/i);
      assert.match(html, /Page not found/);
      assert.match(html, /<a href="\/"/, "a way back home");
      assert.match(html, /<meta name="robots" content="noindex"/);
      const id = res.headers.get("x-request-id")!;
      assert.ok(html.includes(`Request id: ${id}`), `${path} shows ${id}`);
    }
    const fr = await raw(h, "/nope", { headers: { "accept-language": "fr-CA" } });
    assert.equal(fr.status, 404);
    const html = await fr.text();
    assert.match(html, /Page introuvable/);
    assert.ok(html.includes(fr.headers.get("x-request-id")!));
    // Signed-in users get it too (with their navigation).
    const alice = await h.signup();
    const mine = await alice.get("/nope");
    assert.equal(mine.status, 404);
    assert.match(await mine.text(), /href="\/settings"/);
  } finally {
    await h.close();
  }
});

Deno.test("pages: the landing page, rendered once per locale, stays right for each visitor", async () => {
  const h = await startHarness();
  try {
    const langOf = async (lang: string) => {
      const res = await raw(h, "/", { headers: { "accept-language": lang } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get("content-security-policy") ?? "", /script-src/);
      assert.ok(res.headers.get("x-request-id"));
      return /<html lang="([^"]+)"/.exec(await res.text())?.[1];
    };
    // Alternating locales: each answer comes from its own locale's render.
    for (let i = 0; i < 2; i++) {
      assert.equal(await langOf("fr-CA"), "fr-CA");
      assert.equal(await langOf("en-US"), "en");
    }
    const first = await (await raw(h, "/", { headers: { "accept-language": "en" } })).text();
    const second = await (await raw(h, "/", { headers: { "accept-language": "en" } })).text();
    assert.equal(first, second);
    assert.doesNotMatch(first, /<script/, "the landing page ships no JavaScript");
    // A signed-in visitor never gets the anonymous page: straight to the dashboard.
    const alice = await h.signup();
    const res = await alice.get("/");
    assert.equal(res.status, 303);
    assert.equal(res.headers.get("location"), "/dashboard");
  } finally {
    await h.close();
  }
});
