//! Shared helpers for the workspace tests: fixture generation, recorded-exchange replay, client calls.

pub mod calls;
pub mod doc_scan;
pub mod hostile;
pub mod hostile_shapes;
pub mod lossless;
pub mod prism;
pub mod replay;
pub mod schema_json;
pub mod spec_calls;

use std::path::PathBuf;

/// The workspace root (parent of `tests/`).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Generated files for the fixture spec `tests/fixtures/<dir>/<name>.yaml`, or the generator's error text.
pub fn generate_fixture(dir: &str, name: &str) -> Result<Vec<(String, String)>, String> {
    let spec = workspace_root()
        .join("tests/fixtures")
        .join(dir)
        .join(format!("{name}.yaml"));
    let options = apigen::Options {
        spec_label: format!("tests/fixtures/{dir}/{name}.yaml"),
        ..Default::default()
    };
    apigen::generate(&spec, &options).map_err(|e| e.to_string())
}

/// The generated files worth reviewing (types, params, operations, lib.rs, Cargo.toml), concatenated;
/// the runtime is copied verbatim and reviewed where it is written, in `xtask/runtime/`.
pub fn reviewable(files: &[(String, String)]) -> String {
    files
        .iter()
        .filter(|(path, _)| !path.starts_with("src/runtime/"))
        .map(|(path, text)| format!("=== {path} ===\n{text}"))
        .collect::<Vec<_>>()
        .join("\n")
}
