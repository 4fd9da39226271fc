//! `Deserialize` for structs whose fields are all optional, through `runtime::fields` instead of
//! `#[derive(serde::Deserialize)]`.
//!
//! Why: on the whole Atlas API (700 types) serde_derive's expansion of `Deserialize` was most of the
//! generated crate's compile time and memory (a touch-rebuild: 9.4 s / 1.20 GB -> 6 s / 0.94 GB
//! with this). A `match` on member names per struct plus one shared generic visitor decodes the same
//! JSON the same way. Structs with required fields (sent-only types) keep the derive: it reports a
//! missing member.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_types::ident;
use crate::ir::model::{StructDef, TypeRef};

/// Whether `s` is decoded with [`decode_impl`] (every field starts from `Default`).
pub fn decodes_fields(s: &StructDef) -> bool {
    s.fields.iter().all(|f| f.optional || f.flatten)
}

/// `impl DecodeFields` and `impl Deserialize` for `s`.
pub fn decode_impl(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let type_name = &s.name;
    let arms = s.fields.iter().filter(|f| !f.flatten).map(|f| {
        let json = &f.json_name;
        let rust = ident(&f.rust_name);
        // date-time members: the runtime's RFC 3339 fast path (chrono's parser is a tenth of a page).
        // One call per arm, the arm's value (a `?` per member was a third of this impl's checking).
        let set = match (&f.ty, f.boxed) {
            (TypeRef::DateTime, false) => quote!(crate::runtime::datetime::set),
            _ => quote!(crate::runtime::fields::set),
        };
        quote!(#json => #set(&mut self.#rust, map),)
    });
    // Members no property names: kept in the `additionalProperties` map, or skipped.
    let other = match s.fields.iter().find(|f| f.flatten) {
        Some(f) => {
            let rust = ident(&f.rust_name);
            quote!({
                self.#rust.insert(key.to_owned(), map.next_value()?);
                Ok(())
            })
        }
        None => quote!(crate::runtime::fields::skip(map)),
    };
    let body = if s.fields.iter().any(|f| !f.flatten) {
        quote! {
            match key {
                #(#arms)*
                _ => #other,
            }
        }
    } else {
        quote! {
            let _ = key;
            #other
        }
    };
    let allow = (s.deprecated || s.fields.iter().any(|f| f.deprecated))
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #allow
        impl crate::runtime::fields::DecodeFields for #name {
            const NAME: &'static str = #type_name;
            #[inline]
            fn decode_field<'de, A: serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
            ) -> Result<(), A::Error> {
                #body
            }
        }

        #allow
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::fields::decode_fields(deserializer)
            }
        }
    }
}
