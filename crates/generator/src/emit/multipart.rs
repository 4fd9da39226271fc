//! Setters for the parts of a `multipart/form-data` body, typed from its schema's properties:
//! `.caption("..")`, `.photo(FilePart::new(bytes).file_name("a.png"))`.
//!
//! Like the members of a JSON body (`body_fields.rs`), the builder keeps one `Option` per part and
//! `send()` assembles the body in the spec's order (a missing required part is an `InvalidRequest`
//! naming it). A body given whole with `.body(Multipart)` takes precedence.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::body_fields::BodyFields;
use super::docs::doc_attrs;
use super::operations::wire_text;
use super::rust_types::{ident, type_tokens};
use crate::escape::code;
use crate::ir::model::{MultipartPart, PartKind, TypeRef};
use crate::ir::naming::OPERATOR_METHODS;

/// Builder methods a part setter must not shadow.
const RESERVED: &[&str] = &["body", "send"];

/// Fields, setters and assembly for `parts` (None when there are none).
pub fn part_fields(parts: &[MultipartPart], taken: &[String]) -> Option<BodyFields> {
    if parts.is_empty() {
        return None;
    }
    let mut fields = TokenStream::new();
    let mut inits = TokenStream::new();
    let mut setters = TokenStream::new();
    let mut steps = TokenStream::new();
    let mut any_set = Vec::new();
    for part in parts {
        let base = part.rust_name.trim_end_matches('_');
        let slot = format_ident!("part_{}", base);
        let setter_name = if taken.contains(&part.rust_name)
            || RESERVED.contains(&base)
            || OPERATOR_METHODS.contains(&base)
        {
            format!("{base}_part")
        } else {
            part.rust_name.clone()
        };
        let setter = ident(&setter_name);
        let (stored, arg, convert) = slot_types(&part.kind);
        fields.extend(quote!(#slot: Option<#stored>,));
        inits.extend(quote!(#slot: None,));
        let doc = doc_attrs(Some(&setter_doc(part)));
        setters.extend(quote! {
            #doc
            #[inline]
            pub fn #setter(mut self, value: #arg) -> Self {
                self.#slot = Some(#convert);
                self
            }
        });
        steps.extend(add_part(part, &slot));
        any_set.push(quote!(self.#slot.is_some()));
    }
    let assemble = super::body_fields::assemble(
        &any_set,
        quote! {
            let mut parts = runtime::Multipart::new();
            #steps
            Some(parts)
        },
    );
    Some(BodyFields {
        fields,
        inits,
        setters,
        assemble,
        // Parts carry no schema formats to redact.
        redacted: Vec::new(),
    })
}

/// (type kept in the builder, setter argument, conversion of `value`).
fn slot_types(kind: &PartKind) -> (TokenStream, TokenStream, TokenStream) {
    match kind {
        PartKind::File => (
            quote!(crate::FilePart),
            quote!(impl Into<crate::FilePart>),
            quote!(value.into()),
        ),
        PartKind::Files => (
            quote!(Vec<crate::FilePart>),
            quote!(impl IntoIterator<Item = crate::FilePart>),
            quote!(value.into_iter().collect()),
        ),
        PartKind::Text(TypeRef::String) => (
            quote!(String),
            quote!(impl Into<String>),
            quote!(value.into()),
        ),
        PartKind::Texts(item) => {
            let item = type_tokens(item);
            (
                quote!(Vec<#item>),
                quote!(impl IntoIterator<Item = #item>),
                quote!(value.into_iter().collect()),
            )
        }
        PartKind::Text(ty) | PartKind::Json(ty) => {
            let ty = type_tokens(ty);
            (ty.clone(), ty, quote!(value))
        }
    }
}

fn setter_doc(part: &MultipartPart) -> String {
    let name = &part.json_name;
    let mut doc = part
        .doc
        .clone()
        .unwrap_or_else(|| format!("The {} part of the body.", code(name)));
    let how = match &part.kind {
        PartKind::File => "a file part",
        PartKind::Files => "one file part per file, all",
        PartKind::Text(_) => "a text part",
        PartKind::Texts(_) => "one text part per value, all",
        PartKind::Json(_) => "a JSON part",
    };
    doc.push_str(&format!(
        "\n\nSent as {how} named {} (ignored when a whole body is given with `body`).",
        code(name)
    ));
    if let Some(content_type) = &part.content_type {
        doc.push_str(&format!(
            " Files default to {} (the spec's `encoding`).",
            code(content_type)
        ));
    }
    if part.required {
        doc.push_str(" Required: `send()` refuses a body without it.");
    }
    doc
}

/// A `&impl QueryValue` for `value` (a `&T` of a scalar type): itself, or its wire text.
fn text_of(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match wire_text(ty, &value) {
        Some(text) => quote!(&#text),
        None => value,
    }
}

/// The statement adding one part (or its parts) to `parts`.
fn add_part(part: &MultipartPart, slot: &proc_macro2::Ident) -> TokenStream {
    let name = &part.json_name;
    let default_type = match &part.content_type {
        Some(t) => quote!(Some(#t)),
        None => quote!(None),
    };
    let add = match &part.kind {
        PartKind::File => quote!(parts = parts.file_part(#name, value, #default_type);),
        PartKind::Files => quote! {
            for file in value {
                parts = parts.file_part(#name, file, #default_type);
            }
        },
        PartKind::Text(ty) => {
            let wire = text_of(ty, quote!(value));
            quote!(parts = parts.text(#name, runtime::QueryValue::to_query(#wire));)
        }
        PartKind::Texts(ty) => {
            let wire = text_of(ty, quote!(item));
            quote! {
                for item in value {
                    parts = parts.text(#name, runtime::QueryValue::to_query(#wire));
                }
            }
        }
        PartKind::Json(_) => quote!(parts = parts.json_part(#name, value)?;),
    };
    if part.required {
        quote! {
            match &self.#slot {
                Some(value) => { #add }
                None => return Err(runtime::validate::missing(#name)),
            }
        }
    } else {
        quote! {
            if let Some(value) = &self.#slot { #add }
        }
    }
}
