//! Operations -> one module per operation under `src/operations/`: a `Client` method and a request
//! builder per media-type version (`version.rs`); here the pieces shared by every version: query,
//! header and cookie parameters, path formatting, the method docs.

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_types::{ident, type_tokens};
use crate::escape::code;
use crate::ir::model::*;

/// How a query, header or cookie parameter is passed to its setter and stored.
pub(super) fn setter_type(q: &QueryParam) -> (TokenStream, TokenStream, TokenStream) {
    value_types(&q.ty, q.list.is_some(), quote!(value))
}

/// (argument type, stored type, conversion of `value` from argument to stored) of a value of type
/// `ty`, or of many values of that type when `list`.
pub(super) fn value_types(
    ty: &TypeRef,
    list: bool,
    value: TokenStream,
) -> (TokenStream, TokenStream, TokenStream) {
    match (ty, list) {
        (TypeRef::String, false) => (
            quote!(impl Into<String>),
            quote!(String),
            quote!(#value.into()),
        ),
        (TypeRef::String, true) => (
            quote!(impl IntoIterator<Item = impl Into<String>>),
            quote!(Vec<String>),
            quote!(#value.into_iter().map(Into::into).collect()),
        ),
        (other, false) => {
            let t = type_tokens(other);
            (t.clone(), t, value)
        }
        (other, true) => {
            let t = type_tokens(other);
            (
                quote!(impl IntoIterator<Item = #t>),
                quote!(Vec<#t>),
                quote!(#value.into_iter().collect()),
            )
        }
    }
}

/// `value` (a `&T` of the parameter's item type) as something implementing `runtime::QueryValue`.
fn wire_value(ty: &TypeRef, value: TokenStream) -> TokenStream {
    wire_text(ty, &value).unwrap_or(value)
}

/// The wire text of `value` (a `&T`) as an owned `String`, or None when `T` is itself a
/// `runtime::QueryValue` (numbers, booleans, strings).
pub(super) fn wire_text(ty: &TypeRef, value: &TokenStream) -> Option<TokenStream> {
    match ty {
        // String and integer enums: their wire text is their Display.
        TypeRef::Named(_) => Some(quote!(#value.to_string())),
        TypeRef::DateTime => {
            Some(quote!(#value.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)))
        }
        TypeRef::Date | TypeRef::Uuid => Some(quote!(#value.to_string())),
        _ => None,
    }
}

/// The statements that put one query, header or cookie parameter on the request.
pub(super) fn send_param(q: &QueryParam) -> TokenStream {
    let name = ident(&q.rust_name);
    let json = &q.json_name;
    let method = match (q.location, q.allow_reserved) {
        (ParamLocation::Query, false) => quote!(query),
        (ParamLocation::Query, true) => quote!(query_reserved),
        (ParamLocation::Header, _) => quote!(header),
        (ParamLocation::Cookie, _) => quote!(cookie),
    };
    if q.json_text {
        return quote! {
            {
                let text = self.#name.as_ref().map(|v| runtime::validate::json_text(#json, v));
                request.#method(#json, text.transpose()?);
            }
        };
    }
    if let Some(style) = q.object {
        let style = ident(match style {
            ObjectStyle::DeepObject => "DeepObject",
            ObjectStyle::FormExploded => "FormExploded",
            ObjectStyle::FormJoined => "FormJoined",
        });
        let reserved = q.allow_reserved;
        return quote! {
            request.query_object(#json, runtime::ObjectStyle::#style, #reserved, self.#name.as_ref())?;
        };
    }
    match q.list {
        None => {
            let value = match &q.ty {
                TypeRef::Named(_) => quote!(self.#name.as_ref().map(|v| v.to_string())),
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
        Some(style @ (ListStyle::Repeat | ListStyle::Brackets)) => {
            let wire = wire_value(&q.ty, quote!(v));
            let wire_name = match style {
                ListStyle::Brackets => format!("{json}[]"),
                _ => json.clone(),
            };
            quote! {
                for v in self.#name.iter().flatten() {
                    request.#method(#wire_name, Some(#wire));
                }
            }
        }
        // Each cookie item is encoded on its own, so a comma inside one is not a separator.
        Some(ListStyle::Join(_)) if q.location == ParamLocation::Cookie => {
            let wire = wire_value(&q.ty, quote!(v));
            quote! {
                request.cookie_list(#json, self.#name.as_ref().map(|values| {
                    values.iter().map(|v| runtime::QueryValue::to_query(&#wire)).collect::<Vec<_>>()
                }).as_deref());
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

pub(super) fn query_validation(q: &QueryParam) -> Option<TokenStream> {
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

/// A piece of a path template: literal text, a parameter, or braces naming no parameter (kept as
/// text).
enum TemplatePiece<'a> {
    Literal(&'a str),
    Param(&'a PathParam),
    Unmatched(&'a str),
}

/// `"/a/{x}/b"` -> [`Literal("/a/")`, `Param(x)`, `Literal("/b")`]: the one scan of a path template
/// that both ways of building the path read. An unclosed `{` and what follows stay literal.
fn template_pieces<'a>(path: &'a str, params: &'a [PathParam]) -> Vec<TemplatePiece<'a>> {
    let mut pieces = Vec::new();
    let mut rest = path;
    // The first parameter of each name, found by one lookup per placeholder.
    let mut by_name = std::collections::HashMap::new();
    for p in params {
        by_name.entry(p.json_name.as_str()).or_insert(p);
    }
    while let Some((before, after)) = rest.split_once('{') {
        let Some((name, tail)) = after.split_once('}') else {
            break;
        };
        pieces.push(TemplatePiece::Literal(before));
        pieces.push(match by_name.get(name) {
            Some(&p) => TemplatePiece::Param(p),
            None => TemplatePiece::Unmatched(name),
        });
        rest = tail;
    }
    pieces.push(TemplatePiece::Literal(rest));
    pieces
}

/// `"/a/{x}/b"` -> (`"/a/{}/b"`, [arg(x)]) for `format!`, escaping literal braces. `arg` renders one
/// path parameter as the expression that fills its segment (the client and the mock server differ).
pub(super) fn path_format(
    path: &str,
    params: &[PathParam],
    arg: impl Fn(&PathParam) -> TokenStream,
) -> (String, Vec<TokenStream>) {
    let escape = |text: &str| text.replace('{', "{{").replace('}', "}}");
    let mut fmt = String::new();
    let mut args = Vec::new();
    for piece in template_pieces(path, params) {
        match piece {
            TemplatePiece::Literal(text) => fmt.push_str(&escape(text)),
            TemplatePiece::Unmatched(name) => fmt.push_str(&format!("{{{{{}}}}}", escape(name))),
            TemplatePiece::Param(p) => {
                fmt.push_str(&escape(&p.style.prefix_and_separator().0));
                fmt.push_str("{}");
                args.push(arg(p));
            }
        }
    }
    (fmt, args)
}

/// `"/a/{x}/b"` -> (`["/a/", "/b"]`, [x's raw text]) for `runtime::path`, which percent-encodes each
/// value between the literal pieces in one allocation (cheaper per request than `format!` with an
/// encoded `String` per segment). `None` when a parameter is an array (its items are encoded and
/// joined first: `format!` as before).
pub(super) fn path_pieces(
    path: &str,
    params: &[PathParam],
) -> Option<(Vec<String>, Vec<TokenStream>)> {
    let mut literals = vec![String::new()];
    let mut values = Vec::new();
    for piece in template_pieces(path, params) {
        let current = literals.last_mut()?;
        match piece {
            TemplatePiece::Literal(text) => current.push_str(text),
            TemplatePiece::Unmatched(name) => current.push_str(&format!("{{{name}}}")),
            TemplatePiece::Param(p) => {
                current.push_str(&p.style.prefix_and_separator().0);
                let var = ident(&p.rust_name);
                values.push(match &p.ty {
                    PathType::Validated(_) => quote!(#var.as_str()),
                    PathType::Scalar(_) => quote!(&#var.to_string()),
                    PathType::List(_) => return None,
                });
                literals.push(String::new());
            }
        }
    }
    Some((literals, values))
}

/// The client's segment expression: the validated (or scalar) parameter, percent-encoded; an
/// array's items each encoded, then joined by the style's separator.
pub(super) fn client_segment(p: &PathParam) -> TokenStream {
    let var = ident(&p.rust_name);
    match &p.ty {
        PathType::Validated(_) => quote!(runtime::encode_segment(#var.as_str())),
        PathType::Scalar(_) => quote!(runtime::encode_segment(&#var.to_string())),
        PathType::List(item) => list_segment(p, item, quote!(#var.iter())),
    }
}

/// The items of `iter` (references to `item` values), each percent-encoded, joined by the path
/// style's separator.
pub(super) fn list_segment(p: &PathParam, item: &TypeRef, iter: TokenStream) -> TokenStream {
    let (_, separator) = p.style.prefix_and_separator();
    let wire = wire_value(item, quote!(v));
    quote! {
        #iter
            .map(|v| runtime::encode_segment(&runtime::QueryValue::to_query(&#wire)))
            .collect::<Vec<_>>()
            .join(#separator)
    }
}

pub fn operation_module(api: &Api, op: &Operation) -> TokenStream {
    let versions = op
        .versions
        .iter()
        .map(|v| super::version::version(api, op, v));
    let waiter = super::waiter::waiter(op);
    quote! {
        use crate::runtime;
        use crate::{Client, Error};
        #(#versions)*
        #waiter
    }
}

pub(super) fn method_doc(op: &Operation, v: &OperationVersion, vendor: Option<&str>) -> String {
    let mut doc = String::new();
    if let Some(summary) = &op.summary {
        doc.push_str(summary.trim_end_matches('.'));
        doc.push_str(".\n\n");
    }
    doc.push_str(&format!(
        "{} (operation {}",
        code(&format!("{} {}", op.method.as_str(), op.path)),
        code(&op.operation_id)
    ));
    match &v.version {
        Some(version) => doc.push_str(&format!(", media type version {}).", code(version))),
        None => doc.push_str(")."),
    }
    if let Some(sunset) = &v.sunset {
        let who = vendor.unwrap_or("The API");
        doc.push_str(&format!(" {who} sunsets this version on {sunset}."));
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
