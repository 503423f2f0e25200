/**
 * Starts Debian's Chromium through playwright-core with a fresh profile,
 * opens chapters as a first-time reader, and lists the site's pages from the
 * build output.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A browser with its own throw-away profile. */
export interface TestBrowser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with an empty profile (no stored edits, no theme) at the given viewport. */
export async function launchBrowser(viewport = { width: 1280, height: 900 }): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), "course-e2e-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Console errors, uncaught exceptions and failed requests seen by a page, as
 * readable lines. Requests the browser cancelled itself (`net::ERR_ABORTED`:
 * the favicon or a font of a page being reloaded, a prefetch no longer needed)
 * are not the site's fault and do not count; a missing or broken file still
 * shows as its HTTP status or another network error.
 */
export function collectProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => {
    const reason = request.failure()?.errorText;
    if (reason !== "net::ERR_ABORTED") problems.push(`request failed: ${request.url()} (${reason})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()}: ${response.url()}`);
  });
  return problems;
}

/**
 * Opens a chapter as a first-time reader: no edits saved by earlier tests
 * (localStorage cleared, then reloaded), and every problem the page reports collected.
 */
export async function openChapter(browser: TestBrowser, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  const problems = collectProblems(page);
  await page.goto(url, { waitUntil: "networkidle" });
  await page.evaluate(() => localStorage.clear());
  await page.reload({ waitUntil: "networkidle" });
  return { page, problems };
}

/** Paths (relative to the site root, e.g. `how-to-use/`) of every built page except the 404 page. */
export function listPages(distDir = "dist"): string[] {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name === "index.html") pages.push(relative(distDir, dir).split(sep).join("/"));
    }
  };
  walk(distDir);
  return pages.map((page) => (page ? `${page}/` : "")).sort();
}
