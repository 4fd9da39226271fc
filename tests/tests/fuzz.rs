//! Property tests (proptest, stable toolchain) over every generated type and the client's decode paths.
//!
//! 1. `arbitrary_bytes_never_panic_a_decoder`: 256 cases per type: random bytes, and JSON of the type's
//!    shape with some nodes replaced, then cut short or with a byte changed.
//! 2. `arbitrary_json_never_panics_a_decoder`: 256 cases of any JSON and 256 of schema-shaped JSON
//!    with one to three nodes replaced by any JSON, per type.
//! 3. `every_value_round_trips`: 256 values per type (JSON fitting the schema, decoded): serialize then
//!    deserialize gives the same value. Valid JSON must decode, too.
//! 4. `the_client_never_panics_on_arbitrary_answers`: 64 answers per operation, for four operations, from
//!    the generated mock server to the real client: any status, media type and body (random bytes, any
//!    JSON, mutated and valid JSON, valid API errors), with and without `envelope`. Errors keep their
//!    status and raw body; a valid answer with the right status and media type decodes; a valid API
//!    error body is decoded.
//!
//! The types are listed once below; `the_list_covers_every_generated_type` checks the list against the
//! generator's IR, so a type a spec change adds fails here until it is listed.
//!
//! Cases: 23 types x (256 + 512 + 256) = 23 552 serde decodes, plus 256 HTTP exchanges.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::OnceLock;

use atlas_backup_exports::mock::{MockResponse, MockServer};
use atlas_backup_exports::{types, Client, RetryPolicy};
use atlas_exports_tests::schema_json::Shapes;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

const SERDE_CASES: u32 = 256;
const HTTP_CASES: u32 = 64;

struct Decoder {
    name: &'static str,
    bytes: fn(&[u8]),
    value: fn(Value),
    round_trip: fn(&Value) -> Result<(), String>,
}

macro_rules! decoders {
    ($($t:ident),* $(,)?) => {
        vec![$(Decoder {
            name: stringify!($t),
            bytes: |b| { let _ = serde_json::from_slice::<types::$t>(b); },
            value: |v| { let _ = serde_json::from_value::<types::$t>(v); },
            round_trip: round_trip::<types::$t>,
        }),*]
    };
}

fn decoders() -> Vec<Decoder> {
    decoders![
        ApiError,
        BackupLabel,
        BadRequestDetail,
        DiskBackupExportJob,
        DiskBackupExportJobRequest,
        DiskBackupExportJobState,
        DiskBackupExportMember,
        DiskBackupSnapshotAwsExportBucketRequest,
        DiskBackupSnapshotAwsExportBucketResponse,
        DiskBackupSnapshotAzureExportBucketRequest,
        DiskBackupSnapshotAzureExportBucketResponse,
        DiskBackupSnapshotExportBucketRequest,
        DiskBackupSnapshotExportBucketResponse,
        DiskBackupSnapshotGcpExportBucketRequest,
        DiskBackupSnapshotGcpExportBucketResponse,
        ExportStatus,
        FieldViolation,
        Link,
        PaginatedApiAtlasDiskBackupExportJobView,
        PaginatedBackupSnapshotExportBucketView,
        PaginatedBackupSnapshotExportBucketsView,
        StateReason,
        UpdateRequirePrivateNetworkingRequestView,
    ]
}

/// Decode the wire bytes of `json`, serialize, decode again: the same value both times.
fn round_trip<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    json: &Value,
) -> Result<(), String> {
    let wire = serde_json::to_vec(json).map_err(|e| e.to_string())?;
    let value: T = serde_json::from_slice(&wire)
        .map_err(|e| format!("JSON of the schema's shape does not decode: {e}"))?;
    let again =
        serde_json::to_vec(&value).map_err(|e| format!("the value does not serialize: {e}"))?;
    let back: T = serde_json::from_slice(&again).map_err(|e| {
        format!(
            "its own JSON does not decode: {e}: {}",
            String::from_utf8_lossy(&again)
        )
    })?;
    if back == value {
        Ok(())
    } else {
        Err(format!(
            "{value:?}\nbecame\n{back:?}\nvia {}",
            String::from_utf8_lossy(&again)
        ))
    }
}

fn shapes() -> &'static Shapes {
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let spec = atlas_exports_tests::workspace_root().join("spec");
        let loaded = apigen::load::load(&spec).expect("spec loads");
        Shapes::new(apigen::build_ir(&loaded, &apigen::Options::default()).expect("IR builds"))
    })
}

/// Runs `cases` cases of `strategy` (fresh random seed each run; a failure prints the shrunk input).
fn check<S: Strategy>(
    what: &str,
    cases: u32,
    strategy: S,
    test: impl Fn(S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: Debug,
{
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    if let Err(e) = runner.run(&strategy, test) {
        panic!("{what}: {e}");
    }
}

#[test]
fn the_list_covers_every_generated_type() {
    let listed: BTreeSet<&str> = decoders().iter().map(|d| d.name).collect();
    let generated: BTreeSet<&str> = shapes().api().types.keys().map(String::as_str).collect();
    assert_eq!(listed, generated, "add the new types to decoders![..]");
}

#[test]
fn arbitrary_bytes_never_panic_a_decoder() {
    for decoder in decoders() {
        let damaged = (
            shapes().mutated(decoder.name),
            any::<prop::sample::Index>(),
            any::<u8>(),
            any::<bool>(),
        )
            .prop_map(|(json, at, byte, cut)| {
                let mut bytes = serde_json::to_vec(&json).expect("JSON");
                let i = at.index(bytes.len().max(1)).min(bytes.len());
                if cut {
                    bytes.truncate(i);
                } else if let Some(b) = bytes.get_mut(i) {
                    *b = byte;
                }
                bytes
            });
        let strategy = prop_oneof![prop::collection::vec(any::<u8>(), 0..256), damaged];
        check(decoder.name, SERDE_CASES, strategy, |bytes| {
            (decoder.bytes)(&bytes);
            Ok(())
        });
    }
    eprintln!("{} decoders x {SERDE_CASES} byte strings", decoders().len());
}

#[test]
fn arbitrary_json_never_panics_a_decoder() {
    for decoder in decoders() {
        check(decoder.name, SERDE_CASES, shapes().arbitrary(), |json| {
            (decoder.value)(json);
            Ok(())
        });
        check(
            decoder.name,
            SERDE_CASES,
            shapes().mutated(decoder.name),
            |json| {
                (decoder.value)(json.clone());
                (decoder.bytes)(&serde_json::to_vec(&json).expect("JSON"));
                Ok(())
            },
        );
    }
    eprintln!(
        "{} decoders x {} JSON values",
        decoders().len(),
        2 * SERDE_CASES
    );
}

#[test]
fn every_value_round_trips() {
    for decoder in decoders() {
        check(
            decoder.name,
            SERDE_CASES,
            shapes().valid(decoder.name),
            |json| {
                (decoder.round_trip)(&json)
                    .map_err(|e| TestCaseError::fail(format!("{e}\ninput: {json}")))
            },
        );
    }
    eprintln!(
        "{} types x {SERDE_CASES} values round-tripped",
        decoders().len()
    );
}

/// What the mock server answers in one case.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    media_type: &'static str,
    body: Vec<u8>,
    /// The body is JSON of the operation's success type, or of the API error.
    valid: bool,
    api_error: bool,
    envelope: bool,
}

fn answers(
    success: &'static str,
    media_type: &'static str,
    success_status: u16,
) -> BoxedStrategy<Answer> {
    let s = shapes();
    let json = |v: Value| serde_json::to_vec(&v).expect("JSON");
    let body = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..128).prop_map(|b| (b, false, false)),
        s.arbitrary().prop_map(move |v| (json(v), false, false)),
        s.mutated(success)
            .prop_map(move |v| (json(v), false, false)),
        s.valid(success).prop_map(move |v| (json(v), true, false)),
        s.valid("ApiError")
            .prop_map(move |v| (json(v), false, true)),
    ];
    // 204 and 304 cannot carry a body in HTTP (the server drops it), so they are not arbitrary answers.
    let status = prop_oneof![
        Just(success_status),
        (200u16..=599).prop_filter("no body allowed", |s| *s != 204 && *s != 304)
    ];
    let media = prop::sample::select(vec![
        media_type,
        "application/json",
        "application/json; charset=utf-8",
        "text/html",
        "",
    ]);
    (status, media, body, prop::bool::weighted(0.2))
        .prop_map(
            |(status, media_type, (body, valid, api_error), envelope)| Answer {
                status,
                media_type,
                body,
                valid,
                api_error,
                envelope,
            },
        )
        .boxed()
}

async fn exchange(op: &str, answer: &Answer) -> Result<(), String> {
    const GROUP: &str = "6620a7f3c9d84e1b5a7f0c21";
    const ID: &str = "66b0f3d2a81c4e5f9d7a1b20";
    let server = MockServer::start().await;
    let headers: Vec<(&str, &str)> = if answer.media_type.is_empty() {
        Vec::new()
    } else {
        vec![("content-type", answer.media_type)]
    };
    let _ = server.on_any().respond_raw(MockResponse::new(
        answer.status,
        headers,
        answer.body.clone(),
    ));
    let client: Client = server
        .client_builder()
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let result = match op {
        "get_backup_export" => client
            .get_backup_export(GROUP, "Cluster0", ID)
            .envelope(answer.envelope)
            .send()
            .await
            .map(drop),
        "list_export_buckets" => client
            .list_export_buckets(GROUP)
            .envelope(answer.envelope)
            .send()
            .await
            .map(drop),
        "create_export_bucket" => {
            let body = types::DiskBackupSnapshotGcpExportBucketRequest::new("bucket", ID);
            client
                .create_export_bucket(GROUP)
                .body(body)
                .envelope(answer.envelope)
                .send()
                .await
                .map(drop)
        }
        "delete_export_bucket" => {
            client
                .delete_export_bucket(GROUP, ID)
                .envelope(answer.envelope)
                .send()
                .await
        }
        other => panic!("no such operation {other}"),
    };
    match result {
        Ok(()) if (200..300).contains(&answer.status) => Ok(()),
        Ok(()) => Err(format!("HTTP {} was taken for a success", answer.status)),
        Err(error) => {
            let _ = error.to_string();
            let success = (200..300).contains(&answer.status);
            if !success && error.status() != Some(answer.status) {
                return Err(format!("HTTP {} became {error:?}", answer.status));
            }
            if let Some(api) = error.api() {
                if api.raw_body() != answer.body.as_slice() {
                    return Err("the raw body of an API error was not kept".to_owned());
                }
                let known = serde_json::from_slice::<Value>(&answer.body)
                    .ok()
                    .is_some_and(|v| {
                        ["error", "errorCode", "detail", "reason"]
                            .iter()
                            .any(|k| v.get(k).is_some())
                    });
                if answer.api_error && known && api.body().is_none() {
                    return Err("a valid API error body was not decoded".to_owned());
                }
            }
            let exact_success =
                answer.valid && !answer.envelope && answer.media_type.starts_with("application/");
            if success && exact_success && op != "delete_export_bucket" {
                return Err(format!("a valid answer did not decode: {error}"));
            }
            Ok(())
        }
    }
}

#[test]
fn the_client_never_panics_on_arbitrary_answers() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let operations = [
        (
            "get_backup_export",
            "DiskBackupExportJob",
            "application/vnd.atlas.2023-01-01+json",
            200,
        ),
        (
            "list_export_buckets",
            "PaginatedBackupSnapshotExportBucketsView",
            "application/vnd.atlas.2024-05-30+json",
            200,
        ),
        (
            "create_export_bucket",
            "DiskBackupSnapshotExportBucketResponse",
            "application/vnd.atlas.2024-05-30+json",
            200,
        ),
        (
            "delete_export_bucket",
            "ApiError",
            "application/vnd.atlas.2023-01-01+json",
            204,
        ),
    ];
    for (op, success, media_type, status) in operations {
        check(
            op,
            HTTP_CASES,
            answers(success, media_type, status),
            |answer| {
                runtime
                    .block_on(exchange(op, &answer))
                    .map_err(|e| TestCaseError::fail(format!("{op}: {e}")))
            },
        );
    }
    eprintln!(
        "{} operations x {HTTP_CASES} answers through the client",
        operations.len()
    );
}
