//! Tokenizer, parser and the console's completeness check over arbitrary text: they must
//! return a module or a SyntaxError, never panic or hang.
#![no_main]

use flask_sqlalchemy_playground::python::{console, parser};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let _ = parser::parse_module(src);
    let _ = console::is_incomplete(src);
});
