//! Vendor profiles: the conventions of one API family that no OpenAPI keyword states, declared in
//! one place as data. The generic layers (IR, emit, runtime) read a [`Profile`] and name no vendor.
//!
//! A document gets a profile by `--profile NAME` (`none` for the generic one), by its own
//! declaration (`info.x-apigen-profile: NAME`), or by detection ([`Profile::detect`]: a profile
//! recognises its vendor's extensions or servers). Anything else gets [`Profile::generic`]:
//! the base URL from `servers[0]`, pagination detected from the document's own parameters,
//! members and headers ([`PaginationPatterns::COMMON`]), error bodies from the spec's own
//! documented error responses.
//!
//! A new vendor: a new file here returning a `Profile`, plus one line in [`Profile::by_name`] and
//! [`Profile::detect`].

mod atlas;
mod github;
mod pagination;
mod slack;
mod stripe;

use serde_json::Value;

pub use pagination::{
    normalized, CursorSource, LinksRelation, MemberPath, PageMembers, PaginationPatterns,
    PaginationRule,
};

/// How an API family departs from plain OpenAPI. All fields are data; see the module docs.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// `generic`, `atlas`, ...
    pub name: &'static str,
    /// Extension on an operation holding the short method name to use instead of `operationId`.
    pub operation_name_extension: Option<&'static str>,
    /// Versioned media types (one client method per version, older ones deprecated).
    pub versioning: Versioning,
    /// Extension describing a flattened polymorphic object (one struct plus per-tag members).
    pub polymorphism_extension: Option<&'static str>,
    /// Boolean query parameter asking the server to wrap every body in an envelope.
    pub envelope_param: Option<&'static str>,
    /// Page-walking conventions the profile states, tried in order; an operation matching one
    /// gets `into_stream()` / `into_pages()`.
    pub pagination: Vec<PaginationRule>,
    /// Names pagination detection looks for where no rule matches (empty: rules only).
    pub pagination_patterns: PaginationPatterns,
    /// Members of the error schema that play the error-code / detail / reason roles.
    pub error_roles: ErrorRoles,
    /// OAuth2 token revocation endpoint (RFC 7009), relative to the token URL's server.
    pub oauth_revoke_path: Option<&'static str>,
    /// How the variables `ClientBuilder::from_env` reads are named.
    pub env: EnvNaming,
    /// Response headers worth quoting to the vendor's support, kept on API failures.
    pub support_headers: &'static [&'static str],
    /// Word used for the API in generated docs ("Atlas sunsets this version on ...").
    pub vendor: Option<&'static str>,
    /// Name of the `ClientBuilder` method for OAuth2 client credentials, when the vendor has its
    /// own word for them (default `client_credentials`).
    pub client_credentials_method: Option<&'static str>,
    /// The API takes a bearer token although its document declares no security scheme (GitHub's
    /// REST description declares none): the `ClientBuilder` gets `bearer_token` all the same.
    pub bearer_without_scheme: bool,
    /// Whether response types hold the server to the spec's `required` and `nullable`
    /// (overridden per document by `x-apigen: {responses: ..}` and per run by [`crate::Options`]).
    pub responses: Responses,
    /// Whether the generated crate gets one cargo feature per operation tag (overridden per run by
    /// [`crate::Options::features`]).
    pub features: Features,
}

/// How the generated crate's operations are split into cargo features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Features {
    /// Every operation is always compiled (no feature but `mock`).
    #[default]
    Off,
    /// One feature per operation tag (`untagged` for operations without one), all on by default:
    /// a user who turns the defaults off compiles only the tags they enable, and the types those
    /// operations reach (see `emit/features.rs`).
    PerTag,
}

/// How faithfully a response body must follow the spec's `required` and `nullable`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Responses {
    /// As the spec says: a required member is a plain field (required and nullable: an `Option`
    /// that must be present), and a body missing one, or with `null` where the spec allows none,
    /// is a decode error naming the member's path.
    #[default]
    Strict,
    /// Every member of a type decoded from responses is an `Option`, and `null` is `None`: for
    /// APIs whose bodies omit members their spec calls required.
    Lenient,
}

impl Responses {
    /// The setting called `name` (`strict`, `lenient`).
    pub fn by_name(name: &str) -> Option<Self> {
        match name {
            "strict" => Some(Self::Strict),
            "lenient" => Some(Self::Lenient),
            _ => None,
        }
    }
}

/// How a media type carries an API version.
#[derive(Debug, Clone, Default)]
pub struct Versioning {
    /// Extension on a media type object naming its version.
    pub version_extension: Option<&'static str>,
    /// Extension on a media type object giving the version's sunset date.
    pub sunset_extension: Option<&'static str>,
    /// `application/vnd.<vendor>.<YYYY-MM-DD>+json` carries a date version.
    pub dated_vendor_media_types: bool,
}

/// JSON names of the error schema's members that play each role (first present wins).
#[derive(Debug, Clone, Default)]
pub struct ErrorRoles {
    /// Machine-readable error code.
    pub code: &'static [&'static str],
    /// Human-readable explanation.
    pub detail: &'static [&'static str],
    /// Reason phrase.
    pub reason: &'static [&'static str],
}

/// How `ClientBuilder::from_env` names its variables: `<prefix>_<ROLE>` (e.g. `ACME_TOKEN`), unless
/// the vendor names a role's variable itself. Which credentials it reads comes from the document's
/// security schemes (`ir::env_vars`); this is only their names.
#[derive(Debug, Clone, Default)]
pub struct EnvNaming {
    /// Prefix of every variable; `None`: the crate name in SCREAMING_SNAKE_CASE.
    pub prefix: Option<&'static str>,
    /// Variables the vendor's own tools name differently from `<prefix>_<ROLE>`.
    pub names: &'static [(EnvRole, &'static str)],
}

/// What an environment variable holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvRole {
    /// The base URL (`BASE_URL`).
    BaseUrl,
    /// OAuth2 client id (`CLIENT_ID`).
    ClientId,
    /// OAuth2 client secret (`CLIENT_SECRET`).
    ClientSecret,
    /// HTTP Basic or Digest user (`USERNAME`).
    User,
    /// HTTP Basic or Digest password (`PASSWORD`).
    Password,
    /// A bearer token (`TOKEN`).
    Token,
    /// The key of the API's only `apiKey` scheme (`API_KEY`; with several schemes, each is
    /// `<prefix>_<SCHEME>`).
    ApiKey,
}

impl EnvRole {
    /// The variable's suffix after `<prefix>_`.
    pub fn suffix(self) -> &'static str {
        match self {
            EnvRole::BaseUrl => "BASE_URL",
            EnvRole::ClientId => "CLIENT_ID",
            EnvRole::ClientSecret => "CLIENT_SECRET",
            EnvRole::User => "USERNAME",
            EnvRole::Password => "PASSWORD",
            EnvRole::Token => "TOKEN",
            EnvRole::ApiKey => "API_KEY",
        }
    }
}

impl Profile {
    /// Plain OpenAPI: no vendor conventions beyond what the document states.
    pub fn generic() -> Self {
        Profile {
            name: "generic",
            pagination_patterns: PaginationPatterns::COMMON,
            error_roles: ErrorRoles {
                code: &["code", "error_code", "errorCode"],
                detail: &["message", "detail", "error_description"],
                reason: &["reason"],
            },
            ..Profile::default()
        }
    }

    /// The profile called `name` (`none` and `generic` are the generic one).
    pub fn by_name(name: &str) -> Option<Self> {
        match name {
            "none" | "generic" => Some(Self::generic()),
            "atlas" => Some(atlas::profile()),
            "github" => Some(github::profile()),
            "slack" => Some(slack::profile()),
            "stripe" => Some(stripe::profile()),
            _ => None,
        }
    }

    /// The profile the raw document declares (`info.x-apigen-profile`) or that recognises it;
    /// otherwise the generic one. An unknown declared name is returned as `Err(name)`.
    pub fn for_document(raw: &Value) -> Result<Self, String> {
        if let Some(name) = raw
            .pointer("/info/x-apigen-profile")
            .and_then(Value::as_str)
        {
            return Self::by_name(name).ok_or_else(|| name.to_owned());
        }
        Ok(Self::detect(raw).unwrap_or_else(Self::generic))
    }

    /// A vendor profile that recognises the document, if any.
    pub fn detect(raw: &Value) -> Option<Self> {
        let vendors: [(Recognises, fn() -> Self); 4] = [
            (atlas::recognises, atlas::profile),
            (github::recognises, github::profile),
            (slack::recognises, slack::profile),
            (stripe::recognises, stripe::profile),
        ];
        vendors
            .iter()
            .find(|(recognises, _)| recognises(raw))
            .map(|(_, profile)| profile())
    }

    /// Names of the profiles `by_name` knows, for messages.
    pub const NAMES: &'static str = "generic (or none), atlas, github, slack, stripe";

    /// The profile with the document's own settings (`x-apigen` at its root) applied. Every key
    /// and value is checked: a misspelt setting is an error naming its pointer, not ignored.
    pub fn with_document_settings(mut self, raw: &Value) -> crate::Result<Self> {
        let Some(settings) = raw.get(DOCUMENT_SETTINGS) else {
            return Ok(self);
        };
        let at = crate::error::Ptr::root().push(DOCUMENT_SETTINGS);
        let Some(settings) = settings.as_object() else {
            return Err(crate::GenError::new(
                at.as_str(),
                "`x-apigen` must be an object (known keys: responses, features)",
            ));
        };
        for (key, value) in settings {
            let at = at.push(key);
            match key.as_str() {
                "responses" => {
                    self.responses =
                        value.as_str().and_then(Responses::by_name).ok_or_else(|| {
                            crate::GenError::new(
                                at.as_str(),
                                format!("`responses` is `strict` or `lenient`, not {value}"),
                            )
                        })?;
                }
                "features" => {
                    self.features = match value.as_str() {
                        Some("per-tag") => Features::PerTag,
                        Some("off") => Features::Off,
                        _ => {
                            return Err(crate::GenError::new(
                                at.as_str(),
                                format!("`features` is `per-tag` or `off`, not {value}"),
                            ))
                        }
                    };
                }
                _ => {
                    return Err(crate::GenError::new(
                        at.as_str(),
                        format!("unknown `x-apigen` setting `{key}` (known: responses, features)"),
                    ))
                }
            }
        }
        Ok(self)
    }
}

/// A vendor's test of a raw document.
type Recognises = fn(&Value) -> bool;

/// Whether one of the document's `servers` URLs contains `needle`.
fn servers_contain(raw: &Value, needle: &str) -> bool {
    raw.get("servers")
        .and_then(Value::as_array)
        .is_some_and(|servers| {
            servers.iter().any(|s| {
                s.get("url")
                    .and_then(Value::as_str)
                    .is_some_and(|u| u.contains(needle))
            })
        })
}

/// The document-root extension holding the generator settings a document chooses for itself.
pub const DOCUMENT_SETTINGS: &str = "x-apigen";

#[cfg(test)]
mod tests;
