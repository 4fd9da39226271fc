//! Authentication modes: HTTP Digest (API key pair), OAuth2 client credentials (service
//! account), a static bearer token or HTTP Basic (one of them, in `Authorization`), plus any number
//! of API keys sent next to it.

pub(crate) mod api_key;
pub(crate) mod challenge;
pub(crate) mod digest;
pub(crate) mod oauth;

use std::fmt;

use reqwest::header::HeaderValue;

use super::api::ApiConfig;
use super::{Error, Secret};

/// The `Authorization` credential as given to the builder (validated and turned into [`Auth`] by
/// `build`); setting another replaces it. API keys are kept apart ([`api_key::ApiKeys`]): they
/// accumulate and are sent next to it.
#[derive(Clone, Debug)]
pub(crate) enum Credentials {
    Digest {
        public_key: String,
        private_key: Secret,
    },
    ServiceAccount {
        client_id: String,
        client_secret: Secret,
    },
    Bearer {
        token: Secret,
    },
    Basic {
        user: String,
        password: Secret,
    },
}

impl Credentials {
    pub(crate) fn into_auth(self, base_url: &str, config: &ApiConfig) -> Result<Auth, Error> {
        let empty = |what: &str| Err(Error::config(format!("{what} is empty")));
        match self {
            Credentials::Digest {
                public_key,
                private_key,
            } => {
                if public_key.is_empty() {
                    return empty("digest_auth: the public key");
                }
                if private_key.is_empty() {
                    return empty("digest_auth: the private key");
                }
                Ok(Auth::Digest(digest::DigestAuth::new(
                    public_key,
                    private_key,
                )))
            }
            Credentials::ServiceAccount {
                client_id,
                client_secret,
            } => {
                if client_id.is_empty() {
                    return empty("OAuth2 client credentials: the client id");
                }
                if client_secret.is_empty() {
                    return empty("OAuth2 client credentials: the client secret");
                }
                let Some(endpoints) = &config.oauth else {
                    return Err(Error::config(
                        "OAuth2 client credentials: this API declares no client-credentials flow",
                    ));
                };
                Ok(Auth::OAuth(oauth::OAuth::new(
                    client_id,
                    client_secret,
                    base_url,
                    endpoints,
                )))
            }
            Credentials::Bearer { token } => {
                if token.is_empty() {
                    return empty("bearer_token: the token");
                }
                // Checked here so a bad token fails at build time, without echoing it.
                let header = oauth::bearer_header(&token).map_err(|_| {
                    Error::config(
                        "bearer_token: the token contains characters not allowed in an HTTP header",
                    )
                })?;
                Ok(Auth::Bearer(header))
            }
            Credentials::Basic { user, password } => {
                if user.is_empty() {
                    return empty("basic_auth: the user");
                }
                Ok(Auth::Bearer(api_key::basic_header(&user, &password)?))
            }
        }
    }
}

/// The live authentication state of a client.
pub(crate) enum Auth {
    None,
    Digest(digest::DigestAuth),
    OAuth(oauth::OAuth),
    /// The complete, sensitive-marked `Authorization` header (bearer token or HTTP Basic).
    Bearer(HeaderValue),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::None => f.write_str("None"),
            Auth::Digest(d) => fmt::Debug::fmt(d, f),
            Auth::OAuth(o) => fmt::Debug::fmt(o, f),
            Auth::Bearer(_) => f.write_str("Bearer([redacted])"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let all = [
            Credentials::Digest {
                public_key: "pub".into(),
                private_key: "s3cret-digest".into(),
            },
            Credentials::ServiceAccount {
                client_id: "id".into(),
                client_secret: "s3cret-client".into(),
            },
            Credentials::Bearer {
                token: "s3cret-token".into(),
            },
        ];
        for c in all {
            let text = format!(
                "{c:?} {:?}",
                c.clone()
                    .into_auth("https://x", &crate::testing::CONFIG)
                    .unwrap()
            );
            assert!(!text.contains("s3cret"), "{text}");
        }
    }

    #[test]
    fn empty_or_invalid_credentials_are_config_errors() {
        let bad = [
            Credentials::Digest {
                public_key: "".into(),
                private_key: "x".into(),
            },
            Credentials::Digest {
                public_key: "x".into(),
                private_key: "".into(),
            },
            Credentials::ServiceAccount {
                client_id: "x".into(),
                client_secret: "".into(),
            },
            Credentials::Bearer { token: "".into() },
            Credentials::Bearer {
                token: "line\nbreak-s3cret".into(),
            },
        ];
        for c in bad {
            match c.into_auth("https://x", &crate::testing::CONFIG) {
                Err(e @ Error::InvalidConfig { .. }) => assert!(!e.to_string().contains("s3cret")),
                other => panic!("{other:?}"),
            }
        }
    }
}
