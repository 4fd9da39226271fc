//! Makes the client call a recording names: one arm per generated `Client` method.

use atlas_backup_exports::{types, Client, Error};
use serde::de::DeserializeOwned;

use crate::replay::Call;

fn path<'a>(call: &'a Call, name: &str) -> &'a str {
    call.path
        .get(name)
        .map(String::as_str)
        .unwrap_or_else(|| panic!("recording lacks path argument {name}"))
}

fn flag(call: &Call, name: &str) -> Option<bool> {
    call.query.get(name).map(|v| {
        v.as_bool()
            .unwrap_or_else(|| panic!("query {name} must be a boolean"))
    })
}

fn number(call: &Call, name: &str) -> Option<i64> {
    call.query.get(name).map(|v| {
        v.as_i64()
            .unwrap_or_else(|| panic!("query {name} must be an integer"))
    })
}

fn body<T: DeserializeOwned>(call: &Call) -> Option<T> {
    call.body.clone().map(|b| {
        serde_json::from_value(b).unwrap_or_else(|e| panic!("body does not fit the type: {e}"))
    })
}

/// Fails when the recording sets a query parameter the operation does not have.
fn only(call: &Call, allowed: &[&str]) {
    for name in call.query.keys() {
        assert!(
            allowed.contains(&name.as_str()),
            "operation {} has no query parameter {name}",
            call.method
        );
    }
}

/// Applies the shared Atlas query parameters a builder has.
macro_rules! query {
    ($builder:ident, $call:ident; $($setter:ident = $name:literal via $get:ident),* $(,)?) => {{
        only($call, &[$($name),*]);
        $(if let Some(v) = $get($call, $name) { $builder = $builder.$setter(v); })*
        $builder
    }};
}

/// A `send()` future, checked to be `Send`: the generated signature names `runtime::Call`, which is
/// `Send` whatever it decodes (proving `Send` per operation in the library dominated its type
/// checking once), so it is asserted here for every operation instead.
fn send<F: std::future::Future + Send>(future: F) -> F {
    future
}

/// A call's decoded result: as pretty `Debug` text (what the snapshots show) and serialized again
/// (what the round-trip test compares with the body received).
pub struct Decoded {
    pub debug: String,
    pub json: serde_json::Value,
}

/// The decoded value as pretty `Debug` text (what the snapshot shows), or the typed error.
pub async fn make(client: &Client, call: &Call) -> Result<String, Error> {
    decode(client, call).await.map(|decoded| decoded.debug)
}

/// [`make`], with the decoded value serialized again.
pub async fn decode(client: &Client, call: &Call) -> Result<Decoded, Error> {
    fn show<T: std::fmt::Debug + serde::Serialize>(value: T) -> Decoded {
        Decoded {
            debug: format!("{value:#?}"),
            json: serde_json::to_value(&value).expect("a decoded value serializes"),
        }
    }
    let group = || path(call, "groupId");
    #[allow(deprecated)]
    let text = match call.method.as_str() {
        "list_backup_exports" => {
            let mut b = client.list_backup_exports(group(), path(call, "clusterName"));
            let b = query!(b, call; envelope = "envelope" via flag, pretty = "pretty" via flag,
                include_count = "includeCount" via flag, items_per_page = "itemsPerPage" via number, page_num = "pageNum" via number);
            show(send(b.send()).await?)
        }
        "create_backup_export" => {
            let mut b = client.create_backup_export(group(), path(call, "clusterName"));
            if let Some(body) = body::<types::DiskBackupExportJobRequest>(call) {
                b = b.body(body);
            }
            let b = query!(b, call; envelope = "envelope" via flag);
            show(send(b.send()).await?)
        }
        "get_backup_export" => {
            let mut b = client.get_backup_export(
                group(),
                path(call, "clusterName"),
                path(call, "exportId"),
            );
            let b = query!(b, call; envelope = "envelope" via flag);
            show(send(b.send()).await?)
        }
        "list_export_buckets" => {
            let mut b = client.list_export_buckets(group());
            let b = query!(b, call; envelope = "envelope" via flag, pretty = "pretty" via flag,
                include_count = "includeCount" via flag, items_per_page = "itemsPerPage" via number, page_num = "pageNum" via number);
            show(send(b.send()).await?)
        }
        "list_export_buckets_2023_01_01" => {
            let mut b = client.list_export_buckets_2023_01_01(group());
            let b = query!(b, call; envelope = "envelope" via flag, pretty = "pretty" via flag,
                include_count = "includeCount" via flag, items_per_page = "itemsPerPage" via number, page_num = "pageNum" via number);
            show(send(b.send()).await?)
        }
        "create_export_bucket" => {
            let mut b = client.create_export_bucket(group());
            if let Some(body) = body::<types::DiskBackupSnapshotExportBucketRequest>(call) {
                b = b.body(body);
            }
            let b = query!(b, call; envelope = "envelope" via flag, pretty = "pretty" via flag);
            show(send(b.send()).await?)
        }
        "create_export_bucket_2023_01_01" => {
            let mut b = client.create_export_bucket_2023_01_01(group());
            if let Some(body) = body::<types::DiskBackupSnapshotAwsExportBucketRequest>(call) {
                b = b.body(body);
            }
            let b = query!(b, call; envelope = "envelope" via flag, pretty = "pretty" via flag);
            show(send(b.send()).await?)
        }
        "get_export_bucket" => {
            let mut b = client.get_export_bucket(group(), path(call, "exportBucketId"));
            let b = query!(b, call; envelope = "envelope" via flag);
            show(send(b.send()).await?)
        }
        "get_export_bucket_2023_01_01" => {
            let mut b = client.get_export_bucket_2023_01_01(group(), path(call, "exportBucketId"));
            let b = query!(b, call; envelope = "envelope" via flag);
            show(send(b.send()).await?)
        }
        "update_backup_export_bucket" => {
            let mut b = client.update_backup_export_bucket(group(), path(call, "exportBucketId"));
            if let Some(body) = body::<types::UpdateRequirePrivateNetworkingRequestView>(call) {
                b = b.body(body);
            }
            let b = query!(b, call; envelope = "envelope" via flag, pretty = "pretty" via flag);
            show(send(b.send()).await?)
        }
        "delete_export_bucket" => {
            let mut b = client.delete_export_bucket(group(), path(call, "exportBucketId"));
            let b = query!(b, call; envelope = "envelope" via flag);
            show(send(b.send()).await?)
        }
        other => panic!("no client method {other}"),
    };
    Ok(text)
}

/// A stable, port-free description of an error for snapshots.
pub fn describe_error(error: &Error) -> String {
    let mut out = format!("Err: {error}\n");
    out.push_str(&format!("variant: {}\n", variant(error)));
    out.push_str(&format!("status: {:?}\n", error.status()));
    out.push_str(&format!("error_code: {:?}\n", error.error_code()));
    out.push_str(&format!(
        "not_found: {}, unauthorized: {}, rate_limited: {}, invalid_request: {}\n",
        error.is_not_found(),
        error.is_unauthorized(),
        error.is_rate_limited(),
        error.is_invalid_request()
    ));
    out.push_str(&format!("retry_after: {:?}\n", error.retry_after()));
    out.push_str(&format!("attempts: {:?}\n", error.attempts()));
    if let Some(api) = error.api() {
        out.push_str(&format!("operation_id: {}\n", api.operation_id()));
        out.push_str(&format!("media_type: {:?}\n", api.media_type()));
        // `date` changes on every run; the other support headers come from the recording.
        let headers: Vec<_> = api
            .headers()
            .iter()
            .filter(|(name, _)| !name.eq_ignore_ascii_case("date"))
            .collect();
        out.push_str(&format!("support headers: {headers:?}\n"));
        out.push_str(&format!("decoded body: {:#?}\n", api.body()));
        out.push_str(&format!(
            "raw body: {}\n",
            String::from_utf8_lossy(api.raw_body())
        ));
    }
    out
}

/// The error's variant with the fields that are stable across runs (no ports, no OS messages).
fn variant(error: &Error) -> String {
    match error {
        Error::InvalidRequest { parameter, rule } => {
            format!("InvalidRequest {{ parameter: {parameter:?}, rule: {rule:?} }}")
        }
        Error::InvalidConfig { .. } => "InvalidConfig".to_owned(),
        Error::Transport { kind, attempts, .. } => {
            format!("Transport {{ kind: {kind:?}, attempts: {attempts} }}")
        }
        Error::Api(_) => "Api".to_owned(),
        Error::Decode {
            status,
            media_type,
            path,
            excerpt,
            ..
        } => format!(
            "Decode {{ status: {status}, media_type: {media_type:?}, path: {path:?}, excerpt bytes: {} }}",
            excerpt.len()
        ),
        Error::UnexpectedMediaType {
            status,
            media_type,
            expected,
            body,
        } => format!(
            "UnexpectedMediaType {{ status: {status}, media_type: {media_type:?}, expected: {expected:?}, body: {:?} }}",
            String::from_utf8_lossy(body)
        ),
        Error::Auth {
            kind,
            status,
            message,
        } => format!("Auth {{ kind: {kind:?}, status: {status:?}, message: {message:?} }}"),
        other => format!("other: {other:?}"),
    }
}
