//! The response rule: profile defaults, the document's `x-apigen` setting, the run's override.

use serde_json::json;

use super::{Profile, Responses};
use crate::ir::model::{Field, TypeDef};

/// A document whose response type has a required member (`login`), a required nullable one
/// (`name`) and an optional one (`bio`), with `extra` merged into its root.
fn document(extra: &str) -> String {
    format!(
        r##"openapi: 3.0.3
info: {{title: t, version: "1"}}
{extra}
paths:
  /user:
    get:
      operationId: getUser
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/User"}}
components:
  schemas:
    User:
      type: object
      required: [login, name]
      properties:
        login: {{type: string}}
        name: {{type: string, nullable: true}}
        bio: {{type: string}}
"##
    )
}

/// The `User` struct's fields as generated from `text` with `options`.
fn user_fields(text: &str, options: &crate::Options) -> crate::Result<Vec<Field>> {
    let (raw, api, lowered) = crate::load::parse(text, false)?;
    let loaded = crate::load::LoadedSpec {
        path: "openapi.yaml".into(),
        raw,
        api,
        lowered,
    };
    let ir = crate::build_ir(&loaded, options)?;
    match ir.types.get("User") {
        Some(TypeDef::Struct(s)) => Ok(s.fields.clone()),
        other => panic!("User is not a struct: {other:?}"),
    }
}

/// (optional, present, null_is_error) of each member, by JSON name.
fn rules(fields: &[Field]) -> Vec<(String, bool, bool, bool)> {
    fields
        .iter()
        .map(|f| (f.json_name.clone(), f.optional, f.present, f.null_is_error))
        .collect()
}

fn strict_rules() -> Vec<(String, bool, bool, bool)> {
    vec![
        ("login".into(), false, false, false),
        ("name".into(), true, true, false),
        ("bio".into(), true, false, true),
    ]
}

fn lenient_rules() -> Vec<(String, bool, bool, bool)> {
    vec![
        ("login".into(), true, false, false),
        ("name".into(), true, false, false),
        ("bio".into(), true, false, false),
    ]
}

#[test]
fn the_generic_profile_is_strict_and_atlas_lenient() {
    assert_eq!(Profile::generic().responses, Responses::Strict);
    assert_eq!(
        Profile::by_name("atlas").map(|p| p.responses),
        Some(Responses::Lenient)
    );
    let options = crate::Options::default();
    let strict = user_fields(&document(""), &options).unwrap();
    assert_eq!(rules(&strict), strict_rules());
    let atlas = crate::Options {
        profile: Some("atlas".into()),
        ..Default::default()
    };
    assert_eq!(
        rules(&user_fields(&document(""), &atlas).unwrap()),
        lenient_rules()
    );
}

#[test]
fn a_document_chooses_with_x_apigen_and_a_run_overrides_it() {
    let lenient_doc = document("x-apigen: {responses: lenient}");
    let options = crate::Options::default();
    assert_eq!(
        rules(&user_fields(&lenient_doc, &options).unwrap()),
        lenient_rules()
    );
    let strict_run = crate::Options {
        responses: Some(Responses::Strict),
        ..Default::default()
    };
    assert_eq!(
        rules(&user_fields(&lenient_doc, &strict_run).unwrap()),
        strict_rules()
    );
    // The run's flag wins over a vendor profile's default too.
    let atlas_strict = crate::Options {
        profile: Some("atlas".into()),
        responses: Some(Responses::Strict),
        ..Default::default()
    };
    assert_eq!(
        rules(&user_fields(&document(""), &atlas_strict).unwrap()),
        strict_rules()
    );
    let atlas_doc_strict = document("x-apigen: {responses: strict}");
    let atlas = crate::Options {
        profile: Some("atlas".into()),
        ..Default::default()
    };
    assert_eq!(
        rules(&user_fields(&atlas_doc_strict, &atlas).unwrap()),
        strict_rules()
    );
}

#[test]
fn unknown_settings_and_values_are_errors_naming_their_pointer() {
    let cases = [
        (
            json!({"x-apigen": {"responses": "loose"}}),
            "/x-apigen/responses",
        ),
        (
            json!({"x-apigen": {"responses": true}}),
            "/x-apigen/responses",
        ),
        (json!({"x-apigen": {"pages": "x"}}), "/x-apigen/pages"),
        (json!({"x-apigen": {"a/b": 1}}), "/x-apigen/a~1b"),
        (json!({"x-apigen": "lenient"}), "/x-apigen"),
    ];
    for (raw, pointer) in cases {
        let err = Profile::generic()
            .with_document_settings(&raw)
            .expect_err(&raw.to_string());
        assert_eq!(err.pointer, pointer, "{raw}: {err}");
    }
    // Through the whole pipeline: the load-time checks accept the extension, the profile refuses
    // the value.
    let err = user_fields(
        &document("x-apigen: {responses: sometimes}"),
        &crate::Options::default(),
    )
    .unwrap_err();
    assert_eq!(err.pointer, "/x-apigen/responses", "{err}");
    assert!(err.message.contains("sometimes"), "{err}");
}

/// The IR of `text` under the profile it declares or that recognises it.
fn ir_of(text: &str) -> crate::ir::model::Api {
    ir_with(text, None)
}

/// The IR of `text` under profile `profile` (`None`: the one it declares or that recognises it).
pub(super) fn ir_with(text: &str, profile: Option<&str>) -> crate::ir::model::Api {
    let (raw, api, lowered) = crate::load::parse(text, false).expect("parses");
    let loaded = crate::load::LoadedSpec {
        path: "openapi.yaml".into(),
        raw,
        api,
        lowered,
    };
    let options = crate::Options {
        crate_name: "vendor-client".into(),
        profile: profile.map(str::to_owned),
        ..crate::Options::default()
    };
    crate::build_ir(&loaded, &options).expect("builds")
}

/// Whether the crate generated from `text` declares `mod pagination`, and whether it has the
/// file (the page structs' `impl Page`): both or neither.
pub(super) fn pagination_module(text: &str) -> (bool, bool) {
    let ir = ir_with(text, None);
    let options = crate::Options {
        crate_name: "vendor-client".into(),
        ..crate::Options::default()
    };
    let files = crate::render(&ir, &options).expect("renders");
    let lib = files
        .iter()
        .find(|(path, _)| path == "src/lib.rs")
        .map(|(_, text)| text.as_str())
        .unwrap_or_default();
    (
        lib.contains("mod pagination;"),
        files.iter().any(|(path, _)| path == "src/pagination.rs"),
    )
}

/// Each paginated method of `text` (under `profile`, see [`ir_with`]) with its walk in one line:
/// `name: kind param = source [size param=default] [has more flag] (why)`.
pub(super) fn listings(text: &str, profile: Option<&str>) -> Vec<String> {
    use crate::ir::model::{CursorSource, PageKind, PageReason};
    let ir = ir_with(text, profile);
    let mut out = Vec::new();
    for op in &ir.operations {
        for v in &op.versions {
            let Some(p) = &v.pagination else { continue };
            let walk = match &p.kind {
                PageKind::PageNumber { page, first, .. } => {
                    format!("page number {} from {first}", page.json_name)
                }
                PageKind::Offset { offset, .. } => format!("offset {}", offset.json_name),
                PageKind::Cursor { cursor, source, .. } => match source {
                    CursorSource::Member(path) => {
                        format!("cursor {} = {}", cursor.json_name, path.json())
                    }
                    CursorSource::LastItemId { id, .. } => {
                        format!("cursor {} = last {}", cursor.json_name, id.json_name)
                    }
                },
                PageKind::NextUrl { member, .. } => format!("next url {}", member.json()),
                PageKind::LinkHeader { page, .. } => format!(
                    "link header{}",
                    page.as_ref()
                        .map(|p| format!(" from {}", p.json_name))
                        .unwrap_or_default()
                ),
            };
            let size = p
                .kind
                .size()
                .map(|s| match s.default {
                    Some(d) => format!(" size {}={d}", s.param.json_name),
                    None => format!(" size {}", s.param.json_name),
                })
                .unwrap_or_default();
            let flag = p
                .has_more
                .as_ref()
                .map(|f| format!(" has more {}", f.json()))
                .unwrap_or_default();
            let why = match p.reason {
                PageReason::ProfileRule(name) => format!("{name} rule"),
                PageReason::Detected => "detected".to_owned(),
            };
            out.push(format!("{}: {walk}{size}{flag} ({why})", v.fn_name));
        }
    }
    out
}

#[test]
fn vendors_are_recognised_by_their_servers_and_name_their_variables() {
    use crate::ir::model::{CredentialKind, EnvCredentialNames};
    let cases = [
        (
            "https://api.github.com",
            "github",
            "GITHUB_API_URL",
            "GITHUB_TOKEN",
        ),
        (
            "https://api.stripe.com/",
            "stripe",
            "STRIPE_BASE_URL",
            "STRIPE_API_KEY",
        ),
        (
            "https://slack.com/api",
            "slack",
            "SLACK_BASE_URL",
            "SLACK_TOKEN",
        ),
        (
            "https://api.example.com",
            "generic",
            "VENDOR_CLIENT_BASE_URL",
            "",
        ),
    ];
    for (server, name, base_url, token) in cases {
        let ir = ir_of(&document(&format!("servers: [{{url: \"{server}\"}}]")));
        assert_eq!(ir.profile.name, name, "{server}");
        assert_eq!(ir.profile.env.base_url, base_url, "{server}");
        // GitHub's document declares no security scheme: its profile adds the bearer token; the
        // others get what their (here: no) schemes declare.
        let bearer = ir
            .auth
            .setters
            .iter()
            .any(|s| s.kind == CredentialKind::Bearer && s.method == "bearer_token");
        assert_eq!(bearer, name == "github", "{server}");
        let tokens: Vec<&str> = ir
            .profile
            .env
            .credentials
            .iter()
            .filter_map(|c| match c {
                EnvCredentialNames::Bearer { token } => Some(token.as_str()),
                _ => None,
            })
            .collect();
        let expected: Vec<&str> = if name == "github" {
            vec![token]
        } else {
            vec![]
        };
        assert_eq!(tokens, expected, "{server}");
    }
    // The names the profiles use for a bearer token, when the document declares one.
    for (name, token) in [("stripe", "STRIPE_API_KEY"), ("slack", "SLACK_TOKEN")] {
        let profile = Profile::by_name(name).expect("known");
        let auth = crate::ir::model::AuthModel {
            setters: vec![crate::ir::model::CredentialSetter {
                method: "bearer_token".into(),
                schemes: vec!["bearerAuth".into()],
                kind: CredentialKind::Bearer,
                descriptions: vec![],
            }],
            ..Default::default()
        };
        let env = crate::ir::env_vars::names(&profile.env, &auth, "x");
        assert_eq!(
            env.credentials,
            [EnvCredentialNames::Bearer {
                token: token.into()
            }]
        );
    }
}
