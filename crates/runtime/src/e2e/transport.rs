//! Retries, transport failures, envelopes, media types and path safety end to end.

use std::net::TcpListener;
use std::sync::Mutex;
use std::time::Duration;

use super::*;

#[tokio::test]
async fn retries_follow_the_table() {
    let script = |codes: &'static [u16]| {
        let next = Mutex::new(0usize);
        Server::start(move |_| {
            let mut i = next.lock().unwrap();
            let status = codes.get(*i).copied().unwrap_or(200);
            *i += 1;
            let mut r = reply(
                status,
                if status == 200 {
                    "{}"
                } else {
                    r#"{"detail":"busy","errorCode":null}"#
                },
            );
            r.headers.push(("Retry-After", "0".into()));
            r.headers.push(("X-Request-Id", "req-42".into()));
            r
        })
    };
    let client_for = |s: &Server| {
        Client::builder()
            .base_url(&s.base)
            .retry_policy(fast_retries())
            .build()
            .unwrap()
    };

    let s = script(&[429, 503, 500]);
    get(&client_for(&s), "x").await.unwrap();
    assert_eq!(s.requests().len(), 4);

    let s = script(&[503, 503, 503, 503, 503]);
    let err = get(&client_for(&s), "x").await.unwrap_err();
    assert_eq!(
        (err.status(), err.attempts(), s.requests().len()),
        (Some(503), Some(4), 4)
    );
    assert_eq!(err.retry_after(), Some(Duration::ZERO));
    assert_eq!(err.api().and_then(|a| a.request_id()), Some("req-42"));
    assert!(err.to_string().contains("4 attempts"), "{err}");

    let s = script(&[429]);
    post(&client_for(&s)).await.unwrap();
    assert_eq!(s.requests().len(), 2, "POST is retried on 429");

    for (code, codes) in [(500, &[500u16][..]), (503, &[503][..])] {
        let s = script(codes);
        let err = post(&client_for(&s)).await.unwrap_err();
        assert_eq!(
            (err.status(), err.attempts(), s.requests().len()),
            (Some(code), Some(1), 1),
            "POST {code}"
        );
    }

    let s = script(&[404]);
    let err = get(&client_for(&s), "x").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.api().and_then(ApiFailure::detail), Some("busy"));
    assert_eq!(s.requests().len(), 1);
}

#[tokio::test]
async fn connect_errors_are_retried_for_any_method() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // closed again
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .digest_auth("p", "k")
        .retry_policy(fast_retries().max_attempts(3))
        .build()
        .unwrap();
    let err = post(&client).await.unwrap_err();
    assert!(err.is_connect(), "{err:?}");
    assert_eq!(err.attempts(), Some(3));
    assert!(
        err.to_string()
            .starts_with("could not connect after 3 attempts"),
        "{err}"
    );
}

#[tokio::test]
async fn envelope_and_media_types() {
    let server = Server::start(|req| match req.target.as_str() {
        "/api/atlas/v2/things/a?envelope=true" => {
            reply(200, r#"{"status":200,"content":{"id":"a"}}"#)
        }
        "/api/atlas/v2/things/gone?envelope=true" => reply(
            200,
            r#"{"status":404,"content":{"error":404,"errorCode":"NOT_FOUND","detail":null,"reason":"Not Found"}}"#,
        ),
        "/api/atlas/v2/things/html" => Reply {
            status: 200,
            headers: vec![("Content-Type", "text/html".into())],
            body: "<p>".into(),
        },
        _ => reply(200, r#"{"id":"plain"}"#),
    });
    let client = Client::builder().base_url(&server.base).build().unwrap();
    let with_envelope = |id: &str| {
        let mut r = Request::new(&GET, format!("/api/atlas/v2/things/{id}"));
        r.envelope(true);
        r.query("envelope", Some(true));
        client.execute::<crate::testing::TestErrorBody>(r)
    };
    let v: serde_json::Value = with_envelope("a").await.unwrap().json().unwrap();
    assert_eq!(v["id"], "a");
    let err = with_envelope("gone").await.unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.error_code(), Some("NOT_FOUND"));
    assert!(matches!(
        get(&client, "html").await,
        Err(Error::UnexpectedMediaType { status: 200, .. })
    ));

    // Dot segments are refused before anything is sent.
    let before = server.requests().len();
    for hostile in ["..", "."] {
        assert!(matches!(
            get(&client, hostile).await,
            Err(Error::InvalidRequest {
                parameter: "path",
                ..
            })
        ));
    }
    assert_eq!(get(&client, "../x?y#z").await.unwrap()["id"], "plain");
    let requests = server.requests();
    assert_eq!(requests.len(), before + 1);
    assert_eq!(
        requests[before].target,
        "/api/atlas/v2/things/..%2Fx%3Fy%23z"
    );
}

#[tokio::test]
async fn timeouts_and_resets_are_retried_only_for_idempotent_methods() {
    let server = Server::start(|req| match req.target.as_str() {
        t if t.ends_with("/slow") => {
            let mut r = reply(200, "{}");
            r.headers.push(("sleep", "600".into()));
            r
        }
        _ => Reply {
            status: 0,
            headers: vec![],
            body: String::new(),
        },
    });
    let client = Client::builder()
        .base_url(&server.base)
        .timeout(Duration::from_millis(150))
        .retry_policy(fast_retries().max_attempts(2))
        .build()
        .unwrap();
    let err = get(&client, "slow").await.unwrap_err();
    assert!(err.is_timeout() && !err.is_connect(), "{err:?}");
    assert_eq!(err.attempts(), Some(2));
    let err = get(&client, "reset").await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Interrupted,
                attempts: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let before = server.requests().len();
    let err = post(&client).await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::Transport {
                kind: TransportKind::Interrupted,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        server.requests().len(),
        before + 1,
        "a POST that may have arrived is not repeated"
    );
}
