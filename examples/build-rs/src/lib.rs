//! A crate that generates its API client at build time: `build.rs` runs
//! [`apigen::Generator`](https://docs.rs/apigen) on `petstore.yaml` and this file includes the
//! module it writes, so the client is always the document's, with nothing generated checked in.
//!
//! The module is [`petstore`]: `petstore::Client`, `petstore::types::Pet`, and with the
//! feature `mock` a loopback `petstore::mock::MockServer` for tests (`tests/mock.rs`).
#![warn(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/petstore.rs"));
