//! The generated crate's `mock` feature: a loopback server with a typed `on_<method>` per client method.
//!
//! `every_success_recording_replays_through_the_typed_mock`: every recorded success answer, decoded into
//! the operation's type and served with `.respond(value)` by the typed method for the recording's call,
//! comes back unchanged through the real client (so every `on_<method>` matches exactly what its
//! `Client` method sends: path, encoding, `Accept` version, and answers the right status and media
//! type). The other tests cover errors, sequences, counts, matching and request inspection.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::time::Duration;

use atlas_backup_exports::mock::Method;
use atlas_backup_exports::mock::{Expectation, MockResponse, MockServer, MOCK_TOKEN};
use atlas_backup_exports::types::{
    ApiError, DiskBackupExportJob, DiskBackupExportJobState,
    DiskBackupSnapshotAzureExportBucketRequest, DiskBackupSnapshotExportBucketRequest,
    PaginatedApiAtlasDiskBackupExportJobView, UpdateRequirePrivateNetworkingRequestView,
};
use atlas_backup_exports::{Error, RetryPolicy};
use atlas_exports_tests::calls::make;
use atlas_exports_tests::replay::{load_all, recordings_dir, Call};
use serde::de::DeserializeOwned;
use serde::Serialize;

const GROUP: &str = "6620a7f3c9d84e1b5a7f0c21";
const CLUSTER: &str = "prod-east";
const JOB: &str = "67c68a3b2b9e4d1a0c3f5f02";
const BUCKET: &str = "66b0f3d2a81c4e5f9d7a1b20";

/// Decodes `body` into the expectation's response type, answers with it, and returns its `Debug` text
/// (what `calls::make` prints for the decoded result). `None` when the body is not a valid value.
fn answer<R: DeserializeOwned + Serialize + Debug, B>(
    expectation: Expectation<'_, R, B>,
    body: &str,
) -> Option<String> {
    let body = if body.trim().is_empty() { "null" } else { body };
    let value: R = serde_json::from_str(body).ok()?;
    let text = format!("{value:#?}");
    let _ = expectation.respond(value).times(1);
    Some(text)
}

/// Sets the typed expectation for a recording's call: one arm per `Client` method.
fn expect(server: &MockServer, call: &Call, body: &str) -> Option<String> {
    let p = |name: &str| call.path[name].as_str();
    match call.method.as_str() {
        "list_backup_exports" => answer(
            server.on_list_backup_exports(p("groupId"), p("clusterName")),
            body,
        ),
        "create_backup_export" => answer(
            server.on_create_backup_export(p("groupId"), p("clusterName")),
            body,
        ),
        "get_backup_export" => answer(
            server.on_get_backup_export(p("groupId"), p("clusterName"), p("exportId")),
            body,
        ),
        "list_export_buckets" => answer(server.on_list_export_buckets(p("groupId")), body),
        "list_export_buckets_2023_01_01" => {
            answer(server.on_list_export_buckets_2023_01_01(p("groupId")), body)
        }
        "create_export_bucket" => answer(server.on_create_export_bucket(p("groupId")), body),
        "create_export_bucket_2023_01_01" => answer(
            server.on_create_export_bucket_2023_01_01(p("groupId")),
            body,
        ),
        "get_export_bucket" => answer(
            server.on_get_export_bucket(p("groupId"), p("exportBucketId")),
            body,
        ),
        "get_export_bucket_2023_01_01" => answer(
            server.on_get_export_bucket_2023_01_01(p("groupId"), p("exportBucketId")),
            body,
        ),
        "update_backup_export_bucket" => answer(
            server.on_update_backup_export_bucket(p("groupId"), p("exportBucketId")),
            body,
        ),
        "delete_export_bucket" => answer(
            server.on_delete_export_bucket(p("groupId"), p("exportBucketId")),
            body,
        ),
        other => panic!("no typed mock arm for client method {other}"),
    }
}

#[tokio::test]
async fn every_success_recording_replays_through_the_typed_mock() {
    let mut covered = BTreeSet::new();
    let mut used = 0;
    for (name, recording) in load_all(&recordings_dir()) {
        let Some(last) = recording.exchanges.last() else {
            continue;
        };
        let enveloped = recording.call.query.get("envelope") == Some(&serde_json::json!(true));
        if !(200..300).contains(&last.response.status) || enveloped {
            continue;
        }
        let server = MockServer::start().await;
        // Recordings of bodies that are not valid values (broken JSON, wrong types) are fault cases.
        let Some(expected) = expect(&server, &recording.call, &last.response.body) else {
            continue;
        };
        let outcome = make(&server.client(), &recording.call).await;
        match outcome {
            Ok(decoded) => assert_eq!(decoded, expected, "{name}: the value came back changed"),
            Err(e) => panic!("{name}: the typed mock's answer failed: {e}"),
        }
        assert!(
            server.unmatched().is_empty(),
            "{name}: {:?}",
            server.unmatched()
        );
        let received = server.received();
        assert_eq!(received.len(), 1, "{name}");
        assert_eq!(
            received[0].header("authorization"),
            Some(format!("Bearer {MOCK_TOKEN}").as_str())
        );
        assert!(received[0].operation_id.is_some(), "{name}");
        covered.insert(recording.call.method.clone());
        used += 1;
    }
    let every = xtask_client_methods();
    assert_eq!(
        covered, every,
        "every client method must be served by its typed mock"
    );
    eprintln!(
        "{used} recorded success answers served through {} typed mock methods",
        every.len()
    );
}

/// Every `Client` method (operation x version), from the generator's IR of `spec/`.
fn xtask_client_methods() -> BTreeSet<String> {
    let loaded =
        apigen::load::load(&atlas_exports_tests::workspace_root().join("spec")).expect("spec");
    let api = apigen::build_ir(&loaded, &apigen::Options::default()).expect("IR");
    api.operations
        .iter()
        .flat_map(|op| op.versions.iter().map(|v| v.fn_name.clone()))
        .collect()
}

fn job(state: DiskBackupExportJobState) -> DiskBackupExportJob {
    DiskBackupExportJob {
        id: Some(JOB.to_owned()),
        state: Some(state),
        ..Default::default()
    }
}

fn fast_retries(server: &MockServer) -> atlas_backup_exports::Client {
    server
        .client_builder()
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .expect("client")
}

#[tokio::test]
async fn respond_error_is_an_api_error_with_the_decoded_body() {
    let server = MockServer::start().await;
    let body = ApiError {
        error: Some(404),
        error_code: Some("EXPORT_NOT_FOUND".to_owned()),
        detail: Some("No export job with that id.".to_owned()),
        ..Default::default()
    };
    server
        .on_get_backup_export(GROUP, CLUSTER, JOB)
        .respond_error(404, body.clone());
    let error = server
        .client()
        .get_backup_export(GROUP, CLUSTER, JOB)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(error.error_code(), Some("EXPORT_NOT_FOUND"));
    let api = error.api().expect("an API error");
    assert_eq!(api.body(), Some(&body));
    assert_eq!(api.media_type(), Some("application/json"));
}

#[tokio::test]
async fn answers_are_served_in_order_and_the_last_one_repeats() {
    let server = MockServer::start().await;
    let get = server
        .on_get_backup_export(GROUP, CLUSTER, JOB)
        .respond_error(503, ApiError::default())
        .respond(job(DiskBackupExportJobState::Queued))
        .respond(job(DiskBackupExportJobState::Successful));
    let client = fast_retries(&server);
    // 503 then Queued: the client's retry policy hides the 503.
    let first = client
        .get_backup_export(GROUP, CLUSTER, JOB)
        .send()
        .await
        .expect("retried");
    assert_eq!(first.state, Some(DiskBackupExportJobState::Queued));
    for _ in 0..3 {
        let next = client
            .get_backup_export(GROUP, CLUSTER, JOB)
            .send()
            .await
            .expect("ok");
        assert_eq!(next.state, Some(DiskBackupExportJobState::Successful));
    }
    assert_eq!(get.call_count(), 5);
    assert_eq!(get.calls().len(), 5);
}

#[tokio::test]
async fn a_raw_answer_keeps_its_status_headers_and_body() {
    let server = MockServer::start().await;
    server
        .on_list_export_buckets(GROUP)
        .respond_raw(MockResponse::new(
            429,
            [("retry-after", "7"), ("content-type", "application/json")],
            r#"{"errorCode":"RATE_LIMITED"}"#,
        ));
    let client = server
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client.list_export_buckets(GROUP).send().await.unwrap_err();
    assert!(error.is_rate_limited());
    assert_eq!(error.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(error.error_code(), Some("RATE_LIMITED"));
}

#[tokio::test]
async fn an_empty_success_answer_and_the_request_it_got() {
    let server = MockServer::start().await;
    let delete = server
        .on_delete_export_bucket(GROUP, BUCKET)
        .respond(())
        .times(1);
    server
        .client()
        .delete_export_bucket(GROUP, BUCKET)
        .send()
        .await
        .expect("204");
    let calls = delete.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].method, "DELETE");
    assert_eq!(
        calls[0].path,
        format!("/api/atlas/v2/groups/{GROUP}/backup/exportBuckets/{BUCKET}")
    );
    assert_eq!(
        calls[0].header("accept"),
        Some("application/vnd.atlas.2023-01-01+json")
    );
    assert!(calls[0].body.is_empty());
    assert_eq!(calls[0].operation_id, Some("deleteGroupBackupExportBucket"));
}

#[tokio::test]
async fn request_bodies_can_be_matched_and_read_back_typed() {
    let server = MockServer::start().await;
    let azure: DiskBackupSnapshotExportBucketRequest =
        DiskBackupSnapshotAzureExportBucketRequest::new(
            "65e9d2a47f3a2b4c8d6e0f48",
            "https://acmebackups.blob.core.windows.net/atlas-snapshots",
        )
        .into();
    let create = server
        .on_create_export_bucket(GROUP)
        .with_body(azure.clone())
        .respond(serde_json::from_str(r#"{"_id":"66b0f41ea81c4e5f9d7a1b5c","cloudProvider":"AZURE","bucketName":"atlas-snapshots"}"#).unwrap());
    let created = server
        .client()
        .create_export_bucket(GROUP)
        .body(azure.clone())
        .send()
        .await
        .expect("matched");
    assert_eq!(created.cloud_provider(), Some("AZURE"));
    assert_eq!(create.bodies(), [azure]);
    // A different body does not match: 501, listed as unmatched.
    let other = DiskBackupSnapshotAzureExportBucketRequest::new(
        "65e9d2a47f3a2b4c8d6e0f49",
        "https://acmebackups.blob.core.windows.net/atlas-snapshots",
    );
    let error = server
        .client()
        .create_export_bucket(GROUP)
        .body(other)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(501));
    assert_eq!(server.unmatched().len(), 1);
    let patch = server
        .on_update_backup_export_bucket(GROUP, BUCKET)
        .respond(
            serde_json::from_str(r#"{"_id":"66b0f3d2a81c4e5f9d7a1b20","cloudProvider":"AWS"}"#)
                .unwrap(),
        );
    let body = UpdateRequirePrivateNetworkingRequestView::new(true);
    server
        .client()
        .update_backup_export_bucket(GROUP, BUCKET)
        .body(body.clone())
        .send()
        .await
        .expect("patched");
    assert_eq!(patch.bodies(), [body]);
}

#[tokio::test]
async fn a_request_without_a_body_matches_an_expectation_naming_a_body_media_type() {
    // An optional body may be left out (Stripe documents every list GET with an optional form
    // body): there is no media type to tell methods apart by. A body of another type is refused.
    let server = MockServer::start().await;
    let patch = server
        .on_update_backup_export_bucket(GROUP, BUCKET)
        .respond(
            serde_json::from_str(r#"{"_id":"66b0f3d2a81c4e5f9d7a1b20","cloudProvider":"AWS"}"#)
                .unwrap(),
        );
    server
        .client()
        .update_backup_export_bucket(GROUP, BUCKET)
        .body(UpdateRequirePrivateNetworkingRequestView::new(true))
        .send()
        .await
        .expect("patched");
    let sent = server.received()[0].clone();
    let url = format!("{}{}", server.uri(), sent.path);
    let accept = sent.header("accept").expect("accept").to_owned();
    let http = reqwest::Client::new();
    let bodiless = http.patch(&url).header("accept", &accept).send().await;
    assert_eq!(bodiless.expect("answered").status(), 200);
    let other = http
        .patch(&url)
        .header("accept", &accept)
        .header("content-type", "text/plain")
        .body("requirePrivateNetworking")
        .send()
        .await;
    assert_eq!(other.expect("answered").status(), 501);
    assert_eq!(patch.call_count(), 2);
    assert_eq!(server.unmatched().len(), 1);
}

#[tokio::test]
async fn expectations_match_the_version_and_query_they_name() {
    let server = MockServer::start().await;
    server.on_get_export_bucket(GROUP, BUCKET).respond(
        serde_json::from_str(r#"{"_id":"66b0f3d2a81c4e5f9d7a1b20","cloudProvider":"GCP"}"#)
            .unwrap(),
    );
    #[allow(deprecated)]
    let old = server
        .client()
        .get_export_bucket_2023_01_01(GROUP, BUCKET)
        .send()
        .await;
    let error = old.unwrap_err();
    assert_eq!(
        error.status(),
        Some(501),
        "2023-01-01 is not the version expected"
    );
    let listing = String::from_utf8_lossy(error.api().unwrap().raw_body()).into_owned();
    assert!(
        listing.contains("Accept: application/vnd.atlas.2024-05-30+json"),
        "{listing}"
    );
    assert!(server
        .client()
        .get_export_bucket(GROUP, BUCKET)
        .send()
        .await
        .is_ok());

    let page_two = server
        .on_list_backup_exports(GROUP, CLUSTER)
        .with_query("pageNum", "2")
        .respond(PaginatedApiAtlasDiskBackupExportJobView::default());
    let client = server.client();
    assert!(client
        .list_backup_exports(GROUP, CLUSTER)
        .page_num(2)
        .send()
        .await
        .is_ok());
    let first = client
        .list_backup_exports(GROUP, CLUSTER)
        .send()
        .await
        .unwrap_err();
    assert_eq!(first.status(), Some(501));
    assert_eq!(page_two.call_count(), 1);
    assert_eq!(server.unmatched().len(), 2);
    assert_eq!(server.received().len(), 4);
}

#[tokio::test]
async fn untyped_expectations_match_method_and_path() {
    let server = MockServer::start().await;
    let path = format!("/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/backup/exports/{JOB}");
    server
        .on_request(Method::Get, path)
        .respond(serde_json::json!({"id": JOB, "state": "Failed"}));
    let got = server
        .client()
        .get_backup_export(GROUP, CLUSTER, JOB)
        .send()
        .await;
    // Untyped answers are `application/json`, which the client accepts for this operation too.
    let got = got.expect("decoded");
    assert_eq!(got.state, Some(DiskBackupExportJobState::Failed));
    assert_eq!(server.received()[0].operation_id, None);
}

#[tokio::test]
async fn concurrent_calls_are_all_answered_and_counted() {
    let server = MockServer::start().await;
    let get = server
        .on_get_backup_export(GROUP, CLUSTER, JOB)
        .respond(job(DiskBackupExportJobState::Queued))
        .times(20);
    let client = server.client();
    let calls = (0..20).map(|_| client.get_backup_export(GROUP, CLUSTER, JOB).send());
    let results = futures::future::join_all(calls).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(get.call_count(), 20);
    assert!(server.unmet().is_empty());
}

#[tokio::test]
async fn unmet_counts_are_reported() {
    let server = MockServer::start().await;
    let get = server
        .on_get_backup_export(GROUP, CLUSTER, JOB)
        .respond(job(DiskBackupExportJobState::Queued))
        .times(2);
    server
        .client()
        .get_backup_export(GROUP, CLUSTER, JOB)
        .send()
        .await
        .unwrap();
    let unmet = server.unmet();
    assert_eq!(unmet.len(), 1);
    assert!(
        unmet[0].contains("expected 2 call(s), received 1"),
        "{unmet:?}"
    );
    let verify = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| server.verify()));
    assert!(verify.is_err(), "verify must panic on an unmet count");
    // Meet it, so dropping the server (which verifies again) passes.
    server
        .client()
        .get_backup_export(GROUP, CLUSTER, JOB)
        .send()
        .await
        .unwrap();
    assert_eq!(get.call_count(), 2);
    server.verify();
}

#[tokio::test]
#[should_panic(expected = "expectations not met")]
async fn dropping_the_server_checks_the_counts() {
    let server = MockServer::start().await;
    let _ = server
        .on_delete_export_bucket(GROUP, BUCKET)
        .respond(())
        .times(1);
}

#[tokio::test]
async fn an_expectation_without_an_answer_says_so() {
    let server = MockServer::start().await;
    let _ = server.on_get_backup_export(GROUP, CLUSTER, JOB);
    let error = server
        .client()
        .get_backup_export(GROUP, CLUSTER, JOB)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(501));
    let text = String::from_utf8_lossy(error.api().unwrap().raw_body()).into_owned();
    assert!(text.contains("has no response"), "{text}");
}

#[tokio::test]
async fn the_server_stops_when_dropped() {
    let server = MockServer::start().await;
    let address = server.address();
    assert!(server.uri().starts_with("http://127.0.0.1:"));
    drop(server);
    let mut refused = false;
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(address).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        refused,
        "the port still accepts connections after the server was dropped"
    );
}

#[tokio::test]
async fn client_errors_never_reach_the_server() {
    let server = MockServer::start().await;
    let error = server
        .client()
        .get_backup_export("not-a-group", CLUSTER, JOB)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }));
    assert!(server.received().is_empty());
}

/// Issue 23: a value's undeclared members travel both ways through the mock: `.respond(value)`
/// sends them and the client keeps them; `.bodies()` decodes what the client sent with them (a
/// label, a type both sent and received, inside a request body).
#[tokio::test]
async fn undeclared_members_travel_through_respond_and_bodies() {
    use atlas_backup_exports::types::BackupLabel;
    use serde_json::json;
    let server = MockServer::start().await;
    let mut job = DiskBackupExportJob {
        id: Some(JOB.to_owned()),
        ..DiskBackupExportJob::default()
    };
    job._undeclared.insert("exportType", json!("FULL"));
    job._undeclared.insert("diffs", json!([{"field": "state"}]));
    server
        .on_get_backup_export(GROUP, CLUSTER, JOB)
        .respond(job.clone());
    let got = server
        .client()
        .get_backup_export(GROUP, CLUSTER, JOB)
        .send()
        .await
        .expect("decodes");
    assert_eq!(got, job);
    assert_eq!(
        got._undeclared.names().collect::<Vec<_>>(),
        ["exportType", "diffs"]
    );

    let mut label = BackupLabel {
        key: Some("team".into()),
        ..BackupLabel::default()
    };
    label._undeclared.insert("source", json!("ci"));
    let create = server
        .on_create_backup_export(GROUP, CLUSTER)
        .respond(job.clone());
    server
        .client()
        .create_backup_export(GROUP, CLUSTER)
        .snapshot_id("67c6866f2b9e4d1a0c3f5e21")
        .export_bucket_id(BUCKET)
        .custom_data([label.clone()])
        .send()
        .await
        .expect("created");
    let sent = create.bodies();
    assert_eq!(sent[0].custom_data.as_deref(), Some(&[label][..]));
    assert_eq!(
        create.calls()[0].json::<serde_json::Value>().unwrap()["customData"][0]["source"],
        "ci"
    );
}
