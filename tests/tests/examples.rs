//! Runs every example of the generated crate against a loopback server, with credentials from the
//! Atlas CLI's environment variables (a service account, so the token exchange is exercised too).
//!
//! The test has cargo build the examples (`cargo test --workspace --all-features --no-run`) and runs the
//! binaries cargo reports.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GROUP: &str = "5f4e3d2c1b0a998877665544";
const CLUSTER: &str = "Cluster0";
const JOB: &str = "65a1b2c3d4e5f60718293a4d";
const BUCKET: &str = "65a1b2c3d4e5f60718293a4b";
const SNAPSHOT: &str = "65a1b2c3d4e5f60718293a4e";
const V2023: &str = "application/vnd.atlas.2023-01-01+json";
const V2024: &str = "application/vnd.atlas.2024-05-30+json";

/// The example binaries, built by this test (so what runs is what the sources say, never a stale
/// binary left in `target/`): cargo builds them and reports their paths, same profile and target
/// dir as the test.
fn built_examples() -> &'static HashMap<String, PathBuf> {
    static BUILT: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    BUILT.get_or_init(|| {
        // target/<profile>/deps/<this test> -> target
        let exe = std::env::current_exe().expect("test binary path");
        let profile_dir = exe
            .parent()
            .and_then(|deps| deps.parent())
            .expect("profile dir");
        let target_dir = profile_dir.parent().expect("target dir");
        let mut cargo = Command::new(env!("CARGO"));
        // The same command as the README's `cargo test --workspace --all-features` (which builds the
        // examples too): same units and features, so after it this is a no-op, never a rebuild.
        cargo
            .args([
                "test",
                "--quiet",
                "--workspace",
                "--all-features",
                "--no-run",
            ])
            .arg("--message-format=json")
            .env("CARGO_TARGET_DIR", target_dir)
            .current_dir(env!("CARGO_MANIFEST_DIR"));
        // Variables cargo sets for this test process describe this crate; passed on, they would
        // change what `option_env!` saw when dependencies were compiled and force rebuilds.
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy().into_owned();
            let per_unit = ["CARGO_PKG_", "CARGO_BIN_", "CARGO_MANIFEST_"]
                .iter()
                .any(|p| name.starts_with(p))
                || [
                    "CARGO_CRATE_NAME",
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_TARGET_TMPDIR",
                    "CARGO_RUSTC_CURRENT_DIR",
                    "OUT_DIR",
                ]
                .contains(&name.as_str());
            if per_unit {
                cargo.env_remove(&name);
            }
        }

        if profile_dir.file_name().is_some_and(|p| p == "release") {
            cargo.arg("--release");
        }
        let output = cargo.output().expect("cargo runs");
        assert!(
            output.status.success(),
            "building the examples failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut found = HashMap::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            let is_example = message["target"]["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "example"));
            if let (true, Some(name), Some(exe)) = (
                is_example,
                message["target"]["name"].as_str(),
                message["executable"].as_str(),
            ) {
                found.insert(name.to_owned(), PathBuf::from(exe));
            }
        }
        found
    })
}

fn example(name: &str) -> PathBuf {
    let path = built_examples()
        .get(name)
        .unwrap_or_else(|| panic!("cargo built no example named {name}"))
        .clone();
    assert!(
        path.exists(),
        "{} was reported built but is missing",
        path.display()
    );
    path
}

/// A server with the OAuth token endpoint; API mocks require the token it hands out.
async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/oauth/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "example-token", "token_type": "Bearer", "expires_in": 3600
        })))
        .mount(&server)
        .await;
    server
}

fn run(server: &MockServer, name: &str, args: &[&str]) -> (bool, String, String) {
    let output = Command::new(example(name))
        .args(args)
        .env_clear()
        .env("MONGODB_ATLAS_BASE_URL", server.uri())
        .env("MONGODB_ATLAS_CLIENT_ID", "mdb_sa_id_example")
        .env("MONGODB_ATLAS_CLIENT_SECRET", "mdb_sa_sk_example-secret")
        .output()
        .expect("example runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn api(verb: &str, at: String) -> wiremock::MockBuilder {
    Mock::given(method(verb))
        .and(path(at))
        .and(header("authorization", "Bearer example-token"))
}

#[tokio::test]
async fn list_export_jobs_streams_every_page() {
    let server = server().await;
    let jobs = |from: usize, to: usize| -> Vec<serde_json::Value> {
        (from..to).map(|i| json!({"id": format!("{i:024x}"), "exportBucketId": BUCKET, "state": "Successful", "createdAt": "2025-03-04T05:06:07Z"})).collect()
    };
    let exports = format!("/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/backup/exports");
    for (page, items) in [(1, jobs(0, 100)), (2, jobs(100, 130))] {
        api("GET", exports.clone())
            .and(wiremock::matchers::query_param("pageNum", page.to_string()))
            .respond_with(ResponseTemplate::new(200).set_body_raw(
                json!({"results": items, "totalCount": 130}).to_string(),
                V2023,
            ))
            .mount(&server)
            .await;
    }
    let (ok, stdout, stderr) = run(&server, "list_export_jobs", &[GROUP, CLUSTER]);
    assert!(ok, "stderr: {stderr}");
    assert!(stdout.ends_with("130 export job(s)\n"), "{stdout}");
    assert!(
        stdout.starts_with("000000000000000000000000  Successful  2025-03-04T05:06:07+00:00"),
        "{stdout}"
    );
}

#[tokio::test]
async fn create_export_bucket_for_each_provider() {
    let server = server().await;
    let buckets = format!("/api/atlas/v2/groups/{GROUP}/backup/exportBuckets");
    let cases = [
        (
            "aws",
            "nightly-exports",
            json!({"cloudProvider": "AWS", "bucketName": "nightly-exports", "iamRoleId": BUCKET}),
        ),
        (
            "azure",
            "https://acct.blob.core.windows.net/snapshots",
            json!({"cloudProvider": "AZURE", "serviceUrl": "https://acct.blob.core.windows.net/snapshots", "roleId": BUCKET}),
        ),
        (
            "gcp",
            "nightly-exports",
            json!({"cloudProvider": "GCP", "bucketName": "nightly-exports", "roleId": BUCKET}),
        ),
    ];
    for (provider, target, expected_body) in cases {
        server.reset().await;
        Mock::given(method("POST"))
            .and(path("/api/oauth/token"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"access_token": "example-token", "expires_in": 3600})),
            )
            .mount(&server)
            .await;
        let mut created = expected_body.clone();
        created["_id"] = json!("65a1b2c3d4e5f60718293a4f");
        api("POST", buckets.clone())
            .and(header("content-type", V2024))
            .and(wiremock::matchers::body_json(&expected_body))
            .respond_with(ResponseTemplate::new(200).set_body_raw(created.to_string(), V2024))
            .mount(&server)
            .await;
        let (ok, stdout, stderr) = run(
            &server,
            "create_export_bucket",
            &[GROUP, provider, target, BUCKET],
        );
        assert!(ok, "{provider}: stderr: {stderr}");
        let cloud = expected_body["cloudProvider"].as_str().unwrap_or_default();
        assert_eq!(
            stdout,
            format!("created {cloud} export bucket 65a1b2c3d4e5f60718293a4f\n")
        );
    }
}

#[tokio::test]
async fn export_snapshot_follows_the_job_to_success() {
    let server = server().await;
    let exports = format!("/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/backup/exports");
    api("POST", exports.clone())
        .and(wiremock::matchers::body_json(
            json!({"exportBucketId": BUCKET, "snapshotId": SNAPSHOT}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            json!({"id": JOB, "exportBucketId": BUCKET, "state": "Queued"}).to_string(),
            V2023,
        ))
        .mount(&server)
        .await;
    let job = |state: &str, done: i32| {
        ResponseTemplate::new(200).set_body_raw(
            json!({"id": JOB, "exportBucketId": BUCKET, "state": state, "prefix": "exported_snapshots/org/proj/Cluster0/2025-03-04T0506Z/1741064767",
                   "exportStatus": {"exportedCollections": done, "totalCollections": 3}})
            .to_string(),
            V2023,
        )
    };
    let one = format!("{exports}/{JOB}");
    api("GET", one.clone())
        .respond_with(job("InProgress", 1))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    api("GET", one.clone())
        .respond_with(job("InProgress", 2))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    api("GET", one)
        .respond_with(job("Successful", 3))
        .with_priority(3)
        .mount(&server)
        .await;
    let (ok, stdout, stderr) = run(
        &server,
        "export_snapshot",
        &[GROUP, CLUSTER, SNAPSHOT, BUCKET, "0.01"],
    );
    assert!(ok, "stderr: {stderr}");
    assert!(
        stdout.contains(&format!("export job {JOB} created")),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "export job {JOB} succeeded: exported_snapshots/org/proj/Cluster0"
        )),
        "{stdout}"
    );
}

#[tokio::test]
async fn export_snapshot_reports_a_failed_job() {
    let server = server().await;
    let exports = format!("/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/backup/exports");
    api("POST", exports.clone())
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            json!({"id": JOB, "exportBucketId": BUCKET, "state": "Queued"}).to_string(),
            V2023,
        ))
        .mount(&server)
        .await;
    api("GET", format!("{exports}/{JOB}"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            json!({"id": JOB, "exportBucketId": BUCKET, "state": "Failed", "stateReason": {"errorCode": "EXPORT_FAILED", "message": "access denied"}}).to_string(),
            V2023,
        ))
        .mount(&server)
        .await;
    let (ok, _stdout, stderr) = run(
        &server,
        "export_snapshot",
        &[GROUP, CLUSTER, SNAPSHOT, BUCKET, "0.01"],
    );
    assert!(!ok);
    assert!(
        stderr.contains("ended Failed") && stderr.contains("EXPORT_FAILED"),
        "{stderr}"
    );
}

#[tokio::test]
async fn missing_credentials_are_reported_without_a_request() {
    let server = server().await;
    let output = Command::new(example("list_export_jobs"))
        .args([GROUP, CLUSTER])
        .env_clear()
        .env("MONGODB_ATLAS_BASE_URL", server.uri())
        .output()
        .expect("example runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("MONGODB_ATLAS_CLIENT_ID"), "{stderr}");
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(0));
}

/// The `mock` feature's example: it asserts its own outcomes, so it must exit successfully.
#[test]
fn mock_server_example_runs_its_own_assertions() {
    let output = Command::new(example("mock_server"))
        .env_clear()
        .output()
        .expect("example runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    assert!(stdout.contains("happy path: 3 requests"), "{stdout}");
    assert!(stdout.contains("conflict: already running"), "{stdout}");
    assert!(
        stdout.contains("unexpected request: HTTP Some(501), 1 unmatched"),
        "{stdout}"
    );
}
