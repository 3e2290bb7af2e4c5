//! Flask and Flask-SQLAlchemy: the app and its config, the `db` extension object and its
//! `Model`, the shell namespace, and the project loader ([`playground::Playground`]).

pub mod app;
pub mod ext;
pub mod playground;
pub mod record;
pub mod shell;
