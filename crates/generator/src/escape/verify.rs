//! The check behind every doc comment made from spec text: parsed as Markdown with rustdoc's
//! extensions, the lines hold no code block but `text` ones (anything else is a doctest, or shown
//! as code in a language it is not), no HTML (rustdoc copies it into the page), no task-list marker
//! (only text that escaped its block makes one: the sanitizer escapes every `[`), no link reference
//! definition (it would redefine the links of other doc lines of the same item), no image, and no
//! link whose URL is not http, https, mailto, relative or an intra-doc path.
//!
//! Parsed twice, by pulldown-cmark 0.11.3 (the version rustdoc of rustc 1.95 bundles) and by the
//! current release: the two disagree on some list and task-item forms, and a text must be prose to
//! both, so a toolchain moving between them changes nothing.
//!
//! The sanitizer in `markdown.rs` is written to pass this check; the check exists so that a
//! construct the sanitizer misreads ends as a literal block, never as code that runs.

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
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    let unindented: Vec<&str> = as_written
        .iter()
        .map(|l| l.get(common..).unwrap_or(""))
        .collect();
    let prose = |text: &str| rustdoc::is_prose(text) && current::is_prose(text);
    prose(&as_written.join("\n")) && (common == 0 || prose(&unindented.join("\n")))
}

/// `is_prose` for one version of pulldown-cmark (their event types are the same in shape).
macro_rules! prose_check {
    ($module:ident, $krate:ident) => {
        mod $module {
            use $krate::{CodeBlockKind, Event, Options, Parser, Tag};

            /// rustdoc's Markdown extensions (`rustdoc::html::markdown::main_body_opts`).
            fn options() -> Options {
                Options::ENABLE_TABLES
                    | Options::ENABLE_FOOTNOTES
                    | Options::ENABLE_STRIKETHROUGH
                    | Options::ENABLE_TASKLISTS
                    | Options::ENABLE_SMART_PUNCTUATION
            }

            pub fn is_prose(markdown: &str) -> bool {
                let mut parser = Parser::new_ext(markdown, options());
                let events_ok = parser.by_ref().all(|event| match event {
                    Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => &*info == "text",
                    Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => false,
                    Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::HtmlBlock) => false,
                    Event::TaskListMarker(_) => false,
                    Event::Start(Tag::Image { .. }) => false,
                    Event::Start(Tag::Link { dest_url, .. }) => super::is_safe_url(&dest_url),
                    _ => true,
                });
                events_ok && parser.reference_definitions().iter().next().is_none()
            }
        }
    };
}

prose_check!(rustdoc, pulldown_cmark_rustdoc);
prose_check!(current, pulldown_cmark);

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
