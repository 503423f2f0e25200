/**
 * Every pre-rendered chart of the built site, measured in Chromium as a
 * reader first sees it (before any cell runs):
 * - no blank chart: its marks (cells, pictures, bars, dots, lines) cover area;
 * - no text label overlaps another one (bounding boxes of every <text>);
 * - at 390 px no page is wider than the phone (math, tables and wide charts
 *   scroll inside their own box);
 * - a page holds at most 5,000 elements after load, its cells' outputs at
 *   most 2,000 of them;
 * - exact values: hovering, tapping or focusing a chart shows its tooltip.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, listPages, type TestBrowser } from "./browser";

const siteUrl = inject("siteUrl");
const pages = listPages();
const chapters = pages.filter((p) => p !== "" && p !== "404/");
let browser: TestBrowser;
let phone: TestBrowser;

beforeAll(async () => {
  browser = await launchBrowser();
  phone = await launchBrowser({ width: 390, height: 844 });
});
afterAll(async () => {
  await browser?.close();
  await phone?.close();
});

interface ChartProblem {
  chart: string;
  problem: string;
}

describe("pre-rendered charts", () => {
  it.each(chapters)("/%s: every chart has visible marks and no overlapping labels", async (path) => {
    const page = await browser.context.newPage();
    await page.goto(siteUrl + path, { waitUntil: "networkidle" });
    const problems: ChartProblem[] = await page.evaluate(() => {
      const found: { chart: string; problem: string }[] = [];
      const charts = [...document.querySelectorAll<SVGSVGElement>(".nb-plot svg[role=img]")].filter((svg) => !svg.closest(".nb-plot-stack > svg + svg, [class*=-swatch]"));
      for (const svg of charts) {
        const name = svg.getAttribute("aria-label") ?? "chart";
        // Marks: everything drawn that is not an axis, a grid line or a legend.
        const marks = [...svg.querySelectorAll("image, rect, circle, path, line")].filter((m) => !m.closest('g[aria-hidden="true"]') || m.closest("[data-tip]"));
        let area = 0;
        for (const mark of marks) {
          const r = mark.getBoundingClientRect();
          area += mark.tagName === "path" || mark.tagName === "line" ? Math.max(r.width, 1) * Math.max(r.height, 1) : r.width * r.height;
        }
        if (svg.closest(".nb-plot-stack")?.querySelector("svg") === svg || !svg.closest(".nb-plot-stack")) {
          if (!(area > 16)) found.push({ chart: name, problem: `marks cover ${area.toFixed(1)} px²` });
        }
        const boxes = [...svg.querySelectorAll("text")].filter((t) => (t.textContent ?? "").trim()).map((t) => ({ text: t.textContent!, r: t.getBoundingClientRect() }));
        for (let i = 0; i < boxes.length; i++) {
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i].r;
            const b = boxes[j].r;
            // One pixel of slack: glyph boxes include the font's line gap.
            const overlapX = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const overlapY = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (overlapX > 1 && overlapY > 1) found.push({ chart: name, problem: `"${boxes[i].text}" overlaps "${boxes[j].text}"` });
          }
        }
      }
      return found;
    });
    expect(problems).toEqual([]);
    await page.close();
  });
});

describe("a phone 390 px wide", () => {
  it.each(pages)("/%s does not scroll sideways", async (path) => {
    const page = await phone.context.newPage();
    await page.goto(siteUrl + path, { waitUntil: "networkidle" });
    const { width, culprits } = await page.evaluate(() => {
      const viewport = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > viewport + 1 && !e.parentElement?.closest("[style*=overflow], .katex-display, .nb-outputs, pre, table, .expressive-code"))
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}.${e.getAttribute("class") ?? ""}`);
      return { width: document.documentElement.scrollWidth, culprits: wide };
    });
    expect(width, `too wide: ${culprits.join(", ")}`).toBeLessThanOrEqual(390);
    await page.close();
  });
});

describe("page weight", () => {
  // npm run report prints every page's count, with its math, code and outputs shares.
  it.each(pages)("/%s holds at most 5,000 elements after load, at most 2,000 of them in the cells' outputs", async (path) => {
    const page = await browser.context.newPage();
    await page.goto(siteUrl + path, { waitUntil: "networkidle" });
    const { all, inOutputs } = await page.evaluate(() => ({
      all: document.getElementsByTagName("*").length,
      inOutputs: [...document.querySelectorAll(".nb-outputs")].reduce((n, o) => n + o.getElementsByTagName("*").length, 0),
    }));
    expect(all, "elements in the page").toBeLessThanOrEqual(5000);
    expect(inOutputs, "elements in the cells' outputs").toBeLessThanOrEqual(2000);
    await page.close();
  });
});

describe("exact values on hover, touch and keyboard", () => {
  it("shows a heatmap cell's row, column and value, and moves with the arrow keys", async () => {
    const page = await browser.context.newPage();
    await page.goto(siteUrl + "how-to-use/", { waitUntil: "networkidle" });
    const raster = page.locator(".nb-plot--heatmap image.nb-raster").first();
    await raster.scrollIntoViewIfNeeded();
    const box = (await raster.boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + 2);
    const tip = page.locator(".nb-tip");
    await expect.poll(() => tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toMatch(/^.+ \S+, .+ \S+: -?\d/);

    const chart = page.locator(".nb-plot--heatmap svg.nb-tippable").first();
    await page.mouse.move(0, 0);
    await chart.focus();
    const first = await tip.textContent();
    await page.keyboard.press("ArrowRight");
    const second = await tip.textContent();
    expect(second).not.toBe(first);
    expect(second).toMatch(/: -?\d/);
    await page.keyboard.press("Escape");
    expect(await tip.isVisible()).toBe(false);
    await page.close();
  });

  it("shows a bar's label and value on a tap", async () => {
    const page = await phone.context.newPage();
    await page.goto(siteUrl + "softmax/", { waitUntil: "networkidle" });
    const bar = page.locator(".nb-plot--bar [data-tip]").first();
    await bar.scrollIntoViewIfNeeded();
    const box = (await bar.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height - 2);
    const tip = page.locator(".nb-tip");
    await expect.poll(() => tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toBe(await bar.getAttribute("data-tip"));
    await page.close();
  });
});
