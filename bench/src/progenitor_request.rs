//! Benchmark 3's progenitor row (issue 26): progenitor's generated client (`cargo-progenitor`
//! 0.15.1) for the same operation, `getGroupBackupExportBucket`, against the same loopback server as
//! the generated client's per-request rows: client-thread instructions (callgrind) and wall clock,
//! side by side.
//!
//! progenitor 0.15.1 panics on spec/ (`more media types than expected`), so it is given a reduced
//! document built here from spec/: that operation with every component it references, its 200
//! response narrowed to the media type the server answers and declared as `application/json` (the
//! only one progenitor decodes). Its crate is a normal dependency of a bench-only
//! driver crate (`target/bench-progenitor-client/driver`, release profile, its own lock file and
//! target dir): the first run resolves and fetches its dependencies, later runs build `--offline`.
//! The driver runs the calls in its own process against this process's server: one line on stdin
//! (a call count) answers one line (seconds per call), so the rounds alternate with our client's.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use serde_json::{Map, Value};

use crate::data::{BUCKET, GROUP};
use crate::report::{Row, Verdict};
use crate::server::Server;
use crate::stats::{ratio, secs, Sides};

/// The pinned progenitor release.
pub const VERSION: &str = "0.15.1";
const OPERATION_ID: &str = "getGroupBackupExportBucket";
/// The media type the loopback server answers (client.rs's `BUCKET_MEDIA_TYPE`).
const MEDIA_TYPE: &str = "application/vnd.atlas.2024-05-30+json";

/// `target/progenitor-<VERSION>/bin/cargo-progenitor`, installed there with `cargo install --root`
/// when missing.
pub fn install(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join(format!("target/progenitor-{VERSION}"));
    let bin = dir.join("bin/cargo-progenitor");
    if bin.is_file() {
        return Ok(bin);
    }
    eprintln!(
        "    installing cargo-progenitor {VERSION} into {}",
        dir.display()
    );
    let out = Command::new("cargo")
        .args([
            "install",
            "cargo-progenitor",
            "--locked",
            "-j",
            "2",
            "--version",
            VERSION,
        ])
        .arg("--root")
        .arg(&dir)
        .output()
        .map_err(|e| format!("cannot run cargo install: {e}"))?;
    if !out.status.success() || !bin.is_file() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or("").to_owned();
        return Err(format!("cargo-progenitor {VERSION} not installed ({last})"));
    }
    Ok(bin)
}

/// Every `$ref` under `value`.
fn refs(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.insert(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The document with only the operation `operation_id` (under its path and method) and the
/// components it references, directly or not; its 200 response keeps only `media_type`'s content,
/// declared as `application/json`.
pub fn reduced_document(
    spec: &Value,
    operation_id: &str,
    media_type: &str,
) -> Result<Value, String> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("no paths")?;
    let (path, method, mut op) = paths
        .iter()
        .flat_map(|(p, item)| {
            item.as_object()
                .into_iter()
                .flatten()
                .map(move |(m, op)| (p.clone(), m.clone(), op.clone()))
        })
        .find(|(_, _, op)| op.get("operationId").and_then(Value::as_str) == Some(operation_id))
        .ok_or_else(|| format!("no operation `{operation_id}`"))?;
    if let Some(content) = op
        .pointer_mut("/responses/200/content")
        .and_then(Value::as_object_mut)
    {
        // Declared as `application/json`: progenitor decodes only that; under a vendor media type
        // it hands back the unread byte stream, which would leave the body unread and undecoded.
        let kept = content
            .remove(media_type)
            .ok_or_else(|| format!("no 200 `{media_type}`"))?;
        content.clear();
        content.insert("application/json".into(), kept);
    }
    let mut components = Map::new();
    let mut seen = BTreeSet::new();
    let mut todo = BTreeSet::new();
    refs(&op, &mut todo);
    while let Some(r) = todo.pop_first() {
        if !seen.insert(r.clone()) {
            continue;
        }
        let pointer = r
            .strip_prefix('#')
            .ok_or_else(|| format!("external $ref `{r}`"))?;
        let target = spec
            .pointer(pointer)
            .ok_or_else(|| format!("dangling $ref `{r}`"))?;
        refs(target, &mut todo);
        let mut parts = pointer.trim_start_matches("/components/").splitn(2, '/');
        let (Some(kind), Some(name)) = (parts.next(), parts.next()) else {
            return Err(format!("$ref outside components: `{r}`"));
        };
        let entry = components
            .entry(kind.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(map) = entry {
            map.insert(name.replace("~1", "/").replace("~0", "~"), target.clone());
        }
    }
    let mut doc = Map::new();
    for key in ["openapi", "info", "servers"] {
        if let Some(v) = spec.get(key) {
            doc.insert(key.into(), v.clone());
        }
    }
    doc.insert("paths".into(), serde_json::json!({ path: { method: op } }));
    doc.insert("components".into(), Value::Object(components));
    Ok(Value::Object(doc))
}

const DRIVER_MAIN: &str = r#"//! Written by atlas-bench: progenitor's client in a loop (see bench/src/progenitor_request.rs).
use std::io::{BufRead, Write};
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, base, group, bucket) = (&args[1], &args[2], &args[3], &args[4]);
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let client = progenitor_atlas::Client::new(base);
    let gets = |calls: usize| -> f64 {
        rt.block_on(async {
            let started = Instant::now();
            for _ in 0..calls {
                let bucket = client
                    .get_group_backup_export_bucket()
                    .group_id(group.as_str())
                    .export_bucket_id(bucket.as_str())
                    .send()
                    .await
                    .expect("progenitor call");
                std::hint::black_box(bucket.into_inner());
            }
            started.elapsed().as_secs_f64() / calls as f64
        })
    };
    // The same GETs hand-written on progenitor's HTTP stack (reqwest 0.13): URL, status, body, serde
    // into progenitor's type for the bucket.
    let http = reqwest::Client::new();
    let url = format!("{base}/api/atlas/v2/groups/{group}/backup/exportBuckets/{bucket}");
    let handwritten = |calls: usize| -> f64 {
        rt.block_on(async {
            let started = Instant::now();
            for _ in 0..calls {
                let response = http.get(&url).send().await.expect("reqwest call");
                assert!(response.status().is_success());
                let body = response.bytes().await.expect("body");
                let bucket: progenitor_atlas::types::DiskBackupSnapshotExportBucketResponse =
                    serde_json::from_slice(&body).expect("bucket decodes");
                std::hint::black_box(bucket);
            }
            started.elapsed().as_secs_f64() / calls as f64
        })
    };
    match mode.as_str() {
        "probe" => return drop(gets(1000)),
        "probe-handwritten" => return drop(handwritten(1000)),
        _ => {}
    }
    let mut out = std::io::stdout();
    for line in std::io::stdin().lock().lines() {
        let calls: usize = line.expect("stdin").trim().parse().expect("a call count");
        writeln!(out, "{}", gets(calls)).expect("stdout");
        out.flush().expect("flush");
    }
}
"#;

/// Generates progenitor's crate for the reduced document and builds the driver (release): its binary.
fn driver(root: &Path) -> Result<PathBuf, String> {
    let bin = install(root)?;
    let work = root.join("target/bench-progenitor-client");
    let dir = work.join("driver");
    let api = dir.join("api");
    let spec_text =
        std::fs::read_to_string(root.join("spec/openapi.yaml")).map_err(|e| e.to_string())?;
    let spec: Value = serde_yaml::from_str(&spec_text).map_err(|e| e.to_string())?;
    let reduced = reduced_document(&spec, OPERATION_ID, MEDIA_TYPE)?;
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let doc = work.join("reduced.json");
    let text = serde_json::to_string_pretty(&reduced).map_err(|e| e.to_string())?;
    std::fs::write(&doc, text).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_dir_all(api.join("src"));
    let out = Command::new(&bin)
        .arg("progenitor")
        .arg("-i")
        .arg(&doc)
        .arg("-o")
        .arg(&api)
        .args([
            "-n",
            "progenitor-atlas",
            "-v",
            "0.1.0",
            "--interface",
            "builder",
        ])
        .output()
        .map_err(|e| format!("cannot run cargo-progenitor: {e}"))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        return Err(format!(
            "cargo-progenitor rejected the reduced document: {}",
            stderr.trim()
        ));
    }
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"progenitor-driver\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nprogenitor-atlas = { path = \"api\" }\n\
         reqwest = { version = \"0.13\", default-features = false }\nserde_json = \"1\"\n\
         tokio = { version = \"1\", features = [\"rt\", \"net\", \"time\"] }\n\n[workspace]\n",
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/main.rs"), DRIVER_MAIN).map_err(|e| e.to_string())?;
    let manifest = dir.join("Cargo.toml");
    let build = |offline: bool| {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.args(["build", "--release", "-j", "2", "--manifest-path"])
            .arg(&manifest)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .env_remove("RUSTFLAGS");
        if offline {
            cmd.arg("--offline");
        }
        cmd.output()
    };
    eprintln!("    building progenitor's client (release; offline once fetched)");
    let offline = build(true).map_err(|e| e.to_string())?;
    if !offline.status.success() {
        // The first run: resolve and fetch its dependencies.
        let online = build(false).map_err(|e| e.to_string())?;
        if !online.status.success() {
            let stderr = String::from_utf8_lossy(&online.stderr);
            let tail: Vec<&str> = stderr.lines().rev().take(8).collect();
            return Err(format!("driver build failed: {}", tail.join(" | ")));
        }
    }
    Ok(dir.join("target/release/progenitor-driver"))
}

/// The driver process serving rounds on stdin/stdout.
struct Driver {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
}

impl Driver {
    fn start(bin: &Path, base: &str) -> Result<Driver, String> {
        let mut child = Command::new(bin)
            .args(["serve", base, GROUP, BUCKET])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("driver: {e}"))?;
        let stdin = child.stdin.take().ok_or("driver stdin")?;
        let stdout = BufReader::new(child.stdout.take().ok_or("driver stdout")?);
        Ok(Driver {
            child,
            stdin,
            stdout,
        })
    }

    /// Seconds per call over `calls` calls.
    fn round(&mut self, calls: usize) -> f64 {
        let mut line = String::new();
        let ok = writeln!(self.stdin, "{calls}").is_ok()
            && self.stdin.flush().is_ok()
            && self.stdout.read_line(&mut line).is_ok();
        if ok {
            line.trim().parse().unwrap_or(f64::NAN)
        } else {
            f64::NAN
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The progenitor rows of benchmark 3.
pub fn rows(root: &Path, quick: bool) -> Vec<Row> {
    let wall = "GET get_export_bucket: time per call (generated / progenitor's generated client, same server)";
    let instr = "1000 GET: client-thread instructions per call (generated / progenitor's client, callgrind)";
    let goal = "≤ 1.00× (no slower)";
    let na = |why: String| {
        vec![
            Row::new(3, wall)
                .na(why.clone())
                .target(goal, Verdict::NotAvailable),
            Row::new(3, instr)
                .na(why)
                .target(goal, Verdict::NotAvailable),
        ]
    };
    eprintln!("[3] per request against progenitor {VERSION}'s client");
    let bin = match driver(root) {
        Ok(b) => b,
        Err(e) => {
            return na(format!(
            "{e} (bench is not in CI; this row needs cargo-progenitor and its crates fetched once)"
        ))
        }
    };
    let server = match Server::start(crate::client::handler(), Duration::ZERO, None) {
        Ok(s) => s,
        Err(e) => return na(format!("server: {e}")),
    };
    let mut driver = match Driver::start(&bin, &server.base) {
        Ok(d) => d,
        Err(e) => return na(e),
    };
    let (calls, rounds) = if quick { (100, 33) } else { (100, 99) };
    let rt = crate::client::runtime();
    let client = match atlas_backup_exports::Client::builder()
        .base_url(&server.base)
        .build()
    {
        Ok(c) => c,
        Err(e) => return na(e.to_string()),
    };
    let mut ours = || rt.block_on(crate::client::generated_gets(&client, calls));
    let mut theirs = || driver.round(calls);
    let s = Sides::run(1, rounds, &mut [&mut theirs, &mut ours]);
    if s.samples[0].iter().any(|v| v.is_nan()) {
        return na("the driver stopped answering".into());
    }
    let r = s.ratio(1, 0);
    let (lo, hi) = s.range(1, 0);
    let mut rows = vec![Row::new(3, format!("{wall}; {rounds} rounds of {calls}"))
        .measured(secs(s.median(1)))
        .baseline(format!("{} (progenitor)", secs(s.median(0))))
        .ratio(format!("{} (rounds {lo:.2}–{hi:.2})", ratio(r)))
        .target(goal, Verdict::of(r <= 1.0))];
    drop(driver);
    rows.extend(instruction_rows(instr, goal, &bin, &server.base));
    rows
}

/// Client-thread instructions per call: ours against progenitor's client (the verdict), and, as
/// information, progenitor's client against the same loop hand-written on its own HTTP stack
/// (reqwest 0.13; ours is on the workspace's reqwest 0.12, its hand-written loop in the row above).
fn instruction_rows(what: &str, goal: &str, bin: &Path, base: &str) -> Vec<Row> {
    if !crate::callgrind::available() {
        return vec![Row::new(3, what)
            .na("valgrind not found")
            .target(goal, Verdict::NotAvailable)];
    }
    let toggle = "*Runtime::block_on*";
    let ours = crate::callgrind::count("request-generated", toggle);
    let theirs = crate::callgrind::count_exe(bin, &["probe", base, GROUP, BUCKET], toggle);
    let hand =
        crate::callgrind::count_exe(bin, &["probe-handwritten", base, GROUP, BUCKET], toggle);
    let per_call = |n: u64| crate::callgrind::instr(n as f64 / 1000.0);
    let mut rows = vec![match (&ours, &theirs) {
        (Ok(o), Ok(t)) => {
            let r = *o as f64 / *t as f64;
            Row::new(3, what)
                .measured(per_call(*o))
                .baseline(format!("{} (progenitor)", per_call(*t)))
                .ratio(ratio(r))
                .target(goal, Verdict::of(r <= 1.0))
        }
        (Err(e), _) | (_, Err(e)) => Row::new(3, what)
            .na(e.clone())
            .target(goal, Verdict::NotAvailable),
    }];
    if let (Ok(t), Ok(h)) = (theirs, hand) {
        rows.push(
            Row::new(
                3,
                "progenitor's client / the same GETs hand-written on its reqwest 0.13 (information: its stack's share)",
            )
            .measured(format!("{} (progenitor)", per_call(t)))
            .baseline(format!("{} (hand-written, reqwest 0.13)", per_call(h)))
            .ratio(ratio(t as f64 / h as f64)),
        );
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reduced_document_holds_the_operation_and_its_components_only() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(root.join("spec/openapi.yaml")).unwrap();
        let spec: Value = serde_yaml::from_str(&text).unwrap();
        let doc = reduced_document(&spec, OPERATION_ID, MEDIA_TYPE).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        assert_eq!(paths.len(), 1);
        let op = paths.values().next().unwrap().get("get").unwrap();
        assert_eq!(op["operationId"], OPERATION_ID);
        let content = op
            .pointer("/responses/200/content")
            .unwrap()
            .as_object()
            .unwrap();
        assert_eq!(content.keys().collect::<Vec<_>>(), ["application/json"]);
        let bucket_schema = content["application/json"]["schema"].clone();
        let original = spec["paths"]
            .as_object()
            .unwrap()
            .values()
            .find_map(|item| {
                let op = item.get("get")?;
                (op["operationId"] == OPERATION_ID)
                    .then(|| op["responses"]["200"]["content"][MEDIA_TYPE]["schema"].clone())
            });
        assert_eq!(Some(bucket_schema), original);
        // Every $ref resolves inside the reduced document, and nothing unreferenced is carried.
        let mut all = BTreeSet::new();
        refs(&doc, &mut all);
        for r in &all {
            assert!(doc.pointer(&r[1..]).is_some(), "{r}");
        }
        let carried: usize = doc["components"]
            .as_object()
            .unwrap()
            .values()
            .map(|m| m.as_object().unwrap().len())
            .sum();
        assert_eq!(carried, all.len());
        let full: usize = spec["components"]
            .as_object()
            .unwrap()
            .values()
            .map(|m| m.as_object().map_or(0, |m| m.len()))
            .sum();
        assert!(carried < full, "{carried} of {full}");
    }
}
