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

/// Longest identifier the generator emits from a spec name, in bytes. Names become file names
/// (`src/types/<snake_case>.rs`), which most file systems cap at 255 bytes; snake case at most
/// doubles this length, and suffixes (`_2023_01_01`, `_operation`, `on_`) still fit.
pub const MAX_NAME_BYTES: usize = 96;

/// `name` if it is at most `max` bytes, else its first bytes and a 16-digit hash of the whole
/// `name` (`<prefix><sep><hash>`) in at most `max` bytes: deterministic, and two long names that
/// share a prefix still differ (barring a 64-bit hash collision; callers still run [`unique`]).
/// A non-ASCII `name` is cut at a character boundary.
pub fn shorten(name: &str, max: usize, sep: &str) -> String {
    if name.len() <= max {
        return name.to_owned();
    }
    let hash = format!("{sep}{:016x}", fnv1a(name.as_bytes()));
    let mut keep = max.saturating_sub(hash.len());
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    // A prefix ending in `_` would give `__` before the hash (clippy and rustc warn on neither,
    // but it reads as a mistake).
    format!("{}{hash}", name[..keep].trim_end_matches('_'))
}

/// 64-bit FNV-1a: stable across platforms and releases (std's hashers promise neither).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

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
    shorten(&name, MAX_NAME_BYTES, "X")
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
    shorten(&name, MAX_NAME_BYTES, "X")
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
    shorten(&name, MAX_NAME_BYTES, "_")
}

/// Method names an operation cannot take on `Client`: its own methods (`builder`, `base_url`,
/// `revoke_token`), methods of the std traits clippy expects by that name (`clone` on a `Clone`
/// type shadows `Clone::clone`; `should_implement_trait`), and names whose mock method
/// `on_<name>` would shadow the runtime mock server's `on_any` / `on_request`.
const CLIENT_METHODS: &[&str] = &["builder", "base_url", "revoke_token", "any", "request"];

/// Method names of std traits that clippy's `should_implement_trait` claims. `Client` avoids them
/// all (an inherent `clone` would also shadow `Clone::clone` for its users).
const TRAIT_METHODS: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// The operator methods among [`TRAIT_METHODS`]: the ones a request-builder setter
/// (`fn add(mut self, value: i64) -> Self`) matches, so a parameter cannot take them. The others
/// take `&self` or no `self`, and `next`, `index`, `default` are common parameter names.
pub const OPERATOR_METHODS: &[&str] = &[
    "add", "bitand", "bitor", "bitxor", "div", "mul", "rem", "shl", "shr", "sub",
];

/// The `Client` method name for an operation named `name` (already [`field_name`]d): `name`, or
/// `<name>_operation` when `name` is one of the client's own methods or a std trait method.
/// `None` when unchanged, so the caller can list the rename.
pub fn client_method(name: &str) -> Option<String> {
    (CLIENT_METHODS.contains(&name) || TRAIT_METHODS.contains(&name))
        .then(|| format!("{name}_operation"))
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

    /// How many names are taken.
    pub fn len(&self) -> usize {
        self.taken.len()
    }

    pub fn is_empty(&self) -> bool {
        self.taken.is_empty()
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
    use std::collections::BTreeSet;

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

    #[test]
    fn client_methods_and_trait_methods_are_renamed() {
        assert_eq!(
            client_method("builder").as_deref(),
            Some("builder_operation")
        );
        assert_eq!(
            client_method("base_url").as_deref(),
            Some("base_url_operation")
        );
        assert_eq!(client_method("clone").as_deref(), Some("clone_operation"));
        assert_eq!(client_method("list_jobs"), None);
    }

    #[test]
    fn long_names_are_shortened_with_a_hash_of_the_whole_name() {
        let long = "a".repeat(300);
        let short = field_name(&long);
        assert_eq!(short.len(), MAX_NAME_BYTES);
        assert_eq!(short, field_name(&long), "deterministic");
        assert_ne!(
            short,
            field_name(&format!("{long}b")),
            "same prefix, different names"
        );
        let ty = type_name(&"Segment".repeat(40));
        assert_eq!(ty.len(), MAX_NAME_BYTES);
        assert!(ty.starts_with("SegmentSegment") && ty.is_ascii(), "{ty}");
        assert!(!ty.contains('_'), "UpperCamelCase stays camel: {ty}");
        // Names within the limit are untouched.
        assert_eq!(shorten("short", 10, "_"), "short");
        assert_eq!(shorten("exactly_10", 10, "_"), "exactly_10");
    }

    /// splitmix64: a seeded generator for the property test (no dependency for one test).
    fn next(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Random names (short and long, sharing long prefixes, any characters): every converted name
    /// is within the limit, deterministic, a valid identifier, and distinct spec names stay
    /// distinct once `unique` has run, as the IR names them.
    #[test]
    fn shortened_names_are_bounded_deterministic_and_distinct() {
        let seed = std::env::var("NAMES_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(1, |d| d.as_nanos() as u64)
            });
        let mut state = seed;
        let alphabet: Vec<char> = "aAbB_-. 09zZ/é日".chars().collect();
        let prefix: String = (0..200).map(|i| alphabet[i % 10]).collect();
        let mut names = std::collections::BTreeSet::new();
        for _ in 0..2000 {
            let len = (next(&mut state) % 400) as usize;
            let mut name: String = (0..len)
                .map(|_| alphabet[(next(&mut state) % alphabet.len() as u64) as usize])
                .collect();
            if next(&mut state) % 2 == 0 {
                name = format!("{prefix}{name}");
            }
            names.insert(name);
        }
        let reproduce = format!("reproduce with NAMES_SEED={seed} cargo test -p apigen shortened");
        for convert in [type_name, field_name, variant_name] {
            let mut taken = Names::default();
            for name in &names {
                let converted = convert(name);
                assert!(
                    converted.len() <= MAX_NAME_BYTES,
                    "{name:?} -> {converted:?}; {reproduce}"
                );
                assert_eq!(converted, convert(name), "{name:?}; {reproduce}");
                assert!(
                    syn::parse_str::<syn::Ident>(&converted).is_ok(),
                    "{name:?} -> {converted:?} is not an identifier; {reproduce}"
                );
                let unique_name = unique(converted, &mut taken);
                assert!(
                    unique_name.len() <= MAX_NAME_BYTES + 6,
                    "{unique_name}; {reproduce}"
                );
            }
            assert_eq!(taken.len(), names.len(), "{reproduce}");
        }
        // Long names whose shortened forms are not made unique by `unique`: the hash alone keeps
        // them apart (a collision of 64-bit hashes among these would be a broken hash).
        let long: Vec<&String> = names.iter().filter(|n| n.len() > 150).collect();
        let shortened: BTreeSet<String> = long.iter().map(|n| shorten(n, 64, "_")).collect();
        assert_eq!(shortened.len(), long.len(), "{reproduce}");
    }
}
