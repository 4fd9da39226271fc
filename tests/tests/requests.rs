//! What the client sends: body members set one by one, client-side validation before any request,
//! and path parameters that cannot escape their segment.

use atlas_backup_exports::types::BackupLabel;
use atlas_backup_exports::{Client, Error, GroupId, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const GROUP: &str = "5f4e3d2c1b0a998877665544";
const V2023: &str = "application/vnd.atlas.2023-01-01+json";

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("test-token")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client");
    (server, client)
}

#[tokio::test]
async fn body_members_are_assembled_into_the_exact_json() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path(format!(
            "/api/atlas/v2/groups/{GROUP}/clusters/Cluster0/backup/exports"
        )))
        .and(header("content-type", V2023))
        .and(body_json(json!({
            "exportBucketId": "65a1b2c3d4e5f60718293a4b",
            "snapshotId": "65a1b2c3d4e5f60718293a4e",
            "customData": [{"key": "team", "value": "payments"}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"id":"65a1b2c3d4e5f60718293a4d","state":"Queued"}"#,
            V2023,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let job = client
        .create_backup_export(GROUP, "Cluster0")
        .snapshot_id("65a1b2c3d4e5f60718293a4e")
        .export_bucket_id("65a1b2c3d4e5f60718293a4b")
        .custom_data([BackupLabel {
            key: Some("team".into()),
            value: Some("payments".into()),
            ..BackupLabel::default()
        }])
        .send()
        .await
        .expect("created");
    assert_eq!(job.id.as_deref(), Some("65a1b2c3d4e5f60718293a4d"));
}

#[tokio::test]
async fn a_missing_required_member_is_named_and_nothing_is_sent() {
    let (server, client) = setup().await;
    let error = client
        .create_backup_export(GROUP, "Cluster0")
        .export_bucket_id("65a1b2c3d4e5f60718293a4b")
        .send()
        .await
        .expect_err("snapshotId is required");
    assert!(
        matches!(
            error,
            Error::InvalidRequest {
                parameter: "snapshotId",
                ..
            }
        ),
        "{error:?}"
    );
    let error = client
        .create_backup_export(GROUP, "Cluster0")
        .send()
        .await
        .expect_err("the body is required");
    assert!(
        matches!(
            error,
            Error::InvalidRequest {
                parameter: "body",
                ..
            }
        ),
        "{error:?}"
    );
    assert!(server
        .received_requests()
        .await
        .expect("recorded")
        .is_empty());
}

#[tokio::test]
async fn hostile_path_values_are_rejected_before_sending() {
    let (server, client) = setup().await;
    for cluster in ["../x", "a/b", "a%2Fb", "a?b=c", "a#b", "", &"c".repeat(65)] {
        let error = client
            .list_backup_exports(GROUP, cluster)
            .send()
            .await
            .expect_err(cluster);
        assert!(
            matches!(
                error,
                Error::InvalidRequest {
                    parameter: "clusterName",
                    ..
                }
            ),
            "{cluster}: {error:?}"
        );
    }
    for group in [
        "5F4E3D2C1B0A998877665544",
        "5f4e3d2c1b0a99887766554",
        "5f4e3d2c1b0a998877665544/..",
    ] {
        let error = client
            .list_export_buckets(group)
            .send()
            .await
            .expect_err(group);
        assert!(
            matches!(
                error,
                Error::InvalidRequest {
                    parameter: "groupId",
                    ..
                }
            ),
            "{group}: {error:?}"
        );
    }
    assert!(server
        .received_requests()
        .await
        .expect("recorded")
        .is_empty());
}

#[tokio::test]
async fn query_bounds_are_checked_and_unset_parameters_are_not_sent() {
    let (server, client) = setup().await;
    for (size, page) in [(0, 1), (501, 1), (10, 0)] {
        let error = client
            .list_export_buckets(GROUP)
            .items_per_page(size)
            .page_num(page)
            .send()
            .await
            .expect_err("out of range");
        assert!(error.is_invalid_request(), "{error:?}");
    }
    assert!(server
        .received_requests()
        .await
        .expect("recorded")
        .is_empty());
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"results":[]}"#, "application/vnd.atlas.2024-05-30+json"),
        )
        .mount(&server)
        .await;
    client
        .list_export_buckets(GROUP)
        .items_per_page(500)
        .send()
        .await
        .expect("in range");
    let sent = server.received_requests().await.expect("recorded");
    assert_eq!(sent[0].url.query(), Some("itemsPerPage=500"));
}

#[test]
fn path_parameter_newtypes_validate_on_parse() {
    let group: GroupId = GROUP.parse().expect("valid");
    assert_eq!(group.as_str(), GROUP);
    let error = "nope".parse::<GroupId>().expect_err("invalid");
    assert!(error.to_string().contains("groupId"), "{error}");
}
