/**
 * The site's math pipeline (remark-math, KaTeX with MathML output, then the
 * operator-spacing and scrollable-display steps), as astro.config.mjs runs
 * it: display formulas become keyboard-reachable scrolling boxes, inline ones
 * stay inline, a named operator is followed by TeX's thin space, and a
 * formula takes about a third of the elements KaTeX's HTML and MathML
 * output made.
 */
import { describe, expect, it } from "vitest";
import { unified } from "unified";
import remarkParse from "remark-parse";
import remarkMath from "remark-math";
import remarkRehype from "remark-rehype";
import rehypeKatex from "rehype-katex";
import rehypeStringify from "rehype-stringify";
import { parseHTML } from "linkedom";
import { rehypeScrollableMath } from "../../../src/integrations/rehype-scrollable-math";
import { rehypeOperatorSpacing } from "../../../src/integrations/rehype-operator-spacing";

const ATTENTION = String.raw`\mathrm{Attention}(Q,K,V) = \mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right)V`;

async function render(markdown: string, output: "mathml" | "htmlAndMathml" = "mathml"): Promise<Document> {
  const html = await unified()
    .use(remarkParse)
    .use(remarkMath)
    .use(remarkRehype)
    .use(rehypeKatex, { output })
    .use(rehypeOperatorSpacing)
    .use(rehypeScrollableMath)
    .use(rehypeStringify)
    .process(markdown);
  return parseHTML(`<!doctype html><html><body>${String(html)}</body></html>`).document;
}

describe("math", () => {
  it("makes each display formula a focusable box and leaves inline math alone", async () => {
    const document = await render(`Scores $s_j$ become weights:\n\n$$\n${ATTENTION}\n$$\n\nwith $\\sqrt{d_k}$ as a temperature.`);
    const formulas = [...document.querySelectorAll(".katex")];
    expect(formulas).toHaveLength(3);
    const displays = [...document.querySelectorAll(".katex-display")];
    expect(displays).toHaveLength(1);
    expect(displays[0].getAttribute("tabindex")).toBe("0");
    expect(displays[0].querySelector("math")!.getAttribute("display")).toBe("block");
    for (const inline of formulas.filter((f) => !f.classList.contains("katex-display"))) {
      expect(inline.hasAttribute("tabindex")).toBe(false);
      expect(inline.closest("p"), "inline math stays in its paragraph").not.toBeNull();
    }
  });

  it("is MathML only, with the TeX kept as an annotation", async () => {
    const document = await render(`$$\n${ATTENTION}\n$$`);
    expect(document.querySelector(".katex-html")).toBeNull();
    expect(document.querySelector("math annotation[encoding='application/x-tex']")!.textContent).toBe(ATTENTION);
  });

  it("uses at most 40% of the elements of KaTeX's HTML and MathML output", async () => {
    const count = (d: Document) => d.querySelectorAll(".katex, .katex *").length;
    const markdown = `$$\n${ATTENTION}\n$$`;
    const ours = count(await render(markdown));
    const both = count(await render(markdown, "htmlAndMathml"));
    expect(ours).toBeLessThanOrEqual(both * 0.4);
  });

  it("keeps the box on KaTeX's own display wrapper when the HTML output is used", async () => {
    const document = await render(`$$\n${ATTENTION}\n$$`, "htmlAndMathml");
    expect(document.querySelector(".katex-display")!.getAttribute("tabindex")).toBe("0");
  });

  it("puts TeX's thin space after a named operator, except before an opening bracket", async () => {
    const spaces = async (tex: string) =>
      [...(await render(`$${tex}$`)).querySelectorAll("mo")].filter((mo) => mo.textContent === "\u2061").map((mo) => mo.getAttribute("rspace"));
    expect(await spaces(String.raw`\log p_\theta(x)`)).toEqual(["0.1667em"]);
    expect(await spaces(String.raw`\log V`)).toEqual(["0.1667em"]);
    expect(await spaces(String.raw`\log(x)`)).toEqual([null]);
    expect(await spaces(String.raw`\operatorname{MHA}\big(x\big)`)).toEqual([null]);
    // With a script, the space follows the script: LN₂ h, not LN ₂h.
    const scripted = await render(String.raw`$\operatorname{LN}_1(x) + \operatorname{LN}_2 h$`);
    expect([...scripted.querySelectorAll("mo")].filter((mo) => mo.textContent === "\u2061").map((mo) => mo.getAttribute("rspace"))).toEqual([null, null]);
    const spaced = [...scripted.querySelectorAll("mspace")];
    expect(spaced.map((s) => [s.previousElementSibling!.tagName.toLowerCase(), s.previousElementSibling!.textContent, s.getAttribute("width")])).toEqual([["msub", "LN\u20612", "0.1667em"]]);
  });
});
