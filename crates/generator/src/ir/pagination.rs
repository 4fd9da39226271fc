//! Recognises paginated list operations by the profile's declared rules: a page-number and a
//! page-size integer query parameter, and a response object with an items array (plus, when the
//! rule names them and they are present, a total count and links with a relation).
//!
//! Recognition is structural, not by operation name, so every list endpoint of the API gets
//! streams; a document whose profile declares no rule gets none.

use std::collections::{BTreeMap, HashMap};

use super::model::*;
use crate::profile::PaginationRule;

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::I32 | TypeRef::I64)
}

fn field<'a>(s: &'a StructDef, json: &str) -> Option<&'a Field> {
    s.fields.iter().find(|f| f.json_name == json)
}

/// Fills `OperationVersion::pagination` wherever the shape matches.
///
/// A page's integer total count becomes `i64` whatever its declared format: Atlas documents it as
/// an int32 estimate, and a count beyond `i32::MAX` must not make every page of a listing fail to
/// decode (the field is only read, so widening loses nothing).
pub fn detect(
    operations: &mut [Operation],
    types: &mut BTreeMap<String, TypeDef>,
    rules: &[PaginationRule],
) {
    // Per rule, what each page type offers, worked out once per type (not once per operation
    // returning it, each a scan of its fields).
    let mut shapes: Vec<HashMap<String, Option<PageShape>>> = vec![HashMap::new(); rules.len()];
    for op in operations {
        for (rule, shapes) in rules.iter().zip(&mut shapes) {
            apply_rule(op, types, rule, shapes);
        }
    }
}

/// The page members of a page type under one rule: results field, item type, total field, links.
#[derive(Clone)]
struct PageShape {
    results_field: String,
    item_type: TypeRef,
    total_field: Option<(String, TypeRef)>,
    links: Option<(String, String, bool)>,
}

/// [`PageShape`] of `page_type` (None when it is not a page under `rule`); widens its total count.
fn page_shape(
    types: &mut BTreeMap<String, TypeDef>,
    page_type: &str,
    rule: &PaginationRule,
) -> Option<PageShape> {
    let Some(TypeDef::Struct(page_struct)) = types.get(page_type) else {
        return None;
    };
    let results = field(page_struct, rule.items_member)?;
    let TypeRef::Vec(item_type) = &results.ty else {
        return None;
    };
    let total_field = rule
        .total_member
        .and_then(|name| field(page_struct, name))
        .filter(|f| is_integer(&f.ty))
        .map(|f| (f.rust_name.clone(), TypeRef::I64));
    let links_field = rule.links_member.and_then(|name| field(page_struct, name));
    let links = links_field.and_then(|f| match &f.ty {
        TypeRef::Vec(inner) => match inner.as_ref() {
            TypeRef::Named(link) => match types.get(link) {
                Some(TypeDef::Struct(link)) => field(link, rule.link_rel_member)
                    .filter(|rel| rel.ty == TypeRef::String)
                    .map(|rel| (f.rust_name.clone(), rel.rust_name.clone(), rel.optional)),
                _ => None,
            },
            _ => None,
        },
        _ => None,
    });
    let shape = PageShape {
        results_field: results.rust_name.clone(),
        item_type: item_type.as_ref().clone(),
        total_field,
        links,
    };
    if let Some(TypeDef::Struct(page_struct)) = types.get_mut(page_type) {
        for f in &mut page_struct.fields {
            if Some(f.json_name.as_str()) == rule.total_member && f.ty == TypeRef::I32 {
                f.ty = TypeRef::I64;
            }
        }
    }
    Some(shape)
}

/// Marks the versions of `op` whose shape matches `rule` (a version already marked is kept).
fn apply_rule(
    op: &mut Operation,
    types: &mut BTreeMap<String, TypeDef>,
    rule: &PaginationRule,
    shapes: &mut HashMap<String, Option<PageShape>>,
) {
    let param = |json: &str| {
        op.query_params
            .iter()
            .find(|q| q.json_name == json && is_integer(&q.ty))
    };
    let (Some(page), Some(size)) = (param(rule.page_param), param(rule.size_param)) else {
        return;
    };
    let default_size = size
        .default
        .as_ref()
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(rule.default_size);
    let page_param = (page.rust_name.clone(), page.ty.clone());
    let size_param = (size.rust_name.clone(), size.ty.clone());
    for version in &mut op.versions {
        if version.pagination.is_some() {
            continue;
        }
        // A page is always a body: a documented empty answer (`Option<page>`) is no listing.
        let ResponseBody::Json {
            ty: TypeRef::Named(page_type),
            empty_statuses,
            ..
        } = &version.response
        else {
            continue;
        };
        if !empty_statuses.is_empty() {
            continue;
        }
        let shape = match shapes.get(page_type) {
            Some(shape) => shape.clone(),
            None => {
                let shape = page_shape(types, page_type, rule);
                shapes.insert(page_type.clone(), shape.clone());
                shape
            }
        };
        let Some(shape) = shape else {
            continue;
        };
        version.pagination = Some(Pagination {
            page_type: page_type.clone(),
            item_type: shape.item_type,
            results_field: shape.results_field,
            total_field: shape.total_field,
            links: shape.links,
            page_param: page_param.clone(),
            size_param: size_param.clone(),
            default_size,
        });
    }
}
