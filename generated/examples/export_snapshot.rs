// @generated: copied from spec/examples/export_snapshot.rs by `cargo xtask codegen`. Edit it there.
//! Exports one backup snapshot to an export bucket and follows the job with a progress bar until it
//! succeeds, fails or is cancelled.
//!
//! ```text
//! cargo run --example export_snapshot -- <group-id> <cluster-name> <snapshot-id> <export-bucket-id> [poll-seconds]
//! ```
//! Credentials come from the Atlas CLI's environment variables (see `list_export_jobs`).

use std::time::Duration;

use atlas_backup_exports::types::DiskBackupExportJobRequest;
use atlas_backup_exports::{ClientBuilder, WaitError};
use indicatif::{ProgressBar, ProgressStyle};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (group, cluster, snapshot, bucket, poll) = match args.as_slice() {
        [g, c, s, b] => (g, c, s, b, 10.0),
        [g, c, s, b, p] => (g, c, s, b, p.parse::<f64>()?),
        _ => {
            eprintln!("usage: export_snapshot <group-id> <cluster-name> <snapshot-id> <export-bucket-id> [poll-seconds]");
            std::process::exit(2);
        }
    };
    let client = ClientBuilder::from_env()?.build()?;

    let job = client
        .create_backup_export(group, cluster)
        .body(DiskBackupExportJobRequest::new(
            bucket.as_str(),
            snapshot.as_str(),
        ))
        .send()
        .await?;
    let job_id = job
        .id
        .clone()
        .ok_or("Atlas returned the job without an id")?;
    println!("export job {job_id} created");

    let bar = ProgressBar::new(0);
    bar.set_style(ProgressStyle::with_template(
        "{spinner} {msg:12} [{bar:30}] {pos}/{len} collections",
    )?);
    let progress = bar.clone();
    let outcome = client
        .wait_for_backup_export(group, cluster, &job_id)
        .poll_interval(Duration::from_secs_f64(poll))
        .max_interval(Duration::from_secs_f64(poll.max(60.0)))
        .timeout(Duration::from_secs(6 * 3600))
        .on_progress(move |job| {
            let status = job.export_status.clone().unwrap_or_default();
            progress.set_length(status.total_collections.unwrap_or_default().max(0) as u64);
            progress.set_position(status.exported_collections.unwrap_or_default().max(0) as u64);
            progress.set_message(job.state.as_ref().map_or("?", |s| s.as_str()).to_owned());
        })
        .await;
    bar.finish_and_clear();
    match outcome {
        Ok(job) => {
            println!(
                "export job {job_id} succeeded: {}",
                job.prefix.as_deref().unwrap_or("(no prefix reported)")
            );
            Ok(())
        }
        Err(WaitError::Failed { state, reason, .. }) => {
            eprintln!(
                "export job {job_id} ended {state}: {}",
                reason.unwrap_or_default()
            );
            std::process::exit(1);
        }
        Err(other) => Err(other.into()),
    }
}
