//! One OpenAPI 3.1 schema (JSON Schema 2020-12) -> the OpenAPI 3.0 Schema Object, in place.
//!
//! Children are lowered first, at their original pointers; then the node's own keywords are mapped
//! (see the table in ARCHITECTURE.md) or rejected with their pointer. Rewrites that move nodes
//! (`$ref` siblings into `allOf`, a type array into `oneOf`, removed null branches) record the move
//! so later errors name the original pointer.

use serde_json::{json, Map, Value};

use super::vocab31::{
    branch, exclusive_bound, is_default_dialect, json_type, type_keywords, ANNOTATIONS, REJECTED,
};
use super::walk::push;
use super::Lowered;
use crate::error::{GenError, Result};

/// A nested `$defs` / `definitions` entry taken out of its schema, to become a component.
pub struct Def {
    /// Its pointer in the original document (what `$ref`s to it name).
    pub original: String,
    /// Not lowered yet: only the definitions something references are (see `defs.rs`).
    pub value: Value,
    /// The component it was defined in, and that component's anchor (for self-recursion).
    pub component: Option<String>,
    pub anchor: Option<String>,
}

/// Lowers a nested definition (at its original pointer, in the scope of its component).
pub fn lower_def(def: &mut Def, lowered: &mut Lowered, defs: &mut Vec<Def>) -> Result<()> {
    let mut ctx = Ctx {
        component: def.component.clone(),
        anchor: def.anchor.clone(),
        lowered,
        defs,
    };
    let mut at = def.original.clone();
    ctx.schema(&mut def.value, &mut at, false)
}

struct Ctx<'c> {
    /// `/components/schemas/<name>` when lowering a component (target of self-recursion).
    component: Option<String>,
    /// The component root's `$dynamicAnchor` / `$recursiveAnchor: true` ("#" then).
    anchor: Option<String>,
    lowered: &'c mut Lowered,
    defs: &'c mut Vec<Def>,
}

/// Lowers the schema at `at` (and everything inside it).
pub fn lower_schema(
    node: &mut Value,
    at: &mut String,
    component: Option<&str>,
    lowered: &mut Lowered,
    defs: &mut Vec<Def>,
) -> Result<()> {
    let anchor = match (node.get("$dynamicAnchor"), node.get("$recursiveAnchor")) {
        (Some(Value::String(name)), _) => Some(format!("#{name}")),
        (_, Some(Value::Bool(true))) => Some("#".to_owned()),
        _ => None,
    };
    let mut ctx = Ctx {
        component: component.map(|_| at.clone()),
        anchor,
        lowered,
        defs,
    };
    ctx.schema(node, at, true)
}

fn unsupported(at: &str, what: impl std::fmt::Display) -> GenError {
    GenError::new(at, format!("unsupported construct: {what}"))
}

fn key_at(at: &str, key: &str) -> String {
    let mut out = at.to_owned();
    push(&mut out, key);
    out
}

/// `{type: "null"}` (with only annotations beside it): the null branch of an `anyOf`/`oneOf`.
fn is_null_schema(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    let null_type = match map.get("type") {
        Some(Value::String(t)) => t == "null",
        Some(Value::Array(ts)) => ts.len() == 1 && ts[0] == "null",
        _ => false,
    };
    null_type
        && map
            .keys()
            .all(|k| k == "type" || k.starts_with("x-") || ANNOTATIONS.contains(&k.as_str()))
}

impl Ctx<'_> {
    fn schema(&mut self, node: &mut Value, at: &mut String, root: bool) -> Result<()> {
        let map = match node {
            Value::Bool(true) => {
                *node = json!({});
                return Ok(());
            }
            Value::Bool(false) => {
                return Err(unsupported(
                    at,
                    "boolean schema `false` (no value is valid here)",
                ))
            }
            Value::Object(map) => map,
            _ => return Err(GenError::new(at.as_str(), "a schema must be an object")),
        };
        self.children(map, at)?;
        self.null_branches(map, at);
        self.keywords(map, at, root)?;
        self.types(map, at)?;
        ref_siblings(map, at, &mut self.lowered.moves);
        Ok(())
    }

    /// Lowers every subschema, at its original pointer; takes `$defs` out for hoisting.
    fn children(&mut self, map: &mut Map<String, Value>, at: &mut String) -> Result<()> {
        let len = at.len();
        for (key, value) in map.iter_mut() {
            push(at, key);
            match (key.as_str(), &mut *value) {
                ("properties", Value::Object(subs)) => {
                    let len = at.len();
                    subs.retain(|name, sub| {
                        // `name: false`: the member must be absent; the type has no field for it.
                        let forbidden = *sub == Value::Bool(false);
                        if forbidden {
                            push(at, name);
                            self.lowered.note(
                                at,
                                format!("property `{name}` with schema `false` (must be absent)"),
                                "no field for it; its absence is not checked",
                            );
                            at.truncate(len);
                        }
                        !forbidden
                    });
                    for (name, sub) in subs.iter_mut() {
                        push(at, name);
                        self.schema(sub, at, false)?;
                        at.truncate(len);
                    }
                }
                ("items", Value::Array(_)) => {
                    return Err(unsupported(at, "tuple arrays (`items` as an array)"))
                }
                ("additionalProperties", Value::Bool(_)) => {}
                ("items" | "additionalProperties" | "not", sub) => self.schema(sub, at, false)?,
                ("allOf" | "anyOf" | "oneOf", Value::Array(subs)) => {
                    for (i, sub) in subs.iter_mut().enumerate() {
                        let len = at.len();
                        push(at, &i.to_string());
                        // A null branch is removed by `null_branches`, not lowered.
                        if !is_null_schema(sub) {
                            self.schema(sub, at, false)?;
                        }
                        at.truncate(len);
                    }
                }
                _ => {}
            }
            at.truncate(len);
        }
        for key in ["$defs", "definitions"] {
            if let Some(Value::Object(subs)) = map.remove(key) {
                for (name, value) in subs {
                    let original = key_at(&key_at(at, key), &name);
                    self.defs.push(Def {
                        original,
                        value,
                        component: self.component.clone(),
                        anchor: self.anchor.clone(),
                    });
                }
            }
        }
        Ok(())
    }

    /// `anyOf`/`oneOf` with a `{type: "null"}` branch: the branch goes, the rest is nullable.
    fn null_branches(&mut self, map: &mut Map<String, Value>, at: &str) {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Array(items)) = map.get_mut(key) else {
                continue;
            };
            if !items.iter().any(is_null_schema) {
                continue;
            }
            let old: Vec<usize> = (0..items.len())
                .filter(|&i| !is_null_schema(&items[i]))
                .collect();
            items.retain(|item| !is_null_schema(item));
            for (new, &old) in old.iter().enumerate() {
                if new != old {
                    let moved = (format!("{at}/{key}/{new}"), format!("{at}/{key}/{old}"));
                    self.lowered.moves.push(moved);
                }
            }
            map.insert("nullable".into(), Value::Bool(true));
            let remaining = match map.get(key) {
                Some(Value::Array(items)) => items.len(),
                _ => 0,
            };
            if remaining <= 1 {
                // One alternative left: that type itself, made nullable (`allOf: [X]`).
                let only = map.remove(key).and_then(|v| match v {
                    Value::Array(mut items) => items.pop(),
                    _ => None,
                });
                if let Some(only) = only {
                    let all_of = map.entry("allOf").or_insert_with(|| json!([]));
                    if let Value::Array(parts) = all_of {
                        let index = parts.len();
                        parts.push(only);
                        let moved = (
                            format!("{at}/allOf/{index}"),
                            format!("{at}/{key}/{}", old[0]),
                        );
                        self.lowered.moves.push(moved);
                    }
                } else {
                    self.always_null(at);
                }
            }
        }
    }

    fn always_null(&mut self, at: &str) {
        self.lowered.note(
            at,
            "a schema whose only value is `null`",
            "`Option<serde_json::Value>`",
        );
    }

    /// Maps or rejects each keyword of the node (not `type`, not `$ref` siblings: see below).
    fn keywords(&mut self, map: &mut Map<String, Value>, at: &str, root: bool) -> Result<()> {
        let old = std::mem::take(map);
        let mut exclusive = Vec::new();
        for (key, value) in old {
            if key.starts_with("x-") || crate::load::SCHEMA_KEYWORDS.contains(&key.as_str()) {
                match key.as_str() {
                    "exclusiveMinimum" | "exclusiveMaximum" if value.is_number() => {
                        exclusive.push((key, value))
                    }
                    // A 3.1 document may still say `example` and `examples`: the singular wins;
                    // the `type` written wins over one inferred from a `const` before it.
                    "example" | "type" => {
                        map.insert(key, value);
                    }
                    _ => {
                        map.entry(key).or_insert(value);
                    }
                }
                continue;
            }
            self.keyword31(map, key, value, at, root)?;
        }
        for (key, value) in exclusive {
            exclusive_bound(map, &key, value);
        }
        Ok(())
    }

    /// One keyword that is not OpenAPI 3.0's: mapped into `map`, noted, or rejected.
    fn keyword31(
        &mut self,
        map: &mut Map<String, Value>,
        key: String,
        value: Value,
        at: &str,
        root: bool,
    ) -> Result<()> {
        let here = || key_at(at, &key);
        match key.as_str() {
            "const" => {
                if !map.contains_key("type") {
                    if let Some(t) = json_type(&value) {
                        map.insert("type".into(), Value::String(t.into()));
                    }
                }
                map.insert("enum".into(), Value::Array(vec![value]));
            }
            "examples" => match value {
                Value::Array(mut items) if !items.is_empty() => {
                    map.entry("example").or_insert_with(|| items[0].clone());
                    if items.len() > 1 {
                        map.insert(
                            "x-examples".into(),
                            Value::Array(std::mem::take(&mut items)),
                        );
                    }
                }
                Value::Array(_) => {}
                // The media-type spelling (named Example Objects) in a schema: one clear
                // meaning, the first `value` is the example.
                Value::Object(named) if named.values().any(|e| e.get("value").is_some()) => {
                    let first = named.values().find_map(|e| e.get("value")).cloned();
                    if let Some(first) = first {
                        map.entry("example").or_insert(first);
                    }
                    map.insert("x-examples".into(), Value::Object(named));
                }
                _ => {
                    return Err(GenError::new(
                        here(),
                        "`examples` in a schema must be an array",
                    ))
                }
            },
            "contentEncoding" => match value.as_str() {
                Some("base64") => {
                    map.insert("format".into(), Value::String("byte".into()));
                }
                _ => {
                    return Err(unsupported(
                        &here(),
                        format!("contentEncoding {value} (only base64)"),
                    ))
                }
            },
            "contentMediaType" => {
                let string = map.get("type").is_some_and(|t| t == "string");
                if string && !map.contains_key("format") {
                    map.insert("format".into(), Value::String("binary".into()));
                }
                map.insert("x-contentMediaType".into(), value);
            }
            "summary" => {
                map.entry("description").or_insert_with(|| value.clone());
                map.insert("x-summary".into(), value);
            }
            "$comment" => {
                map.insert("x-comment".into(), value);
            }
            "$schema" if is_default_dialect(&value) => {}
            "$recursiveAnchor" | "$dynamicAnchor" if root && self.component.is_some() => {}
            "$recursiveRef" | "$dynamicRef" => {
                let target = self.self_reference(&value).ok_or_else(|| {
                    unsupported(
                        &here(),
                        format!("{key} {value} (only self-recursion of a component schema)"),
                    )
                })?;
                map.insert("$ref".into(), Value::String(target));
            }
            "propertyNames" => self.lowered.note(
                &here(),
                "`propertyNames` (a constraint on object keys)",
                "keys are `String`, the constraint is not checked",
            ),
            _ => {
                if let Some((_, why)) = REJECTED.iter().find(|(k, _)| *k == key) {
                    return Err(unsupported(
                        &here(),
                        format!("schema keyword `{key}` ({why})"),
                    ));
                }
                // JSON Schema 2020-12 reads an unknown keyword as an annotation: it constrains
                // nothing. Kept as an extension and listed, so a typo does not pass unseen.
                self.lowered.note(
                    &here(),
                    format!(
                        "unknown schema keyword `{key}` (an annotation in JSON Schema 2020-12)"
                    ),
                    "ignored: it constrains nothing",
                );
                map.insert(format!("x-{key}"), value);
            }
        }
        Ok(())
    }

    /// `#/components/schemas/<this component>` for a `$recursiveRef`/`$dynamicRef` to its anchor.
    fn self_reference(&self, value: &Value) -> Option<String> {
        let component = self.component.as_ref()?;
        let target = value.as_str()?;
        (target == "#" || self.anchor.as_deref() == Some(target)).then(|| format!("#{component}"))
    }

    /// `type` as a string or an array: `"null"` members make the schema nullable; two or more
    /// other types become a `oneOf` of one branch per type (each with the keywords of its type).
    fn types(&mut self, map: &mut Map<String, Value>, at: &str) -> Result<()> {
        let types: Vec<String> = match map.get("type") {
            None => return Ok(()),
            Some(Value::String(t)) => vec![t.clone()],
            Some(Value::Array(ts)) if ts.iter().all(Value::is_string) => ts
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            Some(_) => {
                return Err(GenError::new(
                    key_at(at, "type"),
                    "`type` must be a string or an array of strings",
                ))
            }
        };
        let null = types.iter().any(|t| t == "null");
        let mut rest: Vec<String> = types.into_iter().filter(|t| t != "null").collect();
        rest.dedup();
        if null {
            map.insert("nullable".into(), Value::Bool(true));
        }
        match rest.len() {
            0 => {
                map.remove("type");
                self.always_null(at);
            }
            1 => {
                map.insert("type".into(), Value::String(rest.remove(0)));
            }
            _ => {
                if ["oneOf", "anyOf"].iter().any(|k| map.contains_key(*k)) {
                    // Alternatives that each declare one of the listed types (or reference a
                    // schema, whose type governs) already say it all.
                    let typed = |k: &str| match map.get(k) {
                        Some(Value::Array(parts)) => parts.iter().all(|p| {
                            p.get("$ref").is_some()
                                || p.get("type")
                                    .and_then(Value::as_str)
                                    .is_some_and(|t| rest.iter().any(|r| r == t))
                        }),
                        _ => true,
                    };
                    if typed("oneOf") && typed("anyOf") {
                        map.remove("type");
                        return Ok(());
                    }
                    return Err(unsupported(
                        &key_at(at, "type"),
                        "a type array beside `oneOf`/`anyOf`",
                    ));
                }
                map.remove("type");
                let branches: Vec<Value> =
                    rest.iter().map(|t| Value::Object(branch(map, t))).collect();
                for i in 0..branches.len() {
                    self.lowered
                        .moves
                        .push((format!("{at}/oneOf/{i}"), at.to_owned()));
                }
                for t in &rest {
                    for k in type_keywords(t) {
                        map.remove(*k);
                    }
                }
                map.remove("enum");
                map.insert("oneOf".into(), Value::Array(branches));
            }
        }
        Ok(())
    }
}

/// `$ref` with siblings (3.1 allows them; 2.0's JSON Reference ignores them; 3.0's model would drop
/// them): annotations stay beside `allOf: [{$ref}]` (which the IR reads as the referenced type,
/// documented); structural siblings become a second `allOf` part, recorded in `moves`.
pub fn ref_siblings(map: &mut Map<String, Value>, at: &str, moves: &mut Vec<(String, String)>) {
    if !map.contains_key("$ref") || map.len() == 1 {
        return;
    }
    let mut reference = Map::new();
    let mut structural = Map::new();
    for (key, value) in std::mem::take(map) {
        if key == "$ref" {
            reference.insert(key, value);
        } else if key.starts_with("x-") || ANNOTATIONS.contains(&key.as_str()) {
            map.insert(key, value);
        } else {
            structural.insert(key, value);
        }
    }
    let mut parts = vec![Value::Object(reference)];
    if !structural.is_empty() {
        parts.push(Value::Object(structural));
        moves.push((format!("{at}/allOf/1"), at.to_owned()));
    }
    map.insert("allOf".into(), Value::Array(parts));
}
