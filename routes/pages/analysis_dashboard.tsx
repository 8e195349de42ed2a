/**
 * `/analyses/{id}`: one analysis' dashboard, server-rendered; the islands in
 * `islands/analysis_dashboard.tsx` and `islands/savings_chart.tsx` share one `dashboard` signal
 * so a status change updates every figure from the server's answer. Without JavaScript the plain
 * forms post here:
 * - `POST /analyses/{id}/progress` (opportunity_id, status) → 303 back with a notice naming any
 *   badges earned; a refused transition re-renders with the error (400);
 * - `POST /analyses/{id}/subscribe` (email, frequency, hourly_rate?) → 303 with a notice, or the
 *   form again with errors in place (400);
 * - `POST /analyses/{id}/rate` (hourly_rate) → 303 with a notice, or 400 with the error;
 * - `POST /analyses/{id}/subscriptions/{subscriptionId}/stop` → 303 with a notice.
 * Unknown ids and other users' analyses are a 404 page.
 */
import { signal } from "@preact/signals";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { AppShell } from "../../components/app_shell.tsx";
import { Field, Notice } from "../../components/form.tsx";
import {
  BadgeBoard,
  type BadgeLabels,
  BadgeToast,
  type OpportunityLabels,
  OpportunityList,
  type ProgressLabels,
  ProgressOverview,
  type RecommendationLabels,
  Recommendations,
  SavingsFigures,
  type SavingsLabels,
  type ToastLabels,
  type ToastState,
} from "../../islands/analysis_dashboard.tsx";
import { type ChartLabels, SavingsChart } from "../../islands/savings_chart.tsx";
import { emailSchema, hourlyRateSchema } from "../../lib/auth/schemas.ts";
import { serviceDeps } from "../../lib/http/account_deps.ts";
import type { AppEnv } from "../../lib/http/context.ts";
import { type FormValues, readForm, validateForm } from "../../lib/http/form.ts";
import { requirePageUser } from "../../lib/http/page_auth.ts";
import type { Translate } from "../../lib/i18n/i18n.ts";
import { formatDate, type ViewFormat } from "../../lib/opportunities/dashboard_view.ts";
import { InvalidTransitionError } from "../../lib/opportunities/progress.ts";
import type { Recommendation } from "../../lib/opportunities/recommendations.ts";
import {
  changeProgress,
  type DashboardJson,
  getDashboard,
  getRecommendations,
  listReportSubscriptions,
  rememberRate,
  stopReportSubscription,
  subscribeToReports,
} from "../../lib/opportunities/service.ts";
import type { Subscription } from "../../lib/opportunities/subscriptions.ts";
import { CATEGORIES, type Category, type Status, STATUSES } from "../../lib/opportunities/types.ts";
import { pageT, renderPage } from "../../lib/render/page.tsx";
import { usePage } from "../../lib/render/page_context.ts";

type Errors = Partial<Record<string, string>>;

interface DashboardView {
  notice?: { kind: "success" | "info" | "error"; text: string };
  /** A refused status change (no-JS form): which opportunity, and the status asked for. */
  refused?: { opportunityId: string; to: Status };
  subscribe?: { values: FormValues; errors: Errors };
  rate?: { value: string; error?: string };
}

// ---- labels for the islands (they get strings, not the translator) ----

const names = <K extends string>(keys: readonly K[], t: Translate, prefix: string) =>
  Object.fromEntries(
    keys.map((k) => [k, t(`${prefix}${k}` as Parameters<Translate>[0])]),
  ) as Record<
    K,
    string
  >;

function labelsFor(t: Translate) {
  const categories = names(CATEGORIES, t, "category.");
  const statuses = names(STATUSES, t, "status.");
  const progress: ProgressLabels = {
    complete: t("analysis.progress.complete"),
    counts: t("analysis.progress.counts"),
    count: t("analysis.progress.count"),
    statuses,
  };
  const savings: SavingsLabels = {
    time: t("analysis.savings.time"),
    money: t("analysis.savings.money"),
    perWeek: t("analysis.savings.per_week"),
    perYear: t("analysis.savings.per_year"),
    timeOfPotential: t("analysis.savings.time_potential"),
    timeProgress: t("analysis.savings.time_progress"),
    moneyPerYear: t("analysis.savings.money_per_year"),
    moneyOfPotential: t("analysis.savings.money_potential"),
    ratePrompt: t("analysis.savings.rate_prompt"),
    rateLabel: t("analysis.savings.rate_label"),
    rateHint: t("analysis.savings.rate_hint"),
    rateSubmit: t("analysis.savings.rate_submit"),
    rateChange: t("analysis.savings.rate_change"),
  };
  const chart: ChartLabels = {
    categories,
    category: t("analysis.chart.category"),
    potential: t("analysis.chart.potential"),
    implemented: t("analysis.chart.implemented"),
    axis: t("analysis.chart.axis"),
    perWeek: t("analysis.savings.per_week"),
    summary: t("analysis.chart.summary"),
    showTable: t("analysis.chart.show_table"),
  };
  const opportunities: OpportunityLabels = {
    categories,
    statuses,
    actions: names(STATUSES, t, "analysis.action."),
    timeSaved: t("analysis.opportunity.time_saved"),
    perWeek: t("analysis.savings.per_week"),
    perYear: t("analysis.savings.per_year"),
    complexity: t("analysis.opportunity.complexity"),
    complexityValue: t("analysis.opportunity.complexity_value"),
    tools: t("analysis.opportunity.tools"),
    implementedOn: t("analysis.opportunity.implemented_on"),
    saving: t("analysis.opportunity.saving"),
    announce: t("analysis.opportunity.announce"),
    errorTransition: t("analysis.error.transition"),
    errorNetwork: t("analysis.error.network"),
    errorRefresh: t("analysis.error.refresh"),
    errorGeneric: t("analysis.error.generic"),
  };
  const badges: BadgeLabels = {
    earned: t("analysis.badges.earned"),
    upcoming: t("analysis.badges.upcoming"),
    none: t("analysis.badges.none"),
    allEarned: t("analysis.badges.all_earned"),
    earnedOn: t("analysis.badges.earned_on"),
    points: t("analysis.badges.points"),
    totalPoints: t("analysis.badges.total_points"),
  };
  const recommendations: RecommendationLabels = {
    categories,
    empty: t("analysis.recommendations.empty"),
    details: t("analysis.recommendations.details"),
  };
  const toast: ToastLabels = {
    titleOne: t("analysis.toast.one"),
    titleMany: t("analysis.toast.many"),
    close: t("analysis.toast.close"),
    points: t("analysis.badges.points"),
  };
  return {
    categories,
    statuses,
    progress,
    savings,
    chart,
    opportunities,
    badges,
    recommendations,
    toast,
  };
}

// ---- page ----

function hostOf(url: string): string {
  try {
    return new URL(url).host.replace(/^www\./, "");
  } catch {
    return url;
  }
}

function SubscribeForm(
  { analysisId, form }: { analysisId: string; form?: DashboardView["subscribe"] },
) {
  const { t, user } = usePage();
  const values = form?.values ?? {};
  const errors = form?.errors ?? {};
  const frequency = values.frequency === "monthly" ? "monthly" : "weekly";
  return (
    <form
      method="post"
      action={`/analyses/${analysisId}/subscribe`}
      class="subscribe-form"
      novalidate
    >
      {Object.keys(errors).length > 0 && <Notice kind="error">{t("form.error_summary")}</Notice>}
      <Field
        id="subscribe-email"
        name="email"
        type="email"
        label={t("analysis.subscribe.email")}
        value={values.email ?? user!.email}
        autocomplete="email"
        maxLength={254}
        required
        error={errors.email}
      />
      <fieldset
        class="field choice"
        aria-describedby={errors.frequency ? "frequency-error" : undefined}
      >
        <legend>{t("analysis.subscribe.frequency")}</legend>
        {(["weekly", "monthly"] as const).map((value) => (
          <label class="choice-option">
            <input type="radio" name="frequency" value={value} checked={frequency === value} />
            {t(`analysis.subscribe.${value}`)}
          </label>
        ))}
        {errors.frequency && <p id="frequency-error" class="field-error">{errors.frequency}</p>}
      </fieldset>
      <Field
        id="subscribe-hourly_rate"
        name="hourly_rate"
        inputMode="decimal"
        label={t("analysis.subscribe.rate")}
        hint={t("analysis.subscribe.rate_hint")}
        value={values.hourly_rate}
        error={errors.hourly_rate}
      />
      <button type="submit" class="button">{t("analysis.subscribe.submit")}</button>
    </form>
  );
}

/** Who gets reports now, each with a way to stop them (a plain form: works without JS). */
function SubscriptionList(
  { analysisId, subscriptions }: { analysisId: string; subscriptions: Subscription[] },
) {
  const { t } = usePage();
  if (subscriptions.length === 0) return <p>{t("analysis.subscribe.none")}</p>;
  return (
    <ul class="item-list" aria-label={t("analysis.subscribe.current")}>
      {subscriptions.map((subscription) => (
        <li>
          <span>
            <strong>{subscription.email}</strong>
            <small class="muted">
              {" · "}
              {t(`analysis.subscribe.${subscription.frequency}`)}
            </small>
          </span>
          <form
            method="post"
            action={`/analyses/${analysisId}/subscriptions/${subscription.id}/stop`}
          >
            <button
              type="submit"
              class="button button-small button-secondary"
              aria-label={t("analysis.subscribe.stop_label", { email: subscription.email })}
            >
              {t("analysis.subscribe.stop")}
            </button>
          </form>
        </li>
      ))}
    </ul>
  );
}

function AnalysisDashboard(
  { data, recommendations, subscriptions, view }: {
    data: DashboardJson;
    recommendations: Recommendation[];
    subscriptions: Subscription[];
    view: DashboardView;
  },
) {
  const { t, locale, user } = usePage();
  const format: ViewFormat = { locale, timeZone: user!.timezone };
  const labels = labelsFor(t);
  // One set of signals for every island: an update through one is seen by all.
  const dashboard = signal(data);
  const recs = signal(recommendations);
  const toast = signal<ToastState>(null);
  const id = data.analysis_id;
  const identity = data.identity;

  let notice = view.notice;
  if (view.refused) {
    const opportunity = data.opportunities.find((o) =>
      o.opportunity_id === view.refused!.opportunityId
    );
    notice = {
      kind: "error",
      text: opportunity
        ? t("analysis.error.transition_from", {
          opportunity: labels.categories[opportunity.category],
          from: labels.statuses[opportunity.status].toLocaleLowerCase(locale),
          to: labels.statuses[view.refused.to].toLocaleLowerCase(locale),
        })
        : t("analysis.error.transition"),
    };
  }

  return (
    <AppShell>
      <p class="breadcrumb">
        <a href="/analyses">{t("analysis.back")}</a>
      </p>
      <header class="analysis-header">
        <h1>{identity.company_name}</h1>
        <dl class="identity">
          {identity.sector && (
            <div>
              <dt>{t("analysis.sector")}</dt>
              <dd>{identity.sector}</dd>
            </div>
          )}
          {identity.estimated_size && (
            <div>
              <dt>{t("analysis.size")}</dt>
              <dd>{identity.estimated_size}</dd>
            </div>
          )}
          {identity.tier && (
            <div>
              <dt>{t("analysis.tier")}</dt>
              <dd>{identity.tier}</dd>
            </div>
          )}
          <div>
            <dt>{t("analysis.website")}</dt>
            <dd>
              <a href={data.url} rel="noopener noreferrer nofollow">{hostOf(data.url)}</a>
            </dd>
          </div>
          <div>
            <dt>{t("analysis.analysed")}</dt>
            <dd>{formatDate(data.created_at, format)}</dd>
          </div>
        </dl>
      </header>
      {notice && <Notice kind={notice.kind}>{notice.text}</Notice>}

      <div class="dashboard-row">
        <section class="card" aria-labelledby="progress-title">
          <h2 id="progress-title">{t("analysis.progress.title")}</h2>
          <ProgressOverview dashboard={dashboard} format={format} labels={labels.progress} />
        </section>
        <section class="card" aria-labelledby="savings-title">
          <h2 id="savings-title">{t("analysis.savings.title")}</h2>
          <SavingsFigures
            analysisId={id}
            dashboard={dashboard}
            format={format}
            labels={labels.savings}
            rate={{ value: view.rate?.value ?? "", error: view.rate?.error }}
          />
        </section>
      </div>

      <section class="opportunities" aria-labelledby="opportunities-title">
        <h2 id="opportunities-title">{t("analysis.opportunities.title")}</h2>
        <OpportunityList
          analysisId={id}
          dashboard={dashboard}
          recommendations={recs}
          toast={toast}
          format={format}
          labels={labels.opportunities}
        />
      </section>

      <div class="dashboard-row">
        <section class="card" aria-labelledby="recommendations-title">
          <h2 id="recommendations-title">{t("analysis.recommendations.title")}</h2>
          <Recommendations recommendations={recs} format={format} labels={labels.recommendations} />
        </section>
        <section class="card" aria-labelledby="chart-title">
          <h2 id="chart-title">{t("analysis.chart.title")}</h2>
          <SavingsChart dashboard={dashboard} format={format} labels={labels.chart} />
        </section>
      </div>

      <section class="card" aria-labelledby="badges-title">
        <h2 id="badges-title">{t("analysis.badges.title")}</h2>
        <BadgeBoard dashboard={dashboard} format={format} labels={labels.badges} />
      </section>

      <section class="card" id="subscribe" aria-labelledby="subscribe-title">
        <h2 id="subscribe-title">{t("analysis.subscribe.title")}</h2>
        <p class="muted">{t("analysis.subscribe.lead")}</p>
        <SubscriptionList analysisId={id} subscriptions={subscriptions} />
        <SubscribeForm analysisId={id} form={view.subscribe} />
      </section>

      <BadgeToast toast={toast} labels={labels.toast} />
    </AppShell>
  );
}

/** The success notice a redirect asked for (`?notice=…`), built only from the server's data. */
function noticeFromQuery(
  c: Context<AppEnv>,
  data: DashboardJson,
  format: ViewFormat,
): DashboardView["notice"] {
  const t = pageT(c);
  const query = (name: string) => c.req.query(name) ?? "";
  const statusName = (status: string) =>
    (STATUSES as readonly string[]).includes(status)
      ? t(`status.${status as Status}`).toLocaleLowerCase(format.locale)
      : null;
  switch (query("notice")) {
    case "imported":
      return { kind: "success", text: t("analysis.notice.imported") };
    case "duplicate": {
      const when = new Date(query("imported"));
      const iso = Number.isNaN(when.getTime()) ? data.created_at : when.toISOString();
      return {
        kind: "info",
        text: t("analysis.notice.duplicate", { date: formatDate(iso, format) }),
      };
    }
    case "progress":
    case "unchanged": {
      const opportunity = data.opportunities.find((o) => o.opportunity_id === query("opportunity"));
      const status = statusName(query("status"));
      if (!opportunity || !status) return undefined;
      const name = t(`category.${opportunity.category as Category}`);
      let text = t(`analysis.notice.${query("notice") as "progress" | "unchanged"}`, {
        opportunity: name,
        status,
      });
      // Only badges this analysis has actually earned can be named.
      const asked = new Set(query("badges").split(",").filter(Boolean));
      const earned = data.badges.filter((b) => asked.has(b.badge_type)).map((b) =>
        `${b.icon} ${b.badge_name}`
      );
      if (earned.length > 0) {
        text += ` ${
          t(earned.length > 1 ? "analysis.notice.badges" : "analysis.notice.badge", {
            names: earned.join(", "),
          })
        }`;
      }
      return { kind: "success", text };
    }
    case "subscribed":
    case "subscription_updated": {
      const frequency = query("frequency") === "monthly" ? "monthly" : "weekly";
      return {
        kind: "success",
        text: t(`analysis.notice.${query("notice") as "subscribed" | "subscription_updated"}`, {
          frequency: t(`analysis.subscribe.${frequency}`).toLocaleLowerCase(format.locale),
        }),
      };
    }
    case "rate":
      return { kind: "success", text: t("analysis.notice.rate") };
    case "unsubscribed":
      return { kind: "success", text: t("analysis.notice.unsubscribed") };
    default:
      return undefined;
  }
}

async function renderDashboard(
  c: Context<AppEnv>,
  view: DashboardView = {},
  status: 200 | 400 = 200,
) {
  const user = requirePageUser(c);
  const id = c.req.param("id") ?? "";
  const locale = c.get("locale");
  const deps = serviceDeps(c);
  const [data, recs, subscriptions] = await Promise.all([
    getDashboard(deps, id, user, locale),
    getRecommendations(deps, id, user, locale),
    listReportSubscriptions(deps, user, id),
  ]);
  const format: ViewFormat = { locale, timeZone: user.timezone };
  const notice = view.notice ?? (status === 200 ? noticeFromQuery(c, data, format) : undefined);
  return renderPage(
    c,
    <AnalysisDashboard
      data={data}
      recommendations={recs.recommendations}
      subscriptions={subscriptions}
      view={{ ...view, notice }}
    />,
    { title: data.identity.company_name, robots: "noindex" },
    status,
  );
}

/** "85,50" (as French users write it) or "85.5" → 85.5; "" → null; junk → NaN (invalid). */
function parseRate(text: string | undefined): number | null {
  const trimmed = (text ?? "").trim();
  return trimmed === "" ? null : Number(trimmed.replace(",", "."));
}

const subscribeFormSchema = z.object({
  email: emailSchema,
  frequency: z.enum(["weekly", "monthly"]),
  hourly_rate: hourlyRateSchema.nullable(),
});

export const analysisDashboardPages = new Hono<AppEnv>()
  .get("/analyses/:id", (c) => renderDashboard(c))
  .post("/analyses/:id/progress", async (c) => {
    const user = requirePageUser(c);
    const id = c.req.param("id");
    const values = await readForm(c);
    const status = values.status as Status;
    const opportunityId = (values.opportunity_id ?? "").slice(0, 100);
    if (!STATUSES.includes(status)) {
      return renderDashboard(c, {
        notice: { kind: "error", text: pageT(c)("analysis.error.status") },
      }, 400);
    }
    let outcome;
    try {
      outcome = await changeProgress(serviceDeps(c), id, user, c.get("locale"), {
        opportunityId,
        status,
      });
    } catch (error) {
      if (!(error instanceof InvalidTransitionError)) throw error;
      return renderDashboard(c, { refused: { opportunityId, to: status } }, 400);
    }
    const params = new URLSearchParams({
      notice: outcome.changed ? "progress" : "unchanged",
      opportunity: outcome.response.opportunity_id,
      status: outcome.response.status,
    });
    const badges = outcome.response.new_badges.map((b) => b.badge_type);
    if (badges.length > 0) params.set("badges", badges.join(","));
    return c.redirect(`/analyses/${id}?${params}`, 303);
  })
  .post("/analyses/:id/subscribe", async (c) => {
    const user = requirePageUser(c);
    const t = pageT(c);
    const id = c.req.param("id");
    const values = await readForm(c);
    const result = validateForm(subscribeFormSchema, {
      email: values.email ?? "",
      frequency: values.frequency,
      hourly_rate: parseRate(values.hourly_rate),
    });
    if (!result.ok) {
      const errors: Errors = {};
      if (result.fields.has("email")) errors.email = t("validation.email");
      if (result.fields.has("frequency")) errors.frequency = t("validation.frequency");
      if (result.fields.has("hourly_rate")) errors.hourly_rate = t("validation.hourly_rate");
      return renderDashboard(c, { subscribe: { values, errors } }, 400);
    }
    const { email, frequency, hourly_rate: rate } = result.data;
    const { created } = await subscribeToReports(serviceDeps(c), user, {
      analysisId: id,
      email,
      frequency,
      hourlyRateCents: rate === null ? null : Math.round(rate * 100),
    });
    const notice = created ? "subscribed" : "subscription_updated";
    return c.redirect(`/analyses/${id}?notice=${notice}&frequency=${frequency}`, 303);
  })
  .post("/analyses/:id/subscriptions/:subscriptionId/stop", async (c) => {
    const user = requirePageUser(c);
    const id = c.req.param("id");
    await stopReportSubscription(serviceDeps(c), user, id, c.req.param("subscriptionId"));
    return c.redirect(`/analyses/${id}?notice=unsubscribed#subscribe`, 303);
  })
  .post("/analyses/:id/rate", async (c) => {
    const user = requirePageUser(c);
    const id = c.req.param("id");
    const values = await readForm(c);
    const result = validateForm(hourlyRateSchema, parseRate(values.hourly_rate));
    if (!result.ok) {
      return renderDashboard(c, {
        rate: {
          value: values.hourly_rate ?? "",
          error: pageT(c)("validation.hourly_rate_required"),
        },
      }, 400);
    }
    await rememberRate(serviceDeps(c), id, user, Math.round(result.data * 100));
    return c.redirect(`/analyses/${id}?notice=rate`, 303);
  });
