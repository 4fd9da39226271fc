//! The client against servers that misbehave on purpose (issue 12), part 1: panics, unbounded
//! reads, the token endpoint, redirects and deadlines. Each test runs its own raw loopback server
//! (`atlas_exports_tests::hostile`) and checks one property — a typed error, a bounded count of
//! requests, a value decoded — never merely "did not panic". Part 2: `hostile_answers.rs`.

use std::time::Duration;

use atlas_backup_exports::{AuthErrorKind, WaitError};
use atlas_backup_exports::{Client, Error};
use atlas_exports_tests::hostile::*;
use futures::StreamExt;

// ---- panics ---------------------------------------------------------------------------------

#[tokio::test]
async fn absurd_token_lifetimes_are_capped_and_the_token_is_reused() {
    for expires_in in ["9223372036854775807", "18446744073709551615"] {
        let server = Server::start(|seen, _| {
            now(match seen.target.as_str() {
                "/api/oauth/token" => token(expires_in),
                _ => bucket_answer(),
            })
        })
        .await;
        let client = service_client(&server.base).build().expect("client");
        for _ in 0..3 {
            get_bucket(&client).await.expect("call succeeds");
        }
        assert_eq!(
            server.count("/api/oauth/token"),
            1,
            "expires_in {expires_in}"
        );
        assert_eq!(server.count(BUCKET), 3);
    }
}

#[tokio::test]
async fn waiter_takes_extreme_timing_and_refuses_nan_before_sending() {
    for backoff in [f64::INFINITY, 1e300, 1.5] {
        let server = Server::start(|_, i| {
            now(json(
                "200 OK",
                V2023,
                &job(if i < 2 { "InProgress" } else { "Successful" }),
            ))
        })
        .await;
        let client = Client::builder()
            .base_url(&server.base)
            .bearer_token("t")
            .build()
            .expect("client");
        let done = bounded(
            client
                .wait_for_backup_export(GROUP, CLUSTER, EXPORT)
                .poll_interval(Duration::from_millis(5))
                .max_interval(Duration::from_millis(20))
                .backoff(backoff)
                .timeout(Duration::MAX)
                .wait(),
        )
        .await
        .expect("waits to success");
        assert_eq!(done.state.as_ref().map(|s| s.as_str()), Some("Successful"));
        assert_eq!(server.requests().len(), 3, "backoff {backoff}");
    }
    let server = Server::start(|_, _| now(json("200 OK", V2023, &job("Successful")))).await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    for bad in [f64::NAN, 0.5, f64::NEG_INFINITY] {
        match client
            .wait_for_backup_export(GROUP, CLUSTER, EXPORT)
            .backoff(bad)
            .wait()
            .await
        {
            Err(WaitError::Request(Error::InvalidRequest { parameter, .. })) => {
                assert_eq!(parameter, "backoff")
            }
            other => panic!("backoff {bad}: {other:?}"),
        }
    }
    assert_eq!(
        server.requests().len(),
        0,
        "nothing sent for a refused setting"
    );
}

#[tokio::test]
async fn page_numbers_near_i64_max_end_with_a_pagination_error() {
    let server = Server::start(|seen, _| now(endless_page(seen))).await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    let results: Vec<_> = bounded(
        client
            .list_backup_exports(GROUP, CLUSTER)
            .items_per_page(1)
            .page_num(i64::MAX - 2)
            .into_stream()
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(results.len(), 4, "{results:?}");
    assert!(results[..3].iter().all(Result::is_ok), "{results:?}");
    assert!(
        matches!(results[3], Err(Error::Pagination { .. })),
        "{results:?}"
    );
    assert_eq!(server.requests().len(), 3);
}

// ---- unbounded reads ------------------------------------------------------------------------

#[tokio::test]
async fn an_endless_token_answer_stops_at_the_body_limit() {
    let server = Server::start(|_, _| Act::Trickle {
        head: b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
            .to_vec(),
        chunk: {
            let mut c = b"10000\r\n".to_vec();
            c.extend(std::iter::repeat_n(b'a', 0x10000));
            c.extend_from_slice(b"\r\n");
            c
        },
        pause: Duration::ZERO,
    })
    .await;
    let client = service_client(&server.base)
        .max_response_bytes(1 << 20)
        .build()
        .expect("client");
    match get_bucket(&client).await {
        Err(Error::ResponseTooLarge { status: 200, limit }) => assert_eq!(limit, 1 << 20),
        other => panic!("{other:?}"),
    }
}

// ---- token single flight --------------------------------------------------------------------

#[tokio::test]
async fn fifty_calls_against_a_failing_token_endpoint_make_at_most_four_token_requests() {
    let server = Server::start(|_, _| Act::Write {
        delay: Duration::from_millis(100),
        bytes: json("500 Internal Server Error", "application/json", "{}"),
    })
    .await;
    // The default retry policy: every call may try 4 times.
    let client = Client::builder()
        .base_url(&server.base)
        .service_account("mdb_sa_id_1", SECRET)
        .build()
        .expect("client");
    let calls = (0..50).map(|_| get_bucket(&client));
    let results = futures::future::join_all(calls).await;
    for result in &results {
        assert!(
            matches!(
                result,
                Err(Error::Auth {
                    kind: AuthErrorKind::TokenEndpoint,
                    ..
                })
            ),
            "{result:?}"
        );
    }
    let token_requests = server.count("/api/oauth/token");
    eprintln!("{token_requests} token requests for 50 calls");
    assert!(
        (1..=4).contains(&token_requests),
        "{token_requests} token requests"
    );
    assert_eq!(server.count(BUCKET), 0);
}

#[tokio::test]
async fn the_token_endpoints_retry_after_pauses_token_requests() {
    let server = Server::start(|seen, i| {
        now(match (seen.target.as_str(), i) {
            ("/api/oauth/token", 0) => answer(
                "503 Service Unavailable",
                &[("Retry-After", "2"), ("Content-Type", "application/json")],
                b"{}",
            ),
            ("/api/oauth/token", _) => token("3600"),
            _ => bucket_answer(),
        })
    })
    .await;
    let client = service_client(&server.base).build().expect("client");
    assert!(get_bucket(&client).await.is_err());
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let paused = get_bucket(&client).await;
    assert!(matches!(paused, Err(Error::Auth { .. })), "{paused:?}");
    assert_eq!(
        server.count("/api/oauth/token"),
        1,
        "no request during Retry-After"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    get_bucket(&client)
        .await
        .expect("token fetched after the pause");
    assert_eq!(server.count("/api/oauth/token"), 2);
}

// ---- redirects and deadlines ----------------------------------------------------------------

/// Server `foreign` answers everything with a token or a bucket and records what reached it.
async fn foreign_server() -> Server {
    Server::start(|seen, _| {
        now(if seen.target.contains("oauth") {
            token("3600")
        } else {
            bucket_answer()
        })
    })
    .await
}

fn redirect(status: &str, to: String) -> Vec<u8> {
    answer(status, &[("Location", &to)], b"")
}

#[tokio::test]
async fn token_requests_are_never_redirected_even_by_a_following_client() {
    for status in [
        "307 Temporary Redirect",
        "308 Permanent Redirect",
        "302 Found",
    ] {
        let foreign = foreign_server().await;
        let target = format!("{}/api/oauth/token", foreign.base);
        let server = Server::start(move |_, _| now(redirect(status, target.clone()))).await;
        let client = service_client(&server.base)
            .http_client(following_http_client())
            .build()
            .expect("client");
        match get_bucket(&client).await {
            Err(Error::Auth {
                kind: AuthErrorKind::Redirected,
                ..
            }) => {}
            other => panic!("{status}: {other:?}"),
        }
        // A 307/308 would replay the form and credential: reqwest cannot replay our body. A 302
        // becomes a GET without body and without `Authorization` (and its token is refused).
        for seen in foreign.requests() {
            assert_eq!(seen.method, "GET", "{status}: {seen:?}");
            assert!(seen.header("authorization").is_none(), "{status}: {seen:?}");
            assert!(seen.body.is_empty(), "{status}: {seen:?}");
        }
        if !status.starts_with("302") {
            assert!(foreign.requests().is_empty(), "{status}");
        }
    }
}

#[tokio::test]
async fn a_revoke_redirect_does_not_post_the_token_elsewhere() {
    let foreign = foreign_server().await;
    let target = format!("{}/api/oauth/revoke", foreign.base);
    let server = Server::start(move |seen, _| {
        now(match seen.target.as_str() {
            "/api/oauth/token" => token("3600"),
            "/api/oauth/revoke" => redirect("307 Temporary Redirect", target.clone()),
            _ => bucket_answer(),
        })
    })
    .await;
    let client = service_client(&server.base)
        .http_client(following_http_client())
        .build()
        .expect("client");
    get_bucket(&client).await.expect("a token");
    match bounded(client.revoke_token()).await {
        Err(Error::Auth {
            kind: AuthErrorKind::Redirected,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert!(foreign.requests().is_empty(), "{:?}", foreign.requests());
    let revoke = server
        .requests()
        .into_iter()
        .find(|s| s.target == "/api/oauth/revoke");
    assert!(revoke.expect("revoke sent").body.starts_with("token=tok-1"));
}

#[tokio::test]
async fn an_authenticated_request_redirected_to_another_origin_is_refused() {
    let foreign = foreign_server().await;
    let target = format!(
        "{}/api/atlas/v2/groups/{GROUP}/backup/exportBuckets/{BUCKET}",
        foreign.base
    );
    let server = Server::start(move |_, _| now(redirect("302 Found", target.clone()))).await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("secret-bearer-token")
        .http_client(following_http_client())
        .build()
        .expect("client");
    match get_bucket(&client).await {
        Err(Error::Auth {
            kind: AuthErrorKind::Redirected,
            status: Some(200),
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    for seen in foreign.requests() {
        assert!(seen.header("authorization").is_none(), "{seen:?}");
    }
}

#[tokio::test]
async fn a_slow_drip_body_hits_the_timeout_with_a_callers_client() {
    let server = Server::start(|_, _| Act::Trickle {
        head: format!("HTTP/1.1 200 OK\r\nContent-Type: {V2024}\r\nContent-Length: 100000\r\n\r\n")
            .into_bytes(),
        chunk: b" ".to_vec(),
        pause: Duration::from_millis(50),
    })
    .await;
    // A caller's client without any timeout of its own.
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(400))
        .retry_policy(quick_retries(1))
        .build()
        .expect("client");
    let result = get_bucket(&client).await;
    assert!(result.as_ref().is_err_and(Error::is_timeout), "{result:?}");
    // The total deadline bounds the retries too: the first attempt is cut at 500 ms, long before
    // its own 10 s timeout, and no retry starts after the deadline.
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_secs(10))
        .total_timeout(Duration::from_millis(500))
        .retry_policy(quick_retries(10))
        .build()
        .expect("client");
    let before = server.requests().len();
    let result = get_bucket(&client).await;
    assert!(result.as_ref().is_err_and(Error::is_timeout), "{result:?}");
    assert_eq!(
        result.as_ref().err().and_then(Error::attempts),
        Some(1),
        "{result:?}"
    );
    assert_eq!(server.requests().len(), before + 1);
}
