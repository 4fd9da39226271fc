//! Property tests (proptest, stable toolchain) over every generated type and the client's decode paths.
//!
//! Every decode must either succeed and survive serialize + decode unchanged, or fail with the right
//! kind of error: a syntax error exactly when the bytes are not JSON, otherwise a data error whose path
//! (serde_path_to_error, as in `Error::Decode`) names a node that exists in the input.
//!
//! 1. `arbitrary_bytes_decode_or_fail_with_a_path`: 256 cases per type: random bytes, and JSON of the
//!    type's shape with some nodes replaced, then cut short or with a byte changed.
//! 2. `arbitrary_json_decodes_or_fails_with_a_path`: 256 cases of any JSON and 256 of schema-shaped JSON
//!    with one to three nodes replaced by any JSON, per type.
//! 3. `every_value_round_trips`: 256 values per type (JSON fitting the schema, decoded): serialize then
//!    deserialize gives the same value. Valid JSON must decode, too.
//! 4. `random_undeclared_members_survive_decode_and_serialize`: 256 values per type with zero to
//!    three members its schemas do not declare in every object of a struct that keeps them: each
//!    is written back at its place with its value (issue 23).
//! 5. `arbitrary_answers_give_typed_outcomes_by_status_class`: 64 answers per operation, for four
//!    operations, from the generated mock server to the real client: any status, media type and body
//!    (random bytes, any JSON, mutated and valid JSON, valid API errors), with and without `envelope`.
//!    A non-2xx answer is `Error::Api` with that status and the raw body kept; a 2xx answer is a value,
//!    or `Decode` / `UnexpectedMediaType` with that status (or `Api` with the status an envelope
//!    carries); a valid answer with the right status and media type decodes; a valid API error body
//!    is decoded.
//!
//! Each run draws new cases from a random seed; a failure prints the shrunk input and the seed.
//! `FUZZ_SEED=<n> cargo test -p atlas-exports-tests --test fuzz` replays exactly that run.
//!
//! The types are listed once below; `the_list_covers_every_generated_type` checks the list against the
//! generator's IR, so a type a spec change adds fails here until it is listed.
//!
//! Cases: 23 types x (256 + 512 + 256 + 256) = 29 440 serde decodes, plus 256 HTTP exchanges.

use std::collections::BTreeSet;
use std::fmt::Debug;
use std::sync::OnceLock;

use atlas_backup_exports::mock::{MockResponse, MockServer};
use atlas_backup_exports::{types, Client, Error, RetryPolicy};
use atlas_exports_tests::schema_json::{Shapes, UNDECLARED_MARK};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

const SERDE_CASES: u32 = 256;
const HTTP_CASES: u32 = 64;

struct Decoder {
    name: &'static str,
    /// Decodes the bytes and checks the outcome's property (see the module docs).
    bytes: fn(&[u8]) -> Result<(), String>,
    round_trip: fn(&Value) -> Result<(), String>,
    /// Decodes JSON with undeclared members and serializes it: how many it found written back.
    undeclared: fn(&Value) -> Result<usize, String>,
}

macro_rules! decoders {
    ($($t:ident),* $(,)?) => {
        vec![$(Decoder {
            name: stringify!($t),
            bytes: decode_property::<types::$t>,
            round_trip: round_trip::<types::$t>,
            undeclared: undeclared_survive::<types::$t>,
        }),*]
    };
}

fn round_trips<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    value: T,
) -> Result<(), String> {
    let wire = serde_json::to_vec(&value).map_err(|e| format!("does not serialize: {e}"))?;
    let back: T = serde_json::from_slice(&wire).map_err(|e| {
        format!(
            "its own JSON does not decode: {e}: {}",
            String::from_utf8_lossy(&wire)
        )
    })?;
    if back == value {
        Ok(())
    } else {
        Err(format!("{value:?}\nbecame\n{back:?}"))
    }
}

/// The property every decode must have: success that round-trips, or an error of the right
/// category whose path exists in the input.
fn decode_property<T: Serialize + DeserializeOwned + PartialEq + Debug>(
    bytes: &[u8],
) -> Result<(), String> {
    let as_json = serde_json::from_slice::<Value>(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let decoded = serde_path_to_error::deserialize::<_, T>(&mut de);
    if decoded.is_ok() {
        // Trailing characters after a complete value: a syntax error, like serde_json's.
        if let Err(trailing) = de.end() {
            return match as_json {
                Err(_) if trailing.is_syntax() => Ok(()),
                _ => Err(format!("trailing data not reported as syntax: {trailing}")),
            };
        }
    }
    // serde_json skips ignored (unknown) fields without checking their text encoding or number
    // range, so a value may decode from bytes whose only flaw is there; it must still round-trip.
    let ignored_flaw = |e: &serde_json::Error| {
        let text = e.to_string();
        ["unicode", "UTF-8", "number out of range"]
            .iter()
            .any(|flaw| text.contains(flaw))
    };
    match (decoded, as_json) {
        (Ok(value), Ok(_)) => round_trips(value),
        (Ok(value), Err(e)) if ignored_flaw(&e) => round_trips(value),
        (Ok(value), Err(e)) => Err(format!(
            "decoded {value:?} from bytes that are not JSON ({e})"
        )),
        (Err(e), Err(_)) if e.inner().is_syntax() || e.inner().is_eof() => Ok(()),
        // A streaming decoder may meet a data error before the syntax error further on (or past
        // a flaw it skipped in an ignored field).
        (Err(e), Err(json))
            if e.inner().is_data()
                && (position(e.inner()) <= position(&json) || ignored_flaw(&json)) =>
        {
            Ok(())
        }
        (Err(e), Err(json)) => Err(format!(
            "not JSON ({json}) but the decoder reported a {:?} error: {e}",
            e.inner().classify()
        )),
        (Err(e), Ok(json)) => {
            // serde_json reports an array longer than the struct it fills as trailing characters.
            let longer_array =
                e.inner().is_syntax() && e.inner().to_string().starts_with("trailing characters");
            if !e.inner().is_data() && !longer_array {
                return Err(format!(
                    "valid JSON but a {:?} error: {e}",
                    e.inner().classify()
                ));
            }
            path_exists(&json, e.path())
                .then_some(())
                .ok_or_else(|| format!("error path `{}` is not in the input: {e}", e.path()))
        }
    }
}

fn position(e: &serde_json::Error) -> (usize, usize) {
    (e.line(), e.column())
}

/// Whether every map/sequence segment of `path` resolves in `json` (an enum segment ends the walk:
/// the failing node is inside a variant).
fn path_exists(json: &Value, path: &serde_path_to_error::Path) -> bool {
    use serde_path_to_error::Segment;
    let mut node = json;
    for segment in path.iter() {
        node = match (segment, node) {
            (Segment::Seq { index }, Value::Array(items)) => match items.get(*index) {
                Some(item) => item,
                None => return false,
            },
            (Segment::Map { key }, Value::Object(map)) => match map.get(key) {
                Some(value) => value,
                None => return false,
            },
            (Segment::Enum { .. } | Segment::Unknown, _) => return true,
            _ => return false,
        };
    }
    true
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

/// Decode JSON carrying undeclared members (`~name`, see `Shapes::extended`), serialize: each of
/// them is written back, at the same place, with the same value. Returns how many there were.
fn undeclared_survive<T: Serialize + DeserializeOwned>(json: &Value) -> Result<usize, String> {
    let wire = serde_json::to_vec(json).map_err(|e| e.to_string())?;
    let value: T = serde_json::from_slice(&wire)
        .map_err(|e| format!("JSON with undeclared members does not decode: {e}"))?;
    let written =
        serde_json::to_value(&value).map_err(|e| format!("the value does not serialize: {e}"))?;
    let mut added = Vec::new();
    undeclared_members(json, String::new(), &mut added);
    for (pointer, expected) in &added {
        match written.pointer(pointer) {
            Some(found) if found == *expected => {}
            found => return Err(format!("{pointer}: {expected} written back as {found:?}")),
        }
    }
    Ok(added.len())
}

/// Every member named `~...` in `value`, by JSON pointer.
fn undeclared_members<'v>(value: &'v Value, at: String, out: &mut Vec<(String, &'v Value)>) {
    let escape = |key: &str| key.replace('~', "~0").replace('/', "~1");
    match value {
        Value::Object(members) => {
            for (key, member) in members {
                let pointer = format!("{at}/{}", escape(key));
                if key.starts_with(UNDECLARED_MARK) {
                    out.push((pointer, member));
                } else {
                    undeclared_members(member, pointer, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                undeclared_members(item, format!("{at}/{i}"), out);
            }
        }
        _ => {}
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

/// The seed of this run: `FUZZ_SEED` when set (to replay a failure), else a fresh random one.
fn seed() -> u64 {
    static SEED: OnceLock<u64> = OnceLock::new();
    *SEED.get_or_init(|| match std::env::var("FUZZ_SEED") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("FUZZ_SEED must be a u64, not {text:?}")),
        Err(_) => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    })
}

/// Runs `cases` cases of `strategy` from the run's seed (see [`seed`]); a failure prints the shrunk
/// input and the command that replays it.
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
    // Each check gets its own stream, derived from the seed and its name, so replaying one test
    // (or one type) reproduces its cases whatever else runs.
    let mut bytes = [0u8; 32];
    let name_hash = what.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    bytes[..8].copy_from_slice(&seed().to_le_bytes());
    bytes[8..16].copy_from_slice(&name_hash.to_le_bytes());
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(config, rng);
    if let Err(e) = runner.run(&strategy, test) {
        panic!(
            "{what}: {e}\nreproduce with: FUZZ_SEED={} cargo test -p atlas-exports-tests --test fuzz",
            seed()
        );
    }
}

#[test]
fn the_list_covers_every_generated_type() {
    let listed: BTreeSet<&str> = decoders().iter().map(|d| d.name).collect();
    let generated: BTreeSet<&str> = shapes().api().types.keys().map(String::as_str).collect();
    assert_eq!(listed, generated, "add the new types to decoders![..]");
}

#[test]
fn arbitrary_bytes_decode_or_fail_with_a_path() {
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
            (decoder.bytes)(&bytes).map_err(|e| {
                TestCaseError::fail(format!("{e}\ninput: {:?}", String::from_utf8_lossy(&bytes)))
            })
        });
    }
    eprintln!("{} decoders x {SERDE_CASES} byte strings", decoders().len());
}

#[test]
fn arbitrary_json_decodes_or_fails_with_a_path() {
    for decoder in decoders() {
        let json_property = |json: Value| {
            let bytes = serde_json::to_vec(&json).expect("JSON");
            (decoder.bytes)(&bytes).map_err(|e| TestCaseError::fail(format!("{e}\ninput: {json}")))
        };
        check(
            decoder.name,
            SERDE_CASES,
            shapes().arbitrary(),
            json_property,
        );
        check(
            decoder.name,
            SERDE_CASES,
            shapes().mutated(decoder.name),
            json_property,
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

/// Issue 23: members a response type does not declare, anywhere in a value, survive decode ->
/// serialize (at their place, with their value: raw JSON of any shape).
#[test]
fn random_undeclared_members_survive_decode_and_serialize() {
    let found = std::sync::atomic::AtomicUsize::new(0);
    for decoder in decoders() {
        check(
            decoder.name,
            SERDE_CASES,
            shapes().extended(decoder.name),
            |json| {
                let n = (decoder.undeclared)(&json)
                    .map_err(|e| TestCaseError::fail(format!("{e}\ninput: {json}")))?;
                found.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
                Ok(())
            },
        );
    }
    // The property was exercised: thousands of members over 23 types (half of them keep none:
    // enums and types only sent).
    let found = found.into_inner();
    assert!(found > 1_000, "only {found} undeclared members generated");
    eprintln!("{found} undeclared members written back");
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
    let success = (200..300).contains(&answer.status);
    // With envelope=true a 2xx answer may carry the real status in its body.
    let enveloped_status = serde_json::from_slice::<Value>(&answer.body)
        .ok()
        .and_then(|v| v.get("status")?.as_u64())
        .and_then(|s| u16::try_from(s).ok())
        .filter(|s| answer.envelope && !(200..300).contains(s));
    let error = match result {
        Ok(()) if success && enveloped_status.is_none() => return Ok(()),
        Ok(()) => return Err(format!("HTTP {} was taken for a success", answer.status)),
        Err(error) => error,
    };
    let _ = error.to_string();
    match (&error, success) {
        (Error::Api(api), false) if api.status() == answer.status => {}
        (Error::Api(api), true) if Some(api.status()) == enveloped_status => {}
        (Error::Decode { status, .. } | Error::UnexpectedMediaType { status, .. }, true)
            if *status == answer.status => {}
        _ => return Err(format!("HTTP {} became {error:?}", answer.status)),
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
        if answer.api_error && known && !answer.envelope && api.body().is_none() {
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

#[test]
fn arbitrary_answers_give_typed_outcomes_by_status_class() {
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
