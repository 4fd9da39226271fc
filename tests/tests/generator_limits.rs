//! Recursive and deeply nested schemas: the generator ends with generated code or an error naming a
//! JSON pointer, never a stack overflow (issue 11: `amazonaws.com/amplifyuibuilder.json` overflowed).

use serde_json::{json, Value};

/// Generates the document `spec` (written as JSON to a scratch file); the generated Rust files, or
/// the error text.
fn generate(name: &str, spec: &Value) -> Result<Vec<(String, String)>, String> {
    let dir = std::env::temp_dir().join(format!("generator-limits-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let path = dir.join("openapi.json");
    std::fs::write(&path, spec.to_string()).map_err(|e| e.to_string())?;
    let result = apigen::generate(&path, &apigen::Options::default()).map_err(|e| e.to_string());
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn document(schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "limits", "version": "1"},
        "paths": {
            "/root": {"get": {
                "operationId": "getRoot",
                "responses": {"200": {"description": "ok", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/C0"}
                }}}}
            }}
        },
        "components": {"schemas": schemas}
    })
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

/// AWS documents every property as `allOf: [{$ref}, {description}]`; two schemas that reach each
/// other that way are a recursive pair of structs, the closing field boxed, the description kept.
#[test]
fn mutually_recursive_schemas_through_annotated_all_of() {
    let annotated = |target: &str, doc: &str| json!({"allOf": [{"$ref": format!("#/components/schemas/{target}")}, {"description": doc}]});
    let files = generate(
        "annotated",
        &document(json!({
            "C0": {"type": "object", "properties": {"condition": annotated("Condition", "When to apply.")}},
            "Condition": {"type": "object", "properties": {
                "then": annotated("C0", "Value if true."),
                "else": annotated("C0", "Value if false.")
            }}
        })),
    )
    .expect("recursive schemas generate");
    let condition = file(&files, "src/types/condition.rs");
    assert!(
        condition.contains("Box<crate::types::C0>")
            || file(&files, "src/types/c0.rs").contains("Box<crate::types::Condition>"),
        "one field of the cycle is boxed:\n{condition}"
    );
    assert!(
        condition.contains("Value if true."),
        "the annotating part's description is the field's doc:\n{condition}"
    );
    let types = files
        .iter()
        .filter(|(p, _)| p.starts_with("src/types/") && p != "src/types/mod.rs")
        .count();
    assert_eq!(types, 2, "no inline copies of the referenced structs");
}

/// `A: allOf [B, {a}]` and `B: allOf [A, {b}]`: each is the union of both property sets.
#[test]
fn all_of_cycle_flattens_each_component_once() {
    let files = generate(
        "allof-cycle",
        &document(json!({
            "C0": {"allOf": [{"$ref": "#/components/schemas/B"}, {"type": "object", "properties": {"a": {"type": "string"}}}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/C0"}, {"type": "object", "properties": {"b": {"type": "integer"}}}]}
        })),
    )
    .expect("an allOf cycle generates");
    for path in ["src/types/c0.rs", "src/types/b.rs"] {
        let text = file(&files, path);
        assert!(
            text.contains("pub a: Option<String>") && text.contains("pub b: Option<i64>"),
            "{path}:\n{text}"
        );
    }
}

/// Schemas that are only aliases of each other name no type: an error at the first one's pointer.
#[test]
fn alias_cycle_is_an_error_with_a_pointer() {
    let error = generate(
        "alias-cycle",
        &document(json!({
            "C0": {"$ref": "#/components/schemas/B"},
            "B": {"$ref": "#/components/schemas/C0"}
        })),
    )
    .expect_err("an alias cycle has no Rust type");
    assert!(error.starts_with("at /components/schemas/"), "{error}");
}

/// Inline objects nested as deep as a JSON document can hold (serde_json stops at 128 levels):
/// one struct per level.
#[test]
fn deepest_inline_nesting_a_json_document_holds() {
    let levels = 60;
    let mut schema = json!({"type": "string"});
    for _ in 0..levels {
        schema = json!({"type": "object", "properties": {"inner": schema}});
    }
    let files =
        generate("deep-inline", &document(json!({"C0": schema}))).expect("deep nesting generates");
    let types = files
        .iter()
        .filter(|(p, _)| p.starts_with("src/types/") && p != "src/types/mod.rs")
        .count();
    assert_eq!(types, levels);
}

/// A chain of components each nesting the next inline (through a two-part `allOf`) deeper than the
/// generator's bound: an error naming the pointer where it stopped, not a stack overflow.
#[test]
fn nesting_beyond_the_bound_is_an_error_with_a_pointer() {
    let chain = 400;
    let mut schemas = serde_json::Map::new();
    for i in 0..chain {
        let next = if i + 1 == chain {
            json!({"type": "string"})
        } else {
            json!({"allOf": [
                {"$ref": format!("#/components/schemas/C{}", i + 1)},
                {"type": "object", "properties": {"depth": {"type": "integer"}}}
            ]})
        };
        schemas.insert(
            format!("C{i}"),
            json!({"type": "object", "properties": {"next": next}}),
        );
    }
    let error = generate("deep-chain", &document(Value::Object(schemas))).expect_err("too deep");
    assert!(
        error.starts_with("at /components/schemas/C")
            && error.contains("nested more than 128 levels"),
        "{error}"
    );
}
