/**
 * Remark plugin: turns a chapter's ```` ```ts cell ```` fences into `<Cell>`
 * elements with their output already rendered, and ```` ```ts solution for=X ````
 * fences into revealable `<Solution>` elements.
 *
 * At build time it runs all of the chapter's cells in Node with the same runtime
 * the browser uses (`runCellsInNode`) and renders their outputs with the same
 * renderers (`renderOutputsToHtml`), so a page reads completely before any script
 * runs. A cell that throws fails the build, unless it is marked `expect-error`:
 * the build is the chapters' test.
 *
 * Only top-level `.mdx` files of the docs folder that contain cells are touched.
 */
import { relative, resolve, sep, parse as parsePath } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseJs } from "acorn";
import { visit } from "unist-util-visit";
import type { Code, Parent, Root, RootContent } from "mdast";
import type { MdxJsxFlowElement } from "mdast-util-mdx-jsx";
import type { MdxjsEsm } from "mdast-util-mdxjs-esm";
import type { VFile } from "vfile";
import { extractCells, type CellDefinition } from "../notebook/cells.ts";
import { runCellsInNode } from "../notebook/node-runner.ts";
import { renderOutputsToHtml } from "../notebook/render/html.ts";
import type { Output } from "../notebook/protocol.ts";
import { highlightTypeScript } from "./highlight.ts";

/** Options given in `astro.config.mjs`. */
export interface RemarkCellsOptions {
  /** Absolute path of `src/content/docs/`: only chapters there are processed. */
  docsDir: string;
  /** Absolute path of `public/`, where cells' assets (shipped weights) live at build time. */
  publicDir: string;
}

const COMPONENTS_DIR = fileURLToPath(new URL("../components/", import.meta.url));

/** A chapter is a top-level `.mdx` file of the docs folder. */
function chapterSlug(filePath: string | undefined, docsDir: string): string | undefined {
  if (!filePath || !filePath.endsWith(".mdx")) return undefined;
  const rel = relative(resolve(docsDir), resolve(filePath));
  if (rel.startsWith("..") || rel.includes(sep)) return undefined;
  return parsePath(rel).name;
}

function isCellFence(node: Code): boolean {
  return (node.lang === "ts" || node.lang === "typescript") && /^(cell|solution)\b/.test(node.meta ?? "");
}

/** A JSX element `<Name a="…" …/>` with string attributes. */
function jsxElement(name: string, attributes: Record<string, string>): MdxJsxFlowElement {
  return {
    type: "mdxJsxFlowElement",
    name,
    attributes: Object.entries(attributes).map(([key, value]) => ({ type: "mdxJsxAttribute", name: key, value })),
    children: [],
  };
}

/** `import Name from "…/components/Name.astro"` as an MDX ESM node (MDX needs its ESTree). */
function importComponent(name: string): MdxjsEsm {
  const value = `import ${name} from ${JSON.stringify(COMPONENTS_DIR + name + ".astro")};`;
  const estree = parseJs(value, { ecmaVersion: "latest", sourceType: "module" });
  return { type: "mdxjsEsm", value, data: { estree: estree as never } };
}

/** The build error for a cell: `chapter X, cell Y, line L: message` with L the line in the MDX file. */
function cellFailure(cell: CellDefinition, message: string, lineInCell?: number): Error {
  const line = cell.line + (lineInCell ?? 1);
  return new Error(`chapter ${cell.chapter}, cell ${cell.id}, line ${line}: ${message}`);
}

/** What a pre-rendered check that fails says (the reader has not tried the exercise yet). */
export const NOT_ATTEMPTED = "Run this check after your attempt: it will say what is right and what to fix.";

/** Runs the chapter's cells and returns each cell's pre-rendered output HTML by id. */
async function prerenderOutputs(cells: CellDefinition[], chapter: string, publicDir: string): Promise<Map<string, string>> {
  const runnable = cells.filter((cell) => cell.kind === "cell");
  const results = await runCellsInNode(runnable, { chapter, publicDir });
  const byId = new Map(runnable.map((cell) => [cell.id, cell]));
  const html = new Map<string, string>();
  for (const result of results) {
    const cell = byId.get(result.id)!;
    if (result.error && !cell.options.expectError) {
      throw cellFailure(cell, `${result.error.name}: ${result.error.message}`, result.error.line);
    }
    if (!result.error && cell.options.expectError && !result.skipped) {
      throw cellFailure(cell, "the cell is marked expect-error but did not throw");
    }
    // At build time an exercise holds its starting code, so a failing check's diagnosis would only give the answer away.
    const outputs: Output[] = result.outputs.map((o) => (o.kind === "check" && !o.passed ? { ...o, message: NOT_ATTEMPTED } : o));
    if (result.error && !outputs.some((output) => output.kind === "error")) outputs.push({ kind: "error", error: result.error });
    html.set(result.id, renderOutputsToHtml(outputs));
  }
  return html;
}

/** The remark plugin (see the module comment). */
export function remarkCells(options: RemarkCellsOptions) {
  return async function transform(tree: Root, file: VFile): Promise<void> {
    const chapter = chapterSlug(file.path, options.docsDir);
    if (!chapter) return;

    const fences: { node: Code; parent: Parent; index: number }[] = [];
    visit(tree, "code", (node: Code, index, parent) => {
      if (isCellFence(node) && parent && index !== undefined) fences.push({ node, parent, index });
    });
    if (fences.length === 0) return;

    const cells = extractCells(String(file.value), chapter);
    if (cells.length !== fences.length) {
      throw new Error(`chapter ${chapter}: found ${fences.length} cell fences but the cell parser found ${cells.length}`);
    }
    const outputs = await prerenderOutputs(cells, chapter, options.publicDir);

    for (const [position, fence] of fences.entries()) {
      const cell = cells[position];
      if (cell.code !== fence.node.value) {
        throw new Error(`chapter ${chapter}, cell ${cell.id}, line ${cell.line}: the fence parsed differently by MDX and by the cell parser`);
      }
      const codeHtml = await highlightTypeScript(cell.code);
      const element =
        cell.kind === "cell"
          ? jsxElement("Cell", {
              chapter,
              id: cell.id,
              code: cell.code,
              codeHtml,
              outputHtml: outputs.get(cell.id) ?? "",
              options: JSON.stringify(cell.options),
            })
          : jsxElement("Solution", { for: cell.options.solutionFor!, code: cell.code, codeHtml });
      fence.parent.children[fence.index] = element as (typeof fence.parent.children)[number];
    }

    const header: RootContent[] = [
      importComponent("Cell"),
      importComponent("Solution"),
      importComponent("NotebookBar"),
      jsxElement("NotebookBar", { chapter, cells: String(cells.filter((cell) => cell.kind === "cell").length) }),
    ];
    tree.children.unshift(...header);
  };
}
