//! Every client call the spec describes, for conformance tests: each client method (operation x
//! media-type version) with valid path arguments, every query parameter set, and once per request
//! example and once per response example of its version.

use std::collections::BTreeMap;

use apigen::ir::model::{Api, ResponseBody, TypeRef};
use serde_json::{json, Value};

use crate::replay::Call;
use crate::{prism, workspace_root};

pub const GROUP: &str = "6620a7f3c9d84e1b5a7f0c21";
pub const CLUSTER: &str = "prod-east";
pub const BUCKET: &str = "66b0f3d2a81c4e5f9d7a1b20";
pub const EXPORT: &str = "67c68a3b2b9e4d1a0c3f5f02";

/// The raw spec tree and the generator's IR of `spec/`.
pub fn spec() -> (Value, Api) {
    let loaded = apigen::load::load(&workspace_root().join("spec")).expect("spec loads");
    let api = apigen::build_ir(&loaded, &apigen::Options::default()).expect("IR builds");
    (loaded.raw, api)
}

/// A valid value for a path parameter of the spec.
pub fn path_value(name: &str) -> &'static str {
    match name {
        "groupId" => GROUP,
        "clusterName" => CLUSTER,
        "exportBucketId" => BUCKET,
        "exportId" => EXPORT,
        other => panic!("no valid value for path parameter {other}: add one to path_value"),
    }
}

/// Named examples of a content entry (`examples` map, or the single `example` as `default`).
pub fn examples(entry: Option<&Value>) -> Vec<(String, Value)> {
    let Some(entry) = entry else {
        return Vec::new();
    };
    if let Some(map) = entry.get("examples").and_then(Value::as_object) {
        return map
            .iter()
            .map(|(name, ex)| {
                let value = ex
                    .get("value")
                    .unwrap_or_else(|| panic!("example {name} has no inline value"));
                (name.clone(), value.clone())
            })
            .collect();
    }
    entry
        .get("example")
        .map(|v| vec![("default".to_owned(), v.clone())])
        .unwrap_or_default()
}

/// One call to make: client method, Prism base URL prefix, request example, response example.
pub struct Run {
    pub method: String,
    pub version: String,
    /// The operation in the spec: path template and lower-case HTTP method.
    pub spec_path: String,
    pub verb: String,
    pub call: Call,
    pub request_example: Option<String>,
    pub response_example: Option<String>,
}

/// The calls to make, in spec order.
pub fn runs(raw: &Value, api: &Api) -> Vec<Run> {
    let mut runs = Vec::new();
    for op in &api.operations {
        let raw_op = &raw["paths"][&op.path][op.method.as_str().to_ascii_lowercase()];
        assert!(
            raw_op.is_object(),
            "{} {} not in the spec",
            op.method.as_str(),
            op.path
        );
        let path: BTreeMap<String, String> = op
            .path_params
            .iter()
            .map(|p| (p.json_name.clone(), path_value(&p.json_name).to_owned()))
            .collect();
        let query: BTreeMap<String, Value> = op
            .query_params
            .iter()
            .map(|q| {
                let value = match (&q.ty, q.json_name.as_str()) {
                    // `envelope=true` asks for a body shape the spec does not describe.
                    (TypeRef::Bool, "envelope") => json!(false),
                    (TypeRef::Bool, _) => json!(true),
                    (TypeRef::I32 | TypeRef::I64, _) => {
                        let min = q.rules.minimum.unwrap_or(i64::MIN);
                        let max = q.rules.maximum.unwrap_or(i64::MAX);
                        json!(7.clamp(min, max))
                    }
                    (other, name) => panic!("no valid value for query {name} of type {other:?}"),
                };
                (q.json_name.clone(), value)
            })
            .collect();
        for v in &op.versions {
            let version = prism::version_of(&v.media_type, None)
                .unwrap_or_else(|| panic!("{} has an unversioned media type", v.fn_name));
            let requests = match &v.request {
                Some(_) => {
                    let entry = raw_op
                        .pointer("/requestBody/content")
                        .and_then(|c| c.get(&v.media_type));
                    let found = examples(entry);
                    assert!(
                        !found.is_empty(),
                        "{}: the request body has no example to send",
                        v.fn_name
                    );
                    found.into_iter().map(|(n, b)| (Some(n), Some(b))).collect()
                }
                None => vec![(None, None)],
            };
            let responses: Vec<Option<String>> = match &v.response {
                ResponseBody::Json { status, .. } => {
                    let entry =
                        raw_op["responses"][status.to_string()]["content"].get(&v.media_type);
                    let found: Vec<_> = examples(entry).into_iter().map(|(n, _)| Some(n)).collect();
                    assert!(
                        !found.is_empty(),
                        "{}: the response has no example",
                        v.fn_name
                    );
                    found
                }
                ResponseBody::Empty { .. }
                | ResponseBody::Bytes { .. }
                | ResponseBody::Text { .. }
                | ResponseBody::Redirect { .. } => {
                    vec![None]
                }
            };
            // Every request example with the first response example, then every other response
            // example with the first request example.
            let pairs = requests
                .iter()
                .map(|r| (r.clone(), responses[0].clone()))
                .chain(
                    responses[1..]
                        .iter()
                        .map(|s| (requests[0].clone(), s.clone())),
                );
            for ((request_example, body), response_example) in pairs {
                runs.push(Run {
                    method: v.fn_name.clone(),
                    version: version.clone(),
                    spec_path: op.path.clone(),
                    verb: op.method.as_str().to_ascii_lowercase(),
                    call: Call {
                        method: v.fn_name.clone(),
                        path: path.clone(),
                        query: query.clone(),
                        body,
                    },
                    request_example,
                    response_example,
                });
            }
        }
    }
    runs
}
