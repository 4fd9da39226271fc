//! Stage 4, emit: IR -> the files of the generated crate, as token streams (Rust) or text (TOML).
//!
//! Layout of the output: `src/types/<type>.rs` (one per named type), `src/params.rs` (validated path
//! parameter newtypes), `src/operations/<operation>.rs`, `src/lib.rs`, `Cargo.toml`, `tests/spec_examples.rs`.

mod body_fields;

/// Crates the generated `Cargo.toml` declares itself: an example's dev-dependencies may not
/// name them again.
pub const RESERVED_DEV_DEPENDENCIES: &[&str] = &[
    "apigen-runtime",
    "serde",
    "serde_json",
    "bytes",
    "chrono",
    "uuid",
    "tokio",
];
mod builder;
mod client;
mod crate_files;
mod debug;
mod decode;
mod docs;
mod enums;
pub(crate) mod features;
mod mock;
mod multipart;
mod operations;
pub(crate) mod pagination;
pub mod rust_types;
mod serialize;
mod types;
mod version;
mod waiter;
mod webhooks;

use proc_macro2::TokenStream;

use crate::error::Result;
use crate::ir::model::Api;
use crate::ir::naming::{field_name, shorten, unique};
use crate::Options;

pub use crate::escape::doc_lines as sanitize_doc;

pub enum Contents {
    Rust(TokenStream),
    Text(String),
}

/// One output file, path relative to the crate directory.
pub struct File {
    pub path: String,
    pub contents: Contents,
}

/// Module file name for a type or operation: `DiskBackupExportJob` -> `disk_backup_export_job`.
/// A name that is a keyword keeps `field_name`'s trailing `_` (`Type` -> `type_`), and so does one
/// named like its parent module (`types::types` is clippy's `module_inception`). Snake case can
/// lengthen a name, so it is shortened again to keep `<module>.rs` a valid file name.
fn module_name(name: &str, parent: &str) -> String {
    let mut module = field_name(name);
    if module == parent {
        module.push('_');
    }
    shorten(&module, MAX_MODULE_BYTES, "_")
}

/// Longest module name: `<module>.rs` stays well under the usual 255-byte file-name limit.
const MAX_MODULE_BYTES: usize = 128;

pub fn emit(api: &Api, options: &Options) -> Result<Vec<File>> {
    emit_share(api, options, 0, 1)
}

/// The files of share `k` of `n` (so that `n` threads can emit and format a big API): type and
/// operation modules are dealt round-robin, every other file belongs to share 0.
pub fn emit_share(api: &Api, options: &Options, k: usize, n: usize) -> Result<Vec<File>> {
    let mut files = Vec::new();
    let mut next = k;
    let mut claim = || {
        let job = next;
        next += n;
        job
    };
    emit_jobs_into(api, options, &mut claim, &mut |file| {
        files.push(file);
        Ok(())
    })?;
    Ok(files)
}

/// Emits the jobs `claim` hands out, handing each file to `sink` as soon as it is emitted: a
/// caller that formats it there holds the tokens of one file at a time, not of every file of its
/// share (tokens cost ~100 times the text they print: a 2 MB document of 12,000 small schemas
/// peaked at 505 MB).
///
/// Job 0 is every crate-level file (`lib.rs`, `mock.rs`, the module indexes, ...), then one job per
/// type module and one per operation module, in the IR's order. `claim` returns ascending job
/// numbers (past the last, the caller is done): threads that share one counter each take the
/// next job when they are free, so a thread that drew big files does not leave the other idle.
pub fn emit_jobs_into(
    api: &Api,
    options: &Options,
    claim: &mut dyn FnMut() -> usize,
    sink: &mut dyn FnMut(File) -> Result<()>,
) -> Result<()> {
    let rust = |path: String, tokens: TokenStream| File {
        path,
        contents: Contents::Rust(tokens),
    };
    // Module names only locate files (items are re-exported by glob), so two names that snake-case
    // alike can simply be numbered. Every caller names every module: job 0 lists them all.
    let mut taken = crate::ir::naming::Names::default();
    let type_mods: Vec<String> = api
        .types
        .values()
        .map(|def| unique(module_name(def.name(), "types"), &mut taken))
        .collect();
    let mut taken = crate::ir::naming::Names::default();
    let op_mods: Vec<String> = api
        .operations
        .iter()
        .map(|op| unique(module_name(&op.fn_name, "operations"), &mut taken))
        .collect();
    let types = api.types.values().zip(&type_mods);
    let operations = api.operations.iter().zip(&op_mods);
    let mut job = claim();
    if job == 0 {
        crate_level(api, options, &type_mods, &op_mods, sink)?;
        job = claim();
    }
    for (i, (def, module)) in (1..).zip(types) {
        if i == job {
            sink(rust(format!("src/types/{module}.rs"), types::type_def(def)))?;
            job = claim();
        }
    }
    let first_op = 1 + type_mods.len();
    for (i, (op, module)) in (first_op..).zip(operations) {
        if i == job {
            sink(rust(
                format!("src/operations/{module}.rs"),
                operations::operation_module(api, op),
            ))?;
            job = claim();
        }
    }
    Ok(())
}

/// Job 0 of [`emit_jobs_into`]: the files of the crate that are not one type's or one operation's.
fn crate_level(
    api: &Api,
    options: &Options,
    type_mods: &[String],
    op_mods: &[String],
    sink: &mut dyn FnMut(File) -> Result<()>,
) -> Result<()> {
    let gates = features::Gates::new(api);
    let type_mods: Vec<(String, TokenStream)> = type_mods
        .iter()
        .zip(api.types.values())
        .map(|(module, def)| (module.clone(), gates.ty(def.name())))
        .collect();
    let op_mods: Vec<(String, TokenStream)> = op_mods
        .iter()
        .zip(&api.operations)
        .map(|(module, op)| (module.clone(), gates.op(&op.fn_name)))
        .collect();
    let rust = |path: String, tokens: TokenStream| File {
        path,
        contents: Contents::Rust(tokens),
    };
    sink(rust(
        "src/types/mod.rs".into(),
        crate_files::module_index(
            "Types of the request and response bodies, one module per spec schema.",
            &type_mods,
            true,
        ),
    ))?;
    sink(rust(
        "src/operations/mod.rs".into(),
        crate_files::module_index("Request builders, one module per operation; start from the methods on [`crate::Client`].", &op_mods, true),
    ))?;

    sink(rust("src/mock.rs".into(), mock::mock_module(api, &gates)))?;
    sink(rust("src/params.rs".into(), crate_files::params(api)))?;
    if let Some(pages) = pagination::page_impls(api, &gates) {
        sink(rust("src/pagination.rs".into(), pages))?;
    }
    if !api.webhooks.is_empty() {
        sink(rust(
            "src/webhooks.rs".into(),
            webhooks::webhooks_module(api, options),
        ))?;
    }
    sink(rust("src/lib.rs".into(), crate_files::lib_rs(api, options)))?;
    sink(File {
        path: "Cargo.toml".into(),
        contents: Contents::Text(crate_files::cargo_toml(api, options, &gates)),
    })?;
    if let Some(report) = pagination::pagination_md(api, options) {
        sink(File {
            path: "PAGINATION.md".into(),
            contents: Contents::Text(report),
        })?;
    }
    if !api.fallbacks.is_empty() {
        sink(File {
            path: "FALLBACKS.md".into(),
            contents: Contents::Text(crate_files::fallbacks_md(api, options)),
        })?;
    }
    if let Some(docs) = &options.crate_docs {
        let from = format!(": copied from {}", options.asset_label("crate-docs.md"));
        let header = options
            .provenance
            .markdown_comment(&from, " Edit it there.");
        sink(File {
            path: "README.md".into(),
            contents: Contents::Text(format!("{header}\n\n{docs}")),
        })?;
    }
    for (name, source) in &options.examples.files {
        let from = format!(
            ": copied from {}",
            options.asset_label(&format!("examples/{name}"))
        );
        let header = format!("// {}\n", options.provenance.line(&from, " Edit it there."));
        sink(File {
            path: format!("examples/{name}"),
            contents: Contents::Text(format!("{header}{source}")),
        })?;
    }
    if !api.examples.is_empty() {
        sink(rust(
            "tests/spec_examples.rs".into(),
            crate_files::example_tests(api, options, &gates),
        ))?;
    }
    Ok(())
}
