//! A minimal valid instance of a JSON Schema (2020-12 as OpenAPI 3.1 writes it): only required
//! members, null where null is allowed, the first of an enum, a plausible value per string format.
//! Used to build webhook deliveries (`cargo xtask webhooks`) and vendors' pages and items (`cargo
//! xtask vendors`) from a document's own schemas instead of copying its examples.

use serde_json::{json, Map, Value};

/// Deeper than any real payload: a schema that only ends through a nullable or optional member
/// stops here with `null` instead of recursing forever.
const MAX_DEPTH: usize = 48;

/// The minimal instance of `schema`, resolving `#/...` references in `doc`.
pub fn minimal(doc: &Value, schema: &Value) -> Value {
    instance(doc, schema, 0)
}

fn instance(doc: &Value, schema: &Value, depth: usize) -> Value {
    if depth > MAX_DEPTH {
        return Value::Null;
    }
    let Some(map) = schema.as_object() else {
        return Value::Null; // `true` / `{}`-like: anything goes
    };
    if let Some(target) = map.get("$ref").and_then(Value::as_str) {
        let pointer = target.trim_start_matches('#');
        return match doc.pointer(pointer) {
            Some(target) => instance(doc, target, depth + 1),
            None => Value::Null,
        };
    }
    if let Some(value) = map.get("const") {
        return value.clone();
    }
    if let Some(first) = map
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    if let Some(Value::Array(all)) = map.get("allOf") {
        let mut merged = Map::new();
        for branch in all {
            if let Value::Object(part) = instance(doc, branch, depth + 1) {
                merged.extend(part);
            }
        }
        if let Value::Object(own) = object(doc, map, depth) {
            merged.extend(own);
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(branches)) = map.get(key) {
            let nullable = branches
                .iter()
                .any(|b| b.get("type").and_then(Value::as_str) == Some("null"));
            return match branches.first() {
                Some(_) if nullable => Value::Null,
                Some(first) => instance(doc, first, depth + 1),
                None => Value::Null,
            };
        }
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
        _ if map.contains_key("properties") => vec!["object"],
        _ => vec![],
    };
    if types.contains(&"null") || map.get("nullable") == Some(&Value::Bool(true)) {
        return Value::Null;
    }
    match types.first().copied() {
        Some("object") => object(doc, map, depth),
        Some("array") => {
            let count = map.get("minItems").and_then(Value::as_u64).unwrap_or(0);
            let item = map.get("items").cloned().unwrap_or(Value::Bool(true));
            Value::Array(
                (0..count.min(3))
                    .map(|_| instance(doc, &item, depth + 1))
                    .collect(),
            )
        }
        Some("string") => string(map),
        Some("integer") | Some("number") => {
            let low = map.get("minimum").and_then(Value::as_i64).unwrap_or(1);
            json!(low.max(1))
        }
        Some("boolean") => Value::Bool(false),
        _ => Value::Null,
    }
}

fn object(doc: &Value, map: &Map<String, Value>, depth: usize) -> Value {
    let mut out = Map::new();
    let properties = map.get("properties").and_then(Value::as_object);
    for name in map
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let member = properties
            .and_then(|p| p.get(name))
            .map_or(json!("x"), |s| instance(doc, s, depth + 1));
        out.insert(name.to_owned(), member);
    }
    Value::Object(out)
}

fn string(map: &Map<String, Value>) -> Value {
    let text = match map.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-01-02T03:04:05Z",
        Some("date") => "2026-01-02",
        Some("uri" | "uri-reference" | "url" | "uri-template") => "https://example.com/x",
        Some("email") => "user@example.com",
        Some("uuid") => "01234567-89ab-cdef-0123-456789abcdef",
        _ => "x",
    };
    Value::String(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_members_only_null_where_allowed() {
        let doc = json!({"components": {"schemas": {
            "User": {"type": "object", "required": ["login", "id", "site"],
                "properties": {"login": {"type": "string"}, "id": {"type": "integer"},
                    "site": {"type": ["string", "null"]}, "bio": {"type": "string"}}},
            "Event": {"type": "object", "required": ["action", "user", "at", "tags", "who"],
                "properties": {"action": {"type": "string", "enum": ["opened", "closed"]},
                    "user": {"$ref": "#/components/schemas/User"},
                    "at": {"type": "string", "format": "date-time"},
                    "tags": {"type": "array", "minItems": 1, "items": {"const": "t"}},
                    "who": {"anyOf": [{"$ref": "#/components/schemas/User"}, {"type": "null"}]}}}
        }}});
        let event = minimal(&doc, &doc["components"]["schemas"]["Event"]);
        assert_eq!(
            event,
            json!({"action": "opened", "user": {"login": "x", "id": 1, "site": null},
                "at": "2026-01-02T03:04:05Z", "tags": ["t"], "who": null})
        );
    }

    #[test]
    fn a_self_reference_stops_at_the_depth_bound() {
        let doc = json!({"A": {"type": "object", "required": ["a"],
            "properties": {"a": {"$ref": "#/A"}}}});
        let mut value = &minimal(&doc, &doc["A"]);
        let mut depth = 0;
        while let Some(inner) = value.get("a") {
            value = inner;
            depth += 1;
        }
        assert!(depth > 10 && depth <= MAX_DEPTH, "{depth}");
    }
}
