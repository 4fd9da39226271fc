//! Prism (`@stoplight/prism-cli`), the third-party mock that validates each request against the
//! document (`--errors`: a violation is a 422 naming it) and answers from the document's examples or
//! schemas. Installed once into the same cache `.ci/run` uses.

use std::fs::File;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const VERSION: &str = "5.14.2";

/// The Prism executable, installed with npm into the cache when missing.
pub fn ensure() -> Result<PathBuf, String> {
    let dir = crate::npm::cache_dir("atlas-exports-ci").join(format!("prism-{VERSION}"));
    let bin = dir.join("node_modules/.bin/prism");
    if bin.is_file() {
        return Ok(bin);
    }
    eprintln!(
        "installing @stoplight/prism-cli@{VERSION} into {}",
        dir.display()
    );
    crate::npm::run(
        Command::new("npm")
            .args([
                "install",
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                "--prefix",
            ])
            .arg(&dir)
            .arg(format!("@stoplight/prism-cli@{VERSION}")),
    )?;
    if bin.is_file() {
        Ok(bin)
    } else {
        Err(format!("npm did not install {}", bin.display()))
    }
}

/// A running Prism, stopped when dropped.
pub struct Mock {
    child: Child,
    pub url: String,
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `prism mock --errors` on `document`, logging to `log`; waits until it listens.
pub fn start(prism: &Path, document: &Path, log: &Path) -> Result<Mock, String> {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))?;
    let out = File::create(log).map_err(|e| format!("cannot create {}: {e}", log.display()))?;
    let err = out.try_clone().map_err(|e| e.to_string())?;
    let child = Command::new(prism)
        .args([
            "mock",
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "--errors",
        ])
        .arg(document)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start prism: {e}"))?;
    let mut mock = Mock {
        child,
        url: format!("http://127.0.0.1:{port}"),
    };
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(90) {
        if let Ok(Some(status)) = mock.child.try_wait() {
            return Err(format!("prism exited ({status}): {}", tail(log)));
        }
        let listening = std::fs::read_to_string(log)
            .map(|t| t.contains("Prism is listening"))
            .unwrap_or(false);
        if listening && std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(mock);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let _ = mock.child.kill();
    Err(format!("prism did not listen within 90 s: {}", tail(log)))
}

/// The last lines of a log, for an error message.
pub fn tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(8)..].join("\n")
}
