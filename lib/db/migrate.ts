/**
 * Plain-SQL migrations: `db/migrations/NNNN_name.sql`, each with a `-- migrate:up` and a
 * `-- migrate:down` section. Applied versions are recorded in `schema_migrations`; a session-level
 * advisory lock makes concurrent runners (two instances starting together) take turns.
 */
import type { Sql } from "./client.ts";

export interface Migration {
  version: number;
  name: string;
  up: string;
  down: string;
}

export interface MigrationStatus {
  version: number;
  name: string;
  appliedAt: Date | null;
}

// An arbitrary constant that identifies "Headway migrations" among advisory locks.
const LOCK_KEY = 4_813_007_221;
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
export const MIGRATIONS_DIR = new URL("../../db/migrations/", import.meta.url);

/** Parses one migration file's text. Throws if a section is missing. */
export function parseMigration(fileName: string, text: string): Migration {
  const match = FILE_PATTERN.exec(fileName);
  if (!match) throw new Error(`migration file name must look like 0001_name.sql: ${fileName}`);
  const upAt = text.indexOf("-- migrate:up");
  const downAt = text.indexOf("-- migrate:down");
  if (upAt < 0 || downAt < 0 || downAt < upAt) {
    throw new Error(`${fileName}: needs "-- migrate:up" followed by "-- migrate:down"`);
  }
  return {
    version: Number(match[1]),
    name: match[2],
    up: text.slice(upAt + "-- migrate:up".length, downAt).trim(),
    down: text.slice(downAt + "-- migrate:down".length).trim(),
  };
}

/** Reads every migration in `dir`, sorted by version; rejects duplicate versions. */
export async function readMigrations(dir: URL = MIGRATIONS_DIR): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    if (!entry.isFile || !entry.name.endsWith(".sql")) continue;
    migrations.push(parseMigration(entry.name, await Deno.readTextFile(new URL(entry.name, dir))));
  }
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new Error(`two migrations share version ${migrations[i].version}`);
    }
  }
  return migrations;
}

type Reserved = Awaited<ReturnType<Sql["reserve"]>>;

/** Runs `work` in a transaction on the reserved connection (which has no `begin()`). */
async function inTransaction(conn: Reserved, work: () => Promise<void>): Promise<void> {
  await conn.unsafe("begin");
  try {
    await work();
    await conn.unsafe("commit");
  } catch (error) {
    await conn.unsafe("rollback");
    throw error;
  }
}

async function withLock<T>(sql: Sql, work: (conn: Reserved) => Promise<T>): Promise<T> {
  // Advisory locks belong to a session, so hold one connection for the whole run.
  const reserved = await sql.reserve();
  try {
    // A migration, and another instance's wait for the lock, may outlast the pool's per-request
    // statement timeout: lift it on this connection and restore it before handing it back.
    await reserved`set statement_timeout = 0`;
    try {
      await reserved`select pg_advisory_lock(${LOCK_KEY})`;
      try {
        await reserved`
          create table if not exists schema_migrations (
            version integer primary key,
            name text not null,
            applied_at timestamptz not null default now()
          )`;
        return await work(reserved);
      } finally {
        await reserved`select pg_advisory_unlock(${LOCK_KEY})`;
      }
    } finally {
      await reserved`reset statement_timeout`;
    }
  } finally {
    reserved.release();
  }
}

async function appliedVersions(sql: Reserved): Promise<Map<number, Date>> {
  const rows = await sql<{ version: number; applied_at: Date }[]>`
    select version, applied_at from schema_migrations order by version`;
  return new Map(rows.map((row) => [row.version, row.applied_at]));
}

/** Applies every pending migration in order, each in its own transaction. Returns those applied. */
export async function migrateUp(sql: Sql, migrations?: Migration[]): Promise<Migration[]> {
  const all = migrations ?? await readMigrations();
  return await withLock(sql, async (locked) => {
    const applied = await appliedVersions(locked);
    const pending = all.filter((m) => !applied.has(m.version));
    for (const migration of pending) {
      await inTransaction(locked, async () => {
        await locked.unsafe(migration.up);
        await locked`insert into schema_migrations (version, name)
                     values (${migration.version}, ${migration.name})`;
      });
    }
    return pending;
  });
}

/** Reverts the last `steps` applied migrations, newest first. Returns those reverted. */
export async function migrateDown(
  sql: Sql,
  steps: number,
  migrations?: Migration[],
): Promise<Migration[]> {
  const all = migrations ?? await readMigrations();
  return await withLock(sql, async (locked) => {
    const applied = await appliedVersions(locked);
    const targets = all.filter((m) => applied.has(m.version)).reverse().slice(0, steps);
    for (const migration of targets) {
      await inTransaction(locked, async () => {
        await locked.unsafe(migration.down);
        await locked`delete from schema_migrations where version = ${migration.version}`;
      });
    }
    return targets;
  });
}

/** Every known migration with the time it was applied (or null if pending). */
export async function migrationStatus(
  sql: Sql,
  migrations?: Migration[],
): Promise<MigrationStatus[]> {
  const all = migrations ?? await readMigrations();
  return await withLock(sql, async (locked) => {
    const applied = await appliedVersions(locked);
    return all.map((m) => ({
      version: m.version,
      name: m.name,
      appliedAt: applied.get(m.version) ?? null,
    }));
  });
}
