/**
 * `deno task test`: the whole suite against real services. Creates a fresh Postgres database for
 * the run (dropping stale ones from crashed runs), checks that Redis and Chromium are there, runs
 * `deno test` over tests/, prints a `N passed, N failed` line and drops the database.
 *
 * In CI (`CI=true`) a missing Chromium, Postgres or Redis is a failure, never a silent skip.
 * Extra arguments are passed to `deno test` (e.g. `deno task test tests/unit`).
 */
import postgres from "postgres";
import { ADMIN_URL, createTestDatabase, REDIS_URL } from "./support/database.ts";

const CHROMIUM = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";
const inCi = Deno.env.get("CI") === "true";

async function sweepStaleDatabases() {
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    const rows = await admin<{ datname: string }[]>`
      select datname from pg_database where datname like 'headway\\_test\\_%'`;
    const dayAgo = Date.now() - 6 * 60 * 60 * 1000;
    for (const { datname } of rows) {
      const stamp = Number(datname.split("_")[2]);
      if (Number.isFinite(stamp) && stamp < dayAgo) {
        await admin.unsafe(`drop database if exists "${datname}" with (force)`);
      }
    }
  } finally {
    await admin.end();
  }
}

async function redisReachable(): Promise<boolean> {
  const url = new URL(REDIS_URL);
  try {
    const conn = await Deno.connect({ hostname: url.hostname, port: Number(url.port || 6379) });
    conn.close();
    return true;
  } catch {
    return false;
  }
}

const problems: string[] = [];
try {
  await sweepStaleDatabases();
} catch (error) {
  problems.push(`PostgreSQL is not reachable at ${ADMIN_URL} (${(error as Error).message})`);
}
if (!await redisReachable()) problems.push(`Redis is not reachable at ${REDIS_URL}`);
const hasChromium = await Deno.stat(CHROMIUM).then(() => true, () => false);
if (!hasChromium) {
  const message = `Chromium not found at ${CHROMIUM} (apt-get install chromium)`;
  if (inCi) problems.push(message);
  else console.warn(`warning: ${message}; end-to-end tests will fail.`);
}
if (problems.length > 0) {
  console.error(`Cannot run the suite:\n- ${problems.join("\n- ")}`);
  Deno.exit(1);
}

const database = await createTestDatabase();
const junit = await Deno.makeTempFile({ suffix: ".xml" });
let code = 1;
try {
  const args = Deno.args.length > 0 ? Deno.args : ["tests/"];
  const child = new Deno.Command(Deno.execPath(), {
    args: ["test", "--allow-all", `--junit-path=${junit}`, ...args],
    env: { TEST_DATABASE_URL: database.url, TEST_REDIS_URL: REDIS_URL, CHROMIUM_PATH: CHROMIUM },
    stdout: "inherit",
    stderr: "inherit",
  }).spawn();
  code = (await child.status).code;
} finally {
  await database.drop();
}

// One plain closing line that any CI reader understands.
try {
  const xml = await Deno.readTextFile(junit);
  const total = Number(/<testsuites[^>]*\btests="(\d+)"/.exec(xml)?.[1] ?? 0);
  const failed = Number(/<testsuites[^>]*\bfailures="(\d+)"/.exec(xml)?.[1] ?? 0) +
    Number(/<testsuites[^>]*\berrors="(\d+)"/.exec(xml)?.[1] ?? 0);
  console.log(`\ntests: ${total - failed} passed, ${failed} failed`);
  if (total === 0) code = code || 1;
} catch {
  // no report: deno test failed before running anything; its exit code says so
} finally {
  await Deno.remove(junit).catch(() => {});
}
Deno.exit(code);
