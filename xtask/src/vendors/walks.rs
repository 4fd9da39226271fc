//! The test each vendor's subset crate gets (`tests/pages.rs`): one listing walked over three
//! pages on the crate's own mock server, asserting the items and the requests. Pages and items are
//! built from the document's own schemas (`crate::instance`: required members only), written
//! beside the test as `page.json` and `item.json`, and told apart by the test.

use std::path::Path;

use serde_json::Value;

use crate::instance;

/// The listing a vendor's test walks.
pub struct Walk {
    /// Path of the listing (a GET).
    pub path: &'static str,
    /// Member of the page holding the items (`None`: the body is the array of items).
    pub items: Option<&'static str>,
    /// The test's source; `CRATE` stands for the crate's name.
    pub test: &'static str,
}

/// Writes `tests/pages.rs`, `tests/page.json` and `tests/item.json` into the crate `out`.
pub fn write(doc: &Value, walk: &Walk, out: &Path, krate: &str) -> Result<(), String> {
    let page = page_schema(doc, walk.path)?;
    let items = match walk.items {
        Some(member) => page
            .pointer(&format!("/properties/{}", escape(member)))
            .map(|s| resolve(doc, s))
            .ok_or_else(|| format!("the page of {} has no member `{member}`", walk.path))?,
        None => page,
    };
    let item = items
        .get("items")
        .ok_or_else(|| format!("the items of {} are not an array", walk.path))?;
    let tests = out.join("tests");
    std::fs::create_dir_all(&tests)
        .map_err(|e| format!("cannot create {}: {e}", tests.display()))?;
    let json = |value: &Value| serde_json::to_vec_pretty(value).map_err(|e| e.to_string());
    for (file, value) in [
        ("page.json", instance::minimal(doc, page)),
        ("item.json", instance::minimal(doc, item)),
    ] {
        std::fs::write(tests.join(file), json(&value)?)
            .map_err(|e| format!("cannot write {file}: {e}"))?;
    }
    let test = walk.test.replace("CRATE", krate);
    std::fs::write(tests.join("pages.rs"), test).map_err(|e| format!("cannot write pages.rs: {e}"))
}

/// The JSON schema of the 200 response of `GET path`, references followed.
fn page_schema<'a>(doc: &'a Value, path: &str) -> Result<&'a Value, String> {
    let response = doc
        .pointer(&format!("/paths/{}/get/responses/200", escape(path)))
        .map(|r| resolve(doc, r))
        .ok_or_else(|| format!("GET {path} has no 200 response"))?;
    response
        .pointer("/content/application~1json/schema")
        .map(|s| resolve(doc, s))
        .ok_or_else(|| format!("GET {path} answers no JSON"))
}

/// `value`, or what its `$ref` chain ends at (bounded: a reference loop stops at the last hop).
fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> &'a Value {
    for _ in 0..16 {
        let Some(target) = value
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|pointer| doc.pointer(pointer))
        else {
            break;
        };
        value = target;
    }
    value
}

/// A JSON pointer token (RFC 6901).
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// GitHub: `orgs/list-members` (`page`, `per_page`, `Link`), the body the array of members.
pub const GITHUB: &str = r#"//! Written by `cargo xtask vendors`: `Client::orgs_list_members` walks three pages on the crate's
//! mock server; the second and third requests are the URLs the previous page's `Link` header named.

use CRATE::mock::{Method, MockResponse, MockServer, MOCK_TOKEN};
use apigen_runtime::Stream;

const ITEM: &[u8] = include_bytes!("item.json");

async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}

/// A member as the document requires one, told apart by `login` and `id`.
fn user(n: u64) -> serde_json::Value {
    let mut user: serde_json::Value = serde_json::from_slice(ITEM).unwrap();
    user["login"] = format!("octocat-{n}").into();
    user["id"] = n.into();
    user
}

/// A page of the members `ids`, its `Link` header naming `links` (`(url, rel)`).
fn page(ids: &[u64], links: &[(String, &str)]) -> MockResponse {
    let body: Vec<serde_json::Value> = ids.iter().map(|n| user(*n)).collect();
    let link: Vec<String> = links
        .iter()
        .map(|(url, rel)| format!("<{url}>; rel=\"{rel}\""))
        .collect();
    MockResponse::new(
        200,
        [
            ("content-type", "application/json; charset=utf-8".to_owned()),
            ("link", link.join(", ")),
        ],
        serde_json::to_vec(&body).unwrap(),
    )
}

#[tokio::test]
async fn three_pages_follow_the_link_header() {
    let server = MockServer::start().await;
    // GitHub's links name the organization by id and repeat the request's parameters.
    let at = |page: u32| format!("{}/organizations/9919/members?per_page=2&page={page}", server.uri());
    let first = server
        .on_orgs_list_members("octo-org")
        .respond_raw(page(&[1, 2], &[(at(2), "next"), (at(3), "last")]));
    server
        .on_request(Method::Get, "/organizations/9919/members")
        .with_query("page", "2")
        .respond_raw(page(&[3, 4], &[(at(1), "prev"), (at(3), "next"), (at(3), "last")]));
    server
        .on_request(Method::Get, "/organizations/9919/members")
        .with_query("page", "3")
        .respond_raw(page(&[5], &[(at(2), "prev"), (at(1), "first")]));

    let client = server.client();
    let mut pages = client.orgs_list_members("octo-org").per_page(2).into_pages();
    let mut sizes = Vec::new();
    let mut logins = Vec::new();
    while let Some(page) = next(&mut pages).await {
        let page = page.unwrap();
        sizes.push(page.len());
        // Strict responses: `login` is required, so a plain `String`.
        logins.extend(page.into_iter().map(|user| user.login));
    }
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(logins, ["octocat-1", "octocat-2", "octocat-3", "octocat-4", "octocat-5"]);

    let sent = server.received();
    let requests: Vec<(&str, &str, &str)> = sent
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.raw_query.as_str()))
        .collect();
    assert_eq!(
        requests,
        [
            ("GET", "/orgs/octo-org/members", "per_page=2"),
            ("GET", "/organizations/9919/members", "per_page=2&page=2"),
            ("GET", "/organizations/9919/members", "per_page=2&page=3"),
        ]
    );
    assert_eq!(first.call_count(), 1);
    let bearer = format!("Bearer {MOCK_TOKEN}");
    for request in &sent {
        assert!(request.matched, "{request:?}");
        assert_eq!(request.header("authorization"), Some(bearer.as_str()));
    }
}
"#;

/// Stripe: `GET /v1/products` (`starting_after` = the last item's `id`, `has_more`, `limit`).
pub const STRIPE: &str = r#"//! Written by `cargo xtask vendors`: `Client::get_products` walks three pages on the crate's mock
//! server, each request after the first asking for the items after the previous page's last id,
//! until a page says `has_more: false`.

use CRATE::mock::MockServer;
use apigen_runtime::Stream;

const PAGE: &[u8] = include_bytes!("page.json");
const ITEM: &[u8] = include_bytes!("item.json");

async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}

/// A list object of the products `ids` (`prod_<n>`).
fn page<T: serde::de::DeserializeOwned>(ids: &[u64], has_more: bool) -> T {
    let mut page: serde_json::Value = serde_json::from_slice(PAGE).unwrap();
    let items: Vec<serde_json::Value> = ids
        .iter()
        .map(|n| {
            let mut item: serde_json::Value = serde_json::from_slice(ITEM).unwrap();
            item["id"] = format!("prod_{n}").into();
            item
        })
        .collect();
    page["data"] = items.into();
    page["has_more"] = has_more.into();
    serde_json::from_value(page).unwrap()
}

#[tokio::test]
async fn three_pages_go_on_from_the_last_id_until_has_more_is_false() {
    let server = MockServer::start().await;
    // The first expectation that matches answers: the one for the first page comes last.
    server
        .on_get_products()
        .with_query("starting_after", "prod_2")
        .respond(page(&[3, 4], true));
    server
        .on_get_products()
        .with_query("starting_after", "prod_4")
        .respond(page(&[5], false));
    server.on_get_products().respond(page(&[1, 2], true));

    let client = server.client();
    let mut items = client.get_products().limit(2).into_stream();
    let mut ids = Vec::new();
    while let Some(item) = next(&mut items).await {
        ids.push(item.unwrap().id);
    }
    assert_eq!(ids, ["prod_1", "prod_2", "prod_3", "prod_4", "prod_5"]);

    let sent = server.received();
    let cursors: Vec<Option<&str>> = sent.iter().map(|r| r.query_value("starting_after")).collect();
    // Three requests: the third page's `has_more: false` ends the listing.
    assert_eq!(cursors, [None, Some("prod_2"), Some("prod_4")]);
    for request in &sent {
        assert!(request.matched, "{request:?}");
        assert_eq!((request.method.as_str(), request.path.as_str()), ("GET", "/v1/products"));
        assert_eq!(request.query_value("limit"), Some("2"));
    }
}
"#;

/// Slack: `conversations.list` (`cursor` = `response_metadata.next_cursor`, `limit`).
pub const SLACK: &str = r#"//! Written by `cargo xtask vendors`: `Client::conversations_list` walks three pages on the crate's
//! mock server, each request after the first sending the previous page's
//! `response_metadata.next_cursor` as `cursor`, until a page's next cursor is empty.

use CRATE::mock::MockServer;
use apigen_runtime::Stream;

const PAGE: &[u8] = include_bytes!("page.json");
const ITEM: &[u8] = include_bytes!("item.json");

async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
}

/// A page of the channels `ids` naming `next_cursor`.
fn page<T: serde::de::DeserializeOwned>(ids: &[&str], next_cursor: &str) -> T {
    let mut page: serde_json::Value = serde_json::from_slice(PAGE).unwrap();
    let channels: Vec<serde_json::Value> = ids
        .iter()
        .map(|id| {
            let mut channel: serde_json::Value = serde_json::from_slice(ITEM).unwrap();
            channel["id"] = (*id).into();
            channel
        })
        .collect();
    page["channels"] = channels.into();
    page["response_metadata"] = serde_json::json!({ "next_cursor": next_cursor });
    serde_json::from_value(page).unwrap()
}

#[tokio::test]
async fn three_pages_follow_next_cursor_until_it_is_empty() {
    let server = MockServer::start().await;
    // Slack's cursors are base64: `=` must reach the server intact. The first expectation that
    // matches answers: the one for the first page comes last.
    server
        .on_conversations_list()
        .with_query("cursor", "dGVhbTpDMDM=")
        .respond(page(&["C03", "C04"], "dGVhbTpDMDU="));
    server
        .on_conversations_list()
        .with_query("cursor", "dGVhbTpDMDU=")
        .respond(page(&["C05"], ""));
    server
        .on_conversations_list()
        .respond(page(&["C01", "C02"], "dGVhbTpDMDM="));

    let client = server.client();
    let mut items = client.conversations_list().limit(2).into_stream();
    let mut ids = Vec::new();
    while let Some(channel) = next(&mut items).await {
        let channel = serde_json::to_value(channel.unwrap()).unwrap();
        ids.push(channel["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids, ["C01", "C02", "C03", "C04", "C05"]);

    let sent = server.received();
    let cursors: Vec<Option<&str>> = sent.iter().map(|r| r.query_value("cursor")).collect();
    // Three requests: the third page's empty next cursor ends the listing.
    assert_eq!(cursors, [None, Some("dGVhbTpDMDM="), Some("dGVhbTpDMDU=")]);
    for request in &sent {
        assert!(request.matched, "{request:?}");
        assert_eq!(request.path, "/conversations.list");
        assert_eq!(request.query_value("limit"), Some("2"));
    }
}
"#;
