/**
 * Training in the page, on the Vision Transformer chapter: the loss chart
 * updates while the model trains in the worker (with a second worker, started
 * from it, drawing the pictures), Stop ends training early and keeps the
 * model trained so far, and the next cell uses it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openChapter, type TestBrowser } from "./browser";

const chapterUrl = inject("siteUrl") + "vision-transformer/";
let browser: TestBrowser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("training in the page", () => {
  it("the loss chart updates while the ViT trains (pictures drawn in a helper worker), Stop keeps the model so far, and the next cell uses it", async () => {
    const { page, problems } = await openChapter(browser, chapterUrl);

    const cell = page.locator("#cell-train-vit");
    const chart = cell.locator(".nb-outputs figure > svg[role=img]"); // the plot itself, not its legend swatches
    /** The drawn lines, as their path data: they grow as steps come in. */
    const linePaths = () => chart.locator("path").evaluateAll((paths) => paths.map((p) => p.getAttribute("d") ?? "").join("|"));

    await page.getByRole("button", { name: "Run cell train-vit", exact: true }).click();
    await expect.poll(() => cell.getAttribute("data-state"), { timeout: 60_000 }).toBe("running");
    await chart.waitFor({ timeout: 60_000 });
    await expect.poll(linePaths, { timeout: 60_000 }).not.toBe("");
    const early = await linePaths();
    // The pictures are drawn by a second worker that the notebook's worker started (ShapeBatchStream).
    const workerNames = () => Promise.all(page.workers().map((worker) => worker.evaluate(() => self.name).catch(() => "")));
    await expect.poll(workerNames, { timeout: 30_000 }).toContain("shape batches");
    await expect.poll(linePaths, { timeout: 30_000 }).not.toBe(early); // a later update redrew the lines

    await page.getByRole("button", { name: "Stop cell train-vit", exact: true }).click();
    // The loop sees `signal` and returns: the cell finishes normally, with the steps done so far.
    await expect.poll(() => cell.getAttribute("data-state"), { timeout: 60_000 }).toBe("done");
    // Outputs are drawn a frame at a time: the report may land just after the cell says it is done.
    await expect.poll(() => cell.locator(".nb-outputs").innerText(), { timeout: 30_000 }).toMatch(/\d+ steps in [\d.]+ s \(stopped\)/);

    // The page still works: the next cell reads the model trained so far and draws its maps.
    await page.getByRole("button", { name: "Run cell train-vit-maps", exact: true }).click();
    const maps = page.locator("#cell-train-vit-maps");
    await expect.poll(() => maps.getAttribute("data-state"), { timeout: 120_000 }).toBe("done");
    // Outputs are drawn a frame at a time, so the four maps may land just after the cell says it is done.
    await expect.poll(() => maps.locator(".nb-outputs .nb-plot").count(), { timeout: 30_000 }).toBe(4);
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);
});
