//! GitHub's REST crate (written by `github_gen`): its build against the reference crate built just
//! before and after, its peak memory, its cost per operation against the whole-Atlas-API crate's,
//! and what a user pays per edit: `cargo check` of a small program calling three operations after
//! one edit. When the generated manifest has per-tag features (`[features]` with a `default` listing
//! them), the same rows again with only the three operations' tags enabled (issue 26).

use std::path::{Path, PathBuf};

use crate::build_cost::{bracketed_build, cargo, run, Bracketed};
use crate::github_features::{
    compiled_modules, feature_for_tag, operations, read_document, tag_features,
};
use crate::report::{Row, Verdict};
use crate::stats::{kb, median, ratio, secs};

/// Issue 26: the crate build ≤ 10× the reference, peak ≤ 2 GB.
const BUILD_GOAL: f64 = 10.0;
const MEMORY_GOAL_KB: u64 = 2_000_000_000 / 1024;
/// `cargo check` of the user's program after an edit ≤ the reference build (BENCHMARKS.md: why).
const CHECK_GOAL: f64 = 1.0;

/// The three operations the user's program calls: (operationId, the call in the generated crate).
const CALLS: [(&str, &str); 3] = [
    (
        "repos/get",
        "client.repos_get(\"octocat\", \"hello-world\").send().await",
    ),
    (
        "issues/list-for-repo",
        "client.issues_list_for_repo(\"octocat\", \"hello-world\").send().await",
    ),
    (
        "users/get-by-username",
        "client.users_get_by_username(\"octocat\").send().await",
    ),
];

/// The whole-Atlas-API crate's figures for the per-operation comparison.
pub struct FullApi {
    /// Its build over the mean reference (benchmark 6).
    pub ratio: Option<f64>,
    /// Its document, to count operations.
    pub spec: Option<PathBuf>,
}

fn build_row(what: &str, b: &Bracketed) -> Row {
    Row::new(8, what)
        .measured(secs(b.build.seconds))
        .baseline(b.baseline())
        .ratio(b.ratio_text())
        .target(
            format!("≤ {BUILD_GOAL}× the mean reference"),
            Verdict::of(b.ratio() <= BUILD_GOAL),
        )
}

fn memory_row(what: &str, b: &Bracketed) -> Row {
    Row::new(8, what)
        .measured(b.build.peak_kb.map(kb).unwrap_or_default())
        .target(
            "≤ 2 GB",
            Verdict::of(b.build.peak_kb.is_some_and(|k| k <= MEMORY_GOAL_KB)),
        )
}

/// The user's program: a package depending on the GitHub crate (with `dependency` as the rest of its
/// inline table), calling the three operations; `edit` is a constant the edits change.
fn write_user_program(
    dir: &Path,
    crate_dir: &Path,
    dependency: &str,
    edit: u32,
) -> Result<(), String> {
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"github-user\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\ngithub-rest = {{ path = {:?}{dependency} }}\n\n[workspace]\n",
        crate_dir.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    let mut main = format!(
        "//! A user's program: three GitHub operations.\n\n/// Changed by each edit.\npub const EDIT: u32 = {edit};\n\n\
         pub async fn calls(client: &github_rest::Client) -> Result<usize, Box<dyn std::error::Error>> {{\n    let mut n = EDIT as usize;\n"
    );
    for (_, call) in CALLS {
        main.push_str(&format!("    let _answer = {call}?;\n    n += 1;\n"));
    }
    main.push_str("    Ok(n)\n}\n\nfn main() {\n    let _ = calls;\n}\n");
    std::fs::write(dir.join("src/main.rs"), main).map_err(|e| e.to_string())
}

/// `cargo check` of the user's program after `rounds` edits (its dependency checked first, untimed):
/// the median seconds.
fn check_per_edit(
    root: &Path,
    crate_dir: &Path,
    target: &Path,
    dependency: &str,
    label: &str,
    rounds: usize,
) -> Result<f64, String> {
    let dir = root.join(format!("target/bench-github/user-{label}"));
    write_user_program(&dir, crate_dir, dependency, 0)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))
        .map_err(|e| format!("Cargo.lock: {e}"))?;
    let manifest = dir.join("Cargo.toml").to_string_lossy().into_owned();
    let args = [
        "check",
        "--manifest-path",
        &manifest,
        "-j",
        "2",
        "--offline",
    ];
    eprintln!("    GitHub: cargo check of a three-operation program ({label}; dependencies first)");
    run(cargo(root, &args, Some(target)))?;
    let mut samples = Vec::new();
    for edit in 1..=rounds {
        write_user_program(&dir, crate_dir, dependency, edit as u32)?;
        samples.push(run(cargo(root, &args, Some(target)))?.seconds);
    }
    Ok(median(&samples))
}

fn check_row(what: &str, result: Result<f64, String>, base: f64) -> Row {
    let goal = format!("≤ {CHECK_GOAL}× the mean reference build");
    match result {
        Ok(s) => Row::new(8, what)
            .measured(secs(s))
            .baseline(format!("{} (reference build, mean)", secs(base)))
            .ratio(ratio(s / base))
            .target(goal, Verdict::of(s / base <= CHECK_GOAL)),
        Err(e) => Row::new(8, what).na(e).target(goal, Verdict::NotAvailable),
    }
}

/// Per-operation cost: (build / reference) / operations compiled, ours against the whole-Atlas-API
/// crate's.
fn per_operation_row(what: &str, b: &Bracketed, ops: usize, full: &FullApi) -> Row {
    let goal = "≤ 1× (same or lower)";
    let full_ops = full
        .spec
        .as_deref()
        .and_then(|p| read_document(p).ok())
        .map(|d| operations(&d).len());
    match (full.ratio, full_ops) {
        (Some(r), Some(n)) if n > 0 && ops > 0 => {
            let ours = b.ratio() / ops as f64;
            let theirs = r / n as f64;
            Row::new(8, what)
                .measured(format!("{:.5} ({} / {ops} ops)", ours, ratio(b.ratio())))
                .baseline(format!(
                    "{:.5} ({} / {n} ops, whole Atlas API)",
                    theirs,
                    ratio(r)
                ))
                .ratio(ratio(ours / theirs))
                .target(goal, Verdict::of(ours <= theirs))
        }
        _ if ops == 0 => Row::new(8, what)
            .na("no operation counted (document or generated operation index unreadable)")
            .target(goal, Verdict::NotAvailable),
        _ => Row::new(8, what)
            .na("the whole-Atlas-API crate build was not measured in this run (needs `gen,build`)")
            .target(goal, Verdict::NotAvailable),
    }
}

/// The GitHub build rows. `crate_dir` is the generated crate (None when generation failed or the
/// document is missing).
pub fn rows(root: &Path, quick: bool, crate_dir: Option<&Path>, full: &FullApi) -> Vec<Row> {
    let Some(dir) = crate_dir else {
        return vec![Row::new(
            8,
            "GitHub REST crate: build, memory, per operation, check per edit",
        )
        .na("no generated crate (see the generation row)")
        .target(format!("≤ {BUILD_GOAL}×, ≤ 2 GB"), Verdict::NotAvailable)];
    };
    eprintln!("[8] GitHub REST: crate build (dependencies shared with bench-build)");
    let target = root.join("target/bench-build");
    let rounds = if quick { 1 } else { 3 };
    let ops = crate::github_features::document()
        .and_then(|p| read_document(&p).ok())
        .map(|d| operations(&d))
        .unwrap_or_default();
    let mut rows = Vec::new();
    let full_build = match bracketed_build(root, dir, &target, &[]) {
        Ok(b) => b,
        Err(e) => {
            return vec![Row::new(8, "GitHub REST crate: build")
                .na(e)
                .target(format!("≤ {BUILD_GOAL}×"), Verdict::NotAvailable)]
        }
    };
    let base = full_build.base();
    rows.push(build_row(
        &format!(
            "GitHub REST crate ({} operations): crate-only build after dependencies (dev, -j 2)",
            ops.len()
        ),
        &full_build,
    ));
    rows.push(memory_row(
        "GitHub REST crate: peak compiler memory",
        &full_build,
    ));
    rows.push(per_operation_row(
        "GitHub REST crate: build cost per operation (build / reference / operations) against the whole-Atlas-API crate's",
        &full_build,
        ops.len(),
        full,
    ));
    let check = check_per_edit(root, dir, &target, "", "all", rounds);
    rows.push(check_row(
        "GitHub REST: `cargo check` of a program calling 3 operations, after one edit (all features)",
        check,
        base,
    ));
    rows.extend(feature_rows(root, dir, &target, &ops, rounds, base, full));
    rows
}

/// The per-tag feature rows: the build with only the three operations' tags, and check per edit.
fn feature_rows(
    root: &Path,
    dir: &Path,
    target: &Path,
    ops: &[(String, Option<String>)],
    rounds: usize,
    base: f64,
    full: &FullApi,
) -> Vec<Row> {
    let what = "GitHub REST crate, only the 3 operations' tag features (--no-default-features)";
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    let Some(tags) = tag_features(&manifest) else {
        return vec![Row::new(8, what)
            .na("the generated Cargo.toml has no per-tag features (no `default` in `[features]`)")
            .target("build ≤ 10×, ≤ 2 GB, check ≤ 1×", Verdict::NotAvailable)];
    };
    let mut wanted: Vec<&str> = Vec::new();
    for (id, _) in CALLS {
        let tag = ops
            .iter()
            .find(|(op, _)| op == id)
            .and_then(|(_, t)| t.as_deref());
        match tag.and_then(|t| feature_for_tag(&tags, t)) {
            Some(f) if !wanted.contains(&f) => wanted.push(f),
            Some(_) => {}
            None => {
                return vec![Row::new(8, what)
                    .na(format!(
                        "no feature for the tag of `{id}` ({tag:?}) among default's"
                    ))
                    .target("build ≤ 10×, ≤ 2 GB, check ≤ 1×", Verdict::NotAvailable)]
            }
        }
    }
    let list = wanted.join(",");
    let mut rows = Vec::new();
    match bracketed_build(
        root,
        dir,
        target,
        &["--no-default-features", "--features", &list],
    ) {
        Ok(b) => {
            rows.push(build_row(
                &format!(
                    "{what}: `{list}` of the {} features in `default`, build",
                    tags.len()
                ),
                &b,
            ));
            rows.push(memory_row(&format!("{what}: peak compiler memory"), &b));
            // The operations those features compile, read from the generated index's gates.
            let index =
                std::fs::read_to_string(dir.join("src/operations/mod.rs")).unwrap_or_default();
            let (compiled, _) = compiled_modules(&index, &wanted);
            rows.push(per_operation_row(
                &format!("{what}: build cost per operation compiled ({compiled}) against the whole-Atlas-API crate's"),
                &b,
                compiled,
                full,
            ));
        }
        Err(e) => rows.push(Row::new(8, format!("{what}: build")).na(e)),
    }
    let dependency = format!(
        ", default-features = false, features = [{}]",
        wanted
            .iter()
            .map(|f| format!("{f:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let check = check_per_edit(root, dir, target, &dependency, "tags", rounds);
    rows.push(check_row(
        &format!("{what}: `cargo check` after one edit"),
        check,
        base,
    ));
    rows
}
