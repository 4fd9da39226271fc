//! [`Pages`] and [`Items`]: the walk over a listing, its end rules and its guards (see the module
//! documentation of `pagination`).

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_util::stream::{FuturesOrdered, Stream, StreamExt};

use super::{Fetched, Page, PageAt, PageSettings, Paginated, Walk, DEFAULT_MAX_PAGES};
use crate::Error;

/// How positions are computed, decided once from the settings.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Page `k` is `first + k`.
    Numbers { first: i64 },
    /// Page `k` starts at `first + k * step`.
    Offsets { first: i64, step: i64 },
    /// Each page names the next one (for an offset walk without a page size: `first` plus the
    /// items received so far).
    Sequential,
}

/// The pages of a listing, in order: what the generated `into_pages` returns.
///
/// A `Stream` of `Result<page, Error>`; see the `pagination` module documentation for when it
/// ends. An error is yielded once, after every page received before it; nothing is sent before the
/// first poll.
#[must_use = "streams do nothing unless polled"]
pub struct Pages<O: Paginated> {
    operation: O,
    settings: PageSettings,
    mode: Mode,
    max_pages: u64,
    /// Pages requested so far.
    requested: u64,
    /// Pages handed out so far.
    yielded: u64,
    in_flight: FuturesOrdered<O::Future>,
    /// Sequential walks: the position of the next page, once the page before it named it.
    next: Option<PageAt>,
    seen_items: u64,
    /// Fingerprints of the non-empty pages handed out (at most `max_pages`).
    seen_pages: HashSet<u128>,
    /// Sequential walks: fingerprints of the cursors and URLs followed (at most `max_pages`).
    seen_positions: HashSet<u128>,
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
        let page_size = settings.page_size.filter(|size| *size > 0);
        let (mode, first) = match (settings.walk, page_size) {
            (Walk::Number { first }, _) => (Mode::Numbers { first }, None),
            (Walk::Offset { first }, Some(step)) => (Mode::Offsets { first, step }, None),
            (Walk::Offset { first }, None) => (Mode::Sequential, Some(PageAt::Offset(first))),
            (Walk::Cursor | Walk::NextUrl | Walk::LinkHeader, _) => {
                (Mode::Sequential, Some(PageAt::Start))
            }
        };
        Pages {
            operation,
            settings: PageSettings {
                page_size,
                ..settings
            },
            mode,
            max_pages: settings.max_pages.unwrap_or(DEFAULT_MAX_PAGES).max(1),
            requested: 0,
            yielded: 0,
            in_flight: FuturesOrdered::new(),
            next: first,
            seen_items: 0,
            seen_pages: HashSet::new(),
            seen_positions: HashSet::new(),
            pending_error: None,
            done: false,
        }
    }

    /// The position of page `index` (0-based) of an addressable walk; `None` past `i64::MAX` (or
    /// for a sequential walk).
    fn addressable_at(&self, index: u64) -> Option<PageAt> {
        let index = i64::try_from(index).ok()?;
        match self.mode {
            Mode::Numbers { first } => first.checked_add(index).map(PageAt::Number),
            Mode::Offsets { first, step } => index
                .checked_mul(step)
                .and_then(|delta| first.checked_add(delta))
                .map(PageAt::Offset),
            Mode::Sequential => None,
        }
    }

    /// What `Error::Pagination::page` says for page `index` (0-based): the page number of a
    /// page-number walk, else the page's 1-based index in the listing.
    fn label(&self, index: u64) -> i64 {
        let index = i64::try_from(index).unwrap_or(i64::MAX);
        match self.mode {
            Mode::Numbers { first } => first.saturating_add(index),
            Mode::Offsets { .. } | Mode::Sequential => index.saturating_add(1),
        }
    }

    /// Keeps `prefetch + 1` requests in flight for an addressable walk (`FuturesOrdered` yields
    /// them in page order), one for a sequential walk once its position is known.
    fn request_ahead(&mut self) {
        if let Mode::Sequential = self.mode {
            if self.in_flight.is_empty() && self.requested < self.max_pages {
                if let Some(at) = self.next.take() {
                    self.in_flight.push_back(self.operation.fetch_page(at));
                    self.requested = self.requested.saturating_add(1);
                }
            }
            return;
        }
        while self.in_flight.len() <= self.settings.prefetch && self.requested < self.max_pages {
            let Some(at) = self.addressable_at(self.requested) else {
                break;
            };
            self.in_flight.push_back(self.operation.fetch_page(at));
            self.requested = self.requested.saturating_add(1);
        }
    }

    /// Ends the listing; requests in flight for later pages are dropped (cancelled).
    fn finish(&mut self) {
        self.done = true;
        self.in_flight = FuturesOrdered::new();
        self.next = None;
    }

    /// Ends the listing after the page being handed out, with `reason` for page `index`.
    fn finish_with(&mut self, index: u64, reason: String) {
        self.finish();
        self.pending_error = Some(Error::Pagination {
            page: self.label(index),
            reason,
        });
    }

    /// What to hand out for page `index` (0-based), received: the page, or the error a repeated
    /// page means; notes whether and how the listing goes on.
    fn receive(
        &mut self,
        fetched: Fetched<O::Page>,
        index: u64,
    ) -> Result<O::Page, Error<O::ErrorBody>> {
        let Fetched { page, next_link } = fetched;
        let count = page.items().len();
        if count > 0 && !self.seen_pages.insert(fingerprint(page.items())) {
            self.finish();
            let reason = format!("the server returned the {count} items of an earlier page again; stopping instead of looping");
            return Err(Error::Pagination {
                page: self.label(index),
                reason,
            });
        }
        self.seen_items = self.seen_items.saturating_add(count as u64);
        let total_reached = page
            .total_count()
            .is_some_and(|total| self.seen_items >= total);
        let capped = self
            .settings
            .max_items
            .is_some_and(|max| self.seen_items >= max as u64);
        if page.has_more() == Some(false) || total_reached || capped {
            self.finish();
            return Ok(page);
        }
        let next_index = index.saturating_add(1);
        match self.mode {
            Mode::Numbers { .. } | Mode::Offsets { .. } => {
                let short = self
                    .settings
                    .page_size
                    .is_some_and(|size| i64::try_from(count).unwrap_or(i64::MAX) < size);
                if count == 0 || short {
                    self.finish();
                } else if self.addressable_at(next_index).is_none() {
                    self.finish_with(next_index, "page positions run out (i64::MAX)".into());
                } else if next_index >= self.max_pages {
                    self.finish_with(next_index, self.too_many_pages());
                }
            }
            Mode::Sequential => self.follow_on(&page, next_link, next_index),
        }
        Ok(page)
    }

    /// A sequential walk after `page`: the position of page `next_index`, or the end.
    fn follow_on(&mut self, page: &O::Page, next_link: Option<String>, next_index: u64) {
        let count = page.items().len();
        let next = match self.settings.walk {
            Walk::Cursor => page
                .next_cursor()
                .filter(|c| !c.is_empty())
                .map(PageAt::Cursor),
            Walk::NextUrl => page.next_url().filter(|u| !u.is_empty()).map(PageAt::Url),
            Walk::LinkHeader => next_link.filter(|u| !u.is_empty()).map(PageAt::Url),
            // An offset walk without a page size: empty ends it; offsets only grow, so no repeat.
            Walk::Offset { first } if count > 0 => {
                match i64::try_from(self.seen_items)
                    .ok()
                    .and_then(|seen| first.checked_add(seen))
                {
                    Some(offset) => Some(PageAt::Offset(offset)),
                    None => {
                        return self
                            .finish_with(next_index, "page positions run out (i64::MAX)".into())
                    }
                }
            }
            Walk::Offset { .. } | Walk::Number { .. } => None,
        };
        let Some(next) = next else {
            return self.finish();
        };
        let repeated = match &next {
            PageAt::Cursor(text) | PageAt::Url(text) => {
                !self.seen_positions.insert(fingerprint_text(text))
            }
            _ => false,
        };
        if repeated {
            let what = match next {
                PageAt::Cursor(_) => "cursor",
                _ => "URL",
            };
            let reason = format!(
                "the server named the next-page {what} of an earlier page again; stopping instead of looping"
            );
            return self.finish_with(next_index, reason);
        }
        if next_index >= self.max_pages {
            return self.finish_with(next_index, self.too_many_pages());
        }
        self.next = Some(next);
    }

    fn too_many_pages(&self) -> String {
        format!(
            "the listing has more than {} pages (max_pages)",
            self.max_pages
        )
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
        let index = this.yielded;
        this.yielded = this.yielded.saturating_add(1);
        Poll::Ready(match received {
            Some(Ok(fetched)) => Some(this.receive(fetched, index)),
            Some(Err(mut error)) => {
                this.finish();
                // The runtime's own refusals (e.g. a next URL on another origin) do not know
                // which page they were for.
                if let Error::Pagination { page, .. } = &mut error {
                    if *page == 0 {
                        *page = this.label(index);
                    }
                }
                Some(Err(error))
            }
            None => {
                this.done = true;
                None
            }
        })
    }
}

/// The SipHash pair behind the fingerprints: two keys, 128 bits.
struct HashPair(DefaultHasher, DefaultHasher);

impl HashPair {
    fn new() -> Self {
        let mut second = DefaultHasher::new();
        second.write_u64(0x9e37_79b9_7f4a_7c15);
        HashPair(DefaultHasher::new(), second)
    }

    fn finish(&self) -> u128 {
        (u128::from(self.0.finish()) << 64) | u128::from(self.1.finish())
    }
}

impl std::io::Write for HashPair {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.write(data);
        self.1.write(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A 128-bit fingerprint of a page: its item count and its first and last items (two SipHash runs
/// over their JSON). Items of a well-behaved listing never repeat across pages, so the ends identify
/// a page; hashing only them keeps the cost per page constant (hashing every item would mean
/// serializing the whole page again).
pub(super) fn fingerprint<T: serde::Serialize>(items: &[T]) -> u128 {
    let mut w = HashPair::new();
    w.0.write_usize(items.len());
    w.1.write_usize(items.len());
    // Serializing generated types into a hasher cannot fail; a failure leaves a partial hash, still
    // deterministic for equal items.
    let _ = serde_json::to_writer(&mut w, &(items.first(), items.last()));
    w.finish()
}

/// A 128-bit fingerprint of a cursor or URL (kept instead of the text: a URL may be kilobytes).
pub(super) fn fingerprint_text(text: &str) -> u128 {
    let mut w = HashPair::new();
    w.0.write(text.as_bytes());
    w.1.write(text.as_bytes());
    w.finish()
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
        // Bounded: every turn takes a page from `Pages`, which ends after `max_pages` pages (a
        // sequential walk may go on through empty pages that name a next cursor).
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
