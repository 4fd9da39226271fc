//! Named types -> one module per type under `src/types/`.

use proc_macro2::TokenStream;
use quote::quote;

use super::debug::with_inline_debug;
use super::decode::decode_impl;
use super::docs::doc_attrs;
use super::rust_types::{ident, type_tokens};
use super::serialize::{hand_written, serialize_impl};
use crate::escape::code;
use crate::ir::model::*;

pub fn type_def(def: &TypeDef) -> TokenStream {
    match def {
        TypeDef::Struct(s) => struct_def(s),
        TypeDef::StringEnum(e) => super::enums::string_enum(e),
        TypeDef::IntEnum(e) => super::enums::int_enum(e),
        TypeDef::Tagged(t) => tagged_enum(t),
        TypeDef::Union(u) => union(u),
        TypeDef::Alias(a) => {
            let doc = doc_attrs(
                a.doc
                    .as_deref()
                    .or(Some(&format!("Spec schema {}.", code(&a.origin)))),
            );
            let name = ident(&a.name);
            let ty = type_tokens(&a.ty);
            if a.newtype {
                // It contains itself, which an alias cannot; same JSON as the alias would have.
                quote! {
                    #doc
                    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                    #[serde(transparent)]
                    pub struct #name(pub #ty);
                }
            } else {
                quote! { #doc pub type #name = #ty; }
            }
        }
    }
}

fn struct_doc(s: &StructDef) -> String {
    let mut doc = s
        .doc
        .clone()
        .unwrap_or_else(|| format!("Spec schema {}.", code(&s.origin)));
    if let Some((property, value)) = &s.tag {
        doc.push_str(&format!(
            "\n\nSerialized with {}.",
            code(&format!(
                "{}: {}",
                json_string(property),
                json_string(value)
            ))
        ));
    }
    match (s.usage.response, s.strict) {
        (true, false) => {
            doc.push_str("\n\nDecoded from responses: every field is optional.");
        }
        (true, true) => doc.push_str(
            "\n\nDecoded from responses as the spec says: a required member missing, or `null` \
             where the spec allows none, is a decode error (`Error::Decode`, with the member's \
             path and the body).",
        ),
        (false, _) => {}
    }
    let undeclared = match s.undeclared {
        UndeclaredMembers::Keep => {
            "Members the spec does not declare are kept in `_undeclared` and written back."
        }
        UndeclaredMembers::KeepReported => {
            "The spec allows no other member (`additionalProperties: false`); one received \
             anyway is kept in `_undeclared`, written back, and reported once per type (a \
             `tracing` warning)."
        }
        UndeclaredMembers::Reject => {
            "The spec allows no other member (`additionalProperties: false`): one is a decode \
             error."
        }
        UndeclaredMembers::Map | UndeclaredMembers::Ignore => "",
    };
    // In the response rule's paragraph, or a paragraph of its own.
    if !undeclared.is_empty() {
        doc.push_str(if s.usage.response { " " } else { "\n\n" });
        doc.push_str(undeclared);
    }
    doc
}

/// The rule a member of `s` follows when a response is decoded, in the generator's words (the
/// spec's own text is documented above it). Types only ever sent say nothing: nothing decodes them
/// on the client's side.
fn presence_doc(s: &StructDef, f: &Field) -> Option<&'static str> {
    if !s.usage.response {
        return None;
    }
    Some(match f.presence {
        Presence::Optional => return None,
        Presence::Lenient => {
            "Required by the spec, but `Option` because real responses may omit it."
        }
        Presence::Required if f.present => {
            "Required, may be `null` (`None`): a response without it does not decode."
        }
        Presence::Required => "Required: a response without it does not decode.",
        Presence::ReadOnly => {
            "Required in responses only (readOnly): `Option` so a request can leave it out; \
             not checked when decoding."
        }
        Presence::WriteOnly => {
            "Required in requests only (writeOnly): `Option`, since responses leave it out."
        }
    })
}

/// `value` as a JSON string literal (`"AWS"`), for docs that show a member as it is on the wire.
fn json_string(value: &str) -> String {
    serde_json::Value::from(value).to_string()
}

/// `#[allow(deprecated)]` for an impl of `s` that names the struct or its members, when either is
/// deprecated (its own uses would warn otherwise).
pub(super) fn allow_deprecated(s: &StructDef) -> Option<TokenStream> {
    (s.deprecated || s.fields.iter().any(|f| f.deprecated)).then(|| quote!(#[allow(deprecated)]))
}

/// The Rust type of field `f` as declared (`Option<..>` when optional, boxed when it closes a cycle).
pub(super) fn field_type(f: &Field) -> TokenStream {
    let mut ty = type_tokens(&f.ty);
    if f.boxed {
        ty = quote!(Box<#ty>);
    }
    if f.optional {
        ty = quote!(Option<#ty>);
    }
    ty
}

fn struct_def(s: &StructDef) -> TokenStream {
    let doc = doc_attrs(Some(&struct_doc(s)));
    let name = ident(&s.name);
    let deprecated = s.deprecated.then(|| quote!(#[deprecated]));
    // Structs whose every member may be `None` (a required nullable one too) derive Default, so
    // callers (and tests) can build partial values; `constructor` then has nothing to take. Every
    // struct is decoded through `runtime::fields` (see `decode.rs`).
    let default = all_optional(s).then(|| quote!(Default,));
    let decode = decode_impl(s);
    // Serialized through `runtime::ser` (see `serialize.rs`) unless a map is flattened in.
    let (derive_ser, serialize) = if hand_written(s) {
        (None, Some(serialize_impl(s)))
    } else {
        (Some(quote!(serde::Serialize,)), None)
    };
    // `#[serde(..)]` attributes only where a serde derive reads them.
    let serde_attrs = derive_ser.is_some();
    let tag = s
        .tag
        .as_ref()
        .filter(|_| serde_attrs)
        .map(|(property, value)| quote!(#[serde(tag = #property, rename = #value)]));
    let fields = s.fields.iter().map(|f| {
        let fallback = format!("The {} member.", code(&f.json_name));
        // A blank description documents nothing: the fallback keeps `missing_docs` satisfied.
        let described = f.doc.as_deref().filter(|d| !d.trim().is_empty());
        // The spec's text and the generator's rule are escaped apart: a description rendered as
        // a literal block cannot take the rule into it.
        let doc = match (described, presence_doc(s, f)) {
            (Some(described), Some(rule)) => {
                let (described, rule) = (doc_attrs(Some(described)), doc_attrs(Some(rule)));
                quote!(#described #[doc = ""] #rule)
            }
            (Some(described), None) => doc_attrs(Some(described)),
            (None, Some(rule)) => doc_attrs(Some(rule)),
            (None, None) => doc_attrs(Some(&fallback)),
        };
        let rust = ident(&f.rust_name);
        let ty = field_type(f);
        let json = &f.json_name;
        let rename = (serde_attrs && f.rust_name != f.json_name && !f.flatten)
            .then(|| quote!(#[serde(rename = #json)]));
        let optional = match (f.skip_serializing, f.optional, f.serialize_null) {
            _ if !serde_attrs => None,
            _ if f.flatten => Some(quote!(#[serde(flatten)])),
            // readOnly member of a type that is also sent: decoded, never written.
            (true, _, _) => Some(quote!(#[serde(default, skip_serializing)])),
            (false, true, false) => {
                Some(quote!(#[serde(default, skip_serializing_if = "Option::is_none")]))
            }
            (false, true, true) => Some(quote!(#[serde(default)])),
            (false, false, _) => None,
        };
        let deprecated = f.deprecated.then(|| quote!(#[deprecated]));
        quote! { #doc #deprecated #rename #optional pub #rust: #ty, }
    });
    let undeclared = s.undeclared.kept().then(|| {
        let field = ident(UNDECLARED_FIELD);
        let doc = doc_attrs(Some(
            "Members the spec does not declare, as received (raw JSON, in order): written back \
             when this value is serialized, so reading a value, changing a field and sending it \
             back keeps them. Empty (no allocation) when there are none.",
        ));
        quote!(#doc pub #field: crate::Undeclared,)
    });
    let constructor = constructor(s);
    let redacted: Vec<(&str, bool)> = s
        .fields
        .iter()
        .filter(|f| f.sensitive)
        .map(|f| (f.rust_name.as_str(), f.optional))
        .collect();
    let item = with_inline_debug(
        &redacted,
        quote! {
            #doc
            #deprecated
            #[derive(Clone, PartialEq, #default #derive_ser)]
            #tag
            pub struct #name { #(#fields)* #undeclared }
        },
    );
    quote! {
        #item
        #constructor

        #serialize

        #decode
    }
}

/// Whether every member of `s` is an `Option` (or the flattened map of undeclared members, empty
/// by default): a `Default` value is then a valid one.
fn all_optional(s: &StructDef) -> bool {
    s.fields.iter().all(|f| f.optional || f.flatten)
}

/// `new(required...)` for types with required fields: a struct literal would force callers to spell
/// out (and, for deprecated members, be warned about) every optional member.
fn constructor(s: &StructDef) -> Option<TokenStream> {
    // A struct whose every member may be `None` derives `Default` instead: a `new()` without
    // arguments would be the same value (and clippy's `new_without_default`).
    if s.fields.iter().all(|f| f.optional) {
        return None;
    }
    let name = ident(&s.name);
    let args = s.fields.iter().filter(|f| !f.optional).map(|f| {
        let rust = ident(&f.rust_name);
        match &f.ty {
            TypeRef::String => quote!(#rust: impl Into<String>),
            other => {
                let ty = type_tokens(other);
                quote!(#rust: #ty)
            }
        }
    });
    let inits = s.fields.iter().map(|f| {
        let rust = ident(&f.rust_name);
        match (f.optional, &f.ty) {
            (true, _) => quote!(#rust: None,),
            (false, TypeRef::String) => quote!(#rust: #rust.into(),),
            // A member closing a cycle is stored boxed; the argument is the plain value.
            (false, _) if f.boxed => quote!(#rust: Box::new(#rust),),
            (false, _) => quote!(#rust,),
        }
    });
    let undeclared = s.undeclared.kept().then(|| {
        let field = ident(UNDECLARED_FIELD);
        quote!(#field: crate::Undeclared::new(),)
    });
    let required: Vec<String> = s
        .fields
        .iter()
        .filter(|f| !f.optional)
        .map(|f| code(&f.json_name))
        .collect();
    let doc = doc_attrs(Some(&format!(
        "A value with the required members ({}) set and every optional member `None`{}.",
        required.join(", "),
        if s.undeclared.kept() {
            " (and no undeclared member)"
        } else {
            ""
        }
    )));
    let allow = s
        .fields
        .iter()
        .any(|f| f.deprecated)
        .then(|| quote!(#[allow(deprecated)]));
    let many = (s.fields.iter().filter(|f| !f.optional).count() > 7)
        .then(|| quote!(#[allow(clippy::too_many_arguments)]));
    Some(quote! {
        impl #name {
            #doc
            #allow
            #many
            pub fn new(#(#args),*) -> Self {
                #name { #(#inits)* #undeclared }
            }
        }
    })
}

fn union(u: &UnionDef) -> TokenStream {
    let doc = doc_attrs(Some(&format!(
        "{}\n\nOne of several shapes, told apart by JSON type when decoding.",
        u.doc
            .clone()
            .unwrap_or_else(|| format!("Spec schema {}.", code(&u.origin))),
    )));
    let name = ident(&u.name);
    let variants = u.variants.iter().map(|(variant, ty)| {
        let v = ident(variant);
        let ty = type_tokens(ty);
        let doc = format!(" A JSON {}.", variant.to_lowercase());
        quote!(#[doc = #doc] #v(#ty),)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[serde(untagged)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name { #(#variants)* }
    }
}

fn tagged_enum(t: &TaggedEnumDef) -> TokenStream {
    let doc = doc_attrs(Some(&format!(
        "{}\n\nTagged by {}. A tag this crate does not know yet is kept as raw JSON in `{}`, whatever its members (they are typed only once the tag names a known variant).",
        t.doc
            .clone()
            .unwrap_or_else(|| format!("Spec schema {}.", code(&t.origin))),
        code(&t.property),
        t.fallback
    )));
    let name = ident(&t.name);
    let fallback = ident(&t.fallback);
    let property = &t.property;
    let accessor = ident(&crate::ir::naming::field_name(&t.property));
    let variants = t.variants.iter().map(|(value, variant, ty)| {
        let v = ident(variant);
        let ty = ident(ty);
        let doc = doc_attrs(Some(&code(&format!(
            "{}: {}",
            json_string(property),
            json_string(value)
        ))));
        quote!(#doc #v(crate::types::#ty),)
    });
    let tags = t.variants.iter().map(|(value, variant, _)| {
        let v = ident(variant);
        quote!(#name::#v(_) => Some(#value),)
    });
    let ser = t.variants.iter().map(|(_, variant, _)| {
        let v = ident(variant);
        quote!(#name::#v(inner) => inner.serialize(serializer),)
    });
    let de = t.variants.iter().map(|(value, variant, _)| {
        let v = ident(variant);
        quote!(#value => body.decode().map(#name::#v),)
    });
    let type_name = &t.name;
    // `From` only for a type one variant holds: a subtype mapped under two tags has no one variant.
    let mut holders: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (_, _, ty) in &t.variants {
        *holders.entry(ty).or_default() += 1;
    }
    let once = |ty: &String| holders[ty.as_str()] == 1;
    let froms = t
        .variants
        .iter()
        .filter(|v| once(&v.2))
        .map(|(_, variant, ty)| {
            let v = ident(variant);
            let ty = ident(ty);
            quote! {
                impl From<crate::types::#ty> for #name {
                    #[inline]
                    fn from(value: crate::types::#ty) -> Self {
                        #name::#v(value)
                    }
                }
            }
        });
    let accessor_doc = doc_attrs(Some(&format!(
        "The {} tag of this value (None only for an untagged unknown value).",
        code(property)
    )));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq)]
        // Variants are the API's own value types: boxing them would make every match and
        // construction clumsier to save memory on a value that exists once per request.
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#variants)*
            /// A variant not listed in the spec this crate was generated from, as received.
            #fallback(serde_json::Value),
        }

        impl #name {
            #accessor_doc
            #[inline]
            pub fn #accessor(&self) -> Option<&str> {
                match self {
                    #(#tags)*
                    #name::#fallback(value) => value.get(#property).and_then(serde_json::Value::as_str),
                }
            }
        }

        #(#froms)*

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#ser)*
                    #name::#fallback(value) => value.serialize(serializer),
                }
            }
        }

        // One pass over the object (`runtime::tagged`): an unknown or missing tag is kept, not rejected.
        impl crate::runtime::tagged::TaggedEnum for #name {
            const NAME: &'static str = #type_name;
            const TAG: &'static str = #property;
            fn variant<'de, A: serde::de::MapAccess<'de>>(
                tag: &str,
                body: crate::runtime::tagged::Body<'de, A>,
            ) -> Result<Self, A::Error> {
                match tag {
                    #(#de)*
                    _ => body.unknown().map(#name::#fallback),
                }
            }
            fn unknown(value: serde_json::Value) -> Self {
                #name::#fallback(value)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::tagged::decode(deserializer)
            }
        }
    }
}
