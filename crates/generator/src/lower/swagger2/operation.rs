//! Path items and operations: the parameter lists (path-level ones inherited, overridden by name
//! and location), the body or form parameters -> `requestBody`, `consumes`/`produces` -> media
//! types, an operation's `schemes` (only the document's own).

use serde_json::{Map, Value};

use super::super::walk::push;
use super::super::Lowered;
use super::{key_at, media_types, params, responses, scheme_list, unsupported, Doc, METHODS};
use crate::error::{GenError, Result};

/// One parameter of a list, as written or (a body or form parameter) inlined from `#/parameters`.
pub(super) struct Param {
    pub value: Map<String, Value>,
    /// Its pointer in the original document.
    pub original: String,
    /// (`name`, `in`), what an operation's parameter overrides a path item's by.
    pub key: (String, String),
}

impl Param {
    fn location(&self) -> &str {
        &self.key.1
    }
    fn is_body(&self) -> bool {
        matches!(self.location(), "body" | "formData")
    }
}

pub fn paths(
    paths: Map<String, Value>,
    doc: &Doc,
    lowered: &mut Lowered,
) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for (path, item) in paths {
        let mut at = String::from("/paths");
        push(&mut at, &path);
        if path.starts_with("x-") {
            out.insert(path, item);
            continue;
        }
        let Value::Object(item) = item else {
            return Err(GenError::new(at, "a path item must be an object"));
        };
        out.insert(path, Value::Object(path_item(item, &at, doc, lowered)?));
    }
    Ok(out)
}

fn path_item(
    mut item: Map<String, Value>,
    at: &str,
    doc: &Doc,
    lowered: &mut Lowered,
) -> Result<Map<String, Value>> {
    let shared = match item.remove("parameters") {
        Some(list) => param_list(list, &key_at(at, "parameters"), doc)?,
        None => Vec::new(),
    };
    let mut out = Map::new();
    for (key, value) in item {
        let here = key_at(at, &key);
        if METHODS.contains(&key.as_str()) {
            let Value::Object(op) = value else {
                return Err(GenError::new(here, "an operation must be an object"));
            };
            let op = operation(op, &here, &shared, doc, lowered)?;
            out.insert(key, Value::Object(op));
        } else if key.starts_with("x-") {
            out.insert(key, value);
        } else {
            return Err(unsupported(&here, format!("member `{key}` of a path item")));
        }
    }
    let kept: Vec<Param> = shared.into_iter().filter(|p| !p.is_body()).collect();
    if !kept.is_empty() {
        let list = lower_list(kept, &key_at(at, "parameters"), lowered)?;
        out.insert("parameters".into(), Value::Array(list));
    }
    Ok(out)
}

/// A `parameters` array: each entry as written, or the body/form parameter its `$ref` names.
fn param_list(list: Value, at: &str, doc: &Doc) -> Result<Vec<Param>> {
    let Value::Array(list) = list else {
        return Err(GenError::new(at, "`parameters` must be an array"));
    };
    let mut out = Vec::new();
    for (i, param) in list.into_iter().enumerate() {
        let here = key_at(at, &i.to_string());
        let Value::Object(param) = param else {
            return Err(GenError::new(here, "a parameter must be an object"));
        };
        let target = param
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/parameters/"))
            .map(|name| name.replace("~1", "/").replace("~0", "~"));
        let referenced = target.as_ref().and_then(|name| {
            let found = doc.parameters.get(name).and_then(Value::as_object)?;
            let mut original = String::from("/parameters");
            push(&mut original, name);
            Some((found, original))
        });
        let text = |map: &Map<String, Value>, key: &str| {
            map.get(key)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned()
        };
        let param = match referenced {
            Some((found, original)) => {
                let key = (text(found, "name"), text(found, "in"));
                if matches!(key.1.as_str(), "body" | "formData") {
                    // A copy per operation that uses it: counted (`Doc::copy`).
                    let value = match doc.copy(&Value::Object(found.clone()), &here)? {
                        Value::Object(map) => map,
                        _ => Map::new(),
                    };
                    Param {
                        value,
                        original,
                        key,
                    }
                } else {
                    Param {
                        value: param,
                        original: here,
                        key,
                    }
                }
            }
            None => {
                let key = (text(&param, "name"), text(&param, "in"));
                Param {
                    value: param,
                    original: here,
                    key,
                }
            }
        };
        out.push(param);
    }
    Ok(out)
}

fn operation(
    op: Map<String, Value>,
    at: &str,
    shared: &[Param],
    doc: &Doc,
    lowered: &mut Lowered,
) -> Result<Map<String, Value>> {
    let own_consumes = media_types(op.get("consumes"), &key_at(at, "consumes"))?;
    let own_produces = media_types(op.get("produces"), &key_at(at, "produces"))?;
    let consumes = own_consumes.as_deref().unwrap_or(&doc.consumes);
    let produces = own_produces.as_deref().unwrap_or(&doc.produces);
    let mut out = Map::new();
    let mut own = Vec::new();
    let mut responses = None;
    for (key, value) in op {
        let here = key_at(at, &key);
        match key.as_str() {
            "consumes" | "produces" => {}
            "tags" | "summary" | "description" | "externalDocs" | "operationId" | "deprecated"
            | "security" => {
                out.insert(key, value);
            }
            k if k.starts_with("x-") => {
                out.insert(key, value);
            }
            "parameters" => own = param_list(value, &here, doc)?,
            "responses" => responses = Some(value),
            // The client sends every request to the first server: an operation may list other
            // schemes as long as the one it prefers (https first) is the document's.
            "schemes" => {
                let preferred = |list: Vec<String>| list.into_iter().next();
                let document = preferred(scheme_list(doc.schemes.as_ref(), "/schemes")?)
                    .unwrap_or_else(|| "https".to_owned());
                let own = preferred(scheme_list(Some(&value), &here)?);
                if own.is_some_and(|own| own != document) {
                    return Err(unsupported(
                        &here,
                        format!("an operation's own `schemes` without {document} (the client sends every request to one base URL)"),
                    ));
                }
            }
            _ => {
                return Err(unsupported(
                    &here,
                    format!("member `{key}` of an operation"),
                ))
            }
        }
    }
    // The path item's parameters apply unless the operation redefines them (by name and location;
    // an operation's body replaces the path item's).
    let own_body = own.iter().any(|p| p.location() == "body");
    let inherited: Vec<&Param> = shared
        .iter()
        .filter(|s| {
            s.is_body()
                && !(own_body && s.location() == "body")
                && !own.iter().any(|p| p.key == s.key)
        })
        .collect();
    let bodies: Vec<&Param> = inherited
        .into_iter()
        .chain(own.iter().filter(|p| p.is_body()))
        .collect();
    let body_at = key_at(at, "requestBody");
    if let Some(body) = request_body(&bodies, consumes, &body_at, doc, lowered)? {
        out.insert("requestBody".into(), body);
    }
    let kept: Vec<Param> = own.into_iter().filter(|p| !p.is_body()).collect();
    if !kept.is_empty() {
        let list = lower_list(kept, &key_at(at, "parameters"), lowered)?;
        out.insert("parameters".into(), Value::Array(list));
    }
    let responses = match responses {
        Some(value) => {
            responses::operation(value, &key_at(at, "responses"), produces, doc, lowered)?
        }
        None => return Err(GenError::new(at, "an operation needs `responses`")),
    };
    out.insert("responses".into(), Value::Object(responses));
    Ok(out)
}

/// The non-body parameters of one list, lowered; an entry that moved up (a body parameter before
/// it left) records its move, then each parameter's `schema` wrapper its own.
fn lower_list(kept: Vec<Param>, at: &str, lowered: &mut Lowered) -> Result<Vec<Value>> {
    let mut wrappers = Vec::new();
    let mut list = Vec::new();
    for (i, param) in kept.into_iter().enumerate() {
        let here = key_at(at, &i.to_string());
        if here != param.original {
            lowered.moves.push((here.clone(), param.original.clone()));
        }
        if param.value.contains_key("$ref") {
            list.push(Value::Object(param.value));
            continue;
        }
        let value = params::parameter(param.value, &param.original)?;
        wrappers.push((key_at(&here, "schema"), here));
        list.push(Value::Object(value));
    }
    lowered.moves.extend(wrappers);
    Ok(list)
}

/// The body parameter, or the form parameters, -> `requestBody` (at `at` in the lowered tree).
fn request_body(
    bodies: &[&Param],
    consumes: &[String],
    at: &str,
    doc: &Doc,
    lowered: &mut Lowered,
) -> Result<Option<Value>> {
    let (body, form): (Vec<&Param>, Vec<&Param>) =
        bodies.iter().partition(|p| p.location() == "body");
    match (body.as_slice(), form.is_empty()) {
        ([], true) => Ok(None),
        ([one], true) => body_param(one, consumes, at, doc, lowered).map(Some),
        ([], false) => super::form::body(&form, consumes, at, lowered).map(Some),
        ([_, second, ..], _) => Err(GenError::new(
            second.original.as_str(),
            "a second body parameter (an operation has at most one)",
        )),
        ([one], false) => Err(GenError::new(
            one.original.as_str(),
            "a body parameter beside formData parameters (an operation sends one or the other)",
        )),
    }
}

/// `in: body` -> `requestBody` with the schema under each media type of `consumes`.
fn body_param(
    param: &Param,
    consumes: &[String],
    at: &str,
    doc: &Doc,
    lowered: &mut Lowered,
) -> Result<Value> {
    let mut out = Map::new();
    let mut schema = None;
    for (key, value) in &param.value {
        match key.as_str() {
            "in" => {}
            "name" => {
                out.insert("x-codegen-request-body-name".into(), value.clone());
            }
            "description" | "required" => {
                out.insert(key.clone(), value.clone());
            }
            k if k.starts_with("x-") => {
                out.insert(key.clone(), value.clone());
            }
            "schema" => schema = Some(value.clone()),
            _ => {
                return Err(unsupported(
                    &key_at(&param.original, key),
                    format!("member `{key}` of a body parameter"),
                ))
            }
        }
    }
    let schema = schema
        .ok_or_else(|| GenError::new(param.original.as_str(), "a body parameter needs `schema`"))?;
    let media: Vec<String> = if consumes.is_empty() {
        vec!["application/json".to_owned()]
    } else {
        consumes.to_vec()
    };
    let mut content = Map::new();
    for media_type in media {
        let mut schema_at = key_at(at, "content");
        push(&mut schema_at, &media_type);
        push(&mut schema_at, "schema");
        lowered
            .moves
            .push((schema_at, key_at(&param.original, "schema")));
        let mut entry = Map::new();
        let schema_at = key_at(&param.original, "schema");
        entry.insert("schema".into(), doc.copy(&schema, &schema_at)?);
        content.insert(media_type, Value::Object(entry));
    }
    out.insert("content".into(), Value::Object(content));
    Ok(Value::Object(out))
}
