//! Nothing is lost on the way through (issue 23): members the spec does not declare are kept as
//! received, in order, and written back, so reading a value, changing one field and sending it back
//! keeps what the server sent. `additionalProperties: false` refuses them in the strict profile and
//! keeps them (reported) in the lenient one; a declared map of other members keeps its type.

use fixture_undeclared_members::mock::{MockResponse, MockServer};
use fixture_undeclared_members::types::{Pet, Thing};
use fixture_undeclared_members::{Error, Undeclared};
use serde_json::{json, Value};

/// What the server sends: every declared member, plus members this spec does not know, at the top
/// level and inside `settings`, before and after the declared ones.
const THING: &str = r#"{"addedLater":{"deep":[1,2.5,null,"x"]},"id":"t-1","name":"old","settings":{"color":"red","shade":7},"size":3,"undeclared":"a member","_undeclared":"another","zLast":false}"#;

#[tokio::test]
async fn get_change_one_field_update_sends_back_every_undeclared_member() {
    let server = MockServer::start().await;
    server.on_get_thing("t-1").respond_raw(MockResponse::new(
        200,
        [("content-type", "application/json")],
        THING,
    ));
    let update = server.on_update_thing("t-1").respond_raw(MockResponse::new(
        200,
        [("content-type", "application/json")],
        THING,
    ));
    let client = server.client();

    let mut thing = client.get_thing("t-1").send().await.expect("decodes");
    // The accessor: raw JSON, in the order received; declared members (even ones named like the
    // field) are fields.
    assert_eq!(
        thing._undeclared.names().collect::<Vec<_>>(),
        ["addedLater", "zLast"]
    );
    assert_eq!(
        thing._undeclared.get("addedLater"),
        Some(&json!({"deep": [1, 2.5, null, "x"]}))
    );
    assert_eq!(thing.undeclared.as_deref(), Some("a member"));
    assert_eq!(thing.undeclared2.as_deref(), Some("another"));
    let settings = thing.settings.as_ref().expect("settings");
    assert_eq!(settings._undeclared.get("shade"), Some(&json!(7)));
    // Debug shows them too.
    assert!(format!("{thing:?}").contains(r#"_undeclared: {"addedLater""#));

    thing.name = "new".into();
    client
        .update_thing("t-1")
        .body(thing.clone())
        .send()
        .await
        .expect("updated");

    // Sent back: the change, every undeclared member in order after the declared ones, and not
    // the readOnly `id` (today's rule for a type sent and received).
    let sent = update.calls();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        std::str::from_utf8(&sent[0].body).unwrap(),
        r#"{"name":"new","size":3,"settings":{"color":"red","shade":7},"undeclared":"a member","_undeclared":"another","addedLater":{"deep":[1,2.5,null,"x"]},"zLast":false}"#
    );
    // The mock decodes what it received into the request type: nothing dropped there either.
    let bodies = update.bodies();
    assert_eq!(bodies[0]._undeclared, thing._undeclared);
    assert_eq!(
        bodies[0].settings.as_ref().map(|s| &s._undeclared),
        Some(&settings._undeclared)
    );
    // As JSON: the received body minus the readOnly member and with the one change.
    let mut expected: Value = serde_json::from_str(THING).unwrap();
    expected.as_object_mut().unwrap().remove("id");
    expected["name"] = json!("new");
    assert_eq!(sent[0].json::<Value>().unwrap(), expected);
}

#[tokio::test]
async fn a_value_built_in_code_carries_added_members_and_none_by_default() {
    let server = MockServer::start().await;
    let update = server.on_update_thing("t-2").respond(Thing::new("x"));
    let mut thing = Thing::new("plain");
    assert!(thing._undeclared.is_empty());
    thing._undeclared.insert("newFlag", json!(true));
    server
        .client()
        .update_thing("t-2")
        .body(thing)
        .send()
        .await
        .expect("updated");
    let sent = &update.calls()[0];
    assert_eq!(
        std::str::from_utf8(&sent.body).unwrap(),
        r#"{"name":"plain","newFlag":true}"#
    );
    let received: Undeclared = [("newFlag", json!(true))].into_iter().collect();
    assert_eq!(update.bodies()[0]._undeclared, received);
}

#[tokio::test]
async fn tagged_variants_keep_members_seen_before_and_after_the_tag() {
    let body = r#"[{"nick":"tom","kind":"cat","lives":9,"mood":{"a":1}},{"kind":"dog","good":true,"breed":"collie"},{"kind":"fox","sly":true}]"#;
    let server = MockServer::start().await;
    server.on_list_pets().respond_raw(MockResponse::new(
        200,
        [("content-type", "application/json")],
        body,
    ));
    let pets = server.client().list_pets().send().await.expect("decodes");
    let Pet::Cat(cat) = &pets[0] else {
        panic!("{:?}", pets[0])
    };
    assert_eq!(
        cat._undeclared.names().collect::<Vec<_>>(),
        ["nick", "mood"]
    );
    // A subtype declaring a typed map beside its tag keeps the others untyped.
    let Pet::Dog(dog) = &pets[1] else {
        panic!("{:?}", pets[1])
    };
    assert_eq!(dog._undeclared.get("breed"), Some(&json!("collie")));
    assert!(matches!(&pets[2], Pet::Unknown(_)));
    // Written back whole (as JSON: the tag is written first).
    let expected: Value = serde_json::from_str(body).unwrap();
    assert_eq!(serde_json::to_value(&pets).unwrap(), expected);
}

#[tokio::test]
async fn additional_properties_false_refuses_them_when_responses_are_strict() {
    let server = MockServer::start().await;
    server.on_get_sealed().respond_raw(MockResponse::new(
        200,
        [("content-type", "application/json")],
        r#"{"id":"s","extra":1}"#,
    ));
    match server.client().get_sealed().send().await {
        Err(Error::Decode { path, source, .. }) => {
            assert_eq!(path, ".");
            assert!(
                source
                    .to_string()
                    .contains("unknown field `extra`, expected `id`"),
                "{source}"
            );
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn additional_properties_false_keeps_them_when_responses_are_lenient() {
    use fixture_undeclared_members_lenient::mock::{
        MockResponse as LenientResponse, MockServer as LenientServer,
    };
    let body = r#"{"id":"s","inner":{"n":1,"m":2},"extra":[true]}"#;
    let server = LenientServer::start().await;
    server.on_get_sealed().respond_raw(LenientResponse::new(
        200,
        [("content-type", "application/json")],
        body,
    ));
    let sealed = server.client().get_sealed().send().await.expect("decodes");
    assert_eq!(sealed._undeclared.get("extra"), Some(&json!([true])));
    let inner = sealed.inner.as_ref().expect("inner");
    assert_eq!(inner._undeclared.get("m"), Some(&json!(2)));
    assert_eq!(
        serde_json::to_string(&sealed).unwrap(),
        r#"{"id":"s","inner":{"n":1,"m":2},"extra":[true]}"#
    );
}

#[tokio::test]
async fn a_declared_map_of_other_members_keeps_its_type() {
    let server = MockServer::start().await;
    server.on_get_counters().respond_raw(MockResponse::new(
        200,
        [("content-type", "application/json")],
        r#"{"total":3,"a":1,"b":2}"#,
    ));
    let counters = server
        .client()
        .get_counters()
        .send()
        .await
        .expect("decodes");
    assert_eq!(counters.additional_properties.get("b"), Some(&2));
    // A member that does not fit the map's type is an error, as before.
    let server = MockServer::start().await;
    server.on_get_counters().respond_raw(MockResponse::new(
        200,
        [("content-type", "application/json")],
        r#"{"total":3,"a":"x"}"#,
    ));
    assert!(matches!(
        server.client().get_counters().send().await,
        Err(Error::Decode { .. })
    ));
}
