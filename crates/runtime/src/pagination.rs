//! Streams over paginated list operations (`pageNum` / `itemsPerPage`, a `results` array, `totalCount`,
//! `links`).
//!
//! Termination never relies on one signal alone: a listing ends on an empty or short page, on a page whose
//! `links` lack `next`, or once `totalCount` items have arrived (Atlas documents it as an estimate, so it only
//! ever *ends* a listing, it never extends one). A server that serves the same page twice ends the stream
//! with [`Error::Pagination`] instead of looping forever.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;

use futures_util::stream::{FuturesOrdered, Stream, StreamExt};

use super::Error;

/// A page of a paginated listing. Implemented by the generated page types.
pub trait Page: Send + 'static {
    /// The listed item type.
    type Item: Clone + PartialEq + Send + 'static;
    /// The page's items (an absent `results` is an empty page).
    fn items(&self) -> &[Self::Item];
    /// The page's items, owned.
    fn into_items(self) -> Vec<Self::Item>;
    /// `totalCount`, when the server sent it.
    fn total_count(&self) -> Option<u64>;
    /// Whether `links` has a `next` relation; `None` when the page has no `links` at all.
    fn has_next_link(&self) -> Option<bool>;
}

/// How a listing is walked. Built by the generated `into_pages` / `into_stream` methods.
#[derive(Debug, Clone, Copy)]
pub struct PageSettings {
    /// First page to fetch (`pageNum`, from 1).
    pub first_page: i64,
    /// Page size (`itemsPerPage`) the server was asked for.
    pub page_size: i64,
    /// Pages fetched ahead of the consumer (0 = strictly one request at a time).
    pub prefetch: usize,
    /// Stop after this many items.
    pub max_items: Option<usize>,
}

/// Upper bound on pages in one listing: far beyond any real Atlas project, small enough to end a runaway.
const MAX_PAGES: i64 = 1_000_000;

/// One page request in flight; `B` is the API's error body.
pub type PageFuture<'a, P, B = crate::error::Undecoded> =
    Pin<Box<dyn Future<Output = Result<P, Error<B>>> + Send + 'a>>;

/// A stream of whole pages, in order.
pub type PageStream<'a, P, B = crate::error::Undecoded> =
    Pin<Box<dyn Stream<Item = Result<P, Error<B>>> + Send + 'a>>;

/// A stream of items across pages, in order.
pub type ItemStream<'a, T, B = crate::error::Undecoded> =
    Pin<Box<dyn Stream<Item = Result<T, Error<B>>> + Send + 'a>>;

struct Walk<'a, P: Page, F, B> {
    fetch: F,
    settings: PageSettings,
    /// Next page number to request.
    next_request: i64,
    /// Page number of the next page to hand out.
    next_yield: i64,
    in_flight: FuturesOrdered<PageFuture<'a, P, B>>,
    seen_items: u64,
    previous: Option<Vec<P::Item>>,
    done: bool,
}

/// Walks a listing page by page; `fetch(page_num)` sends one request.
pub fn pages<'a, P, F, B>(settings: PageSettings, fetch: F) -> PageStream<'a, P, B>
where
    P: Page,
    F: FnMut(i64) -> PageFuture<'a, P, B> + Send + 'a,
    B: Send + 'a,
{
    let walk = Walk {
        fetch,
        settings,
        next_request: settings.first_page,
        next_yield: settings.first_page,
        in_flight: FuturesOrdered::new(),
        seen_items: 0,
        previous: None,
        done: false,
    };
    Box::pin(futures_util::stream::unfold(walk, |mut walk| async move {
        if walk.done {
            return None;
        }
        // Keep `prefetch + 1` requests in flight; FuturesOrdered yields them in page order.
        while walk.in_flight.len() <= walk.settings.prefetch
            && walk.next_request < walk.settings.first_page + MAX_PAGES
        {
            let future = (walk.fetch)(walk.next_request);
            walk.in_flight.push_back(future);
            walk.next_request += 1;
        }
        let page_num = walk.next_yield;
        walk.next_yield += 1;
        let page = match walk.in_flight.next().await {
            Some(Ok(page)) => page,
            Some(Err(error)) => {
                walk.done = true;
                return Some((Err(error), walk));
            }
            None => return None,
        };
        let count = page.items().len();
        if count > 0 && walk.previous.as_deref() == Some(page.items()) {
            walk.done = true;
            let reason = format!("the server returned page {} again (same {count} items); stopping instead of looping", page_num - 1);
            return Some((
                Err(Error::Pagination {
                    page: page_num,
                    reason,
                }),
                walk,
            ));
        }
        walk.seen_items += count as u64;
        let short = (count as i64) < walk.settings.page_size;
        let no_next = page.has_next_link() == Some(false);
        let total_reached = page
            .total_count()
            .is_some_and(|total| walk.seen_items >= total);
        let capped = walk
            .settings
            .max_items
            .is_some_and(|max| walk.seen_items >= max as u64);
        let out_of_pages = page_num + 1 >= walk.settings.first_page + MAX_PAGES;
        if count == 0 || short || no_next || total_reached || capped || out_of_pages {
            // Requests already in flight for later pages are dropped (cancelled) here.
            walk.done = true;
            walk.in_flight = FuturesOrdered::new();
        } else {
            // Kept only to recognise a server that serves the same page twice.
            walk.previous = Some(page.items().to_vec());
        }
        Some((Ok(page), walk))
    }))
}

/// Walks a listing item by item; an error arrives after every item received before it.
pub fn items<'a, P, F, B>(settings: PageSettings, fetch: F) -> ItemStream<'a, P::Item, B>
where
    P: Page,
    F: FnMut(i64) -> PageFuture<'a, P, B> + Send + 'a,
    B: Send + 'a,
{
    let max = settings.max_items;
    let stream = pages(settings, fetch).flat_map(|page| {
        let batch: VecDeque<Result<P::Item, Error<B>>> = match page {
            Ok(page) => page.into_items().into_iter().map(Ok).collect(),
            Err(error) => VecDeque::from([Err(error)]),
        };
        futures_util::stream::iter(batch)
    });
    match max {
        Some(max) => Box::pin(stream.take(max)),
        None => Box::pin(stream),
    }
}
