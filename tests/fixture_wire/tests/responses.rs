//! Responses without a documented 2xx: `default` decodes any success, a redirect-only operation
//! returns its `Location`; the media type a method asks for is the one it was generated for.

use fixture_responses::mock::{MockResponse, MockServer};
use fixture_responses::types::Status;

#[tokio::test]
async fn default_only_operation_decodes_a_success() {
    let server = MockServer::start().await;
    server.on_get_status().respond(Status {
        state: Some("up".into()),
        ..Status::default()
    });
    let got = server.client().get_status().send().await.unwrap();
    assert_eq!(got.state.as_deref(), Some("up"));
}

#[tokio::test]
async fn redirect_only_operation_returns_the_location() {
    let server = MockServer::start().await;
    let call = server.on_authorize().respond_raw(MockResponse::new(
        302,
        [("location", "https://login.example/?c=1")],
        "",
    ));
    let location = server
        .client()
        .authorize()
        .client2("app")
        .send()
        .await
        .unwrap();
    assert_eq!(location.as_deref(), Some("https://login.example/?c=1"));
    assert_eq!(call.calls()[0].query_value("client"), Some("app"));
}

#[tokio::test]
async fn each_spelling_of_a_format_has_its_own_method() {
    let server = MockServer::start().await;
    let json = server.on_get_spellings().respond(Status::default());
    let vendor = server
        .on_get_spellings_as_application_vnd_example_json()
        .respond(Status::default());
    let client = server.client();
    client.get_spellings().send().await.unwrap();
    client
        .get_spellings_as_application_vnd_example_json()
        .send()
        .await
        .unwrap();
    assert_eq!(json.calls()[0].header("accept"), Some("application/json"));
    assert_eq!(
        vendor.calls()[0].header("accept"),
        Some("application/vnd.example+json")
    );
}

/// A 204 documented with JSON content: the empty answer is the success (HTTP gives 204 no body).
#[tokio::test]
async fn a_204_with_documented_content_is_empty() {
    let server = MockServer::start().await;
    let removed = server.on_remove().respond_raw(MockResponse::new(
        204,
        [("content-type", "application/json")],
        "",
    ));
    let got: () = server.client().remove().send().await.unwrap();
    assert_eq!(got, ());
    assert_eq!(removed.calls().len(), 1);
}
