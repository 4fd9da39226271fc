//! The generic profile decodes responses as the spec says (issue 22): a required member is a plain
//! field, a body without it is `Error::Decode` naming where it is missing, with the status and
//! the whole body kept; a required nullable member must be present but may be `null`; `null` where
//! the spec allows none is an error too. The mock writes what strict types need, so its bodies decode.

use fixture_nullable_read_write::mock::{MockResponse, MockServer};
use fixture_nullable_read_write::types::{
    Problem, Thing, ThingRequest, ThingView, ThingViewPartsItem, ThingViewReview,
};
use fixture_nullable_read_write::Error;

const ID: &str = "8f1c3a52-3b5e-4c1f-9d2e-0a7b6c5d4e3f";

/// What `create_thing` gives for `body` (answered with 201 and JSON).
async fn create_thing_answered(body: &str) -> Result<ThingView, Error> {
    let server = MockServer::start().await;
    server.on_create_thing().respond_raw(MockResponse::new(
        201,
        [("content-type", "application/json")],
        body.to_owned(),
    ));
    send(&server).await
}

/// `create_thing` with a body (the mock matches the request's media type).
async fn send(server: &MockServer) -> Result<ThingView, Error> {
    let body = ThingRequest::new("thing");
    server.client().create_thing().body(body).send().await
}

/// The parts of an `Error::Decode`: (status, path, message, body).
fn decode_error(result: Result<ThingView, Error>) -> (u16, String, String, Vec<u8>) {
    match result {
        Err(Error::Decode {
            status,
            path,
            source,
            body,
            ..
        }) => (status, path, source.to_string(), body.to_vec()),
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_missing_required_member_is_a_decode_error_naming_its_path_with_the_body_kept() {
    let body = format!(r#"{{"id":"{ID}","label":null,"parts":[{{"n":1}},{{}}]}}"#);
    let (status, path, message, kept) = decode_error(create_thing_answered(&body).await);
    assert_eq!(status, 201);
    // The object that lacks it, and the member by name (serde's missing-field error).
    assert_eq!(path, "parts[1]");
    assert!(message.contains("missing field `n`"), "{message}");
    assert_eq!(kept, body.as_bytes());
    // At the top level: the path is the root, `.`.
    let body = r#"{"label":"x"}"#;
    let (_, path, message, kept) = decode_error(create_thing_answered(body).await);
    assert_eq!((path.as_str(), kept.as_slice()), (".", body.as_bytes()));
    assert!(message.contains("missing field `id`"), "{message}");
}

#[tokio::test]
async fn a_required_nullable_member_must_be_present_but_may_be_null() {
    let got = create_thing_answered(&format!(r#"{{"id":"{ID}","label":null}}"#))
        .await
        .unwrap();
    assert_eq!((got.id.to_string().as_str(), got.label), (ID, None));
    let (_, path, message, _) =
        decode_error(create_thing_answered(&format!(r#"{{"id":"{ID}"}}"#)).await);
    assert_eq!(path, ".");
    assert!(message.contains("missing field `label`"), "{message}");
}

#[tokio::test]
async fn a_struct_whose_only_member_is_required_and_nullable_is_built_by_default() {
    // Every member may be `None`, so the type derives `Default` (a `new()` would take nothing).
    assert_eq!(ThingViewReview::default().verdict, None);
    let got = create_thing_answered(&format!(
        r#"{{"id":"{ID}","label":null,"review":{{"verdict":null}}}}"#
    ))
    .await
    .unwrap();
    assert_eq!(got.review, Some(ThingViewReview::default()));
    // Still present-or-error when decoding.
    let body = format!(r#"{{"id":"{ID}","label":null,"review":{{}}}}"#);
    let (_, path, message, _) = decode_error(create_thing_answered(&body).await);
    assert_eq!(path, "review");
    assert!(message.contains("missing field `verdict`"), "{message}");
}

#[tokio::test]
async fn null_where_the_spec_allows_none_is_a_decode_error() {
    // `id` is required and not nullable; `parts` is optional and not nullable.
    let (_, path, message, _) =
        decode_error(create_thing_answered(r#"{"id":null,"label":null}"#).await);
    assert_eq!(path, "id");
    assert!(message.contains("invalid type: null"), "{message}");
    let body = format!(r#"{{"id":"{ID}","label":null,"parts":null}}"#);
    let (_, path, _, _) = decode_error(create_thing_answered(&body).await);
    assert_eq!(path, "parts");
}

#[tokio::test]
async fn the_mock_writes_bodies_strict_types_decode() {
    let server = MockServer::start().await;
    let mut answer = ThingView::new(ID.parse().unwrap());
    answer.parts = Some(vec![ThingViewPartsItem::new(3)]);
    server.on_create_thing().respond(answer.clone());
    let got = send(&server).await.unwrap();
    // `label` is `None` and required: written as `null`, so it decodes again.
    assert_eq!(got, answer);
}

#[tokio::test]
async fn an_error_body_with_a_required_member_gives_its_roles() {
    let server = MockServer::start().await;
    let mut problem = Problem::new("name taken");
    problem.code = Some("TAKEN".into());
    server.on_put_thing().respond_error(400, problem);
    let error = server
        .client()
        .put_thing()
        .body(Thing::new("thing"))
        .send()
        .await
        .unwrap_err();
    let failure = error.api().expect("an API failure");
    assert_eq!(
        (failure.detail(), failure.error_code()),
        (Some("name taken"), Some("TAKEN"))
    );
}
