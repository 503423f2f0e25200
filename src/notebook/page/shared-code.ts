/**
 * Share links on the page: "Copy link" on an edited cell, and opening a link.
 *
 * The link's format is in share-link.ts. Opening one never runs anything: the
 * code goes into its cell with a banner asking the reader to review it and
 * press Run, and a reader's own saved edit stays until they choose the linked
 * code. A link the page cannot use (damaged, too long, a cell the chapter no
 * longer has) gets a notice at the top of the chapter and changes nothing;
 * when the cell is gone the notice still shows the code, with a copy button.
 */
import type { NotebookCell } from "./cell-element";
import { hashCode } from "./persistence";
import { decodeSharedFragment, encodeSharedCell, isShareFragment } from "./share-link";

/** The cell's current code as a link to this page; copied, or shown in a text field when the clipboard refuses. */
export async function copyCellLink(cell: NotebookCell): Promise<void> {
  const box = shareBox(cell);
  let url: string;
  try {
    const fragment = await encodeSharedCell({ cell: cell.cellId, base: hashCode(cell.originalCode), code: cell.currentCode });
    url = `${location.origin}${location.pathname}${location.search}#${fragment}`;
  } catch (error) {
    box.replaceChildren(text("p", `This cell cannot be shared as a link: ${(error as Error).message}.`), closeButton(box));
    return;
  }
  try {
    await navigator.clipboard.writeText(url);
    box.replaceChildren(text("p", "Link copied. Whoever opens it sees your code in this cell and decides whether to run it."), closeButton(box));
  } catch {
    // No clipboard (permission refused, an insecure origin, an old browser): the reader copies it by hand.
    const field = document.createElement("input");
    field.type = "text";
    field.readOnly = true;
    field.value = url;
    field.className = "nb-share-url";
    field.id = `cell-${cell.cellId}-link`;
    const label = document.createElement("label");
    label.htmlFor = field.id;
    label.textContent = "The link could not be copied automatically. Copy it from here:";
    box.replaceChildren(label, field, closeButton(box));
    field.focus();
    field.select();
  }
}

/** The cell's share message box (one per cell), emptied. */
function shareBox(cell: NotebookCell): HTMLElement {
  let box = cell.querySelector<HTMLElement>(".nb-share-box");
  if (!box) {
    box = document.createElement("div");
    box.className = "nb-share-box";
    box.setAttribute("role", "status");
    cell.querySelector(".nb-toolbar")!.after(box);
  }
  box.replaceChildren();
  return box;
}

/** What a cell's link banner needs. */
export interface LinkBannerOptions {
  cellId: string;
  /** The link was made from another version of the cell's original code. */
  changed: boolean;
  /** Set when the reader has a saved edit of their own: the linked code, shown in the banner until they choose. */
  conflictCode?: string;
  /** Puts the linked code into the cell. */
  adopt: () => void;
}

/** The banner above a cell's code that says its code came from a link. */
export function linkBanner({ cellId, changed, conflictCode, adopt }: LinkBannerOptions): HTMLElement {
  const banner = document.createElement("div");
  banner.className = "nb-link-banner";
  banner.setAttribute("role", "status");
  banner.tabIndex = -1;
  const dismiss = () => banner.remove();
  const standard = () => {
    const parts: Node[] = [text("p", "Code from a link: review it, then press Run. Nothing runs until you do.")];
    if (changed) parts.push(text("p", "This link was made from an older version of this cell: the course's code has changed since, so the linked code may not fit the cells around it."));
    banner.replaceChildren(...parts, button("Dismiss", `Dismiss the link notice of cell ${cellId}`, dismiss));
  };
  if (conflictCode === undefined) {
    standard();
    return banner;
  }
  banner.replaceChildren(
    text("p", "A link brought other code for this cell, and you have your own saved edit of it. Your edit stays unless you choose the linked code:"),
    codeBlock(conflictCode),
    ...(changed ? [text("p", "The link was made from an older version of this cell: the course's code has changed since.")] : []),
    button("Use the linked code", undefined, () => {
      adopt();
      standard();
      banner.focus();
    }),
    button("Keep my edit", undefined, dismiss),
  );
  return banner;
}

/**
 * Opens the share link in the page's fragment, if there is one, now and
 * whenever the fragment changes (a link to the page one is on only changes
 * the fragment). `cells` gives the chapter's cells; `top` is the element a
 * chapter-level notice goes before.
 */
export function watchShareLinks(cells: () => NotebookCell[], top: HTMLElement): void {
  const open = () => {
    if (isShareFragment(location.hash)) void openShareLink(location.hash, cells(), top);
  };
  window.addEventListener("hashchange", open);
  open();
}

/** Shows the code of a share fragment in its cell, or a notice at `top` when it cannot. */
export async function openShareLink(hash: string, cells: NotebookCell[], top: HTMLElement): Promise<void> {
  const result = await decodeSharedFragment(hash);
  if (!result.ok) {
    chapterNotice(top, [text("p", `The shared code in this link could not be opened: ${result.reason}. Nothing on the page was changed.`)]);
    return;
  }
  const { cell: cellId, base, code } = result.shared;
  const cell = cells.find((c) => c.cellId === cellId);
  if (!cell || cell.options.readonly) {
    const why = cell ? `cell ${cellId}, which cannot be edited` : `cell ${cellId}, which this chapter no longer has (the course has changed since the link was made)`;
    chapterNotice(top, [
      text("p", `This link brings code for ${why}. Here it is; copy it into a cell to try it.`),
      codeBlock(code),
      copyButton(code),
    ]);
    return;
  }
  const banner = cell.openLinkedCode(code, base !== hashCode(cell.originalCode));
  cell.scrollIntoView({ block: "start" });
  banner.focus({ preventScroll: true });
}

/** A dismissible notice at the top of the chapter (one at a time). */
function chapterNotice(top: HTMLElement, content: Node[]): void {
  top.parentElement?.querySelector(":scope > .nb-link-notice")?.remove();
  const notice = document.createElement("div");
  notice.className = "nb-link-notice not-content";
  notice.setAttribute("role", "status");
  notice.tabIndex = -1;
  notice.append(...content, button("Dismiss", "Dismiss the link notice", () => notice.remove()));
  top.before(notice);
  notice.scrollIntoView({ block: "start" });
  notice.focus({ preventScroll: true });
}

function copyButton(code: string): HTMLButtonElement {
  const copy = button("Copy the code", undefined, () => {
    navigator.clipboard.writeText(code).then(
      () => (copy.textContent = "Copied"),
      () => {
        // No clipboard: select the code so Ctrl+C copies it.
        const pre = copy.parentElement?.querySelector("pre");
        if (pre) window.getSelection()?.selectAllChildren(pre);
        copy.textContent = "Selected: press Ctrl+C (⌘C) to copy";
      },
    );
  });
  return copy;
}

function codeBlock(code: string): HTMLElement {
  const pre = document.createElement("pre");
  pre.className = "nb-link-code";
  pre.tabIndex = 0;
  pre.textContent = code;
  return pre;
}

function button(label: string, ariaLabel: string | undefined, onClick: () => void): HTMLButtonElement {
  const element = document.createElement("button");
  element.type = "button";
  element.className = "nb-button";
  element.textContent = label;
  if (ariaLabel) element.setAttribute("aria-label", ariaLabel);
  element.addEventListener("click", onClick);
  return element;
}

function closeButton(box: HTMLElement): HTMLButtonElement {
  return button("Close", "Close the link message", () => box.remove());
}

function text(tag: "p", content: string): HTMLElement {
  const element = document.createElement(tag);
  element.textContent = content;
  return element;
}
