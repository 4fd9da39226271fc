//! Stage 3, IR: turn the resolved document into [`model::Api`], where every name and type is decided.
//!
//! Order matters: (1) find which schemas are sent and which received, (2) build component types,
//! (3) build operations (which may add inline types), (4) pick the error body and collect examples.

mod depth;
mod head;
pub mod model;
pub mod naming;
mod objects;
mod operation_names;
mod operations;
mod pagination;
mod params;
mod polymorphism;
mod recursion;
mod responses;
mod scalar_enums;
mod schemas;
mod view;
mod waiter;

use std::collections::BTreeSet;

use openapiv3::OpenAPI;

use crate::error::{GenError, Result};
use crate::resolve::Resolver;
use model::{Api, ErrorBody, TypeDef, TypeRef};
use operations::{build_operation, error_examples, error_schema, mark_usage, spec_operations};
use params::ParamBuilder;
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
    // Names that collide after case conversion (`getFoo` / `get_foo`) get 2, 3... in sorted order;
    // a name derived from method and path yields to an operationId the spec gives.
    let derived: BTreeSet<(&str, &str)> = ops
        .iter()
        .filter(|op| op.op.operation_id.is_none())
        .map(|op| (op.path, op.method.as_str()))
        .collect();
    let key = |op: &model::Operation| {
        let is_derived = derived.contains(&(op.path.as_str(), op.method.as_str()));
        (
            op.fn_name.clone(),
            is_derived,
            op.operation_id.clone(),
            op.path.clone(),
            op.method.as_str(),
        )
    };
    operations.sort_by_cached_key(key);
    let mut fns = BTreeSet::new();
    let mut builders = BTreeSet::new();
    for op in &mut operations {
        for v in &mut op.versions {
            v.fn_name = naming::unique(std::mem::take(&mut v.fn_name), &mut fns);
            v.builder_name = naming::unique(std::mem::take(&mut v.builder_name), &mut builders);
        }
        op.fn_name = op.versions[0].fn_name.clone();
        op.builder_name = op.versions[0].builder_name.clone();
    }
    pagination::detect(&mut operations, &types.types);

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
    if let Some(origin) = recursion::alias_cycle(&types.types) {
        return Err(GenError::unsupported(
            &schemas::TypeBuilder::component_ptr(origin),
            "schemas that are only aliases of each other (a cycle with no type in it)",
        ));
    }
    recursion::box_recursive_fields(&mut types.types);
    let mut fallbacks = std::mem::take(&mut types.fallbacks);
    fallbacks.sort();
    fallbacks.dedup();

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
        fallbacks,
    })
}
