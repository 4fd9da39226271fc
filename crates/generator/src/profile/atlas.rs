//! MongoDB Atlas Admin API v2: every Atlas convention the generator and runtime honour.

use serde_json::Value;

use super::{
    EnvNaming, EnvRole, ErrorRoles, Features, LinksRelation, PageMembers, PaginationPatterns,
    PaginationRule, Profile, Responses, Versioning,
};

/// The Atlas profile.
pub(super) fn profile() -> Profile {
    Profile {
        name: "atlas",
        // The short, stable SDK name of each operation (`listExportBuckets`).
        operation_name_extension: Some("x-xgen-operation-id-override"),
        // `application/vnd.atlas.2024-05-30+json`, with `x-xgen-version` and `x-sunset` beside it.
        versioning: Versioning {
            version_extension: Some("x-xgen-version"),
            sunset_extension: Some("x-sunset"),
            dated_vendor_media_types: true,
        },
        // The Go SDK's encoding of polymorphism: one flattened object plus, per tag, its members.
        polymorphism_extension: Some("x-xgen-discriminator"),
        envelope_param: Some("envelope"),
        // Page numbers, a `results` array, `totalCount`, and `links` whose `next` relation is
        // absent on the last page; nothing detected beyond this rule.
        pagination: vec![PaginationRule::PageNumber {
            page_param: "pageNum",
            size_param: Some("itemsPerPage"),
            // Atlas' page size when `itemsPerPage` is not sent.
            default_size: Some(100),
            page: PageMembers {
                items: Some("results"),
                total: Some(&["totalCount"]),
                has_more: None,
                links: Some(LinksRelation {
                    member: "links",
                    rel_member: "rel",
                }),
            },
        }],
        pagination_patterns: PaginationPatterns::default(),
        // ApiError: `errorCode` is documented as required but absent from 401 bodies.
        error_roles: ErrorRoles {
            code: &["errorCode"],
            detail: &["detail"],
            reason: &["reason"],
        },
        // Service accounts: the token URL is in the spec; the revocation endpoint is not.
        oauth_revoke_path: Some("/api/oauth/revoke"),
        // The Atlas CLI's variables: MONGODB_ATLAS_CLIENT_ID, .._BASE_URL, and its API key pair.
        env: EnvNaming {
            prefix: Some("MONGODB_ATLAS"),
            names: &[
                (EnvRole::User, "MONGODB_ATLAS_PUBLIC_API_KEY"),
                (EnvRole::Password, "MONGODB_ATLAS_PRIVATE_API_KEY"),
            ],
        },
        // What MongoDB support asks for beside the request id.
        support_headers: &["x-mongodb-service-version", "x-envoy-upstream-service-time"],
        vendor: Some("Atlas"),
        // Atlas calls OAuth2 client credentials a service account.
        client_credentials_method: Some("service_account"),
        // Atlas omits members its spec calls required: 3,026 of 49,026 recorded 2xx bodies lack one.
        responses: Responses::Lenient,
        // The Atlas spec declares its schemes (Digest, OAuth2 service accounts).
        bearer_without_scheme: false,
        // The whole Atlas API builds in seconds (BENCHMARKS.md): one crate, no features to choose.
        features: Features::Off,
    }
}

/// An Atlas document: served from `cloud.mongodb.com`, or using Atlas' `x-xgen-*` extensions
/// (the upstream documents carry both; a trimmed one or a test fixture may keep only one).
pub(super) fn recognises(raw: &Value) -> bool {
    super::servers_contain(raw, "://cloud.mongodb.com") || raw_mentions_xgen(raw)
}

/// Whether any object in the document has an `x-xgen-*` member (an explicit stack, not
/// recursion: documents can nest deeply; the walk stops at the first hit).
fn raw_mentions_xgen(raw: &Value) -> bool {
    let mut stack = vec![raw];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if map.keys().any(|k| k.starts_with("x-xgen-")) {
                    return true;
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    false
}
