//! Lists every snapshot export job of a cluster, streaming across pages.
//!
//! ```text
//! MONGODB_ATLAS_PUBLIC_API_KEY=... MONGODB_ATLAS_PRIVATE_API_KEY=... \
//!     cargo run --example list_export_jobs -- <group-id> <cluster-name>
//! ```
//! Service accounts work too (`MONGODB_ATLAS_CLIENT_ID`, `MONGODB_ATLAS_CLIENT_SECRET`), and
//! `MONGODB_ATLAS_BASE_URL` points the client elsewhere (the examples' test uses a loopback server).

use atlas_backup_exports::ClientBuilder;
use futures::TryStreamExt;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [group, cluster] = args.as_slice() else {
        eprintln!("usage: list_export_jobs <group-id> <cluster-name>");
        std::process::exit(2);
    };
    let client = ClientBuilder::from_env()?.build()?;

    // Pages of 100, two fetched ahead while the current one is printed.
    let mut jobs = client
        .list_backup_exports(group, cluster)
        .items_per_page(100)
        .prefetch(2)
        .into_stream();
    let mut count = 0;
    while let Some(job) = jobs.try_next().await? {
        count += 1;
        let state = job.state.as_ref().map_or("?", |s| s.as_str());
        let created = job.created_at.map(|t| t.to_rfc3339()).unwrap_or_default();
        println!(
            "{}  {state:<11} {created}",
            job.id.as_deref().unwrap_or("?")
        );
    }
    println!("{count} export job(s)");
    Ok(())
}
