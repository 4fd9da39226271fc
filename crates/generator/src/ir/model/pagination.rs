//! How a list operation is walked page by page (decided by `ir::pagination`).

use super::TypeRef;

/// How to walk a paginated list operation (decided by `ir::pagination`).
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// What one page is: a struct with an items member, or the items array itself.
    pub page: PageBody,
    /// The listed item type.
    pub item_type: TypeRef,
    /// How the next page is asked for.
    pub kind: PageKind,
    /// Integer member with the total number of items.
    pub total: Option<MemberPath>,
    /// Boolean member saying whether more pages follow.
    pub has_more: Option<MemberPath>,
    /// An array of link objects; no `next` relation means no more pages.
    pub links: Option<LinksMember>,
    /// Why this kind was chosen.
    pub reason: PageReason,
}

/// The body of one page.
#[derive(Debug, Clone, PartialEq)]
pub enum PageBody {
    /// A struct (`types::<type_name>`) whose `items` member holds the items.
    Object { type_name: String, items: Member },
    /// The body is the array of items (`Vec<T>`, or a named alias of one): the runtime's
    /// `impl Page for Vec<T>`; such a page carries no members, so only page-number, offset and
    /// `Link` header listings have one.
    Array { ty: TypeRef },
}

impl PageBody {
    /// The Rust type of a page (what the operation returns).
    pub fn ty(&self) -> TypeRef {
        match self {
            PageBody::Object { type_name, .. } => TypeRef::Named(type_name.clone()),
            PageBody::Array { ty } => ty.clone(),
        }
    }
}

/// How a listing asks for its next page.
#[derive(Debug, Clone, PartialEq)]
pub enum PageKind {
    /// Page numbers from `first` (addressable).
    PageNumber {
        page: PageParam,
        size: Option<PageSize>,
        /// The page the server returns when the parameter is not sent.
        first: i64,
    },
    /// Item offsets from `first`, stepping by the page size (addressable).
    Offset {
        offset: PageParam,
        limit: Option<PageSize>,
        first: i64,
    },
    /// A cursor parameter set from each page (sequential).
    Cursor {
        cursor: PageParam,
        size: Option<PageSize>,
        source: CursorSource,
    },
    /// The URL a page member names (sequential).
    NextUrl {
        member: MemberPath,
        size: Option<PageSize>,
    },
    /// The URL of the response's `Link` header `rel="next"` (sequential).
    LinkHeader {
        page: Option<PageParam>,
        size: Option<PageSize>,
    },
}

impl PageKind {
    /// The kind in words (PAGINATION.md, `apigen explain`, `cargo xtask vendors`).
    pub fn name(&self) -> &'static str {
        match self {
            PageKind::PageNumber { .. } => "page number",
            PageKind::Offset { .. } => "offset",
            PageKind::Cursor {
                source: CursorSource::Member(_),
                ..
            } => "cursor (next-cursor member)",
            PageKind::Cursor {
                source: CursorSource::LastItemId { .. },
                ..
            } => "cursor (last item's id)",
            PageKind::NextUrl { .. } => "next URL in the body",
            PageKind::LinkHeader { .. } => "`Link` header",
        }
    }

    /// Whether pages can be asked for by position (page number, offset): then prefetch applies.
    pub fn addressable(&self) -> bool {
        matches!(self, PageKind::PageNumber { .. } | PageKind::Offset { .. })
    }

    /// Whether the next page is a URL the server names (fetched with GET).
    pub fn follows_urls(&self) -> bool {
        matches!(self, PageKind::NextUrl { .. } | PageKind::LinkHeader { .. })
    }

    /// The page-size parameter, when the listing has one.
    pub fn size(&self) -> Option<&PageSize> {
        match self {
            PageKind::PageNumber { size, .. }
            | PageKind::Cursor { size, .. }
            | PageKind::NextUrl { size, .. }
            | PageKind::LinkHeader { size, .. } => size.as_ref(),
            PageKind::Offset { limit, .. } => limit.as_ref(),
        }
    }
}

/// Where a cursor comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum CursorSource {
    /// A page member naming the next cursor (a string or an integer).
    Member(MemberPath),
    /// The last item's id member (a string or an integer); the page's `has_more` flag says
    /// whether there is a next page.
    LastItemId { id: Member, ty: TypeRef },
}

/// A query parameter the walk sets: its builder field and JSON name.
#[derive(Debug, Clone, PartialEq)]
pub struct PageParam {
    pub json_name: String,
    pub rust_name: String,
    /// `I32`, `I64` or `String`.
    pub ty: TypeRef,
}

/// A page-size parameter and the size the server uses when it is not sent (the spec's default,
/// else the profile's), if known.
#[derive(Debug, Clone, PartialEq)]
pub struct PageSize {
    pub param: PageParam,
    pub default: Option<i64>,
}

/// One member of a struct on a path: its JSON and Rust names, and whether it is an `Option`.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub json_name: String,
    pub rust_name: String,
    pub optional: bool,
}

/// Members from the page struct inwards, and the type of the last one.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberPath {
    pub steps: Vec<Member>,
    pub leaf: TypeRef,
}

impl MemberPath {
    /// The JSON names joined with `.`, for docs and the report.
    pub fn json(&self) -> String {
        let names: Vec<&str> = self.steps.iter().map(|m| m.json_name.as_str()).collect();
        names.join(".")
    }
}

/// An array member of link objects and the relation member of a link.
#[derive(Debug, Clone, PartialEq)]
pub struct LinksMember {
    pub links: Member,
    pub rel: Member,
}

/// Why an operation paginates as it does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageReason {
    /// A rule the profile (named) states.
    ProfileRule(&'static str),
    /// The profile's detection patterns matched the document's parameters, members or headers.
    Detected,
}
