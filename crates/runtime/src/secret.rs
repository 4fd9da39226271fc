//! A string that must never be printed: private API keys, client secrets, access tokens.

use std::fmt;
use std::sync::Arc;

use super::redact::REDACTED;

/// A secret value (private API key, client secret, access token).
///
/// `Debug` and `Display` print `[redacted]`, so a secret can sit inside any struct that derives
/// `Debug` or ends up in a log line without leaking. Read the value with [`Secret::expose`]
/// only where it is put on the wire.
#[derive(Clone)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(Arc::from(value.into()))
    }

    /// The secret itself. Call only where the value is sent to the server.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (a configuration mistake worth reporting).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret::new(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret::new(value)
    }
}

impl From<&String> for Secret {
    fn from(value: &String) -> Self {
        Secret::new(value.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_value() {
        let s = Secret::from("hunter2");
        assert_eq!(
            format!("{s:?} {s} {s:#?}"),
            "[redacted] [redacted] [redacted]"
        );
        assert_eq!(s.expose(), "hunter2");
        assert!(!s.is_empty());
    }
}
