//! The project's command line, a thin layer over the `apigen` generator library:
//! `cargo xtask codegen [--spec PATH] [--spec-assets] [--out DIR] [--check] [--crate-name NAME] [--profile NAME]
//! [--strict-responses|--lenient-responses]`,
//! `cargo xtask spec extract|diff|equivalent ...` (the `apigen-spec-tools` crate), and
//! `cargo xtask bench [--quick] [--full-api PATH] [--only LIST]`
//! `cargo xtask corpus DIR [--sample N --seed S] [--compile K] [--jobs J]` (see `corpus`)
//! `cargo xtask webhooks [--cache DIR] [--full]` (GitHub's webhooks generated, compiled, decoded)
//! `cargo xtask github [--cache DIR] [--out DIR] [--lenient-responses]` (see `github`)
//! `cargo xtask vendors [github|stripe|slack|all] [--full] [--jobs J]` (see `vendors`)

mod corpus;
mod crate_build;
mod github;
mod instance;
mod npm;
mod vendors;
mod webhooks;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str =
    "usage: cargo xtask codegen [--spec PATH] [--spec-assets] [--out DIR] [--check] [--crate-name NAME] [--profile NAME]
                           [--strict-responses | --lenient-responses]
       cargo xtask bench [--quick] [--full-api PATH] [--only LIST]

  --spec PATH        spec file or directory holding openapi.yaml (default: spec/, with its assets)
  --spec-assets      also read crate-docs.md and examples/ beside the spec (code the generated
                     crate compiles and runs: only for a spec directory you trust; never followed
                     through symbolic links)
  --out DIR          output crate directory (default: generated/)
  --check            write nothing; exit 1 naming each stale file
  --dry-run          generate in memory, write nothing (used by `cargo xtask corpus`)
  --crate-name NAME  package name of the generated crate (default: atlas-backup-exports)
  --profile NAME     vendor conventions: generic (or none), atlas, github, slack, stripe
                     (default: what the document declares in info.x-apigen-profile, or the
                     profile that recognises it)
  --strict-responses   required response members are plain fields; a body missing one (or with
                       null where the spec allows none) is a decode error naming its path
  --lenient-responses  every member of a response type is an Option, null is None
                       (default: the document's x-apigen: {responses: strict|lenient}, else the
                       profile's: generic strict, atlas lenient)

       cargo xtask spec extract|diff|equivalent ...   (cargo xtask spec --help)
       cargo xtask corpus DIR [--sample N --seed S] [--compile K] [--jobs J]   (cargo xtask corpus --help)
       cargo xtask webhooks [--cache DIR] [--full] [--jobs J]   (cargo xtask webhooks --help)
       cargo xtask github [--cache DIR] [--out DIR] [--lenient-responses]   (cargo xtask github --help)
       cargo xtask vendors [github|stripe|slack|all] [--full] [--jobs J]   (cargo xtask vendors --help)

bench: every benchmark against its baseline, as a Markdown table (see BENCHMARKS.md); runs
`cargo run --release -p atlas-bench -- ARGS` (xtask itself stays a debug build)
  --quick            fewer rounds, no clean builds
  --full-api PATH    full Atlas Admin API spec (default: ../shared/upstream/atlas-api-full.transformed.yaml)
  --only LIST        comma-separated subset of: gen, decode, request, digest, pages, build, progenitor";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(USAGE.to_string());
    };
    if command == "spec" {
        return apigen_spec_tools::cli::run(rest).map(ExitCode::from);
    }
    if command == "bench" {
        return bench(rest);
    }
    if command == "github" {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        return github::run(rest, &root.canonicalize().unwrap_or(root));
    }
    if command == "corpus" {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        return corpus::run(rest, &root.canonicalize().unwrap_or(root));
    }
    if command == "vendors" {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        return vendors::run(rest, &root.canonicalize().unwrap_or(root));
    }
    if command == "webhooks" {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        return webhooks::run(rest, &root.canonicalize().unwrap_or(root));
    }
    if command != "codegen" {
        return Err(format!("unknown command `{command}`\n{USAGE}"));
    }
    // Paths default relative to the workspace root, whatever the current directory.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut spec = root.join("spec");
    let mut out = root.join("generated");
    let mut check = false;
    let mut dry_run = false;
    let mut options = apigen::Options::default();
    // This repository's spec/ opts in to its assets; any other document only with --spec-assets.
    let mut spec_given = false;
    let mut it = rest.iter();
    while let Some(arg) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--spec" => {
                spec = PathBuf::from(value()?);
                spec_given = true;
            }
            "--spec-assets" => options.spec_assets = true,
            "--out" => out = PathBuf::from(value()?),
            "--crate-name" => options.crate_name = value()?,
            "--profile" => options.profile = Some(value()?),
            "--strict-responses" => options.responses = Some(apigen::profile::Responses::Strict),
            "--lenient-responses" => options.responses = Some(apigen::profile::Responses::Lenient),
            "--check" => check = true,
            // Generate in memory only (what `cargo xtask corpus` measures): nothing is written.
            "--dry-run" => dry_run = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    options.spec_assets |= !spec_given;
    // The headers name the command that regenerates these files: this one, without `--check`.
    options.regenerate = std::iter::once("cargo xtask codegen")
        .chain(
            rest.iter()
                .map(String::as_str)
                .filter(|a| !matches!(*a, "--check" | "--dry-run")),
        )
        .collect::<Vec<_>>()
        .join(" ");
    if let Ok(file) = apigen::load::spec_file(&spec) {
        options.spec_label = file
            .file_name()
            .map(|f| format!("spec/{}", f.to_string_lossy()))
            .unwrap_or_default();
    }
    options.runtime_path = apigen::workspace_runtime_path(&out);
    let started = Instant::now();
    let files = apigen::generate(&spec, &options).map_err(|e| e.to_string())?;
    let generated_in = started.elapsed();
    if dry_run {
        eprintln!(
            "generated {} files in memory (--dry-run) in {:.1} ms",
            files.len(),
            generated_in.as_secs_f64() * 1e3
        );
        return Ok(ExitCode::SUCCESS);
    }
    if check {
        let stale = apigen::write::stale(&out, &files).map_err(|e| e.to_string())?;
        if stale.is_empty() {
            eprintln!(
                "{} is up to date ({} files, generated in {:.1} ms)",
                out.display(),
                files.len(),
                generated_in.as_secs_f64() * 1e3
            );
            return Ok(ExitCode::SUCCESS);
        }
        eprintln!("{} is stale; run `cargo xtask codegen`:", out.display());
        for file in stale {
            eprintln!("  {file}");
        }
        return Ok(ExitCode::FAILURE);
    }
    let written = apigen::write::write(&out, &files).map_err(|e| e.to_string())?;
    eprintln!(
        "generated {} files into {} ({} changed) in {:.1} ms",
        files.len(),
        out.display(),
        written,
        generated_in.as_secs_f64() * 1e3
    );
    // Constructs typed more loosely than the spec describes are listed in FALLBACKS.md: say so.
    if let Some((path, text)) = files.iter().find(|(path, _)| path == "FALLBACKS.md") {
        let count = text.lines().filter(|l| l.starts_with("| `")).count();
        eprintln!(
            "{count} construct(s) represented by a fallback type, listed in {}",
            out.join(path).display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask bench ARGS`: the benchmarks are a release build of the `atlas-bench` package.
fn bench(args: &[String]) -> Result<ExitCode, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = std::process::Command::new(cargo)
        .current_dir(&root)
        .args(["run", "--release", "-j", "2", "-p", "atlas-bench", "--"])
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(
            status
                .code()
                .and_then(|c| u8::try_from(c).ok())
                .unwrap_or(1),
        )
    })
}
