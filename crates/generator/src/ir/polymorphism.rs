//! Polymorphism -> tagged enums, from either encoding Atlas uses:
//! - standard `discriminator` with `oneOf` / `allOf` subtypes: one variant per subtype component;
//! - the vendor extension `x-xgen-discriminator` (the Go SDK spec): ONE flattened object holding every
//!   variant's properties, plus a mapping tag -> {properties, required}. Each tag becomes a variant struct
//!   `{Base}{Tag}` with the properties common to all variants (those no mapping lists) and its own.
//!
//! Both give a [`TaggedEnumDef`] with an `Unknown(Value)` fallback for tags this spec does not list.
//! `oneOf` / `anyOf` without a discriminator becomes an untagged [`UnionDef`] when the members have
//! distinct JSON types, a tagged enum when they are objects told apart by a constant member
//! (`const_tags.rs`), and otherwise raw JSON, listed as a fallback.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use indexmap::IndexMap;
use openapiv3::Schema;
use serde::Deserialize;

use super::model::*;
use super::naming::{unique, variant_name, Names};
use super::objects::{Members, Prop, StructSpec};
use super::schemas::TypeBuilder;
use super::view::{SchemaRef, View};
use crate::error::{GenError, Ptr, Result};

/// A discriminator subtype: which base it belongs to and the tag it is written with.
#[derive(Debug, Clone)]
pub(super) struct Subtype<'a> {
    /// The discriminated base component.
    pub base: String,
    pub property: &'a str,
    pub value: String,
}

/// The flattened-polymorphism extension (Atlas' `x-xgen-discriminator`): `{propertyName, mapping: {tag: {properties: [..], required: [..]}}}`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct FlattenedDiscriminator {
    property_name: String,
    #[serde(default)]
    mapping: IndexMap<String, FlattenedVariant>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FlattenedVariant {
    #[serde(default)]
    properties: Vec<String>,
    #[serde(default)]
    required: Vec<String>,
}

impl<'a> TypeBuilder<'a> {
    /// Every subtype with the hierarchies it belongs to. A schema may be a variant of several
    /// discriminated bases (Figma's `Node` and `SubcanvasNode` share 26 subtypes), or of one base
    /// under several tags: one Rust type serves every enum that lists it (see [`Self::fixed_tag`]).
    pub(super) fn find_subtypes(&mut self) -> Result<()> {
        let mut found: BTreeMap<String, Vec<Subtype<'a>>> = BTreeMap::new();
        for (base, node) in &self.schemas {
            let at = Self::component_ptr(base);
            let resolved = self.resolver.schema(node, &at)?;
            let Some(disc) = &resolved.node.schema_data.discriminator else {
                continue;
            };
            for (value, sub) in self.variants_of(base, resolved.node, &at)? {
                found.entry(sub).or_default().push(Subtype {
                    base: base.clone(),
                    property: &disc.property_name,
                    value,
                });
            }
        }
        self.subtypes = found;
        Ok(())
    }

    /// The one (property, value) tag every hierarchy gives `component`, written by its struct as a
    /// constant; `None` when it is no subtype, or when its hierarchies give it several tags (then
    /// each tag property is an ordinary field, so a value keeps the tag it was received with).
    pub(super) fn fixed_tag(&self, component: &str) -> Option<(String, String)> {
        let subs = self.subtypes.get(component)?;
        let first = subs.first()?;
        subs.iter()
            .all(|s| s.property == first.property && s.value == first.value)
            .then(|| (first.property.to_string(), first.value.clone()))
    }

    /// (tag value, subtype component) pairs of a discriminated base, in spec order.
    pub(super) fn variants_of(
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
        let mut tags: Option<HashMap<String, Vec<&String>>> = None;
        // Members already listed: a repeated one adds nothing (and its keys only once, so N
        // copies of a member mapped under M tags stay N + M steps, not N * M).
        let mut listed = HashSet::new();
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
                if !listed.insert(sub.clone()) {
                    continue;
                }
                // Subtype -> the mapping keys naming it, in mapping order, built once (not a scan
                // per member). Each key is a variant: a subtype mapped under two tags (Figma's
                // `BlurEffect`: LAYER_BLUR and BACKGROUND_BLUR) is decoded under both.
                if tags.is_none() {
                    let mut by_sub: HashMap<String, Vec<&String>> = HashMap::new();
                    for (key, target) in &disc.mapping {
                        by_sub.entry(by_mapping(target)?).or_default().push(key);
                    }
                    tags = Some(by_sub);
                }
                match tags.as_ref().and_then(|t| t.get(&sub)) {
                    Some(keys) => out.extend(keys.iter().map(|key| ((*key).clone(), sub.clone()))),
                    None => out.push((sub.clone(), sub)),
                }
            }
        } else if !disc.mapping.is_empty() {
            for (value, target) in &disc.mapping {
                out.push((value.clone(), by_mapping(target)?));
            }
        } else {
            // Implicit mapping: every schema whose allOf names the base; the tag is the schema name.
            let children = self.all_of_children().map_err(Clone::clone)?;
            for name in children.get(base).into_iter().flatten() {
                out.push((name.clone(), name.clone()));
            }
        }
        // One variant per tag: a member listed twice, or an unmapped member named like another's
        // tag, would be a second `match` arm for the same tag (the first one wins, as in decoding).
        let mut seen = HashSet::new();
        out.retain(|(value, _)| seen.insert(value.clone()));
        // No subtype: the caller types the schema without its discriminator (and says so).
        let _ = at;
        Ok(out)
    }

    /// Component -> the components whose `allOf` names it, in name order; found in one pass over the
    /// components the first time a base needs it (a scan of every component per base was
    /// quadratic), the first component that does not resolve an error as before.
    fn all_of_children(&self) -> std::result::Result<&BTreeMap<String, Vec<String>>, &GenError> {
        self.all_of_children
            .get_or_init(|| {
                let mut children: BTreeMap<String, Vec<String>> = BTreeMap::new();
                for (name, node) in &self.schemas {
                    let sub_at = Self::component_ptr(name);
                    let sub = self.resolver.schema(node, &sub_at)?;
                    for part in View::of(sub.node).all_of {
                        let SchemaRef::Ref(r) = part else { continue };
                        let Ok(parent) = self.resolver.schema_ref_name(r, &sub_at) else {
                            continue;
                        };
                        let list = children.entry(parent).or_default();
                        if list.last() != Some(name) {
                            list.push(name.clone());
                        }
                    }
                }
                Ok(children)
            })
            .as_ref()
    }

    /// A standard discriminator: one variant per subtype component.
    pub(super) fn discriminated(
        &self,
        schema: &'a Schema,
        base: &str,
        spec: StructSpec<'_>,
        at: &Ptr,
    ) -> Result<TypeDef> {
        let property = schema
            .schema_data
            .discriminator
            .as_ref()
            .map(|d| d.property_name.clone())
            .unwrap_or_default();
        let mut taken = Names::default();
        let variants = self
            .variants_of(base, schema, at)?
            .into_iter()
            .map(|(value, sub)| {
                let variant = unique(variant_name(&value), &mut taken);
                (value, variant, self.names[&sub].clone())
            })
            .collect();
        Ok(TypeDef::Tagged(TaggedEnumDef {
            name: spec.name.to_string(),
            origin: spec.origin.to_string(),
            doc: spec.doc,
            property,
            variants,
            fallback: unique("Unknown".into(), &mut taken),
        }))
    }

    /// An object with the profile's flattened-polymorphism extension (Atlas: `x-xgen-discriminator`):
    /// one variant struct per mapping entry, built from the flattened properties (inline property
    /// types are shared by every variant).
    pub(super) fn flattened_discriminated(
        &mut self,
        schema: &'a Schema,
        spec: StructSpec<'_>,
        at: &Ptr,
    ) -> Result<TypeDef> {
        let extension = self.profile.polymorphism_extension.unwrap_or_default();
        let ext_at = at.push(extension);
        let raw = schema
            .schema_data
            .extensions
            .get(extension)
            .cloned()
            .unwrap_or_default();
        let disc: FlattenedDiscriminator = serde_json::from_value(raw)
            .map_err(|e| GenError::new(ext_at.as_str(), format!("not a valid {extension}: {e}")))?;
        if disc.mapping.is_empty() {
            return Err(GenError::unsupported(
                &ext_at.push("mapping"),
                "discriminator without any subtype",
            ));
        }
        let view = View::of(schema);
        let mut members = Members::default();
        self.collect(&view, at, &mut members)?;
        let (props, required) = (&members.props, &members.required);
        let mut listed = BTreeSet::new();
        for (tag, variant) in &disc.mapping {
            for (i, name) in variant.properties.iter().enumerate() {
                if !members.has(name) {
                    return Err(GenError::new(
                        ext_at
                            .push("mapping")
                            .push(tag)
                            .push("properties")
                            .push(i.to_string())
                            .as_str(),
                        format!("`{name}` is not a property of the schema"),
                    ));
                }
                listed.insert(name.as_str());
            }
        }
        let mut taken = Names::default();
        let mut variants = Vec::new();
        for (tag, variant) in &disc.mapping {
            let variant_rust = unique(variant_name(tag), &mut taken);
            let struct_name = unique(format!("{}{variant_rust}", spec.name), &mut self.taken);
            let mine: HashSet<&str> = variant.properties.iter().map(String::as_str).collect();
            let own: Vec<&Prop<'a>> = props
                .iter()
                .filter(|p| !listed.contains(p.name) || mine.contains(p.name))
                .collect();
            let own_names: HashSet<&str> = own.iter().map(|p| p.name).collect();
            // Required names of other variants' properties do not apply to this one.
            let own_required: BTreeSet<String> = required
                .iter()
                .chain(&variant.required)
                .filter(|r| own_names.contains(r.as_str()) || !members.has(r))
                .cloned()
                .collect();
            let mut doc = format!("A variant of [`{0}`](crate::types::{0}).", spec.name);
            if let Some(base_doc) = &spec.doc {
                doc = format!("{base_doc}\n\n{doc}");
            }
            let def = self.struct_def(
                StructSpec {
                    name: &struct_name,
                    origin: spec.origin,
                    doc: Some(doc),
                    deprecated: spec.deprecated,
                    usage: spec.usage,
                    tag: Some((disc.property_name.clone(), tag.clone())),
                    context: spec.context,
                },
                &own,
                &own_required,
                members.additional.clone(),
            )?;
            self.types.insert(struct_name.clone(), def);
            variants.push((tag.clone(), variant_rust, struct_name));
        }
        Ok(TypeDef::Tagged(TaggedEnumDef {
            name: spec.name.to_string(),
            origin: spec.origin.to_string(),
            doc: spec.doc,
            property: disc.property_name,
            variants,
            fallback: unique("Unknown".into(), &mut taken),
        }))
    }

    /// `oneOf` / `anyOf` (`keyword`) without a discriminator.
    pub(super) fn union(
        &mut self,
        members: &[SchemaRef<'a>],
        keyword: &str,
        spec: StructSpec<'_>,
        at: &Ptr,
    ) -> Result<TypeDef> {
        let mut kinds = Vec::new();
        for (i, member) in members.iter().enumerate() {
            let member_at = at.push(keyword).push(i.to_string());
            let view = match member {
                SchemaRef::Ref(reference) => {
                    View::of(self.resolver.schema_ref(reference, &member_at)?.node)
                }
                SchemaRef::Inline(schema) => View::of(schema),
            };
            let kind = match view.typ {
                Some(kind) => Some(kind),
                None if view.is_object_like() => Some("object"),
                None => None,
            };
            match kind.filter(|k| !kinds.iter().any(|(other, _)| other == k)) {
                Some(kind) => kinds.push((kind, member_at)),
                None => {
                    // Objects told apart by a constant member: that member is their tag.
                    // An alternative that cannot be typed leaves the union raw JSON, as before
                    // tags were read (its members were never typed then either).
                    if let Some(tag) = self.const_tag(members, keyword, at)? {
                        let spec = StructSpec {
                            doc: spec.doc.clone(),
                            ..spec
                        };
                        if let Ok(def) = self.const_tagged(members, keyword, tag, spec, at) {
                            return Ok(def);
                        }
                    }
                    self.fallback(
                        &at.push(keyword),
                        format!("{keyword} whose members share a JSON type (no discriminator)"),
                        "serde_json::Value",
                    );
                    let note = format!(
                        "Raw JSON: the `{keyword}` members of spec schema {} cannot be told apart \
                         by JSON type and there is no discriminator.",
                        crate::escape::code(spec.origin)
                    );
                    return Ok(TypeDef::Alias(AliasDef {
                        name: spec.name.to_string(),
                        origin: spec.origin.to_string(),
                        doc: Some(match spec.doc {
                            Some(doc) => format!("{doc}\n\n{note}"),
                            None => note,
                        }),
                        ty: TypeRef::Json,
                        newtype: false,
                    }));
                }
            }
        }
        let mut variants = Vec::new();
        for ((kind, member_at), member) in kinds.iter().zip(members) {
            let variant = variant_name(kind);
            let context = format!("{}{variant}", spec.context);
            let ty = self.type_of(*member, &context, member_at, spec.usage)?;
            variants.push((variant, ty));
        }
        // serde tries variants in order: an integer must be tried before a number accepts it.
        variants.sort_by_key(|(variant, _)| variant != "Integer");
        Ok(TypeDef::Union(UnionDef {
            name: spec.name.to_string(),
            origin: spec.origin.to_string(),
            doc: spec.doc,
            variants,
        }))
    }
}
