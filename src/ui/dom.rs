//! The few browser calls the components make, in one place. Each has a native stand-in that
//! does nothing, so the UI compiles natively; none of them can panic.
//!
//! Textarea offsets: the browser counts UTF-16 units, the code around counts bytes of a Rust
//! `String`; the conversion happens here and nowhere else.

use leptos::ev::Event;

/// A textarea's text and selection (byte offsets into `text`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextState {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Byte offset of UTF-16 offset `units` in `text` (clamped to the text).
pub fn byte_offset(text: &str, units: usize) -> usize {
    let mut count = 0;
    for (i, c) in text.char_indices() {
        if count >= units {
            return i;
        }
        count += c.len_utf16();
    }
    text.len()
}

/// UTF-16 offset of byte offset `bytes` in `text`.
pub fn utf16_offset(text: &str, bytes: usize) -> usize {
    text.get(..bytes.min(text.len())).map(|s| s.encode_utf16().count()).unwrap_or(0)
}

#[cfg(target_arch = "wasm32")]
mod imp {
    use super::*;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::HtmlTextAreaElement;

    fn textarea(ev: &Event) -> Option<HtmlTextAreaElement> {
        ev.target().and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
    }

    pub fn textarea_state(ev: &Event) -> Option<TextState> {
        let t = textarea(ev)?;
        let text = t.value();
        let start = t.selection_start().ok().flatten().unwrap_or(0) as usize;
        let end = t.selection_end().ok().flatten().unwrap_or(0) as usize;
        let (start, end) = (byte_offset(&text, start), byte_offset(&text, end));
        Some(TextState { text, start: start.min(end), end: end.max(start) })
    }

    pub fn replace_range(ev: &Event, start: usize, end: usize, insert: &str) {
        let Some(t) = textarea(ev) else { return };
        let text = t.value();
        let (s, e) = (utf16_offset(&text, start) as u32, utf16_offset(&text, end) as u32);
        // execCommand keeps the browser's undo history and fires `input` itself.
        let _ = t.set_selection_range(s, e);
        let document = web_sys::window().and_then(|w| w.document());
        let done = document
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|d| {
                if insert.is_empty() {
                    d.exec_command("delete").ok()
                } else {
                    d.exec_command_with_show_ui_and_value("insertText", false, insert).ok()
                }
            })
            .unwrap_or(false);
        if !done {
            if t.set_range_text_with_start_and_end(insert, s, e).is_err() {
                return;
            }
            let caret = s + insert.encode_utf16().count() as u32;
            let _ = t.set_selection_range(caret, caret);
            if let Ok(input) = web_sys::Event::new("input") {
                let _ = t.dispatch_event(&input);
            }
        }
    }

    pub fn set_value(ev: &Event, text: &str) {
        if let Some(t) = textarea(ev) {
            t.set_value(text);
            let n = text.encode_utf16().count() as u32;
            let _ = t.set_selection_range(n, n);
        }
    }

    pub fn scroll_top(ev: &Event) -> i32 {
        ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()).map(|e| e.scroll_top()).unwrap_or(0)
    }

    pub fn confirm(message: &str) -> bool {
        web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
    }

    pub fn focus(id: &str) {
        let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
        if let Some(e) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = e.focus();
        }
    }

    pub fn focus_in_view(id: &str) {
        let element = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id));
        if let Some(e) = element.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = e.focus();
            // Through JavaScript: web-sys's ScrollIntoViewOptions feature would rebuild the UI stack.
            let _ = js("e", "e.scrollIntoView({ block: 'nearest', inline: 'nearest' })").call1(&JsValue::NULL, &e);
        }
    }

    pub fn scroll_into_view(id: &str) {
        let _ = js("i", "const e=document.getElementById(i);if(e)e.scrollIntoView({block:'nearest',inline:'nearest'})")
            .call1(&JsValue::NULL, &id.into());
    }

    fn js(args: &str, body: &str) -> js_sys::Function {
        js_sys::Function::new_with_args(args, body)
    }

    pub fn download(name: &str, mime: &str, text: &str) {
        let f = js(
            "name,mime,text",
            "const a=document.createElement('a');a.href=URL.createObjectURL(new Blob([text],{type:mime}));\
             a.download=name;document.body.appendChild(a);a.click();a.remove();\
             setTimeout(()=>URL.revokeObjectURL(a.href),1000);",
        );
        let _ = f.call3(&JsValue::NULL, &name.into(), &mime.into(), &text.into());
    }

    pub fn download_png(name: &str, svg: &str, width: f64, height: f64) {
        let f = js(
            "name,svg,w,h",
            "const img=new Image();const url=URL.createObjectURL(new Blob([svg],{type:'image/svg+xml'}));\
             img.onload=()=>{const c=document.createElement('canvas');c.width=Math.ceil(w*2);c.height=Math.ceil(h*2);\
             const g=c.getContext('2d');g.scale(2,2);g.drawImage(img,0,0);URL.revokeObjectURL(url);\
             c.toBlob((b)=>{if(!b)return;const a=document.createElement('a');a.href=URL.createObjectURL(b);\
             a.download=name;document.body.appendChild(a);a.click();a.remove();},'image/png');};img.src=url;",
        );
        let args = js_sys::Array::of4(&name.into(), &svg.into(), &width.into(), &height.into());
        let _ = f.apply(&JsValue::NULL, &args);
    }

    pub fn capture_pointer(ev: &leptos::ev::PointerEvent) {
        if let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) {
            let _ = js("el,id", "try{el.setPointerCapture(id)}catch(e){}").call2(
                &JsValue::NULL,
                &el,
                &JsValue::from(ev.pointer_id()),
            );
        }
    }

    pub fn after_paint(f: impl FnOnce() + 'static) {
        let f = wasm_bindgen::closure::Closure::once_into_js(f);
        let _ = js("f", "requestAnimationFrame(()=>setTimeout(f,0))").call1(&JsValue::NULL, &f);
    }

    pub fn mark(name: &str) {
        let _ = js("n", "performance.mark(n)").call1(&JsValue::NULL, &name.into());
    }

    pub fn load_editor() {
        let _ = js("", "if(window.fspLoadEditor)fspLoadEditor()").call0(&JsValue::NULL);
    }

    pub fn started() {
        let _ = js("", "if(window.fspStarted)fspStarted()").call0(&JsValue::NULL);
    }

    /// Calls `f(true)` once the editor bundle has run (at once when it has), `f(false)` when it
    /// failed to load or is not on the page.
    pub fn when_editor_ready(f: impl FnOnce(bool) + 'static) {
        if api().is_some() {
            return f(true);
        }
        let pending = web_sys::window()
            .and_then(|w| js_sys::Reflect::get(&w, &"fspEditorReady".into()).ok())
            .filter(|p| p.is_object());
        let Some(pending) = pending else { return f(false) };
        let f = wasm_bindgen::closure::Closure::once_into_js(move |ok: JsValue| f(ok.is_truthy() && api().is_some()));
        let _ = js("p,f", "p.then(f)").call2(&JsValue::NULL, &pending, &f);
    }

    pub struct EditorHandle(JsValue);

    fn api() -> Option<JsValue> {
        let w = web_sys::window()?;
        js_sys::Reflect::get(&w, &"FspEditor".into()).ok().filter(|v| v.is_object())
    }

    fn call(method: &str, args: &[JsValue]) -> Option<JsValue> {
        let api = api()?;
        let f = js_sys::Reflect::get(&api, &method.into()).ok()?.dyn_into::<js_sys::Function>().ok()?;
        let list = js_sys::Array::new();
        for a in args {
            list.push(a);
        }
        f.apply(&api, &list).ok()
    }

    pub fn editor_available() -> bool {
        api().is_some()
    }

    pub fn editor_create(
        parent: &web_sys::Element,
        text: &str,
        label: &str,
        on_change: impl FnMut(String) + 'static,
        on_run: impl FnMut() + 'static,
        from: &str,
    ) -> Option<EditorHandle> {
        use wasm_bindgen::closure::Closure;
        let change = Closure::<dyn FnMut(String)>::new(on_change);
        let run = Closure::<dyn FnMut()>::new(on_run);
        let args =
            [parent.into(), text.into(), label.into(), change.as_ref().clone(), run.as_ref().clone(), from.into()];
        let view = call("create", &args);
        // The editor lives as long as the page: so do its callbacks.
        change.forget();
        run.forget();
        view.map(EditorHandle)
    }

    pub fn editor_set_text(h: &EditorHandle, text: &str) {
        call("setText", &[h.0.clone(), text.into()]);
    }

    pub fn editor_set_label(h: &EditorHandle, label: &str) {
        call("setLabel", &[h.0.clone(), label.into()]);
    }

    pub fn editor_set_errors(h: &EditorHandle, errors: &[(u32, String)]) {
        let list = js_sys::Array::new();
        for (line, message) in errors {
            list.push(&js_sys::Array::of2(&JsValue::from(*line), &message.into()));
        }
        call("setErrors", &[h.0.clone(), list.into()]);
    }

    pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) {
        let f = js("name,mime,b", "const a=document.createElement('a');a.href=URL.createObjectURL(new Blob([b],{type:mime}));a.download=name;document.body.appendChild(a);a.click();a.remove();setTimeout(()=>URL.revokeObjectURL(a.href),1000);");
        let _ = f.call3(&JsValue::NULL, &name.into(), &mime.into(), &js_sys::Uint8Array::from(bytes));
    }

    fn eval_string(body: &str) -> String {
        js("", body).call0(&JsValue::NULL).ok().and_then(|v| v.as_string()).unwrap_or_default()
    }

    pub fn location_hash() -> String {
        eval_string("return location.hash")
    }

    pub fn page_url() -> String {
        eval_string("return location.origin+location.pathname+location.search")
    }

    pub fn drop_hash(reload: bool) {
        let _ = js("r", "history.replaceState(null,'',location.pathname+location.search);if(r)location.reload()")
            .call1(&JsValue::NULL, &reload.into());
    }

    pub fn window_flag(name: &str) -> bool {
        web_sys::window().and_then(|w| js_sys::Reflect::get(&w, &name.into()).ok()).is_some_and(|v| v.is_truthy())
    }

    pub fn apply_update() {
        let _ = js("", "if(window.fspApply)fspApply();else location.reload()").call0(&JsValue::NULL);
    }

    pub fn copy_text(text: &str) {
        let _ = js("t", "navigator.clipboard&&navigator.clipboard.writeText(t).catch(()=>{})")
            .call1(&JsValue::NULL, &text.into());
    }

    async fn promise_text(p: Result<JsValue, JsValue>) -> Result<String, String> {
        let message = |e: JsValue| {
            js_sys::Reflect::get(&e, &"message".into()).ok().and_then(|m| m.as_string()).unwrap_or_default()
        };
        let p = js_sys::Promise::from(p.map_err(message)?);
        let v = wasm_bindgen_futures::JsFuture::from(p).await.map_err(message)?;
        Ok(v.as_string().unwrap_or_default())
    }

    pub async fn pack(text: &str) -> Result<String, String> {
        let f = js(
            "t",
            "return new Response(new Blob([t]).stream().pipeThrough(new CompressionStream('deflate-raw'))).arrayBuffer()\
             .then(b=>{const u=new Uint8Array(b);let x='';for(let i=0;i<u.length;i+=8192)x+=String.fromCharCode.apply(null,u.subarray(i,i+8192));\
             return btoa(x).replace(/\\+/g,'-').replace(/\\//g,'_').replace(/=+$/,'')})",
        );
        promise_text(f.call1(&JsValue::NULL, &text.into())).await
    }

    pub async fn unpack(data: &str, max: usize) -> Result<String, String> {
        let f = js(
            "d,max",
            "return (async()=>{let x;try{x=atob(d.replace(/-/g,'+').replace(/_/g,'/'))}catch(e){throw Error('bad')}\
             const r=new Blob([Uint8Array.from(x,c=>c.charCodeAt(0))]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();\
             const parts=[];let n=0;for(;;){let c;try{c=await r.read()}catch(e){throw Error('bad')}if(c.done)break;n+=c.value.length;\
             if(n>max){r.cancel();throw Error('big')}parts.push(c.value)}\
             try{return new TextDecoder('utf-8',{fatal:true}).decode(await new Blob(parts).arrayBuffer())}catch(e){throw Error('bad')}})()",
        );
        promise_text(f.call2(&JsValue::NULL, &data.into(), &(max as f64).into())).await
    }

    pub fn clicked_action(ev: &leptos::ev::MouseEvent, act: &str, item: &str) -> Option<(String, String)> {
        let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
        let button = target.closest(&format!("[{act}]")).ok()??;
        let holder = button.closest(&format!("[{item}]")).ok()??;
        Some((button.get_attribute(act)?, holder.get_attribute(item)?))
    }

    pub fn prompt(message: &str, default: &str) -> Option<String> {
        web_sys::window()?.prompt_with_message_and_default(message, default).ok().flatten()
    }

    pub fn alert(message: &str) {
        if let Some(w) = web_sys::window() {
            let _ = w.alert_with_message(message);
        }
    }

    /// Files dropped anywhere on the page, or pasted, are read as bytes and handed to
    /// `each(name, bytes)` (`None`: over [`MAX_DROP`] bytes or unreadable) instead of reaching
    /// what is under them (CodeMirror would insert them, the browser would open them): the
    /// listeners are on the window and capture. Text drops and pastes pass through. While files
    /// are dragged over the page, `<body>` has the class `dropping`.
    pub fn on_files(mut each: impl FnMut(String, Option<Vec<u8>>) + 'static) {
        let each =
            wasm_bindgen::closure::Closure::<dyn FnMut(String, JsValue)>::new(move |name: String, bytes: JsValue| {
                let bytes = bytes.is_object().then(|| js_sys::Uint8Array::new(&bytes).to_vec());
                each(name, bytes)
            })
            .into_js_value();
        let f = js(
            "f,max",
            "const b=document.body.classList,has=e=>e.dataTransfer&&[...e.dataTransfer.types].includes('Files');\
             const files=(e,l)=>{b.remove('dropping');if(!l||!l.length)return;e.preventDefault();e.stopPropagation();\
             for(const x of l)(x.size>max?Promise.reject():x.arrayBuffer()).then(a=>f(x.name,new Uint8Array(a)),()=>f(x.name,undefined))};\
             addEventListener('dragover',e=>{if(has(e)){e.preventDefault();b.add('dropping')}},true);\
             addEventListener('dragleave',e=>{if(!e.relatedTarget)b.remove('dropping')},true);\
             addEventListener('drop',e=>files(e,e.dataTransfer&&e.dataTransfer.files),true);\
             addEventListener('paste',e=>files(e,e.clipboardData&&e.clipboardData.files),true);",
        );
        let _ = f.call2(&JsValue::NULL, &each, &(MAX_DROP as f64).into());
    }

    /// The file chosen in the `<input type=file>` `id`, read as bytes: `done(name, bytes)`.
    pub fn read_chosen_file(id: &str, done: impl FnOnce(String, Vec<u8>) + 'static) {
        let done = wasm_bindgen::closure::Closure::once_into_js(move |name: String, bytes: JsValue| {
            done(name, js_sys::Uint8Array::new(&bytes).to_vec())
        });
        let f = js(
            "id,f",
            "const el=document.getElementById(id);const x=el&&el.files&&el.files[0];if(!x)return;\
             x.arrayBuffer().then(b=>{el.value='';f(x.name,new Uint8Array(b))})",
        );
        let _ = f.call2(&JsValue::NULL, &id.into(), &done);
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod imp {
    use super::*;

    pub fn textarea_state(_ev: &Event) -> Option<TextState> {
        None
    }
    pub fn replace_range(_ev: &Event, _start: usize, _end: usize, _insert: &str) {}
    pub fn set_value(_ev: &Event, _text: &str) {}
    pub fn scroll_top(_ev: &Event) -> i32 {
        0
    }
    pub fn confirm(_message: &str) -> bool {
        true
    }
    pub fn focus(_id: &str) {}
    pub fn focus_in_view(_id: &str) {}
    pub fn scroll_into_view(_id: &str) {}
    pub fn download(_name: &str, _mime: &str, _text: &str) {}
    pub fn on_files(_each: impl FnMut(String, Option<Vec<u8>>) + 'static) {}
    pub fn download_png(_name: &str, _svg: &str, _width: f64, _height: f64) {}
    pub fn capture_pointer(_ev: &leptos::ev::PointerEvent) {}
    pub fn mark(_name: &str) {}
    pub fn load_editor() {}
    pub fn started() {}
    pub fn when_editor_ready(f: impl FnOnce(bool) + 'static) {
        f(false)
    }
    pub struct EditorHandle;
    pub fn editor_available() -> bool {
        false
    }
    pub fn editor_create(
        _parent: &leptos::web_sys::Element,
        _text: &str,
        _label: &str,
        _on_change: impl FnMut(String) + 'static,
        _on_run: impl FnMut() + 'static,
        _from: &str,
    ) -> Option<EditorHandle> {
        None
    }
    pub fn editor_set_text(_h: &EditorHandle, _text: &str) {}
    pub fn editor_set_label(_h: &EditorHandle, _label: &str) {}
    pub fn editor_set_errors(_h: &EditorHandle, _errors: &[(u32, String)]) {}
    pub fn download_bytes(_name: &str, _mime: &str, _bytes: &[u8]) {}
    pub fn location_hash() -> String {
        String::new()
    }
    pub fn page_url() -> String {
        String::new()
    }
    pub fn drop_hash(_reload: bool) {}
    pub fn copy_text(_text: &str) {}
    pub fn window_flag(_name: &str) -> bool {
        false
    }
    pub fn apply_update() {}
    pub async fn pack(_text: &str) -> Result<String, String> {
        Err("no browser".into())
    }
    pub async fn unpack(_data: &str, _max: usize) -> Result<String, String> {
        Err("no browser".into())
    }
    pub fn clicked_action(_ev: &leptos::ev::MouseEvent, _act: &str, _item: &str) -> Option<(String, String)> {
        None
    }
    pub fn prompt(_message: &str, _default: &str) -> Option<String> {
        None
    }
    pub fn alert(_message: &str) {}
}

/// The text and selection of the textarea `ev` happened on.
pub fn textarea_state(ev: &Event) -> Option<TextState> {
    imp::textarea_state(ev)
}

/// Replaces bytes `start..end` of the event's textarea with `insert` as typing would (undoable,
/// fires `input`), leaving the caret after it.
pub fn replace_range(ev: &Event, start: usize, end: usize, insert: &str) {
    imp::replace_range(ev, start, end, insert)
}

/// Replaces the whole text of the event's textarea, caret at the end (history recall).
pub fn set_value(ev: &Event, text: &str) {
    imp::set_value(ev, text)
}

/// How far the event's element is scrolled down, in px.
pub fn scroll_top(ev: &Event) -> i32 {
    imp::scroll_top(ev)
}

/// Asks the learner (the browser's confirm dialog); false when it cannot be shown.
pub fn confirm(message: &str) -> bool {
    imp::confirm(message)
}

/// Moves the keyboard focus to the element with this id.
pub fn focus(id: &str) {
    imp::focus(id)
}

/// Focuses the element and scrolls it into view within a scrolled row (a tab bar), which
/// `focus()` alone may leave half hidden.
pub fn focus_in_view(id: &str) {
    imp::focus_in_view(id)
}

/// Scrolls the element with this id into view within its scrolled row, without focusing it.
pub fn scroll_into_view(id: &str) {
    imp::scroll_into_view(id)
}

/// Saves `text` as a file named `name` (the browser's download).
pub fn download(name: &str, mime: &str, text: &str) {
    imp::download(name, mime, text)
}

/// Renders an SVG document at twice its size and saves it as a PNG file.
pub fn download_png(name: &str, svg: &str, width: f64, height: f64) {
    imp::download_png(name, svg, width, height)
}

/// Keeps the pointer's events on the element it went down on (dragging).
pub fn capture_pointer(ev: &leptos::ev::PointerEvent) {
    imp::capture_pointer(ev)
}

pub use imp::EditorHandle;

/// The file chosen in the `<input type=file>` `id`, read as bytes (browser only).
#[cfg(target_arch = "wasm32")]
pub fn read_chosen_file(id: &str, done: impl FnOnce(String, Vec<u8>) + 'static) {
    imp::read_chosen_file(id, done)
}

/// The largest file a drop or paste reads (bytes).
pub const MAX_DROP: usize = 64 << 20;

/// Files dropped anywhere on the page or pasted, read as bytes: `each(name, bytes)` (`None`
/// when over [`MAX_DROP`] or unreadable).
pub fn on_files(each: impl FnMut(String, Option<Vec<u8>>) + 'static) {
    imp::on_files(each)
}

/// True when the CodeMirror bundle (build/editor.js, `window.FspEditor`) is on the page.
pub fn editor_available() -> bool {
    imp::editor_available()
}

/// Calls `f(true)` once the CodeMirror bundle has run (`load_editor` runs it; index.html resolves
/// `window.fspEditorReady`), `f(false)` when it is missing or failed.
pub fn when_editor_ready(f: impl FnOnce(bool) + 'static) {
    imp::when_editor_ready(f)
}

/// A `performance.mark` (the benchmark reads them).
pub fn mark(name: &str) {
    imp::mark(name)
}

/// Runs the CodeMirror bundle (index.html's `fspLoadEditor`: preloaded, not run until asked; once).
pub fn load_editor() {
    imp::load_editor()
}

/// Tells the page that the app has started (index.html then registers the service worker, whose
/// install fetches every file again: not while the page is starting).
pub fn started() {
    imp::started()
}

/// Runs `f` in a task of its own after the next frame is painted.
#[cfg(target_arch = "wasm32")]
pub fn after_paint(f: impl FnOnce() + 'static) {
    imp::after_paint(f)
}

/// Creates the code editor in `parent`, in place of the textarea `from` (its caret, scroll and
/// focus carry over; `text` must be its text); None when the bundle is missing.
pub fn editor_create(
    parent: &leptos::web_sys::Element,
    text: &str,
    label: &str,
    on_change: impl FnMut(String) + 'static,
    on_run: impl FnMut() + 'static,
    from: &str,
) -> Option<EditorHandle> {
    imp::editor_create(parent, text, label, on_change, on_run, from)
}

/// Shows `text` (with a fresh undo history) unless the editor shows it already.
pub fn editor_set_text(h: &EditorHandle, text: &str) {
    imp::editor_set_text(h, text)
}

/// The editor's accessible name (`models.py`).
pub fn editor_set_label(h: &EditorHandle, label: &str) {
    imp::editor_set_label(h, label)
}

/// Marks errors at their lines (1-based).
pub fn editor_set_errors(h: &EditorHandle, errors: &[(u32, String)]) {
    imp::editor_set_errors(h, errors)
}

/// Asks for a text (the browser's prompt); None when cancelled or unavailable.
pub fn prompt(message: &str, default: &str) -> Option<String> {
    imp::prompt(message, default)
}

/// Tells the learner something (the browser's alert).
pub fn alert(message: &str) {
    imp::alert(message)
}

/// For one click handler over many buttons: the clicked element's (or its nearest
/// ancestor's) attribute `act`, and attribute `item` of the nearest element around that.
pub fn clicked_action(ev: &leptos::ev::MouseEvent, act: &str, item: &str) -> Option<(String, String)> {
    imp::clicked_action(ev, act, item)
}

/// Downloads `bytes` as a file.
pub fn download_bytes(name: &str, mime: &str, bytes: &[u8]) {
    imp::download_bytes(name, mime, bytes)
}

/// The page URL's fragment (`#share=...`), "" when there is none.
pub fn location_hash() -> String {
    imp::location_hash()
}

/// The page's address without its fragment.
pub fn page_url() -> String {
    imp::page_url()
}

/// Removes the fragment from the address (without loading anything), then reloads if asked.
pub fn drop_hash(reload: bool) {
    imp::drop_hash(reload)
}

/// True when `window[name]` is set to something truthy (index.html's signals to the app).
pub fn window_flag(name: &str) -> bool {
    imp::window_flag(name)
}

/// Lets the waiting service worker of a new build take over, then reloads (index.html's
/// `fspApply`); a plain reload when there is none.
pub fn apply_update() {
    imp::apply_update()
}

/// Puts `text` on the clipboard, when the browser lets the page.
pub fn copy_text(text: &str) {
    imp::copy_text(text)
}

/// `text` compressed (`CompressionStream('deflate-raw')`) and base64url-encoded.
pub async fn pack(text: &str) -> Result<String, String> {
    imp::pack(text).await
}

/// The reverse of [`pack`]; the error is `bad` (not base64, not deflate, not UTF-8) or `big`
/// (more than `max` bytes).
pub async fn unpack(data: &str, max: usize) -> Result<String, String> {
    imp::unpack(data, max).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_convert_between_utf16_and_bytes() {
        let text = "é𝄞x";
        // é: 2 bytes, 1 unit; 𝄞: 4 bytes, 2 units.
        assert_eq!(byte_offset(text, 0), 0);
        assert_eq!(byte_offset(text, 1), 2);
        assert_eq!(byte_offset(text, 3), 6);
        assert_eq!(byte_offset(text, 99), 7);
        assert_eq!(utf16_offset(text, 6), 3);
        assert_eq!(utf16_offset(text, 99), 4);
    }
}
