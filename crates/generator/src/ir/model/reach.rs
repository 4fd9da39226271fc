//! Which named types a set of roots uses, transitively (`apigen explain`'s fallbacks per operation,
//! and the cargo features per tag: a type is compiled when an operation that reaches it is).

use std::collections::BTreeSet;

use super::{Api, Operation, PartKind, PathType, ResponseBody, TypeDef, TypeRef};

impl Operation {
    /// The types its path, query and header parameters, request bodies (and their parts) and JSON
    /// responses name directly, in every version.
    pub fn type_roots(&self) -> Vec<&TypeRef> {
        let mut roots: Vec<&TypeRef> = self.query_params.iter().map(|q| &q.ty).collect();
        // A path parameter names a type when it is a scalar or a list of them (an enum, say).
        roots.extend(self.path_params.iter().filter_map(|p| match &p.ty {
            PathType::Scalar(ty) | PathType::List(ty) => Some(ty),
            PathType::Validated(_) => None,
        }));
        for v in &self.versions {
            if let Some(request) = &v.request {
                roots.push(&request.ty);
                for part in &request.parts {
                    if let PartKind::Text(ty) | PartKind::Texts(ty) | PartKind::Json(ty) =
                        &part.kind
                    {
                        roots.push(ty);
                    }
                }
            }
            if let ResponseBody::Json { ty, .. } = &v.response {
                roots.push(ty);
            }
        }
        roots
    }
}

/// Names of the types `roots` use, through fields, aliases, unions and tagged variants.
pub fn types_reached<'a>(api: &'a Api, roots: Vec<&'a TypeRef>) -> BTreeSet<String> {
    let mut pending = roots;
    let mut seen = BTreeSet::new();
    while let Some(ty) = pending.pop() {
        match ty {
            TypeRef::Vec(inner) | TypeRef::Map(inner) => pending.push(inner),
            TypeRef::Named(name) if seen.insert(name.clone()) => match api.types.get(name) {
                Some(TypeDef::Struct(s)) => pending.extend(s.fields.iter().map(|f| &f.ty)),
                Some(TypeDef::Alias(a)) => pending.push(&a.ty),
                Some(TypeDef::Union(u)) => pending.extend(u.variants.iter().map(|(_, ty)| ty)),
                Some(TypeDef::Tagged(t)) => {
                    seen.extend(t.variants.iter().map(|(_, _, name)| name.clone()));
                    for (_, _, name) in &t.variants {
                        if let Some(TypeDef::Struct(s)) = api.types.get(name) {
                            pending.extend(s.fields.iter().map(|f| &f.ty));
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    seen
}
