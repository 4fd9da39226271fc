//! The default base URL: the first server, its variables replaced by their defaults.

use openapiv3::OpenAPI;

/// `servers[0].url` with every `{variable}` replaced by its default and the trailing `/` removed;
/// empty when the document has no server (the caller must then set a base URL).
pub fn default_base_url(api: &OpenAPI) -> String {
    let Some(server) = api.servers.first() else {
        return String::new();
    };
    let mut url = server.url.clone();
    if let Some(vars) = &server.variables {
        for (name, var) in vars {
            url = url.replace(&format!("{{{name}}}"), &var.default);
        }
    }
    url.trim_end_matches('/').to_owned()
}

/// The first server's URL as written, and its variables with their defaults (sorted by name).
pub fn server_template(api: &OpenAPI) -> (String, Vec<(String, String)>) {
    let Some(server) = api.servers.first() else {
        return (String::new(), Vec::new());
    };
    let vars = server
        .variables
        .iter()
        .flatten()
        .map(|(name, var)| (name.clone(), var.default.clone()))
        .collect();
    (server.url.clone(), vars)
}
