//! Swagger 2.0 -> the OpenAPI 3.0 tree, built member by member from the original (see the table in
//! ARCHITECTURE.md). Every 2.0 member is mapped or rejected with its ORIGINAL pointer; a member
//! that moves (a body parameter's schema into `requestBody`, a response's schema into `content`,
//! a parameter's type keywords into its `schema`) records the move in [`Lowered::moves`], so errors
//! of later stages name the 2.0 document's pointers.
//!
//! Order matters for the moves (they are undone last-recorded first): the section moves
//! (`/definitions` -> `/components/schemas`) first, then per path item the request bodies, then
//! re-indexed parameter lists, then the `schema` wrappers of parameters, and last the moves inside
//! schemas (`schema.rs`), which are all expressed in the lowered tree's pointers.

mod form;
mod operation;
mod params;
mod responses;
mod schema;
mod security;
#[cfg(test)]
mod tests;

use std::cell::Cell;
use std::collections::HashSet;

use serde_json::{Map, Value};

use super::walk::{self, push};
use super::Lowered;
use crate::error::{GenError, Result};

/// The operations of a path item (2.0 has no `trace`).
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch"];

/// What an operation inherits from the document.
pub(super) struct Doc {
    pub consumes: Vec<String>,
    pub produces: Vec<String>,
    /// The document's `parameters` as written (body and formData ones are inlined where used).
    pub parameters: Map<String, Value>,
    /// The document's `schemes`, to compare an operation's own with.
    pub schemes: Option<Value>,
    /// Names of the document's parameters some `$ref` names.
    pub referenced: HashSet<String>,
    /// JSON nodes copied so far (see [`Doc::copy`]).
    pub copied: Cell<usize>,
}

/// At most this many JSON nodes are copied in all (a schema under each of N media types, a shared
/// body parameter into each operation using it), so a document listing very many media types beside
/// a large inline schema cannot make the lowered tree grow without bound.
const MAX_COPIED_NODES: usize = 2_000_000;

impl Doc {
    /// A copy of `value` (at `at`), counted against [`MAX_COPIED_NODES`].
    pub fn copy(&self, value: &Value, at: &str) -> Result<Value> {
        let left = MAX_COPIED_NODES.saturating_sub(self.copied.get());
        let count = nodes(value, left.saturating_add(1));
        if count > left {
            return Err(GenError::new(
                at,
                format!("copying this node once per media type or use exceeds {MAX_COPIED_NODES} copied JSON nodes"),
            ));
        }
        self.copied.set(self.copied.get() + count);
        Ok(value.clone())
    }
}

/// The number of JSON nodes in `value`, counting stopped at `limit`.
fn nodes(value: &Value, limit: usize) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        count += 1;
        if count >= limit {
            return count;
        }
        match node {
            Value::Object(map) => stack.extend(map.values()),
            Value::Array(items) => stack.extend(items.iter()),
            _ => {}
        }
    }
    count
}

pub(super) fn unsupported(at: &str, what: impl std::fmt::Display) -> GenError {
    GenError::new(at, format!("unsupported construct: {what}"))
}

pub(super) fn key_at(at: &str, key: &str) -> String {
    let mut out = at.to_owned();
    push(&mut out, key);
    out
}

/// A list of media types (`consumes`, `produces`) at `at`.
pub(super) fn media_types(value: Option<&Value>, at: &str) -> Result<Option<Vec<String>>> {
    let Some(value) = value else {
        return Ok(None);
    };
    let items = value
        .as_array()
        .ok_or_else(|| GenError::new(at, "must be an array of media types"))?;
    items
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| GenError::new(key_at(at, &i.to_string()), "must be a media type"))
        })
        .collect::<Result<Vec<_>>>()
        .map(Some)
}

/// Lowers the whole 2.0 document `raw` in place.
pub fn document(raw: &mut Value, lowered: &mut Lowered) -> Result<()> {
    let Value::Object(root) = std::mem::take(raw) else {
        return Err(GenError::new("", "the document must be an object"));
    };
    let mut out = Map::new();
    out.insert("openapi".into(), Value::String("3.0.3".into()));
    let mut components = Map::new();
    let mut paths = None;
    let doc = Doc {
        consumes: media_types(root.get("consumes"), "/consumes")?.unwrap_or_default(),
        produces: media_types(root.get("produces"), "/produces")?.unwrap_or_default(),
        parameters: match root.get("parameters") {
            Some(Value::Object(map)) => map.clone(),
            Some(_) => return Err(GenError::new("/parameters", "must be an object")),
            None => Map::new(),
        },
        schemes: root.get("schemes").cloned(),
        referenced: referenced_parameters(root.get("paths")),
        copied: Cell::new(0),
    };
    for (section, original) in [
        ("schemas", "definitions"),
        ("parameters", "parameters"),
        ("responses", "responses"),
        ("securitySchemes", "securityDefinitions"),
    ] {
        lowered
            .moves
            .push((format!("/components/{section}"), format!("/{original}")));
    }
    let servers = servers(&root)?;
    for (key, value) in root {
        let at = key_at("", &key);
        match key.as_str() {
            "swagger" | "consumes" | "produces" | "host" | "basePath" | "schemes" => {}
            "info" | "tags" | "externalDocs" | "security" => {
                out.insert(key, value);
            }
            _ if key.starts_with("x-") => {
                out.insert(key, value);
            }
            "paths" => paths = Some(value),
            "definitions" => {
                components.insert("schemas".into(), value);
            }
            "parameters" => {
                let parameters = params::components(value, &doc, lowered)?;
                components.insert("parameters".into(), Value::Object(parameters));
            }
            "responses" => {
                let responses = responses::components(value, &doc, lowered)?;
                components.insert("responses".into(), Value::Object(responses));
            }
            "securityDefinitions" => {
                let schemes = security::schemes(value, lowered)?;
                components.insert("securitySchemes".into(), Value::Object(schemes));
            }
            _ => {
                return Err(unsupported(
                    &at,
                    format!("member `{key}` (not part of Swagger 2.0)"),
                ))
            }
        }
    }
    if !servers.is_empty() {
        out.insert("servers".into(), Value::Array(servers));
    }
    let paths = match paths {
        Some(Value::Object(paths)) => operation::paths(paths, &doc, lowered)?,
        Some(_) => return Err(GenError::new("/paths", "must be an object")),
        None => Map::new(),
    };
    out.insert("paths".into(), Value::Object(paths));
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    *raw = Value::Object(out);
    rewrite_refs(raw, false);
    let mut moves = Vec::new();
    let result = walk::each_schema(raw, &mut |schema, at, _| {
        schema::lower(schema, at, &mut moves)
    });
    lowered.moves.extend(moves);
    result.map_err(|e| lowered.locate(e))
}

/// The names `#/parameters/<name>` references of the path items and operations name.
fn referenced_parameters(paths: Option<&Value>) -> HashSet<String> {
    let items = paths.and_then(Value::as_object).into_iter().flatten();
    let lists = items.flat_map(|(_, item)| {
        item.as_object()
            .into_iter()
            .flatten()
            .filter_map(|(key, member)| match key.as_str() {
                "parameters" => Some(member),
                _ => member.get("parameters"),
            })
    });
    lists
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(|p| p.get("$ref").and_then(Value::as_str))
        .filter_map(|r| r.strip_prefix("#/parameters/"))
        .map(|name| name.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// `host` + `basePath` + `schemes` -> one server per scheme (`https` first); without `host`, a
/// server relative to the document's origin (`basePath`).
fn servers(root: &Map<String, Value>) -> Result<Vec<Value>> {
    let text = |key: &str| -> Result<Option<String>> {
        match root.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(GenError::new(
                key_at("", key),
                format!("`{key}` must be a string"),
            )),
        }
    };
    let host = text("host")?;
    let base = text("basePath")?.unwrap_or_default();
    if host.as_deref().is_some_and(|h| h.contains(['/', '{', '}'])) {
        return Err(GenError::new(
            "/host",
            "`host` must be a host name and optional port (no scheme, path or template)",
        ));
    }
    if !base.is_empty() && !base.starts_with('/') {
        return Err(GenError::new("/basePath", "`basePath` must start with `/`"));
    }
    let schemes = scheme_list(root.get("schemes"), "/schemes")?;
    let Some(host) = host else {
        if base.is_empty() {
            return Ok(Vec::new());
        }
        return Ok(vec![server(base)]);
    };
    // No `schemes`: the scheme the document was served with, which the client cannot know;
    // https is the one a public API serves.
    let schemes = if schemes.is_empty() {
        vec!["https".to_owned()]
    } else {
        schemes
    };
    Ok(schemes
        .iter()
        .map(|scheme| server(format!("{scheme}://{host}{base}")))
        .collect())
}

fn server(url: String) -> Value {
    let mut map = Map::new();
    map.insert("url".into(), Value::String(url));
    Value::Object(map)
}

/// `schemes`: `https` before `http`; `ws`/`wss` (WebSocket) are not requests the client sends.
pub(super) fn scheme_list(value: Option<&Value>, at: &str) -> Result<Vec<String>> {
    let Some(list) = media_types(value, at)? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for (i, scheme) in list.iter().enumerate() {
        match scheme.as_str() {
            "https" | "http" => {
                if !out.contains(scheme) {
                    out.push(scheme.clone());
                }
            }
            _ => {
                return Err(unsupported(
                    &key_at(at, &i.to_string()),
                    format!("scheme `{scheme}` (only http and https)"),
                ))
            }
        }
    }
    out.sort_by_key(|s| s != "https");
    Ok(out)
}

/// `#/definitions/X` -> `#/components/schemas/X`, `#/parameters/X` and `#/responses/X` ->
/// their components (body parameters were inlined before); data members are skipped.
fn rewrite_refs(node: &mut Value, names: bool) {
    match node {
        Value::Object(map) => {
            if let (false, Some(Value::String(reference))) = (names, map.get_mut("$ref")) {
                if let Some(new) = retarget(reference) {
                    *reference = new;
                }
            }
            for (key, value) in map.iter_mut() {
                if !walk::is_data(key, names) {
                    rewrite_refs(value, walk::holds_names(key, names));
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_refs(v, false)),
        _ => {}
    }
}

fn retarget(reference: &str) -> Option<String> {
    const SECTIONS: &[(&str, &str)] = &[
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
        ("#/securityDefinitions/", "#/components/securitySchemes/"),
    ];
    SECTIONS.iter().find_map(|(old, new)| {
        reference
            .strip_prefix(old)
            .map(|rest| format!("{new}{rest}"))
    })
}
