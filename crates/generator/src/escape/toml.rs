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

#[cfg(test)]
mod tests {
    use super::toml_string;

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
