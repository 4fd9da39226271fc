//! Benchmarks 3-5: the generated client against a loopback server: per-request overhead vs a
//! hand-written reqwest + serde loop, Digest authentication, and pagination with prefetch.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use atlas_backup_exports::Client;
use futures::TryStreamExt;
use reqwest::header::{ACCEPT, AUTHORIZATION, WWW_AUTHENTICATE};

use crate::data::{self, baseline, BUCKET, CLUSTER, GROUP};
use crate::report::{Row, Verdict};
use crate::server::{self, Credentials, Handler, Reply, Request, Server};
use crate::stats::{ratio, secs, Sides};

const BUCKET_MEDIA_TYPE: &str = "application/vnd.atlas.2024-05-30+json";
const JOBS_MEDIA_TYPE: &str = "application/vnd.atlas.2023-01-01+json";
const PAGES: usize = 20;
const PER_PAGE: usize = 100;

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime")
}

fn bucket_path() -> String {
    format!("/api/atlas/v2/groups/{GROUP}/backup/exportBuckets/{BUCKET}")
}

/// GET one bucket (an AWS one, as Atlas answers it) and GET pages of export jobs.
pub(crate) fn handler() -> Handler {
    let bucket = Arc::new(data::bucket(0).to_string().into_bytes());
    let jobs_path = format!("/api/atlas/v2{}", data::jobs_path());
    let pages: Vec<Arc<Vec<u8>>> = (1..=PAGES + 8)
        .map(|n| {
            let body = if n <= PAGES {
                data::page(&data::jobs_path(), n, PAGES, PER_PAGE, data::job)
            } else {
                // Past the end: Atlas answers an empty page.
                serde_json::json!({ "links": [], "results": [], "totalCount": PAGES * PER_PAGE })
                    .to_string()
            };
            Arc::new(body.into_bytes())
        })
        .collect();
    let bucket_path = bucket_path();
    Arc::new(move |r: &Request| {
        if r.method != "GET" {
            return Reply::status(405, "{}");
        }
        if r.path() == bucket_path {
            return Reply::json(BUCKET_MEDIA_TYPE, bucket.clone());
        }
        if r.path() == jobs_path {
            let page: usize = r.query("pageNum").and_then(|p| p.parse().ok()).unwrap_or(1);
            let per_page: usize = r
                .query("itemsPerPage")
                .and_then(|p| p.parse().ok())
                .unwrap_or(100);
            if per_page != PER_PAGE || page == 0 || page > pages.len() {
                return Reply::status(400, r#"{"error":400,"errorCode":"INVALID_PARAMETER"}"#);
            }
            return Reply::json(JOBS_MEDIA_TYPE, pages[page - 1].clone());
        }
        Reply::status(404, r#"{"error":404,"errorCode":"RESOURCE_NOT_FOUND"}"#)
    })
}

fn credentials() -> Credentials {
    Credentials {
        token: "bench-access-token".into(),
        user: "abcdefgh".into(),
        password: "00000000-0000-0000-0000-000000000000".into(),
    }
}

pub(crate) async fn generated_gets(client: &Client, calls: usize) -> f64 {
    let started = Instant::now();
    for _ in 0..calls {
        let bucket = client
            .get_export_bucket(GROUP, BUCKET)
            .send()
            .await
            .expect("generated client call");
        black_box(bucket);
    }
    started.elapsed().as_secs_f64() / calls as f64
}

/// The hand-written loop: reqwest GET, status check, body, serde into the minimal struct.
async fn handwritten_gets(http: &reqwest::Client, base: &str, calls: usize) -> f64 {
    let started = Instant::now();
    for _ in 0..calls {
        let url = format!("{base}{}", bucket_path());
        let response = http
            .get(url)
            .header(ACCEPT, BUCKET_MEDIA_TYPE)
            .send()
            .await
            .expect("reqwest call");
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.bytes().await.expect("body");
        let bucket: baseline::Bucket = serde_json::from_slice(&body).expect("bucket decodes");
        black_box(bucket);
    }
    started.elapsed().as_secs_f64() / calls as f64
}

/// A Digest client without a cached challenge (what a handshake-per-call library does, e.g. the Go
/// SDK's): unauthenticated GET, 401, then the GET with credentials.
async fn handshake_per_call_gets(http: &reqwest::Client, base: &str, calls: usize) -> f64 {
    let c = credentials();
    let path = bucket_path();
    let started = Instant::now();
    for call in 0..calls {
        let url = format!("{base}{path}");
        let challenge = http
            .get(&url)
            .header(ACCEPT, BUCKET_MEDIA_TYPE)
            .send()
            .await
            .expect("reqwest call");
        assert_eq!(challenge.status().as_u16(), 401);
        let header = challenge
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Digest "))
            .expect("digest challenge")
            .to_owned();
        let _ = challenge.bytes().await;
        let params = server::digest_params(&header);
        let (realm, nonce) = (&params["realm"], &params["nonce"]);
        let cnonce = format!("{call:016x}");
        let response = server::digest_response(
            &c.user,
            realm,
            &c.password,
            "GET",
            &path,
            nonce,
            "00000001",
            &cnonce,
        );
        let authorization = format!(
            r#"Digest username="{}", realm="{realm}", nonce="{nonce}", uri="{path}", algorithm=MD5, qop=auth, nc=00000001, cnonce="{cnonce}", response="{response}""#,
            c.user
        );
        let response = http
            .get(&url)
            .header(ACCEPT, BUCKET_MEDIA_TYPE)
            .header(AUTHORIZATION, authorization)
            .send()
            .await
            .expect("reqwest call");
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.bytes().await.expect("body");
        let bucket: baseline::Bucket = serde_json::from_slice(&body).expect("bucket decodes");
        black_box(bucket);
    }
    started.elapsed().as_secs_f64() / calls as f64
}

/// `atlas-bench --probe request-generated|request-baseline`: 1,000 GETs of one side against a fresh
/// loopback server, for `valgrind --tool=callgrind --separate-threads=yes` (per-call instructions of
/// the client thread).
pub fn probe(name: &str) -> Result<(), String> {
    let server = Server::start(handler(), Duration::ZERO, None).map_err(|e| e.to_string())?;
    let rt = runtime();
    match name {
        "request-generated" => {
            let client = Client::builder()
                .base_url(&server.base)
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(generated_gets(&client, 1000));
        }
        "request-baseline" => {
            let http = reqwest::Client::new();
            rt.block_on(handwritten_gets(&http, &server.base, 1000));
        }
        other => return Err(format!("unknown probe `{other}`")),
    }
    Ok(())
}

/// Benchmark 3: GETs through the generated client vs the hand-written loop, in many short rounds
/// (100 calls each, sides alternating): a burst of machine noise then spoils one pair of rounds, not
/// a ninth of the run, and the median of the per-round ratios resolves about 1 %. A control run
/// of the same shape, a second hand-written client against the first, shows that resolution. (Two
/// sides per run: with three, the middle one never runs twice in a row and always starts cold.)
pub fn overhead_rows(quick: bool) -> Vec<Row> {
    let (calls, rounds) = if quick { (100, 33) } else { (100, 99) };
    eprintln!("[3] per-request overhead: {rounds} rounds × {calls} GETs per side");
    let server = match Server::start(handler(), Duration::ZERO, None) {
        Ok(s) => s,
        Err(e) => return vec![Row::new(3, "per-request overhead").na(format!("server: {e}"))],
    };
    let rt = runtime();
    let client = Client::builder()
        .base_url(&server.base)
        .build()
        .expect("client");
    let http = reqwest::Client::new();
    let http_again = reqwest::Client::new();
    let mut gen = || rt.block_on(generated_gets(&client, calls));
    let mut base = || rt.block_on(handwritten_gets(&http, &server.base, calls));
    let s = Sides::run(1, rounds, &mut [&mut base, &mut gen]);
    let mut again = || rt.block_on(handwritten_gets(&http_again, &server.base, calls));
    let control = Sides::run(1, rounds, &mut [&mut base, &mut again]);
    let expected = ((rounds + 1) * calls * 4) as u64;
    let requests = server.stats.requests();
    let r = s.ratio(1, 0);
    let (lo, hi) = s.range(1, 0);
    let (control_lo, control_hi) = control.range(1, 0);
    let total = rounds * calls;
    let mut rows = vec![
        Row::new(3, format!("{total} GET get_export_bucket in {rounds} rounds of {calls}: time per call (generated / hand-written reqwest + serde)"))
            .measured(secs(s.median(1)))
            .baseline(secs(s.median(0)))
            .ratio(format!("{} (rounds {lo:.2}–{hi:.2})", ratio(r)))
            // Issue 13: within 3 % of the hand-written loop.
            .target("≤ 1.03×", Verdict::of(r <= 1.03)),
        Row::new(3, "control, the same shape: a second hand-written client / the first (the harness's resolution)")
            .measured(secs(control.median(1)))
            .baseline(secs(control.median(0)))
            .ratio(format!("{} (rounds {control_lo:.2}–{control_hi:.2})", ratio(control.ratio(1, 0)))),
        Row::new(3, "requests seen by the server (both runs, all sides and rounds)")
            .measured(requests.to_string())
            .baseline(expected.to_string())
            .target("equal", Verdict::of(requests == expected)),
    ];
    rows.push(request_instruction_row());
    rows
}

/// Client-thread instructions per call under callgrind (the server thread is not counted).
fn request_instruction_row() -> Row {
    let what = "1000 GET: client-thread instructions per call (callgrind)";
    if !crate::callgrind::available() {
        return Row::new(3, what).na("valgrind not found");
    }
    eprintln!("    instruction counts (callgrind)");
    let count =
        |side: &str| crate::callgrind::count(&format!("request-{side}"), "*Runtime::block_on*");
    match (count("generated"), count("baseline")) {
        (Ok(gen), Ok(base)) => {
            let r = gen as f64 / base as f64;
            Row::new(3, what)
                .measured(crate::callgrind::instr(gen as f64 / 1000.0))
                .baseline(crate::callgrind::instr(base as f64 / 1000.0))
                .ratio(ratio(r))
                .target("≤ 1.03×", Verdict::of(r <= 1.03))
        }
        (Err(e), _) | (_, Err(e)) => Row::new(3, what).na(e),
    }
}

/// Benchmark 4: Digest requests per call, and time per call vs Bearer and vs a handshake per call.
pub fn digest_rows(quick: bool) -> Vec<Row> {
    let (calls, rounds) = if quick { (100, 5) } else { (100, 21) };
    eprintln!("[4] digest: 100-call count, then {rounds} rounds × {calls} calls per side");
    let c = credentials();
    let server = match Server::start(handler(), Duration::ZERO, Some(c.clone())) {
        Ok(s) => s,
        Err(e) => return vec![Row::new(4, "digest").na(format!("server: {e}"))],
    };
    let rt = runtime();
    let digest_client = || {
        Client::builder()
            .base_url(&server.base)
            .digest_auth(c.user.clone(), c.password.clone())
            .build()
            .expect("client")
    };
    let bearer_client = || {
        Client::builder()
            .base_url(&server.base)
            .bearer_token(c.token.clone())
            .build()
            .expect("client")
    };

    // Requests on the wire over 100 calls of one client.
    server.stats.reset();
    let client = digest_client();
    rt.block_on(generated_gets(&client, 100));
    let (requests, challenges, rejected) = (
        server.stats.requests(),
        server.stats.challenges(),
        server.stats.rejected(),
    );
    let per_call = requests as f64 / 100.0;

    // Time per call; a fresh client each round, so each round pays one handshake.
    let mut digest = || rt.block_on(generated_gets(&digest_client(), calls));
    let mut bearer = || rt.block_on(generated_gets(&bearer_client(), calls));
    let mut naive = || {
        rt.block_on(handshake_per_call_gets(
            &reqwest::Client::new(),
            &server.base,
            calls,
        ))
    };
    server.stats.reset();
    let s = Sides::run(1, rounds, &mut [&mut bearer, &mut digest, &mut naive]);
    let rejected_timed = server.stats.rejected();
    let vs_bearer = s.ratio(1, 0);
    let vs_naive = s.ratio(1, 2);
    let (lo, hi) = s.range(1, 0);
    vec![
        Row::new(4, "Digest: HTTP requests per call over 100 calls (generated client, cached challenge)")
            .measured(format!("{per_call:.2} ({requests} requests: {challenges} challenge, {rejected} rejected)"))
            .baseline("2.00 (handshake per call, like the Go SDK's digest library)")
            .ratio(ratio(per_call / 2.0))
            .target("≤ 1.01 requests/call", Verdict::of(per_call <= 1.01 && rejected == 0)),
        Row::new(4, format!("Digest vs Bearer: time per call ({calls} calls, fresh client per round)"))
            .measured(secs(s.median(1)))
            .baseline(format!("{} (bearer)", secs(s.median(0))))
            .ratio(format!("{} (rounds {lo:.2}–{hi:.2})", ratio(vs_bearer)))
            .target("", Verdict::Info),
        Row::new(4, "Digest: generated (cached challenge) vs hand-written handshake per call, time per call")
            .measured(secs(s.median(1)))
            .baseline(format!("{} (2 requests per call)", secs(s.median(2))))
            .ratio(ratio(vs_naive))
            .target(
                if rejected_timed == 0 { "" } else { "credentials rejected!" },
                if rejected_timed == 0 { Verdict::Info } else { Verdict::Missed },
            ),
    ]
}

/// Benchmark 5: a 20-page listing at 20 ms per answer, sequential vs prefetch.
pub fn pagination_rows(quick: bool) -> Vec<Row> {
    let rounds = if quick { 2 } else { 5 };
    let latency = Duration::from_millis(20);
    eprintln!("[5] pagination: {PAGES} pages × {PER_PAGE} items at {latency:?}, {rounds} rounds");
    let server = match Server::start(handler(), latency, None) {
        Ok(s) => s,
        Err(e) => return vec![Row::new(5, "pagination").na(format!("server: {e}"))],
    };
    let rt = runtime();
    let client = Client::builder()
        .base_url(&server.base)
        .build()
        .expect("client");
    let listing = |prefetch: usize| {
        let started = Instant::now();
        let items: Vec<_> = rt
            .block_on(
                client
                    .list_backup_exports(GROUP, CLUSTER)
                    .items_per_page(PER_PAGE as i64)
                    .prefetch(prefetch)
                    .into_stream()
                    .try_collect(),
            )
            .expect("listing");
        assert_eq!(items.len(), PAGES * PER_PAGE);
        started.elapsed().as_secs_f64()
    };
    let listing = &listing;
    let prefetches = [0usize, 1, 2, 4];
    // Requests per listing (prefetched pages past the end are requested, then dropped).
    let requests: Vec<u64> = prefetches
        .iter()
        .map(|&k| {
            server.stats.reset();
            listing(k);
            // Let cancelled requests that were already sent reach the counter.
            std::thread::sleep(latency * 2);
            server.stats.requests()
        })
        .collect();
    let (mut p0, mut p1, mut p2, mut p4) = (
        || listing(prefetches[0]),
        || listing(prefetches[1]),
        || listing(prefetches[2]),
        || listing(prefetches[3]),
    );
    let s = Sides::run(0, rounds, &mut [&mut p0, &mut p1, &mut p2, &mut p4]);
    let mut rows = vec![
        Row::new(5, format!("{PAGES}-page stream, sequential (prefetch 0)"))
            .measured(format!("{} ({} requests)", secs(s.median(0)), requests[0]))
            .baseline(format!(
                "{} (pages × latency)",
                secs(PAGES as f64 * latency.as_secs_f64())
            )),
    ];
    for (i, &k) in prefetches.iter().enumerate().skip(1) {
        let speedup = s.ratio(0, i);
        // With k pages ahead, k + 1 requests overlap: prefetch(1) can at best halve the time, so the
        // ≥ 2× target applies from prefetch(2) on (the README's example value).
        let (target, verdict) = if k >= 2 {
            ("≥ 2×".to_string(), Verdict::of(speedup >= 2.0))
        } else {
            (format!("(ideal {}×)", k + 1), Verdict::Info)
        };
        rows.push(
            Row::new(
                5,
                format!("{PAGES}-page stream, prefetch({k}): speed-up (sequential time / prefetch time)"),
            )
            .measured(format!("{} ({} requests)", secs(s.median(i)), requests[i]))
            .baseline(secs(s.median(0)))
            .ratio(ratio(speedup))
            .target(target, verdict),
        );
    }
    rows
}
