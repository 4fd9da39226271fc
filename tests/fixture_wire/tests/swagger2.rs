//! Swagger 2.0 documents on the wire: each `collectionFormat` writes its separator, formData
//! parameters are one form or multipart body, a body parameter is the JSON body, and `x-nullable`
//! and the 2.0 discriminator decode.

use fixture_swagger2_models::mock::{MockResponse, MockServer as ModelsServer};
use fixture_swagger2_models::types::{Dog, Pet};
use fixture_swagger2_parameters::mock::MockServer;
use fixture_swagger2_parameters::FilePart;

#[tokio::test]
async fn collection_formats_write_their_separators() {
    let server = MockServer::start().await;
    let list = server.on_list_items([1, 2]).respond(vec![]);
    server
        .client()
        .list_items([1, 2])
        .tags(["a", "b"])
        .fields(["x", "y"])
        .words(["w1", "w2"])
        .x_trace(["t1".to_owned(), "t2".to_owned()])
        .send()
        .await
        .unwrap();
    let sent = &list.calls()[0];
    // multi: the name repeated; csv (the default): `,`; ssv: ` `; header csv: `,`.
    let tags: Vec<&str> = sent
        .query
        .iter()
        .filter(|(n, _)| n == "tags")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(tags, ["a", "b"]);
    assert_eq!(sent.query_value("fields"), Some("x,y"));
    assert_eq!(sent.query_value("words"), Some("w1 w2"));
    assert_eq!(sent.header("x-trace"), Some("t1,t2"));
    assert_eq!(sent.path, "/items/1,2");
}

#[tokio::test]
async fn pipes_join_enum_items_with_a_bar() {
    use fixture_swagger2_parameters::types::ListItemsSortItem;
    let server = MockServer::start().await;
    let list = server.on_list_items([3]).respond(vec!["ok".to_owned()]);
    let items = server
        .client()
        .list_items([3])
        .sort([ListItemsSortItem::Name, ListItemsSortItem::Date])
        .send()
        .await
        .unwrap();
    assert_eq!(items, ["ok"]);
    assert_eq!(list.calls()[0].query_value("sort"), Some("name|date"));
}

#[tokio::test]
async fn form_data_parameters_are_one_urlencoded_body() {
    let server = MockServer::start().await;
    let login = server.on_login().respond(());
    server
        .client()
        .login()
        .user("ann")
        .scopes(["read".to_owned(), "write".to_owned()])
        .remember(true)
        .send()
        .await
        .unwrap();
    let sent = &login.calls()[0];
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    // One field per parameter (members in the body type's order), `multi` repeating the array's.
    assert_eq!(
        &sent.body[..],
        b"remember=true&scopes=read&scopes=write&user=ann"
    );
}

#[tokio::test]
async fn a_file_parameter_makes_the_body_multipart() {
    let server = MockServer::start().await;
    let upload = server.on_upload_file().respond(());
    server
        .client()
        .upload_file()
        .file(FilePart::new(&b"DATA"[..]).file_name("a.txt"))
        .note("first")
        .send()
        .await
        .unwrap();
    let sent = &upload.calls()[0];
    let content_type = sent.header("content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let text = String::from_utf8_lossy(&sent.body);
    assert!(
        text.contains("name=\"file\"; filename=\"a.txt\"\r\n"),
        "{text}"
    );
    assert!(text.contains("\r\n\r\nDATA\r\n"), "{text}");
    assert!(text.contains("name=\"note\"\r\n\r\nfirst\r\n"), "{text}");
}

#[tokio::test]
async fn a_body_parameter_is_the_json_body_and_x_nullable_decodes_null() {
    let server = ModelsServer::start().await;
    let reply = serde_json::json!({"kind": "Dog", "name": "Rex", "owner": null, "barks": true});
    let create =
        server
            .on_create_pet()
            .respond_raw(MockResponse::json(201, "application/json", &reply));
    let dog = Dog {
        barks: Some(true),
        ..Dog::new("Rex")
    };
    let created = server
        .client()
        .create_pet()
        .body(Pet::Dog(dog))
        .send()
        .await
        .unwrap();
    let sent: serde_json::Value = create.calls()[0].json().unwrap();
    assert_eq!(
        sent,
        serde_json::json!({"kind": "Dog", "name": "Rex", "barks": true})
    );
    let Pet::Dog(dog) = created else {
        panic!("the 2.0 discriminator names the definition: {created:?}");
    };
    assert_eq!((dog.owner, dog.barks), (None, Some(true)));
}
