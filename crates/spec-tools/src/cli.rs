//! The `spec` commands (`apigen spec ...`, `cargo xtask spec ...`): their arguments (clap) and
//! what each runs. Relative paths are taken from the current directory.

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::Value;

use super::extract::{extract, Selection};
use super::{diff, read_document, to_text, METHODS};

/// Maintaining a checked-in spec. Exit status 2 on a usage, read or parse error.
#[derive(Debug, Clone, Subcommand)]
pub enum SpecCommand {
    /// The operations chosen by path and tag, with every component they reach, in a stable order
    /// (YAML or JSON by the extension of FILE)
    Extract {
        /// The upstream document
        #[arg(long, value_name = "SPEC")]
        from: PathBuf,
        /// Paths to keep: `*` within a segment, `**` across segments, or an exact path
        #[arg(long, value_name = "PATTERN", num_args = 1..)]
        paths: Vec<String>,
        /// Keep only operations with this tag (repeatable)
        #[arg(long, value_name = "TAG")]
        tag: Vec<String>,
        /// Where the subset is written
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// What changed for users of the generated crate: breaking, additive, non-API; exit status 0
    /// when nothing is breaking, 1 when something is
    Diff {
        /// The spec before
        old: PathBuf,
        /// The spec after
        new: PathBuf,
    },
    /// Exit status 0 when A and B generate the same API (docs, examples, extensions and validation
    /// bounds ignored), 1 otherwise
    Equivalent {
        /// One spec
        a: PathBuf,
        /// The other
        b: PathBuf,
    },
}

/// Runs one `spec` command; the exit status on success, a message (exit status 2) otherwise.
pub fn run(command: &SpecCommand) -> Result<u8, String> {
    match command {
        SpecCommand::Extract {
            from,
            paths,
            tag,
            out,
        } => {
            let selection = Selection {
                paths: paths.clone(),
                tags: tag.clone(),
            };
            run_extract(from, &selection, out)
        }
        SpecCommand::Diff { old, new } => {
            let report = diff::diff(&read(old)?, &read(new)?).map_err(|e| e.to_string())?;
            print!(
                "spec diff {} -> {}\n{}",
                old.display(),
                new.display(),
                report.render()
            );
            Ok(report.exit_code())
        }
        SpecCommand::Equivalent { a, b } => {
            let report = diff::diff(&read(a)?, &read(b)?).map_err(|e| e.to_string())?;
            print!(
                "spec equivalent {} {}\n{}",
                a.display(),
                b.display(),
                report.render_equivalence()
            );
            Ok(u8::from(!report.is_api_equivalent()))
        }
    }
}

fn read(path: &Path) -> Result<Value, String> {
    read_document(path).map_err(|e| e.to_string())
}

fn run_extract(from: &Path, selection: &Selection, out: &Path) -> Result<u8, String> {
    let doc = read(from)?;
    let subset = extract(&doc, selection).map_err(|e| e.to_string())?;
    let text = to_text(&subset, out).map_err(|e| e.to_string())?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(out, text).map_err(|e| format!("{}: {e}", out.display()))?;
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
