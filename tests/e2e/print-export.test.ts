/**
 * What readers and instructors take out of a chapter, in Chromium:
 *
 * - Print. For every chapter, the print layout (`emulateMedia({ media:
 *   "print" })` at the width of an A4 page) shows every chart the screen
 *   shows, each within the page's width, every output box that has content
 *   on the screen (none empty), code that wraps instead of running off the
 *   page, and no buttons or site chrome; then `page.pdf()` prints it on A4
 *   and on Letter. Why the layout and not the PDF's bytes: Chromium writes a
 *   chart's SVG marks as vector paths (only raster pictures become PDF
 *   images) and may merge or split them, so counting things in the PDF says
 *   little; the PDF is made from exactly this layout, so the checks hold for
 *   it, and making it proves the page prints.
 * - Presentation mode: `?present` opens one section at a time in large type;
 *   arrow keys move and update the URL, cells still run, Escape leaves.
 * - Export: a chart saved as SVG parses on its own and holds the chart's
 *   marks; saved as PNG it is twice the chart's size.
 * - A trained model saved with `download` and loaded with `openFile` gives
 *   the same accuracy; a file that is not weights, or weights of another
 *   model, fail with the library's message and lose nothing.
 *
 * With E2E_SCREENSHOTS=dir, the print layout and presentation mode (1280 and
 * 390 px, light and dark) are saved there as PNG to look at.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DOMParser } from "linkedom";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, listPages, openChapter, type TestBrowser } from "./browser";

const siteUrl = inject("siteUrl");
const chapters = listPages().filter((p) => p !== "" && p !== "404/");
const screenshots = process.env.E2E_SCREENSHOTS;
/** An A4 page's width in CSS pixels (210 mm at 96 px per inch). */
const A4_WIDTH = 794;
let browser: TestBrowser;

beforeAll(async () => {
  browser = await launchBrowser({ width: A4_WIDTH, height: 1123 });
  if (screenshots) mkdirSync(screenshots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

/** What the screen shows: the charts (not legend swatches) and the output boxes with content, by index. */
async function screenInventory(page: Page) {
  return page.evaluate(() => {
    const charts = [...document.querySelectorAll(".nb-plot svg[role=img]")].filter((svg) => !svg.closest("[class*=-swatch]"));
    const boxes = [...document.querySelectorAll(".nb-outputs")];
    return { charts: charts.length, filled: boxes.flatMap((box, i) => (box.children.length > 0 ? [i] : [])) };
  });
}

/** The same things in the print layout, and what must not be there. */
async function printInventory(page: Page, filled: number[]) {
  return page.evaluate((filled) => {
    const visible = (e: Element) => {
      const r = e.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden";
    };
    const content = document.querySelector(".sl-markdown-content")!.getBoundingClientRect();
    const charts = [...document.querySelectorAll(".nb-plot svg[role=img]")].filter((svg) => !svg.closest("[class*=-swatch]"));
    const boxes = [...document.querySelectorAll(".nb-outputs")];
    return {
      charts: charts.filter(visible).length,
      chartsCut: charts.filter((svg) => svg.getBoundingClientRect().right > content.right + 1).map((svg) => svg.getAttribute("aria-label")),
      hiddenOutputs: filled.filter((i) => !visible(boxes[i]) || boxes[i].textContent!.trim() === "" && !boxes[i].querySelector("svg, img")).map((i) => boxes[i].getAttribute("aria-label")),
      emptyBoxes: boxes.filter((box) => visible(box) && box.children.length === 0).map((box) => box.getAttribute("aria-label")),
      buttons: [...document.querySelectorAll("button, input, select, site-search, .sidebar-pane, .right-sidebar-container")].filter(visible).map((e) => e.textContent?.trim() || e.tagName),
      cutCode: [...document.querySelectorAll(".nb-code pre, .nb-solution-code pre")].filter((pre) => visible(pre) && pre.scrollWidth > pre.clientWidth + 1).length,
    };
  }, filled);
}

describe("print", () => {
  it.each(chapters)("/%s prints every chart and output, without controls, on A4 and Letter", async (path) => {
    const page = await browser.context.newPage();
    await page.goto(siteUrl + path, { waitUntil: "networkidle" });
    const screen = await screenInventory(page);
    await page.emulateMedia({ media: "print" });
    const print = await printInventory(page, screen.filled);
    expect(print.charts, "charts visible in print").toBe(screen.charts);
    expect(print.chartsCut, "charts wider than the page").toEqual([]);
    expect(print.hiddenOutputs, "outputs with content that print empty or not at all").toEqual([]);
    expect(print.emptyBoxes, "empty output boxes").toEqual([]);
    expect(print.buttons, "controls in print").toEqual([]);
    expect(print.cutCode, "code blocks cut at the right margin").toBe(0);
    if (screenshots && path === "vision-transformer/") await page.screenshot({ path: join(screenshots, "print-vision-transformer.png"), fullPage: true });
    for (const format of ["A4", "Letter"]) {
      const pdf = await page.pdf({ format, printBackground: false });
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      const pages = (pdf.toString("latin1").match(/\/Type\s*\/Page\b/g) ?? []).length;
      expect(pages, `${format} pages`).toBeGreaterThan(0);
    }
    await page.close();
  }, 120_000);
});

describe("presentation mode", () => {
  it("?present shows one section at a time; arrows move and keep the URL, cells run, Escape leaves", async () => {
    const { page, problems } = await openChapter(browser, siteUrl + "softmax/?present");
    const visibleHeadings = () =>
      page.evaluate(() => [...document.querySelectorAll(".sl-markdown-content .sl-heading-wrapper h2")].filter((h) => h.getBoundingClientRect().height > 0).map((h) => h.textContent?.trim()));
    await expect.poll(() => page.evaluate(() => document.documentElement.hasAttribute("data-presenting"))).toBe(true);
    expect(await visibleHeadings()).toEqual([]); // the opening: title and goals
    const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    expect(fontSize).toBeGreaterThan(16);
    expect(await page.locator(".sidebar-pane, .header").evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().height > 0).length)).toBe(0);

    await page.keyboard.press("ArrowRight");
    const first = await visibleHeadings();
    expect(first).toHaveLength(1);
    expect(new URL(page.url()).searchParams.get("present")).toBe("2");
    await page.getByRole("button", { name: "Next section (→)" }).click();
    const second = await visibleHeadings();
    expect(second).toHaveLength(1);
    expect(second).not.toEqual(first);
    expect(new URL(page.url()).searchParams.get("present")).toBe("3");

    // A reload stays on the section; a cell in it still runs.
    await page.reload({ waitUntil: "networkidle" });
    expect(await visibleHeadings()).toEqual(second);
    const cell = page.locator("nb-cell:visible").first();
    await cell.locator(".nb-run").click();
    await expect.poll(() => cell.getAttribute("data-state"), { timeout: 60_000 }).toBe("done");

    if (screenshots) {
      for (const [width, height] of [[1280, 800], [390, 844]]) {
        for (const colorScheme of ["light", "dark"] as const) {
          await page.setViewportSize({ width, height });
          await page.emulateMedia({ colorScheme });
          await page.screenshot({ path: join(screenshots, `present-${width}-${colorScheme}.png`) });
        }
      }
      await page.setViewportSize({ width: A4_WIDTH, height: 1123 });
    }

    await page.locator("body").click({ position: { x: 5, y: 5 } });
    await page.keyboard.press("Escape");
    expect(await page.evaluate(() => document.documentElement.hasAttribute("data-presenting"))).toBe(false);
    expect(new URL(page.url()).searchParams.has("present")).toBe(false);
    expect((await visibleHeadings()).length).toBeGreaterThan(2);
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});

describe("export", () => {
  it("a chart saved as SVG parses on its own with the chart's marks; as PNG it is twice its size", async () => {
    const { page, problems } = await openChapter(browser, siteUrl + "softmax/");
    const output = page.locator(".nb-output--plot").first();
    // The whole output is one picture: a row of charts, their legends and titles.
    const onPage = await output.evaluate((o) => ({ rects: o.querySelectorAll("svg rect").length, tips: o.querySelectorAll("svg [data-tip]").length }));
    expect(onPage.rects).toBeGreaterThan(0);

    const saveSvg = output.getByRole("button", { name: /as SVG$/ });
    await saveSvg.focus(); // keyboard reachable: a real button
    const [svgFile] = await Promise.all([page.waitForEvent("download"), page.keyboard.press("Enter")]);
    expect(svgFile.suggestedFilename()).toMatch(/\.svg$/);
    const text = readFileSync((await svgFile.path())!, "utf8");
    expect(text).not.toMatch(/currentColor|var\(/i);
    const file = new DOMParser().parseFromString(text, "image/svg+xml").documentElement as unknown as Element;
    expect(file.tagName.toLowerCase()).toBe("svg");
    // The background is one more rect; every mark is there, with its value as a title.
    expect(file.querySelectorAll("rect").length).toBe(onPage.rects + 1);
    expect(file.querySelectorAll("title").length).toBeGreaterThanOrEqual(onPage.tips);
    const title = await output.locator("h2").first().textContent();
    expect([...file.querySelectorAll("text")].map((t) => t.textContent)).toContain(title?.trim());

    // Outside the page, the file is a picture a browser can draw.
    const viewer = await browser.context.newPage();
    await viewer.setContent(`<img src="data:image/svg+xml;base64,${Buffer.from(text).toString("base64")}">`);
    const drawn = await viewer.locator("img").evaluate(async (img: HTMLImageElement) => (await img.decode(), img.naturalWidth));
    expect(drawn).toBe(Number(file.getAttribute("width")));
    await viewer.close();

    const [pngFile] = await Promise.all([page.waitForEvent("download"), output.getByRole("button", { name: /as PNG$/ }).click()]);
    const png = readFileSync((await pngFile.path())!);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(2 * Number(file.getAttribute("width")));
    expect(png.readUInt32BE(20)).toBe(2 * Number(file.getAttribute("height")));

    // A heatmap's picture travels inside the SVG.
    const heatmap = page.locator(".nb-output--plot:has(.nb-plot--heatmap)").first();
    const [heatmapFile] = await Promise.all([page.waitForEvent("download"), heatmap.getByRole("button", { name: /as SVG$/ }).click()]);
    const heatmapSvg = new DOMParser().parseFromString(readFileSync((await heatmapFile.path())!, "utf8"), "image/svg+xml");
    expect((heatmapSvg.querySelector("image") as unknown as Element).getAttribute("href")).toMatch(/^data:image\/png;base64,/);
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);

  it("a model trained in the page, saved and loaded again, gives the same accuracy; bad files fail clearly and lose nothing", async () => {
    const { page, problems } = await openChapter(browser, siteUrl + "vision-transformer/");
    const cell = (id: string) => page.locator(`#cell-${id}`);
    const state = (id: string) => cell(id).getAttribute("data-state");
    const run = (id: string) => page.getByRole("button", { name: `Run cell ${id}`, exact: true }).click();
    /** The text of a cell's value output (evaluateVit's accuracy and ratio). */
    const value = (id: string) => cell(id).locator(".nb-output--value").last().innerText();

    // Train a few steps (the reader's edit of the cell), so that the model is `trainedHere`.
    await page.evaluate(async () => {
      const train = document.querySelector("#cell-train-vit") as HTMLElement & { currentCode: string; useCode(code: string): Promise<void> };
      await train.useCode(train.currentCode.replace("seed: 1, signal,", "seed: 1, signal, steps: 20,"));
    });
    await run("train-vit");
    await expect.poll(() => state("train-vit"), { timeout: 240_000 }).toBe("done");
    // Outputs are drawn a frame at a time: the last lines may land just after the cell says it is done.
    await expect.poll(() => cell("train-vit").locator(".nb-outputs").innerText(), { timeout: 30_000 }).toMatch(/20 steps in/);
    await expect.poll(() => value("train-vit"), { timeout: 30_000 }).toMatch(/accuracy/);
    const trained = await value("train-vit");

    // Save: the cell offers the weights as a file.
    await run("save-vit");
    const link = cell("save-vit").locator(".nb-download-link[href]");
    await link.waitFor({ timeout: 60_000 });
    const [saved] = await Promise.all([page.waitForEvent("download"), link.click()]);
    expect(saved.suggestedFilename()).toBe("my-vit.weights");
    const weights = (await saved.path())!;
    expect(readFileSync(weights).subarray(0, 4).toString("latin1")).toBe("TFW1");

    // Load: the cell waits for the file (its 10 s limit does not run meanwhile), then measures the copy.
    await run("load-vit");
    const input = cell("load-vit").locator(".nb-file-request input[type=file]");
    await input.waitFor({ timeout: 60_000 });
    await page.waitForTimeout(11_000);
    expect(await state("load-vit")).toBe("running");
    await input.setInputFiles(weights);
    await expect.poll(() => state("load-vit"), { timeout: 120_000 }).toBe("done");
    await expect.poll(() => value("load-vit"), { timeout: 30_000 }).toBe(trained);
    await expect(cell("load-vit").locator(".nb-file-request").count()).resolves.toBe(0);

    // Not weights, then weights of another model: the library's message, and nothing lost.
    const failures: [Parameters<typeof input.setInputFiles>[0], RegExp][] = [
      [{ name: "notes.weights", mimeType: "text/plain", buffer: Buffer.from("these are not weights") }, /not a weights file/],
      ["public/models/char-lm.bin", /copyState: .* (is missing from the source|has shape)/],
    ];
    for (const [file, message] of failures) {
      await run("load-vit");
      await input.waitFor({ timeout: 60_000 });
      await input.setInputFiles(file);
      await expect.poll(() => state("load-vit"), { timeout: 60_000 }).toBe("error");
      await expect(cell("load-vit").locator(".nb-error").innerText()).resolves.toMatch(message);
    }
    await run("save-vit");
    await expect.poll(() => state("save-vit"), { timeout: 60_000 }).toBe("done");
    await cell("save-vit").locator(".nb-download-link[href]").waitFor({ timeout: 30_000 });

    // Stop ends the wait for a file.
    await run("load-vit");
    await input.waitFor({ timeout: 60_000 });
    await page.getByRole("button", { name: "Stop cell load-vit", exact: true }).click();
    await expect.poll(() => state("load-vit"), { timeout: 60_000 }).toMatch(/error|stopped/);
    expect(await cell("load-vit").locator(".nb-file-request").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 420_000);
});
