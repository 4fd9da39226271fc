//! How many of a document's list operations got which pagination kind, and why: the figures
//! issue 22 asks for (read from the IR, so they are what the generated crate has).

use std::collections::BTreeMap;

use apigen::ir::model::{Api, Method, Operation, PageReason};

/// What a GET offers a walk: its query parameters and its success response's headers.
pub struct Offer<'a> {
    op: &'a Operation,
}

impl Offer<'_> {
    /// Whether the operation takes query parameter `name`.
    pub fn has(&self, name: &str) -> bool {
        self.op.query_params.iter().any(|q| q.json_name == name)
    }

    /// Whether its success response documents a `Link` header.
    pub fn link(&self) -> bool {
        self.op.success_headers.iter().any(|h| h == "link")
    }
}

/// A vendor's list operations, by the parameters that make them one: the label of `offer`'s
/// class, or `None` when it is no listing by the vendor's conventions.
pub type Classify = fn(&Offer) -> Option<&'static str>;

/// At most this many operations are named per class that got no walk.
const NAMED: usize = 4;

/// The report: one line for the document, one per class (the operations of each class that got
/// no walk are named, a few of them).
pub fn report(name: &str, api: &Api, classify: Classify) -> String {
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut gets, mut by_rule, mut detected) = (0, 0, 0);
    // class -> (kind -> count, operations with no walk)
    let mut classes: BTreeMap<&str, (BTreeMap<&str, usize>, Vec<String>)> = BTreeMap::new();
    for op in &api.operations {
        gets += usize::from(op.method == Method::Get);
        let pagination = op.versions.iter().find_map(|v| v.pagination.as_ref());
        if let Some(p) = pagination {
            *kinds.entry(p.kind.name()).or_default() += 1;
            match p.reason {
                PageReason::ProfileRule(_) => by_rule += 1,
                PageReason::Detected => detected += 1,
            }
        }
        if op.method != Method::Get {
            continue;
        }
        let Some(class) = classify(&Offer { op }) else {
            continue;
        };
        let (tally, missed) = classes.entry(class).or_default();
        *tally
            .entry(pagination.map_or("none", |p| p.kind.name()))
            .or_default() += 1;
        if pagination.is_none() {
            missed.push(format!("GET {}", op.path));
        }
    }
    let total: usize = kinds.values().sum();
    let mut out = format!(
        "{name}: {} operations ({gets} GET), {total} paginate: {} ({by_rule} by the profile's rules, {detected} detected)\n",
        api.operations.len(),
        tally(&kinds),
    );
    for (class, (kinds, missed)) in &classes {
        let count: usize = kinds.values().sum();
        out.push_str(&format!("  {class}: {count} -> {}", tally(kinds)));
        if !missed.is_empty() {
            let more = missed.len().saturating_sub(NAMED);
            let named = missed
                .iter()
                .take(NAMED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            let more = if more > 0 {
                format!(", {more} more")
            } else {
                String::new()
            };
            out.push_str(&format!(" (no walk: {named}{more})"));
        }
        out.push('\n');
    }
    out
}

/// `kind n, kind n, ...`, most frequent first.
fn tally(kinds: &BTreeMap<&str, usize>) -> String {
    let mut list: Vec<(&&str, &usize)> = kinds.iter().collect();
    list.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let parts: Vec<String> = list.iter().map(|(k, n)| format!("{k} {n}")).collect();
    if parts.is_empty() {
        "none".to_owned()
    } else {
        parts.join(", ")
    }
}
