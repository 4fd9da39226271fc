//! Benchmark 6: what the generated crate costs to build (dev profile, `-j 2`), its peak compiler memory
//! and its size, against a fixed reference crate compiled in the same run (regex-syntax, std-only).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Instant, SystemTime};

use crate::report::{Row, Verdict};
use crate::stats::{kb, median, ratio, secs};

/// generated/ + runtime against the reference build: the old 16 s target against the 2.63 s reference
/// of the run that last judged it (f27bd48, 2026-11-30), rounded down.
const CRATE_GOAL: f64 = 6.0;
/// Issue 26: the whole-API crate's build after dependencies ≤ 4.0× the reference built just before and
/// just after it (their mean).
const FULL_API_GOAL: f64 = 4.0;
/// 1 GB in kilobytes (1024 bytes).
const FULL_API_MEMORY_KB: u64 = 1_000_000_000 / 1024;
/// 1.2 GB in kilobytes (1024 bytes), as GNU time reports them.
const MEMORY_TARGET_KB: u64 = 1_200_000_000 / 1024;

/// The `.rs` files under `dir/src`, at any depth (an unreadable directory is skipped).
pub fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.join("src")];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

/// Lines of `.rs` files under `dir/src`: (files, all lines, lines under `src/runtime`).
pub fn loc(dir: &Path) -> (usize, usize, usize) {
    let (mut files, mut all, mut runtime) = (0, 0, 0);
    for path in rust_files(dir) {
        let lines = std::fs::read_to_string(&path)
            .map(|t| t.lines().count())
            .unwrap_or(0);
        files += 1;
        all += lines;
        if path.strip_prefix(dir.join("src/runtime")).is_ok() {
            runtime += lines;
        }
    }
    (files, all, runtime)
}

/// Seconds and peak RSS (kB, largest single process: rustc) of one cargo command.
pub struct Measured {
    pub seconds: f64,
    pub peak_kb: Option<u64>,
}

pub fn cargo(root: &Path, args: &[&str], target_dir: Option<&Path>) -> Command {
    let gnu_time = Path::new("/usr/bin/time");
    let mut cmd = if gnu_time.is_file() {
        let mut c = Command::new(gnu_time);
        c.arg("-v").arg("cargo");
        c
    } else {
        Command::new("cargo")
    };
    cmd.args(args).current_dir(root);
    if let Some(dir) = target_dir {
        cmd.env("CARGO_TARGET_DIR", dir);
    }
    // Same settings as a user's `cargo build`, whatever the bench binary itself was run with.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("CARGO_TERM_COLOR", "never");
    cmd
}

pub fn run(mut cmd: Command) -> Result<Measured, String> {
    let started = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        return Err(format!("{cmd:?} failed:\n{}", tail.join("\n")));
    }
    let peak_kb = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok());
    Ok(Measured { seconds, peak_kb })
}

/// The runtime features generated/ enables (`features = [..]` on its `apigen-runtime` line),
/// comma-separated; empty when none.
fn runtime_features(root: &Path) -> String {
    let manifest = std::fs::read_to_string(root.join("generated/Cargo.toml")).unwrap_or_default();
    manifest
        .lines()
        .find(|l| l.starts_with("apigen-runtime"))
        .and_then(|l| l.split_once("features = [").map(|(_, rest)| rest))
        .and_then(|rest| rest.split_once(']').map(|(list, _)| list))
        .map(|list| list.replace(['"', ' '], ""))
        .unwrap_or_default()
}

fn touch(path: &Path) -> Result<(), String> {
    let file = std::fs::File::options()
        .write(true)
        .open(path)
        .map_err(|e| format!("touch {}: {e}", path.display()))?;
    file.set_modified(SystemTime::now())
        .map_err(|e| format!("touch {}: {e}", path.display()))
}

/// A scratch package depending only on regex-syntax (std-only, no build script), in its own target dir.
fn reference_crate(root: &Path) -> Result<(PathBuf, String), String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).map_err(|e| e.to_string())?;
    let version = lock
        .split("[[package]]")
        .find_map(|p| {
            p.contains("name = \"regex-syntax\"\n")
                .then(|| p.lines().find_map(|l| l.strip_prefix("version = \"")))
                .flatten()
        })
        .map(|v| v.trim_end_matches('"').to_owned())
        .ok_or("regex-syntax not in Cargo.lock")?;
    let dir = root.join("target/bench-ref");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"bench-ref\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nregex-syntax = \"={version}\"\n\n[workspace]\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), "pub use regex_syntax;\n").map_err(|e| e.to_string())?;
    Ok((dir, format!("regex-syntax {version}")))
}

struct Samples {
    reference: Vec<f64>,
    reference_kb: Vec<u64>,
    clean: Vec<f64>,
    clean_kb: Vec<u64>,
    touch: Vec<f64>,
    touch_kb: Vec<u64>,
    runtime: Vec<f64>,
}

fn max(v: &[u64]) -> u64 {
    v.iter().copied().max().unwrap_or(0)
}

fn crate_rows(root: &Path, rounds: usize) -> Result<Vec<Row>, String> {
    let target = root.join("target/bench-build");
    let build = || {
        cargo(
            root,
            &["build", "-p", "atlas-backup-exports", "-j", "2", "--locked"],
            Some(&target),
        )
    };
    let (ref_dir, ref_name) = reference_crate(root)?;
    let ref_target = ref_dir.join("target");
    eprintln!("    dependencies (not timed)");
    run(build())?;
    run(cargo(
        &ref_dir,
        &["build", "-j", "2", "--offline"],
        Some(&ref_target),
    ))?;
    let mut s = Samples {
        reference: vec![],
        reference_kb: vec![],
        clean: vec![],
        clean_kb: vec![],
        touch: vec![],
        touch_kb: vec![],
        runtime: vec![],
    };
    for round in 0..rounds {
        if round % 2 == 0 {
            let m = reference_once(&ref_dir)?;
            s.reference.push(m.seconds);
            s.reference_kb.extend(m.peak_kb);
        }
        eprintln!(
            "    round {}: cargo clean -p atlas-backup-exports -p apigen-runtime; cargo build",
            round + 1
        );
        // The runtime is its own crate now: cleaned too, so the figure stays comparable with the
        // time when it was compiled inside the generated crate; its share is measured below.
        run(cargo(
            root,
            &[
                "clean",
                "-p",
                "atlas-backup-exports",
                "-p",
                "apigen-runtime",
            ],
            Some(&target),
        ))?;
        let m = run(build())?;
        s.clean.push(m.seconds);
        s.clean_kb.extend(m.peak_kb);
        run(cargo(
            root,
            &["clean", "-p", "apigen-runtime"],
            Some(&target),
        ))?;
        // With the features generated/ enables (e.g. `chrono`): otherwise the touch build below
        // would rebuild the runtime with them and be timed as the generated crate's.
        let features = runtime_features(root);
        let m = run(cargo(
            root,
            &[
                "build",
                "-p",
                "apigen-runtime",
                "--features",
                &features,
                "-j",
                "2",
                "--locked",
            ],
            Some(&target),
        ))?;
        s.runtime.push(m.seconds);
        touch(&root.join("generated/src/lib.rs"))?;
        let m = run(build())?;
        s.touch.push(m.seconds);
        s.touch_kb.extend(m.peak_kb);
        if round % 2 == 1 {
            let m = reference_once(&ref_dir)?;
            s.reference.push(m.seconds);
            s.reference_kb.extend(m.peak_kb);
        }
    }
    let base = median(&s.reference);
    let base_kb = max(&s.reference_kb);
    let clean = median(&s.clean);
    let touch = median(&s.touch);
    let clean_kb = max(&s.clean_kb);
    let touch_kb = max(&s.touch_kb);
    let ref_label = format!("{} ({ref_name} compile, same flags)", secs(base));
    Ok(vec![
        Row::new(6, "apigen-runtime: crate-only build (built once, shared by every generated crate)")
            .measured(secs(median(&s.runtime)))
            .baseline(ref_label.clone())
            .ratio(ratio(median(&s.runtime) / base)),
        Row::new(6, "generated/ + runtime: build after dependencies (cargo clean -p both; cargo build, dev, -j 2)")
            .measured(secs(clean))
            .baseline(ref_label.clone())
            .ratio(ratio(clean / base))
            .target(format!("≤ {CRATE_GOAL}× the reference"), Verdict::of(clean / base <= CRATE_GOAL)),
        Row::new(6, "generated/: rebuild after touching src/lib.rs (incremental)")
            .measured(secs(touch))
            .baseline(ref_label)
            .ratio(ratio(touch / base)),
        Row::new(6, "generated/: peak compiler memory (max RSS of one process, crate-only build)")
            .measured(kb(clean_kb.max(touch_kb)))
            .baseline(format!("{} ({ref_name})", kb(base_kb)))
            .ratio(ratio(clean_kb.max(touch_kb) as f64 / base_kb as f64))
            .target("< 1.2 GB", Verdict::of(clean_kb.max(touch_kb) < MEMORY_TARGET_KB)),
    ])
}

/// Build rows, and the whole-API crate's build / reference ratio when measured (the per-operation
/// comparison of the GitHub rows uses it). `full_api` is the directory of the generated full-API
/// crate, when generation worked.
pub fn rows(root: &Path, quick: bool, full_api: Option<&Path>) -> (Vec<Row>, Option<f64>) {
    let rounds = if quick { 1 } else { 2 };
    eprintln!("[6] build cost ({rounds} rounds)");
    let mut rows = Vec::new();
    let (files, lines, runtime) = loc(&root.join("generated"));
    rows.push(
        Row::new(6, "generated/: lines of Rust (src/**/*.rs)")
            .measured(format!("{lines} lines in {files} files"))
            .baseline(format!("{runtime} of them in the copied runtime")),
    );
    match crate_rows(root, rounds) {
        Ok(r) => rows.extend(r),
        Err(e) => rows.push(Row::new(6, "generated/: build").na(e)),
    }
    if quick {
        rows.push(Row::new(6, "generated/: clean build with dependencies").na("skipped (--quick)"));
    } else {
        let scratch = root.join("target/bench-scratch");
        let _ = std::fs::remove_dir_all(&scratch);
        eprintln!("    clean build with dependencies (scratch target dir)");
        let result = run(cargo(
            root,
            &["build", "-p", "atlas-backup-exports", "-j", "2", "--locked"],
            Some(&scratch),
        ));
        let _ = std::fs::remove_dir_all(&scratch);
        rows.push(match result {
            Ok(m) => Row::new(
                6,
                "generated/: clean build with dependencies (empty target dir, dev, -j 2)",
            )
            .measured(secs(m.seconds))
            .baseline(format!("peak {}", m.peak_kb.map(kb).unwrap_or_default())),
            Err(e) => Row::new(6, "generated/: clean build with dependencies").na(e),
        });
    }
    let mut full_ratio = None;
    match full_api {
        None => rows.push(
            Row::new(6, "full-API crate: LOC, build time, memory")
                .na("not available (generation failed or not run, see 1)")
                .target(
                    format!("≤ {FULL_API_GOAL}× the reference"),
                    Verdict::NotAvailable,
                ),
        ),
        Some(dir) => {
            let (files, lines, runtime) = loc(dir);
            rows.push(
                Row::new(6, "full-API crate: lines of Rust")
                    .measured(format!("{lines} lines in {files} files"))
                    .baseline(format!("{runtime} of them in the copied runtime")),
            );
            // Also with --quick: issue 26's goal is this crate's build.
            let (r, measured) = full_api_build(root, dir);
            rows.extend(r);
            full_ratio = measured;
        }
    }
    (rows, full_ratio)
}

/// One crate-only build of the reference crate in `ref_dir` (its dependencies already built).
fn reference_once(ref_dir: &Path) -> Result<Measured, String> {
    let ref_target = ref_dir.join("target");
    run(cargo(
        ref_dir,
        &["clean", "-p", "regex-syntax"],
        Some(&ref_target),
    ))?;
    run(cargo(
        ref_dir,
        &["build", "-j", "2", "--offline"],
        Some(&ref_target),
    ))
}

/// [`reference_once`] from scratch (the reference package set up, its dependencies built): seconds,
/// name.
pub fn reference_build(root: &Path) -> Result<(f64, String), String> {
    let (ref_dir, ref_name) = reference_crate(root)?;
    let ref_target = ref_dir.join("target");
    run(cargo(
        &ref_dir,
        &["build", "-j", "2", "--offline"],
        Some(&ref_target),
    ))?;
    Ok((reference_once(&ref_dir)?.seconds, ref_name))
}

/// The name of the package in `dir/Cargo.toml`.
pub fn package_name(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("name = \"")
                    .map(|n| n.trim_end_matches('"').to_owned())
            })
        })
        .unwrap_or_default()
}

/// One crate-only build of a generated crate between two reference builds.
pub struct Bracketed {
    pub build: Measured,
    pub before: f64,
    pub after: f64,
    pub reference: String,
}

impl Bracketed {
    /// The mean of the two reference builds (the verdicts' baseline).
    pub fn base(&self) -> f64 {
        (self.before + self.after) / 2.0
    }

    /// The build over the mean reference.
    pub fn ratio(&self) -> f64 {
        self.build.seconds / self.base()
    }

    /// `2.10 s (regex-syntax 0.8.12 compile just before 2.0 s and after 2.2 s, mean)`.
    pub fn baseline(&self) -> String {
        format!(
            "{} ({} compile just before {} and after {}, mean)",
            secs(self.base()),
            self.reference,
            secs(self.before),
            secs(self.after)
        )
    }

    /// `4.10× (4.0× / 4.2× against each)`.
    pub fn ratio_text(&self) -> String {
        format!(
            "{} ({} / {} against each)",
            ratio(self.ratio()),
            ratio(self.build.seconds / self.before),
            ratio(self.build.seconds / self.after)
        )
    }
}

/// `cargo build --manifest-path manifest -j 2 --offline` plus `extra`: how every crate here is built.
pub fn build_args<'a>(manifest: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["build", "--manifest-path", manifest, "-j", "2", "--offline"];
    args.extend_from_slice(extra);
    args
}

/// One crate-only build: `package` cleaned, then built with `args` (its dependencies already
/// built in `target`).
pub fn crate_only(
    root: &Path,
    manifest: &str,
    package: &str,
    args: &[&str],
    target: &Path,
) -> Result<Measured, String> {
    run(cargo(
        root,
        &["clean", "--manifest-path", manifest, "-p", package],
        Some(target),
    ))?;
    run(cargo(root, args, Some(target)))
}

/// The generated crate `dir` (its dependencies built first, untimed) cleaned and built with `extra`
/// arguments in `target`, with the reference crate built just before and just after it.
pub fn bracketed_build(
    root: &Path,
    dir: &Path,
    target: &Path,
    extra: &[&str],
) -> Result<Bracketed, String> {
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let manifest = dir.join("Cargo.toml");
    let manifest = manifest.to_string_lossy();
    let args = build_args(&manifest, extra);
    let pkg = package_name(dir);
    // Dependencies first (untimed), then the crate alone. This machine's speed drifts by ±15 %
    // within minutes (shared host): the reference crate is built just before and just after, and
    // the ratio to their mean is what compares across runs.
    run(cargo(root, &args, Some(target)))?;
    let (before, reference) = reference_build(root)?;
    let build = crate_only(root, &manifest, &pkg, &args, target)?;
    let (after, _) = reference_build(root)?;
    Ok(Bracketed {
        build,
        before,
        after,
        reference,
    })
}

/// The whole-API crate's rows, and its build / reference ratio.
fn full_api_build(root: &Path, dir: &Path) -> (Vec<Row>, Option<f64>) {
    eprintln!("    full-API crate: build (dependencies shared with bench-build)");
    let target = root.join("target/bench-build");
    match bracketed_build(root, dir, &target, &[]) {
        Ok(b) => (
            vec![
                Row::new(
                    6,
                    "full-API crate: crate-only build after dependencies (dev, -j 2; apigen-runtime built once, see its row)",
                )
                .measured(secs(b.build.seconds))
                .baseline(b.baseline())
                .ratio(b.ratio_text())
                .target(
                    format!("≤ {FULL_API_GOAL}× the mean reference"),
                    Verdict::of(b.ratio() <= FULL_API_GOAL),
                ),
                Row::new(6, "full-API crate: peak compiler memory")
                    .measured(b.build.peak_kb.map(kb).unwrap_or_default())
                    .target(
                        "≤ 1 GB",
                        Verdict::of(b.build.peak_kb.is_some_and(|k| k <= FULL_API_MEMORY_KB)),
                    ),
            ],
            Some(b.ratio()),
        ),
        Err(e) => (
            vec![Row::new(6, "full-API crate: build")
                .na(e)
                .target(
                    format!("≤ {FULL_API_GOAL}× the mean reference"),
                    Verdict::NotAvailable,
                )],
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_features_are_read_from_the_generated_manifest() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let manifest = std::fs::read_to_string(root.join("generated/Cargo.toml")).unwrap();
        let expected = if manifest.contains("features = [\"chrono\"]") {
            "chrono"
        } else {
            ""
        };
        assert_eq!(runtime_features(&root), expected);
    }

    #[test]
    fn loc_counts_rust_lines_and_runtime_share() {
        let dir = std::env::temp_dir().join(format!("atlas-bench-loc-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src/runtime")).unwrap();
        std::fs::write(dir.join("src/lib.rs"), "a\nb\n").unwrap();
        std::fs::write(dir.join("src/runtime/mod.rs"), "c\n").unwrap();
        std::fs::write(dir.join("src/notes.md"), "x\ny\n").unwrap();
        assert_eq!(loc(&dir), (2, 3, 1));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
