//! What the commands do, on top of [`apigen::Generator`]: the same code behind `apigen` and
//! `cargo xtask codegen` (which only sets this repository's defaults).

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use apigen::{Generator, RuntimeSource};

use crate::args::{Cli, Command, ExplainArgs, GenerateArgs, GenerationArgs};

/// What a stale `apigen check` asks for.
const REGENERATE: &str = "run `apigen generate` with the same arguments";

/// Runs a parsed command line: the exit status, or a message (exit status 2).
pub fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Generate(args) => {
            let generator = cli_generator(&args)?;
            generate(&generator, &args.out, Mode::Write, REGENERATE)
        }
        Command::Check(args) => {
            let generator = cli_generator(&args)?;
            generate(&generator, &args.out, Mode::Check, REGENERATE)
        }
        Command::Explain(args) => explain(&args),
        Command::Spec(command) => apigen_spec_tools::cli::run(&command).map(ExitCode::from),
    }
}

/// The generator `apigen generate|check` uses: [`Generator`]'s defaults for another project, the
/// crate named after its directory unless `--crate-name` says otherwise.
fn cli_generator(args: &GenerateArgs) -> Result<Generator, String> {
    let mut generator = Generator::new(&args.spec);
    if args.generation.crate_name.is_none() {
        let name = args
            .out
            .canonicalize()
            .unwrap_or_else(|_| args.out.clone())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or("--out names no directory; give --crate-name")?;
        if !apigen::assets::is_plain_name(&name) {
            return Err(format!(
                "the --out directory's name `{name}` is not a crate name; give --crate-name"
            ));
        }
        generator = generator.crate_name(name);
    }
    apply(generator, &args.generation, &args.out)
}

/// `args` applied to `generator`: only what was given, so each front end keeps its defaults.
pub fn apply(
    mut generator: Generator,
    args: &GenerationArgs,
    out: &Path,
) -> Result<Generator, String> {
    if let Some(name) = &args.crate_name {
        generator = generator.crate_name(name);
    }
    if let Some(version) = &args.crate_version {
        generator = generator.crate_version(version);
    }
    if let Some(runtime) = &args.runtime {
        generator = generator.runtime(runtime_source(runtime, out)?);
    }
    if args.spec_assets {
        generator = generator.spec_assets(true);
    }
    if let Some(profile) = &args.profile.profile {
        generator = generator.profile(profile);
    }
    if let Some(responses) = args.profile.responses() {
        generator = generator.responses(responses);
    }
    if let Some(features) = args.features() {
        generator = generator.features(features);
    }
    Ok(generator)
}

/// `--runtime`: a relative `path:DIR` is taken from the current directory and written relative to
/// the crate's directory (`out`), so the crate builds from wherever it is.
fn runtime_source(text: &str, out: &Path) -> Result<RuntimeSource, String> {
    let source = RuntimeSource::parse(text).map_err(|e| format!("--runtime {e}"))?;
    let RuntimeSource::Path(dir) = &source else {
        return Ok(source);
    };
    let dir = Path::new(dir);
    if !dir.join("Cargo.toml").is_file() {
        return Err(format!(
            "--runtime path:{}: no Cargo.toml there (the apigen-runtime crate's directory, e.g. crates/runtime of an apigen checkout)",
            dir.display()
        ));
    }
    if dir.is_absolute() {
        return Ok(source);
    }
    apigen::relative_path(out, dir)
        .map(RuntimeSource::Path)
        .ok_or_else(|| format!("--runtime path:{}: cannot be resolved", dir.display()))
}

/// What `generate` does with the files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write changed files, remove ones no longer generated.
    Write,
    /// Write nothing; exit 1 listing the stale files.
    Check,
    /// Generate in memory only (`cargo xtask corpus` measures this).
    DryRun,
}

/// Generates, then writes, checks or drops the files; `advice` is what a stale check tells the
/// user to do. Progress goes to stderr.
pub fn generate(
    generator: &Generator,
    out: &Path,
    mode: Mode,
    advice: &str,
) -> Result<ExitCode, String> {
    let started = Instant::now();
    let generated = generator.generate().map_err(|e| e.to_string())?;
    let files = generated.files();
    let ms = started.elapsed().as_secs_f64() * 1e3;
    match mode {
        Mode::DryRun => {
            eprintln!(
                "generated {} files in memory (--dry-run) in {ms:.1} ms",
                files.len()
            );
        }
        Mode::Check => {
            let stale = generated.stale(out).map_err(|e| e.to_string())?;
            if !stale.is_empty() {
                eprintln!("{} is stale; {advice}:", out.display());
                for file in stale {
                    eprintln!("  {file}");
                }
                return Ok(ExitCode::FAILURE);
            }
            eprintln!(
                "{} is up to date ({} files, generated in {ms:.1} ms)",
                out.display(),
                files.len()
            );
        }
        Mode::Write => {
            let written = generated.write(out).map_err(|e| e.to_string())?;
            eprintln!(
                "generated {} files into {} ({written} changed) in {ms:.1} ms",
                files.len(),
                out.display()
            );
            // Constructs typed more loosely than the spec describes are listed: say so.
            if let Some(text) = generated.fallbacks() {
                let count = text.lines().filter(|l| l.starts_with("| `")).count();
                eprintln!(
                    "{count} construct(s) represented by a fallback type, listed in {}",
                    out.join("FALLBACKS.md").display()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn explain(args: &ExplainArgs) -> Result<ExitCode, String> {
    let mut generator = Generator::new(&args.spec);
    if let Some(profile) = &args.profile.profile {
        generator = generator.profile(profile);
    }
    if let Some(responses) = args.profile.responses() {
        generator = generator.responses(responses);
    }
    let options = generator.options().map_err(|e| e.to_string())?;
    let explanation = apigen::explain::explain(&args.spec, &options).map_err(|e| e.to_string())?;
    print!("{}", explanation.render());
    Ok(ExitCode::SUCCESS)
}
