//! Security schemes from the spec: one builder method per scheme kind (per apiKey scheme), API keys
//! go where their scheme says, HTTP Basic and bearer tokens are headers, and the base URL comes
//! from the first server with its variables settable.

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
    let (headers, _) = sent_with(server.client_builder().header_key("k-1"), &server).await;
    assert!(headers.contains("x-api-key: k-1\n"), "{headers}");

    // A scheme named `timeout` does not shadow the builder's `timeout` setting.
    let server = MockServer::start().await;
    let builder = server
        .client_builder()
        .timeout(std::time::Duration::from_secs(5))
        .timeout_key("k-0");
    let (headers, _) = sent_with(builder, &server).await;
    assert!(headers.contains("x-timeout-key: k-0\n"), "{headers}");

    let server = MockServer::start().await;
    let (_, query) = sent_with(server.client_builder().query_key("k-2"), &server).await;
    assert_eq!(query, vec![("api_key".to_owned(), "k-2".to_owned())]);

    let server = MockServer::start().await;
    let (headers, _) = sent_with(server.client_builder().cookie_key("k-3"), &server).await;
    assert!(headers.contains("cookie: session=k-3\n"), "{headers}");

    let server = MockServer::start().await;
    let (headers, _) = sent_with(server.client_builder().basic_auth("u", "p"), &server).await;
    assert!(headers.contains("authorization: Basic dTpw\n"), "{headers}");

    // `Bearer`, `Machine` (OAuth2) and `Oidc` share one setter: they all send a bearer token.
    let server = MockServer::start().await;
    let (headers, _) = sent_with(server.client_builder().bearer_token("t-9"), &server).await;
    assert!(headers.contains("authorization: Bearer t-9\n"), "{headers}");
}

#[tokio::test]
async fn secrets_stay_out_of_debug() {
    let builders = [
        Client::builder().header_key("very-secret-key"),
        Client::builder().digest_auth("user", "very-secret-key"),
        Client::builder().client_credentials("id", "very-secret-key"),
        Client::builder().basic_auth("user", "very-secret-key"),
    ];
    for builder in builders {
        let client = builder.clone().build().unwrap();
        for text in [format!("{builder:?}"), format!("{client:?}")] {
            assert!(
                text.contains("ClientBuilder") || text.contains("Client"),
                "{text}"
            );
            assert!(!text.contains("very-secret-key"), "{text}");
        }
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
