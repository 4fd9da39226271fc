//! The generated `ClientBuilder`: the runtime's `client_builder!` (settings every API shares) plus
//! one credential method per kind of security scheme the spec declares (`ir::security`).

use proc_macro2::TokenStream;
use quote::quote;

use super::rust_types::ident;
use crate::escape::code;
use crate::ir::model::{Api, CredentialKind, CredentialSetter, EnvCredentialNames, EnvVarNames};

/// `runtime::client_builder!()`, `from_env` and this API's credential methods.
pub fn builder_items(api: &Api) -> TokenStream {
    let setters: Vec<TokenStream> = api.auth.setters.iter().map(setter).collect();
    let from_env = from_env(&api.profile.env);
    quote! {
        runtime::client_builder!();

        impl ClientBuilder {
            #from_env
            #(#setters)*
        }
    }
}

/// `from_env`, whose docs name every variable it reads.
fn from_env(env: &EnvVarNames) -> TokenStream {
    let both = |a: &str, b: &str| format!("{} and {}", code(a), code(b));
    // API keys are all taken (they accumulate); of the others, the first complete one.
    let (keys, others): (Vec<&EnvCredentialNames>, Vec<&EnvCredentialNames>) = env
        .credentials
        .iter()
        .partition(|c| matches!(c, EnvCredentialNames::ApiKey { .. }));
    let describe = |c: &EnvCredentialNames| match c {
        EnvCredentialNames::ClientCredentials {
            client_id,
            client_secret,
        } => format!(
            "{} (OAuth2 client credentials)",
            both(client_id, client_secret)
        ),
        EnvCredentialNames::Digest { user, password } => {
            format!("{} (HTTP Digest)", both(user, password))
        }
        EnvCredentialNames::Basic { user, password } => {
            format!("{} (HTTP Basic)", both(user, password))
        }
        EnvCredentialNames::Bearer { token } => format!("{} (a bearer token)", code(token)),
        EnvCredentialNames::ApiKey { scheme, key } => {
            format!("{} (the {} API key)", code(key), code(scheme))
        }
    };
    let others: Vec<String> = others.into_iter().map(describe).collect();
    let keys: Vec<String> = keys.into_iter().map(describe).collect();
    let mut parts = Vec::new();
    if !others.is_empty() {
        parts.push(format!(
            "the first of {} whose variables are all set",
            others.join(", ")
        ));
    }
    if !keys.is_empty() {
        parts.push(format!(
            "every API key whose variable is set: {}",
            keys.join(", ")
        ));
    }
    let doc = if parts.is_empty() {
        format!(
            " A builder configured from the environment: {} sets the base URL.",
            code(&env.base_url)
        )
    } else {
        format!(
            " A builder configured from the environment: {}; {} sets the base URL.",
            parts.join(", plus "),
            code(&env.base_url)
        )
    };
    quote! {
        #[doc = #doc]
        ///
        /// # Errors
        ///
        /// [`Error::InvalidConfig`] when the API takes credentials and none of them is complete
        /// (the message names the variables, never their values).
        pub fn from_env() -> Result<Self, Error> {
            Ok(ClientBuilder {
                inner: runtime::ClientBuilder::from_env()?,
            })
        }
    }
}

/// One credential method; its docs name the schemes it serves and carry their descriptions.
fn setter(setter: &CredentialSetter) -> TokenStream {
    let method = ident(&setter.method);
    let schemes = setter
        .schemes
        .iter()
        .map(|s| code(s))
        .collect::<Vec<_>>()
        .join(", ");
    let plural = if setter.schemes.len() > 1 { "s" } else { "" };
    // (doc, parameters, the call on the runtime's builder)
    let (doc, params, call) = match &setter.kind {
        CredentialKind::ApiKey { location, name } => {
            let scheme = setter.schemes.first().map(String::as_str).unwrap_or("");
            (
                format!(
                    " API key of the security scheme {schemes}, sent as the {location} {}. \
                     Kept as a [`Secret`]: never in `Debug` output, logs or errors.",
                    code(name)
                ),
                quote!(key: impl Into<Secret>),
                quote!(api_key_for(#scheme, key)),
            )
        }
        CredentialKind::Basic => (
            format!(" HTTP Basic authentication (security scheme{plural} {schemes})."),
            quote!(user: impl Into<String>, password: impl Into<Secret>),
            quote!(basic_auth(user, password)),
        ),
        CredentialKind::Digest => (
            format!(
                " HTTP Digest authentication, RFC 7616 (security scheme{plural} {schemes}). The \
                 server's challenge is cached: one request per call once it is known."
            ),
            quote!(user: impl Into<String>, password: impl Into<Secret>),
            quote!(digest_auth(user, password)),
        ),
        CredentialKind::Bearer if setter.schemes.is_empty() => (
            " A bearer token sent as `Authorization: Bearer <token>`: the API takes one although \
             its document declares no security scheme (its vendor profile says so)."
                .to_owned(),
            quote!(token: impl Into<Secret>),
            quote!(bearer_token(token)),
        ),
        CredentialKind::Bearer => (
            format!(
                " A bearer token sent as `Authorization: Bearer <token>` (security scheme{plural} \
                 {schemes}), for example an access token obtained elsewhere."
            ),
            quote!(token: impl Into<Secret>),
            quote!(bearer_token(token)),
        ),
        CredentialKind::ClientCredentials => (
            format!(
                " OAuth2 client credentials (security scheme{plural} {schemes}): access tokens are \
                 fetched from the scheme's token URL, cached and refreshed before they expire."
            ),
            quote!(client_id: impl Into<String>, client_secret: impl Into<Secret>),
            quote!(client_credentials(client_id, client_secret)),
        ),
    };
    let function = quote! {
        pub fn #method(mut self, #params) -> Self {
            self.inner = self.inner.#call;
            self
        }
    };
    // Bearer tokens serve every OAuth2 scheme: their descriptions are about the flow, not this.
    // The schemes' descriptions join the method's text before sanitizing: one item, one check.
    let mut doc = doc;
    if !matches!(setter.kind, CredentialKind::Bearer) {
        for description in &setter.descriptions {
            doc.push_str("\n\n");
            doc.push_str(description);
        }
    }
    let doc = super::docs::doc_attrs(Some(&doc));
    quote! {
        #doc
        #function
    }
}
