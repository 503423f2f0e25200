/**
 * The cell editor: CodeMirror 6 in TypeScript mode, with the library's
 * documentation at the cursor (editor-assist.ts). This module is imported
 * when the reader heads for a cell's code (pointer, focus), so CodeMirror is
 * not part of the JavaScript a page loads up front; until it arrives the
 * pre-rendered code is itself editable (editor-surface.ts) and the editor
 * takes over its text and selection.
 *
 * Token colours come from CSS classes (`tok-keyword`, ...) styled in
 * notebook.css for both of Starlight's themes. Layout and chrome are an
 * `EditorView.theme` over Starlight's CSS variables: CodeMirror's own styles are
 * unlayered, so only a CodeMirror theme reliably overrides them.
 */
import { EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap, drawSelection, highlightActiveLine } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { bracketMatching, indentOnInput, syntaxHighlighting } from "@codemirror/language";
import { closeBrackets, closeBracketsKeymap } from "@codemirror/autocomplete";
import { javascript } from "@codemirror/lang-javascript";
import { classHighlighter } from "@lezer/highlight";
import { assist, type NeighbourNames } from "./editor-assist";
import { topLevelDeclarations } from "./editor-scope";

/** Matches Shiki's first view (padding, font, line height) so starting to edit does not move the text. */
const notebookTheme = EditorView.theme({
  "&": { backgroundColor: "var(--sl-color-bg)", color: "var(--sl-color-white)", fontSize: "var(--sl-text-code, 0.875rem)" },
  "&.cm-focused": { outline: "2px solid var(--sl-color-accent)", outlineOffset: "-2px" },
  ".cm-scroller": { fontFamily: "var(--__sl-font-mono, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace)", lineHeight: "1.55" },
  ".cm-content": { padding: "0.75rem 0", caretColor: "var(--sl-color-white)" },
  ".cm-line": { padding: "0 1rem" },
  ".cm-activeLine": { backgroundColor: "var(--sl-color-gray-6)" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--sl-color-white)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground": {
    backgroundColor: "var(--sl-color-accent-low)",
  },
  // Completions, hover documentation, signature help and name checks, in Starlight's colours.
  ".cm-tooltip": {
    backgroundColor: "var(--sl-color-bg-nav, var(--sl-color-bg))",
    color: "var(--sl-color-white)",
    border: "1px solid var(--sl-color-gray-5)",
    borderRadius: "0.4rem",
    boxShadow: "0 4px 14px rgb(0 0 0 / 0.18)",
  },
  ".cm-tooltip.cm-tooltip-autocomplete > ul": { fontFamily: "inherit", maxHeight: "16em", minWidth: "18em" },
  ".cm-tooltip.cm-tooltip-autocomplete > ul > li": { padding: "0.15rem 0.5rem", lineHeight: "1.5" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": { backgroundColor: "var(--sl-color-accent-low)", color: "var(--sl-color-white)" },
  ".cm-completionDetail": {
    marginLeft: "0.8em",
    fontStyle: "normal",
    color: "var(--sl-color-gray-2)",
    display: "inline-block",
    maxWidth: "28em",
    overflow: "hidden",
    textOverflow: "ellipsis",
    verticalAlign: "bottom",
  },
  ".cm-completionMatchedText": { textDecoration: "none", fontWeight: "700", color: "var(--sl-color-accent-high)" },
  ".cm-completionInfo": { padding: "0" },
  ".cm-tooltip-lint": { padding: "0" },
  ".cm-diagnostic": { padding: "0.35rem 0.6rem", fontFamily: "var(--sl-font, system-ui, sans-serif)", fontSize: "var(--sl-text-sm)" },
  ".cm-diagnostic code": { fontFamily: "inherit", fontWeight: "700" },
  ".cm-diagnosticAction": { backgroundColor: "var(--sl-color-accent)", color: "var(--sl-color-black)", borderRadius: "0.25rem", padding: "0.1rem 0.5rem" },
});

/** What a cell needs from its editor. */
export interface EditorHandle {
  getCode(): string;
  /** Replaces the whole text (Reset, Use this solution); does not call `onChange`. */
  setCode(code: string): void;
  /** Focuses the editor, with the cursor at the text under the viewport point (x, y) when given. */
  focus(at?: { x: number; y: number }): void;
  destroy(): void;
}

/** Another cell of the chapter, as the editor sees it. */
export interface NeighbourCell {
  id: string;
  code: string;
}

/** How to set up an editor. */
export interface EditorSetup {
  code: string;
  /**
   * The text before the reader's first edits (typed into the pre-rendered code
   * before the editor arrived): the editor starts from it and applies the
   * difference, so one undo takes those edits back.
   */
  base?: string;
  /** Where the selection starts (offsets in `code`). */
  selection?: { anchor: number; head: number };
  /** Accessible name of the editor's textbox, e.g. "Code of cell scores". */
  label: string;
  /** Id of the element that says how Tab behaves (for `aria-describedby`). */
  hintId?: string;
  /** The other cells of the chapter, above and below this one, read when names are checked. */
  neighbours?(): { above: NeighbourCell[]; below: NeighbourCell[] };
  /** Called after every change the reader makes, with the new text. */
  onChange(code: string): void;
  /** Shift+Enter (and Ctrl/Cmd+Enter). */
  onRun(): void;
}

/** Mounts an editor as the last child of `parent`. */
export function mountEditor(parent: HTMLElement, setup: EditorSetup): EditorHandle {
  let applyingExternalChange = false;
  const runKeys = Prec.highest(
    keymap.of([
      { key: "Shift-Enter", run: () => (setup.onRun(), true) },
      { key: "Mod-Enter", run: () => (setup.onRun(), true) },
    ]),
  );
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: setup.base ?? setup.code,
      extensions: [
        runKeys,
        assist(() => neighbourNames(setup)),
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        closeBrackets(),
        javascript({ typescript: true }),
        syntaxHighlighting(classHighlighter),
        notebookTheme,
        // Tab indents; Escape then Tab leaves the editor (CodeMirror's built-in escape hatch).
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
        EditorView.contentAttributes.of({
          "aria-label": setup.label,
          ...(setup.hintId ? { "aria-describedby": setup.hintId } : {}),
          autocapitalize: "off",
          autocorrect: "off",
          spellcheck: "false",
          translate: "no",
        }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !applyingExternalChange) setup.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  if (setup.base !== undefined && setup.base !== setup.code) {
    applyingExternalChange = true;
    view.dispatch({ changes: difference(setup.base, setup.code), userEvent: "input" });
    applyingExternalChange = false;
  }
  if (setup.selection) {
    const clamp = (n: number) => Math.max(0, Math.min(view.state.doc.length, n));
    view.dispatch({ selection: { anchor: clamp(setup.selection.anchor), head: clamp(setup.selection.head) }, scrollIntoView: false });
  }
  return {
    getCode: () => view.state.doc.toString(),
    setCode(code) {
      applyingExternalChange = true;
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: code } });
      applyingExternalChange = false;
    },
    focus(at) {
      const pos = at ? view.posAtCoords(at) : null;
      if (pos !== null) view.dispatch({ selection: { anchor: pos } });
      // Also writes the state's selection to the page (the surface's selection went with it).
      view.focus();
    },
    destroy: () => view.destroy(),
  };
}

/** The change from `before` to `after`: what lies between their common start and end. */
function difference(before: string, after: string): { from: number; to: number; insert: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return { from: start, to: before.length - end, insert: after.slice(start, after.length - end) };
}

/** Top-level names of each cell's code, parsed once per version of the code. */
const declarationsByCode = new Map<string, string[]>();

function neighbourNames(setup: EditorSetup): NeighbourNames {
  const cells = setup.neighbours?.() ?? { above: [], below: [] };
  const names = (list: NeighbourCell[]) => {
    const map = new Map<string, string>();
    for (const cell of list) {
      let declared = declarationsByCode.get(cell.code);
      if (!declared) {
        declared = topLevelDeclarations(cell.code);
        if (declarationsByCode.size > 500) declarationsByCode.clear();
        declarationsByCode.set(cell.code, declared);
      }
      for (const name of declared) map.set(name, cell.id);
    }
    return map;
  };
  return { above: names(cells.above), below: names(cells.below) };
}
