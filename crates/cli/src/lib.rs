//! The `apigen` command (`cargo install --path crates/cli`, or `--git <this repository> apigen-cli`):
//! `apigen generate | check | explain | spec`, a thin layer over the [`apigen`] library's
//! [`Generator`](apigen::Generator). `cargo xtask codegen` calls the same code with this
//! repository's defaults; see docs/generator.md for the guide.

pub mod args;
pub mod run;

pub use args::{Cli, GenerationArgs};
pub use run::{apply, generate, run, Mode};
