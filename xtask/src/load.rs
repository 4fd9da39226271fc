//! Stage 1, load: read the spec file (YAML or JSON) into both a raw JSON tree and a typed `openapiv3` model.
//!
//! The raw tree is kept because `openapiv3` silently drops keywords it does not model (`const`, 3.1-only
//! keywords, typos). `check_keywords` walks the raw tree so that every such keyword becomes an error with its
//! JSON pointer instead of vanishing from the generated code.

use std::path::{Path, PathBuf};

use openapiv3::OpenAPI;
use serde_json::Value;

use crate::error::{GenError, Ptr, Result};

/// A loaded spec: the typed model plus the raw tree it came from.
pub struct LoadedSpec {
    pub path: PathBuf,
    pub raw: Value,
    pub api: OpenAPI,
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
    let text = std::fs::read_to_string(&file)
        .map_err(|e| GenError::new(file.display().to_string(), format!("cannot read spec: {e}")))?;
    let is_json = file.extension().is_some_and(|ext| ext == "json");
    parse(&text, is_json).map(|(raw, api)| LoadedSpec {
        path: file,
        raw,
        api,
    })
}

/// Parses spec text; errors carry the JSON pointer where the typed model rejected the document.
pub fn parse(text: &str, is_json: bool) -> Result<(Value, OpenAPI)> {
    let raw: Value = if is_json {
        serde_json::from_str(text).map_err(|e| GenError::new("", format!("invalid JSON: {e}")))?
    } else {
        serde_yaml::from_str(text).map_err(|e| GenError::new("", format!("invalid YAML: {e}")))?
    };
    let version = raw
        .get("openapi")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !version.starts_with("3.0.") {
        return Err(GenError::new(
            "/openapi",
            format!("unsupported construct: OpenAPI version {version:?} (only 3.0.x is supported)"),
        ));
    }
    check_keywords(&raw)?;
    let api: OpenAPI = serde_path_to_error::deserialize(&raw).map_err(|e| {
        let pointer = e
            .path()
            .iter()
            .fold(Ptr::root(), |p, seg| p.push(segment_text(seg)));
        GenError::new(
            pointer.as_str(),
            format!("not a valid OpenAPI 3.0 document here: {}", e.inner()),
        )
    })?;
    Ok((raw, api))
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
const SCHEMA_KEYWORDS: &[&str] = &[
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

/// Walks every schema in the raw document and rejects keywords `openapiv3` would silently drop.
fn check_keywords(raw: &Value) -> Result<()> {
    let root = Ptr::root();
    if let Some(schemas) = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        let at = root.push("components").push("schemas");
        for (name, schema) in schemas {
            check_schema(schema, &at.push(name))?;
        }
    }
    walk_for_schemas(raw, &root)
}

/// Finds `schema` members outside components (parameters, media types, headers) and checks them.
fn walk_for_schemas(node: &Value, at: &Ptr) -> Result<()> {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                let here = at.push(key);
                if key == "schema" && value.is_object() {
                    check_schema(value, &here)?;
                } else {
                    let is_components_schemas = at.as_str() == "/components" && key == "schemas";
                    // Example values are data, not spec: a member named `schema` in one is not a schema.
                    if is_components_schemas
                        || key.starts_with("x-")
                        || key == "example"
                        || key == "examples"
                    {
                        continue;
                    }
                    walk_for_schemas(value, &here)?;
                }
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                walk_for_schemas(value, &at.push(i.to_string()))?;
            }
        }
        _ => {}
    }
    Ok(())
}

fn check_schema(schema: &Value, at: &Ptr) -> Result<()> {
    let Some(map) = schema.as_object() else {
        return match schema {
            Value::Bool(_) => Err(GenError::unsupported(
                at,
                "boolean schema (OpenAPI 3.1 only)",
            )),
            _ => Err(GenError::new(at.as_str(), "a schema must be an object")),
        };
    };
    for (key, value) in map {
        let here = at.push(key);
        if key.starts_with("x-") || key == "example" || key == "default" || key == "enum" {
            continue;
        }
        if !SCHEMA_KEYWORDS.contains(&key.as_str()) {
            return Err(GenError::unsupported(
                &here,
                format!("schema keyword `{key}` (not part of OpenAPI 3.0)"),
            ));
        }
        match key.as_str() {
            "properties" => {
                if let Some(props) = value.as_object() {
                    for (name, sub) in props {
                        check_schema(sub, &here.push(name))?;
                    }
                }
            }
            "items" | "not" => check_schema(value, &here)?,
            "additionalProperties" if value.is_object() => check_schema(value, &here)?,
            "allOf" | "oneOf" | "anyOf" => {
                for (i, sub) in value.as_array().into_iter().flatten().enumerate() {
                    check_schema(sub, &here.push(i.to_string()))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}
