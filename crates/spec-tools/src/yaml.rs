//! A small YAML writer for extracted specs.
//!
//! `serde_yaml` (yaml_serde) writes YAML 1.2, where `2027-07-01`, `on` or `no` are plain strings; YAML 1.1
//! readers, such as the PyYAML behind CI's openapi-spec-validator and fidelity check, read those as a date or
//! a boolean. A spec is read by both kinds of tools, so this writer leaves a string unquoted only when every
//! reader agrees it is a string, and double-quotes it otherwise (JSON escapes are valid YAML escapes).
//! Multi-line text becomes a literal block, sequences are indented under their key (the style of
//! `spec/openapi.yaml`), and the output depends only on the tree. Reading stays with `serde_yaml`.

use serde_json::Value;

/// The document as YAML text, ending with a newline.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => mapping(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => sequence(&mut out, items, 0),
        scalar => {
            out.push_str(&inline(scalar, 0));
            out.push('\n');
        }
    }
    out
}

fn mapping(out: &mut String, map: &serde_json::Map<String, Value>, indent: usize) {
    for (key, value) in map {
        out.push_str(&" ".repeat(indent));
        out.push_str(&string(key, None));
        out.push(':');
        nested(out, value, indent);
    }
}

fn sequence(out: &mut String, items: &[Value], indent: usize) {
    for item in items {
        let mut body = String::new();
        match item {
            // A collection item starts on the dash line: render it two columns in, then put the dash
            // in place of its first line's indentation.
            Value::Object(map) if !map.is_empty() => mapping(&mut body, map, indent + 2),
            Value::Array(items) if !items.is_empty() => sequence(&mut body, items, indent + 2),
            scalar => {
                out.push_str(&" ".repeat(indent));
                out.push_str("- ");
                out.push_str(&inline(scalar, indent));
                out.push('\n');
                continue;
            }
        }
        out.push_str(&" ".repeat(indent));
        out.push_str("- ");
        out.push_str(&body[indent + 2..]);
    }
}

/// What follows `key:`: a nested block on the next lines, or a scalar on the same line.
fn nested(out: &mut String, value: &Value, indent: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            mapping(out, map, indent + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            sequence(out, items, indent + 2);
        }
        scalar => {
            out.push(' ');
            out.push_str(&inline(scalar, indent));
            out.push('\n');
        }
    }
}

/// A scalar (or empty collection) written after `key: ` or `- ` at `indent`.
fn inline(value: &Value, indent: usize) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s, Some(indent + 2)),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// A string: plain when unambiguous, a literal block (when `block_indent` allows one) for multi-line text,
/// double-quoted otherwise.
fn string(s: &str, block_indent: Option<usize>) -> String {
    if is_plain_safe(s) {
        return s.to_string();
    }
    if let Some(indent) = block_indent.filter(|_| is_block_safe(s)) {
        let (header, body) = match s.strip_suffix('\n') {
            Some(body) => ("|", body),
            None => ("|-", s),
        };
        let pad = " ".repeat(indent);
        let lines: Vec<String> = body
            .split('\n')
            .map(|line| {
                if line.is_empty() {
                    String::new()
                } else {
                    format!("{pad}{line}")
                }
            })
            .collect();
        return format!("{header}\n{}", lines.join("\n"));
    }
    double_quoted(s)
}

fn double_quoted(s: &str) -> String {
    // serde_json escapes `"`, `\` and control characters; YAML 1.1 also breaks lines at these three.
    let json = serde_json::Value::String(s.to_string()).to_string();
    json.replace('\u{85}', "\\N")
        .replace('\u{2028}', "\\L")
        .replace('\u{2029}', "\\P")
        .replace('\u{feff}', "\\uFEFF")
}

/// Characters YAML 1.1 treats as line breaks or that must be escaped.
fn is_special_char(c: char) -> bool {
    (c.is_control() && c != '\n') || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// Words YAML 1.1 or 1.2 read as booleans or null.
const KEYWORDS: &[&str] = &["y", "n", "yes", "no", "on", "off", "true", "false", "null"];

fn is_plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    // Digits, signs and dots may start numbers, dates or times; the rest are YAML indicators.
    let bad_first = first.is_ascii_digit()
        || first.is_whitespace()
        || "-?:,[]{}#&*!|>'\"%@`+.~<=".contains(first);
    !bad_first
        && !KEYWORDS.contains(&s.to_ascii_lowercase().as_str())
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.ends_with(':')
        && !s.ends_with(char::is_whitespace)
        && !s.contains('\n')
        && !s.contains('\t')
        && !s.chars().any(is_special_char)
}

/// Literal blocks keep text verbatim, except what indentation cannot express: a first line starting with a
/// space, whitespace-only lines, several trailing newlines, carriage returns and control characters.
fn is_block_safe(s: &str) -> bool {
    let body = s.strip_suffix('\n').unwrap_or(s);
    s.contains('\n')
        && !body.starts_with([' ', '\t'])
        && !body.ends_with('\n')
        && !body
            .chars()
            .any(|c| c == '\r' || is_special_char(c) && c != '\t')
        && body
            .split('\n')
            .all(|line| line.is_empty() || !line.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ambiguous_strings_are_quoted_and_everything_round_trips() {
        let doc = json!({
            "openapi": "3.0.1",
            "dates": ["2027-07-01", "12:30", "1e3", "0x1F", ".5", "+1", "~"],
            "words": ["on", "No", "TRUE", "null", "y", ""],
            "indicators": ["- a", "a: b", "a #b", "end:", "*alias", "{x}", "[x]", "'q'", "\"dq\"", "@at"],
            "plain": ["/api/{groupId}/x", "^([a-f0-9]{24})$", "https://cloud.mongodb.com", "AWS", "a-b"],
            "text": ["one\ntwo", "trailing\n", "  indented\nx", "a\n\n\nb", "two\n\n", "tab\there", "cr\r\nx"],
            "odd": ["line\u{2028}sep", "bom\u{feff}", "ctl\u{7}"],
            "200": {"nested": [{"a": 1, "b": [true, null, 1.5]}, [], {}], "empty": {}},
            "deep": [[1, 2], [{"k": "v"}]]
        });
        let text = to_yaml(&doc);
        let back: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_eq!(back, doc, "{text}");
        for quoted in ["\"2027-07-01\"", "\"on\"", "\"No\"", "\"- a\"", "\"200\":"] {
            assert!(text.contains(quoted), "{quoted} should be quoted:\n{text}");
        }
        for plain in ["- /api/{groupId}/x\n", "- ^([a-f0-9]{24})$\n", "- AWS\n"] {
            assert!(text.contains(plain), "{plain} should be plain:\n{text}");
        }
        assert!(text.contains("  - |-\n    one\n    two\n"), "{text}");
    }
}
