import assert from "node:assert/strict";
import fc from "fast-check";
import { createLogger, type LogLevel, redactText } from "../../lib/log/logger.ts";

function capture(level: LogLevel = "debug") {
  const lines: string[] = [];
  const log = createLogger({ level, write: (line) => lines.push(line) });
  return { log, lines, entries: () => lines.map((line) => JSON.parse(line)) };
}

Deno.test("logger: one JSON object per line with time, level and message", () => {
  const { log, lines, entries } = capture("debug");
  log.info("listening", { url: "http://127.0.0.1:8000", n: 3 });
  assert.equal(lines.length, 1);
  assert.ok(!lines[0].includes("\n"));
  const [entry] = entries();
  assert.equal(entry.level, "info");
  assert.equal(entry.msg, "listening");
  assert.equal(entry.url, "http://127.0.0.1:8000");
  assert.equal(entry.n, 3);
  assert.ok(!Number.isNaN(Date.parse(entry.time)));
});

Deno.test("logger: levels below the threshold are dropped; silent drops all", () => {
  const warn = capture("warn");
  warn.log.debug("d");
  warn.log.info("i");
  warn.log.warn("w");
  warn.log.error("e");
  assert.deepEqual(warn.entries().map((e) => e.level), ["warn", "error"]);
  const silent = capture("silent");
  silent.log.error("e");
  assert.equal(silent.lines.length, 0);
});

Deno.test("logger: emails are redacted in messages and values", () => {
  assert.equal(redactText("user alice@example.com logged in"), "user [email] logged in");
  assert.equal(redactText("A.Smith+tag@mail.example.co.uk"), "[email]");
  const { log, lines } = capture();
  log.info("signup for bob@example.org", { who: "carol@example.net", list: ["dave@x.io"] });
  for (const secret of ["bob@", "carol@", "dave@"]) assert.ok(!lines[0].includes(secret), lines[0]);
});

Deno.test("logger: bearer tokens, hw_ tokens and session cookies are redacted", () => {
  const token = "hw_" + "A1b2C3d4E5f6G7h8I9j0_-xyz";
  assert.equal(
    redactText(`Authorization: Bearer abc.def-ghi_123`),
    "Authorization: Bearer [redacted]",
  );
  assert.equal(redactText(`using ${token} now`), "using [redacted] now");
  assert.equal(
    redactText("cookie: theme=dark; hw_session=s3cr3tVALUE_0123456789; lang=fr"),
    "cookie: theme=dark; hw_session=[redacted]; lang=fr",
  );
  assert.equal(
    redactText("__Host-hw_session=s3cr3tVALUE_0123456789"),
    "__Host-hw_session=[redacted]",
  );
  // Ordinary words starting with hw_ that are not tokens survive.
  assert.equal(redactText("table hw_users"), "table hw_users");
});

Deno.test("logger: values under secret-looking keys are redacted at any nesting", () => {
  const { log, lines, entries } = capture();
  log.info("request", {
    headers: { Authorization: "Basic dXNlcjpwYXNz", Cookie: "a=b", "x-request-id": "r1" },
    body: { user: { password: "hunter2!", newPassword: "hunter3!", name: "Ana" } },
    list: [{ api_key: "k-1" }, { apiKey: "k-2" }, { client_secret: "s-3" }],
    accessToken: "opaque-4",
  });
  for (
    const secret of ["dXNlcjpwYXNz", "a=b", "hunter2", "hunter3", "k-1", "k-2", "s-3", "opaque-4"]
  ) {
    assert.ok(!lines[0].includes(secret), `${secret} leaked: ${lines[0]}`);
  }
  const [entry] = entries();
  assert.equal(entry.headers["x-request-id"], "r1");
  assert.equal(entry.body.user.name, "Ana");
  assert.equal(entry.body.user.password, "[redacted]");
});

Deno.test("logger: deeply nested values are redacted too", () => {
  const { log, lines } = capture();
  let deep: Record<string, unknown> = { email: "deep@example.com", password: "deep-secret" };
  for (let i = 0; i < 12; i++) deep = { level: deep };
  log.info("deep", { deep });
  assert.ok(!lines[0].includes("deep@example.com"), lines[0]);
  assert.ok(!lines[0].includes("deep-secret"), lines[0]);
});

Deno.test("logger: errors keep name and message, with secrets redacted everywhere", () => {
  const { log, lines, entries } = capture();
  const error = new Error("login failed for eve@example.com with Bearer tok123456789");
  log.error("unhandled error", { error });
  const [entry] = entries();
  assert.equal(entry.error.name, "Error");
  assert.match(entry.error.message, /login failed for \[email\]/);
  // The stack starts with the message: it must not leak what the message hides.
  assert.ok(!lines[0].includes("eve@example.com"), lines[0]);
  assert.ok(!lines[0].includes("tok123456789"), lines[0]);
});

Deno.test("logger: logging never throws, even for cycles and odd values", () => {
  const { log, lines } = capture();
  const cyclic: Record<string, unknown> = { name: "loop" };
  cyclic.self = cyclic;
  log.info("cycle", { cyclic });
  log.info("odd", {
    n: null,
    u: undefined,
    b: true,
    d: new Date(0),
    big: 10n,
    nested: [1, [2, [3]]],
  });
  assert.equal(lines.length, 2);
  for (const line of lines) JSON.parse(line);
});

Deno.test("logger: property — no generated email survives redaction", () => {
  const email = fc.emailAddress();
  fc.assert(fc.property(fc.string(), email, fc.string(), (before, address, after) => {
    const out = redactText(`${before} ${address} ${after}`);
    assert.ok(!out.includes(address), out);
  }));
});

Deno.test("logger: a field named __proto__ is logged as a field", () => {
  const lines: string[] = [];
  const log = createLogger({ level: "info", write: (line) => lines.push(line) });
  log.info("odd", JSON.parse('{"__proto__": {"x": "a@b.example"}}'));
  assert.deepEqual(JSON.parse(lines[0]).__proto__, { x: "[email]" });
});
