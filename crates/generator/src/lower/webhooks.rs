//! OpenAPI 3.1 `webhooks`: requests the API sends to the user. The client has no operation for
//! them, but their payloads are types a receiver needs: each webhook operation's request body
//! schema becomes a component (`<Webhook>Webhook`, or the component it already references), so it
//! is generated in `types` and can be decoded with `serde_json`. Each webhook is listed as a
//! [`super::Note`] (FALLBACKS.md), so none is left out unannounced.

use serde_json::{Map, Value};

use super::walk::push;
use super::Lowered;
use crate::error::{GenError, Result};

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

pub fn lower(raw: &mut Value, lowered: &mut Lowered) -> Result<()> {
    let Some(webhooks) = raw.as_object_mut().and_then(|root| root.remove("webhooks")) else {
        return Ok(());
    };
    let Value::Object(webhooks) = webhooks else {
        return Err(GenError::new("/webhooks", "`webhooks` must be an object"));
    };
    for (name, item) in webhooks {
        let mut at = String::from("/webhooks");
        push(&mut at, &name);
        if item.get("$ref").is_some() {
            let mut here = at.clone();
            push(&mut here, "$ref");
            return Err(GenError::new(
                here,
                "unsupported construct: a webhook that references a path item",
            ));
        }
        for method in METHODS {
            let Some(op) = item.get(*method) else {
                continue;
            };
            let mut op_at = at.clone();
            push(&mut op_at, method);
            payloads(raw, &name, method, op, &op_at, lowered);
        }
    }
    Ok(())
}

/// Makes each media type's schema of the operation's request body a component, and notes it.
fn payloads(
    raw: &mut Value,
    name: &str,
    method: &str,
    op: &Value,
    at: &str,
    lowered: &mut Lowered,
) {
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
    let content = body
        .as_ref()
        .and_then(|b| b.get("content"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut types = Vec::new();
    for (media, media_type) in &content {
        let Some(schema) = media_type.get("schema") else {
            continue;
        };
        let component = match schema.get("$ref").and_then(Value::as_str) {
            Some(r)
                if r.starts_with("#/components/schemas/")
                    && schema.as_object().is_some_and(|m| m.len() == 1) =>
            {
                r.trim_start_matches("#/components/schemas/").to_owned()
            }
            _ => {
                let base = format!("{}Webhook", camel(name));
                let component = unique(raw, &base);
                let mut original = format!("{body_at}/content");
                push(&mut original, media);
                push(&mut original, "schema");
                let mut new = String::from("/components/schemas");
                push(&mut new, &component);
                insert_schema(raw, &component, schema.clone());
                lowered.moves.push((new, original));
                component
            }
        };
        types.push(format!("`{component}` ({media})"));
    }
    let rust = if types.is_empty() {
        "no payload schema: nothing generated".to_owned()
    } else {
        format!(
            "payload type from component schema {}; no receiving API is generated, decode the body with serde_json",
            types.join(", ")
        )
    };
    lowered.note(
        at,
        format!(
            "webhook `{name}` ({} request sent by the API)",
            method.to_uppercase()
        ),
        rust,
    );
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
        let notes: Vec<(&str, &str)> = lowered
            .notes
            .iter()
            .map(|n| (n.pointer.as_str(), n.rust.as_str()))
            .collect();
        assert_eq!(notes.len(), 2);
        assert_eq!(notes[0].0, "/webhooks/new-pet/post");
        assert!(notes[0].1.contains("`NewPetWebhook`"), "{notes:?}");
        assert!(notes[1].1.contains("`Pet`"), "{notes:?}");
    }

    #[test]
    fn a_webhook_path_item_reference_is_rejected() {
        let mut doc = json!({"webhooks": {"a": {"$ref": "#/components/pathItems/A"}}});
        let e = lower(&mut doc, &mut Lowered::default()).unwrap_err();
        assert_eq!(e.pointer, "/webhooks/a/$ref");
    }
}
