/**
 * Every page of the built site, in a real browser: it loads without console
 * errors or failed requests (under the base path), its cells' outputs are
 * already there before any script runs, and axe finds no serious or critical
 * accessibility violations, in the light and the dark theme.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import AxeBuilder from "@axe-core/playwright";
import { parseHTML } from "linkedom";
import type { Page } from "playwright-core";
import { collectProblems, launchBrowser, listPages, type TestBrowser } from "./browser";

const siteUrl = inject("siteUrl");
const pages = listPages();
let browser: TestBrowser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("every page", () => {
  it("the build produced the home page and at least one chapter", () => {
    expect(pages).toContain("");
    expect(pages).toContain("how-to-use/");
  });

  it.each(pages)("/%s loads with no console errors and no failed requests", async (path) => {
    const page = await browser.context.newPage();
    const problems = collectProblems(page);
    await page.goto(siteUrl + path, { waitUntil: "networkidle" });
    // Scroll to the end so widgets that hydrate when visible do so (and would report their errors).
    await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
    await page.waitForTimeout(300);
    expect(problems).toEqual([]);
    if (path !== "") {
      // Every chapter shows at least two charts of its tensors, drawn at build time.
      const charts = await page.locator(".nb-plot svg[role=img]").count();
      expect(charts, `charts on /${path}`).toBeGreaterThanOrEqual(2);
    }
    await page.close();
  });

  it.each(pages)("/%s has no serious or critical axe violations (light and dark)", async (path) => {
    const page = await browser.context.newPage();
    for (const theme of ["light", "dark"]) {
      await page.addInitScript((t) => localStorage.setItem("starlight-theme", t), theme);
      await page.goto(siteUrl + path, { waitUntil: "networkidle" });
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      await keepChartsAsImages(page);
      const results = await new AxeBuilder({ page }).analyze();
      const serious = results.violations
        .filter((v) => v.impact === "serious" || v.impact === "critical")
        .map((v) => `${theme}: ${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
      expect(serious).toEqual([]);
    }
    await page.close();
  }, 300_000);
});

/**
 * A chart is one `role="img"` with a label (unit-tested in the renderer), so its
 * inner marks are presentational and not in the accessibility tree. Tens of
 * thousands of them (a rect per pixel or matrix cell) make axe take minutes
 * per page, so the test checks each chart's root `<svg>` (role and name) and
 * drops what is inside it.
 */
async function keepChartsAsImages(page: Page): Promise<void> {
  await page.evaluate(() => {
    const roots = Array.from(document.querySelectorAll(".nb-plot svg")).filter((svg) => !svg.parentElement?.closest("svg"));
    for (const svg of roots) svg.replaceChildren();
  });
}

describe("before any script runs", () => {
  it("a chapter's HTML already holds its code and every cell's output", async () => {
    const html = await (await fetch(siteUrl + "how-to-use/")).text();
    const { document } = parseHTML(html);
    const cells = [...document.querySelectorAll("nb-cell")];
    expect(cells.length).toBeGreaterThan(5);
    expect(document.querySelector("#cell-weights .nb-code")?.textContent).toContain("softmax(scores");
    // Cells that show something have their output in the HTML (the hidden "setup" cell only declares names).
    for (const id of ["scores", "weights", "draw", "temperature", "shapes", "row-sums", "row-sums-check"]) {
      expect(document.querySelector(`#cell-${id} .nb-outputs`)?.textContent?.trim(), `output of cell ${id}`).toBeTruthy();
    }
    expect(document.querySelector("#cell-shapes .nb-outputs")?.textContent).toContain("ShapeError");
    // The plots are drawn as SVG at build time.
    expect(document.querySelectorAll("#cell-temperature .nb-outputs svg").length).toBeGreaterThan(0);
  });
});
