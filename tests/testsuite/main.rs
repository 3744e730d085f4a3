//! quire's integration tests, one binary (as mdBook's `tests/testsuite/`):
//! linking the whole crate once rather than once per file. Each module is
//! one subject (the EPUB, the PDF, the CLI, `quire serve`…); `common` holds
//! the helpers they share. `tests/shapes.rs` stays a binary of its own: it
//! measures its process's CPU time, which other tests would disturb.

mod bad_input;
mod check;
mod cli;
mod collisions;
mod common;
mod cover;
mod disk_cache;
mod epub;
mod golden;
mod house;
mod images;
mod import;
mod kepubify;
mod layout;
mod markdown;
mod model;
mod pagemap;
mod pdf;
mod print_cover;
mod properties;
mod rebuild;
mod scripts;
mod serve;
mod stores;
mod structure;
mod styles;
mod tagged;
mod watch;
mod words;
