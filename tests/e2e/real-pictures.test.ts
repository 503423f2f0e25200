/**
 * The real-pictures chapter in the browser: nothing of Fashion-MNIST is
 * fetched when the page loads; pressing Run on the training cell fetches the
 * data (within the 8 MB budget), the chart updates while the ViT trains in
 * the worker, and Stop ends training early with the steps done so far.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openChapter, type TestBrowser } from "./browser";

const chapterUrl = inject("siteUrl") + "real-pictures/";
let browser: TestBrowser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("real pictures", () => {
  it("fetches the data only on Run, trains with a live chart, and Stop ends training", async () => {
    const { page, problems } = await openChapter(browser, chapterUrl);
    const realData = /\/data\/fashion\/|\/models\/fashion\.bin$/;
    const fetched: { url: string; bytes: number }[] = [];
    page.on("requestfinished", async (request) => {
      if (!realData.test(request.url())) return;
      const response = await request.response();
      fetched.push({ url: request.url(), bytes: (await response?.body())?.length ?? 0 });
    });
    // The page was loaded (and reloaded) by openChapter before the listener: check what it requested then.
    const loadedResources = await page.evaluate(() => performance.getEntriesByType("resource").map((r) => r.name));
    expect(loadedResources.filter((url) => realData.test(url))).toEqual([]);

    const cell = page.locator("#cell-train-fashion");
    // The plot itself: with three series the legend is drawn as a small svg before it.
    const chart = cell.locator(".nb-outputs figure > svg[role=img]").last();
    const linePaths = () => chart.locator("path").evaluateAll((paths) => paths.map((p) => p.getAttribute("d") ?? "").join("|"));

    // Run also runs the cells above it (loading the test set, scoring, attention maps) in the worker first.
    await page.getByRole("button", { name: "Run cell train-fashion", exact: true }).click();
    await expect.poll(() => cell.getAttribute("data-state"), { timeout: 300_000 }).toBe("running");
    await chart.waitFor({ timeout: 120_000 });
    await expect.poll(linePaths, { timeout: 120_000 }).not.toBe("");
    const early = await linePaths();
    await expect.poll(linePaths, { timeout: 60_000 }).not.toBe(early); // a later update redrew the lines

    await page.getByRole("button", { name: "Stop cell train-fashion", exact: true }).click();
    await expect.poll(() => cell.getAttribute("data-state"), { timeout: 120_000 }).toBe("done");
    // Outputs are drawn a frame at a time: the report may land just after the cell says it is done.
    await expect.poll(() => cell.locator(".nb-outputs").innerText(), { timeout: 30_000 }).toMatch(/\d+ steps in [\d.]+ s \([\d.]+ steps\/s\) \(stopped\)/);
    const report = await cell.locator(".nb-outputs").innerText();
    console.log(`in-page training: ${/\d+ steps in [^\n]*/.exec(report)?.[0]}`);

    const urls = fetched.map((f) => f.url);
    expect(urls.some((u) => u.endsWith("test-images.idx.gz"))).toBe(true);
    expect(urls.some((u) => u.endsWith("train-images.idx.gz"))).toBe(true);
    const total = fetched.reduce((a, f) => a + f.bytes, 0);
    console.log(`fetched for the real-data cells: ${(total / 1e6).toFixed(2)} MB in ${fetched.length} files`);
    expect(total).toBeLessThanOrEqual(8e6);
    // Known and not this chapter's: Starlight's table-of-contents script recurses once per element above
    // a heading and overflows the stack once the reader's runs add thousands of chart elements.
    // Anything else the page reports fails the test.
    const known = /Maximum call stack size exceeded/;
    expect(problems.filter((p) => !known.test(p))).toEqual([]);
    await page.close();
  }, 900_000);
});
