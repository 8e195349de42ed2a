/** The page frame: skip link, header with navigation and account menu, main, footer. */
import type { ComponentChildren } from "preact";
import { usePage } from "../lib/render/page_context.ts";

function NavLink({ href, children }: { href: string; children: ComponentChildren }) {
  const { path } = usePage();
  const current = path === href || path.startsWith(`${href}/`);
  return (
    <a href={href} class="nav-link" aria-current={current ? "page" : undefined}>
      {children}
    </a>
  );
}

function AccountMenu() {
  const { t, user } = usePage();
  if (!user) {
    return (
      <div class="account-actions">
        <a href="/login" class="nav-link">{t("nav.login")}</a>
        <a href="/signup" class="button button-small">{t("nav.signup")}</a>
      </div>
    );
  }
  const label = user.name || user.email;
  return (
    <details class="account-menu">
      <summary aria-label={t("nav.account")}>
        <span class="avatar" aria-hidden="true">{label.slice(0, 1).toUpperCase()}</span>
        <span class="account-name">{label}</span>
      </summary>
      <div class="menu" role="group" aria-label={t("nav.account")}>
        <p class="menu-email">{user.email}</p>
        <a href="/settings">{t("nav.settings")}</a>
        <form method="post" action="/logout">
          <button type="submit" class="link-button">{t("nav.logout")}</button>
        </form>
      </div>
    </details>
  );
}

export function AppShell({ children }: { children: ComponentChildren }) {
  const { t, user } = usePage();
  return (
    <>
      <a href="#main" class="skip-link">{t("nav.skip")}</a>
      <header class="site-header">
        <div class="container header-row">
          <a href={user ? "/dashboard" : "/"} class="brand">
            <svg aria-hidden="true" width="24" height="24" viewBox="0 0 24 24">
              <path
                d="M3 19 L10 11 L14 15 L21 6"
                fill="none"
                stroke="currentColor"
                stroke-width="2.5"
                stroke-linecap="round"
                stroke-linejoin="round"
              />
            </svg>
            {t("app.name")}
          </a>
          {user && (
            <nav aria-label={t("nav.main")} class="main-nav">
              <NavLink href="/dashboard">{t("nav.dashboard")}</NavLink>
              <NavLink href="/analyses">{t("nav.analyses")}</NavLink>
              <NavLink href="/settings">{t("nav.settings")}</NavLink>
            </nav>
          )}
          <AccountMenu />
        </div>
      </header>
      <main id="main" class="container" tabIndex={-1}>{children}</main>
      <footer class="site-footer">
        <div class="container footer-row">
          <span>{t("footer.text")}</span>
          <a href="/api/docs">{t("nav.api_docs")}</a>
        </div>
      </footer>
    </>
  );
}
