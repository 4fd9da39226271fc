//! Arguments of `cargo xtask spec ...`. Relative paths are taken from the current directory.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::extract::{extract, Selection};
use super::{diff, read_document, to_text, METHODS};

pub const USAGE: &str = "usage:
  cargo xtask spec extract --from SPEC --paths PATTERN... [--tag TAG]... --out FILE
  cargo xtask spec diff OLD NEW
  cargo xtask spec equivalent A B

  extract     the operations chosen by path (PATTERN: `*` within a segment, `**` across segments, or an
              exact path) and tag, with every component they reach, in a stable order; YAML or JSON by the
              extension of FILE
  diff        what changed for users of the generated crate: breaking, additive, non-API;
              exit status 0 when nothing is breaking, 1 when something is
  equivalent  exit status 0 when A and B generate the same API (docs, examples, extensions and validation
              bounds ignored), 1 otherwise

  exit status 2: usage, read or parse error";

/// Runs one `spec` subcommand; the exit status on success, a message (exit status 2) otherwise.
pub fn run(args: &[String]) -> Result<u8, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(USAGE.to_string());
    };
    match command.as_str() {
        "extract" => run_extract(rest),
        "diff" | "equivalent" => {
            let [old, new] = rest else {
                return Err(format!("`spec {command}` takes two spec files\n{USAGE}"));
            };
            let read = |p: &String| read_document(Path::new(p)).map_err(|e| e.to_string());
            let report = diff::diff(&read(old)?, &read(new)?).map_err(|e| e.to_string())?;
            if command == "diff" {
                print!("spec diff {old} -> {new}\n{}", report.render());
                Ok(report.exit_code())
            } else {
                print!(
                    "spec equivalent {old} {new}\n{}",
                    report.render_equivalence()
                );
                Ok(u8::from(!report.is_api_equivalent()))
            }
        }
        "-h" | "--help" => {
            println!("{USAGE}");
            Ok(0)
        }
        other => Err(format!("unknown spec command `{other}`\n{USAGE}")),
    }
}

fn run_extract(args: &[String]) -> Result<u8, String> {
    let (mut from, mut out) = (None, None);
    let mut selection = Selection::default();
    let mut it = args.iter().peekable();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--from" => from = Some(PathBuf::from(value()?)),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--tag" => selection.tags.push(value()?),
            "--paths" => {
                selection.paths.push(value()?);
                // Further values up to the next option belong to --paths too.
                while let Some(more) = it.next_if(|a| !a.starts_with("--")) {
                    selection.paths.push(more.clone());
                }
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let from = from.ok_or_else(|| format!("--from is required\n{USAGE}"))?;
    let out = out.ok_or_else(|| format!("--out is required\n{USAGE}"))?;
    let doc = read_document(&from).map_err(|e| e.to_string())?;
    let subset = extract(&doc, &selection).map_err(|e| e.to_string())?;
    let text = to_text(&subset, &out).map_err(|e| e.to_string())?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&out, text).map_err(|e| format!("{}: {e}", out.display()))?;
    let operations: usize = members(&subset, "/paths")
        .map(|(_, item)| METHODS.iter().filter(|m| item.get(**m).is_some()).count())
        .sum();
    let sections: Vec<String> = members(&subset, "/components")
        .map(|(kind, section)| format!("{} {kind}", section.as_object().map_or(0, |s| s.len())))
        .collect();
    eprintln!(
        "extracted {operations} operations and {} from {} into {}",
        if sections.is_empty() {
            "no components".to_string()
        } else {
            sections.join(", ")
        },
        from.display(),
        out.display()
    );
    Ok(0)
}

fn members<'a>(doc: &'a Value, pointer: &str) -> impl Iterator<Item = (&'a String, &'a Value)> {
    doc.pointer(pointer)
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
}
