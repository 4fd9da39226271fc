//! What generated code hands to the client: `Operation` (static facts) and `Request` (path, query,
//! headers, body); the answer is a [`Response`](crate::Response) (`response.rs`).

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

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
    /// Path with `{placeholders}`, used for tracing (never the filled-in path) and to tell the
    /// template's own empty segments (`/`, a trailing `/`) from one a parameter leaves. A `#` part
    /// is the document's key for the operation and is never sent.
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

/// RFC 3986 `unreserved`: the bytes [`SEGMENT`] leaves as they are (a table: one load per byte,
/// checked for every path segment and query value sent).
fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// Percent-encodes one path segment.
///
/// `.` and `..` are encoded as `%2E` / `%2E%2E`. URL parsers still treat those as dot segments,
/// so the client additionally refuses to send a path containing one (see `Client::execute`).
pub fn encode_segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    push_segment(&mut out, raw);
    out
}

/// A request path from its literal pieces and the raw values between them, each value encoded as
/// [`encode_segment`] encodes it: `literals[0]`, `values[0]`, `literals[1]`, … One allocation and no
/// formatting machinery: this runs on every request.
pub fn path(literals: &[&str], values: &[&str]) -> String {
    let capacity = literals
        .iter()
        .chain(values)
        .fold(0usize, |n, s| n.saturating_add(s.len()));
    let mut out = String::with_capacity(capacity);
    let mut values = values.iter();
    for (i, literal) in literals.iter().enumerate() {
        if i > 0 {
            if let Some(value) = values.next() {
                push_segment(&mut out, value);
            }
        }
        out.push_str(literal);
    }
    out
}

/// Appends `raw` percent-encoded as one path segment (see [`encode_segment`]).
fn push_segment(out: &mut String, raw: &str) {
    match raw {
        "." => out.push_str("%2E"),
        ".." => out.push_str("%2E%2E"),
        _ if raw.bytes().fold(true, |all, b| all & is_unreserved(b)) => out.push_str(raw),
        _ => out.extend(utf8_percent_encode(raw, SEGMENT)),
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
    /// A URL the server named for the next page of a listing: sent instead of base + path + query.
    pub(crate) follow: Option<String>,
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
            // Without its query: a server may echo a query credential into its next-page URLs.
            .field(
                "follow",
                &self
                    .follow
                    .as_deref()
                    .map(|url| url.split(['?', '#']).next().unwrap_or_default()),
            )
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
            follow: None,
        }
    }

    /// Sends the request to `url`, a page URL the server named (a next URL in the body or the
    /// `Link` header), instead of base + path + query; method, headers, body, authentication,
    /// retries and limits stay as they are. A relative `url` is resolved against the request's own
    /// URL (base + path + query). Before anything is sent the client refuses, with
    /// [`Error::Pagination`], a URL whose origin (scheme, host, port) is not the base URL's:
    /// credentials never go to another host.
    pub fn follow(&mut self, url: String) {
        self.follow = Some(url);
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
    /// returned through [`Response::location`](crate::Response::location)) rather than an error.
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
    #[cfg(test)]
    pub(crate) fn path_and_query(&self) -> String {
        let mut out = String::new();
        self.push_path_and_query(&mut out);
        out
    }

    /// Appends the path and the encoded query to `out` (the request URL after the base).
    pub(crate) fn push_path_and_query(&self, out: &mut String) {
        out.push_str(&self.path);
        for (i, pair) in self.query.iter().enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            pair.encode_into(out);
        }
    }
}

/// Rejects a header parameter that HTTP cannot carry (a line break or another control character in
/// the value, or a name that is not a token), naming it, before anything is sent: the HTTP library
/// would otherwise fail the attempt with an opaque transport error.
pub(crate) fn check_headers(headers: &[(&'static str, String)]) -> Result<(), Error> {
    for (name, value) in headers {
        if reqwest::header::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(Error::invalid(name, "is not a valid HTTP header name"));
        }
        if reqwest::header::HeaderValue::from_str(value).is_err() {
            return Err(Error::invalid(
                name,
                "contains a character an HTTP header cannot carry (a line break or another control character)",
            ));
        }
    }
    Ok(())
}

/// Rejects a path that a URL parser would rewrite, or that a path parameter left without a segment:
/// a dot segment (also percent-encoded), or an empty segment that `template` (the operation's path
/// template) does not have itself. A `/` in a value is always encoded, so every `/` of the path is
/// one of the template's: an empty segment the template lacks is a parameter that produced nothing.
pub(crate) fn check_path(path: &str, template: &str) -> Result<(), Error> {
    if !path.starts_with('/') {
        return Err(Error::invalid("path", "must start with `/`"));
    }
    // An empty segment is `//` or a trailing `/`; a dot segment needs a `.` or `%`, which ids and
    // most names lack, so segments are compared only when one is seen, and the template only when
    // the path has an empty segment (the root, a trailing-slash route). Both searches are SIMD
    // (`memchr`): this runs on every request.
    let bytes = path.as_bytes();
    let trailing = path.ends_with('/');
    if trailing || memchr::memmem::find(bytes, b"//").is_some() {
        let template = sent_template(template);
        if trailing && !template.ends_with('/') || doubled(path) != doubled(template) {
            return Err(empty_segment());
        }
    }
    let dotted = memchr::memchr2(b'.', b'%', bytes).is_some();
    if dotted && path.split('/').any(is_dot_segment) {
        return Err(Error::invalid(
            "path",
            "must not contain a `.` or `..` segment (a path parameter is a dot segment)",
        ));
    }
    Ok(())
}

/// The part of a path template that is sent: a `#` part (documents key two operations on one path
/// with it) never is.
fn sent_template(template: &str) -> &str {
    template.split_once('#').map_or(template, |(sent, _)| sent)
}

/// How many `//` (overlapping: `///` is two) `text` has.
fn doubled(text: &str) -> usize {
    text.as_bytes().windows(2).filter(|w| w == b"//").count()
}

fn empty_segment() -> Error {
    Error::invalid(
        "path",
        "must not contain an empty segment (a path parameter is empty)",
    )
}

/// Every spelling of a dot segment, once percent-decoded (compared without allocating).
fn is_dot_segment(segment: &str) -> bool {
    const DOT_SEGMENTS: [&str; 6] = [".", "..", "%2e", "%2e%2e", ".%2e", "%2e."];
    segment.len() <= 6 && DOT_SEGMENTS.iter().any(|d| segment.eq_ignore_ascii_case(d))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A versioned list operation, for the request and response tests.
    pub(crate) static OP: Operation = Operation {
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
    fn path_encodes_each_value_between_literals_as_encode_segment_does() {
        let values = ["abc", "a/b c", "..", ".", "ü", ""];
        for value in values {
            assert_eq!(
                path(&["/x/", ";m=", "/y"], &[value, "1"]),
                format!("/x/{};m=1/y", encode_segment(value)),
                "{value}"
            );
        }
        assert_eq!(path(&["/only"], &[]), "/only");
        // A dot value encodes to a dot segment a URL parser would still resolve: refused later.
        assert!(check_path(&path(&["/a/", "/b"], &[".."]), "/a/{x}/b").is_err());
        assert!(check_path(&path(&["/a/", "/b"], &[""]), "/a/{x}/b").is_err());
    }

    #[test]
    fn check_path_rejects_dot_and_empty_segments() {
        let t = "/api/atlas/v2/groups/{g}/clusters/{c}";
        assert!(check_path("/api/atlas/v2/groups/abc/clusters/..%2Fx", t).is_ok());
        assert!(check_path("/api/atlas/v2/groups/...", "/api/atlas/v2/groups/{g}").is_ok());
        for (bad, template) in [
            ("/a/%2E%2E/b", "/a/{x}/b"),
            ("/a/%2e/b", "/a/{x}/b"),
            ("/a/.%2E", "/a/{x}"),
            ("/a//b", "/a/{x}/b"),
            ("/a/..", "/a/{x}"),
            ("relative", "relative"),
            ("/a/", "/a/{x}"),
            // The template's own slashes do not excuse a parameter's empty segment.
            ("/", "/{x}"),
            ("/plans//template/", "/plans/{id}/template/"),
            ("/a///b", "/a//{x}/b"),
            ("/a//", "/a/{x}/"),
            ("/a/b/", "/a/b#x/"),
            ("/a/./", "/a/{x}/"),
        ] {
            assert!(
                matches!(
                    check_path(bad, template),
                    Err(Error::InvalidRequest {
                        parameter: "path",
                        ..
                    })
                ),
                "{bad} from {template}"
            );
        }
        assert!(check_path(&format!("/a/{}/b", encode_segment("..")), "/a/{x}/b").is_err());
    }

    #[test]
    fn check_path_sends_the_empty_segments_the_template_has() {
        for (sent, template) in [
            ("/", "/"),
            ("/plans/", "/plans/"),
            ("/plans/p%201/template/", "/plans/{id}/template/"),
            ("/a//b", "/a//b"),
            ("/a//x/b", "/a//{x}/b"),
            // A `#` part is the document's key, never sent.
            ("/", "/#X-Amz-Target=AmazonAthena.ListNamedQueries"),
            ("/configuration", "/configuration#configuration_token"),
            ("/plans/", "/plans/#put"),
        ] {
            assert!(check_path(sent, template).is_ok(), "{sent} from {template}");
        }
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
    fn a_followed_urls_query_stays_out_of_debug() {
        let mut r = Request::new(&OP, "/p".into());
        r.follow("https://api.example.com/p?api_key=s3cret&page=2#x".into());
        let debug = format!("{r:?}");
        assert!(debug.contains("https://api.example.com/p"), "{debug}");
        assert!(!debug.contains("s3cret"), "{debug}");
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
    fn headers_http_cannot_carry_are_refused_by_name() {
        let ok = [("Signature", "keyId=\"a\", sig=\"b\"".to_owned())];
        assert!(check_headers(&ok).is_ok());
        for (name, value) in [("Signature", "a\nb"), ("X-Id", "a\rb"), ("X-Nul", "a\0")] {
            let err = check_headers(&[(name, value.to_owned())]).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidRequest { parameter, .. } if *parameter == name),
                "{err:?}"
            );
            // The value itself never appears in the error (it may be a secret).
            assert!(!err.to_string().contains(value), "{err}");
        }
        let err = check_headers(&[("Bad Name", "v".to_owned())]).unwrap_err();
        assert!(err.to_string().contains("Bad Name"), "{err}");
    }
}
