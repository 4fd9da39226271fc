//! Decoding of generated structs: one generic visitor shared by every struct, plus a `match` on
//! member names per struct.
//!
//! This replaces `#[derive(serde::Deserialize)]`. On the whole Atlas API (700 types) the derive's
//! expansion was most of the crate's compile time and memory; the behaviour is the same for JSON
//! objects (`null` and missing optional members are `None`), except that a member the struct does
//! not declare is kept ([`keep`], into its [`Undeclared`]) rather than ignored. A struct with
//! required members is decoded into a companion with every member optional ([`set_required`] for
//! the required ones: `null` is an error), then checked in one `match` that binds each required
//! member's `Some` (a missing one is serde's "missing field" error, from [`missing`]).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};

use crate::Undeclared;

/// A struct decoded member by member from a JSON object, starting from `Default`.
pub trait DecodeFields: Default {
    /// The type's name, for error messages.
    const NAME: &'static str;

    /// Decodes the value of member `key` from `map` into the matching field; an undeclared
    /// member's value is kept with [`keep`] (or in the typed `additionalProperties` map, or
    /// refused with [`reject`]).
    fn decode_field<'de, A: MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
    ) -> Result<(), A::Error>;
}

/// Skips the value of a member the struct does not know.
pub fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// The value of a member the struct does not declare, kept in `slot` as raw JSON (see
/// [`Undeclared`]): what a generated `decode_field` does with any other member.
pub fn keep<'de, A: MapAccess<'de>>(
    slot: &mut Undeclared,
    key: &str,
    map: &mut A,
) -> Result<(), A::Error> {
    let value: serde_json::Value = map.next_value()?;
    slot.insert(key, value);
    Ok(())
}

/// [`keep`] for a struct whose schema forbids undeclared members (`additionalProperties: false`)
/// but whose responses are read leniently: the member is kept, and reported once per type as a
/// `tracing` warning (its name and the type's; never its value).
pub fn keep_reported<'de, A: MapAccess<'de>>(
    slot: &mut Undeclared,
    type_name: &'static str,
    key: &str,
    map: &mut A,
) -> Result<(), A::Error> {
    report_forbidden(type_name, key);
    keep(slot, key, map)
}

/// Warns once per type (a set of the type names seen, bounded by the crate's types).
fn report_forbidden(type_name: &'static str, key: &str) {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static REPORTED: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let first = REPORTED
        .get_or_init(Default::default)
        .lock()
        .is_ok_and(|mut seen| seen.insert(type_name));
    if first {
        tracing::warn!(
            type_name,
            member = key,
            "a member the spec forbids (additionalProperties: false) was received: kept in \
             `_undeclared` (reported once per type)"
        );
    }
}

/// A member the struct does not declare where its schema forbids any (`additionalProperties:
/// false`, responses read strictly): serde's "unknown field" error, naming the member and the
/// `expected` ones.
pub fn reject<E: serde::de::Error>(key: &str, expected: &'static [&'static str]) -> Result<(), E> {
    Err(E::unknown_field(key, expected))
}

/// `Deserialize::deserialize` for a [`DecodeFields`] struct.
#[inline]
pub fn decode_fields<'de, D: Deserializer<'de>, T: DecodeFields>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(FieldsVisitor(PhantomData))
}

struct FieldsVisitor<T>(PhantomData<T>);

impl<'de, T: DecodeFields> Visitor<'de> for FieldsVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a JSON object ({})", T::NAME)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        while let Some(Key(key)) = map.next_key::<Key<'de>>()? {
            value.decode_field(&key, &mut map)?;
        }
        Ok(value)
    }
}

/// The value of an optional member into `slot`: `null` is `None`. Same result as
/// `*slot = map.next_value()?`, but every step is `#[inline]` so the null check lands in the caller's
/// loop (serde's own `Option` impl stays a separate call per member: about 3 % of a page decode). The
/// arm of a generated `decode_field` is this one call, an expression of the arm's `Result` (no `?`
/// and no assignment to infer through, per member, in generated code).
#[inline]
pub fn set<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
) -> Result<(), A::Error> {
    *slot = map.next_value_seed(OptSeed(PhantomData))?;
    Ok(())
}

/// The value of a required member into `slot` (`None` until it arrives): `null` is an error, as
/// for the member's type itself.
#[inline]
pub fn set_required<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    slot: &mut Option<T>,
    map: &mut A,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// The value of a required, nullable member into `slot` (`None` until it arrives): `null` is
/// `Some(None)`, so the check after decoding can still tell "absent" (an error, [`missing`]) from
/// "null" (a value).
#[inline]
pub fn set_present<'de, A: MapAccess<'de>, T: serde::Deserialize<'de>>(
    slot: &mut Option<Option<T>>,
    map: &mut A,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value_seed(OptSeed(PhantomData))?);
    Ok(())
}

/// serde's "missing field" error for the first required member absent from a body: `members` is
/// (absent, member name) for each required member, in declaration order. Generated code calls this
/// when its one `match` over the decoded members finds one absent; if none is, the error still
/// says so rather than panicking.
#[cold]
pub fn missing<E: serde::de::Error>(members: &[(bool, &'static str)]) -> E {
    match members.iter().find(|(absent, _)| *absent) {
        Some((_, member)) => E::missing_field(member),
        None => E::custom("a required member is missing"),
    }
}

/// A required member's decoded value, or serde's "missing field" error naming `member`. Code this
/// generator writes now checks every required member in one `match` ([`missing`]); this stays for
/// crates generated before, which depend on this version of the runtime.
#[doc(hidden)]
#[deprecated(note = "regenerate the crate: required members are checked with `missing`")]
#[inline]
pub fn required<T, E: serde::de::Error>(value: Option<T>, member: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(member))
}

pub(crate) struct OptSeed<T>(pub(crate) PhantomData<T>);

impl<'de, T: serde::Deserialize<'de>> serde::de::DeserializeSeed<'de> for OptSeed<T> {
    type Value = Option<T>;

    #[inline]
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        deserializer.deserialize_option(self)
    }
}

impl<'de, T: serde::Deserialize<'de>> Visitor<'de> for OptSeed<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value or null")
    }

    #[inline]
    fn visit_none<E: serde::de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    #[inline]
    fn visit_unit<E: serde::de::Error>(self) -> Result<Option<T>, E> {
        Ok(None)
    }

    #[inline]
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Option<T>, D::Error> {
        T::deserialize(deserializer).map(Some)
    }
}

/// `Deserialize::deserialize` for a generated string enum with an `Unknown(String)` fallback: a
/// known value is matched on the borrowed text (no `String` allocated); only an unknown one is
/// copied into the fallback.
pub fn decode_str_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: for<'a> From<&'a str> + From<String>,
{
    deserializer.deserialize_str(StrEnumVisitor(PhantomData))
}

struct StrEnumVisitor<T>(PhantomData<T>);

impl<'de, T: for<'a> From<&'a str> + From<String>> Visitor<'de> for StrEnumVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        Ok(T::from(v))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<T, E> {
        Ok(T::from(v))
    }
}

/// A member name, borrowed from the input when the deserializer can lend it (a slice without
/// escapes in the name), so most keys cost no allocation. (`Cow<str>`'s own `Deserialize` always
/// allocates: it decodes a `String`.)
pub(crate) struct Key<'de>(pub(crate) Cow<'de, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    #[inline]
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a member name")
    }

    #[inline]
    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq)]
    struct Thing {
        id: Option<String>,
        count: Option<i64>,
        extra: std::collections::BTreeMap<String, serde_json::Value>,
    }

    impl DecodeFields for Thing {
        const NAME: &'static str = "Thing";
        fn decode_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "id" => self.id = map.next_value()?,
                "count" => self.count = map.next_value()?,
                "skipped" => skip(map)?,
                _ => {
                    self.extra.insert(key.to_owned(), map.next_value()?);
                }
            }
            Ok(())
        }
    }

    impl<'de> serde::Deserialize<'de> for Thing {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_fields(deserializer)
        }
    }

    #[test]
    fn missing_names_the_first_absent_member() {
        let error: serde_json::Error = missing(&[(false, "id"), (true, "count"), (true, "name")]);
        assert_eq!(error.to_string(), "missing field `count`");
        let none: serde_json::Error = missing(&[(false, "id")]);
        assert_eq!(none.to_string(), "a required member is missing");
    }

    #[test]
    fn decodes_known_skips_and_keeps_others() {
        let thing: Thing =
            serde_json::from_str(r#"{"id":"a\"b","count":null,"skipped":{"x":[1]},"other":true}"#)
                .unwrap();
        assert_eq!(thing.id.as_deref(), Some("a\"b"));
        assert_eq!(thing.count, None);
        assert_eq!(thing.extra.len(), 1);
        let from_value: Thing = serde_json::from_value(serde_json::json!({"count": 3})).unwrap();
        assert_eq!(from_value.count, Some(3));
        let err = serde_json::from_str::<Thing>(r#"{"count":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("invalid type"), "{err}");
        let err = serde_json::from_str::<Thing>("[1]").unwrap_err();
        assert!(err.to_string().contains("a JSON object (Thing)"), "{err}");
    }

    /// A struct as generated for a schema without `additionalProperties`: the rest is kept.
    #[derive(Debug, Default, PartialEq)]
    struct Open {
        id: Option<String>,
        rest: Undeclared,
    }

    impl DecodeFields for Open {
        const NAME: &'static str = "Open";
        fn decode_field<'de, A: MapAccess<'de>>(
            &mut self,
            key: &str,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match key {
                "id" => set(&mut self.id, map),
                _ => keep(&mut self.rest, key, map),
            }
        }
    }

    impl<'de> serde::Deserialize<'de> for Open {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            decode_fields(deserializer)
        }
    }

    #[test]
    fn undeclared_members_kept_in_order_as_raw_json() {
        let json = r#"{"z":{"a":[1,2.5,"x\"y",null]},"id":"i","a":18446744073709551615,"m":-1}"#;
        let open: Open = serde_json::from_str(json).unwrap();
        assert_eq!(open.id.as_deref(), Some("i"));
        assert_eq!(open.rest.names().collect::<Vec<_>>(), ["z", "a", "m"]);
        assert_eq!(open.rest.get("z").unwrap()["a"][2], "x\"y");
        assert_eq!(open.rest.get("a").unwrap().as_u64(), Some(u64::MAX));
        // From a `Value`, in the `Value`'s own order (sorted without `preserve_order`).
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        let from_value: Open = serde_json::from_value(value).unwrap();
        assert_eq!(from_value, open);
        let none: Open = serde_json::from_str(r#"{"id":"i"}"#).unwrap();
        assert!(none.rest.is_empty());
    }

    #[test]
    fn forbidden_members_are_refused_or_kept_and_reported_once() {
        #[derive(Default)]
        struct Closed;
        impl DecodeFields for Closed {
            const NAME: &'static str = "Closed";
            fn decode_field<'de, A: MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                match key {
                    "id" => skip(map),
                    _ => reject(key, &["id"]),
                }
            }
        }
        let err = decode_fields::<_, Closed>(&mut serde_json::Deserializer::from_str(
            r#"{"id":1,"extra":2}"#,
        ))
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "unknown field `extra`, expected `id` at line 1 column 15"
        );

        #[derive(Default)]
        struct Lenient(Undeclared);
        impl DecodeFields for Lenient {
            const NAME: &'static str = "LenientReportedOnce";
            fn decode_field<'de, A: MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                keep_reported(&mut self.0, Self::NAME, key, map)
            }
        }
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let subscriber = Events(seen.clone());
        tracing::subscriber::with_default(subscriber, || {
            for _ in 0..3 {
                let kept = decode_fields::<_, Lenient>(&mut serde_json::Deserializer::from_str(
                    r#"{"secretish":"value-not-logged","b":2}"#,
                ))
                .unwrap();
                assert_eq!(kept.0.len(), 2);
            }
        });
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].contains("LenientReportedOnce") && seen[0].contains("secretish"));
        assert!(!seen[0].contains("value-not-logged"), "{seen:?}");
    }

    /// Every event's fields as one line of text.
    struct Events(std::sync::Arc<std::sync::Mutex<Vec<String>>>);

    struct Line(String);

    impl tracing::field::Visit for Line {
        fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn fmt::Debug) {
            self.0.push_str(&format!("{}={value:?} ", field.name()));
        }
    }

    impl tracing::Subscriber for Events {
        fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, _: &tracing::span::Attributes<'_>) -> tracing::span::Id {
            tracing::span::Id::from_u64(1)
        }
        fn record(&self, _: &tracing::span::Id, _: &tracing::span::Record<'_>) {}
        fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
        fn event(&self, event: &tracing::Event<'_>) {
            let mut line = Line(String::new());
            event.record(&mut line);
            self.0.lock().unwrap().push(line.0);
        }
        fn enter(&self, _: &tracing::span::Id) {}
        fn exit(&self, _: &tracing::span::Id) {}
    }

    #[derive(Debug, PartialEq)]
    enum State {
        Done,
        Unknown(String),
    }

    impl From<&str> for State {
        fn from(value: &str) -> Self {
            match value {
                "Done" => State::Done,
                other => State::Unknown(other.to_owned()),
            }
        }
    }

    impl From<String> for State {
        fn from(value: String) -> Self {
            match State::from(value.as_str()) {
                State::Unknown(_) => State::Unknown(value),
                known => known,
            }
        }
    }

    #[test]
    fn string_enums_from_borrowed_escaped_and_owned_text() {
        let de =
            |json: &str| decode_str_enum::<_, State>(&mut serde_json::Deserializer::from_str(json));
        assert_eq!(de(r#""Done""#).unwrap(), State::Done);
        assert_eq!(de(r#""D\u006fne""#).unwrap(), State::Done);
        assert_eq!(de(r#""New\"""#).unwrap(), State::Unknown("New\"".into()));
        let owned = decode_str_enum::<_, State>(serde_json::json!("Later")).unwrap();
        assert_eq!(owned, State::Unknown("Later".into()));
        assert!(de("3").unwrap_err().to_string().contains("a string"));
    }
}
