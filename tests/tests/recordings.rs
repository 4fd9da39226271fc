//! Replays every recording in `tests/recordings/` through the generated client on a loopback server:
//! the client must send exactly the recorded requests, and the decoded result is snapshotted.

use atlas_backup_exports::{Client, RetryPolicy};
use atlas_exports_tests::calls::{describe_error, make};
use atlas_exports_tests::replay::{check_requests, load_all, recordings_dir, serve, Recording};

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
