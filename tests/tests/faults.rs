//! Faults a recording cannot express, on a tiny raw TCP server on 127.0.0.1: a server slower than the
//! timeout, a body that trickles, a connection reset mid-body, a body shorter than its Content-Length,
//! a connection closed without an answer, bodies far larger than any real page.
//!
//! Every case must end in a typed error (or the right value), never a panic or a hang. Hangs are
//! bounded by the client's own timeout; `bounded` only turns a hang into a test failure.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use atlas_backup_exports::TransportKind;
use atlas_backup_exports::{types, Client, Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const GROUP: &str = "6620a7f3c9d84e1b5a7f0c21";
const BUCKET: &str = "66b0f3d2a81c4e5f9d7a1b20";
const V2024: &str = "application/vnd.atlas.2024-05-30+json";
const BUCKET_BODY: &str = r#"{"_id":"66b0f3d2a81c4e5f9d7a1b20","bucketName":"acme-atlas-exports","cloudProvider":"AWS","iamRoleId":"65e9d1c07f3a2b4c8d6e0f11","region":"eu-west-1","requirePrivateNetworking":false}"#;

/// The longest any server action may keep a connection busy (well above every client timeout here).
const SERVER_LIMIT: Duration = Duration::from_secs(5);

/// What the server does on one connection, after reading the request.
#[derive(Clone)]
enum Act {
    /// Writes these bytes, then closes normally.
    Write(Vec<u8>),
    /// Writes these bytes, then resets the connection (RST).
    WriteThenReset(Vec<u8>),
    /// Never answers (until `SERVER_LIMIT`).
    Stall,
    /// Closes without answering.
    Close,
    /// Writes `head`, then `chunk` every `pause`, forever (until the client leaves or `SERVER_LIMIT`).
    Trickle {
        head: Vec<u8>,
        chunk: Vec<u8>,
        pause: Duration,
    },
}

struct Server {
    base: String,
    connections: Arc<AtomicUsize>,
}

impl Server {
    /// Connection `i` gets `script[i]`, or the last act once the script is used up.
    async fn start(script: Vec<Act>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        // Ends with the test's runtime.
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let i = count.fetch_add(1, Ordering::SeqCst);
                let act = script[i.min(script.len() - 1)].clone();
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(SERVER_LIMIT, serve(stream, act)).await;
                });
            }
        });
        Server { base, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

/// Reads one request (head and Content-Length body), then acts.
async fn serve(mut stream: TcpStream, act: Act) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
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
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    match act {
        Act::Write(bytes) => {
            stream.write_all(&bytes).await?;
            stream.shutdown().await
        }
        Act::WriteThenReset(bytes) => {
            stream.write_all(&bytes).await?;
            stream.flush().await?;
            // Let the bytes leave before the reset discards the send queue.
            tokio::time::sleep(Duration::from_millis(50)).await;
            stream.set_zero_linger()?;
            drop(stream);
            Ok(())
        }
        Act::Stall => {
            tokio::time::sleep(SERVER_LIMIT).await;
            Ok(())
        }
        Act::Close => Ok(()),
        Act::Trickle { head, chunk, pause } => {
            stream.write_all(&head).await?;
            loop {
                stream.write_all(&chunk).await?;
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// A complete HTTP/1.1 response with `Content-Length` equal to the body's length.
fn response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// A response head announcing `length` bytes, followed by only `body`.
fn short_response(length: usize, body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {V2024}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn ok_bucket() -> Act {
    Act::Write(response("200 OK", V2024, BUCKET_BODY.as_bytes()))
}

fn client(server: &Server, timeout: Duration, attempts: u32) -> Client {
    Client::builder()
        .base_url(&server.base)
        .bearer_token("test-token")
        .timeout(timeout)
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(attempts)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .expect("client builds")
}

/// Fails the test instead of hanging if the client never returns (it must stop by its own timeout).
async fn bounded<T>(call: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(15), call)
        .await
        .expect("the client hung: it must stop by its own timeout")
}

async fn get_bucket(
    client: &Client,
) -> Result<types::DiskBackupSnapshotExportBucketResponse, Error> {
    bounded(client.get_export_bucket(GROUP, BUCKET).send()).await
}

async fn create_bucket(
    client: &Client,
) -> Result<types::DiskBackupSnapshotExportBucketResponse, Error> {
    let body = types::DiskBackupSnapshotAwsExportBucketRequest {
        bucket_name: "acme-atlas-exports".into(),
        iam_role_id: "65e9d1c07f3a2b4c8d6e0f11".into(),
        require_private_networking: None,
    };
    bounded(client.create_export_bucket(GROUP).body(body).send()).await
}

/// The kind of the first I/O error in the source chain.
fn io_error_kind(error: &Error) -> Option<std::io::ErrorKind> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cur {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(io.kind());
        }
        cur = e.source();
    }
    None
}

fn transport_kind(error: &Error) -> Option<TransportKind> {
    match error {
        Error::Transport { kind, .. } => Some(*kind),
        _ => None,
    }
}

// ------------------------------------------------------------------------------------- slow server

#[tokio::test]
async fn server_slower_than_the_timeout_is_a_timeout_error() {
    let server = Server::start(vec![Act::Stall]).await;
    let err = get_bucket(&client(&server, Duration::from_millis(300), 1))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(
        transport_kind(&err),
        Some(TransportKind::Timeout),
        "{err:?}"
    );
    assert_eq!((err.status(), err.attempts()), (None, Some(1)));
    assert!(
        err.to_string().starts_with("timed out after 1 attempt"),
        "{err}"
    );
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn timeouts_on_get_exhaust_the_retries_and_report_the_attempts() {
    let server = Server::start(vec![Act::Stall]).await;
    let err = get_bucket(&client(&server, Duration::from_millis(200), 3))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), Some(3));
    assert!(
        err.to_string().starts_with("timed out after 3 attempts"),
        "{err}"
    );
    assert_eq!(server.connections(), 3);
}

#[tokio::test]
async fn a_timed_out_get_is_retried_and_the_next_answer_is_used() {
    let server = Server::start(vec![Act::Stall, ok_bucket()]).await;
    // Generous: the second, answered attempt must fit in it even on a loaded machine.
    let bucket = get_bucket(&client(&server, Duration::from_secs(1), 2))
        .await
        .expect("second attempt succeeds");
    assert_eq!(bucket.cloud_provider(), Some("AWS"));
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_timed_out_post_is_not_repeated() {
    // The server may have created the bucket: repeating the POST could create it twice.
    let server = Server::start(vec![Act::Stall, ok_bucket()]).await;
    let err = create_bucket(&client(&server, Duration::from_millis(300), 3))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_body_that_trickles_past_the_timeout_is_a_timeout_error() {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {V2024}\r\nContent-Length: 100000\r\nConnection: close\r\n\r\n"
    );
    let server = Server::start(vec![Act::Trickle {
        head: head.into_bytes(),
        chunk: b"{\"results\":[".to_vec(),
        pause: Duration::from_millis(50),
    }])
    .await;
    let err = get_bucket(&client(&server, Duration::from_millis(400), 1))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), Some(1));
}

// ----------------------------------------------------------------------------- broken connections

#[tokio::test]
async fn connection_reset_mid_body_is_an_interrupted_transport_error() {
    let partial = &BUCKET_BODY.as_bytes()[..60];
    let server = Server::start(vec![Act::WriteThenReset(short_response(
        BUCKET_BODY.len(),
        partial,
    ))])
    .await;
    let err = get_bucket(&client(&server, Duration::from_secs(5), 1))
        .await
        .unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportKind::Interrupted),
        "{err:?}"
    );
    assert!(!err.is_timeout() && !err.is_connect(), "{err:?}");
    assert_eq!(
        io_error_kind(&err),
        Some(std::io::ErrorKind::ConnectionReset),
        "the reset is reported as such in the source chain: {err:?}"
    );
    assert_eq!((err.status(), err.attempts()), (None, Some(1)));
    assert!(
        err.to_string()
            .starts_with("connection interrupted after 1 attempt"),
        "{err}"
    );
}

#[tokio::test]
async fn a_get_reset_mid_body_is_retried() {
    let partial = &BUCKET_BODY.as_bytes()[..60];
    let server = Server::start(vec![
        Act::WriteThenReset(short_response(BUCKET_BODY.len(), partial)),
        ok_bucket(),
    ])
    .await;
    let bucket = get_bucket(&client(&server, Duration::from_secs(5), 2))
        .await
        .expect("second attempt succeeds");
    assert_eq!(bucket.cloud_provider(), Some("AWS"));
    assert_eq!(server.connections(), 2);
}

#[tokio::test]
async fn a_post_reset_mid_body_is_not_repeated() {
    let partial = &BUCKET_BODY.as_bytes()[..60];
    let server = Server::start(vec![
        Act::WriteThenReset(short_response(BUCKET_BODY.len(), partial)),
        ok_bucket(),
    ])
    .await;
    let err = create_bucket(&client(&server, Duration::from_secs(5), 3))
        .await
        .unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportKind::Interrupted),
        "{err:?}"
    );
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(server.connections(), 1);
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_an_interrupted_transport_error() {
    // Content-Length promises 5000 bytes; the server sends 60 and closes normally (FIN).
    let partial = &BUCKET_BODY.as_bytes()[..60];
    let server = Server::start(vec![Act::Write(short_response(5000, partial))]).await;
    let err = get_bucket(&client(&server, Duration::from_secs(5), 1))
        .await
        .unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportKind::Interrupted),
        "{err:?}"
    );
    assert_eq!(err.attempts(), Some(1));
}

#[tokio::test]
async fn a_connection_closed_without_an_answer_is_retried_for_get_then_reported() {
    let server = Server::start(vec![Act::Close]).await;
    let err = get_bucket(&client(&server, Duration::from_secs(5), 2))
        .await
        .unwrap_err();
    assert_eq!(
        transport_kind(&err),
        Some(TransportKind::Interrupted),
        "{err:?}"
    );
    assert_eq!(err.attempts(), Some(2));
    assert_eq!(server.connections(), 2);
}

// ------------------------------------------------------------------------------------ huge bodies

const HUGE: usize = 16 << 20; // 16 MiB; a real page of 500 buckets is well under 1 MiB

#[tokio::test]
async fn a_huge_undecodable_body_gives_a_decode_error_with_a_bounded_message() {
    let mut body = b"{\"results\":[".to_vec();
    body.resize(HUGE, b'x');
    let server = Server::start(vec![Act::Write(response("200 OK", V2024, &body))]).await;
    let err = bounded(
        client(&server, Duration::from_secs(10), 1)
            .list_export_buckets(GROUP)
            .send(),
    )
    .await
    .unwrap_err();
    match &err {
        Error::Decode {
            status: 200,
            excerpt,
            ..
        } => assert!(excerpt.len() <= 512 + '…'.len_utf8(), "{}", excerpt.len()),
        other => panic!("expected a Decode error, got {other:?}"),
    }
    assert!(err.to_string().len() < 1024, "message is not bounded");
}

#[tokio::test]
async fn a_huge_error_body_is_kept_whole_but_the_message_stays_short() {
    let mut body = b"<html><body>".to_vec();
    body.resize(HUGE, b'x');
    let server = Server::start(vec![Act::Write(response(
        "404 Not Found",
        "text/html",
        &body,
    ))])
    .await;
    let err = get_bucket(&client(&server, Duration::from_secs(10), 1))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let api = err.api().expect("an Api error");
    assert_eq!(api.raw_body().len(), HUGE, "nothing received is lost");
    assert!(api.body().is_none());
    assert!(err.to_string().len() < 1024, "message is not bounded");
}

#[tokio::test]
async fn a_huge_valid_page_is_decoded_in_full() {
    // Under the client's body limit (64 MiB by default), a page far larger than itemsPerPage allows still decodes.
    let item = BUCKET_BODY;
    let count = 20_000;
    let mut body = String::from("{\"results\":[");
    for i in 0..count {
        if i > 0 {
            body.push(',');
        }
        body.push_str(item);
    }
    body.push_str("],\"totalCount\":20000}");
    let server = Server::start(vec![Act::Write(response("200 OK", V2024, body.as_bytes()))]).await;
    let page = bounded(
        client(&server, Duration::from_secs(10), 1)
            .list_export_buckets(GROUP)
            .send(),
    )
    .await
    .expect("decodes");
    assert_eq!(page.results.map(|r| r.len()), Some(count));
    assert_eq!(page.total_count, Some(20_000));
}

#[tokio::test]
async fn an_endless_body_is_cut_by_the_timeout() {
    // Chunked and never finished, slowly: the client's timeout ends it before the size limit does.
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {V2024}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
    chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
    chunk.extend_from_slice(b"\r\n");
    let server = Server::start(vec![Act::Trickle {
        head: head.into_bytes(),
        chunk,
        pause: Duration::from_millis(5),
    }])
    .await;
    let err = get_bucket(&client(&server, Duration::from_millis(500), 1))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(err.attempts(), Some(1));
}

fn limited_client(server: &Server, limit: usize) -> Client {
    Client::builder()
        .base_url(&server.base)
        .bearer_token("test-token")
        .timeout(Duration::from_secs(10))
        .max_response_bytes(limit)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_a_typed_error() {
    let mut body = b"{\"results\":[".to_vec();
    body.resize(HUGE, b' ');
    let server = Server::start(vec![Act::Write(response("200 OK", V2024, &body))]).await;
    let err = bounded(
        limited_client(&server, 1 << 20)
            .list_export_buckets(GROUP)
            .send(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(err, Error::ResponseTooLarge { status: 200, limit } if limit == 1 << 20),
        "{err:?}"
    );
    assert_eq!(err.status(), Some(200));
}

#[tokio::test]
async fn an_endless_fast_body_stops_at_the_size_limit_not_the_timeout() {
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: {V2024}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let mut chunk = format!("{:x}\r\n", 64 * 1024).into_bytes();
    chunk.extend(std::iter::repeat_n(b' ', 64 * 1024));
    chunk.extend_from_slice(b"\r\n");
    let server = Server::start(vec![Act::Trickle {
        head: head.into_bytes(),
        chunk,
        pause: Duration::from_millis(1),
    }])
    .await;
    let err = bounded(get_bucket(&limited_client(&server, 512 * 1024)))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { .. }), "{err:?}");
    assert!(!err.is_timeout());
}
