//! `cargo xtask webhooks [--cache DIR] [--full] [--jobs J]`: GitHub's webhooks
//! (`@octokit/openapi-webhooks`, an OpenAPI 3.1 document with no paths) generated into a crate,
//! compiled under clippy `-D warnings` (all targets), and a `push` and a `pull_request` (`opened`)
//! delivery decoded by a test written into that crate. The delivery bodies are built here from the
//! document's own payload schemas (required members only, see `crate::instance`), not copied from
//! its examples. Without `--full` the document is cut down to those two webhooks and the
//! components they reach (seconds to build); `--full` compiles all of it (about 4,000 files).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use serde_json::{json, Value};

use crate::crate_build::cargo;
use crate::instance;

/// The npm package pinned for this check, so results stay comparable between runs.
pub const PACKAGE: &str = "@octokit/openapi-webhooks@12.1.0";
const DOCUMENT: &str = "package/generated/api.github.com.json";
/// The webhooks the decode test reads, and the files their bodies are written to.
const DELIVERIES: &[(&str, &str)] = &[
    ("push", "push.json"),
    ("pull-request-opened", "pull_request_opened.json"),
];

pub const USAGE: &str = "usage: cargo xtask webhooks [--cache DIR] [--full] [--jobs J]

  --cache DIR  where the npm package is unpacked (default: ~/.cache/openapi-webhooks; fetched with
               `npm pack` when missing)
  --full       generate and clippy the whole document (every webhook), not only the two decoded
  --jobs J     cargo build jobs (default 2)
Generates GitHub's webhooks crate into target/github-webhooks/, runs clippy -D warnings on all its
targets and its decode test (`push`, `pull_request` opened), and prints the time of each step.";

pub fn run(args: &[String], root: &Path) -> Result<ExitCode, String> {
    let mut cache = crate::npm::cache_dir("openapi-webhooks");
    let mut full = false;
    let mut jobs = "2".to_owned();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--cache" => cache = PathBuf::from(it.next().ok_or("--cache needs a value")?),
            "--full" => full = true,
            "--jobs" => jobs = it.next().ok_or("--jobs needs a value")?.clone(),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let path = crate::npm::document(PACKAGE, &cache, DOCUMENT)?;
    let text = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let doc: Value =
        serde_json::from_slice(&text).map_err(|e| format!("{}: {e}", path.display()))?;
    let base = root.join("target/github-webhooks");
    let out = base.join(if full { "full" } else { "subset" });
    std::fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let spec = if full {
        path.clone()
    } else {
        let names: Vec<&str> = DELIVERIES.iter().map(|(name, _)| *name).collect();
        let spec = base.join("subset.json");
        let text = serde_json::to_vec(&subset(&doc, &names)).map_err(|e| e.to_string())?;
        std::fs::write(&spec, text).map_err(|e| format!("cannot write {}: {e}", spec.display()))?;
        spec
    };
    // Distinct names: cargo's fingerprints of two path packages of one name, each its own
    // workspace root, collide in the shared target directory (the second build is skipped).
    let crate_name = if full {
        "github-webhooks"
    } else {
        "github-webhooks-subset"
    };
    let options = apigen::Options {
        crate_name: crate_name.into(),
        spec_label: "api.github.com.json".into(),
        runtime: apigen::RuntimeSource::workspace(&out),
        ..Default::default()
    };
    let started = Instant::now();
    let files = apigen::generate(&spec, &options).map_err(|e| e.to_string())?;
    apigen::write::write(&out, &files).map_err(|e| e.to_string())?;
    eprintln!(
        "generated {} files from {} into {} in {:.1} s",
        files.len(),
        spec.display(),
        out.display(),
        started.elapsed().as_secs_f64()
    );
    write_decode_test(&doc, &out, &crate_name.replace('-', "_"))?;
    let target = crate::crate_build::prepare(&out, root)?;
    cargo(
        &out,
        &target,
        &[
            "clippy",
            "--all-targets",
            "-j",
            &jobs,
            "--",
            "-D",
            "warnings",
        ],
    )?;
    cargo(
        &out,
        &target,
        &["test", "-j", &jobs, "--test", "deliveries"],
    )?;
    Ok(ExitCode::SUCCESS)
}

/// `doc` with only the webhooks `names` and the components they reach through `$ref`s.
fn subset(doc: &Value, names: &[&str]) -> Value {
    let mut out = doc.clone();
    if let Some(Value::Object(hooks)) = out.get_mut("webhooks") {
        hooks.retain(|name, _| names.contains(&name.as_str()));
    }
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut pending: Vec<&Value> = vec![out.get("webhooks").unwrap_or(&Value::Null)];
    while let Some(node) = pending.pop() {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(r)) = map.get("$ref") {
                    let mut parts = r.trim_start_matches("#/").splitn(3, '/');
                    if let (Some("components"), Some(section), Some(rest)) =
                        (parts.next(), parts.next(), parts.next())
                    {
                        let name = rest.split('/').next().unwrap_or(rest);
                        let key = (section.to_owned(), name.to_owned());
                        if let (true, Some(target)) = (
                            !reached.contains(&key),
                            doc.pointer(&format!("/components/{section}/{name}")),
                        ) {
                            reached.insert(key);
                            pending.push(target);
                        }
                    }
                }
                pending.extend(map.values());
            }
            Value::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    if let Some(Value::Object(components)) = out.get_mut("components") {
        for (section, members) in components.iter_mut() {
            if let Value::Object(members) = members {
                members.retain(|name, _| reached.contains(&(section.clone(), name.clone())));
            }
        }
    }
    out
}

/// The body of a delivery of webhook `name`: the minimal instance of its JSON payload schema,
/// with a few members set to what a real delivery would carry.
fn delivery_body(doc: &Value, name: &str) -> Result<Value, String> {
    let schema = doc
        .pointer(&format!(
            "/webhooks/{name}/post/requestBody/content/application~1json/schema"
        ))
        .ok_or_else(|| format!("webhook `{name}` has no JSON body in {DOCUMENT}"))?;
    let mut body = instance::minimal(doc, schema);
    let set = |body: &mut Value, pointer: &str, value: Value| {
        if let Some(slot) = body.pointer_mut(pointer) {
            *slot = value;
        }
    };
    set(&mut body, "/ref", json!("refs/heads/main"));
    set(
        &mut body,
        "/before",
        json!("6113728f27ae82c7b1a177c8d03f9e96e0adf246"),
    );
    set(
        &mut body,
        "/after",
        json!("59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5"),
    );
    set(
        &mut body,
        "/compare",
        json!("https://github.com/octo-org/octo-repo/compare/6113728f27ae...59b20b8d5c6f"),
    );
    set(&mut body, "/number", json!(42));
    set(
        &mut body,
        "/repository/full_name",
        json!("octo-org/octo-repo"),
    );
    set(
        &mut body,
        "/pull_request/title",
        json!("Add webhook decoding"),
    );
    Ok(body)
}

/// Writes `tests/deliveries.rs` and the delivery bodies it reads into the generated crate.
fn write_decode_test(doc: &Value, out: &Path, krate: &str) -> Result<(), String> {
    let tests = out.join("tests");
    std::fs::create_dir_all(&tests)
        .map_err(|e| format!("cannot create {}: {e}", tests.display()))?;
    for (name, file) in DELIVERIES {
        let body = delivery_body(doc, name)?;
        let text = serde_json::to_vec_pretty(&body).map_err(|e| e.to_string())?;
        std::fs::write(tests.join(file), text).map_err(|e| format!("cannot write {file}: {e}"))?;
    }
    let test = DECODE_TEST.replace("use github_webhooks::", &format!("use {krate}::"));
    std::fs::write(tests.join("deliveries.rs"), test)
        .map_err(|e| format!("cannot write deliveries.rs: {e}"))
}

/// The decode test of the generated crate (written by `cargo xtask webhooks`).
const DECODE_TEST: &str = r#"//! Written by `cargo xtask webhooks`: deliveries built from the document's payload schemas decode.

use github_webhooks::webhooks::{
    HeaderMap, PullRequestOpenedDelivery, PushDelivery, Webhook, WebhookErrorKind,
};

const PUSH: &[u8] = include_bytes!("push.json");
const PULL_REQUEST_OPENED: &[u8] = include_bytes!("pull_request_opened.json");

/// The headers GitHub sends with every delivery.
fn headers(event: &str) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in [
        ("content-type", "application/json"),
        ("user-agent", "GitHub-Hookshot/0a1b2c3"),
        ("x-github-hook-id", "1"),
        ("x-github-event", event),
        ("x-github-hook-installation-target-id", "2"),
        ("x-github-hook-installation-target-type", "repository"),
        ("x-github-delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        ("x-hub-signature-256", "sha256=0000"),
    ] {
        map.insert(name, value.parse().unwrap());
    }
    map
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes).unwrap()
}

#[test]
fn a_push_delivery_decodes() {
    let delivery = PushDelivery::decode(&headers("push"), PUSH).unwrap();
    assert_eq!(delivery.headers.x_github_event, "push");
    assert_eq!(delivery.headers.x_github_hook_installation_target_type, "repository");
    let payload = serde_json::to_value(&delivery.payload).unwrap();
    let sent = json(PUSH);
    assert_eq!(payload["ref"], "refs/heads/main");
    for member in ["ref", "before", "after", "compare", "forced"] {
        assert_eq!(payload[member], sent[member], "{member}");
    }
    assert_eq!(payload["repository"]["full_name"], "octo-org/octo-repo");
}

#[test]
fn a_pull_request_opened_delivery_decodes_by_name() {
    let any = Webhook::decode("pull-request-opened", &headers("pull_request"), PULL_REQUEST_OPENED)
        .unwrap();
    let Webhook::PullRequestOpened(delivery) = &any else {
        panic!("{any:?}");
    };
    let delivery: &PullRequestOpenedDelivery = delivery;
    assert_eq!(delivery.headers.x_github_event, "pull_request");
    let payload = serde_json::to_value(&delivery.payload).unwrap();
    assert_eq!(payload["action"], "opened");
    assert_eq!(payload["number"], 42);
    assert_eq!(payload["pull_request"]["title"], "Add webhook decoding");
    assert_eq!(payload["repository"]["full_name"], "octo-org/octo-repo");
}

#[test]
fn a_delivery_without_its_event_header_is_refused() {
    let mut headers = headers("push");
    headers.remove("x-github-event");
    let error = PushDelivery::decode(&headers, PUSH).unwrap_err();
    assert_eq!(error.kind(), &WebhookErrorKind::MissingHeader { name: "X-Github-Event" });
    assert!(error.body_excerpt().starts_with('{'), "{error}");
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_keeps_the_chosen_webhooks_and_what_they_reach() {
        let doc = json!({
            "webhooks": {"a": {"post": {"requestBody": {"$ref": "#/components/requestBodies/A"}}},
                         "b": {"post": {}}},
            "components": {
                "requestBodies": {"A": {"content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/X/properties/y"}}}}},
                "schemas": {"X": {"properties": {"y": {"$ref": "#/components/schemas/Y"}}},
                            "Y": {"type": "string"}, "Z": {"type": "string"}}}
        });
        let cut = subset(&doc, &["a"]);
        assert_eq!(cut["webhooks"].as_object().map(|m| m.len()), Some(1));
        let schemas: Vec<&String> = cut["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(schemas, ["X", "Y"]);
        assert!(cut["components"]["requestBodies"]["A"].is_object());
    }
}
