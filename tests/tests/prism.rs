//! Third-party conformance: the generated client against Prism (`@stoplight/prism-cli`), which checks
//! every request against `spec/openapi.yaml` and answers from the spec's own examples.
//!
//! `.ci/run` installs and starts Prism (run with `--errors`, so any violation becomes an error
//! answer: 400/422 with `sl-violations` for a request, 500 for a response) and sets `PRISM_URL` and
//! `REQUIRE_PRISM=1`. Without `PRISM_URL` these tests say they were skipped, unless `REQUIRE_PRISM=1`,
//! where they fail. See `atlas_exports_tests::prism` for why Prism serves the spec split by version.
//!
//! 1. `every_operation_and_version_passes_prism`: every client method (operation x media-type
//!    version), with every query parameter set, once per request example and once per response
//!    example of its version (selected with `Prefer: example=<name>`): Prism must accept the request
//!    and the typed client must decode Prism's answer.
//! 2. `prism_rejects_known_bad_requests`: raw HTTP requests that break the spec in one way each, next
//!    to the same request fixed: proves Prism would have caught those mistakes in the client.

use std::collections::{BTreeMap, BTreeSet};

use atlas_backup_exports::{Client, Error, RetryPolicy};
use atlas_exports_tests::calls::{describe_error, make};
use atlas_exports_tests::prism;
use atlas_exports_tests::replay::Call;
use atlas_exports_tests::workspace_root;
use serde_json::{json, Value};
use xtask::ir::model::{Api, ResponseBody, TypeRef};

const GROUP: &str = "6620a7f3c9d84e1b5a7f0c21";
const CLUSTER: &str = "prod-east";
const BUCKET: &str = "66b0f3d2a81c4e5f9d7a1b20";
const EXPORT: &str = "67c68a3b2b9e4d1a0c3f5f02";
const TOKEN: &str = "prism-token";

/// Prism checks `security` (OAuth2 service account or Digest): a bearer token satisfies the OAuth2
/// scheme. Prism does not check the token's value.
fn client(base: &str, example: Option<&str>) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(name) = example {
        let value = format!("example={name}");
        headers.insert("prefer", value.parse().expect("header value"));
    }
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("reqwest client");
    Client::builder()
        .base_url(base)
        .bearer_token(TOKEN)
        .retry_policy(RetryPolicy::none())
        .http_client(http)
        .build()
        .expect("client builds")
}

fn spec() -> (Value, Api) {
    let loaded = xtask::load::load(&workspace_root().join("spec")).expect("spec loads");
    let api = xtask::ir::build(&loaded.api).expect("IR builds");
    (loaded.raw, api)
}

fn path_value(name: &str) -> &'static str {
    match name {
        "groupId" => GROUP,
        "clusterName" => CLUSTER,
        "exportBucketId" => BUCKET,
        "exportId" => EXPORT,
        other => panic!("no valid value for path parameter {other}: add one to path_value"),
    }
}

/// Named examples of a content entry (`examples` map, or the single `example` as `default`).
fn examples(entry: Option<&Value>) -> Vec<(String, Value)> {
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
struct Run {
    method: String,
    version: String,
    call: Call,
    request_example: Option<String>,
    response_example: Option<String>,
}

fn runs(raw: &Value, api: &Api) -> Vec<Run> {
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
                ResponseBody::Empty { .. } => vec![None],
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

#[tokio::test]
async fn every_operation_and_version_passes_prism() {
    let Some(url) = prism::url() else { return };
    let (raw, api) = spec();
    let runs = runs(&raw, &api);
    let mut failures = Vec::new();
    let mut exercised = BTreeSet::new();
    for run in &runs {
        let base = format!("{url}{}", prism::prefix(&run.version));
        let client = client(&base, run.response_example.as_deref());
        let what = format!(
            "{} (request example {:?}, response example {:?})",
            run.method, run.request_example, run.response_example
        );
        match make(&client, &run.call).await {
            Ok(_) => {
                exercised.insert(run.method.clone());
            }
            Err(error) => failures.push(format!("{what}:\n{}", describe_error(&error))),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} calls failed against Prism:\n{}",
        failures.len(),
        runs.len(),
        failures.join("\n")
    );
    let every: BTreeSet<String> = api
        .operations
        .iter()
        .flat_map(|op| op.versions.iter().map(|v| v.fn_name.clone()))
        .collect();
    assert_eq!(
        exercised, every,
        "every client method must pass through Prism"
    );
    eprintln!(
        "{} calls over {} client methods accepted by Prism",
        runs.len(),
        every.len()
    );
}

/// One raw HTTP request to Prism.
#[derive(Clone)]
struct Raw {
    method: &'static str,
    version: &'static str,
    /// After `/api/atlas/v2/groups/`, query included.
    path: String,
    auth: bool,
    content_type: Option<&'static str>,
    body: Option<Value>,
}

impl Raw {
    fn new(method: &'static str, version: &'static str, path: impl Into<String>) -> Self {
        Raw {
            method,
            version,
            path: path.into(),
            auth: true,
            content_type: None,
            body: None,
        }
    }

    fn json(mut self, body: Value) -> Self {
        self.content_type = Some(media_type(self.version));
        self.body = Some(body);
        self
    }

    async fn send(&self, http: &reqwest::Client, url: &str) -> (u16, Vec<Value>, String) {
        let target = format!("{url}/{}/api/atlas/v2/groups/{}", self.version, self.path);
        let method = reqwest::Method::from_bytes(self.method.as_bytes()).expect("method");
        let mut request = http
            .request(method, &target)
            .header("accept", media_type(self.version));
        if self.auth {
            request = request.bearer_auth(TOKEN);
        }
        if let Some(content_type) = self.content_type {
            request = request.header("content-type", content_type);
        }
        if let Some(body) = &self.body {
            request = request.body(serde_json::to_vec(body).expect("body"));
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{target}: {e}"));
        let status = response.status().as_u16();
        // Prism reports violations in `sl-violations` when it answers with the spec's own error
        // response, and in the `validation` member of its problem+json body when the spec has none.
        let mut violations: Vec<Value> = response
            .headers()
            .get("sl-violations")
            .and_then(|v| serde_json::from_slice(v.as_bytes()).ok())
            .unwrap_or_default();
        let body = response.text().await.unwrap_or_default();
        if let Ok(problem) = serde_json::from_str::<Value>(&body) {
            if let Some(list) = problem.get("validation").and_then(Value::as_array) {
                violations.extend(list.iter().cloned());
            }
        }
        (status, violations, body)
    }
}

fn media_type(version: &str) -> &'static str {
    match version {
        "2023-01-01" => "application/vnd.atlas.2023-01-01+json",
        "2024-05-30" => "application/vnd.atlas.2024-05-30+json",
        other => panic!("unknown version {other}"),
    }
}

/// The spec's first request example for an operation and version.
fn request_example(raw: &Value, path: &str, method: &str, version: &str) -> Value {
    let entry = raw["paths"][path][method]
        .pointer("/requestBody/content")
        .and_then(|c| c.get(media_type(version)));
    examples(entry)
        .into_iter()
        .next()
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no request example for {method} {path} {version}"))
}

fn with(mut body: Value, key: &str, value: Option<Value>) -> Value {
    let object = body.as_object_mut().expect("object body");
    match value {
        Some(v) => object.insert(key.to_owned(), v),
        None => object.remove(key),
    };
    body
}

#[tokio::test]
async fn prism_rejects_known_bad_requests() {
    let Some(url) = prism::url() else { return };
    let (raw, _) = spec();
    let buckets = "/api/atlas/v2/groups/{groupId}/backup/exportBuckets";
    let exports = "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/exports";
    let bucket_2023 = request_example(&raw, buckets, "post", "2023-01-01");
    let bucket_2024 = request_example(&raw, buckets, "post", "2024-05-30");
    let job = request_example(&raw, exports, "post", "2023-01-01");
    let list = |group: &str, query: &str| {
        Raw::new(
            "GET",
            "2024-05-30",
            format!("{group}/backup/exportBuckets{query}"),
        )
    };
    let create_bucket = |version, body| {
        Raw::new("POST", version, format!("{GROUP}/backup/exportBuckets")).json(body)
    };
    let patch = |body| {
        Raw::new(
            "PATCH",
            "2024-05-30",
            format!("{GROUP}/backup/exportBuckets/{BUCKET}"),
        )
        .json(body)
    };

    // (what is wrong, the correct request, the same request broken, what Prism must name)
    let cases: Vec<(&str, Raw, Raw, &str)> = vec![
        (
            "group id one character short",
            list(GROUP, ""),
            list(&GROUP[1..], ""),
            "groupid",
        ),
        (
            "itemsPerPage above its maximum",
            list(GROUP, "?itemsPerPage=500"),
            list(GROUP, "?itemsPerPage=501"),
            "itemsperpage",
        ),
        (
            "includeCount not a boolean",
            list(GROUP, "?includeCount=false"),
            list(GROUP, "?includeCount=yes"),
            "includecount",
        ),
        (
            "envelope not a boolean",
            list(GROUP, "?envelope=false"),
            list(GROUP, "?envelope=1x"),
            "envelope",
        ),
        (
            "cluster name breaking its pattern",
            Raw::new(
                "GET",
                "2023-01-01",
                format!("{GROUP}/clusters/{CLUSTER}/backup/exports"),
            ),
            Raw::new(
                "GET",
                "2023-01-01",
                format!("{GROUP}/clusters/-{CLUSTER}/backup/exports"),
            ),
            "clustername",
        ),
        (
            "export bucket id in upper case",
            Raw::new(
                "GET",
                "2024-05-30",
                format!("{GROUP}/backup/exportBuckets/{BUCKET}"),
            ),
            Raw::new(
                "GET",
                "2024-05-30",
                format!("{GROUP}/backup/exportBuckets/{}", BUCKET.to_uppercase()),
            ),
            "exportbucketid",
        ),
        (
            "2023-01-01 bucket without the required iamRoleId",
            create_bucket("2023-01-01", bucket_2023.clone()),
            create_bucket("2023-01-01", with(bucket_2023.clone(), "iamRoleId", None)),
            "iamRoleId",
        ),
        (
            "2024-05-30 bucket with an unknown cloudProvider",
            create_bucket("2024-05-30", bucket_2024.clone()),
            create_bucket(
                "2024-05-30",
                with(bucket_2024.clone(), "cloudProvider", Some(json!("ORACLE"))),
            ),
            "cloudProvider",
        ),
        (
            "export job with a numeric snapshotId",
            Raw::new(
                "POST",
                "2023-01-01",
                format!("{GROUP}/clusters/{CLUSTER}/backup/exports"),
            )
            .json(job.clone()),
            Raw::new(
                "POST",
                "2023-01-01",
                format!("{GROUP}/clusters/{CLUSTER}/backup/exports"),
            )
            .json(with(job.clone(), "snapshotId", Some(json!(42)))),
            "snapshotId",
        ),
        (
            "PATCH without requirePrivateNetworking",
            patch(json!({"requirePrivateNetworking": true})),
            patch(json!({})),
            "requirePrivateNetworking",
        ),
        (
            "body sent as text/plain",
            create_bucket("2024-05-30", bucket_2024.clone()),
            Raw {
                content_type: Some("text/plain"),
                ..create_bucket("2024-05-30", bucket_2024.clone())
            },
            "supported content types",
        ),
        (
            "no credentials",
            list(GROUP, ""),
            Raw {
                auth: false,
                ..list(GROUP, "")
            },
            "security scheme",
        ),
    ];

    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("reqwest client");
    let mut failures = Vec::new();
    for (what, good, bad, named) in &cases {
        let (status, violations, body) = good.send(&http, &url).await;
        if !(200..300).contains(&status) || !violations.is_empty() {
            failures.push(format!(
                "{what}: the correct request got {status}, violations {violations:?}: {body}"
            ));
        }
        let (status, violations, body) = bad.send(&http, &url).await;
        // A violation of severity Error that names the broken part (its location or message).
        let names = |v: &Value| {
            let text = format!("{} {}", v["location"], v["message"]).to_lowercase();
            v["severity"] == "Error" && text.contains(&named.to_lowercase())
        };
        if !matches!(status, 400 | 401 | 415 | 422) || !violations.iter().any(names) {
            failures.push(format!("{what}: Prism did not reject it as expected (status {status}, violations {violations:?}): {body}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    eprintln!(
        "{} known-bad requests rejected by Prism, their fixed twins accepted",
        cases.len()
    );
}

/// The client refuses the path and query mistakes above before sending: Prism and the client agree.
#[tokio::test]
async fn the_client_refuses_the_same_parameter_mistakes_without_sending() {
    // No server is needed: nothing may be sent. The base URL points nowhere on purpose.
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .bearer_token(TOKEN)
        .build()
        .expect("client");
    let refused = |r: Result<_, Error>| matches!(r, Err(Error::InvalidRequest { .. }));
    assert!(refused(
        client
            .list_export_buckets(&GROUP[1..])
            .send()
            .await
            .map(drop)
    ));
    assert!(refused(
        client
            .list_export_buckets(GROUP)
            .items_per_page(501)
            .send()
            .await
            .map(drop)
    ));
    assert!(refused(
        client
            .list_backup_exports(GROUP, format!("-{CLUSTER}"))
            .send()
            .await
            .map(drop)
    ));
    assert!(refused(
        client
            .get_export_bucket(GROUP, BUCKET.to_uppercase())
            .send()
            .await
            .map(drop)
    ));
}
