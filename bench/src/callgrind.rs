//! Deterministic instruction counts: this binary re-run under `valgrind --tool=callgrind` with a probe.

use std::process::{Command, Stdio};

/// Whether `valgrind` can be run.
pub fn available() -> bool {
    Command::new("valgrind")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Instructions executed by `atlas-bench --probe NAME` inside functions matching `toggle` (callgrind's
/// `--toggle-collect` pattern), on the main thread only (other threads, e.g. a loopback server, are
/// counted separately and ignored).
pub fn count(probe: &str, toggle: &str) -> Result<u64, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    count_exe(&exe, &["--probe", probe], toggle)
}

/// Instructions executed by `exe ARGS` inside functions matching `toggle`, on its main thread only.
pub fn count_exe(exe: &std::path::Path, args: &[&str], toggle: &str) -> Result<u64, String> {
    let name = args.get(1).or(args.first()).copied().unwrap_or("run");
    let name: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(40)
        .collect();
    let out = std::env::temp_dir().join(format!(
        "atlas-bench-callgrind-{}-{name}.out",
        std::process::id()
    ));
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg("--separate-threads=yes")
        .arg(format!("--toggle-collect={toggle}"))
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(exe)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("valgrind: {e}"))?;
    // With --separate-threads, thread 1 (the main thread) is written to `<file>-01`.
    let main_thread = format!("{}-01", out.display());
    let text = std::fs::read_to_string(&main_thread).unwrap_or_default();
    for n in 1..=16 {
        let _ = std::fs::remove_file(format!("{}-{n:02}", out.display()));
    }
    if !status.success() {
        return Err(format!(
            "valgrind on {} exited with {status}",
            exe.display()
        ));
    }
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|v| v.trim().parse::<u64>().ok())
        .ok_or_else(|| "no totals in the callgrind output".into())
}

/// `9.81 M instr`, `116.2 k instr`.
pub fn instr(n: f64) -> String {
    if n >= 1e6 {
        format!("{:.2} M instr", n / 1e6)
    } else {
        format!("{:.1} k instr", n / 1e3)
    }
}
