/**
 * Badge definitions, read from `badge_definitions` and kept in process memory for a few minutes:
 * they change only by migration or admin action, and evaluating badges on every progress update
 * should not cost a round trip for them.
 */
import type { Sql } from "../db/client.ts";
import type { Locale } from "../i18n/i18n.ts";

export interface BadgeDefinition {
  key: string;
  version: number;
  criterion: string;
  params: Record<string, unknown>;
  points: number;
  icon: string;
  sortOrder: number;
  name: Record<Locale, string>;
  description: Record<Locale, string>;
  /** Only active definitions are evaluated; older versions stay to describe past awards. */
  active: boolean;
}

const TTL_MS = 5 * 60_000;
let cached: { at: number; definitions: Promise<BadgeDefinition[]> } | null = null;

/** Every badge definition ever (all versions, active first per key), sorted by display order. */
export function loadBadgeDefinitions(sql: Sql): Promise<BadgeDefinition[]> {
  if (cached && Date.now() - cached.at < TTL_MS) return cached.definitions;
  const definitions = sql<
    {
      badge_key: string;
      version: number;
      criterion: string;
      params: Record<string, unknown>;
      points: number;
      icon: string;
      sort_order: number;
      name: Record<Locale, string>;
      description: Record<Locale, string>;
      active: boolean;
    }[]
  >`select badge_key, version, criterion, params, points, icon, sort_order, name, description,
           active
    from badge_definitions order by sort_order, badge_key, active desc, version desc`
    .then((rows) =>
      rows.map((row) => ({
        key: row.badge_key,
        version: row.version,
        criterion: row.criterion,
        params: row.params,
        points: row.points,
        icon: row.icon,
        sortOrder: row.sort_order,
        name: row.name,
        description: row.description,
        active: row.active,
      }))
    );
  cached = { at: Date.now(), definitions };
  // A failed load must not be remembered.
  definitions.catch(() => {
    if (cached?.definitions === definitions) cached = null;
  });
  return definitions;
}

/** Forgets the in-process copy (after a definition changes, and in tests). */
export function forgetBadgeDefinitions(): void {
  cached = null;
}
