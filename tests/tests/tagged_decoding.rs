//! The generated tagged enums decode in one pass (`apigen_runtime::tagged`), with the rule for
//! unknown variants written in ARCHITECTURE.md: a tag the spec does not list keeps the whole object
//! as received, even when a member reuses a known member's name with another type.

use atlas_backup_exports::types::{
    DiskBackupExportJobState, DiskBackupSnapshotExportBucketResponse as Bucket,
    PaginatedBackupSnapshotExportBucketsView,
};
use serde_json::json;

const ID: &str = "66b0f3d2a81c4e5f9d7a1b20";
const TENANT: &str = "3f8e2c1d-7b4a-4e9f-a2d6-5c0b9e8f1a37";

#[test]
fn known_variant_with_the_tag_first_last_or_between() {
    let texts = [
        format!(r#"{{"cloudProvider":"AZURE","_id":"{ID}","tenantId":"{TENANT}","other":[1]}}"#),
        format!(r#"{{"_id":"{ID}","other":[1],"cloudProvider":"AZURE","tenantId":"{TENANT}"}}"#),
        format!(r#"{{"_id":"{ID}","tenantId":"{TENANT}","other":[1],"cloudProvider":"AZURE"}}"#),
    ];
    for text in texts {
        match serde_json::from_str::<Bucket>(&text).unwrap() {
            Bucket::Azure(azure) => {
                assert_eq!(azure.id.as_deref(), Some(ID), "{text}");
                // Before or after the tag, an undeclared member is kept; the tag is not.
                assert_eq!(
                    azure._undeclared.iter().collect::<Vec<_>>(),
                    [("other", &json!([1]))],
                    "{text}"
                );
                let back = serde_json::to_value(Bucket::Azure(azure.clone())).unwrap();
                assert_eq!(
                    back,
                    serde_json::from_str::<serde_json::Value>(&text).unwrap()
                );
                assert_eq!(
                    azure.tenant_id.map(|t| t.to_string()).as_deref(),
                    Some(TENANT)
                );
            }
            other => panic!("{text}: {other:?}"),
        }
    }
}

#[test]
fn unknown_variant_reusing_known_member_names_with_other_types_is_kept_whole() {
    // `tenantId` is a UUID string and `_id` a string in the known variants; here they are not.
    let unknown = json!({
        "_id": 5,
        "tenantId": {"nested": [true, null, 1.5]},
        "cloudProvider": "OCI",
        "bucketName": ["a", "b"],
        "requirePrivateNetworking": "sometimes",
    });
    let decoded: Bucket = serde_json::from_value(unknown.clone()).unwrap();
    assert_eq!(decoded, Bucket::Unknown(unknown.clone()));
    assert_eq!(decoded.cloud_provider(), Some("OCI"));
    // From text too (the client's path), inside a page, and written back unchanged.
    let page = json!({"results": [unknown.clone(), {"cloudProvider": "GCP", "roleId": ID}]});
    let decoded: PaginatedBackupSnapshotExportBucketsView =
        serde_json::from_str(&page.to_string()).unwrap();
    let results = decoded.results.unwrap_or_default();
    assert_eq!(results.first(), Some(&Bucket::Unknown(unknown.clone())));
    assert!(matches!(results.get(1), Some(Bucket::Gcp(_))));
    assert_eq!(serde_json::to_value(&results[0]).unwrap(), unknown);
}

#[test]
fn a_known_tag_with_a_mistyped_member_is_an_error_with_its_path() {
    let text = format!(r#"{{"results":[{{"cloudProvider":"AZURE","_id":"{ID}","tenantId":5}}]}}"#);
    assert!(serde_json::from_str::<PaginatedBackupSnapshotExportBucketsView>(&text).is_err());
    // The path the client reports (its second, path-tracking decode).
    let mut de = serde_json::Deserializer::from_str(&text);
    let error =
        serde_path_to_error::deserialize::<_, PaginatedBackupSnapshotExportBucketsView>(&mut de)
            .unwrap_err();
    assert_eq!(error.path().to_string(), "results[0].tenantId");
    assert!(error.to_string().contains("invalid type"), "{error}");
}

#[test]
fn string_enums_keep_unknown_values() {
    let known: DiskBackupExportJobState = serde_json::from_str(r#""InProgress""#).unwrap();
    assert_eq!(known, DiskBackupExportJobState::InProgress);
    let unknown: DiskBackupExportJobState = serde_json::from_str(r#""Paused\u0021""#).unwrap();
    assert_eq!(unknown, DiskBackupExportJobState::Unknown("Paused!".into()));
    assert_eq!(serde_json::to_string(&unknown).unwrap(), r#""Paused!""#);
}

/// Request bodies (structs with required members) decode as serde_derive decoded them: what they
/// encode decodes back equal, a missing required member is serde's "missing field" error naming it,
/// `null` for one is a type error, unknown members (the tag of a variant included) are ignored: a
/// type only ever sent keeps no undeclared members (nothing on the client's side decodes it).
#[test]
fn request_bodies_with_required_members_decode_like_serde_derive() {
    use atlas_backup_exports::types::{BackupLabel, DiskBackupExportJobRequest as Job};
    let mut job = Job::new(ID, "5f4e3d2c1b0a998877665544");
    job.custom_data = Some(vec![BackupLabel {
        key: Some("k".into()),
        value: Some("v".into()),
        ..BackupLabel::default()
    }]);
    let encoded = serde_json::to_value(&job).expect("encodes");
    assert_eq!(
        serde_json::from_value::<Job>(encoded.clone()).expect("decodes"),
        job
    );

    let mut missing = encoded.clone();
    missing
        .as_object_mut()
        .expect("object")
        .remove("snapshotId");
    let error = serde_json::from_value::<Job>(missing).expect_err("missing member");
    assert_eq!(error.to_string(), "missing field `snapshotId`");

    let null = r#"{"exportBucketId":"66b0f3d2a81c4e5f9d7a1b20","snapshotId":null}"#;
    let error = serde_json::from_str::<Job>(null).expect_err("null member");
    assert!(
        error
            .to_string()
            .starts_with("invalid type: null, expected a string"),
        "{error}"
    );

    let with_extra =
        json!({"exportBucketId": ID, "snapshotId": ID, "cloudProvider": "AWS", "x": [1]});
    let decoded = serde_json::from_value::<Job>(with_extra).expect("unknown members ignored");
    assert_eq!(decoded, Job::new(ID, ID));
}
