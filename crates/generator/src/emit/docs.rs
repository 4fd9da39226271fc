//! `#[doc]` attributes from doc text: every line comes from [`crate::escape::doc_lines`], so spec
//! prose is rendered by rustdoc and never compiled. One `#[doc]` per line keeps the output diffable.

use proc_macro2::TokenStream;
use quote::quote;

use crate::escape::doc_lines;

/// `#[doc = "..."]` lines for `text` (nothing for None / empty).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return TokenStream::new();
    };
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// `#![doc = "..."]` lines, for module and crate docs.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #![doc = #lines] )* }
}
