/**
 * The pre-rendered code as a real editable surface. Cell.astro marks the
 * highlighted code `contenteditable="plaintext-only"`, so the browser itself
 * takes every key, paste and selection command from the first moment, before
 * any of the editor's code has arrived. When CodeMirror is loaded it takes
 * over with the surface's text and selection read from here, in one task, so
 * nothing typed in between is lost.
 *
 * This module is part of the page's first script: keep it small.
 */

/** The text of a surface and where each of its DOM points sits in that text. */
interface Linear {
  text: string;
  /** Offsets in `text` of the start and the end of each node walked. */
  starts: Map<Node, number>;
  ends: Map<Node, number>;
}

const BLOCKS = new Set(["DIV", "P", "PRE", "LI"]);

/**
 * The surface as plain text. Shiki separates lines with "\n" text nodes;
 * what the browser adds while the reader types may be text, `<br>` or (where
 * `plaintext-only` is not supported) `<div>` lines. Hidden parts (the
 * original highlighted code while a restored edit is shown) do not count.
 */
function linearize(root: HTMLElement): Linear {
  let text = "";
  const starts = new Map<Node, number>();
  const ends = new Map<Node, number>();
  const walk = (node: Node) => {
    starts.set(node, text.length);
    visit(node);
    ends.set(node, text.length);
  };
  const visit = (node: Node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      text += (node as Text).data;
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const element = node as HTMLElement;
    if (element.hidden) return;
    if (element.tagName === "BR") {
      // A <br> that ends a block only keeps the block open; elsewhere it is a line break.
      if (element.nextSibling || !element.parentElement || !BLOCKS.has(element.parentElement.tagName) || element.parentElement === root) text += "\n";
      return;
    }
    const block = element !== root && BLOCKS.has(element.tagName) && element.tagName !== "PRE";
    if (block && text.length > 0 && !text.endsWith("\n")) text += "\n";
    for (let child = element.firstChild; child; child = child.nextSibling) walk(child);
  };
  walk(root);
  return { text, starts, ends };
}

/** The surface's code. */
export function surfaceText(root: HTMLElement): string {
  return linearize(root).text;
}

/** The surface's code and its selection as offsets in it (`null` when the selection is elsewhere). */
export function surfaceState(root: HTMLElement): { text: string; selection: { anchor: number; head: number } | null } {
  const linear = linearize(root);
  const selection = root.ownerDocument.getSelection();
  if (!selection || selection.rangeCount === 0 || !selection.anchorNode || !root.contains(selection.anchorNode) || !root.contains(selection.focusNode)) {
    return { text: linear.text, selection: null };
  }
  const offset = (node: Node, at: number): number => {
    const clamp = (n: number) => Math.max(0, Math.min(linear.text.length, n));
    if (node.nodeType === Node.TEXT_NODE) return clamp((linear.starts.get(node) ?? 0) + at);
    const child = node.childNodes[at];
    return clamp(child ? (linear.starts.get(child) ?? 0) : (linear.ends.get(node) ?? linear.text.length));
  };
  return { text: linear.text, selection: { anchor: offset(selection.anchorNode, selection.anchorOffset), head: offset(selection.focusNode!, selection.focusOffset) } };
}

/** Whether the browser lets the reader edit plain text in `element` (all current ones; older Firefox does not). */
export function makeEditable(element: HTMLElement): void {
  if (element.isContentEditable) return;
  element.contentEditable = "plaintext-only";
  if (element.isContentEditable) return;
  element.contentEditable = "true";
  // Rich editing would paste formatting: keep it plain.
  element.addEventListener("paste", (event) => {
    const text = event.clipboardData?.getData("text/plain");
    if (text === undefined) return;
    event.preventDefault();
    insertText(text);
  });
}

/** Types `text` at the caret as if the reader had (kept in the browser's undo history). */
export function insertText(text: string): void {
  // execCommand is the only way to insert into a contenteditable that the browser's undo knows about.
  document.execCommand("insertText", false, text);
}
