//! What a user does, outside this workspace: in a temporary directory, the `apigen` binary
//! generates a crate for a small document, against the runtime by path; the user's own crate
//! depends on it, and its test calls the API through the generated client on the generated mock
//! server. Built with cargo in the workspace's target directory (dependencies already built there
//! are reused) and its lock file (offline, the same versions).

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The user's crate: code that calls the API, and a test of it against the mock server.
const APP_MANIFEST: &str = r#"[package]
name = "pet-app"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
petstore = { path = "../petstore" }

[dev-dependencies]
petstore = { path = "../petstore", features = ["mock"] }
tokio = { version = "1", features = ["macros", "rt-multi-thread"] }
"#;

const APP_LIB: &str = r#"//! The user's code.

/// The names of the pets a shop lists, at most `limit`.
pub async fn pet_names(client: &petstore::Client, limit: i32) -> Result<Vec<String>, petstore::Error> {
    let pets = client.list_pets().limit(limit).send().await?;
    Ok(pets.into_iter().map(|pet| pet.name).collect())
}
"#;

const APP_TEST: &str = r#"use petstore::mock::MockServer;
use petstore::types::Pet;

#[tokio::test]
async fn pet_names_come_from_the_api() {
    let server = MockServer::start().await;
    let born = "2020-01-02T03:04:05Z".parse().expect("a date-time");
    let list = server
        .on_list_pets()
        .respond(vec![Pet::new(1, "Rex", born), Pet::new(2, "Tom", born)])
        .times(1);
    let client = server.client_builder().api_key("k-123").build().expect("client");
    let names = pet_app::pet_names(&client, 2).await.expect("names");
    assert_eq!(names, ["Rex", "Tom"]);
    let call = &list.calls()[0];
    assert_eq!(call.query_value("limit"), Some("2"));
    assert_eq!(call.header("x-api-key"), Some("k-123"));
    println!("OUT-OF-TREE CALL OK");
}
"#;

#[test]
fn a_crate_generated_outside_the_workspace_builds_and_calls_its_mock() {
    let root = workspace();
    let dir = std::env::temp_dir().join(format!("apigen-out-of-tree-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("app/src")).expect("scratch dir");
    std::fs::create_dir_all(dir.join("app/tests")).expect("scratch dir");
    let dir = dir.canonicalize().expect("scratch dir");
    assert!(
        !dir.starts_with(&root),
        "{} must be outside the workspace",
        dir.display()
    );
    std::fs::copy(
        root.join("examples/build-rs/petstore.yaml"),
        dir.join("petstore.yaml"),
    )
    .expect("document copied");

    let runtime = root.join("crates/runtime");
    let generate = Command::new(env!("CARGO_BIN_EXE_apigen"))
        .current_dir(&dir)
        .args([
            "generate",
            "petstore.yaml",
            "--out",
            "petstore",
            "--runtime",
        ])
        .arg(format!("path:{}", runtime.display()))
        .output()
        .expect("apigen runs");
    assert!(
        generate.status.success(),
        "apigen generate failed:\n{}",
        String::from_utf8_lossy(&generate.stderr)
    );

    std::fs::write(dir.join("app/Cargo.toml"), APP_MANIFEST).expect("app manifest");
    std::fs::write(dir.join("app/src/lib.rs"), APP_LIB).expect("app code");
    std::fs::write(dir.join("app/tests/call.rs"), APP_TEST).expect("app test");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"petstore\", \"app\"]\n",
    )
    .expect("workspace manifest");
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).expect("lock file");

    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let test = Command::new(cargo)
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", &target)
        .args(["test", "--workspace", "--offline", "--", "--nocapture"])
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert!(
        test.status.success(),
        "the generated crate or the user's test failed in {}:\n{stdout}\n{}",
        dir.display(),
        String::from_utf8_lossy(&test.stderr)
    );
    assert!(
        stdout.contains("OUT-OF-TREE CALL OK"),
        "the call did not run:\n{stdout}"
    );
    std::fs::remove_dir_all(&dir).expect("scratch removed");
}
