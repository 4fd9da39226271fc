//! Stage 1, load: read the spec file (YAML or JSON) into both a raw JSON tree and a typed `openapiv3` model.
//!
//! The raw tree is kept because `openapiv3` silently drops keywords it does not model (`const`, 3.1-only
//! keywords, typos). `check_keywords` walks the raw tree so that every such keyword becomes an error with its
//! JSON pointer instead of vanishing from the generated code.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::{GenError, Ptr, Result};

pub mod limits;

/// A loaded spec: the typed model plus the raw tree it came from.
pub struct LoadedSpec {
    pub path: PathBuf,
    pub raw: Value,
    pub api: OpenAPI,
    /// What lowering to OpenAPI 3.0 did: the dialect, notes (FALLBACKS.md), moved pointers.
    pub lowered: crate::lower::Lowered,
}

/// Spec file names looked for when `--spec` names a directory, in order.
const ROOT_FILE_NAMES: &[&str] = &["openapi.yaml", "openapi.yml", "openapi.json"];

/// Resolves a `--spec` argument: a file, or a directory holding `openapi.yaml` (or `.yml`, `.json`).
pub fn spec_file(path: &Path) -> Result<PathBuf> {
    if path.is_dir() {
        ROOT_FILE_NAMES
            .iter()
            .map(|name| path.join(name))
            .find(|candidate| candidate.is_file())
            .ok_or_else(|| {
                GenError::new(
                    path.display().to_string(),
                    format!("no {} in this directory", ROOT_FILE_NAMES.join(" / ")),
                )
            })
    } else {
        Ok(path.to_path_buf())
    }
}

/// Reads and parses the spec at `path` (file or directory).
pub fn load(path: &Path) -> Result<LoadedSpec> {
    let file = spec_file(path)?;
    let text = limits::read_spec(&file)?;
    let is_json = file.extension().is_some_and(|ext| ext == "json");
    parse(&text, is_json).map(|(raw, api, lowered)| LoadedSpec {
        path: file,
        raw,
        api,
        lowered,
    })
}

/// Spec text (JSON or YAML) -> its raw tree, nothing checked yet (also used by `spec_tools`).
/// A document over [`limits::MAX_SPEC_BYTES`] or nested deeper than [`limits::MAX_FLOW_NESTING`]
/// is refused before it is parsed.
pub fn parse_raw(text: &str, is_json: bool) -> Result<Value> {
    limits::check_size(text.len())?;
    limits::check_nesting(text)?;
    if is_json {
        serde_json::from_str(text).map_err(|e| GenError::new("", format!("invalid JSON: {e}")))
    } else {
        crate::yaml::from_str(text).map_err(|e| GenError::new("", format!("invalid YAML: {e}")))
    }
}

/// Parses spec text; errors carry the JSON pointer where the typed model rejected the document.
pub fn parse(text: &str, is_json: bool) -> Result<(Value, OpenAPI, crate::lower::Lowered)> {
    let mut raw = parse_raw(text, is_json)?;
    // Any dialect -> the OpenAPI 3.0 tree the typed model reads (see lower/).
    let lowered = crate::lower::lower(&mut raw, check_keywords)?;
    let api: OpenAPI = serde_path_to_error::deserialize(&raw).map_err(|e| {
        let pointer = e
            .path()
            .iter()
            .fold(Ptr::root(), |p, seg| p.push(segment_text(seg)));
        lowered.locate(GenError::new(
            pointer.as_str(),
            format!("not a valid OpenAPI 3.0 document here: {}", e.inner()),
        ))
    })?;
    Ok((raw, api, lowered))
}

fn segment_text(seg: &serde_path_to_error::Segment) -> String {
    use serde_path_to_error::Segment;
    match seg {
        Segment::Seq { index } => index.to_string(),
        Segment::Map { key } => key.clone(),
        Segment::Enum { variant } => variant.clone(),
        Segment::Unknown => "?".to_string(),
    }
}

/// Keywords of the OpenAPI 3.0 Schema Object. Anything else (besides `x-` extensions) is rejected.
pub(crate) const SCHEMA_KEYWORDS: &[&str] = &[
    "$ref",
    "title",
    "multipleOf",
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
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// One step of the path to the node being checked; the pointer string is only built for an error
/// (the walk visits every node of the document).
enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

fn pointer(path: &[Seg<'_>]) -> Ptr {
    path.iter().fold(Ptr::root(), |p, seg| match seg {
        Seg::Key(key) => p.push(key),
        Seg::Index(i) => p.push(i.to_string()),
    })
}

/// Walks every schema in the raw document and rejects keywords `openapiv3` would silently drop.
fn check_keywords(raw: &Value) -> Result<()> {
    let mut path = Vec::new();
    if let Some(schemas) = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        path.extend([Seg::Key("components"), Seg::Key("schemas")]);
        for (name, schema) in schemas {
            path.push(Seg::Key(name));
            check_schema(schema, &mut path)?;
            path.pop();
        }
        path.clear();
    }
    walk_for_schemas(raw, &mut path)
}

/// Finds `schema` members outside components (parameters, media types, headers) and checks them.
fn walk_for_schemas<'v>(node: &'v Value, path: &mut Vec<Seg<'v>>) -> Result<()> {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let is_components_schemas =
                    key == "schemas" && matches!(path.as_slice(), [Seg::Key("components")]);
                // Example values are data, not spec: a member named `schema` in one is not a schema.
                let skip = is_components_schemas
                    || key.starts_with("x-")
                    || key == "example"
                    || key == "examples";
                path.push(Seg::Key(key));
                if key == "schema" && value.is_object() {
                    check_schema(value, path)?;
                } else if !skip {
                    walk_for_schemas(value, path)?;
                }
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                walk_for_schemas(value, path)?;
                path.pop();
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_schema<'v>(schema: &'v Value, path: &mut Vec<Seg<'v>>) -> Result<()> {
    let Some(map) = schema.as_object() else {
        return match schema {
            Value::Bool(_) => Err(GenError::unsupported(
                &pointer(path),
                "boolean schema (OpenAPI 3.1 only)",
            )),
            _ => Err(GenError::new(
                pointer(path).as_str(),
                "a schema must be an object",
            )),
        };
    };
    for (key, value) in map {
        if key.starts_with("x-") || key == "example" || key == "default" || key == "enum" {
            continue;
        }
        path.push(Seg::Key(key));
        if !SCHEMA_KEYWORDS.contains(&key.as_str()) {
            return Err(GenError::unsupported(
                &pointer(path),
                format!("schema keyword `{key}` (not part of OpenAPI 3.0)"),
            ));
        }
        match key.as_str() {
            "properties" => {
                for (name, sub) in value.as_object().into_iter().flatten() {
                    path.push(Seg::Key(name));
                    check_schema(sub, path)?;
                    path.pop();
                }
            }
            "items" | "not" => check_schema(value, path)?,
            "additionalProperties" if value.is_object() => check_schema(value, path)?,
            "allOf" | "oneOf" | "anyOf" => {
                for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                    path.push(Seg::Index(i));
                    check_schema(sub, path)?;
                    path.pop();
                }
            }
            _ => {}
        }
        path.pop();
    }
    Ok(())
}
