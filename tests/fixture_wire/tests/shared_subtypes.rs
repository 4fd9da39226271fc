//! A schema that is a variant of two discriminated unions is one struct both enums wrap: a body
//! decodes through either union into equal values and is re-encoded as received. A subtype mapped
//! under two tags, or tagged by a different property in each union, keeps its tags as fields.

use fixture_shared_subtypes::mock::{MockResponse, MockServer};
use fixture_shared_subtypes::types::{
    AddInvocation, AddInvocationMethod, Attachment, BlurEffect, BlurEffectType, Effect, Invocation,
    Node, SubcanvasNode,
};
use serde_json::json;

fn frame_body() -> serde_json::Value {
    json!({
        "type": "FRAME", "id": "f1",
        "effects": [{"type": "BACKGROUND_BLUR", "radius": 4.0}, {"type": "DROP_SHADOW", "radius": 2.0}],
        "children": [{"type": "TEXT", "id": "t1", "characters": "hi"}]
    })
}

#[test]
fn a_frame_decodes_through_both_unions_into_the_same_struct() {
    let body = frame_body();
    let node: Node = serde_json::from_value(body.clone()).unwrap();
    let subcanvas: SubcanvasNode = serde_json::from_value(body.clone()).unwrap();
    let (Node::Frame(from_node), SubcanvasNode::Frame(from_subcanvas)) = (&node, &subcanvas) else {
        panic!("not frames: {node:?} / {subcanvas:?}");
    };
    assert_eq!(from_node, from_subcanvas);
    assert_eq!(from_node.id, "f1");
    let children = from_node.children.as_deref().unwrap();
    assert!(matches!(&children[0], SubcanvasNode::Text(t) if t.characters == "hi"));
    assert_eq!(serde_json::to_value(&node).unwrap(), body);
    assert_eq!(serde_json::to_value(&subcanvas).unwrap(), body);
    // The struct itself writes its one tag, whichever union holds it.
    assert_eq!(serde_json::to_value(from_node).unwrap(), body);
}

#[tokio::test]
async fn the_client_receives_and_sends_the_shared_struct_through_either_union() {
    let server = MockServer::start().await;
    server.on_get_node("f1").respond_raw(MockResponse::json(
        200,
        "application/json",
        &frame_body(),
    ));
    let add = server.on_add_to_canvas().respond_raw(MockResponse::json(
        200,
        "application/json",
        &frame_body(),
    ));
    let client = server.client();
    let Node::Frame(frame) = client.get_node("f1").send().await.unwrap() else {
        panic!("not a frame");
    };
    let echoed = client
        .add_to_canvas()
        .body(SubcanvasNode::from(frame.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(echoed, SubcanvasNode::Frame(frame));
    let sent: serde_json::Value = add.calls()[0].json().unwrap();
    assert_eq!(sent, frame_body());
}

#[test]
fn a_subtype_mapped_under_two_tags_keeps_the_tag_it_came_with() {
    for (tag, field) in [
        ("LAYER_BLUR", BlurEffectType::LayerBlur),
        ("BACKGROUND_BLUR", BlurEffectType::BackgroundBlur),
    ] {
        let body = json!({"type": tag, "radius": 3.0});
        let effect: Effect = serde_json::from_value(body.clone()).unwrap();
        let blur = BlurEffect::new(field, 3.0);
        let expected = match tag {
            "LAYER_BLUR" => Effect::LayerBlur(blur),
            _ => Effect::BackgroundBlur(blur),
        };
        assert_eq!(effect, expected);
        assert_eq!(effect.type_(), Some(tag));
        assert_eq!(serde_json::to_value(&effect).unwrap(), body);
    }
}

#[test]
fn a_subtype_tagged_by_two_properties_decodes_through_both_unions() {
    let body = json!({"type": "STICKER", "kind": "sticker", "id": "s1", "emoji": ":)"});
    let node: Node = serde_json::from_value(body.clone()).unwrap();
    let attachment: Attachment = serde_json::from_value(body.clone()).unwrap();
    let (Node::Sticker(a), Attachment::Sticker(b)) = (&node, &attachment) else {
        panic!("not stickers: {node:?} / {attachment:?}");
    };
    assert_eq!(a, b);
    assert_eq!(a.kind.as_deref(), Some("sticker"));
    assert_eq!(serde_json::to_value(&node).unwrap(), body);
    assert_eq!(serde_json::to_value(&attachment).unwrap(), body);
}

#[test]
fn a_tag_neither_union_lists_is_kept_as_received() {
    let body = json!({"type": "SLICE", "id": "x"});
    let node: Node = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(node, Node::Unknown(body.clone()));
    let subcanvas: SubcanvasNode = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(subcanvas, SubcanvasNode::Unknown(body.clone()));
    assert_eq!(serde_json::to_value(&subcanvas).unwrap(), body);
    // DOCUMENT is a Node but not a SubcanvasNode.
    let document = json!({"type": "DOCUMENT", "id": "0:0"});
    assert!(matches!(
        serde_json::from_value::<Node>(document.clone()).unwrap(),
        Node::Document(_)
    ));
    assert_eq!(
        serde_json::from_value::<SubcanvasNode>(document.clone()).unwrap(),
        SubcanvasNode::Unknown(document)
    );
}

#[test]
fn a_schema_whose_mapping_names_only_itself_is_one_struct_under_each_tag() {
    for (tag, method) in [
        ("Add.confirm", AddInvocationMethod::AddConfirm),
        ("Add.handle", AddInvocationMethod::AddHandle),
    ] {
        let body = json!({"method": tag, "item": "song"});
        let invocation: Invocation = serde_json::from_value(body.clone()).unwrap();
        let own = AddInvocation::new(method, "song");
        assert_eq!(invocation.method(), Some(tag));
        let (Invocation::AddConfirm(inner) | Invocation::AddHandle(inner)) = &invocation else {
            panic!("{invocation:?}");
        };
        assert_eq!(inner, &own);
        assert_eq!(
            serde_json::from_value::<AddInvocation>(body.clone()).unwrap(),
            own
        );
        assert_eq!(serde_json::to_value(&invocation).unwrap(), body);
    }
}
