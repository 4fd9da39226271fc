//! Webhooks (OpenAPI 3.1 `webhooks`, moved by lowering to the root extension
//! [`crate::lower::WEBHOOKS_EXTENSION`]) -> [`Webhook`]s: the generated `webhooks` module decodes a
//! delivery (header parameters + JSON request body) into them. Header parameters are typed as a
//! client's header setters are (`params::operation_params`); the payload is the request body's
//! component type.

use openapiv3::{OpenAPI, Operation as OaOperation, PathItem};
use serde::Deserialize;

use super::model::{Method, ParamLocation, TypeRef, Usage, Webhook, WebhookBody};
use super::naming::{prose, type_name, unique, Names};
use super::operations::SpecOperation;
use super::params::{operation_params, ParamBuilder};
use super::request_body::request_kind;
use super::schemas::TypeBuilder;
use super::view::SchemaRef;
use crate::error::{GenError, Ptr, Result};
use crate::lower::WEBHOOKS_EXTENSION;
use crate::resolve::Resolver;

/// One webhook path item as lowering left it, with its pointer.
pub struct SpecWebhook {
    pub name: String,
    pub item: PathItem,
    pub at: Ptr,
}

/// The webhooks of `api`, sorted by name (none for a document without them).
pub fn parse(api: &OpenAPI) -> Result<Vec<SpecWebhook>> {
    let Some(value) = api.extensions.get(WEBHOOKS_EXTENSION) else {
        return Ok(Vec::new());
    };
    let root = Ptr::root().push(WEBHOOKS_EXTENSION);
    let Some(map) = value.as_object() else {
        return Err(GenError::new(root.as_str(), "`webhooks` must be an object"));
    };
    let mut out = Vec::with_capacity(map.len());
    for (name, item) in map {
        let at = root.push(name);
        let item = PathItem::deserialize(item)
            .map_err(|e| GenError::new(at.as_str(), format!("not an OpenAPI path item: {e}")))?;
        out.push(SpecWebhook {
            name: name.clone(),
            item,
            at,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// The operations of one webhook path item, POST first (it is the one `Webhook::decode` picks by
/// name when an item has several).
fn methods(item: &PathItem) -> Vec<(&'static str, Method, &OaOperation)> {
    [
        ("post", Method::Post, &item.post),
        ("put", Method::Put, &item.put),
        ("patch", Method::Patch, &item.patch),
        ("get", Method::Get, &item.get),
        ("delete", Method::Delete, &item.delete),
        ("head", Method::Head, &item.head),
        ("options", Method::Options, &item.options),
        ("trace", Method::Trace, &item.trace),
    ]
    .into_iter()
    .filter_map(|(name, method, op)| op.as_ref().map(|op| (name, method, op)))
    .collect()
}

/// One webhook operation to build: the operation, its path item, its Rust base name.
pub struct HookOperation<'a> {
    spec: SpecOperation<'a>,
    hook: &'a SpecWebhook,
    type_name: String,
}

/// The operations of `hooks`, named (a path item with several methods: `<name> <method>`).
pub fn operations(hooks: &[SpecWebhook]) -> Vec<HookOperation<'_>> {
    let mut names = Names::default();
    let mut out = Vec::new();
    for hook in hooks {
        let ops = methods(&hook.item);
        let several = ops.len() > 1;
        for (method_name, method, op) in ops {
            let wanted = if several {
                type_name(&format!("{} {method_name}", hook.name))
            } else {
                type_name(&hook.name)
            };
            out.push(HookOperation {
                spec: SpecOperation {
                    path: &hook.name,
                    method,
                    op,
                    path_params: &hook.item.parameters,
                    item_at: hook.at.clone(),
                    at: hook.at.push(method_name),
                },
                hook,
                type_name: unique(wanted, &mut names),
            });
        }
    }
    out
}

/// Builds every webhook operation of `ops`.
pub fn build<'a>(
    ops: &'a [HookOperation<'a>],
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
    params: &mut ParamBuilder,
) -> Result<Vec<Webhook>> {
    ops.iter()
        .map(|o| {
            webhook(
                &o.spec,
                o.hook,
                o.type_name.clone(),
                resolver,
                types,
                params,
            )
        })
        .collect()
}

fn webhook<'a>(
    spec: &'a SpecOperation<'a>,
    hook: &'a SpecWebhook,
    type_name: String,
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
    params: &mut ParamBuilder,
) -> Result<Webhook> {
    let headers_type = format!("{type_name}Headers");
    let (path, others) = operation_params(spec, resolver, types, params, &headers_type)?;
    if !path.is_empty() {
        return Err(GenError::unsupported(
            &spec.at.push("parameters"),
            "a path parameter in a webhook (a webhook request has no path template)",
        ));
    }
    let mut headers = Vec::new();
    for p in others {
        if p.location == ParamLocation::Header {
            headers.push(p);
        } else {
            let place = if p.location == ParamLocation::Query {
                "query"
            } else {
                "cookie"
            };
            types.fallback(
                &spec.at.push("parameters"),
                format!(
                    "webhook `{}`: {place} parameter `{}` is not decoded (only headers and the body are)",
                    hook.name, p.json_name
                ),
                format!("webhooks::{type_name}Delivery (without it)"),
            );
        }
    }
    let body = payload(spec, hook, &type_name, resolver, types)?;
    let op = spec.op;
    let doc = match (
        prose(op.summary.as_deref()),
        prose(op.description.as_deref()),
    ) {
        (Some(s), Some(d)) => Some(format!("{s}\n\n{d}")),
        (s, d) => s.or(d).or_else(|| {
            prose(hook.item.summary.as_deref()).or(prose(hook.item.description.as_deref()))
        }),
    };
    Ok(Webhook {
        name: hook.name.clone(),
        method: spec.method,
        type_name,
        doc,
        deprecated: op.deprecated,
        headers,
        body,
    })
}

/// The request body: its JSON media types and their type (the first one's, by name; a JSON media
/// type of another type, and any non-JSON one, is refused and noted).
fn payload<'a>(
    spec: &SpecOperation<'a>,
    hook: &SpecWebhook,
    type_name: &str,
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
) -> Result<Option<WebhookBody>> {
    let Some(body) = &spec.op.request_body else {
        return Ok(None);
    };
    let body = resolver.request_body(body, &spec.at.push("requestBody"))?;
    let mut media: Vec<(&String, _)> = body.node.content.iter().collect();
    media.sort_by(|a, b| a.0.cmp(b.0));
    let mut out: Option<WebhookBody> = None;
    let context = format!("{type_name}Payload");
    for (media_type, content) in media {
        let at = body.pointer.push("content").push(media_type);
        let refused = |types: &mut TypeBuilder<'a>, why: &str| {
            types.fallback(
                &at,
                format!("webhook `{}`: media type `{media_type}` {why}", hook.name),
                "refused by decode (WebhookErrorKind::ContentType)",
            );
        };
        if request_kind(media_type) != super::model::RequestKind::Json {
            refused(types, "is not decoded (only JSON bodies are)");
            continue;
        }
        let ty = match &content.schema {
            Some(schema) => types.type_of(
                SchemaRef::plain(schema),
                &context,
                &at.push("schema"),
                Usage::default(),
            )?,
            None => TypeRef::Json,
        };
        match &mut out {
            None => {
                out = Some(WebhookBody {
                    ty,
                    media_types: vec![media_type.clone()],
                    required: body.node.required,
                })
            }
            Some(first) if first.ty == ty => first.media_types.push(media_type.clone()),
            Some(_) => refused(types, "has another payload type than the first JSON one"),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use crate::load::{parse, LoadedSpec};

    fn build(webhooks: &str) -> crate::Result<super::super::model::Api> {
        let text = format!(
            r#"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}}, "webhooks": {webhooks}}}"#
        );
        let (raw, api, lowered) = parse(&text, true)?;
        let loaded = LoadedSpec {
            path: "t.json".into(),
            raw,
            api,
            lowered,
        };
        crate::build_ir(&loaded, &crate::Options::default())
    }

    #[test]
    fn methods_headers_and_bodies() {
        let api = build(
            r#"{"a-b": {
                "post": {"parameters": [
                    {"name": "X-Id", "in": "header", "required": true, "schema": {"type": "integer"}},
                    {"name": "q", "in": "query", "schema": {"type": "string"}}],
                  "requestBody": {"required": true, "content": {
                    "application/json": {"schema": {"type": "object"}},
                    "text/plain": {"schema": {"type": "string"}}}}},
                "put": {}}}"#,
        )
        .unwrap();
        let hooks: Vec<(&str, &str)> = api
            .webhooks
            .iter()
            .map(|w| (w.name.as_str(), w.type_name.as_str()))
            .collect();
        assert_eq!(hooks, [("a-b", "ABPost"), ("a-b", "ABPut")]);
        let post = &api.webhooks[0];
        assert_eq!(post.headers.len(), 1);
        assert_eq!(post.headers[0].json_name, "X-Id");
        assert!(post.headers[0].required);
        let body = post.body.as_ref().unwrap();
        assert_eq!(body.media_types, ["application/json"]);
        assert!(body.required);
        assert!(api.webhooks[1].body.is_none());
        // What is not decoded is listed, at the document's own pointers.
        let noted: Vec<&str> = api.fallbacks.iter().map(|f| f.pointer.as_str()).collect();
        assert!(
            noted.contains(&"/webhooks/a-b/post/parameters"),
            "{noted:?}"
        );
        assert!(
            noted.contains(&"/webhooks/a-b/post/requestBody/content/text~1plain"),
            "{noted:?}"
        );
    }

    #[test]
    fn a_path_parameter_is_refused_at_its_pointer() {
        let e = build(
            r#"{"a": {"post": {"parameters": [
                {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]}}}"#,
        )
        .unwrap_err();
        assert_eq!(e.pointer, "/webhooks/a/post");
        assert!(e.message.contains("does not appear in the path"), "{e}");
    }
}
