//! Benchmark 1, hostile shapes (issue 20): generating a document built to make a generator
//! super-linear, against generating a plain document of the same byte size, in alternating rounds.
//! Target: at most 10× the plain document. The shapes are synthesized here (no files committed) by
//! the test suite's own generators.

use std::path::{Path, PathBuf};

use serde_json::Value;

#[path = "../../tests/src/hostile_shapes.rs"]
#[allow(dead_code)]
mod shapes;

use crate::report::{Row, Verdict};
use crate::stats::{ratio, secs, time, Sides};

/// Ratio to the plain document above which a shape counts as super-linear.
const TARGET: f64 = 10.0;

/// (label, document text, file name) per shape, at the sizes of the audit.
fn cases() -> Vec<(String, String, &'static str)> {
    let json = |label: &str, doc: Value| (label.to_owned(), doc.to_string(), "openapi.json");
    vec![
        json(
            "20,000 colliding property names",
            shapes::colliding_names(20_000),
        ),
        json("dense reference DAG, 200 schemas", shapes::dense_dag(200)),
        json(
            "reference chain of 10,000 (one cycle)",
            shapes::reference_chain(10_000, true),
        ),
        json("allOf ladder of 40", shapes::all_of_ladder(40)),
        json(
            "integer enum of 100,000 values",
            shapes::integer_enum(100_000),
        ),
        (
            "flow nesting 200,000 deep (refused)".to_owned(),
            shapes::deep_flow_yaml(200_000),
            "openapi.yaml",
        ),
        json(
            "description of 100,000 lines",
            shapes::huge_description(100_000),
        ),
    ]
}

/// Writes `text` as `dir/file` and returns the path.
fn write(dir: &Path, file: &str, text: &str) -> PathBuf {
    std::fs::create_dir_all(dir).expect("scratch directory");
    let path = dir.join(file);
    std::fs::write(&path, text).expect("scratch file");
    path
}

/// Seconds for one in-memory generation (an error, such as a refusal, counts as done).
fn generate(spec: &Path) -> f64 {
    time(|| {
        let result = apigen::generate(spec, &apigen::Options::default());
        std::hint::black_box(result.is_ok());
    })
}

pub fn rows(root: &Path, quick: bool) -> Vec<Row> {
    let rounds = if quick { 3 } else { 7 };
    let scratch = root.join("target/bench-gen/hostile");
    let mut rows = Vec::new();
    for (i, (label, text, file)) in cases().into_iter().enumerate() {
        eprintln!(
            "[1] hostile shape: {label} ({} bytes, {rounds} rounds)",
            text.len()
        );
        let shape = write(&scratch.join(format!("shape{i}")), file, &text);
        let plain = shapes::plain(text.len()).to_string();
        let plain = write(&scratch.join(format!("plain{i}")), "openapi.json", &plain);
        let sides = Sides::run(
            1,
            rounds,
            &mut [&mut || generate(&shape), &mut || generate(&plain)],
        );
        let r = sides.ratio(0, 1);
        rows.push(
            Row::new(
                1,
                format!(
                    "hostile: {label}, {} KB, vs a plain document of that size",
                    text.len() / 1000
                ),
            )
            .measured(secs(sides.median(0)))
            .baseline(secs(sides.median(1)))
            .ratio(ratio(r))
            .target(format!("≤ {TARGET}×"), Verdict::of(r <= TARGET)),
        );
    }
    let _ = std::fs::remove_dir_all(&scratch);
    rows
}
