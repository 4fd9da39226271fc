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

/// The Rust type for `ty` as source text, named types under `root::types` (for programs written
/// outside the generated crate, such as `cargo xtask conformance`'s drivers). `root` must be a path.
pub fn type_text(ty: &TypeRef, root: &str) -> String {
    let root: TokenStream = root.parse().unwrap_or_else(|_| quote!(crate));
    type_in(ty, &root).to_string()
}

/// Whether any part of `ty` satisfies `pred` (used to decide optional dependencies).
pub fn mentions(ty: &TypeRef, pred: &dyn Fn(&TypeRef) -> bool) -> bool {
    pred(ty)
        || match ty {
            TypeRef::Vec(inner) | TypeRef::Map(inner) => mentions(inner, pred),
            _ => false,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_text_names_types_under_the_given_crate() {
        let ty = TypeRef::Vec(Box::new(TypeRef::Map(Box::new(TypeRef::Named(
            "Pet".into(),
        )))));
        assert_eq!(
            type_text(&ty, "petstore").replace(' ', ""),
            "Vec<std::collections::BTreeMap<String,petstore::types::Pet>>"
        );
        assert_eq!(
            type_text(&TypeRef::JsonObject, "x").replace(' ', ""),
            "serde_json::Value"
        );
    }
}
