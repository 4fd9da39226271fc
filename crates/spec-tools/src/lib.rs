//! Spec maintenance behind `cargo xtask spec ...`: [`extract`] a subset of an upstream release, [`diff`] two
//! versions of the spec by their impact on the generated crate.
//!
//! Both work on the raw JSON tree (`serde_json::Value` with preserved key order), not on `openapiv3`'s model:
//! extract must copy everything upstream wrote (vendor extensions, examples, keywords the generator rejects)
//! and diff must see it, so nothing is lost in between.

pub mod cli;
pub mod diff;
pub mod extract;
mod report;
mod schema_diff;
pub mod yaml;

#[cfg(test)]
mod diff_tests;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use apigen::error::{GenError, Ptr, Result};
use apigen::load;

pub use report::{Change, Class, Report, Summary};

/// Reads a spec file (or a directory holding `openapi.yaml`) into its raw tree. Only the document's shape is
/// checked (an object with `openapi: 3.0.x`), so constructs the generator rejects can still be extracted or
/// compared.
pub fn read_document(path: &Path) -> Result<Value> {
    let file = load::spec_file(path)?;
    let text = std::fs::read_to_string(&file)
        .map_err(|e| GenError::new(file.display().to_string(), format!("cannot read spec: {e}")))?;
    parse_document(&text, is_json(&file))
        .map_err(|e| GenError::new(e.pointer, format!("{}: {}", file.display(), e.message)))
}

/// Parses spec text (JSON or YAML) into its raw tree; see [`read_document`].
pub fn parse_document(text: &str, json: bool) -> Result<Value> {
    let raw = apigen::load::parse_raw(text, json)?;
    if !raw.is_object() {
        return Err(GenError::new("", "an OpenAPI document must be an object"));
    }
    let version = raw.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.0.") {
        return Err(GenError::new(
            "/openapi",
            format!("unsupported construct: OpenAPI version {version:?} (only 3.0.x is supported)"),
        ));
    }
    Ok(raw)
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
}

/// Serializes a document for `path`: JSON (pretty, two spaces) for `.json`, YAML for `.yaml`/`.yml`
/// (written by [`yaml::to_yaml`] so YAML 1.1 and 1.2 readers agree on every scalar).
/// Both end with a newline and depend only on the tree, so equal trees give identical bytes.
pub fn to_text(doc: &Value, path: &Path) -> Result<String> {
    let error = |e: &dyn std::fmt::Display| {
        GenError::new(path.display().to_string(), format!("cannot serialize: {e}"))
    };
    match path.extension().and_then(|e| e.to_str()) {
        Some("json") => serde_json::to_string_pretty(doc)
            .map(|text| text + "\n")
            .map_err(|e| error(&e)),
        Some("yaml" | "yml") => Ok(yaml::to_yaml(doc)),
        _ => Err(GenError::new(
            path.display().to_string(),
            "output file must end in .yaml, .yml or .json",
        )),
    }
}

/// Component sections in the order extract writes them (the order of the OpenAPI 3.0 specification).
pub const COMPONENT_KINDS: &[&str] = &[
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// The component a local `$ref` names: `#/components/<kind>/<name>[/...]` -> (kind, name). The target must
/// exist in `doc`; `at` is the pointer of the `$ref` member, used in every error.
pub fn component_of(doc: &Value, reference: &str, at: &Ptr) -> Result<(String, String)> {
    let target = Ptr::from_ref(reference)
        .ok_or_else(|| GenError::unsupported(at, format!("non-local reference `{reference}`")))?;
    let tokens: Vec<String> = target.tokens().collect();
    match tokens.as_slice() {
        [components, kind, name, ..]
            if components == "components" && COMPONENT_KINDS.contains(&kind.as_str()) =>
        {
            if doc.pointer(target.as_str()).is_none() {
                return Err(GenError::new(
                    at.as_str(),
                    format!("unknown reference `{reference}`"),
                ));
            }
            Ok((kind.clone(), name.clone()))
        }
        _ => Err(GenError::unsupported(
            at,
            format!("reference `{reference}` outside #/components/<kind>/<name>"),
        )),
    }
}

/// Follows `$ref` chains from `node` (found at `at`) to the node they end at, with its pointer.
pub fn resolve<'a>(doc: &'a Value, node: &'a Value, at: &Ptr) -> Result<(&'a Value, Ptr)> {
    let (mut node, mut at) = (node, at.clone());
    let mut seen = Vec::new();
    while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
        let ref_at = at.push("$ref");
        let target = Ptr::from_ref(reference).ok_or_else(|| {
            GenError::unsupported(&ref_at, format!("non-local reference `{reference}`"))
        })?;
        if seen.contains(&target) {
            return Err(GenError::new(
                ref_at.as_str(),
                format!("reference cycle through `{reference}`"),
            ));
        }
        node = doc.pointer(target.as_str()).ok_or_else(|| {
            GenError::new(ref_at.as_str(), format!("unknown reference `{reference}`"))
        })?;
        seen.push(target.clone());
        at = target;
    }
    Ok((node, at))
}

/// The schema references directly inside one schema node, as (`$ref` text, pointer of the member that holds
/// it). Discriminator mapping values count too (a bare name `Foo` means `#/components/schemas/Foo`), because
/// the subtypes they name are part of the type a client decodes.
pub fn schema_refs(schema: &Value, at: &Ptr, out: &mut Vec<(String, Ptr)>) {
    let Some(map) = schema.as_object() else {
        return;
    };
    if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
        // Siblings of `$ref` are ignored in OpenAPI 3.0.
        out.push((reference.to_string(), at.push("$ref")));
        return;
    }
    if let Some(props) = map.get("properties").and_then(Value::as_object) {
        let here = at.push("properties");
        for (name, sub) in props {
            schema_refs(sub, &here.push(name), out);
        }
    }
    for key in ["items", "not", "additionalProperties"] {
        if let Some(sub) = map.get(key) {
            schema_refs(sub, &at.push(key), out);
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for (i, sub) in map
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            schema_refs(sub, &at.push(key).push(i.to_string()), out);
        }
    }
    let mapping = map
        .get("discriminator")
        .and_then(|d| d.get("mapping"))
        .and_then(Value::as_object);
    for (value, target) in mapping.into_iter().flatten() {
        if let Some(target) = target.as_str() {
            let at = at.push("discriminator").push("mapping").push(value);
            out.push((mapping_ref(target), at));
        }
    }
}

/// A discriminator mapping value as a `$ref`: bare schema names are shorthand for the component.
fn mapping_ref(target: &str) -> String {
    if target.starts_with('#') || target.contains('/') {
        target.to_string()
    } else {
        format!("#/components/schemas/{target}")
    }
}

/// The schema a `$ref` names when it is exactly `#/components/schemas/<name>`.
pub fn schema_name(reference: &str) -> Option<String> {
    let tokens: Vec<String> = Ptr::from_ref(reference)?.tokens().collect();
    match <[String; 3]>::try_from(tokens) {
        Ok([components, schemas, name]) if components == "components" && schemas == "schemas" => {
            Some(name)
        }
        _ => None,
    }
}

/// Schema components that are subtypes of a discriminated base: base name -> schemas whose `allOf` names it.
/// Extract and diff's usage analysis follow this reverse edge, so a base brings its whole hierarchy.
pub fn subtypes_by_base(doc: &Value) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let Some(schemas) = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    else {
        return out;
    };
    for (name, schema) in schemas {
        let parts = schema.get("allOf").and_then(Value::as_array);
        for part in parts.into_iter().flatten() {
            let base = part
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(schema_name);
            let Some(base) = base else { continue };
            let discriminated = schemas
                .get(&base)
                .is_some_and(|b| b.get("discriminator").is_some());
            if discriminated && &base != name {
                out.entry(base).or_default().push(name.clone());
            }
        }
    }
    out
}

/// The object member `key` of `node`, or an empty object when absent or not an object (comparisons treat
/// a missing map and an empty one alike).
pub fn object<'a>(node: &'a Value, key: &str) -> &'a serde_json::Map<String, Value> {
    static EMPTY: std::sync::LazyLock<serde_json::Map<String, Value>> =
        std::sync::LazyLock::new(serde_json::Map::new);
    node.get(key).and_then(Value::as_object).unwrap_or(&EMPTY)
}

/// The array member `key` of `node`, or an empty slice when absent or not an array.
pub fn array<'a>(node: &'a Value, key: &str) -> &'a [Value] {
    node.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// HTTP methods that are operations inside a path item, in the order the specification lists them.
pub const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];
