/**
 * Remark plugin: turns a chapter's ```` ```ts cell ```` fences into `<Cell>`
 * elements with their output already rendered, and ```` ```ts solution for=X ````
 * fences into revealable `<Solution>` elements.
 *
 * The cells come from the MDX tree only: each `code` node's info string,
 * value and position become a cell definition (`cellsFromFences`), so a fence
 * inside a four-backtick example stays an example. The definitions are left in
 * `file.data.cells`; with `prerender: false` the plugin stops there, which is
 * how the chapter tests read chapters through the same step as the build.
 *
 * At build time the chapter's cells run in Node with the same runtime the
 * browser uses, through the build's worker pool and output cache
 * (`prerenderChapter`), and their outputs are rendered with the same renderers,
 * so a page reads completely before any script runs. A cell that throws fails
 * the build, unless it is marked `expect-error`: the build is the chapters' test.
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
import { cellsFromFences, fenceKind, type CellDefinition } from "../notebook/compile/cells.ts";
import { prerenderChapter } from "../notebook/build/prerender.ts";
import { siteBuildContext, type BuildContext } from "../notebook/build/context.ts";
import { highlightTypeScript } from "./highlight.ts";

/** Options given in `astro.config.mjs`. */
export interface RemarkCellsOptions {
  /** Absolute path of `src/content/docs/`: only chapters there are processed. */
  docsDir: string;
  /** Absolute path of `public/`, where cells' assets (shipped weights) live at build time. */
  publicDir: string;
  /** False: only collect the cells into `file.data.cells` (the chapter tests); default true. */
  prerender?: boolean;
  /** The pool, cache and counters to use (default: the site build's, `siteBuildContext()`). */
  build?: BuildContext;
}

declare module "vfile" {
  interface DataMap {
    /** The chapter's cells and solutions in page order, set by `remarkCells`. */
    cells: CellDefinition[];
  }
}

const COMPONENTS_DIR = fileURLToPath(new URL("../components/", import.meta.url));

/** A chapter is a top-level `.mdx` file of the docs folder. */
function chapterSlug(filePath: string | undefined, docsDir: string): string | undefined {
  if (!filePath || !filePath.endsWith(".mdx")) return undefined;
  const rel = relative(resolve(docsDir), resolve(filePath));
  if (rel.startsWith("..") || rel.includes(sep)) return undefined;
  return parsePath(rel).name;
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

/** The remark plugin (see the module comment). */
export function remarkCells(options: RemarkCellsOptions) {
  return async function transform(tree: Root, file: VFile): Promise<void> {
    const chapter = chapterSlug(file.path, options.docsDir);
    if (!chapter) return;

    const fences: { node: Code; parent: Parent; index: number }[] = [];
    visit(tree, "code", (node: Code, index, parent) => {
      if (fenceKind(node) && parent && index !== undefined) fences.push({ node, parent, index });
    });
    const cells = cellsFromFences(
      fences.map(({ node }) => ({ lang: node.lang, meta: node.meta, value: node.value, line: node.position?.start.line ?? 0 })),
      chapter,
    );
    file.data.cells = cells;
    if (cells.length === 0 || options.prerender === false) return;

    const outputs = await prerenderChapter(cells, { chapter, publicDir: options.publicDir }, options.build ?? siteBuildContext());

    for (const [position, fence] of fences.entries()) {
      const cell = cells[position];
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
