//! The project's command line, a thin layer over the `apigen` generator library:
//! `cargo xtask codegen [--spec PATH] [--out DIR] [--check] [--dry-run] [GENERATION OPTIONS]` (the
//! `apigen generate` code with this repository's defaults; `cargo xtask codegen --help`),
//! `cargo xtask spec extract|diff|equivalent ...` (the `apigen-spec-tools` crate), and
//! `cargo xtask bench [--quick] [--full-api PATH] [--only LIST]` (fetches GitHub's REST document
//! for its GitHub rows, like `cargo xtask github`)
//! `cargo xtask corpus DIR [--sample N --seed S] [--compile K] [--jobs J]` (see `corpus`)
//! `cargo xtask webhooks [--cache DIR] [--full]` (GitHub's webhooks generated, compiled, decoded)
//! `cargo xtask github [--cache DIR] [--out DIR] [--lenient-responses]` (see `github`)
//! `cargo xtask vendors [github|stripe|slack|all] [--full] [--jobs J]` (see `vendors`)

mod conformance;
mod corpus;
mod crate_build;
mod github;
mod instance;
mod npm;
mod vendors;
mod webhooks;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser};

use apigen_cli::{GenerationArgs, Mode};

/// The project's command line.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask")]
enum Xtask {
    /// Regenerate generated/ from spec/ (this repository's defaults; `apigen generate` is the same
    /// code for any document)
    Codegen(Codegen),
    /// Maintain spec/: extract from upstream, diff by impact, check equivalence
    #[command(subcommand)]
    Spec(apigen_spec_tools::cli::SpecCommand),
    /// Every benchmark against its baseline (`cargo xtask bench --help`)
    Bench(Passed),
    /// The generator on APIs.guru's documents (`cargo xtask corpus --help`)
    Corpus(Passed),
    /// GitHub's webhooks generated, compiled and decoded (`cargo xtask webhooks --help`)
    Webhooks(Passed),
    /// GitHub's REST API through the generic profile (`cargo xtask github --help`)
    Github(Passed),
    /// The vendor profiles (GitHub, Stripe, Slack) on their real documents (`cargo xtask vendors --help`)
    Vendors(Passed),
    /// Wire conformance of generated clients against Prism (`cargo xtask conformance --help`)
    Conformance(Passed),
}

/// Arguments a command parses itself (`--help` included).
#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
struct Passed {
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    args: Vec<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Defaults here: --spec spec/ (with --spec-assets), --out generated/, --crate-name \
                  atlas-backup-exports, --runtime path:crates/runtime; files say `cargo xtask codegen` made them."
)]
struct Codegen {
    /// Spec file or directory holding openapi.yaml [default: spec/, with its assets]
    #[arg(long, value_name = "PATH")]
    spec: Option<PathBuf>,
    /// Output crate directory [default: generated/]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Write nothing; exit 1 naming each stale file
    #[arg(long, conflicts_with = "dry_run")]
    check: bool,
    /// Generate in memory, write nothing (used by `cargo xtask corpus`)
    #[arg(long)]
    dry_run: bool,
    #[command(flatten)]
    generation: GenerationArgs,
}

fn main() -> ExitCode {
    match run(Xtask::parse()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(command: Xtask) -> Result<ExitCode, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let root = root.canonicalize().unwrap_or(root);
    match command {
        Xtask::Codegen(args) => codegen(&args, &root),
        Xtask::Spec(command) => apigen_spec_tools::cli::run(&command).map(ExitCode::from),
        Xtask::Bench(passed) => bench(&passed.args),
        Xtask::Corpus(passed) => corpus::run(&passed.args, &root),
        Xtask::Webhooks(passed) => webhooks::run(&passed.args, &root),
        Xtask::Github(passed) => github::run(&passed.args, &root),
        Xtask::Vendors(passed) => vendors::run(&passed.args, &root),
        Xtask::Conformance(passed) => conformance::run(&passed.args, &root),
    }
}

/// `apigen generate` with this repository's defaults: paths from the workspace root whatever the
/// current directory, spec/ with its assets, the crate name, the runtime by path, and files that
/// say `cargo xtask codegen` made them.
fn codegen(args: &Codegen, root: &std::path::Path) -> Result<ExitCode, String> {
    let spec = args.spec.clone().unwrap_or_else(|| root.join("spec"));
    let out = args.out.clone().unwrap_or_else(|| root.join("generated"));
    let label = apigen::load::spec_file(&spec)
        .ok()
        .and_then(|file| file.file_name().map(|f| f.to_string_lossy().into_owned()))
        .map(|name| format!("spec/{name}"))
        .unwrap_or_default();
    let generator = apigen::Generator::new(&spec)
        .crate_name("atlas-backup-exports")
        .spec_label(label)
        .provenance(apigen::format::Provenance::default())
        .runtime(apigen::RuntimeSource::workspace(&out))
        // This repository's spec/ opts in to its assets; any other document only with --spec-assets.
        .spec_assets(args.spec.is_none());
    let generator = apigen_cli::apply(generator, &args.generation, &out)?;
    let mode = match (args.check, args.dry_run) {
        (true, _) => Mode::Check,
        (_, true) => Mode::DryRun,
        _ => Mode::Write,
    };
    apigen_cli::generate(&generator, &out, mode, "run `cargo xtask codegen`")
}

/// `cargo xtask bench ARGS`: the benchmarks are a release build of the `atlas-bench` package.
fn bench(args: &[String]) -> Result<ExitCode, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command
        .current_dir(&root)
        .args(["run", "--release", "-j", "2", "-p", "atlas-bench", "--"])
        .args(args);
    // GitHub's REST document for the GitHub rows, fetched with npm into its cache when missing; a
    // failed fetch (offline) leaves those rows n/a rather than failing every benchmark.
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1));
    if only.is_none_or(|list| list.split(',').any(|s| s.trim() == "github")) {
        match github::document(&npm::cache_dir(github::CACHE)) {
            Ok(path) => {
                command.env("APIGEN_GITHUB_DOC", path);
            }
            Err(e) => eprintln!("warning: {e}: the GitHub rows will say n/a"),
        }
    }
    let status = command
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
