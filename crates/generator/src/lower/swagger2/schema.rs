//! One Swagger 2.0 Schema Object -> the OpenAPI 3.0 one, in place, at its pointer in the lowered
//! tree (moves out of the 2.0 shape were recorded before; moves made here are undone first).
//!
//! 2.0's schema keywords are 3.0's, less `oneOf`/`anyOf`/`not`/`nullable`/`writeOnly`/`deprecated`
//! (kept when a document uses them: their 3.0 meaning is the only one), plus `discriminator` as a
//! property name, `type: file` and the `x-nullable` extension. Keywords neither knows are left
//! for the keyword check of `load.rs`, which rejects them at their original pointer.

use serde_json::{json, Map, Value};

use super::super::schema31::ref_siblings;
use super::super::walk::push;
use super::key_at;
use crate::error::{GenError, Result};

/// Lowers the schema at `at` and everything inside it.
pub fn lower(node: &mut Value, at: &mut String, moves: &mut Vec<(String, String)>) -> Result<()> {
    let Value::Object(map) = node else {
        return Err(GenError::new(at.as_str(), "a schema must be an object"));
    };
    children(map, at, moves)?;
    keywords(map, at)?;
    ref_siblings(map, at, moves);
    Ok(())
}

fn children(
    map: &mut Map<String, Value>,
    at: &mut String,
    moves: &mut Vec<(String, String)>,
) -> Result<()> {
    let len = at.len();
    for (key, value) in map.iter_mut() {
        push(at, key);
        match (key.as_str(), &mut *value) {
            ("properties", Value::Object(subs)) => {
                let len = at.len();
                for (name, sub) in subs.iter_mut() {
                    push(at, name);
                    lower(sub, at, moves)?;
                    at.truncate(len);
                }
            }
            ("items", Value::Array(_)) => {
                return Err(super::unsupported(at, "tuple arrays (`items` as an array)"))
            }
            ("additionalProperties", Value::Bool(_)) => {}
            ("items" | "additionalProperties" | "not", sub) => lower(sub, at, moves)?,
            ("allOf" | "anyOf" | "oneOf", Value::Array(subs)) => {
                let len = at.len();
                for (i, sub) in subs.iter_mut().enumerate() {
                    push(at, &i.to_string());
                    lower(sub, at, moves)?;
                    at.truncate(len);
                }
            }
            _ => {}
        }
        at.truncate(len);
    }
    Ok(())
}

/// `discriminator: "name"`, `type: file`, `x-nullable`.
fn keywords(map: &mut Map<String, Value>, at: &str) -> Result<()> {
    if let Some(Value::String(name)) = map.get("discriminator") {
        // 2.0's discriminator value is the name of the subtype's definition: 3.0's default mapping.
        let name = name.clone();
        map.insert("discriminator".into(), json!({ "propertyName": name }));
    }
    if map.get("type").is_some_and(|t| t == "file") {
        file_type(map);
    }
    match map.remove("x-nullable") {
        None | Some(Value::Bool(false)) => {}
        Some(Value::Bool(true)) => {
            map.insert("nullable".into(), Value::Bool(true));
        }
        Some(_) => {
            return Err(GenError::new(
                key_at(at, "x-nullable"),
                "`x-nullable` must be true or false",
            ))
        }
    }
    Ok(())
}

/// `type: file` (a file in a response or a form): bytes.
pub fn file_type(map: &mut Map<String, Value>) {
    map.insert("type".into(), Value::String("string".into()));
    map.insert("format".into(), Value::String("binary".into()));
}
