//! Slack's Web API (`slack.com.json` in APIs.guru): its conventions beyond the document.

use serde_json::Value;

use super::{servers_contain, EnvNaming, Profile};

/// The Slack profile.
pub(super) fn profile() -> Profile {
    Profile {
        name: "slack",
        // SLACK_TOKEN (a bot or user token, `xoxb-`/`xoxp-`), SLACK_BASE_URL.
        env: EnvNaming {
            prefix: Some("SLACK"),
            names: &[],
        },
        vendor: Some("Slack"),
        ..Profile::generic()
    }
}

/// A document served from `slack.com/api`.
pub(super) fn recognises(raw: &Value) -> bool {
    servers_contain(raw, "://slack.com/api")
}
