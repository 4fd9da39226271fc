//! Excerpts of server bodies that may echo a request: an auth endpoint that reflects what it was
//! sent would otherwise put the Basic credential, the client secret or a token into an error.

use super::error::excerpt;

/// What stands in for a secret everywhere: excerpts, `Secret`, `format: password` members.
pub(crate) const REDACTED: &str = "[redacted]";

/// Runs of token-alphabet characters at least this long are masked: Base64 credentials, bearer
/// tokens and client secrets are all longer; the words and codes of an error message are not.
const LONG_RUN: usize = 24;

/// The first `max` characters of `body` with every known secret, and anything shaped like one,
/// replaced by `[redacted]`.
pub(crate) fn redacted_excerpt(body: &[u8], max: usize, secrets: &[&str]) -> String {
    // Redact the whole text before cutting, so a secret straddling the cut is not half kept.
    let mut text = String::from_utf8_lossy(body).into_owned();
    for secret in secrets.iter().filter(|s| s.len() >= 4) {
        text = text.replace(secret, REDACTED);
    }
    excerpt(mask_long_runs(&text).as_bytes(), max)
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_' | '.' | '~' | '%')
}

fn mask_long_runs(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.chars().count() >= LONG_RUN {
            out.push_str(REDACTED);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if is_token_char(c) {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_and_secret_shaped_runs_are_masked() {
        let body = br#"{"error":"invalid_client","echo":"Authorization: Basic bWRiX3NhX2lkXzE6bWRiX3NhX3NrX3NlY3JldA==","form":"token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig&x=1","pw":"s3cr3t!"}"#;
        let text = redacted_excerpt(body, 1000, &["s3cr3t!"]);
        assert!(!text.contains("bWRiX3Nh"), "{text}");
        assert!(!text.contains("eyJhbGci"), "{text}");
        assert!(!text.contains("s3cr3t!"), "{text}");
        assert!(text.contains("invalid_client"), "{text}");
        assert!(text.contains("Basic [redacted]"), "{text}");
        // A secret cut by the excerpt's end is not partly shown either.
        let cut = redacted_excerpt(b"xx s3cr3t-value", 5, &["s3cr3t-value"]);
        assert!(!cut.contains("s3c"), "{cut}");
        assert_eq!(
            redacted_excerpt(b"plain words stay", 100, &[]),
            "plain words stay"
        );
    }
}
