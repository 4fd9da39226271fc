//! Paths and operations -> [`Operation`]s: parameters, media-type versions, bodies, examples.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use openapiv3::{
    MediaType, OpenAPI, Operation as OaOperation, Parameter, ParameterSchemaOrContent, ReferenceOr,
    StatusCode,
};

use super::model::*;
use super::naming::{field_name, type_name, unique, version_suffix};
use super::schemas::TypeBuilder;
use super::view::{SchemaRef, View};
use crate::error::{GenError, Ptr, Result};
use crate::resolve::Resolver;

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

/// Lists every operation; methods the generator cannot call (HEAD, OPTIONS, TRACE) are errors.
pub fn spec_operations(api: &OpenAPI) -> Result<Vec<SpecOperation<'_>>> {
    let mut out = Vec::new();
    for (path, item) in api.paths.paths.iter() {
        let at = Ptr::root().push("paths").push(path);
        let ReferenceOr::Item(item) = item else {
            return Err(GenError::unsupported(&at, "$ref on a path item"));
        };
        for (name, op) in [
            ("head", &item.head),
            ("options", &item.options),
            ("trace", &item.trace),
        ] {
            if op.is_some() {
                return Err(GenError::unsupported(
                    &at.push(name),
                    format!("HTTP method {}", name.to_uppercase()),
                ));
            }
        }
        let methods = [
            ("get", Method::Get, &item.get),
            ("put", Method::Put, &item.put),
            ("post", Method::Post, &item.post),
            ("delete", Method::Delete, &item.delete),
            ("patch", Method::Patch, &item.patch),
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

/// JSON media types only: `application/json` and `application/<anything>+json`.
fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

fn version_of(media_type: &str, content: &MediaType) -> Option<String> {
    if let Some(v) = content
        .extensions
        .get("x-xgen-version")
        .and_then(|v| v.as_str())
    {
        return Some(v.to_string());
    }
    // `application/vnd.atlas.2024-05-30+json` -> `2024-05-30`
    let rest = media_type.strip_prefix("application/vnd.")?;
    let version = rest.split('.').nth(1)?.split('+').next()?;
    (version.len() == 10 && version.chars().all(|c| c.is_ascii_digit() || c == '-'))
        .then(|| version.to_string())
}

/// The success statuses (2xx) of an operation, with pointers.
fn success_responses<'a>(
    op: &'a SpecOperation<'a>,
    resolver: &Resolver<'a>,
) -> Result<Vec<(u16, &'a openapiv3::Response, Ptr)>> {
    let mut out = Vec::new();
    for (status, response) in &op.op.responses.responses {
        let StatusCode::Code(code) = status else {
            continue;
        };
        if (200..300).contains(code) {
            let at = op.at.push("responses").push(code.to_string());
            let resolved = resolver.response(response, &at)?;
            out.push((*code, resolved.node, resolved.pointer));
        }
    }
    Ok(out)
}

/// Pass 1: records which schemas are sent and which are received, before any type is built.
pub fn mark_usage<'a>(
    ops: &'a [SpecOperation<'a>],
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
) -> Result<()> {
    for op in ops {
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

/// Builds path-parameter newtypes and query parameters, shared across operations.
pub struct ParamBuilder {
    pub params: BTreeMap<String, ParamType>,
}

impl ParamBuilder {
    fn path_type(
        &mut self,
        name: String,
        param: &Parameter,
        rules: StringRules,
        doc: Option<String>,
    ) -> String {
        let json_name = param.parameter_data_ref().name.clone();
        let mut candidate = name.clone();
        let mut n = 2;
        loop {
            match self.params.get(&candidate) {
                Some(existing) if existing.rules == rules && existing.json_name == json_name => {
                    return candidate
                }
                Some(_) => {
                    candidate = format!("{name}{n}");
                    n += 1;
                }
                None => {
                    self.params.insert(
                        candidate.clone(),
                        ParamType {
                            name: candidate.clone(),
                            json_name,
                            doc,
                            rules,
                        },
                    );
                    return candidate;
                }
            }
        }
    }
}

fn string_rules(view: &View) -> StringRules {
    StringRules {
        min_length: view.min_length.map(|v| v as u64),
        max_length: view.max_length.map(|v| v as u64),
        pattern: view.pattern.map(str::to_string),
    }
}

/// Pass 2: one [`Operation`] per spec operation.
pub fn build_operation<'a>(
    op: &'a SpecOperation<'a>,
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
    params: &mut ParamBuilder,
    examples: &mut Vec<Example>,
    example_names: &mut BTreeSet<String>,
) -> Result<Operation> {
    let spec = op.op;
    let operation_id = spec
        .operation_id
        .clone()
        .ok_or_else(|| GenError::new(op.at.as_str(), "operation has no operationId"))?;
    // Atlas publishes the short, stable SDK name of each operation in this extension.
    let base_name = spec
        .extensions
        .get("x-xgen-operation-id-override")
        .and_then(|v| v.as_str())
        .unwrap_or(&operation_id)
        .to_string();
    let fn_base = field_name(&base_name);
    let builder_base = type_name(&base_name);

    // Path-item parameters first, then the operation's own, which override by (name, location).
    let mut all: Vec<(&Parameter, Option<String>, Ptr)> = Vec::new();
    let sources = [
        (op.path_params, op.item_at.push("parameters")),
        (&spec.parameters[..], op.at.push("parameters")),
    ];
    for (list, list_at) in sources {
        for (i, p) in list.iter().enumerate() {
            let at = list_at.push(i.to_string());
            let resolved = resolver.parameter(p, &at)?;
            let key = (
                resolved.node.parameter_data_ref().name.clone(),
                std::mem::discriminant(resolved.node),
            );
            all.retain(|(q, _, _)| {
                (
                    q.parameter_data_ref().name.clone(),
                    std::mem::discriminant(*q),
                ) != key
            });
            all.push((resolved.node, resolved.component, resolved.pointer));
        }
    }

    let mut path_params = Vec::new();
    let mut query_params = Vec::new();
    let mut taken = BTreeSet::new();
    for (param, component, at) in all {
        let data = param.parameter_data_ref();
        let ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(GenError::unsupported(
                &at.push("content"),
                "parameter with `content` instead of `schema`",
            ));
        };
        let (schema_node, schema_at) = match schema {
            ReferenceOr::Item(s) => (s, at.push("schema")),
            ReferenceOr::Reference { reference } => {
                let r = resolver.schema_ref(reference, &at.push("schema"))?;
                (r.node, r.pointer)
            }
        };
        let view = View::of(schema_node);
        let rust_name = unique(field_name(&data.name), &mut taken);
        match param {
            Parameter::Path { .. } => {
                if view.typ != Some("string") {
                    return Err(GenError::unsupported(
                        &schema_at,
                        format!("path parameter of type {:?}", view.typ.unwrap_or("(none)")),
                    ));
                }
                let ty_name = type_name(component.as_deref().unwrap_or(&data.name));
                let ty = params.path_type(
                    ty_name,
                    param,
                    string_rules(&view),
                    data.description.clone(),
                );
                path_params.push(PathParam {
                    json_name: data.name.clone(),
                    rust_name,
                    ty,
                    doc: data.description.clone(),
                });
            }
            Parameter::Query {
                style,
                allow_reserved,
                ..
            } => {
                if !matches!(style, openapiv3::QueryStyle::Form) || *allow_reserved {
                    return Err(GenError::unsupported(
                        &at,
                        "query parameter style other than form",
                    ));
                }
                let context = format!("{builder_base}{}", data.name.to_upper_camel_case());
                let ty = types.type_of(
                    SchemaRef::plain(schema),
                    &context,
                    &schema_at,
                    Usage {
                        request: true,
                        response: false,
                    },
                )?;
                if !matches!(
                    ty,
                    TypeRef::Bool
                        | TypeRef::I32
                        | TypeRef::I64
                        | TypeRef::F32
                        | TypeRef::F64
                        | TypeRef::String
                        | TypeRef::Named(_)
                ) {
                    return Err(GenError::unsupported(
                        &schema_at,
                        "query parameter that is not a single scalar",
                    ));
                }
                let rules = QueryRules {
                    minimum: view.minimum.map(|v| v as i64),
                    maximum: view.maximum.map(|v| v as i64),
                    string: string_rules(&view),
                };
                query_params.push(QueryParam {
                    is_envelope: data.name == "envelope" && ty == TypeRef::Bool,
                    json_name: data.name.clone(),
                    rust_name,
                    ty,
                    doc: data.description.clone(),
                    required: data.required,
                    rules,
                    default: schema_node.schema_data.default.clone(),
                });
            }
            Parameter::Header { .. } => return Err(GenError::unsupported(&at, "header parameter")),
            Parameter::Cookie { .. } => return Err(GenError::unsupported(&at, "cookie parameter")),
        }
    }
    // Path parameters in the order they appear in the path template.
    path_params.sort_by_key(|p| {
        op.path
            .find(&format!("{{{}}}", p.json_name))
            .unwrap_or(usize::MAX)
    });
    for p in &path_params {
        if !op.path.contains(&format!("{{{}}}", p.json_name)) {
            return Err(GenError::new(
                op.at.as_str(),
                format!(
                    "path parameter `{}` does not appear in the path",
                    p.json_name
                ),
            ));
        }
    }

    // Media types of the request body and of the one success response define the versions.
    let request_body = match &spec.request_body {
        Some(body) => Some(resolver.request_body(body, &op.at.push("requestBody"))?),
        None => None,
    };
    let successes = success_responses(op, resolver)?;
    let (status, success, success_at) = match successes.as_slice() {
        [one] => one.clone(),
        [] => {
            return Err(GenError::new(
                op.at.push("responses").as_str(),
                "no success (2xx) response",
            ))
        }
        _ => {
            return Err(GenError::unsupported(
                &op.at.push("responses"),
                "more than one success (2xx) response",
            ))
        }
    };
    let mut media_types: BTreeMap<String, (Option<String>, Option<String>)> = BTreeMap::new();
    let mut note = |mt: &str, content: &MediaType, at: &Ptr| -> Result<()> {
        if !is_json(mt) {
            return Err(GenError::unsupported(
                &at.push("content").push(mt),
                format!("non-JSON media type `{mt}`"),
            ));
        }
        let sunset = content
            .extensions
            .get("x-sunset")
            .and_then(|v| v.as_str())
            .map(str::to_string);
        let entry = media_types
            .entry(mt.to_string())
            .or_insert((version_of(mt, content), None));
        entry.1 = entry.1.take().or(sunset);
        Ok(())
    };
    if let Some(body) = &request_body {
        for (mt, content) in &body.node.content {
            note(mt, content, &body.pointer)?;
        }
    }
    for (mt, content) in &success.content {
        note(mt, content, &success_at)?;
    }
    if media_types.is_empty() {
        media_types.insert("application/json".into(), (None, None));
    }
    let mut ordered: Vec<(String, Option<String>, Option<String>)> = media_types
        .into_iter()
        .map(|(mt, (version, sunset))| (mt, version, sunset))
        .collect();
    ordered.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));

    let mut versions = Vec::new();
    for (i, (mt, version, sunset)) in ordered.iter().enumerate() {
        let is_latest = i == 0;
        let (fn_name, builder_name) = match (is_latest, version) {
            (true, _) | (false, None) => (fn_base.clone(), builder_base.clone()),
            (false, Some(v)) => (
                format!("{fn_base}_{}", version_suffix(v)),
                format!("{builder_base}{}", version_suffix(v).replace('_', "")),
            ),
        };
        if !is_latest && version.is_none() {
            return Err(GenError::unsupported(
                &op.at,
                format!("two unversioned media types (`{mt}`)"),
            ));
        }
        let ex_prefix = format!(
            "{fn_base}_{}",
            version.as_deref().map(version_suffix).unwrap_or_default()
        );
        let request = match &request_body {
            None => None,
            Some(body) => {
                let content = body.node.content.get(mt).or_else(|| {
                    (body.node.content.len() == 1)
                        .then(|| body.node.content.values().next())
                        .flatten()
                });
                let Some(content) = content else {
                    return Err(GenError::new(
                        body.pointer.push("content").as_str(),
                        format!("no request body for media type `{mt}`"),
                    ));
                };
                let at = body.pointer.push("content").push(mt).push("schema");
                let Some(schema) = &content.schema else {
                    return Err(GenError::unsupported(&at, "request body without a schema"));
                };
                let ty = types.type_of(
                    SchemaRef::plain(schema),
                    &format!("{builder_name}Body"),
                    &at,
                    Usage {
                        request: true,
                        response: false,
                    },
                )?;
                collect_examples(
                    content,
                    &ty,
                    &format!("{ex_prefix}_request"),
                    &body.pointer.push("content").push(mt),
                    examples,
                    example_names,
                );
                Some(RequestBodyDef {
                    ty,
                    required: body.node.required,
                    doc: body.node.description.clone(),
                })
            }
        };
        let response = match success.content.get(mt) {
            Some(content) if content.schema.is_some() => {
                let at = success_at.push("content").push(mt).push("schema");
                let schema = content
                    .schema
                    .as_ref()
                    .map(SchemaRef::plain)
                    .ok_or_else(|| GenError::new(at.as_str(), "missing schema"))?;
                let ty = types.type_of(
                    schema,
                    &format!("{builder_name}Response"),
                    &at,
                    Usage {
                        request: false,
                        response: true,
                    },
                )?;
                let ty = types.widen_response(ty);
                collect_examples(
                    content,
                    &ty,
                    &format!("{ex_prefix}_response"),
                    &success_at.push("content").push(mt),
                    examples,
                    example_names,
                );
                ResponseBody::Json { status, ty }
            }
            _ => ResponseBody::Empty { status },
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

    let error_statuses = spec
        .responses
        .responses
        .keys()
        .filter(|s| !matches!(s, StatusCode::Code(c) if (200..300).contains(c)))
        .map(|s| s.to_string())
        .chain(spec.responses.default.iter().map(|_| "default".to_string()))
        .collect();

    Ok(Operation {
        operation_id,
        fn_name: fn_base,
        builder_name: builder_base,
        method: op.method,
        path: op.path.to_string(),
        summary: spec.summary.clone(),
        doc: spec.description.clone(),
        deprecated: spec.deprecated,
        path_params,
        query_params,
        versions,
        error_statuses,
        waiter: None,
    })
}

/// Records every `example` / `examples` of a media type for the generated round-trip tests.
fn collect_examples(
    content: &MediaType,
    ty: &TypeRef,
    prefix: &str,
    at: &Ptr,
    out: &mut Vec<Example>,
    names: &mut BTreeSet<String>,
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

/// Error-response examples (e.g. an `ApiError` on 404) round-trip through the error body type.
pub fn error_examples(
    ops: &[SpecOperation<'_>],
    resolver: &Resolver<'_>,
    error_ty: &TypeRef,
    out: &mut Vec<Example>,
    names: &mut BTreeSet<String>,
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
