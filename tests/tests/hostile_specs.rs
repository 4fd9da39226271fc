//! Documents written to break the generated crate (`tests/hostile_specs/`): each either generates a
//! crate that compiles (`compile/`, built under clippy by `fixture_crates.rs`) or is refused with the
//! JSON pointer of the cause (`refused/`). This file checks the generator's side: the exact refusal,
//! and for the compiled ones what the names became and that the renames are listed.

use atlas_exports_tests::workspace_root;

fn generate(dir: &str, name: &str) -> Result<Vec<(String, String)>, String> {
    let spec = workspace_root().join(format!("tests/hostile_specs/{dir}/{name}.yaml"));
    let options = apigen::Options {
        spec_label: format!("tests/hostile_specs/{dir}/{name}.yaml"),
        ..Default::default()
    };
    apigen::generate(&spec, &options).map_err(|e| e.to_string())
}

fn file<'f>(files: &'f [(String, String)], path: &str) -> &'f str {
    files
        .iter()
        .find(|(p, _)| p == path)
        .map(|(_, text)| text.as_str())
        .unwrap_or_else(|| {
            panic!(
                "no {path} among {:?}",
                files.iter().map(|f| &f.0).collect::<Vec<_>>()
            )
        })
}

#[test]
fn refused_documents_name_the_node_and_the_reason() {
    let cases = [
        (
            "server_variable_undeclared",
            "at /servers/0/url: server URL `https://api.example.test/{version}` uses variable \
             `{version}`, which `variables` does not declare",
        ),
        (
            "server_variable_default_not_in_enum",
            "at /servers/0/variables/region/default: default `mars` of server variable `region` \
             is not one of its `enum` values",
        ),
        (
            "server_url_unbalanced",
            "at /servers/0/url: server URL `https://{region.example.test` has an unbalanced `{` \
             or `}`",
        ),
        (
            "waiter_name_twice",
            "at /paths/~1b/get/x-waiter/name: x-waiter: another operation's waiter is also \
             `Client::wait_for_job`",
        ),
        (
            "alias_cycle_without_container",
            "at /components/schemas/B: $ref chain longer than 32 (a cycle?) at \
             `#/components/schemas/A`",
        ),
    ];
    let dir = workspace_root().join("tests/hostile_specs/refused");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .expect("refused/")
        .filter_map(|e| Some(e.ok()?.path().file_stem()?.to_str()?.to_owned()))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = cases.iter().map(|c| c.0.to_owned()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "every refused document has its expected error here"
    );
    for (name, expected) in cases {
        match generate("refused", name) {
            Ok(_) => panic!("{name} should be refused with: {expected}"),
            Err(message) => assert_eq!(message, expected, "{name}"),
        }
    }
}

#[test]
fn clashing_operation_names_are_renamed_and_listed() {
    let files = generate("compile", "names").expect("names.yaml generates");
    let fallbacks = file(&files, "FALLBACKS.md");
    for (pointer, method) in [
        ("/paths/~1jobs~1{id}/get", "Client::builder_operation"),
        ("/paths/~1base/get", "Client::base_url_operation"),
        ("/paths/~1base/post", "Client::revoke_token_operation"),
        ("/paths/~1base/put", "Client::clone_operation"),
        ("/paths/~1base/delete", "Client::any_operation"),
        ("/paths/~1base/patch", "Client::request_operation"),
        ("/paths/~1jobs~1{id}/patch", "Client::eq_operation"),
        ("/paths/~1jobs~1{id}/put", "Client::wait_for_job2"),
        ("/paths/~1same/post", "Client::same2"),
        ("/paths/~1jobs~1{id}/get/parameters/1", "Builder::send2"),
        ("/paths/~1jobs~1{id}/get/parameters/3", "Builder::prefetch2"),
        ("/paths/~1jobs~1{id}/get/parameters/5", "Builder::add2"),
    ] {
        let row = format!("| `{pointer}` |");
        let line = fallbacks
            .lines()
            .find(|l| l.starts_with(&row))
            .unwrap_or_else(|| panic!("no FALLBACKS.md row for {pointer}:\n{fallbacks}"));
        assert!(line.ends_with(&format!("| `{method}` |")), "{line}");
    }
    // The duplicate names both operations.
    assert!(
        fallbacks.contains("already taken by the operation at `/paths/~1same/get`"),
        "{fallbacks}"
    );
    let client_methods = file(&files, "src/operations/builder_operation.rs");
    assert!(client_methods.contains("pub fn builder_operation("));
    // Operator names are avoided by setters; other trait method names are fine as setters.
    assert!(client_methods.contains("pub fn add2(mut self"));
    assert!(client_methods.contains("pub fn next(mut self"));
    assert!(file(&files, "src/operations/put_operators.rs").contains("pub fn add_part(mut self"));
    assert!(file(&files, "src/lib.rs").contains("pub fn builder() -> ClientBuilder"));
    // A module is never named like its parent (`types::types`) or left clashing.
    assert!(files.iter().any(|(p, _)| p == "src/types/types_.rs"));
    assert!(files
        .iter()
        .any(|(p, _)| p == "src/operations/operations_.rs"));
}

#[test]
fn long_names_are_shortened_deterministically_and_stay_distinct() {
    let files = generate("compile", "names").expect("names.yaml generates");
    for (path, _) in &files {
        for component in path.split('/') {
            assert!(component.len() <= 255, "{path}");
        }
    }
    let long_modules: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.starts_with("src/types/very_long_schema_name"))
        .collect();
    assert_eq!(
        long_modules.len(),
        2,
        "two long schemas, two modules: {long_modules:?}"
    );
    let ops: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.starts_with("src/operations/operation_operation"))
        .collect();
    assert_eq!(ops.len(), 2, "two long operationIds, two modules: {ops:?}");
    let again = generate("compile", "names").expect("names.yaml generates");
    assert_eq!(files, again, "the same document gives the same crate");
}

#[test]
fn aliases_that_contain_themselves_become_newtypes() {
    let files = generate("compile", "recursion").expect("recursion.yaml generates");
    for (name, inner) in [
        ("tree", "pub struct Tree(pub Vec<crate::types::Tree>);"),
        (
            "dict",
            "pub struct Dict(pub std::collections::BTreeMap<String, crate::types::Dict>);",
        ),
        ("left", "pub struct Left(pub Vec<crate::types::Right>);"),
        (
            "graph",
            "pub struct Graph(pub std::collections::BTreeMap<String, Vec<crate::types::Graph>>);",
        ),
        ("maybe", "pub struct Maybe(pub Vec<crate::types::Maybe>);"),
    ] {
        let text = file(&files, &format!("src/types/{name}.rs"));
        assert!(text.contains("#[serde(transparent)]"), "{name}:\n{text}");
        assert!(text.contains(inner), "{name}:\n{text}");
    }
    // An alias outside any cycle stays an alias.
    assert!(file(&files, "src/types/alias.rs").contains("pub type Alias ="));
}
