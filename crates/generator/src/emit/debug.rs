//! `Debug` for generated structs and request builders: an `#[inline]` impl calling
//! `runtime::debug_struct`, instead of `#[derive(Debug)]`.
//!
//! Why: a derived `fmt` is not `#[inline]`, so a dev build compiles (LLVM) every type's and builder's
//! `fmt` in the library whether or not anything prints it: on the whole Atlas API, 1,200 functions.
//! An inline one is compiled only in the crates that format the value. The output is the derive's:
//! `Name { member: value, .. }`, `{:#?}` included.

use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};
use quote::quote;

/// `item` (a struct with named fields, without `Debug` among its derives) followed by its inline
/// `Debug` impl, which prints the members named in `redacted` (with whether each is an `Option`) as
/// `[redacted]`. Tokens that are not such a struct keep the derive instead (a derive cannot redact:
/// only generated structs, which always scan, have `format: password` members).
pub fn with_inline_debug(redacted: &[(&str, bool)], item: TokenStream) -> TokenStream {
    let Some(shape) = StructShape::scan(&item) else {
        return quote!(#[derive(Debug)] #item);
    };
    let StructShape {
        name,
        generics,
        members,
        deprecated,
    } = shape;
    let label = name.to_string();
    // One lookup per member, not a scan of the redacted list (every member may be a password).
    let mut first = std::collections::HashMap::new();
    for &(field, optional) in redacted {
        first.entry(field).or_insert(optional);
    }
    let redacted = first;
    // The undeclared members (generated structs): shown after the others, only when present.
    let kept = members
        .iter()
        .any(|(member, _)| *member == crate::ir::model::UNDECLARED_FIELD);
    let entries = members
        .iter()
        .filter(|(member, _)| *member != crate::ir::model::UNDECLARED_FIELD);
    let entries = entries.map(|(member, _)| {
        // The member's Rust name as the derive prints it (`r#type` as `type`).
        let name = member.to_string();
        let shown = name.trim_start_matches("r#");
        match redacted.get(name.as_str()) {
            Some(false) => quote!((#shown, &crate::runtime::Redacted)),
            Some(true) => quote!((#shown, &crate::runtime::redact_option(&self.#member))),
            None => quote!((#shown, &self.#member)),
        }
    });
    let allow = (deprecated || members.iter().any(|(_, deprecated)| *deprecated))
        .then(|| quote!(#[allow(deprecated)]));
    let call = if kept {
        let field = proc_macro2::Ident::new(
            crate::ir::model::UNDECLARED_FIELD,
            proc_macro2::Span::call_site(),
        );
        quote!(crate::runtime::debug_struct_kept(f, #label, &[#(#entries),*], &self.#field))
    } else {
        quote!(crate::runtime::debug_struct(f, #label, &[#(#entries),*]))
    };
    quote! {
        #item

        #allow
        impl #generics std::fmt::Debug for #name #generics {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                #call
            }
        }
    }
}

/// What the impl needs of a generated struct, read from its tokens (a scan, not a parse: the
/// generator wrote them, and a full `syn` parse of 1,200 structs cost a tenth of a generation).
struct StructShape {
    name: Ident,
    /// The tokens between the name and the fields (`<'a>` for builders): lifetimes only.
    generics: TokenStream,
    /// Member names, each with whether it is `#[deprecated]`.
    members: Vec<(Ident, bool)>,
    deprecated: bool,
}

impl StructShape {
    fn scan(item: &TokenStream) -> Option<StructShape> {
        let mut tokens = item.clone().into_iter().peekable();
        let mut deprecated = false;
        // Attributes and visibility, up to `struct`.
        loop {
            match tokens.next()? {
                TokenTree::Punct(p) if p.as_char() == '#' => {
                    if let Some(TokenTree::Group(attr)) = tokens.next() {
                        deprecated |= is_deprecated(&attr.stream());
                    }
                }
                TokenTree::Ident(i) if i == "struct" => break,
                _ => {}
            }
        }
        let TokenTree::Ident(name) = tokens.next()? else {
            return None;
        };
        let mut generics = TokenStream::new();
        for token in tokens {
            match token {
                TokenTree::Group(g) if g.delimiter() == Delimiter::Brace => {
                    let members = named_members(g.stream())?;
                    return Some(StructShape {
                        name,
                        generics,
                        members,
                        deprecated,
                    });
                }
                // Bounds or where clauses would need splitting for the impl header.
                TokenTree::Ident(i) if i == "where" => return None,
                TokenTree::Punct(p) if p.as_char() == ':' => return None,
                other => generics.extend([other]),
            }
        }
        None
    }
}

/// The members of a braced field list: attributes and visibility skipped, each type skipped up to
/// the next top-level comma (commas inside `<..>` belong to the type).
fn named_members(fields: TokenStream) -> Option<Vec<(Ident, bool)>> {
    let mut members = Vec::new();
    let mut tokens = fields.into_iter().peekable();
    while tokens.peek().is_some() {
        let mut deprecated = false;
        let name = loop {
            match tokens.next()? {
                TokenTree::Punct(p) if p.as_char() == '#' => {
                    if let Some(TokenTree::Group(attr)) = tokens.next() {
                        deprecated |= is_deprecated(&attr.stream());
                    }
                }
                TokenTree::Ident(i) if i == "pub" => {
                    // `pub(crate)` and the like.
                    if let Some(TokenTree::Group(g)) = tokens.peek() {
                        if g.delimiter() == Delimiter::Parenthesis {
                            tokens.next();
                        }
                    }
                }
                TokenTree::Ident(i) => break i,
                _ => return None,
            }
        };
        match tokens.next()? {
            TokenTree::Punct(p) if p.as_char() == ':' => {}
            _ => return None,
        }
        let mut depth = 0usize;
        for token in tokens.by_ref() {
            match token {
                TokenTree::Punct(p) if p.as_char() == '<' => depth = depth.saturating_add(1),
                TokenTree::Punct(p) if p.as_char() == '>' => depth = depth.saturating_sub(1),
                TokenTree::Punct(p) if p.as_char() == ',' && depth == 0 => break,
                _ => {}
            }
        }
        members.push((name, deprecated));
    }
    Some(members)
}

/// Whether an attribute's bracketed tokens are `deprecated` or `deprecated(..)` / `= ..`.
fn is_deprecated(attr: &TokenStream) -> bool {
    matches!(attr.clone().into_iter().next(), Some(TokenTree::Ident(i)) if i == "deprecated")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members(item: TokenStream) -> Option<Vec<(String, bool)>> {
        StructShape::scan(&item).map(|shape| {
            shape
                .members
                .into_iter()
                .map(|(name, deprecated)| (name.to_string(), deprecated))
                .collect()
        })
    }

    #[test]
    fn scans_members_past_attributes_visibility_and_generic_types() {
        let scanned = members(quote! {
            /// Doc.
            #[derive(Clone)]
            pub struct Builder<'a> {
                client: &'a Client,
                /// A map.
                #[deprecated]
                pub r#type: Option<std::collections::BTreeMap<String, Vec<crate::types::X>>>,
                pub(crate) last: fn(i32, i32) -> i32
            }
        });
        let expected = [("client", false), ("r#type", true), ("last", false)];
        let expected: Vec<_> = expected.iter().map(|(n, d)| (n.to_string(), *d)).collect();
        assert_eq!(scanned, Some(expected));
    }

    #[test]
    fn anything_else_keeps_the_derive() {
        for item in [
            quote!(
                pub struct Tuple(String);
            ),
            quote!(
                pub enum E {
                    A,
                }
            ),
            quote!(
                pub struct Bound<T: Clone> {
                    t: T,
                }
            ),
        ] {
            let out = with_inline_debug(&[], item.clone()).to_string();
            assert!(out.starts_with("# [derive (Debug)]"), "{out}");
        }
    }
}
