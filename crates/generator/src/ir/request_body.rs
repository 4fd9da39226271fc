//! Request bodies: which media type each client method sends, and how (JSON, form, multipart,
//! text, raw bytes). A request's media types are independent of the response's; only a profile's
//! versioning pairs them (a versioned request media type travels with the same response version).

use openapiv3::{MediaType, ReferenceOr, RequestBody, Schema};

use super::model::{MultipartPart, PartKind, RequestBodyDef, RequestKind, TypeRef, Usage};
use super::naming::{field_name, type_name, unique, Names};
use super::responses::{collect_examples, essence, is_json, ExampleSink};
use super::schemas::TypeBuilder;
use super::view::{SchemaRef, View};
use crate::error::{GenError, Ptr, Result};

/// How a request media type is sent.
pub fn request_kind(media_type: &str) -> RequestKind {
    let essence = essence(media_type);
    if is_json(media_type) {
        RequestKind::Json
    } else if essence == "application/x-www-form-urlencoded" {
        RequestKind::Form
    } else if essence.starts_with("multipart/") {
        RequestKind::Multipart
    } else if essence.starts_with("text/") && !essence.ends_with("xml") {
        RequestKind::Text
    } else {
        RequestKind::Bytes
    }
}

/// The media type a method sends when its response version does not name one: JSON first, then
/// form, multipart, text and bytes; by name within a kind.
pub fn preferred(body: &RequestBody) -> Option<(&String, &MediaType)> {
    body.content
        .iter()
        .min_by(|a, b| (request_kind(a.0), a.0).cmp(&(request_kind(b.0), b.0)))
}

/// The body definition for sending `body` as `media_type`.
pub fn request_def<'a>(
    body: &'a RequestBody,
    body_at: &Ptr,
    media_type: &str,
    content: &'a MediaType,
    type_context: &str,
    types: &mut TypeBuilder<'a>,
    examples: ExampleSink<'_>,
) -> Result<RequestBodyDef> {
    let kind = request_kind(media_type);
    let content_at = body_at.push("content").push(media_type);
    let at = content_at.push("schema");
    let mut parts = Vec::new();
    let ty = match (kind, &content.schema) {
        (RequestKind::Json | RequestKind::Form, Some(schema)) => {
            let usage = Usage {
                request: true,
                response: false,
            };
            types.type_of(SchemaRef::plain(schema), type_context, &at, usage)?
        }
        (RequestKind::Json, None) => TypeRef::Json,
        (RequestKind::Form, None) => {
            return Err(GenError::unsupported(
                &at,
                "form request body without a schema",
            ));
        }
        (RequestKind::Multipart, schema) => {
            if let Some(schema) = schema {
                parts = multipart_parts(schema, content, type_context, &at, types)?;
            }
            if parts.is_empty() {
                types.fallback(
                    &content_at,
                    format!(
                        "`{media_type}` body: parts are set by name, not typed per schema property"
                    ),
                    "apigen_runtime::Multipart",
                );
            }
            TypeRef::String
        }
        (RequestKind::Bytes, Some(_)) if !media_type_is_opaque(media_type) => {
            types.fallback(
                &content_at,
                format!("structured `{media_type}` body: sent as the bytes given"),
                "bytes::Bytes",
            );
            TypeRef::String
        }
        (RequestKind::Text | RequestKind::Bytes, _) => TypeRef::String,
    };
    if matches!(kind, RequestKind::Json | RequestKind::Form) {
        collect_examples(
            content,
            &ty,
            &examples.prefix,
            &content_at,
            examples.examples,
            examples.names,
        );
    }
    Ok(RequestBodyDef {
        ty,
        required: body.required,
        doc: super::naming::prose(body.description.as_deref()),
        media_type: media_type.to_owned(),
        kind,
        parts,
    })
}

const SENT: Usage = Usage {
    request: true,
    response: false,
};

/// `type: string, format: binary`: a file.
fn is_file(view: &View<'_>) -> bool {
    view.typ == Some("string") && view.format.as_deref() == Some("binary")
}

/// One part per property of a multipart body's object schema, typed by OpenAPI's default
/// encodings: files for `format: binary` (and arrays of them), text for scalars (and arrays of
/// them, one part per item), JSON for anything else.
fn multipart_parts<'a>(
    schema: &'a ReferenceOr<Schema>,
    content: &'a MediaType,
    type_context: &str,
    at: &Ptr,
    types: &mut TypeBuilder<'a>,
) -> Result<Vec<MultipartPart>> {
    let resolved = types.resolver.schema(schema, at)?;
    let view = View::of(resolved.node);
    let at = resolved.pointer.clone();
    let mut taken = Names::default();
    let mut parts = Vec::new();
    for (name, property) in &view.properties {
        let prop_at = at.push("properties").push(name);
        let node = match property {
            SchemaRef::Inline(schema) => *schema,
            SchemaRef::Ref(reference) => types.resolver.schema_ref(reference, &prop_at)?.node,
        };
        let prop_view = View::of(node);
        let item_is_file = match prop_view.items {
            Some(SchemaRef::Inline(item)) => is_file(&View::of(item)),
            Some(SchemaRef::Ref(reference)) => is_file(&View::of(
                types.resolver.schema_ref(reference, &prop_at)?.node,
            )),
            None => false,
        };
        let kind = if is_file(&prop_view) {
            PartKind::File
        } else if prop_view.typ == Some("array") && item_is_file {
            PartKind::Files
        } else {
            let context = format!("{type_context}{}", type_name(name));
            let ty = types.type_of(*property, &context, &prop_at, SENT)?;
            match types.resolve_alias(ty.clone()) {
                TypeRef::Vec(item) if types.is_scalar(&types.resolve_alias((*item).clone())) => {
                    PartKind::Texts(*item)
                }
                scalar if types.is_scalar(&scalar) => PartKind::Text(ty),
                _ => PartKind::Json(ty),
            }
        };
        let content_type = content
            .encoding
            .get(*name)
            .and_then(|e| e.content_type.as_deref())
            .and_then(|types| types.split(',').next())
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
        parts.push(MultipartPart {
            json_name: name.to_string(),
            rust_name: unique(field_name(name), &mut taken),
            doc: super::naming::prose(node.schema_data.description.as_deref()),
            required: view.required.contains(name),
            kind,
            content_type,
        });
    }
    Ok(parts)
}

/// Binary formats whose schema (if any) can only say "bytes".
fn media_type_is_opaque(media_type: &str) -> bool {
    let essence = essence(media_type);
    essence == "application/octet-stream"
        || essence.starts_with("image/")
        || essence.starts_with("audio/")
        || essence.starts_with("video/")
        || essence == "application/zip"
        || essence == "application/gzip"
        || essence == "application/pdf"
}
