//! Paths and operations -> [`Operation`]s: parameters, media-type versions, bodies, examples.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{MediaType, OpenAPI, Operation as OaOperation, Parameter, ReferenceOr, StatusCode};

use super::model::*;
use super::naming::{self, field_name, type_name, version_suffix, Names};
use super::params::{mark_param_usage, operation_params, ParamBuilder};
use super::request_body;
use super::responses::{
    body_kind, collect_examples, essence, format_suffix, is_json, response_body, BodyKind,
    ExampleSink,
};
use super::schemas::TypeBuilder;
use super::view::SchemaRef;
use crate::error::{GenError, Ptr, Result};
use crate::profile::Versioning;
use crate::resolve::{Resolved, Resolver};

/// One operation as found in the spec, with its pointer.
pub struct SpecOperation<'a> {
    pub path: &'a str,
    pub method: Method,
    pub op: &'a OaOperation,
    pub path_params: &'a [ReferenceOr<Parameter>],
    /// Pointer of the path item (for its shared parameters) and of the operation.
    pub item_at: Ptr,
    pub at: Ptr,
}

/// Lists every operation of every method OpenAPI 3.0 has.
pub fn spec_operations(api: &OpenAPI) -> Result<Vec<SpecOperation<'_>>> {
    let mut out = Vec::new();
    for (path, item) in api.paths.paths.iter() {
        let at = Ptr::root().push("paths").push(path);
        let ReferenceOr::Item(item) = item else {
            return Err(GenError::unsupported(&at, "$ref on a path item"));
        };
        let methods = [
            ("get", Method::Get, &item.get),
            ("put", Method::Put, &item.put),
            ("post", Method::Post, &item.post),
            ("delete", Method::Delete, &item.delete),
            ("patch", Method::Patch, &item.patch),
            ("head", Method::Head, &item.head),
            ("options", Method::Options, &item.options),
            ("trace", Method::Trace, &item.trace),
        ];
        for (name, method, op) in methods {
            if let Some(op) = op {
                out.push(SpecOperation {
                    path,
                    method,
                    op,
                    path_params: &item.parameters,
                    item_at: at.clone(),
                    at: at.push(name),
                });
            }
        }
    }
    Ok(out)
}

/// The API version a media type carries, as the profile's versioning convention reads it.
fn version_of(versioning: &Versioning, media_type: &str, content: &MediaType) -> Option<String> {
    if let Some(v) = versioning
        .version_extension
        .and_then(|ext| content.extensions.get(ext))
        .and_then(|v| v.as_str())
    {
        return Some(v.to_string());
    }
    if !versioning.dated_vendor_media_types {
        return None;
    }
    // `application/vnd.<vendor>.2024-05-30+json` -> `2024-05-30`
    let rest = media_type.strip_prefix("application/vnd.")?;
    let version = rest.split('.').nth(1)?.split('+').next()?;
    (version.len() == 10 && version.chars().all(|c| c.is_ascii_digit() || c == '-'))
        .then(|| version.to_string())
}

/// Records a media type's version and sunset (from whichever of request and response gives them).
fn note_media_type(
    versioning: &Versioning,
    media_types: &mut BTreeMap<String, (Option<String>, Option<String>, BodyKind)>,
    mt: &str,
    content: &MediaType,
    kind: BodyKind,
) {
    let sunset = versioning
        .sunset_extension
        .and_then(|ext| content.extensions.get(ext))
        .and_then(|v| v.as_str())
        .map(str::to_string);
    let entry = media_types.entry(mt.to_string()).or_insert((
        version_of(versioning, mt, content),
        None,
        kind,
    ));
    entry.1 = entry.1.take().or(sunset);
}

/// The success statuses (2xx) of an operation, with pointers.
/// One success response: status, node, pointer.
type Success<'a> = (u16, &'a openapiv3::Response, Ptr);

/// The responses a method returns as success: the 2xx codes (a `2XX` range counts as 200). An
/// operation that documents none returns its `default` response on any 2xx; one that documents
/// only redirects (3xx, e.g. an OAuth `authorize` endpoint) returns the redirect's `Location`; one
/// that documents only errors gets an empty list (a 2xx answer is accepted without a body).
fn success_responses<'a>(
    op: &'a SpecOperation<'a>,
    resolver: &Resolver<'a>,
) -> Result<(Vec<Success<'a>>, bool)> {
    let mut out = Vec::new();
    let mut redirects = Vec::new();
    for (status, response) in &op.op.responses.responses {
        let (code, key) = match status {
            StatusCode::Code(code) => (*code, code.to_string()),
            StatusCode::Range(2) => (200, status.to_string()),
            StatusCode::Range(_) => continue,
        };
        let at = op.at.push("responses").push(key);
        if (200..300).contains(&code) {
            let resolved = resolver.response(response, &at)?;
            out.push((code, resolved.node, resolved.pointer));
        } else if (300..400).contains(&code) {
            let resolved = resolver.response(response, &at)?;
            redirects.push((code, resolved.node, resolved.pointer));
        }
    }
    if out.is_empty() {
        if let Some(default) = &op.op.responses.default {
            let resolved = resolver.response(default, &op.at.push("responses").push("default"))?;
            out.push((200, resolved.node, resolved.pointer));
        } else if !redirects.is_empty() {
            return Ok((redirects, true));
        }
    }
    out.sort_by_key(|s| s.0);
    Ok((out, false))
}

/// Pass 1: records which schemas are sent and which are received, before any type is built.
pub fn mark_usage<'a>(
    ops: &'a [SpecOperation<'a>],
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
) -> Result<()> {
    for op in ops {
        mark_param_usage(op, resolver, types)?;
        if let Some(body) = &op.op.request_body {
            let at = op.at.push("requestBody");
            let body = resolver.request_body(body, &at)?;
            for (mt, content) in &body.node.content {
                if let Some(schema) = &content.schema {
                    types.mark_usage(
                        SchemaRef::plain(schema),
                        &body.pointer.push("content").push(mt).push("schema"),
                        true,
                    )?;
                }
            }
        }
        for (status, response) in &op.op.responses.responses {
            let at = op.at.push("responses").push(status.to_string());
            let response = resolver.response(response, &at)?;
            for (mt, content) in &response.node.content {
                if let Some(schema) = &content.schema {
                    types.mark_usage(
                        SchemaRef::plain(schema),
                        &response.pointer.push("content").push(mt).push("schema"),
                        false,
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// The schema most error responses share (e.g. `ApiError`), which `Error::Api` decodes.
pub fn error_schema(ops: &[SpecOperation<'_>], resolver: &Resolver<'_>) -> Result<Option<String>> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for op in ops {
        for (status, response) in &op.op.responses.responses {
            let is_error = match status {
                StatusCode::Code(code) => *code >= 400,
                StatusCode::Range(range) => *range >= 4,
            };
            if !is_error {
                continue;
            }
            let response =
                resolver.response(response, &op.at.push("responses").push(status.to_string()))?;
            for content in response.node.content.values() {
                if let Some(ReferenceOr::Reference { reference }) = &content.schema {
                    let name = resolver.schema_ref_name(reference, &response.pointer)?;
                    *counts.entry(name).or_default() += 1;
                }
            }
        }
    }
    // Highest count wins; ties go to the alphabetically first name, for determinism.
    Ok(counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(name, _)| name))
}

/// Pass 2: one [`Operation`] per spec operation.
pub fn build_operation<'a>(
    op: &'a SpecOperation<'a>,
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
    params: &mut ParamBuilder,
    examples: &mut Vec<Example>,
    example_names: &mut Names,
) -> Result<Operation> {
    let spec = op.op;
    let operation_id = spec.operation_id.clone().unwrap_or_else(|| {
        super::operation_names::from_method_and_path(op.method.as_str(), op.path)
    });
    // A profile may name an extension with a shorter, stable method name.
    let base_name = types
        .profile
        .operation_name_extension
        .and_then(|ext| spec.extensions.get(ext))
        .and_then(|v| v.as_str())
        .unwrap_or(&operation_id)
        .to_string();
    let mut fn_base = field_name(&base_name);
    if let Some(renamed) = naming::client_method(&fn_base) {
        types.fallback(
            &op.at,
            format!("operation `{base_name}` renamed: `Client::{fn_base}` is taken (a method of the client or of a std trait)"),
            format!("Client::{renamed}"),
        );
        fn_base = renamed;
    }
    let builder_base = type_name(&base_name);

    let (path_params, query_params) = operation_params(op, resolver, types, params, &builder_base)?;

    // Media types of the request body and of the success responses define the versions.
    let request_body = match &spec.request_body {
        Some(body) => Some(resolver.request_body(body, &op.at.push("requestBody"))?),
        None => None,
    };
    // No success documented at all (only errors): a 2xx answer is accepted, without a body.
    let (mut successes, redirect_only) = success_responses(op, resolver)?;
    if op.method == Method::Head {
        successes = super::head::without_content(successes);
    }
    // media type -> (version, sunset, body kind)
    let mut media_types: BTreeMap<String, (Option<String>, Option<String>, BodyKind)> =
        BTreeMap::new();
    if let Some(body) = &request_body {
        for (mt, content) in &body.node.content {
            // A versioned request media type makes a version of its own (the profile pairs it with
            // the response of the same version); otherwise requests and responses are independent.
            if is_json(mt) && version_of(&types.profile.versioning, mt, content).is_some() {
                note_media_type(
                    &types.profile.versioning,
                    &mut media_types,
                    mt,
                    content,
                    BodyKind::Json,
                );
            }
        }
    }
    for (_, response, at) in &successes {
        for (mt, content) in &response.content {
            let kind = body_kind(mt, content, &at.push("content").push(mt), resolver, types)?;
            note_media_type(
                &types.profile.versioning,
                &mut media_types,
                mt,
                content,
                kind,
            );
        }
    }
    if media_types.is_empty() {
        media_types.insert("application/json".into(), (None, None, BodyKind::Json));
    }
    let has_json = media_types.values().any(|m| m.2 == BodyKind::Json);
    let mut ordered: Vec<(String, Option<String>, Option<String>, BodyKind)> = media_types
        .into_iter()
        .map(|(mt, (version, sunset, kind))| (mt, version, sunset, kind))
        .collect();
    // Newest version first; within a version JSON first, so the plain method name is JSON's.
    ordered.sort_by(|a, b| b.1.cmp(&a.1).then(a.3.cmp(&b.3)).then(a.0.cmp(&b.0)));

    let latest_version = ordered[0].1.clone();
    let mut versions = Vec::new();
    let mut used_request_types = BTreeSet::new();
    let mut fn_names = Names::default();
    let mut builder_names = Names::default();
    for (i, (mt, version, sunset, kind)) in ordered.iter().enumerate() {
        let is_latest = i == 0;
        let mut fn_name = fn_base.clone();
        let mut builder_name = builder_base.clone();
        if let Some(v) = version.as_ref().filter(|_| *version != latest_version) {
            fn_name.push_str(&format!("_{}", version_suffix(v)));
            builder_name.push_str(&version_suffix(v).replace('_', ""));
        }
        let (versioned_fn, versioned_builder) = (fn_name.clone(), builder_name.clone());
        if *kind != BodyKind::Json && has_json {
            // `get_invoice_as_csv`: "as" keeps it apart from an operation named `getInvoiceCsv`.
            fn_name.push_str(&format!("_as_{}", format_suffix(mt)));
            builder_name.push_str(&format!("As{}", type_name(&format_suffix(mt))));
        }
        if fn_names.contains(&fn_name) {
            // Two spellings of one format in one version (`application/json` and
            // `application/vnd.x+json`, `application/xml` and `text/xml`): the later one is named
            // after its whole media type.
            let whole = field_name(&essence(mt).replace(['/', '.', '+', '-'], "_"));
            fn_name = naming::unique(format!("{versioned_fn}_as_{whole}"), &mut fn_names);
            builder_name = naming::unique(
                format!("{versioned_builder}As{}", type_name(&whole)),
                &mut builder_names,
            );
        }
        fn_names.insert(fn_name.clone());
        builder_names.insert(builder_name.clone());
        let ex_prefix = format!(
            "{fn_base}_{}",
            version.as_deref().map(version_suffix).unwrap_or_default()
        );
        let request = match &request_body {
            None => None,
            Some(body) => {
                // The request media type of this version, else the request's preferred one.
                let Some((req_mt, content)) = body
                    .node
                    .content
                    .get_key_value(mt)
                    .or_else(|| request_body::preferred(body.node))
                else {
                    return Err(GenError::unsupported(
                        &body.pointer.push("content"),
                        "request body without any media type",
                    ));
                };
                used_request_types.insert(req_mt.clone());
                Some(request_body::request_def(
                    body.node,
                    &body.pointer,
                    req_mt,
                    content,
                    &format!("{builder_name}Body"),
                    types,
                    ExampleSink {
                        prefix: format!("{ex_prefix}_request"),
                        examples,
                        names: example_names,
                    },
                )?)
            }
        };
        let response = if redirect_only {
            ResponseBody::Redirect {
                statuses: successes.iter().map(|s| s.0).collect(),
            }
        } else {
            response_body(
                &successes,
                mt,
                *kind,
                &format!("{builder_name}Response"),
                &op.at.push("responses"),
                types,
                ExampleSink {
                    prefix: format!("{ex_prefix}_response"),
                    examples,
                    names: example_names,
                },
            )?
        };
        versions.push(OperationVersion {
            media_type: mt.clone(),
            version: version.clone(),
            sunset: sunset.clone(),
            fn_name,
            builder_name,
            is_latest,
            request,
            response,
            pagination: None,
        });
    }

    if let Some(body) = &request_body {
        extra_request_versions(
            body,
            &used_request_types,
            &mut versions,
            &mut fn_names,
            types,
            examples,
            example_names,
        )?;
    }

    let error_statuses = spec
        .responses
        .responses
        .keys()
        .filter(|s| !matches!(s, StatusCode::Code(c) if (200..300).contains(c)))
        .filter(|s| !(redirect_only && matches!(s, StatusCode::Code(c) if (300..400).contains(c))))
        .filter(|s| !matches!(s, StatusCode::Range(2)))
        .map(|s| s.to_string())
        .chain(spec.responses.default.iter().map(|_| "default".to_string()))
        .collect();

    let mut success_headers: Vec<String> = successes
        .iter()
        .flat_map(|(_, response, _)| response.headers.keys())
        .map(|name| name.to_ascii_lowercase())
        .collect();
    success_headers.sort();
    success_headers.dedup();

    Ok(Operation {
        operation_id,
        fn_name: fn_base,
        builder_name: builder_base,
        method: op.method,
        path: op.path.to_string(),
        summary: spec.summary.clone(),
        doc: super::naming::prose(spec.description.as_deref()),
        deprecated: spec.deprecated,
        tags: spec.tags.clone(),
        path_params,
        query_params,
        versions,
        error_statuses,
        success_headers,
        waiter: None,
    })
}

/// Error-response examples (e.g. an `ApiError` on 404) round-trip through the error body type.
pub fn error_examples(
    ops: &[SpecOperation<'_>],
    resolver: &Resolver<'_>,
    error_ty: &TypeRef,
    out: &mut Vec<Example>,
    names: &mut Names,
) -> Result<()> {
    let mut seen = BTreeSet::new();
    for op in ops {
        for (status, response) in &op.op.responses.responses {
            if matches!(status, StatusCode::Code(c) if *c < 400) {
                continue;
            }
            let response =
                resolver.response(response, &op.at.push("responses").push(status.to_string()))?;
            if response.component.is_none() || !seen.insert(response.pointer.clone()) {
                continue;
            }
            for (mt, content) in &response.node.content {
                let prefix = format!(
                    "error_{}",
                    response.component.as_deref().unwrap_or_default()
                );
                collect_examples(
                    content,
                    error_ty,
                    &prefix,
                    &response.pointer.push("content").push(mt),
                    out,
                    names,
                );
            }
        }
    }
    Ok(())
}

/// One more method per request media type no version sends (`create_pet_with_form` beside the JSON
/// `create_pet`), each with the newest version's response, so no documented body format is dropped.
fn extra_request_versions<'a>(
    body: &Resolved<'a, openapiv3::RequestBody>,
    used: &BTreeSet<String>,
    versions: &mut Vec<OperationVersion>,
    fn_names: &mut Names,
    types: &mut TypeBuilder<'a>,
    examples: &mut Vec<Example>,
    example_names: &mut Names,
) -> Result<()> {
    let Some(latest) = versions.first().cloned() else {
        return Ok(());
    };
    for (mt, content) in &body.node.content {
        if used.contains(mt) {
            continue;
        }
        let suffix = match request_body::request_kind(mt) {
            RequestKind::Form => "form".to_owned(),
            RequestKind::Multipart => "multipart".to_owned(),
            _ => format_suffix(mt),
        };
        let fn_name = naming::unique(format!("{}_with_{suffix}", latest.fn_name), fn_names);
        let builder_name = format!("{}With{}", latest.builder_name, type_name(&suffix));
        let request = request_body::request_def(
            body.node,
            &body.pointer,
            mt,
            content,
            &format!("{builder_name}Body"),
            types,
            ExampleSink {
                prefix: format!("{fn_name}_request"),
                examples,
                names: example_names,
            },
        )?;
        versions.push(OperationVersion {
            fn_name,
            builder_name,
            is_latest: false,
            request: Some(request),
            pagination: None,
            ..latest.clone()
        });
    }
    Ok(())
}
