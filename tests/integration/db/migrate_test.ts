import assert from "node:assert/strict";
import { connectDatabase, type Database, type Sql } from "../../../lib/db/client.ts";
import {
  migrateDown,
  migrateUp,
  type Migration,
  migrationStatus,
  readMigrations,
} from "../../../lib/db/migrate.ts";
import { createTestDatabase } from "../../support/database.ts";

const REAL = await readMigrations();

interface Fresh {
  url: string;
  pool(options?: { poolMax?: number; statementTimeoutMs?: number }): Database;
  sql: Sql;
}

/** A brand-new database for one test, dropped afterwards with every pool opened on it. */
async function withFreshDatabase(fn: (db: Fresh) => Promise<void>) {
  const database = await createTestDatabase();
  const pools: Database[] = [];
  const pool = (options: { poolMax?: number; statementTimeoutMs?: number } = {}) => {
    const db = connectDatabase(database.url, {
      poolMax: options.poolMax ?? 3,
      statementTimeoutMs: options.statementTimeoutMs ?? 5_000,
      connectTimeoutS: 5,
    });
    pools.push(db);
    return db;
  };
  try {
    await fn({ url: database.url, pool, sql: pool().sql });
  } finally {
    await Promise.all(pools.map((db) => db.close()));
    await database.drop();
  }
}

const extra = (version: number, name: string, up: string, down: string): Migration => ({
  version,
  name,
  up,
  down,
});

async function tableExists(sql: Sql, name: string): Promise<boolean> {
  const [row] = await sql<{ exists: boolean }[]>`select to_regclass(${name}) is not null as exists`;
  return row.exists;
}

async function columnExists(sql: Sql, table: string, column: string): Promise<boolean> {
  const rows = await sql`
    select 1 from information_schema.columns where table_name = ${table} and column_name = ${column}`;
  return rows.length > 0;
}

async function recordedVersions(sql: Sql): Promise<number[]> {
  const rows = await sql<
    { version: number }[]
  >`select version from schema_migrations order by version`;
  return rows.map((r) => r.version);
}

/** Advisory locks held or awaited in this database (none once a runner is done). */
async function advisoryLocks(sql: Sql): Promise<{ granted: number; waiting: number }> {
  const [row] = await sql<{ granted: number; waiting: number }[]>`
    select count(*) filter (where granted) as granted, count(*) filter (where not granted) as waiting
    from pg_locks
    where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())`;
  return row;
}

/** A user with a session and an API token, as sign-up and token creation leave them. */
async function seedAccount(sql: Sql, email: string) {
  const [user] = await sql<{ id: string }[]>`
    insert into users (email, name, password_hash, timezone, locale, hourly_rate_cents, role)
    values (${email}, 'Ana', 'argon2id$fake', 'America/Toronto', 'fr', 4500, 'coach')
    returning id`;
  await sql`insert into sessions (id_hash, user_id, expires_at)
            values (${`session-${email}`}, ${user.id}, now() + interval '30 days')`;
  await sql`insert into api_tokens (user_id, name, token_hash)
            values (${user.id}, 'ci', ${`token-${email}`})`;
  return user.id;
}

async function accountSnapshot(sql: Sql) {
  const users = await sql`
    select id, email, name, password_hash, timezone, locale, hourly_rate_cents, role, created_at
    from users order by email`;
  const sessions = await sql`select id_hash, user_id, expires_at from sessions order by id_hash`;
  const tokens =
    await sql`select id, user_id, name, token_hash from api_tokens order by token_hash`;
  return JSON.parse(JSON.stringify({ users, sessions, tokens }));
}

Deno.test("migrate: status on a fresh database lists every migration as pending", async () => {
  await withFreshDatabase(async ({ sql }) => {
    const status = await migrationStatus(sql);
    assert.deepEqual(status.map((s) => s.version), REAL.map((m) => m.version));
    assert.ok(status.every((s) => s.appliedAt === null));
    assert.ok(!await tableExists(sql, "users"));
  });
});

Deno.test("migrate: up applies every migration in order, records it, and is then a no-op", async () => {
  await withFreshDatabase(async ({ sql }) => {
    const applied = await migrateUp(sql);
    assert.deepEqual(applied.map((m) => m.version), REAL.map((m) => m.version));
    assert.deepEqual(await recordedVersions(sql), REAL.map((m) => m.version));
    for (const table of ["users", "sessions", "api_tokens"]) {
      assert.ok(await tableExists(sql, table), table);
    }
    const names = await sql<
      { name: string }[]
    >`select name from schema_migrations order by version`;
    assert.deepEqual(names.map((r) => r.name), REAL.map((m) => m.name));

    assert.deepEqual(await migrateUp(sql), [], "nothing left to apply");
    const status = await migrationStatus(sql);
    assert.ok(
      status.every((s) => s.appliedAt instanceof Date),
      "every migration shows when it ran",
    );
    assert.deepEqual(await advisoryLocks(sql), { granted: 0, waiting: 0 }, "the lock is released");
  });
});

Deno.test("migrate: up → populate → down to the first migration → up keeps the accounts", async () => {
  await withFreshDatabase(async ({ sql }) => {
    await migrateUp(sql);
    await seedAccount(sql, "ana@example.com");
    await seedAccount(sql, "bob@example.com");
    const before = await accountSnapshot(sql);

    assert.deepEqual(await migrateDown(sql, 0), [], "down 0 reverts nothing");
    assert.deepEqual(await accountSnapshot(sql), before);

    const reverted = await migrateDown(sql, REAL.length - 1);
    assert.deepEqual(
      reverted.map((m) => m.version),
      REAL.slice(1).map((m) => m.version).reverse(),
      "newest first",
    );
    assert.deepEqual(await recordedVersions(sql), [REAL[0].version]);
    assert.deepEqual(
      await accountSnapshot(sql),
      before,
      "accounts survive reverting later migrations",
    );

    const reapplied = await migrateUp(sql);
    assert.deepEqual(reapplied.map((m) => m.version), REAL.slice(1).map((m) => m.version));
    assert.deepEqual(await accountSnapshot(sql), before, "and re-applying them");
    assert.ok((await migrationStatus(sql)).every((s) => s.appliedAt !== null));
  });
});

Deno.test("migrate: reverting the newest migration keeps data that older ones own", async () => {
  const nicknames = extra(
    9001,
    "user_nicknames",
    `alter table users add column nickname text;
     create table user_notes (user_id uuid not null references users (id) on delete cascade, body text not null);`,
    `drop table user_notes;
     alter table users drop column nickname;`,
  );
  const noteIndex = extra(
    9002,
    "user_notes_index",
    "create index user_notes_user_idx on user_notes (user_id);",
    "drop index user_notes_user_idx;",
  );
  const list = [...REAL, nicknames, noteIndex];
  await withFreshDatabase(async ({ sql }) => {
    assert.equal((await migrateUp(sql, list)).length, list.length);
    const ana = await seedAccount(sql, "ana@example.com");
    await sql`update users set nickname = 'A' where id = ${ana}`;
    await sql`insert into user_notes (user_id, body) values (${ana}, 'first note')`;
    const accounts = await accountSnapshot(sql);

    // Newest only: the index goes, the notes and nicknames stay.
    assert.deepEqual((await migrateDown(sql, 1, list)).map((m) => m.version), [9002]);
    assert.ok(!await tableExists(sql, "user_notes_user_idx"));
    assert.deepEqual([...await sql`select body from user_notes`], [{ body: "first note" }]);
    const [withNick] = await sql`select nickname from users where id = ${ana}`;
    assert.equal(withNick.nickname, "A");

    // One more: that migration's own column and table go; the users from 0001 stay.
    assert.deepEqual((await migrateDown(sql, 1, list)).map((m) => m.version), [9001]);
    assert.ok(!await tableExists(sql, "user_notes"));
    assert.ok(!await columnExists(sql, "users", "nickname"));
    assert.deepEqual(await accountSnapshot(sql), accounts);
    const status = await migrationStatus(sql, list);
    assert.deepEqual(
      status.filter((s) => s.appliedAt === null).map((s) => s.version),
      [9001, 9002],
    );

    // Up again: the schema is back, the old rows are untouched, the reverted data is gone.
    assert.deepEqual((await migrateUp(sql, list)).map((m) => m.version), [9001, 9002]);
    assert.deepEqual(await accountSnapshot(sql), accounts);
    const [nick] = await sql`select nickname from users where id = ${ana}`;
    assert.equal(nick.nickname, null);
    assert.equal((await sql`select * from user_notes`).length, 0);
  });
});

Deno.test("migrate: down with more steps than applied reverts everything, then up rebuilds", async () => {
  await withFreshDatabase(async ({ sql }) => {
    await migrateUp(sql);
    await seedAccount(sql, "ana@example.com");
    const reverted = await migrateDown(sql, REAL.length + 5);
    assert.equal(reverted.length, REAL.length);
    assert.deepEqual(await recordedVersions(sql), []);
    for (const table of ["users", "sessions", "api_tokens"]) {
      assert.ok(!await tableExists(sql, table));
    }
    assert.deepEqual(await migrateDown(sql, 3), [], "nothing left to revert");
    assert.equal((await migrateUp(sql)).length, REAL.length);
    assert.equal((await sql`select * from users`).length, 0);
  });
});

Deno.test("migrate: a failing migration rolls back entirely and records nothing", async () => {
  const good = extra(9001, "good", "create table good_one (id int);", "drop table good_one;");
  const bad = extra(
    9002,
    "bad",
    `create table half_a (id int);
     insert into half_a values (1);
     alter table users add column half_done boolean;
     select 1 / 0;`,
    "drop table half_a;",
  );
  await withFreshDatabase(async ({ sql, pool }) => {
    await assert.rejects(migrateUp(sql, [...REAL, good, bad]), /division by zero/);
    // Earlier migrations in the same run stay applied: each has its own transaction.
    assert.deepEqual(await recordedVersions(sql), [...REAL.map((m) => m.version), 9001]);
    assert.ok(await tableExists(sql, "good_one"));
    // Nothing of the failed one is left behind.
    assert.ok(!await tableExists(sql, "half_a"));
    assert.ok(!await columnExists(sql, "users", "half_done"));
    assert.deepEqual(await advisoryLocks(sql), { granted: 0, waiting: 0 }, "the lock is released");

    // Another runner (another pool) is not blocked, and the fixed migration applies.
    const fixed = extra(9002, "bad", "create table half_a (id int);", "drop table half_a;");
    const other = pool();
    assert.deepEqual((await migrateUp(other.sql, [...REAL, good, fixed])).map((m) => m.version), [
      9002,
    ]);
    assert.ok(await tableExists(sql, "half_a"));
  });
});

Deno.test("migrate: a failing down rolls back and keeps the version recorded", async () => {
  const broken = extra(
    9001,
    "broken_down",
    "create table keep_me (id int); insert into keep_me values (7);",
    "drop table keep_me; drop table no_such_table;",
  );
  await withFreshDatabase(async ({ sql }) => {
    await migrateUp(sql, [...REAL, broken]);
    await assert.rejects(migrateDown(sql, 1, [...REAL, broken]), /no_such_table/);
    assert.ok((await recordedVersions(sql)).includes(9001));
    assert.deepEqual([...await sql`select id from keep_me`], [{ id: 7 }]);
    assert.deepEqual(await advisoryLocks(sql), { granted: 0, waiting: 0 });
  });
});

/** A slow migration: two runners that both applied it would collide on `create table`. */
function raceList(seconds: number): Migration[] {
  return [
    ...REAL,
    extra(
      9001,
      "slow",
      `create table race_marker (id serial primary key, runner text not null default current_setting('application_name'));
       insert into race_marker default values;
       select pg_sleep(${seconds});`,
      "drop table race_marker;",
    ),
    extra(
      9002,
      "after_slow",
      "insert into race_marker default values;",
      "delete from race_marker;",
    ),
  ];
}

/** Runs two migrateUp calls on separate pools and watches pg_locks for the second one waiting. */
async function race(sqlA: Sql, sqlB: Sql, observer: Sql, list: Migration[]) {
  let done = false;
  let sawWaiter = false;
  const watching = (async () => {
    while (!done) {
      if ((await advisoryLocks(observer)).waiting > 0) sawWaiter = true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  try {
    const results = await Promise.all([migrateUp(sqlA, list), migrateUp(sqlB, list)]);
    return { results, sawWaiter };
  } finally {
    done = true;
    await watching;
  }
}

Deno.test("migrate: two runners starting together take turns; each migration runs once", async () => {
  await withFreshDatabase(async ({ sql, pool }) => {
    const list = raceList(1);
    const { results, sawWaiter } = await race(pool().sql, pool().sql, sql, list);
    assert.ok(sawWaiter, "the second runner waited on the advisory lock while the first migrated");
    const versions = results.flat().map((m) => m.version).sort((a, b) => a - b);
    assert.deepEqual(versions, list.map((m) => m.version), "every migration applied exactly once");
    assert.ok(results.some((r) => r.length === 0), "the runner that waited found nothing to do");
    assert.equal((await sql`select * from race_marker`).length, 2);
    assert.deepEqual(await recordedVersions(sql), list.map((m) => m.version));
    assert.deepEqual(await advisoryLocks(sql), { granted: 0, waiting: 0 });
  });
});

Deno.test("migrate: migrations and lock waits are not cut short by the request statement timeout", async () => {
  await withFreshDatabase(async ({ sql, pool }) => {
    // Requests get 300 ms; a migration (and a second instance waiting for it) needs longer.
    const a = pool({ poolMax: 1, statementTimeoutMs: 300 });
    const b = pool({ poolMax: 1, statementTimeoutMs: 300 });
    const list = raceList(1);
    const { results } = await race(a.sql, b.sql, sql, list);
    assert.equal(results.flat().length, list.length);
    assert.equal((await sql`select * from race_marker`).length, 2);
    // The pools' own connections are handed back with the request timeout in force again.
    for (const db of [a, b]) {
      const [row] = await db.sql`show statement_timeout`;
      assert.equal(row.statement_timeout, "300ms");
      await assert.rejects(db.sql`select pg_sleep(1)`, /statement timeout/);
    }
  });
});
