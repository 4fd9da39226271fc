//! `src/webhooks.rs` (only for a document with webhooks): per webhook a `<Name>Headers` struct, a
//! `<Name>Delivery` (headers + payload) with `decode`, and the `Webhook` enum decoding by name.
//! The work is the runtime's (`runtime::webhook::Incoming`); each `decode` only lists what to read.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::rust_types::{ident, type_tokens};
use crate::escape::code;
use crate::ir::model::{Api, ListStyle, QueryParam, Webhook};
use crate::Options;

pub fn webhooks_module(api: &Api, options: &Options) -> TokenStream {
    let module_doc = module_doc(api, options);
    let hooks = api.webhooks.iter().map(webhook_items);
    let dispatch = dispatch(api);
    quote! {
        #module_doc

        use crate::runtime;
        pub use runtime::webhook::{HeaderMap, WebhookError, WebhookErrorKind, WebhookLimits};

        #(#hooks)*
        #dispatch
    }
}

/// The module docs: the generator's own text only (no spec text), so its example is compiled and
/// run by rustdoc as written.
fn module_doc(api: &Api, options: &Options) -> TokenStream {
    // In a module of the user's crate (`Layout::Module`) the example names the module by its
    // `crate::` path and is shown, not run: a doctest is a crate of its own.
    let (krate, fence) = match options.layout {
        crate::Layout::Crate => (options.crate_name.replace('-', "_"), "```"),
        crate::Layout::Module => ("crate".to_owned(), "```ignore"),
    };
    let mut text = String::from(
        "Webhooks: the requests the API sends to you (the document's `webhooks`), decoded from what \
         your HTTP server received.\n\n\
         Each webhook has a `<Name>Delivery`: its documented headers in `headers` (a `<Name>Headers`), \
         its JSON body in `payload`, and `decode(headers, body)`. [`Webhook::decode`] picks the \
         webhook by its name in the document ([`Webhook::NAMES`]). Decoding bounds the body (25 MiB \
         by default; `decode_with` takes [`WebhookLimits`]), checks its `Content-Type` against the \
         webhook's media types (parameters such as `charset` are ignored), reads every documented \
         header (a missing required one is an error) and decodes the body. A [`WebhookError`] says \
         which webhook, header or body member failed, and keeps the start of the body. [`HeaderMap`] \
         is `http::HeaderMap`: axum and hyper hand over a request's headers as they are. If the API \
         signs its deliveries, check the signature over the raw body before trusting what it says.\n",
    );
    if let Some(first) = api.webhooks.first() {
        let delivery = format!("{}Delivery", first.type_name);
        let payload = if first.body.is_some() {
            "    let _payload = &delivery.payload;\n"
        } else {
            "    let _headers = &delivery.headers;\n"
        };
        text.push_str(&format!(
            "\n# Example\n\n{fence}\n\
             use {krate}::webhooks::{{HeaderMap, {delivery}, Webhook, WebhookError}};\n\n\
             /// What an HTTP handler does with a request's headers and body.\n\
             fn receive(headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {{\n\
             \x20   let delivery = {delivery}::decode(headers, body)?;\n\
             {payload}\
             \x20   // Or by name, when the route or a header says which webhook it is:\n\
             \x20   let any = Webhook::decode({delivery}::NAME, headers, body)?;\n\
             \x20   assert_eq!(any.name(), {delivery}::NAME);\n\
             \x20   Ok(())\n\
             }}\n\n\
             // A handler answers a failed decode with 400 and the error's text.\n\
             if let Err(error) = receive(&HeaderMap::new(), b\"\") {{\n\
             \x20   println!(\"refused: {{error}}\");\n\
             }}\n\
             ```\n"
        ));
    }
    // A leading space as rustdoc's own `//!` comments have (rustdoc strips it).
    let lines = text.lines().map(|l| {
        if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        }
    });
    quote!( #( #![doc = #lines] )* )
}

fn header_field(h: &QueryParam) -> (TokenStream, TokenStream) {
    let name = ident(&h.rust_name);
    let mut ty = type_tokens(&h.ty);
    if h.list.is_some() {
        ty = quote!(Vec<#ty>);
    }
    if !h.required {
        ty = quote!(Option<#ty>);
    }
    let required = if h.required { "required" } else { "optional" };
    let mut doc = h
        .doc
        .clone()
        .map(|d| format!("{d}\n\n"))
        .unwrap_or_default();
    doc.push_str(&format!("Header {}, {required}.", code(&h.json_name)));
    let doc = doc_attrs(Some(&doc));
    let field = quote!( #doc pub #name: #ty, );
    let json = &h.json_name;
    let form = match (h.json_text, h.list) {
        (true, _) => quote!(runtime::webhook::HeaderForm::Json),
        (false, Some(ListStyle::Join(_))) | (false, Some(_)) => {
            quote!(runtime::webhook::HeaderForm::List)
        }
        (false, None) => quote!(runtime::webhook::HeaderForm::Text),
    };
    let read = if h.required {
        quote!( #name: incoming.required(#json, #form)?, )
    } else {
        quote!( #name: incoming.header(#json, #form)?, )
    };
    (field, read)
}

fn webhook_items(w: &Webhook) -> TokenStream {
    let headers_name = ident(&format!("{}Headers", w.type_name));
    let delivery_name = ident(&format!("{}Delivery", w.type_name));
    let method = w.method.as_str().to_ascii_uppercase();
    let (fields, reads): (Vec<_>, Vec<_>) = w.headers.iter().map(header_field).unzip();
    let headers_doc = doc_attrs(Some(&format!(
        "The documented headers of webhook {} ({method}).",
        code(&w.name)
    )));
    let mut doc = format!(
        "A delivery of webhook {}: a {method} request the API sends, decoded by [`Self::decode`].",
        code(&w.name)
    );
    if w.deprecated {
        doc.push_str(" The document marks this webhook deprecated.");
    }
    if let Some(spec) = &w.doc {
        doc.push_str("\n\n");
        doc.push_str(spec);
    }
    let doc = doc_attrs(Some(&doc));
    let name = &w.name;
    let media: Vec<&str> = w
        .body
        .iter()
        .flat_map(|b| &b.media_types)
        .map(String::as_str)
        .collect();
    let (payload_field, payload_read) = match &w.body {
        Some(body) => {
            let ty = type_tokens(&body.ty);
            let (ty, read, doc) = if body.required {
                (ty, quote!(incoming.payload()?), " The JSON body.")
            } else {
                (
                    quote!(Option<#ty>),
                    quote!(incoming.optional_payload()?),
                    " The JSON body (`None` when the request has none).",
                )
            };
            (
                quote!( #[doc = #doc] pub payload: #ty, ),
                quote!( payload: #read, ),
            )
        }
        None => (quote!(), quote!()),
    };
    let bind = if w.headers.is_empty() && w.body.is_none() {
        quote!(runtime::webhook::Incoming::new(Self::NAME, headers, body, limits, Self::MEDIA_TYPES)?;)
    } else {
        quote!(let incoming = runtime::webhook::Incoming::new(Self::NAME, headers, body, limits, Self::MEDIA_TYPES)?;)
    };
    quote! {
        #headers_doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #headers_name { #(#fields)* }

        #doc
        #[derive(Debug, Clone, PartialEq)]
        pub struct #delivery_name {
            /// The request's documented headers.
            pub headers: #headers_name,
            #payload_field
        }

        impl #delivery_name {
            /// The webhook's name in the document.
            pub const NAME: &'static str = #name;
            /// The media types its body may be sent as (the request's `Content-Type`).
            pub const MEDIA_TYPES: &'static [&'static str] = &[#(#media),*];

            /// Decodes a delivery from the request's headers and body, with the default [`WebhookLimits`].
            #[inline]
            pub fn decode(headers: &HeaderMap, body: &[u8]) -> Result<Self, WebhookError> {
                Self::decode_with(headers, body, &WebhookLimits::new())
            }

            /// Decodes a delivery with the given limits.
            #[inline]
            pub fn decode_with(headers: &HeaderMap, body: &[u8], limits: &WebhookLimits) -> Result<Self, WebhookError> {
                #bind
                Ok(Self {
                    headers: #headers_name { #(#reads)* },
                    #payload_read
                })
            }
        }
    }
}

/// `Webhook`: one variant per webhook, decoded by the webhook's name (the first method of a path
/// item with several).
fn dispatch(api: &Api) -> TokenStream {
    let mut seen = std::collections::BTreeSet::new();
    let variants = api.webhooks.iter().map(|w| {
        let variant = ident(&w.type_name);
        let delivery = ident(&format!("{}Delivery", w.type_name));
        let doc = doc_attrs(Some(&format!(
            "Webhook {} ({}).",
            code(&w.name),
            w.method.as_str().to_ascii_uppercase()
        )));
        quote!( #doc #variant(Box<#delivery>), )
    });
    // One function per webhook, found by name: a `match` calling every `decode_with` would hold
    // every delivery type in one stack frame (an unoptimized build overflowed with 261 webhooks).
    let decoders = api
        .webhooks
        .iter()
        .filter(|w| seen.insert(w.name.as_str()))
        .map(|w| {
            let variant = ident(&w.type_name);
            let delivery = ident(&format!("{}Delivery", w.type_name));
            let name = &w.name;
            quote!( (#name, |h, b, l| #delivery::decode_with(h, b, l).map(|d| Webhook::#variant(Box::new(d)))), )
        })
        .collect::<Vec<_>>();
    let names: Vec<&str> = {
        let mut seen = std::collections::BTreeSet::new();
        api.webhooks
            .iter()
            .map(|w| w.name.as_str())
            .filter(|n| seen.insert(*n))
            .collect()
    };
    let name_arms = api.webhooks.iter().map(|w| {
        let variant = ident(&w.type_name);
        let name = &w.name;
        quote!( Self::#variant(_) => #name, )
    });
    quote! {
        /// Decodes one webhook's delivery into [`Webhook`].
        type Decoder = fn(&HeaderMap, &[u8], &WebhookLimits) -> Result<Webhook, WebhookError>;

        /// Each webhook's decoder, by its name in the document.
        const DECODERS: &[(&str, Decoder)] = &[#(#decoders)*];

        /// A delivery of any webhook of the document.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Webhook { #(#variants)* }

        impl Webhook {
            /// The webhooks' names in the document.
            pub const NAMES: &'static [&'static str] = &[#(#names),*];

            /// Decodes a delivery of the webhook named `name` (one of [`Self::NAMES`]), with the
            /// default [`WebhookLimits`].
            #[inline]
            pub fn decode(name: &str, headers: &HeaderMap, body: &[u8]) -> Result<Self, WebhookError> {
                Self::decode_with(name, headers, body, &WebhookLimits::new())
            }

            /// [`Self::decode`] with the given limits.
            #[inline]
            pub fn decode_with(name: &str, headers: &HeaderMap, body: &[u8], limits: &WebhookLimits) -> Result<Self, WebhookError> {
                match DECODERS.iter().find(|(known, _)| *known == name) {
                    Some((_, decode)) => decode(headers, body, limits),
                    None => Err(WebhookError::unknown(name, body)),
                }
            }

            /// The webhook's name in the document.
            pub fn name(&self) -> &'static str {
                match self { #(#name_arms)* }
            }
        }
    }
}
