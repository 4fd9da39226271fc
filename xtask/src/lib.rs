//! The generator behind `cargo xtask codegen`: OpenAPI 3.0 spec in, Rust client crate out.
//!
//! One module per pipeline stage (see ARCHITECTURE.md):
//! [`load`] -> [`resolve`] -> [`ir`] -> [`emit`] -> [`mod@format`] -> [`mod@write`].

pub mod emit;
pub mod error;
pub mod format;
pub mod ir;
pub mod load;
pub mod resolve;
pub mod write;

use std::path::Path;

pub use error::{GenError, Result};

/// Options that shape the generated crate (its identity, not its contents).
#[derive(Debug, Clone)]
pub struct Options {
    /// Package name in the generated Cargo.toml.
    pub crate_name: String,
    /// Package version in the generated Cargo.toml.
    pub crate_version: String,
    /// Spec path shown in file headers (kept relative so output is identical on every machine).
    pub spec_label: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            crate_name: "atlas-backup-exports".into(),
            crate_version: "0.1.0".into(),
            spec_label: "spec/openapi.yaml".into(),
        }
    }
}

/// Runs load -> resolve -> IR -> emit -> format for the spec at `spec` and returns the files to write,
/// as (path relative to the output directory, contents), sorted by path.
pub fn generate(spec: &Path, options: &Options) -> Result<Vec<(String, String)>> {
    let loaded = load::load(spec)?;
    generate_from(&loaded.api, options)
}

/// Same as [`generate`] for an already-parsed document.
pub fn generate_from(api: &openapiv3::OpenAPI, options: &Options) -> Result<Vec<(String, String)>> {
    let ir = ir::build(api)?;
    // Emitting and formatting is most of the work for a big API and parallelizes per file. Tokens
    // are not `Send`, so each thread formats the share it emitted.
    let shares = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let ir = &ir;
    let mut out = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..shares)
            .map(|k| scope.spawn(move || render_share(ir, options, k, shares)))
            .collect();
        threads
            .into_iter()
            .map(|t| {
                t.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect::<Result<Vec<_>>>()
    })?
    .concat();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

/// Emits and formats share `k` of `n` of the files (see [`emit::emit_share`]).
fn render_share(
    ir: &ir::model::Api,
    options: &Options,
    k: usize,
    n: usize,
) -> Result<Vec<(String, String)>> {
    let files = emit::emit_share(ir, options, k, n)?;
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let text = match file.contents {
            emit::Contents::Rust(tokens) => format::rust(&file.path, tokens)?,
            emit::Contents::Text(text) => text,
        };
        out.push((file.path, text));
    }
    Ok(out)
}
