/** `/signup`, `/login`, `/logout`: HTML forms over the same account logic as the JSON API. */
import { type Context, Hono } from "hono";
import { AppShell } from "../../components/app_shell.tsx";
import { Field, Notice } from "../../components/form.tsx";
import {
  InvalidCredentialsError,
  logIn,
  LoginThrottledError,
  signUp,
} from "../../lib/auth/accounts.ts";
import { signupSchema } from "../../lib/auth/schemas.ts";
import { deleteSession } from "../../lib/auth/sessions.ts";
import { EmailTakenError } from "../../lib/auth/users.ts";
import { accountDeps, authDeps } from "../../lib/http/account_deps.ts";
import type { AppEnv } from "../../lib/http/context.ts";
import { type FormValues, readForm, validateForm } from "../../lib/http/form.ts";
import { clientIp } from "../../lib/http/rate_limit.ts";
import { clearSessionCookie, writeSessionCookie } from "../../lib/http/session_cookie.ts";
import { isLocale } from "../../lib/i18n/i18n.ts";
import { isValidTimeZone } from "../../lib/time/zones.ts";
import { pageT, renderPage } from "../../lib/render/page.tsx";
import { usePage } from "../../lib/render/page_context.ts";
import { BrowserTimezone } from "../../islands/browser_timezone.tsx";
import { PasswordStrength } from "../../islands/password_strength.tsx";

/** Only same-site relative paths may be redirect targets (no open redirects). */
function safeNext(value: string | undefined): string {
  return value && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) ? value : "/dashboard";
}

function SignupForm(
  { values, errors }: { values: FormValues; errors: Partial<Record<string, string>> },
) {
  const { t } = usePage();
  return (
    <AppShell>
      <section class="auth-card card">
        <h1>{t("auth.signup.title")}</h1>
        {Object.keys(errors).length > 0 && <Notice kind="error">{t("form.error_summary")}</Notice>}
        <form method="post" action="/signup" novalidate>
          <Field
            id="name"
            name="name"
            label={t("auth.name_optional")}
            value={values.name}
            autocomplete="name"
            maxLength={100}
            error={errors.name}
          />
          <Field
            id="email"
            name="email"
            type="email"
            label={t("auth.email")}
            value={values.email}
            autocomplete="email"
            required
            error={errors.email}
          />
          <PasswordStrength
            id="password"
            name="password"
            label={t("auth.password")}
            autocomplete="new-password"
            error={errors.password}
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
          <BrowserTimezone name="timezone" />
          <button type="submit" class="button button-block">{t("auth.signup.submit")}</button>
        </form>
        <p class="switch">
          <a href="/login">{t("auth.signup.switch")}</a>
        </p>
      </section>
    </AppShell>
  );
}

function LoginForm(
  { values, error, next }: { values: FormValues; error?: string; next: string },
) {
  const { t } = usePage();
  return (
    <AppShell>
      <section class="auth-card card">
        <h1>{t("auth.login.title")}</h1>
        {error && <Notice kind="error">{error}</Notice>}
        <form
          method="post"
          action={`/login${next === "/dashboard" ? "" : `?next=${encodeURIComponent(next)}`}`}
        >
          <Field
            id="email"
            name="email"
            type="email"
            label={t("auth.email")}
            value={values.email}
            autocomplete="email"
            required
          />
          <Field
            id="password"
            name="password"
            type="password"
            label={t("auth.password")}
            autocomplete="current-password"
            required
          />
          <button type="submit" class="button button-block">{t("auth.login.submit")}</button>
        </form>
        <p class="switch">
          <a href="/signup">{t("auth.login.switch")}</a>
        </p>
      </section>
    </AppShell>
  );
}

function LogoutConfirm({ done }: { done: boolean }) {
  const { t, user } = usePage();
  return (
    <AppShell>
      <section class="auth-card card">
        <h1>{t("auth.logout.title")}</h1>
        {done || !user
          ? <Notice kind="success">{t("auth.logged_out")}</Notice>
          : (
            <form method="post" action="/logout">
              <p>{t("auth.logout.confirm")}</p>
              <button type="submit" class="button">{t("auth.logout.submit")}</button>
            </form>
          )}
      </section>
    </AppShell>
  );
}

export const authPages = new Hono<AppEnv>()
  .get("/signup", (c) => {
    if (c.get("user")) return c.redirect("/dashboard", 303);
    const t = pageT(c);
    return renderPage(c, <SignupForm values={{}} errors={{}} />, { title: t("auth.signup.title") });
  })
  .post("/signup", async (c) => {
    const values = await readForm(c);
    const t = pageT(c);
    const input = {
      email: values.email ?? "",
      password: values.password ?? "",
      name: values.name || undefined,
      // The browser's zone, detected by the page; ignored when missing or unknown. Dropped before
      // validation: skipping validation to drop it would let every other field through unchecked.
      timezone: values.timezone && isValidTimeZone(values.timezone) ? values.timezone : undefined,
      locale: c.get("locale"),
    };
    const result = validateForm(signupSchema, input);
    const errors: Partial<Record<string, string>> = {};
    if (!result.ok) {
      if (result.fields.has("email")) errors.email = t("validation.email");
      if (result.fields.has("password")) errors.password = t("auth.password_hint");
      if (result.fields.has("name")) errors.name = t("validation.name");
      return renderPage(c, <SignupForm values={values} errors={errors} />, {
        title: t("auth.signup.title"),
      }, 400);
    }
    return signupWith(c, result.data, values);
  })
  .get("/login", (c) => {
    if (c.get("user")) return c.redirect(safeNext(c.req.query("next")), 303);
    const t = pageT(c);
    return renderPage(c, <LoginForm values={{}} next={safeNext(c.req.query("next"))} />, {
      title: t("auth.login.title"),
    });
  })
  .post("/login", async (c) => {
    const values = await readForm(c);
    const t = pageT(c);
    const next = safeNext(c.req.query("next"));
    try {
      const { sessionSecret } = await logIn(accountDeps(c), {
        email: (values.email ?? "").slice(0, 254),
        password: (values.password ?? "").slice(0, 200),
        ip: clientIp(c),
        previousSession: c.get("sessionSecret"),
      });
      writeSessionCookie(c, c.get("deps").config, sessionSecret);
      return c.redirect(next, 303);
    } catch (error) {
      let message: string;
      let status: 401 | 429;
      if (error instanceof InvalidCredentialsError) {
        message = t("auth.login.failed");
        status = 401;
      } else if (error instanceof LoginThrottledError) {
        message = t("auth.login.throttled", { seconds: error.retryAfterSeconds });
        status = 429;
        c.header("Retry-After", String(error.retryAfterSeconds));
      } else {
        throw error;
      }
      return renderPage(
        c,
        <LoginForm values={{ email: values.email ?? "" }} error={message} next={next} />,
        { title: t("auth.login.title") },
        status as 429,
      );
    }
  })
  .get("/logout", (c) => {
    const t = pageT(c);
    return renderPage(c, <LogoutConfirm done={c.req.query("done") === "1"} />, {
      title: t("auth.logout.title"),
      robots: "noindex",
    });
  })
  .post("/logout", async (c) => {
    const secret = c.get("sessionSecret");
    if (secret) await deleteSession(authDeps(c), secret);
    clearSessionCookie(c, c.get("deps").config);
    c.set("user", null);
    return c.redirect("/logout?done=1", 303);
  });

async function signupWith(
  c: Context<AppEnv>,
  input: Parameters<typeof signUp>[1],
  values: FormValues,
) {
  const t = pageT(c);
  try {
    const locale = isLocale(input.locale) ? input.locale : undefined;
    const { sessionSecret } = await signUp(accountDeps(c), { ...input, locale });
    writeSessionCookie(c, c.get("deps").config, sessionSecret);
    return c.redirect("/dashboard", 303);
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error;
    return renderPage(
      c,
      <SignupForm values={values} errors={{ email: t("auth.email_taken") }} />,
      { title: t("auth.signup.title") },
      409,
    );
  }
}
