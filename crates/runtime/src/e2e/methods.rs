//! HEAD, OPTIONS and TRACE on the wire: the method the server sees, HEAD's answer without a body,
//! and retries like GET (they are safe methods, RFC 9110 §9.2.1).

use std::sync::Mutex;

use super::*;

static HEAD: Operation = Operation {
    operation_id: "headThing",
    method: Method::Head,
    path_template: "/things/{id}",
    media_type: "application/json",
};
static OPTIONS: Operation = Operation {
    operation_id: "optionsThings",
    method: Method::Options,
    path_template: "/things",
    media_type: "application/json",
};
static TRACE: Operation = Operation {
    operation_id: "traceThings",
    method: Method::Trace,
    path_template: "/things",
    media_type: "message/http",
};

#[tokio::test]
async fn head_options_and_trace_are_sent_with_their_method() {
    let first_head = Mutex::new(true);
    let server = Server::start(move |seen| match seen.method.as_str() {
        // The first HEAD is refused with 503: a safe method is retried.
        "HEAD" if std::mem::take(&mut *first_head.lock().unwrap()) => reply(503, ""),
        "HEAD" => reply(200, ""),
        "OPTIONS" => reply(200, r#"{"allow":["GET","HEAD"]}"#),
        "TRACE" => Reply {
            status: 200,
            headers: vec![("Content-Type", "message/http".into())],
            body: "TRACE /things HTTP/1.1\r\n".into(),
        },
        _ => reply(405, ""),
    });
    let client = Client::builder()
        .base_url(&server.base)
        .retry_policy(fast_retries())
        .build()
        .unwrap();

    let head = client
        .execute::<crate::testing::TestErrorBody>(Request::new(&HEAD, "/things/7".into()))
        .await
        .unwrap();
    head.empty().unwrap();
    let options: serde_json::Value = client
        .execute::<crate::testing::TestErrorBody>(Request::new(&OPTIONS, "/things".into()))
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(options, serde_json::json!({"allow": ["GET", "HEAD"]}));
    let trace = client
        .execute::<crate::testing::TestErrorBody>(Request::new(&TRACE, "/things".into()))
        .await
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(trace, "TRACE /things HTTP/1.1\r\n");

    let seen: Vec<(String, String)> = server
        .requests()
        .into_iter()
        .map(|s| (s.method, s.target))
        .collect();
    let expected = [
        ("HEAD", "/things/7"),
        ("HEAD", "/things/7"),
        ("OPTIONS", "/things"),
        ("TRACE", "/things"),
    ];
    assert_eq!(seen, expected.map(|(m, t)| (m.to_string(), t.to_string())),);
}
