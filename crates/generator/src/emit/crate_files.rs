//! The crate scaffolding around types and operations: Cargo.toml, lib.rs, module indexes, path-parameter
//! newtypes, the copied runtime and the spec-example tests.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_attrs, inner_doc_attrs};
use super::features::Gates;
use super::rust_types::{ident, mentions, type_in};

use crate::escape::{code, toml_string};
use crate::ir::model::*;
use crate::Options;

/// `mod a; mod b; pub use a::*; ...` for a directory of generated modules.
/// Each module comes with its `#[cfg(..)]` (empty when always compiled, see `features.rs`).
pub fn module_index(doc: &str, modules: &[(String, TokenStream)], reexport: bool) -> TokenStream {
    let doc = format!(" {doc}");
    let mods = modules.iter().map(|(m, gate)| {
        let m = ident(m);
        if reexport {
            quote!(#gate mod #m; #gate pub use #m::*;)
        } else {
            quote!(#gate pub mod #m;)
        }
    });
    quote! { #![doc = #doc] #(#mods)* }
}

pub fn params(api: &Api) -> TokenStream {
    let items = api.params.values().map(|p| {
        let name = ident(&p.name);
        let json = &p.json_name;
        let mut doc = p.doc.clone().unwrap_or_else(|| format!("Path parameter {}.", code(json)));
        let mut rules = Vec::new();
        match (p.rules.min_length, p.rules.max_length) {
            (Some(a), Some(b)) if a == b => rules.push(format!("exactly {a} characters")),
            (Some(a), Some(b)) => rules.push(format!("{a} to {b} characters")),
            (Some(a), None) => rules.push(format!("at least {a} characters")),
            (None, Some(b)) => rules.push(format!("at most {b} characters")),
            (None, None) => {}
        }
        if let Some(pattern) = &p.rules.pattern {
            rules.push(format!("matches {}", code(pattern)));
        }
        if !rules.is_empty() {
            doc.push_str(&format!("\n\nValid values: {}. Checked by [`{}::new`], so a value of this type is always valid.", rules.join(", "), p.name));
        }
        let doc = doc_attrs(Some(&doc));
        let usize_opt = |v: Option<u64>| match v {
            Some(v) => {
                let v = v as usize;
                quote!(Some(#v))
            }
            None => quote!(None),
        };
        let (min, max) = (usize_opt(p.rules.min_length), usize_opt(p.rules.max_length));
        let pattern = match &p.rules.pattern {
            Some(pattern) => quote!(Some({
                static PATTERN: runtime::Pattern = runtime::Pattern::new(#pattern);
                &PATTERN
            })),
            None => quote!(None),
        };
        quote! {
            #doc
            #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
            #[serde(transparent)]
            pub struct #name(String);

            impl #name {
                /// Checks `value` against the spec's rules for this parameter.
                ///
                /// # Errors
                ///
                /// [`Error::InvalidRequest`] naming the parameter and the rule it breaks.
                pub fn new(value: impl Into<String>) -> Result<Self, Error> {
                    let value = value.into();
                    runtime::validate::string(#json, &value, #min, #max, #pattern)?;
                    Ok(Self(value))
                }

                /// The validated value.
                #[inline]
                pub fn as_str(&self) -> &str {
                    &self.0
                }

                /// The validated value, owned.
                #[inline]
                pub fn into_inner(self) -> String {
                    self.0
                }
            }

            impl std::str::FromStr for #name {
                type Err = Error;
                #[inline]
                fn from_str(value: &str) -> Result<Self, Error> {
                    Self::new(value)
                }
            }

            impl TryFrom<String> for #name {
                type Error = Error;
                #[inline]
                fn try_from(value: String) -> Result<Self, Error> {
                    Self::new(value)
                }
            }

            impl TryFrom<&str> for #name {
                type Error = Error;
                #[inline]
                fn try_from(value: &str) -> Result<Self, Error> {
                    Self::new(value)
                }
            }

            impl AsRef<str> for #name {
                #[inline]
                fn as_ref(&self) -> &str {
                    &self.0
                }
            }

            impl std::fmt::Display for #name {
                #[inline]
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(&self.0)
                }
            }
        }
    });
    let imports = (!api.params.is_empty()).then(|| {
        quote!(
            use crate::runtime;
            use crate::Error;
        )
    });
    quote! {
        //! Path parameters as validated newtypes: parse once, pass anywhere.
        #imports
        #(#items)*
    }
}

fn uses(api: &Api, pred: &dyn Fn(&TypeRef) -> bool) -> bool {
    let in_types = api.types.values().any(|def| match def {
        TypeDef::Struct(s) => s.fields.iter().any(|f| mentions(&f.ty, pred)),
        TypeDef::Alias(a) => mentions(&a.ty, pred),
        TypeDef::Union(u) => u.variants.iter().any(|(_, ty)| mentions(ty, pred)),
        _ => false,
    });
    // Parameters and inline bodies of operations may use a scalar no named type uses.
    let in_operations = api.operations.iter().any(|op| {
        op.query_params.iter().any(|q| mentions(&q.ty, pred))
            || op.versions.iter().any(|v| {
                v.request.as_ref().is_some_and(|r| {
                    mentions(&r.ty, pred)
                        || r.parts.iter().any(|p| match &p.kind {
                            PartKind::Text(ty) | PartKind::Texts(ty) | PartKind::Json(ty) => {
                                mentions(ty, pred)
                            }
                            PartKind::File | PartKind::Files => false,
                        })
                }) || matches!(&v.response, ResponseBody::Json { ty, .. } if mentions(ty, pred))
            })
    });
    // A webhook's headers and body too.
    let in_webhooks = api.webhooks.iter().any(|w| {
        w.headers.iter().any(|h| mentions(&h.ty, pred))
            || w.body.as_ref().is_some_and(|b| mentions(&b.ty, pred))
    });
    in_types || in_operations || in_webhooks
}

/// `FALLBACKS.md`: every construct given a looser Rust type than the spec describes, by JSON pointer.
pub fn fallbacks_md(api: &Api, options: &Options) -> String {
    let mut out = format!(
        "{}\n\
         # Fallbacks\n\n\
         Constructs of {} that this crate represents with a looser type than the spec describes,\n\
         or names differently than the spec does (a name another item already has). Everything else\n\
         is typed and named as specified.\n\n\
         | JSON pointer | construct | Rust type |\n|---|---|---|\n",
        options.provenance.markdown_comment("", " Do not edit by hand."),
        code(&options.spec_label)
    );
    // Pointers and constructs carry spec names: shown as code / escaped prose, `|` kept in its cell.
    let cell = |text: String| text.replace('|', "\\|");
    for f in &api.fallbacks {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            cell(code(&f.pointer)),
            cell(crate::escape::inline(&f.construct)),
            cell(code(&f.rust))
        ));
    }
    out
}

pub fn lib_rs(api: &Api, options: &Options) -> TokenStream {
    // The title is spec text: one line (a fence in it cannot open a block over the lines after it),
    // and the item's whole doc text is sanitized and checked as one (see escape::verify).
    let mut doc = format!(
        "{}\n\nA typed async client generated by {} from {} (API version {}). \
         Start from [`Client::builder`]; every operation is a method on [`Client`] returning a request builder.\n\n",
        crate::escape::plain_line(api.title.trim()),
        options.provenance.command_code(),
        code(&options.spec_label),
        api.spec_version
    );
    doc.push_str("Modules: [`types`] (bodies), [`params`] (validated path parameters), [`operations`] (request builders); with cargo feature `mock`, `mock` (a loopback mock server with a typed method per operation, for your tests). Transport, authentication, retries and errors come from the `apigen-runtime` crate; [`Error`], [`ClientBuilder`] and [`RetryPolicy`] are its types as this API uses them.");
    if !api.webhooks.is_empty() {
        doc.push_str(" [`webhooks`] decodes the requests the API sends to you (its webhooks).");
    }
    if api.profile.features == crate::profile::Features::PerTag && !api.operations.is_empty() {
        doc.push_str(
            "\n\nCargo features: one per operation tag (`untagged` for operations without one), and \
             `unused-schemas` for the types of schemas nothing in `paths` or `webhooks` uses, if \
             any; all on by default, so adding the crate gives the whole API. A build that needs a \
             few tags compiles much less with `default-features = false, features = [\"<tag>\", \
             ..]`: only those tags' operations and the types they reach (the rest of the API is \
             then absent). The features are listed in `Cargo.toml`.",
        );
    }
    let keeps = api
        .types
        .values()
        .any(|t| matches!(t, TypeDef::Struct(s) if s.undeclared.kept()));
    if keeps {
        doc.push_str(
            "\n\nNothing received is lost: a struct keeps the members the spec does not declare in \
             its `_undeclared` field ([`Undeclared`], raw JSON in the order received) and writes \
             them back when serialized, so a value read, changed and sent back keeps them.",
        );
    }
    let mut doc = inner_doc_attrs(&doc);
    if options.crate_docs.is_some() && options.layout == crate::Layout::Crate {
        // README.md is the spec's crate-docs.md: one text for crates.io and rustdoc, doctests included.
        doc.extend(quote!(#![doc = ""] #![doc = include_str!("../README.md")]));
    }
    // `src/pagination.rs` holds the page structs' `impl Page`: a crate whose every page is a bare
    // array (the runtime's `impl Page for Vec<T>`) has none.
    let has_page_structs = api
        .operations
        .iter()
        .flat_map(|o| &o.versions)
        .filter_map(|v| v.pagination.as_ref())
        .any(|p| matches!(p.page, PageBody::Object { .. }));
    let pagination_mod = has_page_structs.then(|| {
        quote!(
            mod pagination;
        )
    });
    let params_reexport = (!api.params.is_empty()).then(|| {
        quote!(
            pub use params::*;
        )
    });
    let webhooks_mod = (!api.webhooks.is_empty()).then(|| {
        quote!(
            pub mod webhooks;
        )
    });
    let error_items = super::client::error_items(api);
    let client_items = super::client::client_items(api);
    // A deprecated schema is still the type of other schemas' fields and of operations' results:
    // those uses are the spec's, not the crate user's. Users still get the warning where they name it.
    let allow_deprecated = api
        .types
        .values()
        .any(|t| matches!(t, TypeDef::Struct(s) if s.deprecated))
        .then(|| quote!(#![allow(deprecated)]));
    quote! {
        #doc
        #![warn(missing_docs)]
        #![forbid(unsafe_code)]
        #allow_deprecated

        #[cfg(feature = "mock")]
        pub mod mock;
        pub mod operations;
        #pagination_mod
        pub mod params;
        pub mod types;
        #webhooks_mod

        // The runtime is a dependency, not part of this crate's API: only the items below are public.
        use apigen_runtime as runtime;

        #params_reexport
        #error_items
        #client_items
    }
}

/// The runtime (pinned to the exact version this generator writes against) plus what the
/// emitted code itself names: serde for the types, and chrono / uuid only when the spec uses them.
pub fn cargo_toml(api: &Api, options: &Options, gates: &Gates) -> String {
    // The runtime decodes date-time members itself (feature `chrono`, a fast RFC 3339 path).
    let runtime_features = if uses(api, &|t| matches!(t, TypeRef::DateTime)) {
        ", features = [\"chrono\"]"
    } else {
        ""
    };
    let mut deps = format!(
        "apigen-runtime = {{ {}{runtime_features} }}\n\
         serde = {{ version = \"1\", features = [\"derive\"] }}\n\
         # float_roundtrip: a float in free-form JSON (e.g. `parameters`) decodes to the exact value it was sent as.\n\
         serde_json = {{ version = \"1\", features = [\"float_roundtrip\"] }}\n\
         bytes = \"1\"\n",
        options.runtime.toml_fields()
    );
    if uses(api, &|t| matches!(t, TypeRef::DateTime | TypeRef::Date)) {
        deps.push_str("chrono = { version = \"0.4\", default-features = false, features = [\"std\", \"serde\"] }\n");
    }
    if uses(api, &|t| matches!(t, TypeRef::Uuid)) {
        deps.push_str("uuid = { version = \"1\", features = [\"serde\"] }\n");
    }
    let mut dev_dependencies =
        "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n".to_owned();
    for dep in &options.examples.dev_dependencies {
        dev_dependencies.push_str(&dep.to_toml());
        dev_dependencies.push('\n');
    }
    format!(
        "{header}\
         [package]\n\
         name = {name}\n\
         version = {version}\n\
         edition = \"2021\"\n\
         rust-version = \"1.85\"\n\
         license = \"Apache-2.0\"\n\
         description = {description}\n\
         publish = false\n\n\
         [dependencies]\n{deps}\n\
         [dev-dependencies]\n{dev}{sections}",
        header = options.provenance.toml_header(),
        name = toml_string(&options.crate_name),
        version = toml_string(&options.crate_version),
        description = toml_string(&crate::escape::plain_line(&format!(
            "Typed async client for {}",
            api.title.trim()
        ))),
        deps = deps,
        dev = dev_dependencies,
        sections = super::mock::cargo_sections(&options.examples.files, gates),
    )
}

/// One test per spec example: it must decode into its type and re-encode to equal JSON.
pub fn example_tests(api: &Api, options: &Options, gates: &Gates) -> TokenStream {
    let krate = ident(&options.crate_name.replace('-', "_"));
    let tests = api.examples.iter().map(|ex| {
        let name = ident(&ex.name);
        let ty = type_in(&ex.ty, &quote!(#krate));
        let json = serde_json::to_string_pretty(&ex.json).unwrap_or_default();
        let doc = doc_attrs(Some(&format!("Spec example at {}.", code(&ex.pointer))));
        let gate = gates.type_ref(&ex.ty);
        quote! {
            #doc
            #gate
            #[test]
            fn #name() {
                round_trip::<#ty>(#json);
            }
        }
    });
    // With a tag's feature off, its examples' tests are too, and the helpers may go unused.
    let allow_unused = gates.active().then(|| quote!(#![allow(dead_code)]));
    quote! {
        //! Every example in the spec decodes into its generated type and re-encodes to the same JSON.
        #![allow(deprecated)]
        #allow_unused

        fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(json: &str) {
            let expected: serde_json::Value = serde_json::from_str(json).expect("example is JSON");
            let decoded: T = serde_json::from_str(json).unwrap_or_else(|e| panic!("example does not decode: {e}\n{json}"));
            let encoded = serde_json::to_value(&decoded).expect("value encodes");
            assert_eq!(numbers_as_f64(encoded), numbers_as_f64(expected), "re-encoded example differs");
        }

        /// `10` and `10.0` are the same JSON number; a `double` field writes the second.
        fn numbers_as_f64(value: serde_json::Value) -> serde_json::Value {
            use serde_json::Value;
            match value {
                Value::Number(n) => n.as_f64().map_or(Value::Number(n), Value::from),
                Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_f64).collect()),
                Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, numbers_as_f64(v))).collect()),
                other => other,
            }
        }

        #(#tests)*
    }
}
