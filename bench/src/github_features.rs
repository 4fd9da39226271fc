//! What the GitHub rows read from documents and manifests: operations and their tags from the raw
//! document, and the per-tag cargo features a generated crate's `[features]` table may declare (one
//! feature per tag, `default` enabling all of them). Nothing here assumes feature names: a tag is
//! matched to the feature among `default`'s whose name is the same once both are lowercased and
//! stripped of everything but letters and digits.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// GitHub's REST description: `$APIGEN_GITHUB_DOC` (set by `cargo xtask bench` after fetching it with
/// npm), else the cache `cargo xtask github` fills (`~/.cache/octokit-openapi`).
pub fn document() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("APIGEN_GITHUB_DOC") {
        return Some(PathBuf::from(path));
    }
    let home = std::env::var_os("HOME").map(PathBuf::from)?;
    let path = home.join(".cache/octokit-openapi/package/generated/api.github.com.json");
    path.is_file().then_some(path)
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The operations of a raw OpenAPI document (JSON or YAML): (operationId, first tag).
pub fn operations(doc: &Value) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for item in paths.values() {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let tag = op
                    .get("tags")
                    .and_then(|t| t.get(0))
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                out.push((id, tag));
            }
        }
    }
    out
}

/// A document read as JSON, or as YAML when it is not JSON.
pub fn read_document(path: &Path) -> Result<Value, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_slice(&bytes)
        .or_else(|_| serde_yaml::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display())))
}

/// The `[features]` table of a manifest: (name, enabled features), in order.
pub fn features(manifest: &str) -> Vec<(String, Vec<String>)> {
    let mut section = String::new();
    let mut inside = false;
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') && !trimmed.starts_with("[[") && trimmed.ends_with(']') {
            if inside {
                break;
            }
            inside = trimmed == "[features]";
            continue;
        }
        if inside && !trimmed.starts_with('#') {
            // Comments inside arrays are dropped with everything after `#` on the line.
            let code = trimmed.split('#').next().unwrap_or("");
            section.push_str(code);
            section.push('\n');
        }
    }
    let mut out = Vec::new();
    let mut rest = section.as_str();
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().trim_matches('"').to_owned();
        let after = &rest[eq + 1..];
        let (Some(open), Some(close)) = (after.find('['), after.find(']')) else {
            break;
        };
        let list = after[open + 1..close]
            .split(',')
            .map(|s| s.trim().trim_matches('"').to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        out.push((name, list));
        rest = &after[close + 1..];
    }
    out
}

fn normalized(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The per-tag features of a manifest: `default`'s list, when the table has a `default`.
pub fn tag_features(manifest: &str) -> Option<Vec<String>> {
    features(manifest)
        .into_iter()
        .find(|(name, _)| name == "default")
        .map(|(_, list)| list)
        .filter(|list| !list.is_empty())
}

/// The feature among `tag_features` that stands for `tag`.
pub fn feature_for_tag<'a>(tag_features: &'a [String], tag: &str) -> Option<&'a str> {
    let tag = normalized(tag);
    tag_features
        .iter()
        .find(|f| normalized(f) == tag)
        .map(String::as_str)
}

/// Of the `mod <name>;` lines of a generated module index (`src/operations/mod.rs`), how many are
/// compiled with only `enabled` features on: (compiled, all). A module is compiled when no
/// `#[cfg(..)]` attribute stands right above it, or when the one there names an enabled feature (the
/// generator writes `feature = ".."` or `any(feature = "..", ..)`, nothing else; prettyplease may
/// break a long one over several lines).
pub fn compiled_modules(index: &str, enabled: &[&str]) -> (usize, usize) {
    let (mut compiled, mut all) = (0, 0);
    let mut gate: Option<String> = None;
    let mut open = false;
    for line in index.lines().map(str::trim) {
        if open || line.starts_with("#[cfg(") {
            let text = gate.get_or_insert_with(String::new);
            text.push_str(line);
            open = !line.ends_with(")]");
            continue;
        }
        if line.starts_with("mod ") && line.ends_with(';') {
            all += 1;
            let on = gate.as_deref().is_none_or(|g| {
                g.split("feature = \"")
                    .skip(1)
                    .filter_map(|rest| rest.split('"').next())
                    .any(|f| enabled.contains(&f))
            });
            if on {
                compiled += 1;
            }
        }
        gate = None;
    }
    (compiled, all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compiled_modules_follow_their_gates() {
        let index = "#[cfg(feature = \"repos\")]\nmod repos_get;\n#[cfg(feature = \"repos\")]\npub use repos_get::*;\n\
                     #[cfg(any(feature = \"issues\", feature = \"pulls\"))]\nmod issues_list;\n\
                     #[cfg(feature = \"gists\")]\nmod gists_get;\nmod meta_root;\n\
                     #[cfg(\n    any(\n        feature = \"orgs\",\n        feature = \"teams\"\n    )\n)]\nmod orgs_list;\n";
        assert_eq!(compiled_modules(index, &["repos"]), (2, 5));
        assert_eq!(compiled_modules(index, &["pulls", "gists"]), (3, 5));
        assert_eq!(compiled_modules(index, &["teams"]), (2, 5));
        assert_eq!(compiled_modules(index, &[]), (1, 5));
    }

    #[test]
    fn features_table_is_read_with_multiline_lists_and_comments() {
        let manifest = "[package]\nname = \"x\"\n\n[features]\n# all tags\ndefault = [\n  \"repos\", # r\n  \"issues\",\n  \"code-scanning\",\n]\nrepos = []\nissues = [\"dep:x\"]\n\"code-scanning\" = []\nmock = [\"apigen-runtime/mock\"]\n\n[dependencies]\nserde = \"1\"\n";
        let table = features(manifest);
        assert_eq!(table.len(), 5, "{table:?}");
        assert_eq!(table[2], ("issues".to_owned(), vec!["dep:x".to_owned()]));
        let tags = tag_features(manifest).unwrap();
        assert_eq!(tags, ["repos", "issues", "code-scanning"]);
        assert_eq!(
            feature_for_tag(&tags, "code-scanning"),
            Some("code-scanning")
        );
        assert_eq!(
            feature_for_tag(&tags, "Code Scanning"),
            Some("code-scanning")
        );
        assert_eq!(feature_for_tag(&tags, "users"), None);
    }

    #[test]
    fn a_features_table_without_default_has_no_tag_features() {
        let manifest =
            "[features]\nmock = [\"apigen-runtime/mock\"]\n\n[[example]]\nname = \"a\"\n";
        assert_eq!(features(manifest).len(), 1);
        assert!(tag_features(manifest).is_none());
    }

    #[test]
    fn operations_are_listed_with_their_first_tag() {
        let doc: Value = serde_json::json!({
            "paths": {
                "/a": {"get": {"operationId": "a/get", "tags": ["a", "b"]}, "parameters": []},
                "/b": {"post": {"operationId": "b/post"}, "delete": {"operationId": "b/delete", "tags": ["b"]}}
            }
        });
        let mut ops = operations(&doc);
        ops.sort();
        assert_eq!(
            ops,
            [
                ("a/get".to_owned(), Some("a".to_owned())),
                ("b/delete".to_owned(), Some("b".to_owned())),
                ("b/post".to_owned(), None),
            ]
        );
    }
}
