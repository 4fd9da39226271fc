//! `prism_spec <spec> <out.json>`: writes the spec Prism serves in CI (every operation under
//! `/<version>` with only that version's media types; see `atlas_exports_tests::prism`).

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [spec, out] = args.as_slice() else {
        eprintln!("usage: prism_spec <spec file or directory> <out.json>");
        return ExitCode::from(2);
    };
    let loaded = match apigen::load::load(&PathBuf::from(spec)) {
        Ok(loaded) => loaded,
        Err(e) => {
            eprintln!("prism_spec: {e}");
            return ExitCode::FAILURE;
        }
    };
    let split = match atlas_exports_tests::prism::split_by_version(&loaded.raw) {
        Ok(split) => split,
        Err(e) => {
            eprintln!("prism_spec: {e}");
            return ExitCode::FAILURE;
        }
    };
    let text = serde_json::to_string_pretty(&split).expect("JSON values serialize");
    if let Err(e) = std::fs::write(out, text) {
        eprintln!("prism_spec: cannot write {out}: {e}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
