//! The generator's one error type: every failure names the JSON pointer of the spec node it is about.

use std::fmt;

/// A generator failure, located in the spec by a JSON pointer (RFC 6901), e.g.
/// `/components/schemas/Foo/properties/bar`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenError {
    /// JSON pointer of the offending node ("" for the document root, or a file path for I/O errors).
    pub pointer: String,
    /// What is wrong or unsupported there.
    pub message: String,
}

impl GenError {
    pub fn new(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            message: message.into(),
        }
    }

    /// An OpenAPI construct the generator does not support at `pointer`.
    pub fn unsupported(pointer: &Ptr, construct: impl fmt::Display) -> Self {
        Self::new(
            pointer.as_str(),
            format!("unsupported construct: {construct}"),
        )
    }
}

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pointer.is_empty() {
            write!(f, "spec root: {}", self.message)
        } else {
            write!(f, "at {}: {}", self.pointer, self.message)
        }
    }
}

impl std::error::Error for GenError {}

pub type Result<T, E = GenError> = std::result::Result<T, E>;

/// A JSON pointer being built while the generator walks the spec.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ptr(String);

impl Ptr {
    pub fn root() -> Self {
        Ptr(String::new())
    }

    /// Parses a local `$ref` such as `#/components/schemas/Foo` into a pointer.
    pub fn from_ref(reference: &str) -> Option<Self> {
        reference.strip_prefix('#').map(|p| Ptr(p.to_string()))
    }

    /// Appends one reference token, escaping `~` and `/` as RFC 6901 requires.
    pub fn push(&self, token: impl AsRef<str>) -> Self {
        let escaped = token.as_ref().replace('~', "~0").replace('/', "~1");
        Ptr(format!("{}/{}", self.0, escaped))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The reference tokens, unescaped.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"))
    }
}

impl fmt::Display for Ptr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
