//! Recursive types: a struct that contains itself by value (`Principal.onBehalfOf: Principal`) has
//! infinite size in Rust. Every field that closes such a cycle is boxed. An alias that contains
//! itself (`A: array of A`, or `A: array of B`, `B: map of A`) is not a Rust type at all (type
//! aliases are expanded eagerly): such aliases become newtypes ([`newtype_cycles`]), which are then
//! types of their own here, not aliases.
//!
//! Linear in the number of types and fields (issue 20: a search per field took 196 s on 400
//! schemas each naming all later ones): aliases are followed once each, and a field of `S` holding
//! `T` inline closes a cycle exactly when `T` reaches `S`, that is when both are in one strongly
//! connected component of the "holds inline" graph (Tarjan's algorithm, iterative: no recursion on
//! input depth).

use std::collections::BTreeMap;

use super::model::{TypeDef, TypeRef};

/// The types by index (in name order) and, for every alias, where its chain of aliases ends.
struct Graph<'t> {
    names: Vec<&'t str>,
    defs: Vec<&'t TypeDef>,
    index: BTreeMap<&'t str, usize>,
    /// For an alias: the non-alias type its chain ends at (`None`: a scalar, `Vec`, a missing
    /// name, or a cycle of aliases). Unused for other types.
    alias_target: Vec<Option<usize>>,
    /// Aliases that lie on a cycle of aliases.
    on_alias_cycle: Vec<bool>,
}

impl<'t> Graph<'t> {
    fn new(types: &'t BTreeMap<String, TypeDef>) -> Self {
        let names: Vec<&str> = types.keys().map(String::as_str).collect();
        let defs: Vec<&TypeDef> = types.values().collect();
        let index = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let mut graph = Graph {
            alias_target: vec![None; names.len()],
            on_alias_cycle: vec![false; names.len()],
            names,
            defs,
            index,
        };
        graph.follow_aliases();
        graph
    }

    /// The type `ty` names directly, when it is a `Named` type that exists.
    fn named(&self, ty: &TypeRef) -> Option<usize> {
        match ty {
            TypeRef::Named(name) => self.index.get(name.as_str()).copied(),
            _ => None,
        }
    }

    /// Fills `alias_target` and `on_alias_cycle`: each alias is walked once, its chain's end shared
    /// by every alias on the way (a chain of n aliases costs O(n), not O(n^2)).
    fn follow_aliases(&mut self) {
        #[derive(Clone, Copy, PartialEq)]
        enum State {
            New,
            OnPath,
            Done,
        }
        let mut state = vec![State::New; self.defs.len()];
        let mut path = Vec::new();
        for start in 0..self.defs.len() {
            let mut at = start;
            // Walk until a non-alias, an alias already done, or one on this very path (a cycle).
            let end = loop {
                let alias = match self.defs[at] {
                    TypeDef::Alias(alias) if !alias.newtype => alias,
                    _ => break Some(at),
                };
                match state[at] {
                    State::Done => break self.alias_target[at],
                    State::OnPath => {
                        let from = path.iter().position(|&p| p == at).unwrap_or(0);
                        for &p in &path[from..] {
                            self.on_alias_cycle[p] = true;
                        }
                        break None;
                    }
                    State::New => {}
                }
                state[at] = State::OnPath;
                path.push(at);
                match self.named(&alias.ty) {
                    Some(next) => at = next,
                    None => break None,
                }
            };
            for p in path.drain(..) {
                self.alias_target[p] = end;
                state[p] = State::Done;
            }
        }
    }

    /// The type a value of `ty` holds inline (not behind `Vec` / `Map`, which are already on the
    /// heap), aliases followed.
    fn inline(&self, ty: &TypeRef) -> Option<usize> {
        let i = self.named(ty)?;
        match self.defs[i] {
            TypeDef::Alias(a) if !a.newtype => self.alias_target[i],
            _ => Some(i),
        }
    }

    /// Type -> the types its values hold inline.
    fn edges(&self) -> Vec<Vec<usize>> {
        self.defs
            .iter()
            .map(|def| match def {
                TypeDef::Struct(s) => s.fields.iter().filter_map(|f| self.inline(&f.ty)).collect(),
                TypeDef::Tagged(t) => t
                    .variants
                    .iter()
                    .filter_map(|v| self.index.get(v.2.as_str()).copied())
                    .collect(),
                TypeDef::Union(u) => u
                    .variants
                    .iter()
                    .filter_map(|(_, ty)| self.inline(ty))
                    .collect(),
                TypeDef::Alias(a) => self.inline(&a.ty).into_iter().collect(),
                TypeDef::StringEnum(_) | TypeDef::IntEnum(_) => Vec::new(),
            })
            .collect()
    }
}

/// A named type that is only an alias of itself through other aliases (`A: allOf [B]`,
/// `B: allOf [A]`): no Rust type can stand for it. Returns the first such type's origin (in name
/// order).
pub fn alias_cycle(types: &BTreeMap<String, TypeDef>) -> Option<&str> {
    let graph = Graph::new(types);
    let first = graph.on_alias_cycle.iter().position(|&c| c)?;
    match graph.defs[first] {
        TypeDef::Alias(alias) => Some(alias.origin.as_str()),
        _ => Some(graph.names[first]),
    }
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

/// Marks as newtypes the aliases on a cycle of aliases (strongly connected components of the
/// "alias mentions alias" graph, linear). Run after [`alias_cycle`] has refused cycles with no
/// container in them, so every cycle left goes through a `Vec` or map and a newtype of it has a
/// finite size. Returns the names marked, sorted.
pub fn newtype_cycles(types: &mut BTreeMap<String, TypeDef>) -> Vec<String> {
    let cyclic: Vec<String> = {
        let names: Vec<&str> = types.keys().map(String::as_str).collect();
        let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let edges: Vec<Vec<usize>> = types
            .values()
            .map(|def| {
                let TypeDef::Alias(a) = def else {
                    return Vec::new();
                };
                let mut out = Vec::new();
                mentioned(&a.ty, &mut out);
                out.into_iter()
                    .filter_map(|t| index.get(t).copied())
                    .filter(|&j| matches!(types.get(names[j]), Some(TypeDef::Alias(_))))
                    .collect()
            })
            .collect();
        let component = components(&edges);
        let mut size = vec![0usize; names.len()];
        for &c in &component {
            size[c] += 1;
        }
        (0..names.len())
            .filter(|&i| size[component[i]] > 1 || edges[i].contains(&i))
            .map(|i| names[i].to_owned())
            .collect()
    };
    for name in &cyclic {
        if let Some(TypeDef::Alias(a)) = types.get_mut(name) {
            a.newtype = true;
        }
    }
    cyclic
}

/// The strongly connected component of every node (Tarjan's algorithm, with an explicit stack).
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut component = vec![UNSEEN; n];
    let mut stack = Vec::new();
    // (node, how many of its edges are done): the call stack of the recursive formulation.
    let mut calls: Vec<(usize, usize)> = Vec::new();
    let (mut next_order, mut next_component) = (0, 0);
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        let mut entering = Some(root);
        loop {
            if let Some(v) = entering.take() {
                order[v] = next_order;
                low[v] = next_order;
                next_order += 1;
                on_stack[v] = true;
                stack.push(v);
                calls.push((v, 0));
            }
            let Some(&(v, done)) = calls.last() else {
                break;
            };
            if let Some(&w) = edges[v].get(done) {
                if let Some(call) = calls.last_mut() {
                    call.1 += 1;
                }
                if order[w] == UNSEEN {
                    entering = Some(w);
                } else if on_stack[w] {
                    low[v] = low[v].min(order[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == order[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// Marks `boxed` on every struct field whose inline type can reach the struct again.
pub fn box_recursive_fields(types: &mut BTreeMap<String, TypeDef>) {
    let mut to_box = Vec::new();
    {
        let graph = Graph::new(types);
        let component = components(&graph.edges());
        for (i, def) in graph.defs.iter().enumerate() {
            let TypeDef::Struct(s) = def else { continue };
            for (f, field) in s.fields.iter().enumerate() {
                if graph
                    .inline(&field.ty)
                    .is_some_and(|t| component[t] == component[i])
                {
                    to_box.push((graph.names[i].to_owned(), f));
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

    /// Random graphs against the definition: node `v` reaches `t` by a path (search per pair).
    #[test]
    fn components_match_reachability() {
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for case in 0..300 {
            let n = (next() % 9) as usize + 1;
            let edges: Vec<Vec<usize>> = (0..n)
                .map(|_| (0..n).filter(|_| next() % 4 == 0).collect())
                .collect();
            let reaches = |from: usize, to: usize| {
                let mut seen = vec![false; n];
                let mut stack = vec![from];
                while let Some(v) = stack.pop() {
                    if v == to {
                        return true;
                    }
                    if !std::mem::replace(&mut seen[v], true) {
                        stack.extend(&edges[v]);
                    }
                }
                false
            };
            let component = components(&edges);
            for a in 0..n {
                for b in 0..n {
                    let same = reaches(a, b) && reaches(b, a);
                    assert_eq!(
                        component[a] == component[b],
                        same,
                        "case {case}: nodes {a}, {b} of {edges:?}"
                    );
                }
            }
        }
    }

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
