//! What generated code hands to the client (`Operation`, `Request`) and gets back (`Response`).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde::de::DeserializeOwned;

use super::decode::{decode_slice, decode_value};
use super::error::excerpt;
use super::Error;

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
    /// `HEAD`: the answer never has a body (RFC 9110 §9.3.2).
    Head,
    /// `OPTIONS`
    Options,
    /// `TRACE`
    Trace,
}

impl Method {
    /// The method's name on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
            Method::Options => "OPTIONS",
            Method::Trace => "TRACE",
        }
    }

    /// Whether repeating the request has the same effect as sending it once (RFC 9110 §9.2.2).
    pub const fn is_idempotent(self) -> bool {
        matches!(
            self,
            Method::Get
                | Method::Put
                | Method::Delete
                | Method::Head
                | Method::Options
                | Method::Trace
        )
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
            Method::Head => reqwest::Method::HEAD,
            Method::Options => reqwest::Method::OPTIONS,
            Method::Trace => reqwest::Method::TRACE,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Static description of one API operation (one per operation and media-type version).
#[derive(Debug)]
pub struct Operation {
    /// The spec's `operationId`.
    pub operation_id: &'static str,
    /// HTTP method.
    pub method: Method,
    /// Path with `{placeholders}`, used for tracing (never the filled-in path).
    pub path_template: &'static str,
    /// Versioned media type sent as `Accept` (and `Content-Type` of a body).
    pub media_type: &'static str,
}

/// Everything outside RFC 3986 `unreserved` (ALPHA / DIGIT / `-` / `.` / `_` / `~`) is escaped,
/// so `/`, `?`, `#`, `%` and `;` in a value can never change the path.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// RFC 3986 `unreserved`: the bytes [`SEGMENT`] leaves as they are.
fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes one path segment.
///
/// `.` and `..` are encoded as `%2E` / `%2E%2E`. URL parsers still treat those as dot segments,
/// so the client additionally refuses to send a path containing one (see `Client::execute`).
pub fn encode_segment(raw: &str) -> String {
    match raw {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        // A segment with nothing to escape (an id) is copied once, without the encoder.
        _ if raw.bytes().all(is_unreserved) => raw.to_owned(),
        _ => Cow::from(utf8_percent_encode(raw, SEGMENT)).into_owned(),
    }
}

/// Encodes a query name or value with the same strict set (space becomes `%20`, `+` is escaped).
pub(crate) fn encode_query_component(raw: &str) -> String {
    Cow::from(utf8_percent_encode(raw, SEGMENT)).into_owned()
}

/// A value that can be sent as a query parameter.
pub trait QueryValue {
    /// The unencoded text sent on the wire.
    fn to_query(&self) -> String;
}

impl QueryValue for bool {
    fn to_query(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
}

macro_rules! display_query_value {
    ($($t:ty),*) => {$(
        impl QueryValue for $t {
            fn to_query(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
display_query_value!(i8, i16, i32, i64, u8, u16, u32, u64, usize, f32, f64);

impl QueryValue for str {
    fn to_query(&self) -> String {
        self.to_owned()
    }
}

impl QueryValue for String {
    fn to_query(&self) -> String {
        self.clone()
    }
}

impl<T: QueryValue + ?Sized> QueryValue for &T {
    fn to_query(&self) -> String {
        (**self).to_query()
    }
}

/// One HTTP request of an operation, before authentication and retries.
pub struct Request {
    pub(crate) operation: &'static Operation,
    pub(crate) path: String,
    pub(crate) query: Vec<crate::params::QueryPair>,
    pub(crate) headers: Vec<(&'static str, String)>,
    pub(crate) envelope: bool,
    pub(crate) body: Option<crate::body::Body>,
    pub(crate) redirect_is_success: bool,
}

impl fmt::Debug for Request {
    // The body is summarised, not printed: request bodies are the caller's data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("operation_id", &self.operation.operation_id)
            .field("path", &self.path)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("envelope", &self.envelope)
            .field("body_bytes", &self.body.as_ref().map(|b| b.bytes.len()))
            .finish()
    }
}

impl Request {
    /// A request for `operation` to `path` (already built with [`encode_segment`]).
    pub fn new(operation: &'static Operation, path: String) -> Self {
        Request {
            operation,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            envelope: false,
            redirect_is_success: false,
            body: None,
        }
    }

    /// Adds a request header (a spec `in: header` parameter); `None` is not sent.
    pub fn header<V: QueryValue>(&mut self, name: &'static str, value: Option<V>) {
        if let Some(v) = value {
            self.headers.push((name, v.to_query()));
        }
    }

    /// Adds a query parameter; `None` is not sent. Repeated names are sent repeatedly.
    pub fn query<V: QueryValue>(&mut self, name: &'static str, value: Option<V>) {
        if let Some(v) = value {
            self.query
                .push(crate::params::QueryPair::new(name, v.to_query(), false));
        }
    }

    /// The operation documents only redirects: a 3xx answer is its success (its `Location` is
    /// returned through [`Response::location`]) rather than an error.
    pub fn redirect_is_success(&mut self) {
        self.redirect_is_success = true;
    }

    /// The response body will be wrapped in an envelope (a profile's parameter asked for one,
    /// and generated code sends that parameter itself): unwrap it before decoding.
    pub fn envelope(&mut self, on: bool) {
        self.envelope = on;
    }

    /// Serializes `body` as the JSON request body, sent as the operation's media type.
    pub fn json_body<T: serde::Serialize>(&mut self, body: &T) -> Result<(), Error> {
        self.json_body_as(self.operation.media_type, body)
    }

    /// Serializes `body` as the JSON request body, sent as `media_type`.
    pub fn json_body_as<T: serde::Serialize>(
        &mut self,
        media_type: &str,
        body: &T,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid("body", format!("could not be serialized as JSON: {e}")))?;
        self.set_body(media_type, Bytes::from(bytes));
        Ok(())
    }

    /// Sends `body` as `application/x-www-form-urlencoded` (see the form encoding in `body.rs`).
    pub fn form_body<T: serde::Serialize>(
        &mut self,
        media_type: &str,
        body: &T,
    ) -> Result<(), Error> {
        let value = serde_json::to_value(body)
            .map_err(|e| Error::invalid("body", format!("could not be serialized: {e}")))?;
        let value = crate::body::sorted_members(value);
        let text = crate::body::form_urlencoded(&value).map_err(|e| Error::invalid("body", e))?;
        self.set_body(media_type, Bytes::from(text));
        Ok(())
    }

    /// Sends `body` as a `multipart/form-data` body.
    pub fn multipart_body(&mut self, body: &crate::Multipart) -> Result<(), Error> {
        let encoded = body.encode().map_err(|e| Error::invalid("body", e))?;
        self.body = Some(encoded);
        Ok(())
    }

    /// Sends `body` unchanged as `media_type` (text, binary, XML or any other format).
    pub fn raw_body(&mut self, media_type: &str, body: impl Into<Bytes>) {
        self.set_body(media_type, body.into());
    }

    fn set_body(&mut self, media_type: &str, bytes: Bytes) {
        self.body = Some(crate::body::Body {
            content_type: media_type.to_owned(),
            bytes,
        });
    }

    /// The operation this request belongs to.
    pub fn operation(&self) -> &'static Operation {
        self.operation
    }

    /// `path?query`, encoded.
    pub(crate) fn path_and_query(&self) -> String {
        let mut out = self.path.clone();
        for (i, pair) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            pair.encode_into(&mut out);
        }
        out
    }
}

/// Rejects a path that a URL parser would rewrite: empty or dot segments (also percent-encoded).
pub(crate) fn check_path(path: &str) -> Result<(), Error> {
    if !path.starts_with('/') {
        return Err(Error::invalid("path", "must start with `/`"));
    }
    // Every spelling of a dot segment, once percent-decoded (checked without allocating: this runs
    // on every request).
    const DOT_SEGMENTS: [&str; 6] = [".", "..", "%2e", "%2e%2e", ".%2e", "%2e."];
    // Segments found by one pass over the bytes (cheaper than `split('/')` on short segments).
    let check = |segment: &str| -> Result<(), Error> {
        if segment.is_empty() {
            return Err(Error::invalid(
                "path",
                "must not contain an empty segment (a path parameter is empty)",
            ));
        }
        let dot_like = |s: &str| {
            s.bytes()
                .all(|b| matches!(b, b'.' | b'%' | b'2' | b'e' | b'E'))
        };
        if segment.len() <= 6
            && dot_like(segment)
            && DOT_SEGMENTS.iter().any(|d| segment.eq_ignore_ascii_case(d))
        {
            return Err(Error::invalid(
                "path",
                "must not contain a `.` or `..` segment (a path parameter is a dot segment)",
            ));
        }
        Ok(())
    };
    let mut start = 1;
    for (end, &b) in path.as_bytes().iter().enumerate().skip(1) {
        if b == b'/' {
            check(path.get(start..end).unwrap_or_default())?;
            start = end + 1;
        }
    }
    check(path.get(start..).unwrap_or_default())?;
    Ok(())
}

/// A success (2xx) response with its body fully read. `B` is the API's error body type, so that
/// decoding errors come out as the generated crate's `Error`.
pub struct Response<B = crate::error::Undecoded> {
    pub(crate) status: u16,
    pub(crate) media_type: Option<String>,
    pub(crate) body: Bytes,
    pub(crate) expected: &'static str,
    pub(crate) envelope: bool,
    /// `Location` of a redirect answer (see [`Request::redirect_is_success`]).
    pub(crate) location: Option<String>,
    pub(crate) error_body: PhantomData<fn() -> B>,
}

impl<B> fmt::Debug for Response<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("media_type", &self.media_type)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Response<crate::error::Undecoded> {
    /// The same response, its errors typed for a client whose error body is `B`.
    pub(crate) fn with_error_body<B>(self) -> Response<B> {
        Response {
            status: self.status,
            media_type: self.media_type,
            body: self.body,
            expected: self.expected,
            envelope: self.envelope,
            location: self.location,
            error_body: PhantomData,
        }
    }
}

impl<B> Response<B> {
    /// HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Location` of a redirect answer, when the operation documents only redirects.
    pub fn location(&self) -> Option<String> {
        self.location.clone()
    }

    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Checks the media type, removes an `envelope=true` wrapper and decodes the body.
    pub fn json<T: DeserializeOwned>(self) -> Result<T, Error<B>> {
        if let Some(mt) = &self.media_type {
            if !media_type_matches(mt, self.expected) {
                return Err(Error::UnexpectedMediaType {
                    status: self.status,
                    media_type: self.media_type,
                    expected: self.expected,
                    body: self.body,
                });
            }
        }
        let result = if self.envelope {
            match serde_json::from_slice::<serde_json::Value>(&self.body) {
                Ok(value) => decode_value(&unwrap_envelope(value)),
                Err(e) => Err((String::new(), e)),
            }
        } else {
            decode_slice(&self.body)
        };
        result.map_err(|(path, source)| Error::Decode {
            status: self.status,
            media_type: self.media_type,
            path,
            excerpt: excerpt(&self.body, 512),
            source,
        })
    }

    /// Accepts a response whose body (if any) is not needed.
    pub fn empty(self) -> Result<(), Error<B>> {
        Ok(())
    }

    /// The body as received, for binary media types (e.g. a gzip download).
    pub fn bytes(self) -> Bytes {
        self.body
    }

    /// The body as text, for text media types (e.g. CSV).
    pub fn text(self) -> Result<String, Error<B>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(text),
            Err(e) => Err(Error::Decode {
                status: self.status,
                media_type: self.media_type,
                path: String::new(),
                excerpt: excerpt(&self.body, 512),
                source: serde::de::Error::custom(format!("body is not UTF-8 text: {e}")),
            }),
        }
    }
}

/// Whether a `Content-Type` is acceptable for an operation that asked for `expected`:
/// the same type (parameters like `;charset=utf-8` ignored, case-insensitive) or plain JSON.
pub(crate) fn media_type_matches(content_type: &str, expected: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case(expected) || essence.eq_ignore_ascii_case("application/json")
}

/// Removes Atlas' `envelope=true` wrapper: single objects become `{"status": N, "content": {..}}`,
/// lists keep `results` at the top level and gain a `status` field.
pub(crate) fn unwrap_envelope(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(mut map) if map.get("status").is_some_and(|s| s.is_u64()) => {
            if map.contains_key("content") {
                map.remove("content").unwrap_or(serde_json::Value::Null)
            } else {
                map.remove("status");
                serde_json::Value::Object(map)
            }
        }
        other => other,
    }
}

/// The status inside an envelope, if the body is one (Atlas may answer 200 and put the real
/// status there, for clients that cannot read HTTP statuses).
pub(crate) fn envelope_status(body: &[u8]) -> Option<u16> {
    let value = serde_json::from_slice::<serde_json::Value>(body).ok()?;
    u16::try_from(value.as_object()?.get("status")?.as_u64()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    static OP: Operation = Operation {
        operation_id: "listThings",
        method: Method::Get,
        path_template: "/api/atlas/v2/groups/{groupId}/things",
        media_type: "application/vnd.atlas.2024-05-30+json",
    };

    #[test]
    fn encode_segment_hostile_inputs() {
        assert_eq!(encode_segment("../x"), "..%2Fx");
        assert_eq!(encode_segment("a/b"), "a%2Fb");
        assert_eq!(encode_segment("%2F"), "%252F");
        assert_eq!(encode_segment("a?b#c"), "a%3Fb%23c");
        assert_eq!(encode_segment("."), "%2E");
        assert_eq!(encode_segment(".."), "%2E%2E");
        assert_eq!(encode_segment("..."), "...");
        assert_eq!(encode_segment("a b;c=d&e+f"), "a%20b%3Bc%3Dd%26e%2Bf");
        assert_eq!(encode_segment("ü\\"), "%C3%BC%5C");
        assert_eq!(encode_segment("Az09-._~"), "Az09-._~");
        for hostile in ["../x", "a/b", "%2F", "?", "#", ".", "..", "/", "\u{0}"] {
            let enc = encode_segment(hostile);
            assert!(!enc.contains(['/', '?', '#']), "{hostile} -> {enc}");
        }
    }

    #[test]
    fn check_path_rejects_dot_and_empty_segments() {
        assert!(check_path("/api/atlas/v2/groups/abc/clusters/..%2Fx").is_ok());
        assert!(check_path("/api/atlas/v2/groups/...").is_ok());
        for bad in [
            "/a/%2E%2E/b",
            "/a/%2e/b",
            "/a/.%2E",
            "/a//b",
            "/a/..",
            "relative",
            "/a/",
        ] {
            assert!(
                matches!(
                    check_path(bad),
                    Err(Error::InvalidRequest {
                        parameter: "path",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        assert!(check_path(&format!("/a/{}/b", encode_segment(".."))).is_err());
    }

    #[test]
    fn query_encoding_and_envelope_flag() {
        let mut r = Request::new(&OP, "/p".into());
        r.query("itemsPerPage", Some(100));
        r.query::<bool>("pretty", None);
        r.query("name", Some("a b&c=d+e"));
        // The envelope flag only says how to read the answer; the parameter is sent like any other.
        r.envelope(true);
        assert!(r.envelope);
        assert_eq!(
            r.path_and_query(),
            "/p?itemsPerPage=100&name=a%20b%26c%3Dd%2Be"
        );
        r.query("envelope", Some(true));
        assert_eq!(
            r.path_and_query(),
            "/p?itemsPerPage=100&name=a%20b%26c%3Dd%2Be&envelope=true"
        );
        let mut r = Request::new(&OP, "/p".into());
        r.envelope(false);
        assert_eq!(r.path_and_query(), "/p");
        r.query("x", Some(String::from("s")));
        r.query("y", Some(&String::from("t")));
        r.query("z", Some(1.5f64));
        assert_eq!(r.path_and_query(), "/p?x=s&y=t&z=1.5");
    }

    #[test]
    fn headers_are_kept_apart_from_the_query() {
        let mut r = Request::new(&OP, "/p".into());
        r.header("Use-Effective-Fields", Some(true));
        r.header::<bool>("Absent", None);
        assert_eq!(r.headers, vec![("Use-Effective-Fields", "true".to_owned())]);
        assert_eq!(r.path_and_query(), "/p");
    }

    #[test]
    fn text_and_bytes_bodies() {
        assert_eq!(
            response("a,b\n1,2", None, false).text().unwrap(),
            "a,b\n1,2"
        );
        assert_eq!(&response("\u{1f}x", None, false).bytes()[..], b"\x1fx");
        let bad = Response {
            body: Bytes::from_static(b"\xff\xfe"),
            ..response("", Some("text/csv"), false)
        };
        assert!(matches!(bad.text(), Err(Error::Decode { status: 200, .. })));
    }

    #[test]
    fn media_type_matching() {
        let expected = OP.media_type;
        assert!(media_type_matches(
            "application/vnd.atlas.2024-05-30+json",
            expected
        ));
        assert!(media_type_matches(
            "application/vnd.atlas.2024-05-30+json;charset=utf-8",
            expected
        ));
        assert!(media_type_matches(
            "Application/VND.atlas.2024-05-30+JSON ; charset=UTF-8",
            expected
        ));
        assert!(media_type_matches("application/json", expected));
        assert!(media_type_matches(
            "application/json; charset=utf-8",
            expected
        ));
        assert!(!media_type_matches(
            "application/vnd.atlas.2023-01-01+json",
            expected
        ));
        assert!(!media_type_matches("text/html", expected));
        assert!(!media_type_matches("", expected));
    }

    #[test]
    fn envelope_unwrap() {
        let single = json!({"status": 200, "content": {"id": "x"}});
        assert_eq!(unwrap_envelope(single), json!({"id": "x"}));
        let list = json!({"status": 200, "results": [1], "totalCount": 1, "links": []});
        assert_eq!(
            unwrap_envelope(list),
            json!({"results": [1], "totalCount": 1, "links": []})
        );
        // Not an envelope: a body whose own `status` is a string is left alone.
        let plain = json!({"status": "ACTIVE", "id": "x"});
        assert_eq!(unwrap_envelope(plain.clone()), plain);
        assert_eq!(
            envelope_status(br#"{"status":404,"content":{}}"#),
            Some(404)
        );
        assert_eq!(envelope_status(br#"{"status":"ACTIVE"}"#), None);
        assert_eq!(envelope_status(b"[1]"), None);
    }

    fn response(body: &'static str, media_type: Option<&str>, envelope: bool) -> Response {
        Response {
            status: 200,
            media_type: media_type.map(str::to_owned),
            body: Bytes::from_static(body.as_bytes()),
            expected: OP.media_type,
            envelope,
            location: None,
            error_body: PhantomData,
        }
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Thing {
        id: String,
        count: u32,
    }

    #[test]
    fn json_decoding() {
        let ok: Thing = response(r#"{"id":"a","count":1}"#, Some(OP.media_type), false)
            .json()
            .unwrap();
        assert_eq!(
            ok,
            Thing {
                id: "a".into(),
                count: 1
            }
        );
        // Missing Content-Type is tolerated.
        let ok: Thing = response(r#"{"id":"a","count":1}"#, None, false)
            .json()
            .unwrap();
        assert_eq!(ok.count, 1);
        let ok: Thing = response(
            r#"{"status":200,"content":{"id":"a","count":2}}"#,
            Some("application/json"),
            true,
        )
        .json()
        .unwrap();
        assert_eq!(ok.count, 2);
        match response(r#"{"id":"a","count":"many"}"#, Some(OP.media_type), false).json::<Thing>() {
            Err(Error::Decode {
                status: 200,
                path,
                excerpt,
                ..
            }) => {
                assert_eq!(path, "count");
                assert!(excerpt.contains("many"));
            }
            other => panic!("{other:?}"),
        }
        match response(
            r#"{"status":200,"content":{"id":"a","count":-1}}"#,
            None,
            true,
        )
        .json::<Thing>()
        {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "count"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            response("<html>", Some("text/html"), false).json::<Thing>(),
            Err(Error::UnexpectedMediaType { status: 200, .. })
        ));
        assert!(matches!(
            response(r#"{"id":"a","count":1} x"#, None, false).json::<Thing>(),
            Err(Error::Decode { .. })
        ));
        assert!(response("<html>", Some("text/html"), false).empty().is_ok());
    }

    #[derive(serde::Deserialize, Debug)]
    struct List {
        #[allow(dead_code)]
        items: Vec<Thing>,
    }

    #[test]
    fn enveloped_decode_failures_name_the_member_path() {
        match response(
            r#"{"status":200,"content":{"items":[{"id":"a","count":true}]}}"#,
            None,
            true,
        )
        .json::<List>()
        {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "items[0].count"),
            other => panic!("{other:?}"),
        }
    }
}
