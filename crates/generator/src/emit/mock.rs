//! Cargo feature `mock`: `src/mock.rs`, one typed `MockServer::on_<method>` per `Client` method (per
//! operation and media-type version), on top of the hand-written server in `xtask/runtime/mock/`;
//! plus the `[features]` and `[[example]]` sections of Cargo.toml.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_attrs;
use super::features::Gates;
use super::operations::path_format;
use super::rust_types::{ident, type_tokens};
use crate::escape::code;
use crate::ir::model::*;

/// The runtime's mock server (hyper's server half, already in the tree through reqwest).
const FEATURES: &str = "# A loopback mock server with a typed `on_<method>` per client method, for testing code that\n\
# uses this crate (`mock` module). It adds no crate to the tree: hyper comes with reqwest.\n\
mock = [\"apigen-runtime/mock\"]\n";

/// Marker line an example under `spec/examples/` uses to need features: `// required-features: mock`.
const REQUIRED_FEATURES: &str = "// required-features:";

/// `src/mock.rs` of the generated crate (compiled only with feature `mock`).
pub fn mock_module(api: &Api, gates: &Gates) -> TokenStream {
    let methods = api.operations.iter().flat_map(|op| {
        let gate = gates.op(&op.fn_name);
        op.versions.iter().map(move |v| {
            let method = on_method(op, v);
            quote!(#gate #method)
        })
    });
    quote! {
        //! A loopback mock server for testing code that uses this crate (cargo feature `mock`).
        //!
        //! [`MockServer::start`] serves real HTTP on `127.0.0.1`; each `on_<method>` expects the request
        //! the `Client` method of the same name sends (same path, same `Accept` media type) and answers
        //! with a value of the operation's own response type (`.respond(value)`), an API error
        //! (`.respond_error(status, body)`) or raw bytes (`.respond_raw(..)`). Answers are given in order;
        //! the last one repeats. Calls can be counted (`.times(n)`, checked when the server is dropped)
        //! and inspected (`.calls()`, `.bodies()`, `received()`). A request nothing expects
        //! is answered `501 Not Implemented` with a list of the expectations.
        //!
        //! Enable it for tests only:
        //!
        //! ```toml
        //! [dev-dependencies]
        //! this-crate = { version = "..", features = ["mock"] }
        //! ```
        use crate::runtime;
        use crate::{Client, ClientBuilder};
        pub use runtime::mock::{Expectation, MockResponse, ReceivedRequest, MOCK_TOKEN};
        pub use runtime::Method;

        /// A loopback HTTP server answering the expectations set on it (see the module docs).
        /// Dereferences to the runtime's server for what does not depend on this API
        /// (`uri`, `received`, `unmatched`, `verify`, `on_request`, `on_any`).
        #[derive(Debug)]
        pub struct MockServer {
            server: runtime::mock::MockServer,
        }

        impl std::ops::Deref for MockServer {
            type Target = runtime::mock::MockServer;
            fn deref(&self) -> &Self::Target {
                &self.server
            }
        }

        impl MockServer {
            /// Starts a server on `127.0.0.1` (a free port) on the caller's Tokio runtime.
            pub async fn start() -> Self {
                MockServer { server: runtime::mock::MockServer::start().await }
            }

            /// A client builder aimed at this server, with bearer token [`MOCK_TOKEN`]; add settings
            /// such as a retry policy, then `build()`.
            pub fn client_builder(&self) -> ClientBuilder {
                ClientBuilder { inner: self.server.client_builder::<Client>() }
            }

            /// A client aimed at this server with the default settings.
            pub fn client(&self) -> Client {
                self.server.client::<Client>()
            }

            #(#methods)*
        }
    }
}

fn on_method(op: &Operation, v: &OperationVersion) -> TokenStream {
    let name = ident(&format!("on_{}", v.fn_name));
    let args = super::version::path_arguments(op);
    let many_args = super::version::many_arguments(&args);
    let (fmt, fmt_args) = path_format(op.sent_path(), &op.path_params, mock_segment);
    let path = if fmt_args.is_empty() {
        quote!(String::from(#fmt))
    } else {
        quote!(format!(#fmt, #(#fmt_args),*))
    };
    let (response, status, empty) = match &v.response {
        ResponseBody::Json { status, ty, .. } => (type_tokens(ty), *status, false),
        ResponseBody::Empty { status } => (quote!(()), *status, true),
        // A redirect carries its answer in `Location`: give it with `respond_raw`.
        ResponseBody::Redirect { statuses } => {
            (quote!(()), statuses.first().copied().unwrap_or(302), true)
        }
        // Raw bodies have no typed value to serialize: the expectation answers with `respond_raw`.
        ResponseBody::Bytes { status } | ResponseBody::Text { status } => {
            (quote!(()), *status, false)
        }
    };
    // `.bodies()` decodes received bodies as JSON: typed for JSON bodies only.
    let body = match &v.request {
        Some(body) if body.kind == RequestKind::Json => type_tokens(&body.ty),
        _ => quote!(()),
    };
    let method = ident(op.method.runtime_variant());
    let operation_id = &op.operation_id;
    let media_type = &v.media_type;
    let content_type = match &v.request {
        Some(body) => {
            let essence = crate::ir::essence(&body.media_type);
            quote!(Some(#essence))
        }
        None => quote!(None),
    };
    let status_lit = proc_macro2::Literal::u16_unsuffixed(status);
    let answer = if empty {
        format!("`.respond(())` answers {status} without a body")
    } else {
        format!(
            "`.respond(value)` answers {status} with `value` as {}",
            code(media_type)
        )
    };
    let arguments = if op.path_params.is_empty() {
        ""
    } else {
        " at the path built from these arguments (percent-encoded as the client does)"
    };
    let doc = doc_attrs(Some(&format!(
        "Expects the request [`Client::{fn_name}`](crate::Client::{fn_name}) sends: `{} {}` with \
         `Accept: {media_type}`{arguments}.\n\n\
         {answer}; `.respond_error(status, body)` answers an API error.",
        op.method.as_str(),
        op.sent_path(),
        fn_name = v.fn_name,
    )));
    quote! {
        #doc
        #many_args
        pub fn #name(&self, #(#args),*) -> Expectation<'_, #response, #body> {
            self.server.expect(runtime::mock::Endpoint {
                operation_id: #operation_id,
                method: runtime::Method::#method,
                path: #path,
                media_type: #media_type,
                content_type: #content_type,
                success_status: #status_lit,
                empty: #empty,
            })
        }
    }
}

/// The mock's segment expression: the argument as given, percent-encoded as the client does.
fn mock_segment(p: &PathParam) -> TokenStream {
    let var = ident(&p.rust_name);
    match &p.ty {
        PathType::Validated(_) => quote!(runtime::encode_segment(#var.as_ref())),
        PathType::Scalar(_) => quote!(runtime::encode_segment(&#var.to_string())),
        PathType::List(item) => {
            let (_, stored, convert) = super::operations::value_types(item, true, quote!(#var));
            let joined = super::operations::list_segment(p, item, quote!(values.iter()));
            quote!({
                let values: #stored = #convert;
                #joined
            })
        }
    }
}

/// `[features]` and an `[[example]]` entry for each example that
/// declares `// required-features: a, b`.
pub fn cargo_sections(examples: &[(String, String)], gates: &Gates) -> String {
    let mut out = format!("\n[features]\n{FEATURES}{}", gates.cargo_lines());
    for (file, source) in examples {
        let Some(features) = source
            .lines()
            .find_map(|line| line.trim().strip_prefix(REQUIRED_FEATURES))
        else {
            continue;
        };
        // The example's own words: written by the TOML writer, never as raw text.
        let list: Vec<String> = features
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(crate::escape::toml_string)
            .collect();
        let name = file.trim_end_matches(".rs");
        out.push_str(&format!(
            "\n[[example]]\nname = {}\nrequired-features = [{}]\n",
            crate::escape::toml_string(name),
            list.join(", ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_declare_their_features() {
        let examples = vec![
            ("plain.rs".to_owned(), "fn main() {}\n".to_owned()),
            (
                "mocked.rs".to_owned(),
                "//! Doc.\n// required-features: mock, other\nfn main() {}\n".to_owned(),
            ),
        ];
        let toml = cargo_sections(&examples, &Gates::default());
        assert!(toml.starts_with("\n[features]\n"), "{toml}");
        assert!(
            toml.contains("\nmock = [\"apigen-runtime/mock\"]"),
            "{toml}"
        );
        assert!(toml.ends_with(
            "\n[[example]]\nname = \"mocked\"\nrequired-features = [\"mock\", \"other\"]\n"
        ));
        assert!(!toml.contains("plain"));
    }

    #[test]
    fn paths_encode_each_argument_and_escape_braces() {
        let param = |json: &str, rust: &str| PathParam {
            json_name: json.into(),
            rust_name: rust.into(),
            ty: PathType::Validated("X".into()),
            style: PathStyle::Simple,
            doc: None,
        };
        let (fmt, args) = path_format(
            "/g/{groupId}/x/{exportId}/{unknown}",
            &[param("groupId", "group_id"), param("exportId", "export_id")],
            mock_segment,
        );
        assert_eq!(fmt, "/g/{}/x/{}/{{unknown}}");
        assert_eq!(args.len(), 2);
        assert!(args[0].to_string().contains("group_id"));
    }
}
