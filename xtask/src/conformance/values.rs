//! Schema-valid JSON for a parameter or body, built from the document's own schema (the one Prism
//! validates against), not from the generator's IR: the IR keeps the Rust shape but not every rule
//! (patterns, formats, bounds) a request must meet.
//!
//! Preference, as issue 24 asks: `enum` / `const`, then `default`, then `example` / `examples` (only
//! a scalar whose JSON type fits the schema: objects and arrays are built member by member so every
//! optional member is sent at least once), then a value made from `type`, `format`, `pattern` and
//! the bounds.

use serde_json::{Map, Value};

use super::pattern;

/// Nesting beyond this stops adding optional members and items (recursive schemas).
const MAX_DEPTH: usize = 8;

/// Which members an object gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Members {
    /// Every declared member but readOnly ones (what a request can carry).
    All,
    /// Only the required ones.
    Required,
}

/// Values for one document.
pub struct Synth<'a> {
    root: &'a Value,
    members: Members,
}

/// Member names an enclosing `allOf` requires (a branch may declare a member another requires).
type Required<'r> = &'r [String];

impl<'a> Synth<'a> {
    pub fn new(root: &'a Value, members: Members) -> Self {
        Synth { root, members }
    }

    /// `schema` with its `$ref`s followed (local ones only; a chain is bounded).
    pub fn deref<'s>(&'s self, mut schema: &'s Value) -> &'s Value {
        for _ in 0..32 {
            let Some(target) = schema.get("$ref").and_then(Value::as_str) else {
                return schema;
            };
            match target
                .strip_prefix('#')
                .and_then(|pointer| self.root.pointer(pointer))
            {
                Some(next) => schema = next,
                None => return schema,
            }
        }
        schema
    }

    /// A value that `schema` accepts.
    pub fn value(&self, schema: &Value) -> Value {
        self.at(schema, 0)
    }

    fn at(&self, schema: &Value, depth: usize) -> Value {
        self.at_with(schema, depth, &[])
    }

    fn at_with(&self, schema: &Value, depth: usize, outer_required: Required) -> Value {
        let schema = self.deref(schema);
        if let Some(first) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()))
        {
            return first.clone();
        }
        if let Some(value) = schema.get("const") {
            return value.clone();
        }
        let ty = type_of(schema);
        for key in ["default", "example"] {
            if let Some(value) = schema.get(key).filter(|v| scalar_fits(v, ty.as_deref())) {
                return value.clone();
            }
        }
        if let Some(value) = schema
            .get("examples")
            .and_then(Value::as_array)
            .and_then(|e| e.first())
            .filter(|v| scalar_fits(v, ty.as_deref()))
        {
            return value.clone();
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            return self.all_of(schema, all, depth);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(key).and_then(Value::as_array) {
                if let Some(value) = self.one_of(schema, branches, depth) {
                    return value;
                }
            }
        }
        match ty.as_deref() {
            Some("object") => self.object(schema, depth, outer_required),
            Some("array") => self.array(schema, depth),
            Some("integer") => Value::from(integer(schema)),
            Some("number") => number(schema),
            Some("boolean") => Value::Bool(true),
            Some("null") => Value::Null,
            Some(_) => Value::String(string(schema)),
            // No type and no structure: anything validates.
            None => Value::String("value".into()),
        }
    }

    /// `allOf`: the members of every branch merged (the schema's own members too).
    fn all_of(&self, schema: &Value, branches: &[Value], depth: usize) -> Value {
        let mut merged = Map::new();
        let mut other = None;
        let mut own = schema.clone();
        if let Some(own) = own.as_object_mut() {
            own.remove("allOf");
        }
        let has_own = own.get("properties").is_some();
        let mut required: Vec<String> = names(schema.get("required"));
        for branch in branches {
            required.extend(names(self.deref(branch).get("required")));
        }
        // A branch that only annotates (`{description: ..}` beside a `$ref`) constrains nothing.
        let shaping = branches.iter().filter(|b| !is_annotation(self.deref(b)));
        for branch in shaping.chain(has_own.then_some(&own)) {
            match self.at_with(branch, depth + 1, &required) {
                Value::Object(members) => merged.extend(members),
                value => other = Some(value),
            }
        }
        match other {
            Some(value) if merged.is_empty() => value,
            _ => Value::Object(merged),
        }
    }

    /// `oneOf`/`anyOf`: the first branch that is not `null`, with a discriminator's tag set.
    fn one_of(&self, schema: &Value, branches: &[Value], depth: usize) -> Option<Value> {
        let branch = branches
            .iter()
            .find(|b| type_of(self.deref(b)).as_deref() != Some("null"))?;
        let mut value = self.at(branch, depth + 1);
        if let (Some(discriminator), Value::Object(members)) =
            (schema.get("discriminator"), &mut value)
        {
            let property = discriminator.get("propertyName").and_then(Value::as_str);
            let reference = branch.get("$ref").and_then(Value::as_str);
            if let (Some(property), Some(reference)) = (property, reference) {
                let mapped = discriminator
                    .get("mapping")
                    .and_then(Value::as_object)
                    .and_then(|m| m.iter().find(|(_, v)| v.as_str() == Some(reference)))
                    .map(|(k, _)| k.clone());
                let tag =
                    mapped.unwrap_or_else(|| reference.rsplit('/').next().unwrap_or("").to_owned());
                members.insert(property.to_owned(), Value::String(tag));
            }
        }
        // The schema may add its own members beside the alternatives.
        if let (Some(own), Value::Object(members)) = (schema.get("properties"), &mut value) {
            if own.is_object() {
                if let Value::Object(more) = self.object(schema, depth, &[]) {
                    for (k, v) in more {
                        members.entry(k).or_insert(v);
                    }
                }
            }
        }
        Some(value)
    }

    fn object(&self, schema: &Value, depth: usize, outer_required: Required) -> Value {
        let mut required: Vec<String> = names(schema.get("required"));
        required.extend(outer_required.iter().cloned());
        let mut out = Map::new();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, member) in properties {
                let is_required = required.contains(name);
                let member_schema = self.deref(member);
                let read_only = member_schema.get("readOnly") == Some(&Value::Bool(true))
                    || member.get("readOnly") == Some(&Value::Bool(true));
                let wanted = is_required
                    || (self.members == Members::All && depth < MAX_DEPTH && !read_only);
                if wanted {
                    out.insert(name.clone(), self.at(member, depth + 1));
                }
            }
        }
        let min_properties = schema
            .get("minProperties")
            .and_then(Value::as_u64)
            .unwrap_or(0) as usize;
        let extra = schema.get("additionalProperties").filter(|a| a.is_object());
        let mut added = 0;
        while (out.is_empty()
            && depth < MAX_DEPTH
            && self.members == Members::All
            && extra.is_some())
            || (out.len() < min_properties && added < 64)
        {
            let value = match extra {
                Some(extra) => self.at(extra, depth + 1),
                None => Value::String("value".into()),
            };
            out.insert(format!("key{}", added + 1), value);
            added += 1;
        }
        Value::Object(out)
    }

    fn array(&self, schema: &Value, depth: usize) -> Value {
        let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0) as usize;
        let max = schema
            .get("maxItems")
            .and_then(Value::as_u64)
            .map(|m| m as usize);
        let items = schema.get("items").cloned().unwrap_or(Value::Null);
        let unique = schema.get("uniqueItems") == Some(&Value::Bool(true));
        // Two items where allowed: a one-item array in a query or form looks like a scalar, and
        // two show the separator. Unique structured items would repeat, so those get one.
        let structured = matches!(
            type_of(self.deref(&items)).as_deref(),
            Some("object" | "array")
        );
        let wanted = if unique && structured { 1 } else { 2 };
        let count = if depth >= MAX_DEPTH {
            min
        } else {
            min.max(wanted).min(max.unwrap_or(usize::MAX)).max(min)
        };
        let mut out: Vec<Value> = Vec::new();
        for i in 0..count.min(16) {
            let mut item = self.at(&items, depth + 1);
            let choice = self
                .deref(&items)
                .get("enum")
                .and_then(Value::as_array)
                .and_then(|e| e.get(i));
            if let (true, Some(choice)) = (unique && i > 0, choice) {
                // Distinct items of an enum: the next allowed value.
                item = choice.clone();
            } else if unique && i > 0 {
                // Distinct items for uniqueItems: vary a string or number.
                item = match item {
                    Value::String(s) => Value::String(format!("{s}{i}")),
                    Value::Number(n) => Value::from(n.as_i64().unwrap_or(0) + i as i64),
                    other => other,
                };
            }
            out.push(item);
        }
        Value::Array(out)
    }
}

/// Whether a schema only annotates: no keyword that constrains a value.
fn is_annotation(schema: &Value) -> bool {
    const SHAPING: &[&str] = &[
        "type",
        "properties",
        "items",
        "enum",
        "const",
        "allOf",
        "oneOf",
        "anyOf",
        "$ref",
        "format",
        "pattern",
        "additionalProperties",
        "required",
        "minimum",
        "maximum",
        "minLength",
        "maxLength",
        "minItems",
        "maxItems",
        "minProperties",
        "not",
    ];
    schema
        .as_object()
        .is_some_and(|o| !o.keys().any(|k| SHAPING.contains(&k.as_str())))
}

/// The strings of a `required` list.
fn names(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// The schema's JSON type: `type` (the first non-null one of a 3.1 list), else what its keywords imply.
pub fn type_of(schema: &Value) -> Option<String> {
    match schema.get("type") {
        Some(Value::String(t)) => return Some(t.clone()),
        Some(Value::Array(types)) => {
            return types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")
                .map(str::to_owned)
        }
        _ => {}
    }
    if schema.get("properties").is_some() || schema.get("additionalProperties").is_some() {
        Some("object".into())
    } else if schema.get("items").is_some() {
        Some("array".into())
    } else if schema.get("format").is_some() || schema.get("pattern").is_some() {
        Some("string".into())
    } else {
        None
    }
}

/// Whether `value` is a scalar of the JSON type `ty` (an example of another type is a spec defect
/// the driver does not repeat).
fn scalar_fits(value: &Value, ty: Option<&str>) -> bool {
    match (ty, value) {
        (Some("string"), Value::String(_)) => true,
        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Some("number"), Value::Number(_)) => true,
        (Some("boolean"), Value::Bool(_)) => true,
        _ => false,
    }
}

fn bound(schema: &Value, key: &str) -> Option<f64> {
    schema.get(key).and_then(Value::as_f64)
}

/// An integer inside the bounds (3.0 boolean and 3.1 numeric exclusive forms), a multiple of
/// `multipleOf` where possible.
fn integer(schema: &Value) -> i64 {
    let exclusive = |key: &str| schema.get(key) == Some(&Value::Bool(true));
    let mut low = bound(schema, "minimum").map(|m| {
        if exclusive("exclusiveMinimum") {
            m.floor() as i64 + 1
        } else {
            m.ceil() as i64
        }
    });
    if let Some(m) = bound(schema, "exclusiveMinimum") {
        low = Some(m.floor() as i64 + 1);
    }
    let mut high = bound(schema, "maximum").map(|m| {
        if exclusive("exclusiveMaximum") {
            m.ceil() as i64 - 1
        } else {
            m.floor() as i64
        }
    });
    if let Some(m) = bound(schema, "exclusiveMaximum") {
        high = Some(m.ceil() as i64 - 1);
    }
    let mut value = match (low, high) {
        (Some(low), _) => low.max(1.min(high.unwrap_or(i64::MAX))),
        (None, Some(high)) => high.min(1),
        (None, None) => 1,
    };
    if let Some(step) = bound(schema, "multipleOf")
        .map(|m| m as i64)
        .filter(|m| *m > 1)
    {
        let rounded = value.div_euclid(step) * step;
        value = if rounded < low.unwrap_or(i64::MIN) {
            rounded.saturating_add(step)
        } else {
            rounded
        };
    }
    value
}

fn number(schema: &Value) -> Value {
    let has_bounds = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]
        .iter()
        .any(|k| schema.get(k).is_some_and(Value::is_number));
    let integral = matches!(
        schema.get("format").and_then(Value::as_str),
        Some("int32" | "int64" | "integer" | "long")
    );
    if has_bounds || integral || schema.get("multipleOf").is_some() {
        Value::from(integer(schema))
    } else {
        serde_json::json!(1.5)
    }
}

/// A string for a `format`, a `pattern`, or plain text, fitted to the length bounds.
fn string(schema: &Value) -> String {
    let format = schema.get("format").and_then(Value::as_str).unwrap_or("");
    let from_format = match format {
        "date-time" => Some("2024-01-02T03:04:05Z"),
        "date" => Some("2024-01-02"),
        "time" => Some("03:04:05Z"),
        "uuid" => Some("3fa85f64-5717-4562-b3fc-2c963f66afa6"),
        "email" => Some("user@example.com"),
        "uri" | "url" | "uri-reference" | "iri" => Some("https://example.com/item"),
        "hostname" => Some("example.com"),
        "ipv4" => Some("192.0.2.1"),
        "ipv6" => Some("2001:db8::1"),
        "byte" => Some("aGVsbG8="),
        "int32" | "int64" => Some("1"),
        "duration" => Some("P1D"),
        _ => None,
    };
    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    let max = schema
        .get("maxLength")
        .and_then(Value::as_u64)
        .map(|m| m as usize);
    let pattern = schema.get("pattern").and_then(Value::as_str);
    let mut text = match (from_format, pattern) {
        (Some(text), _) => text.to_owned(),
        (None, Some(pattern)) => match pattern::sample(pattern, min) {
            Some(text) => return text,
            None => "value".to_owned(),
        },
        (None, None) => "value".to_owned(),
    };
    while text.chars().count() < min {
        text.push('a');
    }
    if let Some(max) = max {
        text = text.chars().take(max.max(min)).collect();
    }
    text
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn value(schema: Value) -> Value {
        let root = json!({});
        Synth::new(&root, Members::All).value(&schema)
    }

    #[test]
    fn bounds_and_formats() {
        assert_eq!(value(json!({"type": "integer", "minimum": 5})), json!(5));
        assert_eq!(value(json!({"type": "integer", "maximum": -3})), json!(-3));
        assert_eq!(
            value(json!({"type": "integer", "minimum": 0, "exclusiveMinimum": true})),
            json!(1)
        );
        assert_eq!(
            value(json!({"type": "integer", "minimum": 7, "multipleOf": 5})),
            json!(10)
        );
        assert_eq!(
            value(json!({"type": "string", "format": "date-time"})),
            json!("2024-01-02T03:04:05Z")
        );
        assert_eq!(
            value(json!({"type": "string", "minLength": 8})),
            json!("valueaaa")
        );
        assert_eq!(
            value(json!({"type": "string", "maxLength": 2})),
            json!("va")
        );
    }

    #[test]
    fn objects_follow_refs_and_discriminators() {
        let root = json!({"components": {"schemas": {
            "Cat": {"type": "object", "required": ["kind"], "properties": {
                "kind": {"type": "string"}, "name": {"type": "string", "example": "Tom"},
                "id": {"type": "integer", "readOnly": true}}},
        }}});
        let schema = json!({"oneOf": [{"$ref": "#/components/schemas/Cat"}],
            "discriminator": {"propertyName": "kind", "mapping": {"cat": "#/components/schemas/Cat"}}});
        let all = Synth::new(&root, Members::All).value(&schema);
        assert_eq!(all, json!({"kind": "cat", "name": "Tom"}));
        let required = Synth::new(&root, Members::Required).value(&schema);
        assert_eq!(required, json!({"kind": "cat"}));
    }

    #[test]
    fn all_of_branches_share_required_members() {
        let root = json!({});
        let schema = json!({"required": ["location"], "allOf": [
            {"properties": {"location": {"type": "string"}, "id": {"type": "string"}}}],
            "properties": {"etag": {"type": "string"}}});
        let required = Synth::new(&root, Members::Required).value(&schema);
        assert_eq!(required, json!({"location": "value"}));
    }

    #[test]
    fn recursion_is_bounded() {
        let root = json!({"components": {"schemas": {"Node": {"type": "object", "properties": {
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}}}}}});
        let v =
            Synth::new(&root, Members::All).value(&json!({"$ref": "#/components/schemas/Node"}));
        let text = v.to_string();
        assert!(text.len() < 1000, "{text}");
        assert!(text.contains("children"));
    }
}
