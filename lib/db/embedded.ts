/**
 * The embedded default database: PGlite (Postgres compiled to WebAssembly) persisted in
 * `DATA_DIR`, served over the Postgres wire protocol on a loopback port so that postgres.js stays
 * the only driver and the same SQL runs everywhere.
 */
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedPostgres {
  /** A `postgres://` URL for postgres.js. */
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite in `dataDir` (created if missing) on a free loopback port.
 *
 * PGlite is a single backend: queries from several client connections would interleave inside
 * one session, so callers must use a pool of one connection (postgres.js pipelines on it).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  await Deno.mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(`${dataDir.replace(/\/$/, "")}/pg`);
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: 0, maxConnections: 1 });
  await server.start();
  const url = `postgres://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
  return {
    url,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
