//! Members of a JSON object that its schema does not declare, kept as received so that decoding a
//! value and serializing it again loses nothing (a read-modify-write sends back what the server
//! sent, even what the spec this crate was generated from does not know yet).
//!
//! Every generated struct without a typed `additionalProperties` map has one, in its `_undeclared`
//! field: a name no schema member can take (member names become `snake_case` identifiers, which
//! never start with `_`). It holds raw JSON (`serde_json::Value`) in the order received, whatever
//! `serde_json` features the build enables (`serde_json::Map` is sorted without `preserve_order`).
//! An empty one allocates nothing: a body without undeclared members decodes as before.

use std::collections::HashMap;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};
use serde_json::Value;

/// Members this many or fewer are found by a scan; more get a name index (a body with a
/// hundred thousand undeclared members stays linear to decode).
const SCANNED: usize = 16;

/// The members of a JSON object that its schema does not declare, as received (raw JSON, in
/// order), written back when the value holding them is serialized.
///
/// ```
/// # use apigen_runtime::Undeclared;
/// let mut extra = Undeclared::new();
/// extra.insert("predictiveEnabled", serde_json::json!(true));
/// assert_eq!(extra.get("predictiveEnabled"), Some(&serde_json::json!(true)));
/// assert_eq!(extra.names().collect::<Vec<_>>(), ["predictiveEnabled"]);
/// ```
///
/// A name is held once: inserting it again replaces the value in place (a JSON object repeating a
/// member keeps its last value, as `serde_json::Value` does). Equality ignores order. Do not insert
/// a member the type declares: it would be written twice.
#[derive(Clone, Default)]
pub struct Undeclared {
    /// `None` until a member arrives, so an empty value costs one pointer and no allocation.
    members: Option<Box<Members>>,
}

#[derive(Clone, Default)]
struct Members {
    list: Vec<(String, Value)>,
    /// Name -> position in `list`: empty (not built) or complete. Built once `list` is longer
    /// than [`SCANNED`]; cleared by a removal (positions move) and built again when needed.
    index: HashMap<String, usize>,
}

impl Members {
    fn position(&mut self, name: &str) -> Option<usize> {
        if self.list.len() <= SCANNED {
            return self.list.iter().position(|(n, _)| n == name);
        }
        if self.index.is_empty() {
            self.index = self
                .list
                .iter()
                .enumerate()
                .map(|(i, (n, _))| (n.clone(), i))
                .collect();
        }
        self.index.get(name).copied()
    }

    fn find(&self, name: &str) -> Option<usize> {
        if self.index.is_empty() {
            self.list.iter().position(|(n, _)| n == name)
        } else {
            self.index.get(name).copied()
        }
    }
}

impl Undeclared {
    /// No members.
    pub const fn new() -> Self {
        Undeclared { members: None }
    }

    /// How many members there are.
    pub fn len(&self) -> usize {
        self.members.as_ref().map_or(0, |m| m.list.len())
    }

    /// Whether there is none (the usual case: then the value is written as the spec describes it).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The value of member `name`, if received (or inserted).
    pub fn get(&self, name: &str) -> Option<&Value> {
        let members = self.members.as_ref()?;
        members.find(name).map(|i| &members.list[i].1)
    }

    /// The value of member `name`, to change in place.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        let members = self.members.as_mut()?;
        let i = members.position(name)?;
        Some(&mut members.list[i].1)
    }

    /// Whether member `name` is here.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets member `name`: a new one goes last, an existing one keeps its place and gets `value`.
    /// Returns the value it replaced.
    pub fn insert(&mut self, name: impl Into<String>, value: Value) -> Option<Value> {
        let name = name.into();
        let members = self.members.get_or_insert_with(Box::default);
        match members.position(&name) {
            Some(i) => Some(std::mem::replace(&mut members.list[i].1, value)),
            None => {
                if !members.index.is_empty() {
                    members.index.insert(name.clone(), members.list.len());
                }
                members.list.push((name, value));
                None
            }
        }
    }

    /// Removes member `name` (the others keep their order) and returns its value.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let members = self.members.as_mut()?;
        let i = members.position(name)?;
        members.index.clear();
        Some(members.list.remove(i).1)
    }

    /// Removes every member.
    pub fn clear(&mut self) {
        self.members = None;
    }

    /// The members in order: `(name, value)`.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            inner: self.members.as_ref().map_or(&[][..], |m| &m.list).iter(),
        }
    }

    /// The member names in order.
    pub fn names(&self) -> impl Iterator<Item = &str> + '_ {
        self.iter().map(|(name, _)| name)
    }

    /// The members as a `serde_json::Map` (in order when `serde_json`'s `preserve_order` is on,
    /// sorted otherwise).
    pub fn to_map(&self) -> serde_json::Map<String, Value> {
        self.iter()
            .map(|(name, value)| (name.to_owned(), value.clone()))
            .collect()
    }
}

/// The members of an [`Undeclared`], in order.
pub struct Iter<'a> {
    inner: std::slice::Iter<'a, (String, Value)>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.inner
            .next()
            .map(|(name, value)| (name.as_str(), value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.inner.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a Undeclared {
    type Item = (&'a str, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Undeclared {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.members.map(|m| m.list).unwrap_or_default().into_iter()
    }
}

impl<K: Into<String>> Extend<(K, Value)> for Undeclared {
    fn extend<I: IntoIterator<Item = (K, Value)>>(&mut self, members: I) {
        for (name, value) in members {
            self.insert(name, value);
        }
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for Undeclared {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(members: I) -> Self {
        let mut out = Undeclared::new();
        out.extend(members);
        out
    }
}

impl From<serde_json::Map<String, Value>> for Undeclared {
    fn from(map: serde_json::Map<String, Value>) -> Self {
        map.into_iter().collect()
    }
}

/// The same members with the same values, in any order.
impl PartialEq for Undeclared {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len()
            && self
                .iter()
                .all(|(name, value)| other.get(name) == Some(value))
    }
}

/// As a map: `{"name": value, ..}`.
impl fmt::Debug for Undeclared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// As a JSON object of the members, in order.
impl Serialize for Undeclared {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// From a JSON object, its members in order.
impl<'de> Deserialize<'de> for Undeclared {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;
        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Undeclared;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Undeclared, A::Error> {
                let mut out = Undeclared::new();
                while let Some((name, value)) = map.next_entry::<String, Value>()? {
                    out.insert(name, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(MembersVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_costs_no_allocation_and_a_pointer() {
        let empty = Undeclared::new();
        assert!(empty.is_empty() && empty.members.is_none());
        assert_eq!(
            std::mem::size_of::<Undeclared>(),
            std::mem::size_of::<usize>()
        );
        assert_eq!(serde_json::to_string(&empty).unwrap(), "{}");
        assert_eq!(format!("{empty:?}"), "{}");
    }

    #[test]
    fn order_kept_repeats_replace_in_place() {
        let mut u = Undeclared::new();
        assert_eq!(u.insert("z", json!(1)), None);
        assert_eq!(u.insert("a", json!([true])), None);
        assert_eq!(u.insert("z", json!("again")), Some(json!(1)));
        assert_eq!(u.names().collect::<Vec<_>>(), ["z", "a"]);
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"z":"again","a":[true]}"#
        );
        assert_eq!(
            format!("{u:?}"),
            r#"{"z": String("again"), "a": Array [Bool(true)]}"#
        );
        *u.get_mut("a").unwrap() = json!(null);
        assert_eq!(u.remove("z"), Some(json!("again")));
        assert_eq!(u.iter().collect::<Vec<_>>(), [("a", &json!(null))]);
        let back: Undeclared = serde_json::from_str(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        assert_eq!(back.names().collect::<Vec<_>>(), ["b", "a"]);
        assert_eq!(back.get("b"), Some(&json!(3)));
    }

    /// Past the scanned size, lookups go through the index, which follows inserts and removals.
    #[test]
    fn many_members_stay_consistent_with_a_plain_model() {
        let mut u = Undeclared::new();
        let mut model: Vec<(String, Value)> = Vec::new();
        let mut state = 7u64;
        for step in 0..5_000u64 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let name = format!("m{}", (state >> 33) % 90);
            if (state >> 20) % 5 == 0 {
                let i = model.iter().position(|(n, _)| *n == name);
                assert_eq!(u.remove(&name), i.map(|i| model.remove(i).1));
            } else {
                let i = model.iter().position(|(n, _)| *n == name);
                let old = i.map(|i| std::mem::replace(&mut model[i].1, json!(step)));
                if i.is_none() {
                    model.push((name.clone(), json!(step)));
                }
                assert_eq!(u.insert(name, json!(step)), old);
            }
            assert_eq!(u.len(), model.len());
        }
        let listed: Vec<(String, Value)> = u.clone().into_iter().collect();
        assert_eq!(listed, model);
        for (name, value) in &model {
            assert_eq!(u.get(name), Some(value));
        }
    }

    #[test]
    fn equality_ignores_order_but_not_values() {
        let a: Undeclared = [("x", json!(1)), ("y", json!(2))].into_iter().collect();
        let b: Undeclared = [("y", json!(2)), ("x", json!(1))].into_iter().collect();
        let c: Undeclared = [("y", json!(2)), ("x", json!(3))].into_iter().collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, Undeclared::new());
        assert_eq!(a.to_map(), b.to_map());
    }
}
