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
        let token = token.as_ref();
        let mut out = String::with_capacity(self.0.len() + 1 + token.len());
        out.push_str(&self.0);
        out.push('/');
        // Called for every node the generator visits: escape only when needed.
        if token.contains(['~', '/']) {
            out.push_str(&token.replace('~', "~0").replace('/', "~1"));
        } else {
            out.push_str(token);
        }
        Ptr(out)
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
