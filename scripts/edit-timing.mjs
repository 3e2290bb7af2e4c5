// One timed edit, shared by scripts/bench-page.mjs and scripts/bench-edit-ab.mjs: a
// one-character edit at the end of the editor, then Run. Returns { frame, work, engine } in ms:
// until the next frame is painted (which includes waiting for that frame: up to 16.7 ms at
// 60 Hz); the work alone (the run, the page's updates — Leptos effects, run as microtasks — and
// the layout they need); and the engine's own run as the page reports it.
export async function timeEdit(page, i) {
  const [frame, work, engine] = await page.evaluate(async (i) => {
    const view = window.FspEditor.current;
    view.dispatch({ changes: { from: view.state.doc.length, insert: `\n# edit ${i}` } });
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    const t0 = performance.now();
    document.querySelector('#run').click();
    await Promise.resolve();
    await new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
    document.body.getBoundingClientRect();
    const t1 = performance.now();
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    return [performance.now() - t0, t1 - t0, Number(document.body.dataset.runMs)];
  }, i);
  return { frame, work, engine };
}
