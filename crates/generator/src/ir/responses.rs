//! Success responses -> [`ResponseBody`]: JSON, text or bytes by media type, and several 2xx statuses
//! folded into one result type.

use openapiv3::{MediaType, ReferenceOr, Response, Schema};

use super::model::*;
use super::naming::{field_name, unique, Names};
use super::schemas::TypeBuilder;
use super::view::{SchemaRef, View};
use crate::error::{Ptr, Result};
use crate::resolve::Resolver;

/// How a body travels, decided by its media type and schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum BodyKind {
    Json,
    Text,
    Bytes,
}

/// The media type without parameters, lower-cased (`Text/Plain; charset=x` -> `text/plain`).
pub fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// JSON media types: `application/json` and `application/<anything>+json`.
pub fn is_json(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The format part of a media type, for method names: `application/vnd.atlas.2023-01-01+csv` -> `csv`,
/// `text/plain` -> `plain`, `application/gzip` -> `gzip`.
pub fn format_suffix(media_type: &str) -> String {
    let essence = essence(media_type);
    let subtype = essence.rsplit('/').next().unwrap_or_default();
    let format = match subtype.rsplit_once('+') {
        Some((_, suffix)) => suffix,
        None => subtype.rsplit('.').next().unwrap_or(subtype),
    };
    field_name(format)
}

/// Json for JSON media types; otherwise `format: binary` (or an unknown media type) is bytes and a
/// `text/*`, CSV or plain `type: string` body is text. A structured schema in a non-JSON media type
/// cannot be decoded: it is kept as bytes and recorded as a fallback.
pub fn body_kind(
    media_type: &str,
    content: &MediaType,
    at: &Ptr,
    resolver: &Resolver<'_>,
    types: &mut TypeBuilder<'_>,
) -> Result<BodyKind> {
    if is_json(media_type) {
        return Ok(BodyKind::Json);
    }
    let essence = essence(media_type);
    let texty = essence.starts_with("text/") || essence.ends_with("csv");
    let Some(schema) = &content.schema else {
        return Ok(if texty {
            BodyKind::Text
        } else {
            BodyKind::Bytes
        });
    };
    let schema_at = at.push("schema");
    let view = View::of(resolver.schema(schema, &schema_at)?.node);
    Ok(match (view.typ, view.format.as_deref()) {
        (Some("string"), Some("binary")) => BodyKind::Bytes,
        (Some("string"), _) => BodyKind::Text,
        _ if texty => BodyKind::Text,
        _ => {
            types.fallback(
                &schema_at,
                format!("structured schema in non-JSON media type `{media_type}`"),
                "bytes::Bytes (raw body)",
            );
            BodyKind::Bytes
        }
    })
}

/// Where example values of a JSON response go: (name prefix, collected examples, names taken).
pub struct ExampleSink<'e> {
    pub prefix: String,
    pub examples: &'e mut Vec<Example>,
    pub names: &'e mut Names,
}

/// The result of one media-type version over every 2xx response. Statuses without a body for this
/// media type make the result `Option`; JSON bodies of different types fall back to raw JSON.
pub fn response_body<'a>(
    successes: &[(u16, &'a Response, Ptr)],
    media_type: &str,
    kind: BodyKind,
    context: &str,
    responses_at: &Ptr,
    types: &mut TypeBuilder<'a>,
    sink: ExampleSink<'_>,
) -> Result<ResponseBody> {
    let status = successes.first().map_or(200, |s| s.0);
    let mut empty_statuses = Vec::new();
    let mut bodies = Vec::new();
    for (code, response, at) in successes {
        // HTTP: a 204 or 205 answer has no body, whatever content the document gives it.
        let content = match code {
            204 | 205 => None,
            _ => response.content.get(media_type),
        };
        match (kind, content) {
            // A text or binary body needs no schema to be returned as it is.
            (BodyKind::Text, Some(_)) => return Ok(ResponseBody::Text { status: *code }),
            (BodyKind::Bytes, Some(_)) => return Ok(ResponseBody::Bytes { status: *code }),
            (
                BodyKind::Json,
                Some(
                    content @ MediaType {
                        schema: Some(schema),
                        ..
                    },
                ),
            ) => bodies.push((*code, content, schema, at.push("content").push(media_type))),
            _ => empty_statuses.push(*code),
        }
    }
    let Some(&(status, ..)) = bodies.first() else {
        return Ok(ResponseBody::Empty { status });
    };
    let usage = Usage {
        request: false,
        response: true,
    };
    let mut tys = Vec::new();
    for (_, content, schema, at) in &bodies {
        let schema: &'a ReferenceOr<Schema> = schema;
        let ty = types.type_of(SchemaRef::plain(schema), context, &at.push("schema"), usage)?;
        let ty = types.widen_response(ty);
        collect_examples(
            content,
            &ty,
            &sink.prefix,
            at,
            &mut *sink.examples,
            &mut *sink.names,
        );
        tys.push(ty);
    }
    tys.dedup();
    let ty = match tys.as_slice() {
        [one] => one.clone(),
        _ => {
            types.fallback(
                responses_at,
                "2xx responses with different schemas",
                "serde_json::Value",
            );
            TypeRef::Json
        }
    };
    Ok(ResponseBody::Json {
        status,
        ty,
        empty_statuses,
    })
}

/// Records every `example` / `examples` of a media type for the generated round-trip tests.
pub fn collect_examples(
    content: &MediaType,
    ty: &TypeRef,
    prefix: &str,
    at: &Ptr,
    out: &mut Vec<Example>,
    names: &mut Names,
) {
    if let Some(value) = &content.example {
        let name = unique(field_name(prefix), names);
        out.push(Example {
            name,
            pointer: at.push("example").to_string(),
            ty: ty.clone(),
            json: value.clone(),
        });
    }
    for (key, example) in &content.examples {
        if let ReferenceOr::Item(example) = example {
            if let Some(value) = &example.value {
                let name = unique(field_name(&format!("{prefix}_{key}")), names);
                out.push(Example {
                    name,
                    pointer: at.push("examples").push(key).push("value").to_string(),
                    ty: ty.clone(),
                    json: value.clone(),
                });
            }
        }
    }
}
