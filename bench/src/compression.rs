//! Response compression (issue 12): wire bytes of the 500-job page with gzip against without, and the
//! cost of decompressing before decoding, beside the plain decode.

use std::hint::black_box;
use std::io::Write;

use atlas_backup_exports::types::PaginatedApiAtlasDiskBackupExportJobView;
use flate2::write::{GzDecoder, GzEncoder};
use flate2::Compression;

use crate::data;
use crate::report::{Row, Verdict};
use crate::stats::{ratio, secs, Sides};

fn gzip(body: &[u8], level: u32) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::new(level));
    encoder.write_all(body).expect("compress");
    encoder.finish().expect("compress")
}

/// As the client does: flate2's incremental decoder writing into a buffer, then the decode.
fn inflate_and_decode(packed: &[u8]) {
    let mut decoder = GzDecoder::new(Vec::new());
    for chunk in packed.chunks(16 * 1024) {
        decoder.write_all(black_box(chunk)).expect("gzip");
    }
    let body = decoder.finish().expect("gzip");
    decode(&body);
}

fn decode(body: &[u8]) {
    let page: PaginatedApiAtlasDiskBackupExportJobView =
        apigen_runtime::decode_slice(body).expect("page decodes");
    black_box(page);
}

pub fn rows(quick: bool) -> Vec<Row> {
    let (iterations, rounds) = if quick { (2, 30) } else { (3, 100) };
    eprintln!("[2] gzip: {rounds} rounds × {iterations} decodes per side");
    let body = data::job_page(500).into_bytes();
    let mut rows = Vec::new();
    for level in [1, 6] {
        let packed = gzip(&body, level);
        let share = packed.len() as f64 / body.len() as f64;
        rows.push(
            Row::new(2, format!("500-job page on the wire, gzip level {level}"))
                .measured(format!("{} B", packed.len()))
                .baseline(format!("{} B uncompressed", body.len()))
                .ratio(format!("{share:.3}× (compressed / uncompressed)"))
                .target("≤ 0.15×", Verdict::of(share <= 0.15)),
        );
    }
    let packed = gzip(&body, 6);
    let mut plain =
        || crate::stats::time(|| (0..iterations).for_each(|_| decode(&body))) / iterations as f64;
    let mut inflated = || {
        crate::stats::time(|| (0..iterations).for_each(|_| inflate_and_decode(&packed)))
            / iterations as f64
    };
    let s = Sides::run(1, rounds, &mut [&mut plain, &mut inflated]);
    rows.push(
        Row::new(2, "500-job page: gunzip + decode (as the client decodes)")
            .measured(secs(s.median(1)))
            .baseline(format!("{} plain decode", secs(s.median(0))))
            .ratio(format!("{} (plain time / gzip time)", ratio(s.ratio(0, 1)))),
    );
    rows
}
