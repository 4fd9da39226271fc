//! Which list operations paginate, and how: page number, offset, cursor (a next-cursor member or
//! the last item's id), a next URL in the body, or the `Link` header.
//!
//! Detection only considers a GET whose success body is a page: an array, or a struct with one
//! items array (or, when it has several arrays, one named like items); a profile's rule may also
//! match another method (some APIs list pages of a POST). A listing that follows URLs the server
//! names (next URL, `Link` header) must be a GET without a request body. The profile's rules
//! ([`crate::profile::PaginationRule`]) are tried first, by exact names; then its detection
//! patterns ([`crate::profile::PaginationPatterns`]), by names compared loosely, in this order:
//!
//! 1. a cursor parameter and a next-cursor member (`cursor` + `response_metadata.next_cursor`);
//! 2. a last-id parameter, a has-more flag and an `id` member of the items (`starting_after` +
//!    `has_more`): the last item's id is the next cursor;
//! 3. a next-URL member (`next`, `links.next`, `@odata.nextLink`, `_links.next.href`, ...);
//! 4. a `Link` header documented on the success response (with the page and size parameters,
//!    when there are any);
//! 5. an offset parameter (with a limit parameter, when there is one);
//! 6. a page-number parameter (with a size parameter, when there is one).
//!
//! Total-count and has-more members, and a links array with relations, are attached to any kind
//! whose page has them. Recognition is structural, never by operation name. Every struct's
//! members are indexed once and page analyses are cached per type, so detection is linear in
//! the document; nothing here can fail or panic: a shape that does not fit is simply no listing.

mod page;
mod patterns;
mod rules;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use super::model::*;
use crate::profile::{normalized, Profile};
use page::{Body, Fields, Names};

/// Fills `OperationVersion::pagination` of every version that lists pages.
///
/// A page's single-member integer total count becomes `i64` whatever its declared format: an API
/// documents it as an int32 estimate, and a count beyond `i32::MAX` must not make every page of a
/// listing fail to decode (the member is only read, so widening loses nothing).
pub fn detect(
    operations: &mut [Operation],
    types: &mut BTreeMap<String, TypeDef>,
    profile: &Profile,
) {
    let decided = decide(operations, types, profile);
    for (op, version, mut pagination) in decided {
        widen_total(types, &mut pagination);
        if let Some(v) = operations
            .get_mut(op)
            .and_then(|o| o.versions.get_mut(version))
        {
            v.pagination = Some(pagination);
        }
    }
}

/// (operation index, version index, pagination) of every version that paginates.
fn decide(
    operations: &[Operation],
    types: &BTreeMap<String, TypeDef>,
    profile: &Profile,
) -> Vec<(usize, usize, Pagination)> {
    let mut fields = Fields::new(types);
    let mut sides = Sides::default();
    let mut facts: HashMap<String, PageFacts> = HashMap::new();
    let mut decided = Vec::new();
    for (i, op) in operations.iter().enumerate() {
        let get = op.method == Method::Get;
        let params = Params::of(op);
        let link_header = op.success_headers.iter().any(|h| h == "link");
        for (j, v) in op.versions.iter().enumerate() {
            let Some(body) = page::body(&fields, &v.response) else {
                continue;
            };
            let on = On {
                body: &body,
                params: &params,
                link_header,
            };
            // A next URL is fetched as it stands, with GET: only a GET without a body follows one.
            let follows = get && v.request.is_none();
            // A rule may list the pages of another method (a search by POST).
            let by_rule = profile.pagination.iter().enumerate().find_map(|(r, rule)| {
                rules::apply(rule, r, profile.name, &on, &mut fields, &mut sides)
                    .filter(|p| follows || !p.kind.follows_urls())
            });
            // Detection only looks at GETs (some documents give a GET an empty form body).
            let found = by_rule.or_else(|| {
                get.then(|| {
                    patterns::detect(&profile.pagination_patterns, &on, &mut fields, &mut sides)
                })
                .flatten()
                .filter(|p| follows || !p.kind.follows_urls())
            });
            if let Some(p) = found.filter(|p| PageFacts::merge(&mut facts, p)) {
                decided.push((i, j, p));
            }
        }
    }
    decided
}

/// One version's listing candidate: its body, the operation's parameters and headers.
struct On<'a, 't> {
    body: &'a Body<'t>,
    params: &'a Params<'a>,
    link_header: bool,
}

/// What a page type offers under one rule (by rule index) or under the patterns (`None`),
/// worked out once per type.
#[derive(Default)]
struct Sides {
    cache: HashMap<(Option<usize>, String), Option<Side>>,
}

/// The page side of a listing: page body, item type and the members every kind may use.
#[derive(Clone)]
struct Side {
    page: PageBody,
    item: TypeRef,
    total: Option<MemberPath>,
    has_more: Option<MemberPath>,
    links: Option<LinksMember>,
}

impl Side {
    /// The pagination of this page walked by `kind`.
    fn with(self, kind: PageKind, reason: PageReason) -> Pagination {
        Pagination {
            page: self.page,
            item_type: self.item,
            kind,
            total: self.total,
            has_more: self.has_more,
            links: self.links,
            reason,
        }
    }
}

/// The query parameters a walk can set: scalars in the query, not the profile's envelope flag.
struct Params<'o> {
    list: Vec<(&'o QueryParam, String)>,
}

impl<'o> Params<'o> {
    fn of(op: &'o Operation) -> Self {
        let list = op
            .query_params
            .iter()
            .filter(|q| {
                q.location == ParamLocation::Query
                    && q.list.is_none()
                    && q.object.is_none()
                    && !q.json_text
                    && !q.is_envelope
            })
            .map(|q| (q, normalized(&q.json_name)))
            .collect();
        Params { list }
    }

    /// The first parameter named by `names` (in their order) whose type satisfies `ty`.
    fn find(&self, names: &[&str], how: Names, ty: fn(&TypeRef) -> bool) -> Option<&'o QueryParam> {
        names.iter().find_map(|name| {
            let key = how.key(name);
            self.list
                .iter()
                .find(|(q, loose)| {
                    let same = match how {
                        Names::Exact => q.json_name == *name,
                        Names::Loose => *loose == key,
                    };
                    same && ty(&q.ty)
                })
                .map(|(q, _)| *q)
        })
    }

    /// A page-size parameter named by `names` other than `not` (the parameter the walk sets).
    fn size(
        &self,
        names: &[&str],
        how: Names,
        default: Option<i64>,
        not: Option<&PageParam>,
    ) -> Option<PageSize> {
        let q = self.find(names, how, page::is_integer)?;
        not.is_none_or(|not| q.rust_name != not.rust_name)
            .then(|| PageSize {
                default: q
                    .default
                    .as_ref()
                    .and_then(serde_json::Value::as_i64)
                    .or(default),
                param: param(q),
            })
    }
}

fn param(q: &QueryParam) -> PageParam {
    PageParam {
        json_name: q.json_name.clone(),
        rust_name: q.rust_name.clone(),
        ty: q.ty.clone(),
    }
}

/// The page a page-number parameter starts from when not sent: its default, else its minimum
/// when that is 0 or 1, else 1.
fn first_page(q: &QueryParam) -> i64 {
    q.default
        .as_ref()
        .and_then(serde_json::Value::as_i64)
        .or(q.rules.minimum.filter(|m| *m == 0 || *m == 1))
        .unwrap_or(1)
}

/// The offset an offset parameter starts from when not sent: its default, else 0.
fn first_offset(q: &QueryParam) -> i64 {
    q.default
        .as_ref()
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(0)
}

/// What a page type's `impl Page` says, gathered over the operations returning it: one impl per
/// type, so two listings may share a type only where they read it alike.
#[derive(Clone, PartialEq)]
struct PageFacts {
    items: Member,
    total: Option<MemberPath>,
    has_more: Option<MemberPath>,
    links: Option<LinksMember>,
    next_cursor: Option<CursorSource>,
    next_url: Option<MemberPath>,
}

impl PageFacts {
    /// Records `p`'s facts for its page type; false when they contradict an earlier listing's
    /// (then `p` is dropped, deterministically: operations are visited in sorted order).
    fn merge(facts: &mut HashMap<String, PageFacts>, p: &Pagination) -> bool {
        let PageBody::Object { type_name, items } = &p.page else {
            return true;
        };
        let new = PageFacts {
            items: items.clone(),
            total: p.total.clone(),
            has_more: p.has_more.clone(),
            links: p.links.clone(),
            next_cursor: match &p.kind {
                PageKind::Cursor { source, .. } => Some(source.clone()),
                _ => None,
            },
            next_url: match &p.kind {
                PageKind::NextUrl { member, .. } => Some(member.clone()),
                _ => None,
            },
        };
        let Some(old) = facts.get_mut(type_name) else {
            facts.insert(type_name.clone(), new);
            return true;
        };
        if (&old.items, &old.total, &old.has_more, &old.links)
            != (&new.items, &new.total, &new.has_more, &new.links)
            || !agree(&old.next_cursor, &new.next_cursor)
            || !agree(&old.next_url, &new.next_url)
        {
            return false;
        }
        old.next_cursor = old.next_cursor.take().or(new.next_cursor);
        old.next_url = old.next_url.take().or(new.next_url);
        true
    }
}

/// Whether two optional facts can both hold: either is absent, or they are equal.
fn agree<T: PartialEq>(a: &Option<T>, b: &Option<T>) -> bool {
    a.is_none() || b.is_none() || a == b
}

/// Makes a page struct's own int32 total-count member `i64` (see [`detect`]).
fn widen_total(types: &mut BTreeMap<String, TypeDef>, p: &mut Pagination) {
    let (PageBody::Object { type_name, .. }, Some(total)) = (&p.page, &mut p.total) else {
        return;
    };
    let [step] = total.steps.as_slice() else {
        return;
    };
    if total.leaf != TypeRef::I32 {
        return;
    }
    if let Some(TypeDef::Struct(page)) = types.get_mut(type_name) {
        for f in &mut page.fields {
            if f.json_name == step.json_name && f.ty == TypeRef::I32 {
                f.ty = TypeRef::I64;
            }
        }
    }
    total.leaf = TypeRef::I64;
}
