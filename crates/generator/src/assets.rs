//! Files a spec directory may bring besides the document: `crate-docs.md` (the generated crate's
//! README and crate docs, whose code blocks run as doctests) and `examples/*.rs` (example programs,
//! with the `[dev-dependencies]` they need in `examples/dev-dependencies.toml`).
//!
//! They are code the generated crate compiles and runs, so they are read only when the user opts in
//! ([`crate::Options::spec_assets`]): a document downloaded into a folder must not pull in what lies
//! beside it. Even then nothing is read through a symbolic link or from outside the spec's own
//! directory, and the dev-dependencies file is parsed and checked (registry crates only), never
//! copied into `Cargo.toml` as text.

use std::path::Path;

use crate::error::{GenError, Result};
use crate::escape::toml_string;
use crate::runtime_source::is_version_requirement;

/// Example programs for the generated crate, read from `<spec dir>/examples/`.
#[derive(Debug, Clone, Default)]
pub struct Examples {
    /// (file name, source), sorted by name; every name is `[A-Za-z0-9_-]+.rs`.
    pub files: Vec<(String, String)>,
    /// What `examples/dev-dependencies.toml` declares, checked.
    pub dev_dependencies: Vec<DevDependency>,
}

/// One `[dev-dependencies]` entry an example needs: a crate from the registry, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DevDependency {
    pub name: String,
    pub version: String,
    pub features: Vec<String>,
    pub default_features: Option<bool>,
}

impl DevDependency {
    /// The entry's line in `Cargo.toml`, every string written by the TOML writer.
    pub fn to_toml(&self) -> String {
        let mut fields = vec![format!("version = {}", toml_string(&self.version))];
        if let Some(default) = self.default_features {
            fields.push(format!("default-features = {default}"));
        }
        if !self.features.is_empty() {
            let list: Vec<String> = self.features.iter().map(|f| toml_string(f)).collect();
            fields.push(format!("features = [{}]", list.join(", ")));
        }
        format!("{} = {{ {} }}", self.name, fields.join(", "))
    }
}

/// Whether `name` is a plain name cargo accepts for a package, a feature or an example
/// (ASCII letters, digits, `-` and `_`): it is written into `Cargo.toml` as a bare key or a path.
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// What the spec directory `dir` brings, read only because the user opted in.
pub fn load(dir: &Path) -> Result<(Option<String>, Examples)> {
    let docs = dir.join("crate-docs.md");
    let crate_docs = match regular_file(&docs)? {
        true => Some(read(&docs)?),
        false => None,
    };
    Ok((crate_docs, load_examples(&dir.join("examples"))?))
}

/// The asset files and directories of `dir` that exist, which [`load`] reads (for a build script's
/// `cargo:rerun-if-changed`; a directory is watched whole by cargo).
pub fn paths(dir: &Path) -> Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    let docs = dir.join("crate-docs.md");
    if regular_file(&docs)? {
        out.push(docs);
    }
    let examples = dir.join("examples");
    if directory(&examples)? {
        out.push(examples);
    }
    Ok(out)
}

/// `examples/*.rs` and `examples/dev-dependencies.toml`; a missing directory means no examples.
fn load_examples(dir: &Path) -> Result<Examples> {
    if !directory(dir)? {
        return Ok(Examples::default());
    }
    let io = |e: std::io::Error| error(dir, format!("cannot read examples: {e}"));
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            return Err(error(&path, "an example's file name is not UTF-8".into()));
        };
        let Some(stem) = name.strip_suffix(".rs") else {
            continue; // not an example program (dev-dependencies.toml, notes)
        };
        if !is_plain_name(stem) {
            return Err(error(
                &path,
                "an example's name must be ASCII letters, digits, `-` or `_`".into(),
            ));
        }
        if !regular_file(&path)? {
            return Err(error(&path, "an example must be a regular file".into()));
        }
        files.push((name.to_owned(), read(&path)?));
    }
    files.sort();
    let deps = dir.join("dev-dependencies.toml");
    let dev_dependencies = match regular_file(&deps)? {
        true => parse_dev_dependencies(&read(&deps)?).map_err(|m| error(&deps, m))?,
        false => Vec::new(),
    };
    Ok(Examples {
        files,
        dev_dependencies,
    })
}

/// `name = "version"` or `name = { version = "..", features = [..], default-features = bool }`
/// per line, either at the top level or under `[dev-dependencies]`; anything else (a path, git or
/// other registry source, another table, a build script setting) is refused with its key.
pub fn parse_dev_dependencies(text: &str) -> std::result::Result<Vec<DevDependency>, String> {
    let mut table: toml::Table = toml::from_str(text).map_err(|e| format!("invalid TOML: {e}"))?;
    if let Some(inner) = table.remove("dev-dependencies") {
        if !table.is_empty() {
            let keys: Vec<&String> = table.keys().collect();
            return Err(format!(
                "only [dev-dependencies] is allowed, found {keys:?}"
            ));
        }
        table = match inner {
            toml::Value::Table(t) => t,
            _ => return Err("[dev-dependencies] must be a table".into()),
        };
    }
    const SECTIONS: &[&str] = &[
        "package",
        "dependencies",
        "build-dependencies",
        "target",
        "features",
        "patch",
        "replace",
        "profile",
        "workspace",
        "lib",
        "bin",
        "example",
        "test",
        "bench",
        "lints",
    ];
    if let Some(section) = table.keys().find(|k| SECTIONS.contains(&k.as_str())) {
        return Err(format!(
            "only [dev-dependencies] is allowed, found [{section}]"
        ));
    }
    let mut out = Vec::new();
    for (name, spec) in table {
        if !is_plain_name(&name) {
            return Err(format!("`{name}` is not a crate name"));
        }
        if crate::emit::RESERVED_DEV_DEPENDENCIES.contains(&name.as_str()) {
            return Err(format!(
                "`{name}` is a dependency the generated crate declares itself"
            ));
        }
        out.push(dev_dependency(name, spec)?);
    }
    Ok(out)
}

fn dev_dependency(name: String, spec: toml::Value) -> std::result::Result<DevDependency, String> {
    let mut dep = DevDependency {
        name,
        version: String::new(),
        features: Vec::new(),
        default_features: None,
    };
    match spec {
        toml::Value::String(version) => dep.version = version,
        toml::Value::Table(fields) => {
            for (key, value) in fields {
                match (key.as_str(), value) {
                    ("version", toml::Value::String(v)) => dep.version = v,
                    ("default-features", toml::Value::Boolean(b)) => dep.default_features = Some(b),
                    ("features", toml::Value::Array(list)) => {
                        for feature in list {
                            match feature {
                                toml::Value::String(f) if is_feature(&f) => dep.features.push(f),
                                other => {
                                    return Err(format!(
                                        "`{}`: feature {other:?} is not a feature name",
                                        dep.name
                                    ))
                                }
                            }
                        }
                    }
                    (key, _) => {
                        return Err(format!(
                            "`{}`: `{key}` is not allowed (registry crates only: version, features, default-features)",
                            dep.name
                        ))
                    }
                }
            }
        }
        _ => return Err(format!("`{}`: expected a version or a table", dep.name)),
    }
    if !is_version_requirement(&dep.version) {
        return Err(format!(
            "`{}`: `{}` is not a version requirement",
            dep.name, dep.version
        ));
    }
    Ok(dep)
}

/// A feature name, or `dep/feature` (what cargo allows in a dependency's `features`).
fn is_feature(name: &str) -> bool {
    name.split_once('/').map_or(is_plain_name(name), |(a, b)| {
        is_plain_name(a) && is_plain_name(b)
    })
}

/// Whether `path` is a regular file (false when absent); a symbolic link is an error, never followed.
fn regular_file(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(error(
            path,
            "is a symbolic link: spec assets are never read through one".into(),
        )),
        Ok(meta) => Ok(meta.is_file()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(error(path, format!("cannot read: {e}"))),
    }
}

/// Whether `path` is a directory (false when absent); a symbolic link is an error, never followed.
fn directory(path: &Path) -> Result<bool> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => Err(error(
            path,
            "is a symbolic link: spec assets are never read through one".into(),
        )),
        Ok(meta) => Ok(meta.is_dir()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(error(path, format!("cannot read: {e}"))),
    }
}

/// Largest asset read (a README or an example program is far smaller).
pub const MAX_ASSET_BYTES: u64 = 1 << 20;

/// The text of `path`, which [`regular_file`] found to be a regular file: read from the file that
/// was checked (the same device and inode once opened, so a swap for a link in between is refused),
/// with no other hard link to it, and at most [`MAX_ASSET_BYTES`].
fn read(path: &Path) -> Result<String> {
    use std::io::Read;
    let io = |e: std::io::Error| error(path, format!("cannot read: {e}"));
    let checked = std::fs::symlink_metadata(path).map_err(io)?;
    let file = std::fs::File::open(path).map_err(io)?;
    let opened = file.metadata().map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if (opened.dev(), opened.ino()) != (checked.dev(), checked.ino()) {
            return Err(error(path, "changed while it was read".into()));
        }
        if opened.nlink() > 1 {
            return Err(error(
                path,
                "has other hard links: spec assets are read only from files of their own".into(),
            ));
        }
    }
    if !opened.is_file() || !checked.is_file() {
        return Err(error(path, "is not a regular file".into()));
    }
    if opened.len() > MAX_ASSET_BYTES {
        return Err(error(
            path,
            format!("is larger than {MAX_ASSET_BYTES} bytes"),
        ));
    }
    let mut text = String::new();
    file.take(MAX_ASSET_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(io)?;
    if text.len() as u64 > MAX_ASSET_BYTES {
        return Err(error(
            path,
            format!("is larger than {MAX_ASSET_BYTES} bytes"),
        ));
    }
    Ok(text)
}

fn error(path: &Path, message: String) -> GenError {
    GenError::new(path.display().to_string(), message)
}

#[cfg(test)]
mod tests;
