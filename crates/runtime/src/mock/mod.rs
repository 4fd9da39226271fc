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
//! expectations, so a mistake in a test reads as an `Error::Api` with status 501
//! (the client never retries 501).
//!
//! The server runs on the Tokio runtime of the caller (`#[tokio::test]` is enough) and stops when the
//! `MockServer` is dropped.

mod exchange;
mod expectation;

use std::collections::VecDeque;
use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use tokio::task::{JoinHandle, JoinSet};

use super::{ApiClient, ClientBuilder, Method};

pub use exchange::{Endpoint, MockResponse, ReceivedRequest};
pub use expectation::Expectation;

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

struct Route {
    label: String,
    operation_id: Option<&'static str>,
    method: Option<Method>,
    path: Option<String>,
    accept: Option<&'static str>,
    content_type: Option<&'static str>,
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
            && self.content_type.is_none_or(|mt| {
                match request.header("content-type") {
                    Some(ct) => ct
                        .split(';')
                        .next()
                        .unwrap_or_default()
                        .trim()
                        .eq_ignore_ascii_case(mt),
                    // An optional body left out (Stripe documents every GET with one): there is
                    // no media type to tell methods apart by.
                    None => request.body.is_empty(),
                }
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
    pub fn client_builder<C: ApiClient>(&self) -> ClientBuilder<C> {
        ClientBuilder::new()
            .base_url(self.uri())
            .bearer_token(MOCK_TOKEN)
    }

    /// A client aimed at this server with the default settings (see [`client_builder`](Self::client_builder)).
    ///
    /// # Panics
    ///
    /// Never in practice: the configuration is always valid.
    pub fn client<C: ApiClient>(&self) -> C {
        self.client_builder::<C>()
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
            content_type: endpoint.content_type,
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
            content_type: None,
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
