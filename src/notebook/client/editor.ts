/**
 * The cell editor: CodeMirror 6 in TypeScript mode. This module is imported
 * dynamically when a reader starts editing, so CodeMirror is not part of the
 * JavaScript a page loads up front.
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

/** How to set up an editor. */
export interface EditorSetup {
  code: string;
  /** Accessible name of the editor's textbox, e.g. "Code of cell scores". */
  label: string;
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
      doc: setup.code,
      extensions: [
        runKeys,
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
        EditorView.contentAttributes.of({ "aria-label": setup.label }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged && !applyingExternalChange) setup.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
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
      view.focus();
    },
    destroy: () => view.destroy(),
  };
}
