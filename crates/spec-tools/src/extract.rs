//! `cargo xtask spec extract`: the operations chosen from an upstream spec plus every component they reach.
//!
//! Output order, so that refreshing `spec/` from a new release gives a reviewable diff and the same bytes on
//! every run:
//! - top level: `openapi`, `info`, `externalDocs`, `servers`, `security`, `tags`, `paths`, `components`
//!   (other top-level members, e.g. upstream's `x-topics`, describe the whole API and are dropped);
//! - `paths` sorted by path; `components` sections in the specification's order, names sorted;
//! - inside every copied node, upstream's own key order (the tree keeps insertion order), because property
//!   order is the generated struct's field order and upstream is the authority on it.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::{component_of, schema_refs, subtypes_by_base, COMPONENT_KINDS, METHODS};
use apigen::error::{GenError, Ptr, Result};

/// Which operations to keep.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Path patterns: `*` matches within one segment, `**` any number of whole segments (zero included),
    /// anything else literally (`{groupId}` is literal text). Empty means every path.
    pub paths: Vec<String>,
    /// Keep only operations carrying one of these tags. Empty means any tag.
    pub tags: Vec<String>,
}

/// The subset of `doc` that `selection` chooses, in the stable order described in the module docs.
/// Every pattern and tag must select something, so a typo is an error rather than a silently smaller spec.
pub fn extract(doc: &Value, selection: &Selection) -> Result<Value> {
    let patterns = selection
        .paths
        .iter()
        .map(|p| Pattern::compile(p))
        .collect::<Result<Vec<_>>>()?;
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| GenError::new("/paths", "the document has no `paths` object"))?;
    let mut pattern_used = vec![false; patterns.len()];
    let mut tag_used = vec![false; selection.tags.len()];
    let mut chosen: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    let mut collector = Collector::new(doc);
    let mut used_tags = BTreeSet::new();
    for (path, item) in paths {
        let hits: Vec<usize> = (0..patterns.len())
            .filter(|&i| patterns[i].matches(path))
            .collect();
        if !patterns.is_empty() && hits.is_empty() {
            continue;
        }
        let at = Ptr::root().push("paths").push(path);
        let item = item
            .as_object()
            .ok_or_else(|| GenError::new(at.as_str(), "a path item must be an object"))?;
        if item.contains_key("$ref") {
            return Err(GenError::unsupported(&at.push("$ref"), "path item `$ref`"));
        }
        let mut kept = Map::new();
        let mut operations = 0;
        for (key, value) in item {
            if METHODS.contains(&key.as_str()) {
                let tags: Vec<&str> = value
                    .get("tags")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect();
                let wanted: Vec<usize> = (0..selection.tags.len())
                    .filter(|&i| tags.contains(&selection.tags[i].as_str()))
                    .collect();
                if !selection.tags.is_empty() && wanted.is_empty() {
                    continue;
                }
                wanted.iter().for_each(|&i| tag_used[i] = true);
                used_tags.extend(tags.iter().map(|t| t.to_string()));
                collector.operation(value, &at.push(key))?;
                operations += 1;
            } else if key == "parameters" {
                collector.parameters(value, &at.push(key))?;
            }
            kept.insert(key.clone(), value.clone());
        }
        if operations == 0 {
            continue;
        }
        hits.iter().for_each(|&i| pattern_used[i] = true);
        chosen.insert(path.clone(), kept);
    }
    for (i, used) in pattern_used.iter().enumerate() {
        if !used {
            let tagged = if selection.tags.is_empty() {
                String::new()
            } else {
                format!(" tagged {}", selection.tags.join(" or "))
            };
            return Err(GenError::new(
                "/paths",
                format!(
                    "--paths {:?} selects no operation{tagged}",
                    patterns[i].text
                ),
            ));
        }
    }
    for (i, used) in tag_used.iter().enumerate() {
        if !used {
            return Err(GenError::new(
                "/paths",
                format!(
                    "--tag {:?} selects no operation on the chosen paths",
                    selection.tags[i]
                ),
            ));
        }
    }
    if chosen.is_empty() {
        return Err(GenError::new("/paths", "no operation selected"));
    }
    if let Some(security) = doc.get("security") {
        collector.security(security, &Ptr::root().push("security"))?;
    }
    collector.drain()?;
    Ok(assemble(doc, chosen, &collector.needed, &used_tags))
}

/// Builds the output document in the documented order.
fn assemble(
    doc: &Value,
    paths: BTreeMap<String, Map<String, Value>>,
    needed: &BTreeSet<(String, String)>,
    used_tags: &BTreeSet<String>,
) -> Value {
    let mut out = Map::new();
    for key in ["openapi", "info", "externalDocs", "servers", "security"] {
        if let Some(value) = doc.get(key) {
            out.insert(key.into(), value.clone());
        }
    }
    let tags: Vec<Value> = doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| {
            t.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| used_tags.contains(n))
        })
        .cloned()
        .collect();
    if !tags.is_empty() {
        out.insert("tags".into(), Value::Array(tags));
    }
    let paths = paths.into_iter().map(|(k, v)| (k, Value::Object(v)));
    out.insert("paths".into(), Value::Object(paths.collect()));
    let mut components = Map::new();
    for kind in COMPONENT_KINDS {
        let section: Map<String, Value> = needed
            .iter()
            .filter(|(k, _)| k == kind)
            .filter_map(|(_, name)| {
                let node = doc.get("components")?.get(kind)?.get(name)?;
                Some((name.clone(), node.clone()))
            })
            .collect();
        if !section.is_empty() {
            components.insert(kind.to_string(), Value::Object(section));
        }
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    Value::Object(out)
}

/// One `--paths` pattern, split into segments.
struct Pattern {
    text: String,
    segments: Vec<String>,
}

impl Pattern {
    fn compile(text: &str) -> Result<Self> {
        let Some(rest) = text.strip_prefix('/') else {
            return Err(GenError::new(
                "/paths",
                format!("--paths {text:?} must start with `/`"),
            ));
        };
        let segments: Vec<String> = rest.split('/').map(str::to_string).collect();
        if segments.iter().any(|s| s.contains("**") && s != "**") {
            return Err(GenError::new(
                "/paths",
                format!("--paths {text:?}: `**` must be a whole segment"),
            ));
        }
        Ok(Self {
            text: text.to_string(),
            segments,
        })
    }

    fn matches(&self, path: &str) -> bool {
        let Some(rest) = path.strip_prefix('/') else {
            return false;
        };
        let segments: Vec<&str> = rest.split('/').collect();
        match_segments(&self.segments, &segments)
    }
}

fn match_segments(pattern: &[String], path: &[&str]) -> bool {
    match pattern.split_first() {
        None => path.is_empty(),
        Some((first, rest)) if first == "**" => {
            (0..=path.len()).any(|skip| match_segments(rest, &path[skip..]))
        }
        Some((first, rest)) => path
            .split_first()
            .is_some_and(|(segment, tail)| glob(first, segment) && match_segments(rest, tail)),
    }
}

/// `*` matches any run of characters (within one segment: segments never contain `/`).
fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    // Position of the last `*` and the text position it currently absorbs up to: linear backtracking.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Walks the chosen operations and every component they reach, transitively.
struct Collector<'a> {
    doc: &'a Value,
    /// (component kind, name) of every component reached so far.
    needed: BTreeSet<(String, String)>,
    queue: Vec<(String, String)>,
    subtypes: BTreeMap<String, Vec<String>>,
}

impl<'a> Collector<'a> {
    fn new(doc: &'a Value) -> Self {
        Self {
            doc,
            needed: BTreeSet::new(),
            queue: Vec::new(),
            subtypes: subtypes_by_base(doc),
        }
    }

    fn need(&mut self, kind: &str, name: &str) {
        let key = (kind.to_string(), name.to_string());
        if self.needed.insert(key.clone()) {
            self.queue.push(key);
        }
    }

    /// Records `node`'s `$ref` (which must name a `kind` component); true when `node` is a reference.
    fn reference(&mut self, node: &Value, at: &Ptr, kind: &str) -> Result<bool> {
        let Some(reference) = node.get("$ref") else {
            return Ok(false);
        };
        let ref_at = at.push("$ref");
        let reference = reference
            .as_str()
            .ok_or_else(|| GenError::new(ref_at.as_str(), "`$ref` must be a string"))?;
        let (found, name) = component_of(self.doc, reference, &ref_at)?;
        if found != kind {
            return Err(GenError::new(
                ref_at.as_str(),
                format!("`{reference}` is used where a component of `{kind}` is expected"),
            ));
        }
        self.need(kind, &name);
        Ok(true)
    }

    /// Processes queued components until none is left (components reach further components).
    fn drain(&mut self) -> Result<()> {
        while let Some((kind, name)) = self.queue.pop() {
            let at = Ptr::root().push("components").push(&kind).push(&name);
            let Some(node) = self.doc.pointer(at.as_str()) else {
                continue;
            };
            match kind.as_str() {
                "schemas" => {
                    self.schema(node, &at)?;
                    for subtype in self.subtypes.get(&name).cloned().unwrap_or_default() {
                        self.need("schemas", &subtype);
                    }
                }
                "responses" => self.response(node, &at)?,
                "parameters" => self.parameter(node, &at)?,
                "requestBodies" => self.request_body(node, &at)?,
                "headers" => self.header(node, &at)?,
                "callbacks" => self.callback(node, &at)?,
                // Examples, links and security schemes reach nothing further.
                other => {
                    self.reference(node, &at, other)?;
                }
            }
        }
        Ok(())
    }

    fn operation(&mut self, op: &Value, at: &Ptr) -> Result<()> {
        if let Some(params) = op.get("parameters") {
            self.parameters(params, &at.push("parameters"))?;
        }
        if let Some(body) = op.get("requestBody") {
            self.request_body(body, &at.push("requestBody"))?;
        }
        for (status, response) in members(op.get("responses")) {
            self.response(response, &at.push("responses").push(status))?;
        }
        for (name, callback) in members(op.get("callbacks")) {
            self.callback(callback, &at.push("callbacks").push(name))?;
        }
        if let Some(security) = op.get("security") {
            self.security(security, &at.push("security"))?;
        }
        Ok(())
    }

    fn parameters(&mut self, params: &Value, at: &Ptr) -> Result<()> {
        for (i, param) in params.as_array().into_iter().flatten().enumerate() {
            self.parameter(param, &at.push(i.to_string()))?;
        }
        Ok(())
    }

    fn parameter(&mut self, param: &Value, at: &Ptr) -> Result<()> {
        if self.reference(param, at, "parameters")? {
            return Ok(());
        }
        self.schema_and_content(param, at)
    }

    /// `schema`, `content` and `examples`, shared by parameters and headers.
    fn schema_and_content(&mut self, node: &Value, at: &Ptr) -> Result<()> {
        if let Some(schema) = node.get("schema") {
            self.schema(schema, &at.push("schema"))?;
        }
        self.content(node, at)?;
        self.examples(node, at)
    }

    fn request_body(&mut self, body: &Value, at: &Ptr) -> Result<()> {
        if self.reference(body, at, "requestBodies")? {
            return Ok(());
        }
        self.content(body, at)
    }

    fn response(&mut self, response: &Value, at: &Ptr) -> Result<()> {
        if self.reference(response, at, "responses")? {
            return Ok(());
        }
        for (name, header) in members(response.get("headers")) {
            self.header(header, &at.push("headers").push(name))?;
        }
        for (name, link) in members(response.get("links")) {
            self.reference(link, &at.push("links").push(name), "links")?;
        }
        self.content(response, at)
    }

    fn header(&mut self, header: &Value, at: &Ptr) -> Result<()> {
        if self.reference(header, at, "headers")? {
            return Ok(());
        }
        self.schema_and_content(header, at)
    }

    /// The `content` map of `node`: each media type's schema, examples and encoding headers.
    fn content(&mut self, node: &Value, at: &Ptr) -> Result<()> {
        for (media_type, media) in members(node.get("content")) {
            let at = at.push("content").push(media_type);
            if let Some(schema) = media.get("schema") {
                self.schema(schema, &at.push("schema"))?;
            }
            self.examples(media, &at)?;
            for (property, encoding) in members(media.get("encoding")) {
                let at = at.push("encoding").push(property);
                for (name, header) in members(encoding.get("headers")) {
                    self.header(header, &at.push("headers").push(name))?;
                }
            }
        }
        Ok(())
    }

    /// The `examples` map of `node`: example objects inline (their `value` is data) or references.
    fn examples(&mut self, node: &Value, at: &Ptr) -> Result<()> {
        for (name, example) in members(node.get("examples")) {
            self.reference(example, &at.push("examples").push(name), "examples")?;
        }
        Ok(())
    }

    fn callback(&mut self, callback: &Value, at: &Ptr) -> Result<()> {
        if self.reference(callback, at, "callbacks")? {
            return Ok(());
        }
        for (expression, item) in members(Some(callback)) {
            let at = at.push(expression);
            for (key, value) in members(Some(item)) {
                if METHODS.contains(&key.as_str()) {
                    self.operation(value, &at.push(key))?;
                } else if key == "parameters" {
                    self.parameters(value, &at.push(key))?;
                }
            }
        }
        Ok(())
    }

    fn schema(&mut self, schema: &Value, at: &Ptr) -> Result<()> {
        let mut refs = Vec::new();
        schema_refs(schema, at, &mut refs);
        for (reference, ref_at) in refs {
            let (kind, name) = component_of(self.doc, &reference, &ref_at)?;
            if kind != "schemas" {
                return Err(GenError::new(
                    ref_at.as_str(),
                    format!("`{reference}` is used where a schema is expected"),
                ));
            }
            self.need("schemas", &name);
        }
        Ok(())
    }

    /// Security requirements name schemes by key; each must exist.
    fn security(&mut self, requirements: &Value, at: &Ptr) -> Result<()> {
        for (i, requirement) in requirements.as_array().into_iter().flatten().enumerate() {
            for (scheme, _) in members(Some(requirement)) {
                let known = self
                    .doc
                    .pointer("/components/securitySchemes")
                    .and_then(|s| s.get(scheme))
                    .is_some();
                if !known {
                    return Err(GenError::new(
                        at.push(i.to_string()).push(scheme).as_str(),
                        format!("unknown security scheme `{scheme}`"),
                    ));
                }
                self.need("securitySchemes", scheme);
            }
        }
        Ok(())
    }
}

/// The members of an optional object node (nothing when absent or not an object).
fn members(node: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    node.and_then(Value::as_object).into_iter().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        let p = |text: &str| Pattern::compile(text).unwrap_or_else(|e| panic!("{e}"));
        assert!(p("/a/*/c").matches("/a/{id}/c"));
        assert!(!p("/a/*/c").matches("/a/b/x/c"));
        assert!(p("/a/**").matches("/a"));
        assert!(p("/a/**").matches("/a/b/c"));
        assert!(p("/a/**/c").matches("/a/c"));
        assert!(p("/a/**/c").matches("/a/b/d/c"));
        assert!(p("/a/b*").matches("/a/buckets"));
        assert!(p("/a/*s").matches("/a/exports"));
        assert!(!p("/a/*s").matches("/a/export"));
        assert!(p("/exact/{id}").matches("/exact/{id}"));
        assert!(!p("/exact/{id}").matches("/exact/{other}"));
        assert!(Pattern::compile("a/b").is_err());
        assert!(Pattern::compile("/a**").is_err());
    }
}
