/**
 * Display math wider than the column scrolls in its own box (see
 * src/styles/math.css) rather than widening the page. A box that scrolls must
 * be reachable from the keyboard, or a keyboard user cannot read its right
 * end: this rehype step, run after KaTeX, makes every display formula a tab
 * stop.
 *
 * KaTeX's MathML-only output has no `.katex-display` wrapper: a display
 * formula is a `.katex` span around `<math display="block">`. That span
 * becomes the box (class `katex-display`), so display math costs no element
 * more than inline math.
 */
import type { Element, Root } from "hast";
import { visit } from "unist-util-visit";

/** Gives every display formula the class `katex-display` and `tabindex="0"`. */
export function rehypeScrollableMath() {
  return (tree: Root): void => {
    visit(tree, "element", (node: Element) => {
      const classes = node.properties?.className;
      if (!Array.isArray(classes)) return;
      if (classes.includes("katex-display")) {
        node.properties.tabIndex = 0;
      } else if (classes.includes("katex") && node.children.some(isBlockMath)) {
        classes.push("katex-display");
        node.properties.tabIndex = 0;
      }
    });
  };
}

function isBlockMath(node: Element["children"][number]): boolean {
  return node.type === "element" && node.tagName === "math" && node.properties?.display === "block";
}
