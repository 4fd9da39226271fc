#![doc = include_str!("../README.md")]
//!
//! # Where things are
//!
//! [`Generator`] (with [`Generated`] and [`Module`]) is the API for other projects; [`explain`]
//! what `apigen explain` prints; [`RuntimeSource`] where a generated crate finds the runtime.
//! Underneath, one module per pipeline stage (the repository's ARCHITECTURE.md):
//! [`load`] -> [`lower`] -> [`resolve`] -> [`ir`] -> [`emit`] -> [`mod@format`] -> [`mod@write`].
//! Vendor conventions come from a [`profile::Profile`]; [`generate`] with [`Options`] runs the
//! whole pipeline in memory. The runtime is the separate `apigen-runtime` crate, which generated
//! crates depend on by exact version ([`RUNTIME_VERSION`]).

pub mod assets;
pub mod emit;
pub mod error;
pub mod escape;
pub mod explain;
pub mod format;
mod generator;
pub mod ir;
pub mod load;
pub mod lower;
mod module;
pub mod profile;
pub mod resolve;
mod runtime_source;
pub mod write;
mod yaml;

use std::path::Path;

pub use assets::Examples;
pub use error::{GenError, Result};
pub use generator::{Generated, Generator, Module};
pub use runtime_source::{relative_path, RuntimeSource};

/// Options that shape the generated crate (its identity, not its contents).
#[derive(Debug, Clone)]
pub struct Options {
    /// Package name in the generated Cargo.toml.
    pub crate_name: String,
    /// Package version in the generated Cargo.toml.
    pub crate_version: String,
    /// Spec path shown in file headers (kept relative so output is identical on every machine).
    pub spec_label: String,
    /// Read the assets beside the spec file (`crate-docs.md`, `examples/`): code the generated crate
    /// compiles and runs, so only when the user asks (`cargo xtask codegen --spec-assets`, and this
    /// repository's own `spec/`). Off by default: a document never brings files in by itself.
    pub spec_assets: bool,
    /// Example programs that ship with the spec (`<spec dir>/examples/`), copied into `examples/`.
    pub examples: Examples,
    /// Crate documentation that ships with the spec (`<spec dir>/crate-docs.md`): becomes the generated
    /// crate's README.md and its crate-level docs, so its code blocks are compiled as doctests.
    pub crate_docs: Option<String>,
    /// Profile name given on the command line; `None`: the one the document declares or that
    /// recognises it, else the generic one ([`profile::Profile::for_document`]).
    pub profile: Option<String>,
    /// How strictly response types follow the spec's `required` and `nullable`, for this run
    /// (`--strict-responses` / `--lenient-responses`); `None`: what the document chooses
    /// (`x-apigen: {responses: ..}`), else its profile's setting (generic: strict; Atlas: lenient).
    pub responses: Option<profile::Responses>,
    /// Cargo features per operation tag for this run (`--features-per-tag` / `--no-features-per-tag`);
    /// `None`: the profile's setting (GitHub: per tag; the others: off).
    pub features: Option<profile::Features>,
    /// Where the generated Cargo.toml finds `apigen-runtime` (default: the registry, pinned to
    /// `=`[`RUNTIME_VERSION`]).
    pub runtime: RuntimeSource,
    /// What the files say made them (default: this repository's `cargo xtask codegen`).
    pub provenance: format::Provenance,
    /// A crate (default), or the sources of one module for `include!` ([`Generator::generate_module`]).
    pub layout: Layout,
}

/// What the generated Rust sources are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// A crate of its own: `Cargo.toml`, `src/`, tests, README and examples.
    #[default]
    Crate,
    /// A module of another crate ([`Generator::generate_module`]): no crate docs from the spec's
    /// assets, and doc examples that name the API by `crate::` path are shown, not run (a doctest
    /// is a crate of its own and cannot reach into a module's position in yours).
    Module,
}

/// The `apigen-runtime` version generated code is written against (checked by a test against
/// `crates/runtime/Cargo.toml`); generated crates pin it exactly.
pub const RUNTIME_VERSION: &str = "0.1.0";

impl Default for Options {
    fn default() -> Self {
        Self {
            crate_name: "atlas-backup-exports".into(),
            crate_version: "0.1.0".into(),
            spec_label: "spec/openapi.yaml".into(),
            spec_assets: false,
            examples: Examples::default(),
            crate_docs: None,
            profile: None,
            responses: None,
            features: None,
            runtime: RuntimeSource::default(),
            provenance: format::Provenance::default(),
            layout: Layout::Crate,
        }
    }
}

impl Options {
    /// How the generated files name an asset beside the spec (`spec/crate-docs.md` for this
    /// repository's `spec/openapi.yaml`): the directory of [`Options::spec_label`] joined with `name`.
    pub fn asset_label(&self, name: &str) -> String {
        match self.spec_label.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/{name}"),
            None => name.to_owned(),
        }
    }
}

/// `options` plus the assets beside the spec file (`examples/`, `crate-docs.md`), when the user
/// opted in with [`Options::spec_assets`]; otherwise nothing beside the document is read.
fn with_spec_assets(options: &Options, spec_file: &Path) -> Result<Options> {
    let mut options = options.clone();
    // What cargo accepts as a package name (its length is not limited here: only crates.io caps it).
    let name = &options.crate_name;
    let plain = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !plain || !name.starts_with(|c: char| c.is_ascii_alphabetic()) || name.len() > 255 {
        return Err(GenError::new(
            "--crate-name",
            format!(
                "`{}` is not a crate name (ASCII letters, digits, `-` and `_`, starting with a letter)",
                options.crate_name
            ),
        ));
    }
    if let (true, Some(dir)) = (options.spec_assets, spec_file.parent()) {
        let (crate_docs, examples) = assets::load(dir)?;
        options.crate_docs = crate_docs;
        options.examples = examples;
    }
    Ok(options)
}

/// Runs load -> resolve -> IR -> emit -> format for the spec at `spec` and returns the files to write,
/// as (path relative to the output directory, contents), sorted by path.
pub fn generate(spec: &Path, options: &Options) -> Result<Vec<(String, String)>> {
    generate_timed(spec, options).map(|(files, _)| files)
}

/// Wall-clock time of each pipeline stage of one [`generate_timed`] run (for `cargo xtask bench`).
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    /// Read the file, parse YAML/JSON, check keywords, deserialize into `openapiv3` (plus spec assets).
    pub load: std::time::Duration,
    /// `ir::build`, including every `$ref` resolution (the resolver is called from inside the IR).
    pub ir: std::time::Duration,
    /// Emit and format (token streams, then syn + prettyplease), in parallel shares, plus the sort.
    pub emit_format: std::time::Duration,
}

/// [`generate`] with the time spent in each stage: the one pipeline, timed.
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
    let ir = build_ir(&loaded, &options)?;
    times.ir = started.elapsed();
    let started = Instant::now();
    let files = render(&ir, &options)?;
    times.emit_format = started.elapsed();
    Ok((files, times))
}

/// The profile for `loaded` under `options`, then the IR.
pub fn build_ir(loaded: &load::LoadedSpec, options: &Options) -> Result<ir::model::Api> {
    let mut profile = select_profile(&loaded.raw, options.profile.as_deref())?;
    if let Some(responses) = options.responses {
        profile.responses = responses;
    }
    // Pointers name the document as written, not the lowered tree.
    let lowered = &loaded.lowered;
    let mut api = ir::build(&loaded.api, &profile).map_err(|e| lowered.locate(e))?;
    api.profile.features = options.features.unwrap_or(profile.features);
    api.profile.env = ir::env_vars::names(&profile.env, &api.auth, &options.crate_name);
    lowered.originals(api.fallbacks.iter_mut().map(|f| &mut f.pointer));
    api.fallbacks
        .extend(lowered.notes.iter().map(|note| ir::model::Fallback {
            pointer: note.pointer.clone(),
            construct: note.construct.clone(),
            rust: note.rust.clone(),
        }));
    api.fallbacks.sort();
    api.fallbacks.dedup();
    Ok(api)
}

/// `explicit` (a `--profile` name), else what the document declares or what recognises it, with
/// the document's own settings (`x-apigen`) applied.
pub fn select_profile(raw: &serde_json::Value, explicit: Option<&str>) -> Result<profile::Profile> {
    let unknown = |name: &str| {
        GenError::new(
            "/info/x-apigen-profile",
            format!(
                "unknown profile `{name}` (known: {})",
                profile::Profile::NAMES
            ),
        )
    };
    let profile = match explicit {
        Some(name) => profile::Profile::by_name(name).ok_or_else(|| unknown(name)),
        None => profile::Profile::for_document(raw).map_err(|name| unknown(&name)),
    }?;
    profile.with_document_settings(raw)
}

/// Emits and formats every file of `ir`, in parallel shares, sorted by path.
pub fn render(ir: &ir::model::Api, options: &Options) -> Result<Vec<(String, String)>> {
    // Emitting and formatting is most of the work for a big API and parallelizes per file. Tokens
    // are not `Send`, so each thread formats what it emitted; the threads take the files (jobs of
    // `emit::emit_jobs_into`) from one counter, so they finish together whatever each drew.
    let shares = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
    let next_job = std::sync::atomic::AtomicUsize::new(0);
    let mut out = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..shares)
            .map(|_| scope.spawn(|| render_share(ir, options, &next_job)))
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
    write::check_paths(&out)?;
    Ok(out)
}

/// Emits and formats the jobs this thread takes from `next_job` (see [`emit::emit_jobs_into`]).
fn render_share(
    ir: &ir::model::Api,
    options: &Options,
    next_job: &std::sync::atomic::AtomicUsize,
) -> Result<Vec<(String, String)>> {
    // Each file is formatted as soon as it is emitted, so only one file's tokens are alive.
    let mut out = Vec::new();
    let header = options.provenance.rust_header();
    let mut claim = || next_job.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    emit::emit_jobs_into(ir, options, &mut claim, &mut |file| {
        let text = match file.contents {
            emit::Contents::Rust(tokens) => format::rust(&file.path, tokens, &header)?,
            emit::Contents::Text(text) => text,
        };
        out.push((file.path, text));
        Ok(())
    })?;
    Ok(out)
}
