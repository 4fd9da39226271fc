//! `$ref`s that point anywhere in the document (into `paths`, inside another schema) are turned
//! into references to components before the typed model reads the document: the target is copied to
//! `components/<section>/<name>` and the `$ref` rewritten, so the rest of the generator only ever
//! resolves `#/components/<section>/<name>`. A reference to nothing is left alone (the resolver
//! reports it with its pointer); an external one too (rejected later, with its pointer).

use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::walk::{holds_names, is_data};

/// At most this many rounds of hoisting (a hoisted copy may itself hold such references).
const MAX_ROUNDS: usize = 16;

/// Rewrites every `$ref` that does not name a component of the section its position needs.
pub fn hoist_references(raw: &mut Value) {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    for _ in 0..MAX_ROUNDS {
        let found = references_to_hoist(raw);
        if found.is_empty() {
            return;
        }
        for (at, section, target) in found {
            let Some(value) = resolve_pointer(raw, &target).cloned() else {
                continue;
            };
            let key = format!("{section}{target}");
            let name = match names.get(&key) {
                Some(name) => name.clone(),
                None => {
                    let name = unique_name(raw, section, &target, &mut next_suffix);
                    insert_component(raw, section, &name, value);
                    names.insert(key, name.clone());
                    name
                }
            };
            if let Some(Value::Object(node)) = raw.pointer_mut(&at) {
                let escaped = name.replace('~', "~0").replace('/', "~1");
                node.insert(
                    "$ref".into(),
                    Value::String(format!("#/components/{section}/{escaped}")),
                );
            }
        }
    }
}

/// (pointer of the object holding the `$ref`, component section, target pointer) for every local
/// reference that does not name a component directly.
fn references_to_hoist(raw: &Value) -> Vec<(String, &'static str, String)> {
    let mut out = Vec::new();
    collect_to_hoist(raw, false, &mut Vec::new(), &mut out);
    out.sort();
    out
}

/// The walk of [`references_to_hoist`]. The path is kept as segments and a pointer string is built
/// only for an object holding a `$ref`: building one for every node cost memory in the product of
/// node count, depth and key length (long keys over many leaves: a 600 KB document took 178 MB).
/// Recursion is bounded by the parsers' nesting limit (128 levels).
fn collect_to_hoist<'v>(
    value: &'v Value,
    names: bool,
    path: &mut Vec<Seg<'v>>,
    out: &mut Vec<(String, &'static str, String)>,
) {
    match value {
        Value::Object(map) => {
            // `names`: a `properties` map, whose keys are property names (`$ref` included).
            if let (false, Some(Value::String(reference))) = (names, map.get("$ref")) {
                if let Some(found) = to_hoist(&pointer_text(path), reference) {
                    out.push(found);
                }
            }
            for (k, v) in map {
                // Example payloads, defaults, enums and extensions are data: a `$ref` key in
                // them is not a reference (a property may still be named `default`).
                if is_data(k, names) {
                    continue;
                }
                path.push(Seg::Key(k));
                collect_to_hoist(v, holds_names(k, names), path, out);
                path.pop();
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                collect_to_hoist(v, false, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

enum Seg<'v> {
    Key(&'v str),
    Index(usize),
}

/// The JSON pointer of `path` (`~` and `/` in keys escaped).
fn pointer_text(path: &[Seg<'_>]) -> String {
    let mut at = String::new();
    for seg in path {
        at.push('/');
        match seg {
            Seg::Key(k) => at.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Seg::Index(i) => at.push_str(&i.to_string()),
        }
    }
    at
}

fn to_hoist(at: &str, reference: &str) -> Option<(String, &'static str, String)> {
    let target = reference.strip_prefix('#')?;
    let section = section_of(at);
    let direct = target
        .strip_prefix(&format!("/components/{section}/"))
        .is_some_and(|name| !name.contains('/'));
    (!direct).then(|| (at.to_owned(), section, percent_decode(target)))
}

/// The component section a node at `at` belongs to, from the keys around it.
fn section_of(at: &str) -> &'static str {
    let segments: Vec<&str> = at.split('/').collect();
    let last = segments.last().copied().unwrap_or_default();
    let parent = segments.len().checked_sub(2).map(|i| segments[i]);
    let grandparent = segments.len().checked_sub(3).map(|i| segments[i]);
    let in_components = |section: &str| {
        segments.len() == 4 && segments[1] == "components" && segments[2] == section
    };
    let schema_position = matches!(last, "schema" | "items" | "additionalProperties" | "not")
        || matches!(parent, Some("properties" | "allOf" | "oneOf" | "anyOf"));
    if schema_position || in_components("schemas") {
        "schemas"
    } else if in_components("responses")
        || (parent == Some("responses") && grandparent != Some("components"))
    {
        "responses"
    } else if in_components("parameters") || parent == Some("parameters") {
        "parameters"
    } else if in_components("requestBodies") || last == "requestBody" {
        "requestBodies"
    } else if in_components("headers") || parent == Some("headers") {
        "headers"
    } else if in_components("examples") || parent == Some("examples") {
        "examples"
    } else {
        "schemas"
    }
}

/// `%7B` -> `{` (pointers in `$ref`s are URI fragments).
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied(),
            bytes.get(i + 2).copied(),
        ) {
            (b'%', Some(a), Some(b)) if hex(a).is_some() && hex(b).is_some() => {
                let byte = hex(a).unwrap_or(0) * 16 + hex(b).unwrap_or(0);
                out.push(u8::try_from(byte).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn resolve_pointer<'v>(raw: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return None; // the whole document is not a component
    }
    if let Some(found) = raw.pointer(pointer) {
        return Some(found);
    }
    // The pointer may pass through a `$ref` (`.../schema/properties/x` where `schema` is a
    // reference), or through a `$ref`'s structural siblings that lowering moved into `allOf` (and
    // a type array's keywords, moved into `oneOf` branches): follow those, a bounded number of times.
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut budget = 64;
    follow(raw, raw, &tokens, &mut budget)
}

fn follow<'v>(
    raw: &'v Value,
    node: &'v Value,
    tokens: &[String],
    budget: &mut usize,
) -> Option<&'v Value> {
    let Some((token, rest)) = tokens.split_first() else {
        return Some(node);
    };
    let direct = match node {
        Value::Object(map) => map.get(token),
        Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    };
    if let Some(found) = direct.and_then(|next| follow(raw, next, rest, budget)) {
        return Some(found);
    }
    *budget = budget.checked_sub(1)?;
    let target = node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
        .and_then(|t| raw.pointer(&percent_decode(t)));
    let parts = ["allOf", "oneOf"]
        .iter()
        .filter_map(|k| node.get(*k).and_then(Value::as_array))
        .flatten();
    target
        .into_iter()
        .chain(parts)
        .find_map(|next| follow(raw, next, tokens, budget))
}

/// `Ref_paths_pets_get_responses_200` style name, not taken in the section yet. `next_suffix`
/// remembers, per base name, where the search for a free `{base}{n}` stopped (components are only
/// added, so the names before it stay taken): n colliding targets cost O(n), not O(n^2).
fn unique_name(
    raw: &Value,
    section: &str,
    target: &str,
    next_suffix: &mut HashMap<String, usize>,
) -> String {
    let base: String = target
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.replace("~1", "_")
                .replace("~0", "_")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("_");
    let base = format!("Ref_{base}");
    let taken = |name: &str| {
        raw.pointer(&format!("/components/{section}"))
            .and_then(Value::as_object)
            .is_some_and(|m| m.contains_key(name))
    };
    if !taken(&base) {
        return base;
    }
    let n = next_suffix.entry(format!("{section}/{base}")).or_insert(2);
    loop {
        let name = format!("{base}{n}");
        *n += 1;
        if !taken(&name) {
            return name;
        }
    }
}

fn insert_component(raw: &mut Value, section: &str, name: &str, value: Value) {
    let Value::Object(root) = raw else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(components) = components else {
        return;
    };
    let section = components
        .entry(section)
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(section) = section {
        section.insert(name.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn references_into_paths_and_schemas_become_components() {
        let mut doc = json!({
            "paths": {"/a": {"get": {"responses": {
                "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object", "properties": {"x": {"type": "string"}}}}}},
                "404": {"$ref": "#/paths/~1a/get/responses/200"}
            }}},
              "/b": {"get": {"responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": "#/paths/~1a/get/responses/200/content/application~1json/schema"}}}}}}}},
            "components": {"schemas": {
                "A": {"type": "object", "properties": {"inner": {"type": "integer"}}},
                "B": {"$ref": "#/components/schemas/A/properties/inner"},
                "C": {"$ref": "#/components/schemas/A"}
            }}
        });
        hoist_references(&mut doc);
        let schema_ref = &doc["paths"]["/b"]["get"]["responses"]["200"]["content"]
            ["application/json"]["schema"]["$ref"];
        assert_eq!(
            schema_ref,
            "#/components/schemas/Ref_paths__a_get_responses_200_content_application_json_schema"
        );
        assert_eq!(
            doc["components"]["schemas"]
                ["Ref_paths__a_get_responses_200_content_application_json_schema"]["properties"]
                ["x"]["type"],
            "string"
        );
        assert_eq!(
            doc["paths"]["/a"]["get"]["responses"]["404"]["$ref"],
            "#/components/responses/Ref_paths__a_get_responses_200"
        );
        assert_eq!(
            doc["components"]["schemas"]["B"]["$ref"],
            "#/components/schemas/Ref_components_schemas_A_properties_inner"
        );
        assert_eq!(
            doc["components"]["schemas"]["C"]["$ref"],
            "#/components/schemas/A"
        );
    }

    #[test]
    fn dangling_and_external_references_are_left_alone() {
        let mut doc = json!({"components": {"schemas": {
            "A": {"$ref": "#/components/schemas/Missing/properties/x"},
            "B": {"$ref": "other.yaml#/B"}
        }}});
        let before = doc.clone();
        hoist_references(&mut doc);
        assert_eq!(doc, before);
    }

    #[test]
    fn percent_encoded_pointers() {
        assert_eq!(percent_decode("/paths/~1a~1%7Bid%7D"), "/paths/~1a~1{id}");
    }
}

#[cfg(test)]
mod through_refs {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_pointer_through_a_reference_and_moved_siblings_is_followed() {
        let mut doc = json!({
            "paths": {"/b/{id}": {"get": {"responses": {"200": {"description": "ok", "content": {
                "application/json": {"schema": {"allOf": [
                    {"$ref": "#/components/schemas/B"},
                    {"properties": {"logo": {"properties": {"full": {"type": "string"}}}}}]}}}}}}}},
            "components": {"schemas": {"B": {"type": "object", "properties": {
                "button": {"type": "object", "properties": {
                    "default": {"$ref": "#/paths/~1b~1%7Bid%7D/get/responses/200/content/application~1json/schema/properties/logo/properties/full"},
                    "inner": {"$ref": "#/paths/~1b~1%7Bid%7D/get/responses/200/content/application~1json/schema/properties/button/properties/inner2"},
                    "inner2": {"type": "integer"}}},
                "square": {"$ref": "#/paths/~1b~1%7Bid%7D/get/responses/200/content/application~1json/schema/properties/logo/properties/full"}}}}}
        });
        hoist_references(&mut doc);
        let b = &doc["components"]["schemas"]["B"]["properties"];
        let name = "#/components/schemas/Ref_paths__b__id__get_responses_200_content_application_json_schema_properties_logo_properties_full";
        assert_eq!(b["square"]["$ref"], name);
        assert_eq!(b["button"]["properties"]["default"]["$ref"], name);
        assert_eq!(
            b["button"]["properties"]["inner"]["$ref"],
            "#/components/schemas/Ref_paths__b__id__get_responses_200_content_application_json_schema_properties_button_properties_inner2"
        );
    }
}
