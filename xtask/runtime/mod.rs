//! Hand-written runtime of the generated client: HTTP execution, authentication (digest,
//! OAuth2 client credentials, bearer), retries, validation and errors. Generated operation code
//! calls only the items re-exported here.

// The runtime is shared by every generated crate; a given spec need not use every item
// (e.g. `Method::Patch`), and the module may be private with only some items re-exported.
#![allow(dead_code)]

mod auth;
mod builder;
mod client;
mod compression;
mod error;
pub mod fields;
mod limits;
#[cfg(feature = "mock")]
pub mod mock;
mod pagination;
mod redact;
mod request;
mod retry;
mod secret;
pub mod validate;
mod waiter;

// `allow(unused_imports)`: with a private `runtime` module whose crate root re-exports only
// some of these, the others would otherwise warn.
#[allow(unused_imports)]
pub use builder::{env, ClientBuilder, DEFAULT_BASE_URL};
#[allow(unused_imports)]
pub use client::Client;
#[allow(unused_imports)]
pub use error::{ApiFailure, AuthErrorKind, Error, ErrorFields, TransportKind};
#[allow(unused_imports)]
pub use pagination::{items, pages, ItemStream, Page, PageSettings, PageStream, DEFAULT_MAX_PAGES};
#[allow(unused_imports)]
pub use request::{encode_segment, Method, Operation, QueryValue, Request, Response};
#[allow(unused_imports)]
pub use retry::RetryPolicy;
#[allow(unused_imports)]
pub use secret::Secret;
#[allow(unused_imports)]
pub use validate::Pattern;
#[allow(unused_imports)]
pub use waiter::{
    wait, PollFuture, Progress, WaitConfig, WaitError, WaitState, DEFAULT_WAIT_TIMEOUT,
};

#[cfg(test)]
mod e2e;
