/**
 * The reader's companions in a real browser, under the site's base path:
 * share links (copy, open without running, never overwrite a saved edit,
 * old or damaged links) and progress (solved exercise, marked chapter,
 * sidebar and home page, reload, reset).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Page } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";
import { launchBrowser, openChapter, type TestBrowser } from "./browser";
import { encodeSharedCell } from "../../src/notebook/page/share-link";
import { hashCode } from "../../src/notebook/page/persistence";

const siteUrl = inject("siteUrl");
const chapterUrl = siteUrl + "how-to-use/";
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
  await page.keyboard.insertText(code);
}

/** The code a cell shows (first view or editor). */
function codeOf(page: Page, cellId: string): Promise<string> {
  return page.locator(`#cell-${cellId} :is(.nb-code, .cm-content)`).first().innerText();
}

/** Counts the Workers the page creates (the notebook starts its worker on the first run, and only then). */
async function countWorkers(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const Original = window.Worker;
    (window as unknown as { workersStarted: number }).workersStarted = 0;
    window.Worker = class extends Original {
      constructor(...args: ConstructorParameters<typeof Worker>) {
        super(...args);
        (window as unknown as { workersStarted: number }).workersStarted++;
      }
    };
  });
}

function workersStarted(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { workersStarted: number }).workersStarted);
}

const sharedCode = 'import { tensor } from "transformer";\nconst scores = tensor([[7, 7, 7], [1, 2, 3]]); // shared\nscores';

describe("share links", () => {
  it("Copy link puts the edited code in the link, or shows the link in a field when the clipboard refuses", async () => {
    const { page, problems } = await openChapter(browser, chapterUrl);
    const copy = page.getByRole("button", { name: "Copy a link to cell scores with your code" });
    expect(await copy.isHidden()).toBe(true);
    await typeIntoCell(page, "scores", sharedCode);
    // A clipboard that takes the text, then one that refuses (as without permission).
    await page.evaluate(() => {
      const state = window as unknown as { copied: string; clipboardRefuses: boolean };
      state.clipboardRefuses = false;
      Object.defineProperty(navigator, "clipboard", {
        value: {
          writeText: async (text: string) => {
            if (state.clipboardRefuses) throw new DOMException("Write permission denied.", "NotAllowedError");
            state.copied = text;
          },
        },
      });
    });
    await copy.click();
    await expect.poll(() => page.locator("#cell-scores .nb-share-box").innerText()).toMatch(/Link copied/);
    const link = await page.evaluate(() => (window as unknown as { copied: string }).copied);
    expect(link).toMatch(new RegExp(`^${chapterUrl.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}#share=1z\\.[A-Za-z0-9_-]+$`));

    await page.evaluate(() => ((window as unknown as { clipboardRefuses: boolean }).clipboardRefuses = true));
    await copy.click();
    const field = page.getByLabel(/could not be copied automatically/);
    await expect.poll(() => field.inputValue()).toBe(link);
    expect(await field.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it("a shared link shows the code with a banner, scrolls to the cell and runs nothing until Run", async () => {
    const { page: first } = await openChapter(browser, chapterUrl);
    const link = await linkFor(first);
    const builtOutput = await first.locator("#cell-scores .nb-outputs").innerText();
    await first.close();
    const page = await browser.context.newPage();
    await countWorkers(page);
    await page.goto(link, { waitUntil: "networkidle" });
    const banner = page.locator("#cell-scores .nb-link-banner");
    await expect.poll(() => banner.innerText()).toMatch(/Code from a link: review it, then press Run/);
    expect(await banner.getAttribute("role")).toBe("status");
    expect(await banner.innerText()).not.toMatch(/older version/);
    expect(await codeOf(page, "scores")).toContain("// shared");
    expect(await page.locator("#cell-scores").evaluate((el) => el.getBoundingClientRect().top < innerHeight && el.getBoundingClientRect().bottom > 0)).toBe(true);
    // Give a worker every chance to start: none does, and the build's output stays.
    await page.waitForTimeout(1500);
    expect(await workersStarted(page)).toBe(0);
    expect(await page.locator("#cell-scores .nb-outputs").innerText()).toBe(builtOutput);
    expect(await page.locator("#cell-scores").getAttribute("data-state")).toBeNull();

    await page.getByRole("button", { name: "Run cell scores", exact: true }).click();
    await expect.poll(() => page.locator("#cell-scores").getAttribute("data-state"), { timeout: 30_000 }).toBe("done");
    await expect.poll(() => page.locator("#cell-scores .nb-outputs").innerText()).not.toBe(builtOutput);
    expect(await page.locator("#cell-scores .nb-outputs").innerText()).toMatch(/7/);
    expect(await workersStarted(page)).toBe(1);
    expect(await banner.count()).toBe(0);
    // Run saved the linked code as the reader's edit: it is there after a reload without the link.
    await page.goto(chapterUrl, { waitUntil: "networkidle" });
    await page.reload({ waitUntil: "networkidle" });
    expect(await page.locator("#cell-scores .nb-link-banner").count()).toBe(0);
    expect(await codeOf(page, "scores")).toContain("// shared");
    await page.close();
  }, 240_000);

  it("a link never overwrites the reader's saved edit without asking", async () => {
    const { page } = await openChapter(browser, chapterUrl);
    const link = await linkFor(page);
    await typeIntoCell(page, "scores", "const scores = 42; // mine\nscores");
    await page.goto(link, { waitUntil: "networkidle" });
    const banner = page.locator("#cell-scores .nb-link-banner");
    await expect.poll(() => banner.innerText()).toMatch(/you have your own saved edit/i);
    expect(await banner.locator("pre").innerText()).toContain("// shared");
    expect(await codeOf(page, "scores")).toContain("// mine");
    await banner.getByRole("button", { name: "Keep my edit" }).click();
    expect(await banner.count()).toBe(0);
    expect(await codeOf(page, "scores")).toContain("// mine");

    await page.reload({ waitUntil: "networkidle" });
    await page.locator("#cell-scores .nb-link-banner").getByRole("button", { name: "Use the linked code" }).click();
    await expect.poll(() => codeOf(page, "scores")).toContain("// shared");
    await expect.poll(() => page.locator("#cell-scores .nb-link-banner").innerText()).toMatch(/review it, then press Run/);
    await page.close();
  }, 240_000);

  it("a link from an older chapter says so; a gone cell or a damaged link gets a notice and changes nothing", async () => {
    const { page, problems } = await openChapter(browser, chapterUrl);
    await page.goto(`${chapterUrl}#${await encodeSharedCell({ cell: "scores", base: "oldversion1", code: sharedCode })}`, { waitUntil: "networkidle" });
    await expect.poll(() => page.locator("#cell-scores .nb-link-banner").innerText()).toMatch(/older version of this cell/);
    expect(await codeOf(page, "scores")).toContain("// shared");

    // The same page, another link: only the fragment changes, and the page still opens it.
    await page.evaluate(() => localStorage.clear());
    await page.goto(chapterUrl, { waitUntil: "networkidle" });
    await page.reload({ waitUntil: "networkidle" });
    const gone = await encodeSharedCell({ cell: "removed-cell", base: "abc", code: "const gone = 1; // from the old chapter" });
    await page.evaluate((hash) => (location.hash = hash), gone);
    const notice = page.locator(".nb-link-notice");
    await expect.poll(() => notice.innerText()).toMatch(/cell removed-cell, which this chapter no longer has/);
    expect(await notice.locator("pre").innerText()).toContain("const gone = 1;");
    await expect.poll(() => notice.getByRole("button", { name: "Copy the code" }).count()).toBe(1);

    const before = await codeOf(page, "scores");
    await page.evaluate(() => (location.hash = "share=1z.this-is-not-deflate"));
    await expect.poll(() => page.locator(".nb-link-notice").innerText()).toMatch(/could not be opened: it is damaged/);
    expect(await page.locator(".nb-link-notice").count()).toBe(1);
    expect(await codeOf(page, "scores")).toBe(before);
    expect(await page.locator("nb-cell[data-edited]").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);
});

describe("accessibility", () => {
  it("the link banner, the chapter notice, the copy box and the progress controls pass axe in light and dark", async () => {
    for (const theme of ["light", "dark"]) {
      const { page } = await openChapter(browser, chapterUrl);
      await page.evaluate((t) => localStorage.setItem("starlight-theme", t), theme);
      await typeIntoCell(page, "scores", "const scores = 42; // mine\nscores");
      await page.evaluate(() => localStorage.setItem("nb-progress:v1", JSON.stringify({ version: 1, chapters: { "how-to-use": { solved: ["row-sums"], marked: true } } })));
      await page.goto(await linkFor(page), { waitUntil: "networkidle" });
      await page.reload({ waitUntil: "networkidle" });
      await page.locator("#cell-scores .nb-link-banner").waitFor();
      await page.evaluate("Object.defineProperty(navigator, 'clipboard', { value: { writeText: () => Promise.reject(new Error('denied')) } })");
      await page.getByRole("button", { name: "Copy a link to cell scores with your code" }).click();
      await page.locator("#cell-scores .nb-share-url").waitFor();
      await page.evaluate(async (hash) => (location.hash = hash), await encodeSharedCell({ cell: "gone", base: "abc", code: "const gone = 1;" }));
      await page.locator(".nb-link-notice").waitFor();
      expect(await axeViolations(page, ["#cell-scores", ".nb-link-notice", "nb-chapter-progress", "#starlight__sidebar"]), theme).toEqual([]);

      await page.goto(siteUrl, { waitUntil: "networkidle" });
      await page.getByRole("button", { name: "Reset progress" }).click();
      expect(await axeViolations(page, ["nb-course-progress", ".chapter-list"]), theme).toEqual([]);
      await page.close();
    }
  }, 400_000);
});

describe("progress", () => {
  it("a solved exercise and a marked chapter show in the sidebar and on the home page, survive a reload, and Reset clears them", async () => {
    const { page, problems } = await openChapter(browser, chapterUrl);
    const status = page.locator("nb-chapter-progress .nb-chapter-progress-text");
    await expect.poll(() => status.innerText()).toBe("0 of 1 exercise solved. Solve them all, or mark the chapter as done.");

    await page.locator('[data-solution-for="row-sums"] summary').click();
    await page.getByRole("button", { name: "Use this solution in cell row-sums and run it" }).click();
    await expect.poll(() => page.locator("#cell-row-sums-check .nb-outputs").innerText(), { timeout: 30_000 }).toMatch(/Passed/);
    await expect.poll(() => status.innerText()).toBe("1 of 1 exercise solved. This chapter is done.");
    const sidebarLink = (p: Page, title: RegExp) => p.locator("#starlight__sidebar").getByRole("link", { name: title });
    await expect.poll(() => sidebarLink(page, /^How to use.*\(done\)$/).count()).toBe(1);

    await page.reload({ waitUntil: "networkidle" });
    await expect.poll(() => status.innerText()).toBe("1 of 1 exercise solved. This chapter is done.");
    await expect.poll(() => sidebarLink(page, /^How to use.*\(done\)$/).count()).toBe(1);

    // A chapter marked by hand (with the keyboard).
    await page.goto(siteUrl + "softmax/", { waitUntil: "networkidle" });
    const mark = page.getByRole("button", { name: "Mark chapter as done" });
    expect(await mark.getAttribute("aria-pressed")).toBe("false");
    await mark.focus();
    await page.keyboard.press("Enter");
    await expect.poll(() => mark.getAttribute("aria-pressed")).toBe("true");
    await expect.poll(() => sidebarLink(page, /\(done\)$/).count()).toBe(2);

    await page.goto(siteUrl, { waitUntil: "networkidle" });
    const summary = page.locator("nb-course-progress .nb-course-progress-text");
    await expect.poll(() => summary.innerText()).toMatch(/^You have done 2 of \d+ chapters and solved 1 of \d+ exercises\.$/);
    expect(await page.locator(".chapter-list a[data-done]").count()).toBe(2);

    await page.getByRole("button", { name: "Reset progress" }).click();
    await page.getByRole("button", { name: "Cancel" }).click();
    expect(await page.locator(".chapter-list a[data-done]").count()).toBe(2);
    await page.getByRole("button", { name: "Reset progress" }).click();
    await page.getByRole("button", { name: "Yes, reset progress" }).click();
    await expect.poll(() => summary.innerText()).toMatch(/^No chapter done yet/);
    expect(await page.locator(".chapter-list a[data-done]").count()).toBe(0);

    await page.reload({ waitUntil: "networkidle" });
    await expect.poll(() => summary.innerText()).toMatch(/^No chapter done yet/);
    await page.goto(chapterUrl, { waitUntil: "networkidle" });
    await expect.poll(() => status.innerText()).toMatch(/^0 of 1 exercise solved/);
    expect(await page.locator("#starlight__sidebar .nb-done-mark").count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);

  it("a corrupt stored progress is reported once and removed", async () => {
    // No other tab that could read (and remove) the entry first.
    for (const open of browser.context.pages()) await open.close();
    const { page, problems } = await openChapter(browser, siteUrl);
    await page.evaluate(() => localStorage.setItem("nb-progress:v1", "{not json"));
    await page.reload({ waitUntil: "networkidle" });
    await expect.poll(() => page.locator("nb-course-progress .nb-progress-note").innerText()).toMatch(/could not be read and was removed/);
    expect(await page.evaluate(() => localStorage.getItem("nb-progress:v1"))).toBeNull();
    await page.reload({ waitUntil: "networkidle" });
    expect(await page.locator("nb-course-progress .nb-progress-note").isHidden()).toBe(true);
    expect(problems).toEqual([]);
    await page.close();
  }, 240_000);
});

/** Serious or critical axe violations inside the given parts of the page. */
async function axeViolations(page: Page, selectors: string[]): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(selectors).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
}

/** A link to the chapter that shares `sharedCode` for cell `scores`, made from the cell's current original code. */
async function linkFor(page: Page): Promise<string> {
  const original = (await page.locator("#cell-scores").getAttribute("data-code")) ?? "";
  return `${chapterUrl}#${await encodeSharedCell({ cell: "scores", base: hashCode(original), code: sharedCode })}`;
}
