//! The client against servers that misbehave on purpose (issue 12), part 2: compression, retries
//! and auth errors, pagination cycles, waiter states. See `hostile_server.rs` for part 1.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use atlas_backup_exports::{Client, Error};
use atlas_backup_exports::{TransportKind, WaitError};
use atlas_exports_tests::hostile::*;
use futures::StreamExt;

// ---- compression ----------------------------------------------------------------------------

fn gzip(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).expect("compress");
    encoder.finish().expect("compress")
}

#[tokio::test]
async fn gzip_answers_are_asked_for_and_decoded() {
    let server = Server::start(|_, _| {
        now(answer(
            "200 OK",
            &[("Content-Type", V2024), ("Content-Encoding", "gzip")],
            &gzip(BUCKET_BODY.as_bytes()),
        ))
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    let bucket = bounded(client.get_export_bucket(GROUP, BUCKET).send())
        .await
        .expect("decoded");
    assert_eq!(bucket.cloud_provider(), Some("AWS"));
    let seen = &server.requests()[0];
    assert_eq!(seen.header("accept-encoding").as_deref(), Some("gzip"));
}

#[tokio::test]
async fn a_gzip_bomb_ends_in_response_too_large() {
    // 256 MiB of zeros in ~250 KiB; the limit is 1 MiB of decoded data.
    let bomb = Arc::new(gzip(&vec![0u8; 256 << 20]));
    assert!(bomb.len() < 2 << 20, "{}", bomb.len());
    let body = bomb.clone();
    let server = Server::start(move |_, _| {
        now(answer(
            "200 OK",
            &[("Content-Type", V2024), ("Content-Encoding", "gzip")],
            &body,
        ))
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .max_response_bytes(1 << 20)
        .build()
        .expect("client");
    match get_bucket(&client).await {
        Err(Error::ResponseTooLarge { status: 200, limit }) => assert_eq!(limit, 1 << 20),
        other => panic!("{other:?}"),
    }
    let corrupt = Server::start(|_, _| {
        now(answer(
            "200 OK",
            &[("Content-Type", V2024), ("Content-Encoding", "br")],
            b"\x0b\x02\x80{}\x03",
        ))
    })
    .await;
    let client = Client::builder()
        .base_url(&corrupt.base)
        .bearer_token("t")
        .build()
        .expect("client");
    match get_bucket(&client).await {
        Err(e @ Error::Decode { status: 200, .. }) => {
            assert!(e.to_string().contains("Content-Encoding `br`"), "{e}")
        }
        other => panic!("{other:?}"),
    }
}

// ---- retries and auth errors ----------------------------------------------------------------

#[tokio::test]
async fn an_oversized_response_head_is_not_retried() {
    let server = Server::start(|_, _| {
        let mut head = b"HTTP/1.1 200 OK\r\nX-Junk: ".to_vec();
        head.extend(std::iter::repeat_n(b'a', 10 << 20));
        head.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
        now(head)
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .retry_policy(quick_retries(4))
        .build()
        .expect("client");
    match get_bucket(&client).await {
        Err(Error::Transport {
            kind: TransportKind::Other,
            attempts: 1,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn auth_errors_never_quote_an_echoed_credential() {
    let server = Server::start(|seen, _| {
        let echo = format!(
            "you sent {} with {} and {SECRET}",
            seen.header("authorization").unwrap_or_default(),
            seen.body
        );
        now(json("401 Unauthorized", "text/plain", &echo))
    })
    .await;
    let client = service_client(&server.base).build().expect("client");
    let error = get_bucket(&client).await.expect_err("refused");
    let text = format!("{error} {error:?}");
    let basic = server.requests()[0]
        .header("authorization")
        .expect("basic credential sent");
    let encoded = basic.trim_start_matches("Basic ");
    assert!(!text.contains(encoded), "{text}");
    assert!(!text.contains("s3cret"), "{text}");
    assert!(text.contains("you sent [redacted]"), "{text}");
}

// ---- pagination -----------------------------------------------------------------------------

#[tokio::test]
async fn pages_alternating_a_b_end_with_a_pagination_error() {
    let server = Server::start(|_, i| {
        let id = if i % 2 == 0 { "a" } else { "b" };
        let body = format!(
            r#"{{"results":[{{"id":"{id}"}}],"links":[{{"rel":"next","href":"x"}}],"totalCount":100}}"#
        );
        now(json("200 OK", V2023, &body))
    })
    .await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    let results = bounded(
        client
            .list_backup_exports(GROUP, CLUSTER)
            .items_per_page(1)
            .into_pages()
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(results.len(), 3, "{results:?}");
    match &results[2] {
        Err(Error::Pagination { page: 3, .. }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn max_pages_ends_an_endless_listing_and_total_count_takes_any_integer() {
    let server = Server::start(|seen, _| now(endless_page(seen))).await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    let results = bounded(
        client
            .list_backup_exports(GROUP, CLUSTER)
            .items_per_page(1)
            .max_pages(5)
            .into_pages()
            .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(results.len(), 6, "{results:?}");
    let first = results[0].as_ref().expect("page decodes");
    assert_eq!(first.total_count, Some(3_000_000_000));
    assert!(
        matches!(results[5], Err(Error::Pagination { page: 6, .. })),
        "{results:?}"
    );
    assert_eq!(server.requests().len(), 5);
}

// ---- waiter ---------------------------------------------------------------------------------

#[tokio::test]
async fn an_unknown_waiter_state_reaches_progress_and_can_end_the_wait() {
    let start = || {
        Server::start(|_, i| {
            now(json(
                "200 OK",
                V2023,
                &job(if i == 0 { "Archiving" } else { "Successful" }),
            ))
        })
    };
    let server = start().await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    let states = Arc::new(Mutex::new(Vec::new()));
    let log = states.clone();
    let done = bounded(
        client
            .wait_for_backup_export(GROUP, CLUSTER, EXPORT)
            .poll_interval(Duration::from_millis(5))
            .on_progress(move |job| {
                let state = job.state.as_ref().map(|s| s.as_str().to_owned());
                log.lock().expect("lock").push(state.unwrap_or_default());
            })
            .wait(),
    )
    .await;
    assert!(done.is_ok(), "{done:?}");
    assert_eq!(*states.lock().expect("lock"), ["Archiving", "Successful"]);

    let server = start().await;
    let client = Client::builder()
        .base_url(&server.base)
        .bearer_token("t")
        .build()
        .expect("client");
    match bounded(
        client
            .wait_for_backup_export(GROUP, CLUSTER, EXPORT)
            .fail_on_unknown_state(true)
            .wait(),
    )
    .await
    {
        Err(WaitError::UnknownState { state, resource }) => {
            assert_eq!(state, "Archiving");
            assert_eq!(resource.id.as_deref(), Some(EXPORT));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(server.requests().len(), 1);
}
