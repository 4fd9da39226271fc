//! Benchmark 1: the generator, stage by stage, against a raw YAML parse of the same file.

use std::path::{Path, PathBuf};

use apigen::error::Ptr;
use apigen::resolve::Resolver;
use openapiv3::{Header, OpenAPI, Parameter, ReferenceOr, RequestBody, Response};
use serde_json::Value;

use crate::report::{Row, Verdict};
use crate::stats::{median, ratio, secs, time};

fn dur(d: std::time::Duration) -> f64 {
    d.as_secs_f64()
}

/// Medians over rounds, in seconds.
#[derive(Debug, Clone)]
pub struct GenTimes {
    pub yaml_parse: f64,
    pub load: f64,
    pub resolve_all: f64,
    pub refs: usize,
    pub ir: f64,
    pub emit: f64,
    pub write: f64,
    /// load + IR + emit + format (what `apigen::generate` does) + write.
    pub total: f64,
    /// Median over rounds of total / yaml_parse.
    pub ratio: f64,
    pub files: usize,
    pub lines: usize,
}

/// Options as `cargo xtask codegen` sets them for a spec file.
pub fn options_for(spec: &Path, crate_name: &str) -> apigen::Options {
    let mut options = apigen::Options {
        crate_name: crate_name.into(),
        ..Default::default()
    };
    if let Ok(file) = apigen::load::spec_file(spec) {
        options.spec_label = file
            .file_name()
            .map(|f| format!("spec/{}", f.to_string_lossy()))
            .unwrap_or_default();
    }
    options
}

/// Every `$ref` string in the raw tree, with the pointer of the node that holds it.
fn collect_refs(value: &Value, at: &Ptr, out: &mut Vec<(String, Ptr)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push((r.clone(), at.clone()));
            }
            for (k, v) in map {
                collect_refs(v, &at.push(k), out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_refs(v, &at.push(i.to_string()), out);
            }
        }
        _ => {}
    }
}

/// Resolves every `$ref` of the document once with the generator's resolver; returns (seconds, count).
/// The IR resolves references as it goes, so this is an estimate of the resolve share of the IR stage.
fn resolve_all(raw: &Value, api: &OpenAPI) -> (f64, usize) {
    let mut refs = Vec::new();
    collect_refs(raw, &Ptr::root(), &mut refs);
    let mut schemas = Vec::new();
    let mut params: Vec<(ReferenceOr<Parameter>, Ptr)> = Vec::new();
    let mut responses: Vec<(ReferenceOr<Response>, Ptr)> = Vec::new();
    let mut headers: Vec<(ReferenceOr<Header>, Ptr)> = Vec::new();
    let mut bodies: Vec<(ReferenceOr<RequestBody>, Ptr)> = Vec::new();
    for (r, at) in refs {
        let reference = r.clone();
        if r.starts_with("#/components/schemas/") {
            schemas.push((reference, at));
        } else if r.starts_with("#/components/parameters/") {
            params.push((ReferenceOr::Reference { reference }, at));
        } else if r.starts_with("#/components/responses/") {
            responses.push((ReferenceOr::Reference { reference }, at));
        } else if r.starts_with("#/components/headers/") {
            headers.push((ReferenceOr::Reference { reference }, at));
        } else if r.starts_with("#/components/requestBodies/") {
            bodies.push((ReferenceOr::Reference { reference }, at));
        }
    }
    let count = schemas.len() + params.len() + responses.len() + headers.len() + bodies.len();
    let resolver = Resolver::new(api);
    let mut ok = 0usize;
    let seconds = time(|| {
        for (r, at) in &schemas {
            ok += usize::from(resolver.schema_ref(r, at).is_ok());
        }
        for (n, at) in &params {
            ok += usize::from(resolver.parameter(n, at).is_ok());
        }
        for (n, at) in &responses {
            ok += usize::from(resolver.response(n, at).is_ok());
        }
        for (n, at) in &headers {
            ok += usize::from(resolver.header(n, at).is_ok());
        }
        for (n, at) in &bodies {
            ok += usize::from(resolver.request_body(n, at).is_ok());
        }
    });
    std::hint::black_box(ok);
    (seconds, count)
}

fn yaml_parse(file: &Path) -> f64 {
    time(|| {
        let text = std::fs::read_to_string(file).expect("spec readable");
        let value: Value = serde_yaml::from_str(&text).expect("spec is YAML");
        std::hint::black_box(value);
    })
}

/// Runs the generator `rounds` times (after one warm-up), alternating with the YAML-parse baseline.
/// Writes into `scratch` (emptied first) to time the write stage as on a first `codegen`.
pub fn measure(
    spec: &Path,
    crate_name: &str,
    scratch: &Path,
    rounds: usize,
) -> Result<GenTimes, String> {
    let file = apigen::load::spec_file(spec).map_err(|e| e.to_string())?;
    let mut options = options_for(spec, crate_name);
    // The crate is written to `scratch` (the full API's is built later): find the runtime from there.
    options.runtime = apigen::RuntimeSource::workspace(scratch);
    // Warm-up (`generate` is `generate_timed` without the times: one pipeline).
    let (files, _) = apigen::generate_timed(spec, &options).map_err(|e| e.to_string())?;
    let loaded = apigen::load::load(spec).map_err(|e| e.to_string())?;
    let mut s = Samples::default();
    for round in 0..rounds {
        let base_first = round % 2 == 0;
        if base_first {
            s.yaml.push(yaml_parse(&file));
        }
        let (files, t) = apigen::generate_timed(spec, &options).map_err(|e| e.to_string())?;
        let _ = std::fs::remove_dir_all(scratch);
        let write = time(|| {
            apigen::write::write(scratch, &files).expect("scratch directory writable");
        });
        if !base_first {
            s.yaml.push(yaml_parse(&file));
        }
        let (resolve, refs) = resolve_all(&loaded.raw, &loaded.api);
        s.refs = refs;
        s.load.push(dur(t.load));
        s.ir.push(dur(t.ir));
        s.emit.push(dur(t.emit_format));
        s.write.push(write);
        s.resolve.push(resolve);
        let total = dur(t.load + t.ir + t.emit_format) + write;
        s.total.push(total);
        s.ratio
            .push(total / s.yaml.last().copied().unwrap_or(f64::NAN));
    }
    Ok(GenTimes {
        yaml_parse: median(&s.yaml),
        load: median(&s.load),
        resolve_all: median(&s.resolve),
        refs: s.refs,
        ir: median(&s.ir),
        emit: median(&s.emit),
        write: median(&s.write),
        total: median(&s.total),
        ratio: median(&s.ratio),
        files: files.len(),
        lines: files.iter().map(|(_, text)| text.lines().count()).sum(),
    })
}

#[derive(Default)]
struct Samples {
    yaml: Vec<f64>,
    load: Vec<f64>,
    resolve: Vec<f64>,
    ir: Vec<f64>,
    emit: Vec<f64>,
    write: Vec<f64>,
    total: Vec<f64>,
    ratio: Vec<f64>,
    refs: usize,
}

/// The stage that fails, for a spec the generator rejects: load is timed on its own.
fn failure_rows(label: &str, spec: &Path, error: &str, goal: f64) -> Vec<Row> {
    let mut rows = Vec::new();
    let file = apigen::load::spec_file(spec).ok();
    let mut loaded = None;
    let load_time = time(|| loaded = apigen::load::load(spec).ok());
    if let Some(file) = file.filter(|f| f.is_file()) {
        let base = yaml_parse(&file);
        rows.push(
            Row::new(1, format!("{label}: baseline, raw YAML parse"))
                .baseline(secs(base))
                .target("", Verdict::Info),
        );
        if let Some(loaded) = &loaded {
            rows.push(
                Row::new(1, format!("{label}: load"))
                    .measured(secs(load_time))
                    .baseline(secs(base))
                    .ratio(ratio(load_time / base)),
            );
            let (resolve, refs) = resolve_all(&loaded.raw, &loaded.api);
            rows.push(
                Row::new(1, format!("{label}: resolve (all {refs} $refs once)"))
                    .measured(secs(resolve))
                    .baseline(secs(base))
                    .ratio(ratio(resolve / base)),
            );
        }
    }
    let short: String = error.chars().take(300).collect();
    rows.push(
        Row::new(1, format!("{label}: total"))
            .na(format!("unsupported: {short}"))
            .target(goal_label(goal), Verdict::NotAvailable),
    );
    rows
}

/// `≤ 24× the raw parse`.
pub fn goal_label(goal: f64) -> String {
    format!("≤ {goal}× the raw parse")
}

/// Rows for one spec; `goal` is the highest total / raw YAML parse ratio that meets the target
/// (measured in the same run; the absolute time is information).
pub fn rows(
    label: &str,
    spec: &Path,
    crate_name: &str,
    scratch: &Path,
    rounds: usize,
    goal: f64,
) -> (Vec<Row>, Option<GenTimes>) {
    eprintln!("[1] generator: {label} ({rounds} rounds)");
    let t = match measure(spec, crate_name, scratch, rounds) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("    {label}: {e}");
            return (failure_rows(label, spec, &e, goal), None);
        }
    };
    let base = t.yaml_parse;
    let stage = |name: &str, v: f64| {
        Row::new(1, format!("{label}: {name}"))
            .measured(secs(v))
            .baseline(secs(base))
            .ratio(ratio(v / base))
    };
    let rows = vec![
        Row::new(
            1,
            format!("{label}: baseline, raw YAML parse (serde_yaml → Value)"),
        )
        .baseline(secs(base)),
        stage("load (read, YAML, keyword check, openapiv3)", t.load),
        stage(
            &format!("resolve (all {} $refs once; inside IR below)", t.refs),
            t.resolve_all,
        ),
        stage("IR (includes its own resolving)", t.ir),
        stage(
            "emit + format (tokens, syn + prettyplease; parallel shares)",
            t.emit,
        ),
        stage(
            &format!("write ({} files, {} lines, empty dir)", t.files, t.lines),
            t.write,
        ),
        Row::new(
            1,
            format!("{label}: total (load → write; ratio: median of the per-round total / parse)"),
        )
        .measured(secs(t.total))
        .baseline(secs(base))
        .ratio(ratio(t.ratio))
        .target(goal_label(goal), Verdict::of(t.ratio <= goal)),
    ];
    (rows, Some(t))
}

/// Where the full-API crate is generated for the build benchmark.
pub fn full_api_out(root: &Path) -> PathBuf {
    root.join("target").join("full-api")
}
