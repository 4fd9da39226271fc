//! Client-side checks of parameter values against the spec's constraints, run before any request.

use std::sync::OnceLock;

use regex::Regex;

use super::Error;
use crate::simple_pattern::SimplePattern;

/// A regular expression from the spec, compiled on first use and then shared.
///
/// Generated code declares one `static` per distinct pattern, so no pattern is compiled twice and
/// none is compiled unless a value is checked against it.
///
/// Simple anchored patterns (ASCII classes with counts, like `^([a-f0-9]{24})$`) are checked by a
/// small matcher with the regex's answers (`simple_pattern`), so the regex is never built for them.
/// Either way a check takes time linear in the value.
///
/// A pattern the `regex` crate cannot compile (look-around, a backreference, a compiled size over
/// its limit) and the simple matcher does not take is not enforced: every value matches, and the failure is logged once, at the first
/// check, as a warning. The generator compiles every spec pattern with the same crate and emits
/// only those that compile (the others are documented and listed in FALLBACKS.md), so for
/// generated code this never happens; a check never fails a request because of the spec.
pub struct Pattern {
    source: &'static str,
    simple: OnceLock<Option<SimplePattern>>,
    compiled: OnceLock<Option<Regex>>,
}

impl Pattern {
    /// A pattern with the given (Rust `regex` syntax compatible) source; nothing is compiled yet.
    pub const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            simple: OnceLock::new(),
            compiled: OnceLock::new(),
        }
    }

    /// The pattern's source text.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `value` matches; always true for a pattern that does not compile (see above).
    pub fn is_match(&self, value: &str) -> bool {
        let simple = self
            .simple
            .get_or_init(|| SimplePattern::parse(self.source));
        if let Some(matched) = simple.as_ref().and_then(|p| p.is_match(value)) {
            return matched;
        }
        let compiled = self.compiled.get_or_init(|| match Regex::new(self.source) {
            Ok(re) => Some(re),
            Err(e) => {
                tracing::warn!(pattern = self.source, error = %e, "pattern does not compile: not enforced");
                None
            }
        });
        compiled.as_ref().is_none_or(|re| re.is_match(value))
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

/// Checks a string's length (in characters, as JSON Schema counts) and pattern.
pub fn string(
    name: &'static str,
    value: &str,
    min_length: Option<usize>,
    max_length: Option<usize>,
    pattern: Option<&'static Pattern>,
) -> Result<(), Error> {
    if min_length.is_some() || max_length.is_some() {
        let len = if value.is_ascii() {
            value.len()
        } else {
            value.chars().count()
        };
        if let Some(min) = min_length {
            if len < min {
                return Err(Error::invalid(
                    name,
                    format!("must be at least {min} characters long (got {len})"),
                ));
            }
        }
        if let Some(max) = max_length {
            if len > max {
                return Err(Error::invalid(
                    name,
                    format!("must be at most {max} characters long (got {len})"),
                ));
            }
        }
    }
    if let Some(p) = pattern {
        if !p.is_match(value) {
            return Err(Error::invalid(
                name,
                format!("must match pattern `{}`", p.source()),
            ));
        }
    }
    Ok(())
}

/// Checks that a required value (e.g. a request body) was provided.
pub fn required(name: &'static str, present: bool) -> Result<(), Error> {
    if present {
        Ok(())
    } else {
        Err(Error::invalid(name, "is required but was not set"))
    }
}

/// The error for a required value (e.g. a body member) that was not set.
pub fn missing<B>(name: &'static str) -> Error<B> {
    Error::invalid(name, "is required but was not set")
}

/// The JSON text of a parameter declared with `content: application/json`.
///
/// # Errors
///
/// [`Error::InvalidRequest`] naming the parameter when the value cannot be written as JSON (a map
/// with non-string keys); nothing has been sent.
pub fn json_text<T: serde::Serialize>(name: &'static str, value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::invalid(name, format!("could not be serialized as JSON: {e}")))
}

/// Checks an integer against inclusive bounds.
pub fn integer(
    name: &'static str,
    value: i64,
    minimum: Option<i64>,
    maximum: Option<i64>,
) -> Result<(), Error> {
    if let Some(min) = minimum {
        if value < min {
            return Err(Error::invalid(
                name,
                format!("must be at least {min} (got {value})"),
            ));
        }
    }
    if let Some(max) = maximum {
        if value > max {
            return Err(Error::invalid(
                name,
                format!("must be at most {max} (got {value})"),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    static GROUP_ID: Pattern = Pattern::new("^([a-f0-9]{24})$");
    static BROKEN: Pattern = Pattern::new("^(?=lookahead)$");

    fn rule(r: Result<(), Error>) -> (&'static str, String) {
        match r {
            Err(Error::InvalidRequest { parameter, rule }) => (parameter, rule),
            other => panic!("expected InvalidRequest, got {other:?}"),
        }
    }

    #[test]
    fn strings() {
        assert!(string(
            "groupId",
            "32b6e34b3d91647abb20e7b8",
            Some(24),
            Some(24),
            Some(&GROUP_ID)
        )
        .is_ok());
        let (p, r) = rule(string("groupId", "../x", None, None, Some(&GROUP_ID)));
        assert_eq!(p, "groupId");
        assert_eq!(r, "must match pattern `^([a-f0-9]{24})$`");
        let (_, r) = rule(string("clusterName", "", Some(1), Some(64), None));
        assert_eq!(r, "must be at least 1 characters long (got 0)");
        let (_, r) = rule(string("clusterName", "ééé", None, Some(2), None));
        assert_eq!(r, "must be at most 2 characters long (got 3)");
        assert!(string("x", "ééé", None, Some(3), None).is_ok());
    }

    #[test]
    fn pattern_that_does_not_compile_is_not_enforced() {
        assert!(Regex::new(BROKEN.source()).is_err());
        for value in ["y", "", "lookahead"] {
            assert!(BROKEN.is_match(value), "{value}");
            assert!(string("x", value, None, None, Some(&BROKEN)).is_ok());
        }
        // Length rules still apply beside it.
        let (_, r) = rule(string("x", "", Some(1), None, Some(&BROKEN)));
        assert_eq!(r, "must be at least 1 characters long (got 0)");
        assert_eq!(format!("{GROUP_ID:?}"), "Pattern(\"^([a-f0-9]{24})$\")");
    }

    /// A 2 KB pattern against a 1,024-byte value: the answer the regex crate gives, through the
    /// public check (the simple matcher takes this pattern).
    #[test]
    fn long_pattern_answers_as_the_regex() {
        static LONG: OnceLock<String> = OnceLock::new();
        let source: &'static str =
            LONG.get_or_init(|| format!("^{}[a-f0-9]{{4}}$", "[a-f]*[0-9]?".repeat(170)));
        let pattern = Pattern::new(source);
        let regex = Regex::new(source).unwrap();
        let matching = "abcdefabc1".repeat(102) + "abcd";
        let failing = format!("{}g", &matching[..1023]);
        for value in [&matching, &failing, &"7".repeat(1024)] {
            assert_eq!(value.len(), 1024);
            assert_eq!(pattern.is_match(value), regex.is_match(value), "{value}");
        }
        assert!(pattern.is_match(&matching));
        assert!(!pattern.is_match(&failing));
    }

    #[test]
    fn required_values() {
        assert!(required("body", true).is_ok());
        let (p, r) = rule(required("body", false));
        assert_eq!((p, r.as_str()), ("body", "is required but was not set"));
    }

    #[test]
    fn integers() {
        assert!(integer("itemsPerPage", 1, Some(1), Some(500)).is_ok());
        assert!(integer("itemsPerPage", 500, Some(1), Some(500)).is_ok());
        assert_eq!(
            rule(integer("itemsPerPage", 0, Some(1), Some(500))).1,
            "must be at least 1 (got 0)"
        );
        assert_eq!(
            rule(integer("itemsPerPage", 501, Some(1), Some(500))).1,
            "must be at most 500 (got 501)"
        );
        assert!(integer("pageNum", i64::MAX, Some(1), None).is_ok());
    }
}
