//! Nested `$defs` / `definitions` (taken out of their schemas by `schema31.rs`) become components:
//! `components.schemas.<Outer>_<Name>`, and every `$ref` into them (or into something inside them)
//! is rewritten to the component. Names are stable (from the original pointer) and unique.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};

use super::schema31::{lower_def, Def};
use super::walk::{holds_names, is_data, push};
use super::Lowered;
use crate::error::Result;

pub fn hoist(raw: &mut Value, defs: Vec<Def>, lowered: &mut Lowered) -> Result<()> {
    if defs.is_empty() {
        return Ok(());
    }
    // Only what a `$ref` reaches is a type: a definition nothing references constrains nothing.
    let mut reached = HashSet::new();
    ref_prefixes(raw, &mut reached, false);
    let mut pending = defs;
    let mut used = Vec::new();
    loop {
        let (now, rest): (Vec<Def>, Vec<Def>) = pending
            .into_iter()
            .partition(|d| reached.contains(d.original.as_str()));
        pending = rest;
        if now.is_empty() {
            break;
        }
        for mut def in now {
            lower_def(&mut def, lowered, &mut pending)?;
            ref_prefixes(&def.value, &mut reached, false);
            used.push(def);
        }
    }
    for def in &pending {
        lowered.note(
            &def.original,
            "a nested definition no `$ref` reaches",
            "no type: it constrains nothing",
        );
    }
    let mut targets: HashMap<String, String> = HashMap::new();
    for def in used {
        let name = unique_name(raw, &def.original);
        let mut at = String::from("/components/schemas");
        push(&mut at, &name);
        if let Some(Value::Object(schemas)) = raw.pointer_mut("/components/schemas") {
            schemas.insert(name, def.value);
        } else if let Value::Object(root) = raw {
            let components = root
                .entry("components")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(components) = components {
                let mut schemas = Map::new();
                schemas.insert(name, def.value);
                components.insert("schemas".into(), Value::Object(schemas));
            }
        }
        lowered.moves.push((at.clone(), def.original.clone()));
        targets.insert(def.original, at);
    }
    rewrite_refs(raw, &targets, false);
    Ok(())
}

/// Every local `$ref` target in `node`, with each of its prefixes at a token boundary.
fn ref_prefixes(node: &Value, out: &mut HashSet<String>, names: bool) {
    match node {
        Value::Object(map) => {
            if let Some(target) = map
                .get("$ref")
                .filter(|_| !names)
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                let mut end = target.len();
                while end > 0 && out.insert(target[..end].to_owned()) {
                    end = target[..end].rfind('/').unwrap_or(0);
                }
            }
            for (key, value) in map {
                if !is_data(key, names) {
                    ref_prefixes(value, out, holds_names(key, names));
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| ref_prefixes(v, out, false)),
        _ => {}
    }
}

/// `Outer_Name` from `/components/schemas/Outer/$defs/Name` (other positions: every token).
fn unique_name(raw: &Value, original: &str) -> String {
    let tokens: Vec<String> = original
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let tokens: Vec<&str> = match tokens.as_slice() {
        [c, s, rest @ ..] if c == "components" && s == "schemas" => {
            rest.iter().map(String::as_str).collect()
        }
        all => all.iter().map(String::as_str).collect(),
    };
    let base = tokens
        .iter()
        .filter(|t| !matches!(**t, "$defs" | "definitions" | "properties"))
        .map(|t| {
            t.chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("_");
    let taken = |name: &str| {
        raw.pointer("/components/schemas")
            .and_then(Value::as_object)
            .is_some_and(|m| m.contains_key(name))
    };
    let mut name = base.clone();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

/// Rewrites `$ref: "#<original>[/rest]"` to `"#<component>[/rest]"`; data members are skipped.
fn rewrite_refs(node: &mut Value, targets: &HashMap<String, String>, names: bool) {
    match node {
        Value::Object(map) => {
            if let (false, Some(Value::String(reference))) = (names, map.get_mut("$ref")) {
                if let Some(new) = reference
                    .strip_prefix('#')
                    .and_then(|t| retarget(t, targets))
                {
                    *reference = format!("#{new}");
                }
            }
            for (key, value) in map.iter_mut() {
                if !is_data(key, names) {
                    rewrite_refs(value, targets, holds_names(key, names));
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|v| rewrite_refs(v, targets, false)),
        _ => {}
    }
}

/// The longest hoisted prefix of `target` (at a token boundary), replaced by its component.
fn retarget(target: &str, targets: &HashMap<String, String>) -> Option<String> {
    let mut end = target.len();
    loop {
        let prefix = &target[..end];
        if let Some(new) = targets.get(prefix) {
            return Some(format!("{new}{}", &target[end..]));
        }
        end = prefix.rfind('/')?;
        if end == 0 {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_definitions_become_components_and_refs_follow() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {
                "b": {"$ref": "#/components/schemas/A/$defs/B"},
                "c": {"$ref": "#/components/schemas/A/$defs/B/properties/x"}}},
            "A_B": {"type": "string"}
        }}});
        let defs = vec![
            Def {
                original: "/components/schemas/A/$defs/B".into(),
                value: json!({"type": "object", "properties": {"x": {"type": "integer"}}}),
                component: Some("/components/schemas/A".into()),
                anchor: None,
            },
            Def {
                original: "/components/schemas/A/$defs/Unused".into(),
                value: json!({"type": {"not": "a schema"}}),
                component: None,
                anchor: None,
            },
        ];
        let mut lowered = Lowered::default();
        hoist(&mut doc, defs, &mut lowered).unwrap();
        assert_eq!(lowered.notes.len(), 1);
        assert_eq!(
            lowered.notes[0].pointer,
            "/components/schemas/A/$defs/Unused"
        );
        let a = &doc["components"]["schemas"]["A"]["properties"];
        assert_eq!(a["b"]["$ref"], "#/components/schemas/A_B2");
        assert_eq!(a["c"]["$ref"], "#/components/schemas/A_B2/properties/x");
        assert_eq!(doc["components"]["schemas"]["A_B2"]["type"], "object");
        assert_eq!(
            lowered.original("/components/schemas/A_B2/properties/x"),
            "/components/schemas/A/$defs/B/properties/x"
        );
    }
}
