// @generated: copied from xtask/runtime/builder.rs by `cargo xtask codegen`. Edit it there.
//! `ClientBuilder`: configuration checks (URL, credentials over plain HTTP, user agent).

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::Url;

use super::auth::{Auth, Credentials};
use super::client::{Client, Http, Inner};
use super::{Error, RetryPolicy, Secret};

/// Default API host.
pub const DEFAULT_BASE_URL: &str = "https://cloud.mongodb.com";
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// 64 MiB: a full 500-item page is well under 1 MiB; anything this large is not an Atlas answer.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 << 20;

/// Builds a [`Client`]. Obtain one with [`Client::builder`].
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    total_timeout: Option<Duration>,
    retry: RetryPolicy,
    user_agent_suffix: Option<String>,
    http_client: Option<reqwest::Client>,
    allow_insecure_http: bool,
    max_response_bytes: usize,
    digest_cnonce: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            credentials: None,
            connect_timeout: None,
            timeout: None,
            total_timeout: None,
            retry: RetryPolicy::default(),
            user_agent_suffix: None,
            http_client: None,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            digest_cnonce: None,
        }
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &redact_userinfo(&self.base_url))
            .field("credentials", &self.credentials)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("total_timeout", &self.total_timeout)
            .field("retry", &self.retry)
            .field("user_agent_suffix", &self.user_agent_suffix)
            .field("custom_http_client", &self.http_client.is_some())
            .field("allow_insecure_http", &self.allow_insecure_http)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("digest_fixed_cnonce", &self.digest_cnonce.is_some())
            .finish()
    }
}

/// Environment variables read by [`ClientBuilder::from_env`], named like the Atlas CLI's.
pub mod env {
    /// Base URL (optional; default `https://cloud.mongodb.com`).
    pub const BASE_URL: &str = "MONGODB_ATLAS_BASE_URL";
    /// Programmatic API key, public part (HTTP digest user).
    pub const PUBLIC_API_KEY: &str = "MONGODB_ATLAS_PUBLIC_API_KEY";
    /// Programmatic API key, private part (HTTP digest password).
    pub const PRIVATE_API_KEY: &str = "MONGODB_ATLAS_PRIVATE_API_KEY";
    /// Service account client id (OAuth2 client credentials).
    pub const CLIENT_ID: &str = "MONGODB_ATLAS_CLIENT_ID";
    /// Service account client secret.
    pub const CLIENT_SECRET: &str = "MONGODB_ATLAS_CLIENT_SECRET";
}

impl ClientBuilder {
    /// A builder configured from the Atlas CLI's environment variables (see [`mod@env`]): a service account
    /// when `MONGODB_ATLAS_CLIENT_ID` and `MONGODB_ATLAS_CLIENT_SECRET` are set, else an API key pair
    /// from `MONGODB_ATLAS_PUBLIC_API_KEY` and `MONGODB_ATLAS_PRIVATE_API_KEY`, and the base URL from
    /// `MONGODB_ATLAS_BASE_URL` when set.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when neither credential pair is complete (the message names the
    /// variables, never their values).
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let mut builder = ClientBuilder::default();
        if let Some(url) = var(env::BASE_URL) {
            builder = builder.base_url(url);
        }
        match (
            var(env::CLIENT_ID),
            var(env::CLIENT_SECRET),
            var(env::PUBLIC_API_KEY),
            var(env::PRIVATE_API_KEY),
        ) {
            (Some(id), Some(secret), _, _) => Ok(builder.service_account(id, secret)),
            (_, _, Some(public), Some(private)) => Ok(builder.digest_auth(public, private)),
            _ => Err(Error::InvalidConfig {
                message: format!(
                    "set {} and {}, or {} and {}",
                    env::CLIENT_ID,
                    env::CLIENT_SECRET,
                    env::PUBLIC_API_KEY,
                    env::PRIVATE_API_KEY
                ),
            }),
        }
    }

    /// Largest response body the client reads (default 64 MiB); a larger one ends the call with
    /// [`Error::ResponseTooLarge`] instead of exhausting memory.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// API root, default `https://cloud.mongodb.com`. A path prefix is kept.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// HTTP Digest with a programmatic API key pair (public key = user, private key = password).
    pub fn digest_auth(
        mut self,
        public_key: impl Into<String>,
        private_key: impl Into<Secret>,
    ) -> Self {
        self.credentials = Some(Credentials::Digest {
            public_key: public_key.into(),
            private_key: private_key.into(),
        });
        self
    }

    /// A service account (OAuth2 client credentials); tokens are fetched and refreshed automatically.
    pub fn service_account(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.credentials = Some(Credentials::ServiceAccount {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
        self
    }

    /// A static bearer token (e.g. one obtained elsewhere from a service account).
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials::Bearer {
            token: token.into(),
        });
        self
    }

    /// TCP + TLS connect timeout (default 10 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Timeout of one HTTP exchange, body included (default 60 s). Enforced per request, also
    /// with a caller's [`http_client`](Self::http_client). Zero is refused by `build`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Deadline of a whole call: every attempt, token fetch and retry wait (default: the retry
    /// policy's `max_elapsed` plus one [`timeout`](Self::timeout), i.e. 4 minutes). An exchange
    /// still running at the deadline ends with a timeout error. Zero is refused by `build`.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.total_timeout = Some(timeout);
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::none`] disables retries).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Text appended to the `User-Agent` (`<crate>/<version> (<os>; <arch>) <suffix>`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.user_agent_suffix = Some(suffix.into());
        self
    }

    /// Uses a caller-configured `reqwest::Client` (proxies, TLS roots, …).
    ///
    /// What it may change: proxies, TLS roots and versions, connection pooling, DNS, HTTP/2,
    /// its own decompression (bodies are still bounded after decoding). What it cannot change:
    /// [`timeout`](Self::timeout) and the total deadline (applied per request, overriding the
    /// client's), the body limit, and redirects. Build it with
    /// `redirect(reqwest::redirect::Policy::none())`: if it follows one anyway, the client refuses
    /// any token or revoke answer that came through a redirect and any answer to an authenticated
    /// request from another origin ([`AuthErrorKind::Redirected`](crate::runtime::AuthErrorKind)),
    /// and token and revoke forms are sent so that a 307/308 cannot replay them.
    /// `connect_timeout` is not applied to it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Tests only (feature `mock`): every Digest header uses this client nonce instead of a random
    /// one, so a test can check the whole `response=` hash. Never use it against a real server: a
    /// fixed client nonce weakens Digest against chosen-plaintext attacks.
    #[cfg(feature = "mock")]
    pub fn digest_fixed_cnonce(mut self, cnonce: impl Into<String>) -> Self {
        self.digest_cnonce = Some(cnonce.into());
        self
    }

    /// Allows sending credentials over plain `http://` to a non-loopback host (default: refused).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Validates the configuration and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let url = Url::parse(self.base_url.trim()).map_err(|e| {
            Error::config(format!(
                "base URL `{}` is invalid: {e}",
                redact_userinfo(&self.base_url)
            ))
        })?;
        if url.scheme() != "https" && url.scheme() != "http" {
            return Err(Error::config(format!(
                "base URL scheme must be https or http, not `{}`",
                url.scheme()
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(Error::config(
                "base URL must not contain user info; use digest_auth or service_account",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config("base URL must not have a query or fragment"));
        }
        let host = url.host_str().unwrap_or_default();
        if self.credentials.is_some()
            && url.scheme() == "http"
            && !is_loopback(host)
            && !self.allow_insecure_http
        {
            return Err(Error::config(format!(
                "refusing to send credentials over plain http:// to `{host}`; use https, or allow_insecure_http(true)"
            )));
        }
        let base_url = url.as_str().trim_end_matches('/').to_owned();
        let base_path = url.path().trim_end_matches('/').to_owned();

        let mut agent = format!(
            "{}/{} ({}; {})",
            crate::CRATE_NAME,
            crate::CRATE_VERSION,
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        if let Some(suffix) = self
            .user_agent_suffix
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            agent.push(' ');
            agent.push_str(suffix);
        }
        let user_agent = HeaderValue::from_str(&agent).map_err(|_| {
            Error::config("user agent suffix contains characters not allowed in an HTTP header")
        })?;

        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(Error::config("timeout must be longer than zero"));
        }
        let total_timeout = self
            .total_timeout
            .unwrap_or_else(|| self.retry.elapsed_limit().saturating_add(timeout));
        if total_timeout.is_zero() {
            return Err(Error::config("total_timeout must be longer than zero"));
        }
        let client = match self.http_client {
            Some(client) => client,
            None => {
                let client = reqwest::Client::builder()
                    .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .timeout(timeout)
                    // A redirect would need re-authentication against another URI: surface it instead.
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| Error::config(format!("could not build the HTTP client: {e}")))?;
                client
            }
        };
        let auth = match self.credentials {
            Some(c) => c.into_auth(&base_url)?,
            None => Auth::None,
        };
        let auth = match auth {
            Auth::Digest(d) => Auth::Digest(d.with_fixed_cnonce(self.digest_cnonce)),
            other => other,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http: Http {
                    client,
                    user_agent,
                    timeout,
                    max_response_bytes: self.max_response_bytes,
                },
                base_url,
                base_path,
                auth,
                retry: self.retry,
                total_timeout,
            }),
        })
    }
}

/// `localhost`, 127.0.0.0/8, `::1` (also IPv4-mapped).
fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => ip.is_loopback(),
        Ok(IpAddr::V6(ip)) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Err(_) => host.eq_ignore_ascii_case("localhost") || host.eq_ignore_ascii_case("localhost."),
    }
}

/// The URL with any user info (which may hold a credential) masked, for messages and `Debug`.
fn redact_userinfo(url: &str) -> String {
    match Url::parse(url.trim()) {
        Ok(mut u) => {
            if !u.username().is_empty() {
                let _ = u.set_username("redacted");
            }
            if u.password().is_some() {
                let _ = u.set_password(Some("redacted"));
            }
            u.to_string()
        }
        Err(_) if url.contains('@') => "(unparsable URL with user info)".to_owned(),
        Err(_) => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_detection() {
        for host in [
            "localhost",
            "LOCALHOST",
            "127.0.0.1",
            "127.8.9.10",
            "[::1]",
            "::1",
            "[::ffff:127.0.0.1]",
        ] {
            assert!(is_loopback(host), "{host}");
        }
        for host in [
            "cloud.mongodb.com",
            "10.0.0.1",
            "localhost.example.com",
            "128.0.0.1",
            "[::2]",
            "",
        ] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn build_rules() {
        let ok = Client::builder()
            .digest_auth("pub", "priv")
            .build()
            .unwrap();
        assert_eq!(ok.base_url(), "https://cloud.mongodb.com");
        let prefixed = Client::builder()
            .base_url("http://127.0.0.1:8080/prefix/")
            .bearer_token("t")
            .build()
            .unwrap();
        assert_eq!(prefixed.base_url(), "http://127.0.0.1:8080/prefix");
        assert_eq!(prefixed.inner.base_path, "/prefix");
        let refused = Client::builder()
            .base_url("http://api.example.com")
            .digest_auth("p", "k")
            .build();
        assert!(matches!(refused, Err(Error::InvalidConfig { .. })));
        assert!(Client::builder()
            .base_url("http://api.example.com")
            .digest_auth("p", "k")
            .allow_insecure_http(true)
            .build()
            .is_ok());
        assert!(Client::builder()
            .base_url("http://api.example.com")
            .build()
            .is_ok()); // no credentials
        assert!(Client::builder()
            .base_url("http://[::1]:9/")
            .service_account("i", "s")
            .build()
            .is_ok());
        for bad in [
            "ftp://x",
            "not a url",
            "https://s3cret@bad host",
            "https://u:pw-s3cret@x",
            "https://x/?q=1",
            "https://x/#f",
        ] {
            match Client::builder().base_url(bad).build() {
                Err(e @ Error::InvalidConfig { .. }) => {
                    assert!(!e.to_string().contains("s3cret"), "{e}")
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert!(Client::builder()
            .user_agent_suffix("bad\r\nheader")
            .build()
            .is_err());
    }

    #[test]
    fn user_agent_format() {
        let c = Client::builder()
            .user_agent_suffix("my-tool/1.2")
            .build()
            .unwrap();
        let ua = c.inner.http.user_agent.to_str().unwrap().to_owned();
        let expected = format!(
            "{}/{} ({}; {}) my-tool/1.2",
            crate::CRATE_NAME,
            crate::CRATE_VERSION,
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        assert_eq!(ua, expected);
    }

    #[test]
    fn debug_output_is_redacted() {
        let builders = [
            Client::builder().digest_auth("public-key", "s3cret-1"),
            Client::builder().service_account("client-id", "s3cret-2"),
            Client::builder().bearer_token("s3cret-3"),
            Client::builder().base_url("https://u:s3cret-4@h"),
            Client::builder().base_url("https://s3cret-5@h"),
            Client::builder().base_url("https://s3cret-6:x@h o"),
        ];
        for b in builders {
            let text = format!("{b:?} {b:#?}");
            assert!(!text.contains("s3cret"), "{text}");
            if let Ok(client) = b.build() {
                let text = format!("{client:?} {client:#?}");
                assert!(!text.contains("s3cret"), "{text}");
            }
        }
    }
}
