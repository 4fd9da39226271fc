//! Integer enums: known values become variants, unknown ones are kept and written back unchanged,
//! and query parameters carry the integers.

use fixture_scalar_enums::mock::MockServer;
use fixture_scalar_enums::types::{GetSettingsPrioritiesItem, Level, SettingsStatus};

#[tokio::test]
async fn integer_enums_on_the_wire() {
    let server = MockServer::start().await;
    let answer = serde_json::json!({"level": 7, "status": 2, "code": 300});
    let call =
        server
            .on_get_settings()
            .respond_raw(fixture_scalar_enums::mock::MockResponse::json(
                200,
                "application/json",
                &answer,
            ));
    let settings = server
        .client()
        .get_settings()
        .level(Level::V2)
        .priorities([
            GetSettingsPrioritiesItem::Minus1,
            GetSettingsPrioritiesItem::V1,
        ])
        .send()
        .await
        .unwrap();
    let sent = &call.calls()[0];
    assert_eq!(
        sent.query,
        vec![
            ("level".to_owned(), "2".to_owned()),
            ("priorities".to_owned(), "-1,1".to_owned())
        ]
    );
    // 7 is not in the spec: kept. `Unknown` is a listed value's name (x-enum-varnames), so the
    // fallback variant is `Unknown2`.
    assert_eq!(settings.level, Level::Unknown(7));
    assert_eq!(settings.status, Some(SettingsStatus::Unknown));
    assert_eq!(serde_json::to_value(&settings).unwrap(), answer);
    assert_eq!(SettingsStatus::from(9), SettingsStatus::Unknown2(9));
    assert_eq!(i64::from(Level::V3), 3);
}
