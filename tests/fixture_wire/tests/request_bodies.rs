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

/// The parts of a multipart body in order: (name, file name, content type, data).
fn parts_of(
    content_type: &str,
    body: &[u8],
) -> Vec<(String, Option<String>, Option<String>, String)> {
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("multipart content type with a boundary");
    let text = String::from_utf8_lossy(body).into_owned();
    let rest = text
        .strip_suffix(&format!("--{boundary}--\r\n"))
        .expect("closing boundary");
    rest.split(&format!("--{boundary}\r\n"))
        .filter(|p| !p.is_empty())
        .map(|part| {
            let (head, data) = part.split_once("\r\n\r\n").expect("part head");
            let header = |prefix: &str| {
                head.lines()
                    .find_map(|l| l.strip_prefix(prefix))
                    .map(str::to_owned)
            };
            let disposition = header("Content-Disposition: form-data; name=\"").unwrap();
            let (name, file) = match disposition.split_once("\"; filename=\"") {
                Some((name, file)) => {
                    (name.to_owned(), Some(file.trim_end_matches('"').to_owned()))
                }
                None => (disposition.trim_end_matches('"').to_owned(), None),
            };
            let data = data.strip_suffix("\r\n").unwrap_or(data).to_owned();
            (name, file, header("Content-Type: "), data)
        })
        .collect()
}

#[tokio::test]
async fn multipart_parts_typed_from_the_schema() {
    use fixture_request_bodies::types::UploadPhotoBodyMeta;
    use fixture_request_bodies::FilePart;

    let server = MockServer::start().await;
    let upload = server.on_upload_photo("p1").respond(());
    let taken = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    let meta = UploadPhotoBodyMeta {
        camera: Some("X100".to_owned()),
    };
    server
        .client()
        .upload_photo("p1")
        .caption("at the beach")
        .photo(b"PNG1".to_vec())
        .thumbnails([
            FilePart::new(&b"t1"[..])
                .file_name("t1.jpg")
                .content_type("image/jpeg"),
            FilePart::new(&b"t2"[..]),
        ])
        .rating(5)
        .tags(["sea".to_owned(), "sun".to_owned()])
        .taken(taken)
        .meta(meta)
        .send()
        .await
        .unwrap();
    let sent = &upload.calls()[0];
    let parts = parts_of(sent.header("content-type").unwrap(), &sent.body);
    let s = |v: &str| Some(v.to_owned());
    assert_eq!(
        parts,
        vec![
            ("caption".into(), None, None, "at the beach".into()),
            // The spec's `encoding` gives the photo's default type; no file name: `file`.
            ("photo".into(), s("file"), s("image/png"), "PNG1".into()),
            (
                "thumbnails".into(),
                s("t1.jpg"),
                s("image/jpeg"),
                "t1".into()
            ),
            (
                "thumbnails".into(),
                s("file"),
                s("application/octet-stream"),
                "t2".into()
            ),
            ("rating".into(), None, None, "5".into()),
            ("tags".into(), None, None, "sea".into()),
            ("tags".into(), None, None, "sun".into()),
            ("taken".into(), None, None, "2023-11-14T22:13:20Z".into()),
            (
                "meta".into(),
                None,
                s("application/json"),
                r#"{"camera":"X100"}"#.into()
            ),
        ]
    );

    // `photo` is required: refused before anything is sent.
    let err = server
        .client()
        .upload_photo("p1")
        .caption("no photo")
        .send()
        .await
        .unwrap_err();
    assert!(err.to_string().contains("photo"), "{err}");
    assert_eq!(upload.calls().len(), 1);
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

/// A `format: password` member is sent as given but never shown by `Debug`, neither in the body type
/// nor in the builder that holds it as a member; whether it is set stays visible.
#[tokio::test]
async fn password_members_are_sent_but_never_printed() {
    let server = MockServer::start().await;
    let json = server.on_create_pet().respond(Pet::default());
    let client = server.client();
    let mut pet = NewPet::new("Rex");
    pet.microchip_pin = Some("pin-4711".to_owned());
    let shown = format!("{pet:?} {pet:#?}");
    assert!(!shown.contains("pin-4711"), "{shown}");
    assert!(shown.contains("microchip_pin: Some([redacted])"), "{shown}");
    assert!(shown.contains(r#"name: "Rex""#), "{shown}");

    let builder = client.create_pet().name("Rex").microchip_pin("pin-4711");
    let shown = format!("{builder:?}");
    assert!(!shown.contains("pin-4711"), "{shown}");
    assert!(
        shown.contains("body_microchip_pin: Some([redacted])"),
        "{shown}"
    );
    builder.send().await.unwrap();
    let value: serde_json::Value = json.calls()[0].json().unwrap();
    assert_eq!(
        value,
        serde_json::json!({"name": "Rex", "microchipPin": "pin-4711"})
    );
    assert_eq!(
        format!("{:?}", NewPet::new("Rex")).matches("None").count(),
        2
    );
}
