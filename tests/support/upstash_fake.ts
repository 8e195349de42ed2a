/**
 * A small Upstash-REST-compatible server for tests, backed by a real Redis. Implements what
 * `@upstash/redis` sends:
 *
 * - `POST /` with a JSON command array → `{ result }`, or `{ error }` with status 400;
 * - `POST /pipeline` and `POST /multi-exec` with an array of commands → an array of
 *   `{ result } | { error }` (multi-exec runs as one MULTI/EXEC transaction);
 * - `Authorization: Bearer <token>` (401 `{ error: "Unauthorized" }` otherwise);
 * - `Upstash-Encoding: base64`: every string in a result is base64 of its UTF-8 bytes.
 *
 * `setDown("stall")` holds every request until `setDown(false)` or `close()`; `setDown("error")`
 * answers 503 at once. Both simulate an outage.
 *
 * @example
 * ```ts
 * const fake = await startUpstashFake({ redisUrl: "redis://127.0.0.1:6379", token: "t" });
 * const store = new UpstashStore({ url: fake.url, token: fake.token });
 * // …
 * await store.close();
 * await fake.close();
 * ```
 */
import { createClient, RESP_TYPES } from "redis";
import { Buffer } from "node:buffer";

export type FakeOutage = false | "stall" | "error";

export interface UpstashFake {
  url: string;
  token: string;
  /** Requests received, by path ("/", "/pipeline", "/multi-exec"), including rejected ones. */
  readonly requests: Record<string, number>;
  setDown(mode: FakeOutage | true): void;
  close(): Promise<void>;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Replies come back with blob strings as Buffers so base64 sees the exact bytes. */
const RAW = { typeMapping: { [RESP_TYPES.BLOB_STRING]: Buffer } } as const;

function toJson(reply: unknown, base64: boolean): Json {
  if (reply === null || reply === undefined) return null;
  if (Buffer.isBuffer(reply)) {
    return base64 ? reply.toString("base64") : reply.toString("utf8");
  }
  if (typeof reply === "string") {
    return base64 ? Buffer.from(reply, "utf8").toString("base64") : reply;
  }
  if (typeof reply === "number" || typeof reply === "boolean") return reply;
  if (typeof reply === "bigint") return Number(reply);
  if (Array.isArray(reply)) return reply.map((item) => toJson(item, base64));
  if (reply instanceof Error) throw reply;
  return String(reply);
}

function toArgs(command: unknown): string[] {
  if (!Array.isArray(command) || command.length === 0) {
    throw new Error("ERR command must be a non-empty JSON array");
  }
  return command.map((part) => typeof part === "string" ? part : JSON.stringify(part));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export async function startUpstashFake(
  options: { redisUrl: string; token: string },
): Promise<UpstashFake> {
  const redis = createClient({ url: options.redisUrl });
  redis.on("error", () => {});
  await redis.connect();

  let outage: FakeOutage = false;
  const stalled = new Set<() => void>();
  const requests: Record<string, number> = {};

  const json = (body: Json, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json" },
    });

  async function run(args: string[], base64: boolean): Promise<Json> {
    return toJson(await redis.sendCommand(args, RAW), base64);
  }

  async function handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname.replace(/\/+$/, "") || "/";
    requests[path] = (requests[path] ?? 0) + 1;
    if (outage === "stall") {
      await new Promise<void>((resolve) => {
        const release = () => {
          stalled.delete(release);
          resolve();
        };
        stalled.add(release);
      });
      await request.body?.cancel();
      return json({ error: "Service Unavailable" }, 503);
    }
    if (outage === "error") {
      await request.body?.cancel();
      return json({ error: "Service Unavailable" }, 503);
    }
    if (request.headers.get("authorization") !== `Bearer ${options.token}`) {
      await request.body?.cancel();
      return json({ error: "Unauthorized" }, 401);
    }
    if (request.method !== "POST") {
      return json({ error: "Method Not Allowed" }, 405);
    }
    const base64 = request.headers.get("upstash-encoding")?.toLowerCase() === "base64";
    let body: unknown;
    try {
      body = await request.json();
    } catch {
      return json({ error: "ERR failed to parse command" }, 400);
    }

    if (path === "/") {
      try {
        return json({ result: await run(toArgs(body), base64) });
      } catch (error) {
        return json({ error: errorMessage(error) }, 400);
      }
    }

    if (path === "/pipeline" || path === "/multi-exec") {
      if (!Array.isArray(body) || body.length === 0) {
        return json(
          { error: "ERR expected a non-empty array of commands" },
          400,
        );
      }
      let commands: string[][];
      try {
        commands = body.map(toArgs);
      } catch (error) {
        return json({ error: errorMessage(error) }, 400);
      }
      if (path === "/pipeline") {
        const results = await Promise.all(
          commands.map(async (args): Promise<Json> => {
            try {
              return { result: await run(args, base64) };
            } catch (error) {
              return { error: errorMessage(error) };
            }
          }),
        );
        return json(results);
      }
      const multi = redis.withCommandOptions(RAW).multi();
      for (const args of commands) multi.addCommand(args);
      let replies: unknown[];
      try {
        replies = await multi.exec();
      } catch (error) {
        // Runtime errors inside EXEC come back per command; anything else aborts the lot.
        const partial = error as { replies?: unknown[] };
        if (!Array.isArray(partial.replies)) {
          return json({ error: errorMessage(error) }, 400);
        }
        replies = partial.replies;
      }
      return json(replies.map((reply): Json => {
        if (reply instanceof Error) return { error: reply.message };
        return { result: toJson(reply, base64) };
      }));
    }

    return json({ error: `Not Found: ${path}` }, 404);
  }

  const server = Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: () => {},
  }, handle);
  const releaseStalled = () => {
    for (const release of [...stalled]) release();
  };

  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    token: options.token,
    requests,
    setDown(mode) {
      outage = mode === true ? "stall" : mode;
      if (outage !== "stall") releaseStalled();
    },
    async close() {
      outage = "error";
      releaseStalled();
      await server.shutdown();
      redis.destroy();
    },
  };
}
