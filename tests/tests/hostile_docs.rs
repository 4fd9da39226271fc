//! Spec text never runs as code and never reaches rustdoc's HTML as markup (issue 20).
//!
//! `tests/hostile_specs/docs/template.json` puts a placeholder (`@@k@@`) in every place of a
//! document whose text reaches the generated crate's docs: titles, descriptions and summaries,
//! enum values, required member names, a discriminator's property and tags, a security scheme's
//! name and parameter, parameter names. Two checks fill them:
//! - a property test with random strings built from every fence, indentation, line ending, HTML,
//!   link and control-character form: the generated crate's doctests, HTML and links (as rustdoc
//!   would read them, `doc_scan`) are exactly those of the same document with plain words;
//! - the real toolchain on the known attacks: the generated crate passes clippy `-D warnings`,
//!   `cargo test --doc` lists no doctest and writes no marker file, and no HTML page `cargo doc`
//!   writes holds the payload's markup.

use std::path::{Path, PathBuf};
use std::process::Command;

use atlas_exports_tests::doc_scan::{scan, DocFindings};
use atlas_exports_tests::workspace_root;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Placeholders whose strings are keys or values that must stay distinct (a suffix keeps them so).
const DISTINCT: &[usize] = &[5, 9, 11, 12, 20, 23, 26, 27, 28, 32, 37, 38, 39];
const PLACEHOLDERS: usize = 44;

/// Valid Rust that leaves a marker file if it ever runs as a doctest.
const PAYLOAD: &str = "std::fs::write(\"PWNED\", \"x\").unwrap();";

fn template() -> serde_json::Value {
    let path = workspace_root().join("tests/hostile_specs/docs/template.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("template")).expect("template JSON")
}

/// The template with placeholder `k` replaced by `strings[k]` (keys and values alike).
fn fill(value: &serde_json::Value, strings: &[String]) -> serde_json::Value {
    use serde_json::Value;
    let text = |s: &str| -> String {
        match s
            .strip_prefix("@@")
            .and_then(|r| r.strip_suffix("@@"))
            .and_then(|k| k.parse::<usize>().ok())
        {
            Some(k) if DISTINCT.contains(&k) => format!("{}~{k}", strings[k]),
            Some(k) => strings[k].clone(),
            None => s.to_owned(),
        }
    };
    match value {
        Value::String(s) => Value::String(text(s)),
        Value::Array(items) => Value::Array(items.iter().map(|v| fill(v, strings)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (text(k), fill(v, strings)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Generates the crate for `strings` in memory (the document is written to a scratch file).
fn generate(strings: &[String], scratch: &Path) -> Result<Vec<(String, String)>, String> {
    std::fs::create_dir_all(scratch).map_err(|e| e.to_string())?;
    let spec = scratch.join("openapi.json");
    let json =
        serde_json::to_string_pretty(&fill(&template(), strings)).map_err(|e| e.to_string())?;
    std::fs::write(&spec, json).map_err(|e| e.to_string())?;
    let options = apigen::Options {
        crate_name: "hostile-docs".into(),
        spec_label: "openapi.json".into(),
        runtime_path: apigen::workspace_runtime_path(scratch),
        ..Default::default()
    };
    apigen::generate(&spec, &options).map_err(|e| e.to_string())
}

fn plain_words() -> Vec<String> {
    (0..PLACEHOLDERS).map(|k| format!("word{k}")).collect()
}

/// The pieces random strings are made of: every way Markdown starts a code block, HTML, links,
/// line endings, controls, bidi characters, and words.
fn piece() -> impl Strategy<Value = String> {
    let fixed = [
        "```",
        "````",
        "```rust",
        "~~~",
        "~~~~rust",
        "`",
        "``",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "    ",
        "\t",
        "  ",
        "# ",
        "- ",
        "1. ",
        "> ",
        "<script>alert(1)</script>",
        "<b>",
        "</code>",
        "<!--",
        "-->",
        "<http://a b>",
        "<https://ok.example/x>",
        "[x](javascript:alert(1))",
        "![i](https://t.example/p.png)",
        "[`Client`]",
        "&",
        "|",
        "\\",
        "*",
        "_",
        "\u{202e}",
        "\u{2066}",
        "\u{0}",
        "\u{7}",
        "\u{feff}",
        "\u{2028}",
        "fn main() {}",
        PAYLOAD,
        "\"",
        "'",
        "{",
        "}",
    ];
    prop_oneof![
        3 => proptest::sample::select(fixed.to_vec()).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9 ]{1,8}",
    ]
}

fn hostile_string() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..14).prop_map(|parts| parts.concat())
}

fn seed() -> u64 {
    match std::env::var("FUZZ_SEED") {
        Ok(text) => text.trim().parse().expect("FUZZ_SEED must be a u64"),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    }
}

#[test]
fn random_spec_text_adds_no_doctest_html_or_link() {
    let scratch = workspace_root().join("target/hostile-docs/property");
    let baseline = scan(&generate(&plain_words(), &scratch).expect("plain document generates"));
    assert_eq!(baseline, DocFindings::default(), "the generator's own docs");
    let seed = seed();
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let config = Config {
        cases: 64,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner =
        TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let strategy = proptest::collection::vec(hostile_string(), PLACEHOLDERS);
    let result = runner.run(&strategy, |strings| {
        let files = generate(&strings, &scratch).map_err(TestCaseError::fail)?;
        let findings = scan(&files);
        prop_assert_eq!(&findings, &baseline);
        Ok(())
    });
    if let Err(e) = result {
        panic!(
            "{e}\nreproduce with: FUZZ_SEED={seed} cargo test -p atlas-exports-tests --test hostile_docs"
        );
    }
}

/// The audit's attacks, one per place.
fn known_attacks() -> Vec<String> {
    let fence_escape = format!("a`\n```\n{PAYLOAD}\n```\n`");
    let attacks = [
        "Title \\ with \0 NUL\"\n[dependencies]\nevil = { path = \"/\" }".to_owned(),
        format!("Tilde fence:\n\n~~~\n{PAYLOAD}\n~~~\n\nIndented:\n\n    {PAYLOAD}\n\nTab:\n\n\t{PAYLOAD}"),
        "1.0\r\u{202e}".to_owned(),
        format!("Server\n\n    {PAYLOAD}"),
        format!("- item\n\n      {PAYLOAD}"),
        fence_escape.clone(),
        format!("Summary ```\n{PAYLOAD}"),
        format!("<script>window.pwned=1</script>\n\n```rust\n{PAYLOAD}\n```"),
        "Path id\r\nwith a bare CR\rand \u{202e}bidi".to_owned(),
        fence_escape.clone(),
        "<img src=x onerror=alert(1)>".to_owned(),
        "<script>window.pwned=2</script>".to_owned(),
        fence_escape.clone(),
        format!("````\n```\n{PAYLOAD}\n```\n````"),
        "[click](javascript:alert(1)) ![i](https://t.example/p.png)".to_owned(),
        format!("    {PAYLOAD}"),
        "<!-- hidden -->".to_owned(),
        format!("~~~~rust\n{PAYLOAD}"),
        "\u{2066}isolate\u{2069}".to_owned(),
        format!("Created:\n\n```\n{PAYLOAD}\n```"),
        fence_escape.clone(),
        format!("Scheme doc\n\n    {PAYLOAD}"),
        format!("Thing.\n\n# Heading\n    {PAYLOAD}"),
        fence_escape.clone(),
        "<script>window.pwned=3</script>".to_owned(),
        "State\r\u{202e}".to_owned(),
        "<script>window.pwned=4</script>".to_owned(),
        fence_escape.clone(),
        "x\r".to_owned(),
        "Level.".to_owned(),
        "<b>example</b>".to_owned(),
        format!("Note\n\n\t{PAYLOAD}"),
        fence_escape.clone(),
        "Key.".to_owned(),
        "Name.".to_owned(),
        "Code.".to_owned(),
        format!("Pet\n\n~~~\n{PAYLOAD}\n~~~"),
        fence_escape.clone(),
        "<script>window.pwned=5</script>".to_owned(),
        format!("`\n```\n{PAYLOAD}\n```"),
        "Kind.".to_owned(),
        format!("Cat\n\n      {PAYLOAD}"),
        "Lives.".to_owned(),
        "Bark\u{202e}.".to_owned(),
    ];
    assert_eq!(attacks.len(), PLACEHOLDERS);
    attacks.to_vec()
}

fn cargo(dir: &Path, args: &[&str]) -> std::process::Output {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", workspace_root().join("target"))
        .args(args)
        .output()
        .expect("cargo runs")
}

fn html_pages(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            html_pages(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.push(path);
        }
    }
}

#[test]
fn known_attacks_neither_run_nor_render_with_the_real_toolchain() {
    let root = workspace_root();
    let scratch = root.join("target/hostile-docs/crate");
    let _ = std::fs::remove_dir_all(&scratch);
    let files = generate(&known_attacks(), &scratch).expect("the hostile document generates");
    assert_eq!(scan(&files), DocFindings::default());
    apigen::write::write(&scratch, &files).expect("written");
    std::fs::remove_file(scratch.join("openapi.json")).ok();
    // A workspace of its own, with the workspace's lock file: no network, same dependencies.
    let manifest = std::fs::read_to_string(scratch.join("Cargo.toml")).expect("manifest");
    assert!(
        !manifest.lines().any(|l| l.starts_with("evil")),
        "the title added a dependency:\n{manifest}"
    );
    std::fs::write(
        scratch.join("Cargo.toml"),
        format!("{manifest}\n[workspace]\n"),
    )
    .expect("manifest");
    std::fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).expect("lock file");

    let clippy = cargo(
        &scratch,
        &[
            "clippy",
            "--all-targets",
            "--offline",
            "--quiet",
            "--",
            "-D",
            "warnings",
        ],
    );
    assert!(
        clippy.status.success(),
        "clippy:\n{}",
        String::from_utf8_lossy(&clippy.stderr)
    );

    let list = cargo(
        &scratch,
        &["test", "--doc", "--offline", "--quiet", "--", "--list"],
    );
    let listed = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.status.success(),
        "{}",
        String::from_utf8_lossy(&list.stderr)
    );
    let doctests: Vec<&str> = listed.lines().filter(|l| l.ends_with(": test")).collect();
    assert!(
        doctests.is_empty(),
        "spec text became doctests: {doctests:#?}"
    );
    let run = cargo(&scratch, &["test", "--doc", "--offline", "--quiet"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        !scratch.join("PWNED").exists(),
        "a doctest from spec text ran"
    );

    let doc = cargo(&scratch, &["doc", "--no-deps", "--offline", "--quiet"]);
    assert!(
        doc.status.success(),
        "{}",
        String::from_utf8_lossy(&doc.stderr)
    );
    let mut pages = Vec::new();
    html_pages(&root.join("target/doc/hostile_docs"), &mut pages);
    assert!(!pages.is_empty(), "cargo doc wrote no page");
    for page in pages {
        let html = std::fs::read_to_string(&page).expect("page");
        for markup in [
            "<script>window.pwned",
            "<img src=x",
            "<b>example",
            "href=\"javascript:",
            "<!-- hidden",
        ] {
            assert!(
                !html.contains(markup),
                "{} holds `{markup}`",
                page.display()
            );
        }
    }
}
