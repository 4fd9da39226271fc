//! Type expressions: [`TypeRef`] -> tokens.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::model::TypeRef;

pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// The Rust type for `ty`; named types are referred to as `crate::types::Name`.
pub fn type_tokens(ty: &TypeRef) -> TokenStream {
    type_in(ty, &quote!(crate))
}

/// The Rust type for `ty` with named types under `root::types` (`crate`, or the crate name in tests).
pub fn type_in(ty: &TypeRef, root: &TokenStream) -> TokenStream {
    match ty {
        TypeRef::String => quote!(String),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F32 => quote!(f32),
        TypeRef::F64 => quote!(f64),
        TypeRef::DateTime => quote!(chrono::DateTime<chrono::Utc>),
        TypeRef::Date => quote!(chrono::NaiveDate),
        TypeRef::Uuid => quote!(uuid::Uuid),
        // Free-form objects stay `Value`, not `Map`: real servers send other shapes (strings, nulls) there.
        TypeRef::Json | TypeRef::JsonObject => quote!(serde_json::Value),
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#root::types::#name)
        }
        TypeRef::Vec(inner) => {
            let inner = type_in(inner, root);
            quote!(Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = type_in(inner, root);
            quote!(std::collections::BTreeMap<String, #inner>)
        }
    }
}

/// Whether any part of `ty` satisfies `pred` (used to decide optional dependencies).
pub fn mentions(ty: &TypeRef, pred: &dyn Fn(&TypeRef) -> bool) -> bool {
    pred(ty)
        || match ty {
            TypeRef::Vec(inner) | TypeRef::Map(inner) => mentions(inner, pred),
            _ => false,
        }
}
