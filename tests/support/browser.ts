/**
 * End-to-end support: the real Headway server (in-process, on a free port, against the run's test
 * database) and Debian's Chromium driven by playwright-core. Pages opened with {@link watchPage}
 * record console errors, uncaught exceptions and CSP violations so a test can assert there were
 * none.
 *
 * @example
 * ```ts
 * Deno.test({ name: "…", sanitizeResources: false, sanitizeOps: false, fn: async () => {
 *   await withE2E(async ({ server, browser }) => {
 *     const { context, page, watched } = await openPage(browser, { baseURL: server.url });
 *     try {
 *       await page.goto("/");
 *       watched.assertClean("landing");
 *     } finally {
 *       await context.close();
 *     }
 *   });
 * }});
 * ```
 */
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type ConsoleMessage,
  type Page,
  type Request,
} from "playwright-core";
import { loadConfig } from "../../lib/config/config.ts";
import { type RunningServer, startServer } from "../../server.ts";
import { testDatabaseUrl } from "./harness.ts";

/** Debian's Chromium unless `CHROMIUM_PATH` says otherwise. */
export const CHROMIUM_PATH = Deno.env.get("CHROMIUM_PATH") ?? "/usr/bin/chromium";

/** Where screenshots go (git-ignored). */
export const ARTIFACTS_DIR = new URL("../.artifacts/", import.meta.url);

const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Launches headless Chromium; fails with a clear message when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  try {
    await Deno.stat(CHROMIUM_PATH);
  } catch {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium (apt-get install chromium) ` +
        "or set CHROMIUM_PATH.",
    );
  }
  return await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Starts the real server on 127.0.0.1 with a free port against the run's test database. */
export async function startTestServer(env: Record<string, string> = {}): Promise<RunningServer> {
  const config = loadConfig({
    DATABASE_URL: await testDatabaseUrl(),
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    PASSWORD_MEMORY_KIB: "8192",
    RATE_LIMIT_PER_MIN: "100000",
    AUTH_RATE_LIMIT_PER_MIN: "100000",
    ...env,
  });
  return await startServer(config);
}

export interface E2E {
  server: RunningServer;
  browser: Browser;
}

/** Runs `fn` with a started server and browser; always closes both (browser first). */
export async function withE2E<T>(fn: (e2e: E2E) => Promise<T>): Promise<T> {
  const server = await startTestServer();
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    return await fn({ server, browser });
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
  }
}

export interface WatchedPage {
  /** Console errors, uncaught exceptions and CSP violations, in order. */
  readonly problems: string[];
  /** Script (JavaScript) requests made since the last {@link WatchedPage.reset}. */
  readonly scripts: string[];
  /** Forgets what was recorded so far (e.g. before the next navigation). */
  reset(): void;
  /** Throws listing every problem recorded since the last reset. */
  assertClean(where: string): void;
}

/** Records console errors, page errors, CSP violations and script requests for `page`. */
export function watchPage(page: Page): WatchedPage {
  const problems: string[] = [];
  const scripts: string[] = [];
  page.on("console", (message: ConsoleMessage) => {
    // Chromium reports CSP violations as console errors ("Refused to …").
    if (message.type() === "error" || /Content Security Policy/i.test(message.text())) {
      problems.push(`console.${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error: Error) => problems.push(`pageerror: ${error.message}`));
  page.on("request", (request: Request) => {
    if (request.resourceType() === "script") scripts.push(request.url());
  });
  return {
    problems,
    scripts,
    reset() {
      problems.length = 0;
      scripts.length = 0;
    },
    assertClean(where: string) {
      if (problems.length > 0) {
        throw new Error(
          `${where}: ${problems.length} browser problem(s):\n- ${problems.join("\n- ")}`,
        );
      }
    },
  };
}

/**
 * Adds a `securitypolicyviolation` listener to every document the context loads, so violations
 * that Chromium does not log to the console are still caught (they are re-logged as errors).
 */
export const CSP_LISTENER_SCRIPT = `
  document.addEventListener("securitypolicyviolation", (event) => {
    console.error("Content Security Policy violation: " + event.violatedDirective + " " + event.blockedURI);
  });
`;

/** Saves a full-page screenshot to tests/.artifacts/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await Deno.mkdir(ARTIFACTS_DIR, { recursive: true });
  const path = new URL(`${name}.png`, ARTIFACTS_DIR).pathname;
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Default wait for selectors, navigations and `waitForFunction` in end-to-end tests. */
export const E2E_TIMEOUT_MS = 15_000;

/**
 * A fresh context (English, 1280×800 unless overridden) with the CSP listener installed, one
 * page, and a {@link WatchedPage} recording its problems. Close `context` when done.
 */
export async function openPage(
  browser: Browser,
  options: BrowserContextOptions = {},
): Promise<{ context: BrowserContext; page: Page; watched: WatchedPage }> {
  const context = await browser.newContext({
    locale: "en-US",
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  await context.addInitScript(CSP_LISTENER_SCRIPT);
  const page = await context.newPage();
  page.setDefaultTimeout(E2E_TIMEOUT_MS);
  return { context, page, watched: watchPage(page) };
}
