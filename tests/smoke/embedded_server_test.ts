/**
 * Smoke test: the real `main.ts` as a child process with the embedded database (PGlite in a
 * temporary DATA_DIR), spoken to over real HTTP — start, sign up, restart, log in again.
 */
import assert from "node:assert/strict";
import { sampleAnalysis } from "../fixtures/analysis.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

/** The parent's environment minus anything that would point the child at real services. */
function childEnv(extra: Record<string, string>): Record<string, string> {
  const env = Deno.env.toObject();
  for (const name of Object.keys(env)) {
    if (
      /^(DATABASE_URL|REDIS_URL|UPSTASH_|APP_URL|TEST_|PORT$|HOST$|DATA_DIR$|LOG_LEVEL$)/.test(name)
    ) {
      delete env[name];
    }
  }
  return { ...env, NO_COLOR: "1", ...extra };
}

function timeout(ms: number, message: string): { promise: Promise<never>; clear(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return { promise, clear: () => clearTimeout(timer) };
}

class ServerProcess {
  output = "";
  readonly url: Promise<string>;
  readonly #child: Deno.ChildProcess;
  readonly #readers: Promise<void>;
  #status: Deno.CommandStatus | null = null;
  readonly #exited: Promise<Deno.CommandStatus>;

  constructor(env: Record<string, string>) {
    this.#child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "main.ts"],
      cwd: ROOT,
      env: childEnv(env),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#exited = this.#child.status.then((status) => this.#status = status);
    let found: (url: string) => void;
    this.url = new Promise((resolve) => found = resolve);
    const read = async (stream: ReadableStream<Uint8Array>) => {
      const decoder = new TextDecoder();
      for await (const chunk of stream) {
        this.output += decoder.decode(chunk, { stream: true });
        const match = /Headway is running at (http:\/\/\S+)/.exec(this.output);
        if (match) found(match[1]);
      }
    };
    this.#readers = Promise.all([read(this.#child.stdout), read(this.#child.stderr)]).then(
      () => {},
    );
  }

  /** The URL the server printed; fails if it exits or takes too long first. */
  async ready(): Promise<string> {
    const limit = timeout(START_TIMEOUT_MS, "the server did not print its URL in time");
    try {
      return await Promise.race([
        this.url,
        this.#exited.then((status) => {
          throw new Error(`the server exited (${status.code}) before listening:\n${this.output}`);
        }),
        limit.promise,
      ]);
    } finally {
      limit.clear();
    }
  }

  /** Sends a signal and waits (bounded) for the exit status. */
  async stop(signal: Deno.Signal = "SIGINT"): Promise<Deno.CommandStatus> {
    this.#child.kill(signal);
    const limit = timeout(
      STOP_TIMEOUT_MS,
      `the server did not exit within ${STOP_TIMEOUT_MS} ms of ${signal}`,
    );
    try {
      return await Promise.race([this.#exited, limit.promise]);
    } finally {
      limit.clear();
    }
  }

  /** Always safe to call: kills the child if it is still running and drains its output. */
  async dispose(): Promise<void> {
    if (this.#status === null) {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // exited in the meantime
      }
    }
    await this.#exited;
    await this.#readers;
  }
}

async function withServer<T>(
  dataDir: string,
  fn: (url: string, server: ServerProcess) => Promise<T>,
) {
  const server = new ServerProcess({
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "warn",
  });
  try {
    const url = await server.ready();
    const result = await fn(url, server);
    const status = await server.stop("SIGINT");
    assert.equal(status.code, 0, `clean exit on Ctrl-C; output:\n${server.output}`);
    assert.ok(status.success);
    return result;
  } finally {
    await server.dispose();
  }
}

function sessionCookie(res: Response): string {
  const line = res.headers.getSetCookie().find((c) => c.startsWith("hw_session="));
  assert.ok(line, `a session cookie is set: ${res.headers.getSetCookie()}`);
  assert.match(line, /;\s*HttpOnly/i);
  assert.match(line, /;\s*SameSite=Lax/i);
  return line.split(";")[0];
}

async function json(url: string, path: string, body: unknown, cookie?: string) {
  return await fetch(new URL(path, url), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: new URL(url).origin,
      ...(cookie ? { cookie } : {}),
    },
    body: JSON.stringify(body),
  });
}

async function me(url: string, cookie: string) {
  const res = await fetch(new URL("/api/v1/me", url), { headers: { cookie } });
  const body = await res.json();
  return { status: res.status, body };
}

Deno.test({
  name: "smoke: the real server with the embedded database signs up, restarts and keeps the data",
  async fn() {
    const dataDir = await Deno.makeTempDir({ prefix: "headway-smoke-" });
    const email = `smoke-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const password = "smoke test password 1";
    try {
      const firstCookie = await withServer(dataDir, async (url, server) => {
        assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.notEqual(new URL(url).port, "0", "the real port is printed");

        const home = await fetch(new URL("/", url));
        assert.equal(home.status, 200);
        assert.match(home.headers.get("content-type") ?? "", /^text\/html/);
        const html = await home.text();
        assert.ok(html.startsWith("<!doctype html>"));
        assert.match(html, /<html lang="en">/);
        assert.ok(html.endsWith("</html>"), "the whole document arrives");
        // Served again from memory, chunked (one write with its head, lib/render/page.tsx): the
        // same document over the wire, and HEAD answers without a body.
        // Many copies of one template share its body: concurrent answers must all be whole (a
        // runtime that moved the bytes out with the first answer would send empty bodies).
        const again = await Promise.all(
          Array.from({ length: 50 }, async () => (await fetch(new URL("/", url))).text()),
        );
        assert.deepEqual(new Set(again), new Set([html]));
        const head = await fetch(new URL("/", url), { method: "HEAD" });
        assert.equal(head.status, 200);
        assert.equal(await head.text(), "");

        const health = await fetch(new URL("/readyz", url));
        assert.equal(health.status, 200, "the embedded database is ready");
        await health.body?.cancel();

        const signup = await json(url, "/api/v1/auth/signup", { email, password, name: "Smoke" });
        const signupBody = await signup.json();
        assert.equal(signup.status, 201, JSON.stringify(signupBody));
        assert.equal(signupBody.user.email, email);
        const cookie = sessionCookie(signup);

        const who = await me(url, cookie);
        assert.equal(who.status, 200);
        assert.equal(who.body.email, email);
        assert.equal(who.body.name, "Smoke");
        assert.ok(!JSON.stringify(who.body).includes("argon2"));

        // The dashboard's SQL functions (commit_progress, analysis_snapshot) on the embedded
        // database: a change, a badge, a refused transition.
        const imported = await json(url, "/api/v1/analyses", sampleAnalysis(), cookie);
        assert.equal(imported.status, 201);
        const { analysis_id: id } = await imported.json();
        const progress = (status: string) =>
          json(url, `/api/v1/dashboard/${id}/progress`, {
            opportunity_id: "digital_presence",
            status,
          }, cookie);
        const done = await progress("IMPLEMENTED");
        const doneBody = await done.json();
        assert.equal(done.status, 200, JSON.stringify(doneBody));
        assert.deepEqual(
          doneBody.new_badges.map((b: { badge_type: string }) => b.badge_type).sort(),
          ["first_step", "quick_win"],
        );
        const back = await progress("NOT_STARTED");
        assert.equal(back.status, 400);
        assert.equal((await back.json()).error, "INVALID_STATUS_TRANSITION");
        // LOG_LEVEL=warn: no per-request info lines on a healthy run.
        assert.ok(!server.output.includes('"level":"info"'), server.output);
        return cookie;
      });

      await withServer(dataDir, async (url) => {
        // The session from before the restart is still valid: sessions live in the database.
        const still = await me(url, firstCookie);
        assert.equal(still.status, 200, "the old session survived the restart");
        assert.equal(still.body.email, email);

        const wrong = await json(url, "/api/v1/auth/login", {
          email,
          password: "not the password 1",
        });
        assert.equal(wrong.status, 401);
        await wrong.body?.cancel();

        const login = await json(url, "/api/v1/auth/login", { email, password });
        assert.equal(login.status, 200, await login.clone().text());
        await login.body?.cancel();
        const cookie = sessionCookie(login);
        const who = await me(url, cookie);
        assert.equal(who.status, 200);
        assert.equal(who.body.email, email);

        const again = await json(url, "/api/v1/auth/signup", { email, password });
        assert.equal(again.status, 409, "the account from the first run still exists");
        assert.equal((await again.json()).error, "EMAIL_TAKEN");
      });
    } finally {
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});

Deno.test("smoke: SIGTERM also shuts down cleanly", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "headway-smoke-" });
  const server = new ServerProcess({
    DATA_DIR: dataDir,
    HOST: "127.0.0.1",
    PORT: "0",
    LOG_LEVEL: "warn",
  });
  try {
    const url = await server.ready();
    const res = await fetch(new URL("/healthz", url));
    assert.deepEqual(await res.json(), { status: "ok" });
    const status = await server.stop("SIGTERM");
    assert.equal(status.code, 0, server.output);
    assert.match(server.output, /Shutting down/);
  } finally {
    await server.dispose();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});

Deno.test("smoke: a bad configuration stops start-up with a message naming the variable", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "headway-smoke-" });
  try {
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-all", "main.ts"],
      cwd: ROOT,
      env: childEnv({
        DATA_DIR: dataDir,
        PORT: "abc",
        LOG_LEVEL: "warn",
        DATABASE_URL: "mysql://root:do-not-print-me@db/headway",
      }),
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(output.stderr);
    const stdout = new TextDecoder().decode(output.stdout);
    assert.notEqual(output.code, 0);
    assert.match(stderr, /PORT: expected an integer from 0 to 65535, got "abc"/);
    assert.match(stderr, /DATABASE_URL: expected a postgres:\/\/ connection URL/);
    assert.ok(!stderr.includes("do-not-print-me") && !stdout.includes("do-not-print-me"));
    assert.match(stderr, /\.env\.example/);
    assert.ok(!stdout.includes("Headway is running"));
    // Nothing was started: the data directory is untouched.
    assert.deepEqual([...Deno.readDirSync(dataDir)], []);
  } finally {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
