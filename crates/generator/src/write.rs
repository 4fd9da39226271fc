//! Stage 6, write: put generated files on disk, or (`--check`) report which ones differ.
//!
//! The output directory is owned by the generator: files it did not produce are removed on write and
//! reported as stale on check, so a renamed type never leaves an orphan module behind.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::error::{GenError, Result};

/// Files that live in the output directory but are not generated (build artefacts).
fn is_ignored(relative: &str) -> bool {
    relative.starts_with("target/") || relative == "Cargo.lock"
}

fn existing_files(dir: &Path) -> Result<BTreeSet<String>> {
    let mut out = BTreeSet::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let entries = match std::fs::read_dir(&current) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(GenError::new(
                    current.display().to_string(),
                    format!("cannot list: {e}"),
                ))
            }
        };
        for entry in entries {
            let entry =
                entry.map_err(|e| GenError::new(current.display().to_string(), e.to_string()))?;
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(rel) = path.strip_prefix(dir) {
                let rel = rel.to_string_lossy().replace('\\', "/");
                if !is_ignored(&rel) {
                    out.insert(rel);
                }
            }
        }
    }
    Ok(out)
}

/// Paths (relative to `dir`) whose contents differ from `files`, are missing, or should not exist.
pub fn stale(dir: &Path, files: &[(String, String)]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut expected = BTreeSet::new();
    for (rel, contents) in files {
        expected.insert(rel.clone());
        match std::fs::read_to_string(dir.join(rel)) {
            Ok(on_disk) if on_disk == *contents => {}
            Ok(_) => out.push(format!("{rel} (differs)")),
            Err(_) => out.push(format!("{rel} (missing)")),
        }
    }
    for rel in existing_files(dir)? {
        if !expected.contains(&rel) {
            out.push(format!("{rel} (not generated; would be removed)"));
        }
    }
    out.sort();
    Ok(out)
}

/// Longest file or directory name written, in bytes (ext4, APFS, NTFS and most others).
pub const MAX_COMPONENT_BYTES: usize = 255;

/// Checks every output path before anything is written, so a bad one fails the run with the
/// directory untouched rather than half-way through writing: relative, `/`-separated, each
/// component non-empty, not `.`/`..`, at most [`MAX_COMPONENT_BYTES`], of ASCII letters, digits,
/// `_`, `-` and `.` (names come from the spec only through `ir::naming`, which guarantees this),
/// and no two equal ignoring case.
pub fn check_paths(files: &[(String, String)]) -> Result<()> {
    // Two files at one path (or at paths that differ only in case, one file on macOS and
    // Windows) would silently overwrite each other.
    let mut seen = BTreeSet::new();
    for (rel, _) in files {
        if !seen.insert(rel.to_ascii_lowercase()) {
            return Err(GenError::new(
                rel.as_str(),
                "generated file path is generated twice (ignoring case); nothing was written",
            ));
        }
        for component in rel.split('/') {
            let problem = if component.is_empty() || component == "." || component == ".." {
                Some("has an empty, `.` or `..` component".to_owned())
            } else if component.len() > MAX_COMPONENT_BYTES {
                Some(format!(
                    "has a component of {} bytes (at most {MAX_COMPONENT_BYTES})",
                    component.len()
                ))
            } else if !component
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            {
                Some(format!(
                    "has a character other than ASCII letters, digits, `_`, `-` and `.` in `{component}`"
                ))
            } else {
                None
            };
            if let Some(problem) = problem {
                return Err(GenError::new(
                    rel.as_str(),
                    format!("generated file path {problem}; nothing was written"),
                ));
            }
        }
    }
    Ok(())
}

/// Writes `files` under `dir`, skipping unchanged ones (keeps mtimes, so cargo does not rebuild), and
/// removes files that are no longer generated. Returns the number of files written. Paths are
/// checked ([`check_paths`]) before the directory is touched.
pub fn write(dir: &Path, files: &[(String, String)]) -> Result<usize> {
    check_paths(files)?;
    let io = |p: &PathBuf, e: std::io::Error| GenError::new(p.display().to_string(), e.to_string());
    let mut written = 0;
    let expected: BTreeSet<&str> = files.iter().map(|(rel, _)| rel.as_str()).collect();
    for rel in existing_files(dir)? {
        if !expected.contains(rel.as_str()) {
            let path = dir.join(&rel);
            std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
            // Directories the orphan leaves empty go too (never `dir` itself).
            let mut parent = path.parent();
            while let Some(p) = parent.filter(|p| *p != dir) {
                if std::fs::remove_dir(p).is_err() {
                    break;
                }
                parent = p.parent();
            }
        }
    }
    for (rel, contents) in files {
        let path = dir.join(rel);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == *contents) {
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io(&parent.to_path_buf(), e))?;
        }
        std::fs::write(&path, contents).map_err(|e| io(&path, e))?;
        written += 1;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(paths: &[&str]) -> Vec<(String, String)> {
        paths
            .iter()
            .map(|p| (p.to_string(), String::new()))
            .collect()
    }

    #[test]
    fn bad_paths_fail_before_anything_is_written() {
        let dir = std::env::temp_dir().join(format!("apigen-write-{}", std::process::id()));
        let long = format!("src/types/{}.rs", "a".repeat(253));
        for bad in [
            long.as_str(),
            "src/../x.rs",
            "src//x.rs",
            "src/a b.rs",
            "/abs.rs",
        ] {
            let err = write(&dir, &files(&["Cargo.toml", bad])).expect_err(bad);
            assert_eq!(err.pointer, bad);
            assert!(
                err.message.ends_with("nothing was written"),
                "{}",
                err.message
            );
            assert!(!dir.exists(), "{bad}: the directory was touched");
        }
        let err = check_paths(&files(&["src/lib.rs", "src/Lib.rs"])).expect_err("case twins");
        assert_eq!(err.pointer, "src/Lib.rs");
        let ok = format!("src/types/{}.rs", "a".repeat(252));
        assert_eq!(
            check_paths(&files(&["Cargo.toml", &ok, "src/lib.rs"])),
            Ok(())
        );
    }
}
