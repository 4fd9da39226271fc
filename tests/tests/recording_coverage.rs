//! Coverage of `tests/recordings/`: every client method (one per operation and media-type version)
//! must have a recording for every status the spec documents for it, so deleting a recording fails CI.
//!
//! Recordings are named `<method>__<status>__<case>.yaml`, where `<status>` is the status of the last
//! recorded response (`none` when the client must refuse before sending anything). The table below is
//! checked against `spec/openapi.yaml`, so a newly documented status also fails until it is recorded.

use std::collections::{BTreeMap, BTreeSet};

use atlas_exports_tests::replay::{load_all, recordings_dir, Recording};
use atlas_exports_tests::workspace_root;

const V2023: &str = "application/vnd.atlas.2023-01-01+json";
const V2024: &str = "application/vnd.atlas.2024-05-30+json";
const BUCKETS: &str = "/api/atlas/v2/groups/{groupId}/backup/exportBuckets";
const BUCKET: &str = "/api/atlas/v2/groups/{groupId}/backup/exportBuckets/{exportBucketId}";
const EXPORTS: &str = "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/exports";
const EXPORT: &str =
    "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/exports/{exportId}";

struct Row {
    /// The `Client` method.
    method: &'static str,
    /// Spec path and HTTP method of the operation.
    path: &'static str,
    verb: &'static str,
    /// The media type (version) the method sends as `Accept`.
    media_type: &'static str,
    /// Every status the spec documents for the operation.
    statuses: &'static [u16],
}

const READ: &[u16] = &[200, 401, 403, 404, 429, 500];
const WRITE: &[u16] = &[200, 400, 401, 403, 404, 429, 500];

const DOCUMENTED: &[Row] = &[
    Row {
        method: "list_backup_exports",
        path: EXPORTS,
        verb: "get",
        media_type: V2023,
        statuses: READ,
    },
    Row {
        method: "create_backup_export",
        path: EXPORTS,
        verb: "post",
        media_type: V2023,
        statuses: &[200, 400, 401, 403, 404, 409, 429, 500],
    },
    Row {
        method: "get_backup_export",
        path: EXPORT,
        verb: "get",
        media_type: V2023,
        statuses: READ,
    },
    Row {
        method: "list_export_buckets",
        path: BUCKETS,
        verb: "get",
        media_type: V2024,
        statuses: READ,
    },
    Row {
        method: "list_export_buckets_2023_01_01",
        path: BUCKETS,
        verb: "get",
        media_type: V2023,
        statuses: READ,
    },
    Row {
        method: "create_export_bucket",
        path: BUCKETS,
        verb: "post",
        media_type: V2024,
        statuses: WRITE,
    },
    Row {
        method: "create_export_bucket_2023_01_01",
        path: BUCKETS,
        verb: "post",
        media_type: V2023,
        statuses: WRITE,
    },
    Row {
        method: "get_export_bucket",
        path: BUCKET,
        verb: "get",
        media_type: V2024,
        statuses: READ,
    },
    Row {
        method: "get_export_bucket_2023_01_01",
        path: BUCKET,
        verb: "get",
        media_type: V2023,
        statuses: READ,
    },
    Row {
        method: "update_backup_export_bucket",
        path: BUCKET,
        verb: "patch",
        media_type: V2024,
        statuses: WRITE,
    },
    Row {
        method: "delete_export_bucket",
        path: BUCKET,
        verb: "delete",
        media_type: V2023,
        statuses: &[204, 400, 401, 403, 404, 429, 500],
    },
];

/// The table must say what the spec says: same statuses, and the version is one the operation serves.
#[test]
fn table_matches_the_spec() {
    let text = std::fs::read_to_string(workspace_root().join("spec/openapi.yaml")).expect("spec");
    let spec: serde_json::Value = serde_yaml::from_str(&text).expect("spec parses");
    let mut versions: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for row in DOCUMENTED {
        let responses = &spec["paths"][row.path][row.verb]["responses"];
        let documented: BTreeSet<u16> = responses
            .as_object()
            .unwrap_or_else(|| panic!("{} {}: no responses in the spec", row.verb, row.path))
            .keys()
            .map(|k| k.parse().expect("numeric status"))
            .collect();
        let table: BTreeSet<u16> = row.statuses.iter().copied().collect();
        assert_eq!(table, documented, "{}: documented statuses", row.method);
        let success = row
            .statuses
            .iter()
            .find(|s| **s < 300)
            .expect("a success status");
        assert!(
            responses[success.to_string()]["content"]
                .get(row.media_type)
                .is_some(),
            "{}: the spec has no {} response for {success}",
            row.method,
            row.media_type
        );
        versions
            .entry((row.path, row.verb))
            .or_default()
            .insert(row.media_type);
    }
    // Every media type of every operation has its row (no version is left without recordings).
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (verb, op) in item.as_object().expect("path item") {
            let success = op["responses"]
                .as_object()
                .expect("responses")
                .iter()
                .find(|(status, _)| status.starts_with('2'))
                .expect("a success response");
            for media_type in success.1["content"].as_object().expect("content").keys() {
                assert!(
                    versions
                        .get(&(path.as_str(), verb.as_str()))
                        .is_some_and(|v| v.contains(media_type.as_str())),
                    "{verb} {path} {media_type} has no row in DOCUMENTED"
                );
            }
        }
    }
}

fn accept(recording: &Recording, exchange: usize) -> Option<&str> {
    recording.exchanges[exchange]
        .request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("accept"))
        .map(|(_, v)| v.as_str())
}

#[test]
fn every_documented_status_of_every_method_is_recorded() {
    let recordings = load_all(&recordings_dir());
    let mut problems = Vec::new();
    let mut covered: BTreeSet<(String, u16)> = BTreeSet::new();
    for (name, recording) in &recordings {
        let parts: Vec<&str> = name.split("__").collect();
        let [method, status, case] = parts[..] else {
            problems.push(format!("{name}: name must be <method>__<status>__<case>"));
            continue;
        };
        if case.is_empty() {
            problems.push(format!("{name}: empty case"));
        }
        if method != recording.call.method {
            problems.push(format!(
                "{name}: file names {method} but the recording calls {}",
                recording.call.method
            ));
        }
        let Some(row) = DOCUMENTED.iter().find(|r| r.method == method) else {
            problems.push(format!("{name}: {method} is not in the DOCUMENTED table"));
            continue;
        };
        match (status, recording.exchanges.last()) {
            ("none", None) => {}
            (status, Some(last)) if status == last.response.status.to_string() => {
                covered.insert((method.to_owned(), last.response.status));
            }
            (status, last) => problems.push(format!(
                "{name}: name says status {status}, last recorded response is {:?}",
                last.map(|e| e.response.status)
            )),
        }
        for i in 0..recording.exchanges.len() {
            if accept(recording, i) != Some(row.media_type) {
                problems.push(format!(
                    "{name}: request #{} must check `accept: {}`",
                    i + 1,
                    row.media_type
                ));
            }
        }
    }
    let mut missing = Vec::new();
    let mut pairs = 0;
    for row in DOCUMENTED {
        for status in row.statuses {
            pairs += 1;
            if !covered.contains(&(row.method.to_owned(), *status)) {
                missing.push(format!("{}__{status}__*.yaml", row.method));
            }
        }
    }
    let operations: BTreeSet<_> = DOCUMENTED.iter().map(|r| (r.path, r.verb)).collect();
    println!(
        "{} recordings; {}/{pairs} documented (method, status) pairs covered over {} operations in {} \
         method versions; {} recordings beyond the minimum",
        recordings.len(),
        pairs - missing.len(),
        operations.len(),
        DOCUMENTED.len(),
        recordings.len() - (pairs - missing.len()),
    );
    assert!(
        problems.is_empty(),
        "badly formed recordings:\n{}",
        problems.join("\n")
    );
    assert!(
        missing.is_empty(),
        "documented statuses without a recording:\n{}",
        missing.join("\n")
    );
}
