//! Tokenizer, parser and the console's completeness check over arbitrary text: they must
//! return a module or a SyntaxError, never panic or hang.
#![no_main]

use flask_sqlalchemy_playground::python::{console, parser};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    let _ = parser::parse_module(src);
    let _ = console::is_incomplete(src);
    // The console's check keeps its trees in the parse cache until the next interpreter is
    // built (one run's worth); here no interpreter is built, so end the generation each time.
    parser::next_parse_generation();
});
