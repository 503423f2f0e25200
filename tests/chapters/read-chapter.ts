/**
 * Reads a chapter's cells the way the build does: the MDX is parsed by
 * remark with the MDX and math syntax, and the build's own `remarkCells` step
 * (with `prerender: false`) turns the tree's fences into cell definitions.
 */
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkMdx from "remark-mdx";
import remarkMath from "remark-math";
import { VFile } from "vfile";
import { remarkCells } from "../../src/integrations/remark-cells";
import type { CellDefinition } from "../../src/notebook/compile/cells";

/** Frontmatter replaced by blank lines, as Astro's MDX integration does, so that fence lines stay the file's lines. */
function blankFrontmatter(source: string): string {
  return source.replace(/^---\r?\n[\s\S]*?\r?\n---(?=\r?\n|$)/, (block) => block.replace(/[^\r\n]/g, " "));
}

/** The cells and solutions of the chapter at `path` (inside `docsDir`), in page order. */
export async function readChapterCells(path: string, source: string, docsDir: string, publicDir: string): Promise<CellDefinition[]> {
  const file = new VFile({ path, value: blankFrontmatter(source) });
  const processor = unified().use(remarkParse).use(remarkMdx).use(remarkMath).use(remarkCells, { docsDir, publicDir, prerender: false });
  await processor.run(processor.parse(file), file);
  return file.data.cells ?? [];
}
