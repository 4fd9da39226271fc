//! `cargo xtask bench [--quick] [--full-api PATH] [--only LIST]`: every benchmark of the generator and
//! the generated client, each against a baseline measured in the same run, printed as one Markdown
//! table (see BENCHMARKS.md). Run it in release mode; `cargo xtask bench` does.

mod build_cost;
mod callgrind;
mod client;
mod compression;
mod data;
mod decode;
#[cfg(feature = "generator")]
mod generator;
mod github_build;
mod github_features;
#[cfg(feature = "generator")]
mod github_gen;
#[cfg(feature = "generator")]
mod hostile;
#[cfg(feature = "generator")]
mod progenitor;
#[cfg(feature = "generator")]
mod progenitor_floor;
mod progenitor_request;
mod report;
mod server;
mod stats;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use report::{Row, Verdict};

const USAGE: &str = "usage: atlas-bench [--quick] [--full-api PATH] [--only LIST]

  --quick          fewer rounds, no clean builds (about 2 minutes once dependencies are built)
  --full-api PATH  the full Atlas Admin API spec
                   (default: ../shared/upstream/atlas-api-full.transformed.yaml beside the workspace)
  --only LIST      comma-separated subset of: gen, decode, request, digest, pages, build, progenitor,
                   github (progenitor: corpus at $APIGEN_CORPUS or ~/.cache/openapi-corpus; github:
                   GitHub's REST document at $APIGEN_GITHUB_DOC or ~/.cache/octokit-openapi)";

const SECTIONS: [&str; 8] = [
    "gen",
    "decode",
    "request",
    "digest",
    "pages",
    "build",
    "progenitor",
    "github",
];
/// Sections run by the build with feature `generator` (they call the generator library).
const GENERATOR_SECTIONS: [&str; 3] = ["gen", "progenitor", "github"];

struct Args {
    quick: bool,
    full_api: Option<PathBuf>,
    only: Vec<String>,
    /// Print rows as lines for a parent process instead of the table.
    rows: bool,
}

fn parse_args(root: &Path) -> Result<Args, String> {
    let mut args = Args {
        quick: false,
        full_api: None,
        only: SECTIONS.iter().map(|s| s.to_string()).collect(),
        rows: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => args.quick = true,
            "--rows" => args.rows = true,
            "--full-api" => {
                args.full_api = Some(PathBuf::from(it.next().ok_or("--full-api needs a path")?))
            }
            "--only" => {
                let list = it.next().ok_or("--only needs a list")?;
                args.only = list.split(',').map(|s| s.trim().to_owned()).collect();
                if let Some(bad) = args.only.iter().find(|s| !SECTIONS.contains(&s.as_str())) {
                    return Err(format!("unknown section `{bad}`\n{USAGE}"));
                }
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    if args.full_api.is_none() {
        let default = root.join("../shared/upstream/atlas-api-full.transformed.yaml");
        args.full_api = default.is_file().then_some(default);
    }
    Ok(args)
}

fn main() -> ExitCode {
    if let Some(name) = std::env::args().skip_while(|a| a != "--probe").nth(1) {
        let result = if name.starts_with("request-") {
            client::probe(&name)
        } else {
            decode::probe(&name)
        };
        return match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("{e}");
                ExitCode::from(2)
            }
        };
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().unwrap_or(root);
    let args = match parse_args(&root) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if cfg!(feature = "generator")
        && args
            .only
            .iter()
            .any(|s| !GENERATOR_SECTIONS.contains(&s.as_str()))
    {
        eprintln!(
            "warning: built with feature `generator`: serde_json has `preserve_order` (from xtask), so the \
             client benchmarks do not decode the way a user's build does"
        );
    }
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: a debug build; run `cargo xtask bench` (release) for meaningful numbers"
        );
    }
    let started = Instant::now();
    let on = |s: &str| args.only.iter().any(|o| o == s);
    let mut rows: Vec<Row> = Vec::new();
    let mut generated = Generated::default();

    if GENERATOR_SECTIONS.iter().any(|s| on(s)) {
        generated = generator_rows(&root, &args);
        rows.append(&mut generated.rows);
    }
    let full_api_crate = generated.full_api.clone();
    let mut full_api_ratio = None;
    if on("decode") {
        rows.extend(decode::rows(args.quick));
        rows.extend(compression::rows(args.quick));
    }
    if on("request") {
        rows.extend(client::overhead_rows(args.quick));
        rows.extend(progenitor_request::rows(&root, args.quick));
    }
    if on("digest") {
        rows.extend(client::digest_rows(args.quick));
    }
    if on("pages") {
        rows.extend(client::pagination_rows(args.quick));
    }
    if on("build") {
        let (r, ratio) = build_cost::rows(&root, args.quick, full_api_crate.as_deref());
        rows.extend(r);
        full_api_ratio = ratio;
    }
    // The GitHub crate's build runs here, not in the `--rows` child that generated it.
    if on("github") && !args.rows {
        let full = github_build::FullApi {
            ratio: full_api_ratio,
            spec: args.full_api.clone(),
        };
        rows.extend(github_build::rows(
            &root,
            args.quick,
            generated.github.as_deref(),
            &full,
        ));
    }

    if args.rows {
        for row in &rows {
            println!("{}", row.to_line());
        }
        if let Some(dir) = &full_api_crate {
            println!("{FULL_API_LINE}\t{}", dir.display());
        }
        if let Some(dir) = &generated.github {
            println!("{GITHUB_LINE}\t{}", dir.display());
        }
        return ExitCode::SUCCESS;
    }
    println!("{}\n", machine());
    println!("{}", report::markdown(&rows));
    let missed = rows.iter().filter(|r| r.verdict == Verdict::Missed).count();
    let met = rows.iter().filter(|r| r.verdict == Verdict::Met).count();
    println!(
        "{met} targets met, {missed} missed; {} run in {:.0} s{}",
        if args.quick { "quick" } else { "full" },
        started.elapsed().as_secs_f64(),
        if args.quick { " (--quick)" } else { "" }
    );
    ExitCode::SUCCESS
}

/// The line by which a `--rows` child names the full-API crate it generated.
const FULL_API_LINE: &str = "FULL-API-CRATE";
/// The line by which a `--rows` child names the GitHub crate it generated.
const GITHUB_LINE: &str = "GITHUB-CRATE";

/// What the generator sections produced: rows, and the crates the build sections build.
#[derive(Default)]
struct Generated {
    rows: Vec<Row>,
    full_api: Option<PathBuf>,
    github: Option<PathBuf>,
}

/// Benchmark 1, 7 and 8's generation in this process (built with feature `generator`).
#[cfg(feature = "generator")]
fn generator_rows(root: &Path, args: &Args) -> Generated {
    let mut out = Generated::default();
    if args.only.iter().any(|s| s == "gen") {
        let (r, dir) = benchmark_1(root, args);
        out.rows.extend(r);
        out.full_api = dir;
    }
    if args.only.iter().any(|s| s == "progenitor") {
        out.rows.extend(progenitor::rows(root, args.quick));
    }
    if args.only.iter().any(|s| s == "github") {
        let (r, dir) = github_gen::rows(root, args.quick);
        out.rows.extend(r);
        out.github = dir;
    }
    out
}

/// spec/ generation's goal, total / raw YAML parse: the old 50 ms target against the 2.04 ms parse of
/// the run that last judged it (f27bd48, 2026-11-30), rounded down (BENCHMARKS.md).
#[cfg(feature = "generator")]
const SPEC_GOAL: f64 = 24.0;
/// The whole-Atlas-API generation's goal: the old 1 s target against that run's 88.78 ms parse.
#[cfg(feature = "generator")]
const FULL_API_GOAL: f64 = 11.0;

/// Benchmark 1 (generator stages) on spec/ and the full API.
#[cfg(feature = "generator")]
fn benchmark_1(root: &Path, args: &Args) -> (Vec<Row>, Option<PathBuf>) {
    let mut rows = Vec::new();
    let rounds = if args.quick { 5 } else { 15 };
    let (r, _) = generator::rows(
        "spec/",
        &root.join("spec"),
        "atlas-backup-exports",
        &root.join("target/bench-gen/spec"),
        rounds,
        SPEC_GOAL,
    );
    rows.extend(r);
    let mut full_api_crate = None;
    match &args.full_api {
        Some(path) => {
            let out = generator::full_api_out(root);
            let rounds = if args.quick { 1 } else { 3 };
            let (r, times) = generator::rows(
                "full API",
                path,
                "atlas-admin-api",
                &out,
                rounds,
                FULL_API_GOAL,
            );
            rows.extend(r);
            if times.is_some() {
                full_api_crate = Some(out);
            }
        }
        None => rows.push(
            Row::new(1, "full API")
                .na("spec not found; pass --full-api PATH")
                .target(generator::goal_label(FULL_API_GOAL), Verdict::NotAvailable),
        ),
    }
    rows.extend(hostile::rows(root, args.quick));
    (rows, full_api_crate)
}

/// Benchmark 1 in a second build of this package with feature `generator` (see Cargo.toml for why),
/// its rows handed back as lines.
#[cfg(not(feature = "generator"))]
fn generator_rows(root: &Path, args: &Args) -> Generated {
    use std::process::{Command, Stdio};
    eprintln!("[1/7/8] generator, progenitor, GitHub generation: building and running atlas-bench --features generator");
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    // Its own target dir: the generator build must not replace this running binary (callgrind re-runs
    // it by path), and the two feature sets then do not rebuild each other's artifacts.
    cmd.current_dir(root)
        .env("CARGO_TARGET_DIR", root.join("target/bench-generator"))
        .args([
            "run",
            "--release",
            "-j",
            "2",
            "-p",
            "atlas-bench",
            "--features",
            "generator",
        ])
        .args(["--", "--rows", "--only"])
        .arg(
            GENERATOR_SECTIONS
                .iter()
                .filter(|s| args.only.iter().any(|o| o == *s))
                .copied()
                .collect::<Vec<_>>()
                .join(","),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if args.quick {
        cmd.arg("--quick");
    }
    if let Some(path) = &args.full_api {
        cmd.arg("--full-api").arg(path);
    }
    let failed = |why: String| Generated {
        rows: vec![Row::new(1, "generator").na(why)],
        ..Generated::default()
    };
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) => return failed(format!("cannot run cargo: {e}")),
    };
    if !out.status.success() {
        return failed(format!("the generator benchmark failed ({})", out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let dir = |tag: &str| {
        stdout.lines().find_map(|l| {
            l.strip_prefix(tag)
                .and_then(|rest| rest.strip_prefix('\t'))
                .map(PathBuf::from)
        })
    };
    Generated {
        rows: stdout.lines().filter_map(Row::from_line).collect(),
        full_api: dir(FULL_API_LINE),
        github: dir(GITHUB_LINE),
    }
}

/// One line describing the machine: cores, CPU model, memory, rustc, load average at the end of the run.
fn machine() -> String {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let field = |name: &str| {
        cpuinfo
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_owned())
            .unwrap_or_else(|| "?".into())
    };
    let mem_gib = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "?".into());
    let rustc = std::process::Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|| "?".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let load = read("/proc/loadavg");
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "machine: {cores} cores ({} @ {} MHz), {mem_gib} memory, {rustc}; load average {}",
        field("model name"),
        field("cpu MHz"),
        load.join(" ")
    )
}
