//! The Leptos user interface: components only; state lives in the engine and `store`.
