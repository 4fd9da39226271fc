//! The client against servers that misbehave on purpose (issue 12): each test runs its own raw
//! loopback server and checks one property — a typed error, a bounded count of requests, a value
//! decoded — never merely "did not panic".

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use atlas_backup_exports::runtime::{AuthErrorKind, TransportKind, WaitError};
use atlas_backup_exports::{Client, Error, RetryPolicy};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const GROUP: &str = "6620a7f3c9d84e1b5a7f0c21";
const CLUSTER: &str = "Cluster0";
const BUCKET: &str = "66b0f3d2a81c4e5f9d7a1b20";
const EXPORT: &str = "65a1b2c3d4e5f60718293a4d";
const V2024: &str = "application/vnd.atlas.2024-05-30+json";
const V2023: &str = "application/vnd.atlas.2023-01-01+json";
const BUCKET_BODY: &str = r#"{"_id":"66b0f3d2a81c4e5f9d7a1b20","bucketName":"acme-atlas-exports","cloudProvider":"AWS","iamRoleId":"65e9d1c07f3a2b4c8d6e0f11","region":"eu-west-1","requirePrivateNetworking":false}"#;
const SECRET: &str = "mdb_sa_sk_s3cret-value-0123456789";

/// One request as the server read it.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    target: String,
    head: String,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.head.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with(&prefix)
                .then(|| l[prefix.len()..].trim().to_owned())
        })
    }
}

/// What the server does with one request.
enum Act {
    /// Writes these bytes after `delay`, then closes.
    Write { delay: Duration, bytes: Vec<u8> },
    /// Writes `head`, then `chunk` every `pause` until the client leaves (at most 20 s).
    Trickle {
        head: Vec<u8>,
        chunk: Vec<u8>,
        pause: Duration,
    },
}

fn now(bytes: Vec<u8>) -> Act {
    Act::Write {
        delay: Duration::ZERO,
        bytes,
    }
}

type Handler = dyn Fn(&Seen, usize) -> Act + Send + Sync;

struct Server {
    base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// `handler(request, index of the request)` decides the answer.
    async fn start(handler: impl Fn(&Seen, usize) -> Act + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        let handler: Arc<Handler> = Arc::new(handler);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (handler, log) = (handler.clone(), log.clone());
                tokio::spawn(async move {
                    let _ =
                        tokio::time::timeout(Duration::from_secs(20), serve(stream, handler, log))
                            .await;
                });
            }
        });
        Server { base, seen }
    }

    fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    fn count(&self, path_suffix: &str) -> usize {
        self.requests()
            .iter()
            .filter(|s| s.target.ends_with(path_suffix))
            .count()
    }
}

async fn serve(
    mut stream: TcpStream,
    handler: Arc<Handler>,
    log: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let length: usize = head
        .to_ascii_lowercase()
        .lines()
        .find_map(|l| l.strip_prefix("content-length:").map(str::to_owned))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let mut words = head.split_whitespace();
    let seen = Seen {
        method: words.next().unwrap_or_default().to_owned(),
        target: words.next().unwrap_or_default().to_owned(),
        head: head.clone(),
        body: String::from_utf8_lossy(&buf[head_end..]).into_owned(),
    };
    let index = {
        let mut log = log.lock().expect("lock");
        log.push(seen.clone());
        log.len() - 1
    };
    match handler(&seen, index) {
        Act::Write { delay, bytes } => {
            tokio::time::sleep(delay).await;
            stream.write_all(&bytes).await?;
            stream.shutdown().await
        }
        Act::Trickle { head, chunk, pause } => {
            stream.write_all(&head).await?;
            loop {
                stream.write_all(&chunk).await?;
                tokio::time::sleep(pause).await;
            }
        }
    }
}

fn answer(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

fn json(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    answer(status, &[("Content-Type", content_type)], body.as_bytes())
}

fn token(expires_in: &str) -> Vec<u8> {
    json(
        "200 OK",
        "application/json",
        &format!(r#"{{"access_token":"tok-1","token_type":"Bearer","expires_in":{expires_in}}}"#),
    )
}

fn bucket_answer() -> Vec<u8> {
    json("200 OK", V2024, BUCKET_BODY)
}

fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(attempts)
        .base_delay(Duration::from_millis(1))
}

fn service_client(base: &str) -> atlas_backup_exports::ClientBuilder {
    Client::builder()
        .base_url(base)
        .service_account("mdb_sa_id_1", SECRET)
        .retry_policy(quick_retries(1))
}

/// A caller's client that follows redirects (reqwest's default policy).
fn following_http_client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("reqwest client")
}

/// Fails the test instead of hanging.
async fn bounded<T>(call: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), call)
        .await
        .expect("the client hung")
}

async fn get_bucket(client: &Client) -> Result<(), Error> {
    bounded(client.get_export_bucket(GROUP, BUCKET).send())
        .await
        .map(|_| ())
}

// ---- panics ---------------------------------------------------------------------------------

#[tokio::test]
async fn absurd_token_lifetimes_are_capped_and_the_token_is_reused() {
    for expires_in in ["9223372036854775807", "18446744073709551615"] {
        let server = Server::start(|seen, _| {
            now(match seen.target.as_str() {
                "/api/oauth/token" => token(expires_in),
                _ => bucket_answer(),
            })
        })
        .await;
        let client = service_client(&server.base).build().expect("client");
        for _ in 0..3 {
            get_bucket(&client).await.expect("call succeeds");
        }
        assert_eq!(
            server.count("/api/oauth/token"),
            1,
            "expires_in {expires_in}"
        );
        assert_eq!(server.count(BUCKET), 3);
    }
}

fn job(state: &str) -> String {
    format!(r#"{{"id":"{EXPORT}","exportBucketId":"65a1b2c3d4e5f60718293a4b","state":"{state}"}}"#)
}

#[tokio::test]
async fn waiter_takes_extreme_timing_and_refuses_nan_before_sending() {
    for backoff in [f64::INFINITY, 1e300, 1.5] {
        let server = Server::start(|_, i| {
            now(json(
                "200 OK",
                V2023,
                &job(if i < 2 { "InProgress" } else { "Successful" }),
            ))
        })
        .await;
        let client = Client::builder()
            .base_url(&server.base)
            .bearer_token("t")
            .build()
            .expect("client");
        let done = bounded(
            client
                .wait_for_backup_export(GROUP, CLUSTER, EXPORT)
                .poll_interval(Duration::from_millis(5))
                .max_interval(Duration::from_millis(20))
                .backoff(backoff)
                .timeout(Duration::MAX)
                .wait(),
        )
        .await
        .expect("waits to success");
        assert_eq!(done.state.as_ref().map(|s| s.as_str()), Some("Successful"));
        assert_eq!(server.requests().len(), 3, "backoff {backoff}");
    }
    let server = Server::start(|_, _| now(json("200 OK", V2023, &job("Successful")))).await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    for bad in [f64::NAN, 0.5, f64::NEG_INFINITY] {
        match client
            .wait_for_backup_export(GROUP, CLUSTER, EXPORT)
            .backoff(bad)
            .wait()
            .await
        {
            Err(WaitError::Request(Error::InvalidRequest { parameter, .. })) => {
                assert_eq!(parameter, "backoff")
            }
            other => panic!("backoff {bad}: {other:?}"),
        }
    }
    assert_eq!(
        server.requests().len(),
        0,
        "nothing sent for a refused setting"
    );
}

/// A page of one distinct item per `pageNum`, always with a `next` link (an endless listing).
fn endless_page(seen: &Seen) -> Vec<u8> {
    let page = seen
        .target
        .split("pageNum=")
        .nth(1)
        .and_then(|v| v.split('&').next())
        .unwrap_or("1")
        .to_owned();
    let body = format!(
        r#"{{"results":[{{"id":"{page}","state":"Queued"}}],"links":[{{"rel":"next","href":"x"}}],"totalCount":3000000000}}"#
    );
    json("200 OK", V2023, &body)
}

#[tokio::test]
async fn page_numbers_near_i64_max_end_with_a_pagination_error() {
    let server = Server::start(|seen, _| now(endless_page(seen))).await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    let results: Vec<_> = bounded(
        client
            .list_backup_exports(GROUP, CLUSTER)
            .items_per_page(1)
            .page_num(i64::MAX - 2)
            .into_stream()
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(results.len(), 4, "{results:?}");
    assert!(results[..3].iter().all(Result::is_ok), "{results:?}");
    assert!(
        matches!(results[3], Err(Error::Pagination { .. })),
        "{results:?}"
    );
    assert_eq!(server.requests().len(), 3);
}

// ---- unbounded reads ------------------------------------------------------------------------

#[tokio::test]
async fn an_endless_token_answer_stops_at_the_body_limit() {
    let server = Server::start(|_, _| Act::Trickle {
        head: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec(),
        chunk: {
            let mut c = b"10000\r\n".to_vec();
            c.extend(std::iter::repeat_n(b'a', 0x10000));
            c.extend_from_slice(b"\r\n");
            c
        },
        pause: Duration::ZERO,
    })
    .await;
    let client = service_client(&server.base)
        .max_response_bytes(1 << 20)
        .build()
        .expect("client");
    let started = Instant::now();
    match get_bucket(&client).await {
        Err(Error::ResponseTooLarge { status: 200, limit }) => assert_eq!(limit, 1 << 20),
        other => panic!("{other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(10));
}

// ---- token single flight --------------------------------------------------------------------

#[tokio::test]
async fn fifty_calls_against_a_failing_token_endpoint_make_at_most_four_token_requests() {
    let server = Server::start(|_, _| Act::Write {
        delay: Duration::from_millis(100),
        bytes: json("500 Internal Server Error", "application/json", "{}"),
    })
    .await;
    // The default retry policy: every call may try 4 times.
    let client = Client::builder()
        .base_url(&server.base)
        .service_account("mdb_sa_id_1", SECRET)
        .build()
        .expect("client");
    let calls = (0..50).map(|_| get_bucket(&client));
    let results = futures::future::join_all(calls).await;
    for result in &results {
        assert!(
            matches!(
                result,
                Err(Error::Auth {
                    kind: AuthErrorKind::TokenEndpoint,
                    ..
                })
            ),
            "{result:?}"
        );
    }
    let token_requests = server.count("/api/oauth/token");
    eprintln!("{token_requests} token requests for 50 calls");
    assert!(
        (1..=4).contains(&token_requests),
        "{token_requests} token requests"
    );
    assert_eq!(server.count(BUCKET), 0);
}

#[tokio::test]
async fn the_token_endpoints_retry_after_pauses_token_requests() {
    let server = Server::start(|seen, i| {
        now(match (seen.target.as_str(), i) {
            ("/api/oauth/token", 0) => answer(
                "503 Service Unavailable",
                &[("Retry-After", "2"), ("Content-Type", "application/json")],
                b"{}",
            ),
            ("/api/oauth/token", _) => token("3600"),
            _ => bucket_answer(),
        })
    })
    .await;
    let client = service_client(&server.base).build().expect("client");
    assert!(get_bucket(&client).await.is_err());
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let paused = get_bucket(&client).await;
    assert!(matches!(paused, Err(Error::Auth { .. })), "{paused:?}");
    assert_eq!(
        server.count("/api/oauth/token"),
        1,
        "no request during Retry-After"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    get_bucket(&client)
        .await
        .expect("token fetched after the pause");
    assert_eq!(server.count("/api/oauth/token"), 2);
}

// ---- redirects and deadlines ----------------------------------------------------------------

/// Server `foreign` answers everything with a token or a bucket and records what reached it.
async fn foreign_server() -> Server {
    Server::start(|seen, _| {
        now(if seen.target.contains("oauth") {
            token("3600")
        } else {
            bucket_answer()
        })
    })
    .await
}

fn redirect(status: &str, to: String) -> Vec<u8> {
    answer(status, &[("Location", &to)], b"")
}

#[tokio::test]
async fn token_requests_are_never_redirected_even_by_a_following_client() {
    for status in [
        "307 Temporary Redirect",
        "308 Permanent Redirect",
        "302 Found",
    ] {
        let foreign = foreign_server().await;
        let target = format!("{}/api/oauth/token", foreign.base);
        let server = Server::start(move |_, _| now(redirect(status, target.clone()))).await;
        let client = service_client(&server.base)
            .http_client(following_http_client())
            .build()
            .expect("client");
        match get_bucket(&client).await {
            Err(Error::Auth {
                kind: AuthErrorKind::Redirected,
                ..
            }) => {}
            other => panic!("{status}: {other:?}"),
        }
        // A 307/308 would replay the form and credential: reqwest cannot replay our body. A 302
        // becomes a GET without body and without `Authorization` (and its token is refused).
        for seen in foreign.requests() {
            assert_eq!(seen.method, "GET", "{status}: {seen:?}");
            assert!(seen.header("authorization").is_none(), "{status}: {seen:?}");
            assert!(seen.body.is_empty(), "{status}: {seen:?}");
        }
        if !status.starts_with("302") {
            assert!(foreign.requests().is_empty(), "{status}");
        }
    }
}

#[tokio::test]
async fn a_revoke_redirect_does_not_post_the_token_elsewhere() {
    let foreign = foreign_server().await;
    let target = format!("{}/api/oauth/revoke", foreign.base);
    let server = Server::start(move |seen, _| {
        now(match seen.target.as_str() {
            "/api/oauth/token" => token("3600"),
            "/api/oauth/revoke" => redirect("307 Temporary Redirect", target.clone()),
            _ => bucket_answer(),
        })
    })
    .await;
    let client = service_client(&server.base)
        .http_client(following_http_client())
        .build()
        .expect("client");
    get_bucket(&client).await.expect("a token");
    match bounded(client.revoke_token()).await {
        Err(Error::Auth {
            kind: AuthErrorKind::Redirected,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert!(foreign.requests().is_empty(), "{:?}", foreign.requests());
    let revoke = server
        .requests()
        .into_iter()
        .find(|s| s.target == "/api/oauth/revoke");
    assert!(revoke.expect("revoke sent").body.starts_with("token=tok-1"));
}

#[tokio::test]
async fn an_authenticated_request_redirected_to_another_origin_is_refused() {
    let foreign = foreign_server().await;
    let target = format!(
        "{}/api/atlas/v2/groups/{GROUP}/backup/exportBuckets/{BUCKET}",
        foreign.base
    );
    let server = Server::start(move |_, _| now(redirect("302 Found", target.clone()))).await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("secret-bearer-token")
        .http_client(following_http_client())
        .build()
        .expect("client");
    match get_bucket(&client).await {
        Err(Error::Auth {
            kind: AuthErrorKind::Redirected,
            status: Some(200),
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    for seen in foreign.requests() {
        assert!(seen.header("authorization").is_none(), "{seen:?}");
    }
}

#[tokio::test]
async fn a_slow_drip_body_hits_the_timeout_with_a_callers_client() {
    let server = Server::start(|_, _| Act::Trickle {
        head: format!("HTTP/1.1 200 OK\r\nContent-Type: {V2024}\r\nContent-Length: 100000\r\n\r\n")
            .into_bytes(),
        chunk: b" ".to_vec(),
        pause: Duration::from_millis(50),
    })
    .await;
    // A caller's client without any timeout of its own.
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(400))
        .retry_policy(quick_retries(1))
        .build()
        .expect("client");
    let started = Instant::now();
    let result = get_bucket(&client).await;
    assert!(result.as_ref().is_err_and(Error::is_timeout), "{result:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    // The total deadline bounds the retries too.
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_secs(10))
        .total_timeout(Duration::from_millis(500))
        .retry_policy(quick_retries(10))
        .build()
        .expect("client");
    let started = Instant::now();
    let result = get_bucket(&client).await;
    assert!(result.as_ref().is_err_and(Error::is_timeout), "{result:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

// ---- compression ----------------------------------------------------------------------------

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("compress");
    encoder.finish().expect("compress")
}

#[tokio::test]
async fn gzip_answers_are_asked_for_and_decoded() {
    let server = Server::start(|_, _| {
        now(answer(
            "200 OK",
            &[("Content-Type", V2024), ("Content-Encoding", "gzip")],
            &gzip(BUCKET_BODY.as_bytes()),
        ))
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    let bucket = bounded(client.get_export_bucket(GROUP, BUCKET).send())
        .await
        .expect("decoded");
    assert_eq!(bucket.cloud_provider(), Some("AWS"));
    let seen = &server.requests()[0];
    assert_eq!(seen.header("accept-encoding").as_deref(), Some("gzip"));
}

#[tokio::test]
async fn a_gzip_bomb_ends_in_response_too_large() {
    // 256 MiB of zeros in ~250 KiB; the limit is 1 MiB of decoded data.
    let bomb = Arc::new(gzip(&vec![0u8; 256 << 20]));
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let body = bomb.clone();
    let server = Server::start(move |_, _| {
        now(answer(
            "200 OK",
            &[("Content-Type", V2024), ("Content-Encoding", "gzip")],
            &body,
        ))
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .max_response_bytes(1 << 20)
        .build()
        .expect("client");
    let started = Instant::now();
    match get_bucket(&client).await {
        Err(Error::ResponseTooLarge { status: 200, limit }) => assert_eq!(limit, 1 << 20),
        other => panic!("{other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    let corrupt = Server::start(|_, _| {
        now(answer(
            "200 OK",
            &[("Content-Type", V2024), ("Content-Encoding", "br")],
            b"\x0b\x02\x80{}\x03",
        ))
    })
    .await;
    let client = Client::builder()
        .base_url(&corrupt.base)
        .bearer_token("t")
        .build()
        .expect("client");
    match get_bucket(&client).await {
        Err(e @ Error::Decode { status: 200, .. }) => {
            assert!(e.to_string().contains("Content-Encoding `br`"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

// ---- retries and auth errors ----------------------------------------------------------------

#[tokio::test]
async fn an_oversized_response_head_is_not_retried() {
    let server = Server::start(|_, _| {
        let mut head = b"HTTP/1.1 200 OK\r\nX-Junk: ".to_vec();
        head.extend(std::iter::repeat_n(b'a', 10 << 20));
        head.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
        now(head)
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .retry_policy(quick_retries(4))
        .build()
        .expect("client");
    match get_bucket(&client).await {
        Err(Error::Transport {
            kind: TransportKind::Other,
            attempts: 1,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn auth_errors_never_quote_an_echoed_credential() {
    let server = Server::start(|seen, _| {
        let echo = format!(
            "you sent {} with {} and {SECRET}",
            seen.header("authorization").unwrap_or_default(),
            seen.body
        );
        now(json("401 Unauthorized", "text/plain", &echo))
    })
    .await;
    let client = service_client(&server.base).build().expect("client");
    let error = get_bucket(&client).await.expect_err("refused");
    let text = format!("{error} {error:?}");
    let basic = server.requests()[0]
        .header("authorization")
        .expect("basic credential sent");
    let encoded = basic.trim_start_matches("Basic ");
    assert!(!text.contains(encoded), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
    assert!(text.contains("you sent [redacted]"), "{text}");
}

// ---- pagination -----------------------------------------------------------------------------

#[tokio::test]
async fn pages_alternating_a_b_end_with_a_pagination_error() {
    let server = Server::start(|_, i| {
        let id = if i % 2 == 0 { "a" } else { "b" };
        let body = format!(
            r#"{{"results":[{{"id":"{id}"}}],"links":[{{"rel":"next","href":"x"}}],"totalCount":100}}"#
        );
        now(json("200 OK", V2023, &body))
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    let results = bounded(
        client
            .list_backup_exports(GROUP, CLUSTER)
            .items_per_page(1)
            .into_pages()
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(results.len(), 3, "{results:?}");
    match &results[2] {
        Err(Error::Pagination { page: 3, .. }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn max_pages_ends_an_endless_listing_and_total_count_takes_any_integer() {
    let server = Server::start(|seen, _| now(endless_page(seen))).await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    let results = bounded(
        client
            .list_backup_exports(GROUP, CLUSTER)
            .items_per_page(1)
            .max_pages(5)
            .into_pages()
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(results.len(), 6, "{results:?}");
    let first = results[0].as_ref().expect("page decodes");
    assert_eq!(first.total_count, Some(3_000_000_000));
    assert!(
        matches!(results[5], Err(Error::Pagination { page: 6, .. })),
        "{results:?}"
    );
    assert_eq!(server.requests().len(), 5);
    assert_eq!(atlas_backup_exports::runtime::DEFAULT_MAX_PAGES, 10_000);
}

// ---- waiter ---------------------------------------------------------------------------------

#[tokio::test]
async fn an_unknown_waiter_state_reaches_progress_and_can_end_the_wait() {
    let start = || {
        Server::start(|_, i| {
            now(json(
                "200 OK",
                V2023,
                &job(if i == 0 { "Archiving" } else { "Successful" }),
            ))
        })
    };
    let server = start().await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    let states = Arc::new(Mutex::new(Vec::new()));
    let log = states.clone();
    let done = bounded(
        client
            .wait_for_backup_export(GROUP, CLUSTER, EXPORT)
            .poll_interval(Duration::from_millis(5))
            .on_progress(move |job| {
                let state = job.state.as_ref().map(|s| s.as_str().to_owned());
                log.lock().expect("lock").push(state.unwrap_or_default());
            })
            .wait(),
    )
    .await;
    assert!(done.is_ok(), "{done:?}");
    assert_eq!(*states.lock().expect("lock"), ["Archiving", "Successful"]);

    let server = start().await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    match bounded(
        client
            .wait_for_backup_export(GROUP, CLUSTER, EXPORT)
            .fail_on_unknown_state(true)
            .wait(),
    )
    .await
    {
        Err(WaitError::UnknownState { state, resource }) => {
            assert_eq!(state, "Archiving");
            assert_eq!(resource.id.as_deref(), Some(EXPORT));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}
