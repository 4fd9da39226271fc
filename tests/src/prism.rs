//! Third-party conformance with the Prism mock server (`@stoplight/prism-cli`).
//!
//! Prism picks the *first* `+json` entry of a `content` map when it validates a request or response
//! body: it compares only the `json` suffix of `application/vnd.atlas.2024-05-30+json`, so every
//! version is checked against the 2023-01-01 schema (stoplightio/prism#2509, #1936). To validate each
//! version against its own schemas, CI serves Prism [`split_by_version`] of `spec/openapi.yaml`: every
//! operation copied under `/<version>` (e.g. `/2024-05-30/api/atlas/v2/...`), keeping only that
//! version's media types. Nothing else changes, so the client talks to the version's prefix exactly as
//! it talks to Atlas (a base-URL path prefix is kept by the client).

use std::collections::BTreeSet;

use serde_json::{Map, Value};

/// Base URL of a running Prism (`http://127.0.0.1:<port>`), set by `.ci/run`.
pub const URL_VAR: &str = "PRISM_URL";
/// When `1`, a missing [`URL_VAR`] fails the Prism tests instead of skipping them (CI sets it).
pub const REQUIRE_VAR: &str = "REQUIRE_PRISM";

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// The Prism base URL, or `None` (after saying so) when the tests should be skipped.
///
/// # Panics
///
/// When Prism is absent and [`REQUIRE_VAR`] is `1`: CI must never skip the conformance tests.
pub fn url() -> Option<String> {
    let url = std::env::var(URL_VAR).ok().filter(|u| !u.trim().is_empty());
    match url {
        Some(url) => Some(url.trim_end_matches('/').to_owned()),
        None if std::env::var(REQUIRE_VAR).is_ok_and(|v| v == "1") => panic!(
            "{REQUIRE_VAR}=1 but {URL_VAR} is not set: start Prism as .ci/run does (see README) \
             and export {URL_VAR}"
        ),
        None => {
            eprintln!(
                "SKIPPED: {URL_VAR} is not set, so the Prism conformance checks did not run \
                 (set {REQUIRE_VAR}=1 to make this a failure)"
            );
            None
        }
    }
}

/// The version a media type stands for: `x-xgen-version` when the content entry has one, else the
/// last dot-separated part of a vendor type (`application/vnd.atlas.2023-01-01+json` -> `2023-01-01`).
/// `None` for unversioned types such as `application/json`.
pub fn version_of(media_type: &str, entry: Option<&Value>) -> Option<String> {
    if let Some(v) = entry
        .and_then(|e| e.get("x-xgen-version"))
        .and_then(Value::as_str)
    {
        return Some(v.to_owned());
    }
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    let (_, subtype) = essence.split_once('/')?;
    let stem = subtype.strip_suffix("+json")?;
    if !stem.starts_with("vnd.") {
        return None;
    }
    stem.rsplit_once('.').map(|(_, version)| version.to_owned())
}

/// The base URL path prefix under which [`split_by_version`] serves `version`.
pub fn prefix(version: &str) -> String {
    format!("/{version}")
}

fn content_maps(op: &Value) -> Vec<&Map<String, Value>> {
    let mut maps = Vec::new();
    if let Some(c) = op
        .pointer("/requestBody/content")
        .and_then(Value::as_object)
    {
        maps.push(c);
    }
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for response in responses.values() {
            if let Some(c) = response.get("content").and_then(Value::as_object) {
                maps.push(c);
            }
        }
    }
    maps
}

fn versions_of(op: &Value) -> BTreeSet<String> {
    content_maps(op)
        .into_iter()
        .flat_map(|c| c.iter().filter_map(|(mt, e)| version_of(mt, Some(e))))
        .collect()
}

fn keep_version(content: &mut Value, version: &str) {
    if let Some(map) = content.as_object_mut() {
        map.retain(|mt, entry| version_of(mt, Some(entry)).is_none_or(|v| v == version));
    }
}

/// `spec` with every operation moved under `/<version>` once per version it serves, each copy keeping
/// only its own version's media types (plus unversioned ones such as `application/json` errors).
/// Operations without any versioned media type are served under every version found in the spec.
pub fn split_by_version(spec: &Value) -> Result<Value, String> {
    let paths = spec
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("the spec has no `paths` object")?;
    let all: BTreeSet<String> = paths
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| item.iter())
        .filter(|(k, _)| METHODS.contains(&k.as_str()))
        .flat_map(|(_, op)| versions_of(op))
        .collect();
    let mut out_paths = Map::new();
    for (path, item) in paths {
        let item = item
            .as_object()
            .ok_or_else(|| format!("path item {path} is not an object"))?;
        for (key, value) in item {
            if !METHODS.contains(&key.as_str()) {
                continue;
            }
            let mut versions = versions_of(value);
            if versions.is_empty() {
                versions.clone_from(&all);
            }
            for version in versions {
                let mut op = value.clone();
                if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                    op["operationId"] = Value::String(format!("{id}_{version}"));
                }
                if let Some(content) = op.pointer_mut("/requestBody/content") {
                    keep_version(content, &version);
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for response in responses.values_mut() {
                        if let Some(content) = response.get_mut("content") {
                            keep_version(content, &version);
                        }
                    }
                }
                let target = out_paths
                    .entry(format!("{}{path}", prefix(&version)))
                    .or_insert_with(|| {
                        // Path-level keys (shared parameters, summary) go with every copy.
                        Value::Object(
                            item.iter()
                                .filter(|(k, _)| !METHODS.contains(&k.as_str()))
                                .map(|(k, v)| (k.clone(), v.clone()))
                                .collect(),
                        )
                    });
                target[key.as_str()] = op;
            }
        }
    }
    let mut out = spec.clone();
    out["paths"] = Value::Object(out_paths);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn versions_of_media_types() {
        let v = |mt: &str| version_of(mt, None);
        assert_eq!(
            v("application/vnd.atlas.2023-01-01+json").as_deref(),
            Some("2023-01-01")
        );
        assert_eq!(
            v("application/vnd.atlas.2024-05-30+json; charset=utf-8").as_deref(),
            Some("2024-05-30")
        );
        assert_eq!(v("application/json"), None);
        assert_eq!(v("application/problem+json"), None);
        let tagged = json!({"x-xgen-version": "2025-01-01"});
        assert_eq!(
            version_of("application/json", Some(&tagged)).as_deref(),
            Some("2025-01-01")
        );
    }

    #[test]
    fn every_operation_lands_under_each_of_its_versions_with_only_its_media_types() {
        let spec = json!({
            "openapi": "3.0.1",
            "paths": {
                "/things": {
                    "parameters": [{"$ref": "#/components/parameters/p"}],
                    "get": {
                        "operationId": "list",
                        "responses": {
                            "200": {"content": {
                                "application/vnd.x.2023-01-01+json": {"schema": {"type": "object"}},
                                "application/vnd.x.2024-05-30+json": {"schema": {"type": "array"}}
                            }},
                            "404": {"content": {"application/json": {}}}
                        }
                    },
                    "delete": {"operationId": "drop", "responses": {"204": {"description": "gone"}}}
                }
            }
        });
        let out = split_by_version(&spec).unwrap();
        let paths = out["paths"].as_object().unwrap();
        assert_eq!(
            paths.keys().collect::<Vec<_>>(),
            ["/2023-01-01/things", "/2024-05-30/things"]
        );
        let old = &paths["/2023-01-01/things"];
        assert_eq!(old["get"]["operationId"], "list_2023-01-01");
        let content = old["get"]["responses"]["200"]["content"]
            .as_object()
            .unwrap();
        assert_eq!(
            content.keys().collect::<Vec<_>>(),
            ["application/vnd.x.2023-01-01+json"]
        );
        assert!(old["get"]["responses"]["404"]["content"]["application/json"].is_object());
        assert_eq!(old["parameters"], spec["paths"]["/things"]["parameters"]);
        // Unversioned operations are reachable under every version.
        assert_eq!(
            paths["/2024-05-30/things"]["delete"]["operationId"],
            "drop_2024-05-30"
        );
    }
}
