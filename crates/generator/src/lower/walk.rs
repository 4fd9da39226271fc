//! Finding the schemas of a document: every `components.schemas` entry and every `schema` member
//! elsewhere (parameters, headers, media types, webhooks), as `load.rs`'s keyword check does.

use serde_json::Value;

use crate::error::Result;

/// Appends one RFC 6901 reference token to `at` (escaping only when needed).
pub fn push(at: &mut String, token: &str) {
    at.push('/');
    if token.contains(['~', '/']) {
        at.push_str(&token.replace('~', "~0").replace('/', "~1"));
    } else {
        at.push_str(token);
    }
}

/// What [`each_schema`] calls on a schema: (schema, its pointer, its component name if it is one).
pub type SchemaFn<'f> = dyn FnMut(&mut Value, &mut String, Option<&str>) -> Result<()> + 'f;

/// Calls `f(schema, pointer, component)` on each top-level schema of `raw`; `component` is the
/// `components.schemas` name the schema is, if it is one. `f` walks inside the schema itself.
pub fn each_schema(raw: &mut Value, f: &mut SchemaFn<'_>) -> Result<()> {
    let mut at = String::new();
    if let Some(Value::Object(schemas)) = raw.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            at.clear();
            at.push_str("/components/schemas");
            push(&mut at, name);
            f(schema, &mut at, Some(name))?;
        }
    }
    at.clear();
    members(raw, &mut at, f)
}

fn members(node: &mut Value, at: &mut String, f: &mut SchemaFn<'_>) -> Result<()> {
    let len = at.len();
    match node {
        Value::Object(map) => {
            for (key, value) in map.iter_mut() {
                let components_schemas = key == "schemas" && at == "/components";
                // Example values are data: a member named `schema` in one is not a schema.
                if components_schemas
                    || key.starts_with("x-")
                    || key == "example"
                    || key == "examples"
                {
                    continue;
                }
                push(at, key);
                if key == "schema" && (value.is_object() || value.is_boolean()) {
                    f(value, at, None)?;
                } else {
                    members(value, at, f)?;
                }
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter_mut().enumerate() {
                push(at, &i.to_string());
                members(value, at, f)?;
                at.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// Whether member `key` of an object holds data (an example payload, a default, enum values,
/// an extension), not spec: `$ref`s and schemas in it are not walked. `in_names` is true for a
/// `properties` map, where `default` or `example` is the name of a property, not data.
pub fn is_data(key: &str, in_names: bool) -> bool {
    !in_names
        && (key.starts_with("x-")
            || matches!(key, "example" | "examples" | "default" | "enum" | "const"))
}

/// Whether the value of member `key` is a map of property names (`properties` of a schema).
pub fn holds_names(key: &str, in_names: bool) -> bool {
    key == "properties" && !in_names
}
