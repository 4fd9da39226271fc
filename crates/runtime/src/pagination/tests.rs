//! The walk of every kind against in-memory listings: which positions are requested, when each
//! listing ends, and the guards (repeats, `max_pages`, `max_items`, errors, prefetch).

use std::future::{Future, Ready};
use std::sync::{Arc, Mutex};

use futures_util::StreamExt;

use super::walk::{fingerprint, fingerprint_text};
use super::*;
use crate::error::Undecoded;

#[derive(Clone, Debug, Default, PartialEq)]
struct TestPage {
    items: Vec<u32>,
    total: Option<u64>,
    more: Option<bool>,
    cursor: Option<String>,
    url: Option<String>,
}

impl Page for TestPage {
    type Item = u32;
    fn items(&self) -> &[u32] {
        &self.items
    }
    fn into_items(self) -> Vec<u32> {
        self.items
    }
    fn total_count(&self) -> Option<u64> {
        self.total
    }
    fn has_more(&self) -> Option<bool> {
        self.more
    }
    fn next_cursor(&self) -> Option<String> {
        self.cursor.clone()
    }
    fn next_url(&self) -> Option<String> {
        self.url.clone()
    }
}

fn page(items: &[u32]) -> TestPage {
    TestPage {
        items: items.to_vec(),
        ..TestPage::default()
    }
}

fn fetched(page: TestPage) -> Result<Fetched<TestPage>, Error> {
    Ok(Fetched {
        page,
        next_link: None,
    })
}

type Serve = fn(&PageAt) -> Result<Fetched<TestPage>, Error>;

/// A listing answering each position with `serve`, recording the positions requested.
struct Listing {
    settings: PageSettings,
    serve: Serve,
    requested: Arc<Mutex<Vec<PageAt>>>,
}

impl Paginated for Listing {
    type Page = TestPage;
    type ErrorBody = Undecoded;
    type Future = Ready<Result<Fetched<TestPage>, Error>>;
    fn page_settings(&self) -> PageSettings {
        self.settings
    }
    fn fetch_page(&self, at: PageAt) -> Self::Future {
        self.requested.lock().expect("lock").push(at.clone());
        std::future::ready((self.serve)(&at))
    }
}

fn settings(walk: Walk, page_size: Option<i64>) -> PageSettings {
    PageSettings {
        walk,
        page_size,
        prefetch: 0,
        max_items: None,
        max_pages: None,
    }
}

fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(future)
}

type Walked = (Vec<Result<TestPage, Error>>, Vec<PageAt>);

/// The stream's results (bounded so a bug cannot hang the test) and the positions requested.
fn walk(settings: PageSettings, serve: Serve) -> Walked {
    let requested = Arc::default();
    let listing = Listing {
        settings,
        serve,
        requested: Arc::clone(&requested),
    };
    let results = block_on(Pages::new(listing).take(100).collect());
    let requested = requested.lock().expect("lock").clone();
    (results, requested)
}

/// The items of the pages walked, failing the test on an error.
fn items(results: &[Result<TestPage, Error>]) -> Vec<u32> {
    results
        .iter()
        .flat_map(|r| r.as_ref().expect("no error").items.clone())
        .collect()
}

fn numbers(range: std::ops::RangeInclusive<i64>) -> Vec<PageAt> {
    range.map(PageAt::Number).collect()
}

fn pagination_error(result: &Result<TestPage, Error>) -> (i64, &str) {
    match result {
        Err(Error::Pagination { page, reason }) => (*page, reason.as_str()),
        other => panic!("expected Error::Pagination, got {other:?}"),
    }
}

#[test]
fn nothing_is_requested_before_the_first_poll() {
    for walk_kind in [
        Walk::Number { first: 1 },
        Walk::Offset { first: 0 },
        Walk::Cursor,
        Walk::NextUrl,
        Walk::LinkHeader,
    ] {
        let requested = Arc::default();
        let listing = Listing {
            settings: settings(walk_kind, Some(3)),
            serve: |_| fetched(page(&[])),
            requested: Arc::clone(&requested),
        };
        let mut pages = Pages::new(listing);
        assert!(requested.lock().expect("lock").is_empty(), "{walk_kind:?}");
        let first = block_on(pages.next());
        assert!(
            matches!(first, Some(Ok(ref p)) if p.items.is_empty()),
            "{first:?}"
        );
        assert!(block_on(pages.next()).is_none());
        let expected = match walk_kind {
            Walk::Number { .. } => PageAt::Number(1),
            Walk::Offset { .. } => PageAt::Offset(0),
            _ => PageAt::Start,
        };
        assert_eq!(
            *requested.lock().expect("lock"),
            [expected],
            "{walk_kind:?}"
        );
    }
}

#[test]
fn page_numbers_end_on_an_empty_or_short_page_no_more_or_the_total() {
    let from_3 = settings(Walk::Number { first: 3 }, Some(2));
    // Full pages 3..=5, then an empty one.
    let (results, requested) = walk(from_3, |at| match at {
        PageAt::Number(n @ 3..=5) => fetched(page(&[*n as u32, 0])),
        _ => fetched(page(&[])),
    });
    assert_eq!(items(&results), [3, 0, 4, 0, 5, 0]);
    assert_eq!(requested, numbers(3..=6));
    // A short page ends it.
    let (results, requested) = walk(from_3, |at| match at {
        PageAt::Number(5) => fetched(page(&[5])),
        PageAt::Number(n) => fetched(page(&[*n as u32, 0])),
        _ => fetched(page(&[])),
    });
    assert_eq!(items(&results), [3, 0, 4, 0, 5]);
    assert_eq!(requested, numbers(3..=5));
    // An unknown page size: a short page does not end it, the empty one does.
    let (results, _) = walk(settings(Walk::Number { first: 1 }, None), |at| match at {
        PageAt::Number(n @ 1..=3) => fetched(page(&[*n as u32])),
        _ => fetched(page(&[])),
    });
    assert_eq!(items(&results), [1, 2, 3]);
    // `has_more == Some(false)` ends it after a full page.
    let (results, requested) = walk(from_3, |at| match at {
        PageAt::Number(n) => fetched(TestPage {
            more: Some(*n < 4),
            ..page(&[*n as u32, 1])
        }),
        _ => fetched(page(&[])),
    });
    assert_eq!(items(&results), [3, 1, 4, 1]);
    assert_eq!(requested, numbers(3..=4));
    // The total ends it once that many items arrived.
    let (results, requested) = walk(from_3, |at| match at {
        PageAt::Number(n) => fetched(TestPage {
            total: Some(5),
            ..page(&[*n as u32, 2])
        }),
        _ => fetched(page(&[])),
    });
    assert_eq!(items(&results), [3, 2, 4, 2, 5, 2]);
    assert_eq!(requested, numbers(3..=5));
}

#[test]
fn offsets_step_by_the_page_size_or_by_the_items_received() {
    let served: Serve = |at| match at {
        PageAt::Offset(o @ 0..=6) => {
            let start = *o as u32 + 10;
            fetched(page(&(start..(start + 3).min(17)).collect::<Vec<_>>()))
        }
        _ => fetched(page(&[])),
    };
    let (results, requested) = walk(settings(Walk::Offset { first: 0 }, Some(3)), served);
    assert_eq!(items(&results), [10, 11, 12, 13, 14, 15, 16]);
    assert_eq!(requested, [0, 3, 6].map(PageAt::Offset));
    // Without a page size: offset = items so far; the short page does not end it, the empty one does.
    let (results, requested) = walk(settings(Walk::Offset { first: 0 }, None), served);
    assert_eq!(items(&results), [10, 11, 12, 13, 14, 15, 16]);
    assert_eq!(requested, [0, 3, 6, 7].map(PageAt::Offset));
    // A page size below 1 counts as unknown.
    let (_, requested) = walk(settings(Walk::Offset { first: 0 }, Some(0)), served);
    assert_eq!(requested, [0, 3, 6, 7].map(PageAt::Offset));
}

/// A cursor listing: `c<k>` names page k; page 3 names none.
fn cursor_page(at: &PageAt) -> Result<Fetched<TestPage>, Error> {
    let k = match at {
        PageAt::Start => 1,
        PageAt::Cursor(c) => c.trim_start_matches('c').parse().expect("cursor"),
        other => panic!("cursor walk asked for {other:?}"),
    };
    fetched(TestPage {
        cursor: (k < 3).then(|| format!("c{}", k + 1)),
        ..page(&[k * 10, k * 10 + 1])
    })
}

#[test]
fn cursors_are_followed_until_none_empty_or_no_more() {
    let (results, requested) = walk(settings(Walk::Cursor, Some(2)), cursor_page);
    assert_eq!(items(&results), [10, 11, 20, 21, 30, 31]);
    assert_eq!(
        requested,
        [
            PageAt::Start,
            PageAt::Cursor("c2".into()),
            PageAt::Cursor("c3".into())
        ]
    );
    // An empty cursor ends it, as does `has_more == Some(false)` with a cursor still named.
    let (results, _) = walk(settings(Walk::Cursor, None), |at| {
        let mut fetched = cursor_page(at)?;
        if fetched.page.cursor.as_deref() == Some("c3") {
            fetched.page.cursor = Some(String::new());
        }
        Ok(fetched)
    });
    assert_eq!(items(&results), [10, 11, 20, 21]);
    let (results, requested) = walk(settings(Walk::Cursor, None), |at| {
        let mut fetched = cursor_page(at)?;
        fetched.page.more = Some(fetched.page.cursor.as_deref() != Some("c2"));
        Ok(fetched)
    });
    assert_eq!(items(&results), [10, 11]);
    assert_eq!(requested, [PageAt::Start]);
    // A short page does not end a sequential walk: only the missing cursor does.
    let (results, _) = walk(settings(Walk::Cursor, Some(50)), cursor_page);
    assert_eq!(results.len(), 3);
}

#[test]
fn an_empty_page_naming_a_cursor_continues_and_a_repeated_cursor_ends_with_an_error() {
    // Pages 1 and 2 are empty but name a cursor (Slack and OData do this).
    let (results, _) = walk(settings(Walk::Cursor, Some(2)), |at| {
        let mut fetched = cursor_page(at)?;
        if fetched.page.cursor.is_some() {
            fetched.page.items.clear();
        }
        Ok(fetched)
    });
    assert_eq!(items(&results), [30, 31]);
    assert_eq!(results.len(), 3);
    // Every page names the same cursor: page 2 is fetched, then its repeat is refused.
    let (results, requested) = walk(settings(Walk::Cursor, None), |at| {
        let k = if *at == PageAt::Start { 1 } else { 2 };
        fetched(TestPage {
            cursor: Some("again".into()),
            ..page(&[k])
        })
    });
    assert_eq!(results.len(), 3, "{results:?}");
    assert_eq!(items(&results[..2]), [1, 2]);
    let (at, reason) = pagination_error(&results[2]);
    assert_eq!(at, 3, "the page that would have followed");
    assert!(reason.contains("cursor"), "{reason}");
    assert_eq!(requested.len(), 2);
    // Empty pages naming one cursor forever: the repeat guard ends them too.
    let (results, requested) = walk(settings(Walk::Cursor, None), |_| {
        fetched(TestPage {
            cursor: Some("same".into()),
            ..page(&[])
        })
    });
    assert_eq!(results.len(), 3);
    assert!(results[2].is_err());
    assert_eq!(requested.len(), 2);
}

#[test]
fn next_urls_from_the_body_and_from_the_link_header_are_followed() {
    let body_url: Serve = |at| {
        let k = match at {
            PageAt::Start => 1,
            PageAt::Url(u) => u.rsplit('=').next().expect("k").parse().expect("k"),
            other => panic!("{other:?}"),
        };
        fetched(TestPage {
            url: (k < 3).then(|| format!("https://api.example.com/items?page={}", k + 1)),
            ..page(&[k])
        })
    };
    let (results, requested) = walk(settings(Walk::NextUrl, None), body_url);
    assert_eq!(items(&results), [1, 2, 3]);
    assert_eq!(
        requested[1..],
        [
            PageAt::Url("https://api.example.com/items?page=2".into()),
            PageAt::Url("https://api.example.com/items?page=3".into())
        ]
    );
    // The Link-header walk reads `next_link`, never the body's URL.
    let link: Serve = |at| {
        let k: u32 = match at {
            PageAt::Start => 1,
            PageAt::Url(u) => u.trim_start_matches("/p").parse().expect("k"),
            other => panic!("{other:?}"),
        };
        Ok(Fetched {
            page: TestPage {
                url: Some("/ignored".into()),
                ..page(&[k])
            },
            next_link: match k {
                1 | 2 => Some(format!("/p{}", k + 1)),
                3 => Some(String::new()),
                _ => None,
            },
        })
    };
    let (results, requested) = walk(settings(Walk::LinkHeader, Some(1)), link);
    assert_eq!(items(&results), [1, 2, 3]);
    assert_eq!(
        requested,
        [
            PageAt::Start,
            PageAt::Url("/p2".into()),
            PageAt::Url("/p3".into())
        ]
    );
    // A link back to an earlier page's URL ends with an error after the pages before it.
    let (results, _) = walk(settings(Walk::LinkHeader, None), |at| {
        Ok(Fetched {
            page: page(&[u32::from(*at == PageAt::Start)]),
            next_link: Some("/loop".into()),
        })
    });
    assert_eq!(results.len(), 3);
    assert!(pagination_error(&results[2]).1.contains("URL"));
}

#[test]
fn items_arrive_in_order_up_to_max_items() {
    let all = |max_items| {
        let settings = PageSettings {
            max_items,
            prefetch: 2,
            ..settings(Walk::Number { first: 1 }, Some(3))
        };
        // Pages 1..=3 full, page 4 short: 10 items in all.
        let listing = Listing {
            settings,
            serve: |at| match at {
                PageAt::Number(n @ 1..=3) => {
                    let n = *n as u32;
                    fetched(page(&[n * 10, n * 10 + 1, n * 10 + 2]))
                }
                _ => fetched(page(&[99])),
            },
            requested: Arc::default(),
        };
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
fn prefetch_requests_ahead_for_addressable_walks_only() {
    let prefetching = |walk_kind| PageSettings {
        prefetch: 3,
        ..settings(walk_kind, Some(2))
    };
    // Page numbers: the end (page 2 short) is learnt with pages 3..=5 already asked for.
    let (results, requested) = walk(prefetching(Walk::Number { first: 1 }), |at| match at {
        PageAt::Number(1) => fetched(page(&[1, 2])),
        _ => fetched(page(&[3])),
    });
    assert_eq!(items(&results), [1, 2, 3]);
    assert_eq!(requested, numbers(1..=5));
    // A cursor walk asks for exactly the pages it hands out.
    let (results, requested) = walk(prefetching(Walk::Cursor), cursor_page);
    assert_eq!(results.len(), 3);
    assert_eq!(requested.len(), 3);
}

#[test]
fn an_error_arrives_after_the_pages_before_it_and_ends_the_stream() {
    let failing: Serve = |at| match at {
        PageAt::Number(n) if *n >= 2 => Err(Error::Pagination {
            page: 0,
            reason: "refused".into(),
        }),
        _ => fetched(page(&[1, 2, 3])),
    };
    let listing = Listing {
        settings: settings(Walk::Number { first: 1 }, Some(3)),
        serve: failing,
        requested: Arc::default(),
    };
    let results: Vec<_> = block_on(Items::new(listing).take(100).collect());
    assert_eq!(results.len(), 4, "{results:?}");
    assert!(matches!(results[..3], [Ok(1), Ok(2), Ok(3)]), "{results:?}");
    // A refusal that did not know its page gets the page's number.
    assert!(
        matches!(results[3], Err(Error::Pagination { page: 2, .. })),
        "{results:?}"
    );
    // A sequential walk's errors name the page's index.
    let (results, _) = walk(settings(Walk::Cursor, None), |at| match at {
        PageAt::Start => fetched(TestPage {
            cursor: Some("x".into()),
            ..page(&[1])
        }),
        _ => Err(Error::Pagination {
            page: 0,
            reason: "refused".into(),
        }),
    });
    assert_eq!(results.len(), 2);
    assert_eq!(pagination_error(&results[1]), (2, "refused"));
}

#[test]
fn cycles_of_any_length_end_the_stream() {
    for cycle in 1..=5u32 {
        // Pages repeat with period `cycle`: 1..=cycle, then page 1 again.
        let serves: [Serve; 5] = [
            |_| fetched(page(&[1, 2, 3])),
            |at| fetched(page(&[(number(at) % 2) as u32; 3])),
            |at| fetched(page(&[(number(at) % 3) as u32 * 10, 1, 2])),
            |at| fetched(page(&[0, 1, (number(at) % 4) as u32])),
            |at| fetched(page(&[(number(at) % 5) as u32, (number(at) % 5) as u32, 9])),
        ];
        let (results, _) = walk(
            settings(Walk::Number { first: 1 }, Some(3)),
            serves[cycle as usize - 1],
        );
        assert_eq!(results.len() as u32, cycle + 1, "cycle {cycle}");
        let (at, _) = pagination_error(&results[cycle as usize]);
        assert_eq!(at, i64::from(cycle) + 1, "cycle {cycle}");
    }
}

fn number(at: &PageAt) -> i64 {
    match at {
        PageAt::Number(n) => *n,
        other => panic!("{other:?}"),
    }
}

#[test]
fn max_pages_ends_every_kind_with_an_error_after_the_last_page_allowed() {
    let bounded = |walk_kind| PageSettings {
        max_pages: Some(50),
        ..settings(walk_kind, Some(3))
    };
    // Distinct full pages forever.
    let (results, requested) = walk(bounded(Walk::Number { first: 1 }), |at| {
        let n = number(at) as u32;
        fetched(page(&[n, 0, n]))
    });
    assert_eq!(results.len(), 51);
    assert!(results[..50].iter().all(Result::is_ok));
    assert_eq!(pagination_error(&results[50]).0, 51);
    assert_eq!(requested.len(), 50);
    // Offsets: the error names the page's index, not its offset.
    let (results, _) = walk(bounded(Walk::Offset { first: 0 }), |at| match at {
        PageAt::Offset(o) => fetched(page(&[*o as u32, 1, 2])),
        other => panic!("{other:?}"),
    });
    assert_eq!(results.len(), 51);
    assert_eq!(pagination_error(&results[50]).0, 51);
    // Cursors: distinct cursors forever; no request past the bound.
    let (results, requested) = walk(bounded(Walk::Cursor), |at| {
        let k = match at {
            PageAt::Cursor(c) => c.parse::<u32>().expect("k"),
            _ => 0,
        };
        fetched(TestPage {
            cursor: Some((k + 1).to_string()),
            ..page(&[k])
        })
    });
    assert_eq!(results.len(), 51);
    assert_eq!(pagination_error(&results[50]).0, 51);
    assert_eq!(requested.len(), 50);
}

#[test]
fn page_positions_that_run_out_end_with_an_error() {
    let (results, requested) = walk(
        settings(
            Walk::Number {
                first: i64::MAX - 1,
            },
            Some(1),
        ),
        |at| fetched(page(&[number(at).rem_euclid(1000) as u32])),
    );
    assert_eq!(results.len(), 3);
    let (_, reason) = pagination_error(&results[2]);
    assert!(reason.contains("run out"), "{reason}");
    assert_eq!(
        requested,
        [PageAt::Number(i64::MAX - 1), PageAt::Number(i64::MAX)]
    );
    let (results, _) = walk(
        settings(
            Walk::Offset {
                first: i64::MAX - 2,
            },
            Some(3),
        ),
        |at| match at {
            PageAt::Offset(o) => fetched(page(&[(*o % 7) as u32, 1, 2])),
            other => panic!("{other:?}"),
        },
    );
    assert_eq!(results.len(), 2);
    assert!(pagination_error(&results[1]).1.contains("run out"));
}

#[test]
fn a_bare_array_is_a_page() {
    let array = vec!["a".to_owned(), "b".to_owned()];
    assert_eq!(Page::items(&array), ["a", "b"]);
    assert_eq!(array.total_count(), None);
    assert_eq!(array.has_more(), None);
    assert_eq!(array.next_cursor(), None);
    assert_eq!(array.next_url(), None);
    assert_eq!(array.into_items(), ["a", "b"]);
}

#[test]
fn fingerprints_tell_pages_and_positions_apart() {
    assert_eq!(fingerprint(&[1u32, 2, 3]), fingerprint(&[1u32, 2, 3]));
    assert_ne!(fingerprint(&[1u32, 2, 3]), fingerprint(&[1u32, 3]));
    assert_ne!(fingerprint(&[1u32, 2, 3]), fingerprint(&[2u32, 2, 3]));
    assert_ne!(fingerprint(&[1u32, 2, 3]), fingerprint(&[1u32, 2, 4]));
    assert_ne!(fingerprint::<u32>(&[]), fingerprint(&[0u32]));
    assert_eq!(fingerprint_text("c1"), fingerprint_text("c1"));
    assert_ne!(fingerprint_text("c1"), fingerprint_text("c2"));
    assert_ne!(fingerprint_text(""), fingerprint_text("c"));
}
