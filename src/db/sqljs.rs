//! [`super::Database`] on sql.js (SQLite compiled to WebAssembly), for the browser.
