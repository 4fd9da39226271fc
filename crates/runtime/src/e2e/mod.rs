//! End-to-end checks of `Client::execute` against a tiny loopback HTTP/1.1 server (std threads,
//! one per connection), so the runtime is verified without the generated operations.

mod api_keys;
mod auth;
mod methods;
mod pagination;
mod transport;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::*;
pub(super) use crate::testing::TestClient as Client;
/// Errors as the test API's generated client returns them.
pub(super) type Error = crate::Error<crate::testing::TestErrorBody>;

#[derive(Debug, Clone)]
pub(super) struct Seen {
    pub(super) method: String,
    pub(super) target: String,
    pub(super) headers: HashMap<String, String>,
    pub(super) body: String,
}

/// `status: 0` closes the connection without answering; a `sleep` header delays the answer.
pub(super) struct Reply {
    pub(super) status: u16,
    pub(super) headers: Vec<(&'static str, String)>,
    pub(super) body: String,
}

pub(super) fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![("Content-Type", "application/json".into())],
        body: body.into(),
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

pub(super) struct Server {
    pub(super) base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub(super) fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        // Detached: it ends with the test process; every connection is served on its own thread.
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (handler, log) = (handler.clone(), log.clone());
                std::thread::spawn(move || serve(stream, &*handler, &log));
            }
        });
        Server { base, seen }
    }

    pub(super) fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Seen>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let (method, target) = (
            parts.next().unwrap_or("").to_owned(),
            parts.next().unwrap_or("").to_owned(),
        );
        let mut headers = HashMap::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_owned());
            }
        }
        let len = headers
            .get("content-length")
            .and_then(|l| l.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; len];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let seen = Seen {
            method,
            target,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        log.lock().unwrap().push(seen.clone());
        let r = handler(&seen);
        if r.status == 0 {
            return; // simulate a reset: close without answering
        }
        if let Some((_, ms)) = r.headers.iter().find(|(k, _)| *k == "sleep") {
            std::thread::sleep(Duration::from_millis(ms.parse().unwrap_or(0)));
        }
        let mut out = format!(
            "HTTP/1.1 {} X\r\nContent-Length: {}\r\n",
            r.status,
            r.body.len()
        );
        for (k, v) in &r.headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        out.push_str(&r.body);
        if writer.write_all(out.as_bytes()).is_err() {
            return;
        }
    }
}

pub(super) static GET: Operation = Operation {
    operation_id: "getThing",
    method: Method::Get,
    path_template: "/api/atlas/v2/things/{id}",
    media_type: "application/vnd.atlas.2024-05-30+json",
};
pub(super) static POST: Operation = Operation {
    operation_id: "createThing",
    method: Method::Post,
    path_template: "/api/atlas/v2/things",
    media_type: "application/vnd.atlas.2024-05-30+json",
};

pub(super) fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .base_delay(Duration::from_millis(1))
        .max_delay(Duration::from_secs(2))
}

pub(super) async fn get(client: &Client, id: &str) -> Result<serde_json::Value, Error> {
    let request = Request::new(&GET, format!("/api/atlas/v2/things/{}", encode_segment(id)));
    client.execute(request).await?.json()
}

pub(super) async fn post(client: &Client) -> Result<(), Error> {
    let mut request = Request::new(&POST, "/api/atlas/v2/things".into());
    request.json_body(&serde_json::json!({"name": "x"}))?;
    client.execute(request).await?.empty()
}
