//! Schema half of `spec diff`: compares two schema nodes and classifies each difference by what it does to the
//! generated Rust type, following the IR's rules (ARCHITECTURE.md, "IR"): received types have every field
//! `Option`, sent-only types keep `required` fields plain and leave readOnly members out, string enums and
//! discriminated hierarchies become Rust enums, `format` picks chrono/uuid/integer widths.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::diff::Differ;
use super::report::Class;
use super::{array, object, schema_name};
use apigen::error::{GenError, Ptr, Result};

/// How a schema is used: sent in request bodies/parameters, received in responses, or both.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    pub request: bool,
    pub response: bool,
}

impl Usage {
    pub const REQUEST: Usage = Usage {
        request: true,
        response: false,
    };
    pub const RESPONSE: Usage = Usage {
        request: false,
        response: true,
    };

    /// Sent-only types are the ones whose field types depend on `required`/`nullable`/`readOnly`.
    fn request_only(self) -> bool {
        self.request && !self.response
    }

    pub fn union(self, other: Usage) -> Usage {
        Usage {
            request: self.request || other.request,
            response: self.response || other.response,
        }
    }
}

/// Usage of every component schema of `doc`, from the generator's own first pass
/// ([`apigen::ir::component_usage`]): what is sent in request bodies, what is received in
/// responses, transitively. A document the generator's model cannot read is an error.
pub fn usage_map(doc: &Value) -> Result<BTreeMap<String, Usage>> {
    let api: openapiv3::OpenAPI = serde_json::from_value(doc.clone())
        .map_err(|e| GenError::new("/", format!("not an OpenAPI 3.0 document: {e}")))?;
    let profile = apigen::select_profile(doc, None)?;
    let usage = apigen::ir::component_usage(&api, &profile)?;
    Ok(usage
        .into_iter()
        .map(|(name, u)| {
            let usage = Usage {
                request: u.request,
                response: u.response,
            };
            (name, usage)
        })
        .collect())
}

/// Schema keywords whose changes alter the generated type; every other keyword is compared as non-API.
const API_KEYWORDS: &[&str] = &[
    "$ref",
    "type",
    "format",
    "nullable",
    "enum",
    "properties",
    "required",
    "items",
    "additionalProperties",
    "allOf",
    "oneOf",
    "anyOf",
    "discriminator",
    "readOnly",
];

/// Formats the generator maps to their own Rust types (chrono, uuid, integer and float widths, bytes).
const TYPED_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "uuid",
    "int32",
    "int64",
    "float",
    "double",
    "byte",
    "binary",
];

/// A short description of a schema's type for messages: `Link`, `string(date-time)`, `array of Link`.
fn describe(schema: &Value) -> String {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return format!(
            "`{}`",
            schema_name(reference).unwrap_or(reference.to_string())
        );
    }
    let kind = kind(schema);
    match (kind.as_str(), schema.get("format").and_then(Value::as_str)) {
        ("array", _) => match schema.get("items") {
            Some(items) => format!("array of {}", describe(items)),
            None => "array".into(),
        },
        (kind, Some(format)) => format!("{kind}({format})"),
        (kind, None) => kind.to_string(),
    }
}

/// What kind of Rust type a (non-`$ref`) schema becomes, for detecting type changes.
fn kind(schema: &Value) -> String {
    if let Some(t) = schema.get("type").and_then(Value::as_str) {
        return t.to_string();
    }
    let has = |key: &str| schema.get(key).is_some();
    if has("oneOf") {
        "oneOf".into()
    } else if has("anyOf") {
        "anyOf".into()
    } else if has("properties") || has("additionalProperties") || has("allOf") {
        "object".into()
    } else if has("items") {
        "array".into()
    } else {
        "any".into()
    }
}

fn flag(node: &Value, key: &str) -> bool {
    node.get(key).and_then(Value::as_bool).unwrap_or(false)
}

/// A JSON value short enough to quote in a message.
pub fn short(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Object(_) | Value::Array(_) => return None,
        other => other.to_string(),
    };
    (text.len() <= 40 && !text.contains('\n')).then_some(text)
}

impl Differ<'_> {
    /// Compares two schema nodes found at `o_at` (old) and `n_at` (new), used as `usage`.
    pub fn schema(&mut self, old: &Value, new: &Value, o_at: &Ptr, n_at: &Ptr, usage: Usage) {
        let (ro, rn) = (old.get("$ref"), new.get("$ref"));
        if ro.is_some() || rn.is_some() {
            // Same reference: the component itself is compared once, under /components/schemas.
            if ro != rn {
                let message = format!("type changed from {} to {}", describe(old), describe(new));
                self.push(Class::Breaking, n_at, message);
            }
            return;
        }
        if kind(old) != kind(new) {
            let message = format!("type changed from {} to {}", describe(old), describe(new));
            self.push(Class::Breaking, n_at, message);
            return;
        }
        let (fo, fnew) = (old.get("format"), new.get("format"));
        if fo != fnew {
            let typed = [fo, fnew]
                .iter()
                .flatten()
                .any(|f| f.as_str().is_some_and(|f| TYPED_FORMATS.contains(&f)));
            let message = format!("type changed from {} to {}", describe(old), describe(new));
            if typed {
                self.push(Class::Breaking, &n_at.push("format"), message);
            } else {
                self.push(
                    Class::Info,
                    &n_at.push("format"),
                    message + " (same Rust type)",
                );
            }
        }
        if flag(old, "nullable") != flag(new, "nullable") {
            let message = format!("`nullable` changed to {}", flag(new, "nullable"));
            self.push(Class::Info, &n_at.push("nullable"), message);
        }
        self.enumeration(old, new, o_at, n_at);
        self.properties(old, new, o_at, n_at, usage);
        if let (Some(a), Some(b)) = (old.get("items"), new.get("items")) {
            self.schema(a, b, &o_at.push("items"), &n_at.push("items"), usage);
        }
        self.additional_properties(old, new, o_at, n_at, usage);
        for key in ["allOf", "oneOf", "anyOf"] {
            self.composition(key, old, new, o_at, n_at, usage);
        }
        self.discriminator(old, new, o_at, n_at);
        self.info_keys(old, new, o_at, n_at, API_KEYWORDS);
    }

    fn enumeration(&mut self, old: &Value, new: &Value, o_at: &Ptr, n_at: &Ptr) {
        let (a, b) = (old.get("enum"), new.get("enum"));
        match (a.and_then(Value::as_array), b.and_then(Value::as_array)) {
            (None, None) => {}
            (Some(_), None) => self.push(
                Class::Breaking,
                &o_at.push("enum"),
                "enum removed: the generated enum becomes a plain type",
            ),
            (None, Some(_)) => self.push(
                Class::Breaking,
                &n_at.push("enum"),
                "enum added: the plain type becomes a generated enum",
            ),
            (Some(a), Some(b)) => {
                let text = |v: &Value| short(v).unwrap_or_else(|| v.to_string());
                for value in a.iter().filter(|v| !b.contains(v)) {
                    let message = format!("enum value `{}` removed", text(value));
                    self.push(Class::Breaking, &o_at.push("enum"), message);
                }
                for value in b.iter().filter(|v| !a.contains(v)) {
                    let message = format!("enum value `{}` added", text(value));
                    self.push(Class::Additive, &n_at.push("enum"), message);
                }
            }
        }
    }

    fn properties(&mut self, old: &Value, new: &Value, o_at: &Ptr, n_at: &Ptr, usage: Usage) {
        let required = |s: &Value| -> BTreeSet<String> {
            let names = s.get("required").and_then(Value::as_array);
            names
                .into_iter()
                .flatten()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect()
        };
        let (po, pn) = (object(old, "properties"), object(new, "properties"));
        let (qo, qn) = (required(old), required(new));
        let names = pn.keys().chain(po.keys().filter(|k| !pn.contains_key(*k)));
        for name in names {
            let at = (
                o_at.push("properties").push(name),
                n_at.push("properties").push(name),
            );
            let required = (qo.contains(name), qn.contains(name));
            self.field(name, po.get(name), pn.get(name), required, &at, usage);
        }
    }

    /// One property: presence, type, and whether the change in `required`/`nullable`/`readOnly` alters the
    /// generated field (only in sent-only types) or what a request must carry.
    fn field(
        &mut self,
        name: &str,
        old: Option<&Value>,
        new: Option<&Value>,
        (req_old, req_new): (bool, bool),
        (o_at, n_at): &(Ptr, Ptr),
        usage: Usage,
    ) {
        let (old, new) = match (old, new) {
            (None, None) => return,
            (Some(_), None) => {
                let message = format!("field `{name}` removed");
                return self.push(Class::Breaking, o_at, message);
            }
            (None, Some(_)) if req_new && usage.request => {
                let message = format!("required field `{name}` added to a schema sent in requests");
                return self.push(Class::Breaking, n_at, message);
            }
            (None, Some(_)) => {
                let optional = if req_new { "" } else { "optional " };
                let message = format!("{optional}field `{name}` added");
                return self.push(Class::Additive, n_at, message);
            }
            (Some(old), Some(new)) => (old, new),
        };
        self.schema(old, new, o_at, n_at, usage);
        let (ro_old, ro_new) = (flag(old, "readOnly"), flag(new, "readOnly"));
        if ro_old != ro_new {
            let (class, message) = match (usage.request_only(), ro_new) {
                (true, true) => (
                    Class::Breaking,
                    format!("field `{name}` became readOnly: it leaves the request type"),
                ),
                (true, false) => (
                    Class::Additive,
                    format!("field `{name}` is no longer readOnly: it joins the request type"),
                ),
                (false, _) => (
                    Class::Info,
                    format!("field `{name}` `readOnly` changed to {ro_new}"),
                ),
            };
            self.push(class, n_at, message);
        }
        // The IR makes a field `Option` when the type is received, not required, or nullable.
        let optional = |req: bool, nullable: bool| usage.response || !req || nullable;
        let opt_old = optional(req_old, flag(old, "nullable"));
        let opt_new = optional(req_new, flag(new, "nullable"));
        if !req_old && req_new && usage.request {
            let message = format!("field `{name}` became required: requests must now send it");
            self.push(Class::Breaking, n_at, message);
        } else if usage.request_only() && opt_old != opt_new {
            let (from, to) = if opt_new {
                ("T", "Option<T>")
            } else {
                ("Option<T>", "T")
            };
            let message = format!("field `{name}` changes type from {from} to {to}");
            self.push(Class::Breaking, n_at, message);
        } else if req_old != req_new {
            let became = if req_new { "required" } else { "optional" };
            let message =
                format!("field `{name}` became {became} (the generated field type is unchanged)");
            self.push(Class::Info, n_at, message);
        }
    }

    fn additional_properties(
        &mut self,
        old: &Value,
        new: &Value,
        o_at: &Ptr,
        n_at: &Ptr,
        usage: Usage,
    ) {
        let key = "additionalProperties";
        let (a, b) = (old.get(key), new.get(key));
        match (a, b) {
            (Some(a), Some(b)) if a.is_object() && b.is_object() => {
                self.schema(a, b, &o_at.push(key), &n_at.push(key), usage);
            }
            _ if a == b => {}
            _ => {
                // A schema here makes a map type; `true`/absent make unknown fields ignored or kept.
                let class = if a.is_some_and(Value::is_object) || b.is_some_and(Value::is_object) {
                    Class::Breaking
                } else {
                    Class::Info
                };
                let show = |v: Option<&Value>| v.map_or("absent".into(), describe_additional);
                let message = format!("`{key}` changed from {} to {}", show(a), show(b));
                self.push(class, &n_at.push(key), message);
            }
        }
    }

    /// `allOf`/`oneOf`/`anyOf` members: references compared by target, inline members by position.
    fn composition(
        &mut self,
        key: &str,
        old: &Value,
        new: &Value,
        o_at: &Ptr,
        n_at: &Ptr,
        usage: Usage,
    ) {
        let (a, b) = (array(old, key), array(new, key));
        let label = |m: &Value, i: usize| match m.get("$ref").and_then(Value::as_str) {
            Some(r) => describe(&serde_json::json!({ "$ref": r })),
            None => format!("#{i} (inline)"),
        };
        let labels_a: Vec<String> = a.iter().enumerate().map(|(i, m)| label(m, i)).collect();
        let labels_b: Vec<String> = b.iter().enumerate().map(|(i, m)| label(m, i)).collect();
        for (i, l) in labels_a.iter().enumerate() {
            match labels_b.iter().position(|x| x == l) {
                Some(j) if a[i].get("$ref").is_none() => {
                    let (oa, na) = (
                        o_at.push(key).push(i.to_string()),
                        n_at.push(key).push(j.to_string()),
                    );
                    self.schema(&a[i], &b[j], &oa, &na, usage);
                }
                Some(_) => {}
                None => {
                    let message = format!("`{key}` member {l} removed");
                    self.push(Class::Breaking, &o_at.push(key), message);
                }
            }
        }
        for l in labels_b.iter().filter(|l| !labels_a.contains(l)) {
            let message = format!("`{key}` member {l} added");
            self.push(Class::Additive, &n_at.push(key), message);
        }
    }

    fn discriminator(&mut self, old: &Value, new: &Value, o_at: &Ptr, n_at: &Ptr) {
        let (a, b) = (old.get("discriminator"), new.get("discriminator"));
        let (a, b) = match (a, b) {
            (None, None) => return,
            (Some(_), None) | (None, Some(_)) => {
                let message = "discriminator added or removed: the type changes between a struct and a tagged enum";
                return self.push(Class::Breaking, &n_at.push("discriminator"), message);
            }
            (Some(a), Some(b)) => (a, b),
        };
        let at = n_at.push("discriminator");
        if a.get("propertyName") != b.get("propertyName") {
            let message = "discriminator `propertyName` changed: the tag field is different";
            self.push(Class::Breaking, &at.push("propertyName"), message);
        }
        let (ma, mb) = (object(a, "mapping"), object(b, "mapping"));
        for (value, target) in ma {
            match mb.get(value) {
                None => {
                    let message = format!("discriminator value `{value}` removed");
                    let old_at = o_at.push("discriminator").push("mapping");
                    self.push(Class::Breaking, &old_at, message);
                }
                Some(t) if t != target => {
                    let message = format!("discriminator value `{value}` maps to another schema");
                    self.push(Class::Breaking, &at.push("mapping").push(value), message);
                }
                Some(_) => {}
            }
        }
        for value in mb.keys().filter(|v| !ma.contains_key(*v)) {
            let message = format!("discriminator value `{value}` added");
            self.push(Class::Additive, &at.push("mapping").push(value), message);
        }
    }
}

fn describe_additional(value: &Value) -> String {
    match value {
        Value::Object(_) => format!("a map of {}", describe(value)),
        other => other.to_string(),
    }
}
