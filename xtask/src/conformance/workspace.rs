//! The scratch cargo workspace a run builds in: `crates/<crate>` (the generated client) and
//! `drivers/<crate>-driver` per document, this repository's Cargo.lock (offline builds, the same
//! versions CI tested) and its target directory (dependencies compiled once for every crate).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use super::driver::{self, Exercised};
use super::report::{self, CallResult};
use crate::corpus::fetch::Document;

/// Longest a driver may run against Prism (hundreds of calls take seconds; this catches a hang).
const DRIVER_TIMEOUT: Duration = Duration::from_secs(600);

pub struct Workspace {
    dir: PathBuf,
    target: PathBuf,
    lock: PathBuf,
}

/// A document ready to build: its crate and driver written.
pub struct Prepared {
    pub document: Document,
    pub driver: String,
    pub exercised: Vec<Exercised>,
    /// The document as parsed (the classifier reads it where a failure points).
    pub raw: Value,
}

impl Workspace {
    /// An empty workspace at `dir` (what a previous run left there is removed).
    pub fn create(dir: &Path, root: &Path) -> Result<Self, String> {
        for sub in ["crates", "drivers"] {
            let _ = std::fs::remove_dir_all(dir.join(sub));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let manifest = "# Written by `cargo xtask conformance`.\n[workspace]\nmembers = [\"crates/*\", \"drivers/*\"]\nresolver = \"2\"\n";
        std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        let lock = root.join("Cargo.lock");
        std::fs::copy(&lock, dir.join("Cargo.lock"))
            .map_err(|e| format!("cannot copy {}: {e}", lock.display()))?;
        Ok(Workspace {
            dir: dir.to_owned(),
            target: root.join("target"),
            lock,
        })
    }

    /// Generates each document's crate and driver, `jobs` at a time; an error says why one cannot.
    pub fn prepare(&self, batch: &[Document], jobs: usize) -> Vec<Result<Prepared, String>> {
        crate::corpus::run::parallel(batch, jobs, 0, |document| self.prepare_one(document))
    }

    fn prepare_one(&self, document: &Document) -> Result<Prepared, String> {
        let krate = crate::corpus::crate_name(&document.name);
        let out = self.dir.join("crates").join(&krate);
        let options = apigen::Options {
            crate_name: krate.clone(),
            spec_label: document.name.clone(),
            runtime: apigen::RuntimeSource::workspace(&out),
            ..apigen::Options::default()
        };
        // `apigen::generate`'s stages, once: the driver is written from the same IR as the crate
        // (no spec assets are read for a corpus document, so nothing else differs).
        let not_generated = |e: apigen::GenError| format!("not generated: {e}");
        let loaded = apigen::load::load(&document.path).map_err(not_generated)?;
        let api = apigen::build_ir(&loaded, &options).map_err(not_generated)?;
        let files = apigen::render(&api, &options).map_err(not_generated)?;
        apigen::write::write(&out, &files).map_err(|e| format!("not written: {e}"))?;
        let lib = krate.replace('-', "_");
        let (source, exercised) = driver::source(&api, &loaded.raw, &lib);
        let name = format!("{krate}-driver");
        let dir = self.dir.join("drivers").join(&name);
        std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
        let manifest = format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\n{krate} = {{ path = \"../../crates/{krate}\" }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n\
             serde = \"1\"\nserde_json = \"1\"\n\
             chrono = {{ version = \"0.4\", default-features = false, features = [\"std\", \"serde\"] }}\n\
             uuid = {{ version = \"1\", features = [\"serde\"] }}\n"
        );
        std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
        std::fs::write(dir.join("src/main.rs"), source).map_err(|e| e.to_string())?;
        Ok(Prepared {
            document: document.clone(),
            driver: name,
            exercised,
            raw: loaded.raw,
        })
    }

    /// Builds the drivers (and so the crates) of `ready` in one cargo run that keeps going past a
    /// failure; returns the compiler's errors per driver that did not build.
    pub fn build(
        &self,
        ready: &[Prepared],
        jobs: usize,
    ) -> Result<HashMap<String, String>, String> {
        if ready.is_empty() {
            return Ok(HashMap::new());
        }
        let _ = &self.lock;
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut command = Command::new(cargo);
        command
            .current_dir(&self.dir)
            .args([
                "build",
                "--offline",
                "--keep-going",
                "--message-format=json",
                "-j",
            ])
            .arg(jobs.to_string())
            .env("CARGO_TARGET_DIR", &self.target)
            // Each crate is built once: incremental state and debug info would only fill the disk.
            .env("CARGO_INCREMENTAL", "0")
            .env("CARGO_PROFILE_DEV_DEBUG", "0")
            .stderr(Stdio::inherit());
        for p in ready {
            command.args(["-p", &p.driver]);
        }
        eprintln!("conformance: building {} drivers", ready.len());
        let started = Instant::now();
        let output = command
            .output()
            .map_err(|e| format!("cannot run cargo: {e}"))?;
        eprintln!(
            "conformance: built in {:.0} s",
            started.elapsed().as_secs_f64()
        );
        let mut errors: HashMap<String, String> = HashMap::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<Value>(line) else {
                continue;
            };
            if message.get("reason").and_then(Value::as_str) != Some("compiler-message") {
                continue;
            }
            let diagnostic = &message["message"];
            if diagnostic.get("level").and_then(Value::as_str) != Some("error") {
                continue;
            }
            let package = message
                .get("package_id")
                .and_then(Value::as_str)
                .and_then(package_name)
                .unwrap_or_default();
            let rendered = diagnostic
                .get("rendered")
                .and_then(Value::as_str)
                .unwrap_or("");
            let driver = if package.ends_with("-driver") {
                package
            } else {
                format!("{package}-driver")
            };
            let entry = errors.entry(driver).or_default();
            if entry.len() < 4000 {
                entry.push_str(rendered);
            }
        }
        // A driver whose binary is missing failed even if no message named it (a linker error).
        for p in ready {
            if !self.binary(&p.driver).is_file() && !errors.contains_key(&p.driver) {
                errors.insert(p.driver.clone(), "the driver did not build".into());
            }
        }
        Ok(errors)
    }

    fn binary(&self, driver: &str) -> PathBuf {
        self.target.join("debug").join(driver)
    }

    /// Runs one driver against Prism serving its document; an error names a document Prism could
    /// not serve (it leaves the sample).
    pub fn exercise(
        &self,
        p: &Prepared,
        prism: &Path,
        build_error: Option<&str>,
    ) -> Result<report::Document, (String, String)> {
        let name = p.document.name.clone();
        if let Some(error) = build_error {
            let calls = vec![CallResult::not_built(error)];
            return Ok(report::Document::new(&name, &p.raw, &p.exercised, &calls));
        }
        let log = self.dir.join("drivers").join(&p.driver).join("prism.log");
        let mock = super::prism::start(prism, &p.document.path, &log)
            .map_err(|e| (name.clone(), format!("Prism cannot serve it: {e}")))?;
        let stderr = log.with_file_name("driver.stderr");
        let (output, success) = run_with_timeout(&self.binary(&p.driver), &mock.url, &stderr)
            .map_err(|e| (name.clone(), e))?;
        drop(mock);
        let mut calls: Vec<CallResult> = output
            .lines()
            .filter_map(|line| serde_json::from_str::<CallResult>(line).ok())
            .collect();
        if !success {
            // A panic or abort in the client: every operation after it has no line ("missing").
            let text = std::fs::read_to_string(&stderr).unwrap_or_default();
            let tail: String = text
                .chars()
                .rev()
                .take(1500)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            if let Some(last) = calls.last_mut().filter(|c| c.outcome == "ok") {
                last.outcome = "crashed".into();
                last.detail = tail;
            }
        }
        Ok(report::Document::new(&name, &p.raw, &p.exercised, &calls))
    }
}

/// `name` of a package id (`path+file:///…/name#0.1.0` or `path+file:///…#name@0.1.0`).
fn package_name(id: &str) -> Option<String> {
    let fragment = id.rsplit_once('#')?;
    match fragment.1.split_once('@') {
        Some((name, _)) => Some(name.to_owned()),
        None => fragment.0.rsplit('/').next().map(str::to_owned),
    }
}

/// The driver's standard output, and whether it exited successfully.
fn run_with_timeout(binary: &Path, url: &str, stderr: &Path) -> Result<(String, bool), String> {
    let err = std::fs::File::create(stderr).map_err(|e| e.to_string())?;
    let mut child = Command::new(binary)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(err)
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let stdout = child.stdout.take();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut out) = stdout {
            let _ = std::io::Read::read_to_string(&mut out, &mut text);
        }
        text
    });
    let started = Instant::now();
    let success = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status.success(),
            Ok(None) if started.elapsed() > DRIVER_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "the driver ran over {} s",
                    DRIVER_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(e.to_string()),
        }
    };
    let output = reader
        .join()
        .map_err(|_| "the driver's output could not be read".to_owned())?;
    Ok((output, success))
}
