/**
 * The build's highlighted code is compacted (one element per run of coloured
 * text, no line wrappers) without changing what the reader sees or edits:
 * every character keeps its light and dark colour, measured against Shiki's
 * own uncompacted output, and the text is the cell's code exactly. The first
 * code highlighted in a build is coloured like any other (Shiki's time limit
 * per line once cut it short while its grammar compiled). The build thread
 * highlights as the calling thread would, for many requests at once.
 */
import { describe, expect, it } from "vitest";
import { parseHTML } from "linkedom";
import { createHighlighter } from "shiki";
import { highlightHere, highlightTypeScript } from "../../../src/integrations/highlight";

const CELL = [
  'import { randn, softmax, matmul } from "transformer";',
  "",
  "// Scores of 8 queries against 8 keys, scaled.",
  "const d = 16;",
  "const scores = matmul(randn([8, d], { seed: 1 }), randn([d, 8], { seed: 2 })); // [8, 8]",
  "const weights = softmax(scores.div(Math.sqrt(d)), -1);",
  "/* a block",
  "   comment */",
  "\tweights;   ",
  "display(heatmap(weights, { title: `weights ${weights.shape}` }));",
].join("\n");

/** Shiki's own markup for the code, from a warmed-up highlighter of its own. */
async function reference(code: string): Promise<string> {
  const highlighter = await createHighlighter({ themes: ["github-light-default", "github-dark-default"], langs: ["typescript"] });
  const options = { lang: "typescript", themes: { light: "github-light-default", dark: "github-dark-default" }, tokenizeTimeLimit: 0 };
  highlighter.codeToHtml(code, options);
  return highlighter.codeToHtml(code, options);
}

/** Each character of the code with the colours it is drawn in (light, dark), read from the nearest styled ancestor. */
function colouredCharacters(html: string): { text: string; colours: string[] } {
  const { document } = parseHTML(`<!doctype html><html><body>${html}</body></html>`);
  const code = document.querySelector("pre code")!;
  const colours: string[] = [];
  let text = "";
  const styleOf = (element: Element | null): string => {
    for (let e = element; e; e = e.parentElement) {
      const style = e.getAttribute("style");
      if (style) {
        const light = /(?:^|;)color:([^;]+)/i.exec(style)?.[1];
        const dark = /--shiki-dark:([^;]+)/i.exec(style)?.[1];
        if (light && dark) return `${light}/${dark}`.toLowerCase();
      }
    }
    return "none";
  };
  const walk = (node: Node) => {
    if (node.nodeType === 3) {
      const value = (node as Text).data;
      text += value;
      for (const ch of value) colours.push(ch.trim() ? styleOf(node.parentElement) : "blank");
    }
    node.childNodes.forEach(walk);
  };
  walk(code);
  return { text, colours };
}

describe("highlighted code", () => {
  // First in the file: the highlighter's first call.
  it("colours the first code highlighted like the same code later", async () => {
    const first = await highlightTypeScript(CELL);
    expect(await highlightTypeScript(CELL)).toBe(first);
  });

  it("keeps the code's exact text and every character's light and dark colour", async () => {
    const compact = await highlightTypeScript(CELL);
    const ours = colouredCharacters(compact);
    const theirs = colouredCharacters(await reference(CELL));
    expect(ours.text).toBe(CELL);
    expect(theirs.text).toBe(CELL);
    expect(ours.colours).toEqual(theirs.colours);
  });

  it("has no line wrappers, no default-coloured or blank token and no two same-styled neighbours", async () => {
    const { document } = parseHTML(`<!doctype html><html><body>${await highlightTypeScript(CELL)}</body></html>`);
    const pre = document.querySelector("pre.shiki")!;
    const plain = /(?:^|;)color:([^;]+)/i.exec(pre.getAttribute("style")!)![1].toLowerCase();
    const spans = [...pre.querySelectorAll("span")];
    expect(spans.filter((s) => s.classList.contains("line"))).toEqual([]);
    for (const span of spans) {
      expect(span.parentElement!.tagName, "a token sits directly in <code>").toBe("CODE");
      expect(span.textContent!.trim(), "a blank token").not.toBe("");
      expect(/(?:^|;)color:([^;]+)/i.exec(span.getAttribute("style")!)![1].toLowerCase(), `"${span.textContent}" in the default colour`).not.toBe(plain);
      const next = span.nextSibling;
      if (next?.nodeType === 1) expect((next as Element).getAttribute("style"), `"${span.textContent}" and its neighbour share a style`).not.toBe(span.getAttribute("style"));
    }
  });

  it("uses at most 60% of the elements of Shiki's own markup (65 -> 35 here)", async () => {
    const count = (html: string) => parseHTML(`<!doctype html><html><body>${html}</body></html>`).document.querySelectorAll("pre *").length;
    expect(count(await highlightTypeScript(CELL))).toBeLessThanOrEqual(count(await reference(CELL)) * 0.6);
  });

  it("the build thread answers many highlighting requests at once, each with what this thread would give", async () => {
    const codes = Array.from({ length: 12 }, (_, i) => `${CELL}\nconst n${i} = ${i} * 2; // cell ${i}`);
    const threaded = await Promise.all(codes.map((code) => highlightTypeScript(code)));
    for (const [i, code] of codes.entries()) expect(threaded[i]).toBe(await highlightHere(code));
  });
});
