//! String and integer enums: one variant per value the spec lists, plus a fallback variant that
//! keeps any other value and writes it back unchanged.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::rust_types::{ident, type_tokens};
use crate::escape::code;
use crate::ir::model::{IntEnumDef, StringEnumDef, TypeRef};

pub fn string_enum(e: &StringEnumDef) -> TokenStream {
    let doc =
        doc_attrs(Some(&format!(
        "{}\n\nValues this crate does not know yet are kept in `{}` and written back unchanged.",
        e.doc.clone().unwrap_or_else(|| format!("Spec enum {}.", code(&e.origin))),
        e.fallback
    )));
    let name = ident(&e.name);
    let fallback = ident(&e.fallback);
    let variants = e.variants.iter().map(|(value, variant)| {
        let v = ident(variant);
        let doc = doc_attrs(Some(&code(value)));
        quote!(#doc #v,)
    });
    let as_str = e.variants.iter().map(|(value, variant)| {
        let v = ident(variant);
        quote!(#name::#v => #value,)
    });
    let from_str = e.variants.iter().map(|(value, variant)| {
        let v = ident(variant);
        quote!(#value => #name::#v,)
    });
    let values = e.variants.iter().map(|(value, _)| value);
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// A value not listed in the spec this crate was generated from.
            #fallback(String),
        }

        impl #name {
            /// Every value the spec lists, in spec order.
            pub const VALUES: &'static [&'static str] = &[#(#values),*];

            /// The value as sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    #name::#fallback(other) => other,
                }
            }
        }

        impl From<&str> for #name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => #name::#fallback(other.to_string()),
                }
            }
        }

        impl From<String> for #name {
            #[inline]
            fn from(value: String) -> Self {
                match #name::from(value.as_str()) {
                    #name::#fallback(_) => #name::#fallback(value),
                    known => known,
                }
            }
        }

        impl std::str::FromStr for #name {
            type Err = std::convert::Infallible;
            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(#name::from(value))
            }
        }

        impl std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::fields::decode_str_enum(deserializer)
            }
        }
    }
}

pub fn int_enum(e: &IntEnumDef) -> TokenStream {
    let doc =
        doc_attrs(Some(&format!(
        "{}\n\nIntegers this crate does not know yet are kept in `{}` and written back unchanged.",
        e.doc.clone().unwrap_or_else(|| format!("Spec enum {}.", code(&e.origin))),
        e.fallback
    )));
    let name = ident(&e.name);
    let fallback = ident(&e.fallback);
    let repr = type_tokens(&e.repr);
    let literal = |value: i64| match e.repr {
        // `I32` only when every value fits (`scalar_enums::int_enum`).
        TypeRef::I32 => i32::try_from(value).map_or_else(
            |_| proc_macro2::Literal::i64_unsuffixed(value),
            proc_macro2::Literal::i32_unsuffixed,
        ),
        _ => proc_macro2::Literal::i64_unsuffixed(value),
    };
    let variants = e.variants.iter().map(|(value, variant)| {
        let v = ident(variant);
        let doc = format!(" `{value}`");
        quote!(#[doc = #doc] #v,)
    });
    let to_value = e.variants.iter().map(|(value, variant)| {
        let (v, lit) = (ident(variant), literal(*value));
        quote!(#name::#v => #lit,)
    });
    let from_value = e.variants.iter().map(|(value, variant)| {
        let (v, lit) = (ident(variant), literal(*value));
        quote!(#lit => #name::#v,)
    });
    let values = e.variants.iter().map(|(value, _)| literal(*value));
    quote! {
        #doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#variants)*
            /// An integer not listed in the spec this crate was generated from.
            #fallback(#repr),
        }

        impl #name {
            /// Every value the spec lists, in spec order.
            pub const VALUES: &'static [#repr] = &[#(#values),*];

            /// The value as sent on the wire.
            pub fn value(self) -> #repr {
                match self {
                    #(#to_value)*
                    #name::#fallback(other) => other,
                }
            }
        }

        impl From<#repr> for #name {
            #[inline]
            fn from(value: #repr) -> Self {
                match value {
                    #(#from_value)*
                    other => #name::#fallback(other),
                }
            }
        }

        impl From<#name> for #repr {
            #[inline]
            fn from(value: #name) -> Self {
                value.value()
            }
        }

        impl std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                std::fmt::Display::fmt(&self.value(), f)
            }
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                self.value().serialize(serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <#repr>::deserialize(deserializer).map(#name::from)
            }
        }
    }
}
