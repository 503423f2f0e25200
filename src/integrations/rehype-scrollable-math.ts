/**
 * Display math wider than the column scrolls in its own box (see the charts'
 * section of notebook.css) rather than widening the page. A box that scrolls
 * must be reachable from the keyboard, or a keyboard user cannot read its
 * right end: this rehype step, run after KaTeX, makes every display formula a
 * tab stop.
 */
import type { Element, Root } from "hast";
import { visit } from "unist-util-visit";

/** Gives every `.katex-display` element `tabindex="0"`. */
export function rehypeScrollableMath() {
  return (tree: Root): void => {
    visit(tree, "element", (node: Element) => {
      const classes = node.properties?.className;
      if (Array.isArray(classes) && classes.includes("katex-display")) node.properties.tabIndex = 0;
    });
  };
}
