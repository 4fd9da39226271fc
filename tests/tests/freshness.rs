//! `generated/` must be exactly what the generator produces from `spec/` today.

use atlas_exports_tests::workspace_root;

#[test]
fn generated_crate_is_fresh() {
    let root = workspace_root();
    let files =
        xtask::generate(&root.join("spec"), &xtask::Options::default()).expect("spec/ generates");
    let stale =
        xtask::write::stale(&root.join("generated"), &files).expect("generated/ is readable");
    assert!(
        stale.is_empty(),
        "generated/ is stale; run `cargo xtask codegen` and commit the result:\n  {}",
        stale.join("\n  ")
    );
}

#[test]
fn generation_is_deterministic() {
    let root = workspace_root();
    let first =
        xtask::generate(&root.join("spec"), &xtask::Options::default()).expect("spec/ generates");
    let second =
        xtask::generate(&root.join("spec"), &xtask::Options::default()).expect("spec/ generates");
    assert_eq!(first, second);
}
