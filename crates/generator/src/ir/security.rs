//! Authentication from `components.securitySchemes`, completed by the profile.

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityScheme};

use super::model::AuthModel;
use crate::profile::Profile;

/// The OAuth2 client-credentials endpoints the document declares. A token URL on the default
/// server is kept relative (`/api/oauth/token`) so that it follows the base URL a caller sets.
pub fn auth_model(api: &OpenAPI, profile: &Profile, default_base_url: &str) -> AuthModel {
    let api_keys = api
        .components
        .iter()
        .flat_map(|c| &c.security_schemes)
        .filter_map(|(scheme, def)| match def {
            ReferenceOr::Item(SecurityScheme::APIKey { location, name, .. }) => {
                let location = match location {
                    APIKeyLocation::Header => "header",
                    APIKeyLocation::Query => "query",
                    APIKeyLocation::Cookie => "cookie",
                };
                Some((scheme.clone(), location.to_owned(), name.clone()))
            }
            _ => None,
        })
        .collect();
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
    let Some(token_url) = token_url else {
        return AuthModel {
            api_keys,
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
        api_keys,
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
