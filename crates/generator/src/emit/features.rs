//! Cargo features per operation tag ([`Features::PerTag`]): which feature compiles each operation
//! and each type, as `#[cfg(..)]` attributes, and the `[features]` lines of `Cargo.toml`.
//!
//! An operation is compiled when any of its tags' features is on (`untagged` for one without a
//! tag); a type when an operation reaching it is (through parameters, bodies and responses,
//! transitively: [`types_reached`]), so a type's features always include those of every type that
//! uses it. Types nothing in `paths` or `webhooks` reaches (say, webhook payloads a document keeps
//! only in `components`) are compiled with [`UNUSED`], and what they use with it too. Types every feature reaches, and types
//! webhooks or the error body use, are always compiled. `default` turns every feature on: adding
//! the crate gives the whole API, and `default-features = false` plus a few tags gives a build of
//! little more than what those tags' operations use.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use crate::escape::cargo_feature;
use crate::ir::model::{types_reached, Api, TypeRef};
use crate::ir::naming::{unique, Names};
use crate::profile::Features;

/// The feature of operations without a tag.
const UNTAGGED: &str = "untagged";
/// The feature of the types nothing else reaches (component schemas nothing in `paths` or
/// `webhooks` uses, and not the error body).
const UNUSED: &str = "unused-schemas";

/// What a feature was made for.
#[derive(Debug)]
enum Source {
    Tag(String),
    Untagged,
    Unused,
}

/// Which features gate what; empty (nothing gated) unless the crate has features per tag.
#[derive(Debug, Default)]
pub struct Gates {
    /// (feature, what it compiles): the tags' in tag order, then [`UNTAGGED`] and [`UNUSED`]
    /// when there is something to gate with them.
    features: Vec<(String, Source)>,
    /// Operation method (`fn_name`) -> indices into `features`.
    ops: BTreeMap<String, BTreeSet<usize>>,
    /// Type name -> indices into `features`; a type not listed is always compiled.
    types: BTreeMap<String, BTreeSet<usize>>,
}

impl Gates {
    pub fn new(api: &Api) -> Self {
        if api.profile.features != Features::PerTag || api.operations.is_empty() {
            return Self::default();
        }
        let tags: BTreeSet<&str> = api
            .operations
            .iter()
            .flat_map(|op| op.tags.iter().map(String::as_str))
            .collect();
        // Numbered in tag order, so names are stable; `default` and `mock` are the crate's own.
        let mut taken = Names::default();
        for reserved in ["default", "mock", UNTAGGED, UNUSED] {
            unique(reserved.to_owned(), &mut taken);
        }
        let mut features: Vec<(String, Source)> = tags
            .iter()
            .map(|tag| {
                (
                    unique(cargo_feature(tag), &mut taken),
                    Source::Tag(tag.to_string()),
                )
            })
            .collect();
        let index: BTreeMap<&str, usize> = tags.iter().enumerate().map(|(i, t)| (*t, i)).collect();
        let mut untagged = None;
        let mut ops = BTreeMap::new();
        let mut types: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
        for op in &api.operations {
            let mut on: BTreeSet<usize> = op
                .tags
                .iter()
                .filter_map(|t| index.get(t.as_str()).copied())
                .collect();
            if on.is_empty() {
                let i = *untagged.get_or_insert_with(|| {
                    let i = features.len();
                    features.push((UNTAGGED.to_owned(), Source::Untagged));
                    i
                });
                on.insert(i);
            }
            for name in types_reached(api, op.type_roots()) {
                types.entry(name).or_default().extend(&on);
            }
            ops.insert(op.fn_name.clone(), on);
        }
        // Always compiled: what webhooks and the error body use (they are compiled whatever the
        // features, so what they use must be too).
        let mut roots: Vec<&TypeRef> = api
            .webhooks
            .iter()
            .flat_map(|w| {
                w.headers
                    .iter()
                    .map(|h| &h.ty)
                    .chain(w.body.as_ref().map(|b| &b.ty))
            })
            .collect();
        let error = api
            .error_body
            .as_ref()
            .map(|e| TypeRef::Named(e.type_name.clone()));
        roots.extend(error.as_ref());
        let always = types_reached(api, roots);
        // What nothing else reaches is compiled with `unused-schemas`, and so is what it uses (a
        // type's features include those of every type using it). The feature exists only when
        // something is left for it.
        let unreached: Vec<TypeRef> = api
            .types
            .keys()
            .filter(|name| !types.contains_key(*name) && !always.contains(*name))
            .map(|name| TypeRef::Named(name.clone()))
            .collect();
        if !unreached.is_empty() {
            let unused = features.len();
            features.push((UNUSED.to_owned(), Source::Unused));
            for name in types_reached(api, unreached.iter().collect()) {
                types.entry(name).or_default().insert(unused);
            }
        }
        for name in &always {
            types.remove(name);
        }
        // And what every feature reaches.
        types.retain(|_, on| on.len() < features.len());
        Gates {
            features,
            ops,
            types,
        }
    }

    /// Whether anything is gated (the crate has features per tag).
    pub fn active(&self) -> bool {
        !self.features.is_empty()
    }

    /// `#[cfg(..)]` for the operation whose method is `fn_name` (nothing when ungated).
    pub fn op(&self, fn_name: &str) -> TokenStream {
        self.ops
            .get(fn_name)
            .map(|on| self.cfg(on))
            .unwrap_or_default()
    }

    /// `#[cfg(..)]` for the named type (nothing when it is always compiled).
    pub fn ty(&self, name: &str) -> TokenStream {
        self.types
            .get(name)
            .map(|on| self.cfg(on))
            .unwrap_or_default()
    }

    /// `#[cfg(..)]` for code using `ty` (the gate of the named type inside, if any).
    pub fn type_ref(&self, ty: &TypeRef) -> TokenStream {
        match ty {
            TypeRef::Named(name) => self.ty(name),
            TypeRef::Vec(inner) | TypeRef::Map(inner) => self.type_ref(inner),
            _ => TokenStream::new(),
        }
    }

    fn cfg(&self, on: &BTreeSet<usize>) -> TokenStream {
        // Every index in a gate was made by `new` as a position in `features` (the tag index or
        // the pushed `untagged` or `unused-schemas`), so `get` finds each one.
        let names: Vec<&str> = on
            .iter()
            .filter_map(|&i| self.features.get(i))
            .map(|(name, _)| name.as_str())
            .collect();
        if names.len() == 1 {
            quote!(#[cfg(feature = #(#names)*)])
        } else {
            quote!(#[cfg(any(#(feature = #names),*))])
        }
    }

    /// The `[features]` lines: `default` (every feature) and one empty feature per tag, plus
    /// `untagged` and `unused-schemas` when the API has something for them.
    pub fn cargo_lines(&self) -> String {
        if !self.active() {
            return String::new();
        }
        let quoted: Vec<String> = self
            .features
            .iter()
            .map(|(f, _)| format!("\"{f}\""))
            .collect();
        let mut out = String::from(
            "# One feature per operation tag: each compiles its operations and the types only they use.\n\
             # All are on by default; `default-features = false, features = [\"<tag>\", ..]` builds less.\n",
        );
        out.push_str(&format!("default = [{}]\n", quoted.join(", ")));
        for (feature, tag) in &self.features {
            let from = match tag {
                Source::Tag(tag) => format!("tag {}", crate::escape::toml_string(tag)),
                Source::Untagged => "operations without a tag".to_owned(),
                Source::Unused => {
                    "the types of schemas nothing in `paths` or `webhooks` uses".to_owned()
                }
            };
            out.push_str(&format!("# {from}\n{feature} = []\n"));
        }
        out
    }
}
