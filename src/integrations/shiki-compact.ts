/**
 * Fewer elements for the same highlighted code. Shiki wraps every line in a
 * `<span class="line">` and every token in a coloured `<span>`, so a chapter's
 * cells came to about 2,000 elements, a third of the page's budget. Nothing
 * reads the line wrappers (the editable surface reads text, see
 * src/notebook/page/editor-surface.ts, and lines are already separated by "\n"
 * text nodes), and a token drawn in the code's own default colour needs no
 * element at all: it inherits the colour of the `<pre>`, in both themes.
 * What stays is one `<span>` per run of coloured text.
 */
import type { ShikiTransformer } from "shiki";
import type { Element, ElementContent, Root } from "hast";

/** The Shiki transformer: no line wrappers, default-coloured and blank tokens as plain text, same-styled neighbours merged. */
export function compactTokens(): ShikiTransformer {
  return {
    name: "compact-tokens",
    root(hast: Root) {
      const pre = hast.children.find((n): n is Element => n.type === "element" && n.tagName === "pre");
      const code = pre?.children.find((n): n is Element => n.type === "element" && n.tagName === "code");
      if (!pre || !code) return;
      code.children = compactChildren(code.children, defaultTokenStyle(String(pre.properties.style ?? "")));
    },
  };
}

/**
 * The style Shiki gives a token drawn in the code's default colours, from the
 * `<pre>`'s style (`background-color:…;color:#1f2328;--shiki-dark:#e6edf3`):
 * `color:#1f2328;--shiki-dark:#e6edf3`, lower case.
 */
function defaultTokenStyle(preStyle: string): string {
  const declarations = preStyle.toLowerCase().split(";").map((d) => d.trim());
  return declarations.filter((d) => d.startsWith("color:") || d.startsWith("--shiki-dark:")).join(";");
}

/** The code element's new children: the lines' tokens in order, with the "\n" between lines kept. */
export function compactChildren(children: ElementContent[], plainStyle: string): ElementContent[] {
  const out: ElementContent[] = [];
  const push = (node: ElementContent) => {
    const last = out.at(-1);
    if (node.type === "text" && last?.type === "text") last.value += node.value;
    else if (node.type === "element" && last?.type === "element" && last.tagName === "span" && sameStyle(last, node)) appendText(last, node);
    else out.push(node);
  };
  for (const child of children) {
    if (isSpan(child) && hasClass(child, "line")) {
      for (const token of child.children) push(plainToken(token, plainStyle));
    } else {
      push(child);
    }
  }
  return out;
}

/** A token span with the default style, or with only blanks in it, becomes its text. */
function plainToken(node: ElementContent, plainStyle: string): ElementContent {
  if (!isSpan(node) || !node.children.every((c) => c.type === "text")) return node;
  const text = node.children.map((c) => (c as { value: string }).value).join("");
  const style = String(node.properties.style ?? "").toLowerCase().replace(/;$/, "");
  const attributes = Object.keys(node.properties).filter((k) => k !== "style");
  if (attributes.length === 0 && (style === plainStyle || text.trim() === "")) return { type: "text", value: text };
  return node;
}

function sameStyle(a: Element, b: Element): boolean {
  const keys = (e: Element) => Object.keys(e.properties).sort().join();
  return (
    b.tagName === "span" &&
    keys(a) === "style" &&
    keys(b) === "style" &&
    String(a.properties.style).toLowerCase() === String(b.properties.style).toLowerCase() &&
    [...a.children, ...b.children].every((c) => c.type === "text")
  );
}

function appendText(into: Element, from: Element): void {
  const text = [...into.children, ...from.children].map((c) => (c as { value: string }).value).join("");
  into.children = [{ type: "text", value: text }];
}

function isSpan(node: ElementContent): node is Element {
  return node.type === "element" && node.tagName === "span";
}

function hasClass(node: Element, name: string): boolean {
  // Shiki's own tree names the attribute `class` (a string); hast's convention is `className` (a list).
  const classes = node.properties.className ?? node.properties.class;
  return Array.isArray(classes) ? classes.includes(name) : String(classes ?? "").split(" ").includes(name);
}
