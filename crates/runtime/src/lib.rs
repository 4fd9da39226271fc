//! Runtime of the clients `apigen` generates: HTTP execution, authentication (HTTP digest, OAuth2
//! client credentials, bearer), retries, validation, errors, pagination, waiters and (feature
//! `mock`) a loopback mock server.
//!
//! A generated crate depends on this one by exact version, re-exports only its user-facing types
//! (`Error`, `RetryPolicy`, `Secret`, `Undeclared`, `WaitError`) and declares its own `ClientBuilder`
//! ([`client_builder!`]) with one credential method per security scheme of its spec. Everything
//! else here (`Request`, `Operation`, `fields`, `validate`, …) is the contract with generated code,
//! described in `CONTRACT.md`: the compiler checks it, since generated code is compiled against
//! this crate rather than a copy of it.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod api;
mod auth;
mod body;
mod builder;
mod builder_macro;
pub mod call;
mod client;
mod compression;
mod content;
#[cfg(feature = "chrono")]
pub mod datetime;
mod debug;
mod decode;
mod error;
pub mod fields;
mod limits;
mod link;
#[cfg(feature = "mock")]
pub mod mock;
mod pagination;
mod params;
mod redact;
mod request;
mod response;
mod retry;
mod secret;
pub mod ser;
mod simple_pattern;
pub mod tagged;
mod undeclared;
pub mod validate;
mod waiter;
pub mod webhook;

pub use api::{
    ApiClient, ApiConfig, ApiKeyLocation, ApiKeyScheme, EnvCredential, EnvVars, OAuthEndpoints,
};
pub use body::{FilePart, Multipart};
pub use builder::ClientBuilder;
pub use call::Call;
pub use client::ClientCore;
pub use debug::{debug_struct, debug_struct_kept, redact_option, Redacted};
pub use decode::decode_slice;
pub use error::{ApiFailure, AuthErrorKind, Error, ErrorFields, TransportKind, Undecoded};
pub use futures_util::stream::Stream;
pub use pagination::{
    Fetched, Items, Page, PageAt, PageSettings, Pages, Paginated, Walk, DEFAULT_MAX_PAGES,
};
pub use params::ObjectStyle;
pub use request::{encode_segment, path, Method, Operation, QueryValue, Request};
/// The HTTP client crate, for `client_builder!`'s `http_client` setter.
#[doc(hidden)]
pub use reqwest;
pub use response::Response;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use undeclared::{Iter as UndeclaredIter, Undeclared};
pub use validate::Pattern;
pub use waiter::{
    wait, PollFuture, Progress, WaitConfig, WaitError, WaitState, DEFAULT_WAIT_TIMEOUT,
};

#[cfg(test)]
mod e2e;
#[cfg(test)]
mod testing;
