//! Replays every recording in `tests/recordings/` through the generated client on a loopback server:
//! the client must send exactly the recorded requests, and the decoded result is snapshotted.

use atlas_backup_exports::{Client, RetryPolicy};
use atlas_exports_tests::calls::{decode, describe_error, make};
use atlas_exports_tests::lossless::{comparable, differ, Difference};
use atlas_exports_tests::replay::{check_requests, load_all, recordings_dir, serve, Recording};
use serde_json::Value;

fn client(base: &str, recording: &Recording) -> Client {
    let config = &recording.client;
    let builder = Client::builder().base_url(base).retry_policy(
        RetryPolicy::new()
            .max_attempts(config.max_attempts.unwrap_or(1))
            .base_delay(std::time::Duration::from_millis(1)),
    );
    let user = config.user.clone().unwrap_or_default();
    let secret = config.secret.clone().unwrap_or_default();
    let builder = match config.auth.as_deref() {
        None | Some("bearer") => builder.bearer_token("test-token"),
        Some("digest") => {
            let builder = builder.digest_auth(user, secret);
            match &config.cnonce {
                Some(cnonce) => builder.digest_fixed_cnonce(cnonce),
                None => builder,
            }
        }
        Some("service_account") => builder.service_account(user, secret),
        Some("none") => builder,
        Some(other) => panic!("unknown auth mode {other}"),
    };
    builder.build().expect("client builds")
}

#[tokio::test]
async fn every_recording_replays() {
    let recordings = load_all(&recordings_dir());
    assert!(!recordings.is_empty(), "no recordings found");
    let mut failures = Vec::new();
    for (name, recording) in &recordings {
        let server = serve(recording).await;
        let client = client(&server.uri(), recording);
        let outcome = match make(&client, &recording.call).await {
            Ok(decoded) => format!("Ok:\n{decoded}"),
            Err(error) => describe_error(&error),
        };
        let received = server.received();
        for problem in check_requests(recording, &received) {
            failures.push(format!("{name}: {problem}"));
        }
        insta::with_settings!({ description => recording.description.as_str(), omit_expression => true }, {
            insta::assert_snapshot!(format!("recording__{name}"), outcome);
        });
    }
    assert!(
        failures.is_empty(),
        "requests differ from the recordings:\n{}",
        failures.join("\n")
    );
}

/// Issue 23: every recorded success, decoded and serialized again, keeps every member received:
/// undeclared ones included (`_undeclared`). Only `null` members may go (a `None` is left out);
/// numbers compare by value (`10` and `10.0`), `date-time` strings by instant (the client writes
/// them in its own RFC 3339 form). Written members the body lacks are listed too, and only one kind
/// is allowed: a subtype's tag (`cloudProvider`), which a variant struct always writes, also when
/// an older media-type version decodes that struct directly from a body without it.
#[tokio::test]
async fn every_recorded_success_round_trips_without_losing_a_member() {
    const ADDED_ALLOWED: &[&str] = &["cloudProvider"];
    let recordings = load_all(&recordings_dir());
    let mut checked = 0;
    let mut with_undeclared = 0;
    let mut failures = Vec::new();
    for (name, recording) in &recordings {
        let Some(last) = recording.exchanges.last() else {
            continue;
        };
        let response = &last.response;
        let Ok(received) = serde_json::from_str::<Value>(&response.body) else {
            continue;
        };
        if !(200..300).contains(&response.status) {
            continue;
        }
        let server = serve(recording).await;
        let client = client(&server.uri(), recording);
        let Ok(decoded) = decode(&client, &recording.call).await else {
            continue;
        };
        let received = if recording.call.query.get("envelope") == Some(&Value::Bool(true)) {
            unwrap_envelope(received)
        } else {
            received
        };
        checked += 1;
        if decoded.debug.contains("_undeclared: {") {
            with_undeclared += 1;
        }
        let received = comparable(received, &instant);
        let mut differences = differ(&received, &comparable(decoded.json, &instant));
        differences.retain(|(path, kind)| {
            !(*kind == Difference::Added
                && ADDED_ALLOWED
                    .iter()
                    .any(|m| path.ends_with(&format!(".{m}"))))
        });
        for (path, kind) in differences {
            failures.push(format!("{name}: {path}: {kind:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "decode -> serialize changed a recorded body:\n{}",
        failures.join("\n")
    );
    // The property is checked on real bodies: most successes, some with undeclared members.
    assert!(checked >= 30, "only {checked} recorded successes decoded");
    assert!(
        with_undeclared >= 4,
        "{with_undeclared} with undeclared members"
    );
}

/// Atlas' `envelope=true` wrapper removed as the client removes it: `{"status", "content"}`
/// around an object, `status` beside a list's members.
fn unwrap_envelope(value: Value) -> Value {
    match value {
        Value::Object(mut map) => match map.remove("content") {
            Some(content) => content,
            None => {
                map.remove("status");
                Value::Object(map)
            }
        },
        other => other,
    }
}

/// RFC 3339 date-times as UTC instants in one form; other strings as they are.
fn instant(text: String) -> String {
    match chrono::DateTime::parse_from_rfc3339(&text) {
        Ok(t) => t.with_timezone(&chrono::Utc).to_rfc3339(),
        Err(_) => text,
    }
}
