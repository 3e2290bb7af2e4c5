//! Python: tokenizer, parser, values, evaluator, exceptions in CPython's words, and the few
//! standard-library modules projects use.

pub mod ast;
pub mod bigint;
pub mod builtins;
pub mod bytes;
pub mod console;
pub mod format;
pub mod generator;
pub mod interp;
pub mod iters;
pub mod lexer;
pub mod memory;
pub mod ops;
pub mod parser;
pub mod pyset;
pub mod scope;
pub mod slots;
pub mod stdlib;
pub mod traceback;
pub mod value;
