//! SQLAlchemy: types, schema objects, declarative mapping, relationships, DDL compilers,
//! session and unit of work, queries and their SQL. Knows nothing of Flask.

pub mod aliased;
pub mod bulk_persistence;
pub mod ddl;
pub mod declarative;
pub mod engine;
pub mod evaluator;
pub mod events;
pub mod inspection;
pub mod module;
pub mod orm;
pub mod pickle;
pub mod reserved;
pub mod schema;
pub mod scoping;
pub mod sql;
pub mod statement;
pub mod strategies;
pub mod topological;
pub mod types;
