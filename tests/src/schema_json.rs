//! proptest strategies for JSON shaped like the spec's schemas, built from the generator's IR, so every
//! generated type (and any type a new spec adds) gets arbitrary values without hand-written strategies.
//!
//! - [`Shapes::valid`]: JSON that fits a named type: every required member, optional members present or
//!   not (or `null`), string enums with known and unknown values, discriminated unions with every
//!   subtype and unknown tags, arrays and maps of 0 to 3 items. readOnly members of types that are
//!   also sent are left out: they are decoded but by design never serialized (so cannot round-trip).
//! - [`Shapes::mutated`]: the same with one to three nodes replaced by arbitrary JSON.
//! - [`arbitrary_json`]: any JSON value, keys sometimes taken from the spec's member names.

use std::sync::Arc;

use apigen::ir::model::{Api, StructDef, TypeDef, TypeRef};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};

/// Strategies over one API's types.
#[derive(Clone)]
pub struct Shapes {
    api: Arc<Api>,
    keys: Arc<Vec<String>>,
    /// Objects of structs that keep undeclared members get up to three (see [`Shapes::extended`]).
    extras: bool,
}

/// The first character of every member [`Shapes::extended`] adds: no spec member name has it, so
/// an added member is never a declared one.
pub const UNDECLARED_MARK: char = '~';

/// Nesting deeper than this stops adding optional members (guards recursive schemas).
const MAX_DEPTH: u32 = 6;

/// Any text of up to `max` characters (any Unicode scalar, control characters included). Built from
/// `char`s: `any::<String>()` is thirty times slower to generate, which matters in debug builds.
pub fn text(max: usize) -> BoxedStrategy<String> {
    prop::collection::vec(any::<char>(), 0..=max)
        .prop_map(String::from_iter)
        .boxed()
}

/// An identifier-like word of `min..=max` ASCII letters, digits and `_`.
fn word(min: usize, max: usize) -> BoxedStrategy<String> {
    let chars: Vec<char> = ('a'..='z')
        .chain('A'..='Z')
        .chain('0'..='9')
        .chain(['_'])
        .collect();
    prop::collection::vec(prop::sample::select(chars), min..=max)
        .prop_map(String::from_iter)
        .boxed()
}

impl Shapes {
    pub fn new(api: Api) -> Self {
        let mut keys: Vec<String> = api
            .types
            .values()
            .flat_map(|def| match def {
                TypeDef::Struct(s) => s.fields.iter().map(|f| f.json_name.clone()).collect(),
                TypeDef::Tagged(t) => vec![t.property.clone()],
                _ => Vec::new(),
            })
            .collect();
        keys.sort();
        keys.dedup();
        Shapes {
            api: Arc::new(api),
            keys: Arc::new(keys),
            extras: false,
        }
    }

    /// The API the shapes come from.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// JSON that fits the named type.
    ///
    /// # Panics
    ///
    /// When the API has no type of that name.
    pub fn valid(&self, name: &str) -> BoxedStrategy<Value> {
        self.named(name, 0)
    }

    /// [`valid`](Self::valid) JSON where every object of a struct that keeps undeclared members
    /// also has zero to three members its schema does not declare (named `~...`, see
    /// [`UNDECLARED_MARK`]), with arbitrary JSON values, before, between and after the declared ones.
    pub fn extended(&self, name: &str) -> BoxedStrategy<Value> {
        let mut with = self.clone();
        with.extras = true;
        with.named(name, 0)
    }

    /// [`valid`](Self::valid) JSON with one to three nodes replaced by [`arbitrary_json`].
    pub fn mutated(&self, name: &str) -> BoxedStrategy<Value> {
        let keys = Arc::clone(&self.keys);
        let replacements = prop::collection::vec((any::<Index>(), arbitrary_json(keys)), 1..=3);
        (self.valid(name), replacements)
            .prop_map(|(mut value, replacements)| {
                for (index, replacement) in replacements {
                    let mut pointers = Vec::new();
                    collect_pointers(&value, String::new(), &mut pointers);
                    let pointer = index.get(&pointers).clone();
                    if let Some(node) = value.pointer_mut(&pointer) {
                        *node = replacement;
                    }
                }
                value
            })
            .boxed()
    }

    /// Any JSON value, with object keys sometimes taken from the spec's member names.
    pub fn arbitrary(&self) -> BoxedStrategy<Value> {
        arbitrary_json(Arc::clone(&self.keys))
    }

    fn named(&self, name: &str, depth: u32) -> BoxedStrategy<Value> {
        let def = self
            .api
            .types
            .get(name)
            .unwrap_or_else(|| panic!("no type {name} in the API"));
        match def {
            TypeDef::Struct(s) => self.object(s, depth),
            TypeDef::Alias(a) => self.of(&a.ty, depth),
            TypeDef::Union(u) => {
                let options: Vec<BoxedStrategy<Value>> = u
                    .variants
                    .iter()
                    .map(|(_, ty)| self.of(ty, depth + 1))
                    .collect();
                prop::strategy::Union::new(options).boxed()
            }
            TypeDef::StringEnum(e) => {
                let known: Vec<String> = e.variants.iter().map(|(wire, _)| wire.clone()).collect();
                let lower: Vec<String> = known.iter().map(|k| k.to_lowercase()).collect();
                let unknown = word(1, 12)
                    .prop_filter("a value the enum does not know", move |s| {
                        !lower.contains(&s.to_lowercase())
                    })
                    .prop_map(Value::from);
                prop_oneof![
                    3 => prop::sample::select(known).prop_map(Value::from),
                    1 => unknown,
                ]
                .boxed()
            }
            TypeDef::IntEnum(e) => {
                let known: Vec<i64> = e.variants.iter().map(|(wire, _)| *wire).collect();
                let unknown = (-1000i64..1000)
                    .prop_filter("a value the enum does not know", {
                        let known = known.clone();
                        move |v| !known.contains(v)
                    })
                    .prop_map(Value::from);
                prop_oneof![
                    3 => prop::sample::select(known).prop_map(Value::from),
                    1 => unknown,
                ]
                .boxed()
            }
            TypeDef::Tagged(t) => {
                let property = t.property.clone();
                let mut options: Vec<BoxedStrategy<Value>> = t
                    .variants
                    .iter()
                    .map(|(tag, _, struct_name)| {
                        let (property, tag) = (property.clone(), tag.clone());
                        self.named(struct_name, depth + 1)
                            .prop_map(move |mut v| {
                                v[property.as_str()] = Value::from(tag.clone());
                                v
                            })
                            .boxed()
                    })
                    .collect();
                let tags: Vec<String> = t
                    .variants
                    .iter()
                    .map(|(tag, _, _)| tag.to_lowercase())
                    .collect();
                let unknown_tag = word(2, 8)
                    .prop_filter("an unknown tag", move |s| !tags.contains(&s.to_lowercase()));
                let members = prop::collection::btree_map(word(1, 8), self.arbitrary(), 0..3);
                options.push(
                    (unknown_tag, members)
                        .prop_map(move |(tag, members)| {
                            let mut object: Map<String, Value> = members.into_iter().collect();
                            object.insert(property.clone(), Value::from(tag));
                            Value::Object(object)
                        })
                        .boxed(),
                );
                prop::strategy::Union::new(options).boxed()
            }
        }
    }

    fn object(&self, s: &StructDef, depth: u32) -> BoxedStrategy<Value> {
        let members: Vec<BoxedStrategy<Option<(String, Value)>>> = s
            .fields
            .iter()
            .filter(|f| !f.skip_serializing)
            .filter(|f| !f.optional || depth < MAX_DEPTH)
            .map(|f| {
                let name = f.json_name.clone();
                let value = self.of(&f.ty, depth + 1);
                if f.optional {
                    prop_oneof![
                        3 => value.prop_map(move |v| Some((name.clone(), v))),
                        2 => Just(None),
                        1 => Just(Some((f.json_name.clone(), Value::Null))),
                    ]
                    .boxed()
                } else {
                    value.prop_map(move |v| Some((name.clone(), v))).boxed()
                }
            })
            .collect();
        let tag = s.tag.clone();
        let extras = if self.extras && s.undeclared.kept() {
            let name = word(1, 6).prop_map(|w| format!("{UNDECLARED_MARK}{w}"));
            let member = (any::<Index>(), name, self.arbitrary());
            prop::collection::vec(member, 0..=3).boxed()
        } else {
            Just(Vec::new()).boxed()
        };
        (members, extras)
            .prop_map(move |(members, extras)| {
                let mut object: Vec<(String, Value)> = members.into_iter().flatten().collect();
                if let Some((property, value)) = &tag {
                    object.push((property.clone(), Value::from(value.clone())));
                }
                // Anywhere among the declared members (the order is kept when serde_json has
                // `preserve_order`, as in this workspace's tests).
                for (at, name, value) in extras {
                    let i = at.index(object.len() + 1);
                    object.insert(i, (name, value));
                }
                Value::Object(object.into_iter().collect())
            })
            .boxed()
    }

    fn of(&self, ty: &TypeRef, depth: u32) -> BoxedStrategy<Value> {
        match ty {
            TypeRef::String => text(16).prop_map(Value::from).boxed(),
            TypeRef::Bool => any::<bool>().prop_map(Value::from).boxed(),
            TypeRef::I32 => any::<i32>().prop_map(Value::from).boxed(),
            TypeRef::I64 => any::<i64>().prop_map(Value::from).boxed(),
            // Multiples of 1/8 are exact in binary and in decimal: they round-trip bit for bit
            // (within 24 bits for an `f32`).
            TypeRef::F32 => any::<i16>()
                .prop_map(|i| Value::from(f64::from(i) / 8.0))
                .boxed(),
            TypeRef::F64 => any::<i32>()
                .prop_map(|i| Value::from(f64::from(i) / 8.0))
                .boxed(),
            TypeRef::DateTime => (0i64..4_102_444_800, 0u32..1_000_000_000)
                .prop_map(|(secs, nanos)| {
                    let at = chrono::DateTime::from_timestamp(secs, nanos).expect("in range");
                    Value::from(at.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
                })
                .boxed(),
            TypeRef::Date => (0i64..4_102_444_800)
                .prop_map(|secs| {
                    let at = chrono::DateTime::from_timestamp(secs, 0).expect("in range");
                    Value::from(at.format("%Y-%m-%d").to_string())
                })
                .boxed(),
            TypeRef::Uuid => any::<u128>()
                .prop_map(|n| {
                    let h = format!("{n:032x}");
                    Value::from(format!(
                        "{}-{}-{}-{}-{}",
                        &h[..8],
                        &h[8..12],
                        &h[12..16],
                        &h[16..20],
                        &h[20..]
                    ))
                })
                .boxed(),
            TypeRef::Json => self.arbitrary(),
            TypeRef::JsonObject => prop::collection::btree_map(word(1, 8), self.arbitrary(), 0..3)
                .prop_map(|m| Value::Object(m.into_iter().collect()))
                .boxed(),
            TypeRef::Named(name) => self.named(name, depth),
            TypeRef::Vec(inner) => prop::collection::vec(self.of(inner, depth + 1), 0..=3)
                .prop_map(Value::Array)
                .boxed(),
            TypeRef::Map(inner) => {
                prop::collection::btree_map(word(1, 8), self.of(inner, depth + 1), 0..=3)
                    .prop_map(|m| Value::Object(m.into_iter().collect()))
                    .boxed()
            }
        }
    }
}

/// Any JSON value: nulls, booleans, integers, finite floats, strings, arrays and objects nested up to
/// three levels; object keys are arbitrary or one of `keys`.
pub fn arbitrary_json(keys: Arc<Vec<String>>) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text(12).prop_map(Value::from),
    ];
    let key = if keys.is_empty() {
        text(8)
    } else {
        prop_oneof![text(8), prop::sample::select(keys.to_vec())].boxed()
    };
    leaf.prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(key.clone(), inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// JSON pointers of every node of `value`, the root (`""`) included.
fn collect_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_pointers(item, format!("{at}/{i}"), out);
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                let escaped = key.replace('~', "~0").replace('/', "~1");
                collect_pointers(member, format!("{at}/{escaped}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}
