//! Operations -> one module per operation under `src/operations/`: a `Client` method and a request
//! builder per media-type version.

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::pagination;
use super::rust_types::{ident, type_tokens};
use crate::ir::model::*;

/// How a query or header parameter is passed to its setter and stored.
fn setter_type(q: &QueryParam) -> (TokenStream, TokenStream, TokenStream) {
    // (argument type, stored type, conversion from argument to stored)
    match (&q.ty, q.list) {
        (TypeRef::String, None) => (
            quote!(impl Into<String>),
            quote!(String),
            quote!(value.into()),
        ),
        (TypeRef::String, Some(_)) => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(Vec<String>),
            quote!(value.into_iter().map(Into::into).collect()),
        ),
        (other, None) => {
            let t = type_tokens(other);
            (t.clone(), t, quote!(value))
        }
        (other, Some(_)) => {
            let t = type_tokens(other);
            (
                quote!(impl IntoIterator<Item = #t>),
                quote!(Vec<#t>),
                quote!(value.into_iter().collect()),
            )
        }
    }
}

/// `value` (a `&T` of the parameter's item type) as something implementing `runtime::QueryValue`.
fn wire_value(ty: &TypeRef, value: TokenStream) -> TokenStream {
    match ty {
        TypeRef::Named(_) => quote!(#value.as_str()),
        TypeRef::DateTime => quote!(#value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
        TypeRef::Date | TypeRef::Uuid => quote!(#value.to_string()),
        _ => value,
    }
}

/// The statements that put one query or header parameter on the request.
fn send_param(q: &QueryParam) -> TokenStream {
    let name = ident(&q.rust_name);
    let json = &q.json_name;
    let method = match q.location {
        ParamLocation::Query => quote!(query),
        ParamLocation::Header => quote!(header),
    };
    match q.list {
        None => {
            let value = match &q.ty {
                TypeRef::Named(_) => quote!(self.#name.as_ref().map(|v| v.as_str().to_owned())),
                TypeRef::DateTime | TypeRef::Date | TypeRef::Uuid => {
                    let wire = wire_value(&q.ty, quote!(v));
                    quote!(self.#name.map(|v| #wire))
                }
                _ => quote!(self.#name),
            };
            let envelope = q
                .is_envelope
                .then(|| quote!(request.envelope(self.#name.unwrap_or(false));));
            quote! { #envelope request.#method(#json, #value); }
        }
        Some(ListStyle::Repeat) => {
            let wire = wire_value(&q.ty, quote!(v));
            quote! {
                for v in self.#name.iter().flatten() {
                    request.#method(#json, Some(#wire));
                }
            }
        }
        Some(ListStyle::Join(separator)) => {
            let wire = wire_value(&q.ty, quote!(v));
            let separator = separator.to_string();
            quote! {
                request.#method(#json, self.#name.as_ref().map(|values| {
                    values.iter().map(|v| runtime::QueryValue::to_query(&#wire)).collect::<Vec<_>>().join(#separator)
                }));
            }
        }
    }
}

fn query_validation(q: &QueryParam) -> Option<TokenStream> {
    let name = &q.json_name;
    let field = ident(&q.rust_name);
    // Each item of a list is checked like a single value.
    let each = match q.list {
        None => quote!(if let Some(value) = &self.#field),
        Some(_) => quote!(for value in self.#field.iter().flatten()),
    };
    let opt = |v: Option<i64>| match v {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let opt_u = |v: Option<u64>| match v {
        Some(v) => {
            let v = v as usize;
            quote!(Some(#v))
        }
        None => quote!(None),
    };
    match &q.ty {
        TypeRef::I32 | TypeRef::I64 if q.rules.minimum.is_some() || q.rules.maximum.is_some() => {
            let (min, max) = (opt(q.rules.minimum), opt(q.rules.maximum));
            let value = if q.ty == TypeRef::I32 {
                quote!(i64::from(*value))
            } else {
                quote!(*value)
            };
            Some(quote! {
                #each {
                    runtime::validate::integer(#name, #value, #min, #max)?;
                }
            })
        }
        TypeRef::String if q.rules.string != StringRules::default() => {
            let (min, max) = (
                opt_u(q.rules.string.min_length),
                opt_u(q.rules.string.max_length),
            );
            let pattern = match &q.rules.string.pattern {
                Some(p) => quote!(Some({
                    static PATTERN: runtime::Pattern = runtime::Pattern::new(#p);
                    &PATTERN
                })),
                None => quote!(None),
            };
            Some(quote! {
                #each {
                    runtime::validate::string(#name, value, #min, #max, #pattern)?;
                }
            })
        }
        _ => None,
    }
}

/// `"/a/{x}/b"` -> (`"/a/{}/b"`, [arg(x)]) for `format!`, escaping literal braces. `arg` renders one
/// path parameter as the expression that fills its segment (the client and the mock server differ).
pub(super) fn path_format(
    path: &str,
    params: &[PathParam],
    arg: impl Fn(&PathParam) -> TokenStream,
) -> (String, Vec<TokenStream>) {
    let mut fmt = String::new();
    let mut args = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        fmt.push_str(&rest[..start].replace('}', "}}"));
        let name = &rest[start + 1..start + len];
        match params.iter().find(|p| p.json_name == name) {
            Some(p) => {
                fmt.push_str("{}");
                args.push(arg(p));
            }
            None => fmt.push_str(
                &rest[start..=start + len]
                    .replace('{', "{{")
                    .replace('}', "}}"),
            ),
        }
        rest = &rest[start + len + 1..];
    }
    fmt.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    (fmt, args)
}

/// The client's segment expression: the validated (or integer) parameter, percent-encoded.
fn client_segment(p: &PathParam) -> TokenStream {
    let var = ident(&p.rust_name);
    match p.ty {
        PathType::Validated(_) => quote!(runtime::encode_segment(#var.as_str())),
        PathType::Integer(_) => quote!(runtime::encode_segment(&#var.to_string())),
    }
}

pub fn operation_module(api: &Api, op: &Operation) -> TokenStream {
    let versions = op.versions.iter().map(|v| version(api, op, v));
    let waiter = super::waiter::waiter(op);
    quote! {
        use crate::runtime::{self, Client, Error};
        #(#versions)*
        #waiter
    }
}

fn method_doc(op: &Operation, v: &OperationVersion) -> String {
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary.trim_end_matches('.'));
        doc.push_str(".\n\n");
    }
    doc.push_str(&format!(
        "`{} {}` (operation `{}`",
        op.method.as_str(),
        op.path,
        op.operation_id
    ));
    match &v.version {
        Some(version) => doc.push_str(&format!(", media type version `{version}`).")),
        None => doc.push_str(")."),
    }
    if let Some(sunset) = &v.sunset {
        doc.push_str(&format!(" Atlas sunsets this version on {sunset}."));
    }
    if !v.is_latest {
        let latest = &op.versions[0];
        if latest.version == v.version {
            doc.push_str(&format!(
                " The same resource as JSON: [`Client::{}`].",
                latest.fn_name
            ));
        } else {
            doc.push_str(&format!(
                " The newest version is [`Client::{}`].",
                latest.fn_name
            ));
        }
    }
    if let Some(description) = &op.doc {
        doc.push_str("\n\n");
        doc.push_str(description.trim());
    }
    doc.push_str("\n\nReturns a builder: set optional parameters, then call `.send().await`.");
    doc
}

fn version(api: &Api, op: &Operation, v: &OperationVersion) -> TokenStream {
    let builder = ident(&v.builder_name);
    let fn_name = ident(&v.fn_name);
    let op_static = ident(&format!("{}_OPERATION", v.fn_name.to_shouty_snake_case()));
    let operation_id = &op.operation_id;
    let path_template = &op.path;
    let media_type = &v.media_type;
    let method = ident(match op.method {
        Method::Get => "Get",
        Method::Post => "Post",
        Method::Put => "Put",
        Method::Patch => "Patch",
        Method::Delete => "Delete",
        Method::Head => "Head",
        Method::Options => "Options",
        Method::Trace => "Trace",
    });

    let method_doc = doc_attrs(Some(&method_doc(op, v)));
    let deprecated = match (&v.sunset, v.is_latest, op.deprecated) {
        (_, _, true) => {
            Some(quote!(#[deprecated(note = "the spec marks this operation deprecated")]))
        }
        (Some(sunset), false, _) => {
            let note = format!(
                "media type {} is sunset on {}; use `{}`",
                v.media_type, sunset, op.versions[0].fn_name
            );
            Some(quote!(#[deprecated(note = #note)]))
        }
        _ => None,
    };

    let path_args = op.path_params.iter().map(|p| {
        let name = ident(&p.rust_name);
        match &p.ty {
            PathType::Validated(_) => quote!(#name: impl AsRef<str>),
            PathType::Integer(ty) => {
                let ty = type_tokens(ty);
                quote!(#name: #ty)
            }
        }
    });
    let path_fields = op.path_params.iter().map(|p| {
        let name = ident(&p.rust_name);
        match &p.ty {
            PathType::Validated(_) => quote!(#name: String,),
            PathType::Integer(ty) => {
                let ty = type_tokens(ty);
                quote!(#name: #ty,)
            }
        }
    });
    let path_inits = op.path_params.iter().map(|p| {
        let name = ident(&p.rust_name);
        match &p.ty {
            PathType::Validated(_) => quote!(#name: #name.as_ref().to_owned(),),
            PathType::Integer(_) => quote!(#name,),
        }
    });
    let path_checks = op.path_params.iter().map(|p| {
        let name = ident(&p.rust_name);
        match &p.ty {
            PathType::Validated(ty) => {
                let ty = ident(ty);
                quote!(let #name = crate::params::#ty::new(self.#name)?;)
            }
            PathType::Integer(_) => quote!(let #name = self.#name;),
        }
    });

    let query_fields = op.query_params.iter().map(|q| {
        let name = ident(&q.rust_name);
        let (_, stored, _) = setter_type(q);
        quote!(#name: Option<#stored>,)
    });
    let query_inits = op.query_params.iter().map(|q| {
        let name = ident(&q.rust_name);
        quote!(#name: None,)
    });
    let query_setters = op.query_params.iter().map(|q| {
        let name = ident(&q.rust_name);
        let (arg, _, convert) = setter_type(q);
        let location = match q.location {
            ParamLocation::Query => "query parameter",
            ParamLocation::Header => "header",
        };
        let mut doc = q
            .doc
            .clone()
            .unwrap_or_else(|| format!("Sets {location} `{}`.", q.json_name));
        match (q.location, q.list) {
            (ParamLocation::Header, _) if q.doc.is_some() => {
                doc.push_str(&format!("\n\nSent as header `{}`.", q.json_name))
            }
            (ParamLocation::Header, _) => {}
            (_, Some(ListStyle::Repeat)) => doc.push_str(&format!(
                "\n\nEach value is sent as its own `{}=` pair.",
                q.json_name
            )),
            (_, Some(ListStyle::Join(c))) => {
                doc.push_str(&format!("\n\nValues are sent joined by `{c}`."))
            }
            _ => {}
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
            pub fn #name(mut self, value: #arg) -> Self {
                self.#name = Some(#convert);
                self
            }
        }
    });
    let query_checks = op.query_params.iter().filter_map(query_validation);
    let query_sets = op.query_params.iter().map(send_param);
    let required_query = op.query_params.iter().filter(|q| q.required).map(|q| {
        let name = ident(&q.rust_name);
        let json = &q.json_name;
        quote!(runtime::validate::required(#json, self.#name.is_some())?;)
    });

    let taken: Vec<String> = op
        .query_params
        .iter()
        .map(|q| q.rust_name.clone())
        .collect();
    let (body_field, body_init, body_setter, body_send) = match &v.request {
        None => (None, None, None, None),
        Some(body) => {
            let ty = type_tokens(&body.ty);
            let doc = doc_attrs(Some(
                body.doc
                    .as_deref()
                    .filter(|d| !d.trim().is_empty())
                    .unwrap_or("Sets the request body."),
            ));
            let members = super::body_fields::body_fields(api, &body.ty, &taken);
            let assemble = match &members {
                Some(m) => m.assemble.clone(),
                None => quote!(self.body),
            };
            let check = body
                .required
                .then(|| quote!(runtime::validate::required("body", body.is_some())?;));
            let send = quote! {
                let body: Option<#ty> = #assemble;
                #check
                if let Some(body) = &body {
                    request.json_body(body)?;
                }
            };
            let (member_fields, member_inits, member_setters) = match members {
                Some(m) => (m.fields, m.inits, m.setters),
                None => Default::default(),
            };
            (
                Some(quote!(body: Option<#ty>, #member_fields)),
                Some(quote!(body: None, #member_inits)),
                Some(quote! {
                    #doc
                    pub fn body(mut self, value: impl Into<#ty>) -> Self {
                        self.body = Some(value.into());
                        self
                    }
                    #member_setters
                }),
                Some(send),
            )
        }
    };

    let (ret, decode) = match &v.response {
        ResponseBody::Json {
            ty, empty_statuses, ..
        } if !empty_statuses.is_empty() => {
            let ty = type_tokens(ty);
            (
                quote!(Option<#ty>),
                quote! {
                    if [#(#empty_statuses),*].contains(&response.status()) {
                        return Ok(None);
                    }
                    response.json::<#ty>().map(Some)
                },
            )
        }
        ResponseBody::Json { ty, .. } => {
            let ty = type_tokens(ty);
            (ty.clone(), quote!(response.json::<#ty>()))
        }
        ResponseBody::Empty { .. } => (quote!(()), quote!(response.empty())),
        ResponseBody::Bytes { .. } => (quote!(bytes::Bytes), quote!(Ok(response.bytes()))),
        ResponseBody::Text { .. } => (quote!(String), quote!(response.text())),
    };
    let request_binding = if op.query_params.is_empty() && v.request.is_none() {
        quote!(request)
    } else {
        quote!(mut request)
    };
    let (path_fmt, path_fmt_args) = path_format(&op.path, &op.path_params, client_segment);
    let build_path = if path_fmt_args.is_empty() {
        quote!(let path = String::from(#path_fmt);)
    } else {
        quote!(let path = format!(#path_fmt, #(#path_fmt_args),*);)
    };
    let builder_doc = doc_attrs(Some(&format!(
        "Request builder for [`Client::{}`]: `{} {}`.",
        v.fn_name,
        op.method.as_str(),
        op.path
    )));
    let mut send_doc = String::from(
        "Validates the parameters, sends the request and decodes the response.\n\n# Errors\n\n",
    );
    send_doc.push_str(
        "[`Error::InvalidRequest`] before anything is sent when a parameter breaks its rule; ",
    );
    if op.error_statuses.is_empty() {
        send_doc.push_str("otherwise transport, API and decode errors, see [`Error`].");
    } else {
        send_doc.push_str(&format!(
            "otherwise transport, API (documented: {}) and decode errors, see [`Error`].",
            op.error_statuses.join(", ")
        ));
    }
    let send_doc = doc_attrs(Some(&send_doc));

    let (page_fields, page_inits) = pagination::builder_fields(v);
    let page_methods = pagination::builder_methods(v);
    let impl_head = if v.pagination.is_some() {
        quote!(impl<'a> #builder<'a>)
    } else {
        quote!(impl #builder<'_>)
    };
    quote! {
        static #op_static: runtime::Operation = runtime::Operation {
            operation_id: #operation_id,
            method: runtime::Method::#method,
            path_template: #path_template,
            media_type: #media_type,
        };

        impl Client {
            #method_doc
            #deprecated
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

        #builder_doc
        #[derive(Debug, Clone)]
        #[must_use = "a request builder does nothing until `.send().await`"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#path_fields)*
            #(#query_fields)*
            #body_field
            #page_fields
        }

        #impl_head {
            #(#query_setters)*
            #body_setter
            #page_methods

            #send_doc
            pub async fn send(self) -> Result<#ret, Error> {
                #(#path_checks)*
                #(#query_checks)*
                #(#required_query)*
                #build_path
                let #request_binding = runtime::Request::new(&#op_static, path);
                #(#query_sets)*
                #body_send
                let response = self.client.execute(request).await?;
                #decode
            }
        }
    }
}
