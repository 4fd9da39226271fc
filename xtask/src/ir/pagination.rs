//! Recognises paginated list operations: a page-number and a page-size query parameter, and a response
//! object with a `results` array (plus, when present, `totalCount` and `links` with `rel`).
//!
//! Recognition is structural, not by operation name, so every Atlas list endpoint gets streams.

use std::collections::BTreeMap;

use super::model::*;

const PAGE_PARAM: &str = "pageNum";
const SIZE_PARAM: &str = "itemsPerPage";
/// Atlas' page size when `itemsPerPage` is not sent and the spec gives no default.
const FALLBACK_PAGE_SIZE: i64 = 100;

fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::I32 | TypeRef::I64)
}

fn field<'a>(s: &'a StructDef, json: &str) -> Option<&'a Field> {
    s.fields.iter().find(|f| f.json_name == json)
}

/// Fills `OperationVersion::pagination` wherever the shape matches.
///
/// A page's integer `totalCount` becomes `i64` whatever its declared format: Atlas documents it as
/// an int32 estimate, and a count beyond `i32::MAX` must not make every page of a listing fail to
/// decode (the field is only read, so widening loses nothing).
pub fn detect(operations: &mut [Operation], types: &mut BTreeMap<String, TypeDef>) {
    for op in operations {
        let param = |json: &str| {
            op.query_params
                .iter()
                .find(|q| q.json_name == json && is_integer(&q.ty))
        };
        let (Some(page), Some(size)) = (param(PAGE_PARAM), param(SIZE_PARAM)) else {
            continue;
        };
        let default_size = size
            .default
            .as_ref()
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(FALLBACK_PAGE_SIZE);
        let page_param = (page.rust_name.clone(), page.ty.clone());
        let size_param = (size.rust_name.clone(), size.ty.clone());
        for version in &mut op.versions {
            let ResponseBody::Json {
                ty: TypeRef::Named(page_type),
                ..
            } = &version.response
            else {
                continue;
            };
            let Some(TypeDef::Struct(page_struct)) = types.get(page_type) else {
                continue;
            };
            let Some(results) = field(page_struct, "results") else {
                continue;
            };
            let TypeRef::Vec(item_type) = &results.ty else {
                continue;
            };
            let total_field = field(page_struct, "totalCount")
                .filter(|f| is_integer(&f.ty))
                .map(|f| (f.rust_name.clone(), TypeRef::I64));
            let links = field(page_struct, "links").and_then(|f| match &f.ty {
                TypeRef::Vec(inner) => match inner.as_ref() {
                    TypeRef::Named(link) => match types.get(link) {
                        Some(TypeDef::Struct(link)) => field(link, "rel")
                            .filter(|rel| rel.ty == TypeRef::String)
                            .map(|rel| (f.rust_name.clone(), rel.rust_name.clone(), rel.optional)),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            });
            let (page_type, item_type) = (page_type.clone(), item_type.as_ref().clone());
            let results_field = results.rust_name.clone();
            if let Some(TypeDef::Struct(page_struct)) = types.get_mut(&page_type) {
                for f in &mut page_struct.fields {
                    if f.json_name == "totalCount" && f.ty == TypeRef::I32 {
                        f.ty = TypeRef::I64;
                    }
                }
            }
            version.pagination = Some(Pagination {
                page_type,
                item_type,
                results_field,
                total_field,
                links,
                page_param: page_param.clone(),
                size_param: size_param.clone(),
                default_size,
            });
        }
    }
}
