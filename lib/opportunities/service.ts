/**
 * The opportunities dashboard as the API and pages use it: cache-aside reads with single-flight
 * (seed keys, ADR-001 TTLs) and write-through invalidation after every write. The cache only
 * ever holds owner-tagged, locale-neutral data; every read re-checks the owner, so a cached entry
 * can never show one user's analysis to another. Redis down → the same answers from Postgres.
 */
import type { User } from "../auth/users.ts";
import { type BadgeDefinition, loadBadgeDefinitions } from "../badges/definitions.ts";
import {
  badgeFacts,
  type BadgeJson,
  badgeJson,
  badgeStatuses,
  formatBadgeProgress,
} from "../badges/evaluate.ts";
import type { Cache } from "../cache/cache.ts";
import type { Sql } from "../db/client.ts";
import type { Locale } from "../i18n/i18n.ts";
import {
  type AnalysisListItem,
  duplicateCacheKey,
  importAnalysis,
  type ImportResult,
  isUuid,
  listAnalyses,
  loadSnapshot,
} from "./analyses.ts";
import type { ImportInput } from "./import_schema.ts";
import {
  annualHours,
  computeMetrics,
  type Metrics,
  summarizeProgress,
  weeklyHours,
} from "./metrics.ts";
import { AnalysisNotFoundError, updateProgress } from "./progress.ts";
import { recommend, type Recommendation } from "./recommendations.ts";
import {
  listSubscriptions,
  subscribe,
  type SubscribeInput,
  type Subscription,
  unsubscribe,
} from "./subscriptions.ts";
import type { DashboardSnapshot, Opportunity, Status } from "./types.ts";

/** ADR-001 TTLs, in seconds. */
export const TTL = {
  dashboard: 1800,
  badges: 3600,
  metrics: 1800,
  recommendations: 1800,
  duplicate: 7 * 24 * 3600,
  /** A user's list of analyses (the signed-in home page): not a seed key. */
  analysisList: 1800,
} as const;

/**
 * Analysis ids are case-insensitive UUIDs: keys (and responses) use the lower-case spelling, so an
 * invalidation through one spelling reaches readers that used another.
 */
const canonicalId = (id: string) => id.toLowerCase();

export const cacheKeys = {
  dashboard: (id: string) => `dashboard:${canonicalId(id)}`,
  badges: (id: string) => `badges:${canonicalId(id)}`,
  metrics: (id: string) => `metrics:${canonicalId(id)}`,
  recommendations: (id: string) => `recommendations:${canonicalId(id)}`,
  analysisList: (userId: string) => `analyses:user:${userId}`,
};

export interface ServiceDeps {
  sql: Sql;
  cache: Cache;
}

/** The reader: owner id, zone (streak days), fallback hourly rate and language. */
export type Viewer = Pick<User, "id" | "timezone" | "hourlyRate" | "locale">;

const viewerRateCents = (viewer: Viewer) =>
  viewer.hourlyRate === null ? null : Math.round(viewer.hourlyRate * 100);

/** The analysis' own rate, else the owner's rate from Settings, else unknown. */
const effectiveRate = (snapshot: Pick<DashboardSnapshot, "hourlyRateCents">, viewer: Viewer) =>
  snapshot.hourlyRateCents ?? viewerRateCents(viewer);

function notFound(id: string): never {
  throw new AnalysisNotFoundError(`Analysis ${id} not found.`);
}

async function snapshotFor(
  deps: ServiceDeps,
  id: string,
  viewer: Viewer,
): Promise<DashboardSnapshot> {
  if (!isUuid(id)) notFound(id);
  // Loaded regardless of owner so concurrent readers can share one flight; the owner check below
  // (not the query) is what keeps other users out, cached or not.
  const snapshot = await ownerlessSnapshot(deps, id);
  if (!snapshot || snapshot.userId !== viewer.id) notFound(id);
  return snapshot;
}

/** The cached snapshot whoever owns it (callers check the owner), or null if there is none. */
function ownerlessSnapshot(deps: ServiceDeps, id: string): Promise<DashboardSnapshot | null> {
  return deps.cache.getOrLoad(
    cacheKeys.dashboard(id),
    TTL.dashboard,
    () => loadSnapshot(deps.sql, id, null),
  );
}

// ---- JSON shapes (the seed's contract, plus progress toward unearned badges) ----

function opportunityJson(o: Opportunity) {
  return {
    opportunity_id: o.opportunityId,
    category: o.category,
    hours_per_week: weeklyHours(o.centihoursPerWeek),
    hours_per_year: annualHours(o.centihoursPerWeek),
    problem_teaser: o.problemTeaser,
    complexity_level: o.complexityLevel,
    tools_hint: o.toolsHint,
    status: o.status,
    implemented_at: o.implementedAt,
  };
}

export interface UpcomingBadgeJson extends Omit<BadgeJson, "earned_at"> {
  progress: { current: number; target: number; unit: string; days_left?: number };
  progress_text: string;
}

interface BadgeSection {
  badges: BadgeJson[];
  upcoming: UpcomingBadgeJson[];
  totalPoints: number;
  /** The earliest instant (epoch ms) the section can change with no new data; Infinity if never. */
  changesAt: number;
}

function badgeSection(
  definitions: BadgeDefinition[],
  snapshot: DashboardSnapshot,
  viewer: Viewer,
  locale: Locale,
): BadgeSection {
  const statuses = badgeStatuses(
    definitions,
    badgeFacts(snapshot, viewer.timezone),
    snapshot.awards,
  );
  const badges: BadgeJson[] = [];
  const upcoming: UpcomingBadgeJson[] = [];
  let changesAt = Infinity;
  for (const status of statuses) {
    if (status.changesAt !== undefined) changesAt = Math.min(changesAt, status.changesAt);
    if (status.award) {
      badges.push(badgeJson(status.definition, status.award.earnedAt, locale));
    } else if (status.progress) {
      const { earned_at: _, ...base } = badgeJson(status.definition, "", locale);
      upcoming.push({
        ...base,
        progress: {
          current: status.progress.current,
          target: status.progress.target,
          unit: status.progress.unit,
          ...(status.progress.daysLeft === undefined
            ? {}
            : { days_left: status.progress.daysLeft }),
        },
        progress_text: formatBadgeProgress(status.progress, locale),
      });
    }
  }
  badges.sort((a, b) =>
    a.earned_at.localeCompare(b.earned_at) || a.badge_type.localeCompare(b.badge_type)
  );
  return {
    badges,
    upcoming,
    totalPoints: badges.reduce((sum, b) => sum + b.points, 0),
    changesAt,
  };
}

function renderDashboard(
  snapshot: DashboardSnapshot,
  definitions: BadgeDefinition[],
  viewer: Viewer,
  locale: Locale,
) {
  const section = badgeSection(definitions, snapshot, viewer, locale);
  const json = {
    analysis_id: snapshot.analysisId,
    url: snapshot.url,
    identity: snapshot.identity,
    opportunities: snapshot.opportunities.map(opportunityJson),
    progress_summary: summarizeProgress(snapshot.opportunities),
    badges: section.badges,
    upcoming_badges: section.upcoming,
    total_points: section.totalPoints,
    metrics: computeMetrics(snapshot.opportunities, effectiveRate(snapshot, viewer)),
    created_at: snapshot.createdAt,
    completed_at: snapshot.completedAt,
  };
  return { json, changesAt: section.changesAt };
}

/** The seed's `DashboardResponse`, plus progress toward unearned badges. */
export type DashboardJson = ReturnType<typeof renderDashboard>["json"];

// ---- reads ----

interface RenderedDashboard {
  definitions: BadgeDefinition[];
  validUntil: number;
  value: DashboardJson;
  json?: Uint8Array<ArrayBuffer>;
}

/**
 * Dashboards already computed from a cached snapshot, per reader variant (locale, zone, rate).
 * Keyed by the snapshot object, which the cache keeps identical for exactly as long as the stored
 * entry is unchanged (see `Cache.get`): every write that invalidates the entry, in any process,
 * makes the next read a new object, and its old renderings go with the old one. The clock-driven
 * parts (days left for a quick win, today's streak) bound each rendering's life too.
 */
const rendered = new WeakMap<DashboardSnapshot, Map<string, RenderedDashboard>>();

async function renderedDashboard(
  deps: ServiceDeps,
  id: string,
  viewer: Viewer,
  locale: Locale,
): Promise<RenderedDashboard> {
  const [snapshot, definitions] = await Promise.all([
    snapshotFor(deps, id, viewer),
    loadBadgeDefinitions(deps.sql),
  ]);
  const variant = `${locale}\u0000${viewer.timezone}\u0000${effectiveRate(snapshot, viewer)}`;
  let variants = rendered.get(snapshot);
  const known = variants?.get(variant);
  if (known && known.definitions === definitions && known.validUntil > Date.now()) return known;
  const { json, changesAt } = renderDashboard(snapshot, definitions, viewer, locale);
  const fresh: RenderedDashboard = { definitions, validUntil: changesAt, value: json };
  // Only a shared (frozen) snapshot is seen again; a freshly loaded one is not worth keeping.
  if (Object.isFrozen(snapshot)) {
    if (!variants) rendered.set(snapshot, variants = new Map());
    variants.set(variant, fresh);
  }
  return fresh;
}

/** The dashboard of the viewer's analysis (seed `DashboardResponse`). */
export async function getDashboard(
  deps: ServiceDeps,
  id: string,
  viewer: Viewer,
  locale: Locale,
): Promise<DashboardJson> {
  return (await renderedDashboard(deps, id, viewer, locale)).value;
}

const encoder = new TextEncoder();

/**
 * {@link getDashboard} as UTF-8 JSON, serialised and encoded once per rendering (its badge icons
 * make it a two-byte string in V8, which costs a conversion on every response otherwise).
 */
export async function getDashboardJson(
  deps: ServiceDeps,
  id: string,
  viewer: Viewer,
  locale: Locale,
): Promise<Uint8Array<ArrayBuffer>> {
  const dashboard = await renderedDashboard(deps, id, viewer, locale);
  return dashboard.json ??= encoder.encode(JSON.stringify(dashboard.value));
}

interface CachedBadges {
  userId: string;
  snapshot: Pick<DashboardSnapshot, "createdAt" | "opportunities" | "awards" | "activity">;
}

export async function getBadges(deps: ServiceDeps, id: string, viewer: Viewer, locale: Locale) {
  if (!isUuid(id)) notFound(id);
  const [entry, definitions] = await Promise.all([
    deps.cache.getOrLoad<CachedBadges | null>(cacheKeys.badges(id), TTL.badges, async () => {
      const s = await ownerlessSnapshot(deps, id);
      return s && {
        userId: s.userId,
        snapshot: {
          createdAt: s.createdAt,
          opportunities: s.opportunities,
          awards: s.awards,
          activity: s.activity,
        },
      };
    }),
    loadBadgeDefinitions(deps.sql),
  ]);
  if (!entry || entry.userId !== viewer.id) notFound(id);
  const section = badgeSection(definitions, entry.snapshot as DashboardSnapshot, viewer, locale);
  return {
    analysis_id: canonicalId(id),
    badges: section.badges,
    total_badges: section.badges.length,
    total_points: section.totalPoints,
    upcoming_badges: section.upcoming,
  };
}

interface CachedRecommendations {
  userId: string;
  notStarted: Opportunity[];
}

export async function getRecommendations(
  deps: ServiceDeps,
  id: string,
  viewer: Viewer,
  locale: Locale,
): Promise<{ analysis_id: string; recommendations: Recommendation[] }> {
  if (!isUuid(id)) notFound(id);
  const entry = await deps.cache.getOrLoad<CachedRecommendations | null>(
    cacheKeys.recommendations(id),
    TTL.recommendations,
    async () => {
      const s = await ownerlessSnapshot(deps, id);
      return s &&
        { userId: s.userId, notStarted: s.opportunities.filter((o) => o.status === "NOT_STARTED") };
    },
  );
  if (!entry || entry.userId !== viewer.id) notFound(id);
  return { analysis_id: canonicalId(id), recommendations: recommend(entry.notStarted, locale) };
}

interface CachedMetrics {
  userId: string;
  opportunities: Pick<Opportunity, "centihoursPerWeek" | "status">[];
  hourlyRateCents: number | null;
}

export async function getMetrics(
  deps: ServiceDeps,
  id: string,
  viewer: Viewer,
): Promise<{ analysis_id: string; metrics: Metrics }> {
  if (!isUuid(id)) notFound(id);
  const entry = await deps.cache.getOrLoad<CachedMetrics | null>(
    cacheKeys.metrics(id),
    TTL.metrics,
    async () => {
      const s = await ownerlessSnapshot(deps, id);
      return s && {
        userId: s.userId,
        opportunities: s.opportunities.map((o) => ({
          centihoursPerWeek: o.centihoursPerWeek,
          status: o.status,
        })),
        hourlyRateCents: s.hourlyRateCents,
      };
    },
  );
  if (!entry || entry.userId !== viewer.id) notFound(id);
  return {
    analysis_id: canonicalId(id),
    metrics: computeMetrics(entry.opportunities as Opportunity[], effectiveRate(entry, viewer)),
  };
}

type CachedListItem = Omit<AnalysisListItem, "createdAt"> & { createdAt: string };

/** The user's analyses, newest first, with progress counts (cached; invalidated by writes). */
export async function listAnalysesFor(
  deps: ServiceDeps,
  viewer: Pick<Viewer, "id">,
): Promise<AnalysisListItem[]> {
  const cached = await deps.cache.getOrLoad<CachedListItem[]>(
    cacheKeys.analysisList(viewer.id),
    TTL.analysisList,
    async () =>
      (await listAnalyses(deps.sql, viewer.id)).map((item) => ({
        ...item,
        createdAt: item.createdAt.toISOString(),
      })),
  );
  return listView(cached);
}

/**
 * {@link listAnalysesFor} when the cache can answer at once (see `Cache.peek`); undefined when
 * only the asynchronous read can tell.
 */
export function peekAnalysesFor(
  deps: ServiceDeps,
  viewer: Pick<Viewer, "id">,
): AnalysisListItem[] | undefined {
  const cached = deps.cache.peek<CachedListItem[]>(cacheKeys.analysisList(viewer.id));
  return cached === undefined ? undefined : listView(cached);
}

// The same cached list (one frozen object while the entry is unchanged, see `Cache.get`) gives
// the same frozen result, so pages can reuse what they rendered from it (`renderPageFrom`).
function listView(cached: CachedListItem[]): AnalysisListItem[] {
  let list = listViews.get(cached);
  if (!list) {
    list = cached.map((item) => Object.freeze({ ...item, createdAt: new Date(item.createdAt) }));
    if (Object.isFrozen(cached)) listViews.set(cached, Object.freeze(list) as AnalysisListItem[]);
  }
  return list;
}

const listViews = new WeakMap<CachedListItem[], AnalysisListItem[]>();

// ---- writes (write-through invalidation) ----

export async function importForUser(
  deps: ServiceDeps,
  viewer: Viewer,
  input: ImportInput,
): Promise<ImportResult> {
  const result = await importAnalysis(deps.sql, viewer.id, input);
  // The database decided (it is the source of truth); the cache entry only remembers the answer
  // for seed FR-6's consumers.
  if (!result.cached) {
    await deps.cache.delete(cacheKeys.analysisList(viewer.id));
    await deps.cache.set(
      duplicateCacheKey(result.urlHash),
      { analysis_id: result.analysisId },
      TTL.duplicate,
    );
  }
  return result;
}

export async function changeProgress(
  deps: ServiceDeps,
  id: string,
  viewer: Viewer,
  locale: Locale,
  input: { opportunityId: string; status: Status; hourlyRateCents?: number },
) {
  if (!isUuid(id)) notFound(id);
  const definitions = await loadBadgeDefinitions(deps.sql);
  const outcome = await updateProgress(deps.sql, {
    analysisId: id,
    userId: viewer.id,
    opportunityId: input.opportunityId,
    status: input.status,
    hourlyRateCents: input.hourlyRateCents,
    zone: viewer.timezone,
    definitions,
  });
  if (outcome.changed || outcome.rateChanged) {
    await deps.cache.delete(
      cacheKeys.dashboard(id),
      cacheKeys.metrics(id),
      cacheKeys.recommendations(id),
      cacheKeys.badges(id),
      cacheKeys.analysisList(viewer.id),
    );
  }
  const { snapshot } = outcome;
  const byKey = new Map(definitions.map((d) => [`${d.key}@${d.version}`, d]));
  const opportunity = snapshot.opportunities.find((o) => o.opportunityId === input.opportunityId)!;
  return {
    response: {
      analysis_id: canonicalId(id),
      opportunity_id: opportunity.opportunityId,
      status: opportunity.status,
      implemented_at: opportunity.implementedAt,
      new_badges: outcome.newAwards.map((a) =>
        badgeJson(byKey.get(`${a.badgeKey}@${a.version}`)!, a.earnedAt, locale)
      ),
      metrics: computeMetrics(snapshot.opportunities, effectiveRate(snapshot, viewer)),
    },
    changed: outcome.changed,
  };
}

export async function subscribeToReports(
  deps: ServiceDeps,
  viewer: Viewer,
  input: Omit<SubscribeInput, "userId">,
) {
  if (!isUuid(input.analysisId)) notFound(input.analysisId);
  const result = await subscribe(deps.sql, { ...input, userId: viewer.id });
  const keys = [cacheKeys.dashboard(input.analysisId)];
  if (result.rateAdopted) keys.push(cacheKeys.metrics(input.analysisId));
  await deps.cache.delete(...keys);
  return result;
}

/** The analysis' active report subscriptions (nothing cached reads them: no invalidation). */
export async function listReportSubscriptions(
  deps: ServiceDeps,
  viewer: Pick<Viewer, "id">,
  analysisId: string,
): Promise<Subscription[]> {
  if (!isUuid(analysisId)) notFound(analysisId);
  return await listSubscriptions(deps.sql, { analysisId, userId: viewer.id });
}

/** Stops one report subscription of the viewer's analysis. */
export async function stopReportSubscription(
  deps: ServiceDeps,
  viewer: Pick<Viewer, "id">,
  analysisId: string,
  subscriptionId: string,
): Promise<Subscription> {
  if (!isUuid(analysisId)) notFound(analysisId);
  return await unsubscribe(deps.sql, { analysisId, userId: viewer.id, subscriptionId });
}

/**
 * Remembers the hourly rate (cents per hour, 2000–50000) used to value this analysis' time, as
 * the page's "set an hourly rate" form does. Invalidates what shows money: the dashboard and the
 * metrics. Another user's (or an unknown) analysis is not found.
 */
export async function rememberRate(
  deps: ServiceDeps,
  id: string,
  viewer: Viewer,
  hourlyRateCents: number,
): Promise<void> {
  if (!isUuid(id)) notFound(id);
  if (!Number.isInteger(hourlyRateCents) || hourlyRateCents < 2000 || hourlyRateCents > 50000) {
    throw new RangeError("hourlyRateCents must be a whole number of cents from 2000 to 50000");
  }
  const rows = await deps.sql`
    update analyses set hourly_rate_cents = ${hourlyRateCents}, revision = revision + 1
    where id = ${id} and user_id = ${viewer.id}
    returning id`;
  if (rows.length === 0) notFound(id);
  await deps.cache.delete(cacheKeys.dashboard(id), cacheKeys.metrics(id));
}
