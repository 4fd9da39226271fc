//! Rust names for spec names: case conversion, keywords, and collisions, decided in one place.

use std::collections::{HashMap, HashSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be plain identifiers (strict and reserved keywords, 2021 edition), plus names that
/// would shadow what generated code refers to unqualified.
const RESERVED: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
];

/// Type names the generated modules import or define themselves; a schema with one of these names is renamed.
const TAKEN_TYPE_NAMES: &[&str] = &[
    "Client",
    "Error",
    "Result",
    "Option",
    "Some",
    "None",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Request",
    "Response",
    "Value",
    "Map",
    "Self",
    "ErrorBody",
];

/// Keeps only characters valid in identifiers, turning the rest into word breaks.
fn words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// `UpperCamelCase` type or variant name; never empty, never starting with a digit, never reserved.
pub fn type_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Unnamed".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    if TAKEN_TYPE_NAMES.contains(&name.as_str()) {
        name.push_str("Model");
    }
    name
}

/// `UpperCamelCase` enum variant name for a wire value.
pub fn variant_name(raw: &str) -> String {
    let mut name = words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    if name == "Self" {
        name = "SelfValue".into();
    }
    name
}

/// `snake_case` field, parameter or method name; keywords get a trailing underscore.
pub fn field_name(raw: &str) -> String {
    // heck drops a leading underscore (`_id` -> `id`); that is the name a Rust user expects.
    let mut name = words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("n{name}");
    }
    if RESERVED.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// Spec prose worth emitting: `None` for a missing or blank description (`description: ""` is
/// common), so the caller's fallback doc applies and `missing_docs` never fires.
pub fn prose(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The names taken in one scope (a struct's fields, the crate's types, ...), with what makes
/// [`unique`] linear: per base name, the next numeric suffix to try.
#[derive(Debug, Default, Clone)]
pub struct Names {
    taken: HashSet<String>,
    /// `base` -> the next suffix `unique(base)` tries. Names are only ever added, so every
    /// `{base}{k}` below it is still taken and a later search resumes there instead of at 2: n
    /// collisions of one base cost O(n), not O(n^2) (issue 20: 20,000 colliding names took 88 s).
    next_suffix: HashMap<String, u64>,
}

impl Names {
    /// Records `name` as taken; false when it already was.
    pub fn insert(&mut self, name: String) -> bool {
        self.taken.insert(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(name)
    }
}

impl FromIterator<String> for Names {
    fn from_iter<I: IntoIterator<Item = String>>(names: I) -> Self {
        Self {
            taken: names.into_iter().collect(),
            next_suffix: HashMap::new(),
        }
    }
}

/// Makes `candidate` unique within `taken` by appending 2, 3, ... (the first suffix not taken);
/// records the result.
pub fn unique(candidate: String, taken: &mut Names) -> String {
    if !taken.taken.contains(&candidate) {
        taken.taken.insert(candidate.clone());
        return candidate;
    }
    let next = taken.next_suffix.entry(candidate.clone()).or_insert(2);
    loop {
        let name = format!("{candidate}{next}");
        *next += 1;
        if !taken.taken.contains(&name) {
            taken.taken.insert(name.clone());
            return name;
        }
    }
}

/// A version label usable in identifiers: `2023-01-01` -> `2023_01_01`.
pub fn version_suffix(version: &str) -> String {
    words(version)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(
            type_name("DiskBackupSnapshotAWSExportBucketRequest"),
            "DiskBackupSnapshotAwsExportBucketRequest"
        );
        assert_eq!(type_name("3dThing"), "V3dThing");
        assert_eq!(type_name("Error"), "ErrorModel");
        assert_eq!(field_name("_id"), "id");
        assert_eq!(field_name("type"), "type_");
        assert_eq!(field_name("self"), "self_");
        assert_eq!(
            field_name("requirePrivateNetworking"),
            "require_private_networking"
        );
        assert_eq!(variant_name("InProgress"), "InProgress");
        assert_eq!(variant_name("us-east-1"), "UsEast1");
        assert_eq!(variant_name("AWS"), "Aws");
        let mut taken = Names::default();
        assert_eq!(unique("id".into(), &mut taken), "id");
        assert_eq!(unique("id".into(), &mut taken), "id2");
        // A name taken on its own is skipped, and the search resumes after it.
        assert!(taken.insert("id3".into()));
        assert_eq!(unique("id".into(), &mut taken), "id4");
        assert_eq!(unique("id3".into(), &mut taken), "id32");
        assert_eq!(unique("id".into(), &mut taken), "id5");
        assert_eq!(version_suffix("2023-01-01"), "2023_01_01");
    }
}
