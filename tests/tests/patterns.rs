//! Spec patterns the generated client cannot check the way the spec means them
//! (`tests/fixtures/good/patterns.yaml`): listed in FALLBACKS.md by pointer, documented on the
//! member, and never emitted as a `runtime::Pattern` (so no request fails because of them); the
//! patterns it can check are emitted. The fixture crate itself compiles under clippy
//! (`fixture_crates.rs`).

use atlas_exports_tests::generate_fixture;

/// (pattern, pointer of the schema holding it) for each pattern the client cannot check.
const UNCHECKED: &[(&str, &str)] = &[
    ("^(?=[a-z])[a-z0-9-]+$", "get/parameters/0/schema"),
    ("^(a)\\1$", "get/parameters/1/schema"),
    ("^a++$", "get/parameters/2/schema"),
    ("^\\cA$", "get/parameters/3/schema/items"),
    ("^\\w{1000}$", "get/parameters/4/schema"),
    ("^[[:alpha:]]+$", "get/parameters/5/schema"),
    ("^`(?=x)$", "get/parameters/6/schema"),
];

const CHECKED: &[&str] = &["^([a-f0-9]{24})$", "^[a-z]{2,8}$"];

#[test]
fn unchecked_patterns_are_listed_documented_and_not_emitted() {
    let files = generate_fixture("good", "patterns").expect("fixture generates");
    let file = |path: &str| -> &str {
        files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, text)| text.as_str())
            .unwrap_or_else(|| panic!("no {path}"))
    };
    let fallbacks = file("FALLBACKS.md");
    let code: String = files
        .iter()
        .filter(|(p, _)| p.ends_with(".rs"))
        .map(|(_, text)| text.as_str())
        .collect();
    for (pattern, at) in UNCHECKED {
        let pointer = format!("`/paths/~1items~1{{itemId}}~1{{slug}}/{at}/pattern`");
        let row = fallbacks
            .lines()
            .find(|l| l.starts_with(&format!("| {pointer} |")))
            .unwrap_or_else(|| {
                panic!("no FALLBACKS.md entry for {pattern} at {pointer}:\n{fallbacks}")
            });
        assert!(row.contains("documented, not enforced"), "{row}");
        // The pattern as a Rust string literal appears only where a `Pattern` is declared.
        assert!(
            !code.contains(&format!("{pattern:?}")),
            "{pattern} is emitted"
        );
    }
    assert_eq!(
        fallbacks
            .lines()
            .filter(|l| l.contains("`pattern`"))
            .count(),
        UNCHECKED.len(),
        "{fallbacks}"
    );
    let notes = code.matches("is not checked by this client").count();
    assert_eq!(notes, UNCHECKED.len(), "one note per member");
    assert!(code.contains("/// The spec's pattern `^a++$` is not checked by this client"));
    assert_eq!(
        code.matches("runtime::Pattern::new(").count(),
        CHECKED.len()
    );
    for pattern in CHECKED {
        assert!(
            code.contains(&format!("{pattern:?}")),
            "{pattern} not emitted"
        );
        assert!(!fallbacks.contains(pattern), "{pattern} listed");
    }
}
