//! Spec prose -> Markdown lines that rustdoc renders as prose and never compiles.
//!
//! Descriptions are Markdown written for a web page: bare URLs, `[a-f0-9]` in prose, HTML fragments and
//! code blocks of every kind (backtick and tilde fences, indented blocks) would each trip a rustdoc
//! lint, reach the HTML as markup, or become a doctest that runs on `cargo test`. Every code block
//! is re-fenced as `text`; the result is then checked by [`super::verify`] and replaced by one
//! literal block when the check disagrees.

use super::{is_hidden_char, verify, visible};

/// Doc lines for `text`, each with the leading space `///` comments conventionally have: rustdoc
/// shows them as prose and runs none of them.
///
/// Big documents repeat their descriptions (GitHub's: the same member prose in hundreds of
/// schemas), and checking one with two Markdown parsers costs more than formatting it, so the lines
/// are remembered per thread (the render threads end with each generation).
pub fn doc_lines(text: &str) -> Vec<String> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    /// Bound on what a long-lived thread (a build script's, a test's) keeps.
    const MAX_REMEMBERED: usize = 1 << 16;
    thread_local! {
        static SEEN: RefCell<HashMap<String, Vec<String>>> = RefCell::new(HashMap::new());
    }
    if let Some(lines) = SEEN.with(|seen| seen.borrow().get(text).cloned()) {
        return lines;
    }
    let lines = doc_lines_uncached(text);
    SEEN.with(|seen| {
        let mut seen = seen.borrow_mut();
        if seen.len() >= MAX_REMEMBERED {
            seen.clear();
        }
        seen.insert(text.to_owned(), lines.clone());
    });
    lines
}

fn doc_lines_uncached(text: &str) -> Vec<String> {
    let text = normalize(text.trim());
    let lines = sanitize(&text);
    if verify::is_safe_markdown(&lines) {
        lines
    } else {
        literal_block(&text)
    }
}

/// One line of inline Markdown for `text` (a deprecation note): line breaks become spaces, the rest
/// as in prose; text that would still be anything but prose is shown as code.
pub fn inline(text: &str) -> String {
    let text = normalize(&text.replace(['\n', '\r'], " "));
    let line = format!(" {}", escape_prose(text.trim()));
    if verify::is_safe_markdown(std::slice::from_ref(&line)) {
        line.trim_start().to_owned()
    } else {
        code(text.trim())
    }
}

/// An inline code span showing `raw` exactly: the backtick fence is longer than any run of backticks
/// inside, padded where the content starts or ends with a backtick or a space (CommonMark strips
/// one), and line breaks, controls and bidi characters are shown escaped (`\u{a}`), so the span
/// cannot end early, start a block on the next line, or read differently from what it is.
pub fn code(raw: &str) -> String {
    if raw.is_empty() {
        return "`\"\"`".to_owned(); // the empty string, as JSON writes it
    }
    let mut content = String::with_capacity(raw.len());
    for c in raw.chars() {
        if is_hidden_char(c) {
            visible(c, &mut content);
        } else {
            content.push(c);
        }
    }
    let fence = "`".repeat(longest_run(&content, '`') + 1);
    let spaced = content.starts_with(' ') && content.ends_with(' ') && content.trim() != "";
    let pad = if content.starts_with('`') || content.ends_with('`') || spaced {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{content}{pad}{fence}")
}

/// Line endings as `\n`, tabs as spaces to the next multiple of four (so indentation is measured
/// as Markdown measures it), other whitespace (no-break and ideographic spaces...) as a space (so
/// the only indentation is spaces, measured in bytes), hidden characters as visible escapes.
fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut column = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
                column = 0;
            }
            '\n' => {
                out.push('\n');
                column = 0;
            }
            '\t' => {
                let width = 4 - column % 4;
                out.extend(std::iter::repeat_n(' ', width));
                column += width;
            }
            c if is_hidden_char(c) => {
                let before = out.len();
                visible(c, &mut out);
                column += out.len() - before;
            }
            c if c.is_whitespace() => {
                out.push(' ');
                column += 1;
            }
            c => {
                out.push(c);
                column += 1;
            }
        }
    }
    out
}

/// The whole text as one literal `text` block whose fence nothing inside can close.
fn literal_block(text: &str) -> Vec<String> {
    let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
    let mut out = vec![format!(" {fence}text")];
    out.extend(text.lines().map(|l| format!(" {l}")));
    out.push(format!(" {fence}"));
    out
}

/// Length of the longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for d in text.chars() {
        run = if d == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// A fenced code block's opening: its character, length and indentation.
#[derive(Clone, Copy)]
struct Fence {
    ch: char,
    len: usize,
    indent: usize,
}

impl Fence {
    /// `line` opens a fence when, indented less than a code block would be, it starts with three
    /// or more backticks (whose info string has none) or tildes.
    fn open(line: &str, base: usize) -> Option<Fence> {
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        let ch = trimmed.chars().next().filter(|c| matches!(c, '`' | '~'))?;
        let len = trimmed.len() - trimmed.trim_start_matches(ch).len();
        let info = &trimmed[len..];
        (len >= 3 && indent < base + 4 && !(ch == '`' && info.contains('`'))).then_some(Fence {
            ch,
            len,
            indent,
        })
    }

    fn closes(&self, line: &str, base: usize) -> bool {
        let trimmed = line.trim();
        let indent = indent_of(line);
        let len = trimmed.len() - trimmed.trim_start_matches(self.ch).len();
        indent < base + 4 && len >= self.len && len == trimmed.len()
    }
}

/// Appends a `text` block at `indent` holding `content` verbatim, fenced so nothing inside closes it.
/// Every content line is indented by the fence's own indentation too: a line less indented than
/// the list item holding the block would end the item, and the block with it.
fn push_block(out: &mut Vec<String>, indent: usize, ch: char, content: &[String]) {
    let len = content
        .iter()
        .map(|l| longest_run(l, ch))
        .max()
        .unwrap_or(0)
        .max(2)
        + 1;
    let margin = " ".repeat(indent);
    let fence = format!("{margin}{}", ch.to_string().repeat(len));
    out.push(format!(" {fence}text"));
    out.extend(content.iter().map(|l| match l.is_empty() {
        true => String::new(),
        false => format!(" {margin}{l}"),
    }));
    out.push(format!(" {fence}"));
}

/// Whether a block can start on the line after `previous` (an indented code block cannot interrupt
/// a paragraph).
fn block_may_start(previous: Option<&str>) -> bool {
    match previous {
        None => true,
        Some(p) => p.trim().is_empty() || p.trim_start().starts_with('#'),
    }
}

/// The sanitized lines of normalized `text`.
fn sanitize(text: &str) -> Vec<String> {
    let lines: Vec<String> = text
        .lines()
        .map(|raw| nested_dashes(raw.trim_end()).unwrap_or_else(|| raw.trim_end().to_owned()))
        .collect();
    let mut out = Vec::new();
    // Column where the innermost list item's text starts (`  * x` -> 4), while in a list.
    let mut list: Option<usize> = None;
    let mut previous: Option<&str> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i].as_str();
        let trimmed = line.trim_start_matches(' ');
        let indent = line.len() - trimmed.len();
        if line.is_empty() {
            out.push(String::new());
            previous = Some(line);
            i += 1;
            continue;
        }
        let is_item = is_list_item(trimmed);
        let after_blank = previous.is_some_and(|p| p.is_empty());
        if let Some(content) = list {
            if after_blank && indent < content && !is_item {
                list = None; // a paragraph after the list
            }
        }
        let base = list.unwrap_or(0);
        if let Some(fence) = Fence::open(line, base) {
            let mut j = i + 1;
            while j < lines.len() && !fence.closes(&lines[j], base) {
                j += 1;
            }
            // As CommonMark reads a fence's content: up to the fence's indentation removed.
            let content: Vec<String> = lines[i + 1..j]
                .iter()
                .map(|l| l[indent_of(l).min(fence.indent)..].to_owned())
                .collect();
            push_block(&mut out, fence.indent, fence.ch, &content);
            previous = Some("```");
            i = j + 1;
            continue;
        }
        if indent >= base + 4 && block_may_start(previous) {
            // An indented code block: shown as a fenced `text` block at the container's column.
            let mut j = i;
            while j < lines.len() && (lines[j].is_empty() || indent_of(&lines[j]) >= base + 4) {
                j += 1;
            }
            while lines[j - 1].is_empty() {
                j -= 1;
            }
            let content: Vec<String> = lines[i..j].iter().map(|l| dedent(l, base)).collect();
            push_block(&mut out, base, '`', &content);
            previous = Some("```");
            i = j;
            continue;
        }
        let mut line = line.to_owned();
        if let (Some(content), false, false) = (list, is_item, after_blank) {
            if indent < 2 {
                // Neither indented nor an item: a new paragraph. Without the blank line
                // Markdown would glue it onto the item ("lazy continuation").
                out.push(String::new());
                list = None;
            } else if indent != content && indent < content + 4 {
                // The item's own text wrapped with too little or a little too much
                // indentation (`- a` then 3 spaces): align it with the item's content, where
                // Markdown expects a continuation.
                line = format!("{}{trimmed}", " ".repeat(content));
            }
        }
        if is_item {
            list = Some(indent + list_marker_len(trimmed));
        }
        out.push(format!(" {}", escape_prose(&line)));
        previous = Some(lines[i].as_str());
        i += 1;
    }
    out
}

/// Leading spaces (after [`normalize`] the only indentation there is), in bytes.
fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A line of an indented code block in a container at column `base`, without the container's
/// indentation and the four columns that made it a code block.
fn dedent(line: &str, base: usize) -> String {
    line[indent_of(line).min(base + 4)..].to_owned()
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

/// Escapes one line of Markdown prose, leaving code spans, safe links and autolinks alone.
fn escape_prose(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '`' => {
                let run = run_at(&chars, i, '`');
                match code_span_end(&chars, i, run) {
                    Some(end) => {
                        out.extend(&chars[i..end]);
                        i = end;
                    }
                    None => {
                        // No closing run of the same length: the backticks are literal.
                        for _ in 0..run {
                            out.push_str("\\`");
                        }
                        i += run;
                    }
                }
                continue;
            }
            // An intra-doc link to code, "[`Client::send`]", is kept; not as a link definition
            // ("[`Client`]: url" would redefine the link for every doc line of the item).
            '[' if chars.get(i + 1) == Some(&'`')
                && intra_doc_end(&chars, i).is_some_and(|e| {
                    chars.get(e + 1) != Some(&':') || !block_start_before(&chars, i)
                }) =>
            {
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
            // `![..](..)` would load an image from wherever the spec says: a link instead.
            '!' if chars.get(i + 1) == Some(&'[') => out.push_str("\\!"),
            ']' => out.push_str("\\]"),
            '<' => match autolink_end(&chars, i) {
                Some(end) => {
                    out.extend(&chars[i..=end]);
                    i = end + 1;
                    continue;
                }
                None => out.push_str("&lt;"),
            },
            '>' => out.push_str("&gt;"),
            // A backslash would escape the escape that follows it (`\\![..]` is an image again):
            // before punctuation it is written as an escaped backslash, which renders the same.
            '\\' if chars.get(i + 1).is_some_and(char::is_ascii_punctuation) => {
                out.push_str("\\\\")
            }
            '&' => out.push_str("&amp;"),
            'h' if starts_with(&chars, i, "http://") || starts_with(&chars, i, "https://") => {
                let mut end = i;
                while end < chars.len()
                    && !chars[end].is_whitespace()
                    && !matches!(chars[end], ')' | '"' | '\'' | '<' | '>' | '`')
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

/// Whether only indentation and container markers (list items, block quotes) precede `at`: where
/// `[label]: url` would be a link reference definition.
fn block_start_before(chars: &[char], at: usize) -> bool {
    chars[..at].iter().all(|c| {
        c.is_whitespace() || matches!(c, '-' | '*' | '+' | '>' | '.' | ')') || c.is_ascii_digit()
    })
}

/// Number of `c` in a row from `at`.
fn run_at(chars: &[char], at: usize, c: char) -> usize {
    chars[at..].iter().take_while(|&&d| d == c).count()
}

/// For a code span opened by `run` backticks at `open`: the index after its closing run, which is
/// the next run of exactly `run` backticks (CommonMark).
fn code_span_end(chars: &[char], open: usize, run: usize) -> Option<usize> {
    let mut i = open + run;
    while i < chars.len() {
        if chars[i] == '`' {
            let closing = run_at(chars, i, '`');
            if closing == run {
                return Some(i + run);
            }
            i += closing;
        } else {
            i += 1;
        }
    }
    None
}

/// For `<http://...>` / `<https://...>` at `open`: the index of `>` when it is an autolink
/// (no space, `<` or backtick before the `>`).
fn autolink_end(chars: &[char], open: usize) -> Option<usize> {
    if !starts_with(chars, open + 1, "http://") && !starts_with(chars, open + 1, "https://") {
        return None;
    }
    let end = chars[open + 1..]
        .iter()
        .position(|&d| d == '>' || d == '<' || d.is_whitespace() || d == '`')
        .map(|p| open + 1 + p)?;
    (chars[end] == '>').then_some(end)
}

fn starts_with(chars: &[char], at: usize, needle: &str) -> bool {
    let mut rest = chars.get(at..).unwrap_or_default().iter();
    needle.chars().all(|n| rest.next() == Some(&n))
}

/// For "[`path`]" starting at `open`: the index of the closing bracket.
fn intra_doc_end(chars: &[char], open: usize) -> Option<usize> {
    let close_tick = chars[open + 2..]
        .iter()
        .position(|&c| c == '`')
        .map(|p| open + 2 + p)?;
    (chars.get(close_tick + 1) == Some(&']')).then_some(close_tick + 1)
}

/// For `[text](url)` starting at `open`: (index of `]`, index after `(`, index of `)`), when the
/// URL is one a reader can follow safely (http, https, mailto, or relative without a scheme).
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
    if chars[end] != ')' {
        return None;
    }
    let url: String = chars[close + 2..end].iter().collect();
    super::verify::is_safe_url(&url).then_some((close, close + 2, end))
}

#[cfg(test)]
mod tests;
