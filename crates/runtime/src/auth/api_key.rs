//! Static credentials sent with every request: API keys (each a header, query parameter or cookie,
//! as the spec's `apiKey` scheme says) and HTTP Basic.
//!
//! API keys accumulate: a security requirement may need several at once (`{AppKey: [],
//! AppToken: []}`), so the client keeps one key per scheme and sends them all, next to whatever
//! `Authorization` credential is configured.

use std::fmt;

use base64::Engine as _;
use reqwest::header::{HeaderName, HeaderValue, COOKIE};
use reqwest::Url;

use crate::api::{ApiKeyLocation, ApiKeyScheme};
use crate::{Error, Secret};

/// An API key ready to send: where, under which name, and the sensitive-marked value.
struct ApiKey {
    scheme: &'static ApiKeyScheme,
    value: Secret,
}

/// Every configured API key, one per scheme, in the order first set.
#[derive(Default)]
pub(crate) struct ApiKeys {
    keys: Vec<ApiKey>,
    /// Whether one of them is a query parameter (errors quoting the URL must then drop it).
    has_query: bool,
}

impl fmt::Debug for ApiKeys {
    /// The schemes only, never a key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.keys.iter().map(|k| k.scheme.scheme))
            .finish()
    }
}

impl ApiKeys {
    /// The keys as set on the builder (`None`: the first declared scheme), validated; a later key
    /// for the same scheme replaces the earlier one.
    pub(crate) fn new(
        schemes: &'static [ApiKeyScheme],
        set: Vec<(Option<String>, Secret)>,
    ) -> Result<Self, Error> {
        let mut keys: Vec<ApiKey> = Vec::with_capacity(set.len());
        for (scheme, value) in set {
            let key = ApiKey::new(schemes, scheme.as_deref(), value)?;
            match keys
                .iter_mut()
                .find(|k| k.scheme.scheme == key.scheme.scheme)
            {
                Some(old) => *old = key,
                None => keys.push(key),
            }
        }
        let has_query = keys
            .iter()
            .any(|k| matches!(k.scheme.location, ApiKeyLocation::Query));
        Ok(ApiKeys { keys, has_query })
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub(crate) fn has_query(&self) -> bool {
        self.has_query
    }

    /// Adds every key to one request: query keys to `url`, the others as headers (returned),
    /// cookie keys joined into one `Cookie` value (`a=1; b=2`).
    pub(crate) fn apply(&self, url: &mut Url) -> Result<Vec<(HeaderName, HeaderValue)>, Error> {
        let mut headers: Vec<(HeaderName, HeaderValue)> = Vec::new();
        let mut cookies: Vec<String> = Vec::new();
        for key in &self.keys {
            match key.part()? {
                KeyPart::Query(name, value) => {
                    url.query_pairs_mut().append_pair(name, value.expose());
                }
                KeyPart::Header(name, value) if name == COOKIE => {
                    // Built from `name=value` text above, so it is visible ASCII.
                    cookies.push(String::from_utf8_lossy(value.as_bytes()).into_owned());
                }
                KeyPart::Header(name, value) => headers.push((name, value)),
            }
        }
        if !cookies.is_empty() {
            headers.push((COOKIE, sensitive(cookies.join("; "))?));
        }
        Ok(headers)
    }
}

fn sensitive(text: String) -> Result<HeaderValue, Error> {
    let mut value = HeaderValue::from_str(&text).map_err(|_| {
        Error::config("api_key: the key contains characters not allowed in an HTTP header")
    })?;
    value.set_sensitive(true);
    Ok(value)
}

/// What an API key adds to one request.
enum KeyPart {
    Header(HeaderName, HeaderValue),
    Query(&'static str, Secret),
}

impl ApiKey {
    /// The key for `scheme` (the first declared one when `None`).
    fn new(
        schemes: &'static [ApiKeyScheme],
        scheme: Option<&str>,
        value: Secret,
    ) -> Result<Self, Error> {
        let found = match scheme {
            Some(name) => schemes.iter().find(|s| s.scheme == name),
            None => schemes.first(),
        };
        let Some(scheme) = found else {
            return Err(Error::config(match scheme {
                Some(name) => format!("api_key: this API declares no apiKey scheme `{name}`"),
                None => "api_key: this API declares no apiKey security scheme".to_owned(),
            }));
        };
        if value.is_empty() {
            return Err(Error::config("api_key: the key is empty"));
        }
        let key = ApiKey { scheme, value };
        // Checked at build time so a bad key fails early, without echoing it.
        key.part()?;
        Ok(key)
    }

    fn part(&self) -> Result<KeyPart, Error> {
        match self.scheme.location {
            ApiKeyLocation::Query => Ok(KeyPart::Query(self.scheme.name, self.value.clone())),
            ApiKeyLocation::Header => {
                let name = HeaderName::from_bytes(self.scheme.name.as_bytes()).map_err(|_| {
                    Error::config(format!(
                        "api_key: `{}` is not a header name",
                        self.scheme.name
                    ))
                })?;
                Ok(KeyPart::Header(
                    name,
                    sensitive(self.value.expose().to_owned())?,
                ))
            }
            ApiKeyLocation::Cookie => {
                let value = format!("{}={}", self.scheme.name, self.value.expose());
                Ok(KeyPart::Header(COOKIE, sensitive(value)?))
            }
        }
    }
}

/// `Authorization: Basic base64(user:password)`, marked sensitive.
pub(crate) fn basic_header(user: &str, password: &Secret) -> Result<HeaderValue, Error> {
    let encoded =
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{}", password.expose()));
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| Error::config("basic_auth: the credentials cannot form a header"))?;
    value.set_sensitive(true);
    Ok(value)
}
