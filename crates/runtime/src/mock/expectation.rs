//! [`Expectation`]: what one expectation matches, how it answers, and the calls it received.

use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{lock, Endpoint, MockResponse, MockServer, ReceivedRequest, Route};

const NO_HEADERS: [(&str, &str); 0] = [];

/// One expectation: what it matches and how it answers. Builder methods change it in place on the
/// server (nothing to mount), so the value can be dropped or kept to inspect its calls later.
///
/// `R` is the operation's success body type and `B` its request body type (`()` when it has none).
pub struct Expectation<'a, R, B> {
    pub(super) server: &'a MockServer,
    pub(super) index: usize,
    pub(super) endpoint: Option<Endpoint>,
    pub(super) types: PhantomData<fn(B) -> R>,
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

    /// Adds an error answer: `status` with `body` (the API's error body) as `application/json`.
    #[track_caller]
    pub fn respond_error(self, status: u16, body: impl serde::Serialize) -> Self {
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
