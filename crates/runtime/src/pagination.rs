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

use std::collections::{HashSet, VecDeque};
use std::future::Future;
use std::hash::{DefaultHasher, Hasher};
use std::pin::Pin;

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

/// One page request in flight; `B` is the API's error body.
pub type PageFuture<'a, P, B = crate::error::Undecoded> =
    Pin<Box<dyn Future<Output = Result<P, Error<B>>> + Send + 'a>>;

/// A stream of whole pages, in order.
pub type PageStream<'a, P, B = crate::error::Undecoded> =
    Pin<Box<dyn Stream<Item = Result<P, Error<B>>> + Send + 'a>>;

/// A stream of items across pages, in order.
pub type ItemStream<'a, T, B = crate::error::Undecoded> =
    Pin<Box<dyn Stream<Item = Result<T, Error<B>>> + Send + 'a>>;

/// A stream built on its first poll by `make` (see [`lazy`]).
#[must_use = "streams do nothing unless polled"]
pub struct Lazy<S, M> {
    make: Option<M>,
    stream: Option<S>,
}

/// A stream that calls `make` on its first poll and then yields what that stream yields.
///
/// Generated `into_pages` / `into_stream` return this around [`pages`] / [`items`], so the page walk
/// and the decoding of the page type are compiled in the crate that polls the listing, not once per
/// paginated operation in the generated library.
pub fn lazy<S: Stream + Unpin, M: FnOnce() -> S>(make: M) -> Lazy<S, M> {
    Lazy {
        make: Some(make),
        stream: None,
    }
}

impl<S: Stream + Unpin, M: FnOnce() -> S + Unpin> Stream for Lazy<S, M> {
    type Item = S::Item;

    fn poll_next(
        self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<S::Item>> {
        let this = self.get_mut();
        if let Some(make) = this.make.take() {
            this.stream = Some(make());
        }
        match &mut this.stream {
            Some(stream) => Pin::new(stream).poll_next(cx),
            None => std::task::Poll::Ready(None),
        }
    }
}

struct Walk<'a, P: Page, F, B> {
    fetch: F,
    settings: PageSettings,
    max_pages: u64,
    /// Pages requested so far (the next request is page `first_page + requested`).
    requested: u64,
    /// Pages handed out so far.
    yielded: u64,
    in_flight: FuturesOrdered<PageFuture<'a, P, B>>,
    seen_items: u64,
    /// Fingerprints of the non-empty pages handed out (at most `max_pages`).
    seen_pages: HashSet<u128>,
    /// An error to hand out after the page that revealed it.
    pending_error: Option<Error<B>>,
    done: bool,
}

impl<P: Page, F, B> Walk<'_, P, F, B> {
    /// `pageNum` of the page `index` pages after the first; `None` past `i64::MAX`.
    fn page_num(&self, index: u64) -> Option<i64> {
        i64::try_from(index)
            .ok()
            .and_then(|i| self.settings.first_page.checked_add(i))
    }

    fn may_request(&self) -> bool {
        self.requested < self.max_pages && self.page_num(self.requested).is_some()
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
        max_pages: settings.max_pages.unwrap_or(DEFAULT_MAX_PAGES).max(1),
        requested: 0,
        yielded: 0,
        in_flight: FuturesOrdered::new(),
        seen_items: 0,
        seen_pages: HashSet::new(),
        pending_error: None,
        done: false,
    };
    Box::pin(futures_util::stream::unfold(walk, |mut walk| async move {
        if let Some(error) = walk.pending_error.take() {
            return Some((Err(error), walk));
        }
        if walk.done {
            return None;
        }
        // Keep `prefetch + 1` requests in flight; FuturesOrdered yields them in page order.
        while walk.in_flight.len() <= walk.settings.prefetch && walk.may_request() {
            let Some(num) = walk.page_num(walk.requested) else {
                break;
            };
            let future = (walk.fetch)(num);
            walk.in_flight.push_back(future);
            walk.requested += 1;
        }
        let page_num = walk.page_num(walk.yielded).unwrap_or(i64::MAX);
        walk.yielded += 1;
        let page = match walk.in_flight.next().await {
            Some(Ok(page)) => page,
            Some(Err(error)) => {
                walk.done = true;
                return Some((Err(error), walk));
            }
            None => return None,
        };
        let count = page.items().len();
        if count > 0 && !walk.seen_pages.insert(fingerprint(page.items())) {
            walk.done = true;
            walk.in_flight = FuturesOrdered::new();
            let reason = format!("the server returned the {count} items of an earlier page again; stopping instead of looping");
            let error = Error::Pagination {
                page: page_num,
                reason,
            };
            return Some((Err(error), walk));
        }
        walk.seen_items = walk.seen_items.saturating_add(count as u64);
        let short = i64::try_from(count).unwrap_or(i64::MAX) < walk.settings.page_size;
        let no_next = page.has_next_link() == Some(false);
        let total_reached = page
            .total_count()
            .is_some_and(|total| walk.seen_items >= total);
        let capped = walk
            .settings
            .max_items
            .is_some_and(|max| walk.seen_items >= max as u64);
        let finished = count == 0 || short || no_next || total_reached || capped;
        if finished {
            // Requests already in flight for later pages are dropped (cancelled) here.
            walk.done = true;
            walk.in_flight = FuturesOrdered::new();
        } else if walk.yielded >= walk.max_pages || walk.page_num(walk.yielded).is_none() {
            // The listing claims more pages than allowed: hand out this one, then the error.
            walk.in_flight = FuturesOrdered::new();
            walk.done = true;
            let (limit, next) = (walk.max_pages, walk.page_num(walk.yielded));
            let reason = match next {
                Some(_) => format!("the listing has more than {limit} pages (max_pages)"),
                None => "page numbers run out (i64::MAX)".to_owned(),
            };
            walk.pending_error = Some(Error::Pagination {
                page: page_num.saturating_add(1),
                reason,
            });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lazy_stream_is_built_on_its_first_poll_only() {
        let built = std::sync::atomic::AtomicUsize::new(0);
        let mut stream = lazy(|| {
            built.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            futures_util::stream::iter([1, 2])
        });
        assert_eq!(built.load(std::sync::atomic::Ordering::SeqCst), 0);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let items: Vec<i32> = runtime.block_on(async {
            let mut items = vec![];
            while let Some(item) = stream.next().await {
                items.push(item);
            }
            items
        });
        assert_eq!(items, [1, 2]);
        assert_eq!(built.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

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

    /// Full pages served by `page(n)`; the stream's results, bounded so a bug cannot hang the test.
    fn walk(settings: PageSettings, page: fn(i64) -> Vec<u32>) -> Vec<Result<TestPage, Error>> {
        let stream = pages(settings, move |n| {
            Box::pin(async move { Ok::<_, Error>(TestPage(page(n))) })
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        runtime.block_on(stream.take(100).collect())
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
