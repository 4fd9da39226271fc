//! Digest, OAuth and tracing behaviour end to end.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;
use crate::auth::challenge::parse_challenges;
use crate::auth::digest::{self, DigestChallenge};

/// A digest server: `rotate_after` uses of a nonce, then `stale=true`.
fn digest_server(password: &'static str, algorithm: &'static str, rotate_after: u32) -> Server {
    let state = Mutex::new((1u32, 0u32)); // (nonce generation, uses of it)
    Server::start(move |req| {
        let challenge = |gen: u32, stale: bool| {
            let mut r = reply(
                401,
                r#"{"error":401,"reason":"Unauthorized","detail":null}"#,
            );
            r.headers.push((
                "WWW-Authenticate",
                format!(r#"Digest realm="MMS Public API", domain="", nonce="n{gen}", algorithm={algorithm}, qop="auth", stale={stale}"#),
            ));
            r
        };
        let mut st = state.lock().unwrap();
        let Some(auth) = req.headers.get("authorization") else {
            return challenge(st.0, false);
        };
        let raw = &parse_challenges(auth)[0];
        let p = |n: &str| {
            raw.params
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        if p("nonce") != format!("n{}", st.0) {
            return challenge(st.0, true);
        }
        if st.1 >= rotate_after {
            st.0 += 1;
            st.1 = 0;
            return challenge(st.0, true);
        }
        let c = DigestChallenge::from_raw(
            &parse_challenges(&format!(
                r#"Digest realm="MMS Public API", nonce="{}", algorithm={algorithm}, qop="auth""#,
                p("nonce")
            ))[0],
        )
        .unwrap();
        let nc = u32::from_str_radix(&p("nc"), 16).unwrap_or(0);
        let expected = digest::response(
            &c,
            &p("username"),
            password,
            &req.method,
            &p("uri"),
            nc,
            &p("cnonce"),
        );
        if p("uri") != req.target || expected != p("response") || nc != st.1 + 1 {
            return challenge(st.0, false);
        }
        st.1 += 1;
        reply(200, r#"{"ok":true}"#)
    })
}

#[tokio::test]
async fn digest_costs_one_request_per_call_after_the_handshake() {
    for algorithm in ["MD5", "SHA-256"] {
        let server = digest_server("private-s3cret", algorithm, 1000);
        let client = Client::builder()
            .base_url(&server.base)
            .digest_auth("public", "private-s3cret")
            .build()
            .unwrap();
        for _ in 0..100 {
            assert_eq!(get(&client, "a b/c").await.unwrap()["ok"], true);
        }
        let requests = server.requests();
        assert_eq!(requests.len(), 101, "{algorithm}: 1 handshake + 100 calls");
        assert_eq!(requests[1].target, "/api/atlas/v2/things/a%20b%2Fc");
        let nc: Vec<_> = requests[1..]
            .iter()
            .map(|r| parse_challenges(&r.headers["authorization"])[0].clone())
            .collect();
        assert!(nc[99].params.contains(&("nc".into(), "00000064".into())));
        assert_eq!(
            requests[0]
                .headers
                .get("user-agent")
                .map(|u| u.starts_with(crate::testing::CONFIG.crate_name)),
            Some(true)
        );
        assert_eq!(requests[0].headers["accept"], GET.media_type);
    }
}

#[tokio::test]
async fn digest_stale_nonce_triggers_one_fresh_handshake() {
    let server = digest_server("pw", "MD5", 3);
    let client = Client::builder()
        .base_url(&server.base)
        .digest_auth("public", "pw")
        .build()
        .unwrap();
    for _ in 0..5 {
        get(&client, "x").await.unwrap();
    }
    // 1 handshake, 3 calls, a stale 401 + re-send, 1 more call.
    assert_eq!(server.requests().len(), 1 + 3 + 2 + 1);
    // POST bodies are re-sent intact after the challenge.
    post(&client).await.unwrap();
}

#[tokio::test]
async fn digest_wrong_key_is_a_401_after_one_handshake_and_unknown_algorithm_is_typed() {
    let server = digest_server("right", "SHA-256", 1000);
    let client = Client::builder()
        .base_url(&server.base)
        .digest_auth("public", "wrong-s3cret")
        .build()
        .unwrap();
    let err = get(&client, "x").await.unwrap_err();
    assert_eq!(err.status(), Some(401));
    assert_eq!(err.attempts(), Some(1));
    assert_eq!(err.api().and_then(|a| a.reason()), Some("Unauthorized"));
    assert_eq!(server.requests().len(), 2);
    assert!(!format!("{err} {err:?}").contains("s3cret"));

    let server = digest_server("pw", "SHA-3", 1000);
    let client = Client::builder()
        .base_url(&server.base)
        .digest_auth("public", "pw")
        .build()
        .unwrap();
    assert!(matches!(
        get(&client, "x").await,
        Err(Error::Auth {
            kind: AuthErrorKind::UnsupportedChallenge,
            ..
        })
    ));
}

/// OAuth server: tokens t1, t2, …; with `reject_first_token` the API rejects t1, then accepts current tokens.
fn oauth_server(reject_first_token: bool) -> Server {
    let issued = Mutex::new(0u32);
    Server::start(move |req| match req.target.as_str() {
        "/api/oauth/token" => {
            std::thread::sleep(Duration::from_millis(100)); // widen the race window
            let mut n = issued.lock().unwrap();
            *n += 1;
            let basic = format!(
                "Basic {}",
                base64::Engine::encode(&base64::engine::general_purpose::STANDARD, "id:s3cret")
            );
            if req.headers.get("authorization") != Some(&basic)
                || req.body != "grant_type=client_credentials"
            {
                return reply(
                    401,
                    r#"{"error":"invalid_client","error_description":"bad client"}"#,
                );
            }
            reply(
                200,
                &format!(
                    r#"{{"access_token":"tok-s3cret-{n}","expires_in":3600,"token_type":"Bearer"}}"#
                ),
            )
        }
        "/api/oauth/revoke" => reply(200, ""),
        _ => {
            let n = *issued.lock().unwrap();
            let auth = req
                .headers
                .get("authorization")
                .cloned()
                .unwrap_or_default();
            if (reject_first_token && auth == "Bearer tok-s3cret-1")
                || auth != format!("Bearer tok-s3cret-{n}")
            {
                return reply(401, r#"{"error":401,"reason":"Unauthorized"}"#);
            }
            reply(200, r#"{"ok":true}"#)
        }
    })
}

fn count(server: &Server, target: &str) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.target == target)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth_token_is_cached_shared_and_refreshed_once_on_401() {
    let server = oauth_server(false);
    let client = Client::builder()
        .base_url(&server.base)
        .client_credentials("id", "s3cret")
        .build()
        .unwrap();
    let calls = (0..8).map(|_| {
        let c = client.clone();
        tokio::spawn(async move { get(&c, "x").await })
    });
    for call in calls.collect::<Vec<_>>() {
        call.await.unwrap().unwrap();
    }
    get(&client, "x").await.unwrap();
    assert_eq!(
        count(&server, "/api/oauth/token"),
        1,
        "one refresh shared by concurrent callers"
    );

    client.revoke_token().await.unwrap();
    let revoke = server
        .requests()
        .into_iter()
        .find(|r| r.target == "/api/oauth/revoke")
        .unwrap();
    assert_eq!(
        revoke.body,
        "token=tok-s3cret-1&token_type_hint=access_token"
    );
    assert!(revoke.headers["authorization"].starts_with("Basic "));
    get(&client, "x").await.unwrap();
    assert_eq!(
        count(&server, "/api/oauth/token"),
        2,
        "revoked token is not reused"
    );

    let server = oauth_server(true);
    let client = Client::builder()
        .base_url(&server.base)
        .client_credentials("id", "s3cret")
        .build()
        .unwrap();
    get(&client, "x").await.unwrap();
    assert_eq!(
        count(&server, "/api/oauth/token"),
        2,
        "401 => fresh token, one retry"
    );
    assert!(!format!("{client:?}").contains("s3cret"));

    let client = Client::builder()
        .base_url(&server.base)
        .client_credentials("id", "wrong")
        .build()
        .unwrap();
    match get(&client, "x").await {
        Err(
            e @ Error::Auth {
                kind: AuthErrorKind::TokenEndpoint,
                status: Some(401),
                ..
            },
        ) => {
            assert!(e.to_string().contains("invalid_client: bad client"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

/// Collects every span field and event of the calls below as text.
#[derive(Default, Clone)]
struct Capture(Arc<Mutex<String>>);

impl tracing::field::Visit for Capture {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let line = format!("{}={value:?} ", field.name());
        self.0.lock().unwrap().push_str(&line);
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        self.0
            .lock()
            .unwrap()
            .push_str(&format!("\nspan {} ", span.metadata().name()));
        span.record(&mut self.clone());
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut self.clone());
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        self.0.lock().unwrap().push_str("\nevent ");
        event.record(&mut self.clone());
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn tracing_has_request_fields_and_no_secrets() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = digest_server("private-s3cret", "SHA-256", 1000);
    let client = Client::builder()
        .base_url(&server.base)
        .digest_auth("public", "private-s3cret")
        .build()
        .unwrap();
    get(&client, "x").await.unwrap();
    let server = oauth_server(true);
    let client = Client::builder()
        .base_url(&server.base)
        .client_credentials("id", "s3cret")
        .build()
        .unwrap();
    get(&client, "x").await.unwrap();
    let text = capture.0.lock().unwrap().clone();
    assert!(text.contains("span api_request operation_id=\"getThing\" method=\"GET\" path_template=\"/api/atlas/v2/things/{id}\" attempt=1"), "{text}");
    assert!(text.contains("status=200"), "{text}");
    assert!(text.contains("span oauth_token"), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
}
