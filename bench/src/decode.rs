//! Benchmark 2: decoding 500-item pages into the generated types vs minimal hand-written serde structs.

use std::hint::black_box;

use atlas_backup_exports::types::{
    PaginatedApiAtlasDiskBackupExportJobView, PaginatedBackupSnapshotExportBucketsView,
};
use serde::de::DeserializeOwned;

use crate::callgrind;
use crate::data::{self, baseline};
use crate::report::{Row, Verdict};
use crate::stats::{ratio, secs, Sides};

/// Seconds per decode of `body` into `T`, over `iterations` decodes.
fn per_decode<T: DeserializeOwned>(body: &[u8], iterations: usize) -> f64 {
    crate::stats::time(|| {
        for _ in 0..iterations {
            let value: T = serde_json::from_slice(black_box(body)).expect("page decodes");
            black_box(value);
        }
    }) / iterations as f64
}

/// What the generated client's `Response::json` does: the runtime's `decode_slice` (plain serde_json,
/// the path tracked by serde_path_to_error only in a second decode after a failure).
fn per_decode_runtime<T: DeserializeOwned>(body: &[u8], iterations: usize) -> f64 {
    crate::stats::time(|| {
        for _ in 0..iterations {
            let value: T = apigen_runtime::decode_slice(black_box(body)).expect("page decodes");
            black_box(value);
        }
    }) / iterations as f64
}

/// The decode sides, named for `--probe` (`extra-*`: the job page with three undeclared members
/// per job; `extra-kept`: the hand-written side keeping them in a flattened map).
pub const PROBES: [&str; 10] = [
    "jobs-baseline",
    "jobs-generated",
    "jobs-runtime",
    "buckets-baseline",
    "buckets-generated",
    "buckets-runtime",
    "extra-baseline",
    "extra-generated",
    "extra-runtime",
    "extra-kept",
];

/// Decodes included in one probe run.
pub const PROBE_DECODES: usize = 10;

#[inline(never)]
fn probe_decode<T: DeserializeOwned>(body: &[u8]) {
    let value: T = serde_json::from_slice(black_box(body)).expect("page decodes");
    black_box(value);
}

#[inline(never)]
fn probe_decode_runtime<T: DeserializeOwned>(body: &[u8]) {
    let value: T = apigen_runtime::decode_slice(black_box(body)).expect("page decodes");
    black_box(value);
}

/// `atlas-bench --probe NAME`: decode one page [`PROBE_DECODES`] times in functions named
/// `probe_decode*`, for `valgrind --tool=callgrind --toggle-collect='*probe_decode*'`.
pub fn probe(name: &str) -> Result<(), String> {
    let jobs = data::job_page(500);
    let buckets = data::bucket_page(500);
    // Built only for its own probes: another page on the heap moves every probe's malloc counts
    // (measured: +2 % on the job page), and the other probes compare with earlier runs.
    let extra = if name.starts_with("extra-") {
        data::job_page_undeclared(500)
    } else {
        String::new()
    };
    type JobsGen = PaginatedApiAtlasDiskBackupExportJobView;
    type JobsKept = baseline::Page<baseline::Kept<baseline::Job>>;
    type JobsBase = baseline::Page<baseline::Job>;
    type BucketsGen = PaginatedBackupSnapshotExportBucketsView;
    type BucketsBase = baseline::Page<baseline::Bucket>;
    for _ in 0..PROBE_DECODES {
        match name {
            "jobs-baseline" => probe_decode::<JobsBase>(jobs.as_bytes()),
            "jobs-generated" => probe_decode::<JobsGen>(jobs.as_bytes()),
            "jobs-runtime" => probe_decode_runtime::<JobsGen>(jobs.as_bytes()),
            "buckets-baseline" => probe_decode::<BucketsBase>(buckets.as_bytes()),
            "buckets-generated" => probe_decode::<BucketsGen>(buckets.as_bytes()),
            "buckets-runtime" => probe_decode_runtime::<BucketsGen>(buckets.as_bytes()),
            "extra-baseline" => probe_decode::<JobsBase>(extra.as_bytes()),
            "extra-generated" => probe_decode::<JobsGen>(extra.as_bytes()),
            "extra-runtime" => probe_decode_runtime::<JobsGen>(extra.as_bytes()),
            "extra-kept" => probe_decode::<JobsKept>(extra.as_bytes()),
            other => return Err(format!("unknown probe `{other}`; one of {PROBES:?}")),
        }
    }
    Ok(())
}

fn page_rows<G: DeserializeOwned, B: DeserializeOwned>(
    label: &str,
    body: &str,
    iterations: usize,
    rounds: usize,
) -> Vec<Row> {
    let body = body.as_bytes();
    let mut base = || per_decode::<B>(body, iterations);
    let mut gen = || per_decode::<G>(body, iterations);
    let mut runtime = || per_decode_runtime::<G>(body, iterations);
    let s = Sides::run(1, rounds, &mut [&mut base, &mut gen, &mut runtime]);
    let kb = body.len() as f64 / 1024.0;
    // Issue 13: the generated types at least as fast as the hand-written ones; the client's decode
    // path (decode_slice) within 5 % of them.
    let row = |what: String, side: usize, goal: f64| {
        let speed = s.ratio(0, side);
        let (lo, hi) = s.range(0, side);
        Row::new(2, what)
            .measured(secs(s.median(side)))
            .baseline(secs(s.median(0)))
            .ratio(format!("{} (rounds {:.2}–{:.2})", ratio(speed), lo, hi))
            .target(
                format!("≥ {goal:.2}× (baseline time / generated time)"),
                Verdict::of(speed >= goal),
            )
    };
    vec![
        row(
            format!("{label} ({kb:.0} KiB): generated types, serde_json::from_slice"),
            1,
            1.0,
        ),
        row(
            format!("{label}: generated types as the client decodes (runtime decode_slice)"),
            2,
            0.95,
        ),
    ]
}

pub fn rows(quick: bool) -> Vec<Row> {
    // Many short rounds: on a shared machine the median of per-round ratios ignores the rounds in which
    // another process took the core.
    let (iterations, rounds) = if quick { (2, 50) } else { (3, 200) };
    eprintln!("[2] decoding: {rounds} rounds × {iterations} decodes per side");
    let jobs = data::job_page(500);
    let buckets = data::bucket_page(500);
    let mut rows = page_rows::<
        PaginatedApiAtlasDiskBackupExportJobView,
        baseline::Page<baseline::Job>,
    >("500-job page", &jobs, iterations, rounds);
    rows.extend(instruction_rows("500-job page", "jobs"));
    rows.extend(page_rows::<
        PaginatedBackupSnapshotExportBucketsView,
        baseline::Page<baseline::Bucket>,
    >(
        "500-bucket page (AWS/AZURE/GCP)",
        &buckets,
        iterations,
        rounds,
    ));
    rows.extend(instruction_rows("500-bucket page", "buckets"));
    rows.extend(undeclared_rows(iterations, rounds));
    rows
}

/// Issue 23: the job page with three members the spec does not declare in every job. The
/// generated types keep them (`_undeclared`, written back when serialized). Like for like, the
/// hand-written side keeps them the way serde offers (`#[serde(flatten)] undeclared: Map`); the
/// hand-written side that ignores them (serde's derive) shows the price of keeping, untargeted.
fn undeclared_rows(iterations: usize, rounds: usize) -> Vec<Row> {
    let label = "500-job page, 3 undeclared members per job";
    let body = data::job_page_undeclared(500);
    let body = body.as_bytes();
    type Gen = PaginatedApiAtlasDiskBackupExportJobView;
    let mut kept = || per_decode::<baseline::Page<baseline::Kept<baseline::Job>>>(body, iterations);
    let mut ignoring = || per_decode::<baseline::Page<baseline::Job>>(body, iterations);
    let mut gen = || per_decode::<Gen>(body, iterations);
    let mut runtime = || per_decode_runtime::<Gen>(body, iterations);
    let s = Sides::run(
        1,
        rounds,
        &mut [&mut kept, &mut ignoring, &mut gen, &mut runtime],
    );
    let kb = body.len() as f64 / 1024.0;
    let row = |what: String, baseline: usize, side: usize, goal: Option<f64>| {
        let speed = s.ratio(baseline, side);
        let (lo, hi) = s.range(baseline, side);
        let row = Row::new(2, what)
            .measured(secs(s.median(side)))
            .baseline(secs(s.median(baseline)))
            .ratio(format!("{} (rounds {:.2}–{:.2})", ratio(speed), lo, hi));
        match goal {
            Some(goal) => row.target(
                format!("≥ {goal:.2}× (baseline time / generated time)"),
                Verdict::of(speed >= goal),
            ),
            None => row,
        }
    };
    let mut rows = vec![
        row(
            format!("{label} ({kb:.0} KiB): generated types keeping them vs hand-written keeping them (flattened map), serde_json::from_slice"),
            0,
            2,
            Some(1.0),
        ),
        row(
            format!("{label}: as the client decodes (runtime decode_slice) vs hand-written keeping them"),
            0,
            3,
            Some(0.95),
        ),
        row(
            format!("{label}: generated types keeping them vs hand-written ignoring them (the price of keeping)"),
            1,
            2,
            None,
        ),
        row(
            format!("{label}: as the client decodes vs hand-written ignoring them"),
            1,
            3,
            None,
        ),
    ];
    rows.extend(undeclared_instruction_rows(label));
    rows
}

/// [`undeclared_rows`] in instructions per decode (callgrind).
fn undeclared_instruction_rows(label: &str) -> Vec<Row> {
    if !callgrind::available() {
        return vec![
            Row::new(2, format!("{label}: instructions per decode")).na("valgrind not found")
        ];
    }
    eprintln!("    {label}: instruction counts (callgrind)");
    let counts: Result<Vec<u64>, String> = ["kept", "baseline", "generated", "runtime"]
        .iter()
        .map(|side| {
            callgrind::count(&format!("extra-{side}"), "*probe_decode*")
                .map(|n| n / PROBE_DECODES as u64)
        })
        .collect();
    let counts = match counts {
        Ok(c) => c,
        Err(e) => return vec![Row::new(2, format!("{label}: instructions per decode")).na(e)],
    };
    let row = |what: &str, baseline: usize, side: usize, goal: Option<f64>| {
        let speed = counts[baseline] as f64 / counts[side] as f64;
        let row = Row::new(
            2,
            format!("{label}: {what}, instructions per decode (callgrind)"),
        )
        .measured(callgrind::instr(counts[side] as f64))
        .baseline(callgrind::instr(counts[baseline] as f64))
        .ratio(ratio(speed));
        match goal {
            Some(goal) => row.target(
                format!("≥ {goal:.2}× (baseline instr / generated instr)"),
                Verdict::of(speed >= goal),
            ),
            None => row,
        }
    };
    vec![
        row(
            "generated types vs hand-written keeping them",
            0,
            2,
            Some(1.0),
        ),
        row(
            "as the client decodes vs hand-written keeping them",
            0,
            3,
            Some(0.95),
        ),
        row("generated types vs hand-written ignoring them", 1, 2, None),
        row(
            "as the client decodes vs hand-written ignoring them",
            1,
            3,
            None,
        ),
    ]
}

/// Deterministic cross-check of the wall-clock rows: instructions per decode under callgrind.
fn instruction_rows(label: &str, page: &str) -> Vec<Row> {
    if !callgrind::available() {
        return vec![
            Row::new(2, format!("{label}: instructions per decode")).na("valgrind not found")
        ];
    }
    eprintln!("    {label}: instruction counts (callgrind)");
    let counts: Result<Vec<u64>, String> = ["baseline", "generated", "runtime"]
        .iter()
        .map(|side| {
            callgrind::count(&format!("{page}-{side}"), "*probe_decode*")
                .map(|n| n / PROBE_DECODES as u64)
        })
        .collect();
    let counts = match counts {
        Ok(c) => c,
        Err(e) => return vec![Row::new(2, format!("{label}: instructions per decode")).na(e)],
    };
    let row = |what: &str, side: usize, goal: f64| {
        let speed = counts[0] as f64 / counts[side] as f64;
        Row::new(
            2,
            format!("{label}: {what}, instructions per decode (callgrind)"),
        )
        .measured(callgrind::instr(counts[side] as f64))
        .baseline(callgrind::instr(counts[0] as f64))
        .ratio(ratio(speed))
        .target(
            format!("≥ {goal:.2}× (baseline instr / generated instr)"),
            Verdict::of(speed >= goal),
        )
    };
    vec![
        row("generated types", 1, 1.0),
        row("as the client decodes", 2, 0.95),
    ]
}
