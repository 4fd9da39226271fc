//! TOML basic strings for `Cargo.toml` values that come from outside the generator (the spec's title,
//! a crate name, an example's name): every character that TOML does not allow raw, or that ends the
//! string, is escaped, so no value can add a key, a table or a dependency.

/// `raw` as a TOML basic string, quotes included.
pub fn toml_string(raw: &str) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(raw.len() + 2);
    out.push('"');
    for c in raw.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() || super::is_hidden_char(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A cargo feature name for a spec name (an operation tag): ASCII letters and digits lower-cased,
/// every other run of characters one `-`, none at either end; a name not starting with a letter
/// gets `tag-` in front (`""` -> `tag`). Cargo accepts every result, and it needs no quoting in
/// TOML or in `cfg(feature = "..")`. Callers number names that come out alike.
pub fn cargo_feature(raw: &str) -> String {
    let mut out = String::new();
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out = if out.is_empty() {
            "tag".into()
        } else {
            format!("tag-{out}")
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{cargo_feature, toml_string};

    #[test]
    fn feature_names_are_plain_and_safe() {
        let cases = [
            ("repos", "repos"),
            ("Code Scanning", "code-scanning"),
            ("dependency-graph", "dependency-graph"),
            ("  a__b..c ", "a-b-c"),
            ("2fa", "tag-2fa"),
            ("", "tag"),
            ("\"]\n[evil]", "evil"),
            ("émoji 🚀 tag", "moji-tag"),
        ];
        for (raw, feature) in cases {
            assert_eq!(cargo_feature(raw), feature, "{raw:?}");
            assert!(feature
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }
    }

    #[test]
    fn every_value_reads_back_as_itself_and_adds_nothing() {
        let values = [
            "plain",
            "quote \" and \\ backslash",
            "nul \0 cr \r lf \n tab \t del \u{7f}",
            "bidi \u{202e} bom \u{feff}",
            "\"\n[dependencies]\nevil = { path = \"/\" }\n",
            "",
        ];
        for value in values {
            let doc = format!("[package]\ndescription = {}\n", toml_string(value));
            let parsed: toml::Table =
                toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc:?}: {e}"));
            assert_eq!(parsed.len(), 1, "{doc}");
            let package = parsed["package"].as_table().expect("package table");
            assert_eq!(package.len(), 1, "{doc}");
            assert_eq!(package["description"].as_str(), Some(value), "{doc}");
        }
    }
}
