/**
 * The cell editor in a real browser, on the "How to use this course" chapter:
 * no keystroke is lost between the reader reaching the code and the editor
 * arriving (no waiting between the click and the typing, also with the
 * editor's download held back by a second), and the library's documentation
 * at the cursor (completions, hover, signature help, unknown names).
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

/** How long a poll may wait: generous, the machine running the tests may be busy. */
const WAIT = { timeout: 20_000 };

/** 20 characters without brackets or quotes (the editor closes those; the first view does not). */
const TYPED = " // abcdefghijklmnop";

/** The code the cell holds now (what Run would run). */
function codeOf(page: Page, cellId: string): Promise<string> {
  return page.evaluate((id) => (document.getElementById(`cell-${id}`) as HTMLElement & { currentCode: string }).currentCode, cellId);
}

function originalOf(page: Page, cellId: string): Promise<string> {
  return page.evaluate((id) => document.getElementById(`cell-${id}`)!.dataset.code!, cellId);
}

/** Resolves once CodeMirror has taken over the cell's code and has the focus. */
async function editorTookOver(page: Page, cellId: string): Promise<void> {
  const content = page.locator(`#cell-${cellId} .cm-content`);
  await content.waitFor({ timeout: 30_000 });
  await expect.poll(() => content.evaluate((el) => el.contains(document.activeElement)), WAIT).toBe(true);
}

/** Clicks just right of the end of the code's first line (the caret goes to the end of that line). */
async function clickEndOfFirstLine(page: Page, cellId: string): Promise<void> {
  await page.locator(`#cell-${cellId} .nb-code`).scrollIntoViewIfNeeded();
  // The first line's box: the code's text up to its first line break.
  const box = await page.locator(`#cell-${cellId} .nb-code`).evaluate((surface) => {
    const texts = document.createTreeWalker(surface, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    range.setStart(texts.nextNode()!, 0);
    texts.currentNode = surface;
    for (let node = texts.nextNode() as Text | null; node; node = texts.nextNode() as Text | null) {
      const end = node.data.indexOf("\n");
      range.setEnd(node, end >= 0 ? end : node.data.length);
      if (end >= 0) break;
    }
    const { x, y, width, height } = range.getBoundingClientRect();
    return { x, y, width, height };
  });
  const code = (await page.locator(`#cell-${cellId} .nb-code`).boundingBox())!;
  await page.mouse.click(Math.min(code.x + code.width - 8, box.x + box.width + 40), box.y + box.height / 2);
}

/** Holds back every script requested from now on by `ms` (the editor module and what it imports). */
async function delayScripts(page: Page, ms: number): Promise<void> {
  await page.route(/\.js(\?.*)?$/, async (route) => {
    await new Promise((resolve) => setTimeout(resolve, ms));
    await route.continue();
  });
}

describe("every key lands", () => {
  it("a click and 20 characters at full speed: the editor holds exactly them, where the click put the caret", async () => {
    const { page, problems } = await openChapter(browser, chapterUrl);
    const original = await originalOf(page, "weights");
    await clickEndOfFirstLine(page, "weights");
    await page.keyboard.type(TYPED);
    await editorTookOver(page, "weights");
    const [first, ...rest] = original.split("\n");
    await expect.poll(() => codeOf(page, "weights"), WAIT).toBe([first + TYPED, ...rest].join("\n"));
    expect(await page.locator("#cell-weights .cm-content").innerText()).toContain(first + TYPED);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("Ctrl+A right after the click selects the whole cell, and typing replaces it", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    await page.locator("#cell-weights .nb-code").click();
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.type("const weights = 7;");
    await editorTookOver(page, "weights");
    await expect.poll(() => codeOf(page, "weights"), WAIT).toBe("const weights = 7;");
    await page.close();
  });

  it("Tab to the code and type: the first key is kept, before and after the editor has loaded", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    const original = await originalOf(page, "weights");
    await page.locator("#cell-weights .nb-anchor").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Code of cell weights");
    await page.keyboard.type("xyz");
    await editorTookOver(page, "weights");
    await expect.poll(() => codeOf(page, "weights"), WAIT).toBe("xyz" + original);

    // The editor is loaded now; the next cell's code still keeps its first key.
    const draw = await originalOf(page, "draw");
    await page.locator("#cell-draw .nb-anchor").focus();
    await page.keyboard.press("Tab");
    await page.keyboard.type("abc");
    await editorTookOver(page, "draw");
    await expect.poll(() => codeOf(page, "draw"), WAIT).toBe("abc" + draw);
    await page.close();
  });

  it("with the editor's download held back by 1 s: a loading sign, and nothing typed or selected is lost", async () => {
    const { page, problems } = await openChapter(browser, chapterUrl);
    await delayScripts(page, 1000);
    const original = await originalOf(page, "weights");
    await clickEndOfFirstLine(page, "weights");
    await page.keyboard.type(TYPED);
    await expect.poll(() => page.locator("#cell-weights").getAttribute("data-editor-loading"), WAIT).toBe("");
    expect(await page.locator("#cell-weights .nb-editor-loading").innerText()).toMatch(/Loading the editor/);
    await page.keyboard.press("Shift+Home");
    await page.keyboard.type("// first line replaced");
    await editorTookOver(page, "weights");
    const [, ...rest] = original.split("\n");
    await expect.poll(() => codeOf(page, "weights"), WAIT).toBe(["// first line replaced", ...rest].join("\n"));
    expect(await page.locator("#cell-weights").getAttribute("data-editor-loading")).toBeNull();
    // Typing goes on in the editor, after what was typed before it arrived.
    await page.keyboard.type(" ok");
    await expect.poll(() => codeOf(page, "weights"), WAIT).toBe(["// first line replaced ok", ...rest].join("\n"));
    expect(problems).toEqual([]);
    await page.close();
  });

  it("announces how to leave: the hint is shown while editing and describes the code", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    const hint = page.locator("#cell-weights .nb-editor-keys");
    expect(await hint.isVisible()).toBe(false);
    await page.locator("#cell-weights .nb-code").click();
    await editorTookOver(page, "weights");
    expect(await hint.isVisible()).toBe(true);
    expect(await hint.innerText()).toMatch(/Escape then Tab leaves the editor/);
    const describedBy = await page.locator("#cell-weights .cm-content").getAttribute("aria-describedby");
    expect(describedBy).toBe(await hint.getAttribute("id"));
    // Escape then Tab moves on to the next control instead of indenting.
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.closest(".cm-content"))).toBeNull();
    await page.close();
  });
});

describe("the library's documentation at the cursor", () => {
  /** Opens the editor on the weights cell and replaces its code. */
  async function editWeights(page: Page, code: string): Promise<void> {
    await page.locator("#cell-weights .nb-code").click();
    await editorTookOver(page, "weights");
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText(code);
  }

  it("typing `soft` lists softmax with its signature", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    await editWeights(page, 'import { softmax } from "transformer";\nconst w = ');
    await page.keyboard.type("soft");
    const list = page.getByRole("listbox");
    await list.waitFor({ timeout: 15_000 });
    const option = list.getByRole("option").filter({ hasText: /^softmax/ }).first();
    expect(await option.innerText()).toMatch(/softmax\s*\(x: Tensor, axis = -1\) → Tensor/);
    // The info panel beside the list shows the first sentence of its TSDoc.
    await expect.poll(() => page.locator(".cm-completionInfo").innerText(), WAIT).toMatch(/along axis/);
    // Choosing it completes the name; a library name not yet imported gets imported too.
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.insertText("const m = ");
    await page.keyboard.type("causalMa");
    await list.getByRole("option").filter({ hasText: /^causalMask/ }).first().waitFor();
    // CodeMirror ignores Enter for 75 ms after the list opens or changes (its
    // interactionDelay, against picking by accident while typing fast): a
    // reader pauses that long before choosing; without the pause Enter is a newline.
    await page.waitForTimeout(200);
    await page.keyboard.press("Enter");
    await expect.poll(() => codeOf(page, "weights"), WAIT).toBe('import { causalMask } from "transformer";\nconst m = causalMask');
    await page.close();
  });

  it("hovering `attention` shows its TSDoc summary", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    await editWeights(page, 'import { attention } from "transformer";\nattention');
    const line = page.locator("#cell-weights .cm-line").nth(1);
    const box = (await line.boundingBox())!;
    const word = (await line.locator("span").first().boundingBox()) ?? box;
    await page.mouse.move(word.x + word.width / 2, word.y + word.height / 2);
    const tooltip = page.locator(".cm-tooltip-hover");
    await tooltip.waitFor({ timeout: 15_000 });
    expect(await tooltip.innerText()).toMatch(/Scaled dot-product attention/);
    expect(await tooltip.innerText()).toMatch(/attention\(q: Tensor, k: Tensor, v: Tensor/);
    await page.close();
  });

  it("inside a call, the parameter being typed is highlighted", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    await editWeights(page, 'import { softmax } from "transformer";\nsoftmax(scores');
    const help = page.locator(".nb-signature-help");
    await help.waitFor({ timeout: 15_000 });
    expect(await help.locator(".nb-signature-active").innerText()).toBe("x: Tensor");
    await page.keyboard.type(", ");
    await expect.poll(() => help.locator(".nb-signature-active").innerText(), WAIT).toBe("axis: number = -1");
    await page.close();
  });

  it("`sofmax(x)` is underlined with the suggestion", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    await editWeights(page, 'import { softmax } from "transformer";\nconst x = scores;\nsofmax(x)');
    const mark = page.locator("#cell-weights .cm-lintRange-error");
    await mark.waitFor({ timeout: 15_000 });
    expect(await mark.innerText()).toBe("sofmax");
    await mark.hover();
    const tooltip = page.locator(".cm-tooltip-lint");
    await tooltip.waitFor({ timeout: 15_000 });
    expect(await tooltip.innerText()).toMatch(/unknown name sofmax — did you mean softmax\?/);
    // `scores` comes from the cell above and `softmax` is imported: only the typo is marked.
    expect(await page.locator("#cell-weights .cm-lintRange-error").count()).toBe(1);
    await page.close();
  });
});
