//! How the client decodes a JSON body: plain serde_json first, the member path only on failure.

use serde::de::DeserializeOwned;

/// Decodes a JSON body as [`Response::json`](crate::Response::json) does: plain serde_json, and
/// only when that fails a second decode that tracks the path of the failing member. The error is
/// the JSON path (where a syntax error stopped; empty for trailing characters) and serde_json's
/// error. Public for benchmarks.
pub fn decode_slice<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, serde_json::Error)> {
    // UTF-8 is checked once for the whole body: `from_slice` checks every string it meets
    // separately, about 14 % of a page decode. Invalid UTF-8 goes through `from_slice`, whose
    // error says where the bad byte is.
    match std::str::from_utf8(body) {
        Ok(text) => decode_read(|| serde_json::Deserializer::from_str(text)),
        Err(_) => decode_read(|| serde_json::Deserializer::from_slice(body)),
    }
}

/// Plain serde_json first: tracking the path allocates per key and costs about a third of a page
/// decode. Only a failing body is decoded again, to name the failing field.
fn decode_read<'de, R, T>(
    deserializer: impl Fn() -> serde_json::Deserializer<R>,
) -> Result<T, (String, serde_json::Error)>
where
    R: serde_json::de::Read<'de>,
    T: DeserializeOwned,
{
    let mut de = deserializer();
    let fast = match T::deserialize(&mut de).and_then(|value| de.end().map(|()| value)) {
        Ok(value) => return Ok(value),
        Err(e) => e,
    };
    let mut de = deserializer();
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Err(e) => Err((e.path().to_string(), e.into_inner())),
        // The value decoded: what failed is what follows it (trailing characters).
        Ok(_) => Err((String::new(), de.end().err().unwrap_or(fast))),
    }
}

/// [`decode_slice`] for an already parsed (envelope-unwrapped) body.
pub(crate) fn decode_value<T: DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<T, (String, serde_json::Error)> {
    match T::deserialize(value) {
        Ok(decoded) => Ok(decoded),
        Err(fast) => match serde_path_to_error::deserialize::<_, T>(value) {
            Err(e) => Err((e.path().to_string(), e.into_inner())),
            Ok(_) => Err((String::new(), fast)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Thing {
        id: String,
        count: u32,
    }

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct List {
        items: Vec<Thing>,
    }

    #[test]
    fn decode_failures_name_the_member_path_after_the_fast_decode_fails() {
        let body = br#"{"items":[{"id":"a","count":1},{"id":"b","count":"x"}]}"#;
        let (path, source) = decode_slice::<List>(body).unwrap_err();
        assert_eq!(path, "items[1].count");
        assert!(source.to_string().contains("invalid type"), "{source}");
        // Trailing characters: the value decodes, the error is serde_json's, without a path.
        let (path, source) = decode_slice::<Thing>(br#"{"id":"a","count":1} x"#).unwrap_err();
        assert_eq!(path, "");
        assert!(
            source.to_string().contains("trailing characters"),
            "{source}"
        );
        // A syntax error inside a member still names where it stopped.
        let (path, source) =
            decode_slice::<List>(br#"{"items":[{"id":"a","count":1,"#).unwrap_err();
        assert!(path.starts_with("items[0]"), "{path}");
        assert!(source.is_eof(), "{source}");
        // The same rule on a parsed value (the envelope path).
        let value = serde_json::json!({"items": [{"id": "a", "count": -1}]});
        let (path, _) = decode_value::<List>(&value).unwrap_err();
        assert_eq!(path, "items[0].count");
        assert_eq!(
            decode_value::<List>(&serde_json::json!({"items": []}))
                .map(|l| l.items.len())
                .ok(),
            Some(0)
        );
    }

    #[test]
    fn utf8_checked_once_still_decodes_text_and_reports_bad_bytes() {
        let thing: Thing =
            decode_slice("{\"id\":\"żółw 🐢 \\u00e9\",\"count\":2}".as_bytes()).unwrap();
        assert_eq!(thing.id, "żółw 🐢 é");
        // Invalid UTF-8 inside a string: serde_json's own error, with the member path.
        let (path, source) = decode_slice::<Thing>(b"{\"id\":\"a\xff\",\"count\":1}").unwrap_err();
        assert_eq!(path, "id");
        assert!(source.to_string().contains("invalid unicode"), "{source}");
        assert_eq!(source.column(), 9, "{source}");
    }
}
