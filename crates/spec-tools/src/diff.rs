//! `cargo xtask spec diff <old> <new>`: what changed for users of the generated crate.
//!
//! Operations are paired by method and path (path parameter names ignored, so a renamed parameter reads as
//! a changed path), then by `operationId` (a moved operation). Inside a pair, parameters, request bodies,
//! success responses and their media types are compared; each media type is a versioned method of the
//! generated client, so dropping one is breaking. Component schemas are compared by name in
//! `schema_diff.rs`. Error responses, headers, docs, examples and extensions do not change the crate's
//! items: they are reported as non-API changes.

use std::collections::BTreeMap;

use serde_json::Value;

use super::report::{Change, Class, Report, Summary};
use super::schema_diff::{short, usage_map, Usage};
use super::{object, resolve, COMPONENT_KINDS, METHODS};
use apigen::error::{Ptr, Result};

/// Compares two documents (raw trees, see [`super::read_document`]). Errors only for references that cannot
/// be resolved, with the pointer of the `$ref`.
pub fn diff(old: &Value, new: &Value) -> Result<Report> {
    let mut usage = usage_map(old)?;
    for (name, u) in usage_map(new)? {
        let entry = usage.entry(name).or_default();
        *entry = entry.union(u);
    }
    let mut differ = Differ {
        old,
        new,
        usage,
        changes: Vec::new(),
    };
    let (ops_old, ops_new) = (operations(old), operations(new));
    differ.operations(&ops_old, &ops_new)?;
    differ.components();
    let root = Ptr::root();
    differ.info_keys(old, new, &root, &root, &["paths", "components", "info"]);
    let info = (
        old.get("info").unwrap_or(&Value::Null),
        new.get("info").unwrap_or(&Value::Null),
    );
    differ.info_keys(info.0, info.1, &root.push("info"), &root.push("info"), &[]);
    let count = |doc: &Value| {
        doc.pointer("/components/schemas")
            .and_then(Value::as_object)
            .map_or(0, |s| s.len())
    };
    let media = |doc: &Value, ops: &[Op]| ops.iter().map(|op| media_count(doc, op)).sum();
    let summary = Summary {
        operations: (ops_old.len(), ops_new.len()),
        schemas: (count(old), count(new)),
        media_types: (media(old, &ops_old), media(new, &ops_new)),
    };
    Ok(Report::new(differ.changes, summary))
}

/// The comparison in progress: both documents, schema usage (union of both), changes found so far.
pub(super) struct Differ<'a> {
    pub(super) old: &'a Value,
    pub(super) new: &'a Value,
    pub(super) usage: BTreeMap<String, Usage>,
    changes: Vec<Change>,
}

/// One operation of a document.
struct Op<'a> {
    method: String,
    path: String,
    /// `GET /a/{}/b`: method and path with parameter names left out.
    key: String,
    node: &'a Value,
    item: &'a Value,
    at: Ptr,
}

impl Op<'_> {
    fn id(&self) -> Option<&str> {
        self.node.get("operationId").and_then(Value::as_str)
    }

    /// The name the generated method is derived from (the IR prefers Atlas' short SDK name).
    fn rust_name(&self) -> Option<&str> {
        self.node
            .get("x-xgen-operation-id-override")
            .and_then(Value::as_str)
            .or(self.id())
    }

    fn label(&self) -> String {
        match self.id() {
            Some(id) => format!("{} {} ({id})", self.method, self.path),
            None => format!("{} {}", self.method, self.path),
        }
    }
}

fn operations(doc: &Value) -> Vec<Op<'_>> {
    let mut out = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for (path, item) in paths.into_iter().flatten() {
        for method in METHODS {
            if let Some(node) = item.get(*method) {
                let mut key = format!("{} ", method.to_uppercase());
                let mut in_param = false;
                for c in path.chars() {
                    match c {
                        '{' | '}' => {
                            in_param = c == '{';
                            key.push(c);
                        }
                        _ if in_param => {}
                        c => key.push(c),
                    }
                }
                out.push(Op {
                    method: method.to_uppercase(),
                    path: path.clone(),
                    key,
                    node,
                    item,
                    at: Ptr::root().push("paths").push(path).push(method),
                });
            }
        }
    }
    out
}

/// Media types of the request body and of the success responses: one generated method version each.
fn media_count(doc: &Value, op: &Op) -> usize {
    let count = |node: Option<&Value>, at: &Ptr| {
        node.and_then(|n| resolve(doc, n, at).ok())
            .and_then(|(n, _)| n.get("content")?.as_object().map(|c| c.len()))
            .unwrap_or(0)
    };
    let responses = op.node.get("responses").and_then(Value::as_object);
    let success = responses
        .into_iter()
        .flatten()
        .filter(|(status, _)| status.starts_with('2'))
        .map(|(status, r)| count(Some(r), &op.at.push("responses").push(status)))
        .sum::<usize>();
    success + count(op.node.get("requestBody"), &op.at.push("requestBody"))
}

/// The request body of `op` after resolving its `$ref`, with the pointer of the node that defines it.
fn request_body<'a>(doc: &'a Value, op: &Op<'a>) -> Result<Option<(&'a Value, Ptr)>> {
    match op.node.get("requestBody") {
        Some(body) => resolve(doc, body, &op.at.push("requestBody")).map(Some),
        None => Ok(None),
    }
}

/// A parameter after resolving its `$ref`, with the pointer of the node that defines it.
struct Param<'a> {
    location: String,
    name: String,
    required: bool,
    node: &'a Value,
    at: Ptr,
}

/// Path-level and operation-level parameters (the latter override by name and location), resolved;
/// path parameters first, in the order of the path template.
fn parameters<'a>(doc: &'a Value, op: &Op<'a>) -> Result<Vec<Param<'a>>> {
    let item_at = op.at.tokens().take(2).fold(Ptr::root(), |p, t| p.push(t));
    let sources = [(op.item, item_at), (op.node, op.at.clone())];
    let mut out: Vec<Param> = Vec::new();
    for (owner, at) in &sources {
        let list = owner.get("parameters").and_then(Value::as_array);
        for (i, param) in list.into_iter().flatten().enumerate() {
            let (node, at) = resolve(doc, param, &at.push("parameters").push(i.to_string()))?;
            let text = |key: &str| node.get(key).and_then(Value::as_str).unwrap_or("");
            let (location, name) = (text("in").to_string(), text("name").to_string());
            out.retain(|p| !(p.location == location && p.name == name));
            let required = node.get("required").and_then(Value::as_bool) == Some(true);
            out.push(Param {
                required: required || location == "path",
                location,
                name,
                node,
                at,
            });
        }
    }
    let position = |p: &Param| match p.location.as_str() {
        "path" => op
            .path
            .find(&format!("{{{}}}", p.name))
            .unwrap_or(usize::MAX),
        _ => usize::MAX,
    };
    out.sort_by_key(|p| (p.location != "path", position(p)));
    Ok(out)
}

impl<'a> Differ<'a> {
    pub(super) fn push(&mut self, class: Class, at: &Ptr, message: impl Into<String>) {
        self.changes.push(Change {
            class,
            pointer: at.as_str().to_string(),
            message: message.into(),
        });
    }

    /// Members of two nodes other than `skip`, compared as non-API changes (docs, examples, extensions,
    /// validation bounds, defaults).
    pub(super) fn info_keys(
        &mut self,
        old: &Value,
        new: &Value,
        o_at: &Ptr,
        n_at: &Ptr,
        skip: &[&str],
    ) {
        let empty = serde_json::Map::new();
        let (a, b) = (
            old.as_object().unwrap_or(&empty),
            new.as_object().unwrap_or(&empty),
        );
        let keys = b.keys().chain(a.keys().filter(|k| !b.contains_key(*k)));
        for key in keys {
            if skip.contains(&key.as_str()) {
                continue;
            }
            let what = match key.as_str() {
                "description" | "summary" | "title" | "example" | "examples" | "externalDocs" => {
                    " (docs)"
                }
                k if k.starts_with("x-") => " (extension)",
                "pattern" | "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum"
                | "minLength" | "maxLength" | "minItems" | "maxItems" | "uniqueItems"
                | "multipleOf" | "minProperties" | "maxProperties" => " (validation)",
                _ => "",
            };
            match (a.get(key), b.get(key)) {
                (Some(x), Some(y)) if x == y => {}
                (Some(_), None) => self.push(
                    Class::Info,
                    &o_at.push(key),
                    format!("`{key}` removed{what}"),
                ),
                (None, Some(_)) => {
                    self.push(Class::Info, &n_at.push(key), format!("`{key}` added{what}"))
                }
                (Some(x), Some(y)) => {
                    // Values are quoted only when short and not prose.
                    let message = match (short(x), short(y)) {
                        (Some(x), Some(y)) if what != " (docs)" => {
                            format!("`{key}` changed from `{x}` to `{y}`{what}")
                        }
                        _ => format!("`{key}` changed{what}"),
                    };
                    self.push(Class::Info, &n_at.push(key), message);
                }
                (None, None) => {}
            }
        }
    }

    fn operations(&mut self, old: &[Op<'a>], new: &[Op<'a>]) -> Result<()> {
        let mut taken = vec![false; new.len()];
        let mut pairs = Vec::new();
        let mut unpaired = Vec::new();
        for o in old {
            match (0..new.len()).find(|&j| !taken[j] && new[j].key == o.key) {
                Some(j) => {
                    taken[j] = true;
                    pairs.push((o, &new[j]));
                }
                None => unpaired.push(o),
            }
        }
        for o in unpaired {
            let same_id = |j: usize| !taken[j] && o.id().is_some() && new[j].id() == o.id();
            match (0..new.len()).find(|&j| same_id(j)) {
                Some(j) => {
                    taken[j] = true;
                    let message = format!(
                        "operation moved: {} -> {} {}",
                        o.label(),
                        new[j].method,
                        new[j].path
                    );
                    self.push(Class::Breaking, &new[j].at, message);
                    pairs.push((o, &new[j]));
                }
                None => {
                    let message = format!("operation removed: {}", o.label());
                    self.push(Class::Breaking, &o.at, message);
                }
            }
        }
        for (_, n) in new.iter().enumerate().filter(|(j, _)| !taken[*j]) {
            self.push(
                Class::Additive,
                &n.at,
                format!("operation added: {}", n.label()),
            );
        }
        for (o, n) in pairs {
            self.operation(o, n)?;
        }
        Ok(())
    }

    fn operation(&mut self, o: &Op<'a>, n: &Op<'a>) -> Result<()> {
        if o.key == n.key && o.path != n.path {
            let message = format!(
                "path changed from {} to {} (path parameter renamed)",
                o.path, n.path
            );
            self.push(Class::Breaking, &n.at, message);
        }
        if o.rust_name() != n.rust_name() {
            let show = |s: Option<&str>| s.unwrap_or("(none)").to_string();
            let message = format!(
                "operation renamed from `{}` to `{}`: the generated method name changes",
                show(o.rust_name()),
                show(n.rust_name())
            );
            self.push(Class::Breaking, &n.at, message);
        }
        let skip = [
            "parameters",
            "requestBody",
            "responses",
            "x-xgen-operation-id-override",
        ];
        self.info_keys(o.node, n.node, &o.at, &n.at, &skip);
        self.parameters(o, n)?;
        self.request_body(o, n)?;
        self.responses(o, n)
    }

    fn parameters(&mut self, o: &Op<'a>, n: &Op<'a>) -> Result<()> {
        let (po, pn) = (parameters(self.old, o)?, parameters(self.new, n)?);
        // Path parameters pair by position (a rename is reported as a path change), others by name.
        let paired = |i: usize, own: &[Param], others: &[Param]| -> Option<usize> {
            let p = &own[i];
            if p.location == "path" {
                others.get(i).filter(|x| x.location == "path").map(|_| i)
            } else {
                others
                    .iter()
                    .position(|x| x.location == p.location && x.name == p.name)
            }
        };
        for (i, p) in po.iter().enumerate() {
            if paired(i, &po, &pn).is_none() {
                let message = format!("parameter `{}` (in {}) removed", p.name, p.location);
                self.push(Class::Breaking, &p.at, message);
            }
        }
        for (j, q) in pn.iter().enumerate() {
            let Some(i) = paired(j, &pn, &po) else {
                let (class, kind) = if q.required {
                    (Class::Breaking, "required")
                } else {
                    (Class::Additive, "optional")
                };
                let message = format!("{kind} parameter `{}` (in {}) added", q.name, q.location);
                self.push(class, &q.at, message);
                continue;
            };
            let p = &po[i];
            if !p.required && q.required {
                let message = format!("parameter `{}` became required", q.name);
                self.push(Class::Breaking, &q.at.push("required"), message);
            } else if p.required && !q.required {
                let message = format!("parameter `{}` is no longer required", q.name);
                self.push(Class::Info, &q.at.push("required"), message);
            }
            if let (Some(a), Some(b)) = (p.node.get("schema"), q.node.get("schema")) {
                self.schema(
                    a,
                    b,
                    &p.at.push("schema"),
                    &q.at.push("schema"),
                    Usage::REQUEST,
                );
            }
            let skip = ["name", "in", "required", "schema"];
            self.info_keys(p.node, q.node, &p.at, &q.at, &skip);
        }
        Ok(())
    }

    fn request_body(&mut self, o: &Op<'a>, n: &Op<'a>) -> Result<()> {
        let (a, b) = (request_body(self.old, o)?, request_body(self.new, n)?);
        let required = |body: &Value| body.get("required").and_then(Value::as_bool) == Some(true);
        match (a, b) {
            (None, None) => {}
            (Some((_, at)), None) => self.push(Class::Breaking, &at, "request body removed"),
            (None, Some((body, at))) if required(body) => {
                self.push(Class::Breaking, &at, "required request body added")
            }
            (None, Some((_, at))) => self.push(Class::Additive, &at, "optional request body added"),
            (Some((a, a_at)), Some((b, b_at))) => {
                if !required(a) && required(b) {
                    self.push(
                        Class::Breaking,
                        &b_at.push("required"),
                        "request body became required",
                    );
                } else if required(a) && !required(b) {
                    self.push(
                        Class::Info,
                        &b_at.push("required"),
                        "request body is no longer required",
                    );
                }
                self.content(a, b, &a_at, &b_at, true, Usage::REQUEST);
                self.info_keys(a, b, &a_at, &b_at, &["content", "required"]);
            }
        }
        Ok(())
    }

    fn responses(&mut self, o: &Op<'a>, n: &Op<'a>) -> Result<()> {
        let (a, b) = (object(o.node, "responses"), object(n.node, "responses"));
        let (o_at, n_at) = (o.at.push("responses"), n.at.push("responses"));
        for status in a.keys().filter(|s| !b.contains_key(*s)) {
            let class = if status.starts_with('2') {
                Class::Breaking
            } else {
                Class::Info
            };
            self.push(
                class,
                &o_at.push(status),
                format!("response `{status}` removed"),
            );
        }
        for (status, rb) in b {
            let success = status.starts_with('2');
            let Some(ra) = a.get(status) else {
                let class = if success {
                    Class::Additive
                } else {
                    Class::Info
                };
                self.push(
                    class,
                    &n_at.push(status),
                    format!("response `{status}` added"),
                );
                continue;
            };
            let (ra, ra_at) = resolve(self.old, ra, &o_at.push(status))?;
            let (rb, rb_at) = resolve(self.new, rb, &n_at.push(status))?;
            let usage = Usage::RESPONSE;
            self.content(ra, rb, &ra_at, &rb_at, success, usage);
            self.headers(ra, rb, &ra_at, &rb_at)?;
            self.info_keys(ra, rb, &ra_at, &rb_at, &["content", "headers"]);
        }
        Ok(())
    }

    /// Response headers: the client exposes none of them as items, so every change is non-API.
    fn headers(&mut self, a: &Value, b: &Value, a_at: &Ptr, b_at: &Ptr) -> Result<()> {
        let (ha, hb) = (object(a, "headers"), object(b, "headers"));
        for name in ha.keys().filter(|k| !hb.contains_key(*k)) {
            let at = a_at.push("headers").push(name);
            self.push(
                Class::Info,
                &at,
                format!("response header `{name}` removed"),
            );
        }
        for (name, y) in hb {
            let at = b_at.push("headers").push(name);
            let Some(x) = ha.get(name) else {
                self.push(Class::Info, &at, format!("response header `{name}` added"));
                continue;
            };
            let (x, x_at) = resolve(self.old, x, &a_at.push("headers").push(name))?;
            let (y, y_at) = resolve(self.new, y, &at)?;
            self.info_keys(x, y, &x_at, &y_at, &[]);
        }
        Ok(())
    }

    /// The `content` of a request body or response. In a success response or a request body each media
    /// type is a version of the generated method; in error responses they only feed the error body.
    fn content(&mut self, a: &Value, b: &Value, a_at: &Ptr, b_at: &Ptr, api: bool, usage: Usage) {
        let (ca, cb) = (object(a, "content"), object(b, "content"));
        let (a_at, b_at) = (a_at.push("content"), b_at.push("content"));
        let (removed, added) = if api {
            (Class::Breaking, Class::Additive)
        } else {
            (Class::Info, Class::Info)
        };
        for mt in ca.keys().filter(|k| !cb.contains_key(*k)) {
            let message =
                format!("media type `{mt}` dropped (its version of the method goes away)");
            self.push(removed, &a_at.push(mt), message);
        }
        for (mt, y) in cb {
            let Some(x) = ca.get(mt) else {
                self.push(added, &b_at.push(mt), format!("media type `{mt}` added"));
                continue;
            };
            let (x_at, y_at) = (a_at.push(mt), b_at.push(mt));
            match (x.get("schema"), y.get("schema")) {
                (Some(s), Some(t)) => {
                    self.schema(s, t, &x_at.push("schema"), &y_at.push("schema"), usage)
                }
                (Some(_), None) => self.push(removed, &x_at.push("schema"), "body schema removed"),
                (None, Some(_)) => self.push(added, &y_at.push("schema"), "body schema added"),
                (None, None) => {}
            }
            self.info_keys(x, y, &x_at, &y_at, &["schema"]);
        }
    }

    fn components(&mut self) {
        let (old, new) = (self.old, self.new);
        let section = |doc: &'a Value, kind: &str| {
            object(doc.get("components").unwrap_or(&Value::Null), kind)
        };
        for kind in COMPONENT_KINDS {
            let (a, b) = (section(old, kind), section(new, kind));
            let at = Ptr::root().push("components").push(kind);
            let schemas = *kind == "schemas";
            for name in a.keys().filter(|k| !b.contains_key(*k)) {
                let (class, message) = if schemas {
                    (
                        Class::Breaking,
                        format!("schema `{name}` removed (its generated type goes away)"),
                    )
                } else {
                    (Class::Info, format!("component `{kind}/{name}` removed"))
                };
                self.push(class, &at.push(name), message);
            }
            for (name, y) in b {
                let Some(x) = a.get(name) else {
                    let (class, message) = if schemas {
                        (Class::Additive, format!("schema `{name}` added"))
                    } else {
                        (Class::Info, format!("component `{kind}/{name}` added"))
                    };
                    self.push(class, &at.push(name), message);
                    continue;
                };
                // Other kinds are compared where operations use them (resolved), so unused ones stay quiet.
                if schemas {
                    let usage = self.usage.get(name).copied().unwrap_or_default();
                    let node_at = at.push(name);
                    self.schema(x, y, &node_at, &node_at, usage);
                }
            }
        }
    }
}
