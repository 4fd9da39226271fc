// @generated: copied from xtask/runtime/mock.rs by `cargo xtask codegen`. Edit it there.
//! A loopback HTTP server for testing code that uses this client (cargo feature `mock`).
//!
//! [`MockServer::start`] listens on `127.0.0.1` on a free port. Each expectation names one request
//! (method, path, and for typed expectations the media type the operation sends as `Accept`) and the
//! answers to give it, in order; the last answer repeats. The crate's `mock` module adds one typed
//! `on_<operation>` method per `Client` method, so answers are built from the crate's own types and
//! travel through real HTTP and the real client. Every request is recorded for assertions, and
//! [`Expectation::times`] is checked when the server is dropped (or by [`MockServer::verify`]).
//!
//! A request no expectation matches is answered `501 Not Implemented` with a text body listing the
//! expectations, so a mistake in a test reads as an [`Error::Api`](super::Error::Api) with status 501
//! (the client never retries 501).
//!
//! The server runs on the Tokio runtime of the caller (`#[tokio::test]` is enough) and stops when the
//! `MockServer` is dropped.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderName, HeaderValue};
use hyper::StatusCode;
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tokio::task::{JoinHandle, JoinSet};

use super::{Client, ClientBuilder, Method};

const NO_HEADERS: [(&str, &str); 0] = [];

/// Bearer token of [`MockServer::client`].
pub const MOCK_TOKEN: &str = "mock-token";

/// A loopback HTTP server answering the expectations set on it. See the module docs.
pub struct MockServer {
    address: SocketAddr,
    state: Arc<Mutex<State>>,
    accept: JoinHandle<()>,
}

#[derive(Default)]
struct State {
    routes: Vec<Route>,
    received: Vec<ReceivedRequest>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while the lock is held cannot leave the state half-updated in a way that matters here.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// What a typed expectation matches: one operation at one path, as the generated client sends it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// The request path as the client sends it (path arguments percent-encoded).
    pub path: String,
    /// The media type the client sends as `Accept` (and `Content-Type` of a body).
    pub media_type: &'static str,
    /// The status of a success answer.
    pub success_status: u16,
    /// Whether a success answer has no body (e.g. 204).
    pub empty: bool,
}

struct Route {
    label: String,
    operation_id: Option<&'static str>,
    method: Option<Method>,
    path: Option<String>,
    accept: Option<&'static str>,
    query: Vec<(String, String)>,
    body: Option<serde_json::Value>,
    responses: VecDeque<MockResponse>,
    expected_calls: Option<usize>,
    calls: usize,
}

impl Route {
    fn matches(&self, request: &ReceivedRequest) -> bool {
        self.method.is_none_or(|m| m.as_str() == request.method)
            && self.path.as_ref().is_none_or(|p| *p == request.path)
            && self.accept.is_none_or(|mt| {
                request.header("accept").is_some_and(|accept| {
                    accept
                        .split(',')
                        .any(|a| a.split(';').next().unwrap_or_default().trim() == mt)
                })
            })
            && self
                .query
                .iter()
                .all(|(name, value)| request.query_value(name) == Some(value.as_str()))
            && self.body.as_ref().is_none_or(|expected| {
                serde_json::from_slice::<serde_json::Value>(&request.body)
                    .ok()
                    .as_ref()
                    == Some(expected)
            })
    }

    /// The next answer: answers are served in order and the last one repeats.
    fn next_response(&mut self) -> MockResponse {
        if self.responses.len() > 1 {
            if let Some(next) = self.responses.pop_front() {
                return next;
            }
        }
        match self.responses.front() {
            Some(last) => last.clone(),
            None => MockResponse::text(
                501,
                format!(
                    "mock: `{}` matched but has no response; call .respond(..)",
                    self.label
                ),
            ),
        }
    }
}

/// One answer: status, headers and the raw body.
#[derive(Debug, Clone)]
pub struct MockResponse {
    status: StatusCode,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Bytes,
}

impl MockResponse {
    /// An answer with exactly these status, headers and body.
    ///
    /// # Panics
    ///
    /// When the status is not in 100..=999 or a header name or value is not valid HTTP.
    #[track_caller]
    pub fn new<K: AsRef<str>, V: AsRef<str>>(
        status: u16,
        headers: impl IntoIterator<Item = (K, V)>,
        body: impl Into<Bytes>,
    ) -> Self {
        let status = StatusCode::from_u16(status)
            .unwrap_or_else(|_| panic!("mock: {status} is not an HTTP status"));
        let headers = headers
            .into_iter()
            .map(|(name, value)| {
                let (name, value) = (name.as_ref(), value.as_ref());
                let parsed_name = HeaderName::from_bytes(name.as_bytes())
                    .unwrap_or_else(|_| panic!("mock: invalid header name {name:?}"));
                let parsed_value = HeaderValue::from_str(value)
                    .unwrap_or_else(|_| panic!("mock: invalid value for header {name}: {value:?}"));
                (parsed_name, parsed_value)
            })
            .collect();
        MockResponse {
            status,
            headers,
            body: body.into(),
        }
    }

    /// A JSON answer with the given `Content-Type`.
    ///
    /// # Panics
    ///
    /// When `value` cannot be serialized (e.g. a map with non-string keys).
    #[track_caller]
    pub fn json(status: u16, media_type: &str, value: &impl Serialize) -> Self {
        let body = serde_json::to_vec(value)
            .unwrap_or_else(|e| panic!("mock: the answer does not serialize: {e}"));
        MockResponse::new(status, [("content-type", media_type)], body)
    }

    fn text(status: u16, text: String) -> Self {
        MockResponse::new(
            status,
            [("content-type", "text/plain; charset=utf-8")],
            text,
        )
    }

    fn into_http(self) -> hyper::Response<Full<Bytes>> {
        let mut response = hyper::Response::new(Full::new(self.body));
        *response.status_mut() = self.status;
        for (name, value) in self.headers {
            response.headers_mut().append(name, value);
        }
        response
    }
}

/// A request the server received, as sent.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ReceivedRequest {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// The path as sent (percent-encoded), without the query.
    pub path: String,
    /// Query parameters, decoded, in the order sent.
    pub query: Vec<(String, String)>,
    /// Headers with lower-case names, in the order sent (values decoded lossily as UTF-8).
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Bytes,
    /// The `operationId` of the typed expectation that answered it, if any.
    pub operation_id: Option<&'static str>,
    /// Whether an expectation matched it (unmatched requests were answered 501).
    pub matched: bool,
    /// Index of the expectation that answered it.
    route: Option<usize>,
}

impl ReceivedRequest {
    fn from_http(parts: &hyper::http::request::Parts, body: Bytes) -> Self {
        let decode = |s: &str| {
            let spaced = s.replace('+', " ");
            percent_decode_str(&spaced).decode_utf8_lossy().into_owned()
        };
        let query = parts
            .uri
            .query()
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) => (decode(name), decode(value)),
                None => (decode(pair), String::new()),
            })
            .collect();
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        ReceivedRequest {
            method: parts.method.as_str().to_owned(),
            path: parts.uri.path().to_owned(),
            query,
            headers,
            body,
            operation_id: None,
            matched: false,
            route: None,
        }
    }

    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The first value of a query parameter.
    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body decoded as JSON into `T`.
    ///
    /// # Errors
    ///
    /// When the body is not JSON of that shape (or is empty).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl MockServer {
    /// Starts a server on `127.0.0.1` with a free port, on the current Tokio runtime.
    ///
    /// # Panics
    ///
    /// Outside a Tokio runtime, or when no loopback port can be bound.
    pub async fn start() -> MockServer {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
            .await
            .unwrap_or_else(|e| panic!("mock: cannot listen on 127.0.0.1: {e}"));
        let address = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("mock: no local address: {e}"));
        let state = Arc::new(Mutex::new(State::default()));
        let shared = Arc::clone(&state);
        let accept = tokio::spawn(async move {
            // Dropping the set (when the accept task is aborted) aborts every connection task.
            let mut connections = JoinSet::new();
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    // Out of file descriptors or similar: wait instead of spinning.
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                    continue;
                };
                let state = Arc::clone(&shared);
                connections.spawn(async move {
                    let service = hyper::service::service_fn(move |request| {
                        answer(Arc::clone(&state), request)
                    });
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(io, service)
                        .await;
                });
                while connections.try_join_next().is_some() {}
            }
        });
        MockServer {
            address,
            state,
            accept,
        }
    }

    /// The server's base URL, `http://127.0.0.1:<port>`: give it to [`ClientBuilder::base_url`].
    pub fn uri(&self) -> String {
        format!("http://{}", self.address)
    }

    /// The socket address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// A client builder aimed at this server, with bearer token [`MOCK_TOKEN`]; add settings such as
    /// a retry policy, then `build()`.
    pub fn client_builder(&self) -> ClientBuilder {
        Client::builder()
            .base_url(self.uri())
            .bearer_token(MOCK_TOKEN)
    }

    /// A client aimed at this server with the default settings (see [`client_builder`](Self::client_builder)).
    ///
    /// # Panics
    ///
    /// Never in practice: the configuration is always valid.
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .unwrap_or_else(|e| panic!("mock: client configuration rejected: {e}"))
    }

    /// A typed expectation for one operation at one path (used by the generated `on_<operation>`).
    pub fn expect<R, B>(&self, endpoint: Endpoint) -> Expectation<'_, R, B> {
        let label = format!(
            "{} {} (operation {}, Accept: {})",
            endpoint.method, endpoint.path, endpoint.operation_id, endpoint.media_type
        );
        let index = self.add(Route {
            label,
            operation_id: Some(endpoint.operation_id),
            method: Some(endpoint.method),
            path: Some(endpoint.path.clone()),
            accept: Some(endpoint.media_type),
            query: Vec::new(),
            body: None,
            responses: VecDeque::new(),
            expected_calls: None,
            calls: 0,
        });
        Expectation {
            server: self,
            index,
            endpoint: Some(endpoint),
            types: PhantomData,
        }
    }

    /// An untyped expectation for `method` and the exact (percent-encoded) `path`, any media type.
    pub fn on_request(
        &self,
        method: Method,
        path: impl Into<String>,
    ) -> Expectation<'_, serde_json::Value, serde_json::Value> {
        let path = path.into();
        self.raw(format!("{method} {path}"), Some(method), Some(path))
    }

    /// An untyped expectation matching every request, e.g. to replay a recorded sequence of answers.
    pub fn on_any(&self) -> Expectation<'_, serde_json::Value, serde_json::Value> {
        self.raw("any request".to_owned(), None, None)
    }

    fn raw<R, B>(
        &self,
        label: String,
        method: Option<Method>,
        path: Option<String>,
    ) -> Expectation<'_, R, B> {
        let index = self.add(Route {
            label,
            operation_id: None,
            method,
            path,
            accept: None,
            query: Vec::new(),
            body: None,
            responses: VecDeque::new(),
            expected_calls: None,
            calls: 0,
        });
        Expectation {
            server: self,
            index,
            endpoint: None,
            types: PhantomData,
        }
    }

    fn add(&self, route: Route) -> usize {
        let mut state = lock(&self.state);
        state.routes.push(route);
        state.routes.len() - 1
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<ReceivedRequest> {
        lock(&self.state).received.clone()
    }

    /// The requests no expectation matched (they were answered 501).
    pub fn unmatched(&self) -> Vec<ReceivedRequest> {
        lock(&self.state)
            .received
            .iter()
            .filter(|r| !r.matched)
            .cloned()
            .collect()
    }

    /// Expectations whose [`times`](Expectation::times) count is not met, described.
    pub fn unmet(&self) -> Vec<String> {
        lock(&self.state)
            .routes
            .iter()
            .filter_map(|r| match r.expected_calls {
                Some(n) if n != r.calls => Some(format!(
                    "{}: expected {n} call(s), received {}",
                    r.label, r.calls
                )),
                _ => None,
            })
            .collect()
    }

    /// Checks every [`times`](Expectation::times) count now (dropping the server does it too).
    ///
    /// # Panics
    ///
    /// When a count is not met; the message lists each one and the requests received.
    #[track_caller]
    pub fn verify(&self) {
        let unmet = self.unmet();
        if !unmet.is_empty() {
            let received: Vec<String> = self
                .received()
                .iter()
                .map(|r| format!("  {} {}", r.method, r.path))
                .collect();
            panic!(
                "mock: expectations not met:\n  {}\nreceived:\n{}",
                unmet.join("\n  "),
                received.join("\n")
            );
        }
    }
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.state);
        f.debug_struct("MockServer")
            .field("address", &self.address)
            .field("expectations", &state.routes.len())
            .field("received", &state.received.len())
            .finish()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.accept.abort();
        if !std::thread::panicking() {
            self.verify();
        }
    }
}

async fn answer(
    state: Arc<Mutex<State>>,
    request: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            let message = format!("mock: could not read the request body: {e}");
            return Ok(MockResponse::text(400, message).into_http());
        }
    };
    let mut received = ReceivedRequest::from_http(&parts, body);
    let mut state = lock(&state);
    let found = state.routes.iter().position(|r| r.matches(&received));
    let response = match found {
        Some(index) => {
            let route = &mut state.routes[index];
            route.calls += 1;
            received.matched = true;
            received.operation_id = route.operation_id;
            received.route = Some(index);
            route.next_response()
        }
        None => {
            let listed: Vec<&str> = state.routes.iter().map(|r| r.label.as_str()).collect();
            MockResponse::text(
                501,
                format!(
                    "mock: no expectation matches {} {} (Accept: {}); expectations:\n{}",
                    received.method,
                    received.path,
                    received.header("accept").unwrap_or("none"),
                    listed.join("\n")
                ),
            )
        }
    };
    state.received.push(received);
    Ok(response.into_http())
}

/// One expectation: what it matches and how it answers. Builder methods change it in place on the
/// server (nothing to mount), so the value can be dropped or kept to inspect its calls later.
///
/// `R` is the operation's success body type and `B` its request body type (`()` when it has none).
pub struct Expectation<'a, R, B> {
    server: &'a MockServer,
    index: usize,
    endpoint: Option<Endpoint>,
    types: PhantomData<fn(B) -> R>,
}

impl<R, B> fmt::Debug for Expectation<'_, R, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = lock(&self.server.state);
        let route = &state.routes[self.index];
        f.debug_struct("Expectation")
            .field("matches", &route.label)
            .field("responses", &route.responses.len())
            .field("calls", &route.calls)
            .finish()
    }
}

impl<R, B> Expectation<'_, R, B> {
    fn with_route(&self, change: impl FnOnce(&mut Route)) {
        let mut state = lock(&self.server.state);
        change(&mut state.routes[self.index]);
    }

    /// Adds an answer with exactly this status, headers and body.
    pub fn respond_raw(self, response: MockResponse) -> Self {
        self.with_route(|r| r.responses.push_back(response));
        self
    }

    /// Adds an error answer: `status` with `body` as `application/json`, as Atlas sends errors.
    #[track_caller]
    pub fn respond_error(self, status: u16, body: crate::ErrorBody) -> Self {
        let response = MockResponse::json(status, "application/json", &body);
        self.respond_raw(response)
    }

    /// Expects exactly `n` matching calls, checked when the server is dropped or verified.
    pub fn times(self, n: usize) -> Self {
        self.with_route(|r| r.expected_calls = Some(n));
        self
    }

    /// Only matches requests carrying query parameter `name` with this (decoded) value.
    pub fn with_query(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let pair = (name.into(), value.into());
        self.with_route(|r| r.query.push(pair));
        self
    }

    /// The requests this expectation answered, in order.
    pub fn calls(&self) -> Vec<ReceivedRequest> {
        lock(&self.server.state)
            .received
            .iter()
            .filter(|req| req.route == Some(self.index))
            .cloned()
            .collect()
    }

    /// How many requests this expectation answered.
    pub fn call_count(&self) -> usize {
        lock(&self.server.state).routes[self.index].calls
    }
}

impl<R: Serialize, B> Expectation<'_, R, B> {
    /// Adds a success answer carrying `value`, with the operation's success status and media type
    /// (no body for an operation that answers without one). Untyped expectations answer 200 JSON.
    #[track_caller]
    pub fn respond(self, value: R) -> Self {
        let response = match &self.endpoint {
            Some(e) if e.empty => MockResponse::new(e.success_status, NO_HEADERS, Bytes::new()),
            Some(e) => MockResponse::json(e.success_status, e.media_type, &value),
            None => MockResponse::json(200, "application/json", &value),
        };
        self.respond_raw(response)
    }
}

impl<R, B: Serialize> Expectation<'_, R, B> {
    /// Only matches requests whose JSON body equals `body` once serialized.
    ///
    /// # Panics
    ///
    /// When `body` cannot be serialized.
    #[track_caller]
    pub fn with_body(self, body: B) -> Self {
        let value = serde_json::to_value(&body)
            .unwrap_or_else(|e| panic!("mock: the expected body does not serialize: {e}"));
        self.with_route(|r| r.body = Some(value));
        self
    }
}

impl<R, B: DeserializeOwned> Expectation<'_, R, B> {
    /// The request bodies this expectation received, decoded.
    ///
    /// # Panics
    ///
    /// When a body does not decode into `B` (the message quotes it).
    #[track_caller]
    pub fn bodies(&self) -> Vec<B> {
        self.calls()
            .iter()
            .map(|call| {
                call.json().unwrap_or_else(|e| {
                    panic!(
                        "mock: a request body does not decode: {e}: {}",
                        String::from_utf8_lossy(&call.body)
                    )
                })
            })
            .collect()
    }
}
