//! The build-time client against its own mock server: a real HTTP call, answered and decoded.

use apigen_build_rs_example::petstore::mock::MockServer;
use apigen_build_rs_example::petstore::types::{NewPet, Pet};
use apigen_build_rs_example::petstore::Error;

fn rex() -> Pet {
    let born = "2021-03-04T05:06:07Z".parse().expect("a date-time");
    Pet {
        tag: Some("dog".into()),
        ..Pet::new(7, "Rex", born)
    }
}

#[tokio::test]
async fn get_pet_sends_the_path_and_key_and_decodes_the_answer() {
    let server = MockServer::start().await;
    let get = server.on_get_pet("7").respond(rex()).times(1);
    let client = server
        .client_builder()
        .api_key("secret-key")
        .build()
        .expect("a client");
    let pet = client.get_pet("7").send().await.expect("the pet");
    assert_eq!(pet, rex());
    let calls = get.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].header("x-api-key"), Some("secret-key"));
}

#[tokio::test]
async fn create_and_list_go_through_the_typed_bodies() {
    let server = MockServer::start().await;
    let create = server.on_create_pet().respond(rex());
    let list = server.on_list_pets().respond(vec![rex(), rex()]);
    let client = server.client();
    let created = client
        .create_pet()
        .body(NewPet::new("Rex"))
        .send()
        .await
        .expect("created");
    assert_eq!(created.id, 7);
    assert_eq!(create.bodies(), vec![NewPet::new("Rex")]);
    let pets = client.list_pets().limit(2).send().await.expect("listed");
    assert_eq!(pets.len(), 2);
    assert_eq!(list.calls()[0].query_value("limit"), Some("2"));
}

#[tokio::test]
async fn a_documented_error_keeps_its_status_and_body() {
    let server = MockServer::start().await;
    let body = apigen_build_rs_example::petstore::types::ErrorModel::new("not_found", "no pet 8");
    server.on_get_pet("8").respond_error(404, body);
    let err = server.client().get_pet("8").send().await.expect_err("404");
    assert_eq!(err.status(), Some(404));
    assert!(matches!(err, Error::Api(_)), "{err:?}");
}

#[test]
fn a_path_parameter_outside_its_pattern_is_refused_before_sending() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let err = runtime.block_on(async {
        let server = MockServer::start().await;
        let result = server.client().get_pet("seven").send().await;
        assert!(server.received().is_empty(), "nothing may be sent");
        result.expect_err("refused")
    });
    assert!(err.to_string().contains("petId"), "{err}");
}
