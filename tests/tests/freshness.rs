//! `generated/` must be exactly what the generator produces from `spec/` today.

use atlas_exports_tests::workspace_root;

#[test]
fn generated_crate_is_fresh() {
    let root = workspace_root();
    let options = apigen::Options {
        runtime: apigen::RuntimeSource::workspace(&root.join("generated")),
        spec_assets: true,
        ..Default::default()
    };
    assert_eq!(
        options.runtime,
        apigen::RuntimeSource::Path("../crates/runtime".into())
    );
    let files = apigen::generate(&root.join("spec"), &options).expect("spec/ generates");
    let stale =
        apigen::write::stale(&root.join("generated"), &files).expect("generated/ is readable");
    assert!(
        stale.is_empty(),
        "generated/ is stale; run `cargo xtask codegen` and commit the result:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn generation_is_deterministic() {
    let root = workspace_root();
    let options = apigen::Options {
        spec_assets: true,
        ..Default::default()
    };
    let first = apigen::generate(&root.join("spec"), &options).expect("spec/ generates");
    let second = apigen::generate(&root.join("spec"), &options).expect("spec/ generates");
    assert_eq!(first, second);
}

/// Generated crates pin `apigen-runtime` to the version the generator writes against.
#[test]
fn generator_targets_the_workspace_runtime_version() {
    let manifest = std::fs::read_to_string(workspace_root().join("crates/runtime/Cargo.toml"))
        .expect("runtime manifest");
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .map(|v| v.trim_matches('"'));
    assert_eq!(version, Some(apigen::RUNTIME_VERSION));
}
