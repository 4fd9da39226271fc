//! Streams over paginated list operations (`pageNum` / `itemsPerPage`, a `results` array, `totalCount`,
//! `links`).
//!
//! Termination never relies on one signal alone: a listing ends on an empty or short page, on a page whose
//! `links` lack `next`, or once `totalCount` items have arrived (Atlas documents it as an estimate, so it only
//! ever *ends* a listing, it never extends one). A server that serves a page it served before (a cycle of
//! any length: A, A or A, B, A, B…) ends the stream with [`Error::Pagination`] instead of looping forever;
//! pages are remembered as 128-bit fingerprints of their count and end items (16 bytes each, at most
//! `max_pages` of them). A listing also ends with [`Error::Pagination`] after `max_pages` pages (default
//! [`DEFAULT_MAX_PAGES`]) or when page numbers run out (`i64::MAX`).

use std::collections::HashSet;
use std::future::Future;
use std::hash::{DefaultHasher, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{FuturesOrdered, Stream, StreamExt};

use super::Error;

/// A page of a paginated listing. Implemented by the generated page types.
pub trait Page: Send + 'static {
    /// The listed item type.
    type Item: Clone + PartialEq + serde::Serialize + Send + 'static;
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
    /// Most pages one listing may take before it ends with [`Error::Pagination`]
    /// (`None`: [`DEFAULT_MAX_PAGES`]).
    pub max_pages: Option<u64>,
}

/// Default bound on pages in one listing: 10,000 pages of up to 500 items (5 million items) is far
/// beyond any real export listing, and ends a runaway server after minutes, not days.
pub const DEFAULT_MAX_PAGES: u64 = 10_000;

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
    type Future: Future<Output = Result<Self::Page, Error<Self::ErrorBody>>>;
    /// How the listing is walked: first page, page size, prefetch and bounds.
    fn page_settings(&self) -> PageSettings;
    /// The request for page `page` (every other parameter as set on the builder), started.
    fn fetch_page(&self, page: i64) -> Self::Future;
}

/// The pages of a listing, in order: what the generated `into_pages` returns.
///
/// A `Stream` of `Result<page, Error>`. It ends on an empty or short page, a page whose `links` lack
/// `next`, or once `totalCount` items have arrived; a repeated page or more than `max_pages` pages end
/// it with [`Error::Pagination`]. An error is yielded once, after every page received before it.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<O: Paginated> {
    operation: O,
    settings: PageSettings,
    max_pages: u64,
    /// Pages requested so far (the next request is page `first_page + requested`).
    requested: u64,
    /// Pages handed out so far.
    yielded: u64,
    in_flight: FuturesOrdered<O::Future>,
    seen_items: u64,
    /// Fingerprints of the non-empty pages handed out (at most `max_pages`).
    seen_pages: HashSet<u128>,
    /// An error to hand out after the page that revealed it.
    pending_error: Option<Error<O::ErrorBody>>,
    done: bool,
}

// Nothing in `Pages` is ever pinned in place: the page futures live in `FuturesOrdered`, which
// boxes them, and the other fields are only moved or read.
impl<O: Paginated> Unpin for Pages<O> {}

impl<O: Paginated> Pages<O> {
    /// The listing `operation` describes, walked from its first page; nothing is sent before the
    /// first poll.
    pub fn new(operation: O) -> Self {
        let settings = operation.page_settings();
        Pages {
            operation,
            settings,
            max_pages: settings.max_pages.unwrap_or(DEFAULT_MAX_PAGES).max(1),
            requested: 0,
            yielded: 0,
            in_flight: FuturesOrdered::new(),
            seen_items: 0,
            seen_pages: HashSet::new(),
            pending_error: None,
            done: false,
        }
    }

    /// `pageNum` of the page `index` pages after the first; `None` past `i64::MAX`.
    fn page_num(&self, index: u64) -> Option<i64> {
        i64::try_from(index)
            .ok()
            .and_then(|i| self.settings.first_page.checked_add(i))
    }

    /// Keeps `prefetch + 1` requests in flight; `FuturesOrdered` yields them in page order.
    fn request_ahead(&mut self) {
        while self.in_flight.len() <= self.settings.prefetch && self.requested < self.max_pages {
            let Some(num) = self.page_num(self.requested) else {
                break;
            };
            self.in_flight.push_back(self.operation.fetch_page(num));
            self.requested = self.requested.saturating_add(1);
        }
    }

    /// Ends the listing; requests in flight for later pages are dropped (cancelled).
    fn finish(&mut self) {
        self.done = true;
        self.in_flight = FuturesOrdered::new();
    }

    /// What to hand out for page `page_num`, received: the page, or the error a repeated page
    /// means; notes whether the listing ends here.
    fn receive(&mut self, page: O::Page, page_num: i64) -> Result<O::Page, Error<O::ErrorBody>> {
        let count = page.items().len();
        if count > 0 && !self.seen_pages.insert(fingerprint(page.items())) {
            self.finish();
            let reason = format!("the server returned the {count} items of an earlier page again; stopping instead of looping");
            return Err(Error::Pagination {
                page: page_num,
                reason,
            });
        }
        self.seen_items = self.seen_items.saturating_add(count as u64);
        let short = i64::try_from(count).unwrap_or(i64::MAX) < self.settings.page_size;
        let no_next = page.has_next_link() == Some(false);
        let total_reached = page
            .total_count()
            .is_some_and(|total| self.seen_items >= total);
        let capped = self
            .settings
            .max_items
            .is_some_and(|max| self.seen_items >= max as u64);
        if count == 0 || short || no_next || total_reached || capped {
            self.finish();
            return Ok(page);
        }
        // The listing claims more pages than allowed: hand out this one, then the error.
        let reason = match self.page_num(self.yielded) {
            None => "page numbers run out (i64::MAX)".to_owned(),
            Some(_) if self.yielded >= self.max_pages => format!(
                "the listing has more than {} pages (max_pages)",
                self.max_pages
            ),
            Some(_) => return Ok(page),
        };
        self.finish();
        self.pending_error = Some(Error::Pagination {
            page: page_num.saturating_add(1),
            reason,
        });
        Ok(page)
    }
}

impl<O: Paginated> Stream for Pages<O> {
    type Item = Result<O::Page, Error<O::ErrorBody>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(error) = this.pending_error.take() {
            return Poll::Ready(Some(Err(error)));
        }
        if this.done {
            return Poll::Ready(None);
        }
        this.request_ahead();
        let received = match this.in_flight.poll_next_unpin(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(received) => received,
        };
        let page_num = this.page_num(this.yielded).unwrap_or(i64::MAX);
        this.yielded = this.yielded.saturating_add(1);
        Poll::Ready(match received {
            Some(Ok(page)) => Some(this.receive(page, page_num)),
            Some(Err(error)) => {
                this.finish();
                Some(Err(error))
            }
            None => {
                this.done = true;
                None
            }
        })
    }
}

/// A 128-bit fingerprint of a page: its item count and its first and last items (two SipHash runs
/// over their JSON). Items of a well-behaved listing never repeat across pages, so the ends identify
/// a page; hashing only them keeps the cost per page constant (hashing every item would mean
/// serializing the whole page again).
fn fingerprint<T: serde::Serialize>(items: &[T]) -> u128 {
    struct HashWriter(DefaultHasher, DefaultHasher);
    impl std::io::Write for HashWriter {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0.write(data);
            self.1.write(data);
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut second = DefaultHasher::new();
    second.write_u64(0x9e37_79b9_7f4a_7c15);
    let mut w = HashWriter(DefaultHasher::new(), second);
    // Serializing generated types into a hasher cannot fail; a failure leaves a partial hash, still
    // deterministic for equal items.
    w.0.write_usize(items.len());
    w.1.write_usize(items.len());
    let _ = serde_json::to_writer(&mut w, &(items.first(), items.last()));
    (u128::from(w.0.finish()) << 64) | u128::from(w.1.finish())
}

/// Every item of every page of a listing, in order: what the generated `into_stream` returns.
///
/// Ends where [`Pages`] ends, or after `max_items` items; an error arrives after every item received
/// before it.
#[must_use = "streams do nothing unless polled"]
pub struct Items<O: Paginated> {
    pages: Pages<O>,
    batch: std::vec::IntoIter<<O::Page as Page>::Item>,
    /// Items (or errors) still to hand out when `max_items` is set.
    remaining: Option<usize>,
}

// As for `Pages`: no field is pinned in place.
impl<O: Paginated> Unpin for Items<O> {}

impl<O: Paginated> Items<O> {
    /// The items of the listing `operation` describes; nothing is sent before the first poll.
    pub fn new(operation: O) -> Self {
        let pages = Pages::new(operation);
        let remaining = pages.settings.max_items;
        Items {
            pages,
            batch: Vec::new().into_iter(),
            remaining,
        }
    }
}

impl<O: Paginated> Stream for Items<O> {
    type Item = Result<<O::Page as Page>::Item, Error<O::ErrorBody>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.remaining == Some(0) {
            return Poll::Ready(None);
        }
        // Bounded: `Pages` ends on the first empty page, so every turn but the last takes a page
        // with at least one item.
        let next = loop {
            if let Some(item) = this.batch.next() {
                break Some(Ok(item));
            }
            match this.pages.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(page))) => this.batch = page.into_items().into_iter(),
                Poll::Ready(Some(Err(error))) => break Some(Err(error)),
                Poll::Ready(None) => break None,
            }
        };
        if next.is_some() {
            if let Some(remaining) = &mut this.remaining {
                *remaining = remaining.saturating_sub(1);
            }
        }
        Poll::Ready(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Undecoded;
    use futures_util::StreamExt;

    #[derive(Clone, Debug)]
    struct TestPage(Vec<u32>);

    impl Page for TestPage {
        type Item = u32;
        fn items(&self) -> &[u32] {
            &self.0
        }
        fn into_items(self) -> Vec<u32> {
            self.0
        }
        fn total_count(&self) -> Option<u64> {
            None
        }
        fn has_next_link(&self) -> Option<bool> {
            Some(true)
        }
    }

    fn settings(max_pages: Option<u64>) -> PageSettings {
        PageSettings {
            first_page: 1,
            page_size: 3,
            prefetch: 0,
            max_items: None,
            max_pages,
        }
    }

    /// A listing whose page `n` is `page(n)`, failing from page `fail_at` on; counts requests.
    struct TestListing {
        settings: PageSettings,
        page: fn(i64) -> Vec<u32>,
        fail_at: Option<i64>,
        requests: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    }

    impl Paginated for TestListing {
        type Page = TestPage;
        type ErrorBody = Undecoded;
        type Future = std::future::Ready<Result<TestPage, Error>>;
        fn page_settings(&self) -> PageSettings {
            self.settings
        }
        fn fetch_page(&self, page: i64) -> Self::Future {
            self.requests
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            std::future::ready(match self.fail_at {
                Some(first) if page >= first => Err(Error::Pagination {
                    page,
                    reason: "test".into(),
                }),
                _ => Ok(TestPage((self.page)(page))),
            })
        }
    }

    fn listing(settings: PageSettings, page: fn(i64) -> Vec<u32>) -> TestListing {
        TestListing {
            settings,
            page,
            fail_at: None,
            requests: Default::default(),
        }
    }

    fn block_on<F: Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime")
            .block_on(future)
    }

    /// Full pages served by `page(n)`; the stream's results, bounded so a bug cannot hang the test.
    fn walk(settings: PageSettings, page: fn(i64) -> Vec<u32>) -> Vec<Result<TestPage, Error>> {
        block_on(Pages::new(listing(settings, page)).take(100).collect())
    }

    #[test]
    fn nothing_is_requested_before_the_first_poll() {
        let listing = listing(settings(None), |_| vec![]);
        let requests = listing.requests.clone();
        let mut pages = Pages::new(listing);
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 0);
        let first = block_on(pages.next());
        assert!(
            matches!(first, Some(Ok(ref page)) if page.0.is_empty()),
            "{first:?}"
        );
        assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert!(block_on(pages.next()).is_none());
    }

    #[test]
    fn items_arrive_in_order_up_to_max_items() {
        let all = |max_items| {
            let settings = PageSettings {
                max_items,
                prefetch: 2,
                ..settings(None)
            };
            // Pages 1..=3 full, page 4 short: 10 items in all.
            let listing = listing(settings, |n| match n {
                1..=3 => vec![n as u32 * 10, n as u32 * 10 + 1, n as u32 * 10 + 2],
                _ => vec![99],
            });
            block_on(Items::new(listing).take(100).collect::<Vec<_>>())
                .into_iter()
                .map(|item| item.expect("no error"))
                .collect::<Vec<_>>()
        };
        assert_eq!(all(None), [10, 11, 12, 20, 21, 22, 30, 31, 32, 99]);
        assert_eq!(all(Some(4)), [10, 11, 12, 20]);
        assert_eq!(all(Some(0)), Vec::<u32>::new());
    }

    #[test]
    fn an_error_arrives_after_the_items_before_it_and_ends_the_stream() {
        let listing = TestListing {
            fail_at: Some(2),
            ..listing(settings(None), |_| vec![1, 2, 3])
        };
        let results: Vec<_> = block_on(Items::new(listing).take(100).collect());
        assert_eq!(results.len(), 4, "{results:?}");
        assert!(matches!(results[..3], [Ok(1), Ok(2), Ok(3)]), "{results:?}");
        assert!(
            matches!(results[3], Err(Error::Pagination { page: 2, .. })),
            "{results:?}"
        );
    }

    #[test]
    fn cycles_of_any_length_end_the_stream() {
        for cycle in 1..=5i64 {
            // Pages repeat with period `cycle`: 1..=cycle, then page 1 again.
            let results = walk(
                settings(None),
                match cycle {
                    1 => |_| vec![1, 2, 3],
                    2 => |n| vec![(n % 2) as u32; 3],
                    3 => |n| vec![(n % 3) as u32 * 10, 1, 2],
                    4 => |n| vec![0, 1, (n % 4) as u32],
                    _ => |n| vec![(n % 5) as u32, (n % 5) as u32, 9],
                },
            );
            assert_eq!(results.len() as i64, cycle + 1, "cycle {cycle}");
            match &results[cycle as usize] {
                Err(Error::Pagination { page, .. }) => assert_eq!(*page, cycle + 1),
                other => panic!("cycle {cycle}: {other:?}"),
            }
        }
        // Distinct pages never trip it; max_pages ends them.
        let results = walk(settings(Some(50)), |n| vec![n as u32, 0, n as u32]);
        assert_eq!(results.len(), 51);
        assert!(results[..50].iter().all(Result::is_ok));
        assert!(matches!(
            results[50],
            Err(Error::Pagination { page: 51, .. })
        ));
    }

    #[test]
    fn fingerprints_tell_pages_apart_by_count_and_ends() {
        assert_eq!(fingerprint(&[1u32, 2, 3]), fingerprint(&[1u32, 2, 3]));
        assert_ne!(fingerprint(&[1u32, 2, 3]), fingerprint(&[1u32, 3]));
        assert_ne!(fingerprint(&[1u32, 2, 3]), fingerprint(&[2u32, 2, 3]));
        assert_ne!(fingerprint(&[1u32, 2, 3]), fingerprint(&[1u32, 2, 4]));
        assert_ne!(fingerprint::<u32>(&[]), fingerprint(&[0u32]));
    }
}
