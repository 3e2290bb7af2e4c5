//! Flask-SQLAlchemy Playground: a whole tiny Flask project run in a browser tab.
//!
//! One engine, two front doors. The engine (`python`, `sqlalchemy`, `flask`, `db`) is plain
//! Rust with no browser types; the Leptos UI (`ui`, `store`) and the native runner
//! (`src/bin/playground.rs`) both drive it through [`flask::playground::Playground`].
//! Dependencies point one way: ui → flask → sqlalchemy → python, db.

pub mod db;
pub mod flask;
pub mod python;
pub mod sort;
pub mod sqlalchemy;
pub mod store;
pub mod ui;
