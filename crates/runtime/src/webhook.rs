//! Decoding webhook deliveries: requests an API sends to its users (OpenAPI 3.1 `webhooks`).
//!
//! A generated crate's `webhooks` module has one `<Name>Delivery` per webhook whose `decode` is a
//! few lines calling [`Incoming`]: the body is bounded first ([`WebhookLimits`]), then its
//! `Content-Type` is checked against the webhook's media types (parameters such as `charset` are
//! ignored), then each documented header is read and the body decoded with the same decoder as API
//! responses (plain serde_json, the member path only on failure). Every failure is a
//! [`WebhookError`] naming the webhook and what failed, with the start of the body.

use serde::de::DeserializeOwned;

/// The headers of a request, as axum, hyper and reqwest hold them (`http::HeaderMap`).
pub use reqwest::header::HeaderMap;

use crate::decode::decode_slice;
use crate::error::excerpt;

/// Default body limit: 25 MiB, the size above which webhook senders commonly stop delivering.
pub const DEFAULT_MAX_BODY_BYTES: usize = 25 * 1024 * 1024;

/// How many bytes of the body an error quotes.
const EXCERPT_BYTES: usize = 200;

/// Limits applied while decoding a delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookLimits {
    max_body_bytes: usize,
}

impl WebhookLimits {
    /// The defaults ([`DEFAULT_MAX_BODY_BYTES`]).
    pub const fn new() -> Self {
        Self {
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }

    /// Refuse bodies longer than `bytes` (before anything else is read).
    pub const fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// The body limit in bytes.
    pub const fn body_limit(&self) -> usize {
        self.max_body_bytes
    }
}

impl Default for WebhookLimits {
    fn default() -> Self {
        Self::new()
    }
}

/// What went wrong decoding a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WebhookErrorKind {
    /// No webhook of this name in the document (decode by name).
    UnknownWebhook,
    /// The `Content-Type` is missing or not one of the webhook's media types.
    ContentType {
        /// The request's `Content-Type`, if any.
        found: Option<String>,
        /// The media types the webhook is documented with.
        expected: &'static [&'static str],
    },
    /// The body is longer than [`WebhookLimits::body_limit`].
    TooLarge {
        /// The limit in bytes.
        limit: usize,
        /// The body's length.
        length: usize,
    },
    /// A required header is absent.
    MissingHeader {
        /// The header's name as the document writes it.
        name: &'static str,
    },
    /// A header is not text, or does not decode into its documented type.
    InvalidHeader {
        /// The header's name as the document writes it.
        name: &'static str,
        /// Why (the value itself is not quoted: headers may carry signatures or tokens).
        reason: String,
    },
    /// The body is empty but the webhook requires one.
    MissingBody,
    /// The body is not JSON, or not the webhook's payload type.
    Body {
        /// Path of the failing member, e.g. `commits[0].id` (empty for the whole body).
        path: String,
        /// The decoder's message.
        reason: String,
    },
}

/// A delivery that could not be decoded: which webhook, what failed, and the start of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookError {
    webhook: String,
    kind: WebhookErrorKind,
    excerpt: String,
}

impl WebhookError {
    fn new(webhook: &str, kind: WebhookErrorKind, body: &[u8]) -> Self {
        Self {
            webhook: webhook.to_owned(),
            kind,
            excerpt: excerpt(body, EXCERPT_BYTES),
        }
    }

    /// No webhook named `name` (for a generated `Webhook::decode`).
    pub fn unknown(name: &str, body: &[u8]) -> Self {
        Self::new(name, WebhookErrorKind::UnknownWebhook, body)
    }

    /// What failed.
    pub fn kind(&self) -> &WebhookErrorKind {
        &self.kind
    }

    /// The webhook's name as the document writes it.
    pub fn webhook(&self) -> &str {
        &self.webhook
    }

    /// The first 200 bytes of the body, as text.
    pub fn body_excerpt(&self) -> &str {
        &self.excerpt
    }
}

impl std::fmt::Display for WebhookError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "webhook `{}`: ", self.webhook)?;
        match &self.kind {
            WebhookErrorKind::UnknownWebhook => write!(f, "no webhook of this name")?,
            WebhookErrorKind::ContentType { found, expected } => write!(
                f,
                "Content-Type {} is not {}",
                found
                    .as_deref()
                    .map_or("(none)".into(), |t| format!("`{t}`")),
                expected.join(" or ")
            )?,
            WebhookErrorKind::TooLarge { limit, length } => {
                write!(f, "body of {length} bytes exceeds the limit of {limit}")?
            }
            WebhookErrorKind::MissingHeader { name } => {
                write!(f, "required header `{name}` is missing")?
            }
            WebhookErrorKind::InvalidHeader { name, reason } => {
                write!(f, "header `{name}`: {reason}")?
            }
            WebhookErrorKind::MissingBody => write!(f, "the body is empty")?,
            WebhookErrorKind::Body { path, reason } => {
                write!(f, "body does not decode at `{path}`: {reason}")?
            }
        }
        write!(f, "; body starts with: {}", self.excerpt)
    }
}

impl std::error::Error for WebhookError {}

/// How a header's text becomes its documented type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderForm {
    /// A scalar: as a JSON string first (text, string enums), else as JSON (numbers, booleans).
    Text,
    /// An array (`style: simple`): the values of every occurrence, split on `,`, each read as `Text`.
    List,
    /// A parameter declared with `content: application/json`: the text is JSON.
    Json,
}

/// A received request, bounded and content-type checked, for generated `decode` functions.
#[derive(Debug, Clone, Copy)]
pub struct Incoming<'a> {
    webhook: &'static str,
    headers: &'a HeaderMap,
    body: &'a [u8],
}

impl<'a> Incoming<'a> {
    /// Checks the body's length against `limits`, then (when the webhook has a body, `media_types`
    /// not empty, and the body is not empty) its `Content-Type` against `media_types`, comparing
    /// the essence (`type/subtype`, case-insensitively) only.
    pub fn new(
        webhook: &'static str,
        headers: &'a HeaderMap,
        body: &'a [u8],
        limits: &WebhookLimits,
        media_types: &'static [&'static str],
    ) -> Result<Self, WebhookError> {
        let this = Self {
            webhook,
            headers,
            body,
        };
        if body.len() > limits.max_body_bytes {
            let kind = WebhookErrorKind::TooLarge {
                limit: limits.max_body_bytes,
                length: body.len(),
            };
            return Err(this.error(kind));
        }
        if media_types.is_empty() || body.is_empty() {
            return Ok(this);
        }
        let found = headers
            .get(reqwest::header::CONTENT_TYPE)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let accepted = found.as_deref().is_some_and(|t| {
            let essence = crate::response::media_type_essence(t);
            media_types.iter().any(|m| m.eq_ignore_ascii_case(essence))
        });
        if accepted {
            Ok(this)
        } else {
            Err(this.error(WebhookErrorKind::ContentType {
                found,
                expected: media_types,
            }))
        }
    }

    fn error(&self, kind: WebhookErrorKind) -> WebhookError {
        WebhookError::new(self.webhook, kind, self.body)
    }

    /// Header `name` (matched case-insensitively) as `T`; `None` when absent.
    pub fn header<T: DeserializeOwned>(
        &self,
        name: &'static str,
        form: HeaderForm,
    ) -> Result<Option<T>, WebhookError> {
        let invalid = |reason: String| self.error(WebhookErrorKind::InvalidHeader { name, reason });
        let mut texts = Vec::new();
        for value in self.headers.get_all(name) {
            let text = value
                .to_str()
                .map_err(|_| invalid("not visible ASCII text".into()))?;
            texts.push(text);
            if form != HeaderForm::List {
                break;
            }
        }
        let Some(first) = texts.first() else {
            return Ok(None);
        };
        let decoded = match form {
            HeaderForm::Json => serde_json::from_str(first).map_err(|e| e.to_string()),
            HeaderForm::Text => text_value(first),
            HeaderForm::List => {
                let items: Vec<&str> = texts
                    .iter()
                    .flat_map(|t| t.split(','))
                    .map(str::trim)
                    .collect();
                list_value(&items)
            }
        };
        decoded.map(Some).map_err(invalid)
    }

    /// Required header `name` as `T`: [`WebhookErrorKind::MissingHeader`] when absent.
    pub fn required<T: DeserializeOwned>(
        &self,
        name: &'static str,
        form: HeaderForm,
    ) -> Result<T, WebhookError> {
        self.header(name, form)?
            .ok_or_else(|| self.error(WebhookErrorKind::MissingHeader { name }))
    }

    /// The JSON body as `T`; `None` when the body is empty.
    pub fn optional_payload<T: DeserializeOwned>(&self) -> Result<Option<T>, WebhookError> {
        if self.body.is_empty() {
            return Ok(None);
        }
        decode_slice(self.body).map(Some).map_err(|(path, e)| {
            self.error(WebhookErrorKind::Body {
                path,
                reason: e.to_string(),
            })
        })
    }

    /// The JSON body as `T`: [`WebhookErrorKind::MissingBody`] when it is empty.
    pub fn payload<T: DeserializeOwned>(&self) -> Result<T, WebhookError> {
        self.optional_payload()?
            .ok_or_else(|| self.error(WebhookErrorKind::MissingBody))
    }
}

/// A scalar header: a JSON string first (text and string enums take any text), then the text as
/// JSON (numbers and booleans).
fn text_value<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .or_else(|as_string| serde_json::from_str(text).map_err(|_| as_string.to_string()))
}

fn list_value<T: DeserializeOwned>(items: &[&str]) -> Result<T, String> {
    let strings = items
        .iter()
        .map(|i| serde_json::Value::String((*i).to_owned()))
        .collect();
    serde_json::from_value(serde_json::Value::Array(strings)).or_else(|as_strings| {
        let parsed = items
            .iter()
            .map(|i| {
                serde_json::from_str(i).unwrap_or_else(|_| serde_json::Value::String((*i).into()))
            })
            .collect();
        serde_json::from_value(serde_json::Value::Array(parsed)).map_err(|_| as_strings.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Event {
        id: u32,
        name: String,
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    const JSON: &[&str] = &["application/json"];

    fn incoming<'a>(h: &'a HeaderMap, body: &'a [u8]) -> Result<Incoming<'a>, WebhookError> {
        Incoming::new("event", h, body, &WebhookLimits::default(), JSON)
    }

    #[test]
    fn content_type_essence_is_compared_leniently() {
        let body = br#"{"id":1,"name":"a"}"#;
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            " application/json ;x=y",
        ] {
            let h = headers(&[("content-type", ok)]);
            let event: Event = incoming(&h, body).unwrap().payload().unwrap();
            assert_eq!(
                event,
                Event {
                    id: 1,
                    name: "a".into()
                },
                "{ok}"
            );
        }
        for (bad, found) in [
            (
                headers(&[("content-type", "text/plain")]),
                Some("text/plain"),
            ),
            (
                headers(&[("content-type", "application/jsonx")]),
                Some("application/jsonx"),
            ),
            (HeaderMap::new(), None),
        ] {
            let e = incoming(&bad, body).unwrap_err();
            let expected = WebhookErrorKind::ContentType {
                found: found.map(str::to_owned),
                expected: JSON,
            };
            assert_eq!(e.kind(), &expected);
            assert_eq!(e.body_excerpt(), r#"{"id":1,"name":"a"}"#);
            assert_eq!(e.webhook(), "event");
        }
    }

    #[test]
    fn the_body_is_bounded_before_anything_else() {
        let h = HeaderMap::new();
        let body = vec![b'x'; 300];
        let limits = WebhookLimits::new().max_body_bytes(299);
        let e = Incoming::new("event", &h, &body, &limits, JSON).unwrap_err();
        assert_eq!(
            e.kind(),
            &WebhookErrorKind::TooLarge {
                limit: 299,
                length: 300
            }
        );
        assert_eq!(e.body_excerpt(), format!("{}…", "x".repeat(200)));
        let limits = WebhookLimits::new().max_body_bytes(300);
        let h = headers(&[("content-type", "application/json")]);
        assert!(Incoming::new("event", &h, &body, &limits, JSON).is_ok());
    }

    #[test]
    fn headers_are_typed_and_required_ones_checked() {
        let h = headers(&[
            ("content-type", "application/json"),
            ("x-count", "42"),
            ("x-name", "42"),
            ("x-flag", "true"),
            ("x-list", "1, 2"),
            ("x-list", "3"),
            ("x-json", r#"{"id":7,"name":"j"}"#),
        ]);
        let i = incoming(&h, b"").unwrap();
        assert_eq!(i.required::<u32>("X-Count", HeaderForm::Text), Ok(42));
        assert_eq!(
            i.required::<String>("X-Name", HeaderForm::Text),
            Ok("42".into())
        );
        assert_eq!(i.required::<bool>("x-flag", HeaderForm::Text), Ok(true));
        assert_eq!(
            i.required::<Vec<u8>>("x-list", HeaderForm::List),
            Ok(vec![1, 2, 3])
        );
        assert_eq!(
            i.required::<Vec<String>>("x-list", HeaderForm::List),
            Ok(vec!["1".into(), "2".into(), "3".into()])
        );
        let json: Event = i.required("x-json", HeaderForm::Json).unwrap();
        assert_eq!(
            json,
            Event {
                id: 7,
                name: "j".into()
            }
        );
        assert_eq!(i.header::<String>("x-absent", HeaderForm::Text), Ok(None));
        let missing = i
            .required::<String>("X-Absent", HeaderForm::Text)
            .unwrap_err();
        assert_eq!(
            missing.kind(),
            &WebhookErrorKind::MissingHeader { name: "X-Absent" }
        );
        assert!(
            missing.to_string().contains("`X-Absent` is missing"),
            "{missing}"
        );
        let invalid = i.required::<u8>("x-flag", HeaderForm::Text).unwrap_err();
        assert!(
            matches!(
                invalid.kind(),
                WebhookErrorKind::InvalidHeader { name: "x-flag", .. }
            ),
            "{invalid:?}"
        );
    }

    #[test]
    fn body_errors_name_the_member_and_keep_the_excerpt() {
        let h = headers(&[("content-type", "application/json")]);
        let body = br#"{"id":"seven","name":"a"}"#;
        let e = incoming(&h, body).unwrap().payload::<Event>().unwrap_err();
        match e.kind() {
            WebhookErrorKind::Body { path, reason } => {
                assert_eq!(path, "id");
                assert!(reason.contains("invalid type"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(e.body_excerpt(), r#"{"id":"seven","name":"a"}"#);
        let malformed = incoming(&h, b"{\"id\":1,")
            .unwrap()
            .payload::<Event>()
            .unwrap_err();
        assert!(
            matches!(malformed.kind(), WebhookErrorKind::Body { .. }),
            "{malformed:?}"
        );
        let empty = incoming(&h, b"").unwrap();
        assert_eq!(
            empty.payload::<Event>().unwrap_err().kind(),
            &WebhookErrorKind::MissingBody
        );
        assert_eq!(empty.optional_payload::<Event>(), Ok(None));
        let unknown = WebhookError::unknown("nope", b"{}");
        assert_eq!(
            unknown.to_string(),
            "webhook `nope`: no webhook of this name; body starts with: {}"
        );
    }
}
