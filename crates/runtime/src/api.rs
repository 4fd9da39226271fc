//! What a generated client tells the runtime about its API: the contract's static half.
//!
//! Generated code declares one `static` [`ApiConfig`] (from the spec's `servers`,
//! `securitySchemes` and error schema, plus what the vendor profile adds) and implements
//! [`ApiClient`] for its own `Client` type, so that [`ClientBuilder`](crate::ClientBuilder) builds
//! that type.

use crate::client::ClientCore;

/// Static facts about one API, declared by generated code.
#[derive(Debug)]
pub struct ApiConfig {
    /// Package name of the generated crate (first part of the `User-Agent`).
    pub crate_name: &'static str,
    /// Its version.
    pub crate_version: &'static str,
    /// Base URL used unless the caller sets one (the spec's first server, variables substituted).
    pub default_base_url: &'static str,
    /// The first server's URL with its `{variables}` (`default_base_url` has them at their defaults).
    pub server_template: &'static str,
    /// The first server's variables: (name, default).
    pub server_variables: &'static [(&'static str, &'static str)],
    /// OAuth2 client-credentials endpoints, when the spec declares that flow.
    pub oauth: Option<OAuthEndpoints>,
    /// Environment variables [`ClientBuilder::from_env`](crate::ClientBuilder::from_env) reads, when
    /// the API's profile names some.
    pub env: Option<EnvVars>,
    /// Response headers the API's support asks for, kept on an API failure beside the standard
    /// ones (request ids, rate limits, `Retry-After`, `Date`).
    pub support_headers: &'static [&'static str],
    /// API keys the spec declares (`securitySchemes` of type `apiKey`), in declaration order.
    pub api_keys: &'static [ApiKeyScheme],
    /// Members of the API's error schema: a non-2xx body is decoded as the error body only when it
    /// has one of them (so an unrelated JSON body, e.g. a proxy's, is not mistaken for it). Empty:
    /// any JSON object is tried.
    pub error_keys: &'static [&'static str],
}

/// Where the OAuth2 client-credentials flow exchanges and revokes tokens. A URL starting with `/`
/// is relative to the client's base URL (the spec's token URL was on the API's own server), so it
/// follows a base URL set by the caller.
#[derive(Debug)]
pub struct OAuthEndpoints {
    /// Token endpoint (`grant_type=client_credentials`, client authenticated with HTTP Basic).
    pub token_url: &'static str,
    /// RFC 7009 revocation endpoint, when the API has one.
    pub revoke_url: Option<&'static str>,
}

/// An `apiKey` security scheme: where the key goes and under which name.
#[derive(Debug)]
pub struct ApiKeyScheme {
    /// The scheme's name in `securitySchemes` (for `ClientBuilder::api_key_for`).
    pub scheme: &'static str,
    /// Header, query parameter or cookie.
    pub location: ApiKeyLocation,
    /// The header, parameter or cookie name.
    pub name: &'static str,
}

/// Where an API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie (`Cookie: name=value`).
    Cookie,
}

/// Names of the environment variables a client can be configured from.
#[derive(Debug)]
pub struct EnvVars {
    /// Base URL (optional).
    pub base_url: &'static str,
    /// The credentials the API accepts, in order of preference:
    /// [`ClientBuilder::from_env`](crate::ClientBuilder::from_env) uses the first whose variables
    /// are all set.
    pub credentials: &'static [EnvCredential],
}

/// One credential kind and the variables that hold it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvCredential {
    /// OAuth2 client credentials (used only when the API declares a token URL).
    ClientCredentials {
        /// Client id variable.
        client_id: &'static str,
        /// Client secret variable.
        client_secret: &'static str,
    },
    /// HTTP Digest user and password.
    Digest {
        /// User variable.
        user: &'static str,
        /// Password variable.
        password: &'static str,
    },
    /// HTTP Basic user and password.
    Basic {
        /// User variable.
        user: &'static str,
        /// Password variable.
        password: &'static str,
    },
    /// A bearer token.
    Bearer {
        /// Token variable.
        token: &'static str,
    },
    /// The key of one `apiKey` security scheme.
    ApiKey {
        /// The scheme's name in `securitySchemes`.
        scheme: &'static str,
        /// Key variable.
        key: &'static str,
    },
}

impl EnvCredential {
    /// The variables this credential needs, every one set and non-empty.
    pub fn variables(&self) -> Vec<&'static str> {
        match *self {
            EnvCredential::ClientCredentials {
                client_id,
                client_secret,
            } => vec![client_id, client_secret],
            EnvCredential::Digest { user, password } | EnvCredential::Basic { user, password } => {
                vec![user, password]
            }
            EnvCredential::Bearer { token } => vec![token],
            EnvCredential::ApiKey { key, .. } => vec![key],
        }
    }
}

/// Implemented by a generated `Client`: ties it to its [`ApiConfig`] and error body, and lets
/// [`ClientBuilder`](crate::ClientBuilder) build it. Not meant to be implemented by hand.
pub trait ApiClient: Sized {
    /// The API's error body (`serde_json::Value` when the spec has no single error schema).
    type ErrorBody: serde::de::DeserializeOwned + crate::ErrorFields + std::fmt::Debug;
    /// The API's static facts.
    const CONFIG: &'static ApiConfig;
    /// Wraps a configured core.
    fn from_core(core: ClientCore) -> Self;
}
