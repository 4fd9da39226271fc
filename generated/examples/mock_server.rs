// @generated: copied from spec/examples/mock_server.rs by `cargo xtask codegen`. Edit it there.
//! Tests your own code against real HTTP with the crate's `mock` feature: a loopback server with one
//! typed `on_<method>` per client method, answering with this crate's own types.
//!
//! ```text
//! cargo run --example mock_server --features mock
//! ```
//! In your crate: `atlas-backup-exports = { version = "..", features = ["mock"] }` under
//! `[dev-dependencies]`, then the same calls inside `#[tokio::test]` functions.
// required-features: mock

use std::time::Duration;

use atlas_backup_exports::mock::MockServer;
use atlas_backup_exports::types::{
    ApiError, DiskBackupExportJob, DiskBackupExportJobRequest, DiskBackupExportJobState,
};
use atlas_backup_exports::{Client, Error, WaitError};

const GROUP: &str = "6620a7f3c9d84e1b5a7f0c21";
const CLUSTER: &str = "prod-east";
const SNAPSHOT: &str = "67c6866f2b9e4d1a0c3f5e21";
const BUCKET: &str = "66b0f3d2a81c4e5f9d7a1b20";
const JOB: &str = "67c68a3b2b9e4d1a0c3f5f02";

/// "Your code": exports a snapshot and waits for the job; an export already running is not an error.
async fn export_and_wait(client: &Client, snapshot: &str) -> Result<String, String> {
    let request = DiskBackupExportJobRequest::new(BUCKET, snapshot);
    let job = match client
        .create_backup_export(GROUP, CLUSTER)
        .body(request)
        .send()
        .await
    {
        Ok(job) => job,
        Err(e) if e.error_code() == Some("EXPORT_ALREADY_IN_PROGRESS") => {
            return Ok("already running".to_owned())
        }
        Err(e) => return Err(e.to_string()),
    };
    let id = job.id.ok_or("no job id")?;
    let done = client
        .wait_for_backup_export(GROUP, CLUSTER, &id)
        .poll_interval(Duration::from_millis(10))
        .await;
    match done {
        Ok(job) => Ok(format!("exported to {}", job.prefix.unwrap_or_default())),
        Err(WaitError::Failed { state, .. }) => Err(format!("job ended {state}")),
        Err(other) => Err(other.to_string()),
    }
}

fn job(state: DiskBackupExportJobState) -> DiskBackupExportJob {
    DiskBackupExportJob {
        id: Some(JOB.to_owned()),
        state: Some(state),
        ..Default::default()
    }
}

#[tokio::main]
async fn main() {
    // The happy path: created, polled twice, successful.
    let server = MockServer::start().await;
    let created = server
        .on_create_backup_export(GROUP, CLUSTER)
        .respond(job(DiskBackupExportJobState::Queued))
        .times(1);
    server
        .on_get_backup_export(GROUP, CLUSTER, JOB)
        .respond(job(DiskBackupExportJobState::InProgress))
        .respond(DiskBackupExportJob {
            prefix: Some("/exported/prod-east/2025-03-04".to_owned()),
            ..job(DiskBackupExportJobState::Successful)
        })
        .times(2);
    let outcome = export_and_wait(&server.client(), SNAPSHOT).await;
    assert_eq!(
        outcome.as_deref(),
        Ok("exported to /exported/prod-east/2025-03-04")
    );
    // What the code sent, decoded into the request type.
    let sent = created.bodies();
    assert_eq!(sent, [DiskBackupExportJobRequest::new(BUCKET, SNAPSHOT)]);
    println!(
        "happy path: {} requests, body {:?}",
        server.received().len(),
        sent[0]
    );
    server.verify();

    // An API error the code must tolerate.
    let server = MockServer::start().await;
    server
        .on_create_backup_export(GROUP, CLUSTER)
        .respond_error(
            409,
            ApiError {
                error: Some(409),
                error_code: Some("EXPORT_ALREADY_IN_PROGRESS".to_owned()),
                ..Default::default()
            },
        );
    let outcome = export_and_wait(&server.client(), SNAPSHOT).await;
    assert_eq!(outcome.as_deref(), Ok("already running"));
    println!("conflict: {}", outcome.unwrap_or_default());

    // A request the test did not expect is answered 501, naming what was expected.
    let server = MockServer::start().await;
    server
        .on_get_backup_export(GROUP, CLUSTER, JOB)
        .respond(job(DiskBackupExportJobState::Queued));
    let error: Error = server
        .client()
        .get_backup_export(GROUP, CLUSTER, "ffffffffffffffffffffffff")
        .send()
        .await
        .expect_err("not expected by the mock");
    assert_eq!(error.status(), Some(501));
    println!(
        "unexpected request: HTTP {:?}, {} unmatched",
        error.status(),
        server.unmatched().len()
    );
}
