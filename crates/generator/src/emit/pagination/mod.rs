//! Paginated operations: `impl runtime::Page` for each page struct (`page.rs`), `impl
//! runtime::Paginated` for each paginated builder, the builder's `into_pages` / `into_stream` /
//! bounds with docs saying how this listing is walked, and `PAGINATION.md` (`report.rs`).

mod page;
mod report;

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::rust_types::{ident, type_tokens};
use crate::escape::code;
use crate::ir::model::*;

pub use page::page_impls;
pub use report::pagination_md;

/// Extra builder fields (with their initial values) for a paginated version: the stream bounds,
/// and the prefetch depth where pages are addressable.
pub fn builder_fields(v: &OperationVersion) -> (TokenStream, TokenStream) {
    let Some(p) = &v.pagination else {
        return (TokenStream::new(), TokenStream::new());
    };
    if p.kind.addressable() {
        (
            quote!(prefetch: usize, max_items: Option<usize>, max_pages: Option<u64>,),
            quote!(prefetch: 0, max_items: None, max_pages: None,),
        )
    } else {
        (
            quote!(max_items: Option<usize>, max_pages: Option<u64>,),
            quote!(max_items: None, max_pages: None,),
        )
    }
}

/// Builder methods of a paginated version: the stream bounds and the two streams.
pub fn builder_methods(v: &OperationVersion) -> TokenStream {
    let Some(p) = &v.pagination else {
        return TokenStream::new();
    };
    // Sequential walks have no prefetch: each request needs the page before it.
    let prefetch = p.kind.addressable().then(|| {
        quote! {
            /// Fetch up to `pages` pages ahead of the consumer of [`Self::into_stream`] / [`Self::into_pages`]
            /// (default 0: one request at a time). Items still arrive in order.
            #[inline]
            pub fn prefetch(mut self, pages: usize) -> Self {
                self.prefetch = pages;
                self
            }
        }
    });
    let pages_doc = doc_attrs(Some(&into_pages_doc(p)));
    quote! {
        #prefetch

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

        #pages_doc
        #[inline]
        pub fn into_pages(self) -> runtime::Pages<Self> {
            runtime::Pages::new(self)
        }

        /// Every item of every page, in order, as a `Stream` of `Result<item, Error>` (see
        /// [`Self::into_pages`] for how pages are walked and when the stream ends).
        #[inline]
        pub fn into_stream(self) -> runtime::Items<Self> {
            runtime::Items::new(self)
        }
    }
}

/// The docs of `into_pages`: where the listing starts, how it moves on, when it ends.
fn into_pages_doc(p: &Pagination) -> String {
    let member = |path: &MemberPath| code(&path.json());
    let (start, next) = match &p.kind {
        PageKind::PageNumber { page, first, .. } => (
            format!("from the current {} (default {first})", code(&page.rust_name)),
            "Page numbers go up by one".to_owned(),
        ),
        PageKind::Offset { offset, limit, first } => (
            format!("from the current {} (default {first})", code(&offset.rust_name)),
            match limit {
                Some(PageSize { param, default: Some(default) }) => format!(
                    "The offset goes up by the page size ({}, default {default})",
                    code(&param.rust_name)
                ),
                Some(PageSize { param, default: None }) => format!(
                    "The offset goes up by {} when it is set, else by the number of items received (then pages are fetched one at a time)",
                    code(&param.rust_name)
                ),
                None => "The offset goes up by the number of items received (pages are fetched one at a time)".to_owned(),
            },
        ),
        PageKind::Cursor { cursor, source, .. } => (
            format!(
                "from the request as built (set {} to resume at a cursor)",
                code(&cursor.rust_name)
            ),
            match source {
                CursorSource::Member(path) => format!(
                    "Each next request sets {} (query parameter {}) to the page's {}",
                    code(&cursor.rust_name),
                    code(&cursor.json_name),
                    member(path)
                ),
                CursorSource::LastItemId { id, .. } => format!(
                    "Each next request sets {} (query parameter {}) to the {} of the page's last item",
                    code(&cursor.rust_name),
                    code(&cursor.json_name),
                    code(&id.json_name)
                ),
            },
        ),
        PageKind::NextUrl { member: path, .. } => (
            "from the request as built".to_owned(),
            format!(
                "Each next request is a GET of the URL in the page's {}, with this client's headers and credentials (a URL on another scheme, host or port ends the stream with `Error::Pagination`)",
                member(path)
            ),
        ),
        PageKind::LinkHeader { .. } => (
            "from the request as built".to_owned(),
            "Each next request is a GET of the response's `Link` header target with `rel=\"next\"`, with this client's headers and credentials (a URL on another scheme, host or port ends the stream with `Error::Pagination`)".to_owned(),
        ),
    };
    let mut ends = Vec::new();
    let size = p.kind.size();
    if p.kind.addressable() {
        ends.push(match size {
            Some(PageSize {
                default: Some(_), ..
            }) => "an empty or short page".to_owned(),
            Some(PageSize { param, .. }) => format!(
                "an empty page, a short page (when {} is set)",
                code(&param.rust_name)
            ),
            None => "an empty page".to_owned(),
        });
    } else {
        ends.push(match &p.kind {
            PageKind::Cursor { .. } => "a page without a next cursor".to_owned(),
            PageKind::NextUrl { member: path, .. } => {
                format!("a page without {}", member(path))
            }
            _ => "a response without a `next` link".to_owned(),
        });
    }
    if let Some(flag) = &p.has_more {
        ends.push(format!("a page whose {} is false", member(flag)));
    } else if let Some(links) = &p.links {
        ends.push(format!(
            "a page whose {} lack a `next` relation",
            code(&links.links.json_name)
        ));
    }
    if let Some(total) = &p.total {
        ends.push(format!("once the server's {} is reached", member(total)));
    }
    let ends = match ends.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{}, or {last}", rest.join(", ")),
        None => String::new(),
    };
    let repeats = if p.kind.addressable() {
        "repeats any earlier page"
    } else {
        "repeats any earlier page, cursor or URL"
    };
    let sequential = if p.kind.addressable() {
        ""
    } else {
        " Pages are fetched one at a time: each request needs the page before it."
    };
    format!(
        "Every page {start} to the end of the listing, as a `Stream` of `Result<page, Error>`.\n\n\
         {next}.{sequential} The stream ends on {ends}; a server that {repeats}, or a listing longer \
         than [`Self::max_pages`], ends it with `Error::Pagination`. An error is yielded once, \
         after every page received before it."
    )
}

/// `impl runtime::Paginated` for the builder of a paginated version: how the runtime's `Pages` /
/// `Items` walk it. Named types instead of `impl Stream` closures: the trait solver works each
/// builder out once, and the walk is compiled where a listing is polled. `json_body` is the JSON
/// request body's type and media type, when the version sends one (only a profile's rule
/// paginates such an operation: some APIs list pages of a search or of what a POST stored).
pub fn paginated_impl(
    v: &OperationVersion,
    builder: &proc_macro2::Ident,
    json_body: Option<&(TokenStream, String)>,
) -> TokenStream {
    let Some(p) = &v.pagination else {
        return TokenStream::new();
    };
    let page = type_tokens(&p.page.ty());
    let (call_args, start, built_request) = match json_body {
        Some((ty, media_type)) => (
            quote!('a, runtime::Fetched<#page>, crate::ErrorBody, runtime::call::JsonPage, #ty),
            quote!(with_json(core, built, #media_type)),
            quote!((built, _)),
        ),
        None => (
            quote!('a, runtime::Fetched<#page>, crate::ErrorBody, runtime::call::JsonPage),
            quote!(new(core, built)),
            quote!(built),
        ),
    };
    let walk = match &p.kind {
        PageKind::PageNumber { page, first, .. } => {
            let first = or_default(page, *first);
            quote!(runtime::Walk::Number { first: #first })
        }
        PageKind::Offset { offset, first, .. } => {
            let first = or_default(offset, *first);
            quote!(runtime::Walk::Offset { first: #first })
        }
        PageKind::Cursor { .. } => quote!(runtime::Walk::Cursor),
        PageKind::NextUrl { .. } => quote!(runtime::Walk::NextUrl),
        PageKind::LinkHeader { .. } => quote!(runtime::Walk::LinkHeader),
    };
    // Sequential listings end by the server's signal alone (servers send short pages mid-listing).
    let page_size = match p.kind.size().filter(|_| p.kind.addressable()) {
        Some(size) => {
            let value = widened(&size.param);
            match size.default {
                Some(default) => quote!(Some(#value.unwrap_or(#default))),
                None => value,
            }
        }
        None => quote!(None),
    };
    let prefetch = if p.kind.addressable() {
        quote!(self.prefetch)
    } else {
        quote!(0)
    };
    let set = |variant: TokenStream, param: &PageParam, value: TokenStream| {
        let field = ident(&param.rust_name);
        quote! {
            let mut request = self.clone();
            if let runtime::PageAt::#variant = at {
                request.#field = #value;
            }
            let core = &request.client.core;
            let built = request.build_request();
            runtime::Call::<#call_args>::#start
        }
    };
    let narrowed = |param: &PageParam, value: TokenStream| match param.ty {
        TypeRef::I32 => quote!(Some(i32::try_from(#value).unwrap_or(i32::MAX))),
        _ => quote!(Some(#value)),
    };
    let fetch = match &p.kind {
        PageKind::PageNumber { page, .. } => {
            set(quote!(Number(page)), page, narrowed(page, quote!(page)))
        }
        PageKind::Offset { offset, .. } => set(
            quote!(Offset(offset)),
            offset,
            narrowed(offset, quote!(offset)),
        ),
        PageKind::Cursor { cursor, .. } => {
            let value = if cursor.ty == TypeRef::String {
                quote!(Some(cursor))
            } else {
                // An integer cursor parameter takes only integer cursors (the IR checks the
                // source's type); text that is none sends no cursor, and the repeated first page
                // ends the listing.
                quote!(cursor.parse().ok())
            };
            set(quote!(Cursor(cursor)), cursor, value)
        }
        PageKind::NextUrl { .. } | PageKind::LinkHeader { .. } => quote! {
            let request = self.clone();
            let core = &request.client.core;
            let mut built = request.build_request();
            if let (runtime::PageAt::Url(url), Ok(#built_request)) = (at, &mut built) {
                built.follow(url);
            }
            runtime::Call::<#call_args>::#start
        },
    };
    quote! {
        impl<'a> runtime::Paginated for #builder<'a> {
            type Page = #page;
            type ErrorBody = crate::ErrorBody;
            type Future = runtime::Call<#call_args>;

            #[inline]
            fn page_settings(&self) -> runtime::PageSettings {
                runtime::PageSettings { walk: #walk, page_size: #page_size, prefetch: #prefetch, max_items: self.max_items, max_pages: self.max_pages }
            }

            #[inline]
            fn fetch_page(&self, at: runtime::PageAt) -> Self::Future {
                #fetch
            }
        }
    }
}

/// The builder's value of `param` as `Option<i64>`.
fn widened(param: &PageParam) -> TokenStream {
    let field = ident(&param.rust_name);
    match param.ty {
        TypeRef::I32 => quote!(self.#field.map(i64::from)),
        _ => quote!(self.#field),
    }
}

/// The builder's value of `param` as `i64`, `default` when unset.
fn or_default(param: &PageParam, default: i64) -> TokenStream {
    let value = widened(param);
    let default = proc_macro2::Literal::i64_unsuffixed(default);
    quote!(#value.unwrap_or(#default))
}
