//! A `oneOf` / `anyOf` without a discriminator whose alternatives require a member with a
//! different constant is a tagged enum: each body decodes into the alternative its constant names
//! and is re-encoded as received; an unknown or missing tag is kept as raw JSON in `Unknown`.

use fixture_const_tags::mock::{MockResponse, MockServer};
use fixture_const_tags::types::{
    Circle, CircleKind, ListEffectsResponse, Loose, MonotoneNoiseNoiseType, Noise, Paint, Shape,
    ShapeTriangle,
};
use serde_json::json;

#[test]
fn each_alternative_is_decoded_by_its_constant() {
    let cases = [
        (json!({"kind": "circle", "radius": 2.0}), "circle"),
        (json!({"radius": 2.0, "kind": "circle"}), "circle"),
        (json!({"kind": "square", "side": 3.0}), "square"),
        (
            json!({"points": [0.0, 1.5], "kind": "triangle"}),
            "triangle",
        ),
    ];
    for (body, tag) in cases {
        let shape: Shape = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(shape.kind(), Some(tag), "{body}");
        match (&shape, tag) {
            (Shape::Circle(c), "circle") => assert_eq!(c.radius, 2.0),
            (Shape::Square(s), "square") => assert_eq!(s.side, 3.0),
            (Shape::Triangle(t), "triangle") => {
                assert_eq!(t.points, [0.0, 1.5])
            }
            _ => panic!("{body} decoded as {shape:?}"),
        }
        assert_eq!(serde_json::to_value(&shape).unwrap(), body);
    }
}

#[test]
fn an_unknown_or_missing_tag_is_kept_as_received() {
    for body in [
        json!({"kind": "hexagon", "side": 1}),
        json!({"radius": 2.0}),
        json!("circle"),
    ] {
        let shape: Shape = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(shape, Shape::Unknown(body.clone()));
        assert_eq!(serde_json::to_value(&shape).unwrap(), body);
    }
    // A known tag whose members do not fit its alternative is an error, as for any struct.
    assert!(serde_json::from_value::<Shape>(json!({"kind": "circle", "radius": "big"})).is_err());
}

#[test]
fn the_constant_that_differs_is_the_tag_and_any_of_reads_as_one_of() {
    let body = json!({"type": "NOISE", "radius": 1.0, "noiseType": "MONOTONE"});
    let noise: Noise = serde_json::from_value(body.clone()).unwrap();
    let Noise::Monotone(monotone) = &noise else {
        panic!("{noise:?}")
    };
    assert_eq!(monotone.noise_type, MonotoneNoiseNoiseType::Monotone);
    assert_eq!(serde_json::to_value(&noise).unwrap(), body);
    let duotone =
        json!({"type": "NOISE", "radius": 1.0, "noiseType": "DUOTONE", "secondaryColor": "#fff"});
    assert!(
        matches!(serde_json::from_value(duotone).unwrap(), Noise::Duotone(d) if d.secondary_color == "#fff")
    );
    let paint: Paint = serde_json::from_value(json!({"type": "IMAGE", "url": "u"})).unwrap();
    assert!(
        matches!(&paint, Paint::Image(i) if i.url == "u"),
        "{paint:?}"
    );
    // Not required in every alternative: no tag, raw JSON (listed in FALLBACKS.md).
    let loose: Loose = json!({"kind": "b"});
    assert_eq!(loose, json!({"kind": "b"}));
}

#[tokio::test]
async fn the_client_sends_and_receives_tagged_alternatives() {
    let server = MockServer::start().await;
    let triangle = json!({"kind": "triangle", "points": [1.0]});
    let add =
        server
            .on_add_shape()
            .respond_raw(MockResponse::json(200, "application/json", &triangle));
    let circle = Circle::new(CircleKind::Circle, 4.0);
    let answer = server
        .client()
        .add_shape()
        .body(Shape::from(circle))
        .send()
        .await
        .unwrap();
    assert!(
        matches!(answer, Shape::Triangle(ShapeTriangle { ref points, .. }) if points == &[1.0])
    );
    let sent: serde_json::Value = add.calls()[0].json().unwrap();
    assert_eq!(sent, json!({"kind": "circle", "radius": 4.0}));
    let effects = json!({"noise": {"type": "NOISE", "noiseType": "DUOTONE", "radius": 0.5, "secondaryColor": "#000"}, "paint": {"type": "SOLID", "color": "red"}});
    server
        .on_list_effects()
        .respond_raw(MockResponse::json(200, "application/json", &effects));
    let got: ListEffectsResponse = server.client().list_effects().send().await.unwrap();
    assert!(matches!(got.noise, Some(Noise::Duotone(_))));
    assert!(matches!(got.paint, Some(Paint::Solid(_))));
    assert_eq!(serde_json::to_value(&got).unwrap(), effects);
}
