//! Deterministic JSON bodies shaped like Atlas' answers, and the minimal hand-written serde structs
//! that the baselines decode them into.

use serde::Deserialize;
use serde_json::{json, Value};

pub const GROUP: &str = "6620a7f3c9d84e1b5a7f0c21";
pub const CLUSTER: &str = "prod-east";
pub const BUCKET: &str = "66b0f3d2a81c4e5f9d7a1b20";
pub const API: &str = "https://cloud.mongodb.com/api/atlas/v2";

/// A 24-hex-character object id, distinct per `(kind, i)`.
fn oid(kind: u64, i: usize) -> String {
    format!(
        "{:08x}{:016x}",
        0x66b0_0000 + kind,
        0x9d7a_1b20_0000 + i as u64 * 7919
    )
}

fn links(href: String) -> Value {
    json!([{ "href": href, "rel": "self" }])
}

/// Export job number `i` (keys in alphabetical order, as Atlas sends them). States cycle through all five;
/// every fourth job is a sharded export with two components; finished jobs carry `finishedAt`.
pub fn job(i: usize) -> Value {
    const STATES: [&str; 5] = ["Successful", "InProgress", "Queued", "Failed", "Cancelled"];
    let state = STATES[i % STATES.len()];
    let id = oid(1, i);
    let (day, hour, minute) = (1 + i % 28, i % 24, (i * 7) % 60);
    let mut job = json!({});
    let map = job.as_object_mut().expect("object");
    if i % 4 == 1 {
        map.insert(
            "components".into(),
            json!([
                { "exportId": oid(2, 2 * i), "replicaSetName": "atlas-k3x9qa-shard-0" },
                { "exportId": oid(2, 2 * i + 1), "replicaSetName": "atlas-k3x9qa-shard-1" },
            ]),
        );
    }
    map.insert(
        "createdAt".into(),
        json!(format!("2025-03-{day:02}T{hour:02}:{minute:02}:07Z")),
    );
    map.insert(
        "customData".into(),
        if i % 3 == 0 {
            json!([{ "key": "team", "value": "payments" }, { "key": "ticket", "value": format!("OPS-{i}") }])
        } else {
            json!([])
        },
    );
    map.insert("exportBucketId".into(), json!(oid(3, i % 7)));
    let total = 10 + (i % 40) as i64;
    let exported = if state == "Successful" {
        total
    } else {
        (i % 10) as i64
    };
    map.insert(
        "exportStatus".into(),
        json!({ "exportedCollections": exported, "totalCollections": total }),
    );
    if matches!(state, "Successful" | "Failed" | "Cancelled") {
        map.insert(
            "finishedAt".into(),
            json!(format!(
                "2025-03-{day:02}T{hour:02}:{:02}:52Z",
                (minute + 30) % 60
            )),
        );
    }
    map.insert("id".into(), json!(id));
    map.insert(
        "links".into(),
        links(format!(
            "{API}/groups/{GROUP}/clusters/{CLUSTER}/backup/exports/{id}"
        )),
    );
    map.insert(
        "prefix".into(),
        json!(format!(
            "/exported_snapshots/acme/payments/{CLUSTER}/2025-03-{day:02}T{hour:02}{minute:02}/{}",
            1_740_000_000 + i * 3600
        )),
    );
    map.insert("snapshotId".into(), json!(oid(4, i)));
    map.insert("state".into(), json!(state));
    if state == "Failed" {
        map.insert(
            "stateReason".into(),
            json!({ "errorCode": "EXPORT_FAILED", "message": "The export bucket denied access." }),
        );
    }
    job
}

/// Export job `i` with three members the spec does not declare, as a server ahead of its
/// published spec sends them: a string, a number and an object (spread among the declared
/// members in alphabetical order, as Atlas sends them).
pub fn job_with_undeclared(i: usize) -> Value {
    let mut job = job(i);
    let map = job.as_object_mut().expect("object");
    map.insert("bytesExported".into(), json!(52_428_800 + i as u64 * 4096));
    map.insert(
        "exportType".into(),
        json!(if i % 2 == 0 { "FULL" } else { "INCREMENTAL" }),
    );
    map.insert(
        "targetDeployment".into(),
        json!({ "itemName": format!("atlas-k3x9qa-{i}"), "region": "EU_WEST_1" }),
    );
    job
}

/// Export bucket number `i`: AWS, AZURE and GCP in turn.
pub fn bucket(i: usize) -> Value {
    let id = oid(3, i);
    let href = format!("{API}/groups/{GROUP}/backup/exportBuckets/{id}");
    match i % 3 {
        0 => json!({
            "_id": id,
            "bucketName": format!("acme-atlas-exports-{i}"),
            "cloudProvider": "AWS",
            "iamRoleId": oid(5, i),
            "links": links(href),
            "region": "eu-west-1",
            "requirePrivateNetworking": i % 2 == 0,
        }),
        1 => json!({
            "_id": id,
            "bucketName": format!("atlas-snapshots-{i}"),
            "cloudProvider": "AZURE",
            "links": links(href),
            "roleId": oid(6, i),
            "serviceUrl": format!("https://acmebackups{i}.blob.core.windows.net/atlas-snapshots-{i}"),
            "tenantId": format!("3f8e2c1d-7b4a-4e9f-a2d6-{:012x}", 0x5c0b_9e8f_1a37_u64 + i as u64),
        }),
        _ => json!({
            "_id": id,
            "bucketName": format!("acme-gcs-exports-{i}"),
            "cloudProvider": "GCP",
            "links": links(href),
            "roleId": oid(7, i),
        }),
    }
}

/// Page `page` (from 1) of `pages`, `per_page` items from `item`, with `self` and (except on the last page)
/// `next` links and `totalCount`.
pub fn page(
    path: &str,
    page: usize,
    pages: usize,
    per_page: usize,
    item: fn(usize) -> Value,
) -> String {
    let first = (page - 1) * per_page;
    let results: Vec<Value> = (first..first + per_page).map(item).collect();
    let url = |n: usize| format!("{API}{path}?pageNum={n}&itemsPerPage={per_page}");
    let mut links = vec![json!({ "href": url(page), "rel": "self" })];
    if page < pages {
        links.push(json!({ "href": url(page + 1), "rel": "next" }));
    }
    json!({ "links": links, "results": results, "totalCount": pages * per_page }).to_string()
}

pub fn jobs_path() -> String {
    format!("/groups/{GROUP}/clusters/{CLUSTER}/backup/exports")
}

pub fn buckets_path() -> String {
    format!("/groups/{GROUP}/backup/exportBuckets")
}

/// A single-page listing of `n` export jobs.
pub fn job_page(n: usize) -> String {
    page(&jobs_path(), 1, 1, n, job)
}

/// A single-page listing of `n` export jobs, each with three undeclared members.
pub fn job_page_undeclared(n: usize) -> String {
    page(&jobs_path(), 1, 1, n, job_with_undeclared)
}

/// A single-page listing of `n` export buckets, providers mixed.
pub fn bucket_page(n: usize) -> String {
    page(&buckets_path(), 1, 1, n, bucket)
}

// ---- The baseline: what a person would write by hand for the same JSON. ----
// Required-by-the-spec fields are plain, dates are chrono, the tenant id a Uuid (the same leaf types as
// the generated ones), the state a serde enum with an `other` fallback, the bucket serde's internally
// tagged enum.

// Fields are decoded (that is what is measured), never read.
#[allow(dead_code)]
pub mod baseline {
    use super::Deserialize;
    use chrono::{DateTime, Utc};

    #[derive(Debug, Deserialize)]
    pub struct Link {
        pub href: String,
        pub rel: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Page<T> {
        #[serde(default)]
        pub links: Vec<Link>,
        pub results: Vec<T>,
        pub total_count: Option<u64>,
    }

    #[derive(Debug, Deserialize)]
    pub enum JobState {
        Queued,
        InProgress,
        Successful,
        Failed,
        Cancelled,
        #[serde(other)]
        Unknown,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ExportStatus {
        pub exported_collections: i32,
        pub total_collections: i32,
    }

    #[derive(Debug, Deserialize)]
    pub struct Label {
        pub key: String,
        pub value: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Member {
        pub export_id: String,
        pub replica_set_name: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct StateReason {
        pub error_code: String,
        pub message: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct Job {
        #[serde(default)]
        pub components: Vec<Member>,
        pub created_at: DateTime<Utc>,
        #[serde(default)]
        pub custom_data: Vec<Label>,
        pub export_bucket_id: String,
        pub export_status: Option<ExportStatus>,
        pub finished_at: Option<DateTime<Utc>>,
        pub id: String,
        #[serde(default)]
        pub links: Vec<Link>,
        pub prefix: Option<String>,
        pub snapshot_id: String,
        pub state: JobState,
        pub state_reason: Option<StateReason>,
    }

    /// `T` plus the members it does not declare, kept the way serde offers: a flattened map.
    #[derive(Debug, Deserialize)]
    pub struct Kept<T> {
        #[serde(flatten)]
        pub value: T,
        #[serde(flatten)]
        pub undeclared: serde_json::Map<String, serde_json::Value>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(tag = "cloudProvider")]
    pub enum Bucket {
        #[serde(rename = "AWS")]
        Aws(AwsBucket),
        #[serde(rename = "AZURE")]
        Azure(AzureBucket),
        #[serde(rename = "GCP")]
        Gcp(GcpBucket),
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AwsBucket {
        #[serde(rename = "_id")]
        pub id: String,
        pub bucket_name: String,
        pub iam_role_id: String,
        #[serde(default)]
        pub links: Vec<Link>,
        pub region: Option<String>,
        pub require_private_networking: Option<bool>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct AzureBucket {
        #[serde(rename = "_id")]
        pub id: String,
        pub bucket_name: String,
        #[serde(default)]
        pub links: Vec<Link>,
        pub role_id: String,
        pub service_url: String,
        pub tenant_id: uuid::Uuid,
    }

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct GcpBucket {
        #[serde(rename = "_id")]
        pub id: String,
        pub bucket_name: String,
        #[serde(default)]
        pub links: Vec<Link>,
        pub role_id: String,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use atlas_backup_exports::types::{
        DiskBackupSnapshotExportBucketResponse as Gen, PaginatedApiAtlasDiskBackupExportJobView,
        PaginatedBackupSnapshotExportBucketsView,
    };

    #[test]
    fn pages_are_deterministic_and_decode_on_both_sides() {
        assert_eq!(job_page(50), job_page(50));
        let jobs = job_page(50);
        let gen: PaginatedApiAtlasDiskBackupExportJobView = serde_json::from_str(&jobs).unwrap();
        let base: baseline::Page<baseline::Job> = serde_json::from_str(&jobs).unwrap();
        assert_eq!(gen.results.unwrap().len(), 50);
        assert_eq!(base.results.len(), 50);
        assert!(base
            .results
            .iter()
            .all(|j| !matches!(j.state, baseline::JobState::Unknown)));

        let buckets = bucket_page(30);
        let gen: PaginatedBackupSnapshotExportBucketsView = serde_json::from_str(&buckets).unwrap();
        let base: baseline::Page<baseline::Bucket> = serde_json::from_str(&buckets).unwrap();
        let gen = gen.results.unwrap();
        assert_eq!(gen.len(), 30);
        assert!(!gen.iter().any(|b| matches!(b, Gen::Unknown(_))));
        let providers = |want: &str| {
            gen.iter()
                .filter(|b| b.cloud_provider() == Some(want))
                .count()
        };
        assert_eq!(
            (providers("AWS"), providers("AZURE"), providers("GCP")),
            (10, 10, 10)
        );
        assert_eq!(base.results.len(), 30);
    }

    #[test]
    fn undeclared_members_are_kept_on_the_generated_side_and_the_kept_baseline() {
        let jobs = job_page_undeclared(20);
        let gen: PaginatedApiAtlasDiskBackupExportJobView = serde_json::from_str(&jobs).unwrap();
        let gen = gen.results.unwrap();
        assert!(gen.iter().all(|j| j._undeclared.len() == 3));
        assert_eq!(
            gen[0]._undeclared.names().collect::<Vec<_>>(),
            ["bytesExported", "exportType", "targetDeployment"]
        );
        let kept: baseline::Page<baseline::Kept<baseline::Job>> =
            serde_json::from_str(&jobs).unwrap();
        assert!(kept.results.iter().all(|j| j.undeclared.len() == 3));
        let ignored: baseline::Page<baseline::Job> = serde_json::from_str(&jobs).unwrap();
        assert_eq!(ignored.results.len(), 20);
    }

    #[test]
    fn object_ids_match_the_spec_pattern() {
        for i in [0, 1, 499, 10_000] {
            let id = oid(3, i);
            assert_eq!(id.len(), 24);
            assert!(id
                .bytes()
                .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        }
    }
}
