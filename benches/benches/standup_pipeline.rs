//! The standup pipeline, from records in memory to prompts, against parsing the same
//! records' JSON, on the demo workspace and on synthetic workspaces 10x and 100x larger.

#![expect(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use std::hint::black_box;

use async_benches::{Workspace, run_pipeline, synthetic};
use async_core::identity::IdentityConfig;
use async_core::model::ActivityBatch;
use async_examples::demo::Demo;
use async_examples::pipeline::Sources;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The demo workspace as the real connectors read it from the sandbox.
fn demo() -> Workspace {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let batch = runtime.block_on(async {
        let demo = Demo::bundled();
        let sandbox = demo.start_sandbox().await.expect("sandbox starts");
        let sources = Sources::demo(&sandbox).expect("sources build");
        let mut batch = ActivityBatch::default();
        for source in sources.iter() {
            batch.merge(
                source
                    .collect(Demo::window())
                    .await
                    .expect("source collects"),
            );
        }
        batch
    });
    let text = std::fs::read_to_string(Demo::bundled().identities_path()).expect("identities");
    Workspace {
        batch,
        identities: IdentityConfig::from_toml_str(&text).expect("valid identities"),
        window: Demo::window(),
        now: Demo::now(),
    }
}

fn pipeline(c: &mut Criterion) {
    let demo = demo();
    let people = demo.identities.people.len();
    let workspaces = [
        ("demo", demo),
        ("synthetic-10x", synthetic(people * 10)),
        ("synthetic-100x", synthetic(people * 100)),
    ];

    let mut group = c.benchmark_group("standup_pipeline");
    for (name, workspace) in &workspaces {
        let records = workspace.batch.len() as u64;
        let json = serde_json::to_vec(&workspace.batch).expect("records serialize");
        group.throughput(Throughput::Elements(records));

        group.bench_with_input(
            BenchmarkId::new("pipeline", name),
            workspace,
            |b, workspace| {
                b.iter(|| black_box(run_pipeline(black_box(workspace))));
            },
        );
        group.bench_with_input(BenchmarkId::new("parse_json", name), &json, |b, json| {
            b.iter(|| {
                let batch: ActivityBatch =
                    serde_json::from_slice(black_box(json)).expect("records parse");
                black_box(batch)
            });
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
