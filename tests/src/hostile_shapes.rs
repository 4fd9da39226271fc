//! Documents shaped to make a generator super-linear (issue 20), synthesized at any size: colliding
//! names, a dense reference DAG, a long reference chain, an `allOf` ladder, a large integer enum,
//! deep flow nesting and a huge description, plus a plain document of a given size to compare with.
//!
//! Used by `tests/tests/hostile_specs_scale.rs` (properties at moderate size) and by `cargo xtask
//! bench` (`bench/src/hostile.rs` includes this file: time against the plain document). Only
//! `serde_json`, so both crates can compile it.

use serde_json::{json, Map, Value};

/// A document whose one operation answers with component `C0`, holding `schemas`.
pub fn document(schemas: Map<String, Value>) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "hostile shapes", "version": "1"},
        "paths": {"/root": {"get": {
            "operationId": "getRoot",
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/C0"}
            }}}}
        }}},
        "components": {"schemas": schemas}
    })
}

fn reference(name: &str) -> Value {
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The `i`-th of a family of distinct property names that all become the Rust field `a`:
/// `a`, `a.-`, `a._`, `a.--`, ... (punctuation is a word break).
pub fn colliding_name(i: usize) -> String {
    if i == 0 {
        return "a".into();
    }
    let bits: String = (0..usize::BITS - i.leading_zeros())
        .rev()
        .map(|b| if i >> b & 1 == 1 { '_' } else { '-' })
        .collect();
    format!("a.{bits}")
}

/// `C0` with `n` string properties whose names all collide in Rust (fields `a`, `a2`, ... `an`).
pub fn colliding_names(n: usize) -> Value {
    let props: Map<String, Value> = (0..n)
        .map(|i| (colliding_name(i), json!({"type": "string"})))
        .collect();
    let mut schemas = Map::new();
    schemas.insert("C0".into(), json!({"type": "object", "properties": props}));
    document(schemas)
}

/// `m` schemas, each with a property referring to every later one (m(m-1)/2 references, no cycle).
pub fn dense_dag(m: usize) -> Value {
    let schemas = (0..m)
        .map(|i| {
            let props: Map<String, Value> = (i + 1..m)
                .map(|j| (format!("p{j}"), reference(&format!("C{j}"))))
                .collect();
            (
                format!("C{i}"),
                json!({"type": "object", "properties": props}),
            )
        })
        .collect();
    document(schemas)
}

/// `C0.next -> C1.next -> ... -> C{n-1}`; with `closed`, `C{n-1}.next` refers back to `C0`, so
/// the chain is one cycle of `n` structs, every `next` field boxed.
pub fn reference_chain(n: usize, closed: bool) -> Value {
    let schemas = (0..n)
        .map(|i| {
            let next = if i + 1 < n {
                reference(&format!("C{}", i + 1))
            } else if closed {
                reference("C0")
            } else {
                json!({"type": "string"})
            };
            let props = json!({"next": next, "value": {"type": "integer"}});
            (
                format!("C{i}"),
                json!({"type": "object", "properties": props}),
            )
        })
        .collect();
    document(schemas)
}

/// `C_i: allOf [C_i+1, C_i+2, {p_i}]` for `i < k`: the number of paths doubles every two levels
/// (flattening each path again took exponential time); `C0` has every property `p0..p{k-1}`, `a`, `b`.
pub fn all_of_ladder(k: usize) -> Value {
    let mut schemas: Map<String, Value> = (0..k)
        .map(|i| {
            let own =
                json!({"type": "object", "properties": {format!("p{i}"): {"type": "string"}}});
            let parts = json!([
                reference(&format!("C{}", i + 1)),
                reference(&format!("C{}", i + 2)),
                own
            ]);
            (format!("C{i}"), json!({"allOf": parts}))
        })
        .collect();
    schemas.insert(
        format!("C{k}"),
        json!({"type": "object", "properties": {"a": {"type": "string"}}}),
    );
    schemas.insert(
        format!("C{}", k + 1),
        json!({"type": "object", "properties": {"b": {"type": "string"}}}),
    );
    document(schemas)
}

/// `C0.value`: an integer enum of `n` distinct values, each listed twice (`0, 0, 1, 1, ...`).
pub fn integer_enum(n: usize) -> Value {
    let values: Vec<Value> = (0..n as i64).flat_map(|v| [json!(v), json!(v)]).collect();
    let mut schemas = Map::new();
    schemas.insert(
        "C0".into(),
        json!({"type": "object", "properties": {"value": {"type": "integer", "enum": values}}}),
    );
    document(schemas)
}

/// `C0` described by `lines` lines of prose (the shape that costs most memory per byte).
pub fn huge_description(lines: usize) -> Value {
    let text = "A line of a very long description.\n".repeat(lines);
    let mut schemas = Map::new();
    schemas.insert(
        "C0".into(),
        json!({"type": "object", "description": text, "properties": {"a": {"type": "string"}}}),
    );
    document(schemas)
}

/// A YAML document with an extension nested `depth` flow sequences deep (`x-deep: [[[...]]]`).
pub fn deep_flow_yaml(depth: usize) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: deep, version: '1'}}\npaths: {{}}\nx-deep: {}{}\n",
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

/// A document of about `bytes` bytes (JSON) with nothing pathological: independent small schemas
/// of a few scalar properties each, all reached from `C0`.
pub fn plain(bytes: usize) -> Value {
    let schema = json!({"type": "object", "description": "A plain schema.", "properties": {
        "id": {"type": "string"}, "count": {"type": "integer"}, "label": {"type": "string"}
    }});
    let per_schema = schema.to_string().len() + 40;
    let n = (bytes / per_schema).max(1);
    let mut schemas: Map<String, Value> =
        (0..n).map(|i| (format!("P{i}"), schema.clone())).collect();
    let props: Map<String, Value> = (0..n)
        .map(|i| (format!("p{i}"), reference(&format!("P{i}"))))
        .collect();
    schemas.insert("C0".into(), json!({"type": "object", "properties": props}));
    document(schemas)
}
