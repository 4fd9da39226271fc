//! `Serialize` for generated structs, instead of `#[derive(serde::Serialize)]`.
//!
//! Why: on the whole Atlas API (650 structs) serde_derive's expansion of `Serialize` (per member a
//! presence test for the length, a presence test again, `serialize_field`, `skip_field` and a `?`)
//! was the largest single share of the generated crate's type checking. A generated `serialize` is
//! now one call per member on a [`Struct`], which keeps the first error and skips the rest, so the
//! same JSON comes out (members in declaration order, `None` members left out unless the member is
//! nullable, then the members the schema does not declare, as received) at a fraction of the
//! front-end work.

use serde::ser::{Serialize, SerializeMap, SerializeStruct, Serializer};

use crate::Undeclared;

/// A struct being serialized: members are added in order; the first error is kept and returned by
/// [`Struct::end`]. With undeclared members ([`Struct::keeping`]) it is written as a map (a struct's
/// keys are `&'static str`), the same JSON.
pub struct Struct<'u, S: Serializer> {
    state: Result<State<S>, S::Error>,
    undeclared: Option<&'u Undeclared>,
}

enum State<S: Serializer> {
    Struct(S::SerializeStruct),
    Map(S::SerializeMap),
}

impl<'u, S: Serializer> Struct<'u, S> {
    /// Starts the struct `name` (the serde name: the Rust name, or the tag value of a subtype) with
    /// `len` members (see [`present`]).
    #[inline]
    pub fn new(serializer: S, name: &'static str, len: usize) -> Self {
        Struct {
            state: serializer.serialize_struct(name, len).map(State::Struct),
            undeclared: None,
        }
    }

    /// [`Struct::new`] for a struct that keeps the members its schema does not declare: they are
    /// written after the declared ones, by [`Struct::end`]. None: exactly `new`.
    #[inline]
    pub fn keeping(
        serializer: S,
        name: &'static str,
        len: usize,
        undeclared: &'u Undeclared,
    ) -> Self {
        if undeclared.is_empty() {
            return Self::new(serializer, name, len);
        }
        Struct {
            state: serializer
                .serialize_map(Some(len.saturating_add(undeclared.len())))
                .map(State::Map),
            undeclared: Some(undeclared),
        }
    }

    /// The member `key`, always written (`None` of a nullable member as `null`).
    #[inline]
    pub fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        let written = match &mut self.state {
            Ok(State::Struct(state)) => state.serialize_field(key, value),
            Ok(State::Map(state)) => state.serialize_entry(key, value),
            Err(_) => return,
        };
        if let Err(error) = written {
            self.state = Err(error);
        }
    }

    /// The member `key` when it is `Some`; nothing when it is `None`.
    #[inline]
    pub fn opt<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    /// Ends the struct (after its undeclared members); the first error of any member otherwise.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.state? {
            State::Struct(state) => state.end(),
            State::Map(mut state) => {
                for (key, value) in self.undeclared.into_iter().flatten() {
                    state.serialize_entry(key, value)?;
                }
                state.end()
            }
        }
    }
}

/// How many members are written: `always` plus one per `true` in `optional` (whether each
/// optional member is `Some`), the length `serialize_struct` is given.
#[inline]
pub fn present(always: usize, optional: &[bool]) -> usize {
    always.saturating_add(optional.iter().filter(|present| **present).count())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Sample {
        name: String,
        size: Option<i64>,
        note: Option<String>,
        cleared: Option<bool>,
    }

    impl Serialize for Sample {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let len = present(3, &[self.size.is_some(), self.note.is_some()]);
            let mut out = Struct::new(serializer, "Sample", len);
            out.field("kind", "sample");
            out.field("name", &self.name);
            out.opt("size", &self.size);
            out.opt("note", &self.note);
            out.field("cleared", &self.cleared);
            out.end()
        }
    }

    #[test]
    fn members_in_order_none_left_out_nullable_written() {
        let value = Sample {
            name: "a".into(),
            size: Some(3),
            note: None,
            cleared: None,
        };
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"kind":"sample","name":"a","size":3,"cleared":null}"#
        );
        assert_eq!(present(3, &[true, false]), 4);
    }

    /// Undeclared members come after the declared ones, as a map; none: the struct, unchanged.
    #[test]
    fn undeclared_members_written_after_the_declared_ones() {
        struct Kept {
            name: &'static str,
            extra: Undeclared,
        }
        impl Serialize for Kept {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut out = Struct::keeping(serializer, "Kept", 2, &self.extra);
                out.field("kind", "k");
                out.field("name", self.name);
                out.end()
            }
        }
        let mut value = Kept {
            name: "a",
            extra: Undeclared::new(),
        };
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"kind":"k","name":"a"}"#
        );
        value
            .extra
            .insert("z", serde_json::json!({"deep": [1, null]}));
        value.extra.insert("b", serde_json::json!(1.5));
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            r#"{"kind":"k","name":"a","z":{"deep":[1,null]},"b":1.5}"#
        );
        let as_value = serde_json::to_value(&value).unwrap();
        assert_eq!(as_value["z"]["deep"][0], 1);
    }

    /// A member that fails to serialize is the struct's error; later members are not written.
    #[test]
    fn first_error_is_returned() {
        struct Failing;
        impl Serialize for Failing {
            fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
                Err(serde::ser::Error::custom("no"))
            }
        }
        struct Outer;
        impl Serialize for Outer {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut out = Struct::new(serializer, "Outer", 2);
                out.field("a", &Failing);
                out.field("b", &1);
                out.end()
            }
        }
        let error = serde_json::to_string(&Outer).unwrap_err();
        assert_eq!(error.to_string(), "no");
    }
}
