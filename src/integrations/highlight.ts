/**
 * Build-time syntax highlighting of cell code with Shiki, in a light and a dark
 * theme at once (CSS in `src/styles/notebook.css` picks one from Starlight's
 * `data-theme`). The GitHub themes are used because their colours keep a 4.5:1
 * contrast on their own backgrounds. The markup is compacted (see
 * `shiki-compact.ts`): one element per run of coloured text, no line wrappers.
 *
 * Shiki's grammar takes several seconds of CPU time for the course's 176 code
 * blocks, so the build highlights on its build thread
 * (`src/notebook/build/build-thread.ts`), beside Vite and Rollup on the main
 * thread instead of between them.
 */
import { createHighlighter, type Highlighter } from "shiki";
import { compactTokens } from "./shiki-compact.ts";
import { inBuildThread } from "../notebook/build/build-thread.ts";

let highlighter: Promise<Highlighter> | undefined;

/** The code as a Shiki `<pre class="shiki">` in both themes (`--shiki-dark` holds the dark colours), highlighted on this thread. */
export async function highlightHere(code: string): Promise<string> {
  highlighter ??= createHighlighter({ themes: ["github-light-default", "github-dark-default"], langs: ["typescript"] });
  return (await highlighter).codeToHtml(code, {
    lang: "typescript",
    themes: { light: "github-light-default", dark: "github-dark-default" },
    // Shiki gives up on a line after 500 ms and leaves the rest as one token: on a busy build
    // machine the first line highlighted (while the grammar's patterns compile) came out all red.
    tokenizeTimeLimit: 0,
    transformers: [compactTokens()],
  });
}

/** The code as a Shiki `<pre class="shiki">` in both themes, highlighted on the build thread. */
export const highlightTypeScript = inBuildThread("highlightHere", highlightHere);
