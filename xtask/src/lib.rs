//! The generator behind `cargo xtask codegen`: OpenAPI 3.0 spec in, Rust client crate out.
//!
//! One module per pipeline stage (see ARCHITECTURE.md):
//! [`load`] -> [`resolve`] -> [`ir`] -> [`emit`] -> [`mod@format`] -> [`mod@write`].
//! [`spec_tools`] maintains the spec itself (`cargo xtask spec extract|diff`).

pub mod emit;
pub mod error;
pub mod format;
pub mod ir;
pub mod load;
pub mod resolve;
pub mod spec_tools;
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
    /// Example programs that ship with the spec (`<spec dir>/examples/`), copied into `examples/`.
    pub examples: Examples,
    /// Crate documentation that ships with the spec (`<spec dir>/crate-docs.md`): becomes the generated
    /// crate's README.md and its crate-level docs, so its code blocks are compiled as doctests.
    pub crate_docs: Option<String>,
}

/// Example programs for the generated crate. They are spec-specific (they name its operations), so they
/// live beside the spec, not in the generator.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    /// (file name, source), sorted by name.
    pub files: Vec<(String, String)>,
    /// Extra `[dev-dependencies]` lines the examples need (`examples/dev-dependencies.toml`).
    pub dev_dependencies: String,
}

impl Examples {
    /// Reads `dir/*.rs` and `dir/dev-dependencies.toml`; a missing directory means no examples.
    pub fn load(dir: &Path) -> Result<Self> {
        let io = |e: std::io::Error| {
            GenError::new(
                dir.display().to_string(),
                format!("cannot read examples: {e}"),
            )
        };
        if !dir.is_dir() {
            return Ok(Self::default());
        }
        let mut files = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|e| e == "rs") {
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                files.push((name, std::fs::read_to_string(&path).map_err(io)?));
            }
        }
        files.sort();
        let deps = dir.join("dev-dependencies.toml");
        let dev_dependencies = if deps.is_file() {
            std::fs::read_to_string(&deps).map_err(io)?
        } else {
            String::new()
        };
        Ok(Self {
            files,
            dev_dependencies,
        })
    }
}

impl Default for Options {
    fn default() -> Self {
        Self {
            crate_name: "atlas-backup-exports".into(),
            crate_version: "0.1.0".into(),
            spec_label: "spec/openapi.yaml".into(),
            examples: Examples::default(),
            crate_docs: None,
        }
    }
}

/// `options` plus the assets that ship beside the spec file: `examples/` and `crate-docs.md`.
fn with_spec_assets(options: &Options, spec_file: &Path) -> Result<Options> {
    let mut options = options.clone();
    if let Some(dir) = spec_file.parent() {
        options.examples = Examples::load(&dir.join("examples"))?;
        let docs = dir.join("crate-docs.md");
        if docs.is_file() {
            let text = std::fs::read_to_string(&docs).map_err(|e| {
                GenError::new(docs.display().to_string(), format!("cannot read: {e}"))
            })?;
            options.crate_docs = Some(text);
        }
    }
    Ok(options)
}

/// Runs load -> resolve -> IR -> emit -> format for the spec at `spec` and returns the files to write,
/// as (path relative to the output directory, contents), sorted by path.
pub fn generate(spec: &Path, options: &Options) -> Result<Vec<(String, String)>> {
    let loaded = load::load(spec)?;
    let options = with_spec_assets(options, &loaded.path)?;
    generate_from(&loaded.api, &options)
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

/// Wall-clock time of each pipeline stage of one [`generate_timed`] run (for `cargo xtask bench`).
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    /// Read the file, parse YAML/JSON, check keywords, deserialize into `openapiv3` (plus spec assets).
    pub load: std::time::Duration,
    /// `ir::build`, including every `$ref` resolution (the resolver is called from inside the IR).
    pub ir: std::time::Duration,
    /// `emit::emit`: token streams and text files.
    pub emit: std::time::Duration,
    /// `format::rust` over every Rust file (syn parse + prettyplease), plus the final sort.
    pub format: std::time::Duration,
}

/// [`generate`] with the time spent in each stage; the same stage functions in the same order, so
/// the files are identical. Used by the benchmarks only.
pub fn generate_timed(
    spec: &Path,
    options: &Options,
) -> Result<(Vec<(String, String)>, StageTimes)> {
    use std::time::Instant;
    let mut times = StageTimes::default();
    let started = Instant::now();
    let loaded = load::load(spec)?;
    let options = with_spec_assets(options, &loaded.path)?;
    times.load = started.elapsed();
    let started = Instant::now();
    let ir = ir::build(&loaded.api)?;
    times.ir = started.elapsed();
    let started = Instant::now();
    let files = emit::emit(&ir, &options)?;
    times.emit = started.elapsed();
    let started = Instant::now();
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let text = match file.contents {
            emit::Contents::Rust(tokens) => format::rust(&file.path, tokens)?,
            emit::Contents::Text(text) => text,
        };
        out.push((file.path, text));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    times.format = started.elapsed();
    Ok((out, times))
}
