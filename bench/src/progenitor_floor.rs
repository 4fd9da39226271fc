//! The floor of a crate's peak compiler memory (benchmark 7, issue 26): an empty crate with the same
//! dependencies. rustc loads the metadata of every dependency a crate names (reqwest, hyper, rustls,
//! tokio, serde, ...) before it reads a line of the crate; that part is the dependencies' cost, not
//! the generated code's. The empty crate is the generated crate's manifest (package, dependencies,
//! features) with a `lib.rs` of one `extern crate` per non-optional dependency, so each is loaded.

use std::path::{Path, PathBuf};

use crate::build_cost::{build_args, cargo, crate_only, run};

/// The `[dependencies]` of a manifest that a library can name: (extern name, optional).
pub fn dependencies(manifest: &str) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut section = String::new();
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            section = t.trim_matches(|c| c == '[' || c == ']').to_owned();
            if let Some(name) = section.strip_prefix("dependencies.") {
                out.push((name.trim_matches('"').replace('-', "_"), false));
            }
            continue;
        }
        if t.starts_with('#') || t.is_empty() {
            continue;
        }
        if section == "dependencies" {
            if let Some((key, value)) = t.split_once('=') {
                let optional = value.replace(' ', "").contains("optional=true");
                out.push((key.trim().trim_matches('"').replace('-', "_"), optional));
            }
        } else if let Some(name) = section.strip_prefix("dependencies.") {
            if t.replace(' ', "") == "optional=true" {
                let name = name.trim_matches('"').replace('-', "_");
                if let Some(dep) = out.iter_mut().find(|d| d.0 == name) {
                    dep.1 = true;
                }
            }
        }
    }
    out
}

/// The manifest of the empty crate: `[package]` renamed to `package`, `[dependencies]` (both forms)
/// and `[features]` kept; examples, dev-dependencies and the rest dropped; its own workspace.
pub fn floor_manifest(manifest: &str, package: &str) -> String {
    let mut out = String::new();
    let mut keep = false;
    let mut in_package = false;
    for line in manifest.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            let name = t.trim_matches(|c| c == '[' || c == ']');
            in_package = name == "package";
            keep = in_package
                || name == "dependencies"
                || name.starts_with("dependencies.")
                || name == "features";
        }
        if !keep {
            continue;
        }
        if in_package && t.starts_with("name") && t.contains('=') {
            out.push_str(&format!("name = \"{package}\"\n"));
        } else if !(in_package && (t.starts_with("build") || t.starts_with("readme"))) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.push_str("\n[workspace]\n");
    out
}

/// Writes the empty crate of the generated crate in `crate_dir` beside it (`floor-<dir name>`), with
/// the generated crate's lock file.
fn write_floor(crate_dir: &Path) -> Result<(PathBuf, String), String> {
    let manifest =
        std::fs::read_to_string(crate_dir.join("Cargo.toml")).map_err(|e| e.to_string())?;
    let name = crate_dir
        .file_name()
        .map(|n| format!("floor-{}", n.to_string_lossy()))
        .ok_or("no crate directory name")?;
    let dir = crate_dir.with_file_name(&name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("Cargo.toml"), floor_manifest(&manifest, &name))
        .map_err(|e| e.to_string())?;
    let mut lib = String::from(
        "//! An empty crate naming each dependency.\n#![allow(unused_extern_crates)]\n",
    );
    for (dep, optional) in dependencies(&manifest) {
        if !optional {
            lib.push_str(&format!("extern crate {dep};\n"));
        }
    }
    std::fs::write(dir.join("src/lib.rs"), lib).map_err(|e| e.to_string())?;
    std::fs::copy(crate_dir.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock of {}: {e}", crate_dir.display()))?;
    Ok((dir, name))
}

/// Peak RSS (kB, the largest process) of the empty crate of `crate_dir`, its dependencies built
/// first (the generated crate's, already in `target`): the largest of `rounds` crate-only builds.
pub fn peak_kb(root: &Path, crate_dir: &Path, target: &Path, rounds: usize) -> Result<u64, String> {
    let (dir, name) = write_floor(crate_dir)?;
    let manifest = dir.join("Cargo.toml").to_string_lossy().into_owned();
    let build = build_args(&manifest, &[]);
    run(cargo(root, &build, Some(target)))?;
    let mut peak = 0;
    for _ in 0..rounds {
        let m = crate_only(root, &manifest, &name, &build, target)?;
        peak = peak.max(m.peak_kb.ok_or("no peak memory (GNU time missing)")?);
    }
    Ok(peak)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = "# @generated\n[package]\nname = \"ours-small\"\nversion = \"0.1.0\"\nreadme = \"README.md\"\n\n[dependencies]\napigen-runtime = { path = \"../../crates/runtime\", features = [\"chrono\"] }\nserde = { version = \"1\", features = [\"derive\"] }\nuuid = { version = \"1\", optional = true }\n\n[dependencies.reqwest]\nversion = \"0.13\"\n\n[dev-dependencies]\ntokio = \"1\"\n\n[features]\nmock = [\"apigen-runtime/mock\"]\n\n[[example]]\nname = \"list\"\n";

    #[test]
    fn dependencies_are_read_in_both_forms_with_optional_ones_marked() {
        assert_eq!(
            dependencies(MANIFEST),
            [
                ("apigen_runtime".to_owned(), false),
                ("serde".to_owned(), false),
                ("uuid".to_owned(), true),
                ("reqwest".to_owned(), false),
            ]
        );
    }

    #[test]
    fn the_floor_manifest_keeps_dependencies_and_features_only() {
        let floor = floor_manifest(MANIFEST, "floor-ours-small");
        assert!(floor.contains("name = \"floor-ours-small\""), "{floor}");
        assert!(!floor.contains("name = \"ours-small\""), "{floor}");
        assert!(
            floor.contains("[dependencies.reqwest]\nversion = \"0.13\""),
            "{floor}"
        );
        assert!(
            floor.contains("mock = [\"apigen-runtime/mock\"]"),
            "{floor}"
        );
        assert!(
            !floor.contains("[[example]]") && !floor.contains("tokio"),
            "{floor}"
        );
        assert!(!floor.contains("readme"), "{floor}");
        assert!(floor.trim_end().ends_with("[workspace]"), "{floor}");
    }
}
