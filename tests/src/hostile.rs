//! A raw loopback HTTP/1.1 server for the hostile-server tests (`tests/hostile_*.rs`, issue 12): each
//! test starts its own, decides every answer byte by byte (including ones no well-behaved server
//! sends), and reads back what the client sent. Plus the fixtures those tests share.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_backup_exports::{Client, Error, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

pub const GROUP: &str = "6620a7f3c9d84e1b5a7f0c21";
pub const CLUSTER: &str = "Cluster0";
pub const BUCKET: &str = "66b0f3d2a81c4e5f9d7a1b20";
pub const EXPORT: &str = "65a1b2c3d4e5f60718293a4d";
pub const V2024: &str = "application/vnd.atlas.2024-05-30+json";
pub const V2023: &str = "application/vnd.atlas.2023-01-01+json";
pub const BUCKET_BODY: &str = r#"{"_id":"66b0f3d2a81c4e5f9d7a1b20","bucketName":"acme-atlas-exports","cloudProvider":"AWS","iamRoleId":"65e9d1c07f3a2b4c8d6e0f11","region":"eu-west-1","requirePrivateNetworking":false}"#;
pub const SECRET: &str = "mdb_sa_sk_s3cret-value-0123456789";

/// One request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub head: String,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        self.head.lines().find_map(|l| {
            l.to_ascii_lowercase()
                .starts_with(&prefix)
                .then(|| l[prefix.len()..].trim().to_owned())
        })
    }
}

/// What the server does with one request.
pub enum Act {
    /// Writes these bytes after `delay`, then closes.
    Write { delay: Duration, bytes: Vec<u8> },
    /// Writes `head`, then `chunk` every `pause` until the client leaves (at most 20 s).
    Trickle {
        head: Vec<u8>,
        chunk: Vec<u8>,
        pause: Duration,
    },
}

pub fn now(bytes: Vec<u8>) -> Act {
    Act::Write {
        delay: Duration::ZERO,
        bytes,
    }
}

type Handler = dyn Fn(&Seen, usize) -> Act + Send + Sync;

pub struct Server {
    pub base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    /// `handler(request, index of the request)` decides the answer.
    pub async fn start(handler: impl Fn(&Seen, usize) -> Act + Send + Sync + 'static) -> Server {
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

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    pub fn count(&self, path_suffix: &str) -> usize {
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

pub fn answer(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

pub fn json(status: &str, content_type: &str, body: &str) -> Vec<u8> {
    answer(status, &[("Content-Type", content_type)], body.as_bytes())
}

pub fn token(expires_in: &str) -> Vec<u8> {
    json(
        "200 OK",
        "application/json",
        &format!(r#"{{"access_token":"tok-1","token_type":"Bearer","expires_in":{expires_in}}}"#),
    )
}

pub fn bucket_answer() -> Vec<u8> {
    json("200 OK", V2024, BUCKET_BODY)
}

pub fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(attempts)
        .base_delay(Duration::from_millis(1))
}

pub fn service_client(base: &str) -> atlas_backup_exports::ClientBuilder {
    Client::builder()
        .base_url(base)
        .service_account("mdb_sa_id_1", SECRET)
        .retry_policy(quick_retries(1))
}

/// A caller's client that follows redirects (reqwest's default policy).
pub fn following_http_client() -> reqwest::Client {
    reqwest::Client::builder().build().expect("reqwest client")
}

/// Fails the test instead of hanging.
pub async fn bounded<T>(call: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(30), call)
        .await
        .expect("the client hung")
}

pub async fn get_bucket(client: &Client) -> Result<(), Error> {
    bounded(client.get_export_bucket(GROUP, BUCKET).send())
        .await
        .map(|_| ())
}

pub fn job(state: &str) -> String {
    format!(r#"{{"id":"{EXPORT}","exportBucketId":"65a1b2c3d4e5f60718293a4b","state":"{state}"}}"#)
}

/// A page of one distinct item per `pageNum`, always with a `next` link (an endless listing).
pub fn endless_page(seen: &Seen) -> Vec<u8> {
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
