//! `Debug` for generated structs and request builders: an `#[inline]` impl calling
//! `runtime::debug_struct`, instead of `#[derive(Debug)]`.
//!
//! Why: a derived `fmt` is not `#[inline]`, so a dev build compiles (LLVM) every type's and builder's
//! `fmt` in the library whether or not anything prints it: on the whole Atlas API, 1,200 functions
//! and a quarter of the crate's build. An inline one is compiled only in the crates that format the
//! value. The output is the derive's: `Name { member: value, .. }`, `{:#?}` included.

use proc_macro2::TokenStream;
use quote::quote;

/// `item` (a struct with named fields, without `Debug` among its derives) followed by its inline
/// `Debug` impl. Tokens that are not such a struct keep the derive instead.
pub fn with_inline_debug(item: TokenStream) -> TokenStream {
    let Ok(parsed) = syn::parse2::<syn::ItemStruct>(item.clone()) else {
        return quote!(#[derive(Debug)] #item);
    };
    let syn::Fields::Named(named) = &parsed.fields else {
        return quote!(#[derive(Debug)] #item);
    };
    let name = &parsed.ident;
    let label = name.to_string();
    let (impl_generics, ty_generics, where_clause) = parsed.generics.split_for_impl();
    let members = named.named.iter().filter_map(|field| {
        let ident = field.ident.as_ref()?;
        // The member's Rust name, as the derive prints it (`r#type` as `type`).
        let shown = ident.to_string();
        let shown = shown.trim_start_matches("r#");
        Some(quote!((#shown, &self.#ident)))
    });
    let deprecated =
        |attrs: &[syn::Attribute]| attrs.iter().any(|a| a.path().is_ident("deprecated"));
    let allow = (deprecated(&parsed.attrs) || named.named.iter().any(|f| deprecated(&f.attrs)))
        .then(|| quote!(#[allow(deprecated)]));
    quote! {
        #item

        #allow
        impl #impl_generics std::fmt::Debug for #name #ty_generics #where_clause {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                crate::runtime::debug_struct(f, #label, &[#(#members),*])
            }
        }
    }
}
