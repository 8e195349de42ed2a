/**
 * Security headers on pages (CSP with a per-request nonce and no `unsafe-inline` scripts,
 * nosniff, referrer policy, frame protection, HSTS outside localhost) and output escaping of
 * user text, including JSON inlined in `<script>` for islands.
 */
import assert from "node:assert/strict";
import { sampleAnalysis } from "../../fixtures/analysis.ts";
import { type Harness, startHarness } from "../../support/harness.ts";
import { raw } from "../api/helpers.ts";

const XSS = "</script><script>alert(1)</script>";

function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get("content-security-policy");
  assert.ok(header, "Content-Security-Policy is set");
  return new Map(
    header.split(";").map((part) => part.trim()).filter(Boolean).map((part) => {
      const [name, ...values] = part.split(/\s+/);
      return [name.toLowerCase(), values];
    }),
  );
}

/** The CSP nonce for scripts, asserting the script policy is strict. */
function scriptNonce(res: Response): string {
  const policy = csp(res);
  const scriptSrc = policy.get("script-src") ?? policy.get("default-src");
  assert.ok(scriptSrc, "a script policy");
  assert.ok(!scriptSrc.includes("'unsafe-inline'"), "no 'unsafe-inline' for scripts");
  assert.ok(!scriptSrc.includes("'unsafe-eval'"), "no 'unsafe-eval'");
  assert.ok(!scriptSrc.includes("*") && !scriptSrc.includes("data:"), "no wildcard sources");
  const nonces = scriptSrc.filter((v) => /^'nonce-.+'$/.test(v));
  assert.equal(nonces.length, 1, `one nonce in ${scriptSrc.join(" ")}`);
  const nonce = nonces[0].slice("'nonce-".length, -1);
  assert.ok(nonce.length >= 16, "the nonce has ≥ 96 bits");
  return nonce;
}

function assertCommonHeaders(res: Response, label: string) {
  assert.equal(res.headers.get("x-content-type-options"), "nosniff", label);
  assert.match(
    res.headers.get("referrer-policy") ?? "",
    /^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/,
    label,
  );
  // Frame protection is CSP `frame-ancestors 'none'`, which obsoletes X-Frame-Options in every
  // browser Headway supports; the legacy header is not sent (lib/http/security.ts).
  assert.deepEqual(csp(res).get("frame-ancestors"), ["'none'"], `${label}: frame protection`);
  assert.equal(res.headers.get("x-frame-options"), null, label);
  assert.equal(res.headers.get("cross-origin-opener-policy"), "same-origin", label);
}

/** Every `<script>` element of a page: its attributes and its text. */
function scripts(html: string): { attrs: string; body: string }[] {
  const found = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)]
    .map((m) => ({ attrs: m[1], body: m[2] }));
  const openings = (html.match(/<script\b/gi) ?? []).length;
  assert.equal(found.length, openings, "every <script> is closed where it should be");
  return found;
}

Deno.test("headers: /signup has a strict CSP whose nonce is on every inline script", async () => {
  const h = await startHarness();
  try {
    const res = await raw(h, "/signup");
    assert.equal(res.status, 200);
    assertCommonHeaders(res, "/signup");
    const nonce = scriptNonce(res);
    const policy = csp(res);
    assert.deepEqual(policy.get("object-src"), ["'none'"]);
    assert.deepEqual(policy.get("base-uri"), ["'none'"]);
    assert.ok(policy.get("default-src")?.includes("'self'"));
    assert.equal(res.headers.get("strict-transport-security"), null, "no HSTS on localhost");

    const html = await res.text();
    const all = scripts(html);
    assert.ok(all.length >= 1, "the sign-up page hydrates islands");
    for (const script of all) {
      assert.ok(script.attrs.includes(` nonce="${nonce}"`), `nonce on <script${script.attrs}>`);
    }
    assert.ok(
      all.some((s) => !/\bsrc=/.test(s.attrs) && s.body.trim().length > 0),
      "there is an inline script, and it carries the nonce",
    );
    // No inline event handlers or javascript: URLs (they would need 'unsafe-inline').
    assert.doesNotMatch(html, /\son[a-z]+\s*=\s*["']/i);
    assert.doesNotMatch(html, /javascript:/i);

    // A new nonce per request.
    const again = await raw(h, "/signup");
    await again.body?.cancel();
    assert.notEqual(scriptNonce(again), nonce);
  } finally {
    await h.close();
  }
});

Deno.test("headers: present on every kind of response; pages without islands ship no script", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup();
    const pages: [string, Promise<Response>, number][] = [
      ["/", raw(h, "/"), 200],
      ["/login", raw(h, "/login"), 200],
      ["404 page", raw(h, "/no-such-page"), 404],
      ["/dashboard", alice.get("/dashboard"), 200],
      ["/settings", alice.get("/settings"), 200],
      ["/logout", alice.get("/logout"), 200],
      [
        "403 page",
        alice.form("/settings", { name: "x" }, { headers: { origin: "https://evil.example" } }),
        403,
      ],
      ["API 401", raw(h, "/api/v1/me"), 401],
      ["API 404", raw(h, "/api/v1/nope"), 404],
      ["API 200", alice.get("/api/v1/me"), 200],
      ["/healthz", raw(h, "/healthz"), 200],
    ];
    for (const [label, pending, status] of pages) {
      const res = await pending;
      assert.equal(res.status, status, label);
      assertCommonHeaders(res, label);
      const html = await res.text();
      if ((res.headers.get("content-type") ?? "").startsWith("text/html")) {
        const pageScripts = scripts(html);
        if (pageScripts.length > 0) {
          const nonce = scriptNonce(res);
          for (const script of pageScripts) assert.ok(script.attrs.includes(`nonce="${nonce}"`));
        } else {
          // No script on the page: nothing to allow, so no nonce either — just 'self'.
          assert.deepEqual(csp(res).get("script-src"), ["'self'"], `${label}: script-src`);
        }
      }
    }
    // JSON and health responses cannot run anything: the strictest policy, and no nonce.
    for (const path of ["/api/v1/me", "/healthz", "/readyz", "/api/openapi.json"]) {
      const res = await raw(h, path);
      await res.body?.cancel();
      assert.equal(
        res.headers.get("content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'",
        path,
      );
    }
    for (const path of ["/", "/login"]) {
      const html = await (await raw(h, path)).text();
      assert.equal(scripts(html).length, 0, `${path} ships no JavaScript`);
    }
  } finally {
    await h.close();
  }
});

Deno.test("headers: HSTS is sent outside localhost", async () => {
  const h = await startHarness({ env: { APP_URL: "https://headway.example" } });
  try {
    for (const path of ["/", "/login", "/api/v1/me", "/no-such-page"]) {
      const res = await h.app.request(`https://headway.example${path}`);
      await res.body?.cancel();
      const hsts = res.headers.get("strict-transport-security") ?? "";
      const maxAge = Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0);
      assert.ok(maxAge >= 15_552_000, `${path}: HSTS for at least 180 days, got "${hsts}"`);
    }
  } finally {
    await h.close();
  }
});

async function assertEscaped(label: string, res: Response) {
  const html = await res.text();
  assert.ok(!html.includes("<script>alert(1)"), `${label}: raw payload in the page`);
  assert.ok(!html.includes("</script><script>alert"), `${label}: script break-out`);
  for (const script of scripts(html)) {
    assert.ok(!script.body.includes("<"), `${label}: inline script text escapes "<"`);
  }
  return html;
}

Deno.test("xss: a name with </script> is escaped on /dashboard and /settings (and in islands)", async () => {
  const h = await startHarness();
  try {
    const alice = await h.signup({ name: XSS });
    for (const path of ["/dashboard", "/settings"]) {
      const res = await alice.get(path);
      assert.equal(res.status, 200);
      const html = await assertEscaped(path, res);
      assert.ok(
        html.includes("&lt;/script>&lt;script>alert(1)&lt;/script>") ||
          html.includes("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"),
        `${path} shows the name, escaped`,
      );
    }
    // The French UI too (the greeting is built from a message template).
    const fr = await h.signup({ name: XSS, locale: "fr" });
    await assertEscaped("fr /dashboard", await fr.get("/dashboard"));

    // Forms that echo what was typed.
    await assertEscaped(
      "signup 400",
      await h.client().form("/signup", { name: XSS, email: `${XSS}@x`, password: "x" }),
    );
    await assertEscaped(
      "login 401",
      await h.client().form("/login", {
        email: `"><script>alert(1)</script>`,
        password: "wrong pw 1",
      }),
    );
    await assertEscaped(
      "settings 400",
      await alice.form("/settings", { name: XSS, timezone: XSS, locale: "en", hourly_rate: XSS }),
    );
    await assertEscaped(
      "token created",
      await alice.form("/settings/tokens", { name: XSS }),
    );
    await assertEscaped("settings token list", await alice.get("/settings"));
    await assertEscaped("404", await raw(h, `/${encodeURIComponent(XSS)}`));
    await assertEscaped(
      "login next",
      await raw(h, `/login?next=${encodeURIComponent(`/"${XSS}`)}`),
    );
  } finally {
    await h.close();
  }
});

async function importAnalysis(h: Harness, companyName: string) {
  const alice = await h.signup({ name: "Owner" });
  const analysis = sampleAnalysis();
  analysis.results_summary.identity_a1.company_name = companyName;
  const res = await alice.post("/api/v1/analyses", analysis);
  assert.ok([200, 201].includes(res.status), await res.clone().text());
  const { analysis_id } = await res.json();
  return { alice, id: analysis_id as string };
}

Deno.test("xss: island props built from imported data cannot break out of their <script>", async () => {
  const h = await startHarness();
  try {
    const payload = `${XSS}\u2028<!--<script>`;
    const { alice, id } = await importAnalysis(h, payload);
    const res = await alice.get(`/analyses/${id}`);
    assert.equal(res.status, 200, `/analyses/${id}`);
    const nonce = scriptNonce(res);
    const html = await assertEscaped("analysis dashboard", res);
    const json = scripts(html).find((s) => s.attrs.includes('type="application/json"'));
    assert.ok(json, "the page inlines island props");
    assert.ok(json.attrs.includes(`nonce="${nonce}"`));
    assert.ok(!json.body.includes("\u2028"), "U+2028 is escaped");
    // The escaped JSON still parses back to the exact company name.
    assert.ok(JSON.stringify(JSON.parse(json.body)).includes(JSON.stringify(payload).slice(1, -1)));
  } finally {
    await h.close();
  }
});

Deno.test("headers: pages kept in memory carry each app's own headers and a fresh request id", async () => {
  // Two apps in one process, as in production with different configs: the kept landing page is
  // shared, the headers copied with it are not (HSTS only where configured).
  const local = await startHarness();
  const remote = await startHarness({ env: { APP_URL: "https://headway.example" } });
  try {
    const ids = new Set<string>();
    let body: string | undefined;
    for (let round = 0; round < 3; round++) {
      for (
        const [label, h, url] of [
          ["local", local, "/"],
          ["remote", remote, "https://headway.example/"],
        ] as const
      ) {
        const res = await (label === "local" ? raw(h, url) : h.app.request(url));
        assert.equal(res.status, 200, label);
        assertCommonHeaders(res, label);
        assert.deepEqual(csp(res).get("script-src"), ["'self'"], `${label}: no nonce needed`);
        assert.equal(res.headers.get("content-type"), "text/html; charset=UTF-8", label);
        assert.equal(
          res.headers.get("strict-transport-security") !== null,
          label === "remote",
          `${label}: HSTS only off localhost`,
        );
        // Chunked framing: Deno writes head and body in one syscall (lib/render/page.tsx).
        assert.equal(res.headers.get("transfer-encoding"), "chunked", label);
        const id = res.headers.get("x-request-id");
        assert.ok(id && !id.includes(","), `${label}: one request id`);
        ids.add(id);
        const text = await res.text();
        body ??= text;
        assert.equal(text, body, "the same document every time");
      }
    }
    assert.equal(ids.size, 6, "a fresh request id on every copy");
    // An inbound id is echoed on a kept page too.
    const res = await raw(local, "/", { headers: { "x-request-id": "proxy-id-12345" } });
    await res.body?.cancel();
    assert.equal(res.headers.get("x-request-id"), "proxy-id-12345");
  } finally {
    await remote.close();
    await local.close();
  }
});

Deno.test("headers: a dashboard's JSON kept in memory gets the API's policy and headers per copy", async () => {
  const h = await startHarness();
  try {
    const { alice, id } = await importAnalysis(h, "Kept JSON Inc.");
    const ids = new Set<string>();
    const remaining: number[] = [];
    let body: string | undefined;
    for (let i = 0; i < 3; i++) {
      const res = await alice.get(`/api/v1/dashboard/${id}`);
      assert.equal(res.status, 200);
      assertCommonHeaders(res, "kept JSON");
      assert.equal(
        res.headers.get("content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'",
      );
      assert.equal(res.headers.get("content-type"), "application/json");
      assert.equal(res.headers.get("transfer-encoding"), "chunked");
      ids.add(res.headers.get("x-request-id") ?? "");
      remaining.push(Number(res.headers.get("ratelimit-remaining")));
      const text = await res.text();
      body ??= text;
      assert.equal(text, body);
    }
    assert.equal(ids.size, 3, "a fresh request id on every copy");
    assert.deepEqual(
      remaining,
      [remaining[0], remaining[0] - 1, remaining[0] - 2],
      "the limiter counts",
    );
  } finally {
    await h.close();
  }
});
