//! Pagination conventions as data: rules a profile states ([`PaginationRule`]) and the names
//! detection looks for when no rule matches ([`PaginationPatterns`]). `ir::pagination` reads both;
//! nothing here knows an operation.
//!
//! Member paths are slices of JSON member names, outermost first (`["response_metadata",
//! "next_cursor"]`), so a name holding a dot (`@odata.nextLink`) is one step.

/// A member path: JSON member names from the page object inwards.
pub type MemberPath = &'static [&'static str];

/// A pagination convention a profile states, by exact parameter and member names. Rules are tried
/// in order before the profile's [`PaginationPatterns`]; the first that matches an operation wins.
/// Every rule needs a GET whose success body is a page (see [`PageMembers::items`]).
#[derive(Debug, Clone)]
pub enum PaginationRule {
    /// An integer page-number query parameter; the first page is the parameter's default, else
    /// its minimum when that is 0 or 1, else 1.
    PageNumber {
        page_param: &'static str,
        /// Integer page-size query parameter (when named, an operation must have it).
        size_param: Option<&'static str>,
        /// Page size the server uses when the parameter is not sent and the spec gives no default.
        default_size: Option<i64>,
        page: PageMembers,
    },
    /// An integer item-offset query parameter (first page: its default, else 0), stepping by the
    /// page size.
    Offset {
        offset_param: &'static str,
        limit_param: Option<&'static str>,
        default_limit: Option<i64>,
        page: PageMembers,
    },
    /// A cursor query parameter set from each page.
    Cursor {
        cursor_param: &'static str,
        size_param: Option<&'static str>,
        source: CursorSource,
        page: PageMembers,
    },
    /// The next page's URL, a string member of the page.
    NextUrl {
        member: MemberPath,
        size_param: Option<&'static str>,
        page: PageMembers,
    },
    /// The next page's URL in the response's `Link` header (RFC 8288 `rel="next"`); the operation
    /// must document the header on its success response.
    LinkHeader {
        page_param: Option<&'static str>,
        size_param: Option<&'static str>,
        /// Page size the server uses when the parameter is not sent and the spec gives no
        /// default (documented only: the walk ends with the header, not on a short page).
        default_size: Option<i64>,
        page: PageMembers,
    },
}

impl PaginationRule {
    /// The page members every kind shares.
    pub fn page(&self) -> &PageMembers {
        match self {
            PaginationRule::PageNumber { page, .. }
            | PaginationRule::Offset { page, .. }
            | PaginationRule::Cursor { page, .. }
            | PaginationRule::NextUrl { page, .. }
            | PaginationRule::LinkHeader { page, .. } => page,
        }
    }
}

/// Where a cursor comes from.
#[derive(Debug, Clone)]
pub enum CursorSource {
    /// A string (or integer) member of the page naming the next cursor.
    Member(MemberPath),
    /// The last item's id member, while the page's boolean `has_more` member is true.
    LastItemId {
        id_member: &'static str,
        has_more: MemberPath,
    },
}

/// Members of a page object a rule reads.
#[derive(Debug, Clone, Default)]
pub struct PageMembers {
    /// Array member holding the items. `None`: the body is the array itself, or an object with
    /// exactly one array member.
    pub items: Option<&'static str>,
    /// Integer member with the total number of items (only ever ends a listing early).
    pub total: Option<MemberPath>,
    /// Boolean member saying whether more pages follow.
    pub has_more: Option<MemberPath>,
    /// An array of link objects; a page whose links lack a `next` relation is the last.
    pub links: Option<LinksRelation>,
}

/// An array member of link objects, each with a string relation member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinksRelation {
    pub member: &'static str,
    pub rel_member: &'static str,
}

/// The names detection looks for, compared ignoring ASCII case, `_` and `-` (`page_size` matches
/// `pageSize` and `PageSize`). Each list is tried in order; an empty list detects nothing of that
/// kind. See `ir::pagination` for the order in which kinds are tried.
#[derive(Debug, Clone, Default)]
pub struct PaginationPatterns {
    /// Array members holding the items, when a page object has more than one array member.
    pub items: &'static [&'static str],
    /// Integer page-number parameters.
    pub page_params: &'static [&'static str],
    /// Integer page-size parameters (of page-number, cursor, next-URL and `Link` listings).
    pub size_params: &'static [&'static str],
    /// Integer item-offset parameters.
    pub offset_params: &'static [&'static str],
    /// Integer limit parameters of offset listings (the size parameters are tried after them).
    pub limit_params: &'static [&'static str],
    /// Cursor parameters set from a next-cursor member.
    pub cursor_params: &'static [&'static str],
    /// Next-cursor members.
    pub next_cursor_members: &'static [MemberPath],
    /// Cursor parameters set from the last item's id (with a `has_more` member).
    pub last_id_params: &'static [&'static str],
    /// The items' id member for `last_id_params`.
    pub id_member: Option<&'static str>,
    /// Next-URL members.
    pub next_url_members: &'static [MemberPath],
    /// Boolean has-more members.
    pub has_more_members: &'static [MemberPath],
    /// Integer total-count members.
    pub total_members: &'static [MemberPath],
    /// Arrays of link objects with a relation member.
    pub links: &'static [LinksRelation],
    /// Whether a documented `Link` response header makes a listing.
    pub link_header: bool,
}

impl PaginationPatterns {
    /// The common conventions of public APIs, for the generic profile.
    pub const COMMON: PaginationPatterns = PaginationPatterns {
        items: &[
            "items", "data", "results", "value", "entries", "records", "elements", "list",
        ],
        page_params: &["page", "page_number", "page_num", "p"],
        size_params: &[
            "per_page",
            "page_size",
            "items_per_page",
            "limit",
            "size",
            "max_results",
            "page_limit",
            "$top",
        ],
        offset_params: &["offset", "skip", "$skip", "start", "start_index"],
        limit_params: &["limit", "$top", "count", "max_results", "page_size"],
        cursor_params: &[
            "cursor",
            "start_cursor",
            "page_token",
            "next_page_token",
            "next_token",
            "continuation_token",
            "after",
            "starting_after",
            "marker",
        ],
        next_cursor_members: &[
            &["next_cursor"],
            &["response_metadata", "next_cursor"],
            &["meta", "next_cursor"],
            &["pagination", "next_cursor"],
            &["metadata", "next_cursor"],
            &["next_page_token"],
            &["next_token"],
            &["continuation_token"],
            &["last_id"],
            &["paging", "cursors", "after"],
            &["cursors", "after"],
            &["next_marker"],
        ],
        last_id_params: &["starting_after", "after", "after_id"],
        id_member: Some("id"),
        next_url_members: &[
            &["@odata.nextLink"],
            &["next"],
            &["next_url"],
            &["next_page_url"],
            &["next_page", "uri"],
            &["next_link"],
            &["links", "next"],
            &["links", "next", "href"],
            &["_links", "next", "href"],
            &["paging", "next"],
            &["pagination", "next"],
            &["meta", "next"],
        ],
        has_more_members: &[
            &["has_more"],
            &["has_next"],
            &["has_next_page"],
            &["more"],
            &["meta", "has_more"],
            &["pagination", "has_more"],
            &["page_info", "has_next_page"],
        ],
        total_members: &[
            &["total_count"],
            &["total"],
            &["total_results"],
            &["total_items"],
            &["@odata.count"],
            &["meta", "total"],
            &["meta", "total_count"],
            &["pagination", "total"],
        ],
        links: &[LinksRelation {
            member: "links",
            rel_member: "rel",
        }],
        link_header: true,
    };
}

/// A name as detection compares it: ASCII lower case, without `_` and `-`.
pub fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
