/**
 * Structured JSON logs, one object per line on stdout. Anything that looks like an email address
 * or a credential is redacted before it is written, wherever it appears.
 */
export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
// The local part takes every character RFC 5322 allows there, so no prefix of it is left behind.
const EMAIL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Bearer tokens, our own `hw_` API tokens and session cookie values.
const TOKEN = /\b(Bearer\s+)[A-Za-z0-9._~+/=-]+|\bhw_[A-Za-z0-9_-]{10,}|(hw_session=)[^;\s"]+/g;
const SECRET_KEYS = /pass(word)?|token|secret|authorization|cookie|api[_-]?key/i;

/** Replaces emails and tokens inside a string. */
export function redactText(text: string): string {
  return text.replace(EMAIL, "[email]").replace(
    TOKEN,
    (_m, bearer?: string, cookie?: string) => `${bearer ?? cookie ?? ""}[redacted]`,
  );
}

function redact(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  // JSON.stringify throws on bigints; a log call must never throw.
  if (typeof value === "bigint") return String(value);
  if (value === null || typeof value !== "object") return value;
  // Written raw, deeper values would skip redaction (and a cycle would make stringify throw).
  if (depth > 6) return "[truncated]";
  if (value instanceof Error) {
    // The stack starts with the message, so it needs the same redaction.
    return {
      name: value.name,
      message: redactText(value.message),
      stack: value.stack && redactText(value.stack),
    };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map((
      [key, item],
    ) => [key, SECRET_KEYS.test(key) ? "[redacted]" : redact(item, depth + 1)]),
  );
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** Whether lines at `level` are written (callers skip assembling fields that would be dropped). */
  enabled(level: Exclude<LogLevel, "silent">): boolean;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Where lines go; stdout by default. Tests capture them here. */
  write?: (line: string) => void;
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = RANK[options.level];
  const write = options.write ?? ((line: string) => console.log(line));
  const emit =
    (level: Exclude<LogLevel, "silent">) => (msg: string, fields: Record<string, unknown> = {}) => {
      if (RANK[level] < threshold) return;
      const entry = { time: new Date().toISOString(), level, msg: redactText(msg), ...fields };
      write(JSON.stringify(redact(entry)));
    };
  return {
    debug: emit("debug"),
    info: emit("info"),
    warn: emit("warn"),
    error: emit("error"),
    enabled: (level) => RANK[level] >= threshold,
  };
}
