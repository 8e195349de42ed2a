/**
 * End-to-end: the opportunities dashboard in real Chromium against the real server, Postgres and
 * cache. One account signs up, imports an analysis by pasting JSON (after fixing an error shown
 * in place), marks an opportunity in progress (pending state, then the "First Step" toast),
 * implements it (time saved, chart, progress, badges and recommendations follow the server's
 * answer without a reload), sees refused and failed changes reported with nothing changed, and
 * subscribes to reports. The same page works with JavaScript off, fits 360 px and has a dark
 * mode. No console errors or CSP violations anywhere. Screenshots go to tests/.artifacts/.
 */
import assert from "node:assert/strict";
import type { Browser, BrowserContextOptions, Page, Response, Route } from "playwright-core";
import { translator } from "../../lib/i18n/i18n.ts";
import type { RunningServer } from "../../server.ts";
import { sampleAnalysis } from "../fixtures/analysis.ts";
import { E2E_TIMEOUT_MS, openPage as openPageIn, screenshot, withE2E } from "../support/browser.ts";

const en = translator("en");
const TIMEZONE = "America/Toronto";
const PASSWORD = "correct horse battery 42";
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 360, height: 740 };
const WAIT = { timeout: E2E_TIMEOUT_MS };

function openPage(browser: Browser, options: BrowserContextOptions = {}) {
  return openPageIn(browser, { timezoneId: TIMEZONE, viewport: DESKTOP, ...options });
}

/** Runs an action that navigates; waits for the new document and returns its response. */
async function navigate(
  page: Page,
  action: () => Promise<unknown>,
  path: RegExp,
): Promise<Response> {
  await page.evaluate(() => Object.assign(globalThis, { __e2eOldDocument: true }));
  const [response] = await Promise.all([
    page.waitForResponse((r) =>
      r.request().isNavigationRequest() && r.frame() === page.mainFrame() &&
      (r.status() < 300 || r.status() >= 400) && path.test(new URL(r.url()).pathname)
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

/** Waits until the dashboard's islands are hydrated (the chart island draws last). */
async function hydrated(page: Page): Promise<void> {
  await page.waitForSelector("[data-testid=savings-chart] canvas[data-series]", WAIT);
}

const series = (page: Page) =>
  page.$eval(
    "[data-testid=savings-chart] canvas",
    (c) => JSON.parse(c.getAttribute("data-series")!),
  );

/** Waits for CSS animations (the toast's entrance) to finish, for steady screenshots. */
async function settled(page: Page) {
  await page.waitForFunction(
    () => document.getAnimations().every((a) => a.playState !== "running"),
    undefined,
    WAIT,
  );
}

const text = async (page: Page, selector: string) =>
  ((await page.textContent(selector)) ?? "").replace(/\s+/g, " ").trim();

async function fitsPhone(page: Page, where: string) {
  const overflow = await page.evaluate(() =>
    document.documentElement.scrollWidth - document.documentElement.clientWidth
  );
  assert.equal(overflow, 0, `${where} scrolls sideways at 360 px`);
}

Deno.test({
  name: "e2e: import → start (badge toast) → implement (metrics, chart) → subscribe → stop",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async (t) => {
    await withE2E(async ({ server, browser }) => {
      const email = `e2e-opp-${crypto.randomUUID()}@example.com`;
      const analysis = sampleAnalysis();
      let dashboardPath = "";
      const { context, page, watched } = await openPage(browser, { baseURL: server.url });
      const step = (name: string, fn: () => Promise<void>) =>
        t.step({ name, fn, sanitizeOps: false, sanitizeResources: false, sanitizeExit: false });

      try {
        await step("sign up; the empty dashboard points to the import page", async () => {
          await page.goto("/signup");
          await page.fill("#name", "Grace");
          await page.fill("#email", email);
          await page.fill("#password", PASSWORD);
          await navigate(
            page,
            () => page.click("form[action='/signup'] button[type=submit]"),
            /^\/dashboard$/,
          );
          assert.ok(await page.isVisible(".empty-state a[href='/import']"));
          assert.ok(await page.isVisible("nav.main-nav a[href='/analyses']"));
          watched.assertClean("dashboard");
        });

        await step("import: an error is shown in place, then pasted JSON imports", async () => {
          await navigate(
            page,
            () => page.click(".empty-state a[href='/import']"),
            /^\/import$/,
          );
          assert.equal(await text(page, "h1"), en("import.title"));
          const broken = structuredClone(analysis);
          broken.results_summary.digital_presence.complexity_level = 11;
          const pasted = JSON.stringify(broken, null, 2);
          await page.fill("#json", pasted);
          const invalid = await navigate(
            page,
            () => page.click(".import-form button[type=submit]"),
            /^\/import$/,
          );
          assert.equal(invalid.status(), 400);
          assert.match(
            await text(page, "#json-problems"),
            /results_summary\.digital_presence\.complexity_level must be at most 10/,
          );
          assert.equal(await page.getAttribute("#json", "aria-invalid"), "true");
          assert.equal(await page.inputValue("#json"), pasted, "the pasted text is kept");
          await screenshot(page, "import-error-desktop");
          watched.reset(); // the 400 document is reported as a failed resource load

          await page.fill("#json", JSON.stringify(analysis, null, 2));
          const imported = await navigate(
            page,
            () => page.click(".import-form button[type=submit]"),
            /^\/analyses\/[0-9a-f-]{36}$/,
          );
          assert.equal(imported.status(), 200);
          dashboardPath = new URL(page.url()).pathname;
          assert.equal(await text(page, "h1"), "Example Inc.");
          assert.equal(await text(page, ".notice-success"), en("analysis.notice.imported"));
          await hydrated(page);
          assert.equal(await text(page, "[data-testid=time-saved] .figure-value"), "0 h/week");
          assert.deepEqual(await series(page), [[5, 8, 2], [0, 0, 0]]);
          assert.equal(await page.locator("[data-testid=badges] .badge-earned").count(), 0);
          assert.ok(await page.isVisible("[data-testid=savings-chart] canvas"));
          watched.assertClean("imported dashboard");
        });

        await step(
          "start: pending state, then the server's answer and the First Step toast",
          async () => {
            await page.evaluate(() => Object.assign(globalThis, { __e2eSameDocument: true }));
            // Hold the POST so the pending state can be seen.
            let release!: () => void;
            const held = new Promise<void>((resolve) => (release = resolve));
            await page.route("**/api/v1/dashboard/*/progress", async (route: Route) => {
              await held;
              await route.continue();
            }, { times: 1 });
            const card = "#opp-digital_presence";
            await page.click(`${card} button[data-status=IN_PROGRESS]`);
            await page.waitForSelector(`${card}[aria-busy=true]`, WAIT);
            assert.ok(await page.isDisabled(`${card} button[data-status=IN_PROGRESS]`));
            assert.ok(await page.isDisabled("#opp-value_creation button[data-status=IN_PROGRESS]"));
            assert.equal(
              await text(page, `${card} .opportunity-status`),
              en("status.NOT_STARTED"),
              "no optimistic change",
            );
            await screenshot(page, "opportunity-pending");
            release();

            const toast = page.locator("[data-testid=badge-toast]");
            await toast.waitFor({ state: "visible", ...WAIT });
            assert.match(await toast.innerText(), /First Step/);
            assert.equal(await page.getAttribute(".toast-region", "role"), "status");
            assert.equal(await page.getAttribute(".toast-region", "aria-live"), "polite");
            assert.equal(await page.getAttribute(card, "data-status"), "IN_PROGRESS");
            assert.equal(await text(page, `${card} .opportunity-status`), en("status.IN_PROGRESS"));
            assert.equal(await page.getAttribute(card, "aria-busy"), null);
            // Only the allowed moves are offered: implement, or undo the start.
            const offered = await page.$$eval(
              `${card} button[data-status]`,
              (b) => b.map((x) => x.getAttribute("data-status")),
            );
            assert.deepEqual(offered, ["IMPLEMENTED", "NOT_STARTED"]);
            // Every part followed, from the same shared state, without a reload.
            assert.ok(
              await page.isVisible("[data-testid=badges] .badge-earned[data-badge=first_step]"),
            );
            assert.match(
              await text(page, "[data-testid=progress] .status-counts"),
              /In progress: 1/,
            );
            assert.ok(
              await page.evaluate(() => "__e2eSameDocument" in globalThis),
              "the page reloaded",
            );
            // Focus stays in the card, on a live control.
            assert.ok(
              await page.evaluate(() =>
                document.activeElement?.closest("#opp-digital_presence") !== null
              ),
            );
            await settled(page);
            await screenshot(page, "badge-toast-desktop");
            watched.assertClean("start");
          },
        );

        await step(
          "implement: time saved, chart, progress, badges and recommendations change",
          async () => {
            await page.click(".toast-close");
            await page.locator("[data-testid=badge-toast]").waitFor({ state: "detached", ...WAIT });
            const card = "#opp-digital_presence";
            await page.click(`${card} button[data-status=IMPLEMENTED]`);
            await page.waitForFunction(
              () =>
                document.querySelector("#opp-digital_presence")?.getAttribute("data-status") ===
                  "IMPLEMENTED",
              undefined,
              WAIT,
            );
            await page.locator("[data-testid=badge-toast]").waitFor({ state: "visible", ...WAIT });
            assert.match(await page.locator("[data-testid=badge-toast]").innerText(), /Quick Win/);
            assert.equal(await text(page, "[data-testid=time-saved] .figure-value"), "5 h/week");
            assert.match(await text(page, "[data-testid=time-saved]"), /260 h per year/);
            await page.waitForFunction(
              () =>
                document.querySelector("[data-testid=savings-chart] canvas")?.getAttribute(
                  "data-series",
                ) === "[[5,8,2],[5,0,0]]",
              undefined,
              WAIT,
            );
            assert.match(
              await text(page, "[data-testid=progress] .progress-headline"),
              /^33% complete$/,
            );
            assert.match(
              await text(page, `${card} .implemented-on`),
              /^✓ Implemented on \w{3} \d{1,2}, \d{4}$/,
            );
            assert.equal(
              await page.locator(`${card} button`).count(),
              0,
              "implemented: no controls",
            );
            const recommended = await page.$$eval(
              "[data-testid=recommendations] li",
              (li) => li.map((x) => x.getAttribute("data-opportunity")),
            );
            assert.deepEqual(recommended, ["value_creation", "business_management"]);
            assert.ok(
              await page.isVisible("[data-testid=badges] .badge-earned[data-badge=quick_win]"),
            );
            assert.match(await text(page, "[data-testid=badges] .points"), /^35 points$/);
            // The chart's table (for screen readers and without JS) agrees.
            assert.match(
              await page.$eval(".data-table tbody tr:first-child", (tr) => tr.textContent ?? ""),
              /5 h\/week5 h\/week/,
            );
            await screenshot(page, "implemented-desktop");
            watched.assertClean("implement");
          },
        );

        await step("refused and failed changes are reported; nothing changes", async () => {
          // Implemented elsewhere (another tab, the API): this page is now stale.
          const res = await page.request.post(
            `${dashboardPath.replace("/analyses/", "/api/v1/dashboard/")}/progress`,
            {
              headers: { origin: server.url, "content-type": "application/json" },
              data: { opportunity_id: "value_creation", status: "IMPLEMENTED" },
            },
          );
          assert.equal(res.status(), 200);
          const card = "#opp-value_creation";
          await page.click(`${card} button[data-status=IN_PROGRESS]`);
          const error = page.locator(`${card} .card-error[role=alert]`);
          await error.waitFor({ state: "visible", ...WAIT });
          assert.ok((await error.innerText()).includes(en("analysis.error.transition")));
          assert.match(
            await error.innerText(),
            /Cannot transition from IMPLEMENTED to IN_PROGRESS/,
          );
          assert.equal(
            await page.getAttribute(card, "data-status"),
            "NOT_STARTED",
            "nothing half-applied",
          );
          assert.equal(await text(page, "[data-testid=time-saved] .figure-value"), "5 h/week");
          assert.ok(!(await page.isDisabled(`${card} button[data-status=IN_PROGRESS]`)));

          // The network fails: said so, nothing changes.
          await page.route(
            "**/api/v1/dashboard/*/progress",
            (route: Route) => route.abort("failed"),
            { times: 1 },
          );
          const other = "#opp-business_management";
          await page.click(`${other} button[data-status=IN_PROGRESS]`);
          await page.locator(`${other} .card-error[role=alert]`).waitFor({
            state: "visible",
            ...WAIT,
          });
          assert.equal(await text(page, `${other} .card-error`), en("analysis.error.network"));
          assert.equal(await page.getAttribute(other, "data-status"), "NOT_STARTED");
          await screenshot(page, "errors-desktop");
          // Chromium logs the 400 and the aborted request as failed loads; nothing else may appear.
          const unexpected = watched.problems.filter((p) =>
            !/Failed to load resource: (the server responded with a status of 400|net::ERR_FAILED)/
              .test(p)
          );
          assert.deepEqual(unexpected, []);
          watched.reset();
        });

        await step("subscribe to reports: email prefilled, notice after submit", async () => {
          await page.goto(dashboardPath);
          await hydrated(page);
          // The server's state after the API change above: 2 of 3 implemented.
          assert.match(
            await text(page, "[data-testid=progress] .progress-headline"),
            /^66% complete$/,
          );
          assert.equal(await page.inputValue("#subscribe-email"), email);
          await page.check("input[name=frequency][value=monthly]");
          await page.fill("#subscribe-hourly_rate", "60");
          await navigate(
            page,
            () => page.click(".subscribe-form button[type=submit]"),
            /^\/analyses\/[0-9a-f-]{36}$/,
          );
          assert.equal(
            await text(page, ".notice-success"),
            en("analysis.notice.subscribed", { frequency: "monthly" }),
          );
          await hydrated(page);
          // The rate given with the subscription now values the time saved (13 h/week × 52 × 60).
          assert.equal(
            await text(page, "[data-testid=money-saved] .figure-value"),
            "$40,560 per year",
          );
          await screenshot(page, "subscribed-desktop");
          watched.assertClean("subscribe");
        });

        await step("the subscription is listed, and its Stop button ends it", async () => {
          const row = page.locator("#subscribe .item-list li");
          assert.equal(await row.count(), 1);
          assert.ok((await row.innerText()).includes(email), "the address is shown");
          const stop = row.getByRole("button", {
            name: en("analysis.subscribe.stop_label", { email }),
          });
          await navigate(page, () => stop.click(), /^\/analyses\/[0-9a-f-]{36}$/);
          assert.equal(await text(page, ".notice-success"), en("analysis.notice.unsubscribed"));
          assert.equal(await page.locator("#subscribe .item-list li").count(), 0);
          assert.equal(
            await text(page, "#subscribe > p:not(.muted)"),
            en("analysis.subscribe.none"),
          );
          watched.assertClean("unsubscribe");
        });

        await step("the list pages show the analysis with its progress", async () => {
          await navigate(
            page,
            () => page.click("nav.main-nav a[href='/analyses']"),
            /^\/analyses$/,
          );
          assert.match(await text(page, ".analysis-item"), /Example Inc\..*2 of 3 implemented/);
          await screenshot(page, "analyses-desktop");
          await navigate(
            page,
            () => page.click("nav.main-nav a[href='/dashboard']"),
            /^\/dashboard$/,
          );
          assert.ok(await page.isVisible(".page-head a[href='/import']"));
          await screenshot(page, "dashboard-with-analyses-desktop");
          watched.assertClean("lists");
        });
      } finally {
        await context.close();
      }

      await step("without JavaScript the plain forms work", async () => {
        await checkNoJs(browser, server, email, dashboardPath);
      });
      await step("360 px and dark mode: no sideways scroll, readable", async () => {
        await checkPhoneAndDark(browser, server, email, dashboardPath);
      });
    });
  },
});

async function logIn(page: Page, email: string) {
  await page.goto("/login");
  await page.fill("#email", email);
  await page.fill("#password", PASSWORD);
  await navigate(
    page,
    () => page.click("form[action^='/login'] button[type=submit]"),
    /^\/dashboard$/,
  );
}

async function checkNoJs(browser: Browser, server: RunningServer, email: string, path: string) {
  const { context, page, watched } = await openPage(browser, {
    baseURL: server.url,
    javaScriptEnabled: false,
  });
  try {
    await logIn(page, email);
    await page.goto(path);
    const card = "#opp-business_management";
    assert.equal(await page.getAttribute(card, "data-status"), "NOT_STARTED");
    // Without JavaScript the chart is its data table.
    assert.ok(await page.isVisible("[data-testid=savings-chart] .data-table"));
    await navigate(
      page,
      () => page.click(`${card} button[data-status=IN_PROGRESS]`),
      /^\/analyses\/[0-9a-f-]{36}$/,
    );
    assert.equal(
      await text(page, ".notice-success"),
      en("analysis.notice.progress", { opportunity: "Business management", status: "in progress" }),
    );
    assert.equal(await page.getAttribute(card, "data-status"), "IN_PROGRESS");
    await screenshot(page, "nojs-after-progress");
    watched.assertClean("no-JS progress");
  } finally {
    await context.close();
  }
}

async function checkPhoneAndDark(
  browser: Browser,
  server: RunningServer,
  email: string,
  path: string,
) {
  for (const colorScheme of ["light", "dark"] as const) {
    for (const viewport of [PHONE, DESKTOP]) {
      const phone = viewport === PHONE;
      const { context, page, watched } = await openPage(browser, {
        baseURL: server.url,
        viewport,
        colorScheme,
        ...(phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
      });
      const suffix = `${phone ? "360" : "desktop"}-${colorScheme}`;
      try {
        await logIn(page, email);
        await page.goto(path);
        await hydrated(page);
        if (phone) await fitsPhone(page, "analysis dashboard");
        if (colorScheme === "dark") {
          const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
          assert.equal(bg, "rgb(15, 18, 22)", "dark background");
        }
        await screenshot(page, `analysis-${suffix}`);
        if (phone && colorScheme === "light") {
          // The last opportunity: Efficiency Expert, in a toast that fits the screen.
          await page.click("#opp-business_management button[data-status=IMPLEMENTED]");
          const toast = page.locator("[data-testid=badge-toast]");
          await toast.waitFor({ state: "visible", ...WAIT });
          assert.match(await toast.innerText(), /Efficiency Expert/);
          const box = await toast.boundingBox();
          assert.ok(box && box.x >= 0 && box.x + box.width <= PHONE.width, "toast is off-screen");
          await fitsPhone(page, "dashboard with toast");
          await page.evaluate(() => scrollTo(0, 0));
          await settled(page);
          await screenshot(page, `analysis-toast-${suffix}`);
          await page.goto("/import");
          await fitsPhone(page, "import page");
          await screenshot(page, `import-${suffix}`);
          await page.goto("/analyses");
          await fitsPhone(page, "analyses list");
          await screenshot(page, `analyses-${suffix}`);
        }
        watched.assertClean(`dashboard ${suffix}`);
      } finally {
        await context.close();
      }
    }
  }
}
