//! `ClientBuilder`: configuration checks (URL, credentials over plain HTTP, user agent).

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use reqwest::Url;

use super::api::{ApiClient, ApiConfig, EnvCredential};
use super::auth::api_key::ApiKeys;
use super::auth::{Auth, Credentials};
use super::client::{ClientCore, Http, Inner};
use super::{Error, RetryPolicy, Secret};

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// 64 MiB: far above any page of JSON an API answers with; anything this large is a fault.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 << 20;

/// Builds a generated `Client` (`C`). Obtain one with `Client::builder()`.
///
/// Generic only in the client it returns: the settings and their validation are not, so a
/// generated crate compiles none of this code for its own client type.
pub struct ClientBuilder<C> {
    settings: Settings,
    client: PhantomData<fn() -> C>,
}

/// What a [`ClientBuilder`] collects, validated by [`Settings::build_core`].
#[derive(Clone)]
pub(crate) struct Settings {
    config: &'static ApiConfig,
    base_url: String,
    /// Set explicitly with `base_url` (server variables then no longer apply).
    base_url_set: bool,
    /// Server variables set with `server_variable`.
    server_variables: Vec<(String, String)>,
    /// The `Authorization` credential (a later one replaces it).
    credentials: Option<Credentials>,
    /// API keys by scheme (`None`: the first declared), every one sent; see [`ApiKeys`].
    api_keys: Vec<(Option<String>, Secret)>,
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

impl<C> Clone for ClientBuilder<C> {
    fn clone(&self) -> Self {
        ClientBuilder {
            settings: self.settings.clone(),
            client: PhantomData,
        }
    }
}

impl<C: ApiClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        Self::new()
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder with the API's defaults: its first server, no credentials, default retries.
    pub fn new() -> Self {
        let config = C::CONFIG;
        let settings = Settings {
            config,
            base_url: config.default_base_url.to_owned(),
            base_url_set: false,
            server_variables: Vec::new(),
            credentials: None,
            api_keys: Vec::new(),
            connect_timeout: None,
            timeout: None,
            total_timeout: None,
            retry: RetryPolicy::default(),
            user_agent_suffix: None,
            http_client: None,
            allow_insecure_http: false,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            digest_cnonce: None,
        };
        ClientBuilder {
            settings,
            client: PhantomData,
        }
    }
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.settings, f)
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &redact_userinfo(&self.base_url))
            .field("credentials", &self.credentials)
            .field("api_key_schemes", &ApiKeySchemes(&self.api_keys))
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

/// The schemes of the keys set on a builder, for `Debug` (never a key).
struct ApiKeySchemes<'a>(&'a [(Option<String>, Secret)]);

impl fmt::Debug for ApiKeySchemes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(
                self.0
                    .iter()
                    .map(|(scheme, _)| scheme.as_deref().unwrap_or("(first apiKey scheme)")),
            )
            .finish()
    }
}

impl<C: ApiClient> ClientBuilder<C> {
    /// A builder configured from the environment variables the generated crate names (its
    /// profile's, e.g. the Atlas CLI's, or `<CRATE>_...`): the first `Authorization` credential
    /// of the API (OAuth2, bearer, Digest, Basic) whose variables are all set, plus **every** API
    /// key whose variable is set (a requirement may need several keys, or keys and a token), and
    /// the base URL when set.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] when the API takes credentials and none is set (the message names
    /// the variables, never their values), or when the API names no environment variables.
    pub fn from_env() -> Result<Self, Error<C::ErrorBody>> {
        Self::from_env_with(|name| std::env::var(name).ok()).map_err(Error::into_body_type)
    }

    /// [`from_env`](Self::from_env) reading variables through `var` (tests, or a configuration
    /// source other than the process environment).
    pub(crate) fn from_env_with(var: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let Some(env) = &C::CONFIG.env else {
            return Err(Error::config(
                "this API declares no environment variables; configure the builder in code",
            ));
        };
        let var = |name: &str| var(name).filter(|v| !v.is_empty());
        let mut builder = Self::new();
        if let Some(url) = var(env.base_url) {
            builder = builder.base_url(url);
        }
        let usable = |credential: &&EnvCredential| {
            let needs_oauth = matches!(credential, EnvCredential::ClientCredentials { .. });
            !(needs_oauth && C::CONFIG.oauth.is_none())
        };
        let mut authorization_set = false;
        let mut any_set = false;
        for credential in env.credentials.iter().filter(usable) {
            let is_key = matches!(credential, EnvCredential::ApiKey { .. });
            if authorization_set && !is_key {
                continue;
            }
            let values: Option<Vec<String>> = credential.variables().into_iter().map(var).collect();
            let Some(values) = values else { continue };
            let mut values = values.into_iter();
            let mut next = || values.next().unwrap_or_default();
            any_set = true;
            authorization_set |= !is_key;
            builder = match *credential {
                EnvCredential::ClientCredentials { .. } => {
                    let id = next();
                    builder.client_credentials(id, next())
                }
                EnvCredential::Digest { .. } => {
                    let user = next();
                    builder.digest_auth(user, next())
                }
                EnvCredential::Basic { .. } => {
                    let user = next();
                    builder.basic_auth(user, next())
                }
                EnvCredential::Bearer { .. } => builder.bearer_token(next()),
                EnvCredential::ApiKey { scheme, .. } => builder.api_key_for(scheme, next()),
            };
        }
        if any_set || env.credentials.is_empty() {
            return Ok(builder);
        }
        let choices: Vec<String> = env
            .credentials
            .iter()
            .filter(usable)
            .map(|c| c.variables().join(" and "))
            .collect();
        Err(Error::InvalidConfig {
            message: format!("set {}", choices.join(", or ")),
        })
    }
}

impl<C> ClientBuilder<C> {
    /// Largest response body the client reads (default 64 MiB); a larger one ends the call with
    /// [`Error::ResponseTooLarge`] instead of exhausting memory.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.settings.max_response_bytes = limit;
        self
    }

    /// API root, by default the spec's first server. A path prefix is kept.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.settings.base_url = url.into();
        self.settings.base_url_set = true;
        self
    }

    /// Sets a variable of the spec's first server (`https://{region}.example.com`); the others keep
    /// their defaults. Ignored once [`base_url`](Self::base_url) is set; `build` refuses a name the
    /// server does not declare.
    pub fn server_variable(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.settings
            .server_variables
            .push((name.into(), value.into()));
        self
    }

    /// HTTP Digest (RFC 7616) with a user and password (for Atlas, a programmatic API key pair:
    /// public key = user, private key = password). The challenge is cached: one request per call.
    pub fn digest_auth(
        mut self,
        public_key: impl Into<String>,
        private_key: impl Into<Secret>,
    ) -> Self {
        self.settings.credentials = Some(Credentials::Digest {
            public_key: public_key.into(),
            private_key: private_key.into(),
        });
        self
    }

    /// OAuth2 client credentials (for Atlas, a service account); tokens are fetched and refreshed
    /// automatically. `build` refuses it when the API declares no client-credentials flow.
    pub fn client_credentials(
        mut self,
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
    ) -> Self {
        self.settings.credentials = Some(Credentials::ServiceAccount {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
        self
    }

    /// An API key, sent as the API's (first) `apiKey` security scheme says: a header, a query
    /// parameter or a cookie. `build` refuses it when the API declares none. Like
    /// [`api_key_for`](Self::api_key_for), it adds to the keys already set.
    pub fn api_key(self, key: impl Into<Secret>) -> Self {
        self.add_api_key(None, key.into())
    }

    /// An API key for the `apiKey` security scheme named `scheme` in the spec. Keys accumulate:
    /// every key set is sent with every request (one per scheme: setting a scheme's key again
    /// replaces it), next to the `Authorization` credential if one is set, so a requirement
    /// needing several keys at once (`{AppKey: [], AppToken: []}`) or a key and a token works.
    pub fn api_key_for(self, scheme: impl Into<String>, key: impl Into<Secret>) -> Self {
        self.add_api_key(Some(scheme.into()), key.into())
    }

    fn add_api_key(mut self, scheme: Option<String>, key: Secret) -> Self {
        let keys = &mut self.settings.api_keys;
        match keys.iter_mut().find(|(s, _)| *s == scheme) {
            Some(old) => old.1 = key,
            None => keys.push((scheme, key)),
        }
        self
    }

    /// HTTP Basic authentication (`Authorization: Basic ...`). Replaces any other `Authorization`
    /// credential (bearer, Digest, OAuth2); API keys stay.
    pub fn basic_auth(mut self, user: impl Into<String>, password: impl Into<Secret>) -> Self {
        self.settings.credentials = Some(Credentials::Basic {
            user: user.into(),
            password: password.into(),
        });
        self
    }

    /// A static bearer token (e.g. one obtained elsewhere). Replaces any other `Authorization`
    /// credential (Basic, Digest, OAuth2); API keys stay.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.settings.credentials = Some(Credentials::Bearer {
            token: token.into(),
        });
        self
    }

    /// TCP + TLS connect timeout (default 10 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = Some(timeout);
        self
    }

    /// Timeout of one HTTP exchange, body included (default 60 s). Enforced per request, also
    /// with a caller's [`http_client`](Self::http_client). Zero is refused by `build`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = Some(timeout);
        self
    }

    /// Deadline of a whole call: every attempt, token fetch and retry wait (default: the retry
    /// policy's `max_elapsed` plus one [`timeout`](Self::timeout), i.e. 4 minutes). An exchange
    /// still running at the deadline ends with a timeout error. Zero is refused by `build`.
    pub fn total_timeout(mut self, timeout: Duration) -> Self {
        self.settings.total_timeout = Some(timeout);
        self
    }

    /// Retry policy (default [`RetryPolicy::default`]; [`RetryPolicy::none`] disables retries).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Text appended to the `User-Agent` (`<crate>/<version> (<os>; <arch>) <suffix>`).
    pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
        self.settings.user_agent_suffix = Some(suffix.into());
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
    /// request from another origin ([`AuthErrorKind::Redirected`](crate::AuthErrorKind)),
    /// and token and revoke forms are sent so that a 307/308 cannot replay them.
    /// `connect_timeout` is not applied to it.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.settings.http_client = Some(client);
        self
    }

    /// Tests only (feature `mock`): every Digest header uses this client nonce instead of a random
    /// one, so a test can check the whole `response=` hash. Never use it against a real server: a
    /// fixed client nonce weakens Digest against chosen-plaintext attacks.
    #[cfg(feature = "mock")]
    pub fn digest_fixed_cnonce(mut self, cnonce: impl Into<String>) -> Self {
        self.settings.digest_cnonce = Some(cnonce.into());
        self
    }

    /// Allows sending credentials over plain `http://` to a non-loopback host (default: refused).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.settings.allow_insecure_http = allow;
        self
    }

    /// Validates the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidConfig`] naming what is wrong (never a secret).
    pub fn build(self) -> Result<C, Error<C::ErrorBody>>
    where
        C: ApiClient,
    {
        self.settings
            .build_core()
            .map(C::from_core)
            .map_err(Error::into_body_type)
    }
}

impl Settings {
    /// Validates the settings and builds the client's core (what [`ClientBuilder::build`] wraps).
    pub(crate) fn build_core(mut self) -> Result<ClientCore, Error> {
        if !self.base_url_set && !self.server_variables.is_empty() {
            self.base_url = self.server_url()?;
        }
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
                "base URL must not contain user info; use the builder's credential methods",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::config("base URL must not have a query or fragment"));
        }
        let host = url.host_str().unwrap_or_default();
        if (self.credentials.is_some() || !self.api_keys.is_empty())
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
            self.config.crate_name,
            self.config.crate_version,
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
            Some(c) => c.into_auth(&base_url, self.config)?,
            None => Auth::None,
        };
        let auth = match auth {
            Auth::Digest(d) => Auth::Digest(d.with_fixed_cnonce(self.digest_cnonce)),
            other => other,
        };
        let api_keys = ApiKeys::new(self.config.api_keys, self.api_keys)?;
        Ok(ClientCore {
            inner: Arc::new(Inner {
                config: self.config,
                http: Http {
                    client,
                    user_agent,
                    timeout,
                    max_response_bytes: self.max_response_bytes,
                },
                base_url,
                base_path,
                auth,
                api_keys,
                retry: self.retry,
                total_timeout,
            }),
        })
    }
}

impl Settings {
    /// The first server's URL with the variables set by the caller and the others at their defaults.
    fn server_url(&self) -> Result<String, Error> {
        let config = self.config;
        let mut url = config.server_template.to_owned();
        for (name, value) in &self.server_variables {
            if !config.server_variables.iter().any(|(n, _)| n == name) {
                return Err(Error::config(format!(
                    "server_variable: the server declares no variable `{name}`"
                )));
            }
            url = url.replace(&format!("{{{name}}}"), value);
        }
        for (name, default) in config.server_variables {
            url = url.replace(&format!("{{{name}}}"), default);
        }
        Ok(url.trim_end_matches('/').to_owned())
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
    use crate::testing::TestClient as Client;

    /// What `from_env` makes of `vars`: the credential kind chosen (or the error) and the base URL.
    fn from_vars(vars: &[(&str, &str)]) -> Result<(String, String), String> {
        let lookup = |name: &str| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        };
        let builder = ClientBuilder::<Client>::from_env_with(lookup).map_err(|e| e.to_string())?;
        let kind = match &builder.settings.credentials {
            Some(Credentials::ServiceAccount { client_id, .. }) => format!("oauth {client_id}"),
            Some(Credentials::Digest { public_key, .. }) => format!("digest {public_key}"),
            Some(Credentials::Bearer { .. }) => "bearer".to_owned(),
            Some(Credentials::Basic { user, .. }) => format!("basic {user}"),
            None => "none".to_owned(),
        };
        let keys: Vec<String> = builder
            .settings
            .api_keys
            .iter()
            .map(|(scheme, _)| format!(" + key {scheme:?}"))
            .collect();
        let kind = format!("{kind}{}", keys.concat());
        Ok((kind, builder.settings.base_url.clone()))
    }

    #[test]
    fn from_env_takes_the_first_complete_credential_in_the_apis_order() {
        let all = [
            ("TEST_CLIENT_ID", "id"),
            ("TEST_CLIENT_SECRET", "s"),
            ("TEST_USERNAME", "user"),
            ("TEST_PASSWORD", "p"),
            ("TEST_TOKEN", "t"),
            ("TEST_API_KEY", "k"),
        ];
        // The first `Authorization` credential, plus every API key whose variable is set.
        assert_eq!(
            from_vars(&all).map(|r| r.0),
            Ok("oauth id + key Some(\"KeyHeader\")".to_owned())
        );
        assert_eq!(
            from_vars(&[
                ("TEST_API_TOKEN", "t"),
                ("TEST_TOKEN", "b"),
                ("TEST_API_KEY", "k")
            ])
            .map(|r| r.0),
            Ok("bearer + key Some(\"KeyHeader\") + key Some(\"TokenHeader\")".to_owned())
        );
        // An incomplete pair (or an empty value) is skipped, not half-used.
        assert_eq!(
            from_vars(&[
                ("TEST_CLIENT_ID", "id"),
                ("TEST_USERNAME", "u"),
                ("TEST_PASSWORD", "p")
            ])
            .map(|r| r.0),
            Ok("digest u".to_owned())
        );
        assert_eq!(
            from_vars(&[
                ("TEST_CLIENT_SECRET", ""),
                ("TEST_CLIENT_ID", "id"),
                ("TEST_TOKEN", "t")
            ])
            .map(|r| r.0),
            Ok("bearer".to_owned())
        );
        assert_eq!(
            from_vars(&[
                ("TEST_API_KEY", "k"),
                ("TEST_BASE_URL", "http://127.0.0.1:9")
            ]),
            Ok((
                "none + key Some(\"KeyHeader\")".to_owned(),
                "http://127.0.0.1:9".to_owned()
            ))
        );
    }

    #[test]
    fn from_env_without_a_credential_names_every_variable_and_no_value() {
        let err = from_vars(&[("TEST_PASSWORD", "hunter2"), ("TEST_BASE_URL", "x")])
            .expect_err("no complete credential");
        assert!(!err.contains("hunter2"), "{err}");
        for name in [
            "TEST_CLIENT_ID and TEST_CLIENT_SECRET",
            "TEST_USERNAME and TEST_PASSWORD",
            "TEST_TOKEN",
            "TEST_API_KEY",
        ] {
            assert!(err.contains(name), "{name} missing from: {err}");
        }
    }

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
        assert_eq!(ok.base_url(), "https://api.example.com");
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
            .client_credentials("i", "s")
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
            crate::testing::CONFIG.crate_name,
            crate::testing::CONFIG.crate_version,
            std::env::consts::OS,
            std::env::consts::ARCH
        );
        assert_eq!(ua, expected);
    }

    #[test]
    fn debug_output_is_redacted() {
        let builders = [
            Client::builder().digest_auth("public-key", "s3cret-1"),
            Client::builder().client_credentials("client-id", "s3cret-2"),
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
