//! Schemas -> Rust types: structs, string enums, discriminator enums and aliases.
//!
//! Leniency is decided here, from which side of the wire a type travels on (see [`Usage`]):
//! - a type that is ever decoded from a response makes every field `Option`, because Atlas omits fields the
//!   spec calls required, and never validates patterns;
//! - a type only ever sent keeps `required` as non-`Option` fields and leaves readOnly members out entirely;
//! - a type used both ways keeps readOnly members but never serializes them.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{OpenAPI, ReferenceOr, Schema};

use super::model::*;
use super::naming::{field_name, type_name, unique, variant_name};
use super::view::{Additional, SchemaRef, View};
use crate::error::{GenError, Ptr, Result};
use crate::resolve::Resolver;

/// A discriminator subtype: which base it belongs to and the tag it is written with.
#[derive(Debug, Clone)]
struct Subtype {
    /// The discriminated base component.
    base: String,
    property: String,
    value: String,
}

pub struct TypeBuilder<'a> {
    resolver: Resolver<'a>,
    schemas: BTreeMap<String, &'a ReferenceOr<Schema>>,
    pub types: BTreeMap<String, TypeDef>,
    /// Component schema name -> Rust type name.
    names: BTreeMap<String, String>,
    taken: BTreeSet<String>,
    subtypes: BTreeMap<String, Subtype>,
    usage: BTreeMap<String, Usage>,
}

/// One property found while flattening an object schema and its `allOf` parts.
struct Prop<'a> {
    name: &'a str,
    schema: SchemaRef<'a>,
    at: Ptr,
}

impl<'a> TypeBuilder<'a> {
    /// Assigns a Rust name to every component schema and discovers discriminator hierarchies.
    pub fn new(api: &'a OpenAPI) -> Result<Self> {
        let schemas: BTreeMap<String, &ReferenceOr<Schema>> = api
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .map(|(name, schema)| (name.clone(), schema))
            .collect();
        let mut taken = BTreeSet::new();
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
        };
        builder.find_subtypes()?;
        Ok(builder)
    }

    fn component_ptr(name: &str) -> Ptr {
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
        match component.and_then(|c| self.subtypes.get(c)) {
            Some(sub) => TypeRef::Named(self.names[&sub.base].clone()),
            None => ty,
        }
    }

    /// The Rust name of the component a `$ref` names.
    pub fn named(&self, reference: &str, at: &Ptr) -> Result<TypeRef> {
        let component = self.resolver.schema_ref_name(reference, at)?;
        Ok(TypeRef::Named(self.names[&component].clone()))
    }

    fn find_subtypes(&mut self) -> Result<()> {
        let mut found = BTreeMap::new();
        for (base, node) in &self.schemas {
            let at = Self::component_ptr(base);
            let resolved = self.resolver.schema(node, &at)?;
            let Some(disc) = &resolved.node.schema_data.discriminator else {
                continue;
            };
            for (value, sub) in self.variants_of(base, resolved.node, &at)? {
                if found
                    .insert(
                        sub.clone(),
                        Subtype {
                            base: base.clone(),
                            property: disc.property_name.clone(),
                            value,
                        },
                    )
                    .is_some()
                {
                    return Err(GenError::unsupported(
                        &at,
                        format!("schema `{sub}` is a subtype in two discriminator hierarchies"),
                    ));
                }
            }
        }
        self.subtypes = found;
        Ok(())
    }

    /// (tag value, subtype component) pairs of a discriminated base, in spec order.
    fn variants_of(
        &self,
        base: &str,
        schema: &'a Schema,
        at: &Ptr,
    ) -> Result<Vec<(String, String)>> {
        let Some(disc) = schema.schema_data.discriminator.as_ref() else {
            return Ok(Vec::new());
        };
        let view = View::of(schema);
        let by_mapping = |target: &str| -> Result<String> {
            let reference = if target.starts_with('#') {
                target.to_string()
            } else {
                format!("#/components/schemas/{target}")
            };
            self.resolver
                .schema_ref_name(&reference, &at.push("discriminator").push("mapping"))
        };
        let mut out = Vec::new();
        if !view.one_of.is_empty() {
            for (i, member) in view.one_of.iter().enumerate() {
                let SchemaRef::Ref(reference) = member else {
                    return Err(GenError::unsupported(
                        &at.push("oneOf").push(i.to_string()),
                        "inline schema in a discriminated oneOf",
                    ));
                };
                let sub = self
                    .resolver
                    .schema_ref_name(reference, &at.push("oneOf").push(i.to_string()))?;
                let mut value = sub.clone();
                for (key, target) in &disc.mapping {
                    if by_mapping(target)? == sub {
                        value = key.clone();
                    }
                }
                out.push((value, sub));
            }
        } else if !disc.mapping.is_empty() {
            for (value, target) in &disc.mapping {
                out.push((value.clone(), by_mapping(target)?));
            }
        } else {
            // Implicit mapping: every schema whose allOf names the base; the tag is the schema name.
            for (name, node) in &self.schemas {
                let sub_at = Self::component_ptr(name);
                let sub = self.resolver.schema(node, &sub_at)?;
                let refs_base = View::of(sub.node).all_of.iter().any(|part| {
                    matches!(part, SchemaRef::Ref(r) if self.resolver.schema_ref_name(r, &sub_at).ok().as_deref() == Some(base))
                });
                if refs_base {
                    out.push((name.clone(), name.clone()));
                }
            }
        }
        if out.is_empty() {
            return Err(GenError::unsupported(
                &at.push("discriminator"),
                "discriminator without any subtype",
            ));
        }
        Ok(out)
    }

    /// Records that the schema at `schema` travels on `side`, following every schema it reaches.
    pub fn mark_usage(&mut self, schema: SchemaRef<'a>, at: &Ptr, request: bool) -> Result<()> {
        // Work items: a component by name (subtypes are reached by name), or a schema position.
        enum Work<'s> {
            Component(String),
            Schema(SchemaRef<'s>, Ptr),
        }
        let mut stack = vec![Work::Schema(schema, at.clone())];
        let mut seen = BTreeSet::new();
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
                    if !seen.insert(component.clone()) {
                        continue;
                    }
                    let usage = self.usage.entry(component.clone()).or_default();
                    if request {
                        usage.request = true
                    } else {
                        usage.response = true
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
        let doc = schema
            .schema_data
            .description
            .clone()
            .or_else(|| schema.schema_data.title.clone());
        if view.has_not {
            return Err(GenError::unsupported(at, "`not`"));
        }
        if let (Some(disc), Some(base)) = (&schema.schema_data.discriminator, component) {
            let mut taken = BTreeSet::new();
            let variants = self
                .variants_of(base, schema, at)?
                .into_iter()
                .map(|(value, sub)| {
                    let variant = unique(variant_name(&value), &mut taken);
                    (value, variant, self.names[&sub].clone())
                })
                .collect();
            return Ok(TypeDef::Tagged(TaggedEnumDef {
                name: rust.to_string(),
                origin: origin.to_string(),
                doc,
                property: disc.property_name.clone(),
                variants,
                fallback: unique("Unknown".into(), &mut taken),
            }));
        }
        if schema.schema_data.discriminator.is_some() {
            return Err(GenError::unsupported(
                at,
                "discriminator on an inline schema",
            ));
        }
        if !view.one_of.is_empty() {
            return Err(GenError::unsupported(
                &at.push("oneOf"),
                "oneOf without a discriminator",
            ));
        }
        if !view.any_of.is_empty() {
            return Err(GenError::unsupported(&at.push("anyOf"), "anyOf"));
        }
        if view.typ == Some("string") && !view.enumeration.is_empty() {
            return self.string_enum(&view, rust, origin, doc, at);
        }
        if !view.enumeration.is_empty() {
            return Err(GenError::unsupported(
                &at.push("enum"),
                format!("enum of type {}", view.typ.unwrap_or("(none)")),
            ));
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
        }))
    }

    fn string_enum(
        &self,
        view: &View,
        rust: &str,
        origin: &str,
        doc: Option<String>,
        at: &Ptr,
    ) -> Result<TypeDef> {
        let mut taken = BTreeSet::new();
        let mut variants = Vec::new();
        for (i, value) in view.enumeration.iter().enumerate() {
            match value {
                serde_json::Value::String(s) => {
                    variants.push((s.clone(), unique(variant_name(s), &mut taken)))
                }
                // `nullable` enums list null; the field's Option carries it.
                serde_json::Value::Null => {}
                other => {
                    return Err(GenError::unsupported(
                        &at.push("enum").push(i.to_string()),
                        format!("non-string enum value {other}"),
                    ))
                }
            }
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

    /// Flattens properties of a schema and its allOf parts, in order; later definitions override earlier ones.
    fn collect(
        &self,
        view: &View<'a>,
        at: &Ptr,
        props: &mut Vec<Prop<'a>>,
        required: &mut BTreeSet<String>,
    ) -> Result<()> {
        for (i, part) in view.all_of.iter().enumerate() {
            let part_at = at.push("allOf").push(i.to_string());
            let (schema, part_at) = match part {
                SchemaRef::Ref(reference) => {
                    let r = self.resolver.schema_ref(reference, &part_at)?;
                    (r.node, r.pointer)
                }
                SchemaRef::Inline(schema) => (*schema, part_at),
            };
            let part_view = View::of(schema);
            if !part_view.one_of.is_empty() || !part_view.any_of.is_empty() || part_view.has_not {
                return Err(GenError::unsupported(
                    &part_at,
                    "oneOf/anyOf/not inside allOf",
                ));
            }
            self.collect(&part_view, &part_at, props, required)?;
        }
        for (name, schema) in &view.properties {
            let prop = Prop {
                name,
                schema: *schema,
                at: at.push("properties").push(name),
            };
            match props.iter_mut().find(|p| p.name == *name) {
                Some(existing) => *existing = prop,
                None => props.push(prop),
            }
        }
        required.extend(view.required.iter().map(|r| r.to_string()));
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn build_struct(
        &mut self,
        view: &View<'a>,
        rust: &str,
        origin: &str,
        doc: Option<String>,
        at: &Ptr,
        usage: Usage,
        component: Option<&str>,
    ) -> Result<TypeDef> {
        let mut props = Vec::new();
        let mut required = BTreeSet::new();
        self.collect(view, at, &mut props, &mut required)?;
        let subtype = component.and_then(|c| self.subtypes.get(c)).cloned();
        let tag_property = subtype.as_ref().map(|s| s.property.clone());
        let request_only = usage.request && !usage.response;
        let mut taken = BTreeSet::new();
        let mut fields = Vec::new();
        for prop in &props {
            if Some(prop.name) == tag_property.as_deref() {
                continue;
            }
            let (data, prop_view) = match prop.schema {
                SchemaRef::Ref(reference) => {
                    let r = self.resolver.schema_ref(reference, &prop.at)?;
                    (&r.node.schema_data, View::of(r.node))
                }
                SchemaRef::Inline(schema) => (&schema.schema_data, View::of(schema)),
            };
            if data.read_only && request_only {
                continue;
            }
            let context = format!("{rust}{}", type_name(prop.name));
            let ty = self.type_of(prop.schema, &context, &prop.at, usage)?;
            let is_required = required.contains(prop.name);
            let mut doc_lines: Vec<String> = data.description.iter().cloned().collect();
            if let Some(c) = prop_view.constraints() {
                doc_lines.push(format!(
                    "Constraints (documented, not enforced when decoding): {c}."
                ));
            }
            if is_required && usage.response {
                doc_lines.push(
                    "Required by the spec, but `Option` because real responses may omit it.".into(),
                );
            }
            let optional = usage.response || !is_required || data.nullable;
            fields.push(Field {
                json_name: prop.name.to_string(),
                rust_name: unique(field_name(prop.name), &mut taken),
                ty,
                optional,
                serialize_null: request_only && is_required && data.nullable,
                skip_serializing: data.read_only && usage.request,
                doc: (!doc_lines.is_empty()).then(|| doc_lines.join("\n\n")),
                deprecated: data.deprecated,
            });
        }
        // A `required` name without a declared property still exists on the wire: keep it as raw JSON.
        for name in &required {
            if props.iter().any(|p| p.name == name)
                || Some(name.as_str()) == tag_property.as_deref()
            {
                continue;
            }
            fields.push(Field {
                json_name: name.clone(),
                rust_name: unique(field_name(name), &mut taken),
                ty: TypeRef::Json,
                optional: true,
                serialize_null: false,
                skip_serializing: false,
                doc: Some(
                    "Listed as required by the spec without a schema; kept as raw JSON.".into(),
                ),
                deprecated: false,
            });
        }
        Ok(TypeDef::Struct(StructDef {
            name: rust.to_string(),
            origin: origin.to_string(),
            doc,
            deprecated: view.data.deprecated,
            fields,
            tag: subtype.map(|s| (s.property, s.value)),
            usage,
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
                let view = View::of(schema);
                if schema.schema_data.discriminator.is_some()
                    || !view.one_of.is_empty()
                    || !view.any_of.is_empty()
                    || view.has_not
                    || (view.is_object_like()
                        && !(view.properties.is_empty() && view.all_of.is_empty())
                        && !(view.all_of.len() == 1 && view.properties.is_empty()))
                    || (view.typ == Some("string") && !view.enumeration.is_empty())
                {
                    let name = unique(type_name(context), &mut self.taken);
                    let def = self.build_named(schema, &name, context, at, usage, None)?;
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
        Ok(ty)
    }
}
