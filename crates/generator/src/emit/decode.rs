//! `Deserialize` for structs, through `runtime::fields` instead of `#[derive(serde::Deserialize)]`.
//!
//! Why: on the whole Atlas API (700 types) serde_derive's expansion of `Deserialize` was most of the
//! generated crate's compile time and memory (a touch-rebuild: 9.4 s / 1.20 GB -> 6 s / 0.94 GB
//! with this). A `match` on member names per struct plus one shared generic visitor decodes the same
//! JSON the same way. Structs with required fields (every type under the strict rule, sent-only
//! types in Atlas) decode into a local companion with every member optional, then report a missing
//! member as serde does. The last arm takes every member the struct does not declare: kept in its
//! `_undeclared` field (`runtime::fields::keep`), refused, or skipped, as `StructDef::undeclared` says.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_types::ident;
use super::types::{allow_deprecated, field_type};
use crate::ir::model::{Field, StructDef, TypeRef, UndeclaredMembers, UNDECLARED_FIELD};

/// Whether every field of `s` starts from `Default` (it then derives `Default` and decodes in place).
/// A member that must be present though it may be `null` ([`Field::present`]) needs the check.
pub fn decodes_fields(s: &StructDef) -> bool {
    s.fields
        .iter()
        .all(|f| (f.optional && !f.present) || f.flatten)
}

/// Whether `f` is decoded as it is declared, without a presence check after.
fn in_place(f: &Field) -> bool {
    f.flatten || (f.optional && !f.present)
}

/// `impl Deserialize` for `s` (and `impl DecodeFields`: on `s` itself when every field is optional,
/// else on a local companion with every member optional, checked for the required ones after).
pub fn decode_impl(s: &StructDef) -> TokenStream {
    let name = ident(&s.name);
    let type_name = &s.name;
    let allow = allow_deprecated(s);
    let decode_fields = |target: TokenStream| {
        let body = decode_field_body(s);
        quote! {
            #allow
            impl crate::runtime::fields::DecodeFields for #target {
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
        }
    };
    if decodes_fields(s) {
        let fields_impl = decode_fields(quote!(#name));
        return quote! {
            #fields_impl

            #allow
            impl<'de> serde::Deserialize<'de> for #name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    crate::runtime::fields::decode_fields(deserializer)
                }
            }
        };
    }
    // Required members: decoded into `Members` (every member an `Option`), then checked. A local
    // type and one shared visitor instead of serde_derive's nine functions per struct.
    let fields_impl = decode_fields(quote!(Members));
    let member_fields = s.fields.iter().map(|f| {
        let rust = ident(&f.rust_name);
        let ty = field_type(f);
        if in_place(f) {
            quote!(#rust: #ty,)
        } else {
            quote!(#rust: Option<#ty>,)
        }
    });
    // The undeclared members are decoded in place, like an optional member.
    let kept = s.undeclared.kept().then(|| ident(UNDECLARED_FIELD));
    let kept_field = kept.as_ref().map(|f| quote!(#f: crate::Undeclared,));
    // One `match` checks every required member at once: a pattern per member instead of a
    // generic call and a `?` each (those were most of a strict struct's type and borrow checking).
    let pattern = s.fields.iter().map(|f| {
        let rust = ident(&f.rust_name);
        if in_place(f) {
            quote!(#rust,)
        } else {
            quote!(#rust: Some(#rust),)
        }
    });
    let fields = s.fields.iter().map(|f| ident(&f.rust_name));
    let checks = s.fields.iter().filter(|f| !in_place(f)).map(|f| {
        let rust = ident(&f.rust_name);
        let json = &f.json_name;
        quote!((members.#rust.is_none(), #json),)
    });
    quote! {
        #allow
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                /// The members decoded so far.
                #[derive(Default)]
                struct Members { #(#member_fields)* #kept_field }

                #fields_impl

                match crate::runtime::fields::decode_fields(deserializer)? {
                    Members { #(#pattern)* #kept } => Ok(Self { #(#fields,)* #kept }),
                    members => Err(crate::runtime::fields::missing(&[#(#checks)*])),
                }
            }
        }
    }
}

/// `decode_field`'s body: one `match` arm per member, the value of each arm one runtime call.
fn decode_field_body(s: &StructDef) -> TokenStream {
    let arms = s.fields.iter().filter(|f| !f.flatten).map(|f| {
        let json = &f.json_name;
        let rust = ident(&f.rust_name);
        // date-time members: the runtime's RFC 3339 fast path (chrono's parser is a tenth of a page).
        // One call per arm, the arm's value (a `?` per member was a third of this impl's checking).
        let module = match (&f.ty, f.boxed) {
            (TypeRef::DateTime, false) => quote!(crate::runtime::datetime),
            _ => quote!(crate::runtime::fields),
        };
        // `null` is `None` only where the spec allows it (or responses are read leniently).
        let set = match (f.optional, f.present, f.null_is_error) {
            (true, true, _) => quote!(set_present),
            (true, false, false) => quote!(set),
            (true, false, true) | (false, _, _) => quote!(set_required),
        };
        quote!(#json => #module::#set(&mut self.#rust, map),)
    });
    // A subtype's tag: the struct writes it itself, so it is neither a field nor kept.
    let tag = s
        .tag
        .as_ref()
        .map(|(property, _)| quote!(#property => crate::runtime::fields::skip(map),));
    let other = match s.undeclared {
        UndeclaredMembers::Map => {
            let f = s
                .fields
                .iter()
                .find(|f| f.flatten)
                .map(|f| ident(&f.rust_name));
            quote!({
                self.#f.insert(key.to_owned(), map.next_value()?);
                Ok(())
            })
        }
        UndeclaredMembers::Keep => {
            let field = ident(UNDECLARED_FIELD);
            quote!(crate::runtime::fields::keep(&mut self.#field, key, map))
        }
        UndeclaredMembers::KeepReported => {
            let field = ident(UNDECLARED_FIELD);
            let type_name = &s.name;
            quote!(crate::runtime::fields::keep_reported(&mut self.#field, #type_name, key, map))
        }
        UndeclaredMembers::Ignore => quote!(crate::runtime::fields::skip(map)),
        UndeclaredMembers::Reject => {
            let expected = s
                .fields
                .iter()
                .filter(|f| !f.flatten)
                .map(|f| f.json_name.as_str())
                .chain(s.tag.as_ref().map(|(property, _)| property.as_str()));
            quote!(crate::runtime::fields::reject(key, &[#(#expected),*]))
        }
    };
    if s.fields.iter().any(|f| !f.flatten) || tag.is_some() {
        quote! {
            match key {
                #(#arms)*
                #tag
                _ => #other,
            }
        }
    } else {
        quote! {
            let _ = key;
            #other
        }
    }
}
