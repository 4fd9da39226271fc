//! Classification rules of `spec diff` that depend on how a schema is used (sent, received) or on the
//! generator's naming, on tiny inline documents. The fixture pairs in `tests/` cover each class end to end.

use serde_json::{json, Value};

use super::diff::diff;
use super::Class;

/// A document whose one operation sends `Req` and receives `Res`.
fn doc(schemas: Value) -> Value {
    json!({
        "openapi": "3.0.1",
        "info": {"title": "t", "version": "1"},
        "paths": {"/x": {"post": {
            "operationId": "op",
            "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Req"}}}},
            "responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Res"}}}},
                "400": {"description": "bad", "content": {"application/json": {"schema": {"type": "object"}}}}
            }
        }}},
        "components": {"schemas": schemas}
    })
}

/// `Req` and `Res` share one shape: `(required, properties)` plus extra members.
fn both(required: Value, properties: Value) -> Value {
    let schema = json!({"type": "object", "required": required, "properties": properties});
    json!({"Req": schema, "Res": schema})
}

fn changes(old: &Value, new: &Value) -> Vec<(Class, String, String)> {
    let report = diff(old, new).unwrap_or_else(|e| panic!("{e}"));
    report
        .changes
        .into_iter()
        .map(|c| (c.class, c.pointer, c.message))
        .collect()
}

/// The class of the one change at `pointer`.
fn class_at(changes: &[(Class, String, String)], pointer: &str) -> Class {
    let found: Vec<_> = changes.iter().filter(|c| c.1 == pointer).collect();
    assert_eq!(
        found.len(),
        1,
        "one change expected at {pointer}: {changes:#?}"
    );
    found[0].0
}

#[test]
fn required_and_nullable_change_field_types_only_in_sent_only_schemas() {
    let s = json!({"type": "string"});
    let old = doc(both(json!(["a", "b"]), json!({"a": s, "b": s})));
    let nullable = json!({"type": "string", "nullable": true});
    let new = doc(both(json!(["b"]), json!({"a": s, "b": nullable})));
    let found = changes(&old, &new);
    // Req.a: T -> Option<T>; Res fields are Option already.
    let req_a = "/components/schemas/Req/properties/a";
    assert_eq!(class_at(&found, req_a), Class::Breaking);
    assert_eq!(
        class_at(&found, "/components/schemas/Res/properties/a"),
        Class::Info
    );
    assert!(found
        .iter()
        .any(|c| c.1 == "/components/schemas/Req/properties/b"
            && c.0 == Class::Breaking
            && c.2.contains("T to Option<T>")));
}

#[test]
fn added_required_field_breaks_requests_only() {
    let s = json!({"type": "string"});
    let old = doc(both(json!([]), json!({"a": s})));
    let new = doc(both(json!(["c"]), json!({"a": s, "c": s})));
    let found = changes(&old, &new);
    let req_c = "/components/schemas/Req/properties/c";
    assert_eq!(class_at(&found, req_c), Class::Breaking);
    assert_eq!(
        class_at(&found, "/components/schemas/Res/properties/c"),
        Class::Additive
    );
}

#[test]
fn read_only_leaves_sent_only_types() {
    let old = doc(both(json!([]), json!({"a": {"type": "string"}})));
    let new = doc(both(
        json!([]),
        json!({"a": {"type": "string", "readOnly": true}}),
    ));
    let found = changes(&old, &new);
    let req_a = "/components/schemas/Req/properties/a";
    assert_eq!(class_at(&found, req_a), Class::Breaking);
    assert_eq!(
        class_at(&found, "/components/schemas/Res/properties/a"),
        Class::Info
    );
}

#[test]
fn formats_break_only_when_they_pick_the_rust_type() {
    let old = doc(both(
        json!([]),
        json!({"a": {"type": "string", "format": "email"}, "b": {"type": "string"}}),
    ));
    let new = doc(both(
        json!([]),
        json!({"a": {"type": "string", "format": "uri"}, "b": {"type": "string", "format": "uuid"}}),
    ));
    let found = changes(&old, &new);
    let at = |p: &str| format!("/components/schemas/Res/properties/{p}/format");
    assert_eq!(class_at(&found, &at("a")), Class::Info);
    assert_eq!(class_at(&found, &at("b")), Class::Breaking);
}

#[test]
fn enums_and_discriminators() {
    let base = |mapping: Value, kind: Value| {
        json!({
            "Req": {"type": "object", "properties": {"kind": kind}},
            "Res": {"type": "object", "discriminator": {"propertyName": "kind", "mapping": mapping}},
            "A": {"allOf": [{"$ref": "#/components/schemas/Res"}]},
            "B": {"allOf": [{"$ref": "#/components/schemas/Res"}]}
        })
    };
    let a = "#/components/schemas/A";
    let b = "#/components/schemas/B";
    let old = doc(base(json!({"A": a, "B": b}), json!({"type": "string"})));
    let new = doc(base(
        json!({"A": a, "C": b}),
        json!({"type": "string", "enum": ["A"]}),
    ));
    let found = changes(&old, &new);
    let messages: Vec<(Class, &str)> = found.iter().map(|c| (c.0, c.2.as_str())).collect();
    assert!(
        messages.contains(&(Class::Breaking, "discriminator value `B` removed")),
        "{found:#?}"
    );
    assert!(
        messages.contains(&(Class::Additive, "discriminator value `C` added")),
        "{found:#?}"
    );
    let kind = "/components/schemas/Req/properties/kind/enum";
    assert_eq!(class_at(&found, kind), Class::Breaking);
}

#[test]
fn operation_names_bodies_and_error_responses() {
    let schemas = both(json!([]), json!({}));
    let old = doc(schemas.clone());
    let mut new = doc(schemas);
    let op = new
        .pointer_mut("/paths/~1x/post")
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("layout"));
    op.insert("x-xgen-operation-id-override".into(), json!("shortName"));
    op.insert("operationId".into(), json!("renamedOp"));
    if let Some(body) = op.get_mut("requestBody").and_then(Value::as_object_mut) {
        body.insert("required".into(), json!(true));
    }
    let error = new.pointer_mut("/paths/~1x/post/responses/400/content");
    if let Some(content) = error.and_then(Value::as_object_mut) {
        content.remove("application/json");
    }
    let found = changes(&old, &new);
    let messages: Vec<(Class, &str)> = found.iter().map(|c| (c.0, c.2.as_str())).collect();
    assert!(messages.contains(&(
        Class::Breaking,
        "operation renamed from `op` to `shortName`: the generated method name changes"
    )));
    assert!(messages.contains(&(Class::Breaking, "request body became required")));
    let error_media = "/paths/~1x/post/responses/400/content/application~1json";
    assert_eq!(class_at(&found, error_media), Class::Info);
    // The override names the method, so a changed operationId under an unchanged override is docs only.
    let mut renamed = new.clone();
    if let Some(id) = renamed.pointer_mut("/paths/~1x/post/operationId") {
        *id = json!("yetAnotherId");
    }
    let found = changes(&new, &renamed);
    assert_eq!(class_at(&found, "/paths/~1x/post/operationId"), Class::Info);
}
