//! `apigen explain`: what each operation of a document becomes, read from the IR the crate is
//! emitted from (so it cannot disagree with the code): its `Client` methods, what they return,
//! pagination, the credentials it accepts, and the fallbacks that concern it.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::Path;

use openapiv3::SecurityRequirement;

use crate::error::{Ptr, Result};
use crate::ir::model::*;
use crate::{load, profile, Options};

/// What a document becomes, as a whole and per operation.
#[derive(Debug, Clone)]
pub struct Explanation {
    pub title: String,
    pub version: String,
    /// The profile chosen (`generic`, `atlas`, ...).
    pub profile: &'static str,
    pub responses: profile::Responses,
    pub base_url: String,
    /// `ClientBuilder` credential methods with the schemes they serve.
    pub credentials: Vec<String>,
    pub operations: Vec<OperationExplained>,
    /// Fallbacks no operation reaches (unused components, document-level notes).
    pub other_fallbacks: Vec<Fallback>,
}

/// One operation of the document.
#[derive(Debug, Clone)]
pub struct OperationExplained {
    /// `GET /pets/{petId}`.
    pub route: String,
    pub operation_id: String,
    pub deprecated: bool,
    /// `client.get_pet(pet_id)` per media-type version, newest first, with the version.
    pub methods: Vec<String>,
    /// The Rust type `send()` returns on success.
    pub returns: String,
    /// How `into_pages` / `into_stream` walk it, if it paginates.
    pub pagination: Option<String>,
    /// `wait_for_..` when the document declares a waiter.
    pub waiter: Option<String>,
    /// Which credentials it takes, from its `security` (or the document's).
    pub auth: String,
    /// Fallbacks under the operation or in the schemas it uses.
    pub fallbacks: Vec<Fallback>,
}

/// Explains the document at `spec` as `options` would generate it.
pub fn explain(spec: &Path, options: &Options) -> Result<Explanation> {
    let loaded = load::load(spec)?;
    let api = crate::build_ir(&loaded, options)?;
    let mut profile = crate::select_profile(&loaded.raw, options.profile.as_deref())?;
    if let Some(responses) = options.responses {
        profile.responses = responses;
    }
    let mut attributed = BTreeSet::new();
    let operations = api
        .operations
        .iter()
        .map(|op| {
            let security = operation_security(&loaded.api, op);
            let explained = explain_operation(&api, op, security);
            attributed.extend(explained.fallbacks.iter().cloned());
            explained
        })
        .collect();
    Ok(Explanation {
        title: api.title.clone(),
        version: api.spec_version.clone(),
        profile: api.profile.name,
        responses: profile.responses,
        base_url: api.default_base_url.clone(),
        credentials: api
            .auth
            .setters
            .iter()
            .map(|s| format!("{} ({})", s.method, s.schemes.join(", ")))
            .collect(),
        operations,
        other_fallbacks: api
            .fallbacks
            .iter()
            .filter(|f| !attributed.contains(*f))
            .cloned()
            .collect(),
    })
}

fn explain_operation(
    api: &Api,
    op: &Operation,
    security: Option<&[SecurityRequirement]>,
) -> OperationExplained {
    let args: Vec<&str> = op
        .path_params
        .iter()
        .map(|p| p.rust_name.as_str())
        .collect();
    let methods = op
        .versions
        .iter()
        .map(|v| {
            let mut method = format!("client.{}({})", v.fn_name, args.join(", "));
            if let Some(version) = &v.version {
                method.push_str(&format!("  [{version}, {}]", v.media_type));
            }
            method
        })
        .collect();
    let newest = op.versions.first();
    OperationExplained {
        route: format!("{} {}", op.method.as_str(), op.path),
        operation_id: op.operation_id.clone(),
        deprecated: op.deprecated,
        methods,
        returns: newest.map_or_else(|| "()".to_owned(), |v| returns(&v.response)),
        pagination: newest
            .and_then(|v| v.pagination.as_ref())
            .map(pagination_kind),
        waiter: op.waiter.as_ref().map(|w| {
            format!(
                "client.{}(..): polls until `{}` is {}",
                w.fn_name,
                w.field,
                w.success.join(" or ")
            )
        }),
        auth: auth(api, security),
        fallbacks: operation_fallbacks(api, op),
    }
}

/// The pagination of one operation in words. The one place that reads the IR's `Pagination`, so
/// a change to its shape (kinds of pagination) changes only this function.
fn pagination_kind(p: &Pagination) -> String {
    use crate::emit::pagination::report;
    format!(
        "{}: {}; {}; into_pages() / into_stream()",
        p.kind.name(),
        report::walked_by(p),
        report::why(p)
    )
}

fn returns(response: &ResponseBody) -> String {
    match response {
        ResponseBody::Json {
            ty, empty_statuses, ..
        } if !empty_statuses.is_empty() => format!("Option<{}>", type_name(ty)),
        ResponseBody::Json { ty, .. } => type_name(ty),
        ResponseBody::Empty { .. } => "()".to_owned(),
        ResponseBody::Bytes { .. } => "bytes::Bytes".to_owned(),
        ResponseBody::Text { .. } => "String".to_owned(),
        ResponseBody::Redirect { .. } => "Option<String> (the redirect's Location)".to_owned(),
    }
}

/// A type as the generated code spells it.
fn type_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "String".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::F32 => "f32".into(),
        TypeRef::F64 => "f64".into(),
        TypeRef::DateTime => "chrono::DateTime<chrono::Utc>".into(),
        TypeRef::Date => "chrono::NaiveDate".into(),
        TypeRef::Uuid => "uuid::Uuid".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::JsonObject => "serde_json::Map<String, serde_json::Value>".into(),
        TypeRef::Named(name) => format!("types::{name}"),
        TypeRef::Vec(inner) => format!("Vec<{}>", type_name(inner)),
        TypeRef::Map(inner) => format!("BTreeMap<String, {}>", type_name(inner)),
    }
}

/// The operation's own `security`, else the document's; `None` when neither declares any.
fn operation_security<'a>(
    doc: &'a openapiv3::OpenAPI,
    op: &Operation,
) -> Option<&'a [SecurityRequirement]> {
    let item = doc.paths.paths.get(&op.path)?.as_item();
    let operation = item.and_then(|item| {
        item.iter()
            .find(|(method, _)| method.eq_ignore_ascii_case(op.method.as_str()))
            .map(|(_, operation)| operation)
    });
    operation
        .and_then(|o| o.security.as_deref())
        .or(doc.security.as_deref())
}

/// The credential methods that satisfy `security`: alternatives joined by "or", schemes needed
/// together by "+".
fn auth(api: &Api, security: Option<&[SecurityRequirement]>) -> String {
    let Some(requirements) = security else {
        return "none declared".into();
    };
    let setter = |scheme: &str| {
        api.auth
            .setters
            .iter()
            .find(|s| s.schemes.iter().any(|name| name == scheme))
            .map_or_else(
                || format!("`{scheme}` (no builder method: not supported)"),
                |s| format!("{} ({scheme})", s.method),
            )
    };
    let alternatives: Vec<String> = requirements
        .iter()
        .map(|requirement| {
            if requirement.is_empty() {
                "none (anonymous)".to_owned()
            } else {
                let all: Vec<String> = requirement.keys().map(|s| setter(s)).collect();
                all.join(" + ")
            }
        })
        .collect();
    if alternatives.is_empty() {
        "none".into()
    } else {
        alternatives.join(" or ")
    }
}

/// Fallbacks at the operation's pointer (or its path item's parameters), or in a component schema
/// one of its types was made from.
fn operation_fallbacks(api: &Api, op: &Operation) -> Vec<Fallback> {
    let item = Ptr::root().push("paths").push(&op.path);
    let own = item.push(op.method.as_str().to_ascii_lowercase());
    let shared = item.push("parameters");
    let mut prefixes = vec![own.as_str().to_owned(), shared.as_str().to_owned()];
    for name in types_reached(api, op.type_roots()) {
        if let Some(def) = api.types.get(&name) {
            for root in ["components/schemas", "definitions"] {
                let mut ptr = Ptr::root();
                for token in root.split('/') {
                    ptr = ptr.push(token);
                }
                prefixes.push(ptr.push(def.origin()).as_str().to_owned());
            }
        }
    }
    api.fallbacks
        .iter()
        .filter(|f| {
            prefixes.iter().any(|p| {
                f.pointer == *p
                    || f.pointer
                        .strip_prefix(p.as_str())
                        .is_some_and(|rest| rest.starts_with('/'))
            })
        })
        .cloned()
        .collect()
}

impl Explanation {
    /// The text `apigen explain` prints.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let responses = match self.responses {
            profile::Responses::Strict => "strict",
            profile::Responses::Lenient => "lenient",
        };
        let _ = writeln!(out, "{} (version {})", self.title, self.version);
        let _ = writeln!(out, "profile:     {} ({responses} responses)", self.profile);
        let _ = writeln!(out, "base URL:    {}", self.base_url);
        let credentials = if self.credentials.is_empty() {
            "none".to_owned()
        } else {
            self.credentials.join(", ")
        };
        let _ = writeln!(out, "credentials: {credentials}");
        let _ = writeln!(out, "operations:  {}", self.operations.len());
        for op in &self.operations {
            let deprecated = if op.deprecated { " (deprecated)" } else { "" };
            let _ = writeln!(out, "\n{}  [{}]{deprecated}", op.route, op.operation_id);
            for (i, method) in op.methods.iter().enumerate() {
                let label = if i == 0 { "method" } else { "" };
                let _ = writeln!(out, "  {label:<11} {method}");
            }
            let _ = writeln!(out, "  {:<11} {}", "returns", op.returns);
            let pagination = op.pagination.as_deref().unwrap_or("none");
            let _ = writeln!(out, "  {:<11} {pagination}", "pagination");
            if let Some(waiter) = &op.waiter {
                let _ = writeln!(out, "  {:<11} {waiter}", "waiter");
            }
            let _ = writeln!(out, "  {:<11} {}", "auth", op.auth);
            write_fallbacks(&mut out, &op.fallbacks);
        }
        if !self.other_fallbacks.is_empty() {
            let _ = writeln!(out, "\nfallbacks outside any operation:");
            write_fallbacks(&mut out, &self.other_fallbacks);
        }
        // Document text goes to a terminal: no control character (an escape sequence) gets through.
        out.lines()
            .map(|line| crate::escape::plain_line(line) + "\n")
            .collect()
    }
}

fn write_fallbacks(out: &mut String, fallbacks: &[Fallback]) {
    if fallbacks.is_empty() {
        let _ = writeln!(out, "  {:<11} none", "fallbacks");
    }
    for (i, f) in fallbacks.iter().enumerate() {
        let label = if i == 0 { "fallbacks" } else { "" };
        let _ = writeln!(
            out,
            "  {label:<11} {}: {} -> {}",
            f.pointer, f.construct, f.rust
        );
    }
}
