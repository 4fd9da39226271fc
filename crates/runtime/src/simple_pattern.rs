//! A matcher for the simple patterns most specs use for identifiers (`^([a-f0-9]{24})$`,
//! `^[a-zA-Z0-9][a-zA-Z0-9-]*$`): anchored at both ends, a sequence of ASCII character classes
//! or literal characters, each with an optional `{n}`, `{n,m}`, `{n,}`, `?`, `*` or `+`, and
//! parentheses without a quantifier (a group that only wraps). Checking an id with it costs a few
//! comparisons per character instead of a regex search; any other pattern (alternation, `.`,
//! `\d`, flags, a quantified group, non-ASCII...) is left to the `regex` crate, and so is a value
//! longer than [`MAX_LEN`] bytes. Same answers as `regex::Regex::is_match` (tested on random
//! patterns and values). Time is O(atoms x length): linear in the value for a given pattern.

/// Longest value (in bytes) checked here; longer ones go to the regex.
pub(crate) const MAX_LEN: usize = 1024;

/// One element of the sequence: the characters it accepts, and how many times.
#[derive(Debug, Clone, PartialEq)]
struct Atom {
    /// Whether each byte is accepted (a lookup per character, never out of bounds: 256 entries);
    /// only ASCII bytes ever are.
    set: [bool; 256],
    min: usize,
    max: Option<usize>,
}

impl Atom {
    fn new(ranges: &[(u8, u8)], min: usize, max: Option<usize>) -> Atom {
        let mut set = [false; 256];
        for &(lo, hi) in ranges {
            for b in (lo..=hi).filter(u8::is_ascii) {
                set[usize::from(b)] = true;
            }
        }
        Atom { set, min, max }
    }

    fn accepts(&self, b: u8) -> bool {
        self.set[usize::from(b)]
    }
}

/// A parsed simple pattern.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimplePattern {
    atoms: Vec<Atom>,
}

impl SimplePattern {
    /// The pattern, when `source` is one this matcher handles exactly.
    pub(crate) fn parse(source: &str) -> Option<SimplePattern> {
        let body = source.strip_prefix('^')?.strip_suffix('$')?;
        if body.ends_with('\\') {
            return None; // the `$` was escaped
        }
        let bytes = body.as_bytes();
        if !body.is_ascii() {
            return None;
        }
        let mut atoms: Vec<Atom> = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            let ranges = match bytes[i] {
                // A group that is not quantified only wraps its contents.
                b'(' | b')' => {
                    let open = bytes[i] == b'(';
                    i += 1;
                    if open && bytes.get(i) == Some(&b'?') {
                        if bytes.get(i + 1) != Some(&b':') {
                            return None;
                        }
                        i += 2;
                    }
                    if !open && matches!(bytes.get(i), Some(b'{' | b'?' | b'*' | b'+')) {
                        return None;
                    }
                    continue;
                }
                b'[' => {
                    let (ranges, next) = class(bytes, i + 1)?;
                    i = next;
                    ranges
                }
                b'\\' => {
                    let c = *bytes.get(i + 1)?;
                    i += 2;
                    if !is_meta(c) {
                        return None; // \d, \w, \s, \b, \n...: Unicode-aware classes or assertions
                    }
                    vec![(c, c)]
                }
                c if c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b' ' => {
                    i += 1;
                    vec![(c, c)]
                }
                _ => return None,
            };
            let (min, max, next) = quantifier(bytes, i)?;
            i = next;
            atoms.push(Atom::new(&ranges, min, max));
        }
        if parens_unbalanced(body) {
            return None;
        }
        Some(SimplePattern { atoms })
    }

    /// Whether `value` matches, or `None` when it is too long for this matcher.
    pub(crate) fn is_match(&self, value: &str) -> Option<bool> {
        if value.len() > MAX_LEN {
            return None;
        }
        let bytes = value.as_bytes();
        // The common shape (`^([a-f0-9]{24})$`): one atom, a count check and one pass without
        // early exit (vectorizable), no allocation. A non-ASCII byte is never accepted.
        if let [atom] = self.atoms.as_slice() {
            let in_count = bytes.len() >= atom.min && atom.max.is_none_or(|max| bytes.len() <= max);
            return Some(in_count && bytes.iter().fold(true, |all, &b| all & atom.accepts(b)));
        }
        // Every atom accepts ASCII only: a value with any other character cannot match.
        if !value.is_ascii() {
            return Some(false);
        }
        Some(self.sequence_matches(bytes))
    }

    /// The atoms in sequence, over reachable positions: `reach[p]` says the atoms so far can match
    /// exactly `bytes[..p]`. An atom reaches `q` when some reachable `p` in
    /// `max(q - max, start of the run of accepted bytes ending at q) ..= q - min` exists, so when the
    /// latest reachable `p <= q - min` is in that range: one left-to-right pass of O(1) steps per
    /// position and atom, O(atoms x len) in all, linear in the value for a given pattern (trying
    /// every count from every reachable start was O(atoms x len^2): seconds for a 2 KB pattern and
    /// a 1 KB value).
    fn sequence_matches(&self, bytes: &[u8]) -> bool {
        // Ids are short: their buffers live on the stack (an allocation costs as much as the match).
        const ON_STACK: usize = 64;
        let len = bytes.len();
        if len < ON_STACK {
            let mut buffers = ([false; ON_STACK], [false; ON_STACK]);
            self.sequence_in(bytes, &mut buffers.0[..=len], &mut buffers.1[..=len])
        } else {
            self.sequence_in(bytes, &mut vec![false; len + 1], &mut vec![false; len + 1])
        }
    }

    /// [`Self::sequence_matches`] in the caller's buffers of `len + 1` positions each.
    fn sequence_in<'b>(
        &self,
        bytes: &[u8],
        mut reach: &'b mut [bool],
        mut next: &'b mut [bool],
    ) -> bool {
        reach.iter_mut().enumerate().for_each(|(p, r)| *r = p == 0);
        for atom in &self.atoms {
            let (min, max) = (atom.min, atom.max.unwrap_or(usize::MAX));
            let Some((before, from_min)) = next.split_at_mut_checked(min) else {
                return false; // the atom needs more bytes than the value has
            };
            before.fill(false);
            // Where the run of accepted bytes before q starts, and 1 + the latest reachable
            // p <= q - min (0: none yet), starting at q = min.
            let mut run_start = bytes
                .get(..min)
                .and_then(|head| head.iter().rposition(|&b| !atom.accepts(b)))
                .map_or(0, |i| i + 1);
            let mut latest = 0;
            let mut any = false;
            for (p, (slot, &reachable)) in from_min.iter_mut().zip(reach.iter()).enumerate() {
                count_step();
                let q = p + min;
                if reachable {
                    latest = p + 1;
                }
                *slot = latest > run_start && q + 1 - latest <= max;
                any |= *slot;
                if bytes.get(q).is_some_and(|&b| !atom.accepts(b)) {
                    run_start = q + 1;
                }
            }
            if !any {
                return false;
            }
            std::mem::swap(&mut reach, &mut next);
        }
        reach.last().copied().unwrap_or(false)
    }
}

#[cfg(test)]
thread_local! {
    /// Positions visited by [`SimplePattern::sequence_matches`] on this thread (tests bound it).
    static STEPS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[inline(always)]
fn count_step() {
    #[cfg(test)]
    STEPS.with(|s| s.set(s.get() + 1));
}

/// A character the regex crate lets (and for some, makes) one escape to mean itself.
fn is_meta(c: u8) -> bool {
    b"\\.+*?()|[]{}^$#&-~".contains(&c)
}

fn parens_unbalanced(body: &str) -> bool {
    let mut depth: i64 = 0;
    let mut escaped = false;
    let mut in_class = false;
    for c in body.chars() {
        match (escaped, in_class, c) {
            (true, _, _) => escaped = false,
            (false, _, '\\') => escaped = true,
            (false, false, '[') => in_class = true,
            (false, true, ']') => in_class = false,
            (false, false, '(') => depth += 1,
            (false, false, ')') => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => {}
        }
    }
    depth != 0
}

/// A bracketed class starting after `[`: ASCII characters and ranges, escapes of punctuation.
/// Returns the ranges and the index after `]`.
fn class(bytes: &[u8], mut i: usize) -> Option<(Vec<(u8, u8)>, usize)> {
    let mut ranges = Vec::new();
    let start = i;
    if matches!(bytes.get(i), Some(b'^' | b']')) {
        return None; // negated or starting with `]`: left to the regex
    }
    loop {
        let lo = match *bytes.get(i)? {
            b']' => return Some((ranges, i + 1)),
            b'\\' => {
                let c = *bytes.get(i + 1)?;
                i += 2;
                if !is_meta(c) {
                    return None;
                }
                c
            }
            // `[[:alpha:]]`, `&&`, `~~`, `--` are class syntax in the regex crate.
            b'[' | b'&' | b'~' => return None,
            c => {
                i += 1;
                c
            }
        };
        // A literal `-` only first or last in the class, where every regex reads it the same way.
        if lo == b'-' && i - 1 != start && bytes.get(i) != Some(&b']') {
            return None;
        }
        if bytes.get(i) == Some(&b'-') && bytes.get(i + 1).is_some_and(|&c| c != b']') {
            let hi = *bytes.get(i + 1)?;
            if hi == b'\\' || hi == b'[' || hi < lo {
                return None;
            }
            i += 2;
            ranges.push((lo, hi));
        } else {
            ranges.push((lo, lo));
        }
    }
}

/// An optional quantifier at `i`: (min, max, index after it). A lazy or possessive suffix
/// (`?`/`+` after a quantifier) is not handled.
fn quantifier(bytes: &[u8], i: usize) -> Option<(usize, Option<usize>, usize)> {
    let (min, max, next) = match bytes.get(i) {
        Some(b'?') => (0, Some(1), i + 1),
        Some(b'*') => (0, None, i + 1),
        Some(b'+') => (1, None, i + 1),
        Some(b'{') => {
            let close = i + bytes.get(i..)?.iter().position(|&b| b == b'}')?;
            let inner = std::str::from_utf8(bytes.get(i + 1..close)?).ok()?;
            let number = |s: &str| -> Option<usize> {
                if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                s.parse().ok().filter(|&n| n <= MAX_LEN)
            };
            match inner.split_once(',') {
                None => {
                    let n = number(inner)?;
                    (n, Some(n), close + 1)
                }
                Some((lo, "")) => (number(lo)?, None, close + 1),
                Some((lo, hi)) => {
                    let (lo, hi) = (number(lo)?, number(hi)?);
                    if hi < lo {
                        return None;
                    }
                    (lo, Some(hi), close + 1)
                }
            }
        }
        _ => (1, Some(1), i),
    };
    if next > i && matches!(bytes.get(next), Some(b'?' | b'+' | b'*' | b'{')) {
        return None;
    }
    Some((min, max, next))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};

    /// Patterns this matcher takes over (the spec's and common id shapes).
    const SIMPLE: &[&str] = &[
        "^([a-f0-9]{24})$",
        "^[a-f0-9]{24}$",
        "^([a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$",
        "^[a-z]{2,5}-[0-9]{1,}$",
        "^(?:[A-Z_]+)$",
        "^ab?c*d+e{0,2}$",
        "^\\.[a-c.]$",
        "^[-a-c]{3}x-$",
        "^$",
    ];

    /// Patterns left to the regex.
    const NOT_SIMPLE: &[&str] = &[
        "[a-f0-9]{24}",
        "^[a-f0-9]{24}",
        "^a|b$",
        "^.$",
        "^\\d+$",
        "^[^a]$",
        "^(ab)+$",
        "^a+?$",
        "^(?i)a$",
        "^é$",
        "^[[:alpha:]]$",
        "^a\\$",
        "^(a$",
        "^[\\w\\-]$",
        "^[a-c-e]$",
        "^\\_$",
    ];

    #[test]
    fn recognises_only_what_it_matches_exactly() {
        for p in SIMPLE {
            assert!(SimplePattern::parse(p).is_some(), "{p}");
        }
        for p in NOT_SIMPLE {
            assert!(SimplePattern::parse(p).is_none(), "{p}");
        }
        let id = SimplePattern::parse("^([a-f0-9]{24})$").unwrap();
        assert_eq!(id.is_match("66b0f3d2a81c4e5f9d7a1b20"), Some(true));
        assert_eq!(id.is_match("66b0f3d2a81c4e5f9d7a1b2"), Some(false));
        assert_eq!(id.is_match("66b0f3d2a81c4e5f9d7a1b2G"), Some(false));
        assert_eq!(id.is_match(&"a".repeat(MAX_LEN + 1)), None);
    }

    #[test]
    fn same_answers_as_regex_on_random_inputs() {
        let seed: u64 = rand::rng().random();
        println!("simple_pattern equivalence seed: {seed}");
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let alphabet: Vec<char> = "abcdefxyzAZ09_-. é\n".chars().collect();
        for source in SIMPLE {
            let Some(simple) = SimplePattern::parse(source) else {
                continue;
            };
            let regex = regex::Regex::new(source).unwrap();
            for _ in 0..3000 {
                let len = rng.random_range(0..30);
                let value: String = (0..len)
                    .map(|_| {
                        if rng.random_bool(0.5) {
                            // Biased towards the id alphabet so that matches happen.
                            char::from(b"0123456789abcdef"[rng.random_range(0..16)])
                        } else {
                            alphabet[rng.random_range(0..alphabet.len())]
                        }
                    })
                    .collect();
                assert_eq!(
                    simple.is_match(&value),
                    Some(regex.is_match(&value)),
                    "seed {seed}, pattern {source}, value {value:?}"
                );
            }
        }
    }

    /// A random pattern in the grammar this matcher takes: literals, escaped punctuation and
    /// classes, each with a random quantifier, some wrapped in groups without a quantifier.
    fn random_pattern(rng: &mut impl Rng) -> String {
        const ATOMS: &[&str] = &[
            "a",
            "b",
            "x",
            "0",
            "-",
            "_",
            " ",
            "\\.",
            "\\-",
            "[a-c]",
            "[ab]",
            "[a-f0-9]",
            "[-a]",
            "[x-z0-9_]",
            "[.b]",
            "[a\\-]",
        ];
        const QUANTIFIERS: &[&str] = &[
            "", "", "?", "*", "+", "{2}", "{0,3}", "{1,}", "{0}", "{3,5}",
        ];
        let mut source = String::from("^");
        for _ in 0..rng.random_range(0..8) {
            let atom = ATOMS[rng.random_range(0..ATOMS.len())];
            let quantifier = QUANTIFIERS[rng.random_range(0..QUANTIFIERS.len())];
            match rng.random_range(0..6) {
                0 => source.push_str(&format!("({atom}{quantifier})")),
                1 => source.push_str(&format!("(?:{atom}{quantifier})")),
                _ => source.push_str(&format!("{atom}{quantifier}")),
            }
        }
        source.push('$');
        source
    }

    #[test]
    fn same_answers_as_regex_on_random_patterns() {
        let seed: u64 = rand::rng().random();
        println!("simple_pattern random-pattern seed: {seed}");
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let alphabet: Vec<char> = "abcxyz0-_. é".chars().collect();
        for _ in 0..400 {
            let source = random_pattern(&mut rng);
            let simple = SimplePattern::parse(&source)
                .unwrap_or_else(|| panic!("seed {seed}: pattern {source} should be simple"));
            let regex = regex::Regex::new(&source).unwrap();
            for _ in 0..100 {
                let len = rng.random_range(0..16);
                let value: String = (0..len)
                    .map(|_| alphabet[rng.random_range(0..alphabet.len())])
                    .collect();
                assert_eq!(
                    simple.is_match(&value),
                    Some(regex.is_match(&value)),
                    "seed {seed}, pattern {source}, value {value:?}"
                );
            }
        }
    }

    /// A 2 KB pattern of starred classes, the shape that made trying every count from every start
    /// cost atoms x length^2 (seconds per value): same answers as the regex, and positions visited
    /// bounded by atoms x length (counted, not timed).
    #[test]
    fn long_pattern_long_value_linear_and_same_as_regex() {
        let source = format!("^{}[a-f0-9]{{4}}$", "[a-f]*[0-9]?".repeat(170));
        assert!(source.len() >= 2048, "{}", source.len());
        let simple = SimplePattern::parse(&source).expect("simple");
        let regex = regex::Regex::new(&source).unwrap();
        let atoms = simple.atoms.len() as u64;
        let matching = "abcdefabc1".repeat(102) + "abcd";
        let values = [
            matching.clone(),
            format!("{}!", &matching[..MAX_LEN - 1]),
            "a".repeat(MAX_LEN),
            "0".repeat(MAX_LEN),
            format!("{}g", "a".repeat(MAX_LEN - 1)),
        ];
        for value in &values {
            assert_eq!(value.len(), MAX_LEN);
            STEPS.with(|s| s.set(0));
            let answer = simple.is_match(value);
            let steps = STEPS.with(|s| s.get());
            assert_eq!(answer, Some(regex.is_match(value)), "value {value:?}");
            let bound = atoms * (value.len() as u64 + 1);
            assert!(steps <= bound, "{steps} steps > {bound} for {value:?}");
        }
        assert_eq!(simple.is_match(&matching), Some(true));
    }
}
