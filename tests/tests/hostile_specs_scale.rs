//! Issue 20: shapes that made generation super-linear, at moderate size, checked for what they
//! must produce (timing is `cargo xtask bench`'s job: no durations here). Shapes come from
//! `atlas_exports_tests::hostile_shapes`; the input limits from `apigen::load::limits`.

use std::collections::BTreeMap;

use apigen::load::limits::{MAX_FLOW_NESTING, MAX_SPEC_BYTES};
use atlas_exports_tests::hostile_shapes as shapes;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Generates `text` written to a scratch file named `file`: the generated files, or the error text.
fn generate_text(name: &str, file: &str, text: &str) -> Result<Vec<(String, String)>, String> {
    let dir = std::env::temp_dir().join(format!("hostile-scale-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join(file);
    std::fs::write(&path, text).map_err(|e| e.to_string())?;
    let result = apigen::generate(&path, &apigen::Options::default()).map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn generate(name: &str, spec: &Value) -> Result<Vec<(String, String)>, String> {
    generate_text(name, "openapi.json", &spec.to_string())
}

/// The struct fields of `src/types/<module>.rs`: (Rust name, declared type).
/// The fields of `module`'s struct that hold spec members (`_undeclared`, which holds the others,
/// left out).
fn fields(files: &[(String, String)], module: &str) -> Vec<(String, String)> {
    let mut all = all_fields(files, module);
    all.retain(|(name, _)| name != "_undeclared");
    all
}

fn all_fields(files: &[(String, String)], module: &str) -> Vec<(String, String)> {
    let path = format!("src/types/{module}.rs");
    let text = files
        .iter()
        .find(|(p, _)| *p == path)
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("no {path}"));
    text.lines()
        .filter_map(|line| line.strip_prefix("    pub "))
        .filter(|rest| !rest.starts_with("fn "))
        .filter_map(|rest| rest.split_once(": "))
        .map(|(name, ty)| (name.to_owned(), ty.trim_end_matches(',').to_owned()))
        .collect()
}

#[test]
fn colliding_property_names_get_2_3_in_spec_order() {
    let n = 3000;
    let files = generate("collide", &shapes::colliding_names(n)).expect("generates");
    let names: Vec<String> = all_fields(&files, "c0").into_iter().map(|f| f.0).collect();
    // The undeclared members' field last, whatever the members are called (`_undeclared` among them).
    let expected: Vec<String> = std::iter::once("a".to_owned())
        .chain((2..=n).map(|k| format!("a{k}")))
        .chain(std::iter::once("_undeclared".to_owned()))
        .collect();
    assert_eq!(names, expected);
}

#[test]
fn colliding_component_names_get_2_3_in_sorted_order() {
    let n = 400;
    let schemas: Map<String, Value> = (0..n)
        .map(|i| {
            let doc = format!("component {i}");
            let name = shapes::colliding_name(i).to_uppercase();
            (name, json!({"type": "object", "description": doc, "properties": {"x": {"type": "string"}}}))
        })
        .chain([("C0".to_owned(), json!({"type": "string"}))])
        .collect();
    let files = generate("collide-types", &shapes::document(schemas.clone())).expect("generates");
    // Sorted by spec name, the k-th component of the family is `A`, `A2`, `A3`...
    let mut family: Vec<&String> = schemas.keys().filter(|k| k.starts_with('A')).collect();
    family.sort();
    for (k, spec_name) in family.iter().enumerate() {
        let rust = if k == 0 {
            "a".to_owned()
        } else {
            format!("a{}", k + 1)
        };
        let path = format!("src/types/{rust}.rs");
        let text = &files
            .iter()
            .find(|(p, _)| *p == path)
            .unwrap_or_else(|| panic!("no {path}"))
            .1;
        let i = (0..n).find(|&i| shapes::colliding_name(i).to_uppercase() == **spec_name);
        let doc = format!("component {}", i.expect("a family member"));
        assert!(
            text.contains(&doc),
            "{path} is {spec_name} ({doc}):\n{text}"
        );
    }
}

#[test]
fn dense_reference_dag_boxes_nothing() {
    let m = 60;
    let files = generate("dag", &shapes::dense_dag(m)).expect("generates");
    for i in 0..m {
        let fields = fields(&files, &format!("c{i}"));
        assert_eq!(fields.len(), m - 1 - i, "C{i}");
        assert!(
            fields.iter().all(|(_, ty)| !ty.contains("Box<")),
            "C{i}: {fields:?}"
        );
    }
}

#[test]
fn a_closed_reference_chain_boxes_every_link_and_an_open_one_none() {
    let n = 400;
    for closed in [true, false] {
        let files = generate("chain", &shapes::reference_chain(n, closed)).expect("generates");
        for i in 0..n {
            let boxed: Vec<String> = fields(&files, &format!("c{i}"))
                .into_iter()
                .filter(|(_, ty)| ty.contains("Box<"))
                .map(|f| f.0)
                .collect();
            let expected: Vec<&str> = if closed { vec!["next"] } else { vec![] };
            assert_eq!(boxed, expected, "closed: {closed}, C{i}");
        }
    }
}

#[test]
fn all_of_ladder_flattens_every_property_once() {
    let k = 60;
    let files = generate("ladder", &shapes::all_of_ladder(k)).expect("generates");
    let mut names: Vec<String> = fields(&files, "c0").into_iter().map(|f| f.0).collect();
    names.sort();
    let mut expected: Vec<String> = (0..k)
        .map(|i| format!("p{i}"))
        .chain(["a".into(), "b".into()])
        .collect();
    expected.sort();
    assert_eq!(names, expected);
}

#[test]
fn cycles_of_all_of_flatten_when_small_and_are_refused_with_a_pointer_when_the_paths_explode() {
    let k = 6;
    let files = generate("cyclic-ladder", &shapes::cyclic_all_of_ladder(k)).expect("generates");
    for i in 0..k {
        let mut names: Vec<String> = fields(&files, &format!("c{i}"))
            .into_iter()
            .map(|f| f.0)
            .collect();
        names.sort();
        let expected: Vec<String> = (0..k).map(|j| format!("p{j}")).collect();
        assert_eq!(names, expected, "C{i} has every property of the cycle");
    }
    let error =
        generate("cyclic-ladder-40", &shapes::cyclic_all_of_ladder(40)).expect_err("bounded");
    assert!(
        error.starts_with("at /components/schemas/C")
            && error.contains("cycles of allOf with too many paths"),
        "{error}"
    );
}

#[test]
fn many_path_parameters_are_taken_once_each_in_path_order() {
    let n = 2000;
    let files = generate("path-params", &shapes::many_path_parameters(n)).expect("generates");
    let text = &files
        .iter()
        .find(|(p, _)| p == "src/operations/get_root.rs")
        .expect("the operation")
        .1;
    let signature = &text[text.find("pub fn get_root(").expect("the method")..];
    let signature = &signature[..signature.find(')').expect("its end")];
    let params: Vec<&str> = signature
        .split(',')
        .map(str::trim)
        .filter(|p| p.ends_with(": i64"))
        .collect();
    let expected: Vec<String> = (0..n).map(|i| format!("p{i}: i64")).collect();
    assert_eq!(params, expected);
}

#[test]
fn implicit_discriminator_mappings_find_each_base_its_own_subtype() {
    let b = 300;
    let files = generate("implicit", &shapes::implicit_discriminators(b)).expect("generates");
    for i in 0..b {
        let path = format!("src/types/b{i}.rs");
        let text = &files.iter().find(|(p, _)| *p == path).expect("the base").1;
        let variants: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| l.ends_with("),") && l.contains("(crate::types::"))
            .collect();
        assert_eq!(variants, [format!("K{i}(crate::types::K{i}),")], "{path}");
    }
}

/// Variant lines (`Name(crate::types::T),`) of the enum in `src/types/<module>.rs`.
fn enum_variants(files: &[(String, String)], module: &str) -> Vec<String> {
    let path = format!("src/types/{module}.rs");
    let text = &files.iter().find(|(p, _)| *p == path).expect("the enum").1;
    text.lines()
        .map(str::trim)
        .filter(|l| l.ends_with("),") && l.contains("(crate::types::"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn shared_subtypes_repeated_members_and_const_tags_give_one_variant_per_tag() {
    let (bases, copies) = (300, 2_000);
    let mut schemas = Map::new();
    schemas.insert(
        "S".into(),
        json!({"type": "object", "properties": {"t": {"type": "string"}}}),
    );
    // S is the one subtype of 300 unions, and listed 2,000 times in one more, under 2,000 tags.
    for i in 0..bases {
        let union = json!({"oneOf": [{"$ref": "#/components/schemas/S"}],
            "discriminator": {"propertyName": "t", "mapping": {format!("k{i}"): "#/components/schemas/S"}}});
        schemas.insert(format!("B{i}"), union);
    }
    let mapping: Map<String, Value> = (0..copies)
        .map(|i| (format!("m{i}"), json!("#/components/schemas/S")))
        .collect();
    let members: Vec<Value> = (0..copies)
        .map(|_| json!({"$ref": "#/components/schemas/S"}))
        .collect();
    schemas.insert(
        "Many".into(),
        json!({"oneOf": members, "discriminator": {"propertyName": "t", "mapping": mapping}}),
    );
    // 2,000 object alternatives told apart by a required constant.
    let alternatives: Vec<Value> = (0..copies)
        .map(|i| json!({"type": "object", "required": ["kind"], "properties": {"kind": {"const": format!("c{i}")}}}))
        .collect();
    schemas.insert("Consts".into(), json!({"oneOf": alternatives}));
    let spec = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": schemas}});
    let files = generate("shared", &spec).expect("generates");
    for i in 0..bases {
        assert_eq!(
            enum_variants(&files, &format!("b{i}")),
            [format!("K{i}(crate::types::S),")]
        );
    }
    let many: Vec<String> = (0..copies)
        .map(|i| format!("M{i}(crate::types::S),"))
        .collect();
    assert_eq!(enum_variants(&files, "many"), many);
    let consts: Vec<String> = (0..copies)
        .map(|i| format!("C{i}(crate::types::ConstsC{i}),"))
        .collect();
    assert_eq!(enum_variants(&files, "consts"), consts);
}

#[test]
fn large_integer_enum_has_one_variant_per_distinct_value() {
    let n = 20_000;
    let files = generate("enum", &shapes::integer_enum(n)).expect("generates");
    let text = &files
        .iter()
        .find(|(p, _)| p.starts_with("src/types/c0_value"))
        .expect("the enum's module")
        .1;
    let variants: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with('V') && l.ends_with(','))
        .collect();
    let expected: Vec<String> = (0..n).map(|v| format!("V{v},")).collect();
    assert_eq!(variants, expected);
}

#[test]
fn huge_description_is_kept_whole() {
    let lines = 20_000;
    let files = generate("description", &shapes::huge_description(lines)).expect("generates");
    let text = &files
        .iter()
        .find(|(p, _)| p == "src/types/c0.rs")
        .expect("C0")
        .1;
    assert_eq!(
        text.matches("/// A line of a very long description.")
            .count(),
        lines
    );
}

#[test]
fn flow_nesting_beyond_the_limit_is_refused_with_its_line_and_column() {
    let at_limit = shapes::deep_flow_yaml(MAX_FLOW_NESTING);
    let error = generate_text("nest-ok", "openapi.yaml", &at_limit).expect_err("no schema C0");
    assert!(!error.contains("nested more than"), "{error}");
    let beyond = shapes::deep_flow_yaml(100_000);
    let error = generate_text("nest", "openapi.yaml", &beyond).expect_err("too deep");
    // `x-deep: ` is 8 columns; the 129th bracket is column 137 of line 4.
    assert_eq!(
        error,
        format!("spec root: collections nested more than {MAX_FLOW_NESTING} levels deep at line 4 column 137 (refused before parsing)")
    );
    let json = format!(
        r#"{{"openapi": "3.0.3", "x": {}{}}}"#,
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let error = generate_text("nest-json", "openapi.json", &json).expect_err("too deep");
    assert!(
        error.contains("nested more than 128 levels deep at line 1 column"),
        "{error}"
    );
}

#[test]
fn a_document_over_the_size_limit_is_refused_before_parsing() {
    let dir = std::env::temp_dir().join(format!("hostile-scale-{}-size", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join("openapi.yaml");
    // A sparse file: no 64 MiB written, and not YAML either, so only the size check can refuse it.
    let file = std::fs::File::create(&path).expect("scratch file");
    file.set_len(MAX_SPEC_BYTES as u64 + 1)
        .expect("sparse file");
    let error = apigen::generate(&path, &apigen::Options::default()).expect_err("too large");
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        error.message,
        "document too large: more than 67108864 bytes (64 MiB, the generator's input limit)"
    );
}

/// A random graph of `C0..C{n-1}`: (from, to, through an array) per property.
fn graph() -> impl Strategy<Value = (usize, Vec<(usize, usize, bool)>)> {
    (1usize..7).prop_flat_map(|n| {
        (
            Just(n),
            prop::collection::vec((0..n, 0..n, any::<bool>()), 0..14),
        )
    })
}

/// The fields that must be boxed, by definition: `from.p{k} -> to` (inline) where `to` reaches
/// `from` by inline references (a search per field).
fn boxed_by_definition(n: usize, edges: &[(usize, usize, bool)]) -> BTreeMap<usize, Vec<String>> {
    let reaches = |start: usize, goal: usize| {
        let mut seen = vec![false; n];
        let mut stack = vec![start];
        while let Some(v) = stack.pop() {
            if v == goal {
                return true;
            }
            if !std::mem::replace(&mut seen[v], true) {
                stack.extend(edges.iter().filter(|e| e.0 == v && !e.2).map(|e| e.1));
            }
        }
        false
    };
    let mut out: BTreeMap<usize, Vec<String>> = (0..n).map(|i| (i, Vec::new())).collect();
    for (k, &(from, to, array)) in edges.iter().enumerate() {
        if !array && reaches(to, from) {
            out.entry(from).or_default().push(format!("p{k}"));
        }
    }
    out
}

fn graph_document(n: usize, edges: &[(usize, usize, bool)]) -> Value {
    let schemas = (0..n)
        .map(|i| {
            let mut props: Map<String, Value> = Map::new();
            props.insert("id".into(), json!({"type": "string"}));
            for (k, &(from, to, array)) in edges.iter().enumerate() {
                if from == i {
                    let target = json!({"$ref": format!("#/components/schemas/C{to}")});
                    let schema = if array {
                        json!({"type": "array", "items": target})
                    } else {
                        target
                    };
                    props.insert(format!("p{k}"), schema);
                }
            }
            (
                format!("C{i}"),
                json!({"type": "object", "properties": props}),
            )
        })
        .collect();
    shapes::document(schemas)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Boxed fields are exactly those closing a cycle of inline references, on random graphs
    /// (proptest prints the shrunk graph on failure).
    #[test]
    fn boxed_fields_match_the_definition((n, edges) in graph()) {
        let files = generate("graph", &graph_document(n, &edges)).map_err(TestCaseError::fail)?;
        let expected = boxed_by_definition(n, &edges);
        for i in 0..n {
            let boxed: Vec<String> = fields(&files, &format!("c{i}"))
                .into_iter()
                .filter(|(_, ty)| ty.contains("Box<"))
                .map(|f| f.0)
                .collect();
            prop_assert_eq!(&boxed, &expected[&i], "C{} of graph n={} edges={:?}", i, n, edges);
        }
    }
}
