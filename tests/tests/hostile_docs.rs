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
//!   writes holds the payload's markup;
//! - the real rustdoc on random text: hundreds of random strings through the escaping path
//!   (`escape::doc_lines`, `code`, `inline`), alone and joined as the generator joins doc parts,
//!   written as one file's doc comments: `rustdoc --test` lists no doctest and the pages hold no
//!   markup from the text (this does not depend on the parser version the generator checks with).

use std::path::{Path, PathBuf};
use std::process::Command;

use atlas_exports_tests::doc_scan::{scan, DocFindings};
use atlas_exports_tests::workspace_root;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
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
        runtime: apigen::RuntimeSource::workspace(scratch),
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
        // Fences and code-block starts, alone and behind container markers.
        "```",
        "````",
        "```rust",
        "``` rust",
        "```text",
        "```ignore-x",
        "~~~",
        "~~~~rust",
        "~~~ rust ~~~",
        "```rust```",
        "   ~~~",
        "\t~~~rust",
        "\t```",
        "# ```rust",
        "- ```rust",
        "1. ```",
        "1.  ```",
        "- - ```rust",
        " - ~~~",
        "> ```rust",
        ">- ```",
        "- > ```rust",
        "1.\t```rust",
        "-\t```",
        "- [ ] ```rust",
        "- [x] ~~~",
        "* [ ]     ",
        "[^x]: ```rust",
        "|```rust|",
        "\\```rust",
        "&#96;&#96;&#96;rust",
        "a\n===\n```rust",
        "- a\n\n      ```rust",
        "\u{a0}```rust",
        "\u{3000}    x",
        "\u{a0}\u{a0}\u{a0}\u{a0}",
        // Indentation, line endings, containers.
        "`",
        "``",
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        "    ",
        "\t",
        "\t\t",
        "  ",
        " \t",
        "# ",
        "- ",
        "* ",
        "1. ",
        "10) ",
        "+ ",
        "> ",
        ">> ",
        "-- x",
        "--- y",
        "===",
        "---",
        "***",
        "* * *",
        "|a|b|",
        "|-|-|",
        "| a | `b|c` |",
        // HTML, entities, links, images, definitions, footnotes.
        "<script>alert(1)</script>",
        "<b>",
        "</code>",
        "<!--",
        "-->",
        "<details>",
        "</details>",
        "<pre>",
        "</pre>",
        "<?x",
        "<![CDATA[",
        "]]>",
        "<img src=x onerror=alert(1)>",
        "&#60;img src=x onerror=alert(1)&#62;",
        "&lt;b&gt;",
        "<http://a b>",
        "<http://a>",
        "<https://ok.example/x>",
        "<https://a\">",
        "<javascript:alert(1)>",
        "[x](javascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "![i](https://t.example/p.png)",
        "!\\[",
        "[`Client`]",
        "[`Client`]: javascript:alert(1)",
        "[a]: javascript:alert(1)",
        "[a]",
        "[^1]: foot",
        "[^1]",
        "`<img src=x onerror=alert(1)>`",
        "&",
        "|",
        "\\",
        "\\`",
        "\\\\`",
        "*",
        "_",
        // Hidden characters.
        "\u{202e}",
        "\u{2066}",
        "\u{0}",
        "\u{7}",
        "\u{b}",
        "\u{c}",
        "\u{85}",
        "\u{feff}",
        "\u{2028}",
        // Code.
        "fn main() {}",
        PAYLOAD,
        "\"",
        "'",
        "{",
        "}",
    ];
    prop_oneof![
        6 => proptest::sample::select(fixed.to_vec()).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9 ]{1,8}",
        2 => proptest::sample::select(vec!["\n", "\n\n", " ", "\n  ", "\n    ", "\n\t"]).prop_map(str::to_owned),
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
        "[`Client`]: javascript:alert(document.domain) Title \\ with \0 NUL\"\n[dependencies]\nevil = { path = \"/\" }".to_owned(),
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
        // Seen by rustdoc's parser (pulldown-cmark 0.11) as a task item holding a code block.
        format!("1.  A thing.\n\n      ```\n- [ ] ```\n  {PAYLOAD}\n      ```"),
        fence_escape.clone(),
        format!("[`Secret`]: javascript:alert(document.cookie)\n\nScheme doc\n\n    {PAYLOAD}"),
        format!("Thing.\n\n  \u{3000}x\n\n# Heading\n    {PAYLOAD}"),
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

/// One item's doc lines as the generator writes them: prose alone, a value in generator text, two
/// parts of one item (generator text, then spec prose), and a deprecation-style inline note.
fn doc_forms(a: &str, b: &str) -> Vec<Vec<String>> {
    use apigen::escape::{code, doc_lines, inline};
    vec![
        doc_lines(a),
        doc_lines(&format!("The {} member of the body.", code(a))),
        doc_lines(&format!(
            "Kept as a [`Secret`]: never in `Debug` output.\n\n{a}\n\n{b}"
        )),
        doc_lines(&format!(
            "{}\n\nA typed async client from {}.",
            apigen::escape::plain_line(a),
            code(b)
        )),
        vec![format!(" {}", inline(a))],
    ]
}

#[test]
fn random_doc_text_neither_runs_nor_renders_with_the_real_rustdoc() {
    let scratch = workspace_root().join("target/hostile-docs/rustdoc");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).expect("scratch");
    let seed = seed();
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    bytes[8] = 1;
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let mut source = String::from("//! Random doc text.\n#![allow(missing_docs)]\n");
    let mut item = 0;
    for _ in 0..300 {
        let a = hostile_string()
            .new_tree(&mut runner)
            .expect("value")
            .current();
        let b = hostile_string()
            .new_tree(&mut runner)
            .expect("value")
            .current();
        for lines in doc_forms(&a, &b) {
            for line in lines {
                source.push_str(&format!("///{line}\n"));
            }
            source.push_str(&format!("pub struct Item{item};\n"));
            item += 1;
        }
    }
    let lib = scratch.join("lib.rs");
    std::fs::write(&lib, &source).expect("lib.rs");
    let rustdoc = std::env::var_os("RUSTDOC").unwrap_or_else(|| "rustdoc".into());
    let run = |args: &[&str]| {
        Command::new(&rustdoc)
            .current_dir(&scratch)
            .args([
                "lib.rs",
                "--crate-type",
                "lib",
                "--edition",
                "2021",
                "--crate-name",
                "random_docs",
            ])
            .args(args)
            .output()
            .expect("rustdoc runs")
    };
    let reproduce = format!("reproduce with: FUZZ_SEED={seed} cargo test -p atlas-exports-tests --test hostile_docs (source in {})", lib.display());
    let list = run(&["--test", "--test-args", "--list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    let doctests: Vec<&str> = listed.lines().filter(|l| l.ends_with(": test")).collect();
    assert!(
        list.status.success(),
        "{}\n{reproduce}",
        String::from_utf8_lossy(&list.stderr)
    );
    assert!(
        doctests.is_empty(),
        "doc text became doctests: {doctests:#?}\n{reproduce}"
    );
    let doc = run(&["-o", "doc"]);
    assert!(
        doc.status.success(),
        "{}\n{reproduce}",
        String::from_utf8_lossy(&doc.stderr)
    );
    let mut pages = Vec::new();
    html_pages(&scratch.join("doc/random_docs"), &mut pages);
    assert!(pages.len() > 100, "rustdoc wrote {} pages", pages.len());
    for page in pages {
        let html = std::fs::read_to_string(&page).expect("page");
        let problems = docblock_problems(&html);
        assert!(
            problems.is_empty(),
            "{}: {problems:?}\n{reproduce}",
            page.display()
        );
    }
}

/// What the doc text of an item page (rustdoc's `top-doc` block) holds beyond what Markdown prose
/// renders to: a tag outside prose's set, a link with a scheme other than http(s) or mailto, a code
/// block not marked as text.
fn docblock_problems(html: &str) -> Vec<String> {
    const PROSE_TAGS: &[&str] = &[
        "p",
        "a",
        "code",
        "em",
        "strong",
        "del",
        "ul",
        "ol",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "hr",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "div",
        "sup",
        "input",
        "br",
        "pre",
        "span",
        "section",
        "button",
        "summary",
        "wbr",
        "details",
    ];
    let Some(start) = html.find("<details class=\"toggle top-doc\" open>") else {
        return Vec::new();
    };
    let body = &html[start..];
    let body = &body[..body.find("</div></details>").unwrap_or(body.len())];
    let mut problems = Vec::new();
    for (i, _) in body.match_indices('<') {
        let tag: String = body[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '!' | '?'))
            .collect();
        let name = tag.trim_start_matches('/').to_ascii_lowercase();
        if !PROSE_TAGS.contains(&name.as_str()) {
            problems.push(format!("tag <{tag}"));
        }
        if name == "pre" && !tag.starts_with('/') {
            let open = &body[i..i + body[i..].find('>').unwrap_or(0)];
            if !open.contains("language-text") {
                problems.push(format!("code block {open}"));
            }
        }
    }
    for (i, _) in body.match_indices("href=\"") {
        let url = &body[i + 6..];
        let url = url[..url.find('"').unwrap_or(url.len())].to_ascii_lowercase();
        let scheme = url.split([':', '/', '?', '#']).next().unwrap_or("");
        if url.contains(':') && !["http", "https", "mailto"].contains(&scheme) {
            problems.push(format!("href {url}"));
        }
    }
    problems
}
