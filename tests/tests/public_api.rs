//! The generated crate's public surface, as a reviewed listing of every exported item path: an
//! accidental public item (a runtime internal re-exported, a helper left `pub`) changes the
//! snapshot and fails the test. Inherent methods are not listed; item paths are.

use std::path::{Path, PathBuf};

use atlas_exports_tests::workspace_root;
use syn::{Item, UseTree, Visibility};

/// What each item macro a generated crate invokes declares publicly (see the runtime's docs).
const ITEM_MACROS: &[(&str, &[&str])] = &[("runtime::client_builder", &["ClientBuilder (struct)"])];

/// `crate::a::B (kind)` lines for the module at `file`, recursively through `pub mod`.
fn list_module(file: &Path, module: &str, feature: &str, out: &mut Vec<String>) {
    let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let parsed = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let dir = file.parent().expect("file has a directory");
    // `mod.rs` and `lib.rs` own the directory they are in; `a.rs` owns `a/`.
    let child_dir = match file.file_name().and_then(|n| n.to_str()) {
        Some("mod.rs" | "lib.rs") => dir.to_path_buf(),
        _ => dir.join(file.file_stem().expect("file stem")),
    };
    let child_file = |name: &str| {
        [
            child_dir.join(format!("{name}.rs")),
            child_dir.join(name).join("mod.rs"),
        ]
        .into_iter()
        .find(|p| p.is_file())
    };
    for item in parsed.items {
        let (vis, name, kind) = match &item {
            Item::Struct(i) => (&i.vis, i.ident.to_string(), "struct"),
            Item::Enum(i) => (&i.vis, i.ident.to_string(), "enum"),
            Item::Type(i) => (&i.vis, i.ident.to_string(), "type alias"),
            Item::Fn(i) => (&i.vis, i.sig.ident.to_string(), "fn"),
            Item::Const(i) => (&i.vis, i.ident.to_string(), "const"),
            Item::Static(i) => (&i.vis, i.ident.to_string(), "static"),
            Item::Trait(i) => (&i.vis, i.ident.to_string(), "trait"),
            Item::Mod(m) => {
                if !matches!(m.vis, Visibility::Public(_)) {
                    continue;
                }
                let name = m.ident.to_string();
                let gated = m
                    .attrs
                    .iter()
                    .any(|a| a.path().is_ident("cfg") && quote_attr(a).contains("feature"));
                let feature = if gated { " [feature]" } else { feature };
                out.push(format!("{module}::{name} (module){feature}"));
                let child =
                    child_file(&name).unwrap_or_else(|| panic!("module file of {module}::{name}"));
                list_module(&child, &format!("{module}::{name}"), feature, out);
                continue;
            }
            Item::Use(u) => {
                if matches!(u.vis, Visibility::Public(_)) {
                    let mut leaves = Vec::new();
                    use_leaves(&u.tree, String::new(), &mut leaves);
                    for (name, source) in leaves {
                        // A glob of a child module exports its public items here: list them.
                        let glob_of_child = source
                            .strip_suffix("::*")
                            .filter(|m| !m.contains("::"))
                            .and_then(&child_file);
                        match glob_of_child {
                            Some(child) => list_module(&child, module, feature, out),
                            None => out
                                .push(format!("{module}::{name} (re-export of {source}){feature}")),
                        }
                    }
                }
                continue;
            }
            Item::Macro(m) => {
                // Item macros of the runtime declare items this listing cannot see by parsing:
                // each known one is listed with what it declares, any other fails the test.
                let path = m
                    .mac
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect::<Vec<_>>()
                    .join("::");
                let declared = ITEM_MACROS
                    .iter()
                    .find(|(known, _)| *known == path)
                    .unwrap_or_else(|| panic!("{module}: unknown item macro `{path}!`: list it"));
                for item in declared.1 {
                    out.push(format!("{module}::{item} (by {path}!){feature}"));
                }
                continue;
            }
            _ => continue,
        };
        if matches!(vis, Visibility::Public(_)) {
            out.push(format!("{module}::{name} ({kind}){feature}"));
        }
    }
}

fn quote_attr(attr: &syn::Attribute) -> String {
    match &attr.meta {
        syn::Meta::List(list) => list.tokens.to_string(),
        _ => String::new(),
    }
}

/// (exported name, source path) of every leaf of a `use` tree.
fn use_leaves(tree: &UseTree, prefix: String, out: &mut Vec<(String, String)>) {
    match tree {
        UseTree::Path(p) => use_leaves(&p.tree, format!("{prefix}{}::", p.ident), out),
        UseTree::Name(n) => out.push((n.ident.to_string(), format!("{prefix}{}", n.ident))),
        UseTree::Rename(r) => out.push((r.rename.to_string(), format!("{prefix}{}", r.ident))),
        UseTree::Glob(_) => out.push(("*".into(), format!("{prefix}*"))),
        UseTree::Group(g) => {
            for t in &g.items {
                use_leaves(t, prefix.clone(), out);
            }
        }
    }
}

fn public_items() -> Vec<String> {
    let lib: PathBuf = workspace_root().join("generated/src/lib.rs");
    let mut out = Vec::new();
    list_module(&lib, "crate", "", &mut out);
    out.sort();
    out
}

#[test]
fn public_surface_is_the_reviewed_one() {
    insta::assert_snapshot!(public_items().join("\n"));
}

/// Runtime internals never leak: whatever the crate re-exports from the runtime is on this list
/// of user-facing types, and no module is called `runtime`.
#[test]
fn no_runtime_internals_are_public() {
    const USER_FACING: &[&str] = &[
        "runtime::AuthErrorKind",
        "runtime::RetryPolicy",
        "runtime::Secret",
        "runtime::TransportKind",
        "runtime::Undeclared",
        "runtime::Method",
        "runtime::mock::Expectation",
        "runtime::mock::MockResponse",
        "runtime::mock::ReceivedRequest",
        "runtime::mock::MOCK_TOKEN",
    ];
    for line in public_items() {
        assert!(
            !line.contains("::runtime ("),
            "runtime module is public: {line}"
        );
        if let Some(source) = line
            .split("(re-export of ")
            .nth(1)
            .map(|s| s.split(')').next().unwrap_or(s))
        {
            if source.starts_with("runtime::") {
                assert!(
                    USER_FACING.contains(&source),
                    "runtime internal re-exported: {line}"
                );
            }
        }
    }
}
