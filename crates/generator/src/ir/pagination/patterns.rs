//! Detection from the document's own shape: the profile's name patterns, compared loosely, in
//! the order the module docs of `ir::pagination` give.

use super::page::{self, Body, Fields, Names};
use super::rules::fits;
use super::{first_offset, first_page, param, On, Side, Sides};
use crate::ir::model::*;
use crate::profile::PaginationPatterns;

const HOW: Names = Names::Loose;

/// The listing the patterns find for `on`, if any.
pub(super) fn detect<'t>(
    patterns: &PaginationPatterns,
    on: &On<'_, 't>,
    fields: &mut Fields<'t>,
    sides: &mut Sides,
) -> Option<Pagination> {
    let side = side(patterns, on.body, fields, sides)?;
    let kind = kind(patterns, on, &side, fields)?;
    Some(side.with(kind, PageReason::Detected))
}

/// The first kind whose signals the operation and its page carry.
fn kind<'t>(
    patterns: &PaginationPatterns,
    on: &On<'_, 't>,
    side: &Side,
    fields: &mut Fields<'t>,
) -> Option<PageKind> {
    let params = on.params;
    let object = match on.body {
        Body::Object(type_name) => Some(*type_name),
        Body::Array { .. } => None,
    };
    let size = |not: Option<&PageParam>| params.size(patterns.size_params, HOW, None, not);
    if let Some(type_name) = object {
        // 1. A cursor parameter and a next-cursor member.
        if let Some(q) = params.find(patterns.cursor_params, HOW, page::is_cursor) {
            let cursor = param(q);
            let member = fields.first_path(
                type_name,
                patterns.next_cursor_members,
                HOW,
                page::is_cursor,
            );
            if let Some(source) = member.and_then(|m| fits(&cursor, CursorSource::Member(m))) {
                return Some(PageKind::Cursor {
                    size: size(Some(&cursor)),
                    source,
                    cursor,
                });
            }
        }
        // 2. A last-id parameter, a has-more flag and the items' id.
        if side.has_more.is_some() {
            let q = params.find(patterns.last_id_params, HOW, page::is_cursor);
            let id = patterns
                .id_member
                .and_then(|id| fields.item_id(&side.item, id, HOW));
            if let (Some(q), Some((id, ty))) = (q, id) {
                let cursor = param(q);
                if let Some(source) = fits(&cursor, CursorSource::LastItemId { id, ty }) {
                    return Some(PageKind::Cursor {
                        size: size(Some(&cursor)),
                        source,
                        cursor,
                    });
                }
            }
        }
        // 3. A next-URL member.
        if let Some(member) =
            fields.first_path(type_name, patterns.next_url_members, HOW, page::is_string)
        {
            return Some(PageKind::NextUrl {
                member,
                size: size(None),
            });
        }
    }
    // 4. The `Link` header.
    if patterns.link_header && on.link_header {
        let page = params
            .find(patterns.page_params, HOW, page::is_integer)
            .map(param);
        return Some(PageKind::LinkHeader {
            size: size(page.as_ref()),
            page,
        });
    }
    // 5. An offset parameter.
    if let Some(q) = params.find(patterns.offset_params, HOW, page::is_integer) {
        let offset = param(q);
        let limit = params
            .size(patterns.limit_params, HOW, None, Some(&offset))
            .or_else(|| size(Some(&offset)));
        return Some(PageKind::Offset {
            limit,
            first: first_offset(q),
            offset,
        });
    }
    // 6. A page-number parameter.
    let q = params.find(patterns.page_params, HOW, page::is_integer)?;
    let page = param(q);
    Some(PageKind::PageNumber {
        size: size(Some(&page)),
        first: first_page(q),
        page,
    })
}

/// The page side of `body` under the patterns (cached per type).
fn side<'t>(
    patterns: &PaginationPatterns,
    body: &Body<'t>,
    fields: &mut Fields<'t>,
    sides: &mut Sides,
) -> Option<Side> {
    let type_name = match body {
        Body::Array { ty, item } => {
            return Some(Side {
                page: PageBody::Array { ty: ty.clone() },
                item: item.clone(),
                total: None,
                has_more: None,
                links: None,
            })
        }
        Body::Object(type_name) => *type_name,
    };
    let key = (None, type_name.to_owned());
    if let Some(side) = sides.cache.get(&key) {
        return side.clone();
    }
    let side =
        page::items(fields, type_name, None, patterns.items, HOW).map(|(items, item)| Side {
            page: PageBody::Object {
                type_name: type_name.to_owned(),
                items,
            },
            item,
            total: fields.first_path(type_name, patterns.total_members, HOW, page::is_integer),
            has_more: fields.first_path(type_name, patterns.has_more_members, HOW, page::is_bool),
            links: patterns
                .links
                .iter()
                .find_map(|l| fields.links(type_name, l, HOW)),
        });
    sides.cache.insert(key, side.clone());
    side
}
