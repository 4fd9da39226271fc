//! A small loopback HTTP/1.1 server (keep-alive, Content-Length bodies) on its own thread and tokio
//! runtime, so client and server do not share an executor. It counts requests, can delay every answer,
//! and checks Bearer tokens and RFC 7616 Digest credentials (MD5, `qop=auth`, nonces reused, `nc`
//! strictly increasing per nonce).

use std::collections::HashMap;
use std::net::TcpListener as StdListener;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use md5::{Digest, Md5};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

/// A parsed request head (bodies are read and dropped).
#[derive(Debug)]
pub struct Request {
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    pub fn query(&self, name: &str) -> Option<&str> {
        let query = self.target.split_once('?')?.1;
        query
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }
}

/// An answer: status, content type, body, extra headers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Arc<Vec<u8>>,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(content_type: &'static str, body: Arc<Vec<u8>>) -> Reply {
        Reply {
            status: 200,
            content_type,
            body,
            headers: Vec::new(),
        }
    }

    pub fn status(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            body: Arc::new(body.as_bytes().to_vec()),
            headers: Vec::new(),
        }
    }
}

pub type Handler = Arc<dyn Fn(&Request) -> Reply + Send + Sync>;

/// Credentials the server accepts: a Bearer token, or Digest with a user and password.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub token: String,
    pub user: String,
    pub password: String,
}

pub const REALM: &str = "MMS Public API";

/// Counters, readable while the server runs.
#[derive(Debug, Default)]
pub struct Stats {
    /// Every request received.
    pub requests: AtomicU64,
    /// 401s sent to requests without credentials (challenges).
    pub challenges: AtomicU64,
    /// 401s sent to requests whose credentials did not check out.
    pub rejected: AtomicU64,
}

impl Stats {
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }
    pub fn challenges(&self) -> u64 {
        self.challenges.load(Ordering::SeqCst)
    }
    pub fn rejected(&self) -> u64 {
        self.rejected.load(Ordering::SeqCst)
    }
    pub fn reset(&self) {
        self.requests.store(0, Ordering::SeqCst);
        self.challenges.store(0, Ordering::SeqCst);
        self.rejected.store(0, Ordering::SeqCst);
    }
}

struct Shared {
    handler: Handler,
    latency: Duration,
    credentials: Option<Credentials>,
    stats: Arc<Stats>,
    digest: Mutex<DigestState>,
}

#[derive(Default)]
struct DigestState {
    issued: u64,
    /// Highest `nc` seen per nonce issued.
    nonces: HashMap<String, u32>,
}

pub struct Server {
    pub base: String,
    pub stats: Arc<Stats>,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Starts a server on 127.0.0.1 (any port). Every answer is delayed by `latency`; with
    /// `credentials`, requests must carry a valid Bearer token or Digest answer.
    pub fn start(
        handler: Handler,
        latency: Duration,
        credentials: Option<Credentials>,
    ) -> std::io::Result<Server> {
        let listener = StdListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let base = format!("http://{}", listener.local_addr()?);
        let stats = Arc::new(Stats::default());
        let shared = Arc::new(Shared {
            handler,
            latency,
            credentials,
            stats: stats.clone(),
            digest: Mutex::new(DigestState::default()),
        });
        let (stop, mut stopped) = oneshot::channel::<()>();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let thread = std::thread::spawn(move || {
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        accepted = listener.accept() => {
                            if let Ok((stream, _)) = accepted {
                                let _ = stream.set_nodelay(true);
                                tokio::spawn(connection(stream, shared.clone()));
                            }
                        }
                    }
                }
            });
            // Dropping the runtime here cancels the open connections.
        });
        Ok(Server {
            base,
            stats,
            stop: Some(stop),
            thread: Some(thread),
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The request head at the start of `buf` and its length, `Ok(None)` while it is incomplete.
fn parse_head(buf: &[u8]) -> Result<Option<(Request, usize)>, httparse::Error> {
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut head = httparse::Request::new(&mut headers);
    let httparse::Status::Complete(len) = head.parse(buf)? else {
        return Ok(None);
    };
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    let request = Request {
        method: head.method.unwrap_or_default().to_owned(),
        target: head.path.unwrap_or_default().to_owned(),
        headers: head
            .headers
            .iter()
            .map(|h| (h.name.to_owned(), text(h.value)))
            .collect(),
    };
    Ok(Some((request, len)))
}

async fn connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buf: Vec<u8> = Vec::with_capacity(8192);
    let mut chunk = [0u8; 8192];
    loop {
        // Read one request head (and its Content-Length body, which is dropped).
        let (request, head_len) = loop {
            match parse_head(&buf) {
                Ok(Some(parsed)) => break parsed,
                Ok(None) => {}
                Err(_) => return,
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let body_len: usize = request
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut consumed = head_len;
        while buf.len() < consumed + body_len {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        consumed += body_len;
        buf.drain(..consumed);

        shared.stats.requests.fetch_add(1, Ordering::SeqCst);
        let reply = match check_auth(&shared, &request) {
            Some(denied) => denied,
            None => (shared.handler)(&request),
        };
        if !shared.latency.is_zero() {
            tokio::time::sleep(shared.latency).await;
        }
        let mut out = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {}\r\ncontent-length: {}\r\n",
            reply.status,
            if reply.status < 400 { "OK" } else { "Error" },
            reply.content_type,
            reply.body.len()
        )
        .into_bytes();
        for (name, value) in &reply.headers {
            out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
        }
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&reply.body);
        if stream.write_all(&out).await.is_err() {
            return;
        }
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        if close {
            return;
        }
    }
}

/// `None` when the request may proceed; else the 401 to send.
fn check_auth(shared: &Shared, request: &Request) -> Option<Reply> {
    let credentials = shared.credentials.as_ref()?;
    let authorization = request.header("authorization").unwrap_or("");
    if let Some(token) = authorization.strip_prefix("Bearer ") {
        if token == credentials.token {
            return None;
        }
        shared.stats.rejected.fetch_add(1, Ordering::SeqCst);
        return Some(Reply::status(
            401,
            r#"{"error":401,"errorCode":"INVALID_TOKEN"}"#,
        ));
    }
    let mut state = shared.digest.lock().expect("digest state");
    if let Some(params) = authorization.strip_prefix("Digest ") {
        if verify_digest(
            credentials,
            &mut state,
            &request.method,
            &request.target,
            params,
        ) {
            return None;
        }
        shared.stats.rejected.fetch_add(1, Ordering::SeqCst);
    } else {
        shared.stats.challenges.fetch_add(1, Ordering::SeqCst);
    }
    state.issued += 1;
    let nonce = format!(
        "{:032x}",
        0x5eed_u128 * 1_000_003 + u128::from(state.issued)
    );
    state.nonces.insert(nonce.clone(), 0);
    let mut reply = Reply::status(
        401,
        r#"{"detail":"Current user is not authorized to perform this action.","error":401,"errorCode":"UNAUTHORIZED","reason":"Unauthorized"}"#,
    );
    reply.headers.push((
        "www-authenticate",
        format!(
            r#"Digest realm="{REALM}", domain="", nonce="{nonce}", algorithm=MD5, qop="auth", stale=false"#
        ),
    ));
    Some(reply)
}

/// `key=value` and `key="quoted \" value"` pairs of a Digest header.
pub fn digest_params(s: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| *c == ',' || c.is_whitespace()) {
            chars.next();
        }
        let key: String = std::iter::from_fn(|| chars.next_if(|c| *c != '=' && *c != ','))
            .collect::<String>()
            .trim()
            .to_ascii_lowercase();
        if key.is_empty() {
            return out;
        }
        if chars.next() != Some('=') {
            out.insert(key, String::new());
            continue;
        }
        let mut value = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => value.extend(chars.next()),
                    '"' => break,
                    c => value.push(c),
                }
            }
        } else {
            value = std::iter::from_fn(|| chars.next_if(|c| *c != ','))
                .collect::<String>()
                .trim()
                .to_owned();
        }
        out.insert(key, value);
    }
}

pub fn md5_hex(data: &str) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(32);
    for b in Md5::digest(data.as_bytes()) {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// The RFC 7616 `response` for `qop=auth` with MD5.
#[allow(clippy::too_many_arguments)]
pub fn digest_response(
    user: &str,
    realm: &str,
    password: &str,
    method: &str,
    uri: &str,
    nonce: &str,
    nc: &str,
    cnonce: &str,
) -> String {
    let ha1 = md5_hex(&format!("{user}:{realm}:{password}"));
    let ha2 = md5_hex(&format!("{method}:{uri}"));
    md5_hex(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
}

fn verify_digest(
    credentials: &Credentials,
    state: &mut DigestState,
    method: &str,
    target: &str,
    header: &str,
) -> bool {
    let p = digest_params(header);
    let get = |k: &str| p.get(k).map(String::as_str).unwrap_or("");
    if get("username") != credentials.user
        || get("realm") != REALM
        || get("uri") != target
        || get("qop") != "auth"
        || !(get("algorithm").is_empty() || get("algorithm").eq_ignore_ascii_case("MD5"))
        || get("cnonce").is_empty()
    {
        return false;
    }
    let Ok(nc) = u32::from_str_radix(get("nc"), 16) else {
        return false;
    };
    let Some(last_nc) = state.nonces.get_mut(get("nonce")) else {
        return false;
    };
    if nc <= *last_nc {
        return false;
    }
    let expected = digest_response(
        &credentials.user,
        REALM,
        &credentials.password,
        method,
        target,
        get("nonce"),
        get("nc"),
        get("cnonce"),
    );
    if expected != get("response") {
        return false;
    }
    *last_nc = nc;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digest_params_quoted_and_bare() {
        let p = digest_params(
            r#"username="ab\"c", realm="MMS Public API", nc=00000001, qop=auth, uri="/a?b=1,2""#,
        );
        assert_eq!(p["username"], "ab\"c");
        assert_eq!(p["realm"], "MMS Public API");
        assert_eq!(p["nc"], "00000001");
        assert_eq!(p["qop"], "auth");
        assert_eq!(p["uri"], "/a?b=1,2");
    }

    #[test]
    fn rfc_2617_example_response() {
        // RFC 2617 §3.5 (the same computation as RFC 7616 with MD5 and qop=auth).
        assert_eq!(
            digest_response(
                "Mufasa",
                "testrealm@host.com",
                "Circle Of Life",
                "GET",
                "/dir/index.html",
                "dcd98b7102dd2f0e8b11d0f600bfb0c093",
                "00000001",
                "0a4f113b"
            ),
            "6629fae49393a05397450978507c4ef1"
        );
    }

    #[test]
    fn nc_must_increase_per_nonce() {
        let credentials = Credentials {
            token: "t".into(),
            user: "u".into(),
            password: "p".into(),
        };
        let mut state = DigestState::default();
        state.nonces.insert("n".into(), 0);
        let header = |nc: &str| {
            let response = digest_response("u", REALM, "p", "GET", "/x", "n", nc, "c");
            format!(
                r#"username="u", realm="{REALM}", nonce="n", uri="/x", qop=auth, nc={nc}, cnonce="c", response="{response}""#
            )
        };
        assert!(verify_digest(
            &credentials,
            &mut state,
            "GET",
            "/x",
            &header("00000001")
        ));
        assert!(!verify_digest(
            &credentials,
            &mut state,
            "GET",
            "/x",
            &header("00000001")
        ));
        assert!(verify_digest(
            &credentials,
            &mut state,
            "GET",
            "/x",
            &header("00000002")
        ));
        assert!(!verify_digest(
            &credentials,
            &mut state,
            "GET",
            "/y",
            &header("00000003")
        ));
    }
}
