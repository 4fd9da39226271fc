//! What the mock server is told (an [`Endpoint`], [`MockResponse`]s) and what it records
//! ([`ReceivedRequest`]).

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderName, HeaderValue};
use hyper::StatusCode;
use percent_encoding::percent_decode_str;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::super::Method;

/// What a typed expectation matches: one operation at one path, as the generated client sends it.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// The request path as the client sends it (path arguments percent-encoded).
    pub path: String,
    /// The media type the client sends as `Accept`.
    pub media_type: &'static str,
    /// The `Content-Type` of the request body this method sends (its essence; `None`: no body),
    /// so methods that differ only in their body's media type are told apart. A request without
    /// a body matches whatever this says (an optional body may be left out).
    pub content_type: Option<&'static str>,
    /// The status of a success answer.
    pub success_status: u16,
    /// Whether a success answer has no body (e.g. 204).
    pub empty: bool,
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

    pub(super) fn text(status: u16, text: String) -> Self {
        MockResponse::new(
            status,
            [("content-type", "text/plain; charset=utf-8")],
            text,
        )
    }

    pub(super) fn into_http(self) -> hyper::Response<Full<Bytes>> {
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
    /// The query exactly as sent (still percent-encoded), to check an encoding.
    pub raw_query: String,
    /// Headers with lower-case names, in the order sent (values decoded lossily as UTF-8).
    pub headers: Vec<(String, String)>,
    /// The raw body.
    pub body: Bytes,
    /// The `operationId` of the typed expectation that answered it, if any.
    pub operation_id: Option<&'static str>,
    /// Whether an expectation matched it (unmatched requests were answered 501).
    pub matched: bool,
    /// Index of the expectation that answered it.
    pub(super) route: Option<usize>,
}

impl ReceivedRequest {
    pub(super) fn from_http(parts: &hyper::http::request::Parts, body: Bytes) -> Self {
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
            raw_query: parts.uri.query().unwrap_or_default().to_owned(),
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
