//! Object and `allowReserved` query parameters on the wire: deepObject brackets, exploded and
//! joined form objects, deepObject arrays, reserved characters left unencoded.

use std::collections::BTreeMap;

use fixture_object_parameters::mock::MockServer;
use fixture_object_parameters::types::{
    FindPetsColor, FindPetsFilter, FindPetsLinesItem, FindPetsPage, Sort,
};

#[tokio::test]
async fn objects_are_spread_over_the_query_by_style() {
    let server = MockServer::start().await;
    let find = server.on_find_pets().respond(());
    let filter = FindPetsFilter {
        name: Some("Rex & co".to_owned()),
        age: None,
        tags: Some(vec!["a".to_owned(), "b".to_owned()]),
    };
    let mut sort = Sort::new("age");
    sort.descending = Some(true);
    let meta = BTreeMap::from([("k".to_owned(), "v".to_owned())]);
    let page = FindPetsPage {
        limit: Some(10),
        cursor: Some("c1".to_owned()),
    };
    let color = FindPetsColor {
        r: Some(100),
        g: Some(200),
    };
    server
        .client()
        .find_pets()
        .filter(filter)
        .sort(sort)
        .meta(meta)
        .page(page)
        .color(color)
        .expand(["owner", "vet"])
        .lines(vec![FindPetsLinesItem {
            price: "p1".to_owned(),
            quantity: Some(2),
        }])
        .send()
        .await
        .unwrap();

    let sent = &find.calls()[0];
    let pairs: Vec<(&str, &str)> = sent
        .query
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("filter[name]", "Rex & co"),
            ("filter[tags][]", "a"),
            ("filter[tags][]", "b"),
            ("sort[descending]", "true"),
            ("sort[field]", "age"),
            ("meta[k]", "v"),
            ("cursor", "c1"),
            ("limit", "10"),
            ("color", "G,200,R,100"),
            ("expand[]", "owner"),
            ("expand[]", "vet"),
            ("lines[0][price]", "p1"),
            ("lines[0][quantity]", "2"),
        ]
    );
    // Brackets and separators are percent-encoded on the wire; the value's `&` too.
    assert!(
        sent.raw_query
            .starts_with("filter%5Bname%5D=Rex%20%26%20co&filter%5Btags%5D%5B%5D=a&"),
        "{}",
        sent.raw_query
    );
}

#[tokio::test]
async fn allow_reserved_sends_reserved_characters_unencoded() {
    let server = MockServer::start().await;
    let find = server.on_find_pets().respond(());
    server
        .client()
        .find_pets()
        .path("/a/b?x=1:2@3 ü#")
        .fields(["id", "name,first"])
        .send()
        .await
        .unwrap();
    let sent = &find.calls()[0];
    assert_eq!(
        sent.raw_query,
        "path=/a/b?x=1:2@3%20%C3%BC%23&fields=id,name,first"
    );
}

#[tokio::test]
async fn content_parameters_are_sent_as_json_text() {
    let server = MockServer::start().await;
    let find = server.on_find_pets().respond(());
    server
        .client()
        .find_pets()
        .where_(Sort {
            field: "name".to_owned(),
            descending: Some(true),
        })
        .x_labels(vec!["a".to_owned(), "b c".to_owned()])
        .send()
        .await
        .unwrap();
    let sent = &find.calls()[0];
    assert_eq!(
        sent.query,
        vec![(
            "where".to_owned(),
            r#"{"field":"name","descending":true}"#.to_owned()
        )]
    );
    assert_eq!(sent.header("x-labels"), Some(r#"["a","b c"]"#));
}
