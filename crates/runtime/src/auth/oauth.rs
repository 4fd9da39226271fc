//! OAuth2 client credentials for Atlas service accounts, with a shared, single-flight token cache.

use std::fmt;
use std::time::{Duration, Instant, SystemTime};

use base64::Engine as _;
use reqwest::header::{
    HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, RETRY_AFTER,
};
use tracing::Instrument as _;

use crate::api::OAuthEndpoints;
use crate::client::Http;
use crate::error::AuthErrorKind;
use crate::limits::{read_body, BodyError};
use crate::redact::redacted_excerpt;
use crate::request::encode_query_component;
use crate::retry::parse_retry_after;
use crate::{Error, Secret};

/// Assumed lifetime when the token endpoint omits `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// Longest lifetime believed: a longer `expires_in` (up to u64::MAX) is capped, so the refresh
/// time can always be computed and a token is re-fetched at least daily.
const MAX_LIFETIME: Duration = Duration::from_secs(86_400);
/// Pause after the first failed token request; doubles per consecutive failure.
const FAILURE_BASE_PAUSE: Duration = Duration::from_secs(1);
/// Longest pause after failures, `Retry-After` included (a hostile endpoint cannot lock the
/// client out for longer).
const FAILURE_MAX_PAUSE: Duration = Duration::from_secs(300);

/// Refresh this long before expiry: 10% of the lifetime, at most 60 s, so a token never
/// expires between being read from the cache and reaching the server.
pub(crate) fn refresh_margin(lifetime: Duration) -> Duration {
    (lifetime / 10).min(Duration::from_secs(60))
}

struct CachedToken {
    token: Secret,
    refresh_at: Instant,
    generation: u64,
}

/// The last failed token request, shared by every caller until `retry_at`.
struct SharedFailure {
    status: Option<u16>,
    message: String,
    retry_at: Instant,
    consecutive: u32,
}

#[derive(Default)]
struct State {
    token: Option<CachedToken>,
    // Monotonic, so a late `invalidate` for an old token never drops a newer one.
    generation: u64,
    failure: Option<SharedFailure>,
}

/// A token-endpoint answer: status, `Retry-After`, body (bounded).
struct FormAnswer {
    status: u16,
    retry_after: Option<Duration>,
    body: bytes::Bytes,
}

/// Service-account credentials and the token cache shared by all clones of a client.
pub(crate) struct OAuth {
    client_id: String,
    client_secret: Secret,
    token_url: String,
    revoke_url: Option<String>,
    // An async mutex held across the token request: concurrent callers queue behind one
    // refresh and then reuse its result (single flight).
    state: tokio::sync::Mutex<State>,
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("token_url", &self.token_url)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

#[derive(serde::Deserialize)]
struct OAuthErrorBody {
    error: Option<String>,
    error_description: Option<String>,
}

impl OAuth {
    pub(crate) fn new(
        client_id: String,
        client_secret: Secret,
        base_url: &str,
        endpoints: &OAuthEndpoints,
    ) -> Self {
        // An endpoint on the API's own server follows the base URL the caller chose.
        let resolve = |url: &str| match url.strip_prefix('/') {
            Some(path) => format!("{base_url}/{path}"),
            None => url.to_owned(),
        };
        OAuth {
            client_id,
            client_secret,
            token_url: resolve(endpoints.token_url),
            revoke_url: endpoints.revoke_url.map(resolve),
            state: tokio::sync::Mutex::new(State::default()),
        }
    }

    /// A valid access token and its generation (for [`invalidate`](Self::invalidate)).
    ///
    /// Single flight for successes and failures alike: callers queue behind one token request;
    /// after a failure every caller gets the same error without a request until the pause
    /// (exponential from 1 s, or the endpoint's `Retry-After`, at most 5 min) has passed.
    pub(crate) async fn token(&self, http: &Http) -> Result<(HeaderValue, u64), Error> {
        let mut state = self.state.lock().await;
        let now = Instant::now();
        if let Some(t) = &state.token {
            if now < t.refresh_at {
                return Ok((bearer_header(&t.token)?, t.generation));
            }
        }
        if let Some(f) = state.failure.as_ref().filter(|f| now < f.retry_at) {
            return Err(Error::auth(
                AuthErrorKind::TokenEndpoint,
                f.status,
                format!(
                    "{} (token requests paused for {:.1?} after {} failure(s))",
                    f.message,
                    f.retry_at.saturating_duration_since(now),
                    f.consecutive
                ),
            ));
        }
        let (token, lifetime) = match self.fetch(http).await {
            Ok(fetched) => fetched,
            Err((error, retry_after)) => {
                let consecutive = state
                    .failure
                    .as_ref()
                    .map_or(1, |f| f.consecutive.saturating_add(1));
                let backoff = FAILURE_BASE_PAUSE
                    .saturating_mul(2u32.saturating_pow(consecutive - 1))
                    .max(retry_after.unwrap_or(Duration::ZERO))
                    .min(FAILURE_MAX_PAUSE);
                let now = Instant::now();
                state.failure = Some(SharedFailure {
                    status: error.status(),
                    message: match &error {
                        Error::Auth { message, .. } => message.clone(),
                        other => other.to_string(),
                    },
                    retry_at: now.checked_add(backoff).unwrap_or(now),
                    consecutive,
                });
                return Err(error);
            }
        };
        state.failure = None;
        let header = bearer_header(&token)?;
        state.generation += 1;
        let generation = state.generation;
        let lifetime = lifetime.min(MAX_LIFETIME);
        let now = Instant::now();
        let refresh_at = now
            .checked_add(lifetime.saturating_sub(refresh_margin(lifetime)))
            .unwrap_or(now);
        state.token = Some(CachedToken {
            token,
            refresh_at,
            generation,
        });
        Ok((header, generation))
    }

    /// Drops the cached token if it is still the one of `generation` (the API rejected it).
    pub(crate) async fn invalidate(&self, generation: u64) {
        let mut state = self.state.lock().await;
        if state
            .token
            .as_ref()
            .is_some_and(|t| t.generation == generation)
        {
            state.token = None;
        }
    }

    fn basic_auth(&self) -> Result<HeaderValue, Error> {
        // RFC 6749 §2.3.1: form-encode id and secret before Base64.
        let pair = format!(
            "{}:{}",
            encode_query_component(&self.client_id),
            encode_query_component(self.client_secret.expose())
        );
        let mut value = HeaderValue::from_str(&format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        ))
        .map_err(|_| Error::config("client credentials produce an invalid header"))?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// POSTs a form without following redirects: the body is sent as a stream, which reqwest
    /// never replays on a 307/308, and an answer that came through any redirect is refused.
    async fn post_form(
        &self,
        http: &Http,
        url: &str,
        form: String,
        secrets: &[&str],
    ) -> Result<FormAnswer, Error> {
        let length = form.len();
        // A wrapped (streaming) body, unlike a buffered one, is never re-sent by reqwest.
        let body = reqwest::Body::wrap(http_body_util::Full::new(bytes::Bytes::from(form)));
        let mut response = http
            .request(reqwest::Method::POST, url)
            .header(AUTHORIZATION, self.basic_auth()?)
            .header(ACCEPT, "application/json")
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(CONTENT_LENGTH, length)
            .body(body)
            .send()
            .await
            .map_err(|e| Error::transport(e.without_url()))?;
        let status = response.status().as_u16();
        let redirected = reqwest::Url::parse(url).ok().as_ref() != Some(response.url());
        if redirected || (300..400).contains(&status) {
            return Err(Error::auth(
                AuthErrorKind::Redirected,
                Some(status),
                "the OAuth endpoint answered with a redirect; it is not followed",
            ));
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let limit = http.max_response_bytes;
        let body = match read_body(&mut response, limit).await {
            Ok(body) => body,
            Err(BodyError::Transport(e)) => return Err(Error::transport(e.without_url())),
            Err(BodyError::TooLarge) => return Err(Error::ResponseTooLarge { status, limit }),
            Err(BodyError::Encoding(message)) => {
                return Err(Error::auth(
                    AuthErrorKind::TokenResponse,
                    Some(status),
                    redacted_excerpt(message.as_bytes(), 200, secrets),
                ))
            }
        };
        Ok(FormAnswer {
            status,
            retry_after,
            body,
        })
    }

    /// One token request. On failure, also the endpoint's `Retry-After`, if it sent one.
    async fn fetch(&self, http: &Http) -> Result<(Secret, Duration), (Error, Option<Duration>)> {
        let span = tracing::info_span!("oauth_token", status = tracing::field::Empty);
        let basic = self.basic_auth().map_err(|e| (e, None))?;
        let secrets = [
            self.client_secret.expose(),
            basic.to_str().unwrap_or_default(),
        ];
        let answer = self
            .post_form(
                http,
                &self.token_url,
                "grant_type=client_credentials".to_owned(),
                &secrets,
            )
            .instrument(span.clone())
            .await
            .map_err(|e| (e, None))?;
        let FormAnswer {
            status,
            retry_after,
            body,
        } = answer;
        span.record("status", status);
        if !(200..300).contains(&status) {
            let error = Error::auth(
                AuthErrorKind::TokenEndpoint,
                Some(status),
                format!(
                    "token endpoint refused the client credentials: {}",
                    describe_error_body(&body, &secrets)
                ),
            );
            return Err((error, retry_after));
        }
        // The body holds the token: report only where decoding failed, never the body itself.
        let parsed: TokenResponse =
            serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_slice(&body))
                .map_err(|e| {
                    let error = Error::auth(
                        AuthErrorKind::TokenResponse,
                        Some(status),
                        format!("token response could not be decoded at `{}`", e.path()),
                    );
                    (error, None)
                })?;
        if parsed.access_token.is_empty() {
            let error = Error::auth(
                AuthErrorKind::TokenResponse,
                Some(status),
                "token response has an empty access_token",
            );
            return Err((error, None));
        }
        let lifetime = parsed
            .expires_in
            .map_or(DEFAULT_LIFETIME, Duration::from_secs);
        tracing::debug!(
            expires_in = lifetime.as_secs(),
            "fetched OAuth access token"
        );
        Ok((Secret::new(parsed.access_token), lifetime))
    }

    /// Revokes the cached token (if any) and forgets it.
    pub(crate) async fn revoke(&self, http: &Http) -> Result<(), Error> {
        let Some(revoke_url) = &self.revoke_url else {
            return Err(Error::auth(
                AuthErrorKind::NotConfigured,
                None,
                "this API declares no token revocation endpoint",
            ));
        };
        let mut state = self.state.lock().await;
        let Some(cached) = &state.token else {
            return Ok(());
        };
        let form = format!(
            "token={}&token_type_hint=access_token",
            encode_query_component(cached.token.expose())
        );
        let span = tracing::info_span!("oauth_revoke", status = tracing::field::Empty);
        let basic = self.basic_auth()?;
        let secrets = [
            self.client_secret.expose(),
            basic.to_str().unwrap_or_default(),
            cached.token.expose(),
        ];
        let FormAnswer { status, body, .. } = self
            .post_form(http, revoke_url, form, &secrets)
            .instrument(span.clone())
            .await?;
        span.record("status", status);
        if !(200..300).contains(&status) {
            return Err(Error::auth(
                AuthErrorKind::Revoke,
                Some(status),
                format!(
                    "token revocation failed: {}",
                    describe_error_body(&body, &secrets)
                ),
            ));
        }
        state.token = None;
        Ok(())
    }
}

/// `Authorization: Bearer …`, marked sensitive so HTTP-level logging never prints it.
pub(crate) fn bearer_header(token: &Secret) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
        Error::auth(
            AuthErrorKind::TokenResponse,
            None,
            "token contains characters not allowed in an HTTP header",
        )
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// The OAuth `error` fields when present, else a short excerpt; redacted either way, since an
/// endpoint (or a proxy) may echo the request, credential included.
fn describe_error_body(body: &[u8], secrets: &[&str]) -> String {
    let text = match serde_json::from_slice::<OAuthErrorBody>(body) {
        Ok(OAuthErrorBody {
            error: Some(e),
            error_description: Some(d),
        }) => format!("{e}: {d}"),
        Ok(OAuthErrorBody {
            error: Some(e),
            error_description: None,
        }) => e,
        _ if body.is_empty() => return "(empty body)".to_owned(),
        _ => return redacted_excerpt(body, 200, secrets),
    };
    redacted_excerpt(text.as_bytes(), 200, secrets)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn margin() {
        assert_eq!(
            refresh_margin(Duration::from_secs(3600)),
            Duration::from_secs(60)
        );
        assert_eq!(
            refresh_margin(Duration::from_secs(30)),
            Duration::from_secs(3)
        );
        assert_eq!(refresh_margin(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn basic_auth_and_debug_redaction() {
        let o = OAuth::new(
            "mdb_sa_id_1".into(),
            Secret::from("mdb_sa_sk_secret"),
            "https://x",
            &crate::testing::CONFIG_OAUTH,
        );
        let h = o.basic_auth().unwrap();
        assert!(h.is_sensitive());
        let expected =
            base64::engine::general_purpose::STANDARD.encode("mdb_sa_id_1:mdb_sa_sk_secret");
        assert_eq!(h.to_str().unwrap(), format!("Basic {expected}"));
        let debug = format!("{o:?}");
        assert!(!debug.contains("mdb_sa_sk_secret"), "{debug}");
        assert!(debug.contains("mdb_sa_id_1"));
        assert_eq!(o.token_url, "https://x/api/oauth/token");
        assert_eq!(o.revoke_url.as_deref(), Some("https://x/api/oauth/revoke"));
    }

    #[test]
    fn error_body_description() {
        assert_eq!(
            describe_error_body(
                br#"{"error":"invalid_client","error_description":"bad"}"#,
                &[]
            ),
            "invalid_client: bad"
        );
        assert_eq!(
            describe_error_body(br#"{"error":"invalid_client"}"#, &[]),
            "invalid_client"
        );
        assert_eq!(describe_error_body(b"", &[]), "(empty body)");
        assert_eq!(describe_error_body(b"nope", &[]), "nope");
        let echo = describe_error_body(
            br#"{"error":"invalid_client","error_description":"you sent Basic bWRiX3NhX2lkOnMzY3JldC12YWx1ZQ== and s3cret-value"}"#,
            &["s3cret-value"],
        );
        assert!(!echo.contains("bWRi") && !echo.contains("s3cret"), "{echo}");
    }
}
