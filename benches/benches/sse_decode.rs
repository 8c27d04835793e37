//! Server-sent-event decoding against JSON parsing of the same payloads.
//!
//! The body is an Anthropic-shaped stream: `message_start`, 2,000 `content_block_delta`
//! events of 20 to 60 characters of text each, `message_delta` and `message_stop`, about
//! 300 KiB with CRLF line ends. It is fed to the decoder in 1 KiB reads, the size of a
//! typical TLS record. `sse_frames` measures the decoder alone; `json_payloads` parses
//! the same events' `data` with `serde_json` into `Value`s, which every provider does
//! after decoding; `sse_then_json` does both, as a stream does.
//!
//! Run with `cargo bench -p async-benches --bench sse_decode`.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use std::hint::black_box;

use async_llm::sse::SseDecoder;

/// The number of text deltas in the body.
const DELTAS: usize = 2_000;

/// The size of one network read.
const READ: usize = 1024;

fn body() -> String {
    let mut body = String::from(
        "event: message_start\r\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":1200,\"output_tokens\":1}}}\r\n\r\n",
    );
    let words = [
        "PAY-12 ",
        "merged ",
        "after review; ",
        "Dana ",
        "unblocked ",
        "the release ",
        "é ",
        "€ ",
    ];
    for index in 0..DELTAS {
        let text: String = (0..(3 + index % 6))
            .map(|i| words[(index + i) % words.len()])
            .collect();
        let data = serde_json::json!({
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": text}
        });
        body.push_str(&format!(
            "event: content_block_delta\r\ndata: {data}\r\n\r\n"
        ));
        if index % 100 == 0 {
            body.push_str("event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n");
        }
    }
    body.push_str("event: message_delta\r\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":9000}}\r\n\r\n");
    body.push_str("event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n");
    body
}

fn decode(body: &[u8]) -> usize {
    let mut decoder = SseDecoder::new();
    let mut events = Vec::new();
    for read in body.chunks(READ) {
        decoder.push_into(read, &mut events);
    }
    events.len()
}

fn decode_and_parse(body: &[u8]) -> usize {
    let mut decoder = SseDecoder::new();
    let mut events = Vec::new();
    let mut parsed = 0;
    for read in body.chunks(READ) {
        decoder.push_into(read, &mut events);
        for event in events.drain(..) {
            let value: serde_json::Value = serde_json::from_str(&event.data).expect("valid JSON");
            parsed += usize::from(value.is_object());
        }
    }
    parsed
}

fn bench(c: &mut Criterion) {
    let body = body();
    let payloads: Vec<String> = SseDecoder::new()
        .push(body.as_bytes())
        .into_iter()
        .map(|event| event.data)
        .collect();
    assert_eq!(decode(body.as_bytes()), payloads.len());

    let mut group = c.benchmark_group("sse_decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function(BenchmarkId::new("sse_frames", body.len()), |b| {
        b.iter(|| decode(black_box(body.as_bytes())));
    });
    group.bench_function(BenchmarkId::new("json_payloads", body.len()), |b| {
        b.iter(|| {
            payloads
                .iter()
                .map(|data| {
                    serde_json::from_str::<serde_json::Value>(black_box(data)).expect("valid JSON")
                })
                .filter(serde_json::Value::is_object)
                .count()
        });
    });
    group.bench_function(BenchmarkId::new("sse_then_json", body.len()), |b| {
        b.iter(|| decode_and_parse(black_box(body.as_bytes())));
    });
    group.finish();
}

/// Runs every benchmark in this file; written out because `criterion_group!` generates an
/// undocumented public function, which the workspace lints reject.
fn benches() {
    let mut criterion = Criterion::default().configure_from_args();
    bench(&mut criterion);
}

criterion_main!(benches);
