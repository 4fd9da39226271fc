//! `in: formData` parameters -> one `requestBody` whose object schema has a property per
//! parameter: `multipart/form-data` when a parameter is a file or `consumes` says multipart first,
//! `application/x-www-form-urlencoded` otherwise.

use serde_json::{Map, Value};

use super::super::walk::push;
use super::super::Lowered;
use super::operation::Param;
use super::params::value_schema;
use super::{key_at, unsupported};
use crate::error::{GenError, Result};

const URLENCODED: &str = "application/x-www-form-urlencoded";
const MULTIPART: &str = "multipart/form-data";

pub fn body(
    params: &[&Param],
    consumes: &[String],
    at: &str,
    lowered: &mut Lowered,
) -> Result<Value> {
    let file = params
        .iter()
        .any(|p| p.value.get("type").is_some_and(|t| t == "file"));
    let listed = consumes
        .iter()
        .find(|m| {
            let essence = m.split(';').next().unwrap_or_default().trim();
            essence.eq_ignore_ascii_case(URLENCODED) || essence.eq_ignore_ascii_case(MULTIPART)
        })
        .map(|m| {
            m.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        });
    let media = match (file, listed) {
        (true, _) => MULTIPART.to_owned(),
        (false, Some(listed)) => listed,
        (false, None) => URLENCODED.to_owned(),
    };
    let mut schema_at = key_at(at, "content");
    push(&mut schema_at, &media);
    push(&mut schema_at, "schema");
    let mut properties = Map::new();
    let mut required = Vec::new();
    for param in params {
        let name = param
            .value
            .get("name")
            .and_then(Value::as_str)
            .ok_or_else(|| GenError::new(key_at(&param.original, "name"), "needs a `name`"))?;
        let property = field(param, &media)?;
        if param.value.get("required") == Some(&Value::Bool(true)) {
            required.push(Value::String(name.to_owned()));
        }
        let mut property_at = key_at(&schema_at, "properties");
        push(&mut property_at, name);
        lowered.moves.push((property_at, param.original.clone()));
        properties.insert(name.to_owned(), Value::Object(property));
    }
    let mut schema = Map::new();
    schema.insert("type".into(), Value::String("object".into()));
    schema.insert("properties".into(), Value::Object(properties));
    let any_required = !required.is_empty();
    if any_required {
        schema.insert("required".into(), Value::Array(required));
    }
    let mut entry = Map::new();
    entry.insert("schema".into(), Value::Object(schema));
    let mut content = Map::new();
    content.insert(media, Value::Object(entry));
    let mut out = Map::new();
    out.insert("required".into(), Value::Bool(any_required));
    out.insert("content".into(), Value::Object(content));
    Ok(Value::Object(out))
}

/// One form parameter -> the schema of its property.
fn field(param: &Param, media: &str) -> Result<Map<String, Value>> {
    let at = param.original.as_str();
    let mut value = param.value.clone();
    let mut schema = value_schema(&mut value, at, true)?;
    let array = schema.get("type").is_some_and(|t| t == "array");
    for (key, value) in value {
        match key.as_str() {
            "name" | "in" | "required" => {}
            "description" | "deprecated" | "example" => {
                schema.insert(key, value);
            }
            k if k.starts_with("x-") => {
                schema.insert(key, value);
            }
            // Whether an empty value may be sent: the client sends what it is given.
            "allowEmptyValue" => {}
            "collectionFormat" if value == "multi" || !array => {}
            "collectionFormat" => {
                return Err(unsupported(
                    &key_at(at, &key),
                    format!(
                    "collectionFormat {value} in a {media} body (only `multi`: one field per item)"
                ),
                ))
            }
            _ => {
                return Err(unsupported(
                    &key_at(at, &key),
                    format!("member `{key}` of a formData parameter"),
                ))
            }
        }
    }
    if array && param.value.get("collectionFormat").is_none() {
        // 2.0's default is csv (one field, `a,b`); the form encodings write one field per item.
        return Err(unsupported(
            &key_at(at, "type"),
            format!("an array in a {media} body without `collectionFormat: multi` (csv by default: one field `a,b`)"),
        ));
    }
    Ok(schema)
}
