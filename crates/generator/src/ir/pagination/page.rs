//! The page side of a listing: what a success body offers (items, member paths, links, the
//! items' id), looked up by exact names (a profile's rule) or by normalized ones (patterns).
//!
//! Every lookup goes through [`Fields`], which indexes a struct's members once, so detection over
//! many operations sharing types (or one huge type) stays linear.

use std::collections::{BTreeMap, HashMap};

use crate::ir::model::{
    Field, LinksMember, Member, MemberPath, ResponseBody, StructDef, TypeDef, TypeRef,
};
use crate::profile::{normalized, LinksRelation};

/// How names are compared: exactly (a rule's) or normalized (detection patterns').
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Names {
    Exact,
    Loose,
}

impl Names {
    pub(super) fn key(self, name: &str) -> String {
        match self {
            Names::Exact => name.to_owned(),
            Names::Loose => normalized(name),
        }
    }
}

/// Members of struct types by name, each struct indexed once per way of comparing names (the
/// first member of a name wins).
pub(super) struct Fields<'t> {
    pub types: &'t BTreeMap<String, TypeDef>,
    index: HashMap<(&'t str, Names), HashMap<String, &'t Field>>,
}

impl<'t> Fields<'t> {
    pub(super) fn new(types: &'t BTreeMap<String, TypeDef>) -> Self {
        Fields {
            types,
            index: HashMap::new(),
        }
    }

    /// The struct named `name`, if it is one.
    pub(super) fn strukt(&self, name: &str) -> Option<(&'t str, &'t StructDef)> {
        match self.types.get_key_value(name) {
            Some((key, TypeDef::Struct(def))) => Some((key.as_str(), def)),
            _ => None,
        }
    }

    /// Member `name` of struct `type_name` (flattened maps are no members).
    pub(super) fn field(
        &mut self,
        type_name: &'t str,
        name: &str,
        names: Names,
    ) -> Option<&'t Field> {
        let (_, def) = self.strukt(type_name)?;
        let index = self.index.entry((type_name, names)).or_insert_with(|| {
            let mut index = HashMap::with_capacity(def.fields.len());
            for f in def.fields.iter().filter(|f| !f.flatten) {
                index.entry(names.key(&f.json_name)).or_insert(f);
            }
            index
        });
        index.get(&names.key(name)).copied()
    }

    /// The member path `path` from struct `type_name`, whose last member's type satisfies `leaf`.
    pub(super) fn path(
        &mut self,
        type_name: &'t str,
        path: &[&str],
        names: Names,
        leaf: fn(&TypeRef) -> bool,
    ) -> Option<MemberPath> {
        let mut current = type_name;
        let mut steps = Vec::with_capacity(path.len());
        for (i, name) in path.iter().enumerate() {
            let field = self.field(current, name, names)?;
            steps.push(member(field));
            if i + 1 == path.len() {
                return leaf(&field.ty).then(|| MemberPath {
                    steps,
                    leaf: field.ty.clone(),
                });
            }
            let TypeRef::Named(next) = &field.ty else {
                return None;
            };
            current = self.strukt(next)?.0;
        }
        None
    }

    /// The first of `paths` found (see [`Self::path`]).
    pub(super) fn first_path(
        &mut self,
        type_name: &'t str,
        paths: &[&[&str]],
        names: Names,
        leaf: fn(&TypeRef) -> bool,
    ) -> Option<MemberPath> {
        paths
            .iter()
            .find_map(|path| self.path(type_name, path, names, leaf))
    }

    /// An array of link objects each with a string relation member.
    pub(super) fn links(
        &mut self,
        type_name: &'t str,
        relation: &LinksRelation,
        names: Names,
    ) -> Option<LinksMember> {
        let links = self.field(type_name, relation.member, names)?;
        let TypeRef::Vec(inner) = &links.ty else {
            return None;
        };
        let TypeRef::Named(link) = inner.as_ref() else {
            return None;
        };
        let link = self.strukt(link)?.0;
        let rel = self.field(link, relation.rel_member, names)?;
        (rel.ty == TypeRef::String).then(|| LinksMember {
            links: member(links),
            rel: member(rel),
        })
    }

    /// The id member of the item type (a string or an integer), when the items are structs.
    pub(super) fn item_id(
        &mut self,
        item: &TypeRef,
        id: &str,
        names: Names,
    ) -> Option<(Member, TypeRef)> {
        let TypeRef::Named(item) = item else {
            return None;
        };
        let item = self.strukt(item)?.0;
        let field = self.field(item, id, names)?;
        is_cursor(&field.ty).then(|| (member(field), field.ty.clone()))
    }
}

/// The member as a path step.
pub(super) fn member(f: &Field) -> Member {
    Member {
        json_name: f.json_name.clone(),
        rust_name: f.rust_name.clone(),
        optional: f.optional,
    }
}

pub(super) fn is_integer(ty: &TypeRef) -> bool {
    matches!(ty, TypeRef::I32 | TypeRef::I64)
}

/// A cursor, id or token: a string or an integer.
pub(super) fn is_cursor(ty: &TypeRef) -> bool {
    *ty == TypeRef::String || is_integer(ty)
}

pub(super) fn is_string(ty: &TypeRef) -> bool {
    *ty == TypeRef::String
}

pub(super) fn is_bool(ty: &TypeRef) -> bool {
    *ty == TypeRef::Bool
}

/// A success body that can be a page: a JSON struct, or an array (`Vec<T>` or an alias of one).
/// A documented empty answer (`Option<page>`) is no listing.
pub(super) enum Body<'t> {
    Object(&'t str),
    Array { ty: TypeRef, item: TypeRef },
}

/// Aliases followed to find an array (alias cycles were refused before; this only bounds the walk).
const MAX_ALIASES: usize = 64;

pub(super) fn body<'t>(fields: &Fields<'t>, response: &ResponseBody) -> Option<Body<'t>> {
    let ResponseBody::Json {
        ty, empty_statuses, ..
    } = response
    else {
        return None;
    };
    if !empty_statuses.is_empty() {
        return None;
    }
    if let TypeRef::Vec(item) = ty {
        return Some(Body::Array {
            ty: ty.clone(),
            item: item.as_ref().clone(),
        });
    }
    let TypeRef::Named(name) = ty else {
        return None;
    };
    if let Some((name, _)) = fields.strukt(name) {
        return Some(Body::Object(name));
    }
    // `pub type Pets = Vec<Pet>` is a `Vec<Pet>`; a newtype (a self-containing alias) is not.
    let mut current = name;
    for _ in 0..MAX_ALIASES {
        match fields.types.get(current) {
            Some(TypeDef::Alias(alias)) if !alias.newtype => match &alias.ty {
                TypeRef::Vec(item) => {
                    return Some(Body::Array {
                        ty: TypeRef::Named(name.clone()),
                        item: item.as_ref().clone(),
                    })
                }
                TypeRef::Named(next) => current = next,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

/// The items member of page struct `type_name`: the member `named` (when given, it must be an
/// array); else the struct's only array member; else, with `preferred` names, the first of them
/// that is an array member. Returns the member and the item type.
pub(super) fn items<'t>(
    fields: &mut Fields<'t>,
    type_name: &'t str,
    named: Option<&str>,
    preferred: &[&str],
    names: Names,
) -> Option<(Member, TypeRef)> {
    let array = |f: &Field| match &f.ty {
        TypeRef::Vec(item) if !f.flatten => Some((member(f), item.as_ref().clone())),
        _ => None,
    };
    if let Some(name) = named {
        return array(fields.field(type_name, name, names)?);
    }
    let (_, def) = fields.strukt(type_name)?;
    let mut arrays = def.fields.iter().filter_map(array);
    let first = arrays.next()?;
    if arrays.next().is_none() {
        return Some(first);
    }
    preferred
        .iter()
        .find_map(|name| array(fields.field(type_name, name, names)?))
}
