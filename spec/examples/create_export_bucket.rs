//! Registers an export bucket on AWS, Azure or Google Cloud.
//!
//! ```text
//! cargo run --example create_export_bucket -- <group-id> aws   <bucket-name> <iam-role-id>
//! cargo run --example create_export_bucket -- <group-id> azure <service-url> <role-id>
//! cargo run --example create_export_bucket -- <group-id> gcp   <bucket-name> <role-id>
//! ```
//! Credentials come from the Atlas CLI's environment variables (see `list_export_jobs`).

use atlas_backup_exports::types::{
    DiskBackupSnapshotAwsExportBucketRequest, DiskBackupSnapshotAzureExportBucketRequest,
    DiskBackupSnapshotExportBucketRequest, DiskBackupSnapshotExportBucketResponse,
    DiskBackupSnapshotGcpExportBucketRequest,
};
use atlas_backup_exports::ClientBuilder;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [group, provider, target, role] = args.as_slice() else {
        eprintln!("usage: create_export_bucket <group-id> aws|azure|gcp <bucket-name|service-url> <role-id>");
        std::process::exit(2);
    };
    let body: DiskBackupSnapshotExportBucketRequest = match provider.as_str() {
        "aws" => {
            DiskBackupSnapshotAwsExportBucketRequest::new(target.as_str(), role.as_str()).into()
        }
        "azure" => {
            DiskBackupSnapshotAzureExportBucketRequest::new(role.as_str(), target.as_str()).into()
        }
        "gcp" => {
            DiskBackupSnapshotGcpExportBucketRequest::new(target.as_str(), role.as_str()).into()
        }
        other => {
            eprintln!("unknown provider {other}: use aws, azure or gcp");
            std::process::exit(2);
        }
    };
    let client = ClientBuilder::from_env()?.build()?;
    let created = client.create_export_bucket(group).body(body).send().await?;
    let id = match &created {
        DiskBackupSnapshotExportBucketResponse::Aws(b) => b.id.clone(),
        DiskBackupSnapshotExportBucketResponse::Azure(b) => b.id.clone(),
        DiskBackupSnapshotExportBucketResponse::Gcp(b) => b.id.clone(),
        // A provider added after this crate was generated still comes back, as raw JSON.
        DiskBackupSnapshotExportBucketResponse::Unknown(raw) => {
            raw.get("_id").and_then(|v| v.as_str()).map(str::to_owned)
        }
    };
    println!(
        "created {} export bucket {}",
        created.cloud_provider().unwrap_or("?"),
        id.as_deref().unwrap_or("(no id in the response)")
    );
    Ok(())
}
