/**
 * The Postgres connection (postgres.js), shared by every module that talks to the database.
 * Failures to reach the server surface as {@link DatabaseUnavailableError} so the HTTP layer can
 * answer 503 `DATABASE_UNAVAILABLE` instead of hanging or leaking a 500.
 */
import postgres from "postgres";

export type Sql = postgres.Sql;
export type TransactionSql = postgres.TransactionSql;

export interface DbOptions {
  poolMax: number;
  statementTimeoutMs: number;
  connectTimeoutS: number;
  /** Called with each statement sent (tests and benchmarks count round trips with it). */
  onQuery?: (query: string) => void;
}

export interface Database {
  readonly sql: Sql;
  /** Resolves when a trivial query answers within `timeoutMs`; rejects otherwise. */
  ping(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The server could not be reached or dropped the connection; safe to retry later. */
export class DatabaseUnavailableError extends Error {
  override name = "DatabaseUnavailableError";
}

// postgres.js connection-level error codes, plus SQLSTATE classes 08 (connection exception) and
// 57P0x (server shutting down / cannot connect now).
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

/** True for errors that mean "the database is not there right now", not "the query is wrong". */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string") {
    return error.name === "ConnectionRefused" || /connection (refused|reset)/i.test(error.message);
  }
  return CONNECTION_CODES.has(code) || code.startsWith("08") || /^57P0[1-3]$/.test(code);
}

/** Opens a pool; connections are made lazily, so this never fails on a dead server. */
export function connectDatabase(url: string, options: DbOptions): Database {
  const sql = postgres(url, {
    max: options.poolMax,
    connect_timeout: options.connectTimeoutS,
    idle_timeout: 60,
    max_lifetime: 60 * 30,
    // NOTICEs (e.g. "relation already exists, skipping") are noise in our logs.
    onnotice: () => {},
    ...(options.onQuery ? { debug: (_: number, query: string) => options.onQuery!(query) } : {}),
    connection: {
      statement_timeout: options.statementTimeoutMs,
      application_name: "headway",
      // Instants are stored as timestamptz; pin the session zone so nothing depends on the
      // server's default. Day slicing always names the user's zone explicitly.
      TimeZone: "UTC",
    },
    types: {
      // int8 (count(*), sums) as JS numbers: our counts stay far below 2^53.
      int8: {
        to: 20,
        from: [20],
        parse: (value: string) => Number(value),
        serialize: (value: number) => String(value),
      },
    },
  });
  return {
    sql,
    async ping(timeoutMs = 1_000) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new DatabaseUnavailableError("database ping timed out")),
          timeoutMs,
        );
      });
      try {
        await Promise.race([sql`select 1`.execute(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
