//! Pagination streams against a loopback server that serves pages computed from the request's `pageNum`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use atlas_backup_exports::{Client, Error, RetryPolicy};
use futures::{StreamExt, TryStreamExt};
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const GROUP: &str = "5f4e3d2c1b0a998877665544";
const CLUSTER: &str = "Cluster0";

/// How the fake server shapes its pages.
#[derive(Clone)]
struct Listing {
    total_items: usize,
    /// Send `links` (with `next` on every page but the last).
    links: bool,
    /// Send `totalCount` (unless the request says includeCount=false).
    count: bool,
    /// Always answer with page 1 (a broken server).
    repeat_first_page: bool,
    /// Answer this page with a 500.
    fail_page: Option<usize>,
    /// Delay per page number (to scramble completion order under prefetch).
    delay: fn(usize) -> Duration,
    requests: Arc<AtomicUsize>,
}

impl Listing {
    fn new(total_items: usize) -> Self {
        Listing {
            total_items,
            links: true,
            count: true,
            repeat_first_page: false,
            fail_page: None,
            delay: |_| Duration::ZERO,
            requests: Arc::default(),
        }
    }
}

fn job(i: usize) -> Value {
    json!({"id": format!("{i:024x}"), "exportBucketId": "65a1b2c3d4e5f60718293a4b", "state": "Successful"})
}

impl Respond for Listing {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let query = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
        };
        let mut page: usize = query("pageNum").and_then(|v| v.parse().ok()).unwrap_or(1);
        let per_page: usize = query("itemsPerPage")
            .and_then(|v| v.parse().ok())
            .unwrap_or(100);
        let include_count = query("includeCount").as_deref() != Some("false");
        if Some(page) == self.fail_page {
            return ResponseTemplate::new(500).set_body_raw(
                r#"{"error":500,"errorCode":"UNEXPECTED_ERROR","reason":"Internal Server Error"}"#,
                "application/json",
            );
        }
        let delay = (self.delay)(page);
        if self.repeat_first_page {
            page = 1;
        }
        let start = (page - 1) * per_page;
        let results: Vec<Value> = (start..(start + per_page).min(self.total_items))
            .map(job)
            .collect();
        let mut body = json!({ "results": results });
        if self.links {
            let base = format!("https://cloud.mongodb.com/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/backup/exports");
            let mut links = vec![
                json!({"rel": "self", "href": format!("{base}?pageNum={page}&itemsPerPage={per_page}")}),
            ];
            if start + per_page < self.total_items || self.repeat_first_page {
                // Query order differs from `self` on purpose: the client must not parse hrefs.
                links.push(json!({"rel": "next", "href": format!("{base}?itemsPerPage={per_page}&pageNum={}", page + 1)}));
            }
            body["links"] = Value::Array(links);
        }
        if self.count && include_count {
            body["totalCount"] = json!(self.total_items);
        }
        ResponseTemplate::new(200).set_delay(delay).set_body_raw(
            body.to_string(),
            "application/vnd.atlas.2023-01-01+json;charset=utf-8",
        )
    }
}

async fn serve(listing: &Listing) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(listing.clone())
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("test-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    (server, client)
}

fn ids(jobs: &[atlas_backup_exports::types::DiskBackupExportJob]) -> Vec<usize> {
    jobs.iter()
        .map(|j| usize::from_str_radix(j.id.as_deref().expect("id"), 16).expect("hex id"))
        .collect()
}

/// The page streams are the runtime's `Pages` / `Items`; `Send` comes from what they hold (auto trait).
fn send_stream<S: futures::Stream + Send + Unpin>(stream: S) -> S {
    stream
}

#[test]
fn page_streams_are_send() {
    let client = Client::builder().build().expect("client");
    let request = client.list_backup_exports(GROUP, CLUSTER);
    drop(send_stream(request.clone().into_pages()));
    drop(send_stream(request.into_stream()));
}

#[tokio::test]
async fn streams_every_item_across_pages_with_next_links() {
    let listing = Listing::new(7);
    let (_server, client) = serve(&listing).await;
    let jobs: Vec<_> = client
        .list_backup_exports(GROUP, CLUSTER)
        .items_per_page(3)
        .into_stream()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(ids(&jobs), (0..7).collect::<Vec<_>>());
    assert_eq!(
        listing.requests.load(Ordering::SeqCst),
        3,
        "3 pages: 3 + 3 + 1"
    );
}

#[tokio::test]
async fn stops_at_page_without_next_link_even_if_full() {
    let mut listing = Listing::new(6);
    listing.count = false;
    let (_server, client) = serve(&listing).await;
    let jobs: Vec<_> = client
        .list_backup_exports(GROUP, CLUSTER)
        .items_per_page(3)
        .into_stream()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(ids(&jobs), (0..6).collect::<Vec<_>>());
    assert_eq!(
        listing.requests.load(Ordering::SeqCst),
        2,
        "page 2 is full but has no next link"
    );
}

#[tokio::test]
async fn without_links_stops_on_short_page() {
    let mut listing = Listing::new(5);
    listing.links = false;
    listing.count = false;
    let (_server, client) = serve(&listing).await;
    let pages: Vec<_> = client
        .list_backup_exports(GROUP, CLUSTER)
        .items_per_page(2)
        .into_pages()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(pages.len(), 3);
    assert_eq!(listing.requests.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn without_links_stops_when_total_count_is_reached() {
    let mut listing = Listing::new(4);
    listing.links = false;
    let (_server, client) = serve(&listing).await;
    let jobs: Vec<_> = client
        .list_backup_exports(GROUP, CLUSTER)
        .items_per_page(2)
        .into_stream()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(ids(&jobs), vec![0, 1, 2, 3]);
    assert_eq!(
        listing.requests.load(Ordering::SeqCst),
        2,
        "no request for an empty third page"
    );
}

#[tokio::test]
async fn include_count_false_is_sent_and_respected() {
    let mut listing = Listing::new(4);
    listing.links = false;
    let (server, client) = serve(&listing).await;
    let jobs: Vec<_> = client
        .list_backup_exports(GROUP, CLUSTER)
        .items_per_page(2)
        .include_count(false)
        .into_stream()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(ids(&jobs), vec![0, 1, 2, 3]);
    // Without a count or links, the only end signal is the empty third page.
    assert_eq!(listing.requests.load(Ordering::SeqCst), 3);
    for request in server.received_requests().await.expect("recorded") {
        assert!(
            request
                .url
                .query()
                .unwrap_or_default()
                .contains("includeCount=false"),
            "{}",
            request.url
        );
    }
}

#[tokio::test]
async fn a_server_repeating_a_page_ends_with_an_error() {
    let mut listing = Listing::new(1000);
    listing.repeat_first_page = true;
    let (_server, client) = serve(&listing).await;
    let items: Vec<Result<_, Error>> = client
        .list_backup_exports(GROUP, CLUSTER)
        .items_per_page(2)
        .into_stream()
        .collect()
        .await;
    assert_eq!(items.len(), 3, "two items of page 1, then the error");
    assert!(items[..2].iter().all(Result::is_ok));
    assert!(
        matches!(items[2], Err(Error::Pagination { page: 2, .. })),
        "{:?}",
        items[2]
    );
    assert_eq!(listing.requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn prefetch_keeps_items_in_order() {
    let mut listing = Listing::new(40);
    // Early pages answer slowest, so later pages complete first.
    listing.delay = |page| Duration::from_millis(60u64.saturating_sub(page as u64 * 6));
    let (_server, client) = serve(&listing).await;
    let jobs: Vec<_> = client
        .list_backup_exports(GROUP, CLUSTER)
        .items_per_page(4)
        .prefetch(4)
        .into_stream()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(ids(&jobs), (0..40).collect::<Vec<_>>());
    // 10 pages; prefetch may have asked for at most 4 pages past the end, never more.
    let requests = listing.requests.load(Ordering::SeqCst);
    assert!((10..=14).contains(&requests), "{requests} requests");
}

#[tokio::test]
async fn an_error_mid_stream_comes_after_the_items_already_received() {
    let mut listing = Listing::new(10);
    listing.fail_page = Some(3);
    let (_server, client) = serve(&listing).await;
    let items: Vec<Result<_, Error>> = client
        .list_backup_exports(GROUP, CLUSTER)
        .items_per_page(2)
        .prefetch(2)
        .into_stream()
        .collect()
        .await;
    assert_eq!(
        items.len(),
        5,
        "4 items from pages 1-2, then the error, then the end"
    );
    assert!(items[..4].iter().all(Result::is_ok));
    let error = items[4].as_ref().expect_err("page 3 fails");
    assert_eq!(error.status(), Some(500));
}

#[tokio::test]
async fn max_items_caps_the_stream() {
    let listing = Listing::new(50);
    let (_server, client) = serve(&listing).await;
    let jobs: Vec<_> = client
        .list_backup_exports(GROUP, CLUSTER)
        .items_per_page(10)
        .max_items(15)
        .into_stream()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(ids(&jobs), (0..15).collect::<Vec<_>>());
    assert_eq!(listing.requests.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn invalid_page_size_fails_before_any_request() {
    let listing = Listing::new(5);
    let (_server, client) = serve(&listing).await;
    let items: Vec<Result<_, Error>> = client
        .list_backup_exports(GROUP, CLUSTER)
        .items_per_page(501)
        .into_stream()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(
        matches!(
            items[0],
            Err(Error::InvalidRequest {
                parameter: "itemsPerPage",
                ..
            })
        ),
        "{:?}",
        items[0]
    );
    assert_eq!(listing.requests.load(Ordering::SeqCst), 0);
}
