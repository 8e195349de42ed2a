/** Users: creation, lookup and profile settings. Emails are stored lower-cased and trimmed. */
import type { Sql } from "../db/client.ts";
import type { Locale } from "../i18n/i18n.ts";
import { type AuthDeps, invalidateUserAuth } from "./auth_cache.ts";

export type Role = "member" | "coach" | "admin";

export interface User {
  id: string;
  email: string;
  name: string;
  timezone: string;
  locale: Locale;
  /** Dollars per hour (CAD), or null when not set. */
  hourlyRate: number | null;
  role: Role;
  createdAt: Date;
}

export interface UserRow {
  id: string;
  email: string;
  name: string;
  timezone: string;
  locale: Locale;
  hourly_rate_cents: number | null;
  role: Role;
  created_at: Date;
}

export const USER_COLUMNS =
  "id, email, name, timezone, locale, hourly_rate_cents, role, created_at";
/** The user columns qualified by a table alias, for joins. */
export const userColumnsOf = (alias: string) =>
  USER_COLUMNS.split(", ").map((column) => `${alias}.${column}`).join(", ");

export function userFromRow(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    timezone: row.timezone,
    locale: row.locale,
    hourlyRate: row.hourly_rate_cents === null ? null : row.hourly_rate_cents / 100,
    role: row.role,
    createdAt: row.created_at,
  };
}

/** The public JSON shape of a user (`GET /api/v1/me`); never includes the password hash. */
export function userJson(user: User) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    timezone: user.timezone,
    locale: user.locale,
    hourly_rate: user.hourlyRate,
    role: user.role,
    created_at: user.createdAt.toISOString(),
  };
}

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

export class EmailTakenError extends Error {
  override name = "EmailTakenError";
}

export interface NewUser {
  email: string;
  passwordHash: string;
  name?: string;
  timezone?: string;
  locale?: Locale;
}

export async function createUser(sql: Sql, input: NewUser): Promise<User> {
  try {
    const [row] = await sql<UserRow[]>`
      insert into users (email, password_hash, name, timezone, locale)
      values (${normaliseEmail(input.email)}, ${input.passwordHash}, ${input.name ?? ""},
              ${input.timezone ?? "UTC"}, ${input.locale ?? "en"})
      returning ${sql.unsafe(USER_COLUMNS)}`;
    return userFromRow(row);
  } catch (error) {
    if ((error as { code?: string }).code === "23505") throw new EmailTakenError();
    throw error;
  }
}

/** The user and their password hash, for login. */
export async function findUserForLogin(
  sql: Sql,
  email: string,
): Promise<{ user: User; passwordHash: string } | null> {
  // No stored email holds U+0000, and Postgres would reject it as a parameter (a 500, not a 401).
  if (email.includes("\u0000")) return null;
  const [row] = await sql<(UserRow & { password_hash: string })[]>`
    select ${sql.unsafe(USER_COLUMNS)}, password_hash from users
    where lower(email) = ${normaliseEmail(email)}`;
  return row ? { user: userFromRow(row), passwordHash: row.password_hash } : null;
}

export async function findUserById(sql: Sql, id: string): Promise<User | null> {
  const [row] = await sql<UserRow[]>`
    select ${sql.unsafe(USER_COLUMNS)} from users where id = ${id}`;
  return row ? userFromRow(row) : null;
}

export interface SettingsChange {
  name?: string;
  timezone?: string;
  locale?: Locale;
  /** Dollars; null clears it. */
  hourlyRate?: number | null;
}

/** Applies a settings change and returns the updated user. */
export async function updateSettings(deps: AuthDeps, userId: string, change: SettingsChange) {
  const { sql } = deps;
  const cents = change.hourlyRate === undefined
    ? undefined
    : change.hourlyRate === null
    ? null
    : Math.round(change.hourlyRate * 100);
  const [row] = await sql<UserRow[]>`
    update users set
      name = coalesce(${change.name ?? null}, name),
      timezone = coalesce(${change.timezone ?? null}, timezone),
      locale = coalesce(${change.locale ?? null}, locale),
      hourly_rate_cents = case when ${cents !== undefined} then ${cents ?? null}::integer
                               else hourly_rate_cents end,
      updated_at = now()
    where id = ${userId}
    returning ${sql.unsafe(USER_COLUMNS)}`;
  await invalidateUserAuth(deps, userId);
  return userFromRow(row);
}

/** Changes a user's role (an operator's action; no page offers it yet). */
export async function setUserRole(deps: AuthDeps, userId: string, role: Role): Promise<void> {
  await deps.sql`update users set role = ${role}, updated_at = now() where id = ${userId}`;
  await invalidateUserAuth(deps, userId);
}

export async function getPasswordHash(sql: Sql, userId: string): Promise<string | null> {
  const [row] = await sql<{ password_hash: string }[]>`
    select password_hash from users where id = ${userId}`;
  return row?.password_hash ?? null;
}

export async function setPasswordHash(deps: AuthDeps, userId: string, passwordHash: string) {
  await deps.sql`update users set password_hash = ${passwordHash}, updated_at = now()
                 where id = ${userId}`;
  await invalidateUserAuth(deps, userId);
}
