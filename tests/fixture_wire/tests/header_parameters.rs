//! Header parameters of every scalar type on the wire.

use fixture_header_parameters::mock::MockServer;
use fixture_header_parameters::types::HeadersXMode;

#[tokio::test]
async fn every_scalar_type_is_sent_as_text() {
    let server = MockServer::start().await;
    let headers = server.on_headers().respond(());
    let since = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let day = chrono::NaiveDate::from_ymd_opt(2024, 2, 29).unwrap();
    let id = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);
    server
        .client()
        .headers()
        .x_count(3)
        .x_ratio(0.25)
        .x_flag(false)
        .x_mode(HeadersXMode::Safe)
        .if_modified_since(since)
        .x_request_id(id)
        .x_day(day)
        .x_big(i64::MAX)
        .send()
        .await
        .unwrap();
    let sent = &headers.calls()[0];
    assert_eq!(sent.header("x-count"), Some("3"));
    assert_eq!(sent.header("x-ratio"), Some("0.25"));
    assert_eq!(sent.header("x-flag"), Some("false"));
    assert_eq!(sent.header("x-mode"), Some("safe"));
    assert_eq!(
        sent.header("if-modified-since"),
        Some("2023-11-14T22:13:20Z")
    );
    assert_eq!(
        sent.header("x-request-id"),
        Some("01234567-89ab-cdef-0123-456789abcdef")
    );
    assert_eq!(sent.header("x-day"), Some("2024-02-29"));
    assert_eq!(sent.header("x-big"), Some("9223372036854775807"));
}

#[tokio::test]
async fn required_header_and_bounds_are_checked_before_sending() {
    let server = MockServer::start().await;
    let client = server.client();
    let missing = client.headers().send().await.unwrap_err();
    assert!(missing.is_invalid_request(), "{missing:?}");
    let below = client
        .headers()
        .x_request_id(uuid::Uuid::nil())
        .x_count(0)
        .send()
        .await
        .unwrap_err();
    assert!(below.is_invalid_request(), "{below:?}");
    assert!(server.received().is_empty());
}

/// OpenAPI says to ignore header parameters named `Authorization`, `Accept` and `Content-Type`:
/// the builder has no setter for them, a required `Authorization` does not block `send()`, and the
/// request carries exactly the bearer credential and the media type.
#[tokio::test]
async fn authorization_accept_and_content_type_parameters_are_ignored() {
    let server = MockServer::start().await;
    let signed = server.on_signed().respond(());
    let client: fixture_header_parameters::Client = server
        .client_builder()
        .bearer_token("t0ken")
        .build()
        .unwrap();
    client.signed().x_trace("abc").send().await.unwrap();
    let sent = &signed.calls()[0];
    assert_eq!(sent.header("authorization"), Some("Bearer t0ken"));
    assert_eq!(sent.header("x-trace"), Some("abc"));
    assert_eq!(sent.header("content-type"), None);
}
