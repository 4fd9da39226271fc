//! The corpus results: a Markdown table of outcomes by cause (one example document each) on stdout,
//! and one JSON line per document in a report file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use super::classify::{Outcome, Verdict};

/// One document's result.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Name below `package/api/`.
    pub document: String,
    /// `3.0`, `3.1` or `2.0` (Swagger).
    pub version: &'static str,
    pub verdict: Verdict,
    pub ms: u128,
}

/// Counts per outcome.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    pub generated: usize,
    pub rejected: usize,
    pub crashes: usize,
}

impl Totals {
    pub fn of<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Self {
        let mut t = Totals::default();
        for e in entries {
            match e.verdict.outcome {
                Outcome::Generated => t.generated += 1,
                Outcome::Rejected => t.rejected += 1,
                Outcome::Crash => t.crashes += 1,
            }
        }
        t
    }

    pub fn total(self) -> usize {
        self.generated + self.rejected + self.crashes
    }

    pub fn generated_percent(self) -> f64 {
        if self.total() == 0 {
            return 0.0;
        }
        self.generated as f64 * 100.0 / self.total() as f64
    }
}

fn percent(n: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 * 100.0 / total as f64
    }
}

/// Markdown: totals, then one row per (outcome, cause), crashes first, most frequent first.
pub fn table(title: &str, entries: &[&Entry]) -> String {
    let totals = Totals::of(entries.iter().copied());
    let n = totals.total();
    let mut out = format!(
        "### {title}: {n} documents\n\n| outcome | documents | % |\n|---|---:|---:|\n\
         | generated | {} | {:.1} |\n| rejected with a pointer | {} | {:.1} |\n| crash | {} | {:.1} |\n\n",
        totals.generated,
        percent(totals.generated, n),
        totals.rejected,
        percent(totals.rejected, n),
        totals.crashes,
        percent(totals.crashes, n),
    );
    let mut causes: BTreeMap<(Outcome, &str), Vec<&Entry>> = BTreeMap::new();
    for e in entries {
        if e.verdict.outcome != Outcome::Generated {
            causes
                .entry((e.verdict.outcome, e.verdict.cause.as_str()))
                .or_default()
                .push(e);
        }
    }
    if causes.is_empty() {
        return out;
    }
    let mut rows: Vec<_> = causes.into_iter().collect();
    rows.sort_by(|a, b| {
        a.0 .0
            .cmp(&b.0 .0)
            .then(b.1.len().cmp(&a.1.len()))
            .then(a.0 .1.cmp(b.0 .1))
    });
    out.push_str("| outcome | documents | cause | example |\n|---|---:|---|---|\n");
    for ((outcome, cause), docs) in rows {
        let example = docs[0];
        out.push_str(&format!(
            "| {} | {} | {} | `{}` |\n",
            outcome.label(),
            docs.len(),
            cell(cause),
            example.document
        ));
    }
    out
}

/// Markdown table cell text: pipes escaped, on one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// Writes one JSON object per line: document, version, outcome, cause, pointer, message, ms.
pub fn write_jsonl(path: &Path, entries: &[Entry]) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let file = std::fs::File::create(path)
        .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    for e in entries {
        let line = serde_json::json!({
            "path": e.document,
            "openapi": e.version,
            "outcome": e.verdict.outcome.label(),
            "cause": e.verdict.cause,
            "pointer": e.verdict.pointer,
            "message": e.verdict.message,
            "ms": e.ms,
        });
        writeln!(out, "{line}").map_err(|err| format!("cannot write {}: {err}", path.display()))?;
    }
    out.flush()
        .map_err(|err| format!("cannot write {}: {err}", path.display()))
}
