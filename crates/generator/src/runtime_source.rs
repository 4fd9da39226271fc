//! Where a generated crate's `Cargo.toml` finds `apigen-runtime` (`apigen generate --runtime`).
//!
//! Every source keeps the exact version the code is written against ([`crate::RUNTIME_VERSION`]):
//! cargo then checks that a path or git checkout holds a runtime this code compiles with, and
//! `cargo publish` of the generated crate keeps the registry version (a path or git source alone
//! would make it unpublishable).

use std::path::{Component, Path, PathBuf};

use crate::escape::toml_string;

/// How the generated `Cargo.toml` depends on `apigen-runtime`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuntimeSource {
    /// From the registry with this version requirement (default: `=`[`crate::RUNTIME_VERSION`]).
    Version(String),
    /// A directory holding the runtime's sources, as written into `Cargo.toml`: relative to the
    /// generated crate's directory (or absolute), plus `version = "=`[`crate::RUNTIME_VERSION`]`"`.
    Path(String),
    /// A git repository cargo finds the `apigen-runtime` package in, plus the exact version.
    Git(String),
}

impl Default for RuntimeSource {
    fn default() -> Self {
        Self::Version(format!("={}", crate::RUNTIME_VERSION))
    }
}

impl RuntimeSource {
    /// `version:REQ`, `path:DIR` or `git:URL` (the `--runtime` argument). A relative `DIR` is taken
    /// as written: the caller makes it relative to the output directory ([`relative_path`]).
    pub fn parse(text: &str) -> Result<Self, String> {
        let (kind, value) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}`: expected `version:REQ`, `path:DIR` or `git:URL`"))?;
        if value.trim().is_empty() {
            return Err(format!("`{text}`: `{kind}:` needs a value"));
        }
        match kind {
            "version" if is_version_requirement(value) => Ok(Self::Version(value.to_owned())),
            "version" => Err(format!("`{value}` is not a version requirement")),
            "path" => Ok(Self::Path(value.to_owned())),
            "git" => Ok(Self::Git(value.to_owned())),
            _ => Err(format!(
                "`{kind}`: the runtime comes from `version:REQ`, `path:DIR` or `git:URL`"
            )),
        }
    }

    /// This workspace's `crates/runtime` by a path relative to `out` (`../crates/runtime` for
    /// `generated/`), or the registry version when the runtime's sources are not beside this
    /// generator (an installed or published `apigen`).
    pub fn workspace(out: &Path) -> Self {
        let runtime = Path::new(env!("CARGO_MANIFEST_DIR")).join("../runtime");
        match runtime
            .join("Cargo.toml")
            .is_file()
            .then(|| relative_path(out, &runtime))
            .flatten()
        {
            Some(path) => Self::Path(path),
            None => Self::default(),
        }
    }

    /// The inline-table fields of the `apigen-runtime` entry, before its `features`.
    pub(crate) fn toml_fields(&self) -> String {
        let exact = format!("version = \"={}\"", crate::RUNTIME_VERSION);
        match self {
            Self::Version(requirement) => format!("version = {}", toml_string(requirement)),
            Self::Path(path) => format!("path = {}, {exact}", toml_string(path)),
            Self::Git(url) => format!("git = {}, {exact}", toml_string(url)),
        }
    }
}

/// Digits, dots, comparison operators, `*`, commas, spaces and pre-release letters: what a cargo
/// version requirement is made of (cargo checks the rest when it reads the manifest).
pub(crate) fn is_version_requirement(version: &str) -> bool {
    !version.trim().is_empty()
        && version.len() <= 64
        && version.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    '.' | '=' | '<' | '>' | '^' | '~' | '*' | ',' | ' ' | '-' | '+'
                )
        })
}

/// `target` as a `/`-separated path relative to the directory `from` (which need not exist yet),
/// both taken from the current directory when relative; `None` when either cannot be resolved.
pub fn relative_path(from: &Path, target: &Path) -> Option<String> {
    let target = resolve(target)?;
    let from = resolve(from)?;
    let common = from
        .components()
        .zip(target.components())
        .take_while(|(a, b)| a == b)
        .count();
    let ups = from.components().count() - common;
    let mut parts: Vec<String> = vec!["..".to_owned(); ups];
    parts.extend(
        target
            .components()
            .skip(common)
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Some(if parts.is_empty() {
        ".".to_owned()
    } else {
        parts.join("/")
    })
}

/// `path` made absolute with symbolic links resolved in its closest existing ancestor; the
/// components that do not exist yet are appended as written (`..` in them is refused).
fn resolve(path: &Path) -> Option<PathBuf> {
    let mut existing = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir().ok()?.join(path)
    };
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name()?.to_owned());
        existing = existing.parent()?.to_path_buf();
    }
    let mut out = existing.canonicalize().ok()?;
    for part in rest.into_iter().rev() {
        if Path::new(&part)
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return None;
        }
        out.push(part);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_source_and_refuses_the_rest() {
        assert_eq!(
            RuntimeSource::parse("version:=0.1.0"),
            Ok(RuntimeSource::Version("=0.1.0".into()))
        );
        assert_eq!(
            RuntimeSource::parse("path:../apigen/crates/runtime"),
            Ok(RuntimeSource::Path("../apigen/crates/runtime".into()))
        );
        assert_eq!(
            RuntimeSource::parse("git:https://example.com/apigen.git"),
            Ok(RuntimeSource::Git("https://example.com/apigen.git".into()))
        );
        for bad in [
            "0.1.0",
            "path:",
            "svn:x",
            "version:\"0.1\"",
            "version:0.1\n",
        ] {
            assert!(RuntimeSource::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn every_source_keeps_the_exact_version_or_the_requirement_given() {
        let exact = format!("version = \"={}\"", crate::RUNTIME_VERSION);
        assert_eq!(RuntimeSource::default().toml_fields(), exact);
        assert_eq!(
            RuntimeSource::Path("../runtime".into()).toml_fields(),
            format!("path = \"../runtime\", {exact}")
        );
        assert_eq!(
            RuntimeSource::Git("https://example.com/a\"b".into()).toml_fields(),
            format!("git = \"https://example.com/a\\\"b\", {exact}")
        );
        assert_eq!(
            RuntimeSource::Version("0.1".into()).toml_fields(),
            "version = \"0.1\""
        );
    }

    #[test]
    fn relative_paths_between_directories_that_may_not_exist() {
        let base = std::env::temp_dir().join(format!("apigen-relative-{}", std::process::id()));
        std::fs::create_dir_all(base.join("a/runtime")).expect("scratch dir");
        let rel = relative_path(&base.join("out/crate"), &base.join("a/runtime"));
        assert_eq!(rel.as_deref(), Some("../../a/runtime"));
        assert_eq!(relative_path(&base, &base).as_deref(), Some("."));
        assert_eq!(relative_path(&base.join("x/../y"), &base), None);
        std::fs::remove_dir_all(&base).expect("scratch dir removed");
    }

    #[test]
    fn this_workspace_runtime_is_found_by_path() {
        let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../generated");
        assert_eq!(
            RuntimeSource::workspace(&generated),
            RuntimeSource::Path("../crates/runtime".into())
        );
    }
}
