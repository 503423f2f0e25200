/**
 * The notebook in a real browser, on the "How to use this course" chapter:
 * editing and running, reactive reruns, a runaway cell, saved edits and Reset.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import { launchBrowser, openChapter, type TestBrowser } from "./browser";

const chapterUrl = inject("siteUrl") + "how-to-use/";
let browser: TestBrowser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** Replaces a cell's code by typing into its editor, as a reader would. */
async function typeIntoCell(page: Page, cellId: string, code: string): Promise<void> {
  await page.getByRole("textbox", { name: `Code of cell ${cellId}`, exact: true }).click();
  const editor = page.locator(`#cell-${cellId} .cm-content`);
  await editor.waitFor();
  await expect.poll(() => editor.evaluate((el) => el === document.activeElement || el.contains(document.activeElement))).toBe(true);
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  // CodeMirror closes brackets as you type; insertText types the text as one input, like a paste.
  await page.keyboard.insertText(code);
}

function output(page: Page, cellId: string) {
  return page.locator(`#cell-${cellId} .nb-outputs`);
}

async function runCell(page: Page, cellId: string): Promise<void> {
  await page.getByRole("button", { name: `Run cell ${cellId}`, exact: true }).click();
}


describe("cells in the browser", () => {
  it("an edited cell runs and its output changes; the dependent cell updates too", async () => {
    const { page, problems } = await openChapter(browser, chapterUrl);
    const weightsBefore = await output(page, "weights").innerText();
    await typeIntoCell(page, "scores", "import { tensor } from \"transformer\";\nconst scores = tensor([[7, 7, 7], [1, 2, 3]]);\nscores");
    await runCell(page, "scores");
    await expect.poll(() => output(page, "scores").innerText(), { timeout: 20_000 }).toMatch(/7/);
    // The first row of scores is now constant, so softmax gives it equal weights of 1/3.
    await expect.poll(() => output(page, "weights").innerText(), { timeout: 20_000 }).toMatch(/0\.333/);
    expect(await output(page, "weights").innerText()).not.toBe(weightsBefore);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("an endless cell is stopped after its time limit and the page keeps working", async () => {
    const { page, problems } = await openChapter(browser, chapterUrl);
    await runCell(page, "forever");
    await expect.poll(() => output(page, "forever").innerText(), { timeout: 20_000 }).toMatch(/stopped after 2 s/i);
    // The restarted worker rebuilt the scope: a later cell that reads `scores` and `weights` runs.
    await runCell(page, "draw");
    await expect.poll(() => output(page, "draw").innerText(), { timeout: 20_000 }).toMatch(/weights has shape 2 x 3/);
    await expect.poll(() => page.locator("#cell-draw").getAttribute("data-state")).toBe("done");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("an error shows in its cell and the next run works", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    await typeIntoCell(page, "weights", "import { softmax } from \"transformer\";\nconst weights = softmax(scores, -1);\nweights.nonexistent()");
    await runCell(page, "weights");
    await expect.poll(() => output(page, "weights").innerText(), { timeout: 20_000 }).toMatch(/TypeError/);
    await expect.poll(() => output(page, "weights").innerText()).toMatch(/line 3/i);
    await page.getByRole("button", { name: "Reset cell weights to its original code" }).click();
    await runCell(page, "weights");
    await expect.poll(() => page.locator("#cell-weights").getAttribute("data-state"), { timeout: 20_000 }).toBe("done");
    await page.close();
  });

  it("an edit survives a reload, is marked, and Reset brings back the original", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    await typeIntoCell(page, "scores", "const scores = 42;\nscores");
    await page.reload({ waitUntil: "networkidle" });
    const cell = page.locator("#cell-scores");
    await expect.poll(() => cell.locator(".nb-code").innerText()).toContain("const scores = 42;");
    expect(await cell.locator(".nb-edited").isVisible()).toBe(true);
    await page.getByRole("button", { name: "Reset cell scores to its original code" }).click();
    await expect.poll(() => cell.locator(".nb-code, .cm-content").first().innerText()).toContain("tensor([");
    expect(await cell.locator(".nb-edited").isVisible()).toBe(false);
    await page.reload({ waitUntil: "networkidle" });
    expect(await cell.locator(".nb-edited").isVisible()).toBe(false);
    expect(await cell.locator(".nb-code").innerText()).toContain("tensor([");
    await page.close();
  });

  it("Use this solution puts the solution in the exercise and runs it and its check", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    await page.locator(".nb-solution summary").click();
    await page.getByRole("button", { name: "Use this solution in cell row-sums and run it" }).click();
    await expect.poll(() => page.locator("#cell-row-sums .cm-content").innerText()).toContain("reduce((total, x)");
    // No Run press: the button runs the exercise, and the check cell reads rowSums, so it reruns too.
    await expect
      .poll(() => page.locator("#cell-row-sums-check").getAttribute("data-state"), { timeout: 20_000 })
      .toBe("done");
    await expect.poll(() => output(page, "row-sums-check").innerText()).not.toMatch(/expected/);
    await page.close();
  });

  it("Run all runs every cell except the ones run by hand, and Shift+Enter runs the cell being edited", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    await page.getByRole("button", { name: "Run all cells" }).click();
    const state = (id: string) => page.locator(`#cell-${id}`).getAttribute("data-state");
    await expect.poll(() => state("row-sums-check"), { timeout: 30_000 }).toBe("done");
    for (const id of ["scores", "weights", "draw", "setup", "temperature", "row-sums"]) expect(await state(id), id).toBe("done");
    expect(await state("shapes")).toBe("error");
    expect(await state("forever")).toBeNull();

    await typeIntoCell(page, "scores", "import { tensor } from \"transformer\";\nconst scores = tensor([[5, 5, 5], [5, 5, 5]]);\nscores");
    await page.keyboard.press("Shift+Enter");
    await expect.poll(() => output(page, "weights").innerText(), { timeout: 20_000 }).toMatch(/0\.333/);
    await page.close();
  });
});
