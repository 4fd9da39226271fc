//! Cargo features per operation tag (`tests/fixtures/good/feature_tags.yaml`, `x-apigen: {features:
//! per-tag}`): the generated `Cargo.toml` names one feature per tag, all on by default; each
//! operation and each type is gated by the features of the tags that reach it (`unused-schemas` for
//! what no operation reaches); and the crate builds warning-free (clippy `-D warnings`, all targets)
//! with no feature, with one tag, with another tag and `mock`, with `unused-schemas` alone, and with
//! the defaults. All features together are checked by `fixture_crates.rs`.

use std::path::Path;
use std::process::Command;

use atlas_exports_tests::workspace_root;

/// The `#[cfg(..)]` line right above `mod <module>;` in `index` (None: not gated).
fn gate_of<'a>(index: &'a str, module: &str) -> Option<&'a str> {
    let lines: Vec<&str> = index.lines().map(str::trim).collect();
    let at = lines
        .iter()
        .position(|l| *l == format!("mod {module};"))
        .unwrap_or_else(|| panic!("no `mod {module};` in\n{index}"));
    at.checked_sub(1)
        .map(|i| lines[i])
        .filter(|l| l.starts_with("#[cfg("))
}

fn clippy(dir: &Path, features: &[&str]) {
    let root = workspace_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args(["clippy", "--all-targets", "--offline", "--quiet"])
        .args(features)
        .args(["--", "-D", "warnings"])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "the feature-tags crate does not build warning-free with {features:?}:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn tags_become_features_and_every_subset_builds() {
    let root = workspace_root();
    let scratch = root.join("target/feature-crates");
    let out = scratch.join("feature_tags");
    let spec = root.join("tests/fixtures/good/feature_tags.yaml");
    let options = apigen::Options {
        crate_name: "fixture-feature-tags".into(),
        spec_label: "tests/fixtures/good/feature_tags.yaml".into(),
        runtime: apigen::RuntimeSource::workspace(&out),
        ..Default::default()
    };
    let files = apigen::generate(&spec, &options).expect("generates");
    apigen::write::write(&out, &files).expect("written");
    std::fs::write(
        scratch.join("Cargo.toml"),
        "# Written by tests/tests/feature_tags.rs.\n[workspace]\nresolver = \"2\"\nmembers = [\"feature_tags\"]\n",
    )
    .expect("scratch manifest");
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).expect("lock file");

    // In tag order (`Store Orders` sorts first); `pets!` comes out as `pets` too and is numbered;
    // the tagless operation gets `untagged`; the schema no operation uses, `unused-schemas`.
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    let lines: Vec<&str> = manifest.lines().collect();
    assert!(lines
        .contains(&r#"default = ["store-orders", "pets", "pets2", "untagged", "unused-schemas"]"#));
    for feature in [
        "pets",
        "pets2",
        "store-orders",
        "untagged",
        "unused-schemas",
    ] {
        assert!(
            lines.contains(&format!("{feature} = []").as_str()),
            "{feature}"
        );
    }
    assert!(lines.iter().any(|l| l.starts_with("mock = ")));

    let types = std::fs::read_to_string(out.join("src/types/mod.rs")).expect("types index");
    assert_eq!(
        gate_of(&types, "pet_page"),
        Some(r#"#[cfg(feature = "pets")]"#)
    );
    assert_eq!(
        gate_of(&types, "new_order"),
        Some(r#"#[cfg(feature = "store-orders")]"#)
    );
    let shared = Some(r#"#[cfg(any(feature = "store-orders", feature = "pets"))]"#);
    assert_eq!(gate_of(&types, "owner"), shared);
    assert_eq!(gate_of(&types, "pet"), shared);
    assert_eq!(
        gate_of(&types, "audit"),
        Some(r#"#[cfg(any(feature = "pets2", feature = "untagged"))]"#)
    );
    // The error body is always compiled, and so is what it uses (`Detail`, which the unreached
    // `Legacy` uses too). A type no operation reaches is compiled with `unused-schemas`, and what
    // it uses with that feature too.
    assert_eq!(gate_of(&types, "problem"), None);
    assert_eq!(gate_of(&types, "detail"), None);
    assert_eq!(
        gate_of(&types, "legacy"),
        Some(r#"#[cfg(feature = "unused-schemas")]"#)
    );
    // A type only a path parameter names is compiled with that operation's feature.
    assert_eq!(
        gate_of(&types, "color"),
        Some(r#"#[cfg(feature = "store-orders")]"#)
    );
    assert_eq!(
        gate_of(&types, "pet_kind"),
        Some(
            r#"#[cfg(any(feature = "store-orders", feature = "pets", feature = "unused-schemas"))]"#
        )
    );
    let ops = std::fs::read_to_string(out.join("src/operations/mod.rs")).expect("operations index");
    assert_eq!(
        gate_of(&ops, "list_pets"),
        Some(r#"#[cfg(feature = "pets")]"#)
    );
    assert_eq!(gate_of(&ops, "get_order_pet"), shared);
    assert_eq!(
        gate_of(&ops, "health"),
        Some(r#"#[cfg(feature = "untagged")]"#)
    );

    clippy(&out, &["--no-default-features"]);
    clippy(&out, &["--no-default-features", "--features", "pets"]);
    clippy(
        &out,
        &["--no-default-features", "--features", "store-orders,mock"],
    );
    clippy(
        &out,
        &["--no-default-features", "--features", "unused-schemas"],
    );
    clippy(&out, &[]);
}
