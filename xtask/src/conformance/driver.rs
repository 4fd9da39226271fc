//! The driver: a program that calls every operation of a generated client once with every
//! parameter and body member the document declares ("all") and, where something is optional, once
//! with only what is required ("required"), and prints one JSON line per call with what happened.
//!
//! Arguments are JSON made by [`values`](super::values) from the document's schemas, turned into the
//! client's types by serde (so a schema-valid value the type refuses is itself a finding). Every
//! string from the document enters the driver's source as a Rust string literal written by
//! `{:?}` (escaped), never as code.

use std::fmt::Write as _;

use apigen::ir::model::{
    Api, CredentialKind, MultipartPart, Operation, OperationVersion, PartKind, PathType,
    QueryParam, RequestKind, TypeRef,
};
use serde_json::Value;

use super::values::{Members, Synth};

/// What one operation's calls exercise, for the report's figures per parameter style and body kind.
#[derive(Debug, Clone, Default)]
pub struct Exercised {
    pub operation_id: String,
    pub method: String,
    pub path: String,
    /// e.g. `path:simple`, `query:form-explode`, `header:simple`, `query:deepObject`, `body:json`.
    pub features: Vec<String>,
    /// JSON pointer of the decoded success response's schema in the document.
    pub response_schema: Option<String>,
    /// JSON pointer of the request body's schema (the media type the client sends).
    pub body_schema: Option<String>,
}

/// `/`-joined JSON pointer of these keys (`~` and `/` escaped).
fn pointer(keys: &[&str]) -> String {
    keys.iter()
        .map(|k| format!("/{}", k.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// The driver's `main.rs` for the crate `krate` (its library name) and what each operation exercises.
pub fn source(api: &Api, raw: &Value, krate: &str) -> (String, Vec<Exercised>) {
    let mut calls = String::new();
    let mut exercised = Vec::new();
    for op in &api.operations {
        let Some(version) = op
            .versions
            .iter()
            .find(|v| v.fn_name == op.fn_name)
            .or_else(|| op.versions.first())
        else {
            continue;
        };
        let raw_op = raw_operation(raw, op);
        let params = raw_parameters(raw, op, raw_op);
        exercised.push(features(op, version, &params));
        let optional = op.query_params.iter().any(|q| !q.required)
            || version.request.as_ref().is_some_and(|b| !b.required);
        let mut modes = vec![Members::All];
        if optional || version.request.is_some() {
            modes.push(Members::Required);
        }
        for members in modes {
            let synth = Synth::new(raw, members);
            call(
                &mut calls, api, op, version, raw_op, &params, &synth, members, krate,
            );
        }
    }
    let credentials = credentials(api);
    let source = format!(
        r#"// Conformance driver written by `cargo xtask conformance`: calls every operation once or twice.
#![allow(deprecated, unused_mut, clippy::all)]
use {krate} as api;

#[tokio::main(flavor = "current_thread")]
async fn main() {{
    let base = std::env::args().nth(1).expect("usage: driver BASE_URL");
    let client = api::Client::builder()
        .base_url(base)
        .retry_policy(api::RetryPolicy::none())
        .allow_insecure_http(true)
        .timeout(std::time::Duration::from_secs(20)){credentials}
        .build();
    let c = match client {{
        Ok(client) => client,
        Err(e) => {{
            println!("{{}}", serde_json::json!({{"operation": "", "call": "client", "outcome": "client", "detail": e.to_string()}}));
            return;
        }}
    }};
    let c = &c;
{calls}}}

/// `json` (a schema-valid value) as the client's type `T`.
fn val<T: serde::de::DeserializeOwned>(what: &str, json: &str) -> Result<T, String> {{
    serde_json::from_str(json).map_err(|e| format!("{{what}}: the client's type refuses {{json}}: {{e}}"))
}}

fn report<T>(operation: &str, call: &str, result: Result<T, api::Error>) {{
    let (outcome, status, detail) = match &result {{
        Ok(_) => ("ok", None, String::new()),
        Err(api::Error::Api(failure)) => (
            "api",
            Some(failure.status()),
            String::from_utf8_lossy(failure.raw_body()).chars().take(2000).collect(),
        ),
        Err(api::Error::Decode {{ status, path, source, excerpt, .. }}) => (
            "decode",
            Some(*status),
            format!("at `{{path}}`: {{source}}; body: {{}}", excerpt.chars().take(600).collect::<String>()),
        ),
        Err(api::Error::InvalidRequest {{ parameter, rule }}) => {{
            ("invalid", None, format!("{{parameter}}: {{rule}}"))
        }}
        Err(api::Error::UnexpectedMediaType {{ status, media_type, expected, .. }}) => (
            "media_type",
            Some(*status),
            format!("{{media_type:?}}, expected {{expected}}"),
        ),
        Err(other) => ("other", other.status(), other.to_string()),
    }};
    println!("{{}}", serde_json::json!({{"operation": operation, "call": call, "outcome": outcome, "status": status, "detail": detail}}));
}}

fn refused(operation: &str, call: &str, detail: String) {{
    println!("{{}}", serde_json::json!({{"operation": operation, "call": call, "outcome": "build", "status": null, "detail": detail}}));
}}
"#
    );
    (source, exercised)
}

/// Credentials for every scheme the driver can satisfy locally (API keys, one bearer or basic).
fn credentials(api: &Api) -> String {
    let mut out = String::new();
    let mut authorization = false;
    for setter in &api.auth.setters {
        let method = &setter.method;
        match &setter.kind {
            CredentialKind::ApiKey { .. } => {
                let _ = write!(out, "\n        .{method}(\"conformance-key\")");
            }
            CredentialKind::Bearer if !authorization => {
                authorization = true;
                let _ = write!(out, "\n        .{method}(\"conformance-token\")");
            }
            _ => {}
        }
    }
    for setter in &api.auth.setters {
        if matches!(setter.kind, CredentialKind::Basic) && !authorization {
            authorization = true;
            let _ = write!(
                out,
                "\n        .{}(\"conformance-user\", \"conformance-password\")",
                setter.method
            );
        }
    }
    out
}

fn raw_operation<'a>(raw: &'a Value, op: &Operation) -> Option<&'a Value> {
    raw.get("paths")?
        .get(&op.path)?
        .get(op.method.as_str().to_ascii_lowercase())
}

/// The operation's parameters with the path item's, by (location, name), `$ref`s followed.
fn raw_parameters(raw: &Value, op: &Operation, raw_op: Option<&Value>) -> Vec<Value> {
    let synth = Synth::new(raw, Members::All);
    let item = raw.get("paths").and_then(|p| p.get(&op.path));
    let mut out: Vec<Value> = Vec::new();
    let lists = [item, raw_op]
        .into_iter()
        .flatten()
        .filter_map(|v| v.get("parameters").and_then(Value::as_array));
    for list in lists {
        for param in list {
            let param = synth.deref(param).clone();
            let key = |p: &Value| (p.get("in").cloned(), p.get("name").cloned());
            out.retain(|p| key(p) != key(&param));
            out.push(param);
        }
    }
    out
}

/// A parameter's schema: `schema`, or the one of its `content` entry.
fn param_schema(param: &Value) -> Value {
    if let Some(schema) = param.get("schema") {
        return schema.clone();
    }
    param
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
        .and_then(|m| m.get("schema"))
        .cloned()
        .unwrap_or(Value::Null)
}

fn find_param<'a>(params: &'a [Value], location: &str, name: &str) -> Option<&'a Value> {
    params.iter().find(|p| {
        p.get("in").and_then(Value::as_str) == Some(location)
            && p.get("name").and_then(Value::as_str) == Some(name)
    })
}

/// A parameter's value: its own scalar example, else one made from its schema.
fn param_value(synth: &Synth, param: Option<&Value>) -> Value {
    let Some(param) = param else {
        return Value::String("value".into());
    };
    let schema = param_schema(param);
    let ty = super::values::type_of(synth.deref(&schema));
    let example = param.get("example").filter(|e| match (ty.as_deref(), e) {
        (Some("string"), Value::String(_)) => true,
        (Some("integer"), Value::Number(n)) => n.is_i64() || n.is_u64(),
        (Some("number"), Value::Number(_)) => true,
        (Some("boolean"), Value::Bool(_)) => true,
        _ => false,
    });
    let has_rules = synth.deref(&schema).get("enum").is_some();
    // An example with a line break or another control character cannot travel in a header (a
    // spec defect the client refuses by name); a made-up value still checks the operation.
    let sendable = |e: &Value| !e.as_str().is_some_and(|t| t.chars().any(char::is_control));
    match example {
        Some(example) if !has_rules && sendable(example) => example.clone(),
        _ => synth.value(&schema),
    }
}

/// The client's type for `ty`, as the generator writes it (named types under `krate::types`).
fn rust_type(ty: &TypeRef, krate: &str) -> String {
    apigen::emit::rust_types::type_text(ty, krate)
}

/// `val::<T>("what", "json")?` as source.
fn typed(ty: &str, what: &str, value: &Value) -> String {
    format!("val::<{ty}>({what:?}, {:?})?", value.to_string())
}

/// The text of a scalar value as a parameter or part carries it.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[allow(clippy::too_many_arguments)]
fn call(
    out: &mut String,
    api: &Api,
    op: &Operation,
    version: &OperationVersion,
    raw_op: Option<&Value>,
    params: &[Value],
    synth: &Synth,
    members: Members,
    krate: &str,
) {
    let _ = api;
    let id = &op.operation_id;
    let mode = match members {
        Members::All => "all",
        Members::Required => "required",
    };
    let mut args = Vec::new();
    for p in &op.path_params {
        let value = param_value(synth, find_param(params, "path", &p.json_name));
        let what = format!("path parameter {}", p.json_name);
        args.push(match &p.ty {
            PathType::Validated(_) => format!("{:?}", text_of(&value)),
            PathType::Scalar(ty) => typed(&rust_type(ty, krate), &what, &value),
            PathType::List(item) => {
                let list = if value.is_array() {
                    value
                } else {
                    Value::Array(vec![value])
                };
                typed(&format!("Vec<{}>", rust_type(item, krate)), &what, &list)
            }
        });
    }
    let mut chain = format!("c.{}({})", version.fn_name, args.join(", "));
    for q in &op.query_params {
        if !q.required && members == Members::Required {
            continue;
        }
        chain.push_str(&query_setter(q, synth, params, krate));
    }
    if let Some(body) = &version.request {
        if body.required || members == Members::All {
            let schema = raw_op
                .and_then(|o| o.get("requestBody"))
                .map(|b| synth.deref(b))
                .and_then(|b| b.get("content"))
                .and_then(|c| c.get(&body.media_type))
                .and_then(|m| m.get("schema"))
                .cloned()
                .unwrap_or(Value::Null);
            let value = synth.value(&schema);
            let expr = match body.kind {
                RequestKind::Json | RequestKind::Form => {
                    typed(&rust_type(&body.ty, krate), "body", &value)
                }
                RequestKind::Multipart => multipart(&body.parts, &value, members, krate),
                RequestKind::Text => format!("{:?}", text_of(&value)),
                RequestKind::Bytes => format!("{:?}.as_bytes().to_vec()", text_of(&value)),
            };
            let _ = write!(chain, ".body({expr})");
        }
    }
    let _ = write!(
        out,
        r#"    {{
        let built = (|| -> Result<_, String> {{ Ok({chain}) }})();
        match built {{
            Ok(builder) => report({id:?}, {mode:?}, builder.send().await),
            Err(e) => refused({id:?}, {mode:?}, e),
        }}
    }}
"#
    );
}

fn query_setter(q: &QueryParam, synth: &Synth, params: &[Value], krate: &str) -> String {
    let location = match q.location {
        apigen::ir::model::ParamLocation::Query => "query",
        apigen::ir::model::ParamLocation::Header => "header",
        apigen::ir::model::ParamLocation::Cookie => "cookie",
    };
    let value = param_value(synth, find_param(params, location, &q.json_name));
    let what = format!("{location} parameter {}", q.json_name);
    let ty = rust_type(&q.ty, krate);
    let expr = if q.list.is_some() {
        let list = if value.is_array() {
            value
        } else {
            Value::Array(vec![value])
        };
        typed(&format!("Vec<{ty}>"), &what, &list)
    } else {
        typed(&ty, &what, &value)
    };
    format!(".{}({expr})", q.rust_name)
}

/// A `Multipart` with a part per declared member (required ones only in the "required" call).
fn multipart(parts: &[MultipartPart], value: &Value, members: Members, krate: &str) -> String {
    let mut expr = format!("{krate}::Multipart::new()");
    if parts.is_empty() {
        expr.push_str(".text(\"field\", \"value\")");
        return expr;
    }
    for part in parts {
        if members == Members::Required && !part.required {
            continue;
        }
        let name = &part.json_name;
        let member = value.get(name).cloned().unwrap_or(Value::Null);
        let content_type = match &part.content_type {
            Some(ct) => format!("Some({ct:?})"),
            None => "None".into(),
        };
        match &part.kind {
            PartKind::Text(_) => {
                let _ = write!(expr, ".text({name:?}, {:?})", text_of(&member));
            }
            PartKind::Texts(_) => {
                let items = member.as_array().cloned().unwrap_or_else(|| vec![member]);
                for item in items {
                    let _ = write!(expr, ".text({name:?}, {:?})", text_of(&item));
                }
            }
            PartKind::Json(_) => {
                let _ = write!(
                    expr,
                    ".json({name:?}, &val::<serde_json::Value>(\"part\", {:?})?).map_err(|e| e.to_string())?",
                    member.to_string()
                );
            }
            PartKind::File | PartKind::Files => {
                let _ = write!(
                    expr,
                    ".file({name:?}, b\"conformance\".to_vec(), \"conformance.bin\", {content_type})"
                );
            }
        }
    }
    expr
}

/// The parameter styles and body kind one operation exercises.
fn features(op: &Operation, version: &OperationVersion, params: &[Value]) -> Exercised {
    let style = |location: &str, name: &str, default: &str| {
        let param = find_param(params, location, name);
        let style = param
            .and_then(|p| p.get("style"))
            .and_then(Value::as_str)
            .unwrap_or(default)
            .to_owned();
        let explode = param
            .and_then(|p| p.get("explode"))
            .and_then(Value::as_bool)
            .unwrap_or(style == "form");
        let content = param.is_some_and(|p| p.get("content").is_some());
        match (content, style.as_str()) {
            (true, _) => format!("{location}:content"),
            (false, "form" | "simple" | "label" | "matrix") if explode => {
                format!("{location}:{style}-explode")
            }
            _ => format!("{location}:{style}"),
        }
    };
    let mut features: Vec<String> = Vec::new();
    for p in &op.path_params {
        features.push(style("path", &p.json_name, "simple"));
    }
    for q in &op.query_params {
        let (location, default) = match q.location {
            apigen::ir::model::ParamLocation::Query => ("query", "form"),
            apigen::ir::model::ParamLocation::Header => ("header", "simple"),
            apigen::ir::model::ParamLocation::Cookie => ("cookie", "form"),
        };
        features.push(style(location, &q.json_name, default));
    }
    if let Some(body) = &version.request {
        features.push(
            match body.kind {
                RequestKind::Json => "body:json",
                RequestKind::Form => "body:form",
                RequestKind::Multipart => "body:multipart",
                RequestKind::Text => "body:text",
                RequestKind::Bytes => "body:bytes",
            }
            .to_owned(),
        );
    }
    features.sort();
    features.dedup();
    let method = op.method.as_str().to_ascii_lowercase();
    let response_schema = match &version.response {
        apigen::ir::model::ResponseBody::Json { status, .. } => Some(pointer(&[
            "paths",
            &op.path,
            &method,
            "responses",
            &status.to_string(),
            "content",
            &version.media_type,
            "schema",
        ])),
        _ => None,
    };
    let body_schema = version.request.as_ref().map(|b| {
        pointer(&[
            "paths",
            &op.path,
            &method,
            "requestBody",
            "content",
            &b.media_type,
            "schema",
        ])
    });
    Exercised {
        operation_id: op.operation_id.clone(),
        method: op.method.as_str().to_owned(),
        path: op.path.clone(),
        features,
        response_schema,
        body_schema,
    }
}
