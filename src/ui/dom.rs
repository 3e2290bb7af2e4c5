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
    use wasm_bindgen::JsCast;
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
