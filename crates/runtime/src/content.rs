//! A JSON value buffered as received, strings borrowed from the input where the deserializer lends
//! them, and replayed later as a `Deserializer`. Serde's own equivalent (`Content`) is private.
//!
//! Used by [`crate::tagged`] for the members that come before a tag: a tagged enum cannot decode
//! them until it knows the variant, and a `serde_json::Value` would allocate a `String` per string
//! and a `BTreeMap` node per member only to be taken apart again.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{MapDeserializer, SeqDeserializer};
use serde::de::{self, Deserialize, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};

/// One buffered value. Numbers keep the form the deserializer gave them (as `serde_json::Value`
/// does), so converting to a `Value` is lossless.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Content<'de> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(Cow<'de, str>),
    Bytes(Cow<'de, [u8]>),
    Seq(Vec<Content<'de>>),
    Map(Vec<(Content<'de>, Content<'de>)>),
}

impl Content<'_> {
    /// The same value as a `serde_json::Value` (owned). A non-finite float becomes `null`, as in
    /// `serde_json::to_value`; a non-string map key (not possible in JSON) is written as its JSON text.
    pub(crate) fn into_value(self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Content::Null => Value::Null,
            Content::Bool(b) => Value::Bool(b),
            Content::U64(n) => Value::from(n),
            Content::I64(n) => Value::from(n),
            Content::F64(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
            Content::Str(s) => Value::String(s.into_owned()),
            Content::Bytes(b) => Value::Array(b.iter().map(|&x| Value::from(x)).collect()),
            Content::Seq(items) => {
                Value::Array(items.into_iter().map(Content::into_value).collect())
            }
            Content::Map(entries) => Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.into_key(), v.into_value()))
                    .collect(),
            ),
        }
    }

    pub(crate) fn into_key(self) -> String {
        match self {
            Content::Str(s) => s.into_owned(),
            other => other.into_value().to_string(),
        }
    }
}

impl<'de> Deserialize<'de> for Content<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ContentVisitor)
    }
}

pub(crate) struct ContentVisitor;

impl<'de> Visitor<'de> for ContentVisitor {
    type Value = Content<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Content<'de>, E> {
        Ok(Content::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Content<'de>, E> {
        Ok(Content::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Content<'de>, E> {
        Ok(Content::U64(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Content<'de>, E> {
        Ok(Content::F64(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Content<'de>, E> {
        Ok(Content::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Content<'de>, E> {
        Ok(Content::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Content<'de>, E> {
        Ok(Content::Str(Cow::Owned(v)))
    }
    fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Content<'de>, E> {
        Ok(Content::Bytes(Cow::Borrowed(v)))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Content<'de>, E> {
        Ok(Content::Bytes(Cow::Owned(v.to_owned())))
    }
    fn visit_unit<E>(self) -> Result<Content<'de>, E> {
        Ok(Content::Null)
    }
    fn visit_none<E>(self) -> Result<Content<'de>, E> {
        Ok(Content::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Content<'de>, D::Error> {
        Content::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Content<'de>, D::Error> {
        Content::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Content<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Content::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Content<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(64));
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Content::Map(entries))
    }
}

/// Replays a [`Content`] into any `Deserialize` type, with the error type of the caller's input.
pub(crate) struct ContentDeserializer<'de, E> {
    content: Content<'de>,
    error: PhantomData<E>,
}

impl<'de, E> ContentDeserializer<'de, E> {
    pub(crate) fn new(content: Content<'de>) -> Self {
        ContentDeserializer {
            content,
            error: PhantomData,
        }
    }
}

impl<'de, E: de::Error> IntoDeserializer<'de, E> for Content<'de> {
    type Deserializer = ContentDeserializer<'de, E>;
    fn into_deserializer(self) -> Self::Deserializer {
        ContentDeserializer::new(self)
    }
}

impl<'de, E: de::Error> Deserializer<'de> for ContentDeserializer<'de, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.content {
            Content::Null => visitor.visit_unit(),
            Content::Bool(v) => visitor.visit_bool(v),
            Content::U64(v) => visitor.visit_u64(v),
            Content::I64(v) => visitor.visit_i64(v),
            Content::F64(v) => visitor.visit_f64(v),
            Content::Str(Cow::Borrowed(v)) => visitor.visit_borrowed_str(v),
            Content::Str(Cow::Owned(v)) => visitor.visit_string(v),
            Content::Bytes(Cow::Borrowed(v)) => visitor.visit_borrowed_bytes(v),
            Content::Bytes(Cow::Owned(v)) => visitor.visit_byte_buf(v),
            Content::Seq(items) => {
                let mut seq = SeqDeserializer::new(items.into_iter());
                let value = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(value)
            }
            Content::Map(entries) => {
                let mut map = MapDeserializer::new(entries.into_iter());
                let value = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(value)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.content {
            Content::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, E> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, E> {
        match self.content {
            // A unit variant as a string, or `{"Variant": value}` (serde's JSON forms).
            Content::Str(s) => s
                .into_owned()
                .into_deserializer()
                .deserialize_enum(name, variants, visitor),
            Content::Map(entries) => {
                de::value::MapAccessDeserializer::new(MapDeserializer::new(entries.into_iter()))
                    .deserialize_enum(name, variants, visitor)
            }
            other => ContentDeserializer::<E>::new(other).deserialize_any(visitor),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct seq tuple tuple_struct map struct identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn replay<T: serde::de::DeserializeOwned>(json: &str) -> T {
        let content: Content<'_> = serde_json::from_str(json).unwrap();
        T::deserialize(ContentDeserializer::<serde_json::Error>::new(content)).unwrap()
    }

    #[test]
    fn replays_and_converts_losslessly() {
        let json = r#"{"a":[1,-2,2.5,18446744073709551615,"x\"y",true,null,{}],"b":{"c":"d"}}"#;
        let direct: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(replay::<serde_json::Value>(json), direct);
        let content: Content<'_> = serde_json::from_str(json).unwrap();
        assert_eq!(content.into_value(), direct);
        // Borrowed from the input when it has no escapes.
        let content: Content<'_> = serde_json::from_str(r#"["plain","esc\n"]"#).unwrap();
        match content {
            Content::Seq(items) => {
                assert!(matches!(items[0], Content::Str(Cow::Borrowed("plain"))));
                assert!(matches!(items[1], Content::Str(Cow::Owned(_))));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn replays_into_typed_values() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        enum E {
            Unit,
            Wrapped(u8),
        }
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct S {
            o: Option<u32>,
            n: Option<u32>,
            e: E,
            w: E,
            v: Vec<i8>,
        }
        let s: S = replay(r#"{"o":7,"n":null,"e":"Unit","w":{"Wrapped":3},"v":[-1,2]}"#);
        assert_eq!(
            s,
            S {
                o: Some(7),
                n: None,
                e: E::Unit,
                w: E::Wrapped(3),
                v: vec![-1, 2]
            }
        );
        let content: Content<'_> = serde_json::from_str(r#"{"o":"x"}"#).unwrap();
        let err =
            S::deserialize(ContentDeserializer::<serde_json::Error>::new(content)).unwrap_err();
        assert!(err.to_string().contains("invalid type"), "{err}");
    }
}
