//! The environment variables a generated `ClientBuilder::from_env` reads: one per role of each
//! credential the document's security schemes accept, named by the profile (`<prefix>_<ROLE>`, or
//! the vendor's own name for a role).

use heck::ToShoutySnakeCase;

use super::model::{AuthModel, CredentialKind, EnvCredentialNames, EnvVarNames};
use crate::profile::{EnvNaming, EnvRole};

/// The variables for `auth` under `naming`; `crate_name` gives the prefix when the profile has
/// none (`my-api` -> `MY_API_TOKEN`).
///
/// Credentials come in a fixed order of preference (`from_env` takes the first `Authorization`
/// credential whose variables are all set, plus every API key whose variable is set: keys
/// accumulate): OAuth2 client credentials (short-lived tokens), a bearer token, API keys, then
/// HTTP Digest or else HTTP Basic.
pub fn names(naming: &EnvNaming, auth: &AuthModel, crate_name: &str) -> EnvVarNames {
    let prefix = naming
        .prefix
        .map_or_else(|| crate_name.to_shouty_snake_case(), str::to_owned);
    let name = |role: EnvRole| {
        naming.names.iter().find(|(r, _)| *r == role).map_or_else(
            || format!("{prefix}_{}", role.suffix()),
            |(_, n)| (*n).to_owned(),
        )
    };
    let has = |kind: &CredentialKind| auth.setters.iter().any(|s| &s.kind == kind);
    let mut credentials = Vec::new();
    if has(&CredentialKind::ClientCredentials) {
        credentials.push(EnvCredentialNames::ClientCredentials {
            client_id: name(EnvRole::ClientId),
            client_secret: name(EnvRole::ClientSecret),
        });
    }
    if has(&CredentialKind::Bearer) {
        credentials.push(EnvCredentialNames::Bearer {
            token: name(EnvRole::Token),
        });
    }
    let api_keys: Vec<&str> = auth
        .setters
        .iter()
        .filter(|s| matches!(s.kind, CredentialKind::ApiKey { .. }))
        .filter_map(|s| s.schemes.first().map(String::as_str))
        .collect();
    for scheme in &api_keys {
        let key = if api_keys.len() == 1 {
            name(EnvRole::ApiKey)
        } else {
            format!("{prefix}_{}", scheme.to_shouty_snake_case())
        };
        credentials.push(EnvCredentialNames::ApiKey {
            scheme: (*scheme).to_owned(),
            key,
        });
    }
    // Basic and Digest read the same two variables: with both, Digest (the password never
    // crosses the wire) is the one they configure.
    if has(&CredentialKind::Basic) && !has(&CredentialKind::Digest) {
        credentials.push(EnvCredentialNames::Basic {
            user: name(EnvRole::User),
            password: name(EnvRole::Password),
        });
    }
    if has(&CredentialKind::Digest) {
        credentials.push(EnvCredentialNames::Digest {
            user: name(EnvRole::User),
            password: name(EnvRole::Password),
        });
    }
    EnvVarNames {
        base_url: name(EnvRole::BaseUrl),
        credentials,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::model::CredentialSetter;

    fn setter(kind: CredentialKind, scheme: &str) -> CredentialSetter {
        CredentialSetter {
            method: scheme.to_owned(),
            schemes: vec![scheme.to_owned()],
            kind,
            descriptions: vec![],
        }
    }

    fn key(scheme: &str) -> CredentialSetter {
        let kind = CredentialKind::ApiKey {
            location: "header".into(),
            name: "X-Key".into(),
        };
        setter(kind, scheme)
    }

    #[test]
    fn generic_names_use_the_crate_name_and_follow_the_schemes() {
        let auth = AuthModel {
            setters: vec![
                setter(CredentialKind::Basic, "basic"),
                setter(CredentialKind::Bearer, "bearer"),
                key("ApiKeyAuth"),
            ],
            ..AuthModel::default()
        };
        let env = names(&EnvNaming::default(), &auth, "petstore-client");
        assert_eq!(env.base_url, "PETSTORE_CLIENT_BASE_URL");
        assert_eq!(
            env.credentials,
            [
                EnvCredentialNames::Bearer {
                    token: "PETSTORE_CLIENT_TOKEN".into()
                },
                EnvCredentialNames::ApiKey {
                    scheme: "ApiKeyAuth".into(),
                    key: "PETSTORE_CLIENT_API_KEY".into()
                },
                EnvCredentialNames::Basic {
                    user: "PETSTORE_CLIENT_USERNAME".into(),
                    password: "PETSTORE_CLIENT_PASSWORD".into()
                },
            ]
        );
        // No security scheme: only the base URL.
        let none = names(&EnvNaming::default(), &AuthModel::default(), "x");
        assert_eq!(
            (none.base_url.as_str(), none.credentials.len()),
            ("X_BASE_URL", 0)
        );
    }

    #[test]
    fn a_profile_names_roles_and_several_keys_are_told_apart_by_scheme() {
        let naming = EnvNaming {
            prefix: Some("ACME"),
            names: &[(EnvRole::Token, "ACME_CLI_TOKEN")],
        };
        let auth = AuthModel {
            setters: vec![
                key("appKey"),
                key("userKey"),
                setter(CredentialKind::Bearer, "oauth"),
            ],
            ..AuthModel::default()
        };
        let env = names(&naming, &auth, "ignored");
        assert_eq!(env.base_url, "ACME_BASE_URL");
        let vars: Vec<String> = env.credentials.iter().map(|c| format!("{c:?}")).collect();
        assert_eq!(
            vars,
            [
                r#"Bearer { token: "ACME_CLI_TOKEN" }"#,
                r#"ApiKey { scheme: "appKey", key: "ACME_APP_KEY" }"#,
                r#"ApiKey { scheme: "userKey", key: "ACME_USER_KEY" }"#,
            ]
        );
    }
}
