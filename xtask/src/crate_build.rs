//! Building a crate generated outside the workspace (under `target/`): offline, with the
//! workspace's lock file and target directory, so the dependencies already built there (reqwest,
//! serde, `apigen-runtime`) are reused. Shared by `cargo xtask webhooks` and `cargo xtask vendors`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// GNU time, for the peak memory of a build (absent on some machines: then only the time).
const GNU_TIME: &str = "/usr/bin/time";

/// What a measured build cost.
#[derive(Debug, Clone, Copy)]
pub struct Cost {
    pub secs: f64,
    /// Maximum resident set of one process of the build (the largest `rustc`), in kB.
    pub peak_kb: Option<u64>,
}

/// Copies the workspace's `Cargo.lock` into `dir` (the crate then builds `--offline` with the
/// versions already built) and returns the target directory to build in: `$CARGO_TARGET_DIR`
/// when set, else the workspace's `target/`.
pub fn prepare(dir: &Path, root: &Path) -> Result<PathBuf, String> {
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("cannot copy Cargo.lock into {}: {e}", dir.display()))?;
    Ok(std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target")))
}

/// `cargo ARGS --offline` in the generated crate `dir`, in `target`; prints how long it took.
pub fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    run(dir, target, args, None).map(|_| ())
}

/// [`cargo`] under GNU time when it is installed: its wall time and peak memory.
pub fn cargo_measured(dir: &Path, target: &Path, args: &[&str]) -> Result<Cost, String> {
    let report = Path::new(GNU_TIME)
        .is_file()
        .then(|| dir.join("target-time.txt"));
    let cost = run(dir, target, args, report.as_deref())?;
    let peak_kb = report.as_deref().and_then(peak_kb);
    if let Some(report) = report {
        let _ = std::fs::remove_file(report);
    }
    Ok(Cost { peak_kb, ..cost })
}

fn run(
    dir: &Path,
    target: &Path,
    args: &[&str],
    time_report: Option<&Path>,
) -> Result<Cost, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = match time_report {
        Some(report) => {
            let mut time = Command::new(GNU_TIME);
            time.arg("-v").arg("-o").arg(report).arg(cargo);
            time
        }
        None => Command::new(cargo),
    };
    command
        .current_dir(dir)
        .args(&args[..1])
        .arg("--offline")
        .args(&args[1..])
        .env("CARGO_TARGET_DIR", target)
        // Each crate is built as generated, never edited: incremental state would only fill the
        // disk (gigabytes for a whole document).
        .env("CARGO_INCREMENTAL", "0");
    let started = Instant::now();
    let result = crate::npm::run(&mut command);
    let secs = started.elapsed().as_secs_f64();
    eprintln!("cargo {} in {}: {secs:.1} s", args.join(" "), dir.display());
    result.map(|()| Cost {
        secs,
        peak_kb: None,
    })
}

/// "Maximum resident set size (kbytes): N" of a `time -v` report.
fn peak_kb(report: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(report).ok()?;
    text.lines().find_map(|line| {
        line.trim()
            .strip_prefix("Maximum resident set size (kbytes):")
            .and_then(|n| n.trim().parse().ok())
    })
}
