//! `Serialize` for generated structs, instead of `#[derive(serde::Serialize)]`.
//!
//! Why: on the whole Atlas API (650 structs) serde_derive's expansion of `Serialize` (per member a
//! presence test for the length, a presence test again, `serialize_field`, `skip_field` and a `?`)
//! was the largest single share of the generated crate's type checking. A generated `serialize` is
//! now one call per member on a [`Struct`], which keeps the first error and skips the rest, so the
//! same JSON comes out (members in declaration order, `None` members left out unless the member is
//! nullable) at a fraction of the front-end work.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// A struct being serialized: members are added in order; the first error is kept and returned by
/// [`Struct::end`].
pub struct Struct<S: Serializer> {
    state: Result<S::SerializeStruct, S::Error>,
}

impl<S: Serializer> Struct<S> {
    /// Starts the struct `name` (the serde name: the Rust name, or the tag value of a subtype) with
    /// `len` members (see [`present`]).
    #[inline]
    pub fn new(serializer: S, name: &'static str, len: usize) -> Self {
        Struct {
            state: serializer.serialize_struct(name, len),
        }
    }

    /// The member `key`, always written (`None` of a nullable member as `null`).
    #[inline]
    pub fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) {
        if let Ok(state) = &mut self.state {
            if let Err(error) = state.serialize_field(key, value) {
                self.state = Err(error);
            }
        }
    }

    /// The member `key` when it is `Some`; nothing when it is `None`.
    #[inline]
    pub fn opt<T: Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.field(key, value);
        }
    }

    /// Ends the struct; the first error of any member otherwise.
    #[inline]
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
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
