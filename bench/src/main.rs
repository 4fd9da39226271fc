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
#[cfg(feature = "generator")]
mod hostile;
#[cfg(feature = "generator")]
mod progenitor;
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
  --only LIST      comma-separated subset of: gen, decode, request, digest, pages, build, progenitor
                   (progenitor: corpus at $APIGEN_CORPUS or ~/.cache/openapi-corpus)";

const SECTIONS: [&str; 7] = [
    "gen",
    "decode",
    "request",
    "digest",
    "pages",
    "build",
    "progenitor",
];
/// Sections run by the build with feature `generator` (they call the generator library).
const GENERATOR_SECTIONS: [&str; 2] = ["gen", "progenitor"];

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
    let mut full_api_crate = None;

    if on("gen") || on("progenitor") {
        let (r, dir) = generator_rows(&root, &args);
        rows.extend(r);
        full_api_crate = dir;
    }
    if on("decode") {
        rows.extend(decode::rows(args.quick));
        rows.extend(compression::rows(args.quick));
    }
    if on("request") {
        rows.extend(client::overhead_rows(args.quick));
    }
    if on("digest") {
        rows.extend(client::digest_rows(args.quick));
    }
    if on("pages") {
        rows.extend(client::pagination_rows(args.quick));
    }
    if on("build") {
        rows.extend(build_cost::rows(
            &root,
            args.quick,
            full_api_crate.as_deref(),
        ));
    }

    if args.rows {
        for row in &rows {
            println!("{}", row.to_line());
        }
        if let Some(dir) = &full_api_crate {
            println!("{FULL_API_LINE}\t{}", dir.display());
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

/// Benchmark 1 in this process (built with feature `generator`). Returns the rows and the directory of
/// the generated full-API crate when generation worked.
#[cfg(feature = "generator")]
fn generator_rows(root: &Path, args: &Args) -> (Vec<Row>, Option<PathBuf>) {
    let mut rows = Vec::new();
    let mut full_api_crate = None;
    if args.only.iter().any(|s| s == "gen") {
        let (r, dir) = benchmark_1(root, args);
        rows.extend(r);
        full_api_crate = dir;
    }
    if args.only.iter().any(|s| s == "progenitor") {
        rows.extend(progenitor::rows(root, args.quick));
    }
    (rows, full_api_crate)
}

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
        0.050,
    );
    rows.extend(r);
    let mut full_api_crate = None;
    match &args.full_api {
        Some(path) => {
            let out = generator::full_api_out(root);
            let rounds = if args.quick { 1 } else { 3 };
            let (r, times) =
                generator::rows("full API", path, "atlas-admin-api", &out, rounds, 1.0);
            rows.extend(r);
            if times.is_some() {
                full_api_crate = Some(out);
            }
        }
        None => rows.push(
            Row::new(1, "full API")
                .na("spec not found; pass --full-api PATH")
                .target("< 1 s", Verdict::NotAvailable),
        ),
    }
    rows.extend(hostile::rows(root, args.quick));
    (rows, full_api_crate)
}

/// Benchmark 1 in a second build of this package with feature `generator` (see Cargo.toml for why),
/// its rows handed back as lines.
#[cfg(not(feature = "generator"))]
fn generator_rows(root: &Path, args: &Args) -> (Vec<Row>, Option<PathBuf>) {
    use std::process::{Command, Stdio};
    eprintln!("[1/7] generator, progenitor: building and running atlas-bench --features generator");
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
    let failed = |why: String| (vec![Row::new(1, "generator").na(why)], None);
    let out = match cmd.output() {
        Ok(out) => out,
        Err(e) => return failed(format!("cannot run cargo: {e}")),
    };
    if !out.status.success() {
        return failed(format!("the generator benchmark failed ({})", out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let rows = stdout.lines().filter_map(Row::from_line).collect();
    let dir = stdout.lines().find_map(|l| {
        l.strip_prefix(FULL_API_LINE)
            .and_then(|rest| rest.strip_prefix('\t'))
            .map(PathBuf::from)
    });
    (rows, dir)
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
