//! Recursive types: a struct that contains itself by value (`Principal.onBehalfOf: Principal`) has
//! infinite size in Rust. Every field that closes such a cycle is boxed.

use std::collections::{BTreeMap, BTreeSet};

use super::model::{TypeDef, TypeRef};

/// Named types a value of `ty` holds inline (not behind `Vec` / `Map`, which are already on the heap).
fn inline_names<'t>(ty: &'t TypeRef, types: &'t BTreeMap<String, TypeDef>, out: &mut Vec<&'t str>) {
    let mut ty = ty;
    // Follows aliases; bounded because aliases of each other (a cycle) are refused by
    // `alias_cycle` before this runs, and a chain cannot be longer than the number of types.
    for _ in 0..=types.len() {
        let TypeRef::Named(name) = ty else { return };
        match types.get(name) {
            Some(TypeDef::Alias(alias)) => ty = &alias.ty,
            Some(_) => return out.push(name),
            None => return,
        }
    }
}

/// A named type that is only an alias of itself through other aliases (`A: allOf [B]`,
/// `B: allOf [A]`): no Rust type can stand for it. Returns the first such type's origin.
pub fn alias_cycle(types: &BTreeMap<String, TypeDef>) -> Option<&str> {
    types.values().find_map(|def| {
        let TypeDef::Alias(start) = def else {
            return None;
        };
        let mut ty = &start.ty;
        for _ in 0..=types.len() {
            let TypeRef::Named(name) = ty else {
                return None;
            };
            match types.get(name) {
                Some(TypeDef::Alias(_)) if *name == start.name => {
                    return Some(start.origin.as_str())
                }
                Some(TypeDef::Alias(next)) => ty = &next.ty,
                _ => return None,
            }
        }
        None
    })
}

/// Type name -> the named types its values hold inline.
fn edges(types: &BTreeMap<String, TypeDef>) -> BTreeMap<&str, Vec<&str>> {
    types
        .iter()
        .map(|(name, def)| {
            let mut out = Vec::new();
            match def {
                TypeDef::Struct(s) => {
                    for f in &s.fields {
                        inline_names(&f.ty, types, &mut out);
                    }
                }
                TypeDef::Tagged(t) => out.extend(t.variants.iter().map(|v| v.2.as_str())),
                TypeDef::Union(u) => {
                    for (_, ty) in &u.variants {
                        inline_names(ty, types, &mut out);
                    }
                }
                TypeDef::Alias(a) => inline_names(&a.ty, types, &mut out),
                TypeDef::StringEnum(_) | TypeDef::IntEnum(_) => {}
            }
            (name.as_str(), out)
        })
        .collect()
}

fn reaches(from: &str, target: &str, edges: &BTreeMap<&str, Vec<&str>>) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from];
    while let Some(node) = stack.pop() {
        if node == target {
            return true;
        }
        if seen.insert(node) {
            stack.extend(edges.get(node).into_iter().flatten().copied());
        }
    }
    false
}

/// Marks `boxed` on every struct field whose inline type can reach the struct again.
pub fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    let mut to_box = Vec::new();
    {
        let edges = edges(types);
        for (name, def) in types.iter() {
            let TypeDef::Struct(s) = def else { continue };
            for (i, f) in s.fields.iter().enumerate() {
                let mut inline = Vec::new();
                inline_names(&f.ty, types, &mut inline);
                if inline.iter().any(|t| reaches(t, name, &edges)) {
                    to_box.push((name.clone(), i));
                }
            }
        }
    }
    for (name, i) in to_box {
        if let Some(TypeDef::Struct(s)) = types.get_mut(&name) {
            s.fields[i].boxed = true;
        }
    }
}
