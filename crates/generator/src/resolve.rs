//! Stage 2, resolve: follow local `$ref`s to the component they name, with the pointer of the target.
//!
//! Only local references (`#/components/<kind>/<name>`) are supported; anything else is an error that names
//! the pointer of the `$ref`. Reference chains (a component that is itself a `$ref`) are followed with cycle
//! detection.

use openapiv3::{
    Components, Header, OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema,
};

use crate::error::{GenError, Ptr, Result};

/// A resolved node: the target, where it lives, and its component name when it came through a `$ref`.
pub struct Resolved<'a, T> {
    pub node: &'a T,
    pub pointer: Ptr,
    pub component: Option<String>,
}

/// Resolves references against one document.
pub struct Resolver<'a> {
    components: Option<&'a Components>,
}

/// A component kind: where it lives under `#/components` and how to find one by name.
trait ComponentKind: Sized {
    const SECTION: &'static str;
    fn lookup<'a>(components: &'a Components, name: &str) -> Option<&'a ReferenceOr<Self>>;
}

macro_rules! component_kind {
    ($ty:ty, $section:literal, $field:ident) => {
        impl ComponentKind for $ty {
            const SECTION: &'static str = $section;
            fn lookup<'a>(components: &'a Components, name: &str) -> Option<&'a ReferenceOr<Self>> {
                components.$field.get(name)
            }
        }
    };
}

component_kind!(Schema, "schemas", schemas);
component_kind!(Parameter, "parameters", parameters);
component_kind!(Response, "responses", responses);
component_kind!(Header, "headers", headers);
component_kind!(RequestBody, "requestBodies", request_bodies);

impl<'a> Resolver<'a> {
    pub fn new(api: &'a OpenAPI) -> Self {
        Self {
            components: api.components.as_ref(),
        }
    }

    pub fn schema(&self, node: &'a ReferenceOr<Schema>, at: &Ptr) -> Result<Resolved<'a, Schema>> {
        self.resolve(node, at)
    }

    /// Same as [`Self::schema`] for the boxed references `openapiv3` uses inside schemas.
    pub fn boxed_schema(
        &self,
        node: &'a ReferenceOr<Box<Schema>>,
        at: &Ptr,
    ) -> Result<Resolved<'a, Schema>> {
        match node {
            ReferenceOr::Item(schema) => Ok(Resolved {
                node: schema,
                pointer: at.clone(),
                component: None,
            }),
            ReferenceOr::Reference { reference } => self.follow::<Schema>(reference, at, 0),
        }
    }

    pub fn parameter(
        &self,
        node: &'a ReferenceOr<Parameter>,
        at: &Ptr,
    ) -> Result<Resolved<'a, Parameter>> {
        self.resolve(node, at)
    }

    pub fn response(
        &self,
        node: &'a ReferenceOr<Response>,
        at: &Ptr,
    ) -> Result<Resolved<'a, Response>> {
        self.resolve(node, at)
    }

    pub fn header(&self, node: &'a ReferenceOr<Header>, at: &Ptr) -> Result<Resolved<'a, Header>> {
        self.resolve(node, at)
    }

    pub fn request_body(
        &self,
        node: &'a ReferenceOr<RequestBody>,
        at: &Ptr,
    ) -> Result<Resolved<'a, RequestBody>> {
        self.resolve(node, at)
    }

    /// Resolves a schema `$ref` string (as found in `SchemaRef::Ref`).
    pub fn schema_ref(&self, reference: &str, at: &Ptr) -> Result<Resolved<'a, Schema>> {
        self.follow::<Schema>(reference, at, 0)
    }

    /// The name a `$ref` points to, checked to be a schema component.
    pub fn schema_ref_name(&self, reference: &str, at: &Ptr) -> Result<String> {
        Ok(self
            .follow::<Schema>(reference, at, 0)?
            .component
            .unwrap_or_default())
    }

    fn resolve<T: ComponentKind>(
        &self,
        node: &'a ReferenceOr<T>,
        at: &Ptr,
    ) -> Result<Resolved<'a, T>> {
        match node {
            ReferenceOr::Item(item) => Ok(Resolved {
                node: item,
                pointer: at.clone(),
                component: None,
            }),
            ReferenceOr::Reference { reference } => self.follow::<T>(reference, at, 0),
        }
    }

    fn follow<T: ComponentKind>(
        &self,
        reference: &str,
        at: &Ptr,
        depth: usize,
    ) -> Result<Resolved<'a, T>> {
        const MAX_CHAIN: usize = 32;
        if depth > MAX_CHAIN {
            return Err(GenError::new(
                at.as_str(),
                format!("$ref chain longer than {MAX_CHAIN} (a cycle?) at `{reference}`"),
            ));
        }
        let prefix = format!("#/components/{}/", T::SECTION);
        let Some(name) = reference.strip_prefix(&prefix) else {
            return Err(GenError::unsupported(
                at,
                format!("$ref `{reference}` (only local references to #/components/{} are supported here)", T::SECTION),
            ));
        };
        let name = name.replace("~1", "/").replace("~0", "~");
        let target = self
            .components
            .and_then(|c| T::lookup(c, &name))
            .ok_or_else(|| {
                GenError::new(at.as_str(), format!("$ref `{reference}` points to nothing"))
            })?;
        let pointer = Ptr::root().push("components").push(T::SECTION).push(&name);
        match target {
            ReferenceOr::Item(item) => Ok(Resolved {
                node: item,
                pointer,
                component: Some(name),
            }),
            ReferenceOr::Reference { reference: next } => {
                let mut resolved = self.follow::<T>(next, &pointer, depth + 1)?;
                // A component that is only an alias of another keeps the final component's name.
                resolved.component.get_or_insert(name);
                Ok(resolved)
            }
        }
    }
}
