//! Object schemas -> structs: properties flattened over `allOf`, one field per property, with
//! optionality decided by the response rule and usage (see [`super::schemas`]).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::rc::Rc;

use super::model::*;
use super::naming::{field_name, type_name, unique, Names};
use super::schemas::TypeBuilder;
use super::view::{Additional, SchemaRef, View};
use crate::error::{GenError, Ptr, Result};
use crate::profile::Responses;

/// One property found while flattening an object schema and its `allOf` parts.
#[derive(Clone)]
pub(super) struct Prop<'a> {
    pub name: &'a str,
    pub schema: SchemaRef<'a>,
    pub at: Ptr,
}

/// The members of an object schema, flattened over its `allOf` parts.
#[derive(Default, Clone)]
pub(super) struct Members<'a> {
    pub props: Vec<Prop<'a>>,
    pub required: BTreeSet<String>,
    /// `additionalProperties` (the last part that has it wins), with its pointer.
    pub additional: Option<(Additional<'a>, Ptr)>,
    /// Property name -> its position in `props` (a lookup per property, not a scan).
    index: HashMap<&'a str, usize>,
}

impl<'a> Members<'a> {
    /// Adds `prop`; a later definition of a name replaces the earlier one in its place.
    fn put(&mut self, prop: Prop<'a>) {
        match self.index.get(prop.name) {
            Some(&i) => self.props[i] = prop,
            None => {
                self.index.insert(prop.name, self.props.len());
                self.props.push(prop);
            }
        }
    }

    /// What flattening `part`'s members after everything already here gives.
    fn merge(&mut self, part: &Members<'a>) {
        for prop in &part.props {
            self.put(prop.clone());
        }
        self.required.extend(part.required.iter().cloned());
        if let Some(additional) = &part.additional {
            self.additional = Some(additional.clone());
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }
}

/// Flattening state shared by every struct of a document (see [`TypeBuilder::collect`]).
pub(super) struct Flattening<'a> {
    /// Components whose `allOf` closure has no cycle, by pointer: flattened once, reused.
    done: HashMap<Ptr, Rc<Members<'a>>>,
    /// `allOf` parts visited so far in the document.
    visits: usize,
    /// The most `visits` may reach (see [`Flattening::new`]).
    max_visits: usize,
}

impl Flattening<'_> {
    /// Without cycles each component is flattened once, a few visits per `allOf` part in the
    /// document; through cycles of `allOf` (not reused, see [`TypeBuilder::collect`]) the paths can
    /// multiply, so visits are bounded: a fixed allowance (~0.5 s of work) plus eight per part the
    /// document's components list, so a large document is never refused for its size.
    pub fn new(component_parts: usize) -> Self {
        Self {
            done: HashMap::new(),
            visits: 0,
            max_visits: 200_000 + 8 * component_parts,
        }
    }
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
    ///
    /// A component part whose own `allOf` closure met no cycle is flattened once and its members
    /// reused (merging them gives what walking it again would): a ladder `C_i: allOf [C_i+1,
    /// C_i+2]` took exponential time (issue 20). Through a cycle the result depends on the path
    /// (a component met again is skipped), so those walks are not reused, and bounded.
    pub(super) fn collect(
        &mut self,
        view: &View<'a>,
        at: &Ptr,
        out: &mut Members<'a>,
    ) -> Result<()> {
        self.collect_within(view, at, out, &mut Vec::new())
            .map(|_| ())
    }

    /// [`Self::collect`] with the components being flattened right now: a component met again among
    /// its own `allOf` parts (`A: allOf [B]`, `B: allOf [A]`) adds nothing new and is skipped, and the
    /// nesting is bounded. Returns whether a component was skipped so (a cycle was met).
    fn collect_within(
        &mut self,
        view: &View<'a>,
        at: &Ptr,
        out: &mut Members<'a>,
        within: &mut Vec<Ptr>,
    ) -> Result<bool> {
        if within.len() >= super::depth::MAX_NESTING {
            return Err(GenError::unsupported(
                at,
                format!(
                    "allOf nested more than {} levels deep",
                    super::depth::MAX_NESTING
                ),
            ));
        }
        let mut cycle = false;
        for (i, part) in view.all_of.iter().enumerate() {
            let part_at = at.push("allOf").push(i.to_string());
            self.flattening.visits += 1;
            if self.flattening.visits > self.flattening.max_visits {
                return Err(GenError::unsupported(
                    &part_at,
                    format!(
                        "cycles of allOf with too many paths (more than {} part visits while flattening)",
                        self.flattening.max_visits
                    ),
                ));
            }
            let (schema, part_at, is_component) = match part {
                SchemaRef::Ref(reference) => {
                    let r = self.resolver.schema_ref(reference, &part_at)?;
                    if within.contains(&r.pointer) || r.pointer == *at {
                        cycle = true;
                        continue;
                    }
                    if let Some(done) = self.flattening.done.get(&r.pointer) {
                        out.merge(&Rc::clone(done));
                        continue;
                    }
                    (r.node, r.pointer, true)
                }
                SchemaRef::Inline(schema) => (*schema, part_at, false),
            };
            let part_view = View::of(schema);
            if !part_view.one_of.is_empty() || !part_view.any_of.is_empty() || part_view.has_not {
                return Err(GenError::unsupported(
                    &part_at,
                    "oneOf/anyOf/not inside allOf",
                ));
            }
            within.push(at.clone());
            if is_component {
                let mut own = Members::default();
                let collected = self.collect_within(&part_view, &part_at, &mut own, within);
                within.pop();
                if collected? {
                    cycle = true;
                } else {
                    self.flattening.done.insert(part_at, Rc::new(own.clone()));
                }
                out.merge(&own);
            } else {
                let collected = self.collect_within(&part_view, &part_at, out, within);
                within.pop();
                cycle |= collected?;
            }
        }
        for (name, schema) in &view.properties {
            out.put(Prop {
                name,
                schema: *schema,
                at: at.push("properties").push(name),
            });
        }
        out.required
            .extend(view.required.iter().map(|r| r.to_string()));
        if let Some(additional) = view.additional {
            out.additional = Some((additional, at.push("additionalProperties")));
        }
        Ok(cycle)
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
        let tag = component.and_then(|c| self.fixed_tag(c));
        let mut doc = doc;
        if let Some(subs) = component
            .and_then(|c| self.subtypes.get(c))
            .filter(|_| tag.is_none())
        {
            // Several tags: each tag property is a field holding the tag as received. One the
            // schema does not declare is still on the wire: a string field keeps it.
            let unions: Vec<String> = subs
                .iter()
                .map(|s| {
                    let base = &self.names[&s.base];
                    let tag = format!("{}: {}", s.property, s.value);
                    format!(
                        "[`{base}`](crate::types::{base}) ({})",
                        crate::escape::code(&tag)
                    )
                })
                .collect();
            let note = format!(
                "A variant of {}: each tag is a field, written as it was received or set.",
                unions.join(", ")
            );
            doc = Some(match doc {
                Some(doc) => format!("{doc}\n\n{note}"),
                None => note,
            });
            for sub in subs {
                if !members.has(sub.property) {
                    members.put(Prop {
                        name: sub.property,
                        schema: SchemaRef::Inline(tag_schema()),
                        at: Self::component_ptr(&sub.base)
                            .push("discriminator")
                            .push("propertyName"),
                    });
                }
            }
        }
        let spec = StructSpec {
            name: rust,
            origin,
            doc,
            deprecated: view.data.deprecated,
            usage,
            tag,
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
        let strict = self.profile.responses == Responses::Strict;
        let mut taken = Names::default();
        let mut fields = Vec::new();
        for prop in props {
            if Some(prop.name) == tag_property.as_deref() {
                continue;
            }
            // readOnly (and writeOnly) is "relevant only for properties definitions" (OpenAPI 3.0):
            // one written on a referenced component's top level does not make a property that
            // `$ref`s it read-only (Atlas marks DedicatedHardwareSpec20240805 so, yet sends it as
            // `analyticsSpecs`).
            let (data, prop_view, read_only, write_only) = match prop.schema {
                SchemaRef::Ref(reference) => {
                    let r = self.resolver.schema_ref(reference, &prop.at)?;
                    (&r.node.schema_data, View::of(r.node), false, false)
                }
                SchemaRef::Inline(schema) => (
                    &schema.schema_data,
                    View::of(schema),
                    schema.schema_data.read_only,
                    schema.schema_data.write_only,
                ),
            };
            if read_only && request_only {
                continue;
            }
            let context = format!("{}{}", spec.context, type_name(prop.name));
            let ty = self.type_of(prop.schema, &context, &prop.at, usage)?;
            let presence = presence(
                required.contains(prop.name),
                strict,
                usage,
                read_only,
                write_only,
            );
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
            let optional = presence != Presence::Required || data.nullable;
            let untyped = ty == TypeRef::Json;
            let present = strict && presence == Presence::Required && data.nullable;
            fields.push(Field {
                json_name: prop.name.to_string(),
                rust_name: unique(field_name(prop.name), &mut taken),
                ty,
                optional,
                // Lenient types only ever send it (the Atlas rule); strict ones write what they
                // must have, so a value decodes again (the mock's bodies).
                serialize_null: if strict {
                    present
                } else {
                    request_only && presence == Presence::Required && data.nullable
                },
                skip_serializing: read_only && usage.request,
                boxed: false,
                flatten: false,
                doc: (!doc_lines.is_empty()).then(|| doc_lines.join("\n\n")),
                deprecated: data.deprecated,
                sensitive: prop_view.format.as_deref() == Some("password"),
                present,
                // A schema without a type allows `null` (OpenAPI 3.0.3: `nullable` only adds
                // null to an explicit type); its `serde_json::Value` keeps decoding it.
                null_is_error: strict && optional && !present && !data.nullable && !untyped,
                presence,
            });
        }
        // A `required` name without a declared property still exists on the wire: keep it as raw JSON.
        let declared: HashSet<&str> = props.iter().map(|p| p.name).collect();
        for name in required {
            if declared.contains(name.as_str()) || Some(name.as_str()) == tag_property.as_deref() {
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
                present: false,
                null_is_error: false,
                presence: Presence::Optional,
            });
        }
        let undeclared = self.undeclared_members(&spec, additional, &mut fields, &mut taken)?;
        Ok(TypeDef::Struct(StructDef {
            name: spec.name.to_string(),
            origin: spec.origin.to_string(),
            doc: spec.doc,
            deprecated: spec.deprecated,
            fields,
            tag: spec.tag,
            usage,
            strict,
            undeclared,
        }))
    }

    /// What a struct keeps of the members its schema does not declare (`additional`: its
    /// `additionalProperties`, the last part's when flattened), adding the typed map's field to
    /// `fields` when the schema declares one.
    fn undeclared_members(
        &mut self,
        spec: &StructSpec<'_>,
        additional: Option<(Additional<'a>, Ptr)>,
        fields: &mut Vec<Field>,
        taken: &mut Names,
    ) -> Result<UndeclaredMembers> {
        let usage = spec.usage;
        let request_only = usage.request && !usage.response;
        let strict = self.profile.responses == Responses::Strict;
        // Everything when the client decodes the type (responses, webhook payloads), nothing when
        // it is only ever sent (nothing on the client's side decodes it).
        Ok(match additional {
            Some((Additional::Forbidden, _)) if strict => UndeclaredMembers::Reject,
            None | Some((Additional::Forbidden, _)) if request_only => UndeclaredMembers::Ignore,
            None => UndeclaredMembers::Keep,
            Some((_, at)) if spec.tag.is_some() && request_only => {
                self.fallback(
                    &at,
                    "additionalProperties on a discriminator variant (other members are ignored)",
                    "(none)",
                );
                UndeclaredMembers::Ignore
            }
            Some((Additional::Forbidden, at)) => {
                self.fallback(
                    &at,
                    "additionalProperties: false, responses read leniently: an undeclared member \
                     is kept and reported (a warning once per type), not refused",
                    UNDECLARED_FIELD,
                );
                UndeclaredMembers::KeepReported
            }
            // serde cannot keep the tag out of a flattened map: a subtype keeps the other members
            // as raw JSON instead, whatever their declared schema.
            Some((_, at)) if spec.tag.is_some() => {
                self.fallback(
                    &at,
                    "additionalProperties on a discriminator variant (other members kept untyped)",
                    UNDECLARED_FIELD,
                );
                UndeclaredMembers::Keep
            }
            Some((additional, at)) => {
                let ty = match additional {
                    Additional::Schema(schema) => {
                        self.type_of(schema, &format!("{}Value", spec.context), &at, usage)?
                    }
                    Additional::Any | Additional::Forbidden => TypeRef::Json,
                };
                fields.push(Field {
                    json_name: String::new(),
                    rust_name: unique("additional_properties".into(), taken),
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
                    present: false,
                    null_is_error: false,
                    presence: Presence::Optional,
                });
                UndeclaredMembers::Map
            }
        })
    }
}

/// `type: string`: the schema of a tag property a subtype does not declare (see
/// [`TypeBuilder::build_struct`]).
fn tag_schema() -> &'static openapiv3::Schema {
    static SCHEMA: std::sync::OnceLock<openapiv3::Schema> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(|| openapiv3::Schema {
        schema_data: openapiv3::SchemaData {
            description: Some("The discriminator tag, as received.".into()),
            ..Default::default()
        },
        schema_kind: openapiv3::SchemaKind::Type(openapiv3::Type::String(Default::default())),
    })
}

/// The rule a member's presence follows. A required readOnly member is required in responses
/// only and a writeOnly one in requests only (OpenAPI 3.0); one Rust type serves both sides, so
/// a type that travels both ways (or the other way) keeps such a member an `Option`.
fn presence(
    required: bool,
    strict: bool,
    usage: Usage,
    read_only: bool,
    write_only: bool,
) -> Presence {
    match () {
        _ if !required => Presence::Optional,
        _ if !strict && usage.response => Presence::Lenient,
        _ if read_only && usage.request => Presence::ReadOnly,
        _ if write_only && usage.response => Presence::WriteOnly,
        _ => Presence::Required,
    }
}
