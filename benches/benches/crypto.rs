//! Sealing and opening throughput, and the cost of encryption on SQLite reads and writes.
//!
//! Run with `cargo bench -p async-benches --bench crypto`.

use std::hint::black_box;

use async_core::ids::TenantId;
use async_core::store::{
    EncryptedStore, KeyValueStore, Keyring, MemoryStore, Namespace, SqliteStore,
};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_main};
use tokio::runtime::Runtime;

/// Value sizes: a token, a typical record, a large transcript.
const SIZES: [(usize, &str); 3] = [(64, "64 B"), (1024, "1 KiB"), (64 * 1024, "64 KiB")];

/// The value size of the store benchmarks, close to a serialized pull request.
const RECORD_SIZE: usize = 1024;

/// How many distinct keys the store benchmarks cycle through.
const KEYS: usize = 1024;

fn runtime() -> Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

fn namespace() -> Namespace {
    Namespace::new(TenantId::new("bench"), "records")
}

fn value(size: usize) -> Vec<u8> {
    (0..size).map(|index| (index % 251) as u8).collect()
}

fn seal_and_open(c: &mut Criterion) {
    let runtime = runtime();
    let store = EncryptedStore::new(MemoryStore::new(), Keyring::generate());
    let namespace = namespace();
    let mut group = c.benchmark_group("envelope");

    for (size, label) in SIZES {
        let plaintext = value(size);
        let sealed = runtime
            .block_on(store.seal(&namespace, "pull_request/acme/payments#42", &plaintext))
            .expect("seals");
        group.throughput(Throughput::Bytes(size as u64));

        group.bench_with_input(
            BenchmarkId::new("seal", label),
            &plaintext,
            |b, plaintext| {
                b.iter(|| {
                    runtime
                        .block_on(store.seal(
                            &namespace,
                            "pull_request/acme/payments#42",
                            plaintext,
                        ))
                        .expect("seals")
                });
            },
        );
        group.bench_with_input(BenchmarkId::new("open", label), &sealed, |b, sealed| {
            b.iter(|| {
                runtime
                    .block_on(store.open(&namespace, "pull_request/acme/payments#42", sealed))
                    .expect("opens")
            });
        });
    }
    group.finish();
}

/// Benchmarks put and get of `RECORD_SIZE`-byte values on `store`.
fn bench_store(c: &mut Criterion, runtime: &Runtime, label: &str, store: &dyn KeyValueStore) {
    let namespace = namespace();
    let payload = value(RECORD_SIZE);
    let keys: Vec<String> = (0..KEYS)
        .map(|index| format!("record/{index:05}"))
        .collect();
    runtime.block_on(async {
        for key in &keys {
            store
                .put(&namespace, key, payload.clone())
                .await
                .expect("put");
        }
    });

    let mut group = c.benchmark_group("sqlite 1 KiB");
    group.throughput(Throughput::Elements(1));
    let mut next = 0;
    group.bench_function(BenchmarkId::new("put", label), |b| {
        b.iter(|| {
            next = (next + 1) % KEYS;
            runtime
                .block_on(store.put(&namespace, &keys[next], payload.clone()))
                .expect("put")
        });
    });
    group.bench_function(BenchmarkId::new("get", label), |b| {
        b.iter(|| {
            next = (next + 1) % KEYS;
            let stored = runtime
                .block_on(store.get(&namespace, &keys[next]))
                .expect("get");
            black_box(stored)
        });
    });
    group.finish();
}

fn sqlite_plain_and_encrypted(c: &mut Criterion) {
    let runtime = runtime();
    let dir = tempfile::tempdir().expect("temporary directory");

    let plain = runtime
        .block_on(SqliteStore::open(dir.path().join("plain.db")))
        .expect("opens");
    bench_store(c, &runtime, "plain", &plain);

    let sqlite = runtime
        .block_on(SqliteStore::open(dir.path().join("encrypted.db")))
        .expect("opens");
    let encrypted = EncryptedStore::new(sqlite, Keyring::generate());
    bench_store(c, &runtime, "encrypted", &encrypted);
}

/// Runs every benchmark in this file; written out because `criterion_group!` generates an
/// undocumented public function, which the workspace lints reject.
fn benches() {
    let mut criterion = Criterion::default().configure_from_args();
    seal_and_open(&mut criterion);
    sqlite_plain_and_encrypted(&mut criterion);
}

criterion_main!(benches);
