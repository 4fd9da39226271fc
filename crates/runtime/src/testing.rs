//! A client type for the runtime's own tests, as a generated crate would declare one.

use crate::{ApiClient, ApiConfig, ClientBuilder, ClientCore, OAuthEndpoints};

pub(crate) const CONFIG_OAUTH: OAuthEndpoints = OAuthEndpoints {
    token_url: "/api/oauth/token",
    revoke_url: Some("/api/oauth/revoke"),
};

pub(crate) static CONFIG: ApiConfig = ApiConfig {
    crate_name: "runtime-test-client",
    crate_version: "0.0.1",
    default_base_url: "https://api.example.com",
    server_template: "https://{host}.example.com",
    server_variables: &[("host", "api")],
    oauth: Some(CONFIG_OAUTH),
    env: Some(crate::EnvVars {
        base_url: "TEST_BASE_URL",
        credentials: &[
            crate::EnvCredential::ClientCredentials {
                client_id: "TEST_CLIENT_ID",
                client_secret: "TEST_CLIENT_SECRET",
            },
            crate::EnvCredential::Digest {
                user: "TEST_USERNAME",
                password: "TEST_PASSWORD",
            },
            crate::EnvCredential::Bearer {
                token: "TEST_TOKEN",
            },
            crate::EnvCredential::ApiKey {
                scheme: "KeyHeader",
                key: "TEST_API_KEY",
            },
            crate::EnvCredential::ApiKey {
                scheme: "TokenHeader",
                key: "TEST_API_TOKEN",
            },
        ],
    }),
    support_headers: &["x-service-version"],
    api_keys: &[
        crate::ApiKeyScheme {
            scheme: "KeyHeader",
            location: crate::ApiKeyLocation::Header,
            name: "X-Api-Key",
        },
        crate::ApiKeyScheme {
            scheme: "TokenHeader",
            location: crate::ApiKeyLocation::Header,
            name: "X-Api-Token",
        },
        crate::ApiKeyScheme {
            scheme: "KeyQuery",
            location: crate::ApiKeyLocation::Query,
            name: "api_key",
        },
        crate::ApiKeyScheme {
            scheme: "SessionCookie",
            location: crate::ApiKeyLocation::Cookie,
            name: "session",
        },
        crate::ApiKeyScheme {
            scheme: "TenantCookie",
            location: crate::ApiKeyLocation::Cookie,
            name: "tenant",
        },
    ],
    error_keys: &["error", "errorCode", "detail", "reason"],
};

/// The test API's error document, as a generated crate would declare it.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TestErrorBody {
    pub(crate) error_code: Option<String>,
    pub(crate) detail: Option<String>,
    pub(crate) reason: Option<String>,
}

impl crate::ErrorFields for TestErrorBody {
    fn error_code(&self) -> Option<&str> {
        self.error_code.as_deref()
    }
    fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
    fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }
}

/// The generated `Client` of a test API.
#[derive(Clone, Debug)]
pub(crate) struct TestClient(pub(crate) ClientCore);

impl ApiClient for TestClient {
    type ErrorBody = TestErrorBody;
    const CONFIG: &'static ApiConfig = &CONFIG;
    fn from_core(core: ClientCore) -> Self {
        TestClient(core)
    }
}

impl std::ops::Deref for TestClient {
    type Target = ClientCore;
    fn deref(&self) -> &ClientCore {
        &self.0
    }
}

impl TestClient {
    pub(crate) fn builder() -> ClientBuilder<TestClient> {
        ClientBuilder::new()
    }
}
