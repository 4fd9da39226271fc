//! One source file for `include!`: the generated crate's `src/` folded into `pub mod <name> { .. }`.
//!
//! Each `mod x;` is replaced by the module's file, inline, with its inner attributes (docs); lib.rs'
//! inner attributes (docs, lints) become the wrapper module's. Generated code names its items by
//! `crate::` paths, in code and in intra-doc links, so every `crate::` is turned into the module's
//! path (`crate::petstore::`): in tokens wherever they are (macro arguments included) and in doc
//! text, never in other string literals (a spec `pattern` is data).

use std::collections::BTreeMap;

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, TokenStream, TokenTree};
use quote::ToTokens;

use crate::error::{GenError, Result};

/// The module file for `files` (a crate's, as `generate` returns them), to be included at `path`.
pub fn assemble(files: &[(String, String)], path: &str, header: &str) -> Result<String> {
    let segments = module_segments(path)?;
    let sources: BTreeMap<&str, &str> = files
        .iter()
        .filter(|(p, _)| p.starts_with("src/") && p.ends_with(".rs"))
        .map(|(p, text)| (p.as_str(), text.as_str()))
        .collect();
    let mut used = Vec::new();
    let lib = parse(&sources, "src/lib.rs")?;
    used.push("src/lib.rs");
    let items = inline(lib.items, "src", &sources, &mut used)?;
    if let Some(orphan) = sources.keys().find(|p| !used.contains(p)) {
        return Err(GenError::new(
            *orphan,
            "internal error: a generated source no `mod` declares",
        ));
    }
    let name = segments
        .last()
        .cloned()
        .ok_or_else(|| GenError::new(path, "internal error: an empty module path"))?;
    let module = syn::ItemMod {
        attrs: lib.attrs,
        vis: syn::parse_quote!(pub),
        unsafety: None,
        mod_token: Default::default(),
        ident: name,
        content: Some((Default::default(), items)),
        semi: None,
    };
    let tokens = rewrite(module.into_token_stream(), &segments);
    let file: syn::File = syn::parse2(tokens).map_err(|e| {
        GenError::new(
            path,
            format!("internal error: the module does not parse: {e}"),
        )
    })?;
    Ok(format!("{header}\n{}", prettyplease::unparse(&file)))
}

/// `crate::a::b` (or `a::b`) -> `[a, b]`: identifiers, not keywords, at least one.
fn module_segments(path: &str) -> Result<Vec<Ident>> {
    let rest = path.strip_prefix("crate::").unwrap_or(path);
    let bad = || {
        GenError::new(
            path,
            "a module path is `crate::name` or `crate::outer::name`, of identifiers that are not keywords",
        )
    };
    let segments: Vec<Ident> = rest
        .split("::")
        .map(|s| syn::parse_str::<Ident>(s).map_err(|_| bad()))
        .collect::<Result<_>>()?;
    if segments.is_empty() || segments.iter().any(|s| s.to_string().starts_with("r#")) {
        return Err(bad());
    }
    Ok(segments)
}

fn parse(sources: &BTreeMap<&str, &str>, path: &str) -> Result<syn::File> {
    let text = sources
        .get(path)
        .ok_or_else(|| GenError::new(path, "internal error: a declared module has no file"))?;
    syn::parse_file(text).map_err(|e| {
        GenError::new(
            path,
            format!("internal error: a generated file does not parse: {e}"),
        )
    })
}

/// `items` of the file whose modules live in `dir`, every `mod x;` replaced by its file's contents.
fn inline<'a>(
    items: Vec<syn::Item>,
    dir: &str,
    sources: &BTreeMap<&'a str, &'a str>,
    used: &mut Vec<&'a str>,
) -> Result<Vec<syn::Item>> {
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        let syn::Item::Mod(mut module) = item else {
            out.push(item);
            continue;
        };
        if module.content.is_some() {
            out.push(syn::Item::Mod(module));
            continue;
        }
        let name = module.ident.to_string();
        let flat = format!("{dir}/{name}.rs");
        let nested = format!("{dir}/{name}/mod.rs");
        let (path, child_dir) = match sources.get_key_value(flat.as_str()) {
            Some((path, _)) => (*path, format!("{dir}/{name}")),
            None => match sources.get_key_value(nested.as_str()) {
                Some((path, _)) => (*path, format!("{dir}/{name}")),
                None => return Err(GenError::new(flat, "internal error: `mod` without a file")),
            },
        };
        used.push(path);
        let file = parse(sources, path)?;
        module.attrs.extend(file.attrs);
        module.content = Some((
            Default::default(),
            inline(file.items, &child_dir, sources, used)?,
        ));
        module.semi = None;
        out.push(syn::Item::Mod(module));
    }
    Ok(out)
}

/// `stream` with every `crate::` path continued by `segments`, and the same in doc attributes' text.
fn rewrite(stream: TokenStream, segments: &[Ident]) -> TokenStream {
    let tokens: Vec<TokenTree> = stream.into_iter().collect();
    let mut out = TokenStream::new();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(ident) if ident == "crate" && is_path_separator(&tokens[i + 1..]) => {
                out.extend([token.clone()]);
                for segment in segments {
                    out.extend(path_separator());
                    out.extend([TokenTree::Ident(segment.clone())]);
                }
            }
            TokenTree::Group(group) => {
                let inner = match doc_attribute(group) {
                    Some((lead, text)) => {
                        let text = rewrite_doc(&text, segments);
                        let mut inner: TokenStream = lead.into_iter().collect();
                        inner.extend([TokenTree::Literal(Literal::string(&text))]);
                        inner
                    }
                    None => rewrite(group.stream(), segments),
                };
                let mut rewritten = Group::new(group.delimiter(), inner);
                rewritten.set_span(group.span());
                out.extend([TokenTree::Group(rewritten)]);
            }
            other => out.extend([other.clone()]),
        }
    }
    out
}

fn is_path_separator(next: &[TokenTree]) -> bool {
    matches!(next, [TokenTree::Punct(a), TokenTree::Punct(b), ..]
        if a.as_char() == ':' && a.spacing() == Spacing::Joint && b.as_char() == ':')
}

fn path_separator() -> [TokenTree; 2] {
    [
        TokenTree::Punct(Punct::new(':', Spacing::Joint)),
        TokenTree::Punct(Punct::new(':', Spacing::Alone)),
    ]
}

/// The tokens before the text and the text of `[doc = "..."]`, if `group` is that.
fn doc_attribute(group: &Group) -> Option<(Vec<TokenTree>, String)> {
    if group.delimiter() != Delimiter::Bracket {
        return None;
    }
    let tokens: Vec<TokenTree> = group.stream().into_iter().collect();
    let [TokenTree::Ident(doc), TokenTree::Punct(eq), TokenTree::Literal(text)] = &tokens[..]
    else {
        return None;
    };
    if doc != "doc" || eq.as_char() != '=' {
        return None;
    }
    let text: syn::LitStr = syn::parse2(TokenTree::Literal(text.clone()).into()).ok()?;
    Some((tokens[..2].to_vec(), text.value()))
}

/// Each `crate::` that starts a path in doc text (not inside a longer word) continued by `segments`.
fn rewrite_doc(text: &str, segments: &[Ident]) -> String {
    let mut replacement = String::from("crate::");
    for segment in segments {
        replacement.push_str(&segment.to_string());
        replacement.push_str("::");
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("crate::") {
        let starts_path = !rest[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$');
        out.push_str(&rest[..at]);
        out.push_str(if starts_path { &replacement } else { "crate::" });
        rest = &rest[at + "crate::".len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn modules_are_inlined_and_crate_paths_point_into_the_module() {
        let crate_files = files(&[
            ("Cargo.toml", "[package]"),
            (
                "src/lib.rs",
                "//! The API; see [`crate::Client`].\n#![allow(deprecated)]\npub mod types;\n\
                 /// A client.\npub struct Client(pub crate::types::Pet);\n\
                 pub(crate) fn f() -> &'static str { \"crate::kept\" }\n",
            ),
            (
                "src/types/mod.rs",
                "//! Types.\nmod pet;\npub use pet::*;\n",
            ),
            (
                "src/types/pet.rs",
                "/// A pet, see [link](crate::Client) and notcrate::x.\npub struct Pet(pub u8);\n\
                 m!(crate::Client);\n",
            ),
        ]);
        let text = assemble(&crate_files, "crate::apis::petstore", "// header\n").expect("module");
        assert!(text.starts_with("// header\n"), "{text}");
        let file = syn::parse_file(&text).expect("parses");
        let [syn::Item::Mod(module)] = &file.items[..] else {
            panic!("one module: {text}")
        };
        assert_eq!(module.ident, "petstore");
        for expected in [
            "#![allow(deprecated)]",
            "//! The API; see [`crate::apis::petstore::Client`].",
            "pub struct Client(pub crate::apis::petstore::types::Pet);",
            "\"crate::kept\"",
            "pub(crate) fn f()",
            "pub mod types {",
            "//! Types.",
            "mod pet {",
            "[link](crate::apis::petstore::Client) and notcrate::x.",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in\n{text}");
        }
        // Macro arguments are printed with prettyplease's token spacing.
        let unspaced = text.replace(' ', "");
        assert!(
            unspaced.contains("m!(crate::apis::petstore::Client);"),
            "{text}"
        );
    }

    #[test]
    fn bad_module_paths_and_orphan_files_are_errors() {
        let lib = files(&[("src/lib.rs", "pub mod a;\n"), ("src/a.rs", "")]);
        for bad in [
            "crate::",
            "crate::fn",
            "crate::a-b",
            "crate::a::",
            "crate::r#x",
        ] {
            assert!(assemble(&lib, bad, "").is_err(), "{bad} accepted");
        }
        assert!(assemble(&lib, "petstore", "").is_ok());
        let orphan = files(&[("src/lib.rs", ""), ("src/a.rs", "")]);
        let err = assemble(&orphan, "crate::x", "").expect_err("orphan");
        assert_eq!(err.pointer, "src/a.rs");
        let missing = files(&[("src/lib.rs", "mod gone;")]);
        assert!(assemble(&missing, "crate::x", "").is_err());
    }
}
