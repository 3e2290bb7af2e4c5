//! Flask and Flask-SQLAlchemy: the app and its config, the `db` extension object and its
//! `Model`, the shell namespace, and the project loader ([`playground::Playground`]).

pub mod app;
#[cfg(not(target_arch = "wasm32"))]
pub mod case;
pub mod compare;
pub mod ext;
pub mod introspect;
pub mod playground;
pub mod record;
pub mod shell;
