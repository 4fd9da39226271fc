//! `ClientCore` and `execute`: URL building, authentication, retries and tracing. A generated
//! `Client` wraps one `ClientCore`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_TYPE,
    COOKIE, LINK, RETRY_AFTER, USER_AGENT,
};
use reqwest::Url;
use tracing::Instrument as _;

use super::api::ApiConfig;
use super::auth::api_key::ApiKeys;
use super::auth::Auth;
use super::compression;
use super::error::{classify_transport, ApiFailure, AuthErrorKind, SUPPORT_HEADERS};
use super::limits::{read_body, BodyError};
use super::link;
use super::request::check_path;
use super::response::envelope_status;
use super::retry::{is_retryable, parse_retry_after, Failure};
use super::{Error, Method, Request, Response, RetryPolicy};
use std::marker::PhantomData;

/// The HTTP client plus what every request carries, shared with the auth modules.
pub(crate) struct Http {
    pub(crate) client: reqwest::Client,
    pub(crate) user_agent: HeaderValue,
    /// Deadline of one HTTP exchange, body included. Applied per request, so it holds whatever
    /// `reqwest::Client` the caller passed (a per-request timeout overrides the client's).
    pub(crate) timeout: Duration,
    /// Largest body read (decoded size), for API, error, token and revoke answers alike.
    pub(crate) max_response_bytes: usize,
}

impl Http {
    pub(crate) fn request(
        &self,
        method: reqwest::Method,
        url: impl reqwest::IntoUrl,
    ) -> reqwest::RequestBuilder {
        self.request_within(method, url, self.timeout)
    }

    /// A request whose exchange must end within `timeout` (at most the configured one).
    pub(crate) fn request_within(
        &self,
        method: reqwest::Method,
        url: impl reqwest::IntoUrl,
        timeout: Duration,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, url)
            .header(USER_AGENT, self.user_agent.clone())
            // Built at compile time: no copy per request.
            .header(
                ACCEPT_ENCODING,
                const { HeaderValue::from_static(compression::ACCEPT_ENCODING) },
            )
            .timeout(timeout.min(self.timeout))
    }
}

pub(crate) struct Inner {
    pub(crate) config: &'static ApiConfig,
    pub(crate) http: Http,
    pub(crate) base_url: String,
    pub(crate) base_path: String,
    /// The `Authorization` credential.
    pub(crate) auth: Auth,
    /// Sent with every request, next to `auth`.
    pub(crate) api_keys: ApiKeys,
    pub(crate) retry: RetryPolicy,
    /// Deadline of a whole call, retries and waits included.
    pub(crate) total_timeout: Duration,
}

/// A configured client, wrapped by each generated `Client`. Cheap to clone: clones share
/// connections and cached credentials.
#[derive(Clone)]
pub struct ClientCore {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for ClientCore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("auth", &self.inner.auth)
            .field("api_keys", &self.inner.api_keys)
            .field("retry", &self.inner.retry)
            .field("user_agent", &self.inner.http.user_agent)
            .finish_non_exhaustive()
    }
}

/// The `Authorization` header carrying `value`.
fn authorization(value: HeaderValue) -> Option<(HeaderName, HeaderValue)> {
    Some((AUTHORIZATION, value))
}

/// A response as received, body fully read.
struct RawResponse {
    status: u16,
    headers: HeaderMap,
    body: Bytes,
}

type AttemptResult = Result<RawResponse, (Error, Failure)>;

fn transport_failure(e: reqwest::Error) -> (Error, Failure) {
    let kind = classify_transport(&e);
    (Error::transport(e), Failure::Transport(kind))
}

/// Failures while obtaining a token: the API request itself was not sent, so a transient one
/// (judged as if the token request were a GET) may be retried whatever the API method.
fn auth_stage_failure(e: Error) -> (Error, Failure) {
    let failure = match &e {
        Error::Transport { kind, .. } => Failure::Transport(*kind),
        Error::Auth {
            kind: AuthErrorKind::TokenEndpoint,
            status: Some(s),
            ..
        } => Failure::Status(*s),
        // A shared, paused failure of a token request that never got an answer.
        Error::Auth {
            kind: AuthErrorKind::TokenEndpoint,
            status: None,
            ..
        } => Failure::NotSent,
        _ => Failure::Permanent,
    };
    let failure = if is_retryable(Method::Get, failure) {
        Failure::NotSent
    } else {
        Failure::Permanent
    };
    (e, failure)
}

impl ClientCore {
    /// The API root this client talks to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Revokes the cached OAuth2 access token at the API's revocation endpoint (a no-op if none is
    /// cached); the next call fetches a new one.
    pub async fn revoke_token(&self) -> Result<(), Error> {
        match &self.inner.auth {
            Auth::OAuth(o) => o.revoke(&self.inner.http).await,
            _ => Err(Error::auth(
                AuthErrorKind::NotConfigured,
                None,
                "revoke_token needs OAuth2 client credentials",
            )),
        }
    }

    /// Sends `request` with authentication and retries; a non-2xx answer becomes [`Error::Api`]
    /// with the body decoded as the API's error body `B` when it is one.
    pub async fn execute<B: serde::de::DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Response<B>, Error<B>> {
        match self.execute_raw(request).await {
            Ok(response) => Ok(response.with_error_body()),
            Err(error) => Err(error.decode_body()),
        }
    }

    /// [`execute`](Self::execute) before the error body is decoded: the non-generic core, compiled
    /// once in this crate.
    pub(crate) async fn execute_raw(&self, request: Request) -> Result<Response, Error> {
        let op = request.operation;
        let url = self.request_url(&request)?;
        let policy = &self.inner.retry;
        let started = Instant::now();
        // Saturates instead of overflowing: an absurd total timeout means "no total deadline".
        let deadline = started
            .checked_add(self.inner.total_timeout)
            .unwrap_or_else(|| started + Duration::from_secs(100 * 365 * 86_400));
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let span = tracing::info_span!(
                "api_request",
                operation_id = op.operation_id,
                method = op.method.as_str(),
                path_template = op.path_template,
                attempt,
                status = tracing::field::Empty,
            );
            let outcome = self
                .attempt(&request, &url, deadline)
                .instrument(span.clone())
                .await;
            if let Ok(raw) = &outcome {
                span.record("status", raw.status);
            }
            let outcome = outcome.and_then(|raw| self.to_response(&request, &url, raw));
            let (error, failure) = match outcome {
                Ok(response) => return Ok(response),
                Err(e) => e,
            };
            let delay = if is_retryable(op.method, failure) {
                policy.next_delay(
                    attempt,
                    started.elapsed(),
                    error.retry_after(),
                    rand::random::<f64>(),
                )
            } else {
                None
            };
            // A retry that could not even start before the total deadline is not made.
            let delay = delay.filter(|d| {
                Instant::now()
                    .checked_add(*d)
                    .is_some_and(|start| start < deadline)
            });
            let Some(delay) = delay else {
                return Err(error.with_attempts(attempt));
            };
            tracing::debug!(parent: &span, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
            tokio::time::sleep(delay).await;
        }
    }

    /// The URL `request` goes to: base + path + query, or the page URL it follows.
    fn request_url(&self, request: &Request) -> Result<Url, Error> {
        check_path(&request.path, request.operation.path_template)?;
        crate::request::check_headers(&request.headers)?;
        let mut text = String::with_capacity(
            self.inner
                .base_url
                .len()
                .saturating_add(request.path.len())
                .saturating_add(64),
        );
        text.push_str(&self.inner.base_url);
        request.push_path_and_query(&mut text);
        let url = Url::parse(&text)
            .map_err(|e| Error::invalid("path", format!("does not form a valid URL: {e}")))?;
        // Defence in depth: the URL parser must not have rewritten the path.
        if url.path().strip_prefix(self.inner.base_path.as_str()) != Some(request.path.as_str()) {
            return Err(Error::invalid(
                "path",
                "would be rewritten by URL normalisation",
            ));
        }
        match &request.follow {
            None => Ok(url),
            Some(next) => followed_url(&url, next),
        }
    }

    /// One attempt: every API key, plus the `Authorization` credential.
    async fn attempt(&self, request: &Request, url: &Url, deadline: Instant) -> AttemptResult {
        let keys = &self.inner.api_keys;
        if keys.is_empty() {
            return self.authorized(request, url, &[], deadline).await;
        }
        let mut url = url.clone();
        let headers = keys.apply(&mut url).map_err(|e| (e, Failure::Permanent))?;
        let result = self.authorized(request, &url, &headers, deadline).await;
        if !keys.has_query() {
            return result;
        }
        // reqwest quotes the URL in its errors: keep a query key out of them.
        result.map_err(|(e, f)| match e {
            Error::Transport {
                kind,
                attempts,
                source,
            } => (
                Error::Transport {
                    kind,
                    attempts,
                    source: source.without_url(),
                },
                f,
            ),
            other => (other, f),
        })
    }

    /// The `Authorization` credential, plus at most one re-send after a 401 with a new challenge
    /// or a fresh token; `keys` are the API key headers sent each time.
    async fn authorized(
        &self,
        request: &Request,
        url: &Url,
        keys: &[(HeaderName, HeaderValue)],
        deadline: Instant,
    ) -> AttemptResult {
        let method = request.operation.method;
        let send = |auth| self.send(request, url, auth, keys, deadline);
        match &self.inner.auth {
            Auth::None => send(None).await,
            Auth::Bearer(header) => send(authorization(header.clone())).await,
            Auth::Digest(digest) => {
                let uri = match url.query() {
                    Some(q) => format!("{}?{q}", url.path()),
                    None => url.path().to_owned(),
                };
                let header = digest
                    .authorization(method.as_str(), &uri)
                    .map_err(|e| (e, Failure::Permanent))?;
                let raw = send(header.and_then(authorization)).await?;
                if raw.status != 401 {
                    return Ok(raw);
                }
                // No cached challenge yet, stale nonce, or nonce expired: handshake once.
                match digest.accept_challenge(&raw.headers) {
                    Ok(true) => {
                        let header = digest
                            .authorization(method.as_str(), &uri)
                            .map_err(|e| (e, Failure::Permanent))?;
                        send(header.and_then(authorization)).await
                    }
                    Ok(false) => Ok(raw),
                    Err(e) => Err((e, Failure::Permanent)),
                }
            }
            Auth::OAuth(oauth) => {
                let http = &self.inner.http;
                let (header, generation) = oauth.token(http).await.map_err(auth_stage_failure)?;
                let raw = send(authorization(header)).await?;
                if raw.status != 401 {
                    return Ok(raw);
                }
                tracing::debug!("access token rejected; fetching a fresh one");
                oauth.invalidate(generation).await;
                let (header, _) = oauth.token(http).await.map_err(auth_stage_failure)?;
                send(authorization(header)).await
            }
        }
    }

    async fn send(
        &self,
        request: &Request,
        url: &Url,
        auth: Option<(HeaderName, HeaderValue)>,
        keys: &[(HeaderName, HeaderValue)],
        deadline: Instant,
    ) -> AttemptResult {
        let op = request.operation;
        let accept = static_header(op.media_type).map_err(|_| {
            let message = format!("media type `{}` is not a header value", op.media_type);
            (Error::invalid("Accept", message), Failure::Permanent)
        })?;
        let remaining = deadline.saturating_duration_since(Instant::now());
        let mut builder = self
            .inner
            .http
            .request_within(op.method.to_reqwest(), url.clone(), remaining)
            .header(ACCEPT, accept);
        if let Some(body) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, body.content_type.as_str())
                .body(body.bytes.clone());
        }
        // One `Cookie` header (RFC 6265 5.4): a cookie key joins the cookie parameters'.
        let key_cookie = keys.iter().find(|(n, _)| n == COOKIE).map(|(_, v)| v);
        let mut cookie_params = None;
        for (name, value) in &request.headers {
            if key_cookie.is_some() && name.eq_ignore_ascii_case("cookie") {
                cookie_params = Some(value);
                continue;
            }
            builder = builder.header(*name, value.as_str());
        }
        for (name, value) in keys {
            match cookie_params.filter(|_| name == COOKIE) {
                Some(params) => {
                    let joined = [params.as_bytes(), b"; ", value.as_bytes()].concat();
                    let mut joined = HeaderValue::from_bytes(&joined).map_err(|_| {
                        let message = "cookie parameters cannot form a header";
                        (Error::invalid("Cookie", message), Failure::Permanent)
                    })?;
                    joined.set_sensitive(true);
                    builder = builder.header(COOKIE, joined);
                }
                None => builder = builder.header(name, value.clone()),
            }
        }
        let has_auth = auth.is_some() || !keys.is_empty();
        if let Some((name, value)) = auth {
            builder = builder.header(name, value);
        }
        let mut response = builder.send().await.map_err(transport_failure)?;
        let status = response.status().as_u16();
        // Only a caller's client can follow redirects (ours never does): refuse an answer to an
        // authenticated request from another origin. reqwest drops `Authorization` across origins,
        // so the credential did not travel; the foreign answer must not be taken for Atlas'.
        if has_auth && !same_origin(response.url(), url) {
            let error = Error::auth(
                AuthErrorKind::Redirected,
                Some(status),
                format!(
                    "the request was redirected to another origin ({}); its answer is refused",
                    response.url().origin().ascii_serialization()
                ),
            );
            return Err((error, Failure::Permanent));
        }
        // Read chunk by chunk (decoding gzip) so an oversized or endless body stops at the limit,
        // not at memory's end.
        let limit = self.inner.http.max_response_bytes;
        let body = match read_body(&mut response, limit).await {
            Ok(body) => body,
            Err(BodyError::TooLarge) => {
                return Err((
                    Error::ResponseTooLarge { status, limit },
                    Failure::Permanent,
                ))
            }
            Err(BodyError::Transport(e)) => return Err(transport_failure(e)),
            Err(BodyError::Encoding(message)) => {
                let error = Error::Decode {
                    status,
                    media_type: response
                        .headers()
                        .get(CONTENT_TYPE)
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned),
                    path: String::new(),
                    excerpt: String::new(),
                    // The body could not be read to its end: nothing whole to keep.
                    body: Box::default(),
                    source: serde::de::Error::custom(message),
                };
                return Err((error, Failure::Permanent));
            }
        };
        // Moved out, not cloned: the response is dropped here.
        let headers = std::mem::take(response.headers_mut());
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    /// 2xx => `Response` (unless an envelope says otherwise); anything else => `Error::Api`.
    /// `url` is the URL asked for (before a query credential was added), against which a `Link`
    /// header's targets are resolved.
    fn to_response(
        &self,
        request: &Request,
        url: &Url,
        raw: RawResponse,
    ) -> Result<Response, (Error, Failure)> {
        let media_type = raw
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let mut status = raw.status;
        if (200..300).contains(&status) && request.envelope {
            // With envelope=true Atlas may answer 200 and carry the real status in the body.
            if let Some(inner) = envelope_status(&raw.body).filter(|s| !(200..300).contains(s)) {
                status = inner;
            }
        }
        let redirect = request.redirect_is_success && (300..400).contains(&status);
        if (200..300).contains(&status) || redirect {
            let location = redirect
                .then(|| raw.headers.get(reqwest::header::LOCATION))
                .flatten()
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            // One header lookup when there is no `Link` (the common case).
            let next_link = link::next_link(raw.headers.get_all(LINK), url);
            return Ok(Response {
                status,
                media_type,
                body: raw.body,
                expected: request.operation.media_type,
                envelope: request.envelope,
                location,
                next_link,
                error_body: PhantomData,
            });
        }
        let failure = ApiFailure {
            operation_id: request.operation.operation_id,
            status,
            body: None,
            retry_after: raw
                .headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now())),
            headers: support_headers(&raw.headers, self.inner.config.support_headers),
            raw_body: raw.body,
            media_type,
            attempts: 1,
            error_keys: self.inner.config.error_keys,
        };
        Err((Error::Api(Box::new(failure)), Failure::Status(status)))
    }
}

/// `next` (a page URL the server named) resolved against `request_url`, if it is on the same
/// origin: credentials are only ever sent to the client's base URL's origin. Refused before
/// anything is sent, without quoting the URL (a server may echo a query credential into it).
fn followed_url(request_url: &Url, next: &str) -> Result<Url, Error> {
    let refuse = |reason: String| Error::Pagination { page: 0, reason };
    let mut url = request_url
        .join(next)
        .map_err(|e| refuse(format!("the next page's URL is not a valid URL ({e})")))?;
    url.set_fragment(None);
    if !same_origin(&url, request_url) {
        return Err(refuse(format!(
            "the next page's URL points to another origin ({}) than the base URL's; not followed, so credentials stay with the API",
            url.origin().ascii_serialization()
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse(
            "the next page's URL carries user info; not following it".into(),
        ));
    }
    Ok(url)
}

/// Whether two URLs have the same origin (scheme, host, port), compared without building the
/// `Origin` values (which allocate). Other schemes have opaque origins, equal to nothing.
fn same_origin(a: &Url, b: &Url) -> bool {
    matches!(a.scheme(), "http" | "https")
        && a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

fn support_headers(headers: &HeaderMap, extra: &[&'static str]) -> Vec<(String, String)> {
    SUPPORT_HEADERS
        .iter()
        .chain(extra)
        .filter_map(|name| {
            Some((
                (*name).to_owned(),
                headers.get(*name)?.to_str().ok()?.to_owned(),
            ))
        })
        .collect()
}

/// A header value of static text, shared instead of copied (`&str` values are copied into a new
/// allocation per request). Invalid text stays an error of the request, as with `&str`.
fn static_header(text: &'static str) -> Result<HeaderValue, reqwest::header::InvalidHeaderValue> {
    HeaderValue::from_maybe_shared(Bytes::from_static(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_types_are_thread_safe() {
        fn assert_thread_safe<T: Send + Sync + 'static>() {}
        assert_thread_safe::<ClientCore>();
        assert_thread_safe::<crate::ClientBuilder<crate::testing::TestClient>>();
        assert_thread_safe::<Error>();
        assert_thread_safe::<Error<serde_json::Value>>();
        assert_thread_safe::<Response>();
        assert_thread_safe::<Request>();
    }

    #[test]
    fn execute_future_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        static OP: super::super::Operation = super::super::Operation {
            operation_id: "x",
            method: Method::Get,
            path_template: "/x",
            media_type: "application/json",
        };
        let client = crate::testing::TestClient::builder().build().unwrap().0;
        let fut = client.execute::<serde_json::Value>(Request::new(&OP, "/x".into()));
        assert_send(&fut);
        let revoke = client.revoke_token();
        assert_send(&revoke);
    }
}
