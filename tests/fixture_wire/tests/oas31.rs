//! OpenAPI 3.1 documents on the wire: every spelling of null decodes to `None`, `const` is an enum
//! value, a type array is told apart by JSON type, strict integer bounds are checked before
//! sending, and a webhook payload decodes into its generated type.

use fixture_oas31_references::types::{Tree, TreeFelledWebhook, TreeSpecies};
use fixture_oas31_schemas::mock::{MockResponse, MockServer};
use fixture_oas31_schemas::types::{Pet, PetId, PetKind, PetTag};

#[tokio::test]
async fn null_in_every_spelling_decodes_to_none() {
    let server = MockServer::start().await;
    let body = serde_json::json!({
        "kind": "pet", "name": "Rex", "nickname": null, "age": null, "owner": null,
        "tag": null, "id": 7, "nothing": null, "weight": 1.5
    });
    server
        .on_put_pet()
        .respond_raw(MockResponse::json(200, "application/json", &body));
    let pet = server
        .client()
        .put_pet()
        .body(Pet::new(PetKind::Pet, "Rex"))
        .send()
        .await
        .unwrap();
    assert_eq!((pet.kind, pet.name.as_str()), (PetKind::Pet, "Rex"));
    assert_eq!(
        (pet.nickname, pet.age, pet.owner, pet.tag),
        (None, None, None, None)
    );
    assert_eq!(pet.id, Some(PetId::Integer(7)));
    assert_eq!(pet.nothing, None);
}

#[tokio::test]
async fn type_arrays_and_const_are_sent_as_the_spec_says() {
    let server = MockServer::start().await;
    let put = server.on_put_pet().respond(Pet::new(PetKind::Pet, "Rex"));
    let pet = Pet {
        id: Some(PetId::String("p-1".into())),
        tag: Some(PetTag::Integer(3)),
        ..Pet::new(PetKind::Pet, "Rex")
    };
    server.client().put_pet().body(pet).send().await.unwrap();
    let sent: serde_json::Value = put.calls()[0].json().unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"kind": "pet", "name": "Rex", "id": "p-1", "tag": 3})
    );
}

#[tokio::test]
async fn strict_integer_bounds_are_checked_before_sending() {
    let server = MockServer::start().await;
    let photo = server.on_get_photo(1).respond(());
    let client = server.client();
    // `exclusiveMinimum: 0` and `exclusiveMaximum: 1025`: 0 and 1025 are out, 1 and 1024 in.
    for out in [0, 1025] {
        let error = client.get_photo(1).size(out).send().await.unwrap_err();
        assert!(error.to_string().contains("size"), "{error}");
    }
    client.get_photo(1).size(1).send().await.unwrap();
    client.get_photo(1).size(1024).send().await.unwrap();
    let sizes: Vec<_> = photo
        .calls()
        .iter()
        .map(|c| c.query_value("size").map(str::to_owned))
        .collect();
    assert_eq!(sizes, [Some("1".to_owned()), Some("1024".to_owned())]);
}

#[test]
// `height` is deprecated by an annotation beside its `$ref`: the field carries it.
#[allow(deprecated)]
fn a_webhook_delivery_decodes_into_its_payload_type() {
    let delivery = r#"{"tree": {"species": "oak", "height": {"metres": 12.5, "unit": "m"},
        "children": [{"species": "ash"}]}, "at": "2024-05-01T10:00:00Z"}"#;
    let payload: TreeFelledWebhook = serde_json::from_str(delivery).unwrap();
    let tree: Tree = payload.tree;
    assert_eq!(tree.species, Some(TreeSpecies::Oak));
    let height = tree.height.unwrap();
    assert_eq!(
        (height.metres, height.unit.as_deref()),
        (Some(12.5), Some("m"))
    );
    assert_eq!(tree.children.unwrap()[0].species, Some(TreeSpecies::Ash));
    assert!(payload.at.is_some());
}
