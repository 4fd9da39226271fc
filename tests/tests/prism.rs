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
//! 2. `every_documented_error_answer_decodes`: every documented error status of every client method,
//!    asked of Prism with `Prefer: code=<status>` (and `Accept: application/json`, since Prism only
//!    serves the `application/json` error examples to a client accepting them), then served as received
//!    by the generated mock server to the typed client, which must decode it as that API error.
//! 3. `prism_rejects_known_bad_requests`: raw HTTP requests that break the spec in one way each, next
//!    to the same request fixed: proves Prism would have caught those mistakes in the client.

use std::collections::BTreeSet;

use atlas_backup_exports::mock::{MockResponse, MockServer};
use atlas_backup_exports::{Client, Error, RetryPolicy};
use atlas_exports_tests::calls::{describe_error, make};
use atlas_exports_tests::prism;
use atlas_exports_tests::spec_calls::{examples, runs, spec, BUCKET, CLUSTER, GROUP};
use serde_json::{json, Value};

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

#[tokio::test]
async fn every_documented_error_answer_decodes() {
    let Some(url) = prism::url() else { return };
    let (raw, api) = spec();
    let http = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("reqwest client");
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    // One run per client method is enough: error answers do not depend on the examples.
    for run in runs(&raw, &api)
        .iter()
        .filter(|r| seen.insert(r.method.clone()))
    {
        let responses = raw["paths"][&run.spec_path][&run.verb]["responses"]
            .as_object()
            .expect("responses");
        let statuses = responses
            .keys()
            .filter_map(|k| k.parse::<u16>().ok())
            .filter(|s| *s >= 400);
        for status in statuses {
            checked += 1;
            let what = format!("{} {status}", run.method);
            let mut path = run.spec_path.clone();
            for (name, value) in &run.call.path {
                path = path.replace(&format!("{{{name}}}"), value);
            }
            let query: Vec<(String, String)> = run
                .call
                .query
                .iter()
                .map(|(k, v)| (k.clone(), v.to_string()))
                .collect();
            let target = format!("{url}{}{path}", prism::prefix(&run.version));
            let method = reqwest::Method::from_bytes(run.verb.to_uppercase().as_bytes()).unwrap();
            let mut request = http
                .request(method, &target)
                .query(&query)
                .bearer_auth(TOKEN)
                .header("accept", "application/json")
                .header("prefer", format!("code={status}"));
            if let Some(body) = &run.call.body {
                request = request
                    .header("content-type", media_type(&run.version))
                    .body(serde_json::to_vec(body).unwrap());
            }
            let response = request
                .send()
                .await
                .unwrap_or_else(|e| panic!("{target}: {e}"));
            let got = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            let violations = response.headers().get("sl-violations").is_some();
            let body = response.bytes().await.unwrap_or_default();
            if got != status || violations {
                failures.push(format!(
                    "{what}: Prism answered {got} (violations: {violations}): {}",
                    String::from_utf8_lossy(&body)
                ));
                continue;
            }
            let example: Value = serde_json::from_slice(&body).unwrap_or_default();
            let server = MockServer::start().await;
            let _ = server.on_any().respond_raw(MockResponse::new(
                status,
                [("content-type", content_type)],
                body,
            ));
            let client = server
                .client_builder()
                .retry_policy(RetryPolicy::none())
                .build()
                .unwrap();
            match make(&client, &run.call).await {
                Ok(value) => failures.push(format!("{what}: decoded as a success: {value}")),
                Err(error) => {
                    let decoded = error.api().is_some_and(|a| a.body().is_some());
                    let code = example.get("errorCode").and_then(Value::as_str);
                    if error.status() != Some(status) || !decoded || error.error_code() != code {
                        failures.push(format!("{what}: {}", describe_error(&error)));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        checked >= seen.len(),
        "every client method documents errors"
    );
    eprintln!("{checked} documented error answers from Prism decoded by the typed client");
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
