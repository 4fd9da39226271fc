//! Parsing of `WWW-Authenticate` headers (RFC 9110 §11.6.1), tolerant of whatever a server or
//! proxy sends: several challenges per header, quoted commas and escapes, token68 values.

/// One challenge of a `WWW-Authenticate` header: its scheme and lower-cased auth-params.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawChallenge {
    pub(crate) scheme: String,
    pub(crate) params: Vec<(String, String)>,
}

impl RawChallenge {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

fn skip(b: &[u8], i: &mut usize, set: &[u8]) {
    while *i < b.len() && set.contains(&b[*i]) {
        *i += 1;
    }
}

fn token(b: &[u8], i: &mut usize) -> Option<String> {
    let start = *i;
    while *i < b.len() && is_tchar(b[*i]) {
        *i += 1;
    }
    (*i > start).then(|| String::from_utf8_lossy(&b[start..*i]).into_owned())
}

/// Reads a quoted-string starting at the opening quote; an unterminated one runs to the end.
fn quoted(b: &[u8], i: &mut usize) -> String {
    let mut out = Vec::new();
    *i += 1;
    while *i < b.len() {
        match b[*i] {
            b'"' => {
                *i += 1;
                break;
            }
            b'\\' if *i + 1 < b.len() => {
                out.push(b[*i + 1]);
                *i += 2;
            }
            c => {
                out.push(c);
                *i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Skips to just past the next comma (recovery from input this parser does not understand).
fn skip_past_comma(b: &[u8], i: &mut usize) {
    while *i < b.len() && b[*i] != b',' {
        *i += 1;
    }
    *i = (*i + 1).min(b.len());
}

/// Skips a token68 (e.g. `Negotiate YII/ab==`) right after a scheme: a run of token68
/// characters, optional `=` padding, then a comma or the end. `name=value` is not one.
fn skip_token68(b: &[u8], i: &mut usize) {
    let mut j = *i;
    skip(b, &mut j, b" \t");
    if j == *i {
        return; // token68 must be separated from the scheme by whitespace
    }
    let start = j;
    while j < b.len() && (b[j].is_ascii_alphanumeric() || b"-._~+/".contains(&b[j])) {
        j += 1;
    }
    if j == start {
        return;
    }
    skip(b, &mut j, b"=");
    skip(b, &mut j, b" \t");
    if j >= b.len() || b[j] == b',' {
        *i = j;
    }
}

/// Parses a `WWW-Authenticate` value into its challenges (RFC 9110 §11.6.1). Several challenges
/// may share one header, and quoted values may contain commas. Never fails: junk is skipped.
pub(crate) fn parse_challenges(input: &str) -> Vec<RawChallenge> {
    const WS: &[u8] = b" \t";
    let b = input.as_bytes();
    let mut i = 0;
    let mut out = Vec::new();
    while i < b.len() {
        skip(b, &mut i, b" \t,");
        let Some(scheme) = token(b, &mut i) else {
            skip_past_comma(b, &mut i);
            continue;
        };
        let mut challenge = RawChallenge {
            scheme,
            params: Vec::new(),
        };
        skip_token68(b, &mut i);
        loop {
            skip(b, &mut i, b" \t,");
            let start = i;
            let Some(name) = token(b, &mut i) else {
                if i < b.len() {
                    skip_past_comma(b, &mut i); // junk inside this challenge
                    continue;
                }
                break;
            };
            skip(b, &mut i, WS);
            if i >= b.len() || b[i] != b'=' {
                i = start; // a token without `=`: the next challenge's scheme
                break;
            }
            i += 1;
            skip(b, &mut i, WS);
            if i >= b.len() || b[i] == b',' || b[i] == b'=' {
                // token68 (e.g. base64 with padding): not an auth-param, ignore it.
                skip(b, &mut i, b"=");
                continue;
            }
            let value = if b[i] == b'"' {
                quoted(b, &mut i)
            } else {
                token(b, &mut i).unwrap_or_default()
            };
            challenge.params.push((name.to_ascii_lowercase(), value));
        }
        out.push(challenge);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::digest::DigestChallenge;
    use super::*;

    #[test]
    fn parses_quoted_commas_escapes_and_multiple_schemes() {
        let parsed = parse_challenges(
            r#"Newauth realm="apps", type=1, title="Login to \"apps\", please", Basic realm="simple", Negotiate YIIB/abc==, Digest realm="r,1",nonce="n""#,
        );
        let schemes: Vec<_> = parsed.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["Newauth", "Basic", "Negotiate", "Digest"]);
        assert_eq!(parsed[0].param("title"), Some("Login to \"apps\", please"));
        assert_eq!(parsed[0].param("type"), Some("1"));
        assert_eq!(parsed[1].param("realm"), Some("simple"));
        assert_eq!(parsed[3].param("realm"), Some("r,1"));
        assert_eq!(parsed[3].param("nonce"), Some("n"));
    }

    #[test]
    fn parser_survives_junk() {
        assert_eq!(
            parse_challenges("Negotiate abc123, Digest nonce=x")[1].param("nonce"),
            Some("x")
        );
        assert_eq!(parse_challenges("Basic, Digest nonce=x").len(), 2);
        for junk in [
            "",
            ",,,",
            "Digest",
            "Digest realm=",
            "Digest realm=\"unterminated",
            "=== , \"x\"",
            "Digest ,=,",
            "\u{1F600} Digest nonce=x",
        ] {
            let _ = parse_challenges(junk);
        }
        let parsed = parse_challenges("Digest   Realm = \"R\" ,  NONCE=abc , stale=TRUE");
        let c = DigestChallenge::from_raw(&parsed[0]).unwrap();
        assert_eq!(
            (c.realm.as_str(), c.nonce.as_str(), c.stale, c.qop_auth),
            ("R", "abc", true, false)
        );
    }

    #[test]
    fn parser_never_panics_on_random_input() {
        let alphabet: Vec<char> = "Digest realm=\"\\,= \t/+n\u{e9}a".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1d_u64; // xorshift: deterministic, no dependency
        for _ in 0..5000 {
            let mut input = String::new();
            for _ in 0..(state % 40) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                input.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            for c in parse_challenges(&input) {
                let _ = DigestChallenge::from_raw(&c);
            }
        }
    }
}
