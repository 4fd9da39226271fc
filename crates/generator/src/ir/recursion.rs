//! Recursive types: a struct that contains itself by value (`Principal.onBehalfOf: Principal`) has
//! infinite size in Rust. Every field that closes such a cycle is boxed. An alias that contains
//! itself (`A: array of A`, or `A: array of B`, `B: map of A`) is not a Rust type at all (type
//! aliases are expanded eagerly): such aliases become newtypes.

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
            Some(TypeDef::Alias(alias)) if !alias.newtype => ty = &alias.ty,
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

/// Every named type `ty` mentions, at any depth (`Vec<Map<A>>` -> `A`).
fn mentioned<'t>(ty: &'t TypeRef, out: &mut Vec<&'t str>) {
    let mut ty = ty;
    loop {
        match ty {
            TypeRef::Named(name) => return out.push(name),
            TypeRef::Vec(inner) | TypeRef::Map(inner) => ty = inner,
            _ => return,
        }
    }
}

/// Marks as newtypes the aliases on a cycle of aliases (Tarjan's strongly connected components,
/// iterative, linear in aliases and their mentions). Run after [`alias_cycle`] has refused cycles
/// with no container in them, so every cycle left goes through a `Vec` or map and a newtype of it
/// has a finite size. Returns the names marked, sorted.
pub fn newtype_cycles(types: &mut BTreeMap<String, TypeDef>) -> Vec<String> {
    let edges: BTreeMap<&str, Vec<&str>> = types
        .iter()
        .filter_map(|(name, def)| {
            let TypeDef::Alias(a) = def else { return None };
            let mut out = Vec::new();
            mentioned(&a.ty, &mut out);
            out.retain(|t| matches!(types.get(*t), Some(TypeDef::Alias(_))));
            Some((name.as_str(), out))
        })
        .collect();
    let mut index: BTreeMap<&str, (usize, usize)> = BTreeMap::new(); // (index, lowlink)
    let mut on_stack = BTreeSet::new();
    let mut stack: Vec<&str> = Vec::new();
    let mut cyclic: Vec<String> = Vec::new();
    for &root in edges.keys() {
        if index.contains_key(root) {
            continue;
        }
        // (node, next edge to visit)
        let mut work: Vec<(&str, usize)> = vec![(root, 0)];
        while let Some(&mut (node, ref mut next)) = work.last_mut() {
            if *next == 0 && !index.contains_key(node) {
                let i = index.len();
                index.insert(node, (i, i));
                stack.push(node);
                on_stack.insert(node);
            }
            if let Some(&succ) = edges[node].get(*next) {
                *next += 1;
                if !index.contains_key(succ) {
                    work.push((succ, 0));
                } else if on_stack.contains(succ) {
                    let low = index[node].1.min(index[succ].0);
                    index.entry(node).and_modify(|e| e.1 = low);
                }
                continue;
            }
            work.pop();
            let (i, low) = index[node];
            if let Some(&(parent, _)) = work.last() {
                let parent_low = index[parent].1.min(low);
                index.entry(parent).and_modify(|e| e.1 = parent_low);
            }
            if i == low {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack.remove(member);
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                if component.len() > 1 || edges[node].contains(&node) {
                    cyclic.extend(component.into_iter().map(str::to_owned));
                }
            }
        }
    }
    cyclic.sort();
    for name in &cyclic {
        if let Some(TypeDef::Alias(a)) = types.get_mut(name) {
            a.newtype = true;
        }
    }
    cyclic
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::model::AliasDef;

    fn alias(name: &str, ty: TypeRef) -> (String, TypeDef) {
        let def = AliasDef {
            name: name.into(),
            origin: name.into(),
            doc: None,
            ty,
            newtype: false,
        };
        (name.into(), TypeDef::Alias(def))
    }

    fn named(name: &str) -> TypeRef {
        TypeRef::Named(name.into())
    }

    #[test]
    fn only_aliases_on_a_cycle_become_newtypes() {
        let mut types: BTreeMap<String, TypeDef> = [
            alias("Tree", TypeRef::Vec(Box::new(named("Tree")))),
            alias("Left", TypeRef::Vec(Box::new(named("Right")))),
            alias("Right", TypeRef::Map(Box::new(named("Left")))),
            // Reaches a cycle without being on one.
            alias("Forest", TypeRef::Vec(Box::new(named("Tree")))),
            alias("Plain", TypeRef::String),
            // A three-alias cycle entered from the middle of the name order.
            alias("C1", TypeRef::Vec(Box::new(named("C3")))),
            alias("C3", TypeRef::Vec(Box::new(named("C2")))),
            alias("C2", named("C1")),
        ]
        .into_iter()
        .collect();
        let marked = newtype_cycles(&mut types);
        assert_eq!(marked, ["C1", "C2", "C3", "Left", "Right", "Tree"]);
        let newtypes: Vec<&str> = types
            .values()
            .filter_map(|d| match d {
                TypeDef::Alias(a) if a.newtype => Some(a.name.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(newtypes, marked);
    }

    #[test]
    fn a_long_chain_is_walked_without_recursion() {
        // 50_000 aliases in one cycle: a recursive walk would overflow the test thread's stack.
        let n = 50_000;
        let mut types: BTreeMap<String, TypeDef> = (0..n)
            .map(|i| {
                alias(
                    &format!("A{i}"),
                    TypeRef::Vec(Box::new(named(&format!("A{}", (i + 1) % n)))),
                )
            })
            .collect();
        assert_eq!(newtype_cycles(&mut types).len(), n);
    }
}
