//! The default base URL: the first server, its variables replaced by their defaults.

use openapiv3::OpenAPI;

use crate::error::{GenError, Ptr, Result};

/// Checks the first server (the only one the client uses): every `{name}` in its URL is a declared
/// variable, braces are balanced, and a variable's `enum` contains its `default`. Otherwise the
/// default base URL would carry `%7Bname%7D` or a value the server says it does not take.
pub fn check(api: &OpenAPI) -> Result<()> {
    let Some(server) = api.servers.first() else {
        return Ok(());
    };
    let at = Ptr::root().push("servers").push("0");
    let vars = server.variables.as_ref();
    let mut rest = server.url.as_str();
    while let Some(open) = rest.find(['{', '}']) {
        let close = rest[open..].find('}').map(|c| open + c);
        let (name, close) = match close {
            Some(close)
                if rest.as_bytes()[open] == b'{' && !rest[open + 1..close].contains('{') =>
            {
                (&rest[open + 1..close], close)
            }
            _ => {
                return Err(GenError::new(
                    at.push("url").as_str(),
                    format!("server URL `{}` has an unbalanced `{{` or `}}`", server.url),
                ))
            }
        };
        if !vars.is_some_and(|v| v.contains_key(name)) {
            return Err(GenError::new(
                at.push("url").as_str(),
                format!(
                    "server URL `{}` uses variable `{{{name}}}`, which `variables` does not declare",
                    server.url
                ),
            ));
        }
        rest = &rest[close + 1..];
    }
    for (name, var) in vars.into_iter().flatten() {
        if !var.enumeration.is_empty() && !var.enumeration.contains(&var.default) {
            return Err(GenError::new(
                at.push("variables").push(name).push("default").as_str(),
                format!(
                    "default `{}` of server variable `{name}` is not one of its `enum` values",
                    var.default
                ),
            ));
        }
    }
    Ok(())
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn api(servers: serde_json::Value) -> OpenAPI {
        serde_json::from_value(serde_json::json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1"},
            "servers": servers,
            "paths": {}
        }))
        .expect("a document")
    }

    fn error(servers: serde_json::Value) -> String {
        check(&api(servers)).expect_err("refused").to_string()
    }

    #[test]
    fn declared_variables_with_their_defaults_pass() {
        let doc = api(serde_json::json!([{
            "url": "https://{region}.example.test/{v}/",
            "variables": {"region": {"default": "eu", "enum": ["eu", "us"]}, "v": {"default": "v1"}}
        }]));
        assert_eq!(check(&doc), Ok(()));
        assert_eq!(default_base_url(&doc), "https://eu.example.test/v1");
        assert_eq!(check(&api(serde_json::json!([]))), Ok(()));
    }

    #[test]
    fn undeclared_unbalanced_and_off_enum_are_refused() {
        assert!(
            error(serde_json::json!([{"url": "https://x/{version}"}])).starts_with(
                "at /servers/0/url: server URL `https://x/{version}` uses variable `{version}`"
            )
        );
        for url in [
            "https://x/{a",
            "https://x/a}",
            "https://x/{{a}}",
            "https://x/{a{b}",
        ] {
            let message =
                error(serde_json::json!([{"url": url, "variables": {"a": {"default": "1"}}}]));
            assert!(
                message.starts_with("at /servers/0/url: "),
                "{url}: {message}"
            );
        }
        assert!(error(serde_json::json!([{
            "url": "https://{r}.x",
            "variables": {"r": {"default": "mars", "enum": ["eu"]}}
        }]))
        .starts_with("at /servers/0/variables/r/default: "));
    }
}
