//! `--compile K`: `cargo clippy -- -D warnings` on generated crates, all in one shared target
//! directory so the dependencies (reqwest, serde, ...) are built once.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use super::fetch::Document;
use super::run::{self, Exit, Limits};

/// Clippy's verdict on one generated crate.
#[derive(Debug)]
pub struct Checked {
    pub document: String,
    pub passed: bool,
    /// The first lines of clippy's errors (empty when it passed).
    pub excerpt: String,
    pub secs: f64,
}

/// Regenerates each document into `base/crates/<crate>` and runs clippy on it.
pub fn clippy(
    generator: &Path,
    documents: &[Document],
    base: &Path,
    jobs: usize,
) -> Result<Vec<Checked>, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The workspace's own target dir and lock file: the generated crates need a subset of its
    // dependencies (apigen-runtime included), so they build offline and reuse what is compiled.
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let target_dir = workspace.join("target");
    let lock = workspace.join("Cargo.lock");
    let mut results = Vec::new();
    for document in documents {
        let crate_name = super::crate_name(&document.name);
        let dir = base.join("crates").join(&crate_name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let generated = run::generate(
            generator,
            &document.path,
            &dir,
            &crate_name,
            Limits::default(),
            true,
        )?;
        if generated.exit != Exit::Code(0) {
            return Err(format!(
                "{} generated in the corpus run but not now: {}",
                document.name, generated.stderr
            ));
        }
        let offline = std::fs::copy(&lock, dir.join("Cargo.lock")).is_ok();
        eprintln!("clippy {} ({crate_name})", document.name);
        let started = Instant::now();
        let output = Command::new(&cargo)
            .args([
                "clippy",
                "--quiet",
                "-j",
                &jobs.to_string(),
                "--manifest-path",
            ])
            .arg(dir.join("Cargo.toml"))
            .args(offline.then_some("--offline"))
            .args(["--", "-D", "warnings"])
            .env("CARGO_TARGET_DIR", &target_dir)
            // Each crate is checked once: incremental state would only fill the disk.
            .env("CARGO_INCREMENTAL", "0")
            .output()
            .map_err(|e| format!("cannot run cargo clippy: {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        results.push(Checked {
            document: document.name.clone(),
            passed: output.status.success(),
            excerpt: if output.status.success() {
                String::new()
            } else {
                stderr.lines().take(30).collect::<Vec<_>>().join("\n")
            },
            secs: started.elapsed().as_secs_f64(),
        });
    }
    Ok(results)
}
