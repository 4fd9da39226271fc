//! Responses: `schema` -> `content` with one entry per media type of `produces` (JSON when none is
//! given; bytes for `type: file`), `examples` per media type -> that entry's `example`, typed
//! `headers` -> headers with a `schema`.

use serde_json::{Map, Value};

use super::super::walk::push;
use super::super::Lowered;
use super::{key_at, params, unsupported, Doc};
use crate::error::{GenError, Result};

/// An operation's `responses` at `at` (the same pointer in both trees).
pub fn operation(
    value: Value,
    at: &str,
    produces: &[String],
    doc: &Doc,
    lowered: &mut Lowered,
) -> Result<Map<String, Value>> {
    let Value::Object(responses) = value else {
        return Err(GenError::new(at, "`responses` must be an object"));
    };
    let mut out = Map::new();
    for (status, response) in responses {
        let here = key_at(at, &status);
        if status.starts_with("x-") {
            out.insert(status, response);
            continue;
        }
        let response = response_object(response, &here, &here, produces, doc, lowered)?;
        out.insert(status, Value::Object(response));
    }
    Ok(out)
}

/// The document's `responses` -> `components.responses` (their media types: the document's
/// `produces`, as an operation that references one cannot lend it its own).
pub fn components(value: Value, doc: &Doc, lowered: &mut Lowered) -> Result<Map<String, Value>> {
    let Value::Object(responses) = value else {
        return Err(GenError::new("/responses", "must be an object"));
    };
    let mut out = Map::new();
    for (name, response) in responses {
        let mut at = String::from("/responses");
        push(&mut at, &name);
        let mut lowered_at = String::from("/components/responses");
        push(&mut lowered_at, &name);
        let response = response_object(response, &at, &lowered_at, &doc.produces, doc, lowered)?;
        out.insert(name, Value::Object(response));
    }
    Ok(out)
}

fn response_object(
    response: Value,
    at: &str,
    lowered_at: &str,
    produces: &[String],
    doc: &Doc,
    lowered: &mut Lowered,
) -> Result<Map<String, Value>> {
    let Value::Object(response) = response else {
        return Err(GenError::new(at, "a response must be an object"));
    };
    if response.contains_key("$ref") {
        return Ok(response);
    }
    let mut out = Map::new();
    let mut schema = None;
    let mut examples = Map::new();
    for (key, value) in response {
        let here = key_at(at, &key);
        match key.as_str() {
            "description" => {
                out.insert(key, value);
            }
            k if k.starts_with("x-") => {
                out.insert(key, value);
            }
            "schema" => schema = Some(value),
            "examples" => match value {
                Value::Object(map) => examples = map,
                _ => return Err(GenError::new(here, "`examples` must be an object")),
            },
            "headers" => {
                let headers = headers(value, &here, &key_at(lowered_at, "headers"), lowered)?;
                out.insert(key, Value::Object(headers));
            }
            _ => return Err(unsupported(&here, format!("member `{key}` of a response"))),
        }
    }
    // 3.0 requires a description; 2.0 does too, but documents omit it.
    out.entry("description")
        .or_insert_with(|| Value::String(String::new()));
    if let Some(schema) = schema {
        let file = schema.get("type").is_some_and(|t| t == "file");
        let media: Vec<String> = match (produces.is_empty(), file) {
            (false, _) => produces.to_vec(),
            (true, false) => vec!["application/json".to_owned()],
            (true, true) => vec!["application/octet-stream".to_owned()],
        };
        let mut content = Map::new();
        for media_type in media {
            let mut schema_at = key_at(lowered_at, "content");
            push(&mut schema_at, &media_type);
            push(&mut schema_at, "schema");
            lowered
                .moves
                .push((schema_at, key_at(lowered_at, "schema")));
            let mut entry = Map::new();
            entry.insert("schema".into(), doc.copy(&schema, &key_at(at, "schema"))?);
            if let Some(example) = examples.remove(&media_type) {
                let mut example_at = key_at(lowered_at, "content");
                push(&mut example_at, &media_type);
                push(&mut example_at, "example");
                let mut original = key_at(lowered_at, "examples");
                push(&mut original, &media_type);
                lowered.moves.push((example_at, original));
                entry.insert("example".into(), example);
            }
            content.insert(media_type, Value::Object(entry));
        }
        out.insert("content".into(), Value::Object(content));
    }
    // Examples of media types the response has no schema for: kept, documented nowhere else.
    if !examples.is_empty() {
        out.insert("x-examples".into(), Value::Object(examples));
    }
    Ok(out)
}

/// 2.0's typed response headers -> 3.0 headers whose `schema` holds the type keywords.
fn headers(
    value: Value,
    at: &str,
    lowered_at: &str,
    lowered: &mut Lowered,
) -> Result<Map<String, Value>> {
    let Value::Object(headers) = value else {
        return Err(GenError::new(at, "`headers` must be an object"));
    };
    let mut out = Map::new();
    for (name, header) in headers {
        let here = key_at(at, &name);
        let Value::Object(header) = header else {
            return Err(GenError::new(here, "a header must be an object"));
        };
        let header = params::header(header, &here)?;
        let header_at = key_at(lowered_at, &name);
        lowered
            .moves
            .push((key_at(&header_at, "schema"), header_at));
        out.insert(name, Value::Object(header));
    }
    Ok(out)
}
