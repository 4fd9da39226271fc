//! The one path by which text from a document reaches generated output that something else
//! interprets: doc comments (rendered by rustdoc as Markdown, whose code blocks it compiles and runs
//! as doctests), Markdown files, and `Cargo.toml`.
//!
//! Spec text is data, never code:
//! - prose (descriptions, summaries, titles) goes through [`doc_lines`]: every code block, of every
//!   kind, is shown as `text`; HTML is escaped; control and bidirectional characters are escaped; and
//!   the result is checked with the Markdown parser rustdoc uses (`verify`), falling back to one
//!   literal `text` block when the check finds anything else;
//! - names and values (enum values, member names, media types, pointers) go through [`code`]: an
//!   inline code span that nothing inside can close;
//! - strings in `Cargo.toml` go through [`toml_string`], cargo feature names made from operation
//!   tags through [`cargo_feature`].
//!
//! Identifiers never carry spec text: `ir::naming` keeps only ASCII letters and digits.

mod markdown;
mod toml;
mod verify;

pub use markdown::{code, doc_lines, inline};
pub use toml::{cargo_feature, toml_string};
pub use verify::{is_safe_markdown, is_safe_url};

/// Characters that never reach a generated file as themselves: C0/C1 controls (a bare CR is a
/// compile error in a doc comment), and the bidirectional and invisible formatting characters that
/// make text read differently from what it is (rustc denies the bidi ones in comments and literals:
/// `text_direction_codepoint_in_comment`).
pub fn is_hidden_char(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}')
}

/// `text` on one line with nothing hidden: line breaks and tabs as spaces, other hidden characters
/// as visible escapes. For values that leave the generator as plain text, like the package
/// description cargo passes to the compiler in an environment variable (where a NUL cannot go).
pub fn plain_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if is_hidden_char(c) => visible(c, &mut out),
            c => out.push(c),
        }
    }
    out
}

/// `c` as visible text: `\u{202e}`.
pub(crate) fn visible(c: char, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
}
