//! `enum` on integer, number, boolean or untyped schemas (`type: integer, enum: [1, 2, 3]`): the
//! field keeps its scalar type (`i64`, `f64`, `bool`, or `serde_json::Value` when the values mix
//! JSON types) and the allowed values are documented in FALLBACKS.md rather than enforced. A Rust
//! enum with an `Unknown` variant, like string enums get, needs hand-written serde impls for
//! numbers; until then this is the looser type, listed, never silent.

use super::model::TypeRef;
use super::schemas::TypeBuilder;
use super::view::View;
use crate::error::Ptr;

/// Records a fallback when `view` lists enum values that `ty` (not a string enum) does not check.
pub(super) fn note_unchecked_values(
    builder: &mut TypeBuilder<'_>,
    view: &View<'_>,
    at: &Ptr,
    ty: &TypeRef,
) {
    if view.enumeration.is_empty() || view.typ == Some("string") {
        return;
    }
    let mut values: Vec<String> = view
        .enumeration
        .iter()
        .filter(|v| !v.is_null())
        .map(|v| v.to_string())
        .collect();
    if values.is_empty() {
        return;
    }
    // Long value lists (status codes, ...) are in the spec; the first few identify the node.
    const SHOWN: usize = 8;
    if values.len() > SHOWN {
        let more = values.len() - SHOWN;
        values.truncate(SHOWN);
        values.push(format!("and {more} more"));
    }
    let rust = match ty {
        TypeRef::I64 => "i64",
        TypeRef::I32 => "i32",
        TypeRef::F64 => "f64",
        TypeRef::F32 => "f32",
        TypeRef::Bool => "bool",
        _ => "serde_json::Value",
    };
    builder.fallback(
        &at.push("enum"),
        format!(
            "enum of {} values ({}): the values are not checked",
            view.typ.unwrap_or("untyped"),
            values.join(", ")
        ),
        rust,
    );
}
