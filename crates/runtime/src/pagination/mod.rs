//! Streams over paginated list operations, for every common pagination kind: page numbers,
//! offsets, cursors (a next-cursor member or the last item's id), a next URL in the body and the
//! `Link` header (RFC 8288 `rel="next"`).
//!
//! A generated builder implements [`Paginated`]: it says how its listing is walked
//! ([`PageSettings`], [`Walk`]) and starts the request for one page ([`PageAt`]); [`Pages`] and
//! [`Items`] do the walk. Page-number and offset walks are *addressable* (every page's position is
//! known in advance, so pages may be prefetched); cursor, next-URL and Link-header walks are
//! *sequential* (each page names the next one).
//!
//! Termination never relies on one signal alone. An addressable walk ends on an empty page, a short
//! page (when the page size is known), a page saying no more follow ([`Page::has_more`]), or once
//! [`Page::total_count`] items arrived (a count only ever *ends* a listing, never extends it). A
//! sequential walk ends when the page names no next cursor / URL / link, or says no more follow
//! (or the count is reached); an empty page that still names a next cursor continues (some APIs
//! send them). A server that serves a page it served before (a cycle of any length) ends the stream
//! with [`Error::Pagination`](crate::Error::Pagination) instead of looping forever, as does a
//! sequential walk told to follow a cursor or URL it already followed; pages, cursors and URLs are
//! remembered as 128-bit fingerprints (16 bytes each, at most `max_pages` of each). A listing also
//! ends with `Error::Pagination` after `max_pages` pages (default [`DEFAULT_MAX_PAGES`]) or when
//! positions run out (`i64::MAX`).

mod walk;

#[cfg(test)]
mod tests;

use std::future::Future;

use super::Error;

pub use walk::{Items, Pages};

/// Where one page of a listing starts: what [`Paginated::fetch_page`] changes in the builder's
/// request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageAt {
    /// The request exactly as the caller built it (first page of cursor, next-URL and Link-header
    /// listings).
    Start,
    /// A page number (page-number kind): the generated code sets the page parameter.
    Number(i64),
    /// An item offset (offset/limit kind): the generated code sets the offset parameter.
    Offset(i64),
    /// An opaque cursor (cursor kind: a next-cursor member, or the last item's id): the generated
    /// code sets the cursor query parameter.
    Cursor(String),
    /// A URL the server named for the next page (a body member or the `Link` header). The
    /// generated code builds its request as usual (headers, authentication) and calls
    /// [`Request::follow`](crate::Request::follow); the runtime then sends the request to that URL
    /// instead of base + path + query, after checking it is on the client's origin.
    Url(String),
}

/// How a listing moves from one page to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    /// Page numbers from `first` (addressable: prefetch applies).
    Number {
        /// The first page's number (the builder's page parameter, or the API's first page).
        first: i64,
    },
    /// Offsets from `first`, stepping by the page size (addressable: prefetch applies). Without a
    /// known page size the next offset is `first` plus the items received so far (sequential).
    Offset {
        /// The first page's offset.
        first: i64,
    },
    /// Next request: `PageAt::Cursor(page.next_cursor())`. Sequential.
    Cursor,
    /// Next request: `PageAt::Url(page.next_url())`. Sequential.
    NextUrl,
    /// Next request: `PageAt::Url(fetched.next_link)` (RFC 8288 `rel="next"`). Sequential.
    LinkHeader,
}

/// How a listing is walked. Built by the generated `Paginated::page_settings`.
#[derive(Debug, Clone, Copy)]
pub struct PageSettings {
    /// How the listing moves from one page to the next.
    pub walk: Walk,
    /// The page size asked for, or the server's default; `None` when unknown (then a short page
    /// does not end a listing, and an offset walk steps by the items received). A size below 1
    /// counts as unknown.
    pub page_size: Option<i64>,
    /// Pages fetched ahead of the consumer (0 = strictly one request at a time). Only addressable
    /// walks prefetch: a sequential walk learns each page's position from the page before it.
    pub prefetch: usize,
    /// Stop after this many items.
    pub max_items: Option<usize>,
    /// Most pages one listing may take before it ends with
    /// [`Error::Pagination`](crate::Error::Pagination) (`None`: [`DEFAULT_MAX_PAGES`]; at least 1).
    pub max_pages: Option<u64>,
}

/// Default bound on pages in one listing: 10,000 pages of up to 500 items (5 million items) is far
/// beyond any real export listing, and ends a runaway server after minutes, not days.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

/// A page of a listing. Generated page types implement it; the runtime implements it for
/// `Vec<T>` (APIs that answer a bare array: the page is the array, the next page comes from the
/// `Link` header).
pub trait Page: Send + 'static {
    /// The listed item type.
    type Item: Clone + PartialEq + serde::Serialize + Send + 'static;
    /// The page's items (an absent items member is an empty page).
    fn items(&self) -> &[Self::Item];
    /// The page's items, owned.
    fn into_items(self) -> Vec<Self::Item>;
    /// Total number of items, when the page states it (only ever ends a listing early).
    fn total_count(&self) -> Option<u64> {
        None
    }
    /// Whether the page says more pages follow (a `has_more` flag, or a links array with / without
    /// a `next` relation); `None` when it says nothing.
    fn has_more(&self) -> Option<bool> {
        None
    }
    /// The cursor for the next page ([`Walk::Cursor`]): a next-cursor member, or the last item's
    /// id. `None` or empty: the listing ends.
    fn next_cursor(&self) -> Option<String> {
        None
    }
    /// The next page's URL from the body ([`Walk::NextUrl`]). `None` or empty: the listing ends.
    fn next_url(&self) -> Option<String> {
        None
    }
}

impl<T> Page for Vec<T>
where
    T: Clone + PartialEq + serde::Serialize + Send + 'static,
{
    type Item = T;
    fn items(&self) -> &[T] {
        self
    }
    fn into_items(self) -> Vec<T> {
        self
    }
}

/// One fetched page: the decoded body plus the response's `Link` header `rel="next"` target
/// (already resolved against the request URL), if any. What
/// [`call::JsonPage`](crate::call::JsonPage) decodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<P> {
    /// The decoded page.
    pub page: P,
    /// The `Link` header's `rel="next"` target, resolved against the request URL.
    pub next_link: Option<String>,
}

/// A paginated list operation: implemented by the generated request builder of each paginated
/// operation. [`Pages`] and [`Items`] walk the listing through it, so the walk (and the decoding of
/// the page type) is compiled in the crate that polls a listing, not once per operation in the
/// generated library.
pub trait Paginated {
    /// The page type.
    type Page: Page;
    /// The API's error body.
    type ErrorBody;
    /// The request for one page, in flight.
    type Future: Future<Output = Result<Fetched<Self::Page>, Error<Self::ErrorBody>>>;
    /// How the listing is walked: kind, page size, prefetch and bounds.
    fn page_settings(&self) -> PageSettings;
    /// The request for the page at `at` (every other parameter as set on the builder), started.
    fn fetch_page(&self, at: PageAt) -> Self::Future;
}
