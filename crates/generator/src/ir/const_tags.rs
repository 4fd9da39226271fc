//! Implicit discriminators: a `oneOf` / `anyOf` without `discriminator` whose alternatives are
//! objects that each require a property allowing one string (3.1's `const`, lowered to a one-value
//! `enum`, or that enum written out), a different string in each alternative. That property is
//! the tag it usually is: the union becomes a tagged enum decoded by it, like a discriminated one,
//! instead of raw JSON. With distinct required constants at most one alternative can match, so
//! `anyOf` reads the same as `oneOf`.
//!
//! Each alternative keeps the tag as an ordinary member (its one-value enum field), so a value is
//! written with the tag it holds; a tag no alternative lists, or none, is the enum's `Unknown`.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use super::model::*;
use super::naming::{unique, variant_name, Names};
use super::objects::{Members, StructSpec};
use super::schemas::TypeBuilder;
use super::view::{SchemaRef, View};
use crate::error::{GenError, Ptr, Result};

impl<'a> TypeBuilder<'a> {
    /// The implicit tag of `members` (alternatives of `keyword` at `at`): the property and each
    /// alternative's value, or `None` when they are not all objects told apart by such a property.
    /// Linear: candidates only shrink, and each alternative is checked against them once.
    pub(super) fn const_tag(
        &mut self,
        members: &[SchemaRef<'a>],
        keyword: &str,
        at: &Ptr,
    ) -> Result<Option<(String, Vec<String>)>> {
        if members.len() < 2 {
            return Ok(None);
        }
        // Property -> the value of each alternative so far, in the first alternative's order.
        let mut candidates: Option<IndexMap<&'a str, Vec<String>>> = None;
        for (i, member) in members.iter().enumerate() {
            let member_at = at.push(keyword).push(i.to_string());
            let (schema, node_at) = match member {
                SchemaRef::Ref(reference) => {
                    let r = self.resolver.schema_ref(reference, &member_at)?;
                    (r.node, r.pointer)
                }
                SchemaRef::Inline(schema) => (*schema, member_at),
            };
            let view = View::of(schema);
            if !view.is_object_like()
                || !view.one_of.is_empty()
                || !view.any_of.is_empty()
                || schema.schema_data.discriminator.is_some()
            {
                return Ok(None);
            }
            let mut flat = Members::default();
            // An alternative that cannot be flattened is no tagged object: the union stays as it
            // was (its own type reports the error where it is built).
            if self.collect(&view, &node_at, &mut flat).is_err() {
                return Ok(None);
            }
            let mut consts: HashMap<&'a str, String> = HashMap::new();
            for prop in flat.props.iter().filter(|p| flat.required.contains(p.name)) {
                // A member that does not resolve is no tag (its type reports it where it is built).
                if let Ok(Some(value)) = self.single_string(prop.schema, &prop.at) {
                    consts.insert(prop.name, value);
                }
            }
            match &mut candidates {
                None => {
                    let first = flat
                        .props
                        .iter()
                        .filter_map(|p| Some((p.name, vec![consts.remove(p.name)?])));
                    candidates = Some(first.collect());
                }
                Some(found) => found.retain(|name, values| match consts.remove(name) {
                    Some(value) => {
                        values.push(value);
                        true
                    }
                    None => false,
                }),
            }
            if candidates.as_ref().is_some_and(IndexMap::is_empty) {
                return Ok(None);
            }
        }
        Ok(candidates.into_iter().flatten().find_map(|(name, values)| {
            let distinct: HashSet<&String> = values.iter().collect();
            (distinct.len() == values.len()).then(|| (name.to_string(), values))
        }))
    }

    /// The one string a property schema allows (`enum: [x]`, 3.1's `const: x` once lowered).
    fn single_string(&self, schema: SchemaRef<'a>, at: &Ptr) -> Result<Option<String>> {
        let view = match schema {
            SchemaRef::Ref(reference) => View::of(self.resolver.schema_ref(reference, at)?.node),
            SchemaRef::Inline(schema) => View::of(schema),
        };
        Ok(match (view.typ, view.enumeration.as_slice()) {
            (Some("string") | None, [serde_json::Value::String(value)]) => Some(value.clone()),
            _ => None,
        })
    }

    /// The tagged enum of a union whose implicit tag [`Self::const_tag`] found: one variant per
    /// alternative, holding the alternative's own type.
    pub(super) fn const_tagged(
        &mut self,
        members: &[SchemaRef<'a>],
        keyword: &str,
        (property, values): (String, Vec<String>),
        spec: StructSpec<'_>,
        at: &Ptr,
    ) -> Result<TypeDef> {
        let mut taken = Names::default();
        let mut variants = Vec::new();
        for (i, (member, value)) in members.iter().zip(values).enumerate() {
            let member_at = at.push(keyword).push(i.to_string());
            let variant = unique(variant_name(&value), &mut taken);
            let context = format!("{}{variant}", spec.context);
            match self.type_of(*member, &context, &member_at, spec.usage)? {
                TypeRef::Named(name) => variants.push((value, variant, name)),
                // An object alternative with properties is always a named type.
                _ => {
                    return Err(GenError::unsupported(
                        &member_at,
                        "a tagged alternative that is not a named object type",
                    ))
                }
            }
        }
        Ok(TypeDef::Tagged(TaggedEnumDef {
            name: spec.name.to_string(),
            origin: spec.origin.to_string(),
            doc: spec.doc,
            property,
            variants,
            fallback: unique("Unknown".into(), &mut taken),
        }))
    }
}
