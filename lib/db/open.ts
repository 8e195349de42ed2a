/**
 * Opens the configured database: `DATABASE_URL` when set, else the embedded PGlite in `DATA_DIR`.
 * The embedded server is single-connection, so its pool is one connection.
 */
import type { Config } from "../config/config.ts";
import { connectDatabase, type Database } from "./client.ts";
import { startEmbeddedPostgres } from "./embedded.ts";

export interface OpenedDatabase {
  db: Database;
  /** "postgres" for DATABASE_URL, "embedded" for PGlite. */
  kind: "postgres" | "embedded";
  close(): Promise<void>;
}

export async function openDatabase(config: Config): Promise<OpenedDatabase> {
  const options = {
    poolMax: config.DB_POOL_MAX,
    statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
    connectTimeoutS: config.DB_CONNECT_TIMEOUT_S,
  };
  if (config.DATABASE_URL) {
    const db = connectDatabase(config.DATABASE_URL, options);
    return { db, kind: "postgres", close: () => db.close() };
  }
  const embedded = await startEmbeddedPostgres(config.DATA_DIR);
  const db = connectDatabase(embedded.url, { ...options, poolMax: 1 });
  return {
    db,
    kind: "embedded",
    async close() {
      await db.close();
      await embedded.stop();
    },
  };
}
