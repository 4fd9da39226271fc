//! Security schemes from the spec: API keys go where their scheme says, HTTP Basic is a header,
//! and the base URL comes from the first server with its variables settable.

use fixture_security::mock::MockServer;
use fixture_security::Client;

async fn sent_with(
    builder: fixture_security::ClientBuilder,
    server: &MockServer,
) -> (String, Vec<(String, String)>) {
    let call = server.on_list_items().respond(vec![]);
    builder.build().unwrap().list_items().send().await.unwrap();
    let sent = call.calls().pop().expect("one call");
    let query = sent.query.clone();
    (
        sent.headers
            .iter()
            .map(|(k, v)| format!("{k}: {v}\n"))
            .collect(),
        query,
    )
}

#[tokio::test]
async fn api_keys_go_where_their_scheme_says() {
    let server = MockServer::start().await;
    let (headers, _) = sent_with(server.client_builder().api_key("k-1"), &server).await;
    assert!(headers.contains("x-api-key: k-1\n"), "{headers}");

    let server = MockServer::start().await;
    let (_, query) = sent_with(
        server.client_builder().api_key_for("QueryKey", "k-2"),
        &server,
    )
    .await;
    assert_eq!(query, vec![("api_key".to_owned(), "k-2".to_owned())]);

    let server = MockServer::start().await;
    let (headers, _) = sent_with(
        server.client_builder().api_key_for("CookieKey", "k-3"),
        &server,
    )
    .await;
    assert!(headers.contains("cookie: session=k-3\n"), "{headers}");

    let server = MockServer::start().await;
    let (headers, _) = sent_with(server.client_builder().basic_auth("u", "p"), &server).await;
    assert!(headers.contains("authorization: Basic dTpw\n"), "{headers}");
}

#[tokio::test]
async fn unknown_scheme_and_secrets_in_debug() {
    let err = Client::builder()
        .api_key_for("Nope", "k")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("no apiKey scheme `Nope`"), "{err}");
    let builder = Client::builder().api_key("very-secret-key");
    let client = builder.clone().build().unwrap();
    for text in [format!("{builder:?}"), format!("{client:?}")] {
        assert!(!text.contains("very-secret-key"), "{text}");
    }
}

#[test]
fn base_url_from_the_first_server_and_its_variables() {
    assert_eq!(
        Client::builder().build().unwrap().base_url(),
        "https://us.example.test/v1"
    );
    let eu = Client::builder()
        .server_variable("region", "eu")
        .build()
        .unwrap();
    assert_eq!(eu.base_url(), "https://eu.example.test/v1");
    assert!(Client::builder()
        .server_variable("zone", "x")
        .build()
        .is_err());
}
