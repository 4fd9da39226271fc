//! `Serialize` for structs through `runtime::ser` instead of `#[derive(serde::Serialize)]`.
//!
//! Why: on the whole Atlas API (650 structs) the derive's expansion was the largest share of the
//! generated crate's type checking (per member: two presence tests, `serialize_field`,
//! `skip_field`, a `?`). Here each member is one call on `runtime::ser::Struct`; the JSON is the
//! same (the subtype tag first, members in declaration order, readOnly members never, `None` left
//! out unless the member is nullable), then the members the schema does not declare, as received.
//! Structs with a flattened map keep the derive (serde writes them as a map, not a struct).

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_types::ident;
use super::types::allow_deprecated;
use crate::ir::model::{StructDef, UNDECLARED_FIELD};

/// Whether `s` gets [`serialize_impl`] (otherwise `#[derive(serde::Serialize)]`).
pub fn hand_written(s: &StructDef) -> bool {
    !s.fields.iter().any(|f| f.flatten)
}

/// `impl Serialize for s`, member by member.
pub fn serialize_impl(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    // serde's name for the struct: the tag value of a subtype (`rename`), else the Rust name.
    let serde_name = s.tag.as_ref().map_or(s.name.as_str(), |(_, value)| value);
    let written = s.fields.iter().filter(|f| !f.skip_serializing);
    let (optional, always): (Vec<_>, Vec<_>) = written
        .clone()
        .partition(|f| f.optional && !f.serialize_null);
    let always = always.len() + usize::from(s.tag.is_some());
    let present = optional.iter().map(|f| {
        let rust = ident(&f.rust_name);
        quote!(self.#rust.is_some())
    });
    let tag = s
        .tag
        .as_ref()
        .map(|(property, value)| quote!(out.field(#property, #value);));
    let members: Vec<_> = written
        .map(|f| {
            let rust = ident(&f.rust_name);
            let json = &f.json_name;
            if f.optional && !f.serialize_null {
                quote!(out.opt(#json, &self.#rust);)
            } else {
                quote!(out.field(#json, &self.#rust);)
            }
        })
        .collect();
    // `out` is only mutated by members (a struct may have none to write).
    let out = if members.is_empty() && tag.is_none() {
        quote!(out)
    } else {
        quote!(mut out)
    };
    // Undeclared members are written after the declared ones (`Struct::end`).
    let start = if s.undeclared.kept() {
        let field = ident(UNDECLARED_FIELD);
        quote!(crate::runtime::ser::Struct::keeping(serializer, #serde_name, len, &self.#field))
    } else {
        quote!(crate::runtime::ser::Struct::new(serializer, #serde_name, len))
    };
    let allow = allow_deprecated(s);
    quote! {
        #allow
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let len = crate::runtime::ser::present(#always, &[#(#present),*]);
                let #out = #start;
                #tag
                #(#members)*
                out.end()
            }
        }
    }
}
