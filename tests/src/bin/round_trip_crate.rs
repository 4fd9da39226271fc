//! `round_trip_crate <spec> <out-dir> [samples per type] [seed]`: generates the crate for `spec`
//! (the whole Atlas API: `../shared/upstream/atlas-api-full.transformed.yaml`) into `out-dir`,
//! adds a test that decodes and serializes, for every struct and tagged union a response or
//! webhook decodes, `samples` values of its schema's shape with up to three undeclared members in
//! every object (`schema_json::Shapes::extended`), and runs it (`cargo test`, the workspace's
//! target directory and lock file, offline). The test fails on any member lost or changed
//! (`lossless::differ`; a subtype's tag written where it was not received is allowed) and prints
//! how many values and undeclared members it checked (issue 23).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use apigen::ir::model::{Api, TypeDef};
use atlas_exports_tests::schema_json::Shapes;
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (spec, out) = match args.as_slice() {
        [spec, out, ..] => (PathBuf::from(spec), PathBuf::from(out)),
        _ => {
            eprintln!("usage: round_trip_crate <spec> <out-dir> [samples per type] [seed]");
            return ExitCode::from(2);
        }
    };
    let samples: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(8);
    let seed: u64 = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(1);
    match run(&spec, &out, samples, seed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("round_trip_crate: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(spec: &Path, out: &Path, samples: usize, seed: u64) -> Result<(), String> {
    let crate_name = "round-trip-api".to_owned();
    let options = apigen::Options {
        crate_name: crate_name.clone(),
        spec_label: spec.display().to_string(),
        runtime: apigen::RuntimeSource::workspace(out),
        ..Default::default()
    };
    let files = apigen::generate(spec, &options).map_err(|e| e.to_string())?;
    apigen::write::write(out, &files).map_err(|e| e.to_string())?;
    let loaded = apigen::load::load(spec).map_err(|e| e.to_string())?;
    let api = apigen::build_ir(&loaded, &options).map_err(|e| e.to_string())?;
    let (test, types, values) = round_trip_test(api, &crate_name.replace('-', "_"), samples, seed);
    let tests = out.join("tests");
    std::fs::create_dir_all(&tests).map_err(|e| e.to_string())?;
    std::fs::write(tests.join("round_trip.rs"), test).map_err(|e| e.to_string())?;
    std::fs::write(tests.join("lossless.rs"), include_str!("../lossless.rs"))
        .map_err(|e| e.to_string())?;
    // A workspace of its own (it lives under target/, outside this one), sharing the target
    // directory and the lock file: no network, dependencies built once.
    let root = atlas_exports_tests::workspace_root();
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).map_err(|e| e.to_string())?;
    if !manifest.contains("[workspace]") {
        std::fs::write(out.join("Cargo.toml"), format!("{manifest}\n[workspace]\n"))
            .map_err(|e| e.to_string())?;
    }
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).map_err(|e| e.to_string())?;
    eprintln!(
        "{types} types, {values} values: cargo test --test round_trip in {}",
        out.display()
    );
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(out)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .args([
            "test",
            "--offline",
            "--test",
            "round_trip",
            "--",
            "--nocapture",
        ])
        .status()
        .map_err(|e| e.to_string())?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("the round trip failed ({status})"))
}

/// The test file, with how many types and values it checks.
fn round_trip_test(api: Api, krate: &str, samples: usize, seed: u64) -> (String, usize, usize) {
    let names: Vec<String> = api
        .types
        .iter()
        .filter(|(_, def)| match def {
            TypeDef::Struct(s) => s.undeclared.kept(),
            TypeDef::Tagged(_) => true,
            _ => false,
        })
        .map(|(name, _)| name.clone())
        .collect();
    // Tag properties: a variant struct writes its tag even where a body decoded into it directly
    // (an older media-type version) did not carry it.
    let mut tags: Vec<String> = api
        .types
        .values()
        .filter_map(|def| match def {
            TypeDef::Tagged(t) => Some(format!("{:?}", t.property)),
            _ => None,
        })
        .collect();
    tags.sort();
    tags.dedup();
    let tags = tags.join(", ");
    let shapes = Shapes::new(api);
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &bytes),
    );
    let mut cases = String::new();
    let mut values = 0;
    for name in &names {
        let strategy = shapes.extended(name);
        let jsons: Vec<String> = (0..samples)
            .filter_map(|_| strategy.new_tree(&mut runner).ok())
            .map(|tree| format!("{:?}", tree.current().to_string()))
            .collect();
        values += jsons.len();
        let _ = writeln!(
            cases,
            "    ({name:?}, check::<{krate}::types::{name}>, &[{}]),",
            jsons.join(", ")
        );
    }
    let test = format!(
        r#"//! Written by `round_trip_crate` (tests/src/bin/round_trip_crate.rs): every type a response
//! decodes keeps every member through decode -> serialize, undeclared ones included.
#![allow(deprecated)]

#[path = "lossless.rs"]
mod lossless;

use lossless::{{comparable, differ, Difference}};

/// Decodes `json` into `T`, serializes it: the differences, and how many undeclared members
/// (`~name`) the value had.
fn check<T: serde::de::DeserializeOwned + serde::Serialize>(
    json: &str,
) -> Result<(Vec<(String, Difference)>, usize), String> {{
    let value: T = serde_json::from_str(json).map_err(|e| format!("does not decode: {{e}}"))?;
    let written = serde_json::to_value(&value).map_err(|e| e.to_string())?;
    let received: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let undeclared = marked(&received);
    let keep = |s: String| s;
    Ok((differ(&comparable(received, &keep), &comparable(written, &keep)), undeclared))
}}

/// How many members named `~...` (the undeclared ones the generator added) `value` holds.
fn marked(value: &serde_json::Value) -> usize {{
    match value {{
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| usize::from(k.starts_with('~')) + marked(v))
            .sum(),
        serde_json::Value::Array(items) => items.iter().map(marked).sum(),
        _ => 0,
    }}
}}

/// Tag properties of the tagged unions.
const TAGS: &[&str] = &[{tags}];

type Check = fn(&str) -> Result<(Vec<(String, Difference)>, usize), String>;

const CASES: &[(&str, Check, &[&str])] = &[
{cases}];

#[test]
fn every_type_keeps_every_member() {{
    let (mut values, mut undeclared, mut failures) = (0, 0, Vec::new());
    for (name, check, jsons) in CASES {{
        for json in *jsons {{
            values += 1;
            match check(json) {{
                Ok((differences, n)) => {{
                    undeclared += n;
                    for (path, kind) in differences {{
                        // A subtype's tag: written by the variant whatever was received.
                        let last = path.rsplit('.').next().unwrap_or_default();
                        if kind == Difference::Added && TAGS.contains(&last) {{
                            continue;
                        }}
                        failures.push(format!("{{name}}: {{path}}: {{kind:?}} in {{json}}"));
                    }}
                }}
                Err(e) => failures.push(format!("{{name}}: {{e}} in {{json}}")),
            }}
        }}
    }}
    println!("{{}} types, {{values}} values, {{undeclared}} undeclared members: {{}} failures", CASES.len(), failures.len());
    assert!(failures.is_empty(), "{{}}", failures.join("\n"));
}}
"#
    );
    (test, names.len(), values)
}
