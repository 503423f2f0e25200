/**
 * The thin space TeX puts after a named operator (`\log p`, `\operatorname{LN} x`).
 * KaTeX writes the name as `<mi>log</mi>` followed by an invisible "function
 * application" `<mo>&#x2061;</mo>`; a browser drawing MathML gives that
 * operator no space, so `\log p` read "logp". This rehype step, run after
 * KaTeX, gives it TeX's thin space (3/18 em) on its right, unless an opening
 * bracket follows, where TeX puts none either (`\log(x)`). When the name has a
 * script (`\operatorname{LN}_2 h`) the space goes after the script, as an
 * `<mspace>`.
 */
import type { Element, ElementContent, Root } from "hast";
import { visit } from "unist-util-visit";

const FUNCTION_APPLICATION = "\u2061";
const OPENING = new Set(["(", "[", "{", "⟨", "|", "‖", "⌊", "⌈"]);

const THIN_SPACE = "0.1667em";
const SCRIPTED = /^m(sub|sup|subsup|under|over|underover)$/;

/** Gives every function-application operator not followed by an opening bracket TeX's thin space. */
export function rehypeOperatorSpacing() {
  return (tree: Root): void => {
    const scripted: { script: Element; parent: Element }[] = [];
    visit(tree, "element", (node: Element) => {
      if (node.tagName !== "mo" || textOf(node) !== FUNCTION_APPLICATION) return;
      const { next, script, parent } = following(node, tree);
      if (opensBracket(next)) return;
      if (script && parent) scripted.push({ script, parent });
      else node.properties.rspace = THIN_SPACE;
    });
    // Inserted after the walk, so the walk's positions stay valid.
    for (const { script, parent } of scripted) {
      parent.children.splice(parent.children.indexOf(script) + 1, 0, { type: "element", tagName: "mspace", properties: { width: THIN_SPACE }, children: [] });
    }
  };
}

/**
 * What follows `node` in reading order: its next sibling, or (when it ends an
 * `mrow`, or a script's base) what follows that. `script` is the outermost
 * script element whose base `node` ends, with its `parent`.
 */
function following(node: Element, tree: Root): { next?: Element; script?: Element; parent?: Element } {
  const path: Element[] = [];
  const find = (at: Element | Root): boolean => {
    for (const child of at.children) {
      if (child.type !== "element") continue;
      if (child === node || find(child)) {
        path.push(child);
        return true;
      }
    }
    return false;
  };
  find(tree);
  // path: node, its parent, …, up to the root's child.
  let script: Element | undefined;
  let scriptParent: Element | undefined;
  for (let i = 0; i + 1 < path.length; i++) {
    const parent = path[i + 1];
    if (SCRIPTED.test(parent.tagName)) {
      // Inside a script element only the base's end is followed by the rest of the formula.
      if (parent.children.find(isElement) !== path[i]) return {};
      script = parent;
      continue;
    }
    if (script && path[i] === script) scriptParent = parent;
    const siblings = parent.children.filter(isElement);
    const after = siblings[siblings.indexOf(path[i]) + 1];
    if (after) return { next: after, script, parent: scriptParent };
    if (parent.tagName !== "mrow") return { script, parent: scriptParent };
  }
  return {};
}

/** Whether `element` starts with an opening bracket (`(`, or a `\big(`, or an `mrow` that begins with one). */
function opensBracket(element: Element | undefined): boolean {
  for (let e = element; e; e = e.children.find(isElement)) {
    if (e.tagName === "mo") return OPENING.has(textOf(e).trim());
    if (e.tagName !== "mrow") return false;
  }
  return false;
}

function textOf(node: Element): string {
  return node.children.map((c) => (c.type === "text" ? c.value : c.type === "element" ? textOf(c) : "")).join("");
}

function isElement(node: ElementContent): node is Element {
  return node.type === "element";
}
