use super::*;

#[test]
fn dev_dependencies_are_registry_crates_only() {
    let deps = parse_dev_dependencies(
        "futures = \"0.3\"\nindicatif = { version = \"0.17\", default-features = false, features = [\"a\", \"b/c\"] }\n",
    )
    .expect("plain dev-dependencies");
    assert_eq!(
        deps.iter().map(DevDependency::to_toml).collect::<Vec<_>>(),
        [
            "futures = { version = \"0.3\" }",
            "indicatif = { version = \"0.17\", default-features = false, features = [\"a\", \"b/c\"] }"
        ]
    );
    assert_eq!(
        parse_dev_dependencies("[dev-dependencies]\nfutures = \"0.3\"\n").map(|d| d.len()),
        Ok(1)
    );
    for (text, why) in [
        ("evil = { path = \"/etc\" }", "`path` is not allowed"),
        ("evil = { git = \"https://x\" }", "`git` is not allowed"),
        (
            "evil = { version = \"1\", registry = \"r\" }",
            "`registry` is not allowed",
        ),
        (
            "[build-dependencies]\nx = \"1\"",
            "only [dev-dependencies] is allowed",
        ),
        (
            "[dev-dependencies]\nx = \"1\"\n[package]\nbuild = \"b.rs\"",
            "only [dev-dependencies]",
        ),
        ("tokio = \"1\"", "declares itself"),
        ("x = \"1\\\"\\n[patch]\"", "not a version requirement"),
        (
            "x = { version = \"1\", features = [\"a\\\"]\"] }",
            "not a feature name",
        ),
        ("x = 1", "expected a version or a table"),
        ("x = \"1\"\nx = \"2\"", "invalid TOML"),
    ] {
        let err = parse_dev_dependencies(text).expect_err(text);
        assert!(err.contains(why), "{text}: {err}");
    }
}

#[test]
fn names_written_into_cargo_toml_are_plain() {
    assert!(is_plain_name("mock_server-2"));
    for bad in ["", "a b", "a\"b", "a/b", "../x", "é", &"x".repeat(65)] {
        assert!(!is_plain_name(bad), "{bad:?}");
    }
}

#[cfg(unix)]
#[test]
fn assets_are_never_read_through_a_symlink() {
    let root = std::env::temp_dir().join(format!("apigen-assets-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let spec = root.join("spec");
    std::fs::create_dir_all(spec.join("examples")).expect("dirs");
    std::fs::write(root.join("secret.txt"), "SECRET").expect("secret");
    std::os::unix::fs::symlink(root.join("secret.txt"), spec.join("examples/leak.rs"))
        .expect("link");
    let err = load(&spec).expect_err("a symlinked example is refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    std::fs::remove_file(spec.join("examples/leak.rs")).expect("unlink");
    std::os::unix::fs::symlink(root.join("secret.txt"), spec.join("crate-docs.md")).expect("link");
    let err = load(&spec).expect_err("symlinked crate docs are refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    std::fs::remove_file(spec.join("crate-docs.md")).expect("unlink");
    std::fs::remove_dir_all(spec.join("examples")).expect("rm");
    std::os::unix::fs::symlink(&root, spec.join("examples")).expect("dir link");
    let err = load(&spec).expect_err("a symlinked examples directory is refused");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    std::fs::remove_file(spec.join("examples")).expect("unlink");
    // A hard link to a file elsewhere is refused too, and so is an oversized asset.
    std::fs::hard_link(root.join("secret.txt"), spec.join("crate-docs.md")).expect("hard link");
    let err = load(&spec).expect_err("a hard-linked asset is refused");
    assert!(err.to_string().contains("hard links"), "{err}");
    std::fs::remove_file(spec.join("crate-docs.md")).expect("unlink");
    std::fs::write(
        spec.join("crate-docs.md"),
        "x".repeat(MAX_ASSET_BYTES as usize + 1),
    )
    .expect("big");
    let err = load(&spec).expect_err("an oversized asset is refused");
    assert!(err.to_string().contains("larger than"), "{err}");
    std::fs::write(spec.join("crate-docs.md"), "# Docs").expect("docs");
    assert_eq!(
        load(&spec).expect("a plain asset").0.as_deref(),
        Some("# Docs")
    );
    let _ = std::fs::remove_dir_all(&root);
}
