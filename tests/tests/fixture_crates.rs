//! Every good fixture's generated crate, and every hostile document's that must compile
//! (`tests/hostile_specs/compile/`), compiles warning-free (clippy `-D warnings`, all targets,
//! feature `mock` included), so a fixture that no longer builds fails `cargo test`, not only CI.
//! The crates are generated into one scratch workspace under `target/` and checked with one cargo
//! invocation in the workspace's own target directory (dependencies are shared).

use std::path::PathBuf;
use std::process::Command;

use atlas_exports_tests::workspace_root;

/// The `.yaml` documents of `dir` (relative to the workspace root), by file stem, sorted.
fn specs_in(dir: &str) -> Vec<String> {
    let dir = workspace_root().join(dir);
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures directory")
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "yaml").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    names.sort();
    names
}

/// Good fixtures are `fixture-<name>` in `<name>/`; the hostile documents that must compile
/// (`tests/hostile_specs/compile/`: names that clash, self-containing aliases, over-long names) are
/// `hostile-<name>` in `hostile_<name>/`, and their own tests (spec examples round-trip) run too.
#[test]
fn every_good_fixture_crate_passes_clippy() {
    let root = workspace_root();
    let scratch: PathBuf = root.join("target/fixture-crates");
    let mut members = Vec::new();
    let mut hostile = Vec::new();
    let good = specs_in("tests/fixtures/good")
        .into_iter()
        .map(|n| ("tests/fixtures/good", "fixture", n));
    let compile = specs_in("tests/hostile_specs/compile")
        .into_iter()
        .map(|n| ("tests/hostile_specs/compile", "hostile", n));
    for (dir, prefix, name) in good.chain(compile) {
        let member = match prefix {
            "fixture" => name.clone(),
            _ => format!("{prefix}_{name}"),
        };
        let out = scratch.join(&member);
        let crate_name = format!("{prefix}-{}", name.replace('_', "-"));
        let options = apigen::Options {
            crate_name: crate_name.clone(),
            spec_label: format!("{dir}/{name}.yaml"),
            runtime: apigen::RuntimeSource::workspace(&out),
            ..Default::default()
        };
        let spec = root.join(format!("{dir}/{name}.yaml"));
        let files = apigen::generate(&spec, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
        apigen::write::write(&out, &files).unwrap_or_else(|e| panic!("{name}: {e}"));
        members.push(format!("\"{member}\""));
        if prefix == "hostile" {
            hostile.push(crate_name);
        }
    }
    // Behaviour tests of fixture crates (tests/fixture_wire/): what they put on the wire.
    let wire = scratch.join("wire");
    std::fs::create_dir_all(wire.join("tests")).expect("wire test dir");
    let wire_src = root.join("tests/fixture_wire");
    std::fs::copy(wire_src.join("manifest.toml"), wire.join("Cargo.toml")).expect("wire manifest");
    for entry in std::fs::read_dir(wire_src.join("tests")).expect("wire tests") {
        let path = entry.expect("wire test").path();
        let name = path.file_name().expect("file name");
        std::fs::copy(&path, wire.join("tests").join(name)).expect("wire test copied");
    }
    members.push("\"wire\"".to_owned());
    let manifest = format!(
        "# Written by tests/tests/fixture_crates.rs.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(scratch.join("Cargo.toml"), manifest).expect("scratch manifest");
    // The workspace's lock file: the same dependency versions, no network needed.
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).expect("lock file");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--all-features",
            "--offline",
        ])
        .args(["--quiet", "--", "-D", "warnings"])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "a fixture crate does not build warning-free:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&scratch)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["test", "-p", "fixture-wire", "--offline", "--quiet"])
        .args(hostile.iter().flat_map(|c| ["-p", c.as_str()]))
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "fixture behaviour tests failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
