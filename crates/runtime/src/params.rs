//! Parameter encodings beyond one `name=value`: object parameters in the query (`deepObject`,
//! `form`), `allowReserved` query values and cookie parameters.

use std::borrow::Cow;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::Value;

use crate::request::{encode_query_component, QueryValue, Request};
use crate::Error;

/// One query pair as it will be written: the name may be built (`filter[name]`), and an
/// `allowReserved` value keeps RFC 3986 reserved characters as they are.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct QueryPair {
    pub(crate) name: Cow<'static, str>,
    pub(crate) value: String,
    pub(crate) allow_reserved: bool,
}

impl QueryPair {
    pub(crate) fn new(
        name: impl Into<Cow<'static, str>>,
        value: String,
        allow_reserved: bool,
    ) -> Self {
        QueryPair {
            name: name.into(),
            value,
            allow_reserved,
        }
    }

    /// Appends `name=value`, encoded.
    pub(crate) fn encode_into(&self, out: &mut String) {
        out.push_str(&encode_query_component(&self.name));
        out.push('=');
        if self.allow_reserved {
            encode_allowing_reserved(&self.value, out);
        } else {
            out.push_str(&encode_query_component(&self.value));
        }
    }
}

/// Reserved characters (RFC 3986 §2.2) that may stand unencoded in a query: every sub-delim plus
/// `:` `@` `/` `?`. `#`, `[` and `]` are reserved too, but a query cannot contain them (`#` would
/// start the fragment), so they stay encoded.
const RESERVED_IN_QUERY: &[u8] = b"!$&'()*+,;=:@/?";

/// RFC 6570 reserved expansion (`{+var}`) restricted to what a query may hold: unreserved and
/// reserved characters as they are, `%XX` triplets passed through, everything else percent-encoded.
fn encode_allowing_reserved(raw: &str, out: &mut String) {
    let bytes = raw.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        let keep = b.is_ascii_alphanumeric()
            || b"-._~".contains(&b)
            || RESERVED_IN_QUERY.contains(&b)
            || (b == b'%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
        if keep {
            // Only ASCII is kept, so the byte is a whole character.
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// How an object-valued query parameter is spread over the query (OpenAPI `style` + `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `style: deepObject`: `name[prop]=value` per property. Beyond OpenAPI: a nested object
    /// continues the brackets (`name[a][b]=value`), an array gets `[]` per item (`name[a][]=1&name[a][]=2`).
    DeepObject,
    /// `style: form, explode: true`: `prop=value` per property; an array property repeats its key.
    FormExploded,
    /// `style: form, explode: false`: one pair `name=prop,value,prop2,value2`.
    FormJoined,
}

/// Nested objects deeper than this in a `deepObject` parameter are sent as JSON text.
const MAX_BRACKET_DEPTH: usize = 8;

impl Request {
    /// Adds an `allowReserved` query parameter: its reserved characters are sent unencoded.
    pub fn query_reserved<V: QueryValue>(&mut self, name: &'static str, value: Option<V>) {
        if let Some(v) = value {
            self.query.push(QueryPair::new(name, v.to_query(), true));
        }
    }

    /// Adds an object-valued query parameter (or an array of objects), spread over the query as
    /// `style` says; `None` is not sent, `null` properties are left out. A `deepObject` array of
    /// objects gets indexed brackets (`name[0][prop]=value`). Values nested deeper than OpenAPI defines for the
    /// style (an object inside a `form` object, any array or object inside a joined one, an array
    /// item that is itself structured) are sent as JSON text.
    ///
    /// # Errors
    ///
    /// `Error::InvalidRequest` when the value cannot be serialized.
    pub fn query_object<T: serde::Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        style: ObjectStyle,
        allow_reserved: bool,
        value: Option<&T>,
    ) -> Result<(), Error> {
        let Some(value) = value else {
            return Ok(());
        };
        let value = serde_json::to_value(value)
            .map_err(|e| Error::invalid(name, format!("could not be serialized: {e}")))?;
        // The same order of members in every build (see `sorted_members`).
        let value = crate::body::sorted_members(value);
        let mut push = |key: Cow<'static, str>, text: String| {
            self.query.push(QueryPair::new(key, text, allow_reserved));
        };
        if let (ObjectStyle::DeepObject, Value::Array(items)) = (style, &value) {
            // An array of objects (beyond OpenAPI): indexed brackets, `name[0][prop]=value`.
            for (i, item) in items.iter().enumerate() {
                deep_pairs(format!("{name}[{i}]"), item, 1, &mut push);
            }
            return Ok(());
        }
        let Value::Object(members) = value else {
            // Not an object after all (a union member, say): sent like a plain parameter.
            for_each_item(Cow::Borrowed(name), &value, &mut push);
            return Ok(());
        };
        match style {
            ObjectStyle::DeepObject => {
                for (key, member) in &members {
                    deep_pairs(format!("{name}[{key}]"), member, 1, &mut push);
                }
            }
            ObjectStyle::FormExploded => {
                for (key, member) in &members {
                    for_each_item(Cow::Owned(key.clone()), member, &mut push);
                }
            }
            ObjectStyle::FormJoined => {
                let mut parts = Vec::new();
                for (key, member) in &members {
                    if let Some(text) = value_text(member) {
                        parts.push(key.clone());
                        parts.push(text);
                    }
                }
                if !parts.is_empty() {
                    push(Cow::Borrowed(name), parts.join(","));
                }
            }
        }
        Ok(())
    }

    /// Adds a cookie parameter to the `Cookie` header (`name=value`, pairs joined by `; `); `None`
    /// is not sent. The value is percent-encoded wherever RFC 6265 forbids a character in a cookie
    /// value (controls, space, `"`, `,`, `;`, `\`, non-ASCII) and at `%`.
    pub fn cookie<V: QueryValue>(&mut self, name: &'static str, value: Option<V>) {
        if let Some(v) = value {
            self.add_cookie(name, &encode_cookie_value(&v.to_query()));
        }
    }

    /// Adds an array cookie parameter (`style: form`): `name=a,b,c`, each item encoded like
    /// [`cookie`](Self::cookie)'s value, so a comma inside an item stays distinct from the separator.
    pub fn cookie_list<V: QueryValue>(&mut self, name: &'static str, values: Option<&[V]>) {
        if let Some(values) = values {
            let items: Vec<String> = values
                .iter()
                .map(|v| encode_cookie_value(&v.to_query()))
                .collect();
            self.add_cookie(name, &items.join(","));
        }
    }

    fn add_cookie(&mut self, name: &str, encoded: &str) {
        let pair = format!("{}={encoded}", encode_cookie_value(name));
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case("cookie"))
        {
            Some((_, value)) => {
                value.push_str("; ");
                value.push_str(&pair);
            }
            None => self.headers.push(("Cookie", pair)),
        }
    }
}

/// Characters a cookie value may not contain (RFC 6265 §4.1.1 `cookie-octet`), plus `%` and `=`
/// so the encoding can be reversed and a name cannot end early.
const COOKIE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b',')
    .add(b';')
    .add(b'\\')
    .add(b'%')
    .add(b'=');

fn encode_cookie_value(raw: &str) -> String {
    utf8_percent_encode(raw, COOKIE).to_string()
}

/// The text of a value: a string as is, a number or boolean as JSON, an array or object as JSON
/// text; `None` for null.
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// `key=value` for a scalar, one pair per item for an array; structured items as JSON text.
fn for_each_item(
    key: Cow<'static, str>,
    value: &Value,
    push: &mut impl FnMut(Cow<'static, str>, String),
) {
    match value {
        Value::Array(items) => {
            for item in items {
                if let Some(text) = value_text(item) {
                    push(key.clone(), text);
                }
            }
        }
        other => {
            if let Some(text) = value_text(other) {
                push(key, text);
            }
        }
    }
}

/// `deepObject` pairs under `key`: objects continue the brackets (up to `MAX_BRACKET_DEPTH`).
fn deep_pairs(
    key: String,
    value: &Value,
    depth: usize,
    push: &mut impl FnMut(Cow<'static, str>, String),
) {
    match value {
        Value::Object(members) if depth < MAX_BRACKET_DEPTH => {
            for (member, inner) in members {
                deep_pairs(format!("{key}[{member}]"), inner, depth + 1, push);
            }
        }
        // `name[key][]=item`, the bracket convention servers parsing deepObject expect.
        Value::Array(_) => for_each_item(Cow::Owned(format!("{key}[]")), value, push),
        other => for_each_item(Cow::Owned(key), other, push),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Method, Operation};
    use serde_json::json;

    static OP: Operation = Operation {
        operation_id: "find",
        method: Method::Get,
        path_template: "/p",
        media_type: "application/json",
    };

    fn query_of(style: ObjectStyle, value: &Value) -> String {
        let mut r = Request::new(&OP, "/p".into());
        r.query_object("filter", style, false, Some(value)).unwrap();
        r.path_and_query()
    }

    #[test]
    fn deep_object_brackets_nested_objects_and_repeats_arrays() {
        let value = json!({"name": "a b", "age": 3, "skip": null,
                           "tags": ["x", "y&z"], "range": {"min": 1, "max": {"v": true}}});
        assert_eq!(
            query_of(ObjectStyle::DeepObject, &value),
            "/p?filter%5Bage%5D=3&filter%5Bname%5D=a%20b\
             &filter%5Brange%5D%5Bmax%5D%5Bv%5D=true&filter%5Brange%5D%5Bmin%5D=1\
             &filter%5Btags%5D%5B%5D=x&filter%5Btags%5D%5B%5D=y%26z"
        );
    }

    #[test]
    fn deep_object_depth_is_bounded() {
        let mut value = json!("leaf");
        for _ in 0..20 {
            value = json!({ "k": value });
        }
        let query = query_of(ObjectStyle::DeepObject, &value);
        // 8 bracket levels, then the rest as JSON text.
        assert_eq!(query.matches("%5Bk%5D").count(), 8, "{query}");
        assert!(query.contains("%7B%22k%22"), "{query}");
    }

    #[test]
    fn form_objects_exploded_and_joined() {
        let value =
            json!({"color": "blue", "size": 2, "gone": null, "tags": ["a", "b"], "deep": {"x": 1}});
        assert_eq!(
            query_of(ObjectStyle::FormExploded, &value),
            "/p?color=blue&deep=%7B%22x%22%3A1%7D&size=2&tags=a&tags=b"
        );
        assert_eq!(
            query_of(ObjectStyle::FormJoined, &json!({"R": 100, "G": "2,0"})),
            "/p?filter=G%2C2%2C0%2CR%2C100"
        );
        assert_eq!(query_of(ObjectStyle::FormJoined, &json!({"a": null})), "/p");
        // Not an object: sent as a plain (repeated) parameter; a structured item as JSON text.
        assert_eq!(
            query_of(ObjectStyle::FormExploded, &json!([1, {"a": 2}])),
            "/p?filter=1&filter=%7B%22a%22%3A2%7D"
        );
        // A deepObject array of objects gets indexed brackets.
        assert_eq!(
            query_of(
                ObjectStyle::DeepObject,
                &json!([{"a": 1}, {"a": 2, "b": [3]}])
            ),
            "/p?filter%5B0%5D%5Ba%5D=1&filter%5B1%5D%5Ba%5D=2&filter%5B1%5D%5Bb%5D%5B%5D=3"
        );
    }

    #[test]
    fn allow_reserved_keeps_reserved_characters_only() {
        let mut r = Request::new(&OP, "/p".into());
        r.query_reserved("q", Some("a/b?c=d&e:f@g!$'()*+,;"));
        r.query_reserved("r", Some("sp ace#[]%zz%2Fü\"<>"));
        r.query("plain", Some("a/b&c"));
        assert_eq!(
            r.path_and_query(),
            "/p?q=a/b?c=d&e:f@g!$'()*+,;&r=sp%20ace%23%5B%5D%25zz%2F%C3%BC%22%3C%3E&plain=a%2Fb%26c"
        );
    }

    #[test]
    fn allow_reserved_objects() {
        let mut r = Request::new(&OP, "/p".into());
        r.query_object(
            "f",
            ObjectStyle::FormJoined,
            true,
            Some(&json!({"a": "x/y", "b": "1 2"})),
        )
        .unwrap();
        assert_eq!(r.path_and_query(), "/p?f=a,x/y,b,1%202");
    }

    #[test]
    fn cookies_share_one_header_and_are_encoded() {
        let mut r = Request::new(&OP, "/p".into());
        r.cookie("session", Some("a b;c=d,\"e\"%"));
        r.cookie::<i64>("absent", None);
        r.cookie_list("ids", Some(&[3, 4][..]));
        r.cookie_list("names", Some(&["x,y", "z"][..]));
        r.header("X-Other", Some(1));
        assert_eq!(
            r.headers,
            vec![
                (
                    "Cookie",
                    "session=a%20b%3Bc%3Dd%2C%22e%22%25; ids=3,4; names=x%2Cy,z".to_owned()
                ),
                ("X-Other", "1".to_owned())
            ]
        );
        assert_eq!(r.path_and_query(), "/p");
    }

    #[test]
    fn serialization_failure_is_an_invalid_request() {
        let mut map = std::collections::BTreeMap::new();
        map.insert(vec![1u8], 1);
        let mut r = Request::new(&OP, "/p".into());
        let err = r
            .query_object("m", ObjectStyle::DeepObject, false, Some(&map))
            .unwrap_err();
        assert!(
            matches!(err, Error::InvalidRequest { parameter: "m", .. }),
            "{err:?}"
        );
    }
}
