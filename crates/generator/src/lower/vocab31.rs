//! The JSON Schema 2020-12 vocabulary as lowering sees it: which keywords annotate, which have no
//! mapping, which belong to which type, and the small rewrites of single keywords.

use serde_json::{Map, Value};

/// The OpenAPI 3.1 default schema dialect, and JSON Schema 2020-12 itself.
pub fn is_default_dialect(uri: &Value) -> bool {
    matches!(
        uri.as_str().map(|u| u.trim_end_matches('#')),
        Some(
            "https://spec.openapis.org/oas/3.1/dialect/base"
                | "https://json-schema.org/draft/2020-12/schema"
        )
    )
}

/// Annotations: on a `$ref` they document the reference, they do not change the type.
pub const ANNOTATIONS: &[&str] = &[
    "description",
    "title",
    "deprecated",
    "readOnly",
    "writeOnly",
    "example",
    "default",
    "nullable",
    "externalDocs",
];

/// Keywords of JSON Schema 2020-12 with no faithful OpenAPI 3.0 / Rust mapping.
pub const REJECTED: &[(&str, &str)] = &[
    ("prefixItems", "tuple arrays"),
    ("items", "tuple arrays (`items` as an array)"),
    ("additionalItems", "tuple arrays"),
    ("if", "conditional schemas"),
    ("then", "conditional schemas"),
    ("else", "conditional schemas"),
    ("unevaluatedProperties", "evaluation-dependent validation"),
    ("unevaluatedItems", "evaluation-dependent validation"),
    ("dependentSchemas", "conditional schemas"),
    ("dependentRequired", "conditional requirements"),
    ("contains", "array content validation"),
    ("minContains", "array content validation"),
    ("maxContains", "array content validation"),
    ("patternProperties", "properties named by a pattern"),
    (
        "$anchor",
        "anchors (only `$ref` by JSON pointer is supported)",
    ),
    ("$id", "embedded schema resources"),
    ("$vocabulary", "custom vocabularies"),
];

/// JSON type of a `const` value, for a `const` without `type`.
pub fn json_type(value: &Value) -> Option<&'static str> {
    match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("number"),
        _ => None,
    }
}

/// The keywords that only constrain values of type `t`.
pub fn type_keywords(t: &str) -> &'static [&'static str] {
    match t {
        "string" => &["minLength", "maxLength", "pattern", "format"],
        "integer" | "number" => &[
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "format",
        ],
        "array" => &["items", "minItems", "maxItems", "uniqueItems"],
        "object" => &[
            "properties",
            "additionalProperties",
            "required",
            "minProperties",
            "maxProperties",
        ],
        _ => &[],
    }
}

/// One `oneOf` branch of a type array: `{type: t}` plus the keywords and enum values of `t`.
pub fn branch(map: &Map<String, Value>, t: &str) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("type".into(), Value::String(t.to_owned()));
    for k in type_keywords(t) {
        if let Some(v) = map.get(*k) {
            out.insert((*k).to_owned(), v.clone());
        }
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        let matching: Vec<Value> = values
            .iter()
            .filter(|v| {
                json_type(v).is_some_and(|vt| vt == t || (t == "number" && vt == "integer"))
            })
            .cloned()
            .collect();
        if !matching.is_empty() {
            out.insert("enum".into(), Value::Array(matching));
        }
    }
    out
}

/// 2020-12's numeric `exclusiveMinimum: n` -> 3.0's `minimum: n, exclusiveMinimum: true`; when the
/// schema also has an inclusive bound that is at least as strict, that bound alone says it all.
pub fn exclusive_bound(map: &mut Map<String, Value>, key: &str, value: Value) {
    let (bound, lower) = if key == "exclusiveMinimum" {
        ("minimum", true)
    } else {
        ("maximum", false)
    };
    // On integers a strict bound is an inclusive one, one step inside: exact, and enforceable.
    if let (true, Some(v)) = (
        map.get("type").is_some_and(|t| t == "integer"),
        value.as_i64(),
    ) {
        let inclusive = if lower {
            v.checked_add(1)
        } else {
            v.checked_sub(1)
        };
        if let Some(inclusive) = inclusive {
            let stricter = match map.get(bound).and_then(Value::as_i64) {
                Some(e) if lower => e.max(inclusive),
                Some(e) => e.min(inclusive),
                None => inclusive,
            };
            map.insert(bound.into(), Value::from(stricter));
            return;
        }
    }
    let (Some(v), existing) = (value.as_f64(), map.get(bound).and_then(Value::as_f64)) else {
        return;
    };
    let dominated = existing.is_some_and(|e| if lower { e > v } else { e < v });
    if !dominated {
        map.insert(bound.into(), value);
        map.insert(key.into(), Value::Bool(true));
    }
}
