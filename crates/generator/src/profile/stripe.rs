//! Stripe's API (`stripe.com.json` in APIs.guru, Stripe's own `spec3` description): its conventions
//! beyond the document.

use serde_json::Value;

use super::{servers_contain, EnvNaming, EnvRole, Profile};

/// The Stripe profile.
pub(super) fn profile() -> Profile {
    Profile {
        name: "stripe",
        // Stripe's SDKs and CLI read the secret key from STRIPE_API_KEY; it is sent as a bearer
        // token (the document also allows it as the Basic user, which the token covers).
        env: EnvNaming {
            prefix: Some("STRIPE"),
            names: &[(EnvRole::Token, "STRIPE_API_KEY")],
        },
        // What Stripe support asks for beside the request id (`request-id`, kept generically).
        support_headers: &["request-id", "stripe-version", "idempotency-key"],
        vendor: Some("Stripe"),
        ..Profile::generic()
    }
}

/// A document served from `api.stripe.com`.
pub(super) fn recognises(raw: &Value) -> bool {
    servers_contain(raw, "://api.stripe.com")
}
