//! Every pagination kind walked on the wire, three pages or more each, through a listing built as
//! a generated builder builds one (`Paginated` over `Call<Fetched<P>, _, JsonPage>`), and the
//! refusal of a next-page URL on another origin.

use std::marker::PhantomData;
use std::sync::{Arc, OnceLock};

use futures_util::{StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::*;
use crate::call::JsonPage;
use crate::testing::TestErrorBody;

static LIST: Operation = Operation {
    operation_id: "listThings",
    method: Method::Get,
    path_template: "/v1/things",
    media_type: "application/json",
};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Thing {
    id: String,
}

/// The request builder of a paginated operation, as generated code writes one: the query names
/// its kind uses, and how it is walked.
struct Listing<'a, P> {
    client: &'a Client,
    walk: Walk,
    page_size: i64,
    /// The query parameter of a page number, offset or cursor.
    position_param: &'static str,
    size_param: &'static str,
    page: PhantomData<fn() -> P>,
}

impl<'a, P> Listing<'a, P> {
    fn new(client: &'a Client, walk: Walk, position_param: &'static str) -> Self {
        Listing {
            client,
            walk,
            page_size: 2,
            position_param,
            size_param: "per_page",
            page: PhantomData,
        }
    }

    fn build_request(&self, at: PageAt) -> Result<Request, Error> {
        let mut request = Request::new(&LIST, "/v1/things".into());
        request.header("X-Trace", Some("t-1"));
        request.query(self.size_param, Some(self.page_size));
        match at {
            PageAt::Start => {}
            PageAt::Number(n) | PageAt::Offset(n) => request.query(self.position_param, Some(n)),
            PageAt::Cursor(cursor) => request.query(self.position_param, Some(cursor)),
            PageAt::Url(url) => request.follow(url),
        }
        Ok(request)
    }
}

impl<'a, P: Page + DeserializeOwned> Paginated for Listing<'a, P> {
    type Page = P;
    type ErrorBody = TestErrorBody;
    type Future = Call<'a, Fetched<P>, TestErrorBody, JsonPage>;
    fn page_settings(&self) -> PageSettings {
        PageSettings {
            walk: self.walk,
            page_size: Some(self.page_size),
            prefetch: 0,
            max_items: None,
            max_pages: None,
        }
    }
    fn fetch_page(&self, at: PageAt) -> Self::Future {
        Call::new(&self.client.0, self.build_request(at))
    }
}

/// The query parameter `name` of a request target, undecoded.
fn param<'t>(target: &'t str, name: &str) -> Option<&'t str> {
    let query = target.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix(name)?.strip_prefix('='))
}

/// Things `from..to` (of `TOTAL`) as JSON values.
fn things(from: usize, to: usize) -> Vec<serde_json::Value> {
    (from..to.min(TOTAL))
        .map(|i| serde_json::json!({ "id": format!("t{i}") }))
        .collect()
}

const TOTAL: usize = 7;

fn json_reply(body: serde_json::Value) -> Reply {
    reply(200, &body.to_string())
}

fn client(server: &Server) -> Client {
    Client::builder()
        .base_url(&server.base)
        .bearer_token("page-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn walk<P: Page<Item = Thing> + DeserializeOwned>(listing: Listing<'_, P>) -> Vec<String> {
    let things: Vec<Thing> = Items::new(listing)
        .take(50)
        .try_collect()
        .await
        .expect("listing");
    things.into_iter().map(|t| t.id).collect()
}

fn all_ids() -> Vec<String> {
    (0..TOTAL).map(|i| format!("t{i}")).collect()
}

/// The targets the server saw, after checking each request carried the credential and header.
fn targets(server: &Server) -> Vec<String> {
    server
        .requests()
        .into_iter()
        .map(|seen| {
            assert_eq!(
                seen.headers.get("authorization").map(String::as_str),
                Some("Bearer page-token")
            );
            assert_eq!(seen.headers.get("x-trace").map(String::as_str), Some("t-1"));
            seen.target
        })
        .collect()
}

#[derive(Debug, Deserialize)]
struct CountedPage {
    results: Vec<Thing>,
    total_count: Option<u64>,
}

impl Page for CountedPage {
    type Item = Thing;
    fn items(&self) -> &[Thing] {
        &self.results
    }
    fn into_items(self) -> Vec<Thing> {
        self.results
    }
    fn total_count(&self) -> Option<u64> {
        self.total_count
    }
}

#[tokio::test]
async fn page_numbers_walk_to_the_short_page() {
    let server = Server::start(|seen| {
        let page: usize = param(&seen.target, "page").map_or(1, |p| p.parse().unwrap());
        json_reply(serde_json::json!({ "results": things((page - 1) * 2, page * 2) }))
    });
    let client = client(&server);
    let ids = walk(Listing::<CountedPage>::new(
        &client,
        Walk::Number { first: 1 },
        "page",
    ))
    .await;
    assert_eq!(ids, all_ids());
    assert_eq!(
        targets(&server),
        (1..=4)
            .map(|p| format!("/v1/things?per_page=2&page={p}"))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn offsets_walk_until_the_total_is_reached() {
    let server = Server::start(|seen| {
        let offset: usize = param(&seen.target, "offset").map_or(0, |o| o.parse().unwrap());
        let limit: usize = param(&seen.target, "limit").unwrap().parse().unwrap();
        json_reply(serde_json::json!({
            "results": things(offset, offset + limit),
            "total_count": TOTAL,
        }))
    });
    let client = client(&server);
    let mut listing = Listing::<CountedPage>::new(&client, Walk::Offset { first: 0 }, "offset");
    listing.size_param = "limit";
    listing.page_size = 3;
    assert_eq!(walk(listing).await, all_ids());
    // 3 + 3 + 1 items: the count ends it, the third page being short would too.
    assert_eq!(
        targets(&server),
        [0, 3, 6].map(|o| format!("/v1/things?limit=3&offset={o}"))
    );
}

#[derive(Debug, Deserialize)]
struct MetadataPage {
    members: Vec<Thing>,
    response_metadata: Metadata,
}

#[derive(Debug, Deserialize)]
struct Metadata {
    next_cursor: String,
}

impl Page for MetadataPage {
    type Item = Thing;
    fn items(&self) -> &[Thing] {
        &self.members
    }
    fn into_items(self) -> Vec<Thing> {
        self.members
    }
    fn next_cursor(&self) -> Option<String> {
        Some(self.response_metadata.next_cursor.clone())
    }
}

#[tokio::test]
async fn a_next_cursor_member_is_followed_until_it_is_empty() {
    // Cursors are opaque: `p<page>`; the second page is empty but names the next (as Slack does).
    let server = Server::start(|seen| {
        let page: usize = param(&seen.target, "cursor").map_or(1, |c| c[1..].parse().unwrap());
        let members = match page {
            2 => vec![],
            1 => things(0, 3),
            _ => things(3 * (page - 2), 3 * (page - 1)),
        };
        let next = if page < 4 {
            format!("p{}", page + 1)
        } else {
            String::new()
        };
        json_reply(serde_json::json!({
            "members": members,
            "response_metadata": { "next_cursor": next },
        }))
    });
    let client = client(&server);
    let ids = walk(Listing::<MetadataPage>::new(
        &client,
        Walk::Cursor,
        "cursor",
    ))
    .await;
    assert_eq!(ids, all_ids());
    assert_eq!(
        targets(&server),
        [
            "/v1/things?per_page=2",
            "/v1/things?per_page=2&cursor=p2",
            "/v1/things?per_page=2&cursor=p3",
            "/v1/things?per_page=2&cursor=p4",
        ]
    );
}

#[derive(Debug, Deserialize)]
struct HasMorePage {
    data: Vec<Thing>,
    has_more: bool,
}

impl Page for HasMorePage {
    type Item = Thing;
    fn items(&self) -> &[Thing] {
        &self.data
    }
    fn into_items(self) -> Vec<Thing> {
        self.data
    }
    fn has_more(&self) -> Option<bool> {
        Some(self.has_more)
    }
    fn next_cursor(&self) -> Option<String> {
        self.data.last().map(|item| item.id.clone())
    }
}

#[tokio::test]
async fn the_last_items_id_is_the_cursor_until_has_more_is_false() {
    let server = Server::start(|seen| {
        let from = param(&seen.target, "starting_after")
            .map_or(0, |id| id[1..].parse::<usize>().unwrap() + 1);
        json_reply(serde_json::json!({
            "data": things(from, from + 2),
            "has_more": from + 2 < TOTAL,
        }))
    });
    let client = client(&server);
    let ids = walk(Listing::<HasMorePage>::new(
        &client,
        Walk::Cursor,
        "starting_after",
    ))
    .await;
    assert_eq!(ids, all_ids());
    assert_eq!(
        targets(&server),
        [
            "/v1/things?per_page=2",
            "/v1/things?per_page=2&starting_after=t1",
            "/v1/things?per_page=2&starting_after=t3",
            "/v1/things?per_page=2&starting_after=t5",
        ]
    );
}

#[derive(Debug, Deserialize)]
struct ODataPage {
    value: Vec<Thing>,
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
}

impl Page for ODataPage {
    type Item = Thing;
    fn items(&self) -> &[Thing] {
        &self.value
    }
    fn into_items(self) -> Vec<Thing> {
        self.value
    }
    fn next_url(&self) -> Option<String> {
        self.next_link.clone()
    }
}

#[tokio::test]
async fn a_next_url_in_the_body_is_followed_absolute_or_relative() {
    let base = Arc::new(OnceLock::<String>::new());
    let server_base = Arc::clone(&base);
    let server = Server::start(move |seen| {
        let skip: usize = param(&seen.target, "$skiptoken").map_or(0, |s| s.parse().unwrap());
        // Page 2's link is absolute, page 3's relative to the base; the last page has none.
        let next = match skip {
            0 => Some(format!(
                "{}/v1/things?$skiptoken=3",
                server_base.get().unwrap()
            )),
            3 => Some("/v1/things?$skiptoken=6#ignored".to_owned()),
            _ => None,
        };
        json_reply(serde_json::json!({ "value": things(skip, skip + 3), "@odata.nextLink": next }))
    });
    base.set(server.base.clone()).unwrap();
    let client = client(&server);
    let ids = walk(Listing::<ODataPage>::new(&client, Walk::NextUrl, "")).await;
    assert_eq!(ids, all_ids());
    // A followed URL replaces the query the builder set.
    assert_eq!(
        targets(&server),
        [
            "/v1/things?per_page=2",
            "/v1/things?$skiptoken=3",
            "/v1/things?$skiptoken=6",
        ]
    );
}

/// A GitHub-style listing on `server`: a bare array per page, the next page in the `Link` header
/// (absolute on page 1, relative after), with `prev`, `first` and `last` links beside it.
fn link_header_listing(seen: &Seen, base: &str) -> Reply {
    let page: usize = param(&seen.target, "page").map_or(1, |p| p.parse().unwrap());
    let last = TOTAL.div_ceil(2);
    let mut links = vec![
        format!("<{base}/v1/things?page=1&per_page=2>; rel=\"first\""),
        format!("<{base}/v1/things?page={last}&per_page=2>; rel=\"last\""),
    ];
    if page < last {
        let target = if page == 1 {
            format!("{base}/v1/things?page=2&per_page=2")
        } else {
            format!("things?page={}&per_page=2", page + 1)
        };
        links.insert(1, format!("<{target}>; rel=\"next\""));
    }
    let mut reply = json_reply(serde_json::Value::Array(things(2 * (page - 1), 2 * page)));
    // Split over two header lines, as some proxies do.
    let (first, rest) = links.split_at(1);
    reply.headers.push(("Link", first.join(", ")));
    reply.headers.push(("Link", rest.join(", ")));
    reply
}

#[tokio::test]
async fn the_link_headers_next_relation_is_followed() {
    let base = Arc::new(OnceLock::<String>::new());
    let server_base = Arc::clone(&base);
    let server = Server::start(move |seen| link_header_listing(seen, server_base.get().unwrap()));
    base.set(server.base.clone()).unwrap();
    let client = client(&server);
    let ids = walk(Listing::<Vec<Thing>>::new(
        &client,
        Walk::LinkHeader,
        "page",
    ))
    .await;
    assert_eq!(ids, all_ids());
    assert_eq!(
        targets(&server),
        [
            "/v1/things?per_page=2",
            "/v1/things?page=2&per_page=2",
            "/v1/things?page=3&per_page=2",
            "/v1/things?page=4&per_page=2",
        ]
    );
}

#[tokio::test]
async fn a_next_page_on_another_origin_is_refused_before_anything_is_sent() {
    // Another loopback server on another port: a different origin, as an attacker's host is.
    let elsewhere = Server::start(|_| json_reply(serde_json::json!([{ "id": "stolen" }])));
    let foreign = elsewhere.base.clone();
    let server = Server::start(move |seen| link_header_listing(seen, &foreign));
    let client = client(&server);
    let results: Vec<Result<Vec<Thing>, Error>> = Pages::new(Listing::<Vec<Thing>>::new(
        &client,
        Walk::LinkHeader,
        "page",
    ))
    .take(10)
    .collect()
    .await;
    assert_eq!(results.len(), 2, "{results:?}");
    assert_eq!(results[0].as_ref().expect("page 1").len(), 2);
    match &results[1] {
        Err(Error::Pagination { page: 2, reason }) => {
            assert!(reason.contains("another origin"), "{reason}");
            assert!(reason.contains(&elsewhere.base), "{reason}");
            assert!(
                !reason.contains("page=2"),
                "the URL is not quoted: {reason}"
            );
        }
        other => panic!("expected the refusal, got {other:?}"),
    }
    assert!(
        elsewhere.requests().is_empty(),
        "nothing reached the other origin"
    );
    assert_eq!(server.requests().len(), 1);

    // The same refusal for a URL followed by hand; same-origin ones go through.
    for (url, refused) in [
        (format!("{}/v1/things", elsewhere.base), true),
        ("https://127.0.0.1/v1/things".to_owned(), true),
        ("ftp://127.0.0.1/v1/things".to_owned(), true),
        (server.base.replace("http://", "http://user:pw@"), true),
        ("http://[::1".to_owned(), true),
        (format!("{}/v1/things?page=3", server.base), false),
    ] {
        let mut request = Request::new(&LIST, "/v1/things".into());
        request.follow(url.clone());
        let result = client.execute::<TestErrorBody>(request).await;
        match result {
            Err(Error::Pagination { page: 0, .. }) if refused => {}
            Ok(response) if !refused => assert_eq!(response.status(), 200),
            other => panic!("{url}: {other:?}"),
        }
    }
    assert!(elsewhere.requests().is_empty());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_followed_url_is_retried_like_any_request() {
    let first = std::sync::Mutex::new(true);
    let server = Server::start(move |_| {
        if std::mem::take(&mut *first.lock().unwrap()) {
            reply(503, "")
        } else {
            json_reply(serde_json::json!([{ "id": "t0" }]))
        }
    });
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("page-token")
        .retry_policy(fast_retries())
        .build()
        .unwrap();
    let mut request = Request::new(&LIST, "/v1/things".into());
    request.header("X-Trace", Some("t-1"));
    request.follow("things?page=2".into());
    let page: Vec<Thing> = client
        .execute::<TestErrorBody>(request)
        .await
        .expect("retried")
        .json()
        .expect("page");
    assert_eq!(page.len(), 1);
    assert_eq!(targets(&server), ["/v1/things?page=2", "/v1/things?page=2"]);
}
