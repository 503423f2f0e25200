/**
 * The WebAssembly kernels in the built site: in the parallelism chapter's
 * worker, Chromium picks them by itself, the cell that times a training step
 * on each kernel set runs both, and the WebAssembly set wins. (Timings are not
 * checked against a number: the machine may be busy. Only that both ran.)
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser, openChapter, type TestBrowser } from "./browser";

const chapterUrl = inject("siteUrl") + "parallelism/";
let browser: TestBrowser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("WebAssembly kernels in the page", () => {
  it("the kernels cell trains on both kernel sets in the chapter's worker", async () => {
    const { page, problems } = await openChapter(browser, chapterUrl);
    const cell = page.locator("#cell-kernels");
    await page.getByRole("button", { name: "Run cell kernels", exact: true }).click();
    await expect.poll(() => cell.getAttribute("data-state"), { timeout: 180_000 }).toBe("done");
    // Outputs are drawn a frame at a time: the table may land just after the cell says it is done.
    await expect.poll(() => cell.locator(".nb-outputs").innerText(), { timeout: 30_000 }).toMatch(/wasm/);
    const text = await cell.locator(".nb-outputs").innerText();
    expect(text).toMatch(/WebAssembly SIMD: [\d.]+× faster per step/);
    expect(text).toMatch(/typescript/);
    expect(text).toMatch(/wasm/);
    expect(problems).toEqual([]);
    await page.close();
  }, 300_000);
});
