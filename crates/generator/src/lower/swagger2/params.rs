//! Swagger 2.0 parameters that are not bodies (`query`, `path`, `header`), response headers and
//! `items`: their type keywords become a 3.0 `schema`; `collectionFormat` becomes `style` +
//! `explode`. Body and form parameters become request bodies (`operation.rs`).

use serde_json::{Map, Value};

use super::super::walk::push;
use super::super::Lowered;
use super::schema::file_type;
use super::{key_at, unsupported, Doc};
use crate::error::{GenError, Result};

/// The keywords of a 2.0 parameter, header or Items Object that describe its value.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
];

/// Takes the value keywords out of `map` (a parameter, header or Items Object at `at`) as a
/// schema. `type: file` is bytes where `file` is allowed (a form field).
pub fn value_schema(
    map: &mut Map<String, Value>,
    at: &str,
    file: bool,
) -> Result<Map<String, Value>> {
    let mut schema = Map::new();
    for key in VALUE_KEYWORDS {
        if let Some(value) = map.remove(*key) {
            schema.insert((*key).to_owned(), value);
        }
    }
    let kind = schema
        .get("type")
        .and_then(Value::as_str)
        .map(str::to_owned);
    match kind.as_deref() {
        Some("string" | "number" | "integer" | "boolean") => {}
        Some("array") => {
            let items_at = key_at(at, "items");
            let Some(items) = schema.get_mut("items") else {
                return Err(GenError::new(items_at, "an array needs `items`"));
            };
            let Value::Object(items) = items else {
                return Err(GenError::new(items_at, "`items` must be an object"));
            };
            let lowered = items_schema(std::mem::take(items), &items_at)?;
            *items = lowered;
        }
        Some("file") if file => file_type(&mut schema),
        Some("file") => {
            return Err(unsupported(
                &key_at(at, "type"),
                "`type: file` outside a formData parameter",
            ))
        }
        Some(other) => {
            return Err(unsupported(
                &key_at(at, "type"),
                format!("type `{other}` here (string, number, integer, boolean or array)"),
            ))
        }
        None => return Err(GenError::new(at, "needs a `type`")),
    }
    Ok(schema)
}

/// An Items Object -> a schema. Its `collectionFormat` only formats an inner array (an array of
/// arrays, which no 3.0 style writes); on anything else it has no effect.
fn items_schema(mut items: Map<String, Value>, at: &str) -> Result<Map<String, Value>> {
    let mut schema = value_schema(&mut items, at, false)?;
    for (key, value) in items {
        match key.as_str() {
            "collectionFormat" if schema.get("type").is_some_and(|t| t == "array") => {
                return Err(unsupported(
                    &key_at(at, &key),
                    "`collectionFormat` of an inner array (an array of arrays)",
                ))
            }
            "collectionFormat" => {}
            k if k.starts_with("x-") => {
                schema.insert(key, value);
            }
            _ => {
                return Err(unsupported(
                    &key_at(at, &key),
                    format!("member `{key}` of an Items Object"),
                ))
            }
        }
    }
    Ok(schema)
}

/// `collectionFormat` of an array in `location` -> (`style`, `explode`) (`None`: 3.0's default).
fn style(location: &str, format: Option<&str>, at: &str) -> Result<Option<(&'static str, bool)>> {
    let reject = |why: &str| {
        Err(unsupported(
            &key_at(at, "collectionFormat"),
            format!(
                "collectionFormat `{}` in {location} ({why})",
                format.unwrap_or("csv")
            ),
        ))
    };
    match (location, format.unwrap_or("csv")) {
        ("query", "csv") => Ok(Some(("form", false))),
        ("query", "ssv") => Ok(Some(("spaceDelimited", false))),
        ("query", "pipes") => Ok(Some(("pipeDelimited", false))),
        ("query", "multi") => Ok(Some(("form", true))),
        ("query", "tsv") => reject("tab-separated values: no OpenAPI 3 style writes them"),
        ("path" | "header", "csv") => Ok(None),
        ("path" | "header", _) => reject("only csv, the `simple` style"),
        _ => reject("unknown collectionFormat"),
    }
}

/// A `query`, `path` or `header` parameter at `at` -> the 3.0 Parameter Object. The caller records
/// the move of its `schema` (built from the parameter's own keywords).
pub fn parameter(mut param: Map<String, Value>, at: &str) -> Result<Map<String, Value>> {
    let location = param
        .get("in")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if !matches!(location.as_str(), "query" | "path" | "header") {
        return Err(unsupported(
            &key_at(at, "in"),
            format!("parameter location {location:?} here"),
        ));
    }
    let schema = value_schema(&mut param, at, false)?;
    let array = schema.get("type").is_some_and(|t| t == "array");
    let mut out = Map::new();
    let mut format = None;
    for (key, value) in param {
        match key.as_str() {
            "name" | "in" | "description" | "required" => {
                out.insert(key, value);
            }
            // 3.0 members some 2.0 documents carry already: one meaning.
            "deprecated" | "example" => {
                out.insert(key, value);
            }
            k if k.starts_with("x-") => {
                out.insert(key, value);
            }
            "allowEmptyValue" if location == "query" => {
                out.insert(key, value);
            }
            "collectionFormat" => format = Some(value),
            _ => {
                return Err(unsupported(
                    &key_at(at, &key),
                    format!("member `{key}` of a {location} parameter"),
                ))
            }
        }
    }
    if let Some(format) = &format {
        if !format.is_string() {
            return Err(GenError::new(
                key_at(at, "collectionFormat"),
                "must be a string",
            ));
        }
    }
    // On a scalar, `collectionFormat` formats nothing.
    if array {
        if let Some((style, explode)) =
            style(&location, format.as_ref().and_then(Value::as_str), at)?
        {
            out.insert("style".into(), Value::String(style.into()));
            out.insert("explode".into(), Value::Bool(explode));
        }
    }
    out.insert("schema".into(), Value::Object(schema));
    Ok(out)
}

/// A response header (2.0: a typed value like a parameter's) -> the 3.0 Header Object.
pub fn header(mut header: Map<String, Value>, at: &str) -> Result<Map<String, Value>> {
    let schema = value_schema(&mut header, at, false)?;
    let mut out = Map::new();
    for (key, value) in header {
        match key.as_str() {
            "description" => {
                out.insert(key, value);
            }
            k if k.starts_with("x-") => {
                out.insert(key, value);
            }
            "collectionFormat" if value == "csv" => {}
            _ => {
                return Err(unsupported(
                    &key_at(at, &key),
                    format!("member `{key}` {value} of a response header"),
                ))
            }
        }
    }
    out.insert("schema".into(), Value::Object(schema));
    Ok(out)
}

/// The document's `parameters` -> `components.parameters` (body and formData ones are inlined into
/// each operation that references them: 3.0 has no reusable body parameter).
pub fn components(value: Value, doc: &Doc, lowered: &mut Lowered) -> Result<Map<String, Value>> {
    let Value::Object(params) = value else {
        return Err(GenError::new("/parameters", "must be an object"));
    };
    let mut out = Map::new();
    for (name, param) in params {
        let mut at = String::from("/parameters");
        push(&mut at, &name);
        let Value::Object(param) = param else {
            return Err(GenError::new(at, "a parameter must be an object"));
        };
        if matches!(
            param.get("in").and_then(Value::as_str),
            Some("body" | "formData")
        ) {
            if !doc.referenced.contains(&name) {
                lowered.note(
                    &at,
                    "a body or formData parameter no operation references",
                    "nothing generated: it is not sent",
                );
            }
            continue;
        }
        let param = parameter(param, &at)?;
        let mut lowered_at = String::from("/components/parameters");
        push(&mut lowered_at, &name);
        lowered
            .moves
            .push((format!("{lowered_at}/schema"), lowered_at.clone()));
        out.insert(name, Value::Object(param));
    }
    Ok(out)
}
