/**
 * Builds Starlight's sidebar from the chapters' `order` frontmatter, so adding
 * a chapter is adding one MDX file (no list to keep in sync in the config).
 *
 * Runs when `astro.config.mjs` is loaded, before the content collection
 * exists, so it reads the frontmatter itself. Only the `order:` line is
 * needed: titles come from Starlight, which reads them from the page.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, parse } from "node:path";

/** One chapter as the sidebar needs it. */
export interface ChapterEntry {
  /** Page slug: the file name without `.mdx` (`how-to-use`). */
  slug: string;
  /** Position in the course, from the frontmatter's `order`. */
  order: number;
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---/;
const ORDER_LINE = /^order:\s*(\d+)\s*$/m;

/** Reads `order` from an MDX file's frontmatter; `undefined` for pages that are not chapters (the home page). */
export function readChapterOrder(source: string): number | undefined {
  const frontmatter = FRONTMATTER.exec(source)?.[1];
  const order = frontmatter ? ORDER_LINE.exec(frontmatter)?.[1] : undefined;
  return order === undefined ? undefined : Number(order);
}

/** The chapters in `docsDir` (top level only), sorted by `order`; throws when two chapters share an order. */
export function listChapters(docsDir: string): ChapterEntry[] {
  const chapters: ChapterEntry[] = [];
  for (const name of readdirSync(docsDir)) {
    if (!/\.mdx?$/.test(name)) continue;
    const order = readChapterOrder(readFileSync(join(docsDir, name), "utf8"));
    if (order !== undefined) chapters.push({ slug: parse(name).name, order });
  }
  chapters.sort((a, b) => a.order - b.order);
  for (let i = 1; i < chapters.length; i++) {
    if (chapters[i].order === chapters[i - 1].order) {
      throw new Error(`chapters ${chapters[i - 1].slug} and ${chapters[i].slug} both have order ${chapters[i].order}`);
    }
  }
  return chapters;
}

/** Starlight sidebar entries (`{ slug }` links) for the chapters in `docsDir`, in course order. */
export function chapterSidebar(docsDir: string): { slug: string }[] {
  return listChapters(docsDir).map(({ slug }) => ({ slug }));
}
