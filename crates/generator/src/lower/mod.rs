//! Stage 1b, lower: the raw JSON tree of any supported dialect -> the one OpenAPI 3.0 shape the
//! typed model (`openapiv3`) and the IR read.
//!
//! The dialect is read from the document (`openapi: 3.0.x`, `openapi: 3.1.x`, `swagger: "2.0"`;
//! anything else is an error naming what was found). A 2.0 document is rebuilt member by member as
//! a 3.0 one (`swagger2.rs`, the same rules: mapped or rejected with its pointer, moves recorded). A 3.1 document is rewritten keyword by keyword (`schema31.rs`):
//! every keyword is mapped to its 3.0 spelling or rejected with its JSON pointer, never dropped
//! unannounced; what maps to a looser type is recorded as a [`Note`] (it becomes a FALLBACKS.md
//! entry). Errors carry the ORIGINAL document's pointers: nodes the lowering moves are recorded in
//! [`Lowered::moves`] so later stages' pointers are translated back ([`Lowered::original`]).
//! Then, for every dialect, bounds no Rust integer holds are relaxed (`numbers.rs`), the caller's
//! keyword check runs, and `$ref`s into non-component positions are hoisted (`refs.rs`).

mod defs;
mod moves;
mod numbers;
mod refs;
mod schema31;
mod swagger2;
#[cfg(test)]
mod tests;
mod vocab31;
mod walk;
mod webhooks;

use serde_json::Value;

pub use webhooks::EXTENSION as WEBHOOKS_EXTENSION;

use crate::error::{GenError, Ptr, Result};

/// The dialect a document is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `openapi: 3.0.x`: read as is.
    OpenApi30,
    /// `openapi: 3.1.x`: JSON Schema 2020-12 schemas, lowered to 3.0.
    OpenApi31,
    /// `swagger: "2.0"`: rebuilt as a 3.0 document (`swagger2.rs`).
    Swagger20,
}

/// A construct lowered to a looser or undocumented-by-type Rust shape: written to FALLBACKS.md.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// JSON pointer in the original document.
    pub pointer: String,
    pub construct: String,
    pub rust: String,
}

/// What lowering did that later stages must know.
#[derive(Debug, Clone, Default)]
pub struct Lowered {
    pub dialect: Option<Dialect>,
    pub notes: Vec<Note>,
    /// (pointer prefix in the lowered tree, pointer prefix in the original document), in the order
    /// the moves were made (inner moves first).
    pub moves: Vec<(String, String)>,
}

impl Lowered {
    /// `pointer` of the lowered tree as a pointer of the original document.
    /// Outer moves were recorded last: they are undone first (see `moves.rs`).
    pub fn original(&self, pointer: &str) -> String {
        moves::Index::new(&self.moves).original(pointer)
    }

    /// Each of `pointers` translated in place, indexing the moves once for all of them.
    pub fn originals<'p>(&self, pointers: impl IntoIterator<Item = &'p mut String>) {
        let index = moves::Index::new(&self.moves);
        for pointer in pointers {
            *pointer = index.original(pointer);
        }
    }

    /// `error` with its pointer translated to the original document.
    pub fn locate(&self, mut error: GenError) -> GenError {
        if error.pointer.is_empty() || error.pointer.starts_with('/') {
            error.pointer = self.original(&error.pointer);
        }
        error
    }

    pub(crate) fn note(&mut self, at: &str, construct: impl Into<String>, rust: impl Into<String>) {
        self.notes.push(Note {
            pointer: at.to_owned(),
            construct: construct.into(),
            rust: rust.into(),
        });
    }
}

/// Reads the dialect of `raw` from its `openapi` / `swagger` member.
pub fn dialect(raw: &Value) -> Result<Dialect> {
    let text = |key: &str| {
        raw.get(key)
            .map(|v| v.as_str().map_or(v.to_string(), str::to_owned))
    };
    match (text("openapi"), text("swagger")) {
        (Some(v), _) if v.starts_with("3.0.") => Ok(Dialect::OpenApi30),
        (Some(v), _) if v.starts_with("3.1.") => Ok(Dialect::OpenApi31),
        (None, Some(v)) if v == "2.0" => Ok(Dialect::Swagger20),
        (None, Some(v)) => Err(GenError::unsupported(
            &Ptr::root().push("swagger"),
            format!("dialect Swagger {v} (Swagger 2.0, OpenAPI 3.0.x and 3.1.x are supported)"),
        )),
        (Some(v), _) => Err(GenError::unsupported(
            &Ptr::root().push("openapi"),
            format!("OpenAPI version {v:?} (3.0.x, 3.1.x and Swagger 2.0 are supported)"),
        )),
        (None, None) => Err(GenError::new(
            "",
            "no `openapi` (or `swagger`) member: not an OpenAPI document",
        )),
    }
}

/// Lowers `raw` in place to OpenAPI 3.0. `check` is the keyword check every dialect gets (it sees
/// the lowered tree; its errors are translated to original pointers), run before `$ref` hoisting
/// copies nodes around.
pub fn lower(raw: &mut Value, check: impl FnOnce(&Value) -> Result<()>) -> Result<Lowered> {
    let dialect = dialect(raw)?;
    let mut lowered = Lowered {
        dialect: Some(dialect),
        ..Lowered::default()
    };
    if let Value::Object(root) = raw {
        // Only lowering puts webhooks there (see webhooks.rs).
        root.remove(webhooks::EXTENSION);
    }
    match dialect {
        Dialect::OpenApi30 => {}
        Dialect::OpenApi31 => document31(raw, &mut lowered)?,
        Dialect::Swagger20 => swagger2::document(raw, &mut lowered)?,
    }
    numbers::relax_integer_bounds(raw, &mut lowered);
    check(raw).map_err(|e| lowered.locate(e))?;
    refs::hoist_references(raw);
    Ok(lowered)
}

/// The 3.1 document: top-level members, every schema, nested definitions, webhooks.
fn document31(raw: &mut Value, lowered: &mut Lowered) -> Result<()> {
    let Value::Object(root) = raw else {
        return Err(GenError::new("", "the document must be an object"));
    };
    if let Some(uri) = root.remove("jsonSchemaDialect") {
        if !vocab31::is_default_dialect(&uri) {
            return Err(GenError::unsupported(
                &Ptr::root().push("jsonSchemaDialect"),
                format!("schema dialect {uri} (only the OpenAPI 3.1 default, JSON Schema 2020-12)"),
            ));
        }
    }
    if root
        .get("components")
        .and_then(|c| c.get("pathItems"))
        .is_some()
    {
        return Err(GenError::unsupported(
            &Ptr::root().push("components").push("pathItems"),
            "`components.pathItems` (reusable path items, OpenAPI 3.1)",
        ));
    }
    info31(root);
    operations31(root)?;
    // 3.1 makes `paths` optional (a webhooks-only document); 3.0 requires it.
    root.entry("paths")
        .or_insert_with(|| Value::Object(Default::default()));
    let mut defs = Vec::new();
    walk::each_schema(raw, &mut |schema, at, component| {
        schema31::lower_schema(schema, at, component, lowered, &mut defs)
    })?;
    defs::hoist(raw, defs, lowered)?;
    webhooks::lower(raw, lowered)
}

/// 3.1 makes an operation's `responses` optional (3.0 requires it: none documented is `{}`), and
/// adds the `mutualTLS` security scheme, which the client cannot set up (rejected).
fn operations31(root: &mut serde_json::Map<String, Value>) -> Result<()> {
    const METHODS: &[&str] = &[
        "get", "put", "post", "delete", "options", "head", "patch", "trace",
    ];
    if let Some(Value::Object(paths)) = root.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for (method, op) in item.iter_mut() {
                if let (true, Value::Object(op)) = (METHODS.contains(&method.as_str()), op) {
                    op.entry("responses")
                        .or_insert_with(|| Value::Object(Default::default()));
                }
            }
        }
    }
    let schemes = root
        .get("components")
        .and_then(|c| c.get("securitySchemes"))
        .and_then(Value::as_object);
    for (name, scheme) in schemes.into_iter().flatten() {
        if scheme.get("type").and_then(Value::as_str) == Some("mutualTLS") {
            let at = Ptr::root()
                .push("components")
                .push("securitySchemes")
                .push(name)
                .push("type");
            return Err(GenError::unsupported(
                &at,
                "security scheme `mutualTLS` (a TLS client certificate)",
            ));
        }
    }
    Ok(())
}

/// `info.summary` (3.1) joins the description; `license.identifier` (SPDX) becomes its URL.
fn info31(root: &mut serde_json::Map<String, Value>) {
    let Some(Value::Object(info)) = root.get_mut("info") else {
        return;
    };
    if let Some(Value::String(summary)) = info.remove("summary") {
        let text = match info.get("description").and_then(Value::as_str) {
            Some(description) if !description.trim().is_empty() => {
                format!("{summary}\n\n{description}")
            }
            _ => summary,
        };
        info.insert("description".into(), Value::String(text));
    }
    if let Some(Value::Object(license)) = info.get_mut("license") {
        if let Some(Value::String(id)) = license.remove("identifier") {
            if !license.contains_key("url") {
                let url = format!("https://spdx.org/licenses/{id}.html");
                license.insert("url".into(), Value::String(url));
            }
            license.insert("x-identifier".into(), Value::String(id));
        }
    }
}

#[cfg(test)]
mod driver_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dialects_are_named() {
        assert_eq!(
            dialect(&json!({"openapi": "3.0.3"})),
            Ok(Dialect::OpenApi30)
        );
        assert_eq!(
            dialect(&json!({"openapi": "3.1.1"})),
            Ok(Dialect::OpenApi31)
        );
        assert_eq!(dialect(&json!({"swagger": "2.0"})), Ok(Dialect::Swagger20));
        let swagger = dialect(&json!({"swagger": "1.2"})).unwrap_err();
        assert_eq!(swagger.pointer, "/swagger");
        assert!(swagger.message.contains("Swagger 1.2"), "{swagger}");
        let other = dialect(&json!({"openapi": "4.0"})).unwrap_err();
        assert!(other.message.contains("\"4.0\""), "{other}");
        assert!(dialect(&json!({})).is_err());
    }

    #[test]
    fn moved_pointers_are_translated_back() {
        let lowered = Lowered {
            moves: vec![
                (
                    "/c/A/properties/x/allOf/1".into(),
                    "/c/A/properties/x".into(),
                ),
                ("/c/A/allOf/1".into(), "/c/A".into()),
            ],
            ..Lowered::default()
        };
        assert_eq!(
            lowered.original("/c/A/allOf/1/properties/x/allOf/1/type"),
            "/c/A/properties/x/type"
        );
        assert_eq!(lowered.original("/c/A/allOf/10"), "/c/A/allOf/10");
        assert_eq!(lowered.original("/c/B"), "/c/B");
    }

    #[test]
    fn info_summary_and_license_identifier_are_kept() {
        let mut doc = json!({"openapi": "3.1.0", "info": {"title": "t", "version": "1",
            "summary": "Short.", "description": "Long.",
            "license": {"name": "MIT", "identifier": "MIT"}}});
        lower(&mut doc, |_| Ok(())).unwrap();
        assert_eq!(doc["info"]["description"], "Short.\n\nLong.");
        assert_eq!(
            doc["info"]["license"]["url"],
            "https://spdx.org/licenses/MIT.html"
        );
        assert_eq!(doc["paths"], json!({}));
    }

    #[test]
    fn other_schema_dialects_and_path_items_are_rejected() {
        let mut doc = json!({"openapi": "3.1.0", "jsonSchemaDialect": "https://example.com/d"});
        let e = lower(&mut doc, |_| Ok(())).unwrap_err();
        assert_eq!(e.pointer, "/jsonSchemaDialect");
        let mut doc = json!({"openapi": "3.1.0", "components": {"pathItems": {}}});
        let e = lower(&mut doc, |_| Ok(())).unwrap_err();
        assert_eq!(e.pointer, "/components/pathItems");
    }
}
