//! Authentication from `components.securitySchemes`, completed by the profile.

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityScheme};

use super::model::{AuthModel, CredentialKind, CredentialSetter};
use super::naming;
use crate::profile::Profile;

/// Methods every generated `ClientBuilder` has (`runtime::client_builder!`), plus `from_env` and
/// the trait methods: a scheme named like one of them gets a `_key` suffix.
const BUILDER_METHODS: &[&str] = &[
    "new",
    "default",
    "clone",
    "fmt",
    "from_env",
    "max_response_bytes",
    "base_url",
    "server_variable",
    "connect_timeout",
    "timeout",
    "total_timeout",
    "retry_policy",
    "user_agent_suffix",
    "http_client",
    "allow_insecure_http",
    "digest_fixed_cnonce",
    "build",
    "basic_auth",
    "bearer_token",
    "digest_auth",
    "client_credentials",
];

/// One `ClientBuilder` method per kind of credential the spec declares, in declaration order.
///
/// - `apiKey`: `api_key(key)` for a document's only one; with several, one method per scheme
///   named after it (`header_key`, `query_key`, ...), since each goes to its own place.
/// - `http` `basic` / `bearer` / `digest`: `basic_auth(user, password)`, `bearer_token(token)`,
///   `digest_auth(user, password)`; several schemes of one kind share the method (they send the
///   same `Authorization` header).
/// - `oauth2` with a client-credentials flow: `client_credentials(id, secret)` (or the profile's
///   word for it); any `oauth2` or `openIdConnect` scheme also gets `bearer_token(token)`, for an
///   access token obtained elsewhere.
///
/// Other `http` schemes (`hoba`, `mutual`, ...) get no method; ARCHITECTURE.md says why.
fn credential_setters(api: &OpenAPI, profile: &Profile) -> Vec<CredentialSetter> {
    let schemes: Vec<(&String, &SecurityScheme)> = api
        .components
        .iter()
        .flat_map(|c| &c.security_schemes)
        .filter_map(|(name, def)| def.as_item().map(|d| (name, d)))
        .collect();
    let api_key_count = schemes
        .iter()
        .filter(|(_, d)| matches!(d, SecurityScheme::APIKey { .. }))
        .count();
    let mut taken: naming::Names = BUILDER_METHODS.iter().map(|m| m.to_string()).collect();
    let mut setters: Vec<CredentialSetter> = Vec::new();
    let mut add = |method: &str, (scheme, def): (&str, &SecurityScheme), kind: CredentialKind| {
        let description = scheme_description(def).filter(|d| !d.trim().is_empty());
        match setters.iter_mut().find(|s| s.method == method) {
            Some(existing) => {
                existing.schemes.push(scheme.to_owned());
                existing.descriptions.extend(description);
            }
            None => setters.push(CredentialSetter {
                method: method.to_owned(),
                schemes: vec![scheme.to_owned()],
                kind,
                descriptions: description.into_iter().collect(),
            }),
        }
    };
    let client_credentials = profile
        .client_credentials_method
        .unwrap_or("client_credentials");
    let mut has_client_credentials = false;
    for (scheme, def) in schemes {
        match def {
            SecurityScheme::APIKey { location, name, .. } => {
                let method = if api_key_count == 1 {
                    "api_key".to_owned()
                } else {
                    let base = naming::field_name(scheme);
                    let base = if taken.contains(&base) {
                        format!("{base}_key")
                    } else {
                        base
                    };
                    naming::unique(base, &mut taken)
                };
                let location = match location {
                    APIKeyLocation::Header => "header",
                    APIKeyLocation::Query => "query",
                    APIKeyLocation::Cookie => "cookie",
                };
                let kind = CredentialKind::ApiKey {
                    location: location.to_owned(),
                    name: name.clone(),
                };
                add(&method, (scheme, def), kind);
            }
            SecurityScheme::HTTP { scheme: http, .. } => match http.to_ascii_lowercase().as_str() {
                "basic" => add("basic_auth", (scheme, def), CredentialKind::Basic),
                "bearer" => add("bearer_token", (scheme, def), CredentialKind::Bearer),
                "digest" => add("digest_auth", (scheme, def), CredentialKind::Digest),
                _ => {}
            },
            SecurityScheme::OAuth2 { flows, .. } => {
                // The runtime fetches tokens from one token URL: the first such scheme's.
                if flows.client_credentials.is_some() && !has_client_credentials {
                    has_client_credentials = true;
                    add(
                        client_credentials,
                        (scheme, def),
                        CredentialKind::ClientCredentials,
                    );
                }
                add("bearer_token", (scheme, def), CredentialKind::Bearer);
            }
            SecurityScheme::OpenIDConnect { .. } => {
                add("bearer_token", (scheme, def), CredentialKind::Bearer)
            }
        }
    }
    let has_bearer = setters.iter().any(|s| s.kind == CredentialKind::Bearer);
    if profile.bearer_without_scheme && !has_bearer {
        setters.push(CredentialSetter {
            method: "bearer_token".to_owned(),
            schemes: Vec::new(),
            kind: CredentialKind::Bearer,
            descriptions: Vec::new(),
        });
    }
    setters
}

fn scheme_description(def: &SecurityScheme) -> Option<String> {
    match def {
        SecurityScheme::APIKey { description, .. }
        | SecurityScheme::HTTP { description, .. }
        | SecurityScheme::OAuth2 { description, .. }
        | SecurityScheme::OpenIDConnect { description, .. } => description.clone(),
    }
}

/// The OAuth2 client-credentials endpoints the document declares. A token URL on the default
/// server is kept relative (`/api/oauth/token`) so that it follows the base URL a caller sets.
pub fn auth_model(api: &OpenAPI, profile: &Profile, default_base_url: &str) -> AuthModel {
    let token_url = api
        .components
        .iter()
        .flat_map(|c| c.security_schemes.values())
        .find_map(|scheme| match scheme {
            ReferenceOr::Item(SecurityScheme::OAuth2 { flows, .. }) => flows
                .client_credentials
                .as_ref()
                .map(|f| f.token_url.clone()),
            _ => None,
        });
    let setters = credential_setters(api, profile);
    let Some(token_url) = token_url else {
        return AuthModel {
            setters,
            ..AuthModel::default()
        };
    };
    let relative = |url: &str| match url.strip_prefix(default_base_url) {
        Some(path) if !default_base_url.is_empty() && path.starts_with('/') => path.to_owned(),
        _ => url.to_owned(),
    };
    let token = relative(&token_url);
    // The revocation endpoint lives on the token endpoint's server.
    let revoke = profile.oauth_revoke_path.map(|path| {
        if token.starts_with('/') {
            path.to_owned()
        } else {
            match url_origin(&token) {
                Some(origin) => format!("{origin}{path}"),
                None => path.to_owned(),
            }
        }
    });
    AuthModel {
        oauth_token_url: Some(token),
        oauth_revoke_url: revoke,
        setters,
    }
}

/// `https://host:port` of an absolute URL.
fn url_origin(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let end = url[scheme_end..]
        .find('/')
        .map_or(url.len(), |i| scheme_end + i);
    Some(&url[..end])
}
