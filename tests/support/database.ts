/**
 * A fresh Postgres database for a test run, on the real local server. `deno task test` creates one
 * per run and passes it as TEST_DATABASE_URL; a test file run on its own creates its own.
 */
import postgres from "postgres";

export const ADMIN_URL = Deno.env.get("TEST_POSTGRES_ADMIN_URL") ??
  "postgres://postgres@127.0.0.1:5432/postgres";
export const REDIS_URL = Deno.env.get("TEST_REDIS_URL") ?? "redis://127.0.0.1:6379";

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(prefix = "headway_test"): Promise<TestDatabase> {
  const name = `${prefix}_${Date.now()}_${crypto.randomUUID().slice(0, 8)}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await admin.unsafe(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
