//! The `Link` response header (RFC 8288 §3): the target of the `rel="next"` link, which the
//! Link-header pagination kind follows.
//!
//! The header is server input, so the parser is a single forward pass over the bytes: every step
//! consumes at least one byte, nothing backtracks and nothing allocates, so a hostile header costs
//! time linear in its length (itself bounded by the HTTP client's header limit) and never panics.
//! Malformed link-values are skipped up to the next top-level comma; a missing `>` ends the line.

use reqwest::header::HeaderValue;
use reqwest::Url;

/// The target of the first link whose `rel` includes `next` among the `Link` header lines
/// `values` (several lines read as one comma-separated list, in order), resolved against
/// `request_url`. A target that does not resolve is returned as sent, so following it fails with
/// an error naming the problem instead of silently ending the listing.
pub(crate) fn next_link<'a>(
    values: impl IntoIterator<Item = &'a HeaderValue>,
    request_url: &Url,
) -> Option<String> {
    let target = values
        .into_iter()
        .find_map(|value| next_target(value.as_bytes()))?;
    let target = std::str::from_utf8(target).ok()?.trim();
    Some(match request_url.join(target) {
        Ok(mut url) => {
            url.set_fragment(None);
            url.into()
        }
        Err(_) => target.to_owned(),
    })
}

/// The raw target (between `<` and `>`) of the first `rel="next"` link of one header line.
///
/// `rel` counts only in its first occurrence per link (RFC 8288 §3.3); its value, quoted or not,
/// is a space-separated list of relation types compared case-insensitively (`rel="next last"`).
/// A link with an `anchor` parameter describes another resource than the response, so it is
/// not this page's next link.
pub(crate) fn next_target(line: &[u8]) -> Option<&[u8]> {
    let mut p = Scan { s: line, i: 0 };
    loop {
        p.skip_while(|b| b == b',' || is_ows(b));
        match p.peek()? {
            b'<' => p.i += 1,
            // Not a link-value: skip it (a quoted comma does not end it).
            _ => {
                p.skip_until(b',');
                continue;
            }
        }
        let rest = p.s.get(p.i..)?;
        let close = memchr::memchr(b'>', rest)?;
        let target = rest.get(..close)?;
        p.i = p.i.saturating_add(close).saturating_add(1);
        let (mut rel_seen, mut is_next, mut anchored) = (false, false, false);
        loop {
            p.skip_while(is_ows);
            match p.peek() {
                None | Some(b',') => break,
                Some(b';') => {
                    p.i += 1;
                    p.skip_while(is_ows);
                    let name = p.take_while(is_tchar);
                    p.skip_while(is_ows);
                    let value = if p.peek() == Some(b'=') {
                        p.i += 1;
                        p.skip_while(is_ows);
                        Some(p.param_value())
                    } else {
                        None
                    };
                    if name.eq_ignore_ascii_case(b"rel") && !rel_seen {
                        rel_seen = true;
                        is_next = value.is_some_and(names_next);
                    } else if name.eq_ignore_ascii_case(b"anchor") {
                        anchored = true;
                    }
                }
                // Stray text after the target or a parameter: skip to the next `;` or `,`.
                Some(_) => {
                    p.i += 1;
                    p.skip_until(b';');
                }
            }
        }
        if is_next && !anchored {
            return Some(target);
        }
    }
}

/// Whether a `rel` value (a space-separated list of relation types) includes `next`.
fn names_next(value: &[u8]) -> bool {
    value
        .split(|&b| is_ows(b))
        .any(|name| name.eq_ignore_ascii_case(b"next"))
}

/// `OWS` (RFC 9110 §5.6.3): space or horizontal tab.
fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// `tchar` (RFC 9110 §5.6.2), plus `*` for extended parameter names such as `title*`.
fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// A position in one header line; every method moves forward only.
struct Scan<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_while(&mut self, keep: impl Fn(u8) -> bool) {
        while self.peek().is_some_and(&keep) {
            self.i += 1;
        }
    }

    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.i;
        self.skip_while(keep);
        self.s.get(start..self.i).unwrap_or_default()
    }

    /// Moves to the next `stop` or `,` outside a quoted string (`,` always ends a link-value).
    fn skip_until(&mut self, stop: u8) {
        while let Some(b) = self.peek() {
            match b {
                b'"' => {
                    self.quoted();
                }
                b if b == stop || b == b',' => return,
                _ => self.i += 1,
            }
        }
    }

    /// A parameter value: a quoted string's content (escapes left in place) or a token (up to the
    /// next `;`, `,` or whitespace).
    fn param_value(&mut self) -> &'a [u8] {
        if self.peek() == Some(b'"') {
            self.quoted()
        } else {
            self.take_while(|b| !matches!(b, b';' | b',') && !is_ows(b))
        }
    }

    /// Consumes a quoted string starting at `"` and returns its content; an unterminated one runs
    /// to the end of the line.
    fn quoted(&mut self) -> &'a [u8] {
        self.i += 1;
        let start = self.i;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.i = self.i.saturating_add(2).min(self.s.len()),
                b'"' => {
                    let content = self.s.get(start..self.i).unwrap_or_default();
                    self.i += 1;
                    return content;
                }
                _ => self.i += 1,
            }
        }
        self.s.get(start..).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    fn target(line: &str) -> Option<&str> {
        next_target(line.as_bytes()).map(|t| std::str::from_utf8(t).expect("utf-8"))
    }

    fn resolved(lines: &[&str], request: &str) -> Option<String> {
        let values: Vec<HeaderValue> = lines
            .iter()
            .map(|l| HeaderValue::from_str(l).expect("header"))
            .collect();
        next_link(&values, &Url::parse(request).expect("url"))
    }

    #[test]
    fn finds_next_among_several_links_in_any_spelling() {
        // GitHub's shape.
        let github = r#"<https://api.github.com/repositories/1/issues?page=2>; rel="next", <https://api.github.com/repositories/1/issues?page=5>; rel="last""#;
        assert_eq!(
            target(github),
            Some("https://api.github.com/repositories/1/issues?page=2")
        );
        let last_first = r#"<https://x/last>; rel="last", <https://x/p2>; rel="next""#;
        assert_eq!(target(last_first), Some("https://x/p2"));
        assert_eq!(target("<https://x/p2>; rel=next"), Some("https://x/p2"));
        assert_eq!(target("<https://x/p2>;rel=NEXT"), Some("https://x/p2"));
        assert_eq!(
            target("<https://x/p2> ;\trel = \"Next\""),
            Some("https://x/p2")
        );
        assert_eq!(
            target(r#"<https://x/p2>; rel="next last""#),
            Some("https://x/p2")
        );
        assert_eq!(
            target(r#"<https://x/p2>; rel="last  next""#),
            Some("https://x/p2")
        );
        // Other parameters before `rel`, with commas and semicolons inside quotes.
        let titled = r#"<https://x/a>; title="a, b; rel=next"; rel="prev", <https://x/b>; title="x,y"; rel="next""#;
        assert_eq!(target(titled), Some("https://x/b"));
        // A comma inside the target does not split the link.
        assert_eq!(
            target("<https://x/p?a=1,2>; rel=next"),
            Some("https://x/p?a=1,2")
        );
    }

    #[test]
    fn ignores_links_that_are_not_this_pages_next() {
        for line in [
            "",
            "<https://x/p2>",
            "<https://x/p2>; rel=prev",
            r#"<https://x/p2>; rel="nextpage""#,
            r#"<https://x/p2>; rel="https://example.com/rels/next""#,
            // Only the first `rel` counts.
            r#"<https://x/p2>; rel="prev"; rel="next""#,
            // About another resource.
            r##"<https://x/p2>; anchor="#foo"; rel="next""##,
            // `next` as another parameter's value.
            r#"<https://x/p2>; title="next""#,
            r#"<https://x/p2>; title="rel=next""#,
            // No link-value.
            "rel=next",
            r#"https://x/p2; rel="next""#,
            // No closing `>`.
            "<https://x/p2; rel=next",
        ] {
            assert_eq!(target(line), None, "{line:?}");
        }
    }

    #[test]
    fn skips_malformed_link_values_up_to_the_next_comma() {
        assert_eq!(
            target(r#"garbage "a,b", <https://x/n>; rel=next"#),
            Some("https://x/n")
        );
        assert_eq!(
            target(r#"<https://x/a> junk; rel=prev, <https://x/n>; rel=next"#),
            Some("https://x/n")
        );
        assert_eq!(
            target(",,, ,<https://x/n>;;; rel=next"),
            Some("https://x/n")
        );
        assert_eq!(
            target(r#"<https://x/a>; rel="unterminated, <https://x/n>; rel=next"#),
            None
        );
        assert_eq!(
            target(r#"<https://x/n>; rel="ne\"xt", <https://x/m>; rel=next"#),
            Some("https://x/m")
        );
    }

    #[test]
    fn several_header_lines_are_one_list_and_targets_resolve_against_the_request() {
        let request = "https://api.example.com/v1/items?page=1&per_page=2";
        assert_eq!(
            resolved(
                &[
                    r#"<https://x/last>; rel="last""#,
                    r#"<https://x/n>; rel="next""#
                ],
                request
            ),
            Some("https://x/n".to_owned())
        );
        assert_eq!(
            resolved(&["<?page=2&per_page=2>; rel=next"], request),
            Some("https://api.example.com/v1/items?page=2&per_page=2".to_owned())
        );
        assert_eq!(
            resolved(&["</v1/items?cursor=abc#frag>; rel=next"], request),
            Some("https://api.example.com/v1/items?cursor=abc".to_owned())
        );
        assert_eq!(
            resolved(&["<other?page=3>; rel=next"], request),
            Some("https://api.example.com/v1/other?page=3".to_owned())
        );
        assert_eq!(resolved(&["<x>; rel=prev"], request), None);
        assert_eq!(resolved(&[], request), None);
        // Unresolvable: kept as sent, for `follow` to refuse with an error.
        assert_eq!(
            resolved(&["<http://[::1>; rel=next"], request),
            Some("http://[::1".to_owned())
        );
    }

    #[test]
    fn hostile_lines_name_no_next_link() {
        let n = 200_000;
        let hostile = [
            "<".repeat(n),
            ">".repeat(n),
            ";".repeat(n),
            ",".repeat(n),
            "\"".repeat(n),
            "\\".repeat(n),
            format!("<x>{}", ";rel".repeat(n / 4)),
            format!("<x>{}", "; rel=\"a\\".repeat(n / 8)),
            format!("<x>; rel=\"{}", "next ".repeat(n / 5)),
            "<a>;rel=prev,".repeat(n / 13),
            format!("{}<x>; rel=next", "a".repeat(n)),
        ];
        // Only one of them names a next link. The parser's cursor only moves forward, so the
        // work is linear in the input; how long 2.4 MB takes is the benchmarks' business, not a
        // test's (durations drift with the machine).
        for (i, line) in hostile.iter().enumerate() {
            // Line 8's unterminated quoted `rel` still lists `next` (read to the end of the line).
            let expected = (i == 8).then_some(&b"x"[..]);
            assert_eq!(next_target(line.as_bytes()), expected, "hostile line {i}");
        }
        assert_eq!(target(&hostile[10]), None, "no link-value starts the line");
    }

    /// Property: for well-formed headers built from random links, parameters and spacing, the
    /// parser finds exactly the first link with a `next` relation; random bytes never panic.
    #[test]
    fn random_headers_find_the_first_next_link() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(8288);
        let rels = [
            "next",
            "prev",
            "last",
            "first",
            "NEXT",
            "next last",
            "last next",
            "nextpage",
        ];
        let params = [
            r#"title="a, b; c""#,
            "type=text/html",
            r#"hreflang="en""#,
            "x",
        ];
        let spaces = ["", " ", "\t", "  "];
        for _ in 0..2_000 {
            let links = rng.random_range(0..5);
            let mut line = String::new();
            let mut expected = None;
            for k in 0..links {
                if k > 0 {
                    line.push_str(spaces[rng.random_range(0..spaces.len())]);
                    line.push(',');
                }
                line.push_str(spaces[rng.random_range(0..spaces.len())]);
                let url = format!("https://x/{k}?q={}", rng.random_range(0..1000));
                line.push_str(&format!("<{url}>"));
                let mut first_rel = None;
                for _ in 0..rng.random_range(0..4) {
                    line.push_str(spaces[rng.random_range(0..spaces.len())]);
                    line.push(';');
                    line.push_str(spaces[rng.random_range(0..spaces.len())]);
                    if rng.random_bool(0.5) {
                        let rel = rels[rng.random_range(0..rels.len())];
                        first_rel.get_or_insert(rel);
                        match (rel.contains(' '), rng.random_bool(0.5)) {
                            (false, true) => line.push_str(&format!("rel={rel}")),
                            _ => line.push_str(&format!("Rel=\"{rel}\"")),
                        }
                    } else {
                        line.push_str(params[rng.random_range(0..params.len())]);
                    }
                }
                let is_next =
                    first_rel.is_some_and(|r| r.split(' ').any(|w| w.eq_ignore_ascii_case("next")));
                if is_next && expected.is_none() {
                    expected = Some(url);
                }
            }
            assert_eq!(target(&line), expected.as_deref(), "{line:?}");
        }
        let alphabet = b"<>;,=\" \t\\relnxtRELNXT";
        for _ in 0..5_000 {
            let len = rng.random_range(0..64);
            let bytes: Vec<u8> = (0..len)
                .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                .collect();
            let _ = next_target(&bytes);
        }
    }
}
