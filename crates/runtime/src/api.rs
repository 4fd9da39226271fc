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
    /// OAuth2 client-credentials endpoints, when the spec declares that flow.
    pub oauth: Option<OAuthEndpoints>,
    /// Environment variables [`ClientBuilder::from_env`](crate::ClientBuilder::from_env) reads, when
    /// the API's profile names some.
    pub env: Option<EnvVars>,
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

/// Names of the environment variables a client can be configured from.
#[derive(Debug)]
pub struct EnvVars {
    /// Base URL (optional).
    pub base_url: &'static str,
    /// OAuth2 client id.
    pub client_id: &'static str,
    /// OAuth2 client secret.
    pub client_secret: &'static str,
    /// HTTP digest user name.
    pub digest_user: &'static str,
    /// HTTP digest password.
    pub digest_password: &'static str,
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
