//! Stage 3, IR: turn the resolved document into [`model::Api`], where every name and type is decided.
//!
//! Order matters: (1) find which schemas are sent and which received, (2) build component types,
//! (3) build operations (which may add inline types), (4) pick the error body and collect examples.

mod const_tags;
mod depth;
pub mod env_vars;
mod head;
pub mod model;
pub mod naming;
mod objects;
mod operation_names;
mod operations;
mod pagination;
mod params;
mod patterns;
mod polymorphism;
mod recursion;
mod request_body;
mod responses;
mod scalar_enums;
mod schemas;
mod security;
mod servers;
mod view;
mod waiter;
mod webhooks;

use std::collections::BTreeSet;

use openapiv3::OpenAPI;

use crate::error::{GenError, Result};
use crate::profile::Profile;
use crate::resolve::Resolver;
use model::{Api, EnvVarNames, ErrorBody, ProfileFacts, TypeDef, TypeRef};
use operations::{build_operation, error_examples, error_schema, mark_usage, spec_operations};
use params::ParamBuilder;
pub use responses::essence;
use schemas::TypeBuilder;

/// The IR's first pass alone: how every component schema travels (sent in request bodies,
/// received in responses, or both), through references, discriminator mappings and subtypes.
/// `cargo xtask spec diff` classifies changes with it, so it judges them as the generator does.
pub fn component_usage(
    api: &OpenAPI,
    profile: &Profile,
) -> Result<std::collections::BTreeMap<String, model::Usage>> {
    let resolver = Resolver::new(api);
    let ops = spec_operations(api)?;
    let mut types = TypeBuilder::new(api, profile)?;
    mark_usage(&ops, &resolver, &mut types)?;
    Ok(types.usage_map())
}

/// Pointer of an operation: `/paths/<path>/<method>`.
fn op_pointer(op: &model::Operation) -> crate::error::Ptr {
    crate::error::Ptr::root()
        .push("paths")
        .push(&op.path)
        .push(op.method.as_str().to_ascii_lowercase())
}

/// Builds the IR for a whole document, with the conventions of `profile`.
pub fn build(api: &OpenAPI, profile: &Profile) -> Result<Api> {
    servers::check(api)?;
    // Parsed before the resolver and types, which borrow from them as from `api`.
    let hooks = webhooks::parse(api)?;
    let hook_ops = webhooks::operations(&hooks);
    let resolver = Resolver::new(api);
    let ops = spec_operations(api)?;
    let mut types = TypeBuilder::new(api, profile)?;
    mark_usage(&ops, &resolver, &mut types)?;
    types.build_components()?;
    // Aliases are component schemas only, so their cycles are known here: one with no container
    // in it has no Rust type; one through a `Vec` or map becomes newtypes (before operations
    // look through aliases).
    if let Some(origin) = recursion::alias_cycle(&types.types) {
        return Err(GenError::unsupported(
            &schemas::TypeBuilder::component_ptr(origin),
            "schemas that are only aliases of each other (a cycle with no type in it)",
        ));
    }
    recursion::newtype_cycles(&mut types.types);

    let mut params = ParamBuilder {
        params: Default::default(),
        envelope_param: profile.envelope_param,
        patterns: Default::default(),
    };
    let mut examples = Vec::new();
    let mut example_names = naming::Names::default();
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
    // Waiters (`wait_for_<name>`, builder `WaitFor<Name>`) are `Client` methods too; they keep
    // their names, which the document chose (two waiters of one name are an error).
    let mut fns = naming::Names::default();
    let mut builders = naming::Names::default();
    for op in &operations {
        let Some(w) = &op.waiter else { continue };
        if !fns.insert(w.fn_name.clone()) || !builders.insert(w.builder_name.clone()) {
            return Err(GenError::new(
                op_pointer(op).push("x-waiter").push("name").as_str(),
                format!(
                    "x-waiter: another operation's waiter is also `Client::{}`",
                    w.fn_name
                ),
            ));
        }
    }
    // The first operation that took each name, to point at both when a later one is renamed.
    let mut first_at: std::collections::BTreeMap<String, String> = Default::default();
    for op in &mut operations {
        let at = op_pointer(op);
        for v in &mut op.versions {
            let wanted = std::mem::take(&mut v.fn_name);
            v.fn_name = naming::unique(wanted.clone(), &mut fns);
            if v.fn_name != wanted {
                let other = first_at.get(&wanted).map_or_else(
                    || "a waiter's `Client` method".to_owned(),
                    |p| format!("the operation at `{p}`"),
                );
                let source = if derived.contains(&(op.path.as_str(), op.method.as_str())) {
                    "derived from method and path".to_owned()
                } else {
                    format!("from operationId `{}`", op.operation_id)
                };
                types.fallback(
                    &at,
                    format!(
                        "method name `{wanted}` ({source}) is already taken by {other}; renamed"
                    ),
                    format!("Client::{}", v.fn_name),
                );
            }
            first_at.entry(wanted).or_insert_with(|| at.to_string());
            v.builder_name = naming::unique(std::mem::take(&mut v.builder_name), &mut builders);
        }
        op.fn_name = op.versions[0].fn_name.clone();
        op.builder_name = op.versions[0].builder_name.clone();
    }
    pagination::detect(&mut operations, &mut types.types, profile);
    let webhooks = webhooks::build(&hook_ops, &resolver, &mut types, &mut params)?;

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
            let fields = match types.types.get(&type_name) {
                Some(TypeDef::Struct(s)) => &s.fields[..],
                _ => &[],
            };
            // The first member the profile lists for a role that the schema has as a string.
            let role = |names: &[&str]| {
                names.iter().find_map(|json| {
                    fields
                        .iter()
                        .find(|f| f.json_name == *json && f.ty == TypeRef::String)
                        .map(|f| f.rust_name.clone())
                })
            };
            let roles = &profile.error_roles;
            Some(ErrorBody {
                error_code: role(roles.code),
                detail: role(roles.detail),
                reason: role(roles.reason),
                members: fields.iter().map(|f| f.json_name.clone()).collect(),
                type_name,
            })
        }
        None => None,
    };
    examples.sort_by(|a, b| a.name.cmp(&b.name));
    recursion::box_recursive_fields(&mut types.types);
    let mut fallbacks = std::mem::take(&mut types.fallbacks);
    fallbacks.sort();
    fallbacks.dedup();

    let default_base_url = servers::default_base_url(api);
    let (server_template, server_variables) = servers::server_template(api);
    Ok(Api {
        server_template,
        server_variables,
        auth: security::auth_model(api, profile, &default_base_url),
        profile: ProfileFacts {
            name: profile.name,
            vendor: profile.vendor,
            // Named in `crate::build_ir`, which knows the crate name.
            env: EnvVarNames::default(),
            support_headers: profile.support_headers,
            // Set in `crate::build_ir`, which knows the run's options.
            features: profile.features,
        },
        title: api.info.title.clone(),
        description: api.info.description.clone(),
        spec_version: api.info.version.clone(),
        default_base_url,
        types: types.types,
        params: params.params,
        operations,
        error_body,
        examples,
        fallbacks,
        webhooks,
    })
}
