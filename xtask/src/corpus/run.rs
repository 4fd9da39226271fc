//! Runs the generator on one document in a child process (this binary, `codegen`), under a timeout and
//! an address-space cap, so a panic, stack overflow, abort or runaway document is counted, not fatal.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Bounds of one generator run (issue 11: no document may take more than 60 s or 2 GB).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    pub memory_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(60),
            memory_bytes: 2 << 30,
        }
    }
}

/// How the child ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exit {
    Code(i32),
    /// Killed by this signal (abort on stack overflow, SIGSEGV, ...).
    Signal(i32),
    /// Still running at the timeout; killed.
    Timeout,
}

/// What one run produced.
#[derive(Debug, Clone)]
pub struct Run {
    pub exit: Exit,
    pub stderr: String,
    pub elapsed: Duration,
}

/// `generator codegen --spec spec --out out --crate-name crate_name [--dry-run]`, wrapped in `sh -c 'ulimit -v'`
/// for the memory cap: std cannot set rlimits and a `libc` dependency for one call is not worth it
/// (`ulimit -v` is in every POSIX shell in use: dash, bash, busybox).
pub fn generate(
    generator: &Path,
    spec: &Path,
    out: &Path,
    crate_name: &str,
    limits: Limits,
    write: bool,
) -> Result<Run, String> {
    let stderr_path = out.with_extension("stderr");
    let stderr_file = File::create(&stderr_path)
        .map_err(|e| format!("cannot create {}: {e}", stderr_path.display()))?;
    let started = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -v "$1" || exit 125; shift; exec "$@""#)
        .arg("sh")
        .arg((limits.memory_bytes / 1024).to_string())
        .arg(generator)
        .args(["codegen", "--spec"])
        .arg(spec)
        .arg("--out")
        .arg(out)
        .args(["--crate-name", crate_name])
        .args((!write).then_some("--dry-run"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr_file)
        .spawn()
        .map_err(|e| format!("cannot start the generator: {e}"))?;
    let exit = loop {
        match child.try_wait() {
            Ok(Some(status)) => break exit_of(status),
            Ok(None) if started.elapsed() >= limits.timeout => {
                // Already-exited races are harmless: kill then reap either way.
                let _ = child.kill();
                let _ = child.wait();
                break Exit::Timeout;
            }
            Ok(None) => std::thread::sleep(poll_interval(started.elapsed())),
            Err(e) => return Err(format!("cannot wait for the generator: {e}")),
        }
    };
    let elapsed = started.elapsed();
    let stderr = std::fs::read(&stderr_path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let _ = std::fs::remove_file(&stderr_path);
    Ok(Run {
        exit,
        stderr,
        elapsed,
    })
}

/// Short polls for the many fast documents, longer ones once a run is clearly slow.
fn poll_interval(elapsed: Duration) -> Duration {
    if elapsed < Duration::from_millis(100) {
        Duration::from_millis(2)
    } else {
        Duration::from_millis(20)
    }
}

fn exit_of(status: std::process::ExitStatus) -> Exit {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(signal)) => Exit::Signal(signal),
        (None, None) => Exit::Code(-1),
    }
}

/// Applies `work` to every item on `jobs` threads; results come back in item order. Prints progress
/// to stderr every `progress_every` items.
pub fn parallel<T: Sync, R: Send>(
    items: &[T],
    jobs: usize,
    progress_every: usize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<R>>> = Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                let result = work(item);
                if let Ok(mut slots) = results.lock() {
                    slots[i] = Some(result);
                }
                let finished = done.fetch_add(1, Ordering::Relaxed) + 1;
                if progress_every > 0 && finished % progress_every == 0 {
                    eprintln!("  {finished}/{}", items.len());
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

/// A per-document scratch directory name under `base` (index keeps names unique and short).
pub fn scratch_dir(base: &Path, index: usize) -> PathBuf {
    base.join(format!("doc{index:05}"))
}
