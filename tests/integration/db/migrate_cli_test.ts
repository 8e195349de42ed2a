import assert from "node:assert/strict";
import { readMigrations } from "../../../lib/db/migrate.ts";
import { createTestDatabase } from "../../support/database.ts";

const CLI = new URL("../../../db/migrate_cli.ts", import.meta.url).pathname;
const ROOT = new URL("../../../", import.meta.url).pathname;

async function cli(args: string[], env: Record<string, string>) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", CLI, ...args],
    cwd: ROOT,
    env: { LOG_LEVEL: "warn", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test("deno task migrate: status, up, down N and bad arguments", async () => {
  const database = await createTestDatabase();
  const env = { DATABASE_URL: database.url };
  const all = await readMigrations();
  try {
    const pending = await cli(["status"], env);
    assert.equal(pending.code, 0, pending.stderr);
    const lines = pending.stdout.trim().split("\n");
    assert.equal(lines.length, all.length);
    lines.forEach((line, i) => {
      assert.match(
        line,
        new RegExp(`^${String(all[i].version).padStart(4, "0")} ${all[i].name}\\s+pending$`),
      );
    });

    const up = await cli(["up"], env);
    assert.equal(up.code, 0, up.stderr);
    assert.equal(up.stdout.trim(), all.map((m) => `applied ${m.version} ${m.name}`).join("\n"));
    assert.equal((await cli(["up"], env)).stdout.trim(), "up to date");

    const status = await cli(["status"], env);
    for (const line of status.stdout.trim().split("\n")) {
      assert.match(line, /applied \d{4}-\d\d-\d\dT/);
    }

    const newest = all.at(-1)!;
    const down = await cli(["down", "1"], env);
    assert.equal(down.code, 0, down.stderr);
    assert.equal(down.stdout.trim(), `reverted ${newest.version} ${newest.name}`);
    assert.match((await cli(["status"], env)).stdout.trim().split("\n").at(-1)!, /pending$/);

    for (const bad of [["down", "0"], ["down", "-1"], ["down", "two"], ["sideways"]]) {
      const result = await cli(bad, env);
      assert.equal(result.code, 2, bad.join(" "));
      assert.match(result.stderr, /usage: deno task migrate up \| down \[N\] \| status/);
    }
  } finally {
    await database.drop();
  }
});

Deno.test("deno task migrate: a bad DATABASE_URL is reported by name without its password", async () => {
  const result = await cli(["status"], { DATABASE_URL: "mysql://root:pa55word-xyz@db/headway" });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /DATABASE_URL: expected a postgres:\/\/ connection URL/);
  assert.ok(!result.stderr.includes("pa55word-xyz"));
});
