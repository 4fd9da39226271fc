//! Spec prose -> `#[doc]` attributes that rustdoc renders cleanly and never compiles.
//!
//! Descriptions are Markdown written for a web page: bare URLs, `[a-f0-9]` in prose, HTML fragments and
//! un-tagged code fences would each trip a rustdoc lint or become a doctest. One `#[doc]` per line keeps the
//! output diffable.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc = "..."]` lines for `text` (nothing for None / empty).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return TokenStream::new();
    };
    let lines = sanitize(text);
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = "..."]` lines, for module and crate docs.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = sanitize(text.trim());
    quote! { #( #![doc = #lines] )* }
}

/// The sanitized lines, each with the leading space `///` comments conventionally have.
pub fn sanitize(text: &str) -> Vec<String> {
    // A carriage return that does not end a line (`\n\r`, old Mac text) is a compile error in a doc
    // comment ("bare CR not allowed"): every line ending becomes `\n`.
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut in_list = false;
    // Column where the current list item's text starts (`  * x` -> 4).
    let mut item_content = 0;
    for raw in text.lines() {
        let nested = nested_dashes(raw.trim_end());
        let line = nested.as_deref().unwrap_or(raw.trim_end());
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                out.push(" ```".to_string());
            } else {
                // Whatever the language, the block is shown, not compiled.
                out.push(" ```text".to_string());
            }
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            out.push(format!(" {line}"));
        } else if line.is_empty() {
            in_list = false;
            out.push(String::new());
        } else {
            let is_item = is_list_item(trimmed);
            let indent = line.len() - trimmed.len();
            let mut line = line.to_string();
            if in_list && !is_item {
                if indent < 2 {
                    // Neither indented nor an item: a new paragraph. Without the blank line
                    // Markdown would glue it onto the item ("lazy continuation").
                    out.push(String::new());
                    in_list = false;
                } else if indent != item_content && indent < item_content + 4 {
                    // The item's own text wrapped with too little or a little too much
                    // indentation (`- a` then 3 spaces): align it with the item's content, where
                    // Markdown expects a continuation. Four more would be a code block: kept.
                    line = format!("{}{trimmed}", " ".repeat(item_content));
                }
            }
            if is_item {
                item_content = indent + list_marker_len(trimmed);
            }
            in_list |= is_item;
            out.push(format!(" {}", escape_prose(&line)));
        }
    }
    if in_fence {
        out.push(" ```".to_string());
    }
    out
}

/// Width of a list item's marker and the space after it (`* ` -> 2, `12. ` -> 4).
fn list_marker_len(trimmed: &str) -> usize {
    let digits = trimmed.len()
        - trimmed
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    if digits > 0 {
        digits + 2
    } else {
        2
    }
}

/// `- a`, `* a`, `+ a`, `1. a`, `1) a`.
fn is_list_item(trimmed: &str) -> bool {
    let digits = trimmed.len()
        - trimmed
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .len();
    let rest = &trimmed[digits..];
    if digits > 0 {
        rest.starts_with(". ") || rest.starts_with(") ")
    } else {
        ["- ", "* ", "+ "].iter().any(|m| trimmed.starts_with(m))
    }
}

/// `-- a` (a sub-item written with a double dash) -> `  - a`, a nested Markdown list item.
fn nested_dashes(line: &str) -> Option<String> {
    let dashes = line.len() - line.trim_start_matches('-').len();
    (dashes >= 2 && line[dashes..].starts_with(' '))
        .then(|| format!("{}-{}", "  ".repeat(dashes - 1), &line[dashes..]))
}

/// Escapes one line of Markdown prose, leaving inline code and well-formed links alone.
fn escape_prose(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                // Copy an inline code span verbatim.
                let end = chars[i + 1..]
                    .iter()
                    .position(|&d| d == '`')
                    .map(|p| i + 1 + p);
                match end {
                    Some(end) => {
                        out.extend(&chars[i..=end]);
                        i = end + 1;
                        continue;
                    }
                    None => out.push_str("\\`"),
                }
            }
            // An intra-doc link to code, "[`Client::send`]", is kept.
            '[' if chars.get(i + 1) == Some(&'`') && intra_doc_end(&chars, i).is_some() => {
                let end = intra_doc_end(&chars, i).unwrap_or(i);
                out.extend(&chars[i..=end]);
                i = end + 1;
                continue;
            }
            '[' => match markdown_link_end(&chars, i) {
                Some((text_end, url_start, end)) => {
                    out.push('[');
                    out.push_str(&escape_prose(
                        &chars[i + 1..text_end].iter().collect::<String>(),
                    ));
                    out.push_str("](");
                    out.extend(&chars[url_start..end]);
                    out.push(')');
                    i = end + 1;
                    continue;
                }
                None => out.push_str("\\["),
            },
            ']' => out.push_str("\\]"),
            '<' if starts_with(&chars, i + 1, "http") => {
                // An autolink `<https://...>` is fine as it is.
                let end = chars[i..]
                    .iter()
                    .position(|&d| d == '>')
                    .map(|p| i + p)
                    .unwrap_or(chars.len() - 1);
                out.extend(&chars[i..=end]);
                i = end + 1;
                continue;
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            'h' if starts_with(&chars, i, "http://") || starts_with(&chars, i, "https://") => {
                let mut end = i;
                while end < chars.len()
                    && !chars[end].is_whitespace()
                    && !matches!(chars[end], ')' | '"' | '\'' | '<' | '>')
                {
                    end += 1;
                }
                while end > i && matches!(chars[end - 1], '.' | ',' | ';' | ':') {
                    end -= 1;
                }
                out.push('<');
                out.extend(&chars[i..end]);
                out.push('>');
                i = end;
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn starts_with(chars: &[char], at: usize, needle: &str) -> bool {
    let needle: Vec<char> = needle.chars().collect();
    chars.len() >= at + needle.len() && chars[at..at + needle.len()] == needle[..]
}

/// For "[`path`]" starting at `open`: the index of the closing bracket.
fn intra_doc_end(chars: &[char], open: usize) -> Option<usize> {
    let close_tick = chars[open + 2..]
        .iter()
        .position(|&c| c == '`')
        .map(|p| open + 2 + p)?;
    (chars.get(close_tick + 1) == Some(&']')).then_some(close_tick + 1)
}

/// For `[text](url)` starting at `open`: (index of `]`, index after `(`, index of `)`).
fn markdown_link_end(chars: &[char], open: usize) -> Option<(usize, usize, usize)> {
    let close = chars[open + 1..]
        .iter()
        .position(|&c| c == ']' || c == '[')
        .map(|p| open + 1 + p)?;
    if chars[close] != ']' || chars.get(close + 1) != Some(&'(') {
        return None;
    }
    let end = chars[close + 2..]
        .iter()
        .position(|&c| c == ')' || c.is_whitespace())
        .map(|p| close + 2 + p)?;
    (chars[end] == ')').then_some((close, close + 2, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapped_list_items_are_aligned_with_their_text() {
        let lines = sanitize("Kinds:\n  * parameter - a value of a query string\n  parameter\n  * url - the URL\nAfter.");
        assert_eq!(
            lines,
            [
                " Kinds:",
                "   * parameter - a value of a query string",
                "     parameter",
                "   * url - the URL",
                "",
                " After."
            ]
        );
    }

    #[test]
    fn carriage_returns_never_reach_a_doc_comment() {
        let lines = sanitize("One.\n\r> Two.\r\nThree.\rFour.");
        assert_eq!(lines, [" One.", "", " &gt; Two.", " Three.", " Four."]);
        assert!(lines.iter().all(|l| !l.contains('\r')));
    }

    #[test]
    fn overindented_continuations_are_aligned_too() {
        let lines = sanitize("- `a=1` When set,\n   returns all.\n- `b`\n      code");
        assert_eq!(
            lines,
            [
                " - `a=1` When set,",
                "   returns all.",
                " - `b`",
                "       code"
            ]
        );
    }

    #[test]
    fn prose_is_escaped_but_links_and_code_survive() {
        assert_eq!(
            escape_prose("pattern [a-f0-9] here"),
            "pattern \\[a-f0-9\\] here"
        );
        assert_eq!(
            escape_prose("see [docs](https://x.y/z) now"),
            "see [docs](https://x.y/z) now"
        );
        assert_eq!(
            escape_prose("at https://cloud.mongodb.com."),
            "at <https://cloud.mongodb.com>."
        );
        assert_eq!(
            escape_prose("`a[0] <b>` and <br>"),
            "`a[0] <b>` and &lt;br&gt;"
        );
        assert_eq!(
            escape_prose("see [`Client::get`] too"),
            "see [`Client::get`] too"
        );
        assert_eq!(
            sanitize("x\n```\nlet a = 1;\n```"),
            vec![" x", " ```text", " let a = 1;", " ```"]
        );
        assert_eq!(
            sanitize("list:\n- a\n  more a\n-- a1\n after"),
            vec![" list:", " - a", "   more a", "   - a1", "", "  after"]
        );
        assert_eq!(sanitize("1. one\n2) two"), vec![" 1. one", " 2) two"]);
    }
}
