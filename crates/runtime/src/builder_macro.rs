//! `client_builder!`: the `ClientBuilder` struct every generated crate declares.
//!
//! A generated crate cannot add methods to this crate's [`ClientBuilder`](crate::ClientBuilder)
//! (a foreign type), yet its credential methods must be its own: one per security scheme the spec
//! declares, named after it (`api_key`, `basic_auth`, `client_credentials`, …). So each generated
//! crate declares its own builder wrapping the runtime's. The settings every API shares are
//! written here once, with their documentation; the generator only emits the credential methods.
//! Every method is `#[inline]`: a generated crate compiles only the ones its users call.

/// Declares `ClientBuilder` for the generated `Client` in scope: a wrapper of
/// `ClientBuilder<Client>` with the settings every API shares. The generated crate adds its
/// credential methods in its own `impl ClientBuilder` (they set `self.inner`).
///
/// Expects in scope: `Client` (an [`ApiClient`](crate::ApiClient)) and `Error` (the crate's
/// `runtime::Error<ErrorBody>`).
#[doc(hidden)]
#[macro_export]
macro_rules! client_builder {
    () => {
        /// Builds a [`Client`]: base URL, credentials, timeouts, retries, limits. Obtain one with
        /// [`Client::builder`].
        #[derive(Clone, Default)]
        pub struct ClientBuilder {
            inner: $crate::ClientBuilder<Client>,
        }

        impl ::std::fmt::Debug for ClientBuilder {
            #[inline]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                // The runtime's Debug redacts credentials.
                ::std::fmt::Debug::fmt(&self.inner, f)
            }
        }

        impl ClientBuilder {
            /// A builder with this API's defaults: its first server, no credentials, default
            /// retries.
            #[inline]
            pub fn new() -> Self {
                Self::default()
            }

            /// Largest response body the client reads (default 64 MiB); a larger one ends the call
            /// with `Error::ResponseTooLarge` instead of exhausting memory.
            #[inline]
            pub fn max_response_bytes(mut self, limit: usize) -> Self {
                self.inner = self.inner.max_response_bytes(limit);
                self
            }

            /// API root, by default the spec's first server. A path prefix is kept.
            #[inline]
            pub fn base_url(mut self, url: impl Into<String>) -> Self {
                self.inner = self.inner.base_url(url);
                self
            }

            /// Sets a variable of the spec's first server (`https://{region}.example.com`); the
            /// others keep their defaults. Ignored once [`base_url`](Self::base_url) is set;
            /// `build` refuses a name the server does not declare.
            #[inline]
            pub fn server_variable(
                mut self,
                name: impl Into<String>,
                value: impl Into<String>,
            ) -> Self {
                self.inner = self.inner.server_variable(name, value);
                self
            }

            /// TCP + TLS connect timeout (default 10 s). Ignored with
            /// [`http_client`](Self::http_client).
            #[inline]
            pub fn connect_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.inner = self.inner.connect_timeout(timeout);
                self
            }

            /// Timeout of one HTTP exchange, body included (default 60 s). Enforced per request,
            /// also with a caller's [`http_client`](Self::http_client). Zero is refused by `build`.
            #[inline]
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.inner = self.inner.timeout(timeout);
                self
            }

            /// Deadline of a whole call: every attempt, token fetch and retry wait (default: the
            /// retry policy's `max_elapsed` plus one [`timeout`](Self::timeout), i.e. 4 minutes).
            /// An exchange still running at the deadline ends with a timeout error. Zero is
            /// refused by `build`.
            #[inline]
            pub fn total_timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.inner = self.inner.total_timeout(timeout);
                self
            }

            /// Retry policy (default `RetryPolicy::default()`; `RetryPolicy::none()` disables
            /// retries).
            #[inline]
            pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
                self.inner = self.inner.retry_policy(policy);
                self
            }

            /// Text appended to the `User-Agent` (`<crate>/<version> (<os>; <arch>) <suffix>`).
            #[inline]
            pub fn user_agent_suffix(mut self, suffix: impl Into<String>) -> Self {
                self.inner = self.inner.user_agent_suffix(suffix);
                self
            }

            /// Uses a caller-configured `reqwest::Client` (proxies, TLS roots, …).
            ///
            /// What it may change: proxies, TLS roots and versions, connection pooling, DNS,
            /// HTTP/2, its own decompression (bodies are still bounded after decoding). What it
            /// cannot change: [`timeout`](Self::timeout) and the total deadline (applied per
            /// request), the body limit, and redirects. Build it with
            /// `redirect(reqwest::redirect::Policy::none())`: if it follows one anyway, the client
            /// refuses any token or revoke answer that came through a redirect and any answer to an
            /// authenticated request from another origin, and token and revoke forms are sent so
            /// that a 307/308 cannot replay them. `connect_timeout` is not applied to it.
            #[inline]
            pub fn http_client(mut self, client: $crate::reqwest::Client) -> Self {
                self.inner = self.inner.http_client(client);
                self
            }

            /// Allows sending credentials over plain `http://` to a non-loopback host (default:
            /// refused).
            #[inline]
            pub fn allow_insecure_http(mut self, allow: bool) -> Self {
                self.inner = self.inner.allow_insecure_http(allow);
                self
            }

            /// Tests only (feature `mock`): every Digest header uses this client nonce instead of
            /// a random one, so a test can check the whole `response=` hash. Never use it against
            /// a real server: a fixed client nonce weakens Digest against chosen-plaintext attacks.
            #[cfg(feature = "mock")]
            #[inline]
            pub fn digest_fixed_cnonce(mut self, cnonce: impl Into<String>) -> Self {
                self.inner = self.inner.digest_fixed_cnonce(cnonce);
                self
            }

            /// Validates the configuration and builds the client.
            ///
            /// # Errors
            ///
            /// `Error::InvalidConfig` naming what is wrong (never a secret).
            #[inline]
            pub fn build(self) -> ::std::result::Result<Client, Error> {
                self.inner.build()
            }
        }
    };
}
