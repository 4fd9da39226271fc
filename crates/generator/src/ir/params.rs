//! Parameters -> path arguments (validated string newtypes, shared across operations, or plain integers)
//! and query / header setters (scalars, string enums, and arrays of them).

use std::collections::{BTreeMap, BTreeSet};

use heck::ToUpperCamelCase;
use openapiv3::{Parameter, ParameterSchemaOrContent, QueryStyle, ReferenceOr};

use super::model::*;
use super::naming::{field_name, type_name, unique};
use super::operations::SpecOperation;
use super::schemas::TypeBuilder;
use super::view::{SchemaRef, View};
use crate::error::{GenError, Ptr, Result};
use crate::resolve::Resolver;

/// Builds path-parameter newtypes, shared across operations.
pub struct ParamBuilder {
    pub params: BTreeMap<String, ParamType>,
    /// The profile's envelope parameter (a boolean query parameter that wraps bodies).
    pub envelope_param: Option<&'static str>,
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

/// Names the request builder already uses for its own fields and methods.
const BUILDER_NAMES: &[&str] = &["client", "body", "send"];

/// The path and query/header parameters of one operation: path-item parameters first, then the
/// operation's own, which override by (name, location). Path parameters come in path-template order.
pub fn operation_params<'a>(
    op: &'a SpecOperation<'a>,
    resolver: &Resolver<'a>,
    types: &mut TypeBuilder<'a>,
    params: &mut ParamBuilder,
    builder_base: &str,
) -> Result<(Vec<PathParam>, Vec<QueryParam>)> {
    let mut all: Vec<(&Parameter, Option<String>, Ptr)> = Vec::new();
    let sources = [
        (op.path_params, op.item_at.push("parameters")),
        (&op.op.parameters[..], op.at.push("parameters")),
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
    let mut taken: BTreeSet<String> = BUILDER_NAMES.iter().map(|s| s.to_string()).collect();
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
        let (location, style) = match param {
            Parameter::Path { .. } => {
                let ty = match (view.typ, view.format.as_deref()) {
                    (Some("string"), _) => PathType::Validated(params.path_type(
                        type_name(component.as_deref().unwrap_or(&data.name)),
                        param,
                        string_rules(&view),
                        data.description.clone(),
                    )),
                    (Some("integer"), Some("int32")) => PathType::Integer(TypeRef::I32),
                    (Some("integer"), _) => PathType::Integer(TypeRef::I64),
                    (other, _) => {
                        return Err(GenError::unsupported(
                            &schema_at,
                            format!("path parameter of type {:?}", other.unwrap_or("(none)")),
                        ))
                    }
                };
                path_params.push(PathParam {
                    json_name: data.name.clone(),
                    rust_name,
                    ty,
                    doc: data.description.clone(),
                });
                continue;
            }
            Parameter::Query {
                style,
                allow_reserved,
                ..
            } => {
                if *allow_reserved {
                    return Err(GenError::unsupported(
                        &at.push("allowReserved"),
                        "query parameter with allowReserved",
                    ));
                }
                let list = match style {
                    QueryStyle::Form if data.explode == Some(false) => Some(ListStyle::Join(',')),
                    QueryStyle::Form => Some(ListStyle::Repeat),
                    QueryStyle::SpaceDelimited => Some(ListStyle::Join(' ')),
                    QueryStyle::PipeDelimited => Some(ListStyle::Join('|')),
                    QueryStyle::DeepObject => None,
                };
                (ParamLocation::Query, list)
            }
            // `style: simple`, the only header style: arrays are comma-separated.
            Parameter::Header { .. } => (ParamLocation::Header, Some(ListStyle::Join(','))),
            Parameter::Cookie { .. } => return Err(GenError::unsupported(&at, "cookie parameter")),
        };
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
        let (ty, list) = match types.resolve_alias(ty) {
            TypeRef::Vec(item) => match style {
                Some(style) => (types.resolve_alias(*item), Some(style)),
                None => {
                    return Err(GenError::unsupported(
                        &at,
                        "array parameter with style deepObject",
                    ))
                }
            },
            ty => (ty, None),
        };
        if !types.is_scalar(&ty) {
            return Err(GenError::unsupported(
                &schema_at,
                "parameter that is neither a scalar nor an array of scalars",
            ));
        }
        // Bounds and patterns of an array parameter apply to each item.
        let item_view;
        let rules_view = match (list, view.items) {
            (Some(_), Some(SchemaRef::Ref(reference))) => {
                item_view = View::of(resolver.schema_ref(reference, &schema_at)?.node);
                &item_view
            }
            (Some(_), Some(SchemaRef::Inline(item))) => {
                item_view = View::of(item);
                &item_view
            }
            _ => &view,
        };
        let rules = QueryRules {
            minimum: rules_view.minimum.map(|v| v as i64),
            maximum: rules_view.maximum.map(|v| v as i64),
            string: string_rules(rules_view),
        };
        query_params.push(QueryParam {
            is_envelope: location == ParamLocation::Query
                && Some(data.name.as_str()) == params.envelope_param
                && ty == TypeRef::Bool
                && list.is_none(),
            json_name: data.name.clone(),
            rust_name,
            ty,
            location,
            list,
            doc: data.description.clone(),
            required: data.required,
            rules,
            default: schema_node.schema_data.default.clone(),
        });
    }
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
    Ok((path_params, query_params))
}
