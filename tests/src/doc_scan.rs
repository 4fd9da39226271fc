//! What rustdoc would make of the doc comments of generated files: every doc block (a run of `///`
//! or `//!` lines, a `#[doc = ".."]` attribute, a `#[deprecated(note = "..")]`), unindented as
//! rustdoc does, parsed with rustdoc's Markdown parser and options, and classified the way rustdoc
//! classifies code blocks: which would run as doctests, and which HTML would reach the page.
//!
//! This is the test side's own reading, written apart from the generator's check (`escape::verify`):
//! it follows rustdoc's rules for what a doctest is (`LangString::parse`), not the generator's
//! narrower "only `text` blocks" rule.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag};

/// What one generated crate's docs hold that rustdoc would act on.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct DocFindings {
    /// Code blocks rustdoc would compile and run, as (file, the block's text).
    pub doctests: Vec<(String, String)>,
    /// Raw HTML rustdoc would copy into the page, as (file, the HTML).
    pub html: Vec<(String, String)>,
    /// Links and images whose URL is neither http(s), mailto, relative nor an intra-doc path.
    pub unsafe_links: Vec<(String, String)>,
}

/// The findings of every `.rs` file in `files` ((path, contents) as the generator returns them).
pub fn scan(files: &[(String, String)]) -> DocFindings {
    let mut findings = DocFindings::default();
    for (path, text) in files.iter().filter(|(p, _)| p.ends_with(".rs")) {
        for block in doc_blocks(text) {
            scan_markdown(path, &unindent(&block), &mut findings);
        }
    }
    findings
}

/// rustdoc's Markdown extensions.
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
}

fn scan_markdown(path: &str, markdown: &str, out: &mut DocFindings) {
    let mut in_doctest = None::<String>;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let runs = match &kind {
                    CodeBlockKind::Indented => true,
                    CodeBlockKind::Fenced(info) => is_rust(info),
                };
                in_doctest = runs.then(String::new);
            }
            Event::End(pulldown_cmark::TagEnd::CodeBlock) => {
                if let Some(code) = in_doctest.take() {
                    out.doctests.push((path.to_owned(), code));
                }
            }
            Event::Text(text) => {
                if let Some(code) = in_doctest.as_mut() {
                    code.push_str(&text);
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                out.html.push((path.to_owned(), html.to_string()))
            }
            Event::Start(Tag::Link { dest_url, .. }) if !safe_url(&dest_url) => out
                .unsafe_links
                .push((path.to_owned(), dest_url.to_string())),
            Event::Start(Tag::Image { dest_url, .. }) => out
                .unsafe_links
                .push((path.to_owned(), format!("image {dest_url}"))),
            _ => {}
        }
    }
}

/// rustdoc's rule (`LangString::parse`): a block is Rust, and so a doctest, unless its info string
/// names something else; the attributes rustdoc knows (`ignore`, `no_run`, `edition2021`...)
/// keep it Rust.
fn is_rust(info: &str) -> bool {
    const RUST_ATTRIBUTES: &[&str] = &[
        "rust",
        "ignore",
        "should_panic",
        "no_run",
        "compile_fail",
        "test_harness",
        "standalone_crate",
        "allow_fail",
    ];
    let tokens: Vec<&str> = info
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|t| t.trim_matches(|c| c == '{' || c == '}' || c == '.'))
        .filter(|t| !t.is_empty())
        .collect();
    tokens.contains(&"rust")
        || tokens.iter().all(|t| {
            RUST_ATTRIBUTES.contains(t) || t.starts_with("edition") || t.starts_with("ignore-")
        })
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let head = lower.split(['/', '?', '#']).next().unwrap_or("");
    [
        "http://", "https://", "mailto:", "crate::", "self::", "super::",
    ]
    .iter()
    .any(|s| lower.starts_with(s))
        || !head.contains(':')
}

/// Each item's doc text: runs of `///` (or `//!`) lines, each `#[doc = ..]` attribute and each
/// deprecation note (rustdoc renders those as Markdown too).
fn doc_blocks(source: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<(&str, Vec<String>)> = None;
    for line in source.lines() {
        let trimmed = line.trim_start();
        let marker = ["///", "//!"]
            .into_iter()
            .find(|m| trimmed.starts_with(m) && !trimmed.starts_with("////"));
        match (marker, current.as_mut()) {
            (Some(m), Some((kind, lines))) if *kind == m => lines.push(trimmed[3..].to_owned()),
            (Some(m), _) => {
                if let Some((_, lines)) = current.take() {
                    blocks.push(lines.join("\n"));
                }
                current = Some((m, vec![trimmed[3..].to_owned()]));
            }
            (None, _) => {
                if let Some((_, lines)) = current.take() {
                    blocks.push(lines.join("\n"));
                }
                for key in ["doc = ", "note = "] {
                    if let Some(at) = trimmed.find(key) {
                        let literal = &trimmed[at + key.len()..];
                        let end = literal.rfind('"').map_or(0, |e| e + 1);
                        if let Ok(lit) = syn::parse_str::<syn::LitStr>(&literal[..end]) {
                            blocks.push(lit.value());
                        }
                    }
                }
            }
        }
    }
    if let Some((_, lines)) = current {
        blocks.push(lines.join("\n"));
    }
    blocks
}

/// rustdoc's unindent: the smallest indentation of a non-blank line is removed from every line.
fn unindent(block: &str) -> String {
    let common = block
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start().len())
        .min()
        .unwrap_or(0);
    block
        .lines()
        .map(|l| l.get(common..).unwrap_or(""))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scan_finds_what_rustdoc_would_run_and_render() {
        let source = "/// Text.\n///\n///     indented();\nstruct A;\n/// ```\n/// fenced();\n/// ```\n/// ```text\n/// shown\n/// ```\n/// ~~~ignore\n/// x\n/// ~~~\n/// <b>hi</b> [a](javascript:x)\nstruct B;\n#[deprecated(note = \"see <i>x</i>\")]\nfn c() {}\n";
        let findings = scan(&[("a.rs".into(), source.into())]);
        let code: Vec<&str> = findings.doctests.iter().map(|(_, c)| c.as_str()).collect();
        assert_eq!(code, ["indented();", "fenced();\n", "x\n"]);
        assert_eq!(findings.html.len(), 4, "{findings:?}");
        assert_eq!(findings.unsafe_links.len(), 1, "{findings:?}");
    }
}
