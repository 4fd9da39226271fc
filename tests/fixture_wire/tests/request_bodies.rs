//! Request bodies on the wire: each media type is sent with its own `Content-Type` and encoding.

use fixture_request_bodies::mock::MockServer;
use fixture_request_bodies::types::{NewPet, Pet};
use fixture_request_bodies::Multipart;

#[tokio::test]
async fn json_and_form_bodies_of_one_schema() {
    let server = MockServer::start().await;
    let json = server.on_create_pet().respond(Pet::default());
    let form = server.on_create_pet_with_form().respond(Pet::default());
    let client = server.client();
    let mut pet = NewPet::new("Rex");
    pet.tags = Some(vec!["a b".to_owned(), "c&d".to_owned()]);
    client.create_pet().body(pet.clone()).send().await.unwrap();
    client
        .create_pet_with_form()
        .body(pet)
        .send()
        .await
        .unwrap();

    let sent = &json.calls()[0];
    assert_eq!(sent.header("content-type"), Some("application/json"));
    let value: serde_json::Value = sent.json().unwrap();
    assert_eq!(
        value,
        serde_json::json!({"name": "Rex", "tags": ["a b", "c&d"]})
    );

    let sent = &form.calls()[0];
    assert_eq!(
        sent.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(&sent.body[..], b"name=Rex&tags=a%20b&tags=c%26d");
}

#[tokio::test]
async fn multipart_text_and_file_parts() {
    let server = MockServer::start().await;
    let upload = server.on_upload_photo("p1").respond(());
    let body = Multipart::new().text("caption", "at the beach").file(
        "photo",
        &b"\x89PNG"[..],
        "beach.png",
        Some("image/png"),
    );
    server
        .client()
        .upload_photo("p1")
        .body(body)
        .send()
        .await
        .unwrap();

    let sent = &upload.calls()[0];
    let content_type = sent.header("content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart content type with a boundary");
    let text = String::from_utf8_lossy(&sent.body).into_owned();
    assert!(text.starts_with(&format!("--{boundary}\r\n")), "{text}");
    assert!(
        text.contains("name=\"caption\"\r\n\r\nat the beach\r\n"),
        "{text}"
    );
    assert!(
        text.contains("name=\"photo\"; filename=\"beach.png\"\r\nContent-Type: image/png\r\n\r\n\u{fffd}PNG\r\n"),
        "{text}"
    );
    assert!(text.ends_with(&format!("--{boundary}--\r\n")), "{text}");
}

#[tokio::test]
async fn bytes_text_and_xml_bodies_are_sent_as_given() {
    let server = MockServer::start().await;
    let blob = server
        .on_put_blob()
        .respond(fixture_request_bodies::types::PutBlobResponse::default());
    let note = server
        .on_add_note()
        .respond(fixture_request_bodies::types::AddNoteResponse::default());
    let report = server.on_post_report().respond(());
    let client = server.client();
    client
        .put_blob()
        .body(&b"\x00\x01\x02"[..])
        .send()
        .await
        .unwrap();
    client.add_note().body("hello").send().await.unwrap();
    client.post_report().body("<report/>").send().await.unwrap();

    let sent = &blob.calls()[0];
    assert_eq!(
        sent.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(&sent.body[..], b"\x00\x01\x02");
    let sent = &note.calls()[0];
    assert_eq!(sent.header("content-type"), Some("text/plain"));
    // The response is JSON although the request was text: the media types are independent.
    assert_eq!(sent.header("accept"), Some("application/json"));
    assert_eq!(&sent.body[..], b"hello");
    let sent = &report.calls()[0];
    assert_eq!(sent.header("content-type"), Some("application/xml"));
    assert_eq!(&sent.body[..], b"<report/>");
}
