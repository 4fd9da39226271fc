//! One media-type version of an operation: the `Client` method, the request builder and its
//! `send()`, assembled from named steps.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::debug::with_inline_debug;
use super::docs::doc_attrs;
use super::operations::{
    client_segment, method_doc, path_format, path_pieces, query_validation, send_param,
    setter_type, value_types,
};
use super::pagination;
use super::rust_types::{ident, type_tokens};
use crate::escape::code;
use crate::ir::model::*;

/// The tokens of one version: operation static, `Client` method, builder struct and impl.
pub fn version(api: &Api, op: &Operation, v: &OperationVersion) -> TokenStream {
    let builder = ident(&v.builder_name);
    let op_const = ident(&format!("{}_OPERATION", v.fn_name.to_shouty_snake_case()));
    let path = PathParts::of(op);
    let query = QueryParts::of(op);
    let taken: Vec<String> = op
        .query_params
        .iter()
        .map(|q| q.rust_name.clone())
        .collect();
    let body = BodyParts::of(api, v, &taken);
    let (ret, decoder, empty_statuses) = response_decode(&v.response);
    let (page_fields, page_inits) = pagination::builder_fields(v);
    let page_methods = pagination::builder_methods(v);

    let operation_const = operation_const(op, v, &op_const);
    let client_method = client_method(api, op, v, &path, &body.init, &page_inits);
    let builder_doc = doc_attrs(Some(&format!(
        "Request builder for [`Client::{}`]: `{} {}`.",
        v.fn_name,
        op.method.as_str(),
        op.path
    )));
    let send_doc = send_doc(op);
    // Only redirects documented: one of them is the answer (its `Location` is returned).
    let is_redirect = matches!(v.response, ResponseBody::Redirect { .. });
    let redirect = is_redirect.then(|| quote!(request.redirect_is_success();));
    // A JSON body is not set on the request here (the runtime serializes it later).
    let body_sets = v.request.is_some() && body.deferred.is_none();
    let request_binding = if op.query_params.is_empty() && !body_sets && !is_redirect {
        quote!(request)
    } else {
        quote!(mut request)
    };
    let (path_fields, path_checks, build_path) = (&path.fields, &path.checks, &path.build);
    let (query_fields, query_setters) = (&query.fields, &query.setters);
    let (query_checks, required_query, query_sets) = (&query.checks, &query.required, &query.sets);
    let (body_field, body_setter, body_send) = (&body.field, &body.setter, &body.send);
    // A JSON body is serialized by the runtime when the call is first polled (`Call::with_json`).
    let (call_args, built, built_value, json_media_type) = match &body.deferred {
        Some((ty, media_type)) => (
            quote!('a, #ret, crate::ErrorBody, #decoder, #ty),
            quote!((runtime::Request, Option<#ty>)),
            quote!((request, body)),
            Some(media_type),
        ),
        None => (
            quote!('a, #ret, crate::ErrorBody, #decoder),
            quote!(runtime::Request),
            quote!(request),
            None,
        ),
    };
    // `(Request, Option<BTreeMap<String, Vec<..>>>)` is beyond clippy's `type_complexity` (GitHub's
    // content exclusions); a named body type never is.
    let complex_body = v
        .request
        .as_ref()
        .filter(|b| b.kind == RequestKind::Json && !matches!(b.ty, TypeRef::Named(_)))
        .map(|_| quote!(#[allow(clippy::type_complexity)]));
    let call_type = quote!(runtime::Call<#call_args>);
    // The call of the builder `receiver`: `send()`'s, and each page's of a listing.
    let call = |receiver: TokenStream| {
        let start = match json_media_type {
            Some(media_type) => quote!(with_json(core, #receiver.build_request(), #media_type)),
            None => quote!(new(core, #receiver.build_request())),
        };
        quote! {
            let core = &#receiver.client.core;
            runtime::Call::<#call_args>::#start #empty_statuses
        }
    };
    let paginated_impl = pagination::paginated_impl(v, &builder, body.deferred.as_ref());
    let send_call = call(quote!(self));
    let redacted: Vec<(&str, bool)> = body.redacted.iter().map(|f| (f.as_str(), true)).collect();
    let builder_struct = with_inline_debug(
        &redacted,
        quote! {
            #builder_doc
            #[derive(Clone)]
            #[must_use = "a request builder does nothing until `.send().await`"]
            pub struct #builder<'a> {
                client: &'a Client,
                #(#path_fields)*
                #(#query_fields)*
                #body_field
                #page_fields
            }
        },
    );
    quote! {
        #operation_const
        #client_method

        #builder_struct

        impl<'a> #builder<'a> {
            #(#query_setters)*
            #body_setter
            #page_methods

            #send_doc
            // `#[inline]` here and on every per-operation and per-type method the crate does not
            // call itself: a dev build compiles a non-generic function in its own crate even when
            // nothing uses it, an inline one only in the crates that call it (a user calls a few
            // of hundreds of operations). Whole Atlas API crate: LLVM IR -85 %, 20.7 s -> 15.3 s.
            //
            // The runtime's named future, not `impl Future`: an opaque return type costs the
            // compiler its hidden-type inference and checks in every `send` (whole Atlas API:
            // 0.98 s of typeck, MIR building and borrowck for 1,032 of them, against 0.33 s).
            #[inline]
            pub fn send(self) -> #call_type {
                #send_call
            }

            /// Validates the parameters and builds the request (the synchronous half of `send`).
            #[inline]
            #complex_body
            fn build_request(self) -> Result<#built, Error> {
                #(#path_checks)*
                #(#query_checks)*
                #(#required_query)*
                #build_path
                let #request_binding = runtime::Request::new(&#op_const, path);
                #redirect
                #(#query_sets)*
                #body_send
                Ok(#built_value)
            }
        }

        #paginated_impl
    }
}

/// `const <NAME>_OPERATION: runtime::Operation`: what the runtime needs to send and trace.
///
/// A `const`, not a `static`: `&CONST` is promoted to a `'static` where it is used, so the module
/// declaring it emits no item of its own. A `static` gave each operation module a codegen unit,
/// 516 on the whole Atlas API, for a few bytes each (0.4-1 s of its 11 s build).
fn operation_const(op: &Operation, v: &OperationVersion, name: &proc_macro2::Ident) -> TokenStream {
    let operation_id = &op.operation_id;
    let path_template = &op.path;
    let media_type = &v.media_type;
    let method = ident(op.method.runtime_variant());
    quote! {
        const #name: runtime::Operation = runtime::Operation {
            operation_id: #operation_id,
            method: runtime::Method::#method,
            path_template: #path_template,
            media_type: #media_type,
        };
    }
}

/// `impl Client { pub fn <name>(&self, path args..) -> Builder }`, deprecated when the spec says so.
fn client_method(
    api: &Api,
    op: &Operation,
    v: &OperationVersion,
    path: &PathParts,
    body_init: &Option<TokenStream>,
    page_inits: &TokenStream,
) -> TokenStream {
    let builder = ident(&v.builder_name);
    let fn_name = ident(&v.fn_name);
    let method_doc = doc_attrs(Some(&method_doc(op, v, api.profile.vendor)));
    let deprecated = match (&v.sunset, v.is_latest, op.deprecated) {
        (_, _, true) => {
            Some(quote!(#[deprecated(note = "the spec marks this operation deprecated")]))
        }
        (Some(sunset), false, _) => {
            let note = format!(
                "media type {} is sunset on {}; use `{}`",
                v.media_type, sunset, op.versions[0].fn_name
            );
            let note = crate::escape::inline(&note);
            Some(quote!(#[deprecated(note = #note)]))
        }
        _ => None,
    };
    let path_args = path_arguments(op);
    let many_args = many_arguments(&path_args);
    let path_inits = &path.inits;
    let query_inits = op.query_params.iter().map(|q| {
        let name = ident(&q.rust_name);
        quote!(#name: None,)
    });
    quote! {
        impl Client {
            #method_doc
            #deprecated
            #many_args
            pub fn #fn_name(&self, #(#path_args),*) -> #builder<'_> {
                #builder {
                    client: self,
                    #(#path_inits)*
                    #(#query_inits)*
                    #body_init
                    #page_inits
                }
            }
        }
    }
}

/// `#[allow(clippy::too_many_arguments)]` for a method taking `self` and these: the path decides
/// how many there are (APIs with eight path parameters exist), not a design choice to revisit.
pub(super) fn many_arguments(args: &[TokenStream]) -> Option<TokenStream> {
    (args.len() >= 7).then(|| quote!(#[allow(clippy::too_many_arguments)]))
}

/// The path arguments of an operation's `Client` method, and of the mock's `on_` method: one
/// list, so both take the same types (a validated string as `impl AsRef<str>`, an integer as
/// itself).
pub(super) fn path_arguments(op: &Operation) -> Vec<TokenStream> {
    op.path_params
        .iter()
        .map(|p| {
            let name = ident(&p.rust_name);
            match &p.ty {
                PathType::Validated(_) => quote!(#name: impl AsRef<str>),
                PathType::Scalar(ty) => {
                    let ty = type_tokens(ty);
                    quote!(#name: #ty)
                }
                PathType::List(item) => {
                    let (arg, _, _) = value_types(item, true, quote!(#name));
                    quote!(#name: #arg)
                }
            }
        })
        .collect()
}

/// Path parameters: builder fields, their initialisation, validation in `send`, the path.
struct PathParts {
    fields: Vec<TokenStream>,
    inits: Vec<TokenStream>,
    checks: Vec<TokenStream>,
    build: TokenStream,
}

impl PathParts {
    fn of(op: &Operation) -> Self {
        let mut parts = PathParts {
            fields: Vec::new(),
            inits: Vec::new(),
            checks: Vec::new(),
            build: TokenStream::new(),
        };
        for p in &op.path_params {
            let name = ident(&p.rust_name);
            match &p.ty {
                PathType::Validated(ty) => {
                    let ty = ident(ty);
                    parts.fields.push(quote!(#name: String,));
                    parts.inits.push(quote!(#name: #name.as_ref().to_owned(),));
                    parts
                        .checks
                        .push(quote!(let #name = crate::params::#ty::new(self.#name)?;));
                }
                PathType::Scalar(ty) => {
                    let ty = type_tokens(ty);
                    parts.fields.push(quote!(#name: #ty,));
                    parts.inits.push(quote!(#name,));
                    parts.checks.push(quote!(let #name = self.#name;));
                }
                PathType::List(item) => {
                    let (_, stored, convert) = value_types(item, true, quote!(#name));
                    parts.fields.push(quote!(#name: #stored,));
                    parts.inits.push(quote!(#name: #convert,));
                    parts.checks.push(quote!(let #name = self.#name;));
                }
            }
        }
        let (fmt, args) = path_format(op.sent_path(), &op.path_params, client_segment);
        parts.build = match path_pieces(op.sent_path(), &op.path_params) {
            _ if args.is_empty() => quote!(let path = String::from(#fmt);),
            Some((literals, values)) => {
                quote!(let path = runtime::path(&[#(#literals),*], &[#(#values),*]);)
            }
            None => quote!(let path = format!(#fmt, #(#args),*);),
        };
        parts
    }
}

/// Query and header parameters: fields, setters, checks, and the statements that send them.
struct QueryParts {
    fields: Vec<TokenStream>,
    setters: Vec<TokenStream>,
    checks: Vec<TokenStream>,
    required: Vec<TokenStream>,
    sets: Vec<TokenStream>,
}

impl QueryParts {
    fn of(op: &Operation) -> Self {
        let params = &op.query_params;
        QueryParts {
            fields: params
                .iter()
                .map(|q| {
                    let name = ident(&q.rust_name);
                    let (_, stored, _) = setter_type(q);
                    quote!(#name: Option<#stored>,)
                })
                .collect(),
            setters: params.iter().map(query_setter).collect(),
            checks: params.iter().filter_map(query_validation).collect(),
            required: params
                .iter()
                .filter(|q| q.required)
                .map(|q| {
                    let name = ident(&q.rust_name);
                    let json = &q.json_name;
                    quote!(runtime::validate::required(#json, self.#name.is_some())?;)
                })
                .collect(),
            sets: params.iter().map(send_param).collect(),
        }
    }
}

/// The setter of one query or header parameter, documented with its wire form and rules.
fn query_setter(q: &QueryParam) -> TokenStream {
    let name = ident(&q.rust_name);
    let (arg, _, convert) = setter_type(q);
    let location = match q.location {
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    let mut doc = q
        .doc
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| format!("Sets {location} {}.", code(&q.json_name)));
    match (q.location, q.list) {
        (ParamLocation::Header, _) if q.doc.is_some() => {
            doc.push_str(&format!("\n\nSent as header {}.", code(&q.json_name)))
        }
        (ParamLocation::Cookie, _) if q.doc.is_some() => doc.push_str(&format!(
            "\n\nSent as cookie {} in the `Cookie` header.",
            code(&q.json_name)
        )),
        (ParamLocation::Header | ParamLocation::Cookie, _) => {}
        (_, Some(ListStyle::Brackets)) => doc.push_str(&format!(
            "\n\nEach value is sent as its own {} pair.",
            code(&format!("{}[]=", q.json_name))
        )),
        (_, Some(ListStyle::Repeat)) => doc.push_str(&format!(
            "\n\nEach value is sent as its own {} pair.",
            code(&format!("{}=", q.json_name))
        )),
        (_, Some(ListStyle::Join(c))) => {
            doc.push_str(&format!("\n\nValues are sent joined by `{c}`."))
        }
        _ => {}
    }
    let is_array = matches!(q.ty, TypeRef::Vec(_));
    match q.object {
        Some(ObjectStyle::DeepObject) if is_array => doc.push_str(&format!(
            "\n\nSent as `{}[index][property]=value` pairs (`style: deepObject`, indexed).",
            q.json_name
        )),
        Some(_) if is_array => doc.push_str("\n\nEach item is sent as its own pair, as JSON text."),
        Some(ObjectStyle::DeepObject) => doc.push_str(&format!(
            "\n\nSent as `{}[property]=value` pairs (`style: deepObject`); nested objects continue \
             the brackets, arrays repeat `[]`.",
            q.json_name
        )),
        Some(ObjectStyle::FormExploded) => doc.push_str(
            "\n\nEach property is sent as its own `property=value` pair; an array property repeats it.",
        ),
        Some(ObjectStyle::FormJoined) => doc.push_str(&format!(
            "\n\nSent as one pair `{}=property,value,...`.",
            q.json_name
        )),
        None => {}
    }
    if q.json_text {
        doc.push_str("\n\nSent as JSON text (the spec declares it as `application/json` content).");
    }
    if q.allow_reserved {
        doc.push_str(
            "\n\nReserved characters (`:/?@!$&'()*+,;=`) are sent unencoded (`allowReserved`).",
        );
    }
    let rules = match (q.rules.minimum, q.rules.maximum) {
        (Some(a), Some(b)) => Some(format!("Must be in {a}..={b}")),
        (Some(a), None) => Some(format!("Must be at least {a}")),
        (None, Some(b)) => Some(format!("Must be at most {b}")),
        (None, None) => None,
    };
    if let Some(rules) = rules {
        doc.push_str(&format!(
            "\n\n{rules}; checked by `send()` before any request is made."
        ));
    }
    let doc = doc_attrs(Some(&doc));
    quote! {
        #doc
        #[inline]
        pub fn #name(mut self, value: #arg) -> Self {
            self.#name = Some(#convert);
            self
        }
    }
}

/// The request body: field (plus member fields), initialisation, setters, and the send step.
struct BodyParts {
    field: Option<TokenStream>,
    init: Option<TokenStream>,
    setter: Option<TokenStream>,
    send: Option<TokenStream>,
    /// The body type and media type of a JSON body, serialized by the runtime on the first poll.
    deferred: Option<(TokenStream, String)>,
    /// Member fields holding a `format: password` member, redacted in `Debug`.
    redacted: Vec<String>,
}

impl BodyParts {
    fn of(api: &Api, v: &OperationVersion, taken: &[String]) -> Self {
        let Some(body) = &v.request else {
            return BodyParts {
                field: None,
                init: None,
                setter: None,
                send: None,
                deferred: None,
                redacted: Vec::new(),
            };
        };
        let media_type = &body.media_type;
        let (ty, encode) = match body.kind {
            RequestKind::Json => (
                type_tokens(&body.ty),
                quote!(request.json_body_as(#media_type, body)?;),
            ),
            RequestKind::Form => (
                type_tokens(&body.ty),
                quote!(request.form_body(#media_type, body)?;),
            ),
            RequestKind::Multipart => (
                quote!(crate::Multipart),
                quote!(request.multipart_body(body)?;),
            ),
            RequestKind::Text => (
                quote!(String),
                quote!(request.raw_body(#media_type, body.clone());),
            ),
            RequestKind::Bytes => (
                quote!(bytes::Bytes),
                quote!(request.raw_body(#media_type, body.clone());),
            ),
        };
        let default_doc = format!("Sets the request body, sent as {}.", code(media_type));
        let doc = doc_attrs(Some(
            body.doc
                .as_deref()
                .filter(|d| !d.trim().is_empty())
                .unwrap_or(&default_doc),
        ));
        // Member setters for structured bodies only.
        let members = match body.kind {
            RequestKind::Json | RequestKind::Form => {
                super::body_fields::body_fields(api, &body.ty, taken)
            }
            RequestKind::Multipart => super::multipart::part_fields(&body.parts, taken),
            _ => None,
        };
        let assemble = match &members {
            Some(m) => m.assemble.clone(),
            None => quote!(self.body),
        };
        let check = body
            .required
            .then(|| quote!(runtime::validate::required("body", body.is_some())?;));
        let deferred = (body.kind == RequestKind::Json).then(|| (ty.clone(), media_type.clone()));
        let send = if deferred.is_some() {
            quote! {
                let body: Option<#ty> = #assemble;
                #check
            }
        } else {
            quote! {
                let body: Option<#ty> = #assemble;
                #check
                if let Some(body) = &body {
                    #encode
                }
            }
        };
        let (member_fields, member_inits, member_setters, redacted) = match members {
            Some(m) => (m.fields, m.inits, m.setters, m.redacted),
            None => Default::default(),
        };
        BodyParts {
            field: Some(quote!(body: Option<#ty>, #member_fields)),
            init: Some(quote!(body: None, #member_inits)),
            setter: Some(quote! {
                #doc
                pub fn body(mut self, value: impl Into<#ty>) -> Self {
                    self.body = Some(value.into());
                    self
                }
                #member_setters
            }),
            send: Some(send),
            deferred,
            redacted,
        }
    }
}

/// `send()`'s return type, the runtime's decoding strategy (`runtime::call::*`) that turns the
/// response into it, and the `.empty_statuses(..)` call for statuses documented without a body.
fn response_decode(response: &ResponseBody) -> (TokenStream, TokenStream, TokenStream) {
    let strategy = |name: &str| {
        let name = ident(name);
        quote!(runtime::call::#name)
    };
    match response {
        ResponseBody::Json {
            ty, empty_statuses, ..
        } if !empty_statuses.is_empty() => {
            let ty = type_tokens(ty);
            (
                quote!(Option<#ty>),
                strategy("JsonOrEmpty"),
                quote!(.empty_statuses(&[#(#empty_statuses),*])),
            )
        }
        ResponseBody::Json { ty, .. } => (type_tokens(ty), strategy("Json"), quote!()),
        ResponseBody::Empty { .. } => (quote!(()), strategy("Empty"), quote!()),
        ResponseBody::Bytes { .. } => (quote!(bytes::Bytes), strategy("Raw"), quote!()),
        ResponseBody::Text { .. } => (quote!(String), strategy("Text"), quote!()),
        ResponseBody::Redirect { .. } => (quote!(Option<String>), strategy("Location"), quote!()),
    }
}

/// The `# Errors` docs of `send()`, naming the documented error statuses.
fn send_doc(op: &Operation) -> TokenStream {
    let mut doc = String::from(
        "Validates the parameters, sends the request and decodes the response. Returns a future \
         (the runtime's `Call`); awaited, it gives the decoded response or an [`Error`].\n\n\
         # Errors\n\n",
    );
    doc.push_str(
        "`Error::InvalidRequest` before anything is sent when a parameter breaks its rule; ",
    );
    if op.error_statuses.is_empty() {
        doc.push_str("otherwise transport, API and decode errors, see [`Error`].");
    } else {
        doc.push_str(&format!(
            "otherwise transport, API (documented: {}) and decode errors, see [`Error`].",
            op.error_statuses.join(", ")
        ));
    }
    doc_attrs(Some(&doc))
}
