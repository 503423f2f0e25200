/**
 * Budget report: for every page of the built site, the JavaScript and CSS a
 * reader downloads before interacting (gzip sizes), and for chapter pages the
 * median time from clicking Run to the output being drawn, for a small cell
 * that calls the library. Measured in Chromium against `dist/` served on
 * 127.0.0.1.
 *
 * Also, per page: the number of elements after load (and how many of them
 * are math, highlighted code and cells' outputs) and the page's HTML (gzip);
 * and the time to draw a [512, 512] heatmap in a chapter's output area (from its spec to the chart in the page), with its element count.
 *
 * Usage: npm run report [-- --no-build] [-- --fresh] [-- --runs 15]
 * (`--fresh` builds without the caches: every cell runs.)
 * Targets: <= 100 KB gzip JS before interaction, <= 50 ms median Run -> output;
 * <= 5,000 elements per page, <= 150 KB gzip for the largest chapter's HTML,
 * a [512, 512] heatmap drawn in < 200 ms as a few dozen elements.
 *
 * With --no-build it measures the existing `dist/`, under the base path that
 * build was made for (read from its home page). Every browser step has a time
 * limit: when Chromium cannot start or a page does not answer, the report
 * stops with a message saying which, instead of waiting.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { serveStatic } from "./serve";
import { heatmap } from "../src/notebook/charts/index";
import { randn } from "../src/lib/index";
import { CHROMIUM_PATH, launchBrowser, listPages } from "../tests/e2e/browser";

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf("--runs") + 1]) || 15;
/** Chromium start-up, a page load, one Run: each gets this long before the report gives up. */
const STEP_TIMEOUT_MS = 60_000;

interface PageReport {
  path: string;
  jsKb: number;
  cssKb: number;
  files: number;
  cell?: string;
  medianMs?: number;
  elements: number;
  /** Elements inside formulas, highlighted code and cells' outputs. */
  shares: { math: number; code: number; outputs: number };
  htmlKb: number;
}

/** Median ms to draw a [512, 512] heatmap into a cell's output area, and the chart's element count. */
async function timeLargeHeatmap(page: Page, cellId: string): Promise<{ ms: number; elements: number }> {
  const spec = JSON.parse(JSON.stringify(heatmap(randn([512, 512], { seed: 12 }), { title: "randn {shape}" })));
  const times: number[] = [];
  let elements = 0;
  for (let i = 0; i < 6; i++) {
    const result = await page.evaluate(
      ({ id, plot }) =>
        new Promise<{ ms: number; elements: number }>((resolve) => {
          const cell = document.getElementById(`cell-${id}`) as HTMLElement & { output(o: unknown, id?: string, replace?: boolean): void };
          const area = cell.querySelector(".nb-outputs")!;
          const started = performance.now();
          const observer = new MutationObserver(() => {
            const chart = [...area.querySelectorAll(".nb-plot--heatmap")].find((c) => c.textContent?.includes("randn [512, 512]"));
            if (!chart) return;
            observer.disconnect();
            // Include style and layout: the chart is on screen when the next frame starts.
            requestAnimationFrame(() => resolve({ ms: performance.now() - started, elements: chart.getElementsByTagName("*").length + 1 }));
          });
          observer.observe(area, { childList: true, subtree: true });
          cell.output({ kind: "plot", plot }, "report-512", true);
        }),
      { id: cellId, plot: spec },
    );
    if (i > 0) times.push(result.ms); // the first one loads the renderers
    elements = result.elements;
  }
  return { ms: median(times), elements };
}

/** Loads a page and sums the gzip sizes of the scripts and stylesheets it fetched without interaction. */
async function measureLoad(page: Page, url: string): Promise<{ jsKb: number; cssKb: number; files: number }> {
  const sizes = { js: 0, css: 0, files: 0 };
  const pending: Promise<void>[] = [];
  const onResponse = (response: import("playwright-core").Response) => {
    const type = response.request().resourceType();
    if (type !== "script" && type !== "stylesheet") return;
    pending.push(
      response.body().then((body) => {
        const gz = gzipSync(body, { level: 9 }).length;
        if (type === "script") sizes.js += gz;
        else sizes.css += gz;
        sizes.files++;
      }),
    );
  };
  page.on("response", onResponse);
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForTimeout(500);
  await Promise.all(pending);
  page.off("response", onResponse);
  return { jsKb: sizes.js / 1024, cssKb: sizes.css / 1024, files: sizes.files };
}

/** The first visible, runnable cell that imports the library: a "small library cell". */
async function pickCell(page: Page): Promise<string | undefined> {
  return page.evaluate(() => {
    const cells = [...document.querySelectorAll<HTMLElement>("nb-cell:not([data-norun])")];
    const cell = cells.find((c) => (c.dataset.code ?? "").includes('from "transformer"') && !c.querySelector(".nb-hidden-code"));
    return cell?.dataset.cellId;
  });
}

/**
 * Resolves once no run is in progress on the page ("Stop all" is disabled):
 * a cell's Run also reruns the cells below that read its names, and a click
 * made meanwhile would wait for them and time the queue, not the cell.
 */
async function waitForIdle(page: Page, limitMs = 3 * STEP_TIMEOUT_MS): Promise<void> {
  try {
    await page.waitForFunction(() => document.querySelector<HTMLButtonElement>(".nb-stop-all")?.disabled !== false, undefined, { timeout: limitMs });
  } catch {
    throw new Error(`${new URL(page.url()).pathname}: the cells rerun after Run were still running after ${limitMs / 1000} s (a busy machine, or a cell that does not finish)`);
  }
}

/** Clicks Run and resolves with the ms until the cell is done and its output is drawn; rejects after `limitMs`. */
function timeRun(page: Page, cellId: string, limitMs = STEP_TIMEOUT_MS): Promise<number> {
  return page.evaluate(
    ({ id, limitMs }) =>
      new Promise<number>((resolve, reject) => {
        const cell = document.getElementById(`cell-${id}`)!;
        const output = cell.querySelector(".nb-outputs")!;
        const button = cell.querySelector<HTMLButtonElement>(".nb-run")!;
        let started = 0;
        const limit = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`${location.pathname}: cell ${id} showed no output within ${limitMs / 1000} s of pressing Run (a busy machine, or a worker script that does not load)`));
        }, limitMs);
        const observer = new MutationObserver(() => {
          const state = cell.getAttribute("data-state");
          if (state === "error" || state === "stopped") reject(new Error(`cell ${id} ended with state ${state}`));
          if (state === "done" && !output.hasAttribute("data-stale")) {
            clearTimeout(limit);
            observer.disconnect();
            resolve(performance.now() - started);
          }
        });
        observer.observe(cell, { attributes: true, childList: true, subtree: true });
        cell.removeAttribute("data-state");
        started = performance.now();
        button.click();
      }),
    { id: cellId, limitMs },
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `npm run build`'s script (scripts/build.ts: restored from the build
 * cache when no input changed, unless `--fresh`) with its output shown, and
 * returns its summary lines: the notebook's (cells run and cached) and the
 * build's (wall time, CPU time, load average).
 */
function build(): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const buildArgs = args.includes("--fresh") ? ["--fresh"] : [];
    const child = spawn("npx", ["tsx", "scripts/build.ts", ...buildArgs], { stdio: ["inherit", "pipe", "inherit"], env: { ...process.env, ASTRO_TELEMETRY_DISABLED: "1" } });
    const summary: { notebook?: string; build?: string } = {};
    let pending = "";
    child.stdout.on("data", (chunk: Buffer) => {
      process.stdout.write(chunk);
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        summary.notebook = /notebook: .*/.exec(line)?.[0] ?? summary.notebook;
        summary.build = /^build: .*/.exec(line)?.[0] ?? summary.build;
      }
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code !== 0) reject(new Error(`the build failed (exit code ${code}); its output is above`));
      else resolve([summary.notebook, summary.build ?? (/^build: .*/.exec(pending)?.[0])].filter((line): line is string => line !== undefined));
    });
  });
}

/** The base path `dist/` was built for, read from the home page's asset links (`/x/_astro/…` -> `/x/`). */
function builtBasePath(): string {
  if (!existsSync("dist/index.html")) throw new Error("dist/index.html is missing: build the site first (npm run build), or run the report without --no-build");
  const html = readFileSync("dist/index.html", "utf8");
  return /(?:href|src)="(\/(?:[^"]*\/)?)_astro\//.exec(html)?.[1] ?? "/";
}

/** `promise`, or a clear error once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(): Promise<void> {
  let summary: string[] = [];
  if (!args.includes("--no-build")) summary = await build();
  const base = builtBasePath();
  if (process.env.BASE_PATH && process.env.BASE_PATH !== base) {
    console.log(`note: dist/ was built for the base path ${base}, not BASE_PATH=${process.env.BASE_PATH}; measuring it under ${base}`);
  }
  const { server, url } = await serveStatic({ dir: "dist", base, port: 0 });
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  try {
    browser = await within(launchBrowser(), STEP_TIMEOUT_MS, `starting Chromium (${CHROMIUM_PATH})`);
  } catch (error) {
    server.close();
    throw new Error(
      `could not start Chromium at ${CHROMIUM_PATH} (install it with apt-get install chromium, or set CHROMIUM_PATH): ${(error as Error).message.split("\n")[0]}`,
    );
  }
  const reports: PageReport[] = [];
  let heatmapTiming: { ms: number; elements: number } | undefined;
  try {
    for (const path of listPages()) {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      const html = await (await fetch(url + path)).arrayBuffer();
      const load = await measureLoad(page, url + path);
      // No named functions inside: tsx would wrap them in a helper the page does not have.
      const [elements, math, code, outputs] = await page.evaluate(() => [
        document.getElementsByTagName("*").length,
        ...[".katex", "pre.shiki", ".nb-outputs"].map((selector) => [...document.querySelectorAll(selector)].reduce((n, e) => n + e.getElementsByTagName("*").length + 1, 0)),
      ]);
      const shares = { math, code, outputs };
      const report: PageReport = { path: "/" + path, ...load, elements, shares, htmlKb: gzipSync(new Uint8Array(html), { level: 9 }).length / 1024 };
      const cellId = await pickCell(page);
      if (cellId && !heatmapTiming) heatmapTiming = await timeLargeHeatmap(page, cellId);
      if (cellId) {
        await timeRun(page, cellId, 3 * STEP_TIMEOUT_MS); // starts the worker and loads the library: not part of the budget
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          await waitForIdle(page);
          times.push(await timeRun(page, cellId));
        }
        report.cell = cellId;
        report.medianMs = median(times);
      }
      reports.push(report);
      await page.close();
    }
  } finally {
    await within(browser.close(), 10_000, "closing Chromium").catch(() => undefined);
    server.close();
  }

  console.log(`\n| page | JS before interaction (gzip) | CSS (gzip) | files | HTML (gzip) | elements | math / code / outputs | cell timed | Run -> output, median of ${runs} |`);
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |");
  for (const r of reports) {
    const timing = r.medianMs === undefined ? "" : `${r.medianMs.toFixed(1)} ms`;
    console.log(`| ${r.path} | ${r.jsKb.toFixed(1)} KB | ${r.cssKb.toFixed(1)} KB | ${r.files} | ${r.htmlKb.toFixed(1)} KB | ${r.elements} | ${r.shares.math} / ${r.shares.code} / ${r.shares.outputs} | ${r.cell ?? ""} | ${timing} |`);
  }
  const overJs = reports.filter((r) => r.jsKb > 100);
  const overTime = reports.filter((r) => (r.medianMs ?? 0) > 50);
  console.log(`\nJS budget (100 KB): ${overJs.length === 0 ? "met on every page" : `exceeded on ${overJs.map((r) => r.path).join(", ")}`}`);
  console.log(`Run -> output budget (50 ms): ${overTime.length === 0 ? "met on every page" : `exceeded on ${overTime.map((r) => r.path).join(", ")}`}`);
  const overElements = reports.filter((r) => r.elements > 5000);
  const largest = reports.reduce((a, b) => (b.htmlKb > a.htmlKb ? b : a));
  console.log(`Elements budget (5,000 per page): ${overElements.length === 0 ? `met on every page (most: ${Math.max(...reports.map((r) => r.elements))})` : `exceeded on ${overElements.map((r) => `${r.path} (${r.elements})`).join(", ")}`}`);
  console.log(`Largest HTML (150 KB gzip): ${largest.path} ${largest.htmlKb.toFixed(1)} KB, ${largest.htmlKb <= 150 ? "met" : "exceeded"}`);
  if (heatmapTiming) {
    console.log(`[512, 512] heatmap in a cell's output (200 ms): ${heatmapTiming.ms.toFixed(0)} ms median of 5, ${heatmapTiming.elements} elements, ${heatmapTiming.ms < 200 ? "met" : "exceeded"}`);
  }
  for (const line of summary) console.log(line);
}

try {
  await main();
  process.exit(0);
} catch (error) {
  console.error(`\nreport: ${(error as Error).message}`);
  process.exit(1);
}
