//! OpenAPI 3.1 `webhooks`: requests the API sends to the user. Each webhook operation's request body
//! schema becomes a component (`<Webhook>Webhook`, or the component it already references), so it
//! is generated in `types`; the webhooks themselves, with those schemas replaced by `$ref`s to the
//! components and a referenced request body inlined, move to the root extension [`EXTENSION`],
//! which the IR reads (`ir/webhooks.rs`: the generated crate's `webhooks` module).

use serde_json::{Map, Value};

use super::walk::push;
use super::Lowered;
use crate::error::{GenError, Result};

/// Root member holding the lowered webhooks (a 3.0 document has no place for them). One a document
/// writes itself is removed first: only lowering puts webhooks there.
pub const EXTENSION: &str = "x-apigen-webhooks";

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub fn lower(raw: &mut Value, lowered: &mut Lowered) -> Result<()> {
    let Some(webhooks) = raw.as_object_mut().and_then(|root| root.remove("webhooks")) else {
        return Ok(());
    };
    let Value::Object(mut webhooks) = webhooks else {
        return Err(GenError::new("/webhooks", "`webhooks` must be an object"));
    };
    for (name, item) in webhooks.iter_mut() {
        let mut at = String::from("/webhooks");
        push(&mut at, name);
        if item.get("$ref").is_some() {
            let mut here = at.clone();
            push(&mut here, "$ref");
            return Err(GenError::new(
                here,
                "unsupported construct: a webhook that references a path item",
            ));
        }
        for method in METHODS {
            let Some(op) = item.get_mut(*method) else {
                continue;
            };
            let mut op_at = at.clone();
            push(&mut op_at, method);
            // 3.1 makes `responses` optional (3.0, which the IR reads, requires it).
            if let Value::Object(op) = op {
                op.entry("responses")
                    .or_insert_with(|| Value::Object(Map::new()));
            }
            payloads(raw, name, op, &op_at, lowered);
        }
    }
    if let Value::Object(root) = raw {
        root.insert(EXTENSION.into(), Value::Object(webhooks));
    }
    lowered
        .moves
        .push((format!("/{EXTENSION}"), "/webhooks".to_owned()));
    Ok(())
}

/// Makes each media type's schema of the operation's request body a component and puts a `$ref`
/// to it in its place (a referenced request body is inlined first).
fn payloads(raw: &mut Value, name: &str, op: &mut Value, at: &str, lowered: &mut Lowered) {
    let mut body_at = format!("{at}/requestBody");
    let mut body = op.get("requestBody").cloned();
    if let Some(reference) = body
        .as_ref()
        .and_then(|b| b.get("$ref"))
        .and_then(Value::as_str)
    {
        body_at = reference.trim_start_matches('#').to_owned();
        body = raw.pointer(&body_at).cloned();
    }
    let Some(mut body) = body else {
        return;
    };
    let mut content = body
        .get("content")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    for (media, media_type) in content.iter_mut() {
        let Some(schema) = media_type.get("schema") else {
            continue;
        };
        let is_component = schema
            .get("$ref")
            .and_then(Value::as_str)
            .is_some_and(|r| r.starts_with("#/components/schemas/"));
        if is_component && schema.as_object().is_some_and(|m| m.len() == 1) {
            continue;
        }
        let component = unique(raw, &format!("{}Webhook", camel(name)));
        let mut original = format!("{body_at}/content");
        push(&mut original, media);
        push(&mut original, "schema");
        let mut new = String::from("/components/schemas");
        push(&mut new, &component);
        insert_schema(raw, &component, schema.clone());
        lowered.moves.push((new, original));
        let reference = format!("#/components/schemas/{}", pointer_token(&component));
        media_type["schema"] = serde_json::json!({ "$ref": reference });
    }
    if let Value::Object(b) = &mut body {
        b.insert("content".into(), Value::Object(content));
    }
    op["requestBody"] = body;
}

/// `name` as one JSON pointer token in a `$ref` (`~` and `/` escaped).
fn pointer_token(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn camel(name: &str) -> String {
    use heck::ToUpperCamelCase;
    let text: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    text.to_upper_camel_case()
}

fn unique(raw: &Value, base: &str) -> String {
    let taken = |name: &str| {
        raw.pointer("/components/schemas")
            .and_then(Value::as_object)
            .is_some_and(|m| m.contains_key(name))
    };
    let mut name = base.to_owned();
    let mut n = 2;
    while taken(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    name
}

fn insert_schema(raw: &mut Value, name: &str, schema: Value) {
    let Value::Object(root) = raw else {
        return;
    };
    let components = root
        .entry("components")
        .or_insert_with(|| Value::Object(Map::new()));
    let Value::Object(components) = components else {
        return;
    };
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Value::Object(schemas) = schemas {
        schemas.insert(name.to_owned(), schema);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn webhook_payloads_become_components() {
        let mut doc = json!({
            "webhooks": {
                "new-pet": {"post": {"requestBody": {"content": {"application/json": {
                    "schema": {"type": "object", "properties": {"id": {"type": "integer"}}}}}}}},
                "gone": {"post": {"requestBody": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Pet"}}}}}}
            },
            "components": {"schemas": {"Pet": {"type": "object"}}}
        });
        let mut lowered = Lowered::default();
        lower(&mut doc, &mut lowered).unwrap();
        assert!(doc.get("webhooks").is_none());
        assert_eq!(
            doc["components"]["schemas"]["NewPetWebhook"]["properties"]["id"]["type"],
            "integer"
        );
        assert_eq!(
            lowered.original("/components/schemas/NewPetWebhook/properties/id"),
            "/webhooks/new-pet/post/requestBody/content/application~1json/schema/properties/id"
        );
        // The webhooks move to the extension, each payload schema a `$ref` to its component.
        let hooks = &doc[EXTENSION];
        let schema = |name: &str| {
            hooks[name]["post"]["requestBody"]["content"]["application/json"]["schema"].clone()
        };
        assert_eq!(
            schema("new-pet"),
            json!({"$ref": "#/components/schemas/NewPetWebhook"})
        );
        assert_eq!(schema("gone"), json!({"$ref": "#/components/schemas/Pet"}));
        assert_eq!(
            lowered.original(&format!("/{EXTENSION}/gone/post/parameters/0")),
            "/webhooks/gone/post/parameters/0"
        );
        assert!(lowered.notes.is_empty(), "{:?}", lowered.notes);
    }

    #[test]
    fn a_referenced_request_body_is_inlined() {
        let mut doc = json!({
            "webhooks": {"a/b": {"post": {"requestBody": {"$ref": "#/components/requestBodies/B"}}}},
            "components": {"requestBodies": {"B": {"required": true, "content": {
                "application/json": {"schema": {"type": "string"}}}}}}
        });
        lower(&mut doc, &mut Lowered::default()).unwrap();
        let body = &doc[EXTENSION]["a/b"]["post"]["requestBody"];
        assert_eq!(body["required"], true);
        assert_eq!(
            body["content"]["application/json"]["schema"],
            json!({"$ref": "#/components/schemas/ABWebhook"})
        );
        assert_eq!(doc["components"]["schemas"]["ABWebhook"]["type"], "string");
    }

    #[test]
    fn a_webhook_path_item_reference_is_rejected() {
        let mut doc = json!({"webhooks": {"a": {"$ref": "#/components/pathItems/A"}}});
        let e = lower(&mut doc, &mut Lowered::default()).unwrap_err();
        assert_eq!(e.pointer, "/webhooks/a/$ref");
    }
}
