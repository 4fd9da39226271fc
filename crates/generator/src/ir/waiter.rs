//! The `x-waiter` extension: a GET operation declares which response field to watch and which of its
//! values mean success or failure; the generator emits a `wait_for_<name>` poller for it.
//!
//! ```yaml
//! x-waiter:
//!   name: backup_export            # -> Client::wait_for_backup_export
//!   field: state                   # response property to watch
//!   success: [Successful]
//!   failure: [Failed, Cancelled]
//!   reason: stateReason            # optional: property explaining a failure
//! ```
//! Anything else in the extension is an error naming its pointer: a waiter that silently watches the
//! wrong thing would hang a user's deployment.

use std::collections::BTreeMap;

use serde_json::Value;

use super::model::*;
use super::naming::{field_name, type_name};
use crate::error::{GenError, Ptr, Result};

const KEYS: &[&str] = &["name", "field", "success", "failure", "reason"];

fn strings(value: Option<&Value>, at: &Ptr, key: &str) -> Result<Vec<String>> {
    let at = at.push(key);
    let list = value
        .and_then(Value::as_array)
        .ok_or_else(|| GenError::new(at.as_str(), "x-waiter: expected a list of strings"))?;
    list.iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_str().map(str::to_string).ok_or_else(|| {
                GenError::new(
                    at.push(i.to_string()).as_str(),
                    "x-waiter: expected a string",
                )
            })
        })
        .collect()
}

/// Parses `x-waiter` of one operation (if present) against the built operation and types.
pub fn parse(
    extension: Option<&Value>,
    at: &Ptr,
    op: &Operation,
    types: &BTreeMap<String, TypeDef>,
) -> Result<Option<Waiter>> {
    let Some(extension) = extension else {
        return Ok(None);
    };
    let at = at.push("x-waiter");
    let map = extension
        .as_object()
        .ok_or_else(|| GenError::new(at.as_str(), "x-waiter: expected an object"))?;
    if let Some(unknown) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(GenError::unsupported(
            &at.push(unknown),
            format!("x-waiter key `{unknown}` (known: {})", KEYS.join(", ")),
        ));
    }
    if op.method != Method::Get {
        return Err(GenError::unsupported(
            &at,
            "x-waiter on an operation that is not a GET",
        ));
    }
    let text = |key: &str| -> Result<String> {
        map.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| {
                GenError::new(
                    at.push(key).as_str(),
                    format!("x-waiter: `{key}` must be a string"),
                )
            })
    };
    let name = text("name")?;
    let watched = text("field")?;
    let success = strings(map.get("success"), &at, "success")?;
    let failure = strings(map.get("failure"), &at, "failure")?;
    if success.is_empty() {
        return Err(GenError::new(
            at.push("success").as_str(),
            "x-waiter: at least one success value is needed",
        ));
    }
    let latest = &op.versions[0];
    let ResponseBody::Json {
        ty: resource @ TypeRef::Named(resource_name),
        ..
    } = &latest.response
    else {
        return Err(GenError::unsupported(
            &at,
            "x-waiter on an operation without a JSON object response",
        ));
    };
    let Some(TypeDef::Struct(resource_struct)) = types.get(resource_name) else {
        return Err(GenError::unsupported(
            &at,
            "x-waiter on an operation whose response is not an object",
        ));
    };
    let find = |json: &str, key: &str| {
        resource_struct
            .fields
            .iter()
            .find(|f| f.json_name == json)
            .ok_or_else(|| {
                GenError::new(
                    at.push(key).as_str(),
                    format!("x-waiter: `{json}` is not a property of {resource_name}"),
                )
            })
    };
    let field = find(&watched, "field")?;
    let mut pending = Vec::new();
    match &field.ty {
        TypeRef::String => {}
        TypeRef::Named(name) => match types.get(name) {
            Some(TypeDef::StringEnum(e)) => {
                pending = e
                    .variants
                    .iter()
                    .map(|(wire, _)| wire.clone())
                    .filter(|wire| !success.contains(wire) && !failure.contains(wire))
                    .collect();
                for (key, values) in [("success", &success), ("failure", &failure)] {
                    for (i, value) in values.iter().enumerate() {
                        if !e.variants.iter().any(|(wire, _)| wire == value) {
                            return Err(GenError::new(
                                at.push(key).push(i.to_string()).as_str(),
                                format!("x-waiter: `{value}` is not a value of {name}"),
                            ));
                        }
                    }
                }
            }
            _ => {
                return Err(GenError::unsupported(
                    &at.push("field"),
                    "x-waiter field that is not a string or string enum",
                ))
            }
        },
        _ => {
            return Err(GenError::unsupported(
                &at.push("field"),
                "x-waiter field that is not a string or string enum",
            ))
        }
    }
    let reason = match map.get("reason") {
        Some(_) => Some(find(&text("reason")?, "reason")?.rust_name.clone()),
        None => None,
    };
    Ok(Some(Waiter {
        fn_name: format!("wait_for_{}", field_name(&name)),
        builder_name: format!("WaitFor{}", type_name(&name)),
        field: field.rust_name.clone(),
        field_is_enum: field.ty != TypeRef::String,
        field_optional: field.optional,
        success,
        failure,
        pending,
        reason,
        resource: resource.clone(),
    }))
}
