/**
 * End-to-end: the foundation in real Chromium against the real server and Postgres. One account
 * walks through sign-up (islands hydrate and react), the dashboard, log out / log in, settings
 * (validation, language switch) and API tokens; then the same pages are checked at 360 px, from
 * the keyboard and in dark mode. Every page must load without console errors or CSP violations.
 * Screenshots land in tests/.artifacts/ (git-ignored).
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContextOptions, Page, Response } from "playwright-core";
import { translator } from "../../lib/i18n/i18n.ts";
import type { RunningServer } from "../../server.ts";
import { E2E_TIMEOUT_MS, openPage as openPageIn, screenshot, withE2E } from "../support/browser.ts";

// Expected UI text comes from the message catalogue, so copy edits do not break these tests.
const en = translator("en");
const fr = translator("fr");
const TIMEZONE = "America/Toronto";
const STRONG_PASSWORD = "correct horse battery 42";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const WAIT = { timeout: E2E_TIMEOUT_MS };

interface Account {
  email: string;
  password: string;
}

/** A page in a fresh context in Toronto's time zone (see {@link openPageIn}). */
function openPage(browser: Browser, options: BrowserContextOptions = {}) {
  return openPageIn(browser, { timezoneId: TIMEZONE, viewport: DESKTOP, ...options });
}

/**
 * Runs an action that navigates and waits until the new document has loaded; returns the final
 * (non-redirect) main-document response whose path matches `url`.
 */
async function navigate(
  page: Page,
  action: () => Promise<unknown>,
  url: RegExp,
): Promise<Response> {
  await page.evaluate(() => Object.assign(globalThis, { __e2eOldDocument: true }));
  const [response] = await Promise.all([
    page.waitForResponse((r) =>
      r.request().isNavigationRequest() && r.frame() === page.mainFrame() &&
      (r.status() < 300 || r.status() >= 400) && url.test(new URL(r.url()).pathname)
    ),
    action(),
  ]);
  await page.waitForFunction(
    () => !("__e2eOldDocument" in globalThis) && document.readyState === "complete",
    undefined,
    WAIT,
  );
  return response;
}

function pathOf(page: Page): string {
  const url = new URL(page.url());
  return url.pathname + url.search;
}

async function horizontalOverflow(page: Page): Promise<number> {
  return await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth
  );
}

async function logInThroughForm(page: Page, account: Account): Promise<void> {
  await page.goto("/login");
  await page.fill("#email", account.email);
  await page.fill("#password", account.password);
  await navigate(
    page,
    () => page.click("form[action^='/login'] button[type=submit]"),
    /^\/dashboard$/,
  );
}

Deno.test({
  name: "e2e: sign up, dashboard, log out/in, settings and tokens in Chromium",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    await withE2E(async ({ server, browser }) => {
      const account: Account = {
        email: `e2e-${crypto.randomUUID()}@example.com`,
        password: STRONG_PASSWORD,
      };
      const { context, page, watched } = await openPage(browser, { baseURL: server.url });
      const islandResponses: Response[] = [];
      page.on("response", (r) => {
        if (new URL(r.url()).pathname.startsWith("/_islands/")) islandResponses.push(r);
      });
      const step = (name: string, fn: () => Promise<void>) =>
        t.step({ name, fn, sanitizeOps: false, sanitizeResources: false, sanitizeExit: false });

      try {
        await step("landing page renders with no JavaScript", async () => {
          const response = await page.goto("/");
          assert.equal(response?.status(), 200);
          // No script on the page, so none is allowed beyond 'self': not even a nonce.
          assert.match(
            response?.headers()["content-security-policy"] ?? "",
            /script-src 'self';/,
          );
          assert.equal(
            await page.locator("h1").textContent(),
            en("landing.title"),
          );
          assert.equal(await page.locator("headway-island").count(), 0);
          assert.equal(await page.locator("script, link[rel=modulepreload]").count(), 0);
          assert.deepEqual(watched.scripts, [], "landing page requested scripts");
          await screenshot(page, "landing-desktop");
          watched.assertClean("landing");
        });

        await step(
          "sign-up form: islands hydrate and react, then the account is created",
          async () => {
            watched.reset();
            await navigate(page, () => page.click("a.button-large[href='/signup']"), /^\/signup$/);
            // The BrowserTimezone island fills the hidden field once hydrated (the boot script
            // hydrates every island of the page in one go, so the password island is live too).
            await page.waitForFunction(
              () =>
                (document.querySelector("input[name=timezone]") as HTMLInputElement).value !== "",
              undefined,
              WAIT,
            );
            assert.equal(await page.inputValue("input[name=timezone]"), TIMEZONE);
            assert.ok(watched.scripts.length > 0, "the sign-up page loads its island bundles");

            const rules = () =>
              page.$$eval(".rules li", (items) => items.map((li) => li.getAttribute("data-ok")));
            const meter = () => page.$eval("meter.strength", (m) => (m as HTMLMeterElement).value);
            assert.deepEqual(await rules(), ["false", "false", "false"]);
            assert.equal(await meter(), 0);

            await page.fill("#password", "abc");
            await page.waitForFunction(
              () =>
                document.querySelector(".rules li:nth-child(2)")?.getAttribute("data-ok") ===
                  "true",
              undefined,
              WAIT,
            );
            assert.deepEqual(await rules(), ["false", "true", "false"]);
            assert.equal(await meter(), 1);
            assert.equal(await page.textContent(".strength-label"), en("password.strength.weak"));

            await page.fill("#password", account.password);
            await page.waitForFunction(
              () => document.querySelector("meter.strength")?.getAttribute("value") === "4",
              undefined,
              WAIT,
            );
            assert.deepEqual(await rules(), ["true", "true", "true"]);
            assert.equal(await meter(), 4);
            assert.equal(await page.textContent(".strength-label"), en("password.strength.strong"));

            // Island bundles: preloaded, content-hashed and cached for a year as immutable.
            const preloads = await page.$$eval(
              "link[rel=modulepreload]",
              (links) => links.map((l) => l.getAttribute("href")),
            );
            assert.ok(
              preloads.length > 0 && preloads.every((href) => href?.startsWith("/_islands/")),
            );
            assert.ok(islandResponses.length > 0, "no island bundle was fetched");
            for (const r of islandResponses) {
              assert.equal(r.status(), 200, r.url());
              assert.equal(
                r.headers()["cache-control"],
                "public, max-age=31536000, immutable",
                r.url(),
              );
              assert.match(r.headers()["content-type"] ?? "", /^text\/javascript/);
              assert.match(
                new URL(r.url()).pathname,
                /-[A-Z0-9]{6,}\.js$/,
                "bundle name carries a hash",
              );
            }
            await screenshot(page, "signup-desktop");
            watched.assertClean("signup");

            watched.reset();
            await page.fill("#name", "Ada");
            await page.fill("#email", account.email);
            const response = await navigate(
              page,
              () => page.click("form[action='/signup'] button[type=submit]"),
              /^\/dashboard$/,
            );
            assert.equal(response.status(), 200);
            assert.equal(pathOf(page), "/dashboard");
          },
        );

        await step(
          "dashboard shows the empty state; the account has the browser's time zone",
          async () => {
            assert.equal(await page.textContent("h1"), en("dashboard.greeting", { name: "Ada" }));
            assert.ok(await page.isVisible(".empty-state"));
            assert.equal(await page.textContent("#empty-title"), en("dashboard.empty.title"));
            assert.ok(await page.isVisible(".empty-state a[href='/settings']"));
            assert.equal(
              await page.getAttribute("a.nav-link[href='/dashboard']", "aria-current"),
              "page",
            );
            // Pages without islands ship no JavaScript (the empty dashboard has none today).
            if (await page.locator("headway-island").count() === 0) {
              assert.deepEqual(watched.scripts, [], "a dashboard without islands loaded JS");
              assert.equal(await page.locator("script").count(), 0);
            }

            const me = await page.request.get("/api/v1/me");
            assert.equal(me.status(), 200);
            const user = await me.json();
            assert.equal(user.email, account.email);
            assert.equal(user.timezone, TIMEZONE);
            assert.equal(user.locale, "en");
            await screenshot(page, "dashboard-desktop");
            watched.assertClean("dashboard");
          },
        );

        await step("log out from the account menu, then log in again", async () => {
          watched.reset();
          await page.click(".account-menu summary");
          assert.ok(await page.isVisible(".account-menu .menu"));
          assert.equal(await page.textContent(".menu-email"), account.email);
          await navigate(
            page,
            () => page.click(".account-menu button:has-text('Log out')"),
            /^\/logout$/,
          );
          assert.equal(pathOf(page), "/logout?done=1");
          assert.equal(
            (await page.textContent(".notice-success"))?.trim(),
            en("auth.logged_out"),
          );
          assert.equal(
            await page.locator(".account-menu").count(),
            0,
            "still shows the account menu",
          );
          assert.equal((await page.request.get("/api/v1/me")).status(), 401);

          // A protected page now sends us to the log-in form, which brings us back.
          await navigate(page, () => page.goto("/dashboard"), /^\/login$/);
          assert.equal(pathOf(page), "/login?next=%2Fdashboard");
          assert.deepEqual(
            watched.scripts,
            [],
            "the log-in page has no islands and must load no JS",
          );
          watched.assertClean("logout/login pages");

          await page.fill("#email", account.email);
          await page.fill("#password", "not the password 1");
          const failed = await navigate(
            page,
            () => page.click("form[action^='/login'] button[type=submit]"),
            /^\/login$/,
          );
          assert.equal(failed.status(), 401);
          assert.equal(
            (await page.textContent(".notice-error"))?.trim(),
            en("auth.login.failed"),
          );
          watched.reset(); // the 401 document is reported as a failed resource load

          await logInThroughForm(page, account);
          assert.equal(await page.textContent("h1"), en("dashboard.greeting", { name: "Ada" }));
          watched.assertClean("login");
        });

        await step(
          "settings: inline validation, then save and switch the UI to French",
          async () => {
            watched.reset();
            await navigate(
              page,
              () => page.click("nav.main-nav a[href='/settings']"),
              /^\/settings$/,
            );
            assert.equal(await page.textContent("h1"), en("settings.title"));
            assert.equal(await page.inputValue("#name"), "Ada");
            assert.equal(await page.inputValue("#timezone"), TIMEZONE);
            assert.equal(await page.inputValue("#locale"), "en");
            await screenshot(page, "settings-desktop");
            watched.assertClean("settings");

            await page.fill("#name", "Ada Lovelace");
            await page.selectOption("#timezone", "Europe/Paris");
            await page.selectOption("#locale", "fr");
            await page.fill("#hourly_rate", "5");
            const invalid = await navigate(
              page,
              () => page.click("form[action='/settings'] button[type=submit]"),
              /^\/settings$/,
            );
            assert.equal(invalid.status(), 400);
            const error = page.locator("#hourly_rate-error");
            assert.equal(
              await error.textContent(),
              en("validation.hourly_rate"),
            );
            assert.equal(await page.getAttribute("#hourly_rate", "aria-invalid"), "true");
            assert.match(
              await page.getAttribute("#hourly_rate", "aria-describedby") ?? "",
              /hourly_rate-error/,
            );
            // What the user typed is kept, and nothing was saved.
            assert.equal(await page.inputValue("#name"), "Ada Lovelace");
            assert.equal(await page.inputValue("#timezone"), "Europe/Paris");
            assert.equal(await page.inputValue("#locale"), "fr");
            assert.equal((await (await page.request.get("/api/v1/me")).json()).name, "Ada");
            await screenshot(page, "settings-error-desktop");
            watched.reset(); // the 400 document is reported as a failed resource load

            // A decimal comma (as French users write it) is accepted.
            await page.fill("#hourly_rate", "85,50");
            await navigate(
              page,
              () => page.click("form[action='/settings'] button[type=submit]"),
              /^\/settings$/,
            );
            assert.equal(pathOf(page), "/settings?notice=saved");
            assert.equal(await page.getAttribute("html", "lang"), "fr-CA");
            assert.equal(await page.textContent("h1"), fr("settings.title"));
            assert.equal(
              (await page.textContent(".notice-success"))?.trim(),
              fr("settings.saved"),
            );
            assert.equal(
              await page.textContent("nav.main-nav a[href='/dashboard']"),
              fr("nav.dashboard"),
            );
            assert.equal(await page.inputValue("#hourly_rate"), "85.5");
            const user = await (await page.request.get("/api/v1/me")).json();
            assert.equal(user.name, "Ada Lovelace");
            assert.equal(user.timezone, "Europe/Paris");
            assert.equal(user.locale, "fr");
            assert.equal(user.hourly_rate, 85.5);
            watched.assertClean("settings saved");
          },
        );

        await step(
          "settings: create an API token, shown once, usable as a bearer token",
          async () => {
            watched.reset();
            await page.fill("#token_name", "CI script");
            await navigate(
              page,
              () => page.click("#tokens form.inline-form button[type=submit]"),
              /^\/settings\/tokens$/,
            );
            const secret = (await page.textContent("[data-testid=new-token]"))?.trim() ?? "";
            assert.match(secret, /^hw_\S{20,}$/);
            // The response lands on the tokens section, so the one-time secret is in view.
            assert.equal(new URL(page.url()).hash, "#tokens");
            const box = await page.locator("[data-testid=new-token]").boundingBox();
            assert.ok(
              box && box.y >= 0 && box.y + box.height <= DESKTOP.height,
              "the new token is off-screen",
            );
            assert.equal(await page.locator(".token-list li").count(), 1);
            assert.match(await page.textContent(".token-list li") ?? "", /CI script/);
            await screenshot(page, "settings-token-desktop");
            watched.assertClean("token created");

            const viaToken = await fetch(`${server.url}/api/v1/me`, {
              headers: { authorization: `Bearer ${secret}` },
            });
            assert.equal(viaToken.status, 200);
            assert.equal((await viaToken.json()).email, account.email);

            await page.goto("/settings");
            assert.equal(
              await page.locator("[data-testid=new-token]").count(),
              0,
              "token shown twice",
            );
            assert.ok(!(await page.content()).includes(secret), "the secret is in the page again");
            assert.equal(await page.locator(".token-list li").count(), 1);
            watched.assertClean("settings after token");
          },
        );
      } finally {
        await context.close();
      }

      await step("360 px: no horizontal scroll; the nav and account menu work", async () => {
        await checkPhone(browser, server, account);
      });

      await step("keyboard: the skip link comes first; focus is visible", async () => {
        await checkKeyboard(browser, server, account);
      });

      await step("dark mode follows prefers-color-scheme", async () => {
        await checkDarkMode(browser, server, account);
      });
    });
  },
});

async function checkPhone(browser: Browser, server: RunningServer, account: Account) {
  const { context, page, watched } = await openPage(browser, {
    baseURL: server.url,
    viewport: PHONE,
    isMobile: true,
    hasTouch: true,
    deviceScaleFactor: 2,
  });
  try {
    for (
      const [path, name] of [["/", "landing"], ["/signup", "signup"], ["/login", "login"]] as const
    ) {
      await page.goto(path);
      if (path === "/signup") {
        await page.waitForFunction(
          () => (document.querySelector("input[name=timezone]") as HTMLInputElement).value !== "",
          undefined,
          WAIT,
        );
      }
      assert.equal(await horizontalOverflow(page), 0, `${path} scrolls sideways at 360 px`);
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), path);
      await screenshot(page, `${name}-360`);
    }
    // Signed out, the header offers both ways in, inside the viewport (French labels are longer).
    const french = await openPage(browser, {
      baseURL: server.url,
      viewport: PHONE,
      locale: "fr-CA",
    });
    try {
      for (const p of [page, french.page]) {
        await p.goto("/");
        assert.ok(
          await p.evaluate(() => document.documentElement.scrollWidth <= 360),
          `/ (${await p.getAttribute("html", "lang")})`,
        );
        for (
          const selector of [
            ".account-actions a[href='/login']",
            ".account-actions a[href='/signup']",
          ]
        ) {
          const box = await p.locator(selector).boundingBox();
          assert.ok(
            box && box.x >= 0 && box.x + box.width <= PHONE.width,
            `${selector} is off-screen`,
          );
        }
      }
      assert.equal(await french.page.getAttribute("html", "lang"), "fr-CA");
      assert.equal(
        await french.page.textContent(".account-actions a[href='/login']"),
        fr("nav.login"),
      );
      await screenshot(french.page, "landing-360-fr");
      french.watched.assertClean("French landing");
    } finally {
      await french.context.close();
    }

    await logInThroughForm(page, account);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "/dashboard");
    await screenshot(page, "dashboard-360");

    // Every nav link and the account menu are visible and inside the viewport.
    for (const link of await page.locator("nav.main-nav a").all()) {
      const box = await link.boundingBox();
      assert.ok(
        box && box.x >= 0 && box.x + box.width <= PHONE.width,
        `nav link off-screen: ${await link.textContent()}`,
      );
      assert.ok(box.height >= 24, "nav link is too small to tap");
    }
    await page.tap(".account-menu summary");
    const menu = page.locator(".account-menu .menu");
    await menu.waitFor({ state: "visible" });
    const menuBox = await menu.boundingBox();
    assert.ok(
      menuBox && menuBox.x >= 0 && menuBox.x + menuBox.width <= PHONE.width,
      "account menu is off-screen",
    );
    assert.ok(
      await page.evaluate(() => document.documentElement.scrollWidth <= 360),
      "open menu causes scroll",
    );
    await screenshot(page, "dashboard-menu-360");
    await page.tap(".account-menu summary");
    await menu.waitFor({ state: "hidden" });

    await navigate(page, () => page.tap("nav.main-nav a[href='/settings']"), /^\/settings$/);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 360), "/settings");
    await screenshot(page, "settings-360");
    watched.assertClean("360 px pages");
  } finally {
    await context.close();
  }
}

async function checkKeyboard(browser: Browser, server: RunningServer, account: Account) {
  const { context, page, watched } = await openPage(browser, { baseURL: server.url });
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return {
        tag: el.tagName.toLowerCase(),
        cls: el.className,
        text: el.textContent?.trim() ?? "",
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth),
        inViewport: (() => {
          const r = el.getBoundingClientRect();
          return r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth;
        })(),
      };
    });
  try {
    await page.goto("/");
    await page.keyboard.press("Tab");
    let f = await focused();
    assert.equal(f.cls, "skip-link", `first Tab stop is ${f.tag}.${f.cls} "${f.text}"`);
    assert.notEqual(f.outlineStyle, "none", "skip link focus is invisible");
    assert.ok(f.outlineWidth >= 2 && f.inViewport, "skip link is not shown when focused");
    await screenshot(page, "landing-skip-link-focus");

    // Following it moves focus to the main content.
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => document.activeElement?.id === "main", undefined, WAIT);

    // The next stops are the real links, each with a visible focus ring.
    await page.keyboard.press("Tab");
    f = await focused();
    assert.equal(f.tag, "a");
    assert.notEqual(f.outlineStyle, "none", `focused link "${f.text}" has no outline`);
    assert.ok(f.outlineWidth >= 2);

    // A button reached from the keyboard shows focus too (log-in form submit).
    await page.goto("/login");
    await page.focus("#password");
    await page.keyboard.press("Tab");
    f = await focused();
    assert.equal(f.tag, "button");
    assert.notEqual(f.outlineStyle, "none", "focused button has no outline");
    assert.ok(f.outlineWidth >= 2);

    // The account menu opens from the keyboard and its items are reachable.
    await logInThroughForm(page, account);
    await page.focus(".account-menu summary");
    await page.keyboard.press("Enter");
    await page.locator(".account-menu .menu").waitFor({ state: "visible" });
    await page.keyboard.press("Tab");
    f = await focused();
    assert.equal(f.tag, "a", `first stop in the account menu is ${f.tag} "${f.text}"`);
    assert.notEqual(f.outlineStyle, "none");
    await page.keyboard.press("Tab");
    f = await focused();
    assert.equal(f.tag, "button");
    assert.notEqual(f.outlineStyle, "none", "the menu's log-out button has no visible focus");
    await screenshot(page, "dashboard-menu-focus");
    watched.assertClean("keyboard");
  } finally {
    await context.close();
  }
}

async function checkDarkMode(browser: Browser, server: RunningServer, account: Account) {
  const { context, page, watched } = await openPage(browser, {
    baseURL: server.url,
    colorScheme: "dark",
  });
  const luminance = (rgb: string) => {
    const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  try {
    await page.goto("/");
    const colors = await page.evaluate(() => {
      const body = getComputedStyle(document.body);
      return { bg: body.backgroundColor, fg: body.color };
    });
    assert.ok(luminance(colors.bg) < 40, `dark mode background is ${colors.bg}`);
    assert.ok(luminance(colors.fg) > 180, `dark mode text is ${colors.fg}`);
    await screenshot(page, "landing-dark");

    await page.goto("/signup");
    await page.waitForFunction(
      () => (document.querySelector("input[name=timezone]") as HTMLInputElement).value !== "",
      undefined,
      WAIT,
    );
    await page.fill("#password", "abc");
    await screenshot(page, "signup-dark");

    await logInThroughForm(page, account);
    assert.ok(
      luminance(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)) < 40,
    );
    await screenshot(page, "dashboard-dark");
    await page.goto("/settings");
    await screenshot(page, "settings-dark");
    watched.assertClean("dark mode");
  } finally {
    await context.close();
  }
}
