//! The crate root's client half: `Client` (a wrapper of the runtime's `ClientCore` that the
//! operation modules add methods to), its `ClientBuilder`, the error aliases, and the static
//! `ApiConfig` that tells the runtime about this API (servers, OAuth endpoints, error schema,
//! environment variables).

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_types::ident;
use crate::ir::model::{
    Api, CredentialKind, EnvCredentialNames, EnvVarNames, RequestKind, TypeDef,
};

/// `ErrorBody`, `Error`, `ApiFailure`, `WaitError` and the runtime's error-field roles.
pub fn error_items(api: &Api) -> TokenStream {
    // An error schema that is only an alias (of free-form JSON, a string...) has no type of this
    // crate to implement `ErrorFields` for: the body is kept as JSON.
    let error_body = api
        .error_body
        .as_ref()
        .filter(|b| !matches!(api.types.get(&b.type_name), Some(TypeDef::Alias(_)) | None));
    let (body_alias, fields_impl) = match error_body {
        Some(body) => {
            let ty = ident(&body.type_name);
            // A required member is a plain `String` under the strict response rule.
            let optional = |field: &str| match api.types.get(&body.type_name) {
                Some(TypeDef::Struct(s)) => {
                    s.fields.iter().any(|f| f.rust_name == field && f.optional)
                }
                _ => true,
            };
            let getter = |field: &Option<String>| match field {
                Some(f) if optional(f) => {
                    let f = ident(f);
                    quote!(self.#f.as_deref())
                }
                Some(f) => {
                    let f = ident(f);
                    quote!(Some(self.#f.as_str()))
                }
                None => quote!(None),
            };
            let (code, detail, reason) = (
                getter(&body.error_code),
                getter(&body.detail),
                getter(&body.reason),
            );
            (
                quote!(pub type ErrorBody = types::#ty;),
                quote! {
                    impl runtime::ErrorFields for types::#ty {
                        fn error_code(&self) -> Option<&str> { #code }
                        fn detail(&self) -> Option<&str> { #detail }
                        fn reason(&self) -> Option<&str> { #reason }
                    }
                },
            )
        }
        // No single documented error schema: the body is kept as JSON.
        None => (
            quote!(
                pub type ErrorBody = serde_json::Value;
            ),
            quote!(),
        ),
    };
    let multipart = api
        .operations
        .iter()
        .flat_map(|op| &op.versions)
        .any(|v| {
            v.request
                .as_ref()
                .is_some_and(|r| r.kind == RequestKind::Multipart)
        })
        .then(|| {
            quote!(
                pub use runtime::{FilePart, Multipart};
            )
        });
    quote! {
        #multipart
        /// The body error responses carry; [`Error`] keeps it decoded when the server sends one.
        #body_alias
        #fields_impl

        /// Every error this crate returns: invalid input (nothing sent), configuration, transport,
        /// API (status, decoded [`ErrorBody`], raw body, `Retry-After`), decode and auth errors.
        pub type Error = runtime::Error<ErrorBody>;
        /// A non-success answer from the API (see [`Error::api`]).
        pub type ApiFailure = runtime::ApiFailure<ErrorBody>;
        /// Why a `wait_for_*` ended without success.
        pub type WaitError<T> = runtime::WaitError<T, ErrorBody>;
        pub use runtime::{AuthErrorKind, RetryPolicy, Secret, TransportKind, Undeclared};
    }
}

/// The `Client` type, its `ApiClient` impl and the static `ApiConfig`.
pub fn client_items(api: &Api) -> TokenStream {
    let default_base_url = &api.default_base_url;
    let server_template = &api.server_template;
    let server_variables = api.server_variables.iter().map(|(n, d)| quote!((#n, #d)));
    let opt = |value: &Option<String>| match value {
        Some(v) => quote!(Some(#v)),
        None => quote!(None),
    };
    let oauth = match &api.auth.oauth_token_url {
        Some(token_url) => {
            let revoke = opt(&api.auth.oauth_revoke_url);
            quote!(Some(runtime::OAuthEndpoints { token_url: #token_url, revoke_url: #revoke }))
        }
        None => quote!(None),
    };
    let env = env_vars(&api.profile.env);
    // One setter per apiKey scheme, in declaration order: the runtime's list of them.
    let api_keys = api
        .auth
        .setters
        .iter()
        .filter_map(|setter| match &setter.kind {
            CredentialKind::ApiKey { location, name } => {
                Some((setter.schemes.first()?, location, name))
            }
            _ => None,
        });
    let api_keys = api_keys.map(|(scheme, location, name)| {
        let location = ident(match location.as_str() {
            "query" => "Query",
            "cookie" => "Cookie",
            _ => "Header",
        });
        quote!(runtime::ApiKeyScheme {
            scheme: #scheme,
            location: runtime::ApiKeyLocation::#location,
            name: #name,
        })
    });
    let support_headers = api.profile.support_headers;
    let error_keys: Vec<&String> = api.error_body.iter().flat_map(|b| &b.members).collect();
    let revoke = api.auth.oauth_revoke_url.is_some().then(|| {
        quote! {
            /// Revokes the cached OAuth2 access token (a no-op if none is cached); the next call
            /// fetches a new one.
            ///
            /// # Errors
            ///
            /// [`Error::Auth`] when the client has no client credentials or revocation fails.
            pub async fn revoke_token(&self) -> Result<(), Error> {
                Ok(self.core.revoke_token().await?)
            }
        }
    });
    let builder = super::builder::builder_items(api);
    quote! {
        #builder

        static API_CONFIG: runtime::ApiConfig = runtime::ApiConfig {
            crate_name: env!("CARGO_PKG_NAME"),
            crate_version: env!("CARGO_PKG_VERSION"),
            default_base_url: #default_base_url,
            server_template: #server_template,
            server_variables: &[#(#server_variables),*],
            oauth: #oauth,
            env: #env,
            support_headers: &[#(#support_headers),*],
            api_keys: &[#(#api_keys),*],
            error_keys: &[#(#error_keys),*],
        };

        /// The API client: one method per operation, each returning a request builder. Cheap to
        /// clone: clones share connections and cached credentials.
        #[derive(Clone, Debug)]
        pub struct Client {
            core: runtime::ClientCore,
        }

        impl runtime::ApiClient for Client {
            type ErrorBody = ErrorBody;
            const CONFIG: &'static runtime::ApiConfig = &API_CONFIG;
            fn from_core(core: runtime::ClientCore) -> Self {
                Client { core }
            }
        }

        impl Client {
            /// A builder with this API's defaults: its first server, no credentials, default retries.
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new()
            }

            /// The API root this client talks to.
            pub fn base_url(&self) -> &str {
                self.core.base_url()
            }

            #revoke

        }
    }
}

/// The runtime's `EnvVars` for `from_env`.
fn env_vars(env: &EnvVarNames) -> TokenStream {
    let base_url = &env.base_url;
    let credentials = env.credentials.iter().map(|c| match c {
        EnvCredentialNames::ClientCredentials {
            client_id,
            client_secret,
        } => quote!(runtime::EnvCredential::ClientCredentials { client_id: #client_id, client_secret: #client_secret }),
        EnvCredentialNames::Digest { user, password } => {
            quote!(runtime::EnvCredential::Digest { user: #user, password: #password })
        }
        EnvCredentialNames::Basic { user, password } => {
            quote!(runtime::EnvCredential::Basic { user: #user, password: #password })
        }
        EnvCredentialNames::Bearer { token } => quote!(runtime::EnvCredential::Bearer { token: #token }),
        EnvCredentialNames::ApiKey { scheme, key } => {
            quote!(runtime::EnvCredential::ApiKey { scheme: #scheme, key: #key })
        }
    });
    quote!(Some(runtime::EnvVars { base_url: #base_url, credentials: &[#(#credentials),*] }))
}
