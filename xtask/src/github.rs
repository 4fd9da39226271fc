//! `cargo xtask github [--cache DIR] [--out DIR] [--lenient-responses]`: GitHub's REST API
//! (`@octokit/openapi`, `generated/api.github.com.json`) through its profile (strict responses, as
//! the generic one), the check of issue 22 that a non-Atlas user gets the spec's own strictness:
//! `SimpleUser.login` is `String`. Its pagination: `cargo xtask vendors github`.
//!
//! The package is fetched once with `npm pack` into the cache directory (never committed); the
//! crate is written to `--out` (default `target/github-rest`) so it can be compiled by hand.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use apigen::ir::model::TypeDef;

/// Pinned so figures stay comparable between runs.
pub const PACKAGE: &str = "@octokit/openapi@23.0.2";
pub const DOCUMENT: &str = "package/generated/api.github.com.json";
/// The cache directory's name (under `$XDG_CACHE_HOME` or `~/.cache`).
pub const CACHE: &str = "octokit-openapi";

pub const USAGE: &str = "usage: cargo xtask github [--cache DIR] [--out DIR] [--lenient-responses]

  --cache DIR            where `npm pack @octokit/openapi@23.0.2` is unpacked (default ~/.cache/octokit-openapi)
  --out DIR              where the crate is written (default target/github-rest)
  --lenient-responses    generate with every response member optional (to compare)
Exit 1 when SimpleUser.login is not a plain String (strict) or not an Option (lenient).";

pub fn run(args: &[String], root: &Path) -> Result<ExitCode, String> {
    let mut cache = crate::npm::cache_dir(CACHE);
    let mut out = root.join("target/github-rest");
    let mut lenient = false;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--cache" => cache = value()?,
            "--out" => out = value()?,
            "--lenient-responses" => lenient = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    let spec = document(&cache)?;
    let options = apigen::Options {
        crate_name: "github-rest".into(),
        spec_label: "api.github.com.json".into(),
        runtime: apigen::RuntimeSource::workspace(&out),
        responses: lenient.then_some(apigen::profile::Responses::Lenient),
        ..Default::default()
    };
    let started = Instant::now();
    let files = apigen::generate(&spec, &options).map_err(|e| e.to_string())?;
    let generated_in = started.elapsed();
    apigen::write::write(&out, &files).map_err(|e| e.to_string())?;
    eprintln!(
        "{PACKAGE}: {} files in {} ({:.1} s)",
        files.len(),
        out.display(),
        generated_in.as_secs_f64()
    );
    let loaded = apigen::load::load(&spec).map_err(|e| e.to_string())?;
    let ir = apigen::build_ir(&loaded, &options).map_err(|e| e.to_string())?;
    let login = match ir.types.get("SimpleUser") {
        Some(TypeDef::Struct(s)) => s.fields.iter().find(|f| f.json_name == "login").cloned(),
        _ => None,
    }
    .ok_or("SimpleUser.login not found")?;
    let ty = if login.optional {
        "Option<String>"
    } else {
        "String"
    };
    println!("SimpleUser.login: {ty}");
    let counts = members(&ir);
    println!(
        "{} structs decoded from responses; their members: {} plain, {} Option (of which {} required by the spec)",
        counts.3, counts.0, counts.1, counts.2
    );
    Ok(if login.optional == lenient {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// (plain, `Option`, `Option` though required) members of the structs decoded from responses, and
/// how many such structs there are.
fn members(ir: &apigen::ir::model::Api) -> (usize, usize, usize, usize) {
    use apigen::ir::model::Presence;
    let mut counts = (0, 0, 0, 0);
    for def in ir.types.values() {
        let TypeDef::Struct(s) = def else { continue };
        if !s.usage.response {
            continue;
        }
        counts.3 += 1;
        for f in s.fields.iter().filter(|f| !f.flatten) {
            if !f.optional {
                counts.0 += 1;
            } else {
                counts.1 += 1;
                if f.presence != Presence::Optional {
                    counts.2 += 1;
                }
            }
        }
    }
    counts
}

/// GitHub's REST description in `dir` (fetched and unpacked first when missing).
pub fn document(dir: &Path) -> Result<PathBuf, String> {
    crate::npm::document(PACKAGE, dir, DOCUMENT)
}
