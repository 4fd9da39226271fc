//! `enum` on non-string schemas.
//!
//! - Integers (`type: integer, enum: [1, 2, 3]`) become a Rust enum like string enums do: one
//!   variant per value, plus a fallback variant keeping any other integer, so a value added to the
//!   API later still decodes and is written back unchanged.
//! - Numbers, booleans and mixed values keep their scalar type (`f64`, `bool`, or
//!   `serde_json::Value`) and the allowed values are listed in FALLBACKS.md rather than enforced:
//!   a float has no exact identity to match a variant on, a boolean enum is almost always a
//!   constant (`enum: [true]`), and mixed values have no single Rust type.

use std::collections::HashSet;

use serde_json::Value;

use super::model::{IntEnumDef, TypeRef};
use super::naming::{unique, variant_name, Names};
use super::schemas::TypeBuilder;
use super::view::View;
use crate::error::Ptr;

/// Extensions some generators (NSwag, openapi-generator) write with the variant names of an enum.
const VARIANT_NAME_EXTENSIONS: &[&str] = &["x-enum-varnames", "x-enumNames"];

/// `type: integer` with at least one value, every value an integer (or null: `nullable`).
pub(super) fn is_int_enum(view: &View<'_>) -> bool {
    view.typ == Some("integer")
        && view.enumeration.iter().any(|v| !v.is_null())
        && view
            .enumeration
            .iter()
            .all(|v| v.is_null() || v.as_i64().is_some())
}

/// The enum type of an integer enum schema (None when it is not one, see [`is_int_enum`]).
pub(super) fn int_enum(
    view: &View<'_>,
    rust: &str,
    origin: &str,
    doc: &Option<String>,
) -> Option<IntEnumDef> {
    if !is_int_enum(view) {
        return None;
    }
    let values: Vec<i64> = view.enumeration.iter().filter_map(Value::as_i64).collect();
    let names = VARIANT_NAME_EXTENSIONS.iter().find_map(|ext| {
        let names = view.data.extensions.get(*ext)?.as_array()?;
        let names: Option<Vec<&str>> = names.iter().map(Value::as_str).collect();
        names.filter(|n| n.len() == values.len())
    });
    let mut taken = Names::default();
    let mut variants = Vec::new();
    let mut seen = HashSet::new();
    for (i, value) in values.iter().enumerate() {
        let candidate = match names.as_ref().and_then(|n| n.get(i)) {
            Some(name) if !name.trim().is_empty() => variant_name(name),
            _ if *value < 0 => format!("Minus{}", value.unsigned_abs()),
            _ => format!("V{value}"),
        };
        // A value listed twice is one variant (a set, not a scan of the variants: 100,000 values
        // took 35 s); two names that clash: the second gets a number.
        if !seen.insert(*value) {
            continue;
        }
        variants.push((*value, unique(candidate, &mut taken)));
    }
    let repr = match view.format.as_deref() {
        Some("int32") if values.iter().all(|v| i32::try_from(*v).is_ok()) => TypeRef::I32,
        _ => TypeRef::I64,
    };
    Some(IntEnumDef {
        name: rust.to_owned(),
        origin: origin.to_owned(),
        doc: doc.clone(),
        repr,
        variants,
        fallback: unique("Unknown".into(), &mut taken),
    })
}

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
