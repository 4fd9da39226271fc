//! Results per call, operation and document; the table by cause and by parameter style / body kind;
//! `report.jsonl`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::classify::{self, Class};
use super::driver::Exercised;

/// One line the driver printed: one call of one operation.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CallResult {
    pub operation: String,
    /// `all` (every parameter and member) or `required`.
    pub call: String,
    /// `ok`, `api`, `decode`, `invalid`, `build`, `media_type`, `other`; `not_built`, `missing`.
    pub outcome: String,
    pub status: Option<u16>,
    pub detail: String,
}

impl CallResult {
    pub fn not_built(error: &str) -> Self {
        CallResult {
            operation: String::new(),
            call: "build".into(),
            outcome: "not_built".into(),
            status: None,
            detail: error.chars().take(3000).collect(),
        }
    }
}

/// One operation: what it exercises, its calls, and the verdict.
#[derive(Debug, Clone, Serialize)]
pub struct OperationResult {
    pub document: String,
    pub operation: String,
    pub method: String,
    pub path: String,
    pub features: Vec<String>,
    pub calls: Vec<CallResult>,
    pub class: Class,
    /// The cause of the first failing call, normalized (empty when conformant).
    pub cause: String,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub operations: Vec<OperationResult>,
}

impl Document {
    /// Calls grouped by operation; an operation without any call line failed (`missing`), and a
    /// crate that did not build fails every operation.
    pub fn new(
        name: &str,
        raw: &serde_json::Value,
        exercised: &[Exercised],
        calls: &[CallResult],
    ) -> Self {
        let not_built = calls.iter().find(|c| c.outcome == "not_built");
        let operations = exercised
            .iter()
            .map(|e| {
                let mut mine: Vec<CallResult> = match not_built {
                    Some(c) => vec![c.clone()],
                    None => calls
                        .iter()
                        .filter(|c| c.operation == e.operation_id)
                        .cloned()
                        .collect(),
                };
                if mine.is_empty() {
                    mine.push(CallResult {
                        operation: e.operation_id.clone(),
                        call: "all".into(),
                        outcome: "missing".into(),
                        status: None,
                        detail: "the driver printed nothing for this operation (it stopped)".into(),
                    });
                }
                let (class, cause) = classify::operation(name, raw, e, &mine);
                OperationResult {
                    document: name.to_owned(),
                    operation: e.operation_id.clone(),
                    method: e.method.clone(),
                    path: e.path.clone(),
                    features: e.features.clone(),
                    calls: mine,
                    class,
                    cause,
                }
            })
            .collect();
        Document { operations }
    }
}

pub struct Report {
    pub documents: Vec<Document>,
    pub skipped: Vec<(String, String)>,
    pub elapsed: Duration,
}

impl Report {
    pub fn new(
        documents: Vec<Document>,
        skipped: Vec<(String, String)>,
        elapsed: Duration,
    ) -> Self {
        Report {
            documents,
            skipped,
            elapsed,
        }
    }

    fn operations(&self) -> impl Iterator<Item = &OperationResult> {
        self.documents.iter().flat_map(|d| &d.operations)
    }

    /// Share of operations without a generator defect (spec defects, Prism limitations and what the
    /// harness cannot check are not counted against the generator).
    pub fn conformant_percent(&self) -> f64 {
        let total = self.operations().count();
        let defects = self
            .operations()
            .filter(|o| o.class == Class::Generator)
            .count();
        if total == 0 {
            return 0.0;
        }
        100.0 * (total - defects) as f64 / total as f64
    }

    pub fn write_jsonl(&self, path: &Path) -> Result<(), String> {
        let mut text = String::new();
        for op in self.operations() {
            let line = serde_json::to_string(op).map_err(|e| e.to_string())?;
            text.push_str(&line);
            text.push('\n');
        }
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        }
        std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
    }

    /// The summary, the table by cause and the figures per parameter style and body kind.
    pub fn table(&self) -> String {
        let total = self.operations().count();
        let mut by_class: BTreeMap<Class, usize> = BTreeMap::new();
        let mut by_cause: BTreeMap<(Class, String), Vec<String>> = BTreeMap::new();
        for op in self.operations() {
            *by_class.entry(op.class).or_default() += 1;
            if op.class != Class::Conformant {
                by_cause
                    .entry((op.class, op.cause.clone()))
                    .or_default()
                    .push(format!("{} {} {}", op.document, op.method, op.path));
            }
        }
        let mut out = String::new();
        let _ = writeln!(
            out,
            "\n## Wire conformance against Prism: {} documents, {} operations, {:.0} s\n",
            self.documents.len(),
            total,
            self.elapsed.as_secs_f64()
        );
        let _ = writeln!(out, "| class | operations | share |\n|---|---:|---:|");
        for (class, n) in &by_class {
            let _ = writeln!(
                out,
                "| {} | {n} | {:.1} % |",
                class.label(),
                percent(*n, total)
            );
        }
        let _ = writeln!(
            out,
            "\nConformant or failing for a reason other than the generator: {:.1} %",
            self.conformant_percent()
        );
        let _ = writeln!(
            out,
            "\n| class | cause | operations | first examples |\n|---|---|---:|---|"
        );
        let mut causes: Vec<_> = by_cause.into_iter().collect();
        causes.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
        for ((class, cause), ops) in causes {
            let examples: Vec<&str> = ops.iter().take(2).map(String::as_str).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                class.label(),
                cell(&cause),
                ops.len(),
                cell(&examples.join("; "))
            );
        }
        out.push_str(&self.features_table());
        if !self.skipped.is_empty() {
            let _ = writeln!(out, "\nLeft out of the sample ({}):", self.skipped.len());
            for (name, why) in &self.skipped {
                let _ = writeln!(out, "- {name}: {}", cell(why));
            }
        }
        out
    }

    fn features_table(&self) -> String {
        let mut rows: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
        for op in self.operations() {
            for feature in &op.features {
                let row = rows.entry(feature).or_default();
                row.0 += 1;
                if op.class == Class::Conformant {
                    row.1 += 1;
                }
                if op.class == Class::Generator {
                    row.2 += 1;
                }
            }
        }
        let mut out = String::from(
            "\n| parameter style / body kind | operations | conformant | generator defects |\n|---|---:|---:|---:|\n",
        );
        for (feature, (n, ok, defects)) in rows {
            let _ = writeln!(
                out,
                "| `{feature}` | {n} | {ok} ({:.1} %) | {defects} |",
                percent(ok, n)
            );
        }
        out
    }
}

fn percent(n: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * n as f64 / total as f64
    }
}

/// Text for a Markdown table cell: one line, no pipes, bounded.
fn cell(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c == '|' || c.is_control() { ' ' } else { c })
        .take(220)
        .collect();
    one_line
}
