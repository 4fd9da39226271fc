//! A profile's stated rules, matched by exact parameter and member names.

use super::page::{self, Body, Fields, Names};
use super::{first_offset, first_page, param, On, Side, Sides};
use crate::ir::model::*;
use crate::profile::{self, PageMembers, PaginationRule};

const HOW: Names = Names::Exact;

/// The pagination `rule` (the profile's `index`-th, of profile `profile`) gives `on`, if it fits.
pub(super) fn apply<'t>(
    rule: &PaginationRule,
    index: usize,
    profile: &'static str,
    on: &On<'_, 't>,
    fields: &mut Fields<'t>,
    sides: &mut Sides,
) -> Option<Pagination> {
    let params = on.params;
    // A size parameter the rule names is part of it: an operation without it does not match.
    let size = |name: Option<&str>, default: Option<i64>, not: Option<&PageParam>| match name {
        Some(name) => params.size(&[name], HOW, default, not).map(Some),
        None => Some(None),
    };
    let object = match on.body {
        Body::Object(type_name) => Some(*type_name),
        Body::Array { .. } => None,
    };
    let mut side = side(rule.page(), index, on.body, fields, sides)?;
    let kind = match rule {
        PaginationRule::PageNumber {
            page_param,
            size_param,
            default_size,
            ..
        } => {
            let q = params.find(&[page_param], HOW, page::is_integer)?;
            let page = param(q);
            PageKind::PageNumber {
                size: size(*size_param, *default_size, Some(&page))?,
                first: first_page(q),
                page,
            }
        }
        PaginationRule::Offset {
            offset_param,
            limit_param,
            default_limit,
            ..
        } => {
            let q = params.find(&[offset_param], HOW, page::is_integer)?;
            let offset = param(q);
            PageKind::Offset {
                limit: size(*limit_param, *default_limit, Some(&offset))?,
                first: first_offset(q),
                offset,
            }
        }
        PaginationRule::Cursor {
            cursor_param,
            size_param,
            source,
            ..
        } => {
            let cursor = param(params.find(&[cursor_param], HOW, page::is_cursor)?);
            let source = match source {
                profile::CursorSource::Member(path) => {
                    CursorSource::Member(fields.path(object?, path, HOW, page::is_cursor)?)
                }
                profile::CursorSource::LastItemId {
                    id_member,
                    has_more,
                } => {
                    // The flag is what ends such a listing: required, and the one the page reads.
                    side.has_more = Some(fields.path(object?, has_more, HOW, page::is_bool)?);
                    let (id, ty) = fields.item_id(&side.item, id_member, HOW)?;
                    CursorSource::LastItemId { id, ty }
                }
            };
            PageKind::Cursor {
                size: size(*size_param, None, Some(&cursor))?,
                source: fits(&cursor, source)?,
                cursor,
            }
        }
        PaginationRule::NextUrl {
            member, size_param, ..
        } => PageKind::NextUrl {
            member: fields.path(object?, member, HOW, page::is_string)?,
            size: size(*size_param, None, None)?,
        },
        PaginationRule::LinkHeader {
            page_param,
            size_param,
            default_size,
            ..
        } => {
            if !on.link_header {
                return None;
            }
            let page = match page_param {
                Some(name) => Some(param(params.find(&[name], HOW, page::is_integer)?)),
                None => None,
            };
            PageKind::LinkHeader {
                size: size(*size_param, *default_size, page.as_ref())?,
                page,
            }
        }
    };
    Some(side.with(kind, PageReason::ProfileRule(profile)))
}

/// `source` when the cursor parameter can take it: a string parameter takes any cursor, an
/// integer one only integers.
pub(super) fn fits(cursor: &PageParam, source: CursorSource) -> Option<CursorSource> {
    let leaf = match &source {
        CursorSource::Member(path) => &path.leaf,
        CursorSource::LastItemId { ty, .. } => ty,
    };
    (cursor.ty == TypeRef::String || page::is_integer(leaf)).then_some(source)
}

/// The page side of `body` under a rule's members (cached per rule and type).
fn side<'t>(
    members: &PageMembers,
    index: usize,
    body: &Body<'t>,
    fields: &mut Fields<'t>,
    sides: &mut Sides,
) -> Option<Side> {
    let type_name = match body {
        Body::Array { ty, item } => {
            return members.items.is_none().then(|| Side {
                page: PageBody::Array { ty: ty.clone() },
                item: item.clone(),
                total: None,
                has_more: None,
                links: None,
            })
        }
        Body::Object(type_name) => *type_name,
    };
    let key = (Some(index), type_name.to_owned());
    if let Some(side) = sides.cache.get(&key) {
        return side.clone();
    }
    let side = page::items(fields, type_name, members.items, &[], HOW).map(|(items, item)| Side {
        page: PageBody::Object {
            type_name: type_name.to_owned(),
            items,
        },
        item,
        total: members
            .total
            .and_then(|p| fields.path(type_name, p, HOW, page::is_integer)),
        has_more: members
            .has_more
            .and_then(|p| fields.path(type_name, p, HOW, page::is_bool)),
        links: members
            .links
            .as_ref()
            .and_then(|l| fields.links(type_name, l, HOW)),
    });
    sides.cache.insert(key, side.clone());
    side
}
