//! The check behind every doc comment made from spec text: parsed with pulldown-cmark, the Markdown
//! parser rustdoc itself uses, with rustdoc's extensions, the lines hold no code block but `text`
//! ones (anything else is a doctest, or shown as code in a language it is not), no HTML (rustdoc
//! copies it into the page), no image, and no link whose URL is not http, https, mailto or relative.
//!
//! The sanitizer in `markdown.rs` is written to pass this check; the check exists so that a
//! construct the sanitizer misreads ends as a literal block, never as code that runs.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// Whether doc `lines` (each with its leading space) are prose rustdoc neither runs nor renders as
/// markup. Checked as written and after rustdoc's unindent (the common indentation removed), the
/// two ways the lines are read when they stand alone or beside other doc lines of the same item.
pub fn is_safe_markdown(lines: &[String]) -> bool {
    let as_written: Vec<&str> = lines
        .iter()
        .map(|l| l.strip_prefix(' ').unwrap_or(l))
        .collect();
    let common = as_written
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    let unindented: Vec<&str> = as_written
        .iter()
        .map(|l| l.get(common..).unwrap_or(""))
        .collect();
    is_prose(&as_written.join("\n")) && (common == 0 || is_prose(&unindented.join("\n")))
}

/// rustdoc's Markdown extensions (`rustdoc::html::markdown::main_body_opts`).
fn rustdoc_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

fn is_prose(markdown: &str) -> bool {
    Parser::new_ext(markdown, rustdoc_options()).all(|event| match event {
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => &*info == "text",
        Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => false,
        Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock) => false,
        Event::Start(Tag::Image { .. }) => false,
        Event::Start(Tag::Link { dest_url, .. }) => is_safe_url(&dest_url),
        _ => true,
    })
}

/// http, https and mailto URLs, relative ones (no scheme before the first `/`, `?` or `#`), and
/// intra-doc paths rustdoc resolves (`crate::Client::get`).
pub fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let rust_path = |p: &str| {
        p.split("::")
            .all(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
    };
    if ["crate::", "self::", "super::"]
        .iter()
        .any(|s| lower.starts_with(s))
        && rust_path(&lower)
    {
        return true;
    }
    if ["http://", "https://", "mailto:"]
        .iter()
        .any(|s| lower.starts_with(s))
    {
        return true;
    }
    let head = lower.split(['/', '?', '#']).next().unwrap_or("");
    !head.contains(':') && !lower.chars().any(super::is_hidden_char)
}
