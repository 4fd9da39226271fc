//! Recorded HTTP exchanges, replayed on a loopback server.
//!
//! A recording (`tests/recordings/*.yaml`) says which client call to make and lists the exchanges the
//! call must produce: for each, the request the client must send and the raw response to answer with.
//! Adding a recording is adding a file: [`crate::calls`] knows how to make every operation's call.
//!
//! The server is the generated crate's own `mock` feature (`MockServer::on_any` with the recorded
//! answers in order), so every recording also exercises the mock server downstream crates test with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use atlas_backup_exports::mock::{MockResponse, MockServer, ReceivedRequest};
use serde::Deserialize;

/// One recording file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recording {
    /// What the recording shows, for humans.
    pub description: String,
    pub call: Call,
    /// How the client is configured (default: bearer token `test-token`).
    #[serde(default)]
    pub client: ClientConfig,
    pub exchanges: Vec<Exchange>,
}

/// The client call under test.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call {
    /// The `Client` method, e.g. `list_export_buckets_2023_01_01`.
    pub method: String,
    /// Path arguments by spec name (`groupId`, `clusterName`, ...).
    #[serde(default)]
    pub path: BTreeMap<String, String>,
    /// Optional query parameters by spec name.
    #[serde(default)]
    pub query: BTreeMap<String, serde_json::Value>,
    /// The request body, decoded into the operation's body type.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientConfig {
    /// `bearer` (default), `digest`, `service_account` or `none`.
    #[serde(default)]
    pub auth: Option<String>,
    #[serde(default)]
    pub user: Option<String>,
    #[serde(default)]
    pub secret: Option<String>,
    /// Digest only: the client nonce the client must use, so recorded `response=` hashes are
    /// checked in full.
    #[serde(default)]
    pub cnonce: Option<String>,
    /// Max attempts of the retry policy (default 1: a recording lists every attempt it expects).
    #[serde(default)]
    pub max_attempts: Option<u32>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exchange {
    pub request: ExpectedRequest,
    pub response: RecordedResponse,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRequest {
    pub method: String,
    /// The raw (percent-encoded) path.
    pub path: String,
    /// Every query parameter the client must send, and no others.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Headers that must be present with exactly these values (names case-insensitive).
    /// A value ending in `*` is a prefix match (e.g. `Digest username="..."*`).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Headers that must not be present at all (names case-insensitive), e.g. `authorization` on
    /// the first request of a Digest handshake, or `content-type` on a request without a body.
    #[serde(default)]
    pub absent_headers: Vec<String>,
    /// The JSON body the client must send; absent means no body at all.
    #[serde(default)]
    pub body: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedResponse {
    pub status: u16,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The exact raw body.
    #[serde(default)]
    pub body: String,
}

pub fn recordings_dir() -> PathBuf {
    crate::workspace_root().join("tests/recordings")
}

/// Every recording, sorted by file name.
pub fn load_all(dir: &Path) -> Vec<(String, Recording)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .expect("file name")
                .to_string_lossy()
                .into_owned();
            let text = std::fs::read_to_string(&path).expect("readable recording");
            let recording: Recording = serde_yaml::from_str(&text)
                .unwrap_or_else(|e| panic!("{}: invalid recording: {e}", path.display()));
            (name, recording)
        })
        .collect()
}

/// A loopback server answering with one recording's responses, in order; past the end, a 599 that no
/// test expects.
pub async fn serve(recording: &Recording) -> MockServer {
    let server = MockServer::start().await;
    let mut answers = server.on_any();
    for exchange in &recording.exchanges {
        let recorded = &exchange.response;
        answers = answers.respond_raw(MockResponse::new(
            recorded.status,
            &recorded.headers,
            recorded.body.clone(),
        ));
    }
    answers.respond_raw(MockResponse::new(
        599,
        [("content-type", "text/plain")],
        "replay: more requests than recorded exchanges",
    ));
    server
}

/// Differences between what the client sent and what the recording expects (empty when they match).
pub fn check_requests(recording: &Recording, received: &[ReceivedRequest]) -> Vec<String> {
    let mut problems = Vec::new();
    if received.len() != recording.exchanges.len() {
        problems.push(format!(
            "expected {} request(s), the client sent {}",
            recording.exchanges.len(),
            received.len()
        ));
    }
    for (i, (exchange, got)) in recording.exchanges.iter().zip(received).enumerate() {
        let want = &exchange.request;
        let mut fail = |what: String| problems.push(format!("request #{}: {what}", i + 1));
        if got.method != want.method {
            fail(format!("method {} != {}", got.method, want.method));
        }
        if got.path != want.path {
            fail(format!("path {} != {}", got.path, want.path));
        }
        let query: BTreeMap<String, String> = got.query.iter().cloned().collect();
        if got.query.len() != query.len() {
            fail("a query parameter was sent twice".into());
        }
        if query != want.query {
            fail(format!("query {query:?} != {:?}", want.query));
        }
        for (name, value) in &want.headers {
            let actual = got.header(name);
            let ok = match (actual, value.strip_suffix('*')) {
                (Some(actual), Some(prefix)) => actual.starts_with(prefix),
                (Some(actual), None) => actual == value,
                (None, _) => false,
            };
            if !ok {
                fail(format!("header {name}: {actual:?} != {value:?}"));
            }
        }
        for name in &want.absent_headers {
            if let Some(value) = got.header(name) {
                fail(format!("header {name} must be absent, got {value:?}"));
            }
        }
        match (&want.body, got.body.is_empty()) {
            (None, true) => {}
            (None, false) => fail(format!(
                "unexpected body {}",
                String::from_utf8_lossy(&got.body)
            )),
            (Some(_), true) => fail("expected a body, got none".into()),
            (Some(expected), false) => match serde_json::from_slice::<serde_json::Value>(&got.body)
            {
                Ok(actual) if &actual == expected => {}
                Ok(actual) => fail(format!("body {actual} != {expected}")),
                Err(e) => fail(format!(
                    "body is not JSON ({e}): {}",
                    String::from_utf8_lossy(&got.body)
                )),
            },
        }
    }
    problems
}
