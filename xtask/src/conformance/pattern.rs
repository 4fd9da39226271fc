//! A string that matches a schema's `pattern`, built by walking the pattern's syntax tree
//! (`regex-syntax`): the first branch of each alternation, the first character of each class,
//! each repetition at its minimum (at least once for `*`/`+`-free parts that need length).
//! ECMA-262 patterns are unanchored; a pattern this walk cannot follow yields None.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Longest sample produced (a pattern like `.{10000}` stays cheap).
const MAX_LEN: usize = 512;

/// A string matching `pattern`, padded by repeating the last repetition up to `min_len` where the
/// pattern allows it (otherwise returned as is).
pub fn sample(pattern: &str, min_len: usize) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(true)
        .utf8(true)
        .build()
        .parse(pattern)
        .ok()?;
    let mut out = String::new();
    walk(&hir, min_len, &mut out)?;
    (out.chars().count() <= MAX_LEN).then_some(out)
}

fn walk(hir: &Hir, min_len: usize, out: &mut String) -> Option<()> {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(()),
        HirKind::Literal(literal) => {
            out.push_str(std::str::from_utf8(&literal.0).ok()?);
            Some(())
        }
        HirKind::Class(class) => {
            out.push(first_char(class)?);
            Some(())
        }
        HirKind::Repetition(rep) => {
            let mut count = rep.min as usize;
            let max = rep.max.map(|m| m as usize).unwrap_or(usize::MAX);
            // Grow an open repetition to reach the length the schema asks for.
            let mut piece = String::new();
            walk(&rep.sub, 0, &mut piece)?;
            let piece_len = piece.chars().count().max(1);
            let have = out.chars().count();
            if have + count * piece_len < min_len {
                let needed = (min_len - have).div_ceil(piece_len);
                count = needed.min(max);
            }
            if count * piece_len > MAX_LEN {
                return None;
            }
            for _ in 0..count {
                walk(&rep.sub, 0, out)?;
            }
            Some(())
        }
        HirKind::Capture(capture) => walk(&capture.sub, min_len, out),
        HirKind::Concat(parts) => {
            for part in parts {
                walk(part, min_len, out)?;
            }
            Some(())
        }
        HirKind::Alternation(branches) => walk(branches.first()?, min_len, out),
    }
}

/// A printable character of the class: its first range's start, skipping controls and spaces
/// when the class allows something else.
fn first_char(class: &Class) -> Option<char> {
    match class {
        Class::Unicode(class) => {
            let ranges = class.ranges();
            let visible = ranges.iter().find_map(|r| {
                (r.start()..=r.end())
                    .take(128)
                    .find(|c| c.is_alphanumeric())
            });
            visible.or_else(|| ranges.first().map(|r| r.start()))
        }
        Class::Bytes(class) => {
            let ranges = class.ranges();
            let visible = ranges.iter().find_map(|r| {
                (r.start()..=r.end())
                    .find(|b| b.is_ascii_alphanumeric())
                    .map(char::from)
            });
            visible.or_else(|| ranges.first().map(|r| char::from(r.start())))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::sample;

    #[test]
    fn samples_match_their_patterns() {
        for (pattern, min) in [
            ("^[a-f0-9]{24}$", 0),
            ("^[a-zA-Z0-9][a-zA-Z0-9-]*$", 0),
            ("^\\d{3}-\\d{4}$", 0),
            ("^(foo|bar)+baz?$", 0),
            ("[A-Z]{2}", 0),
            ("^[a-z]+$", 6),
            ("^\\S+@\\S+$", 0),
        ] {
            let text = sample(pattern, min).expect(pattern);
            let regex = regex_syntax::parse(pattern).expect(pattern);
            // Checked with a real engine: std has none, so the test compiles the pattern itself.
            let matcher = regex_lite_match(pattern, &text);
            assert!(matcher, "{pattern:?} -> {text:?} ({regex:?})");
            assert!(text.chars().count() >= min, "{pattern:?} -> {text:?}");
        }
    }

    /// The workspace's `regex` crate is not a dependency of xtask; this checks the sample against
    /// the pattern with the same syntax tree, by a tiny backtracking matcher over literal, class,
    /// repetition and alternation nodes.
    fn regex_lite_match(pattern: &str, text: &str) -> bool {
        use regex_syntax::hir::{Class, Hir, HirKind};
        fn m(hir: &Hir, s: &[char], k: &mut dyn FnMut(&[char]) -> bool) -> bool {
            match hir.kind() {
                HirKind::Empty | HirKind::Look(_) => k(s),
                HirKind::Literal(l) => {
                    let lit: Vec<char> = std::str::from_utf8(&l.0).unwrap().chars().collect();
                    s.starts_with(&lit) && k(&s[lit.len()..])
                }
                HirKind::Class(Class::Unicode(c)) => {
                    !s.is_empty()
                        && c.ranges()
                            .iter()
                            .any(|r| r.start() <= s[0] && s[0] <= r.end())
                        && k(&s[1..])
                }
                HirKind::Class(Class::Bytes(_)) => false,
                HirKind::Capture(c) => m(&c.sub, s, k),
                HirKind::Concat(parts) => concat(parts, s, k),
                HirKind::Alternation(bs) => bs.iter().any(|b| m(b, s, k)),
                HirKind::Repetition(r) => rep(&r.sub, r.min, r.max, s, k),
            }
        }
        fn concat(parts: &[Hir], s: &[char], k: &mut dyn FnMut(&[char]) -> bool) -> bool {
            match parts.split_first() {
                None => k(s),
                Some((first, rest)) => m(first, s, &mut |t| concat(rest, t, k)),
            }
        }
        fn rep(
            sub: &Hir,
            min: u32,
            max: Option<u32>,
            s: &[char],
            k: &mut dyn FnMut(&[char]) -> bool,
        ) -> bool {
            if min == 0 && k(s) {
                return true;
            }
            if max == Some(0) {
                return false;
            }
            m(sub, s, &mut |t| {
                t.len() < s.len() && rep(sub, min.saturating_sub(1), max.map(|x| x - 1), t, k)
            })
        }
        let hir = regex_syntax::parse(pattern).unwrap();
        let chars: Vec<char> = text.chars().collect();
        (0..=chars.len()).any(|start| m(&hir, &chars[start..], &mut |_| true))
    }
}
