import assert from "node:assert/strict";
import { MIGRATIONS_DIR, parseMigration, readMigrations } from "../../lib/db/migrate.ts";

const UP_DOWN =
  "-- comment\n-- migrate:up\ncreate table t (id int);\n\n-- migrate:down\ndrop table t;\n";

Deno.test("migration files: a well-formed file is split into up and down", () => {
  const m = parseMigration("0007_add_things.sql", UP_DOWN);
  assert.equal(m.version, 7);
  assert.equal(m.name, "add_things");
  assert.equal(m.up, "create table t (id int);");
  assert.equal(m.down, "drop table t;");
});

Deno.test("migration files: missing or misordered sections are rejected with the file name", () => {
  const bad = [
    "create table t (id int);",
    "-- migrate:up\ncreate table t (id int);",
    "-- migrate:down\ndrop table t;",
    "-- migrate:down\ndrop table t;\n-- migrate:up\ncreate table t (id int);",
    "-- migrate:UP\nx\n-- migrate:DOWN\ny",
  ];
  for (const text of bad) {
    assert.throws(
      () => parseMigration("0003_things.sql", text),
      (error: Error) =>
        error.message.includes("0003_things.sql") && /migrate:up/.test(error.message),
      JSON.stringify(text),
    );
  }
});

Deno.test("migration files: names must be NNNN_lower_snake.sql", () => {
  for (
    const name of [
      "1_things.sql",
      "001_things.sql",
      "00001_things.sql",
      "0001-things.sql",
      "0001_Things.sql",
      "0001_things-v2.sql",
      "0001_.sql",
      "0001.sql",
      "things.sql",
      "0001_things.sql.bak",
      "0001_things.SQL",
      "../0001_things.sql",
    ]
  ) {
    assert.throws(() => parseMigration(name, UP_DOWN), /0001_name\.sql/, name);
  }
  assert.equal(parseMigration("0010_v2_backfill.sql", UP_DOWN).version, 10);
});

async function withDir(files: Record<string, string>, fn: (dir: URL) => Promise<void>) {
  const path = await Deno.makeTempDir({ prefix: "headway-migrations-" });
  try {
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${path}/${name}`, text);
    }
    await fn(new URL(`file://${path}/`));
  } finally {
    await Deno.remove(path, { recursive: true });
  }
}

Deno.test("migration files: readMigrations sorts by version and ignores non-SQL files", async () => {
  await withDir({
    "0010_ten.sql": UP_DOWN,
    "0002_two.sql": UP_DOWN,
    "0001_one.sql": UP_DOWN,
    "README.md": "not a migration",
    "0003_three.sql.orig": "stale copy",
  }, async (dir) => {
    const migrations = await readMigrations(dir);
    assert.deepEqual(migrations.map((m) => [m.version, m.name]), [[1, "one"], [2, "two"], [
      10,
      "ten",
    ]]);
  });
});

Deno.test("migration files: duplicate versions and stray .sql files are errors", async () => {
  await withDir({ "0001_one.sql": UP_DOWN, "0001_uno.sql": UP_DOWN }, async (dir) => {
    await assert.rejects(readMigrations(dir), /two migrations share version 1/);
  });
  await withDir({ "0001_one.sql": UP_DOWN, "notes.sql": UP_DOWN }, async (dir) => {
    await assert.rejects(readMigrations(dir), /notes\.sql/);
  });
  await withDir({ "0001_one.sql": "-- migrate:up\ncreate table x ();" }, async (dir) => {
    await assert.rejects(readMigrations(dir), /0001_one\.sql/);
  });
});

Deno.test("migration files: the project's own migrations parse, are contiguous and reversible", async () => {
  const migrations = await readMigrations(MIGRATIONS_DIR);
  assert.ok(migrations.length >= 1);
  migrations.forEach((m, i) => {
    assert.equal(m.version, i + 1, `versions are 1..N without gaps (${m.version}_${m.name})`);
    assert.ok(m.up.length > 0, `${m.name} has an up section`);
    assert.ok(m.down.length > 0, `${m.name} has a down section`);
  });
  assert.equal(migrations[0].name, "accounts");
});
