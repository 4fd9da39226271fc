//! What the generator refuses before parsing: documents larger than [`MAX_SPEC_BYTES`], and flow
//! collections (`[[[[...`, `{a: {a: ...`) nested deeper than [`MAX_FLOW_NESTING`].
//!
//! The YAML parser's time grows with the square of flow nesting before its own recursion limit
//! stops it (200,000 levels: 297 s), so nesting is checked by a linear scan of the text first. The
//! scan follows just enough YAML (quotes, comments, block scalars, where a token starts) to count
//! flow brackets; JSON is YAML's flow style, so it gets the same check and the same error.

use std::io::Read;
use std::path::Path;

use crate::error::{GenError, Result};

/// The largest document read: 64 MiB, about five times GitHub's REST description (13 MB of JSON),
/// the largest public one we know of. Generation needs a small multiple of this in memory.
pub const MAX_SPEC_BYTES: usize = 64 << 20;

/// The deepest nesting of flow collections accepted; serde_json and the YAML parser both stop at
/// 128 levels of any nesting, so a document deeper than this could not be read anyway.
pub const MAX_FLOW_NESTING: usize = 128;

/// The text of the spec file at `file`, refused when it is larger than [`MAX_SPEC_BYTES`]
/// (checked while reading: a file that grows or never ends is not read past the limit).
pub fn read_spec(file: &Path) -> Result<String> {
    let at = || file.display().to_string();
    let handle = std::fs::File::open(file)
        .map_err(|e| GenError::new(at(), format!("cannot read spec: {e}")))?;
    let mut bytes = Vec::new();
    handle
        .take(MAX_SPEC_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| GenError::new(at(), format!("cannot read spec: {e}")))?;
    check_size(bytes.len()).map_err(|e| GenError::new(at(), e.message))?;
    String::from_utf8(bytes)
        .map_err(|e| GenError::new(at(), format!("cannot read spec: not UTF-8 ({e})")))
}

/// Refuses a document of more than [`MAX_SPEC_BYTES`].
pub fn check_size(len: usize) -> Result<()> {
    if len > MAX_SPEC_BYTES {
        return Err(GenError::new(
            "",
            format!(
                "document too large: more than {MAX_SPEC_BYTES} bytes ({} MiB, the generator's input limit)",
                MAX_SPEC_BYTES >> 20
            ),
        ));
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Plain,
    DoubleQuoted,
    SingleQuoted,
    /// A `|` or `>` scalar: lines indented more than this (or blank) are its text.
    BlockScalar(usize),
}

/// Refuses flow collections nested more than [`MAX_FLOW_NESTING`] levels deep, naming the line
/// and column of the bracket that goes one level too far. One pass over the text.
pub fn check_nesting(text: &str) -> Result<()> {
    let mut mode = Mode::Plain;
    let mut depth = 0usize;
    for (line_no, line) in text.split('\n').enumerate() {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        if let Mode::BlockScalar(parent) = mode {
            if indent > parent || bytes.iter().all(|b| b.is_ascii_whitespace()) {
                continue;
            }
            mode = Mode::Plain;
        }
        // Where a token may start: a quote, bracket or block indicator there is syntax, elsewhere
        // it is text of a plain scalar (`key: a [b` has no flow collection).
        let mut token_start = depth > 0 || mode == Mode::Plain;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let next = bytes.get(i + 1).copied();
            let spaced = |c: Option<u8>| c.is_none_or(|c| c == b' ' || c == b'\t' || c == b'\r');
            match mode {
                Mode::DoubleQuoted => match b {
                    b'\\' => i += 1,
                    b'"' => {
                        mode = Mode::Plain;
                        token_start = false;
                    }
                    _ => {}
                },
                Mode::SingleQuoted if b == b'\'' => {
                    if next == Some(b'\'') {
                        i += 1;
                    } else {
                        mode = Mode::Plain;
                        token_start = false;
                    }
                }
                Mode::SingleQuoted | Mode::BlockScalar(_) => {}
                Mode::Plain => match b {
                    b' ' | b'\t' | b'\r' => {}
                    b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => break,
                    b'"' if token_start => mode = Mode::DoubleQuoted,
                    b'\'' if token_start => mode = Mode::SingleQuoted,
                    b'[' | b'{' if token_start || depth > 0 => {
                        depth += 1;
                        if depth > MAX_FLOW_NESTING {
                            return Err(too_deep(line_no, line, i));
                        }
                        token_start = true;
                    }
                    b']' | b'}' if depth > 0 => {
                        depth -= 1;
                        token_start = false;
                    }
                    b',' if depth > 0 => token_start = true,
                    b':' if depth > 0 || spaced(next) => token_start = true,
                    b'-' | b'?' if token_start && depth == 0 && spaced(next) => {}
                    b'|' | b'>' if token_start && depth == 0 => {
                        mode = Mode::BlockScalar(indent);
                        break;
                    }
                    // An anchor or tag before a value (`key: &a [..]`) keeps the token start.
                    b'&' | b'!' if token_start => {
                        while i + 1 < bytes.len() && !spaced(bytes.get(i + 1).copied()) {
                            i += 1;
                        }
                    }
                    _ => token_start = false,
                },
            }
            i += 1;
        }
    }
    Ok(())
}

fn too_deep(line_no: usize, line: &str, byte: usize) -> GenError {
    let column = line
        .get(..byte)
        .map_or(byte, |before| before.chars().count())
        + 1;
    GenError::new(
        "",
        format!(
            "collections nested more than {MAX_FLOW_NESTING} levels deep at line {} column {column} \
             (refused before parsing)",
            line_no + 1
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_error(text: &str) -> Option<String> {
        check_nesting(text).err().map(|e| e.message)
    }

    #[test]
    fn flow_nesting_is_counted_in_yaml_and_json() {
        let deep = |open: &str, close: &str, n: usize| {
            format!("a: 1\nx: {}1{}\n", open.repeat(n), close.repeat(n))
        };
        assert_eq!(depth_error(&deep("[", "]", MAX_FLOW_NESTING)), None);
        let error = depth_error(&deep("[", "]", MAX_FLOW_NESTING + 1)).expect("too deep");
        assert!(error.contains("at line 2 column 132"), "{error}");
        assert!(depth_error(&deep("{a: ", "}", MAX_FLOW_NESTING + 1)).is_some());
        let json = format!("{{\"a\":{}1{}}}", "[".repeat(200), "]".repeat(200));
        assert!(depth_error(&json)
            .expect("too deep")
            .contains("line 1 column 133"));
    }

    #[test]
    fn brackets_in_text_are_not_nesting() {
        let many = "[".repeat(500);
        for text in [
            format!("a: see {many}\n"),
            format!("a: \"{many}\"\n"),
            format!("a: '{many}'\n"),
            format!("a: x # {many}\n"),
            format!("a: |\n  {many}\n  {many}\nb: 1\n"),
            format!("- >-\n    {many}\n"),
            format!("{{\"a\": \"{many}\\\"{many}\"}}"),
        ] {
            assert_eq!(depth_error(&text), None, "{text}");
        }
        // After a block scalar ends, brackets count again.
        let after = format!("a: |\n  {many}\nb: {}", "[".repeat(200));
        assert!(depth_error(&after)
            .expect("too deep")
            .contains("line 3 column 132"));
    }

    #[test]
    fn size_limit() {
        assert!(check_size(MAX_SPEC_BYTES).is_ok());
        let error = check_size(MAX_SPEC_BYTES + 1).expect_err("too large");
        assert!(
            error.message.contains("document too large"),
            "{}",
            error.message
        );
    }
}
