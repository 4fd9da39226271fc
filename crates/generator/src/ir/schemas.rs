//! Schemas -> Rust types: structs, string enums, discriminator enums and aliases.
//!
//! What `required` and `nullable` become is decided here and in `objects.rs`, from the profile's
//! response rule ([`crate::profile::Responses`]) and from which side of the wire a type travels on
//! (see [`Usage`]):
//! - strict (the generic profile): a required member is a plain field, and a nullable one an
//!   `Option` that must still be present; `null` where the spec allows none is a decode error. A
//!   required readOnly member of a type also sent, or writeOnly member of a type also received, is
//!   an `Option` (required on the other side only);
//! - lenient (Atlas, whose bodies omit members the spec calls required): a type that is ever decoded
//!   from a response makes every field `Option`, `null` is `None`;
//! - either way, a type only ever sent keeps `required` as non-`Option` fields and leaves readOnly
//!   members out entirely, a type used both ways keeps readOnly members but never serializes them,
//!   and patterns are never validated when decoding.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use super::model::*;
use super::naming::{type_name, unique, variant_name, Names};
use super::objects::{Flattening, StructSpec};
use super::polymorphism::Subtype;
use super::view::{Additional, SchemaRef, View};
use crate::error::{GenError, Ptr, Result};
use crate::profile::Profile;
use crate::resolve::Resolver;

pub struct TypeBuilder<'a> {
    pub(super) resolver: Resolver<'a>,
    pub(super) schemas: BTreeMap<String, &'a ReferenceOr<Schema>>,
    pub types: BTreeMap<String, TypeDef>,
    /// Component schema name -> Rust type name.
    pub(super) names: BTreeMap<String, String>,
    /// Every Rust type name given out (components, inline types, discriminator variants).
    pub(super) taken: Names,
    /// Subtype component -> every (base, tag) it is a variant under.
    pub(super) subtypes: BTreeMap<String, Vec<Subtype<'a>>>,
    usage: BTreeMap<String, Usage>,
    /// How many inline types are being built inside each other right now (see [`Self::nested`]).
    pub(super) depth: usize,
    /// Inline schemas already given a named type, by (pointer, usage): one type per spec node.
    inline_types: BTreeMap<(Ptr, bool, bool), TypeRef>,
    /// Component -> the components whose `allOf` names it (implicit discriminator mappings).
    pub(super) all_of_children: std::cell::OnceCell<Result<BTreeMap<String, Vec<String>>>>,
    /// `allOf` flattening already done, and its work bound (see [`Self::collect`]).
    pub(super) flattening: Flattening<'a>,
    /// Constructs given a looser type than the spec describes (see [`Fallback`]).
    pub fallbacks: Vec<Fallback>,
    /// The document's vendor conventions (read by every IR step through the builder).
    pub(super) profile: &'a Profile,
}

impl<'a> TypeBuilder<'a> {
    /// Assigns a Rust name to every component schema and discovers discriminator hierarchies.
    pub fn new(api: &'a OpenAPI, profile: &'a Profile) -> Result<Self> {
        let schemas: BTreeMap<String, &ReferenceOr<Schema>> = api
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .map(|(name, schema)| (name.clone(), schema))
            .collect();
        let component_parts = schemas
            .values()
            .map(|schema| match schema {
                ReferenceOr::Item(schema) => View::of(schema).all_of.len(),
                ReferenceOr::Reference { .. } => 0,
            })
            .sum();
        let mut taken = Names::default();
        let names = schemas
            .keys()
            .map(|name| (name.clone(), unique(type_name(name), &mut taken)))
            .collect();
        let mut builder = TypeBuilder {
            resolver: Resolver::new(api),
            schemas,
            types: BTreeMap::new(),
            names,
            taken,
            subtypes: BTreeMap::new(),
            usage: BTreeMap::new(),
            depth: 0,
            inline_types: BTreeMap::new(),
            flattening: Flattening::new(component_parts),
            all_of_children: std::cell::OnceCell::new(),
            fallbacks: Vec::new(),
            profile,
        };
        builder.find_subtypes()?;
        Ok(builder)
    }

    pub(super) fn component_ptr(name: &str) -> Ptr {
        Ptr::root().push("components").push("schemas").push(name)
    }

    /// An operation whose response names one discriminator subtype answers with the whole hierarchy:
    /// the server picks the variant by the tag. (Atlas' PATCH on an export bucket declares the AWS schema
    /// but returns whichever provider the bucket has; decoding that as AWS would drop fields and rewrite
    /// the tag.) Such responses are typed as the base's tagged enum.
    pub fn widen_response(&self, ty: TypeRef) -> TypeRef {
        let TypeRef::Named(name) = &ty else { return ty };
        let component = self
            .names
            .iter()
            .find(|(_, rust)| *rust == name)
            .map(|(c, _)| c);
        // A subtype of several bases is left as declared: no one hierarchy is the one meant.
        match component
            .and_then(|c| self.subtypes.get(c))
            .map(Vec::as_slice)
        {
            Some([first, rest @ ..]) if rest.iter().all(|s| s.base == first.base) => {
                TypeRef::Named(self.names[&first.base].clone())
            }
            _ => ty,
        }
    }

    /// The Rust name of the component a `$ref` names.
    pub fn named(&self, reference: &str, at: &Ptr) -> Result<TypeRef> {
        let component = self.resolver.schema_ref_name(reference, at)?;
        Ok(TypeRef::Named(self.names[&component].clone()))
    }

    /// Records that the construct at `at` is represented by the looser type `rust`.
    pub fn fallback(&mut self, at: &Ptr, construct: impl Into<String>, rust: impl Into<String>) {
        self.fallbacks.push(Fallback {
            pointer: at.to_string(),
            construct: construct.into(),
            rust: rust.into(),
        });
    }

    /// `ty` with named aliases (`pub type X = String;`) replaced by what they stand for.
    pub fn resolve_alias(&self, mut ty: TypeRef) -> TypeRef {
        // Bounded: an alias chain cannot be longer than the number of types.
        for _ in 0..=self.types.len() {
            match &ty {
                TypeRef::Named(name) => match self.types.get(name) {
                    Some(TypeDef::Alias(alias)) if !alias.newtype => ty = alias.ty.clone(),
                    _ => return ty,
                },
                _ => return ty,
            }
        }
        ty
    }

    /// A type sent as one parameter value: a number, bool, string-like scalar or string enum.
    pub fn is_scalar(&self, ty: &TypeRef) -> bool {
        match ty {
            TypeRef::Named(name) => matches!(
                self.types.get(name),
                Some(TypeDef::StringEnum(_) | TypeDef::IntEnum(_))
            ),
            TypeRef::Json | TypeRef::JsonObject | TypeRef::Vec(_) | TypeRef::Map(_) => false,
            _ => true,
        }
    }

    /// Records that the schema at `schema` travels on `side`, following every schema it reaches.
    pub fn mark_usage(&mut self, schema: SchemaRef<'a>, at: &Ptr, request: bool) -> Result<()> {
        // Work items: a component by name (subtypes are reached by name), or a schema position.
        enum Work<'s> {
            Component(String),
            Schema(SchemaRef<'s>, Ptr),
        }
        let mut stack = vec![Work::Schema(schema, at.clone())];
        while let Some(work) = stack.pop() {
            let component = match &work {
                Work::Component(name) => Some(name.clone()),
                Work::Schema(SchemaRef::Ref(reference), at) => {
                    Some(self.resolver.schema_ref_name(reference, at)?)
                }
                Work::Schema(SchemaRef::Inline(_), _) => None,
            };
            let (schema, at) = match (component, work) {
                (Some(component), _) => {
                    // Marked for this side already (now or by an earlier call): everything it reaches
                    // was walked then, so the walk stops here.
                    let usage = self.usage.entry(component.clone()).or_default();
                    let side = if request {
                        &mut usage.request
                    } else {
                        &mut usage.response
                    };
                    if std::mem::replace(side, true) {
                        continue;
                    }
                    let at = Self::component_ptr(&component);
                    let resolved = self.resolver.schema(self.schemas[&component], &at)?;
                    if resolved.node.schema_data.discriminator.is_some() {
                        for (_, sub) in self.variants_of(&component, resolved.node, &at)? {
                            stack.push(Work::Component(sub));
                        }
                    }
                    (resolved.node, at)
                }
                (None, Work::Schema(SchemaRef::Inline(schema), at)) => (schema, at),
                (None, _) => continue,
            };
            let view = View::of(schema);
            for (name, prop) in &view.properties {
                stack.push(Work::Schema(*prop, at.push("properties").push(name)));
            }
            for (kw, list) in [
                ("allOf", &view.all_of),
                ("oneOf", &view.one_of),
                ("anyOf", &view.any_of),
            ] {
                for (i, part) in list.iter().enumerate() {
                    stack.push(Work::Schema(*part, at.push(kw).push(i.to_string())));
                }
            }
            if let Some(items) = view.items {
                stack.push(Work::Schema(items, at.push("items")));
            }
            if let Some(Additional::Schema(ap)) = view.additional {
                stack.push(Work::Schema(ap, at.push("additionalProperties")));
            }
        }
        Ok(())
    }

    /// Builds a Rust type for every component schema.
    pub fn build_components(&mut self) -> Result<()> {
        let names: Vec<String> = self.schemas.keys().cloned().collect();
        for component in names {
            let at = Self::component_ptr(&component);
            let resolved = self.resolver.schema(self.schemas[&component], &at)?;
            let rust = self.names[&component].clone();
            // Unreached schemas are treated as responses: the lenient choice.
            let usage = self.usage.get(&component).copied().unwrap_or(Usage {
                request: false,
                response: true,
            });
            let usage = if usage == Usage::default() {
                Usage {
                    request: false,
                    response: true,
                }
            } else {
                usage
            };
            let def = self.build_named(
                resolved.node,
                &rust,
                &component,
                &at,
                usage,
                Some(&component),
            )?;
            self.types.insert(rust, def);
        }
        Ok(())
    }

    fn build_named(
        &mut self,
        schema: &'a Schema,
        rust: &str,
        origin: &str,
        at: &Ptr,
        usage: Usage,
        component: Option<&str>,
    ) -> Result<TypeDef> {
        let view = View::of(schema);
        let doc = super::naming::prose(schema.schema_data.description.as_deref())
            .or_else(|| super::naming::prose(schema.schema_data.title.as_deref()));
        if view.has_not {
            return Err(GenError::unsupported(at, "`not`"));
        }
        let spec = StructSpec {
            name: rust,
            origin,
            doc: doc.clone(),
            deprecated: schema.schema_data.deprecated,
            usage,
            tag: None,
            context: rust,
        };
        if schema.schema_data.discriminator.is_some() {
            let variants = match component {
                Some(base) => self.variants_of(base, schema, at)?,
                None => Vec::new(),
            };
            // A mapping that names only the schema itself (Apple's SiriKit `...Invocation`: one
            // schema, several `method` values) describes one concrete type: a struct whose tag
            // is an ordinary member. Beside other subtypes, the enum would have to hold itself.
            let own = |(_, sub): &(String, String)| Some(sub.as_str()) == component;
            match component {
                Some(_) if !variants.is_empty() && variants.iter().all(own) => {}
                Some(_) if variants.iter().any(own) => {
                    return Err(GenError::unsupported(
                        &at.push("discriminator").push("mapping"),
                        "a discriminator mapping that names its own schema beside other subtypes",
                    ));
                }
                Some(base) if !variants.is_empty() => {
                    return self.discriminated(schema, base, spec, at);
                }
                // Inline, or no subtype to dispatch to: typed by shape like any oneOf/object, the tag
                // an ordinary member.
                _ => self.fallback(
                    &at.push("discriminator"),
                    "discriminator on an inline schema or without subtypes: variants told apart by shape, the tag is an ordinary member",
                    rust,
                ),
            }
        }
        if schema.schema_data.discriminator.is_none() && self.has_polymorphism_extension(schema) {
            return self.flattened_discriminated(schema, spec, at);
        }
        if !view.one_of.is_empty() {
            return self.union(&view.one_of, "oneOf", spec, at);
        }
        if !view.any_of.is_empty() {
            return self.union(&view.any_of, "anyOf", spec, at);
        }
        if view.typ == Some("string") && !view.enumeration.is_empty() {
            return self.string_enum(&view, rust, origin, doc, at);
        }
        if let Some(def) = super::scalar_enums::int_enum(&view, rust, origin, &doc) {
            return Ok(TypeDef::IntEnum(def));
        }
        if view.is_object_like() && !(view.properties.is_empty() && view.all_of.is_empty()) {
            return self.build_struct(&view, rust, origin, doc, at, usage, component);
        }
        let ty = self.type_of_view(&view, rust, at, usage)?;
        Ok(TypeDef::Alias(AliasDef {
            name: rust.to_string(),
            origin: origin.to_string(),
            doc,
            ty,
            newtype: false,
        }))
    }

    fn string_enum(
        &mut self,
        view: &View,
        rust: &str,
        origin: &str,
        doc: Option<String>,
        at: &Ptr,
    ) -> Result<TypeDef> {
        let mut taken = Names::default();
        let mut variants = Vec::new();
        // A value listed twice (vercel.com lists `preview` twice) is one variant, not a second
        // `match` arm that can never be reached.
        let mut seen = std::collections::HashSet::new();
        for (i, value) in view.enumeration.iter().enumerate() {
            match value {
                serde_json::Value::String(s) if !seen.insert(s.as_str()) => {}
                serde_json::Value::String(s) => {
                    variants.push((s.clone(), unique(variant_name(s), &mut taken)))
                }
                // `nullable` enums list null; the field's Option carries it.
                serde_json::Value::Null => {}
                // `type: string` with a number or boolean among its values: no enum can hold
                // both, so the field is a plain String (listed in FALLBACKS.md).
                _ => {
                    self.fallback(
                        &at.push("enum").push(i.to_string()),
                        "string enum with a value that is not a string",
                        "String",
                    );
                    return Ok(TypeDef::Alias(AliasDef {
                        name: rust.to_string(),
                        origin: origin.to_string(),
                        doc,
                        ty: TypeRef::String,
                        newtype: false,
                    }));
                }
            }
        }
        if variants.is_empty() {
            // `enum: [null]` (ideal-postcodes.co.uk): no string is allowed, an enum of none would
            // be all fallback (and its match arms unreachable). As 3.1's `type: "null"` lowers.
            self.fallback(
                &at.push("enum"),
                "a schema whose only value is `null`",
                "`Option<serde_json::Value>`",
            );
            return Ok(TypeDef::Alias(AliasDef {
                name: rust.to_string(),
                origin: origin.to_string(),
                doc,
                ty: TypeRef::Json,
                newtype: false,
            }));
        }
        let fallback = unique("Unknown".into(), &mut taken);
        Ok(TypeDef::StringEnum(StringEnumDef {
            name: rust.to_string(),
            origin: origin.to_string(),
            doc,
            variants,
            fallback,
        }))
    }

    /// The Rust type of a schema position; inline objects and enums become named types called `context`.
    pub fn type_of(
        &mut self,
        schema: SchemaRef<'a>,
        context: &str,
        at: &Ptr,
        usage: Usage,
    ) -> Result<TypeRef> {
        match schema {
            SchemaRef::Ref(reference) => self.named(reference, at),
            SchemaRef::Inline(schema) => {
                let key = (at.clone(), usage.request, usage.response);
                if let Some(ty) = self.inline_types.get(&key) {
                    return Ok(ty.clone());
                }
                let view = View::of(schema);
                if schema.schema_data.discriminator.is_some()
                    || self.has_polymorphism_extension(schema)
                    || !view.one_of.is_empty()
                    || !view.any_of.is_empty()
                    || view.has_not
                    || (view.is_object_like()
                        && !(view.properties.is_empty() && view.all_of.is_empty())
                        && !(view.all_of.len() == 1 && view.properties.is_empty()))
                    || (view.typ == Some("string") && !view.enumeration.is_empty())
                    || super::scalar_enums::is_int_enum(&view)
                {
                    let name = unique(type_name(context), &mut self.taken);
                    // Registered before it is built: a schema that reaches itself again (through
                    // `allOf` parts of the components it names) refers to this type instead of
                    // expanding forever; `recursion.rs` boxes the field that closes the cycle.
                    self.inline_types.insert(key, TypeRef::Named(name.clone()));
                    let def = self.nested(at, |builder| {
                        builder.build_named(schema, &name, context, at, usage, None)
                    })?;
                    self.types.insert(name.clone(), def);
                    return Ok(TypeRef::Named(name));
                }
                self.type_of_view(&view, context, at, usage)
            }
        }
    }

    fn type_of_view(
        &mut self,
        view: &View<'a>,
        context: &str,
        at: &Ptr,
        usage: Usage,
    ) -> Result<TypeRef> {
        if view.all_of.len() == 1 && view.properties.is_empty() {
            // `allOf: [$ref]` is the usual way to attach a description to a reference.
            return self.type_of(view.all_of[0], context, &at.push("allOf").push("0"), usage);
        }
        let ty = match view.typ {
            Some("string") => match view.format.as_deref() {
                Some("date-time") => TypeRef::DateTime,
                Some("date") => TypeRef::Date,
                Some("uuid") => TypeRef::Uuid,
                _ => TypeRef::String,
            },
            Some("integer") => match view.format.as_deref() {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            },
            Some("number") => match view.format.as_deref() {
                Some("float") => TypeRef::F32,
                _ => TypeRef::F64,
            },
            Some("boolean") => TypeRef::Bool,
            Some("array") => match view.items {
                Some(items) => TypeRef::Vec(Box::new(self.type_of(
                    items,
                    &format!("{context}Item"),
                    &at.push("items"),
                    usage,
                )?)),
                None => TypeRef::Vec(Box::new(TypeRef::Json)),
            },
            Some("object") | None if view.properties.is_empty() => match &view.additional {
                Some(Additional::Schema(ap)) => TypeRef::Map(Box::new(self.type_of(
                    *ap,
                    &format!("{context}Value"),
                    &at.push("additionalProperties"),
                    usage,
                )?)),
                _ if view.typ == Some("object") => TypeRef::JsonObject,
                _ => TypeRef::Json,
            },
            Some(other) => {
                return Err(GenError::unsupported(
                    &at.push("type"),
                    format!("type `{other}`"),
                ))
            }
            None => TypeRef::Json,
        };
        super::scalar_enums::note_unchecked_values(self, view, at, &ty);
        Ok(ty)
    }
}

impl TypeBuilder<'_> {
    /// Usage of every component schema marked so far (see [`super::component_usage`]).
    pub(super) fn usage_map(&self) -> BTreeMap<String, Usage> {
        self.usage.clone()
    }

    /// Whether the profile's flattened-polymorphism extension is on `schema`.
    pub(super) fn has_polymorphism_extension(&self, schema: &Schema) -> bool {
        self.profile
            .polymorphism_extension
            .is_some_and(|ext| schema.schema_data.extensions.contains_key(ext))
    }
}
