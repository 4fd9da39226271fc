//! `securityDefinitions` -> `components.securitySchemes`: `basic` -> HTTP basic, `apiKey` as is,
//! `oauth2` with its one `flow` -> `flows` (`application` is 3.0's `clientCredentials`,
//! `accessCode` its `authorizationCode`).

use serde_json::{Map, Value};

use super::super::walk::push;
use super::super::Lowered;
use super::{key_at, unsupported};
use crate::error::{GenError, Result};

pub fn schemes(value: Value, lowered: &mut Lowered) -> Result<Map<String, Value>> {
    let Value::Object(definitions) = value else {
        return Err(GenError::new("/securityDefinitions", "must be an object"));
    };
    let mut out = Map::new();
    for (name, definition) in definitions {
        let mut at = String::from("/securityDefinitions");
        push(&mut at, &name);
        let mut lowered_at = String::from("/components/securitySchemes");
        push(&mut lowered_at, &name);
        let Value::Object(definition) = definition else {
            return Err(GenError::new(at, "a security scheme must be an object"));
        };
        let scheme = scheme(definition, &at, &lowered_at, lowered)?;
        out.insert(name, Value::Object(scheme));
    }
    Ok(out)
}

fn scheme(
    definition: Map<String, Value>,
    at: &str,
    lowered_at: &str,
    lowered: &mut Lowered,
) -> Result<Map<String, Value>> {
    let kind = definition
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let mut out = Map::new();
    let mut flow = Map::new();
    let mut flow_name = None;
    for (key, value) in definition {
        let here = key_at(at, &key);
        match (kind.as_str(), key.as_str()) {
            (_, "type") => {}
            (_, "description") => {
                out.insert(key, value);
            }
            (_, k) if k.starts_with("x-") => {
                out.insert(key, value);
            }
            ("apiKey", "name" | "in") => {
                out.insert(key, value);
            }
            ("oauth2", "flow") => {
                flow_name = Some(match value.as_str() {
                    Some("implicit") => "implicit",
                    Some("password") => "password",
                    Some("application") => "clientCredentials",
                    Some("accessCode") => "authorizationCode",
                    _ => {
                        return Err(GenError::new(
                            here,
                            format!("unknown OAuth2 flow {value} (implicit, password, application, accessCode)"),
                        ))
                    }
                });
            }
            ("oauth2", "authorizationUrl" | "tokenUrl" | "scopes") => {
                flow.insert(key, value);
            }
            ("basic" | "apiKey" | "oauth2", _) => {
                return Err(unsupported(
                    &here,
                    format!("member `{key}` of a `{kind}` security scheme"),
                ))
            }
            _ => {
                return Err(unsupported(
                    &key_at(at, "type"),
                    format!("security scheme type {kind:?} (basic, apiKey, oauth2)"),
                ))
            }
        }
    }
    match kind.as_str() {
        "basic" => {
            out.insert("type".into(), Value::String("http".into()));
            out.insert("scheme".into(), Value::String("basic".into()));
        }
        "apiKey" => {
            out.insert("type".into(), Value::String("apiKey".into()));
        }
        "oauth2" => {
            let Some(flow_name) = flow_name else {
                return Err(GenError::new(at, "an oauth2 security scheme needs `flow`"));
            };
            flow.entry("scopes")
                .or_insert_with(|| Value::Object(Map::new()));
            let mut flows = Map::new();
            flows.insert(flow_name.into(), Value::Object(flow));
            out.insert("type".into(), Value::String("oauth2".into()));
            out.insert("flows".into(), Value::Object(flows));
            lowered.moves.push((
                format!("{lowered_at}/flows/{flow_name}"),
                lowered_at.to_owned(),
            ));
        }
        _ => {
            return Err(unsupported(
                &key_at(at, "type"),
                format!("security scheme type {kind:?} (basic, apiKey, oauth2)"),
            ))
        }
    }
    Ok(out)
}
