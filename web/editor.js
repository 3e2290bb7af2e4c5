// The code editor: CodeMirror 6, bundled at build time by scripts/build-editor.mjs (esbuild) into
// one classic script that defines window.FspEditor. The Rust side (src/ui/editor.rs through
// src/ui/dom.rs) creates one editor, swaps documents when the file tab changes, and shows the
// engine's errors at their lines. Nothing here is fetched at run time.
import { EditorState } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
  highlightSpecialChars,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
  indentOnInput, bracketMatching, syntaxHighlighting, HighlightStyle, indentUnit,
} from '@codemirror/language';
import { searchKeymap } from '@codemirror/search';
import { closeBrackets, closeBracketsKeymap } from '@codemirror/autocomplete';
import { lintGutter, setDiagnostics } from '@codemirror/lint';
import { python } from '@codemirror/lang-python';
import { tags as t } from '@lezer/highlight';

// Colours from the page's CSS variables, so light and dark themes follow the system.
const highlight = HighlightStyle.define([
  { tag: t.keyword, color: 'var(--syn-keyword)' },
  { tag: [t.string, t.special(t.string)], color: 'var(--syn-string)' },
  { tag: [t.number, t.bool, t.null], color: 'var(--syn-number)' },
  { tag: t.comment, color: 'var(--syn-comment)', fontStyle: 'italic' },
  { tag: [t.definition(t.variableName), t.function(t.definition(t.variableName))], color: 'var(--syn-def)' },
  { tag: [t.className, t.definition(t.className)], color: 'var(--syn-class)' },
  { tag: [t.propertyName], color: 'var(--syn-prop)' },
  { tag: [t.operator, t.punctuation], color: 'var(--syn-punct)' },
  { tag: t.self, color: 'var(--syn-keyword)' },
]);

const theme = EditorView.theme({
  '&': { height: '100%', fontSize: 'var(--code-size)', backgroundColor: 'var(--panel)', color: 'var(--fg)' },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: 'var(--code-line)' },
  '.cm-gutters': { backgroundColor: 'var(--panel-2)', color: 'var(--faint)', borderRight: '1px solid var(--border)' },
  '.cm-activeLine': { backgroundColor: 'var(--active-line)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--active-line)', color: 'var(--fg)' },
  '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--fg)' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection)' },
  '.cm-matchingBracket': { backgroundColor: 'var(--match)', outline: '1px solid var(--faint)' },
  '.cm-panels': { backgroundColor: 'var(--panel-2)', color: 'var(--fg)' },
  '.cm-tooltip': { backgroundColor: 'var(--panel)', color: 'var(--fg)', border: '1px solid var(--border)' },
});

function make(parent, doc, label, onChange, onRun) {
  const extensions = [
        lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(),
        drawSelection(), EditorState.allowMultipleSelections.of(true), indentOnInput(),
        syntaxHighlighting(highlight), bracketMatching(), closeBrackets(), highlightActiveLine(),
        indentUnit.of('    '), python(), lintGutter(), theme,
        EditorView.contentAttributes.of({ 'aria-label': label, 'aria-describedby': 'code-help' }),
        keymap.of([
          { key: 'Mod-Enter', run: () => { onRun(); return true; } },
          { key: 'Mod-s', run: () => true },
          ...closeBracketsKeymap, ...defaultKeymap, ...searchKeymap, ...historyKeymap, indentWithTab,
        ]),
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u.state.doc.toString()); }),
  ];
  const view = new EditorView({ parent, state: EditorState.create({ doc, extensions }) });
  view.fspExtensions = extensions;
  return view;
}

window.FspEditor = {
  // Creates the editor in `parent`; `onChange(text)` on every edit, `onRun()` on Ctrl/Cmd+Enter.
  // The last editor created (the end-to-end tests and the benchmark drive it).
  current: null,
  create(parent, doc, label, onChange, onRun) {
    const view = make(parent, doc, label, onChange, onRun);
    window.FspEditor.current = view;
    return view;
  },
  // Shows another text (another file's tab, Reset) with its own undo history, unless it is
  // already shown.
  setText(view, text) {
    if (view.state.doc.toString() !== text) {
      view.setState(EditorState.create({ doc: text, extensions: view.fspExtensions }));
    }
  },
  // Shows errors: [[line (1-based), message], ...].
  setErrors(view, errors) {
    const doc = view.state.doc;
    const diagnostics = errors.filter(([line]) => line >= 1 && line <= doc.lines).map(([line, message]) => {
      const l = doc.line(line);
      return { from: l.from, to: l.to, severity: 'error', message };
    });
    view.dispatch(setDiagnostics(view.state, diagnostics));
  },
  setLabel(view, label) { view.contentDOM.setAttribute('aria-label', label); },
  focus(view) { view.focus(); },
};
