//! Cookie parameters on the wire: one `Cookie` header, values percent-encoded where RFC 6265
//! forbids a character, array items comma-separated.

use fixture_cookie_parameter::mock::MockServer;

#[tokio::test]
async fn cookies_share_one_header() {
    let server = MockServer::start().await;
    let a = server.on_a().respond(());
    let client = server.client();
    client
        .a()
        .session("s 1;x=y")
        .ids([3, 4, 5])
        .beta(true)
        .send()
        .await
        .unwrap();
    client.a().send().await.unwrap();
    let calls = a.calls();
    assert_eq!(
        calls[0].header("cookie"),
        Some("session=s%201%3Bx%3Dy; ids=3,4,5; beta=true")
    );
    assert_eq!(calls[1].header("cookie"), None);
}
