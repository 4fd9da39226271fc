//! GitHub's REST API (`@octokit/openapi`, `api.github.com.json`): its conventions beyond the
//! document.

use serde_json::Value;

use super::{servers_contain, EnvNaming, EnvRole, Profile, Responses};

/// The GitHub profile.
pub(super) fn profile() -> Profile {
    Profile {
        name: "github",
        // The variables GitHub's own tools read: `gh` and Actions set GITHUB_TOKEN, Actions sets
        // GITHUB_API_URL (GitHub Enterprise Server included).
        env: EnvNaming {
            prefix: Some("GITHUB"),
            names: &[(EnvRole::BaseUrl, "GITHUB_API_URL")],
        },
        // The document declares no security scheme; every endpoint takes `Authorization: Bearer`.
        bearer_without_scheme: true,
        // What GitHub support asks for.
        support_headers: &["x-github-request-id"],
        vendor: Some("GitHub"),
        // The description is generated from GitHub's own schemas and holds to them.
        responses: Responses::Strict,
        ..Profile::generic()
    }
}

/// A document served from `api.github.com` (a GitHub Enterprise Server's description names its own
/// host: `--profile github`).
pub(super) fn recognises(raw: &Value) -> bool {
    servers_contain(raw, "://api.github.com")
}
