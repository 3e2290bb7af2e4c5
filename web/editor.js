// The code editor: CodeMirror 6, bundled at build time by scripts/build-editor.mjs (esbuild) into
// one classic script that defines window.FspEditor. The Rust side (src/ui/editor.rs through
// src/ui/dom.rs) creates one editor, swaps documents when the file tab changes, and shows the
// engine's errors at their lines. Nothing here is fetched at run time.
import { EditorState, RangeSetBuilder, StateEffect, StateField } from '@codemirror/state';
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
  highlightSpecialChars, Decoration, WidgetType, gutter, GutterMarker, ViewPlugin,
} from '@codemirror/view';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import {
  indentOnInput, bracketMatching, syntaxHighlighting, HighlightStyle, indentUnit, StreamLanguage,
} from '@codemirror/language';
import { searchKeymap } from '@codemirror/search';
import { python } from '@codemirror/legacy-modes/mode/python';
import { tags as t } from '@lezer/highlight';

// Only what the workbench uses: Python highlighting and indentation (CodeMirror's stream-parser
// Python mode from @codemirror/legacy-modes: about 20 kB gzip less than lang-python's Lezer
// grammar), auto-indent, bracket matching, undo, search, and the engine's errors shown inline
// (below: a few lines instead of @codemirror/lint).

// Errors: a red mark in the gutter, the line underlined, and the message in a block under it.
const setErrorsEffect = StateEffect.define();
class ErrorWidget extends WidgetType {
  constructor(message) { super(); this.message = message; }
  eq(other) { return other.message === this.message; }
  toDOM() {
    const box = document.createElement('div');
    box.className = 'cm-inline-error';
    box.setAttribute('role', 'alert');
    box.textContent = this.message;
    return box;
  }
}
class Dot extends GutterMarker {
  constructor(className) { super(); this.className = className; }
  toDOM() {
    const mark = document.createElement('span');
    mark.className = this.className;
    mark.textContent = '●';
    return mark;
  }
}
const errorMarker = new Dot('cm-error-marker');
const errorField = StateField.define({
  create: () => ({ lines: Decoration.none, markers: [] }),
  update(value, tr) {
    for (const e of tr.effects) if (e.is(setErrorsEffect)) return e.value;
    if (!tr.docChanged) return value;
    return { lines: value.lines.map(tr.changes), markers: value.markers.map((m) => tr.changes.mapPos(m)) };
  },
  provide: (f) => EditorView.decorations.from(f, (v) => v.lines),
});
const errorGutter = gutter({
  class: 'cm-error-gutter',
  lineMarker: (view, line) => (view.state.field(errorField).markers.includes(line.from) ? errorMarker : null),
  lineMarkerChange: (u) => u.transactions.some((tr) => tr.effects.some((e) => e.is(setErrorsEffect))),
  // The gutter keeps its width with no error (an invisible dot).
  initialSpacer: () => new Dot('cm-error-spacer'),
});
function errorsValue(doc, errors) {
  const ranges = [], markers = [];
  for (const [line, message] of errors) {
    if (line < 1 || line > doc.lines) continue;
    const l = doc.line(line);
    markers.push(l.from);
    ranges.push(Decoration.line({ class: 'cm-error-line' }).range(l.from));
    ranges.push(Decoration.widget({ widget: new ErrorWidget(message), block: true, side: 1 }).range(l.to));
  }
  return { lines: Decoration.set(ranges, true), markers };
}

// Wrapped lines: a line's continuation rows start one indentation level deeper than the line
// itself (a hanging indent), so wrapped code still reads as Python blocks.
const hanging = new Map();
function hangingIndent(columns) {
  let d = hanging.get(columns);
  if (!d) {
    d = Decoration.line({ attributes: { style: `padding-left: calc(6px + ${columns}ch); text-indent: -${columns}ch` } });
    hanging.set(columns, d);
  }
  return d;
}
function wrapIndents(view) {
  const builder = new RangeSetBuilder();
  for (const { from, to } of view.visibleRanges) {
    for (let pos = from; pos <= to;) {
      const line = view.state.doc.lineAt(pos);
      builder.add(line.from, line.from, hangingIndent(/^ */.exec(line.text)[0].length + 4));
      pos = line.to + 1;
    }
  }
  return builder.finish();
}
const wrapIndent = ViewPlugin.fromClass(class {
  constructor(view) { this.decorations = wrapIndents(view); }
  update(u) { if (u.docChanged || u.viewportChanged) this.decorations = wrapIndents(u.view); }
}, { decorations: (v) => v.decorations });

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
  '.cm-error-line': { textDecoration: 'underline wavy var(--error)', textUnderlineOffset: '3px' },
  '.cm-inline-error': {
    margin: '2px 0 4px', padding: '4px 8px', borderLeft: '3px solid var(--error)', background: 'var(--error-bg)',
    color: 'var(--fg)', fontFamily: 'var(--sans)', fontSize: '12.5px', lineHeight: '1.45', whiteSpace: 'pre-wrap',
  },
  '.cm-error-gutter .cm-gutterElement': { color: 'var(--error)', fontSize: '10px', padding: '0 2px' },
});

function make(parent, doc, label, onChange, onRun, selection) {
  const extensions = [
        lineNumbers(), highlightActiveLineGutter(), highlightSpecialChars(), history(),
        drawSelection(), EditorState.allowMultipleSelections.of(true), indentOnInput(),
        syntaxHighlighting(highlight), bracketMatching(), highlightActiveLine(),
        indentUnit.of('    '), StreamLanguage.define(python), errorField, errorGutter, theme,
        // Long lines wrap: nothing is cut at the pane's edge, however narrow the pane.
        EditorView.lineWrapping, wrapIndent,
        EditorView.contentAttributes.of({ 'aria-label': label, 'aria-describedby': 'code-help' }),
        keymap.of([
          { key: 'Mod-Enter', run: () => { onRun(); return true; } },
          { key: 'Mod-s', run: () => true },
          ...defaultKeymap, ...searchKeymap, ...historyKeymap, indentWithTab,
        ]),
        EditorView.updateListener.of((u) => { if (u.docChanged) onChange(u.state.doc.toString()); }),
  ];
  const view = new EditorView({ parent, state: EditorState.create({ doc, extensions, selection }) });
  view.fspExtensions = extensions;
  return view;
}

window.FspEditor = {
  // Creates the editor in `parent`; `onChange(text)` on every edit, `onRun()` on Ctrl/Cmd+Enter.
  // The last editor created (the end-to-end tests and the benchmark drive it).
  current: null,
  // `from`: the id of the textarea that held the files until now (the page starts with it and
  // loads this bundle once it is interactive). The editor takes its place in the same frame, with
  // its caret or selection, scroll position and focus; its text is `doc`, which the app keeps in
  // step with the textarea on every input.
  create(parent, doc, label, onChange, onRun, from) {
    const area = from ? document.getElementById(from) : null;
    let selection, focused = false, top = 0, left = 0;
    if (area && area.offsetParent) {
      const clamp = (n) => Math.min(Math.max(n || 0, 0), doc.length);
      const [start, end] = [clamp(area.selectionStart), clamp(area.selectionEnd)];
      selection = area.selectionDirection === 'backward' ? { anchor: end, head: start } : { anchor: start, head: end };
      focused = document.activeElement === area;
      top = area.scrollTop;
      left = area.scrollLeft;
    }
    parent.hidden = false;
    const view = make(parent, doc, label, onChange, onRun, selection);
    if (area) area.parentElement.hidden = true;
    if (top || left) {
      view.scrollDOM.scrollTop = top;
      view.scrollDOM.scrollLeft = left;
    }
    if (focused) view.focus();
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
    const current = view.state.field(errorField);
    if (!errors.length && !current.markers.length) return;
    view.dispatch({ effects: setErrorsEffect.of(errorsValue(view.state.doc, errors)) });
  },
  setLabel(view, label) { view.contentDOM.setAttribute('aria-label', label); },
  focus(view) { view.focus(); },
};
