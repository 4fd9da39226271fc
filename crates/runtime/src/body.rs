//! Request bodies other than JSON: `application/x-www-form-urlencoded` (from any serializable value)
//! and `multipart/form-data` (text, JSON and file parts), encoded here so that no extra crate is needed.

use std::fmt;

use bytes::Bytes;
use serde_json::Value;

use crate::request::encode_query_component;

/// `value` with every object's members sorted by name: form bodies and object parameters are
/// encoded in the same order in every build (serde_json keeps insertion order when any crate in the
/// build enables its `preserve_order` feature, and sorts otherwise).
pub(crate) fn sorted_members(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut members: Vec<(String, Value)> = map.into_iter().collect();
            members.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(
                members
                    .into_iter()
                    .map(|(k, v)| (k, sorted_members(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted_members).collect()),
        other => other,
    }
}

/// A body ready to send: its `Content-Type` and bytes.
#[derive(Clone)]
pub(crate) struct Body {
    pub(crate) content_type: String,
    pub(crate) bytes: Bytes,
}

/// `application/x-www-form-urlencoded` of a value serialized to a JSON object, with OpenAPI's
/// default encoding for forms (style `form`, `explode: true`): a scalar member is one `name=value`
/// pair, an array member one pair per item, an object member one pair per property; `null` members
/// are left out, and anything nested deeper is sent as JSON text.
pub(crate) fn form_urlencoded(value: &Value) -> Result<String, String> {
    let Value::Object(members) = value else {
        return Err("a form body must be an object".to_owned());
    };
    let mut out = String::new();
    let mut pair = |name: &str, value: &Value| {
        let text = match value {
            Value::Null => return,
            Value::String(s) => s.clone(),
            Value::Bool(_) | Value::Number(_) => value.to_string(),
            nested => nested.to_string(),
        };
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(&encode_query_component(name));
        out.push('=');
        out.push_str(&encode_query_component(&text));
    };
    for (name, value) in members {
        match value {
            Value::Array(items) => items.iter().for_each(|item| pair(name, item)),
            Value::Object(props) => props.iter().for_each(|(k, v)| pair(k, v)),
            other => pair(name, other),
        }
    }
    Ok(out)
}

/// A file for a part of a `multipart/form-data` body: its bytes and, optionally, the file name and
/// media type to announce. `FilePart::from(bytes)` for bytes alone.
#[derive(Clone)]
pub struct FilePart {
    data: Bytes,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file of these bytes (the whole body is held in memory, so that a retry can resend it).
    pub fn new(data: impl Into<Bytes>) -> Self {
        FilePart {
            data: data.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// The file name sent in the part's `Content-Disposition` (default `file`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// The part's `Content-Type` (default: the spec's `encoding` for the part, else
    /// `application/octet-stream`).
    pub fn content_type(mut self, media_type: impl Into<String>) -> Self {
        self.content_type = Some(media_type.into());
        self
    }

    /// The file's bytes.
    pub fn data(&self) -> &Bytes {
        &self.data
    }
}

impl fmt::Debug for FilePart {
    // Name, type and size only: the contents are the caller's data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.data.len())
            .finish()
    }
}

impl From<Bytes> for FilePart {
    fn from(data: Bytes) -> Self {
        FilePart::new(data)
    }
}

impl From<Vec<u8>> for FilePart {
    fn from(data: Vec<u8>) -> Self {
        FilePart::new(data)
    }
}

impl From<&'static [u8]> for FilePart {
    fn from(data: &'static [u8]) -> Self {
        FilePart::new(data)
    }
}

/// A `multipart/form-data` body: named parts, each text, JSON or a file.
#[derive(Clone, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

#[derive(Clone)]
struct Part {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    data: Bytes,
}

impl fmt::Debug for Multipart {
    // Part names and sizes only: the contents are the caller's data.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.parts.iter().map(|p| (&p.name, p.data.len())))
            .finish()
    }
}

impl Multipart {
    /// An empty body; add parts with [`text`](Self::text), [`json`](Self::json) and
    /// [`file`](Self::file).
    pub fn new() -> Self {
        Self::default()
    }

    /// A text part.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: None,
            content_type: None,
            data: Bytes::from(value.into()),
        });
        self
    }

    /// A part holding `value` as JSON (`Content-Type: application/json`).
    ///
    /// # Errors
    ///
    /// The serializer's message, when `value` cannot be written as JSON.
    pub fn json<T: serde::Serialize>(
        mut self,
        name: impl Into<String>,
        value: &T,
    ) -> Result<Self, serde_json::Error> {
        let data = serde_json::to_vec(value)?;
        self.parts.push(Part {
            name: name.into(),
            file_name: None,
            content_type: Some("application/json".to_owned()),
            data: Bytes::from(data),
        });
        Ok(self)
    }

    /// A file part: its bytes, the file name to announce and its media type
    /// (`application/octet-stream` when `None`).
    pub fn file(
        mut self,
        name: impl Into<String>,
        data: impl Into<Bytes>,
        file_name: impl Into<String>,
        content_type: Option<&str>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(
                content_type
                    .unwrap_or("application/octet-stream")
                    .to_owned(),
            ),
            data: data.into(),
        });
        self
    }

    /// A file part from a [`FilePart`]: its own file name (`file` when it has none) and media type,
    /// else `default_content_type` (the spec's `encoding`), else `application/octet-stream`.
    pub fn file_part(
        self,
        name: impl Into<String>,
        file: &FilePart,
        default_content_type: Option<&str>,
    ) -> Self {
        let file_name = file.file_name.clone().unwrap_or_else(|| "file".to_owned());
        let content_type = file.content_type.as_deref().or(default_content_type);
        self.file(name, file.data.clone(), file_name, content_type)
    }

    /// A JSON part for generated code: a value that cannot be written as JSON is an
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming the part.
    ///
    /// # Errors
    ///
    /// As above; nothing has been sent.
    pub fn json_part<T: serde::Serialize>(
        self,
        name: &'static str,
        value: &T,
    ) -> Result<Self, crate::Error> {
        self.json(name, value).map_err(|e| {
            crate::Error::invalid(name, format!("could not be serialized as JSON: {e}"))
        })
    }

    /// The encoded body with a boundary that occurs in no part.
    pub(crate) fn encode(&self) -> Result<Body, String> {
        for part in &self.parts {
            let header_text = [
                Some(&part.name),
                part.file_name.as_ref(),
                part.content_type.as_ref(),
            ];
            if header_text
                .iter()
                .flatten()
                .any(|t| t.contains(['\r', '\n', '"']))
            {
                return Err(format!(
                    "multipart part `{}`: names and media types cannot contain quotes or line breaks",
                    part.name.escape_debug()
                ));
            }
        }
        let boundary = loop {
            let candidate = format!("apigen-{:032x}", rand::random::<u128>());
            let needle = candidate.as_bytes();
            let clash = self
                .parts
                .iter()
                .any(|p| p.data.windows(needle.len()).any(|w| w == needle));
            if !clash {
                break candidate;
            }
        };
        let mut out = Vec::new();
        for part in &self.parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            let mut disposition = format!("Content-Disposition: form-data; name=\"{}\"", part.name);
            if let Some(file) = &part.file_name {
                disposition.push_str(&format!("; filename=\"{file}\""));
            }
            out.extend_from_slice(disposition.as_bytes());
            out.extend_from_slice(b"\r\n");
            if let Some(ct) = &part.content_type {
                out.extend_from_slice(format!("Content-Type: {ct}\r\n").as_bytes());
            }
            out.extend_from_slice(b"\r\n");
            out.extend_from_slice(&part.data);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        Ok(Body {
            content_type: format!("multipart/form-data; boundary={boundary}"),
            bytes: Bytes::from(out),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn form_encoding_explodes_arrays_and_objects() {
        let value = json!({
            "name": "a b&c", "count": 3, "tags": ["x", "y"], "skip": null,
            "filter": {"state": "ok", "n": 1}, "deep": [[1]]
        });
        // Members come in the order serde_json's map gives them (sorted, or insertion order when a
        // crate in the build enables `preserve_order`): compare the pairs, and the items' order.
        let text = form_urlencoded(&value).unwrap();
        let mut pairs: Vec<&str> = text.split('&').collect();
        pairs.sort_unstable();
        assert_eq!(
            pairs,
            [
                "count=3",
                "deep=%5B1%5D",
                "n=1",
                "name=a%20b%26c",
                "state=ok",
                "tags=x",
                "tags=y"
            ]
        );
        assert!(text.contains("tags=x&tags=y"), "{text}");
        assert!(form_urlencoded(&json!([1])).is_err());
    }

    #[test]
    fn multipart_parts_and_boundary() {
        let body = Multipart::new()
            .text("title", "hello")
            .file("upload", &b"\x00\x01data"[..], "a.bin", None)
            .json("meta", &json!({"k": 1}))
            .unwrap()
            .encode()
            .unwrap();
        let boundary = body
            .content_type
            .strip_prefix("multipart/form-data; boundary=")
            .unwrap()
            .to_owned();
        let text = String::from_utf8_lossy(&body.bytes).into_owned();
        let expected = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nhello\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"a.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n\u{0}\u{1}data\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"k\":1}}\r\n--{b}--\r\n",
            b = boundary
        );
        assert_eq!(text, expected);
        assert!(Multipart::new().text("a\"b", "x").encode().is_err());
    }

    #[test]
    fn file_parts_take_their_own_type_then_the_spec_default() {
        let own = FilePart::new(&b"1"[..])
            .file_name("a.jpg")
            .content_type("image/jpeg");
        let bare = FilePart::from(b"2".to_vec());
        let body = Multipart::new()
            .file_part("own", &own, Some("image/png"))
            .file_part("spec", &bare, Some("image/png"))
            .file_part("none", &bare, None);
        let heads: Vec<(&str, Option<&str>, Option<&str>)> = body
            .parts
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.file_name.as_deref(),
                    p.content_type.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            heads,
            [
                ("own", Some("a.jpg"), Some("image/jpeg")),
                ("spec", Some("file"), Some("image/png")),
                ("none", Some("file"), Some("application/octet-stream")),
            ]
        );
        // Debug shows sizes, never contents.
        let debug = format!("{own:?}");
        assert!(
            debug.contains("len: 1") && debug.contains("a.jpg"),
            "{debug}"
        );
    }

    #[test]
    fn a_json_part_that_cannot_be_serialized_names_the_part() {
        let mut map = std::collections::HashMap::new();
        map.insert((1, 2), "tuple keys are not JSON");
        let err = Multipart::new().json_part("meta", &map).unwrap_err();
        assert!(
            matches!(&err, crate::Error::InvalidRequest { parameter, .. } if *parameter == "meta"),
            "{err:?}"
        );
    }
}
