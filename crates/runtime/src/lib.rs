//! Runtime of the clients `apigen` generates: HTTP execution, authentication (HTTP digest, OAuth2
//! client credentials, bearer), retries, validation, errors, pagination, waiters and (feature
//! `mock`) a loopback mock server.
//!
//! A generated crate depends on this one by exact version and re-exports only its user-facing
//! types (`Error`, `RetryPolicy`, `Secret`, `WaitError`, `ClientBuilder` as the builder of its own
//! `Client`). Everything else here (`Request`, `Operation`, `fields`, `validate`, …) is the contract
//! with generated code, described in `CONTRACT.md`: the compiler checks it, since generated code
//! is compiled against this crate rather than a copy of it.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

mod api;
mod auth;
mod body;
mod builder;
pub mod call;
mod client;
mod compression;
mod error;
pub mod fields;
mod limits;
#[cfg(feature = "mock")]
pub mod mock;
mod pagination;
mod params;
mod redact;
mod request;
mod retry;
mod secret;
pub mod validate;
mod waiter;

pub use api::{ApiClient, ApiConfig, ApiKeyLocation, ApiKeyScheme, EnvVars, OAuthEndpoints};
pub use body::Multipart;
pub use builder::ClientBuilder;
pub use call::Call;
pub use client::ClientCore;
pub use error::{ApiFailure, AuthErrorKind, Error, ErrorFields, TransportKind, Undecoded};
pub use futures_util::stream::Stream;
pub use pagination::{
    items, lazy, pages, ItemStream, Lazy, Page, PageFuture, PageSettings, PageStream,
    DEFAULT_MAX_PAGES,
};
pub use params::ObjectStyle;
pub use request::{encode_segment, Method, Operation, QueryValue, Request, Response};
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use validate::Pattern;
pub use waiter::{
    wait, PollFuture, Progress, WaitConfig, WaitError, WaitState, DEFAULT_WAIT_TIMEOUT,
};

#[cfg(test)]
mod e2e;
#[cfg(test)]
mod testing;
