//! Python: tokenizer, parser, values, evaluator, exceptions in CPython's words, and the few
//! standard-library modules projects use.

pub mod ast;
pub mod console;
