import assert from "node:assert/strict";
import { type Harness, startHarness, testDatabaseUrl } from "../../support/harness.ts";
import { type CutMode, proxiedUrl, startTcpProxy, type TcpProxy } from "../../support/tcp_proxy.ts";

// The harness connects with a 2 s connect timeout; every answer must come well before a client
// would give up, whatever the kind of outage.
const PROMPT_MS = 4_000;

async function withProxiedHarness(
  fn: (h: Harness, proxy: TcpProxy, logs: string[]) => Promise<void>,
  env: Record<string, string> = {},
) {
  const url = new URL(await testDatabaseUrl());
  const proxy = await startTcpProxy({ hostname: url.hostname, port: Number(url.port || 5432) });
  const logs: string[] = [];
  let h: Harness | undefined;
  try {
    h = await startHarness({
      databaseUrl: proxiedUrl(url.toString(), proxy),
      env: { DB_CONNECT_TIMEOUT_S: "1", ...env },
      logLines: logs,
    });
    await fn(h, proxy, logs);
  } finally {
    // Restore first so the pool can say goodbye to the server instead of waiting on a dead port.
    proxy.restore();
    await h?.close();
    await proxy.close();
  }
}

/** Runs a request and measures how long the answer took. */
async function timed(run: () => Response | Promise<Response>) {
  const started = performance.now();
  const res = await run();
  const body = await res.text();
  return { res, body, ms: performance.now() - started };
}

/**
 * Requests give up after 1.5 s (the statement timeout being 1 s); new connections would wait 10 s,
 * so only the request deadline can answer.
 */
const QUICK_DEADLINE = {
  DB_STATEMENT_TIMEOUT_MS: "1000",
  REQUEST_TIMEOUT_MS: "1500",
  DB_CONNECT_TIMEOUT_S: "10",
};

async function waitUntilReady(h: Harness, withinMs: number) {
  const deadline = Date.now() + withinMs;
  while (true) {
    const res = await h.app.request("/readyz");
    await res.body?.cancel();
    if (res.status === 200) return;
    if (Date.now() > deadline) {
      assert.fail(`/readyz still ${res.status} ${withinMs} ms after the database returned`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function outageScenario(mode: CutMode) {
  await withProxiedHarness(async (h, proxy, logs) => {
    const alice = await h.signup();
    const created = await alice.post("/api/v1/tokens", { name: "outage" });
    assert.equal(created.status, 201);
    const { token } = await created.json();
    // Routes that must read the database: who is asking may be answered by the auth cache, but
    // the token list and the settings page are always read fresh.
    const bearer = () =>
      h.app.request("/api/v1/tokens", { headers: { authorization: `Bearer ${token}` } });

    const ready = await h.app.request("/readyz");
    assert.equal(ready.status, 200);
    await ready.body?.cancel();
    assert.ok(proxy.openConnections > 0, "the pool is connected through the proxy");

    proxy.cut(mode);

    // Everything at once, as real traffic would arrive.
    const [healthz, readyz, me, meByToken, dashboard, login] = await Promise.all([
      timed(() => h.app.request("/healthz")),
      timed(() => h.app.request("/readyz")),
      timed(() => alice.get("/api/v1/tokens")),
      timed(bearer),
      timed(() => alice.get("/settings")),
      timed(() =>
        h.client().post("/api/v1/auth/login", { email: alice.email, password: alice.password })
      ),
    ]);

    assert.equal(healthz.res.status, 200, "the process is up even when the database is not");
    assert.deepEqual(JSON.parse(healthz.body), { status: "ok" });

    assert.equal(readyz.res.status, 503);
    assert.ok(readyz.res.headers.get("retry-after"), "/readyz says when to retry");
    assert.equal(JSON.parse(readyz.body).checks.database, "down");

    for (const [name, r] of [["session", me], ["bearer", meByToken], ["login", login]] as const) {
      assert.equal(r.res.status, 503, `${name}: ${r.body}`);
      const envelope = JSON.parse(r.body);
      assert.equal(envelope.error, "DATABASE_UNAVAILABLE", name);
      assert.equal(typeof envelope.detail, "string");
      assert.ok(!Number.isNaN(Date.parse(envelope.timestamp)));
      assert.equal(envelope.request_id, r.res.headers.get("x-request-id"));
      assert.match(r.res.headers.get("retry-after") ?? "", /^\d+$/, `${name}: Retry-After`);
      assert.ok(!/ECONN|postgres|CONNECT_TIMEOUT/i.test(r.body), `${name}: no internals leaked`);
    }

    assert.equal(dashboard.res.status, 503, "a page answers with the 503 page");
    assert.match(dashboard.res.headers.get("content-type") ?? "", /^text\/html/);
    assert.ok(dashboard.body.startsWith("<!doctype html>"));
    assert.ok(
      dashboard.body.includes(dashboard.res.headers.get("x-request-id")!),
      "shows the request id",
    );
    assert.ok(dashboard.res.headers.get("retry-after"));

    for (const [name, r] of Object.entries({ healthz, readyz, me, meByToken, dashboard, login })) {
      assert.ok(r.ms < PROMPT_MS, `${name} took ${Math.round(r.ms)} ms`);
    }

    // Who alice is was cached before the outage: that much still answers (degraded, not down).
    const cachedIdentity = await alice.get("/api/v1/me");
    assert.equal(cachedIdentity.status, 200);
    assert.equal((await cachedIdentity.json()).email, alice.email);

    // Still down a moment later: answers stay prompt, nothing piles up.
    for (let i = 0; i < 3; i++) {
      const again = await timed(() => alice.get("/api/v1/tokens"));
      assert.equal(again.res.status, 503);
      assert.ok(again.ms < PROMPT_MS, `repeat ${i} took ${Math.round(again.ms)} ms`);
    }

    // An outage is expected weather, not a bug: logged as a warning, never as an unhandled error.
    const entries = logs.map((line) => JSON.parse(line));
    assert.ok(entries.some((e) => e.level === "warn" && e.msg === "database unavailable"));
    assert.ok(!entries.some((e) => e.msg === "unhandled error"), "no unhandled errors");

    proxy.restore();
    await waitUntilReady(h, 5_000);

    const after = await alice.get("/api/v1/tokens");
    assert.equal(after.status, 200, "the same session works again");
    assert.equal((await after.json()).tokens.length, 1);
    const afterToken = await bearer();
    assert.equal(afterToken.status, 200);
    await afterToken.body?.cancel();
    const page = await alice.get("/settings");
    assert.equal(page.status, 200);
    await page.body?.cancel();
    const relogin = await h.client().post("/api/v1/auth/login", {
      email: alice.email,
      password: alice.password,
    });
    assert.equal(relogin.status, 200);
    await relogin.body?.cancel();
  });
}

Deno.test("outage: database refusing connections → 503s promptly, then recovers by itself", async () => {
  await outageScenario("refuse");
});

Deno.test("outage: database accepting but never answering → 503s within the connect timeout, then recovers", async () => {
  await outageScenario("stall");
});

Deno.test("outage: repeated cuts and restores leave the app healthy", async () => {
  await withProxiedHarness(async (h, proxy) => {
    const bob = await h.signup();
    for (const mode of ["refuse", "stall", "refuse"] as const) {
      proxy.cut(mode);
      const down = await timed(() => bob.get("/api/v1/tokens"));
      assert.equal(down.res.status, 503, mode);
      proxy.restore();
      await waitUntilReady(h, 5_000);
      const up = await bob.get("/api/v1/tokens");
      assert.equal(up.status, 200, `after ${mode}`);
      await up.body?.cancel();
    }
  });
});

Deno.test("outage: a partition mid-conversation (no reset, just silence) → 503 at the request deadline, then recovers", async () => {
  await withProxiedHarness(async (h, proxy, logs) => {
    const alice = await h.signup();
    assert.equal((await alice.get("/api/v1/tokens")).status, 200);
    assert.ok(proxy.openConnections > 0, "pool connections are open through the proxy");

    proxy.cut("partition");
    const requests = await Promise.all([
      timed(() => alice.get("/api/v1/tokens")),
      timed(() => alice.get("/settings")),
      timed(() => alice.post("/api/v1/analyses", {})), // invalid input: answered without SQL
    ]);
    const [tokens, settings, invalid] = requests;
    assert.equal(tokens.res.status, 503, tokens.body);
    assert.equal(JSON.parse(tokens.body).error, "DATABASE_UNAVAILABLE");
    assert.match(tokens.res.headers.get("retry-after") ?? "", /^\d+$/);
    assert.ok(!/ms|silent|postgres/i.test(JSON.parse(tokens.body).detail), "no internals");
    assert.equal(settings.res.status, 503);
    assert.match(settings.res.headers.get("content-type") ?? "", /^text\/html/);
    assert.equal(invalid.res.status, 400, "requests that need no database are unaffected");
    for (const r of [tokens, settings]) {
      assert.ok(
        r.ms >= 1_400 && r.ms < 3_000,
        `answered at the deadline, took ${Math.round(r.ms)}`,
      );
    }
    const entries = logs.map((line) => JSON.parse(line));
    assert.ok(entries.some((e) => e.level === "warn" && e.msg === "database unavailable"));
    assert.ok(!entries.some((e) => e.msg === "unhandled error"), "no unhandled errors");

    // The network heals: the held queries complete and the same pool serves again.
    proxy.restore();
    await waitUntilReady(h, 5_000);
    const after = await alice.get("/api/v1/tokens");
    assert.equal(after.status, 200);
    await after.body?.cancel();
  }, QUICK_DEADLINE);
});
