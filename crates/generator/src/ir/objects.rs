//! Object schemas -> structs: properties flattened over `allOf`, one field per property, with
//! optionality decided by usage (see the leniency rules in [`super::schemas`]).

use std::collections::BTreeSet;

use super::model::*;
use super::naming::{field_name, type_name, unique};
use super::schemas::TypeBuilder;
use super::view::{Additional, SchemaRef, View};
use crate::error::{GenError, Ptr, Result};

/// One property found while flattening an object schema and its `allOf` parts.
pub(super) struct Prop<'a> {
    pub name: &'a str,
    pub schema: SchemaRef<'a>,
    pub at: Ptr,
}

/// The members of an object schema, flattened over its `allOf` parts.
#[derive(Default)]
pub(super) struct Members<'a> {
    pub props: Vec<Prop<'a>>,
    pub required: BTreeSet<String>,
    /// `additionalProperties` (the last part that has it wins), with its pointer.
    pub additional: Option<(Additional<'a>, Ptr)>,
}

/// Everything about a struct to build except its properties.
pub(super) struct StructSpec<'s> {
    pub name: &'s str,
    pub origin: &'s str,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub usage: Usage,
    /// (property, value) for a discriminator variant: the tag is written by serde, not a field.
    pub tag: Option<(String, String)>,
    /// Prefix of the names of inline property types (`{context}{Property}`).
    pub context: &'s str,
}

impl<'a> TypeBuilder<'a> {
    /// Flattens properties of a schema and its allOf parts, in order; later definitions override earlier ones.
    pub(super) fn collect(&self, view: &View<'a>, at: &Ptr, out: &mut Members<'a>) -> Result<()> {
        self.collect_within(view, at, out, &mut Vec::new())
    }

    /// [`Self::collect`] with the components being flattened right now: a component met again among
    /// its own `allOf` parts (`A: allOf [B]`, `B: allOf [A]`) adds nothing new and is skipped, and the
    /// nesting is bounded.
    fn collect_within(
        &self,
        view: &View<'a>,
        at: &Ptr,
        out: &mut Members<'a>,
        within: &mut Vec<Ptr>,
    ) -> Result<()> {
        if within.len() >= super::depth::MAX_NESTING {
            return Err(GenError::unsupported(
                at,
                format!(
                    "allOf nested more than {} levels deep",
                    super::depth::MAX_NESTING
                ),
            ));
        }
        for (i, part) in view.all_of.iter().enumerate() {
            let part_at = at.push("allOf").push(i.to_string());
            let (schema, part_at) = match part {
                SchemaRef::Ref(reference) => {
                    let r = self.resolver.schema_ref(reference, &part_at)?;
                    if within.contains(&r.pointer) || r.pointer == *at {
                        continue;
                    }
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
            within.push(at.clone());
            let collected = self.collect_within(&part_view, &part_at, out, within);
            within.pop();
            collected?;
        }
        for (name, schema) in &view.properties {
            let prop = Prop {
                name,
                schema: *schema,
                at: at.push("properties").push(name),
            };
            match out.props.iter_mut().find(|p| p.name == *name) {
                Some(existing) => *existing = prop,
                None => out.props.push(prop),
            }
        }
        out.required
            .extend(view.required.iter().map(|r| r.to_string()));
        if let Some(additional) = view.additional {
            out.additional = Some((additional, at.push("additionalProperties")));
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn build_struct(
        &mut self,
        view: &View<'a>,
        rust: &str,
        origin: &str,
        doc: Option<String>,
        at: &Ptr,
        usage: Usage,
        component: Option<&str>,
    ) -> Result<TypeDef> {
        let mut members = Members::default();
        self.collect(view, at, &mut members)?;
        let subtype = component.and_then(|c| self.subtypes.get(c)).cloned();
        let spec = StructSpec {
            name: rust,
            origin,
            doc,
            deprecated: view.data.deprecated,
            usage,
            tag: subtype.map(|s| (s.property, s.value)),
            context: rust,
        };
        let props: Vec<&Prop<'a>> = members.props.iter().collect();
        self.struct_def(spec, &props, &members.required, members.additional)
    }

    /// A struct with one field per property (the tag property excepted), plus a map of the other
    /// members when the schema has `additionalProperties`.
    pub(super) fn struct_def(
        &mut self,
        spec: StructSpec<'_>,
        props: &[&Prop<'a>],
        required: &BTreeSet<String>,
        additional: Option<(Additional<'a>, Ptr)>,
    ) -> Result<TypeDef> {
        let usage = spec.usage;
        let tag_property = spec.tag.as_ref().map(|t| t.0.clone());
        let request_only = usage.request && !usage.response;
        let mut taken = BTreeSet::new();
        let mut fields = Vec::new();
        for prop in props {
            if Some(prop.name) == tag_property.as_deref() {
                continue;
            }
            // readOnly is "relevant only for properties definitions" (OpenAPI 3.0): one written on a
            // referenced component's top level does not make a property that `$ref`s it read-only
            // (Atlas marks DedicatedHardwareSpec20240805 so, yet sends it as `analyticsSpecs`).
            let (data, prop_view, read_only) = match prop.schema {
                SchemaRef::Ref(reference) => {
                    let r = self.resolver.schema_ref(reference, &prop.at)?;
                    (&r.node.schema_data, View::of(r.node), false)
                }
                SchemaRef::Inline(schema) => (
                    &schema.schema_data,
                    View::of(schema),
                    schema.schema_data.read_only,
                ),
            };
            if read_only && request_only {
                continue;
            }
            let context = format!("{}{}", spec.context, type_name(prop.name));
            let ty = self.type_of(prop.schema, &context, &prop.at, usage)?;
            let is_required = required.contains(prop.name);
            let described = data
                .description
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .or(prop_view.all_of_doc);
            let mut doc_lines: Vec<String> = described.map(str::to_string).into_iter().collect();
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
                skip_serializing: read_only && usage.request,
                boxed: false,
                flatten: false,
                doc: (!doc_lines.is_empty()).then(|| doc_lines.join("\n\n")),
                deprecated: data.deprecated,
                sensitive: prop_view.format.as_deref() == Some("password"),
            });
        }
        // A `required` name without a declared property still exists on the wire: keep it as raw JSON.
        for name in required {
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
                boxed: false,
                flatten: false,
                doc: Some(
                    "Listed as required by the spec without a schema; kept as raw JSON.".into(),
                ),
                deprecated: false,
                sensitive: false,
            });
        }
        match additional {
            // serde cannot keep the tag out of a flattened map: a subtype keeps only its properties.
            Some((_, at)) if spec.tag.is_some() => self.fallback(
                &at,
                "additionalProperties on a discriminator variant (other members are ignored)",
                "(none)",
            ),
            Some((additional, at)) => {
                let ty = match additional {
                    Additional::Any => TypeRef::Json,
                    Additional::Schema(schema) => {
                        self.type_of(schema, &format!("{}Value", spec.context), &at, usage)?
                    }
                };
                fields.push(Field {
                    json_name: String::new(),
                    rust_name: unique("additional_properties".into(), &mut taken),
                    ty: TypeRef::Map(Box::new(ty)),
                    optional: false,
                    serialize_null: false,
                    skip_serializing: false,
                    boxed: false,
                    flatten: true,
                    doc: Some(
                        "Members other than the properties above (`additionalProperties`).".into(),
                    ),
                    deprecated: false,
                    sensitive: false,
                });
            }
            None => {}
        }
        Ok(TypeDef::Struct(StructDef {
            name: spec.name.to_string(),
            origin: spec.origin.to_string(),
            doc: spec.doc,
            deprecated: spec.deprecated,
            fields,
            tag: spec.tag,
            usage,
        }))
    }
}
