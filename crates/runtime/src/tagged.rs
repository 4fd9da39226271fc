//! Decoding of discriminated unions (`discriminator`, or a profile's flattened polymorphism) in one
//! pass over the object, shared by every generated tagged enum.
//!
//! Generated code implements [`TaggedEnum`] (a `match` from tag to variant) and calls [`decode`].
//! The visitor reads the object's members in order:
//!
//! - members before the tag are buffered as received (strings borrowed from the input when it
//!   lends them, never a `serde_json::Value`);
//! - once the tag is met, its variant is decoded from the buffered members, then the tag member
//!   itself, then the rest of the object straight from the input (no buffering at all when the tag
//!   comes first);
//! - the rule for what is not a known variant: an object whose tag is not a string the spec lists,
//!   an object without the tag, and any non-object value decode into the enum's `Unknown` variant
//!   as a `serde_json::Value` of everything received, whatever its members' types — even a member
//!   that reuses a known variant's member name with another type (`"tenantId": 5`). Members are
//!   typed only after the tag has chosen a variant, so an unknown variant never fails and loses
//!   nothing. A *known* tag whose members do not fit its variant is an error, as for any struct.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::content::{Content, ContentDeserializer, ContentVisitor};
use crate::fields::Key;

/// A discriminated union decoded by [`decode`].
pub trait TaggedEnum: Sized {
    /// The type's name, for error messages.
    const NAME: &'static str;
    /// The JSON name of the tag member (`cloudProvider`).
    const TAG: &'static str;

    /// Decodes the variant `tag` names from `body` (`body.decode()`), or `body.unknown()` into
    /// the fallback variant when `tag` is not one of them.
    fn variant<'de, A: MapAccess<'de>>(tag: &str, body: Body<'de, A>) -> Result<Self, A::Error>;

    /// The fallback variant holding `value` as received (no tag, or a tag that is not a string).
    fn unknown(value: serde_json::Value) -> Self;
}

/// `Deserialize::deserialize` for a [`TaggedEnum`].
pub fn decode<'de, D: Deserializer<'de>, T: TaggedEnum>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_any(TaggedVisitor(PhantomData))
}

/// The members of a tagged object once its tag is known: those read before the tag (buffered),
/// the tag, then the rest of the input. A `MapAccess` and a `Deserializer` of that object.
pub struct Body<'de, A> {
    before: std::vec::IntoIter<(Content<'de>, Content<'de>)>,
    pending: Option<Content<'de>>,
    map: A,
}

impl<'de, A: MapAccess<'de>> Body<'de, A> {
    /// Decodes the whole object into the variant's type.
    pub fn decode<T: serde::Deserialize<'de>>(self) -> Result<T, A::Error> {
        T::deserialize(self)
    }

    /// The whole object as received, for the fallback variant: members are not typed, so this
    /// never fails on their content (only on malformed input).
    pub fn unknown(mut self) -> Result<serde_json::Value, A::Error> {
        let mut object = serde_json::Map::new();
        for (key, value) in self.before.by_ref() {
            object.insert(key.into_key(), value.into_value());
        }
        while let Some(Key(key)) = self.map.next_key::<Key<'de>>()? {
            let value: serde_json::Value = self.map.next_value()?;
            object.insert(key.into_owned(), value);
        }
        Ok(serde_json::Value::Object(object))
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Body<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.before.next() {
            Some((key, value)) => {
                self.pending = Some(value);
                seed.deserialize(ContentDeserializer::new(key)).map(Some)
            }
            None => self.map.next_key_seed(seed),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.pending.take() {
            Some(value) => seed.deserialize(ContentDeserializer::new(value)),
            None => self.map.next_value_seed(seed),
        }
    }
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Body<'de, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct TaggedVisitor<T>(PhantomData<T>);

impl<T: TaggedEnum> TaggedVisitor<T> {
    fn unknown<E>(content: Content<'_>) -> Result<T, E> {
        Ok(T::unknown(content.into_value()))
    }
}

impl<'de, T: TaggedEnum> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut before = Vec::new();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            let value: Content<'de> = map.next_value()?;
            if key == T::TAG {
                if let Content::Str(tag) = &value {
                    let tag = tag.clone();
                    before.push((Content::Str(key), value));
                    let body = Body {
                        before: before.into_iter(),
                        pending: None,
                        map,
                    };
                    return T::variant(&tag, body);
                }
            }
            before.push((Content::Str(key), value));
        }
        Self::unknown(Content::Map(before))
    }

    // Anything but an object has no tag: kept as received, like an unknown variant.
    fn visit_bool<E>(self, v: bool) -> Result<T, E> {
        Self::unknown(Content::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<T, E> {
        Self::unknown(Content::I64(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<T, E> {
        Self::unknown(Content::U64(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<T, E> {
        Self::unknown(Content::F64(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok(T::unknown(serde_json::Value::String(v.to_owned())))
    }
    fn visit_unit<E>(self) -> Result<T, E> {
        Self::unknown(Content::Null)
    }
    fn visit_none<E>(self) -> Result<T, E> {
        Self::unknown(Content::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<T, A::Error> {
        ContentVisitor.visit_seq(seq).and_then(Self::unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::{decode_fields, keep, skip, DecodeFields};
    use serde_json::json;

    #[derive(Debug, Default, PartialEq)]
    struct Aws {
        id: Option<String>,
        region: Option<String>,
        private: Option<bool>,
        rest: crate::Undeclared,
    }

    impl DecodeFields for Aws {
        const NAME: &'static str = "Aws";
        fn decode_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "_id" => self.id = map.next_value()?,
                "region" => self.region = map.next_value()?,
                "private" => self.private = map.next_value()?,
                // The tag: written by the variant itself, not kept.
                "cloud" => skip(map)?,
                _ => keep(&mut self.rest, key, map)?,
            }
            Ok(())
        }
    }

    impl<'de> serde::Deserialize<'de> for Aws {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_fields(deserializer)
        }
    }

    /// Serde-derived, requiring its tag: the tag member is replayed to the variant.
    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(tag = "cloud", rename = "GCP")]
    struct Gcp {
        #[serde(rename = "roleId")]
        role_id: u32,
    }

    #[derive(Debug, PartialEq)]
    enum Bucket {
        Aws(Aws),
        Gcp(Gcp),
        Unknown(serde_json::Value),
    }

    impl TaggedEnum for Bucket {
        const NAME: &'static str = "Bucket";
        const TAG: &'static str = "cloud";
        fn variant<'de, A: MapAccess<'de>>(
            tag: &str,
            body: Body<'de, A>,
        ) -> Result<Self, A::Error> {
            match tag {
                "AWS" => body.decode().map(Bucket::Aws),
                "GCP" => body.decode().map(Bucket::Gcp),
                _ => body.unknown().map(Bucket::Unknown),
            }
        }
        fn unknown(value: serde_json::Value) -> Self {
            Bucket::Unknown(value)
        }
    }

    impl<'de> serde::Deserialize<'de> for Bucket {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode(deserializer)
        }
    }

    fn aws() -> Bucket {
        Bucket::Aws(Aws {
            id: Some("a\"b".into()),
            region: Some("eu".into()),
            private: Some(true),
            rest: [("x", json!([1, {"y": null}]))].into_iter().collect(),
        })
    }

    #[test]
    fn known_tag_anywhere_in_the_object() {
        for json in [
            r#"{"cloud":"AWS","_id":"a\"b","region":"eu","private":true,"x":[1,{"y":null}]}"#,
            r#"{"_id":"a\"b","x":[1,{"y":null}],"cloud":"AWS","region":"eu","private":true}"#,
            r#"{"_id":"a\"b","region":"eu","private":true,"x":[1,{"y":null}],"cloud":"AWS"}"#,
        ] {
            assert_eq!(
                serde_json::from_str::<Bucket>(json).unwrap(),
                aws(),
                "{json}"
            );
            // The same through a `Value` (an owned deserializer), as `from_value` users do.
            let value: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::from_value::<Bucket>(value).unwrap(), aws());
        }
        let gcp: Bucket = serde_json::from_str(r#"{"roleId":7,"cloud":"GCP"}"#).unwrap();
        assert_eq!(gcp, Bucket::Gcp(Gcp { role_id: 7 }));
    }

    /// Undeclared members before and after the tag reach the variant, in the order received.
    #[test]
    fn undeclared_members_around_the_tag_are_kept_in_order() {
        let json = r#"{"b":1,"_id":"i","a":{"k":[true]},"cloud":"AWS","c":"after","region":"eu"}"#;
        let Bucket::Aws(aws) = serde_json::from_str::<Bucket>(json).unwrap() else {
            panic!("AWS variant expected");
        };
        assert_eq!(aws.rest.names().collect::<Vec<_>>(), ["b", "a", "c"]);
        assert_eq!(aws.rest.get("a"), Some(&json!({"k": [true]})));
        assert_eq!(aws.id.as_deref(), Some("i"));
    }

    #[test]
    fn known_tag_with_a_wrong_member_is_an_error() {
        for json in [
            r#"{"cloud":"AWS","private":"yes"}"#,
            r#"{"private":"yes","cloud":"AWS"}"#,
        ] {
            let err = serde_json::from_str::<Bucket>(json).unwrap_err();
            assert!(err.to_string().contains("invalid type"), "{json}: {err}");
        }
    }

    #[test]
    fn unknown_variants_are_kept_losslessly_whatever_their_members() {
        // An unknown tag reusing known member names with other types, before and after the tag.
        let cases = [
            json!({"cloud": "OCI", "_id": 5, "private": "no", "region": {"a": [1.5, -2, null]}}),
            json!({"_id": [true], "private": 1, "cloud": "OCI", "region": 18446744073709551615u64}),
            // No tag; a tag that is not a string; not an object at all.
            json!({"_id": 5, "private": "no"}),
            json!({"cloud": 3, "_id": 5}),
            json!(["AWS", {"_id": "x"}]),
            json!("AWS"),
            json!(2.5),
            json!(null),
        ];
        for value in cases {
            let text = value.to_string();
            let decoded: Bucket = serde_json::from_str(&text).unwrap();
            assert_eq!(decoded, Bucket::Unknown(value.clone()), "{text}");
            let decoded: Bucket = serde_json::from_value(value.clone()).unwrap();
            assert_eq!(decoded, Bucket::Unknown(value), "{text}");
        }
    }

    #[test]
    fn path_of_a_failure_after_the_tag() {
        let json = r#"{"cloud":"AWS","region":7}"#;
        let mut de = serde_json::Deserializer::from_str(json);
        let err = serde_path_to_error::deserialize::<_, Bucket>(&mut de).unwrap_err();
        assert_eq!(err.path().to_string(), "region");
    }
}
