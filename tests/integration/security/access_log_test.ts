/**
 * Access logs: exactly one structured JSON line per request with method, route pattern, status,
 * duration, request id and user id — and never an email address, password or token, even when
 * the request (or an error it caused) carried them.
 */
import assert from "node:assert/strict";
import type { PasswordHasher } from "../../../lib/auth/password_hash.ts";
import { startHarness } from "../../support/harness.ts";
import { freshEmail, raw } from "../api/helpers.ts";

interface LogEntry {
  time: string;
  level: string;
  msg: string;
  method?: string;
  route?: string;
  path?: string;
  status?: number;
  duration_ms?: number;
  request_id?: string;
  user_id?: string | null;
  [key: string]: unknown;
}

function parse(lines: string[]): LogEntry[] {
  return lines.map((line) => {
    assert.ok(!line.includes("\n"), "one line per entry");
    return JSON.parse(line);
  });
}

const requests = (lines: string[]) => parse(lines).filter((entry) => entry.msg === "request");

function assertNoSecrets(lines: string[], secrets: string[]) {
  const all = lines.join("\n");
  for (const secret of secrets) {
    assert.ok(!all.includes(secret), `a log line contains ${secret}:\n${all}`);
    assert.ok(!all.toLowerCase().includes(secret.toLowerCase()), `… in another case: ${secret}`);
  }
  assert.doesNotMatch(all, /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/, "no email address");
  assert.doesNotMatch(all, /hw_[A-Za-z0-9_-]{10,}/, "no API token");
}

Deno.test("access log: one JSON line per request with the documented fields", async () => {
  const logLines: string[] = [];
  const h = await startHarness({ logLines });
  try {
    const alice = await h.signup();
    const { id } = await (await alice.post("/api/v1/tokens", { name: "cli" })).json();

    logLines.length = 0;
    const res = await alice.get("/api/v1/me", { headers: { "x-request-id": "trace-me-0001" } });
    assert.equal(res.status, 200);
    let entries = requests(logLines);
    assert.equal(entries.length, 1, logLines.join("\n"));
    let [entry] = entries;
    assert.equal(entry.level, "info");
    assert.equal(entry.method, "GET");
    assert.equal(entry.route, "/api/v1/me");
    assert.equal(entry.status, 200);
    assert.equal(typeof entry.duration_ms, "number");
    assert.ok(entry.duration_ms! >= 0 && entry.duration_ms! < 10_000);
    assert.equal(entry.request_id, "trace-me-0001");
    assert.equal(entry.user_id, alice.userId);
    assert.ok(!Number.isNaN(Date.parse(entry.time)));

    // The route is the pattern: the token id is not part of it.
    logLines.length = 0;
    const revoked = await alice.request(`/api/v1/tokens/${id}`, { method: "DELETE" });
    assert.equal(revoked.status, 204);
    [entry] = requests(logLines);
    assert.equal(entry.method, "DELETE");
    assert.equal(entry.route, "/api/v1/tokens/:id");
    assert.ok(!entry.route!.includes(id));
    assert.equal(entry.status, 204);
    assert.equal(entry.request_id, revoked.headers.get("x-request-id"));

    // Anonymous, an error status and a page: still exactly one line each, user_id null.
    for (
      const [path, status] of [["/api/v1/me", 401], ["/api/v1/nope", 404], ["/login", 200]] as const
    ) {
      logLines.length = 0;
      const r = await raw(h, path);
      await r.body?.cancel();
      assert.equal(r.status, status);
      entries = requests(logLines);
      assert.equal(entries.length, 1, `${path}: ${logLines.join("\n")}`);
      assert.equal(entries[0].status, status);
      assert.equal(entries[0].user_id, null);
      assert.equal(entries[0].method, "GET");
      assert.equal(entries[0].request_id, r.headers.get("x-request-id"));
      assert.equal(typeof entries[0].route, "string");
    }

    // Many requests, as many lines, each with its own request id.
    logLines.length = 0;
    const ids = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await alice.get("/api/v1/me")).headers.get("x-request-id"));
    }
    assert.deepEqual(requests(logLines).map((e) => e.request_id), ids);
  } finally {
    await h.close();
  }
});

Deno.test("access log: no email, password or token appears even when the request carried them", async () => {
  const logLines: string[] = [];
  const h = await startHarness({ logLines });
  try {
    const email = freshEmail("Logged.Person");
    const password = "s3cret-Passw0rd-XYZ";
    const client = h.client();
    const signup = await client.post("/api/v1/auth/signup", { email, password, name: "Log Test" });
    assert.equal(signup.status, 201);
    const cookie = client.cookies.get("hw_session")!;

    await h.client().post("/api/v1/auth/login", { email, password: "wrong-Passw0rd-ABC" });
    await h.client().post("/api/v1/auth/login", { email: email.toUpperCase(), password });
    await h.client().form("/login", { email, password });
    await h.client().form("/login", { email, password: "wrong-Passw0rd-ABC" });
    await h.client().form("/signup", { email, password });
    await h.client().post("/api/v1/auth/signup", { email, password }); // 409
    await h.client().post("/api/v1/auth/signup", { email: "not-an-email", password }); // 400

    const created = await (await client.post("/api/v1/tokens", { name: "cli" })).json();
    const token: string = created.token;
    await raw(h, "/api/v1/me", { headers: { authorization: `Bearer ${token}` } });
    await raw(h, "/api/v1/me", { headers: { authorization: `Bearer ${token}x` } });
    // Secrets in the URL path and query, and in headers the app does not use.
    await raw(h, `/api/v1/users/${encodeURIComponent(email)}`);
    await raw(h, `/api/v1/tokens/${token}`, {
      method: "DELETE",
      headers: { cookie: `hw_session=${cookie}` },
    });
    await raw(h, `/nope/${email}/${token}?password=${password}&email=${email}`);
    await raw(h, "/api/v1/me", { headers: { "x-request-id": email } });
    await raw(h, "/api/v1/me", { headers: { "x-request-id": `${token.slice(0, 40)}` } });

    assert.ok(requests(logLines).length >= 15);
    assertNoSecrets(logLines, [email, password, "wrong-Passw0rd-ABC", token, cookie]);
  } finally {
    await h.close();
  }
});

Deno.test("access log: an error that quotes request data is logged redacted", async () => {
  const logLines: string[] = [];
  const h = await startHarness({ logLines });
  const original = h.deps.passwords;
  try {
    const email = freshEmail("crash");
    const token = "hw_" + "Q".repeat(43);
    // Libraries often quote the offending value in their messages (drivers, parsers…).
    const broken: PasswordHasher = {
      hash: () => Promise.reject(new Error(`cannot hash for ${email} (token ${token})`)),
      verify: original.verify,
    };
    h.deps.passwords = broken;
    const res = await h.client().post("/api/v1/auth/signup", {
      email,
      password: "correct horse 42",
    });
    assert.equal(res.status, 500);
    const text = await res.text();
    assert.ok(!text.includes(email) && !text.includes(token));

    const entries = parse(logLines);
    const error = entries.find((entry) => entry.msg === "unhandled error");
    assert.ok(error, logLines.join("\n"));
    assert.equal(error.level, "error");
    const access = entries.filter((entry) => entry.msg === "request");
    assert.equal(access.length, 1);
    assert.equal(access[0].status, 500);
    assert.equal(access[0].level, "error");
    assertNoSecrets(logLines, [email, token]);
  } finally {
    h.deps.passwords = original;
    await h.close();
  }
});
