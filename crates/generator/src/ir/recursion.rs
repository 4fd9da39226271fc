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
