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

// Every match of EMAIL contains "@", every match of TOKEN "Bearer" or "hw_": a string with none
// of them has nothing to redact, and most log strings (ids, routes, statuses) have none. One
// test instead of two global replaces per string keeps the access log cheap (docs/benchmarks.md).
const MAY_HOLD_SECRET = /@|Bearer|hw_/;

/** Replaces emails and tokens inside a string. */
export function redactText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
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
  // No prototype: a key named `__proto__` stays an ordinary field.
  const out: Record<string, unknown> = Object.create(null);
  for (const [key, item] of Object.entries(value)) {
    out[key] = SECRET_KEYS.test(key) ? "[redacted]" : redact(item, depth + 1);
  }
  return out;
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

const encoder = new TextEncoder();

/**
 * One line to stdout, written synchronously (nothing is lost if the process dies next), straight
 * to the file descriptor: `console.log` formats its arguments first and costs ~3× as much per line.
 */
function writeLine(line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  try {
    let written = 0;
    while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
  } catch {
    // stdout gone (a closed pipe): the line is lost, the request is not.
  }
}

export function createLogger(options: LoggerOptions): Logger {
  const threshold = RANK[options.level];
  const write = options.write ?? writeLine;
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
