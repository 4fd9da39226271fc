//! Stage 3, IR: turn the resolved document into [`model::Api`], where every name and type is decided.
//!
//! Order matters: (1) find which schemas are sent and which received, (2) build component types,
//! (3) build operations (which may add inline types), (4) pick the error body and collect examples.

pub mod model;
pub mod naming;
mod operations;
mod pagination;
mod schemas;
mod view;
mod waiter;

use std::collections::BTreeSet;

use openapiv3::OpenAPI;

use crate::error::{GenError, Result};
use crate::resolve::Resolver;
use model::{Api, ErrorBody, TypeDef, TypeRef};
use operations::{
    build_operation, error_examples, error_schema, mark_usage, spec_operations, ParamBuilder,
};
use schemas::TypeBuilder;

/// Builds the IR for a whole document.
pub fn build(api: &OpenAPI) -> Result<Api> {
    let resolver = Resolver::new(api);
    let ops = spec_operations(api)?;
    let mut types = TypeBuilder::new(api)?;
    mark_usage(&ops, &resolver, &mut types)?;
    types.build_components()?;

    let mut params = ParamBuilder {
        params: Default::default(),
    };
    let mut examples = Vec::new();
    let mut example_names = BTreeSet::new();
    let mut operations = Vec::new();
    for op in &ops {
        let mut built = build_operation(
            op,
            &resolver,
            &mut types,
            &mut params,
            &mut examples,
            &mut example_names,
        )?;
        built.waiter = waiter::parse(
            op.op.extensions.get("x-waiter"),
            &op.at,
            &built,
            &types.types,
        )?;
        operations.push(built);
    }
    operations.sort_by(|a, b| a.fn_name.cmp(&b.fn_name));
    pagination::detect(&mut operations, &types.types);
    let mut fns = BTreeSet::new();
    for op in &operations {
        for v in &op.versions {
            if !fns.insert(v.fn_name.clone()) {
                return Err(GenError::new(
                    "/paths",
                    format!("two operations are both named `{}`", v.fn_name),
                ));
            }
        }
    }

    let error_body = match error_schema(&ops, &resolver)? {
        Some(component) => {
            let TypeRef::Named(type_name) = types.named(
                &format!("#/components/schemas/{component}"),
                &Default::default(),
            )?
            else {
                return Err(GenError::new(
                    "/components/schemas",
                    "error schema is not a named type",
                ));
            };
            error_examples(
                &ops,
                &resolver,
                &TypeRef::Named(type_name.clone()),
                &mut examples,
                &mut example_names,
            )?;
            let field = |json: &str| match types.types.get(&type_name) {
                Some(TypeDef::Struct(s)) => s
                    .fields
                    .iter()
                    .find(|f| f.json_name == json && f.ty == TypeRef::String)
                    .map(|f| f.rust_name.clone()),
                _ => None,
            };
            Some(ErrorBody {
                error_code: field("errorCode"),
                detail: field("detail"),
                reason: field("reason"),
                type_name,
            })
        }
        None => None,
    };
    examples.sort_by(|a, b| a.name.cmp(&b.name));

    Ok(Api {
        title: api.info.title.clone(),
        description: api.info.description.clone(),
        spec_version: api.info.version.clone(),
        default_base_url: api
            .servers
            .first()
            .map(|s| s.url.clone())
            .unwrap_or_default(),
        types: types.types,
        params: params.params,
        operations,
        error_body,
        examples,
    })
}
