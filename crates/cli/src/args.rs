//! The command line, declared with clap: `apigen generate | check | explain | spec`.
//!
//! [`GenerationArgs`] (what shapes the crate) is shared with `cargo xtask codegen`, which adds this
//! repository's defaults.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use apigen::profile::{Features, Responses};
use apigen_spec_tools::cli::SpecCommand;

const EXAMPLES: &str = "\
Examples:
  apigen generate petstore.yaml --out petstore-client
      a crate named petstore-client; apigen-runtime from crates.io at the exact version
  apigen generate api/openapi.json --out clients/pets --crate-name pets --runtime path:../apigen/crates/runtime
      the runtime from a checkout (the path is taken from the current directory)
  apigen check petstore.yaml --out petstore-client
      in CI: exit 1, listing them, when generated files are stale (use the flags you generate with)
  apigen explain petstore.yaml
      each operation's method, pagination, credentials and fallbacks; nothing is written
  apigen spec diff old.yaml new.yaml
      breaking, additive and non-API changes; exit 1 on a breaking one

Exit status: 0 success, 1 stale (check) or breaking (spec diff), 2 an error (usage, reading or
generating). The guide: docs/generator.md in the apigen repository.";

/// apigen: OpenAPI 3.0 / 3.1 and Swagger 2.0 documents in, typed async Rust client crates out.
#[derive(Debug, Parser)]
#[command(name = "apigen", version, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate a client crate into a directory (changed files only; files it no longer
    /// generates are removed)
    Generate(GenerateArgs),
    /// Write nothing; exit 1, listing them, when the directory's files differ from what the
    /// document generates now
    Check(GenerateArgs),
    /// What each operation becomes: method names, return type, pagination, credentials, fallbacks
    Explain(ExplainArgs),
    /// Maintain a checked-in document: extract a subset, diff two versions by impact, check
    /// equivalence
    #[command(subcommand)]
    Spec(SpecCommand),
}

/// `generate` and `check`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// The OpenAPI document (YAML or JSON), or a directory holding openapi.yaml
    pub spec: PathBuf,
    /// The crate's directory
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    #[command(flatten)]
    pub generation: GenerationArgs,
}

/// `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The OpenAPI document (YAML or JSON), or a directory holding openapi.yaml
    pub spec: PathBuf,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

/// What shapes the generated crate (each absent one takes the front end's default).
#[derive(Debug, Clone, Default, Args)]
pub struct GenerationArgs {
    /// Package name of the generated crate [default: the --out directory's name]
    #[arg(long, value_name = "NAME")]
    pub crate_name: Option<String>,
    /// Package version of the generated crate [default: 0.1.0]
    #[arg(long, value_name = "VERSION")]
    pub crate_version: Option<String>,
    #[arg(long, value_name = "SOURCE", help = runtime_help())]
    pub runtime: Option<String>,
    /// Also read crate-docs.md (README and crate docs, doctests included) and examples/ beside the
    /// document: code the crate compiles and runs, so only for a directory you trust; never
    /// followed through symbolic links
    #[arg(long)]
    pub spec_assets: bool,
    /// One cargo feature per operation tag, all on by default: a user who turns the defaults off
    /// compiles only the tags they enable [default: the profile's; GitHub: on]
    #[arg(long, conflicts_with = "no_features_per_tag")]
    pub features_per_tag: bool,
    /// Every operation always compiled, no feature per tag
    #[arg(long)]
    pub no_features_per_tag: bool,
    #[command(flatten)]
    pub profile: ProfileArgs,
}

impl GenerationArgs {
    /// The feature split asked for, if any.
    pub fn features(&self) -> Option<Features> {
        if self.features_per_tag {
            Some(Features::PerTag)
        } else if self.no_features_per_tag {
            Some(Features::Off)
        } else {
            None
        }
    }
}

/// Vendor conventions and response strictness (shared by `generate`, `check` and `explain`).
#[derive(Debug, Clone, Default, Args)]
pub struct ProfileArgs {
    #[arg(long, value_name = "NAME", help = profile_help())]
    pub profile: Option<String>,
    /// Required response members are plain fields; a body missing one (or with null where the
    /// spec allows none) is a decode error naming its path
    #[arg(long, conflicts_with = "lenient_responses")]
    pub strict_responses: bool,
    /// Every member of a response type is an Option, null is None [default: the document's
    /// `x-apigen: {responses: ..}`, else the profile's]
    #[arg(long)]
    pub lenient_responses: bool,
}

fn runtime_help() -> String {
    format!(
        "How the crate depends on apigen-runtime: `version:REQ` (crates.io), `path:DIR` (a \
         checkout; DIR from the current directory) or `git:URL`; path and git keep the exact \
         version the code is written against [default: version:={}]",
        apigen::RUNTIME_VERSION
    )
}

fn profile_help() -> String {
    format!(
        "Vendor conventions: {} [default: what the document declares in info.x-apigen-profile, \
         or the profile that recognises it, else generic]",
        apigen::profile::Profile::NAMES
    )
}

impl ProfileArgs {
    /// The strictness asked for, if any.
    pub fn responses(&self) -> Option<Responses> {
        if self.strict_responses {
            Some(Responses::Strict)
        } else if self.lenient_responses {
            Some(Responses::Lenient)
        } else {
            None
        }
    }
}
