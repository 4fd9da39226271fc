//! The results table (Markdown, so it can be pasted into BENCHMARKS.md as printed).

use std::fmt::Write as _;

/// Whether a row meets its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Met,
    Missed,
    /// No target: context for the other rows.
    Info,
    /// Could not be measured (unsupported spec, skipped with `--quick`, tool missing).
    NotAvailable,
}

impl Verdict {
    fn text(self) -> &'static str {
        match self {
            Verdict::Met => "met",
            Verdict::Missed => "MISSED",
            Verdict::Info => "",
            Verdict::NotAvailable => "n/a",
        }
    }

    // The generator build only writes rows; the default build reads them.
    #[cfg_attr(feature = "generator", allow(dead_code))]
    fn parse(text: &str) -> Verdict {
        match text {
            "met" => Verdict::Met,
            "MISSED" => Verdict::Missed,
            "n/a" => Verdict::NotAvailable,
            _ => Verdict::Info,
        }
    }

    /// `Met` when `ok`, else `Missed`.
    pub fn of(ok: bool) -> Verdict {
        if ok {
            Verdict::Met
        } else {
            Verdict::Missed
        }
    }
}

/// One line of the table.
#[derive(Debug, Clone)]
pub struct Row {
    /// Benchmark number from the issue (1-6).
    pub group: u8,
    pub what: String,
    /// The measured side (generator, generated client, ...).
    pub measured: String,
    /// The baseline side, measured in the same run.
    pub baseline: String,
    /// The ratio, with its direction spelled out in `what` or `target`.
    pub ratio: String,
    pub target: String,
    pub verdict: Verdict,
}

impl Row {
    pub fn new(group: u8, what: impl Into<String>) -> Row {
        Row {
            group,
            what: what.into(),
            measured: String::new(),
            baseline: String::new(),
            ratio: String::new(),
            target: String::new(),
            verdict: Verdict::Info,
        }
    }

    pub fn measured(mut self, s: impl Into<String>) -> Row {
        self.measured = s.into();
        self
    }

    pub fn baseline(mut self, s: impl Into<String>) -> Row {
        self.baseline = s.into();
        self
    }

    pub fn ratio(mut self, s: impl Into<String>) -> Row {
        self.ratio = s.into();
        self
    }

    pub fn target(mut self, s: impl Into<String>, verdict: Verdict) -> Row {
        self.target = s.into();
        self.verdict = verdict;
        self
    }

    pub fn na(mut self, why: impl Into<String>) -> Row {
        self.measured = why.into();
        self.verdict = Verdict::NotAvailable;
        self
    }
}

const LINE_TAG: &str = "ROW";

impl Row {
    /// One line, for handing rows from a child process (`--rows`) to the parent.
    pub fn to_line(&self) -> String {
        let clean = |s: &str| s.replace(['\t', '\n'], " ");
        [
            LINE_TAG.to_string(),
            self.group.to_string(),
            clean(&self.what),
            clean(&self.measured),
            clean(&self.baseline),
            clean(&self.ratio),
            clean(&self.target),
            self.verdict.text().to_string(),
        ]
        .join("\t")
    }

    /// The inverse of [`Row::to_line`]; `None` for any other line.
    #[cfg_attr(feature = "generator", allow(dead_code))]
    pub fn from_line(line: &str) -> Option<Row> {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 8 || f[0] != LINE_TAG {
            return None;
        }
        Some(Row {
            group: f[1].parse().ok()?,
            what: f[2].into(),
            measured: f[3].into(),
            baseline: f[4].into(),
            ratio: f[5].into(),
            target: f[6].into(),
            verdict: Verdict::parse(f[7]),
        })
    }
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The rows as a Markdown table.
pub fn markdown(rows: &[Row]) -> String {
    let mut out = String::new();
    out.push_str("| # | measurement | measured | baseline | ratio | target | verdict |\n");
    out.push_str("|---|---|---|---|---|---|---|\n");
    for r in rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            r.group,
            cell(&r.what),
            cell(&r.measured),
            cell(&r.baseline),
            cell(&r.ratio),
            cell(&r.target),
            r.verdict.text()
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_cells() {
        let rows = [Row::new(2, "a|b")
            .measured("1 ms")
            .target("≥ 0.95×", Verdict::Met)];
        let md = markdown(&rows);
        assert!(
            md.contains("| 2 | a\\|b | 1 ms |  |  | ≥ 0.95× | met |"),
            "{md}"
        );
    }

    #[test]
    fn rows_round_trip_through_lines() {
        let row = Row::new(1, "full API: total")
            .na("unsupported: at /paths/x\tmore")
            .target("< 1 s", Verdict::NotAvailable);
        let back = Row::from_line(&row.to_line()).unwrap();
        assert_eq!(back.group, 1);
        assert_eq!(back.what, "full API: total");
        assert_eq!(back.measured, "unsupported: at /paths/x more");
        assert_eq!(back.verdict, Verdict::NotAvailable);
        let met = Row::new(3, "x").target("≤ 1.05×", Verdict::Met);
        assert_eq!(
            Row::from_line(&met.to_line()).unwrap().verdict,
            Verdict::Met
        );
        assert!(Row::from_line("| 1 | x |").is_none());
    }
}
