//! Number, boolean and array path parameters on the wire, in the simple, label and matrix styles,
//! each value percent-encoded like a string segment.

use fixture_path_parameters::mock::MockServer;
use fixture_path_parameters::types::Kind;

#[tokio::test]
async fn numbers_and_booleans_fill_their_segments() {
    let server = MockServer::start().await;
    let nearest = server.on_nearest(-33.5, 151.25, true).respond(());
    server
        .client()
        .nearest(-33.5, 151.25, true)
        .send()
        .await
        .unwrap();
    assert_eq!(nearest.calls()[0].path, "/near/-33.5/151.25/true");
}

#[tokio::test]
async fn arrays_are_comma_separated_with_each_item_encoded() {
    let server = MockServer::start().await;
    let items = server
        .on_items([1, 2, 3], ["a b", "c/d", "e,f"])
        .respond(());
    server
        .client()
        .items([1, 2, 3], ["a b", "c/d", "e,f"])
        .send()
        .await
        .unwrap();
    assert_eq!(items.calls()[0].path, "/items/1,2,3/tags/a%20b,c%2Fd,e%2Cf");
}

#[tokio::test]
async fn label_and_matrix_styles() {
    let server = MockServer::start().await;
    let colors = server
        .on_colors([Kind::Warm, Kind::Cold], ["x", "y"], 7)
        .respond(());
    server
        .client()
        .colors([Kind::Warm, Kind::Cold], ["x", "y"], 7)
        .send()
        .await
        .unwrap();
    assert_eq!(colors.calls()[0].path, "/colors/warm,cold.x.y;matrix=7");
}

#[tokio::test]
async fn an_empty_array_is_refused_before_sending() {
    let server = MockServer::start().await;
    let error = server
        .client()
        .items(Vec::<i64>::new(), ["a"])
        .send()
        .await
        .unwrap_err();
    assert!(error.is_invalid_request(), "{error:?}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_path_parameter_of_scalar_alternatives_is_text() {
    let server = MockServer::start().await;
    let by_id = server.on_get_workflow("42").respond(());
    let by_name = server.on_get_workflow("ci build.yml").respond(());
    let client = server.client();
    client.get_workflow(42.to_string()).send().await.unwrap();
    client.get_workflow("ci build.yml").send().await.unwrap();
    assert_eq!(by_id.calls()[0].path, "/workflows/42");
    assert_eq!(by_name.calls()[0].path, "/workflows/ci%20build.yml");
}
