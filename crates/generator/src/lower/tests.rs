//! The lowering as a whole: 3.1 documents through `load::parse` (and the IR), checking what each
//! keyword became, and that errors from any stage name the pointer as written.

use serde_json::{json, Value};

use crate::load::parse;

fn doc(schemas: Value) -> String {
    json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"schemas": schemas}})
    .to_string()
}

fn lowered(schemas: Value) -> Value {
    let (raw, _, _) = parse(&doc(schemas), true).unwrap_or_else(|e| panic!("{e}"));
    raw["components"]["schemas"].clone()
}

/// The error of the whole pipeline up to the IR (load, lower, IR), with its pointer.
fn error(schemas: Value) -> (String, String) {
    let text = doc(schemas);
    let result = parse(&text, true).and_then(|(raw, api, lowered)| {
        let loaded = crate::load::LoadedSpec {
            path: "t.json".into(),
            raw,
            api,
            lowered,
        };
        crate::build_ir(&loaded, &crate::Options::default()).map(|_| ())
    });
    let e = result.expect_err("should be rejected");
    (e.pointer, e.message)
}

#[test]
fn keywords_map_to_their_3_0_spelling() {
    let s = lowered(json!({
        "A": {"type": ["string", "null"], "const": "x", "examples": ["x", "y"]},
        "B": {"$ref": "#/components/schemas/A", "description": "d", "maxLength": 3},
        "C": {"type": "number", "exclusiveMinimum": 1.5, "exclusiveMaximum": 9},
        "D": {"type": "string", "contentEncoding": "base64"},
        "E": {"anyOf": [{"type": "null"}, {"$ref": "#/components/schemas/A"}]},
        "F": {"type": ["integer", "boolean"], "minimum": 3, "enum": [3, 4, true]},
        "G": {"const": "x", "type": ["string", "null"]},
    }));
    assert_eq!(
        s["G"],
        json!({"type": "string", "enum": ["x"], "nullable": true})
    );
    assert_eq!(
        s["A"],
        json!({"type": "string", "nullable": true, "enum": ["x"], "example": "x", "x-examples": ["x", "y"]})
    );
    assert_eq!(
        s["B"],
        json!({"description": "d", "allOf": [{"$ref": "#/components/schemas/A"}, {"maxLength": 3}]})
    );
    assert_eq!(
        s["C"],
        json!({"type": "number", "minimum": 1.5, "exclusiveMinimum": true, "maximum": 9, "exclusiveMaximum": true})
    );
    assert_eq!(s["D"], json!({"type": "string", "format": "byte"}));
    assert_eq!(
        s["E"],
        json!({"nullable": true, "allOf": [{"$ref": "#/components/schemas/A"}]})
    );
    assert_eq!(
        s["F"],
        json!({"oneOf": [
            {"type": "integer", "minimum": 3, "enum": [3, 4]},
            {"type": "boolean", "enum": [true]}]})
    );
}

#[test]
fn self_recursion_becomes_a_component_reference() {
    let s = lowered(json!({
        "Node": {"$recursiveAnchor": true, "type": "object", "properties": {
            "next": {"$recursiveRef": "#"},
            "kids": {"type": "array", "items": {"$dynamicRef": "#node"}}},
            "$dynamicAnchor": "node"}
    }));
    let props = &s["Node"]["properties"];
    assert_eq!(props["next"]["$ref"], "#/components/schemas/Node");
    assert_eq!(props["kids"]["items"]["$ref"], "#/components/schemas/Node");
    assert!(s["Node"].get("$recursiveAnchor").is_none());
}

#[test]
fn keywords_without_a_mapping_are_rejected_with_their_pointer() {
    for (schema, pointer) in [
        (
            json!({"prefixItems": [{}]}),
            "/components/schemas/A/prefixItems",
        ),
        (json!({"if": {}, "then": {}}), "/components/schemas/A/if"),
        (
            json!({"properties": {"x": {"unevaluatedProperties": false}}}),
            "/components/schemas/A/properties/x/unevaluatedProperties",
        ),
        (json!({"items": [{}]}), "/components/schemas/A/items"),
        (
            json!({"properties": {"x": {"$dynamicRef": "#other"}}}),
            "/components/schemas/A/properties/x/$dynamicRef",
        ),
        (json!({"not": false}), "/components/schemas/A/not"),
        (
            json!({"contentEncoding": "quoted-printable"}),
            "/components/schemas/A/contentEncoding",
        ),
        (json!({"$anchor": "a"}), "/components/schemas/A/$anchor"),
    ] {
        let text = doc(json!({"A": schema}));
        let Err(e) = parse(&text, true) else {
            panic!("{schema} should be rejected");
        };
        assert_eq!(e.pointer, pointer, "{e}");
    }
    // Self-recursion needs a component to refer to: none around an inline schema.
    let inline = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {
            "properties": {"x": {"$recursiveRef": "#"}}}}}}}}}}});
    let e = parse(&inline.to_string(), true).expect_err("no component to recurse to");
    assert!(
        e.pointer.ends_with("/schema/properties/x/$recursiveRef"),
        "{e}"
    );
}

#[test]
fn errors_after_lowering_name_the_pointer_as_written() {
    // The IR rejects `not`; lowering moved it (into `allOf/1`, and out of a null `oneOf`).
    let (pointer, message) = error(json!({
        "Base": {"type": "object"},
        "A": {"$ref": "#/components/schemas/Base", "properties": {"x": {"not": {"type": "string"}}}},
    }));
    assert_eq!(pointer, "/components/schemas/A/properties/x", "{message}");
    let (pointer, message) = error(json!({
        "A": {"type": "object", "properties": {"x": {"oneOf": [{"type": "null"}, {"not": {"type": "string"}}]}}},
    }));
    assert_eq!(
        pointer, "/components/schemas/A/properties/x/oneOf/1",
        "{message}"
    );
}

#[test]
fn unknown_keywords_and_property_names_are_listed_not_dropped() {
    let (_, _, lowered) = parse(
        &doc(json!({"A": {"type": "object", "descrption": "typo",
            "propertyNames": {"maxLength": 3}, "additionalProperties": {"type": "string"}}})),
        true,
    )
    .unwrap();
    let listed: Vec<&str> = lowered.notes.iter().map(|n| n.pointer.as_str()).collect();
    assert_eq!(
        listed,
        [
            "/components/schemas/A/descrption",
            "/components/schemas/A/propertyNames"
        ]
    );
}

#[test]
fn a_3_0_document_keeps_rejecting_3_1_keywords() {
    let text = doc(json!({"A": {"type": "string", "const": "x"}})).replace("3.1.0", "3.0.3");
    let e = parse(&text, true).expect_err("3.0 has no const");
    assert_eq!(e.pointer, "/components/schemas/A/const");
}

#[test]
fn optional_responses_and_mutual_tls() {
    let text = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"},
        "paths": {"/a": {"get": {"operationId": "a"}}}})
    .to_string();
    let (raw, _, _) = parse(&text, true).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(raw["paths"]["/a"]["get"]["responses"], json!({}));
    let text = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {},
        "components": {"securitySchemes": {"m": {"type": "mutualTLS"}}}})
    .to_string();
    let e = parse(&text, true).expect_err("mutualTLS is not supported");
    assert_eq!(e.pointer, "/components/securitySchemes/m/type");
}
