/** `/settings`: profile (name, time zone, language, hourly rate), password and API tokens. */
import { type Context, Hono } from "hono";
import { AppShell } from "../../components/app_shell.tsx";
import { Field, Notice, Select } from "../../components/form.tsx";
import { PasswordStrength } from "../../islands/password_strength.tsx";
import {
  type ApiToken,
  createApiToken,
  listApiTokens,
  revokeApiToken,
} from "../../lib/auth/api_tokens.ts";
import { passwordChangeSchema, settingsSchema, tokenCreateSchema } from "../../lib/auth/schemas.ts";
import { deleteOtherSessions } from "../../lib/auth/sessions.ts";
import {
  getPasswordHash,
  setPasswordHash,
  updateSettings,
  type User,
} from "../../lib/auth/users.ts";
import type { AppEnv } from "../../lib/http/context.ts";
import { authDeps } from "../../lib/http/account_deps.ts";
import { dateTimeFormat } from "../../lib/i18n/formatters.ts";
import { type FormValues, readForm, validateForm } from "../../lib/http/form.ts";
import { requirePageUser } from "../../lib/http/page_auth.ts";
import { pageT, renderPage } from "../../lib/render/page.tsx";
import { usePage } from "../../lib/render/page_context.ts";
import { listTimeZones } from "../../lib/time/zones.ts";

type Errors = Partial<Record<string, string>>;

interface SettingsView {
  profile?: { values: FormValues; errors: Errors };
  password?: { errors: Errors };
  notice?: { kind: "success" | "error"; text: string };
  newToken?: { name: string; secret: string };
  tokens: ApiToken[];
}

const NOTICES = {
  saved: "settings.saved",
  password: "settings.password_saved",
  revoked: "settings.token_revoked",
} as const;

function profileValues(user: User): FormValues {
  return {
    name: user.name,
    timezone: user.timezone,
    locale: user.locale,
    hourly_rate: user.hourlyRate === null ? "" : String(user.hourlyRate),
  };
}

function SettingsPage({ view }: { view: SettingsView }) {
  const { t, user, locale } = usePage();
  const values = view.profile?.values ?? profileValues(user!);
  const errors = view.profile?.errors ?? {};
  const dateFormat = dateTimeFormat(locale === "fr" ? "fr-CA" : "en-CA", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: user!.timezone,
  });
  return (
    <AppShell>
      <h1>{t("settings.title")}</h1>
      {view.notice && <Notice kind={view.notice.kind}>{view.notice.text}</Notice>}

      <section class="card" aria-labelledby="profile-title">
        <h2 id="profile-title">{t("settings.profile")}</h2>
        <form method="post" action="/settings" class="stack">
          <Field
            id="name"
            name="name"
            label={t("auth.name")}
            value={values.name}
            maxLength={100}
            autocomplete="name"
            error={errors.name}
          />
          <Select
            id="timezone"
            name="timezone"
            label={t("settings.timezone")}
            hint={t("settings.timezone_hint")}
            value={values.timezone}
            error={errors.timezone}
            options={listTimeZones().map((zone) => ({
              value: zone,
              label: zone.replaceAll("_", " "),
            }))}
          />
          <Select
            id="locale"
            name="locale"
            label={t("settings.locale")}
            value={values.locale}
            options={[{ value: "en", label: t("locale.en") }, {
              value: "fr",
              label: t("locale.fr"),
            }]}
          />
          {/* Not type=number: browsers submit "" for "85,50", silently clearing the rate. */}
          <Field
            id="hourly_rate"
            name="hourly_rate"
            inputMode="decimal"
            label={t("settings.hourly_rate")}
            hint={t("settings.hourly_rate_hint")}
            value={values.hourly_rate}
            error={errors.hourly_rate}
          />
          <button type="submit" class="button">{t("settings.save")}</button>
        </form>
      </section>

      <section class="card" aria-labelledby="password-title">
        <h2 id="password-title">{t("settings.password")}</h2>
        <form method="post" action="/settings/password" class="stack">
          <Field
            id="current_password"
            name="current_password"
            type="password"
            autocomplete="current-password"
            label={t("settings.current_password")}
            error={view.password?.errors.current_password}
            required
          />
          <PasswordStrength
            id="new_password"
            name="new_password"
            label={t("settings.new_password")}
            autocomplete="new-password"
            error={view.password?.errors.new_password}
            labels={{
              length: t("password.rule.length"),
              letter: t("password.rule.letter"),
              other: t("password.rule.other"),
              strength: t("password.strength"),
              levels: [
                t("password.strength.weak"),
                t("password.strength.fair"),
                t("password.strength.good"),
                t("password.strength.strong"),
              ],
            }}
          />
          <button type="submit" class="button">{t("settings.password")}</button>
        </form>
      </section>

      <section class="card" id="tokens" aria-labelledby="tokens-title">
        <h2 id="tokens-title">{t("settings.tokens")}</h2>
        <p class="muted">{t("settings.tokens_hint")}</p>
        {view.newToken && (
          <Notice kind="success">
            <p>{t("settings.token_created")}</p>
            <p>
              <strong>{view.newToken.name}</strong>:{" "}
              <code class="secret" data-testid="new-token">{view.newToken.secret}</code>
            </p>
          </Notice>
        )}
        {view.tokens.length === 0 ? <p>{t("settings.tokens_empty")}</p> : (
          <ul class="token-list">
            {view.tokens.map((token) => (
              <li>
                <span>
                  <strong>{token.name}</strong>
                  <small class="muted">
                    {" · "}
                    {token.lastUsedAt
                      ? t("settings.token_last_used", { when: dateFormat.format(token.lastUsedAt) })
                      : t("settings.token_never_used")}
                  </small>
                </span>
                <form method="post" action={`/settings/tokens/${token.id}/revoke`}>
                  <button type="submit" class="button button-small button-danger">
                    {t("settings.token_revoke")}
                  </button>
                </form>
              </li>
            ))}
          </ul>
        )}
        <form method="post" action="/settings/tokens#tokens" class="inline-form">
          <Field
            id="token_name"
            name="name"
            label={t("settings.token_name")}
            maxLength={80}
            required
          />
          <button type="submit" class="button">{t("settings.token_create")}</button>
        </form>
      </section>
    </AppShell>
  );
}

async function render(
  c: Context<AppEnv>,
  view: Omit<SettingsView, "tokens">,
  status: 200 | 400 = 200,
) {
  const user = requirePageUser(c);
  const tokens = await listApiTokens(c.get("deps").db.sql, user.id);
  return renderPage(c, <SettingsPage view={{ ...view, tokens }} />, {
    title: pageT(c)("settings.title"),
    robots: "noindex",
  }, status);
}

export const settingsPages = new Hono<AppEnv>()
  .get("/settings", (c) => {
    const key = NOTICES[c.req.query("notice") as keyof typeof NOTICES];
    return render(c, key ? { notice: { kind: "success", text: pageT(c)(key) } } : {});
  })
  .post("/settings", async (c) => {
    const user = requirePageUser(c);
    const t = pageT(c);
    const values = await readForm(c);
    const rate = (values.hourly_rate ?? "").trim();
    const result = validateForm(settingsSchema, {
      name: values.name ?? "",
      timezone: values.timezone,
      locale: values.locale,
      hourly_rate: rate === "" ? null : Number(rate.replace(",", ".")),
    });
    if (!result.ok) {
      const errors: Errors = {};
      if (result.fields.has("name")) errors.name = t("validation.name");
      if (result.fields.has("timezone")) errors.timezone = t("validation.timezone");
      if (result.fields.has("hourly_rate")) errors.hourly_rate = t("validation.hourly_rate");
      return render(c, { profile: { values, errors } }, 400);
    }
    await updateSettings(authDeps(c), user.id, {
      name: result.data.name,
      timezone: result.data.timezone,
      locale: result.data.locale,
      hourlyRate: result.data.hourly_rate,
    });
    return c.redirect("/settings?notice=saved", 303);
  })
  .post("/settings/password", async (c) => {
    const user = requirePageUser(c);
    const t = pageT(c);
    const { db, passwords } = c.get("deps");
    const values = await readForm(c);
    const result = validateForm(passwordChangeSchema, values);
    const stored = await getPasswordHash(db.sql, user.id);
    const currentOk = stored !== null &&
      await passwords.verify(stored, (values.current_password ?? "").slice(0, 200));
    if (!result.ok || !currentOk) {
      const errors: Errors = {};
      if (!currentOk) errors.current_password = t("settings.password_wrong");
      if (!result.ok && result.fields.has("new_password")) {
        errors.new_password = t("auth.password_hint");
      }
      return render(c, { password: { errors } }, 400);
    }
    await setPasswordHash(authDeps(c), user.id, await passwords.hash(result.data.new_password));
    await deleteOtherSessions(authDeps(c), user.id, c.get("sessionSecret") ?? undefined);
    return c.redirect("/settings?notice=password", 303);
  })
  .post("/settings/tokens", async (c) => {
    const user = requirePageUser(c);
    const values = await readForm(c);
    const result = validateForm(tokenCreateSchema, { name: values.name ?? "" });
    if (!result.ok) {
      return render(c, { notice: { kind: "error", text: pageT(c)("form.error_summary") } }, 400);
    }
    const { token, secret } = await createApiToken(c.get("deps").db.sql, user.id, result.data.name);
    c.header("Cache-Control", "no-store");
    return render(c, { newToken: { name: token.name, secret } });
  })
  .post("/settings/tokens/:id/revoke", async (c) => {
    const user = requirePageUser(c);
    await revokeApiToken(authDeps(c), user.id, c.req.param("id"));
    return c.redirect("/settings?notice=revoked#tokens", 303);
  });
