/**
 * The interactive parts of an analysis dashboard (`/analyses/{id}`). The page passes the SAME
 * signals (`dashboard`, `recommendations`, `toast`) to every island, so when the status controls
 * apply the server's answer, the progress ring, figures, chart, badges and recommendations all
 * follow at once.
 *
 * Server-first (seed ADR-003): a status change shows a pending state, POSTs to the JSON API and
 * then re-reads the dashboard and recommendations from the server; only the server's answer is
 * shown. An error (refused transition, network failure) is reported and nothing changes.
 *
 * Without JavaScript every control is a plain form posting to `/analyses/{id}/progress`.
 * Browser code: imports only Preact, signals and pure shared modules.
 */
import { batch, type Signal } from "@preact/signals";
import { useEffect, useRef, useState } from "preact/hooks";
import type { BadgeJson } from "../lib/badges/evaluate.ts";
import {
  fill,
  formatDate,
  formatMoney,
  formatNumber,
  formatPercent,
  type ViewFormat,
} from "../lib/opportunities/dashboard_view.ts";
import type { Recommendation } from "../lib/opportunities/recommendations.ts";
import type { DashboardJson } from "../lib/opportunities/service.ts";
import { NEXT_STATUSES } from "../lib/opportunities/transitions.ts";
import type { Category, Status } from "../lib/opportunities/types.ts";

/** A badge toast; `id` changes with every award so a repeat is announced again. */
export type ToastState = { id: number; badges: BadgeJson[] } | null;

type Names<K extends string> = Record<K, string>;

// ---------------------------------------------------------------------------------------------
// Progress ring

export interface ProgressLabels {
  complete: string;
  counts: string;
  count: string;
  statuses: Names<Status>;
}

const RING_RADIUS = 42;
const RING_LENGTH = 2 * Math.PI * RING_RADIUS;

export function ProgressOverview(
  { dashboard, format, labels }: {
    dashboard: Signal<DashboardJson>;
    format: ViewFormat;
    labels: ProgressLabels;
  },
) {
  const summary = dashboard.value.progress_summary;
  const percent = summary.completion_percentage;
  const filled = (RING_LENGTH * percent) / 100;
  const shown = formatPercent(percent, format.locale);
  const complete = fill(labels.complete, { percent: shown });
  return (
    <div class="progress-overview" data-testid="progress">
      <svg class="ring" viewBox="0 0 100 100" width="104" height="104" aria-hidden="true">
        <circle class="ring-track" cx="50" cy="50" r={RING_RADIUS} fill="none" stroke-width="10" />
        <circle
          class="ring-value"
          cx="50"
          cy="50"
          r={RING_RADIUS}
          fill="none"
          stroke-width="10"
          stroke-linecap="round"
          stroke-dasharray={`${filled.toFixed(2)} ${RING_LENGTH.toFixed(2)}`}
          transform="rotate(-90 50 50)"
          opacity={percent === 0 ? 0 : 1}
        />
        <text x="50" y="50" text-anchor="middle" dominant-baseline="central" class="ring-text">
          {shown}
        </text>
      </svg>
      <div>
        <p class="progress-headline">{complete}</p>
        <p class="muted">
          {fill(labels.counts, {
            implemented: summary.implemented,
            total: summary.total_opportunities,
          })}
        </p>
        <ul class="status-counts">
          {([
            ["NOT_STARTED", summary.not_started],
            ["IN_PROGRESS", summary.in_progress],
            ["IMPLEMENTED", summary.implemented],
          ] as const).map(([status, count]) => (
            <li>
              <span class={`status-dot status-${status.toLowerCase()}`} aria-hidden="true" />
              {fill(labels.count, { status: labels.statuses[status], count })}
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Time and money saved

export interface SavingsLabels {
  time: string;
  money: string;
  perWeek: string;
  perYear: string;
  timeOfPotential: string;
  moneyPerYear: string;
  moneyOfPotential: string;
  ratePrompt: string;
  rateLabel: string;
  rateHint: string;
  rateSubmit: string;
  rateChange: string;
  timeProgress: string;
}

export interface RateForm {
  value: string;
  error?: string;
}

function RateFields(
  { analysisId, labels, rate }: { analysisId: string; labels: SavingsLabels; rate: RateForm },
) {
  const describedBy = ["rate-hint", rate.error && "rate-error"].filter(Boolean).join(" ");
  return (
    <form method="post" action={`/analyses/${analysisId}/rate`} class="field rate-form">
      <label for="rate-hourly_rate">{labels.rateLabel}</label>
      <div class="rate-row">
        <input
          id="rate-hourly_rate"
          name="hourly_rate"
          inputMode="decimal"
          autocomplete="off"
          value={rate.value}
          required
          aria-invalid={rate.error ? "true" : undefined}
          aria-describedby={describedBy}
        />
        <button type="submit" class="button button-secondary">{labels.rateSubmit}</button>
      </div>
      <p id="rate-hint" class="field-hint">{labels.rateHint}</p>
      {rate.error && <p id="rate-error" class="field-error">{rate.error}</p>}
    </form>
  );
}

/** "{amount} per year" → the amount, then the rest in a smaller unit span (any word order). */
function AmountPer({ template, amount }: { template: string; amount: string }) {
  const [before, after = ""] = template.split("{amount}");
  return (
    <>
      {before && <span class="figure-unit">{before}</span>}
      {amount}
      {after && <span class="figure-unit">{after}</span>}
    </>
  );
}

export function SavingsFigures(
  { analysisId, dashboard, format, labels, rate }: {
    analysisId: string;
    dashboard: Signal<DashboardJson>;
    format: ViewFormat;
    labels: SavingsLabels;
    rate: RateForm;
  },
) {
  const { time_saved: time, money_saved: money } = dashboard.value.metrics;
  const n = (value: number) => formatNumber(value, format.locale);
  const cad = (value: number) => formatMoney(value, format.locale);
  return (
    <div class="figures">
      <div class="figure" data-testid="time-saved">
        <h3 class="figure-label">{labels.time}</h3>
        <p class="figure-value">{fill(labels.perWeek, { hours: n(time.implemented_weekly) })}</p>
        <p class="figure-sub">{fill(labels.perYear, { hours: n(time.implemented_annual) })}</p>
        <progress
          class="meter"
          max={Math.max(time.potential_weekly, 1)}
          value={time.implemented_weekly}
          aria-label={labels.timeProgress}
        />
        <p class="figure-sub muted">
          {fill(labels.timeOfPotential, {
            weekly: n(time.potential_weekly),
            annual: n(time.potential_annual),
          })}
        </p>
      </div>
      <div class="figure" data-testid="money-saved">
        <h3 class="figure-label">{labels.money}</h3>
        {money.hourly_rate === null || money.implemented_annual === null ||
            money.potential_annual === null
          ? (
            <>
              <p class="rate-prompt">{labels.ratePrompt}</p>
              <RateFields analysisId={analysisId} labels={labels} rate={rate} />
            </>
          )
          : (
            <>
              <p class="figure-value">
                <AmountPer template={labels.moneyPerYear} amount={cad(money.implemented_annual)} />
              </p>
              <p class="figure-sub muted">
                {fill(labels.moneyOfPotential, {
                  amount: cad(money.potential_annual),
                  rate: cad(money.hourly_rate),
                })}
              </p>
              <details class="rate-change" open={rate.error !== undefined}>
                <summary>{labels.rateChange}</summary>
                <RateFields analysisId={analysisId} labels={labels} rate={rate} />
              </details>
            </>
          )}
      </div>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Opportunity cards with status controls

export interface OpportunityLabels {
  categories: Names<Category>;
  statuses: Names<Status>;
  actions: Names<Status>;
  timeSaved: string;
  perWeek: string;
  perYear: string;
  complexity: string;
  complexityValue: string;
  tools: string;
  implementedOn: string;
  saving: string;
  announce: string;
  errorTransition: string;
  errorNetwork: string;
  errorRefresh: string;
  errorGeneric: string;
}

interface CardError {
  message: string;
  detail?: string;
}

interface ApiErrorBody {
  error?: string;
  detail?: string;
}

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json" };

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return await response.json() as T;
}

/** Newer refreshes win: an older answer that arrives late is dropped. */
let refreshGeneration = 0;

export function OpportunityList(
  { analysisId, dashboard, recommendations, toast, format, labels }: {
    analysisId: string;
    dashboard: Signal<DashboardJson>;
    recommendations: Signal<Recommendation[]>;
    toast: Signal<ToastState>;
    format: ViewFormat;
    labels: OpportunityLabels;
  },
) {
  const [pending, setPending] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, CardError>>({});
  const [announcement, setAnnouncement] = useState("");
  const focusAfter = useRef<string | null>(null);
  // Guards against a second click landing before the disabled state has rendered.
  const busyRef = useRef(false);
  const n = (value: number) => formatNumber(value, format.locale);

  useEffect(() => {
    const id = focusAfter.current;
    if (id === null || pending !== null) return;
    focusAfter.current = null;
    const card = document.getElementById(`opp-${id}`);
    const target = card?.querySelector<HTMLElement>("button:not([disabled])") ??
      card?.querySelector<HTMLElement>(".opportunity-status");
    target?.focus();
  });

  const fail = (id: string, error: CardError) => {
    setErrors((all) => ({ ...all, [id]: error }));
    focusAfter.current = id;
  };

  async function change(opportunityId: string, status: Status) {
    if (busyRef.current) return;
    busyRef.current = true;
    setPending(opportunityId);
    setErrors(({ [opportunityId]: _, ...rest }) => rest);
    try {
      let newBadges: BadgeJson[];
      try {
        const response = await fetch(`/api/v1/dashboard/${analysisId}/progress`, {
          method: "POST",
          headers: JSON_HEADERS,
          body: JSON.stringify({ opportunity_id: opportunityId, status }),
        });
        const body = await response.json().catch(() => null) as
          | (ApiErrorBody & { new_badges?: BadgeJson[] })
          | null;
        if (!response.ok || !body) {
          fail(
            opportunityId,
            body?.error === "INVALID_STATUS_TRANSITION"
              ? { message: labels.errorTransition, detail: body.detail }
              : { message: labels.errorGeneric, detail: body?.detail ?? `HTTP ${response.status}` },
          );
          return;
        }
        newBadges = body.new_badges ?? [];
      } catch {
        fail(opportunityId, { message: labels.errorNetwork });
        return;
      }
      // The change is stored: now show the server's whole, consistent answer.
      const generation = ++refreshGeneration;
      try {
        const [fresh, recs] = await Promise.all([
          getJson<DashboardJson>(`/api/v1/dashboard/${analysisId}`),
          getJson<{ recommendations: Recommendation[] }>(
            `/api/v1/dashboard/${analysisId}/recommendations`,
          ),
        ]);
        if (generation !== refreshGeneration) return;
        const now = fresh.opportunities.find((o) => o.opportunity_id === opportunityId);
        batch(() => {
          dashboard.value = fresh;
          recommendations.value = recs.recommendations;
          if (newBadges.length > 0) toast.value = { id: Date.now(), badges: newBadges };
        });
        focusAfter.current = opportunityId;
        if (now) {
          setAnnouncement(fill(labels.announce, {
            opportunity: labels.categories[now.category],
            status: labels.statuses[now.status],
          }));
        }
      } catch {
        fail(opportunityId, { message: labels.errorRefresh });
      }
    } finally {
      busyRef.current = false;
      setPending(null);
    }
  }

  return (
    <>
      <ul class="opportunity-grid">
        {dashboard.value.opportunities.map((o) => {
          const busy = pending === o.opportunity_id;
          const error = errors[o.opportunity_id];
          const name = labels.categories[o.category];
          const statusClass = o.status.toLowerCase();
          return (
            <li
              class="opportunity card"
              id={`opp-${o.opportunity_id}`}
              data-status={o.status}
              aria-busy={busy ? "true" : undefined}
            >
              <div class="opportunity-head">
                <h3>{name}</h3>
                <span class={`opportunity-status status-pill status-${statusClass}`} tabIndex={-1}>
                  {labels.statuses[o.status]}
                </span>
              </div>
              {o.problem_teaser && <p class="teaser">{o.problem_teaser}</p>}
              <dl class="facts">
                <div>
                  <dt>{labels.timeSaved}</dt>
                  <dd>
                    {fill(labels.perWeek, { hours: n(o.hours_per_week) })}{" "}
                    <span class="muted">
                      ({fill(labels.perYear, { hours: n(o.hours_per_year) })})
                    </span>
                  </dd>
                </div>
                <div>
                  <dt>{labels.complexity}</dt>
                  <dd>{fill(labels.complexityValue, { level: o.complexity_level })}</dd>
                </div>
                {o.tools_hint && (
                  <div>
                    <dt>{labels.tools}</dt>
                    <dd>{o.tools_hint}</dd>
                  </div>
                )}
              </dl>
              <div class="opportunity-actions">
                {o.status === "IMPLEMENTED" && o.implemented_at
                  ? (
                    <p class="implemented-on">
                      <span aria-hidden="true">✓</span>{" "}
                      {fill(labels.implementedOn, { date: formatDate(o.implemented_at, format) })}
                    </p>
                  )
                  : NEXT_STATUSES[o.status].map((next) => (
                    <form
                      method="post"
                      action={`/analyses/${analysisId}/progress`}
                      onSubmit={(event) => {
                        event.preventDefault();
                        change(o.opportunity_id, next);
                      }}
                    >
                      <input type="hidden" name="opportunity_id" value={o.opportunity_id} />
                      <input type="hidden" name="status" value={next} />
                      <button
                        type="submit"
                        class={`button button-small${
                          next === "NOT_STARTED" ? " button-secondary" : ""
                        }`}
                        data-status={next}
                        disabled={pending !== null}
                        aria-busy={busy ? "true" : undefined}
                      >
                        {labels.actions[next]} <span class="visually-hidden">({name})</span>
                      </button>
                    </form>
                  ))}
                {busy && <span class="saving muted">{labels.saving}</span>}
              </div>
              {error && (
                <p class="field-error card-error" role="alert">
                  {error.message}
                  {error.detail && <small class="error-detail">{error.detail}</small>}
                </p>
              )}
            </li>
          );
        })}
      </ul>
      <p class="visually-hidden" role="status" aria-live="polite">{announcement}</p>
    </>
  );
}

// ---------------------------------------------------------------------------------------------
// Badges

export interface BadgeLabels {
  earned: string;
  upcoming: string;
  none: string;
  earnedOn: string;
  points: string;
  totalPoints: string;
  allEarned: string;
}

export function BadgeBoard(
  { dashboard, format, labels }: {
    dashboard: Signal<DashboardJson>;
    format: ViewFormat;
    labels: BadgeLabels;
  },
) {
  const { badges, upcoming_badges: upcoming, total_points: total } = dashboard.value;
  return (
    <div class="badge-board" data-testid="badges">
      <p class="points">{fill(labels.totalPoints, { points: total })}</p>
      <h3>{labels.earned}</h3>
      {badges.length === 0 ? <p class="muted">{labels.none}</p> : (
        <ul class="badge-list">
          {badges.map((badge) => (
            <li class="badge badge-earned" data-badge={badge.badge_type}>
              <span class="badge-icon" aria-hidden="true">{badge.icon}</span>
              <div>
                <p class="badge-name">
                  {badge.badge_name}{" "}
                  <span class="badge-points">{fill(labels.points, { points: badge.points })}</span>
                </p>
                <p class="badge-description">{badge.description}</p>
                <p class="muted badge-date">
                  {fill(labels.earnedOn, { date: formatDate(badge.earned_at, format) })}
                </p>
              </div>
            </li>
          ))}
        </ul>
      )}
      <h3>{labels.upcoming}</h3>
      {upcoming.length === 0 ? <p class="muted">{labels.allEarned}</p> : (
        <ul class="badge-list">
          {upcoming.map((badge) => (
            <li class="badge badge-upcoming" data-badge={badge.badge_type}>
              <span class="badge-icon" aria-hidden="true">{badge.icon}</span>
              <div>
                <p class="badge-name">
                  {badge.badge_name}{" "}
                  <span class="badge-points">{fill(labels.points, { points: badge.points })}</span>
                </p>
                <p class="badge-description">{badge.description}</p>
                <progress
                  class="meter"
                  max={Math.max(badge.progress.target, 1)}
                  value={Math.min(badge.progress.current, badge.progress.target)}
                  aria-label={`${badge.badge_name}: ${badge.progress_text}`}
                />
                <p class="muted badge-progress">{badge.progress_text}</p>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------
// Recommendations

export interface RecommendationLabels {
  categories: Names<Category>;
  empty: string;
  details: string;
}

export function Recommendations(
  { recommendations, format, labels }: {
    recommendations: Signal<Recommendation[]>;
    format: ViewFormat;
    labels: RecommendationLabels;
  },
) {
  const list = recommendations.value;
  if (list.length === 0) return <p class="muted" data-testid="recommendations">{labels.empty}</p>;
  return (
    <ol class="recommendations" data-testid="recommendations">
      {list.map((r) => (
        <li data-opportunity={r.opportunity_id}>
          <a href={`#opp-${r.opportunity_id}`} class="recommendation-name">
            {labels.categories[r.category as Category] ?? r.category}
          </a>
          <p class="recommendation-reason">{r.reason}</p>
          <p class="muted recommendation-details">
            {fill(labels.details, {
              score: formatNumber(r.priority_score, format.locale),
              hours: formatNumber(r.hours_per_week, format.locale),
              level: r.complexity_level,
            })}
          </p>
        </li>
      ))}
    </ol>
  );
}

// ---------------------------------------------------------------------------------------------
// Badge toast

export interface ToastLabels {
  titleOne: string;
  titleMany: string;
  close: string;
  points: string;
}

const TOAST_MS = 12_000;

export function BadgeToast(
  { toast, labels }: { toast: Signal<ToastState>; labels: ToastLabels },
) {
  const current = toast.value;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!current) return;
    // Dismissed after a while, unless the reader is on it (hover or keyboard focus).
    const timer = setInterval(() => {
      const el = box.current;
      if (el && (el.matches(":hover") || el.contains(document.activeElement))) return;
      if (toast.peek()?.id === current.id) toast.value = null;
    }, TOAST_MS);
    return () => clearInterval(timer);
  }, [current?.id]);
  return (
    <div class="toast-region" role="status" aria-live="polite" aria-atomic="true">
      {current && (
        <div class="toast" ref={box} data-testid="badge-toast">
          <p class="toast-title">
            <span aria-hidden="true">🎉</span>{" "}
            {current.badges.length > 1 ? labels.titleMany : labels.titleOne}
          </p>
          <ul class="toast-list">
            {current.badges.map((badge) => (
              <li>
                <span class="badge-icon" aria-hidden="true">{badge.icon}</span>{" "}
                <strong>{badge.badge_name}</strong>{" "}
                <span class="badge-points">{fill(labels.points, { points: badge.points })}</span>
                <br />
                <span class="muted">{badge.description}</span>
              </li>
            ))}
          </ul>
          <button
            type="button"
            class="toast-close"
            aria-label={labels.close}
            onClick={() => (toast.value = null)}
          >
            <span aria-hidden="true">×</span>
          </button>
        </div>
      )}
    </div>
  );
}
