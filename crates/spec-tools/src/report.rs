//! The diff report: every change classified by its impact on the generated crate, located by JSON pointer.

use std::fmt::Write as _;

/// Impact of one change on users of the generated crate. Ordered as the report lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// Code that compiled and worked against the old crate may not any more: bump the major version.
    Breaking,
    /// New items or accepted values only: bump the minor version.
    Additive,
    /// No change to the crate's items or to what a call sends (docs, examples, extensions, validation
    /// bounds, error responses): informational.
    Info,
}

impl Class {
    fn heading(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::Additive => "additive",
            Class::Info => "changed (non-API)",
        }
    }
}

/// One change: its class, the JSON pointer of the node (in the new document; in the old one for removals)
/// and what happened there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Change {
    pub class: Class,
    pub pointer: String,
    pub message: String,
}

/// Sizes of the two documents' API surfaces, printed above the changes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Operations (old, new).
    pub operations: (usize, usize),
    /// Component schemas (old, new).
    pub schemas: (usize, usize),
    /// Media types of request bodies and success responses, summed over operations (old, new).
    pub media_types: (usize, usize),
}

/// The result of `spec diff`: changes sorted by class, then pointer, without duplicates (a shared component
/// reached from several operations is reported once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub changes: Vec<Change>,
    pub summary: Summary,
}

impl Report {
    pub(super) fn new(mut changes: Vec<Change>, summary: Summary) -> Self {
        changes.sort();
        changes.dedup();
        Self { changes, summary }
    }

    pub fn of(&self, class: Class) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.class == class)
    }

    pub fn has_breaking(&self) -> bool {
        self.of(Class::Breaking).next().is_some()
    }

    /// True when nothing breaking or additive was found: the two specs generate the same API.
    pub fn is_api_equivalent(&self) -> bool {
        self.changes.iter().all(|c| c.class == Class::Info)
    }

    /// `spec diff`'s exit status: 1 when anything is breaking, else 0.
    pub fn exit_code(&self) -> u8 {
        u8::from(self.has_breaking())
    }

    fn summary_line(&self) -> String {
        let s = &self.summary;
        let pair = |(a, b): (usize, usize)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a} -> {b}")
            }
        };
        format!(
            "operations: {}, schemas: {}, media types: {}",
            pair(s.operations),
            pair(s.schemas),
            pair(s.media_types)
        )
    }

    fn section(&self, out: &mut String, class: Class) {
        let changes: Vec<&Change> = self.of(class).collect();
        if changes.is_empty() {
            return;
        }
        let _ = writeln!(out, "\n{} ({}):", class.heading(), changes.len());
        for change in changes {
            let _ = writeln!(out, "  {}: {}", change.pointer, change.message);
        }
    }

    /// The readable report: a summary line, the changes grouped by class, and the version bump they call for.
    pub fn render(&self) -> String {
        let mut out = self.summary_line() + "\n";
        out.push_str("(pointers name the new document, or the old one for removals)\n");
        for class in [Class::Breaking, Class::Additive, Class::Info] {
            self.section(&mut out, class);
        }
        let verdict = if self.has_breaking() {
            "breaking: bump the major version (the minor one while the crate is 0.x)"
        } else if self.of(Class::Additive).next().is_some() {
            "additive: bump the minor version (the patch one while the crate is 0.x)"
        } else if self.changes.is_empty() {
            "no changes"
        } else {
            "no API change: a patch release is enough"
        };
        let _ = writeln!(out, "\nverdict: {verdict}");
        out
    }

    /// `spec equivalent`'s report: the API changes in full, non-API ones only counted.
    pub fn render_equivalence(&self) -> String {
        let mut out = self.summary_line() + "\n";
        for class in [Class::Breaking, Class::Additive] {
            self.section(&mut out, class);
        }
        let info = self.of(Class::Info).count();
        let verdict = if self.is_api_equivalent() {
            "equivalent: same operations, parameters, schemas, fields and media types"
        } else {
            "NOT equivalent: see the API changes above"
        };
        let _ = writeln!(
            out,
            "\n{verdict}; {info} non-API differences (docs, examples, extensions, validation bounds) ignored"
        );
        out
    }
}
