//! The one error type every call returns, and the API-failure details it carries.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;

/// Read access to the fields of the API's error body, implemented by the generated `ErrorBody`
/// (which fields play these roles is the generator's decision, from the spec and its profile).
pub trait ErrorFields {
    /// The machine-readable error code, e.g. `RESOURCE_NOT_FOUND`.
    fn error_code(&self) -> Option<&str>;
    /// Human-readable explanation of the failure.
    fn detail(&self) -> Option<&str>;
    /// The HTTP reason phrase the server put in the body.
    fn reason(&self) -> Option<&str>;
}

/// The error-body type of the runtime's own errors: the body is not decoded yet. A generated
/// crate's `Error` (`Error<ErrorBody>`) converts from `Error<Undecoded>` with `?`, decoding the
/// error body then. Deliberately not `Deserialize`, which is what makes that `From` coherent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Undecoded;

/// Bodies with no known roles: the runtime's own errors (`Undecoded`), and a spec without one
/// documented error schema (the body kept as JSON).
macro_rules! no_error_roles {
    ($($ty:ty),*) => {$(
        impl ErrorFields for $ty {
            fn error_code(&self) -> Option<&str> {
                None
            }
            fn detail(&self) -> Option<&str> {
                None
            }
            fn reason(&self) -> Option<&str> {
                None
            }
        }
    )*};
}
no_error_roles!(Undecoded, serde_json::Value);

/// Why a request failed below HTTP. Decides whether a retry is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportKind {
    /// No connection could be made (DNS, refused, TLS handshake, connect timeout):
    /// the request never reached the server.
    Connect,
    /// The request or the response body timed out after the connection was made.
    Timeout,
    /// The connection was reset or closed mid-exchange: the server may have seen the request.
    Interrupted,
    /// Anything else (e.g. an invalid redirect or a body that could not be read).
    Other,
}

/// What went wrong while authenticating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthErrorKind {
    /// The OAuth token endpoint answered with a non-success status.
    TokenEndpoint,
    /// The OAuth token endpoint's answer could not be understood.
    TokenResponse,
    /// The OAuth revoke endpoint answered with a non-success status.
    Revoke,
    /// The server's `WWW-Authenticate` challenge uses an algorithm or `qop` this client does not
    /// implement, or is malformed.
    UnsupportedChallenge,
    /// The operation needs credentials of a kind the client was not configured with.
    NotConfigured,
    /// A token or revoke request was redirected, or an authenticated request was redirected to
    /// another origin (only possible with a caller's `http_client` that follows redirects).
    Redirected,
}

/// Every error a generated client returns. `B` is the API's error body (the generated crate's
/// `ErrorBody`); the runtime's internals use `B = Undecoded` and the generated client decodes the
/// body at its boundary (`From<Error<Undecoded>>`, so `?` does it).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error<B = Undecoded> {
    /// A client-side check failed; nothing was sent.
    InvalidRequest {
        /// The parameter (or `body` / `path`) that failed the check.
        parameter: &'static str,
        /// The rule it violated, e.g. ``must match pattern `^[a-f0-9]{24}$` ``.
        rule: String,
    },
    /// `ClientBuilder::build` rejected the configuration.
    InvalidConfig {
        /// What is wrong with it.
        message: String,
    },
    /// The HTTP exchange failed below HTTP (connect, timeout, reset).
    Transport {
        /// Which kind of failure; see [`Error::is_connect`] and [`Error::is_timeout`].
        kind: TransportKind,
        /// How many attempts were made, the failing one included.
        attempts: u32,
        /// The underlying error.
        source: reqwest::Error,
    },
    /// The server answered with a non-success status.
    Api(Box<ApiFailure<B>>),
    /// A success response's body did not decode into the expected type.
    Decode {
        /// HTTP status of the response.
        status: u16,
        /// Its `Content-Type`, if any.
        media_type: Option<String>,
        /// Path of the failing field, e.g. `results[3].exportStatus.exportedCollections`.
        path: String,
        /// The start of the body, for diagnosis.
        excerpt: String,
        /// The whole body as received: what the server sent is still readable when it does not
        /// fit the spec (a required member missing, `null` where none is allowed). Boxed so that
        /// `Error` stays small to move (see the `error_stays_small` test).
        body: Box<Bytes>,
        /// The decoder's error.
        source: serde_json::Error,
    },
    /// A success response came with a media type the operation does not produce.
    UnexpectedMediaType {
        /// HTTP status of the response.
        status: u16,
        /// Its `Content-Type`, if any.
        media_type: Option<String>,
        /// The media type the operation asked for.
        expected: &'static str,
        /// The raw body.
        body: Bytes,
    },
    /// The response body exceeded the client's limit (see `ClientBuilder::max_response_bytes`).
    ResponseTooLarge {
        /// HTTP status of the response.
        status: u16,
        /// The limit in bytes.
        limit: usize,
    },
    /// A paginated listing stopped because the server misbehaved (e.g. served the same page twice,
    /// or named the same cursor again), the listing passed its `max_pages`, or the next page's URL
    /// was refused (another origin than the client's base URL, or not a URL).
    Pagination {
        /// The page at which the problem was seen: its page number for a page-number listing;
        /// for every other kind (offset, cursor, next URL, `Link` header) its 1-based index in the
        /// listing (the count of pages fetched up to and including it). 0 when the request was
        /// not part of a walk (e.g. `Request::follow` used directly).
        page: i64,
        /// What went wrong.
        reason: String,
    },
    /// Authentication could not be performed.
    Auth {
        /// What failed.
        kind: AuthErrorKind,
        /// HTTP status of the failing auth response, if there was one.
        status: Option<u16>,
        /// Explanation (never contains a secret).
        message: String,
    },
}

impl<B> Error<B> {
    /// The HTTP status involved, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(f) => Some(f.status),
            Error::Decode { status, .. }
            | Error::UnexpectedMediaType { status, .. }
            | Error::ResponseTooLarge { status, .. } => Some(*status),
            Error::Auth { status, .. } => *status,
            _ => None,
        }
    }

    /// The API failure details, if this is [`Error::Api`].
    pub fn api(&self) -> Option<&ApiFailure<B>> {
        match self {
            Error::Api(f) => Some(f),
            _ => None,
        }
    }

    /// The server answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.api().is_some_and(|f| f.status == 404)
    }

    /// The server answered 429 Too Many Requests (after the retry policy gave up).
    pub fn is_rate_limited(&self) -> bool {
        self.api().is_some_and(|f| f.status == 429)
    }

    /// The server answered 401 Unauthorized or 403 Forbidden.
    pub fn is_unauthorized(&self) -> bool {
        self.api()
            .is_some_and(|f| f.status == 401 || f.status == 403)
    }

    /// How long the server asked the client to wait (`Retry-After`).
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|f| f.retry_after)
    }

    /// How many attempts were made before giving up (transport and API errors).
    pub fn attempts(&self) -> Option<u32> {
        match self {
            Error::Api(f) => Some(f.attempts),
            Error::Transport { attempts, .. } => Some(*attempts),
            _ => None,
        }
    }

    /// A transport timeout (connect or request).
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::Transport { kind, source, .. } => {
                *kind == TransportKind::Timeout || source.is_timeout()
            }
            _ => false,
        }
    }

    /// No connection could be established: the request never reached the server.
    pub fn is_connect(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            }
        )
    }

    /// A client-side validation failure (nothing was sent).
    pub fn is_invalid_request(&self) -> bool {
        matches!(self, Error::InvalidRequest { .. })
    }

    /// Records the final attempt count on errors that carry one.
    pub(crate) fn with_attempts(mut self, n: u32) -> Self {
        match &mut self {
            Error::Api(f) => f.attempts = n,
            Error::Transport { attempts, .. } => *attempts = n,
            _ => {}
        }
        self
    }

    /// Client-side validation failure of `parameter` (used by generated code and the runtime).
    pub fn invalid(parameter: &'static str, rule: impl Into<String>) -> Self {
        Error::InvalidRequest {
            parameter,
            rule: rule.into(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::InvalidConfig {
            message: message.into(),
        }
    }

    pub(crate) fn auth(
        kind: AuthErrorKind,
        status: Option<u16>,
        message: impl Into<String>,
    ) -> Self {
        Error::Auth {
            kind,
            status,
            message: message.into(),
        }
    }

    /// Wraps a reqwest error, classifying it so the retry policy knows whether the server saw it.
    pub(crate) fn transport(source: reqwest::Error) -> Self {
        Error::Transport {
            kind: classify_transport(&source),
            attempts: 1,
            source,
        }
    }
}

impl<B: ErrorFields> Error<B> {
    /// The API's error code (e.g. `CLUSTER_NOT_FOUND`) of an API error, when its error body has one.
    pub fn error_code(&self) -> Option<&str> {
        self.api().and_then(ApiFailure::error_code)
    }
}

impl Error<Undecoded> {
    /// The same error with the API error body decoded into `B` (lenient: a body that is not the
    /// API's error document stays undecoded; the raw body is always kept).
    pub fn decode_body<B: serde::de::DeserializeOwned>(self) -> Error<B> {
        self.map_api(|f| f.decode_body())
    }

    /// The same error for a client whose error body is `B`; an API failure keeps no decoded body.
    pub fn into_body_type<B>(self) -> Error<B> {
        self.map_api(|f| f.without_body())
    }

    fn map_api<B>(self, f: impl FnOnce(ApiFailure<Undecoded>) -> ApiFailure<B>) -> Error<B> {
        match self {
            Error::InvalidRequest { parameter, rule } => Error::InvalidRequest { parameter, rule },
            Error::InvalidConfig { message } => Error::InvalidConfig { message },
            Error::Transport {
                kind,
                attempts,
                source,
            } => Error::Transport {
                kind,
                attempts,
                source,
            },
            Error::Api(failure) => Error::Api(Box::new(f(*failure))),
            Error::Decode {
                status,
                media_type,
                path,
                excerpt,
                body,
                source,
            } => Error::Decode {
                status,
                media_type,
                path,
                excerpt,
                body,
                source,
            },
            Error::UnexpectedMediaType {
                status,
                media_type,
                expected,
                body,
            } => Error::UnexpectedMediaType {
                status,
                media_type,
                expected,
                body,
            },
            Error::ResponseTooLarge { status, limit } => Error::ResponseTooLarge { status, limit },
            Error::Pagination { page, reason } => Error::Pagination { page, reason },
            Error::Auth {
                kind,
                status,
                message,
            } => Error::Auth {
                kind,
                status,
                message,
            },
        }
    }
}

impl<B: serde::de::DeserializeOwned> From<Error<Undecoded>> for Error<B> {
    fn from(error: Error<Undecoded>) -> Self {
        error.decode_body()
    }
}

/// Connect errors never reached the server; timeouts and resets may have.
pub(crate) fn classify_transport(e: &reqwest::Error) -> TransportKind {
    if e.is_connect() {
        return TransportKind::Connect;
    }
    if e.is_timeout() {
        return TransportKind::Timeout;
    }
    // Walk the source chain for an I/O error: resets and early closes surface that way.
    let mut cur: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(e);
    while let Some(err) = cur {
        // The server answered something that is not HTTP, or a head over hyper's limits (e.g. a
        // 10 MB header): it will answer the same again, so this is not transient.
        if let Some(h) = err.downcast_ref::<hyper::Error>() {
            if h.is_parse() || h.is_parse_status() {
                return TransportKind::Other;
            }
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            return match io.kind() {
                TimedOut => TransportKind::Timeout,
                ConnectionRefused => TransportKind::Connect,
                _ => TransportKind::Interrupted,
            };
        }
        cur = err.source();
    }
    if e.is_request() || e.is_body() {
        // e.g. hyper's "connection closed before message completed".
        TransportKind::Interrupted
    } else {
        TransportKind::Other
    }
}

impl<B: ErrorFields> fmt::Display for Error<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest { parameter, rule } => write!(f, "invalid request: `{parameter}` {rule}"),
            Error::InvalidConfig { message } => write!(f, "invalid client configuration: {message}"),
            Error::Transport { kind, attempts, source } => {
                let what = match kind {
                    TransportKind::Connect => "could not connect",
                    TransportKind::Timeout => "timed out",
                    TransportKind::Interrupted => "connection interrupted",
                    TransportKind::Other => "transport error",
                };
                write!(f, "{what} after {} ({source})", plural_attempts(*attempts))
            }
            Error::Api(failure) => fmt::Display::fmt(failure, f),
            Error::Decode { status, media_type, path, excerpt, source, .. } => write!(
                f,
                "could not decode HTTP {status} response ({}) at `{}`: {source}; body starts with: {excerpt}",
                media_type.as_deref().unwrap_or("no Content-Type"),
                if path.is_empty() { "." } else { path }
            ),
            Error::UnexpectedMediaType { status, media_type, expected, body } => write!(
                f,
                "HTTP {status} response has media type {} but {expected} was expected; body starts with: {}",
                media_type.as_deref().unwrap_or("(none)"),
                excerpt(body, 200)
            ),
            Error::ResponseTooLarge { status, limit } => {
                write!(f, "HTTP {status} response body exceeds the client's limit of {limit} bytes")
            }
            Error::Pagination { page, reason } => write!(f, "pagination stopped at page {page}: {reason}"),
            Error::Auth { kind, status, message } => {
                write!(f, "authentication failed ({kind:?}")?;
                if let Some(s) = status {
                    write!(f, ", HTTP {s}")?;
                }
                write!(f, "): {message}")
            }
        }
    }
}

impl<B: ErrorFields + fmt::Debug> std::error::Error for Error<B> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            Error::Decode { source, .. } => Some(source),
            _ => None,
        }
    }
}

fn plural_attempts(n: u32) -> String {
    if n == 1 {
        "1 attempt".to_owned()
    } else {
        format!("{n} attempts")
    }
}

/// The first `max` bytes of a body as text, cut on a character boundary.
pub(crate) fn excerpt(body: &[u8], max: usize) -> String {
    let text = String::from_utf8_lossy(body);
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = text[..end].to_owned();
    if end < text.len() {
        out.push('…');
    }
    out
}

/// Response headers worth quoting to an API's support (none carries a secret); an API's profile
/// adds its own (`ApiConfig::support_headers`).
pub(crate) const SUPPORT_HEADERS: &[&str] = &[
    "x-request-id",
    "x-correlation-id",
    "date",
    "retry-after",
    "ratelimit-limit",
    "ratelimit-remaining",
    "ratelimit-reset",
];

/// A non-success answer from the API. The raw body is always kept, decoded or not.
#[derive(Debug, Clone)]
pub struct ApiFailure<B = Undecoded> {
    pub(crate) operation_id: &'static str,
    pub(crate) status: u16,
    pub(crate) body: Option<B>,
    pub(crate) raw_body: Bytes,
    pub(crate) media_type: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) attempts: u32,
    /// Members of the API's error schema (one must be present for the body to be decoded as it).
    pub(crate) error_keys: &'static [&'static str],
}

impl ApiFailure<Undecoded> {
    fn decode_body<B: serde::de::DeserializeOwned>(self) -> ApiFailure<B> {
        let body = decode_error_body(&self.raw_body, self.error_keys);
        ApiFailure {
            body,
            ..self.without_body()
        }
    }

    fn without_body<B>(self) -> ApiFailure<B> {
        ApiFailure {
            operation_id: self.operation_id,
            status: self.status,
            body: None,
            raw_body: self.raw_body,
            media_type: self.media_type,
            retry_after: self.retry_after,
            headers: self.headers,
            attempts: self.attempts,
            error_keys: self.error_keys,
        }
    }
}

/// The API's error document, if the body is one (also inside an envelope). Lenient by design:
/// the generated type has only optional fields; require one of the error schema's own members
/// (`error_keys`, from the spec) so that an unrelated JSON body (e.g. a proxy's) is not taken for it.
fn decode_error_body<B: serde::de::DeserializeOwned>(
    body: &[u8],
    error_keys: &[&str],
) -> Option<B> {
    let value = crate::response::unwrap_envelope(serde_json::from_slice(body).ok()?);
    let map = value.as_object()?;
    if !error_keys.is_empty() && !error_keys.iter().any(|k| map.contains_key(*k)) {
        return None;
    }
    serde_json::from_value(value).ok()
}

impl<B> ApiFailure<B> {
    /// The operation that failed, e.g. `getExportBucket`.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }
    /// HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// The decoded error body, when the body was the API's error document.
    pub fn body(&self) -> Option<&B> {
        self.body.as_ref()
    }
    /// The raw response body, exactly as received.
    pub fn raw_body(&self) -> &[u8] {
        &self.raw_body
    }
    /// The response's `Content-Type`.
    pub fn media_type(&self) -> Option<&str> {
        self.media_type.as_deref()
    }
    /// The `Retry-After` the server sent, as a delay from when the response arrived.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// Support-relevant response headers (request id, service version, date, rate limits).
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }
    /// One of [`headers`](Self::headers) by (case-insensitive) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// The request id to quote to support, if the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        self.header("x-request-id")
            .or_else(|| self.header("x-correlation-id"))
    }
    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
}

impl<B: ErrorFields> ApiFailure<B> {
    /// The error code from the decoded error body.
    pub fn error_code(&self) -> Option<&str> {
        self.body.as_ref().and_then(ErrorFields::error_code)
    }
    /// The human-readable message from the decoded error body.
    pub fn detail(&self) -> Option<&str> {
        self.body.as_ref().and_then(ErrorFields::detail)
    }
    /// The reason phrase from the decoded error body.
    pub fn reason(&self) -> Option<&str> {
        self.body.as_ref().and_then(ErrorFields::reason)
    }
}

impl<B: ErrorFields> fmt::Display for ApiFailure<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let reason = reqwest::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        write!(
            f,
            "{} failed: HTTP {} {reason}",
            self.operation_id, self.status
        )?;
        if let Some(code) = self.error_code() {
            write!(f, " [{code}]")?;
        }
        match self.detail().or_else(|| self.reason()) {
            Some(detail) => write!(f, ": {detail}")?,
            None if !self.raw_body.is_empty() && self.body.is_none() => {
                write!(f, ": {}", excerpt(&self.raw_body, 200))?
            }
            None => {}
        }
        write!(f, " ({})", plural_attempts(self.attempts))?;
        if let Some(d) = self.retry_after {
            write!(f, ", retry after {}s", d.as_secs())?;
        }
        if let Some(id) = self.request_id() {
            write!(f, ", request id {id}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_stays_small() {
        // Result<T, Error> is returned everywhere; keep it cheap to move (clippy's limit is 128).
        assert!(
            std::mem::size_of::<Error>() <= 96,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn excerpt_cuts_on_char_boundary() {
        assert_eq!(excerpt("héllo".as_bytes(), 2), "h…");
        assert_eq!(excerpt(b"abc", 10), "abc");
        assert_eq!(excerpt(&[0xff, b'a'], 10), "\u{fffd}a");
    }

    #[test]
    fn api_failure_display_without_decoded_body() {
        let failure: ApiFailure = ApiFailure {
            operation_id: "getThing",
            status: 503,
            body: None,
            raw_body: Bytes::from_static(b"upstream down"),
            media_type: Some("text/plain".into()),
            retry_after: Some(Duration::from_secs(7)),
            headers: vec![("X-Request-Id".into(), "abc123".into())],
            attempts: 4,
            error_keys: &[],
        };
        let e = Error::Api(Box::new(failure));
        assert_eq!(
            e.to_string(),
            "getThing failed: HTTP 503 Service Unavailable: upstream down (4 attempts), retry after 7s, request id abc123"
        );
        assert_eq!(e.status(), Some(503));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert_eq!(e.attempts(), Some(4));
        assert!(!e.is_not_found() && !e.is_rate_limited());
        assert_eq!(e.with_attempts(2).attempts(), Some(2));
    }

    #[test]
    fn invalid_request_names_parameter_and_rule() {
        let e: Error = Error::invalid("groupId", "must match pattern `^[a-f0-9]{24}$`");
        assert_eq!(
            e.to_string(),
            "invalid request: `groupId` must match pattern `^[a-f0-9]{24}$`"
        );
        assert!(e.is_invalid_request());
        assert_eq!(e.status(), None);
    }
}
