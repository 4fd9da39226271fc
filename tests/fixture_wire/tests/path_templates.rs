//! Path templates on the wire: the root and a trailing slash the template has are sent as written,
//! a path parameter that would empty a segment is still refused before sending, and a template's
//! `#` part (AWS documents key operations with it) never reaches the URL.

use fixture_path_templates::mock::MockServer;
use fixture_path_templates::types::ListThingsXAmzTarget;

#[tokio::test]
async fn the_root_and_a_trailing_slash_of_the_template_are_sent() {
    let server = MockServer::start().await;
    let root = server.on_root().respond(());
    let plans = server.on_put_plans().respond(());
    let template = server.on_plan_template("p 1").respond(());
    let client = server.client();
    client.root().send().await.unwrap();
    client.put_plans().send().await.unwrap();
    client.plan_template("p 1").send().await.unwrap();
    assert_eq!(root.calls()[0].path, "/");
    assert_eq!(plans.calls()[0].path, "/plans/");
    assert_eq!(template.calls()[0].path, "/plans/p%201/template/");
}

#[tokio::test]
async fn an_empty_path_parameter_is_refused_before_sending() {
    let server = MockServer::start().await;
    let client = server.client();
    // `/plans/{planId}/template/` would become `/plans//template/`, `/plans/{planId}` `/plans/`.
    for error in [
        client.plan_template("").send().await.unwrap_err(),
        client.get_plan("").send().await.unwrap_err(),
        client.thing_detail("").send().await.unwrap_err(),
    ] {
        assert!(error.is_invalid_request(), "{error:?}");
        assert!(error.to_string().contains("empty segment"), "{error}");
    }
    // Dot segments stay refused too.
    let error = client.get_plan("..").send().await.unwrap_err();
    assert!(error.is_invalid_request(), "{error:?}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_fragment_in_the_template_is_never_sent() {
    let server = MockServer::start().await;
    let configuration = server.on_get_configuration().respond(());
    let client = server.client();
    client
        .get_configuration()
        .configuration_token("t")
        .send()
        .await
        .unwrap();
    let sent = &configuration.calls()[0];
    assert_eq!(sent.path, "/configuration");
    assert_eq!(sent.raw_query, "configuration_token=t");

    let detail = server.on_thing_detail("a#b").respond(());
    client.thing_detail("a#b").send().await.unwrap();
    assert_eq!(detail.calls()[0].path, "/things/a%23b");

    let list = server.on_list_things().respond(());
    client
        .list_things()
        .x_amz_target(ListThingsXAmzTarget::ThingsListThings)
        .send()
        .await
        .unwrap();
    let sent = &list.calls()[0];
    assert_eq!(sent.path, "/");
    assert_eq!(sent.header("x-amz-target"), Some("Things.ListThings"));
}

#[tokio::test]
async fn two_operations_keyed_by_fragment_share_the_wire_path() {
    let server = MockServer::start().await;
    let session = server.on_get_session().respond(());
    server
        .client()
        .get_session()
        .session("s")
        .send()
        .await
        .unwrap();
    let sent = &session.calls()[0];
    assert_eq!(sent.path, "/configuration");
    assert_eq!(sent.query, [("session".to_owned(), "s".to_owned())]);
    assert_eq!(sent.operation_id, Some("getSession"));
}
