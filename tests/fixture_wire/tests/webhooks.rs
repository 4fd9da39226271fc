//! Webhook deliveries decoded by the generated `webhooks` module: a good delivery becomes the
//! expected value; each kind of bad request is refused with its error kind and the body's start.

use fixture_webhooks::types::{
    OrderShippedHeadersXRegion, RefundWebhook, Shipment, ShipmentItemsItem,
};
use fixture_webhooks::webhooks::{
    HeaderMap, OrderShippedDelivery, OrderShippedHeaders, RefundDelivery, Webhook,
    WebhookErrorKind, WebhookLimits,
};
use fixture_webhooks::Undeclared;

const SHIPPED: &[u8] = br#"{"orderId":"o-1","items":[{"sku":"A","quantity":2}],"carrier":"post"}"#;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, value.parse().expect("header value"));
    }
    map
}

fn shipped_headers() -> HeaderMap {
    headers(&[
        ("content-type", "application/json; charset=utf-8"),
        ("x-event-id", "e-1"),
        ("x-attempt", "3"),
        ("x-tags", "a, b"),
        ("x-tags", "c"),
        ("x-region", "eu"),
    ])
}

#[test]
fn a_good_delivery_decodes_to_the_expected_value() {
    let delivery = OrderShippedDelivery::decode(&shipped_headers(), SHIPPED).unwrap();
    let expected = OrderShippedDelivery {
        headers: OrderShippedHeaders {
            x_event_id: "e-1".into(),
            x_attempt: Some(3),
            x_tags: Some(vec!["a".into(), "b".into(), "c".into()]),
            x_region: Some(OrderShippedHeadersXRegion::Eu),
        },
        payload: Shipment {
            order_id: "o-1".into(),
            items: vec![ShipmentItemsItem {
                sku: "A".into(),
                quantity: 2,
                _undeclared: Undeclared::new(),
            }],
            carrier: Some("post".into()),
            _undeclared: Undeclared::new(),
        },
    };
    assert_eq!(delivery, expected);
    // By name: the same value, in its variant.
    let any = Webhook::decode("order-shipped", &shipped_headers(), SHIPPED).unwrap();
    assert_eq!(any, Webhook::OrderShipped(Box::new(expected)));
    assert_eq!(any.name(), OrderShippedDelivery::NAME);
    assert_eq!(Webhook::NAMES, ["order-shipped", "refund"]);
}

/// A delivery's payload keeps the members the document does not declare (issue 23).
#[test]
fn a_payload_keeps_members_the_document_does_not_declare() {
    let body = br#"{"orderId":"o-1","items":[{"sku":"A","quantity":2,"lot":"L7"}],"trackingUrl":"https://t.example/1"}"#;
    let delivery = OrderShippedDelivery::decode(&shipped_headers(), body).unwrap();
    let kept: Vec<&str> = delivery.payload._undeclared.names().collect();
    assert_eq!(kept, ["trackingUrl"]);
    assert_eq!(
        delivery.payload.items[0]._undeclared.get("lot"),
        Some(&serde_json::json!("L7"))
    );
    let written = serde_json::to_value(&delivery.payload).unwrap();
    assert_eq!(
        written,
        serde_json::from_slice::<serde_json::Value>(body).unwrap()
    );
}

#[test]
fn optional_headers_and_an_optional_body_may_be_absent() {
    let only_required = headers(&[("content-type", "application/json"), ("x-event-id", "e-2")]);
    let d =
        OrderShippedDelivery::decode(&only_required, br#"{"orderId":"o-2","items":[]}"#).unwrap();
    assert_eq!((d.headers.x_attempt, d.headers.x_tags), (None, None));
    let refund_headers = headers(&[("x-event-id", "e-3"), ("x-signature", "sig")]);
    let refund = RefundDelivery::decode(&refund_headers, b"").unwrap();
    assert_eq!(refund.payload, None);
    let mut with_body = refund_headers.clone();
    with_body.insert("content-type", "application/json".parse().unwrap());
    let refund = RefundDelivery::decode(&with_body, br#"{"amount":5,"reason":null}"#).unwrap();
    assert_eq!(
        refund.payload,
        Some(RefundWebhook {
            amount: 5,
            reason: None,
            _undeclared: Undeclared::new(),
        })
    );
}

#[test]
fn bad_requests_are_refused_with_their_kind_and_the_body_start() {
    // Wrong content type: the form media type is documented but not decoded (FALLBACKS.md).
    let mut form = shipped_headers();
    form.insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    let e = OrderShippedDelivery::decode(&form, SHIPPED).unwrap_err();
    assert_eq!(
        e.kind(),
        &WebhookErrorKind::ContentType {
            found: Some("application/x-www-form-urlencoded".into()),
            expected: &["application/json"],
        }
    );
    assert_eq!(e.body_excerpt().as_bytes(), SHIPPED);
    assert_eq!(e.webhook(), "order-shipped");

    // A required header missing.
    let mut missing = shipped_headers();
    missing.remove("x-event-id");
    let e = OrderShippedDelivery::decode(&missing, SHIPPED).unwrap_err();
    assert_eq!(
        e.kind(),
        &WebhookErrorKind::MissingHeader { name: "X-Event-Id" }
    );
    assert_eq!(e.body_excerpt().as_bytes(), SHIPPED);

    // A header that is not its type (an unknown enum value is kept, as in responses: `Unknown`).
    let mut invalid = shipped_headers();
    invalid.insert("x-attempt", "third".parse().unwrap());
    let e = OrderShippedDelivery::decode(&invalid, SHIPPED).unwrap_err();
    assert!(
        matches!(
            e.kind(),
            WebhookErrorKind::InvalidHeader {
                name: "X-Attempt",
                ..
            }
        ),
        "{e}"
    );
    let mut other_region = shipped_headers();
    other_region.insert("x-region", "mars".parse().unwrap());
    let d = OrderShippedDelivery::decode(&other_region, SHIPPED).unwrap();
    assert_eq!(
        d.headers.x_region,
        Some(OrderShippedHeadersXRegion::Unknown("mars".into()))
    );

    // Oversized: refused before anything else is looked at.
    let limits = WebhookLimits::new().max_body_bytes(SHIPPED.len() - 1);
    let e = Webhook::decode_with("order-shipped", &HeaderMap::new(), SHIPPED, &limits).unwrap_err();
    assert_eq!(
        e.kind(),
        &WebhookErrorKind::TooLarge {
            limit: SHIPPED.len() - 1,
            length: SHIPPED.len()
        }
    );
    assert_eq!(e.body_excerpt().as_bytes(), SHIPPED);

    // Malformed JSON, and JSON that is not the payload type: the failing member is named.
    let truncated = &SHIPPED[..20];
    let e = OrderShippedDelivery::decode(&shipped_headers(), truncated).unwrap_err();
    assert!(matches!(e.kind(), WebhookErrorKind::Body { .. }), "{e}");
    assert_eq!(e.body_excerpt().as_bytes(), truncated);
    let wrong = br#"{"orderId":"o-1","items":[{"sku":"A","quantity":"two"}]}"#;
    let e = OrderShippedDelivery::decode(&shipped_headers(), wrong).unwrap_err();
    match e.kind() {
        WebhookErrorKind::Body { path, reason } => {
            assert_eq!(path, "items[0].quantity");
            assert!(reason.contains("invalid type"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        e.to_string().contains("body starts with: {\"orderId\""),
        "{e}"
    );
    // A payload without a member the spec requires is refused, naming the object that lacks it.
    let missing = br#"{"orderId":"o-1","items":[{"sku":"A"}]}"#;
    let e = OrderShippedDelivery::decode(&shipped_headers(), missing).unwrap_err();
    match e.kind() {
        WebhookErrorKind::Body { path, reason } => {
            assert_eq!(path, "items[0]");
            assert!(reason.contains("quantity"), "{reason}");
        }
        other => panic!("{other:?}"),
    }

    // A required body missing, and a name no webhook has.
    let e = OrderShippedDelivery::decode(&shipped_headers(), b"").unwrap_err();
    assert_eq!(e.kind(), &WebhookErrorKind::MissingBody);
    let e = Webhook::decode("order-lost", &shipped_headers(), SHIPPED).unwrap_err();
    assert_eq!(e.kind(), &WebhookErrorKind::UnknownWebhook);
    assert_eq!(e.webhook(), "order-lost");
}
