//! What the client hands back to generated code: a success [`Response`] with its body read, decoded
//! by media type (JSON, text, bytes), an envelope unwrapped when one was asked for.

use std::fmt;
use std::marker::PhantomData;

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::decode::{decode_slice, decode_value};
use super::error::excerpt;
use super::Error;

/// A success (2xx) response with its body fully read. `B` is the API's error body type, so that
/// decoding errors come out as the generated crate's `Error`.
pub struct Response<B = crate::error::Undecoded> {
    pub(crate) status: u16,
    pub(crate) media_type: Option<String>,
    pub(crate) body: Bytes,
    pub(crate) expected: &'static str,
    pub(crate) envelope: bool,
    /// `Location` of a redirect answer (see [`Request::redirect_is_success`]).
    pub(crate) location: Option<String>,
    /// The `Link` header's `rel="next"` target, resolved against the request URL (read only when
    /// the answer has a `Link` header).
    pub(crate) next_link: Option<String>,
    pub(crate) error_body: PhantomData<fn() -> B>,
}

impl<B> fmt::Debug for Response<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("media_type", &self.media_type)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Response<crate::error::Undecoded> {
    /// The same response, its errors typed for a client whose error body is `B`.
    pub(crate) fn with_error_body<B>(self) -> Response<B> {
        Response {
            status: self.status,
            media_type: self.media_type,
            body: self.body,
            expected: self.expected,
            envelope: self.envelope,
            location: self.location,
            next_link: self.next_link,
            error_body: PhantomData,
        }
    }
}

impl<B> Response<B> {
    /// HTTP status code.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The `Location` of a redirect answer, when the operation documents only redirects.
    pub fn location(&self) -> Option<String> {
        self.location.clone()
    }

    /// The `Link` header's `rel="next"` target (RFC 8288), resolved against the request URL.
    pub(crate) fn take_next_link(&mut self) -> Option<String> {
        self.next_link.take()
    }

    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Checks the media type, removes an `envelope=true` wrapper and decodes the body.
    pub fn json<T: DeserializeOwned>(self) -> Result<T, Error<B>> {
        if let Some(mt) = &self.media_type {
            if !media_type_matches(mt, self.expected) {
                return Err(Error::UnexpectedMediaType {
                    status: self.status,
                    media_type: self.media_type,
                    expected: self.expected,
                    body: self.body,
                });
            }
        }
        let result = if self.envelope {
            match serde_json::from_slice::<serde_json::Value>(&self.body) {
                Ok(value) => decode_value(&unwrap_envelope(value)),
                Err(e) => Err((String::new(), e)),
            }
        } else {
            decode_slice(&self.body)
        };
        result.map_err(|(path, source)| Error::Decode {
            status: self.status,
            media_type: self.media_type,
            path,
            excerpt: excerpt(&self.body, 512),
            body: Box::new(self.body),
            source,
        })
    }

    /// Accepts a response whose body (if any) is not needed.
    pub fn empty(self) -> Result<(), Error<B>> {
        Ok(())
    }

    /// The body as received, for binary media types (e.g. a gzip download).
    pub fn bytes(self) -> Bytes {
        self.body
    }

    /// The body as text, for text media types (e.g. CSV).
    pub fn text(self) -> Result<String, Error<B>> {
        match String::from_utf8(self.body.to_vec()) {
            Ok(text) => Ok(text),
            Err(e) => Err(Error::Decode {
                status: self.status,
                media_type: self.media_type,
                path: String::new(),
                excerpt: excerpt(&self.body, 512),
                body: Box::new(self.body),
                source: serde::de::Error::custom(format!("body is not UTF-8 text: {e}")),
            }),
        }
    }
}

/// Whether a `Content-Type` is acceptable for an operation that asked for `expected`:
/// the same type (parameters like `;charset=utf-8` ignored, case-insensitive) or plain JSON.
pub(crate) fn media_type_matches(content_type: &str, expected: &str) -> bool {
    let essence = media_type_essence(content_type);
    essence.eq_ignore_ascii_case(expected) || essence.eq_ignore_ascii_case("application/json")
}

/// A `Content-Type`'s `type/subtype`, without parameters (`;charset=utf-8`) or spaces; compare it
/// case-insensitively.
pub(crate) fn media_type_essence(content_type: &str) -> &str {
    content_type.split(';').next().unwrap_or("").trim()
}

/// Removes Atlas' `envelope=true` wrapper: single objects become `{"status": N, "content": {..}}`,
/// lists keep `results` at the top level and gain a `status` field.
pub(crate) fn unwrap_envelope(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(mut map) if map.get("status").is_some_and(|s| s.is_u64()) => {
            if map.contains_key("content") {
                map.remove("content").unwrap_or(serde_json::Value::Null)
            } else {
                map.remove("status");
                serde_json::Value::Object(map)
            }
        }
        other => other,
    }
}

/// The status inside an envelope, if the body is one (Atlas may answer 200 and put the real
/// status there, for clients that cannot read HTTP statuses).
pub(crate) fn envelope_status(body: &[u8]) -> Option<u16> {
    let value = serde_json::from_slice::<serde_json::Value>(body).ok()?;
    u16::try_from(value.as_object()?.get("status")?.as_u64()?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::tests::OP;
    use serde_json::json;

    #[test]
    fn media_type_matching() {
        let expected = OP.media_type;
        assert!(media_type_matches(
            "application/vnd.atlas.2024-05-30+json",
            expected
        ));
        assert!(media_type_matches(
            "application/vnd.atlas.2024-05-30+json;charset=utf-8",
            expected
        ));
        assert!(media_type_matches(
            "Application/VND.atlas.2024-05-30+JSON ; charset=UTF-8",
            expected
        ));
        assert!(media_type_matches("application/json", expected));
        assert!(media_type_matches(
            "application/json; charset=utf-8",
            expected
        ));
        assert!(!media_type_matches(
            "application/vnd.atlas.2023-01-01+json",
            expected
        ));
        assert!(!media_type_matches("text/html", expected));
        assert!(!media_type_matches("", expected));
    }

    #[test]
    fn envelope_unwrap() {
        let single = json!({"status": 200, "content": {"id": "x"}});
        assert_eq!(unwrap_envelope(single), json!({"id": "x"}));
        let list = json!({"status": 200, "results": [1], "totalCount": 1, "links": []});
        assert_eq!(
            unwrap_envelope(list),
            json!({"results": [1], "totalCount": 1, "links": []})
        );
        // Not an envelope: a body whose own `status` is a string is left alone.
        let plain = json!({"status": "ACTIVE", "id": "x"});
        assert_eq!(unwrap_envelope(plain.clone()), plain);
        assert_eq!(
            envelope_status(br#"{"status":404,"content":{}}"#),
            Some(404)
        );
        assert_eq!(envelope_status(br#"{"status":"ACTIVE"}"#), None);
        assert_eq!(envelope_status(b"[1]"), None);
    }

    fn response(body: &'static str, media_type: Option<&str>, envelope: bool) -> Response {
        Response {
            status: 200,
            media_type: media_type.map(str::to_owned),
            body: Bytes::from_static(body.as_bytes()),
            expected: OP.media_type,
            envelope,
            location: None,
            next_link: None,
            error_body: PhantomData,
        }
    }

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Thing {
        id: String,
        count: u32,
    }

    #[test]
    fn json_decoding() {
        let ok: Thing = response(r#"{"id":"a","count":1}"#, Some(OP.media_type), false)
            .json()
            .unwrap();
        assert_eq!(
            ok,
            Thing {
                id: "a".into(),
                count: 1
            }
        );
        // Missing Content-Type is tolerated.
        let ok: Thing = response(r#"{"id":"a","count":1}"#, None, false)
            .json()
            .unwrap();
        assert_eq!(ok.count, 1);
        let ok: Thing = response(
            r#"{"status":200,"content":{"id":"a","count":2}}"#,
            Some("application/json"),
            true,
        )
        .json()
        .unwrap();
        assert_eq!(ok.count, 2);
        match response(r#"{"id":"a","count":"many"}"#, Some(OP.media_type), false).json::<Thing>() {
            Err(Error::Decode {
                status: 200,
                path,
                excerpt,
                ..
            }) => {
                assert_eq!(path, "count");
                assert!(excerpt.contains("many"));
            }
            other => panic!("{other:?}"),
        }
        match response(
            r#"{"status":200,"content":{"id":"a","count":-1}}"#,
            None,
            true,
        )
        .json::<Thing>()
        {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "count"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            response("<html>", Some("text/html"), false).json::<Thing>(),
            Err(Error::UnexpectedMediaType { status: 200, .. })
        ));
        assert!(matches!(
            response(r#"{"id":"a","count":1} x"#, None, false).json::<Thing>(),
            Err(Error::Decode { .. })
        ));
        assert!(response("<html>", Some("text/html"), false).empty().is_ok());
    }

    #[derive(serde::Deserialize, Debug)]
    struct List {
        #[allow(dead_code)]
        items: Vec<Thing>,
    }

    #[test]
    fn enveloped_decode_failures_name_the_member_path() {
        match response(
            r#"{"status":200,"content":{"items":[{"id":"a","count":true}]}}"#,
            None,
            true,
        )
        .json::<List>()
        {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "items[0].count"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn text_and_bytes_bodies() {
        assert_eq!(
            response("a,b\n1,2", None, false).text().unwrap(),
            "a,b\n1,2"
        );
        assert_eq!(&response("\u{1f}x", None, false).bytes()[..], b"\x1fx");
        let bad = Response {
            body: Bytes::from_static(b"\xff\xfe"),
            ..response("", Some("text/csv"), false)
        };
        assert!(matches!(bad.text(), Err(Error::Decode { status: 200, .. })));
    }
}
