//! `Client::wait_for_backup_export` against a loopback server that plays a scripted sequence of answers.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_backup_exports::WaitError;
use atlas_backup_exports::{Client, RetryPolicy};
use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const GROUP: &str = "5f4e3d2c1b0a998877665544";
const CLUSTER: &str = "Cluster0";
const EXPORT: &str = "65a1b2c3d4e5f60718293a4d";

/// Answers with the scripted responses in order, repeating the last one forever.
#[derive(Clone)]
struct Script(Arc<Mutex<VecDeque<ResponseTemplate>>>);

impl Respond for Script {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut queue = self.0.lock().expect("lock");
        if queue.len() > 1 {
            queue.pop_front().expect("non-empty")
        } else {
            queue.front().cloned().expect("script has an answer")
        }
    }
}

fn job(state: &str, exported: i32, extra: Value) -> ResponseTemplate {
    let mut body = json!({
        "id": EXPORT,
        "exportBucketId": "65a1b2c3d4e5f60718293a4b",
        "state": state,
        "exportStatus": {"exportedCollections": exported, "totalCollections": 4}
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    ResponseTemplate::new(200)
        .set_body_raw(body.to_string(), "application/vnd.atlas.2023-01-01+json")
}

async fn serve(script: Vec<ResponseTemplate>) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path(format!(
            "/api/atlas/v2/groups/{GROUP}/clusters/{CLUSTER}/backup/exports/{EXPORT}"
        )))
        .respond_with(Script(Arc::new(Mutex::new(script.into()))))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("test-token")
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(3)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .expect("client");
    (server, client)
}

fn fast<'a>(
    w: atlas_backup_exports::operations::WaitForBackupExport<'a>,
) -> atlas_backup_exports::operations::WaitForBackupExport<'a> {
    w.poll_interval(Duration::from_millis(5))
        .max_interval(Duration::from_millis(20))
        .timeout(Duration::from_secs(10))
}

#[tokio::test]
async fn queued_in_progress_successful_returns_the_job_and_reports_progress() {
    let (server, client) = serve(vec![
        job("Queued", 0, json!({})),
        job("InProgress", 2, json!({})),
        job("Successful", 4, json!({})),
    ])
    .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let done = fast(client.wait_for_backup_export(GROUP, CLUSTER, EXPORT))
        .on_progress(move |j| {
            let status = j.export_status.as_ref().expect("status");
            log.lock().expect("lock").push(format!(
                "{} {}/{}",
                j.state.as_ref().expect("state"),
                status.exported_collections.unwrap_or_default(),
                status.total_collections.unwrap_or_default()
            ));
        })
        .await
        .expect("export succeeds");
    assert_eq!(done.state.expect("state").as_str(), "Successful");
    assert_eq!(
        *seen.lock().expect("lock"),
        vec!["Queued 0/4", "InProgress 2/4", "Successful 4/4"]
    );
    assert_eq!(server.received_requests().await.expect("recorded").len(), 3);
}

#[tokio::test]
async fn failed_carries_the_job_and_its_state_reason() {
    let reason = json!({"stateReason": {"errorCode": "EXPORT_FAILED", "message": "bucket policy denies s3:PutObject"}});
    let (_server, client) = serve(vec![
        job("InProgress", 1, json!({})),
        job("Failed", 1, reason),
    ])
    .await;
    let error = fast(client.wait_for_backup_export(GROUP, CLUSTER, EXPORT))
        .await
        .expect_err("export fails");
    match &error {
        WaitError::Failed {
            state,
            reason,
            resource,
        } => {
            assert_eq!(state, "Failed");
            assert!(
                reason
                    .as_deref()
                    .is_some_and(|r| r.contains("EXPORT_FAILED") && r.contains("s3:PutObject")),
                "{reason:?}"
            );
            assert_eq!(resource.id.as_deref(), Some(EXPORT));
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert!(error.to_string().contains("EXPORT_FAILED"), "{error}");
}

#[tokio::test]
async fn cancelled_is_a_failure() {
    let (_server, client) = serve(vec![
        job("Queued", 0, json!({})),
        job("Cancelled", 0, json!({})),
    ])
    .await;
    let error = fast(client.wait_for_backup_export(GROUP, CLUSTER, EXPORT))
        .await
        .expect_err("cancelled");
    assert!(
        matches!(&error, WaitError::Failed { state, reason: None, .. } if state == "Cancelled"),
        "{error:?}"
    );
}

#[tokio::test]
async fn times_out_with_the_last_job_seen() {
    let (_server, client) = serve(vec![job("InProgress", 3, json!({}))]).await;
    let error = client
        .wait_for_backup_export(GROUP, CLUSTER, EXPORT)
        .poll_interval(Duration::from_millis(10))
        .timeout(Duration::from_millis(80))
        .await
        .expect_err("never finishes");
    match error {
        WaitError::TimedOut {
            last: Some(last), ..
        } => {
            assert_eq!(
                last.export_status.and_then(|s| s.exported_collections),
                Some(3)
            );
        }
        other => panic!("expected TimedOut, got {other:?}"),
    }
}

#[tokio::test]
async fn rate_limited_polls_are_retried_with_retry_after() {
    let limited = ResponseTemplate::new(429)
        .insert_header("Retry-After", "1")
        .set_body_raw(
            r#"{"error":429,"errorCode":"RATE_LIMITED","reason":"Too Many Requests"}"#,
            "application/json",
        );
    let (server, client) = serve(vec![
        job("InProgress", 1, json!({})),
        limited,
        job("Successful", 4, json!({})),
    ])
    .await;
    let done = fast(client.wait_for_backup_export(GROUP, CLUSTER, EXPORT))
        .await
        .expect("429 is retried");
    assert_eq!(done.state.expect("state").as_str(), "Successful");
    assert_eq!(server.received_requests().await.expect("recorded").len(), 3);
}

#[tokio::test]
async fn unknown_states_keep_waiting() {
    let (_server, client) = serve(vec![
        job("Archiving", 0, json!({})),
        job("SomethingNew", 0, json!({})),
        job("Successful", 4, json!({})),
    ])
    .await;
    let done = fast(client.wait_for_backup_export(GROUP, CLUSTER, EXPORT))
        .await
        .expect("unknown states are not terminal");
    assert_eq!(done.state.expect("state").as_str(), "Successful");
}

#[tokio::test]
async fn not_found_ends_the_wait_with_the_request_error() {
    let missing = ResponseTemplate::new(404).set_body_raw(
        r#"{"detail":"No export job 65a1b2c3d4e5f60718293a4d.","error":404,"errorCode":"RESOURCE_NOT_FOUND","reason":"Not Found"}"#,
        "application/json",
    );
    let (server, client) = serve(vec![missing]).await;
    let error = fast(client.wait_for_backup_export(GROUP, CLUSTER, EXPORT))
        .await
        .expect_err("404");
    let request = error.request_error().expect("a request error");
    assert!(request.is_not_found());
    assert_eq!(request.error_code(), Some("RESOURCE_NOT_FOUND"));
    assert_eq!(
        server.received_requests().await.expect("recorded").len(),
        1,
        "404 is not retried"
    );
}

#[tokio::test]
async fn invalid_ids_fail_before_any_request() {
    let (server, client) = serve(vec![job("Successful", 4, json!({}))]).await;
    let error = fast(client.wait_for_backup_export(GROUP, CLUSTER, "not-an-id"))
        .await
        .expect_err("invalid id");
    assert!(
        error
            .request_error()
            .is_some_and(|e| e.is_invalid_request()),
        "{error:?}"
    );
    assert_eq!(server.received_requests().await.expect("recorded").len(), 0);
}

/// The delay is checked, not only the outcome: under tokio's paused clock the poll after a 429 with
/// `Retry-After: 7` starts exactly 7 s (virtual) after the 429, however fast the machine is.
#[tokio::test(start_paused = true)]
async fn the_retry_after_delay_is_honoured_exactly_under_paused_time() {
    use atlas_backup_exports::mock::{MockResponse, MockServer};
    let server = MockServer::start().await;
    let body = |state: &str| {
        json!({"id": EXPORT, "exportBucketId": "65a1b2c3d4e5f60718293a4b", "state": state})
            .to_string()
    };
    let v2023 = [("content-type", "application/vnd.atlas.2023-01-01+json")];
    let limited = MockResponse::new(
        429,
        [("content-type", "application/json"), ("retry-after", "7")],
        r#"{"error":429,"errorCode":"RATE_LIMITED"}"#,
    );
    let _route = server
        .on_get_backup_export(GROUP, CLUSTER, EXPORT)
        .respond_raw(MockResponse::new(200, v2023, body("InProgress")))
        .respond_raw(limited)
        .respond_raw(MockResponse::new(200, v2023, body("Successful")));
    let client = server
        .client_builder()
        .retry_policy(RetryPolicy::new().max_attempts(3))
        .build()
        .expect("client");
    let started = tokio::time::Instant::now();
    let done = client
        .wait_for_backup_export(GROUP, CLUSTER, EXPORT)
        .poll_interval(Duration::from_secs(2))
        .await
        .expect("429 is retried after its Retry-After");
    assert_eq!(done.state.expect("state").as_str(), "Successful");
    // First poll at 0 s, second at 2 s (poll interval) answered 429, its retry 7 s later.
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(9) && elapsed < Duration::from_millis(9_100),
        "{elapsed:?}"
    );
    assert_eq!(server.received().len(), 3);
}
