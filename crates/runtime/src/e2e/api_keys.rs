//! API keys on the wire: several at once (a requirement `{AppKey: [], AppToken: []}`), each where
//! its scheme says, next to an `Authorization` credential, and never in `Debug`.

use super::*;

static GET: Operation = Operation {
    operation_id: "listThings",
    method: Method::Get,
    path_template: "/things",
    media_type: "application/json",
};

/// What the server saw of one call made by `builder` (with `cookie` as a cookie parameter).
async fn seen_with(builder: ClientBuilder<Client>, cookie: Option<&str>) -> Seen {
    let server = Server::start(|_| reply(200, "{}"));
    let client = builder.base_url(&server.base).build().unwrap();
    let mut request = Request::new(&GET, "/things".into());
    request.cookie("lang", cookie);
    client
        .execute::<crate::testing::TestErrorBody>(request)
        .await
        .unwrap();
    let mut seen = server.requests();
    assert_eq!(seen.len(), 1, "{seen:?}");
    seen.remove(0)
}

#[tokio::test]
async fn every_key_set_is_sent_and_a_scheme_set_twice_keeps_the_last() {
    let builder = Client::builder()
        .api_key_for("KeyHeader", "s3cret-first")
        .api_key_for("TokenHeader", "s3cret-token")
        .api_key_for("KeyQuery", "s3cret-query")
        .api_key_for("KeyHeader", "s3cret-key");
    let seen = seen_with(builder, None).await;
    assert_eq!(seen.headers["x-api-key"], "s3cret-key", "{seen:?}");
    assert_eq!(seen.headers["x-api-token"], "s3cret-token", "{seen:?}");
    assert_eq!(seen.target, "/things?api_key=s3cret-query");
    assert!(!seen.headers.contains_key("authorization"), "{seen:?}");
}

#[tokio::test]
async fn keys_travel_with_a_bearer_token_and_cookies_share_one_header() {
    let builder = Client::builder()
        .api_key_for("SessionCookie", "s1")
        .bearer_token("t-1")
        .api_key_for("TenantCookie", "t2")
        .api_key("k-0");
    let seen = seen_with(builder, None).await;
    assert_eq!(seen.headers["authorization"], "Bearer t-1");
    assert_eq!(seen.headers["x-api-key"], "k-0");
    assert_eq!(seen.headers["cookie"], "session=s1; tenant=t2");

    // A cookie parameter of the operation and a cookie key: still one `Cookie` header.
    let builder = Client::builder().api_key_for("TenantCookie", "t2");
    let seen = seen_with(builder, Some("en")).await;
    assert_eq!(seen.headers["cookie"], "lang=en; tenant=t2");
}

#[tokio::test]
async fn a_key_for_an_undeclared_scheme_or_an_empty_key_is_refused_at_build() {
    for builder in [
        Client::builder()
            .api_key_for("KeyHeader", "k")
            .api_key_for("Nope", "k"),
        Client::builder().api_key_for("TokenHeader", ""),
        Client::builder().api_key_for("TokenHeader", "s3cret\nline"),
    ] {
        match builder.build() {
            Err(e @ crate::Error::InvalidConfig { .. }) => {
                assert!(!e.to_string().contains("s3cret"), "{e}")
            }
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn debug_names_the_schemes_and_no_key() {
    let builder = Client::builder()
        .api_key_for("KeyHeader", "s3cret-1")
        .api_key_for("KeyQuery", "s3cret-2")
        .api_key_for("SessionCookie", "s3cret-3")
        .bearer_token("s3cret-4");
    let text = format!("{builder:?}");
    assert!(!text.contains("s3cret"), "{text}");
    assert!(
        text.contains("KeyQuery") && text.contains("SessionCookie"),
        "{text}"
    );
    let client = builder.build().unwrap();
    let text = format!("{client:?} {client:#?}");
    assert!(!text.contains("s3cret"), "{text}");
    assert!(
        text.contains("KeyHeader") && text.contains("SessionCookie"),
        "{text}"
    );
}

#[tokio::test]
async fn a_transport_error_never_quotes_a_query_key() {
    // Nothing listens on port 9 of loopback: the connection is refused.
    let client = Client::builder()
        .base_url("http://127.0.0.1:9")
        .api_key_for("KeyHeader", "s3cret-h")
        .api_key_for("KeyQuery", "s3cret-q")
        .retry_policy(crate::RetryPolicy::none())
        .build()
        .unwrap();
    let error = client
        .execute::<crate::testing::TestErrorBody>(Request::new(&GET, "/things".into()))
        .await
        .expect_err("refused");
    let text = format!("{error} {error:?}");
    assert!(!text.contains("s3cret"), "{text}");
}
