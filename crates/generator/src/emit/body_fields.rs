//! Setters for the members of an object request body, so a call reads
//! `.snapshot_id(..).export_bucket_id(..)` instead of building the body struct by hand.
//!
//! The builder keeps one `Option` per member; `send()` assembles the body from them (a missing required
//! member is an `InvalidRequest` naming it). A body passed whole with `.body(..)` takes precedence.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs::doc_attrs;
use super::rust_types::{ident, type_tokens};
use crate::escape::code;
use crate::ir::model::*;
use crate::ir::naming::OPERATOR_METHODS;

pub struct BodyFields {
    /// Builder struct fields.
    pub fields: TokenStream,
    /// Their initial values.
    pub inits: TokenStream,
    /// The setter methods.
    pub setters: TokenStream,
    /// An expression of type `Option<Body>`: `.body(..)`, else the members, else `None`.
    pub assemble: TokenStream,
    /// The builder fields holding a `format: password` member (redacted in `Debug`).
    pub redacted: Vec<String>,
}

/// Member setters for a body of type `ty`, when it is a plain object type whose member names do not
/// collide with the builder's own methods.
pub fn body_fields(api: &Api, ty: &TypeRef, taken: &[String]) -> Option<BodyFields> {
    let TypeRef::Named(name) = ty else {
        return None;
    };
    let Some(TypeDef::Struct(s)) = api.types.get(name) else {
        return None;
    };
    let reserved = [
        "body",
        "send",
        "build_request",
        "prefetch",
        "max_items",
        "max_pages",
        "into_stream",
        "into_pages",
    ];
    // An operator name (`add`) as a setter is clippy's `should_implement_trait`.
    let clashes = |name: &str| reserved.contains(&name) || OPERATOR_METHODS.contains(&name);
    let taken: std::collections::HashSet<&str> = taken.iter().map(String::as_str).collect();
    if s.fields.is_empty()
        || s.fields
            .iter()
            .any(|f| taken.contains(f.rust_name.as_str()) || clashes(&f.rust_name))
    {
        return None;
    }
    let slot = |f: &Field| format_ident!("body_{}", f.rust_name.trim_end_matches('_'));
    let mut fields = TokenStream::new();
    let mut inits = TokenStream::new();
    let mut setters = TokenStream::new();
    let mut members = TokenStream::new();
    let mut any_set = Vec::new();
    let mut redacted = Vec::new();
    for f in &s.fields {
        let slot = slot(f);
        if f.sensitive {
            redacted.push(slot.to_string());
        }
        let setter = ident(&f.rust_name);
        let inner = type_tokens(&f.ty);
        fields.extend(quote!(#slot: Option<#inner>,));
        inits.extend(quote!(#slot: None,));
        let (arg, convert) = match &f.ty {
            TypeRef::String => (quote!(impl Into<String>), quote!(value.into())),
            TypeRef::Vec(item) => {
                let item = type_tokens(item);
                (
                    quote!(impl IntoIterator<Item = #item>),
                    quote!(value.into_iter().collect()),
                )
            }
            _ => (inner.clone(), quote!(value)),
        };
        let mut doc = f
            .doc
            .clone()
            .filter(|d| !d.trim().is_empty())
            .unwrap_or_else(|| format!("The {} member of the body.", code(&f.json_name)));
        doc.push_str(&format!(
            "\n\nSets body member `{}` (ignored when a whole body is given with `body`).",
            f.json_name
        ));
        let doc = doc_attrs(Some(&doc));
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        setters.extend(quote! {
            #doc
            #deprecated
            #[inline]
            pub fn #setter(mut self, value: #arg) -> Self {
                self.#slot = Some(#convert);
                self
            }
        });
        let json = &f.json_name;
        // Recursive members are boxed in the struct; the setter takes the plain value.
        let wrap = |value: TokenStream| {
            if f.boxed {
                quote!(Box::new(#value))
            } else {
                value
            }
        };
        let present = wrap(quote!(value));
        members.extend(match (f.optional, f.boxed) {
            (true, false) => quote!(#setter: self.#slot,),
            (true, true) => quote!(#setter: self.#slot.map(Box::new),),
            (false, _) => quote!(#setter: match self.#slot {
                Some(value) => #present,
                None => return Err(runtime::validate::missing(#json)),
            },),
        });
        any_set.push(quote!(self.#slot.is_some()));
    }
    if s.undeclared.kept() {
        let field = ident(UNDECLARED_FIELD);
        members.extend(quote!(#field: crate::Undeclared::new(),));
    }
    let body_ty = ident(name);
    let allow = s
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let assemble = assemble(
        &any_set,
        quote! {
            #allow
            let body = crate::types::#body_ty { #members };
            Some(body)
        },
    );
    Some(BodyFields {
        fields,
        inits,
        setters,
        assemble,
        redacted,
    })
}

/// `Option<Body>` for `send()`: the body given whole with `.body(..)`, else `build` (which
/// evaluates to `Some(body)`) when any member or part was set, else `None`.
pub fn assemble(any_set: &[TokenStream], build: TokenStream) -> TokenStream {
    quote! {
        match self.body {
            Some(body) => Some(body),
            None if #(#any_set)||* => { #build }
            None => None,
        }
    }
}
