//! Parameters -> path arguments (validated string newtypes, shared across operations; integers,
//! numbers, booleans; arrays of scalars, in the simple, label or matrix style) and query / header /
//! cookie setters (scalars, string enums, arrays of them, and in the query objects).

use std::collections::{BTreeMap, HashMap};

use heck::ToUpperCamelCase;
use openapiv3::{
    Parameter, ParameterData, ParameterSchemaOrContent, PathStyle as SpecPathStyle, QueryStyle,
    ReferenceOr, Schema,
};

use super::model::*;
use super::naming::{field_name, type_name, unique, Names};
use super::operations::SpecOperation;
use super::patterns::Patterns;
use super::schemas::TypeBuilder;
use super::view::{SchemaRef, View};
use crate::error::{GenError, Ptr, Result};
use crate::resolve::Resolver;

/// Builds path-parameter newtypes, shared across operations.
pub struct ParamBuilder {
    pub params: BTreeMap<String, ParamType>,
    /// The profile's envelope parameter (a boolean query parameter that wraps bodies).
    pub envelope_param: Option<&'static str>,
    /// Which spec patterns the client checks (the others are documented).
    pub patterns: Patterns,
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

/// Names the request builder already uses for its own fields and methods (pagination's too, which
/// is detected after parameters are named).
const BUILDER_NAMES: &[&str] = &[
    "client",
    "body",
    "send",
    "build_request",
    "prefetch",
    "max_items",
    "max_pages",
    "into_stream",
    "into_pages",
];

/// Pass 1 for parameters: object schemas in parameters are sent, like request bodies (so a
/// component used only as a filter gets its `required` members as plain fields).
pub fn mark_param_usage<'a>(
    op: &'a SpecOperation<'a>,
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
) -> Result<()> {
    let sources = [
        (op.path_params, op.item_at.push("parameters")),
        (&op.op.parameters[..], op.at.push("parameters")),
    ];
    for (list, list_at) in sources {
        for (i, p) in list.iter().enumerate() {
            let resolved = resolver.parameter(p, &list_at.push(i.to_string()))?;
            let (schema, at, _) = param_schema(resolved.node, &resolved.pointer)?;
            let node = match schema {
                ReferenceOr::Item(s) => s,
                ReferenceOr::Reference { reference } => resolver.schema_ref(reference, &at)?.node,
            };
            if View::of(node).is_object_like() {
                types.mark_usage(SchemaRef::plain(schema), &at, true)?;
            }
        }
    }
    Ok(())
}

/// One parameter's schema, resolved, with where it is.
struct ParamSchema<'a> {
    data: &'a ParameterData,
    schema: &'a ReferenceOr<Schema>,
    node: &'a Schema,
    at: Ptr,
    view: View<'a>,
}

/// The path and query/header/cookie parameters of one operation: path-item parameters first, then
/// the operation's own, which override by (name, location). Path parameters come in path-template
/// order.
pub fn operation_params<'a>(
    op: &'a SpecOperation<'a>,
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
    params: &mut ParamBuilder,
    builder_base: &str,
) -> Result<(Vec<PathParam>, Vec<QueryParam>)> {
    let mut declared: Vec<(&Parameter, Option<String>, Ptr)> = Vec::new();
    let sources = [
        (op.path_params, op.item_at.push("parameters")),
        (&op.op.parameters[..], op.at.push("parameters")),
    ];
    for (list, list_at) in sources {
        for (i, p) in list.iter().enumerate() {
            let at = list_at.push(i.to_string());
            let resolved = resolver.parameter(p, &at)?;
            declared.push((resolved.node, resolved.component, resolved.pointer));
        }
    }
    // A parameter declared again (same name and location, e.g. the operation overriding the path
    // item's) counts once, where it was declared last: one map, not a scan per parameter.
    let key = |p: &Parameter| {
        (
            p.parameter_data_ref().name.clone(),
            std::mem::discriminant(p),
        )
    };
    let last: HashMap<_, usize> = declared
        .iter()
        .enumerate()
        .map(|(i, (p, _, _))| (key(p), i))
        .collect();
    let all = declared
        .into_iter()
        .enumerate()
        .filter(|(i, (p, _, _))| last.get(&key(p)) == Some(i) && !ignored_header(p))
        .map(|(_, entry)| entry);

    let mut path_params = Vec::new();
    let mut query_params = Vec::new();
    // Operator names too: a setter `fn add(self, value)` is clippy's `should_implement_trait`.
    let mut taken: Names = BUILDER_NAMES
        .iter()
        .chain(super::naming::OPERATOR_METHODS)
        .map(|s| s.to_string())
        .collect();
    for (param, component, at) in all {
        let data = param.parameter_data_ref();
        let (schema, schema_at, json_text) = param_schema(param, &at)?;
        let (node, schema_at) = match schema {
            ReferenceOr::Item(s) => (s, schema_at),
            ReferenceOr::Reference { reference } => {
                let r = resolver.schema_ref(reference, &schema_at)?;
                (r.node, r.pointer)
            }
        };
        let spec = ParamSchema {
            data,
            schema,
            node,
            at: schema_at,
            view: View::of(node),
        };
        let wanted = field_name(&data.name);
        let rust_name = unique(wanted.clone(), &mut taken);
        if rust_name != wanted {
            // A query/header/cookie parameter is a builder setter; a path one a method argument.
            let (role, rust) = match param {
                Parameter::Path { .. } => ("argument", rust_name.clone()),
                _ => ("setter", format!("{builder_base}::{rust_name}")),
            };
            types.fallback(
                &at,
                format!(
                    "parameter `{}`: {role} name `{wanted}` is taken (by the request builder, a std trait method or another parameter); renamed",
                    data.name
                ),
                rust,
            );
        }
        let context = format!("{builder_base}{}", data.name.to_upper_camel_case());
        if let Parameter::Path { style, .. } = param {
            let ty = path_type(&spec, component.as_deref(), param, types, params, &context)?;
            path_params.push(PathParam {
                json_name: data.name.clone(),
                rust_name,
                ty,
                doc: super::naming::prose(data.description.as_deref()),
                style: path_style(style, data)?,
            });
        } else if json_text {
            query_params.push(json_text_param(param, &spec, rust_name, types, &context)?);
        } else {
            let patterns = &mut params.patterns;
            let q = other_param(param, &spec, rust_name, types, patterns, resolver, &context)?;
            let is_envelope = q.location == ParamLocation::Query
                && Some(data.name.as_str()) == params.envelope_param
                && q.ty == TypeRef::Bool
                && q.list.is_none();
            query_params.push(QueryParam { is_envelope, ..q });
        }
    }
    // Only the part of the template that is sent holds a parameter (see `sent_path`).
    let sent = sent_path(op.path);
    let placeholders = placeholder_positions(sent);
    let position = |name: &str| match placeholders.get(name) {
        Some(&at) => Some(at),
        // A name with a `}` in it cannot be one of the placeholders found by brace pairs.
        None if name.contains('}') => sent.find(&format!("{{{name}}}")),
        None => None,
    };
    path_params.sort_by_cached_key(|p| position(&p.json_name).unwrap_or(usize::MAX));
    for p in &path_params {
        if position(&p.json_name).is_none() {
            return Err(GenError::new(
                op.at.as_str(),
                format!(
                    "path parameter `{}` does not appear in the path",
                    p.json_name
                ),
            ));
        }
    }
    Ok((path_params, query_params))
}

/// A path parameter's Rust type: a validated string newtype, a scalar, or an array of scalars.
/// OpenAPI 3.0.3 (Parameter Object, `in`): header parameters named `Accept`, `Content-Type` or
/// `Authorization` "SHALL be ignored": the media type and the security scheme set those headers.
/// A setter for one would send a second, contradicting header (an `Authorization` beside the
/// credentials the client adds is refused as unauthenticated).
fn ignored_header(p: &Parameter) -> bool {
    matches!(p, Parameter::Header { .. })
        && ["accept", "content-type", "authorization"]
            .iter()
            .any(|h| p.parameter_data_ref().name.eq_ignore_ascii_case(h))
}

fn path_type<'a>(
    spec: &ParamSchema<'a>,
    component: Option<&str>,
    param: &Parameter,
    types: &mut TypeBuilder<'a>,
    params: &mut ParamBuilder,
    context: &str,
) -> Result<PathType> {
    let view = &spec.view;
    Ok(match (view.typ, view.format.as_deref()) {
        (Some("string"), _) => {
            let (rules, note) = params.patterns.rules(view, &spec.at, types);
            let doc = super::naming::prose(spec.data.description.as_deref());
            PathType::Validated(params.path_type(
                type_name(component.unwrap_or(&spec.data.name)),
                param,
                rules,
                with_note(doc, note),
            ))
        }
        (Some("integer"), Some("int32")) => PathType::Scalar(TypeRef::I32),
        (Some("integer"), _) => PathType::Scalar(TypeRef::I64),
        (Some("number"), Some("float")) => PathType::Scalar(TypeRef::F32),
        (Some("number"), _) => PathType::Scalar(TypeRef::F64),
        (Some("boolean"), _) => PathType::Scalar(TypeRef::Bool),
        (Some("array"), _) => {
            let ty = types.type_of(SchemaRef::plain(spec.schema), context, &spec.at, SENT)?;
            match types.resolve_alias(ty) {
                TypeRef::Vec(item) if types.is_scalar(&types.resolve_alias((*item).clone())) => {
                    PathType::List(types.resolve_alias(*item))
                }
                _ => {
                    return Err(GenError::unsupported(
                        &spec.at,
                        "path parameter that is an array of non-scalars",
                    ))
                }
            }
        }
        (None, _) if scalar_alternatives(spec, types)? => {
            // `oneOf: [integer, string]` (GitHub's workflow id) or no type at all: every
            // alternative has a text form, so the caller passes that text.
            types.fallback(
                &spec.at,
                "path parameter without one scalar type (oneOf/anyOf of scalars, or untyped): \
                 the caller passes its text",
                "String",
            );
            PathType::Validated(params.path_type(
                type_name(component.unwrap_or(&spec.data.name)),
                param,
                StringRules::default(),
                super::naming::prose(spec.data.description.as_deref()),
            ))
        }
        (other, _) => {
            return Err(GenError::unsupported(
                &spec.at,
                format!("path parameter of type {:?}", other.unwrap_or("(none)")),
            ))
        }
    })
}

/// An untyped path parameter schema whose alternatives (`oneOf`/`anyOf`), if any, are all scalars;
/// an untyped schema with properties or items is not one.
fn scalar_alternatives<'a>(spec: &ParamSchema<'a>, types: &TypeBuilder<'a>) -> Result<bool> {
    let view = &spec.view;
    if !view.properties.is_empty() || view.items.is_some() || !view.all_of.is_empty() {
        return Ok(false);
    }
    for (i, alternative) in view.one_of.iter().chain(&view.any_of).enumerate() {
        let node = match alternative {
            SchemaRef::Inline(schema) => *schema,
            SchemaRef::Ref(reference) => {
                types
                    .resolver
                    .schema_ref(reference, &spec.at.push(i.to_string()))?
                    .node
            }
        };
        let scalar = matches!(
            View::of(node).typ,
            Some("string" | "integer" | "number" | "boolean")
        );
        if !scalar {
            return Ok(false);
        }
    }
    Ok(true)
}

const SENT: Usage = Usage {
    request: true,
    response: false,
};

/// The path style (`simple` by default; `label` and `matrix` with their `explode`).
fn path_style(style: &SpecPathStyle, data: &ParameterData) -> Result<PathStyle> {
    let explode = data.explode.unwrap_or(false);
    Ok(match style {
        SpecPathStyle::Simple => PathStyle::Simple,
        SpecPathStyle::Label => PathStyle::Label { explode },
        SpecPathStyle::Matrix => PathStyle::Matrix {
            explode,
            name: encode_unreserved(&data.name),
        },
    })
}

/// Percent-encodes everything outside RFC 3986 `unreserved` (for a matrix parameter's name).
fn encode_unreserved(raw: &str) -> String {
    raw.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A query, header or cookie parameter (everything but the envelope flag, set by the caller).
fn other_param<'a>(
    param: &Parameter,
    spec: &ParamSchema<'a>,
    rust_name: String,
    types: &mut TypeBuilder<'a>,
    patterns: &mut Patterns,
    resolver: &Resolver<'a>,
    context: &str,
) -> Result<QueryParam> {
    let data = spec.data;
    // (location, how an array is written, how an object is written, allowReserved)
    let (location, list_style, object_style, allow_reserved) = match param {
        Parameter::Query {
            style,
            allow_reserved,
            ..
        } => {
            // `explode` defaults to true for `form` only.
            let explode = data.explode.unwrap_or(*style == QueryStyle::Form);
            let (list, object) = match style {
                QueryStyle::Form if explode => (ListStyle::Repeat, Some(ObjectStyle::FormExploded)),
                QueryStyle::Form => (ListStyle::Join(','), Some(ObjectStyle::FormJoined)),
                QueryStyle::SpaceDelimited => (ListStyle::Join(' '), None),
                QueryStyle::PipeDelimited => (ListStyle::Join('|'), None),
                QueryStyle::DeepObject => (ListStyle::Brackets, Some(ObjectStyle::DeepObject)),
            };
            (ParamLocation::Query, list, object, *allow_reserved)
        }
        // `style: simple`, the only header style: arrays are comma-separated.
        Parameter::Header { .. } => (ParamLocation::Header, ListStyle::Join(','), None, false),
        // `style: form`, the only cookie style: arrays are comma-separated (`id=3,4,5`).
        Parameter::Cookie { .. } => (ParamLocation::Cookie, ListStyle::Join(','), None, false),
        Parameter::Path { .. } => {
            return Err(GenError::new(
                spec.at.as_str(),
                "path parameter read as a query one",
            ))
        }
    };
    let ty = types.type_of(SchemaRef::plain(spec.schema), context, &spec.at, SENT)?;
    let (ty, list, object) = match types.resolve_alias(ty) {
        TypeRef::Vec(item) => {
            let item = types.resolve_alias(*item);
            if let (false, Some(style)) = (types.is_scalar(&item), object_style) {
                // An array of objects in the query (OpenAPI defines none): the runtime sends a
                // deepObject one with indexed brackets, a form one with each item as JSON text.
                let ty = TypeRef::Vec(Box::new(item));
                return Ok(QueryParam {
                    object: Some(style),
                    ..query_param(
                        spec,
                        rust_name,
                        ty,
                        location,
                        None,
                        allow_reserved,
                        &spec.view,
                    )
                });
            }
            if !types.is_scalar(&item) {
                return Err(GenError::unsupported(
                    &spec.at,
                    "array parameter whose items are not scalars",
                ));
            }
            (item, Some(list_style), None)
        }
        ty if types.is_scalar(&ty) => (ty, None, None),
        ty => match object_style {
            Some(style) => (ty, None, Some(style)),
            None => {
                let what = match location {
                    ParamLocation::Query => "query parameter in a space- or pipe-delimited style",
                    ParamLocation::Header => "header parameter",
                    ParamLocation::Cookie => "cookie parameter",
                };
                return Err(GenError::unsupported(
                    &spec.at,
                    format!("{what} that is an object (OpenAPI defines no encoding the client could check)"),
                ));
            }
        },
    };
    // Bounds and patterns of an array parameter apply to each item.
    let item_view;
    let (rules_view, rules_at) = match (list, spec.view.items) {
        (Some(_), Some(SchemaRef::Ref(reference))) => {
            let item = resolver.schema_ref(reference, &spec.at)?;
            item_view = View::of(item.node);
            (&item_view, item.pointer)
        }
        (Some(_), Some(SchemaRef::Inline(item))) => {
            item_view = View::of(item);
            (&item_view, spec.at.push("items"))
        }
        _ => (&spec.view, spec.at.clone()),
    };
    let q = query_param(
        spec,
        rust_name,
        ty,
        location,
        list,
        allow_reserved,
        rules_view,
    );
    let (string, note) = patterns.rules(rules_view, &rules_at, types);
    Ok(QueryParam {
        object,
        doc: with_note(q.doc.clone(), note),
        rules: QueryRules { string, ..q.rules },
        ..q
    })
}

/// A member's doc with a note appended (a paragraph of its own).
fn with_note(doc: Option<String>, note: Option<String>) -> Option<String> {
    match (doc, note) {
        (Some(doc), Some(note)) => Some(format!("{doc}\n\n{note}")),
        (doc, note) => doc.or(note),
    }
}

/// A query, header or cookie parameter of type `ty` (not an object), bounds from `rules_view`.
fn query_param(
    spec: &ParamSchema<'_>,
    rust_name: String,
    ty: TypeRef,
    location: ParamLocation,
    list: Option<ListStyle>,
    allow_reserved: bool,
    rules_view: &View<'_>,
) -> QueryParam {
    QueryParam {
        is_envelope: false,
        json_name: spec.data.name.clone(),
        rust_name,
        ty,
        location,
        list,
        object: None,
        allow_reserved,
        doc: super::naming::prose(spec.data.description.as_deref()),
        required: spec.data.required,
        rules: QueryRules {
            minimum: rules_view.minimum.map(|v| v as i64),
            maximum: rules_view.maximum.map(|v| v as i64),
            // Set by `other_param`, which decides whether the client can check the pattern.
            string: StringRules::default(),
        },
        default: spec.node.schema_data.default.clone(),
        json_text: false,
    }
}

/// The schema of a parameter and where it is: its `schema`, or the schema of the one media type
/// of its `content` (true when that media type is JSON: the value is sent as JSON text).
fn param_schema<'a>(
    param: &'a Parameter,
    at: &Ptr,
) -> Result<(&'a ReferenceOr<Schema>, Ptr, bool)> {
    match &param.parameter_data_ref().format {
        ParameterSchemaOrContent::Schema(schema) => Ok((schema, at.push("schema"), false)),
        ParameterSchemaOrContent::Content(content) => {
            let Some((media_type, media)) = content.iter().next() else {
                return Err(GenError::unsupported(
                    &at.push("content"),
                    "parameter with an empty `content`",
                ));
            };
            let media_at = at.push("content").push(media_type);
            let Some(schema) = &media.schema else {
                return Err(GenError::unsupported(
                    &media_at,
                    "parameter `content` without a schema",
                ));
            };
            let json = super::responses::is_json(media_type);
            if json && matches!(param, Parameter::Path { .. }) {
                return Err(GenError::unsupported(
                    &media_at,
                    "path parameter whose value is JSON text (`content`)",
                ));
            }
            Ok((schema, media_at.push("schema"), json))
        }
    }
}

/// A query, header or cookie parameter declared as JSON `content`: one value sent as JSON text.
fn json_text_param<'a>(
    param: &Parameter,
    spec: &ParamSchema<'a>,
    rust_name: String,
    types: &mut TypeBuilder<'a>,
    context: &str,
) -> Result<QueryParam> {
    let location = match param {
        Parameter::Header { .. } => ParamLocation::Header,
        Parameter::Cookie { .. } => ParamLocation::Cookie,
        _ => ParamLocation::Query,
    };
    let ty = types.type_of(SchemaRef::plain(spec.schema), context, &spec.at, SENT)?;
    Ok(QueryParam {
        rules: QueryRules::default(),
        json_text: true,
        ..query_param(spec, rust_name, ty, location, None, false, &spec.view)
    })
}

/// `{name}` placeholder -> the byte offset of its first occurrence in `path` (what
/// `path.find("{name}")` gives for a name without `}`), in one pass over the path.
fn placeholder_positions(path: &str) -> HashMap<&str, usize> {
    let mut out = HashMap::new();
    for (open, _) in path.match_indices('{') {
        if let Some(len) = path[open + 1..].find('}') {
            out.entry(&path[open + 1..open + 1 + len]).or_insert(open);
        }
    }
    out
}
