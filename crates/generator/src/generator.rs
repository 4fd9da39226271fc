//! The library API other projects call: [`Generator`] builds the options, [`Generated`] is a crate's
//! files, [`Module`] one source file for `include!` from a build script.

use std::path::{Path, PathBuf};

use crate::error::{GenError, Result};
use crate::format::Provenance;
use crate::{assets, load, module, profile, Layout, Options, RuntimeSource};

/// Generates a client crate, or a module of your crate, from an OpenAPI document.
///
/// Defaults for another project: the crate is named after the document's file (`petstore.yaml`:
/// `petstore`), depends on `apigen-runtime` from the registry at the exact version the code is
/// written against, gets the profile the document declares or that recognises it, and nothing
/// beside the document is read ([`Generator::spec_assets`]).
///
/// ```no_run
/// // A crate in `petstore-client/` (what `apigen generate` does):
/// let generated = apigen::Generator::new("petstore.yaml")
///     .crate_name("petstore-client")
///     .profile("generic")
///     .generate()?;
/// generated.write(std::path::Path::new("petstore-client"))?;
/// # Ok::<(), apigen::GenError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Generator {
    spec: PathBuf,
    options: Options,
    crate_name_set: bool,
    provenance_set: bool,
    module_path: Option<String>,
}

impl Generator {
    /// A generator for the document at `spec` (a YAML or JSON file, or a directory holding
    /// `openapi.yaml`), read when [`Generator::generate`] runs.
    pub fn new(spec: impl Into<PathBuf>) -> Self {
        Self {
            spec: spec.into(),
            options: Options {
                spec_label: String::new(),
                provenance: Provenance {
                    command: "apigen generate".into(),
                    advice: "change the OpenAPI document and regenerate".into(),
                },
                ..Options::default()
            },
            crate_name_set: false,
            provenance_set: false,
            module_path: None,
        }
    }

    /// Package name of the generated crate (default: from the document's file name).
    pub fn crate_name(mut self, name: impl Into<String>) -> Self {
        self.options.crate_name = name.into();
        self.crate_name_set = true;
        self
    }

    /// Package version of the generated crate (default `0.1.0`).
    pub fn crate_version(mut self, version: impl Into<String>) -> Self {
        self.options.crate_version = version.into();
        self
    }

    /// Vendor conventions by name (`generic`, `atlas`, ...; [`profile::Profile::NAMES`]); by default
    /// the one the document declares (`info.x-apigen-profile`) or that recognises it.
    pub fn profile(mut self, name: impl Into<String>) -> Self {
        self.options.profile = Some(name.into());
        self
    }

    /// How strictly response types follow the spec's `required` and `nullable` (default: the
    /// document's `x-apigen: {responses: ..}`, else the profile's).
    pub fn responses(mut self, responses: profile::Responses) -> Self {
        self.options.responses = Some(responses);
        self
    }

    /// One cargo feature per operation tag, or none, instead of the profile's choice.
    pub fn features(mut self, features: profile::Features) -> Self {
        self.options.features = Some(features);
        self
    }

    /// Also read `crate-docs.md` and `examples/` beside the document (crate layout only): code the
    /// generated crate compiles and runs, so only for a directory you trust. Off by default.
    pub fn spec_assets(mut self, read: bool) -> Self {
        self.options.spec_assets = read;
        self
    }

    /// Where the generated `Cargo.toml` finds `apigen-runtime` (default: the registry).
    pub fn runtime(mut self, runtime: RuntimeSource) -> Self {
        self.options.runtime = runtime;
        self
    }

    /// How the generated files name the document (default: its file name).
    pub fn spec_label(mut self, label: impl Into<String>) -> Self {
        self.options.spec_label = label.into();
        self
    }

    /// What the generated files say made them (default: `apigen generate`).
    pub fn provenance(mut self, provenance: Provenance) -> Self {
        self.options.provenance = provenance;
        self.provenance_set = true;
        self
    }

    /// Where [`Generator::generate_module`]'s file is included: `crate::petstore` (the default,
    /// after the crate name) means `include!` at your crate's root, which declares `pub mod
    /// petstore`; `crate::apis::petstore` means inside your module `apis`.
    pub fn module_path(mut self, path: impl Into<String>) -> Self {
        self.module_path = Some(path.into());
        self
    }

    /// The options a generation uses (the crate name derived from the file name when not set).
    pub fn options(&self) -> Result<Options> {
        let mut options = self.options.clone();
        let file = load::spec_file(&self.spec)?;
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if options.spec_label.is_empty() {
            options.spec_label = name;
        }
        if !self.crate_name_set {
            options.crate_name = crate_name_from(&file);
        }
        Ok(options)
    }

    /// The files of the crate: `(path relative to its directory, contents)`, sorted by path.
    pub fn generate(&self) -> Result<Generated> {
        let options = self.options()?;
        let files = crate::generate(&self.spec, &options)?;
        let spec = load::spec_file(&self.spec)?;
        let mut inputs = vec![spec.clone()];
        if let (true, Some(dir)) = (options.spec_assets, spec.parent()) {
            inputs.extend(assets::paths(dir)?);
        }
        Ok(Generated { files, inputs })
    }

    /// One Rust source file declaring the API as a module of your crate, for `include!` from a
    /// build script (see [`Module`]). Spec assets are not read: a module has no README or examples.
    pub fn generate_module(&self) -> Result<Module> {
        let mut options = self.options()?;
        options.layout = Layout::Module;
        options.spec_assets = false;
        if !self.provenance_set {
            options.provenance = Provenance {
                command: "apigen::Generator::generate_module".into(),
                advice: "change the OpenAPI document; the build regenerates it".into(),
            };
        }
        let path = match &self.module_path {
            Some(path) => path.clone(),
            None => format!("crate::{}", options.crate_name.replace('-', "_")),
        };
        let files = crate::generate(&self.spec, &options)?;
        let text = module::assemble(&files, &path, &options.provenance.rust_header())?;
        let fallbacks = files
            .into_iter()
            .find(|(path, _)| path == "FALLBACKS.md")
            .map(|(_, text)| text);
        Ok(Module {
            text,
            path,
            inputs: vec![load::spec_file(&self.spec)?],
            fallbacks,
        })
    }
}

/// A crate name from a document's file name: `petstore.yaml` -> `petstore`, `api.github.com.json`
/// -> `api-github-com` (checked as any crate name when generating).
fn crate_name_from(file: &Path) -> String {
    let stem = file
        .file_stem()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let name: String = stem
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '_' | '-' => c,
            _ => '-',
        })
        .collect();
    name.trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned()
}

/// The files of a generated crate and what they were made from.
#[derive(Debug, Clone)]
pub struct Generated {
    files: Vec<(String, String)>,
    inputs: Vec<PathBuf>,
}

impl Generated {
    /// `(path relative to the crate directory, contents)`, sorted by path.
    pub fn files(&self) -> &[(String, String)] {
        &self.files
    }

    /// The files, owned.
    pub fn into_files(self) -> Vec<(String, String)> {
        self.files
    }

    /// The files read: the document, plus the spec assets that exist when they were asked for.
    pub fn inputs(&self) -> &[PathBuf] {
        &self.inputs
    }

    /// `FALLBACKS.md`: the constructs given a looser type than the spec describes, if any.
    pub fn fallbacks(&self) -> Option<&str> {
        self.files
            .iter()
            .find(|(path, _)| path == "FALLBACKS.md")
            .map(|(_, text)| text.as_str())
    }

    /// Writes the crate into `dir`: changed files only (unchanged ones keep their times, so cargo
    /// does not rebuild), and files no longer generated are removed. Returns how many were written.
    pub fn write(&self, dir: &Path) -> Result<usize> {
        crate::write::write(dir, &self.files)
    }

    /// The files of `dir` that differ from these, are missing, or are no longer generated (what
    /// `apigen check` lists); empty when `dir` is up to date.
    pub fn stale(&self, dir: &Path) -> Result<Vec<String>> {
        crate::write::stale(dir, &self.files)
    }

    /// Prints `cargo:rerun-if-changed` for every input (in a build script).
    pub fn rerun_if_changed(&self) {
        rerun_if_changed(&self.inputs);
    }
}

/// The API as one module of your crate: a source file declaring `pub mod <name> { .. }` with every
/// type, operation and (feature `mock`) the mock server inside, its `crate::` paths pointing
/// into the module. Written by a build script and included where [`Generator::module_path`] says:
///
/// ```no_run
/// // The body of build.rs' `main` (with `apigen` in [build-dependencies]):
/// apigen::Generator::new("petstore.yaml")
///     .generate_module()
///     .and_then(|module| module.write_to_out_dir("petstore.rs"))
///     .unwrap_or_else(|e| panic!("{e}"));
/// ```
///
/// and in `src/lib.rs`: `include!(concat!(env!("OUT_DIR"), "/petstore.rs"));`. Your crate
/// declares what the code needs (`apigen-runtime`, `serde`, `serde_json`, `bytes`, and `chrono` /
/// `uuid` when the document uses them) and a feature `mock = ["apigen-runtime/mock"]`.
#[derive(Debug, Clone)]
pub struct Module {
    text: String,
    path: String,
    inputs: Vec<PathBuf>,
    fallbacks: Option<String>,
}

impl Module {
    /// The source text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Where it is meant to be included (`crate::petstore`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The files read: the document.
    pub fn inputs(&self) -> &[PathBuf] {
        &self.inputs
    }

    /// What `FALLBACKS.md` would list for this document, if anything.
    pub fn fallbacks(&self) -> Option<&str> {
        self.fallbacks.as_deref()
    }

    /// Writes the source to `path` unless it already holds it (so cargo does not rebuild);
    /// returns whether it wrote.
    pub fn write(&self, path: &Path) -> Result<bool> {
        if std::fs::read_to_string(path).is_ok_and(|old| old == self.text) {
            return Ok(false);
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| GenError::new(dir.display().to_string(), e.to_string()))?;
        }
        std::fs::write(path, &self.text)
            .map_err(|e| GenError::new(path.display().to_string(), e.to_string()))?;
        Ok(true)
    }

    /// In a build script: writes the source to `$OUT_DIR/<file_name>` and prints
    /// `cargo:rerun-if-changed` for the document. Returns the path written.
    pub fn write_to_out_dir(&self, file_name: &str) -> Result<PathBuf> {
        let dir = std::env::var_os("OUT_DIR").ok_or_else(|| {
            GenError::new(
                file_name,
                "OUT_DIR is not set: write_to_out_dir runs in a build script (or use Module::write)",
            )
        })?;
        let path = PathBuf::from(dir).join(file_name);
        self.write(&path)?;
        rerun_if_changed(&self.inputs);
        Ok(path)
    }

    /// Prints `cargo:rerun-if-changed` for every input (in a build script).
    pub fn rerun_if_changed(&self) {
        rerun_if_changed(&self.inputs);
    }
}

fn rerun_if_changed(inputs: &[PathBuf]) {
    for input in inputs {
        println!("cargo:rerun-if-changed={}", input.display());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crate_names_from_file_names() {
        assert_eq!(
            crate_name_from(Path::new("specs/petstore.yaml")),
            "petstore"
        );
        assert_eq!(
            crate_name_from(Path::new("api.github.com.json")),
            "api-github-com"
        );
        assert_eq!(crate_name_from(Path::new("_My API_.yml")), "my-api");
    }

    fn spec_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec")
    }

    #[test]
    fn inputs_are_the_document_and_only_the_assets_asked_for() {
        let spec = spec_dir();
        let plain = Generator::new(&spec).generate().expect("spec/ generates");
        assert_eq!(plain.inputs(), [spec.join("openapi.yaml")]);
        assert!(!plain.files().iter().any(|(p, _)| p == "README.md"));
        let with_assets = Generator::new(&spec)
            .spec_assets(true)
            .generate()
            .expect("spec/ generates");
        assert_eq!(
            with_assets.inputs(),
            [
                spec.join("openapi.yaml"),
                spec.join("crate-docs.md"),
                spec.join("examples")
            ]
        );
        assert!(with_assets.files().iter().any(|(p, _)| p == "README.md"));
        // A module reads no asset, whatever was asked.
        let module = Generator::new(&spec)
            .spec_assets(true)
            .generate_module()
            .expect("module");
        assert_eq!(module.inputs(), [spec.join("openapi.yaml")]);
    }

    #[test]
    fn defaults_for_another_project() {
        let generated = Generator::new(spec_dir())
            .generate()
            .expect("spec/ generates");
        let file = |name: &str| {
            generated
                .files()
                .iter()
                .find(|(p, _)| p == name)
                .map(|(_, text)| text.clone())
                .expect(name)
        };
        let manifest = file("Cargo.toml");
        assert!(manifest.contains("name = \"openapi\""), "{manifest}");
        let registry = format!(
            "apigen-runtime = {{ version = \"={}\"",
            crate::RUNTIME_VERSION
        );
        assert!(manifest.contains(&registry), "{manifest}");
        assert!(file("src/lib.rs").starts_with("// @generated by `apigen generate`."));
        assert!(file("src/lib.rs").contains("from `openapi.yaml`"));
    }

    #[test]
    fn a_module_declares_itself_where_it_is_included() {
        let module = Generator::new(spec_dir())
            .crate_name("atlas")
            .generate_module()
            .expect("module");
        assert_eq!(module.path(), "crate::atlas");
        let text = module.text();
        assert!(text.starts_with("// @generated by `apigen::Generator::generate_module`."));
        assert!(text.contains("\npub mod atlas {\n"), "no wrapper module");
        assert!(
            !text.contains("include_str!"),
            "a module has no README to include"
        );
        assert!(text.contains("crate::atlas::types::"));
        assert!(syn::parse_file(text).is_ok());
        let nested = Generator::new(spec_dir())
            .module_path("crate::apis::atlas")
            .generate_module()
            .expect("module");
        assert!(nested.text().contains("crate::apis::atlas::types::"));
        let bad = Generator::new(spec_dir())
            .module_path("crate::type")
            .generate_module();
        assert!(bad.is_err());
    }

    #[test]
    fn a_modules_doc_examples_name_it_by_path_and_are_not_run() {
        let spec =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/good/webhooks.yaml");
        let module = Generator::new(&spec)
            .module_path("crate::hooks")
            .generate_module()
            .expect("module");
        let text = module.text();
        assert!(
            text.contains("/// ```ignore") || text.contains("//! ```ignore"),
            "{text}"
        );
        assert!(text.contains("use crate::hooks::webhooks::{"), "{text}");
        let krate = Generator::new(&spec)
            .crate_name("hooks")
            .generate()
            .expect("crate");
        let (_, webhooks) = krate
            .files()
            .iter()
            .find(|(p, _)| p == "src/webhooks.rs")
            .expect("webhooks module");
        assert!(webhooks.contains("use hooks::webhooks::{"), "{webhooks}");
        assert!(!webhooks.contains("```ignore"));
    }

    #[test]
    fn writing_out_of_a_build_script_needs_out_dir() {
        let module = Generator::new(spec_dir())
            .generate_module()
            .expect("module");
        // apigen has no build script: cargo sets no OUT_DIR for its tests.
        let err = module.write_to_out_dir("api.rs").expect_err("no OUT_DIR");
        assert!(err.message.contains("OUT_DIR"), "{err}");
        let path = std::env::temp_dir().join(format!("apigen-module-{}.rs", std::process::id()));
        assert_eq!(module.write(&path), Ok(true));
        assert_eq!(
            module.write(&path),
            Ok(false),
            "unchanged text is not rewritten"
        );
        std::fs::remove_file(&path).expect("removed");
    }
}
