//! Paginated operations: `impl runtime::Page` for each page type, `impl runtime::Paginated` for each
//! paginated builder, and the builder's `into_pages` / `into_stream` / `prefetch` / `max_items`.

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_types::{ident, type_tokens};
use crate::ir::model::*;

/// `src/pagination.rs`: one `Page` impl per distinct page type.
pub fn page_impls(api: &Api) -> Option<TokenStream> {
    let mut pages: BTreeMap<&str, &Pagination> = BTreeMap::new();
    for op in &api.operations {
        for v in &op.versions {
            if let Some(p) = &v.pagination {
                pages.insert(&p.page_type, p);
            }
        }
    }
    if pages.is_empty() {
        return None;
    }
    let impls = pages.values().map(|p| {
        let page = ident(&p.page_type);
        let item = type_tokens(&p.item_type);
        let optional = |rust: &str| match api.types.get(&p.page_type) {
            Some(TypeDef::Struct(s)) => s.fields.iter().any(|f| f.rust_name == rust && f.optional),
            _ => true,
        };
        let results = ident(&p.results_field);
        let (items, into_items) = if optional(&p.results_field) {
            (quote!(self.#results.as_deref().unwrap_or(&[])), quote!(self.#results.unwrap_or_default()))
        } else {
            (quote!(&self.#results), quote!(self.#results))
        };
        let total = match &p.total_field {
            Some((field, _)) => {
                let f = ident(field);
                if optional(field) {
                    quote!(self.#f.and_then(|total| u64::try_from(total).ok()))
                } else {
                    quote!(u64::try_from(self.#f).ok())
                }
            }
            None => quote!(None),
        };
        let next = match &p.links {
            Some((links, rel, rel_optional)) => {
                let (links_ident, rel) = (ident(links), ident(rel));
                let rel_is_next = if *rel_optional {
                    quote!(link.#rel.as_deref() == Some("next"))
                } else {
                    quote!(link.#rel == "next")
                };
                if optional(links) {
                    quote!(self.#links_ident.as_ref().map(|links| links.iter().any(|link| #rel_is_next)))
                } else {
                    quote!(Some(self.#links_ident.iter().any(|link| #rel_is_next)))
                }
            }
            None => quote!(None),
        };
        quote! {
            impl runtime::Page for crate::types::#page {
                type Item = #item;
                #[inline]
                fn items(&self) -> &[Self::Item] {
                    #items
                }
                #[inline]
                fn into_items(self) -> Vec<Self::Item> {
                    #into_items
                }
                #[inline]
                fn total_count(&self) -> Option<u64> {
                    #total
                }
                #[inline]
                fn has_more(&self) -> Option<bool> {
                    #next
                }
            }
        }
    });
    Some(quote! {
        //! Page types of the paginated list operations, walked by `into_pages` / `into_stream`.
        use crate::runtime;
        #(#impls)*
    })
}

/// Extra builder fields (with their initial values) for a paginated version.
pub fn builder_fields(v: &OperationVersion) -> (TokenStream, TokenStream) {
    if v.pagination.is_none() {
        return (TokenStream::new(), TokenStream::new());
    }
    (
        quote!(prefetch: usize, max_items: Option<usize>, max_pages: Option<u64>,),
        quote!(prefetch: 0, max_items: None, max_pages: None,),
    )
}

/// Builder methods of a paginated version: the stream bounds and the two streams.
pub fn builder_methods(v: &OperationVersion) -> TokenStream {
    if v.pagination.is_none() {
        return TokenStream::new();
    }
    quote! {
        /// Fetch up to `pages` pages ahead of the consumer of [`Self::into_stream`] / [`Self::into_pages`]
        /// (default 0: one request at a time). Items still arrive in order.
        #[inline]
        pub fn prefetch(mut self, pages: usize) -> Self {
            self.prefetch = pages;
            self
        }

        /// Stop a stream after `items` items.
        #[inline]
        pub fn max_items(mut self, items: usize) -> Self {
            self.max_items = Some(items);
            self
        }

        /// End a stream that is still going after `pages` pages with `Error::Pagination`
        /// (default 10,000, the runtime's `DEFAULT_MAX_PAGES`; at least 1).
        #[inline]
        pub fn max_pages(mut self, pages: u64) -> Self {
            self.max_pages = Some(pages);
            self
        }

        /// Every page from the current `page_num` (default 1) to the end of the listing, as a
        /// `Stream` of `Result<page, Error>`.
        ///
        /// The stream ends on an empty or short page, a page without a `next` link, or once the
        /// server's `totalCount` is reached; a server that repeats any earlier page, or a listing
        /// longer than [`Self::max_pages`], ends it with `Error::Pagination`. An error is
        /// yielded once, after every page received before it.
        #[inline]
        pub fn into_pages(self) -> runtime::Pages<Self> {
            runtime::Pages::new(self)
        }

        /// Every item of every page, in order, as a `Stream` of `Result<item, Error>` (see
        /// [`Self::into_pages`] for when it ends).
        #[inline]
        pub fn into_stream(self) -> runtime::Items<Self> {
            runtime::Items::new(self)
        }
    }
}

/// `impl runtime::Paginated` for the builder of a paginated version: how the runtime's `Pages` /
/// `Items` walk it (a page-number walk; `call_type` / `call` decode with `call::JsonPage`). Named
/// types instead of `impl Stream` closures: the trait solver works each builder out once, and the
/// walk is compiled where a listing is polled.
pub fn paginated_impl(
    v: &OperationVersion,
    builder: &proc_macro2::Ident,
    call_type: &TokenStream,
    call: TokenStream,
) -> TokenStream {
    let Some(p) = &v.pagination else {
        return TokenStream::new();
    };
    let page = ident(&p.page_type);
    let (page_field, page_ty) = (ident(&p.page_param.0), &p.page_param.1);
    let (size_field, size_ty) = (ident(&p.size_param.0), &p.size_param.1);
    let default_size = p.default_size;
    let first_page = match page_ty {
        TypeRef::I32 => quote!(self.#page_field.map(i64::from).unwrap_or(1)),
        _ => quote!(self.#page_field.unwrap_or(1)),
    };
    let page_size = match size_ty {
        TypeRef::I32 => quote!(self.#size_field.map(i64::from).unwrap_or(#default_size)),
        _ => quote!(self.#size_field.unwrap_or(#default_size)),
    };
    let set_page = match page_ty {
        TypeRef::I32 => {
            quote!(request.#page_field = Some(i32::try_from(page).unwrap_or(i32::MAX));)
        }
        _ => quote!(request.#page_field = Some(page);),
    };
    quote! {
        impl<'a> runtime::Paginated for #builder<'a> {
            type Page = crate::types::#page;
            type ErrorBody = crate::ErrorBody;
            type Future = #call_type;

            #[inline]
            fn page_settings(&self) -> runtime::PageSettings {
                runtime::PageSettings { walk: runtime::Walk::Number { first: #first_page }, page_size: Some(#page_size), prefetch: self.prefetch, max_items: self.max_items, max_pages: self.max_pages }
            }

            #[inline]
            fn fetch_page(&self, at: runtime::PageAt) -> Self::Future {
                let mut request = self.clone();
                if let runtime::PageAt::Number(page) = at {
                    #set_page
                }
                #call
            }
        }
    }
}
