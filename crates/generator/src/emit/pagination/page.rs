//! `src/pagination.rs`: `impl runtime::Page` for each page struct (an array page is the runtime's
//! `impl Page for Vec<T>`).

use std::collections::BTreeMap;

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::features::Gates;
use crate::emit::rust_types::{ident, type_tokens};
use crate::ir::model::*;

/// What one page struct's impl reads: the members of the first listing returning it, plus the
/// cursor and URL sources of the listings that walk by them (the IR keeps them consistent).
struct Impl<'a> {
    first: &'a Pagination,
    items: &'a Member,
    next_cursor: Option<&'a CursorSource>,
    next_url: Option<&'a MemberPath>,
}

/// The impls, one per page struct, or None when no listing has a page struct.
pub fn page_impls(api: &Api, gates: &Gates) -> Option<TokenStream> {
    let mut pages: BTreeMap<&str, Impl<'_>> = BTreeMap::new();
    for p in api
        .operations
        .iter()
        .flat_map(|op| &op.versions)
        .filter_map(|v| v.pagination.as_ref())
    {
        let PageBody::Object { type_name, items } = &p.page else {
            continue;
        };
        let entry = pages.entry(type_name).or_insert(Impl {
            first: p,
            items,
            next_cursor: None,
            next_url: None,
        });
        match &p.kind {
            PageKind::Cursor { source, .. } => {
                entry.next_cursor = entry.next_cursor.or(Some(source));
            }
            PageKind::NextUrl { member, .. } => entry.next_url = entry.next_url.or(Some(member)),
            _ => {}
        }
    }
    if pages.is_empty() {
        return None;
    }
    let impls = pages.iter().map(|(page, i)| {
        let gate = gates.ty(page);
        let page = page_impl(page, i);
        quote!(#gate #page)
    });
    // Every impl may be behind a tag's feature that is off.
    let allow = gates.active().then(|| quote!(#[allow(unused_imports)]));
    Some(quote! {
        //! Page types of the paginated list operations, walked by `into_pages` / `into_stream`.
        #allow
        use crate::runtime;
        #(#impls)*
    })
}

fn page_impl(page: &str, i: &Impl<'_>) -> TokenStream {
    let p = i.first;
    let page = ident(page);
    let item = type_tokens(&p.item_type);
    let items = ident(&i.items.rust_name);
    let (items_ref, into_items) = if i.items.optional {
        (
            quote!(self.#items.as_deref().unwrap_or(&[])),
            quote!(self.#items.unwrap_or_default()),
        )
    } else {
        (quote!(&self.#items), quote!(self.#items))
    };
    let total = p.total.as_ref().map(|total| {
        let (value, optional) = access(total);
        let body = if optional {
            quote!(#value.and_then(|total| u64::try_from(total).ok()))
        } else {
            quote!(u64::try_from(#value).ok())
        };
        quote! {
            #[inline]
            fn total_count(&self) -> Option<u64> {
                #body
            }
        }
    });
    let has_more = match (&p.has_more, &p.links) {
        (Some(flag), _) => Some(match access(flag) {
            (value, true) => value,
            (value, false) => quote!(Some(#value)),
        }),
        (None, Some(links)) => Some(links_next(links)),
        (None, None) => None,
    }
    .map(|body| {
        quote! {
            #[inline]
            fn has_more(&self) -> Option<bool> {
                #body
            }
        }
    });
    let next_cursor = i.next_cursor.map(|source| {
        let body = match source {
            CursorSource::Member(path) => text_of(path),
            CursorSource::LastItemId { id, ty } => {
                let f = ident(&id.rust_name);
                let text = match (id.optional, *ty == TypeRef::String) {
                    (true, true) => quote!(last.#f.clone()),
                    (true, false) => quote!(last.#f.map(|id| id.to_string())),
                    (false, true) => quote!(Some(last.#f.clone())),
                    (false, false) => quote!(Some(last.#f.to_string())),
                };
                quote! {
                    let last = runtime::Page::items(self).last()?;
                    #text
                }
            }
        };
        quote! {
            #[inline]
            fn next_cursor(&self) -> Option<String> {
                #body
            }
        }
    });
    let next_url = i.next_url.map(|path| {
        let body = text_of(path);
        quote! {
            #[inline]
            fn next_url(&self) -> Option<String> {
                #body
            }
        }
    });
    quote! {
        impl runtime::Page for crate::types::#page {
            type Item = #item;
            #[inline]
            fn items(&self) -> &[Self::Item] {
                #items_ref
            }
            #[inline]
            fn into_items(self) -> Vec<Self::Item> {
                #into_items
            }
            #total
            #has_more
            #next_cursor
            #next_url
        }
    }
}

/// The member at `path` from `self` (an optional member on the way returns `None` from the
/// enclosing function), and whether the member itself is an `Option`. The leaf types a page
/// reads through it (integers, booleans) are `Copy`; strings are cloned by [`text_of`].
fn access(path: &MemberPath) -> (TokenStream, bool) {
    let mut value = quote!(self);
    let mut optional = false;
    for step in &path.steps {
        if optional {
            value = quote!(#value.as_ref()?);
        }
        let f = ident(&step.rust_name);
        value = quote!(#value.#f);
        optional = step.optional;
    }
    (value, optional)
}

/// The text of a string or integer member (a cursor, a URL), as `Option<String>`.
fn text_of(path: &MemberPath) -> TokenStream {
    let string = path.leaf == TypeRef::String;
    match (access(path), string) {
        ((value, true), true) => quote!(#value.clone()),
        ((value, true), false) => quote!(#value.map(|value| value.to_string())),
        ((value, false), true) => quote!(Some(#value.clone())),
        ((value, false), false) => quote!(Some(#value.to_string())),
    }
}

/// Whether the page's links array has a `next` relation (`None` without a links array).
fn links_next(links: &LinksMember) -> TokenStream {
    let (links_field, rel) = (ident(&links.links.rust_name), ident(&links.rel.rust_name));
    let rel_is_next = if links.rel.optional {
        quote!(link.#rel.as_deref() == Some("next"))
    } else {
        quote!(link.#rel == "next")
    };
    if links.links.optional {
        quote!(self.#links_field.as_ref().map(|links| links.iter().any(|link| #rel_is_next)))
    } else {
        quote!(Some(self.#links_field.iter().any(|link| #rel_is_next)))
    }
}
