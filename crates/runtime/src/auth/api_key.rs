//! Static credentials sent with every request: an API key (header, query parameter or cookie, as
//! the spec's `apiKey` scheme says) and HTTP Basic.

use base64::Engine as _;
use reqwest::header::{HeaderName, HeaderValue};

use crate::api::{ApiKeyLocation, ApiKeyScheme};
use crate::{Error, Secret};

/// An API key ready to send: where, under which name, and the sensitive-marked value.
pub(crate) struct ApiKey {
    pub(crate) scheme: &'static ApiKeyScheme,
    pub(crate) value: Secret,
}

/// What an API key adds to one request.
pub(crate) enum KeyPart {
    Header(HeaderName, HeaderValue),
    Query(&'static str, Secret),
}

impl ApiKey {
    /// The key for `scheme` (the first declared one when `None`).
    pub(crate) fn new(
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

    pub(crate) fn part(&self) -> Result<KeyPart, Error> {
        let sensitive = |text: String| {
            HeaderValue::from_str(&text).map(|mut v| {
                v.set_sensitive(true);
                v
            })
        };
        let bad =
            || Error::config("api_key: the key contains characters not allowed in an HTTP header");
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
                    sensitive(self.value.expose().to_owned()).map_err(|_| bad())?,
                ))
            }
            ApiKeyLocation::Cookie => {
                let value = format!("{}={}", self.scheme.name, self.value.expose());
                Ok(KeyPart::Header(
                    reqwest::header::COOKIE,
                    sensitive(value).map_err(|_| bad())?,
                ))
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
