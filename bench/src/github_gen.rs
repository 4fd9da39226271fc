//! GitHub's REST description (`@octokit/openapi@23.0.2`, `generated/api.github.com.json`, 13 MB):
//! generation against its raw JSON parse, in the same run, sides alternating (issue 26). The crate
//! written here is built by `github_build` in the default build of atlas-bench.

use std::path::{Path, PathBuf};

use crate::github_features::document;
use crate::report::{Row, Verdict};
use crate::stats::{median, ratio, secs, time};

/// Issue 26: generation ≤ 5× the raw parse (the verdict) and ≤ 2 s (information: absolute).
const RATIO_GOAL: f64 = 5.0;
const SECONDS_GOAL: f64 = 2.0;

/// Where the GitHub crate is written (and built from).
fn crate_dir(root: &Path) -> PathBuf {
    root.join("target/bench-github/github-rest")
}

/// Read + `serde_json::from_slice` into a `Value` (this build has `preserve_order`, as the
/// generator's own parse does).
fn json_parse(file: &Path) -> f64 {
    time(|| {
        let bytes = std::fs::read(file).expect("document readable");
        let value: serde_json::Value = serde_json::from_slice(&bytes).expect("document is JSON");
        std::hint::black_box(value);
    })
}

/// The formatting floor: `syn::parse_file` + `prettyplease::unparse` of every `.rs` file written
/// under `dir/src`, on one thread (seconds, lines). What formatting this output costs any generator
/// that prints with prettyplease, measured on the output itself; the generator does the same from
/// tokens.
fn format_floor(dir: &Path) -> Result<(f64, usize), String> {
    let texts = crate::build_cost::rust_files(dir)
        .iter()
        .map(|path| std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display())))
        .collect::<Result<Vec<String>, String>>()?;
    let lines = texts.iter().map(|t| t.lines().count()).sum();
    let mut failed = None;
    let seconds = time(|| {
        for text in &texts {
            match syn::parse_file(text) {
                Ok(file) => {
                    std::hint::black_box(prettyplease::unparse(&file));
                }
                Err(e) => failed = Some(e.to_string()),
            }
        }
    });
    match failed {
        Some(e) => Err(format!("a written file does not parse: {e}")),
        None => Ok((seconds, lines)),
    }
}

/// Seconds of one generation: (total, [load, IR, emit + format, write]).
type Timed = (f64, [f64; 4]);

/// `apigen::generate_timed` + write into an emptied `out`, as `cargo xtask github` does (it calls
/// `generate`, the same pipeline without the times): seconds, stage seconds, files.
fn generate(spec: &Path, out: &Path) -> Result<(Timed, usize), String> {
    let options = apigen::Options {
        crate_name: "github-rest".into(),
        spec_label: "api.github.com.json".into(),
        runtime: apigen::RuntimeSource::workspace(out),
        ..Default::default()
    };
    let _ = std::fs::remove_dir_all(out);
    let mut stages = [0.0; 4];
    let mut files = 0;
    let mut result = Ok(());
    let seconds = time(|| {
        result = apigen::generate_timed(spec, &options)
            .map_err(|e| e.to_string())
            .and_then(|(f, t)| {
                files = f.len();
                let write = time(|| {
                    result = apigen::write::write(out, &f)
                        .map(|_| ())
                        .map_err(|e| e.to_string());
                });
                stages = [
                    t.load.as_secs_f64(),
                    t.ir.as_secs_f64(),
                    t.emit_format.as_secs_f64(),
                    write,
                ];
                std::mem::replace(&mut result, Ok(()))
            });
    });
    result.map(|()| ((seconds, stages), files))
}

/// The generation rows and the crate's directory when generation worked.
pub fn rows(root: &Path, quick: bool) -> (Vec<Row>, Option<PathBuf>) {
    let goal = format!("≤ {RATIO_GOAL}× the raw parse (and ≤ {SECONDS_GOAL} s: information)");
    let Some(spec) = document().filter(|p| p.is_file()) else {
        return (
            vec![Row::new(8, "GitHub REST: generation")
                .na("document not found (set APIGEN_GITHUB_DOC or run `cargo xtask bench`, which fetches it)")
                .target(goal, Verdict::NotAvailable)],
            None,
        );
    };
    let rounds = if quick { 1 } else { 3 };
    eprintln!("[8] GitHub REST: generation ({rounds} rounds)");
    let out = crate_dir(root);
    let mut parse = Vec::new();
    let mut gen = Vec::new();
    let mut stages: Vec<[f64; 4]> = Vec::new();
    let mut ratios = Vec::new();
    let mut files = 0;
    // One warm-up pair, then rounds alternating which side goes first.
    let _ = json_parse(&spec);
    for round in 0..rounds + 1 {
        let parse_first = round % 2 == 0;
        if parse_first {
            parse.push(json_parse(&spec));
        }
        match generate(&spec, &out) {
            Ok(((s, st), n)) => {
                gen.push(s);
                stages.push(st);
                files = n;
            }
            Err(e) => {
                let short: String = e.chars().take(300).collect();
                return (
                    vec![Row::new(8, "GitHub REST: generation")
                        .na(format!("generation failed: {short}"))
                        .target(goal, Verdict::NotAvailable)],
                    None,
                );
            }
        }
        if !parse_first {
            parse.push(json_parse(&spec));
        }
        if round == 0 {
            // The warm-up round (first file-system and allocator touches) is not recorded.
            parse.clear();
            gen.clear();
            stages.clear();
            continue;
        }
        ratios.push(gen[gen.len() - 1] / parse[parse.len() - 1]);
    }
    let r = median(&ratios);
    let g = median(&gen);
    let stage = |i: usize| median(&stages.iter().map(|s| s[i]).collect::<Vec<_>>());
    let names = [
        "load (read, JSON, openapiv3)",
        "IR",
        "emit + format",
        "write",
    ];
    let mut rows = vec![
        Row::new(
            8,
            "GitHub REST: baseline, raw JSON parse (read + serde_json::from_slice → Value)",
        )
        .baseline(secs(median(&parse))),
        Row::new(
            8,
            format!(
                "GitHub REST: generation (load → {files} files written; ratio: median per round)"
            ),
        )
        .measured(format!(
            "{} ({} the 2 s goal)",
            secs(g),
            if g <= SECONDS_GOAL { "within" } else { "over" }
        ))
        .baseline(secs(median(&parse)))
        .ratio(ratio(r))
        .target(goal, Verdict::of(r <= RATIO_GOAL)),
    ];
    // The floor under the 5× goal: formatting this output, alone, against the same parse.
    let floor = match format_floor(&out) {
        Ok((f, lines)) => Row::new(
            8,
            format!(
                "GitHub REST: formatting floor (syn::parse_file + prettyplease::unparse of the {lines} lines written, one thread; information)"
            ),
        )
        .measured(secs(f))
        .baseline(secs(median(&parse)))
        .ratio(format!(
            "{} the parse; generation is {} this floor",
            ratio(f / median(&parse)),
            ratio(g / f)
        )),
        Err(e) => Row::new(8, "GitHub REST: formatting floor").na(e),
    };
    rows.push(floor);
    // Where the time goes (information).
    for (i, name) in names.iter().enumerate() {
        rows.push(
            Row::new(8, format!("GitHub REST: generation stage, {name}"))
                .measured(secs(stage(i)))
                .baseline(secs(median(&parse)))
                .ratio(ratio(stage(i) / median(&parse))),
        );
    }
    (rows, Some(out))
}
