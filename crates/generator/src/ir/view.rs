//! One uniform view of an `openapiv3` schema.
//!
//! `openapiv3` stores a schema as one of several shapes (`Type::Object`, `AllOf`, `Any` when keywords mix...).
//! The IR builder only ever looks at this flattened view, so every shape is handled by the same code.

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaData, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;

/// A schema position: a `$ref` or an inline schema.
#[derive(Clone, Copy)]
pub enum SchemaRef<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> SchemaRef<'a> {
    pub fn boxed(node: &'a ReferenceOr<Box<Schema>>) -> Self {
        match node {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }

    pub fn plain(node: &'a ReferenceOr<Schema>) -> Self {
        match node {
            ReferenceOr::Reference { reference } => SchemaRef::Ref(reference),
            ReferenceOr::Item(schema) => SchemaRef::Inline(schema),
        }
    }
}

#[derive(Clone, Copy)]
pub enum Additional<'a> {
    /// `additionalProperties: true` (or `{}`).
    Any,
    Schema(SchemaRef<'a>),
    /// `additionalProperties: false`: no member beyond the properties.
    Forbidden,
}

/// Every keyword the generator uses, whatever shape `openapiv3` parsed the schema into.
pub struct View<'a> {
    pub data: &'a SchemaData,
    pub typ: Option<&'a str>,
    pub format: Option<String>,
    pub properties: Vec<(&'a str, SchemaRef<'a>)>,
    pub required: Vec<&'a str>,
    pub additional: Option<Additional<'a>>,
    pub items: Option<SchemaRef<'a>>,
    pub enumeration: Vec<Value>,
    pub all_of: Vec<SchemaRef<'a>>,
    /// Description of an `allOf` part left out of `all_of` because it only annotates (see
    /// [`typed_parts`]).
    pub all_of_doc: Option<&'a str>,
    pub one_of: Vec<SchemaRef<'a>>,
    pub any_of: Vec<SchemaRef<'a>>,
    pub has_not: bool,
    pub pattern: Option<&'a str>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
}

fn additional(ap: &Option<AdditionalProperties>) -> Option<Additional<'_>> {
    match ap {
        None => None,
        Some(AdditionalProperties::Any(false)) => Some(Additional::Forbidden),
        Some(AdditionalProperties::Any(true)) => Some(Additional::Any),
        Some(AdditionalProperties::Schema(schema)) => match schema.as_ref() {
            ReferenceOr::Item(s) if is_empty_schema(s) => Some(Additional::Any),
            other => Some(Additional::Schema(SchemaRef::plain(other))),
        },
    }
}

fn is_empty_schema(schema: &Schema) -> bool {
    matches!(&schema.schema_kind, SchemaKind::Any(any) if *any == openapiv3::AnySchema::default())
}

fn format_name<T: std::fmt::Debug>(
    format: &VariantOrUnknownOrEmpty<T>,
    known: impl Fn(&T) -> &'static str,
) -> Option<String> {
    match format {
        VariantOrUnknownOrEmpty::Item(item) => Some(known(item).to_string()),
        VariantOrUnknownOrEmpty::Unknown(other) => Some(other.clone()),
        VariantOrUnknownOrEmpty::Empty => None,
    }
}

/// The `allOf` parts that say something about the type. A part with only a description, title,
/// example or external docs (`allOf: [{$ref: X}, {description: ..}]` is how AWS documents every
/// property) constrains nothing, so `allOf: [$ref, {description}]` is the referenced type itself;
/// the part's description is kept in `doc` for the field's documentation.
fn typed_parts<'a>(
    parts: &'a [ReferenceOr<Schema>],
    doc: &mut Option<&'a str>,
) -> Vec<SchemaRef<'a>> {
    let annotation_only = |s: &Schema| {
        let d = &s.schema_data;
        is_empty_schema(s)
            && !(d.nullable || d.read_only || d.write_only || d.deprecated)
            && d.discriminator.is_none()
            && d.default.is_none()
    };
    let mut typed = Vec::with_capacity(parts.len());
    for part in parts {
        match part {
            ReferenceOr::Item(s) if annotation_only(s) => {
                if doc.is_none() {
                    *doc = s.schema_data.description.as_deref();
                }
            }
            other => typed.push(SchemaRef::plain(other)),
        }
    }
    typed
}

impl<'a> View<'a> {
    pub fn of(schema: &'a Schema) -> Self {
        let mut view = View {
            data: &schema.schema_data,
            typ: None,
            format: None,
            properties: Vec::new(),
            required: Vec::new(),
            additional: None,
            items: None,
            enumeration: Vec::new(),
            all_of: Vec::new(),
            all_of_doc: None,
            one_of: Vec::new(),
            any_of: Vec::new(),
            has_not: false,
            pattern: None,
            min_length: None,
            max_length: None,
            minimum: None,
            maximum: None,
            min_items: None,
            max_items: None,
        };
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                view.typ = Some("string");
                view.format = format_name(&s.format, |f| match f {
                    StringFormat::Date => "date",
                    StringFormat::DateTime => "date-time",
                    StringFormat::Password => "password",
                    StringFormat::Byte => "byte",
                    StringFormat::Binary => "binary",
                });
                view.pattern = s.pattern.as_deref();
                view.enumeration = s
                    .enumeration
                    .iter()
                    .map(|v| v.clone().map_or(Value::Null, Value::String))
                    .collect();
                view.min_length = s.min_length;
                view.max_length = s.max_length;
            }
            SchemaKind::Type(Type::Number(n)) => {
                view.typ = Some("number");
                view.format = format_name(&n.format, |f| match f {
                    NumberFormat::Float => "float",
                    NumberFormat::Double => "double",
                });
                view.minimum = n.minimum;
                view.maximum = n.maximum;
                view.enumeration = n
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, |x| serde_json::json!(x)))
                    .collect();
            }
            SchemaKind::Type(Type::Integer(i)) => {
                view.typ = Some("integer");
                view.format = format_name(&i.format, |f| match f {
                    IntegerFormat::Int32 => "int32",
                    IntegerFormat::Int64 => "int64",
                });
                view.minimum = i.minimum.map(|v| v as f64);
                view.maximum = i.maximum.map(|v| v as f64);
                view.enumeration = i
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::from))
                    .collect();
            }
            SchemaKind::Type(Type::Boolean(b)) => {
                view.typ = Some("boolean");
                view.enumeration = b
                    .enumeration
                    .iter()
                    .map(|v| v.map_or(Value::Null, Value::Bool))
                    .collect();
            }
            SchemaKind::Type(Type::Object(o)) => {
                view.typ = Some("object");
                view.properties = o
                    .properties
                    .iter()
                    .map(|(k, v)| (k.as_str(), SchemaRef::boxed(v)))
                    .collect();
                view.required = o.required.iter().map(String::as_str).collect();
                view.additional = additional(&o.additional_properties);
            }
            SchemaKind::Type(Type::Array(a)) => {
                view.typ = Some("array");
                view.items = a.items.as_ref().map(SchemaRef::boxed);
                view.min_items = a.min_items;
                view.max_items = a.max_items;
            }
            SchemaKind::OneOf { one_of } => {
                view.one_of = one_of.iter().map(SchemaRef::plain).collect()
            }
            SchemaKind::AllOf { all_of } => view.all_of = typed_parts(all_of, &mut view.all_of_doc),
            SchemaKind::AnyOf { any_of } => {
                view.any_of = any_of.iter().map(SchemaRef::plain).collect()
            }
            SchemaKind::Not { .. } => view.has_not = true,
            SchemaKind::Any(any) => {
                view.typ = any.typ.as_deref();
                view.format = any.format.clone();
                view.properties = any
                    .properties
                    .iter()
                    .map(|(k, v)| (k.as_str(), SchemaRef::boxed(v)))
                    .collect();
                view.required = any.required.iter().map(String::as_str).collect();
                view.additional = additional(&any.additional_properties);
                view.items = any.items.as_ref().map(SchemaRef::boxed);
                view.enumeration = any.enumeration.clone();
                view.all_of = typed_parts(&any.all_of, &mut view.all_of_doc);
                view.one_of = any.one_of.iter().map(SchemaRef::plain).collect();
                view.any_of = any.any_of.iter().map(SchemaRef::plain).collect();
                view.has_not = any.not.is_some();
                view.pattern = any.pattern.as_deref();
                view.min_length = any.min_length;
                view.max_length = any.max_length;
                view.minimum = any.minimum;
                view.maximum = any.maximum;
                view.min_items = any.min_items;
                view.max_items = any.max_items;
            }
        }
        view
    }

    /// An object-like schema: has properties, or is `type: object`, or composes with allOf.
    pub fn is_object_like(&self) -> bool {
        self.typ == Some("object") || !self.properties.is_empty() || !self.all_of.is_empty()
    }

    /// A human summary of the validation keywords, for docs (the client does not enforce them on bodies).
    pub fn constraints(&self) -> Option<String> {
        let mut parts = Vec::new();
        match (self.min_length, self.max_length) {
            (Some(a), Some(b)) if a == b => parts.push(format!("length {a}")),
            (Some(a), Some(b)) => parts.push(format!("length {a}..={b}")),
            (Some(a), None) => parts.push(format!("length >= {a}")),
            (None, Some(b)) => parts.push(format!("length <= {b}")),
            (None, None) => {}
        }
        if let Some(p) = self.pattern {
            parts.push(format!("pattern {}", crate::escape::code(p)));
        }
        match (self.minimum, self.maximum) {
            (Some(a), Some(b)) => parts.push(format!("range {a}..={b}")),
            (Some(a), None) => parts.push(format!("minimum {a}")),
            (None, Some(b)) => parts.push(format!("maximum {b}")),
            (None, None) => {}
        }
        match (self.min_items, self.max_items) {
            (Some(a), Some(b)) => parts.push(format!("{a}..={b} items")),
            (Some(a), None) => parts.push(format!("at least {a} items")),
            (None, Some(b)) => parts.push(format!("at most {b} items")),
            (None, None) => {}
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}
