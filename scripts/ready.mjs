// What the benchmarks count as "interactive", checked in the page every animation frame from the
// start of the navigation (page.addInitScript(watchReady)): the tutorial's tables shown, Run
// enabled, and the files editable — in CodeMirror, or in the textarea the page starts with (it
// takes edits, runs on edit and on Ctrl+Enter, as CodeMirror does; CodeMirror takes its place
// once the first results are painted, src/ui/editor.rs). window.fspReadyAt: the first such frame;
// window.fspEditorAt: the first frame with CodeMirror in place.
// (Polling from the script instead began only once page.goto returned, at the load event, and
// then waited for the DevTools protocol's round trips: on a busy machine that added 80 to 430 ms
// after the page was in fact ready.)
export function watchReady() {
  const check = () => {
    const run = document.querySelector('#run');
    const cm = document.querySelector('.cm-content');
    const area = document.querySelector('textarea#code');
    const editable = cm || (area && area.offsetParent && !area.disabled && !area.readOnly && area.value.includes('db'));
    if (!window.fspReadyAt && document.querySelector('[data-table="user"]') && run && !run.disabled && editable) {
      window.fspReadyAt = performance.now();
    }
    if (window.fspReadyAt && cm) window.fspEditorAt = performance.now();
    else requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}
