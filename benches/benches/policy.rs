//! The privacy policy: native and Cedar decision latency on the same requests, audit
//! append throughput in memory and through encrypted stores, and `verify_chain` over a
//! million entries.

#![expect(
    missing_docs,
    reason = "criterion's macros generate undocumented functions"
)]

use std::hint::black_box;
use std::time::Duration;

use async_core::ids::{PersonId, TeamId, TenantId};
use async_core::model::Team;
use async_core::secret::EncryptionKey;
use async_core::store::{EncryptedStore, KeyValueStore, Keyring, MemoryStore, SqliteStore};
use async_policy::{
    AccessEvent, AccessRequest, AuditEvent, AuditRecord, CedarEngine, DataCategory, Effect,
    MemoryAuditLog, Organization, PolicyEngine, Purpose, RuleId, RulesEngine, Scope,
    StoredAuditLog, Visibility, VisibilitySettings, verify_chain,
};
use chrono::{TimeZone, Utc};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const DEPARTMENTS: usize = 4;
const TEAMS_PER_DEPARTMENT: usize = 5;
const TEAM_SIZE: usize = 6;
const REQUESTS: usize = 1_000;
const VERIFY_ENTRIES: u64 = 1_000_000;

/// 4 departments of 5 teams of 6 people (120 people), each team with a manager and each
/// department with a director; every fifth person shares some categories differently.
fn organization() -> (Organization, VisibilitySettings, Vec<PersonId>) {
    let mut builder = Organization::builder();
    let mut people = Vec::new();
    let mut settings = VisibilitySettings::new();
    for department in 0..DEPARTMENTS {
        let department_id = format!("d{department}");
        builder = builder.team(team(
            &department_id,
            Vec::new(),
            vec![format!("director{department}")],
        ));
        for index in 0..TEAMS_PER_DEPARTMENT {
            let team_id = format!("d{department}t{index}");
            let members: Vec<String> = (0..TEAM_SIZE)
                .map(|member| format!("p{department}-{index}-{member}"))
                .collect();
            for (position, member) in members.iter().enumerate() {
                if position % 5 == 0 {
                    settings = settings
                        .with(member.as_str(), DataCategory::Chat, Visibility::Managers)
                        .with(
                            member.as_str(),
                            DataCategory::MeetingMetrics,
                            Visibility::Team,
                        );
                }
                people.push(PersonId::new(member.as_str()));
            }
            builder = builder
                .team(team(
                    &team_id,
                    members,
                    vec![format!("manager{department}-{index}")],
                ))
                .subteam(team_id, department_id.as_str());
        }
    }
    let organization = builder.build().expect("valid organisation");
    (organization, settings, people)
}

fn team(id: &str, members: Vec<String>, managers: Vec<String>) -> Team {
    Team {
        id: TeamId::new(id),
        name: id.to_owned(),
        members: members.into_iter().map(PersonId::new).collect(),
        managers: managers.into_iter().map(PersonId::new).collect(),
    }
}

/// A fixed mix: teammates, strangers, self, managers and aggregates, all categories.
fn requests(people: &[PersonId]) -> Vec<AccessRequest> {
    (0..REQUESTS)
        .map(|index| {
            let viewer = &people[(index * 7) % people.len()];
            let category = DataCategory::ALL[index % DataCategory::ALL.len()];
            let purpose = Purpose::ALL[index % Purpose::ALL.len()];
            match index % 5 {
                0 => AccessRequest::team_aggregate(
                    viewer.clone(),
                    format!("d{}t{}", index % DEPARTMENTS, index % TEAMS_PER_DEPARTMENT),
                    category,
                    purpose,
                ),
                1 => AccessRequest::individual(viewer.clone(), viewer.clone(), category, purpose),
                _ => {
                    let subject = &people[(index * 7 + index % 9) % people.len()];
                    AccessRequest::individual(viewer.clone(), subject.clone(), category, purpose)
                }
            }
        })
        .collect()
}

fn decisions(c: &mut Criterion) {
    let (organization, settings, people) = organization();
    let requests = requests(&people);
    let native = RulesEngine::new(organization.clone(), settings.clone());
    let cedar = CedarEngine::new(organization, settings).expect("valid policies");

    let mut group = c.benchmark_group("policy_decision");
    group.throughput(Throughput::Elements(requests.len() as u64));
    group.bench_function("native", |b| {
        b.iter(|| {
            for request in &requests {
                black_box(native.decide(black_box(request)));
            }
        });
    });
    group.bench_function("cedar", |b| {
        b.iter(|| {
            for request in &requests {
                black_box(cedar.decide(black_box(request)));
            }
        });
    });
    group.finish();
}

fn record(index: u64) -> AuditRecord {
    let at = Utc
        .with_ymd_and_hms(2026, 12, 4, 9, 0, 0)
        .single()
        .expect("time");
    AuditRecord {
        at: at + chrono::TimeDelta::milliseconds(i64::try_from(index).unwrap_or(0)),
        event: AuditEvent::Access(AccessEvent {
            viewer: PersonId::new("lee"),
            scope: Scope::Individual(PersonId::new("dana")),
            category: DataCategory::Work,
            purpose: Purpose::Standup,
            effect: Effect::Allow,
            rule: RuleId::OthersIndividual,
        }),
    }
}

fn audit(c: &mut Criterion) {
    let mut group = c.benchmark_group("audit");
    group.throughput(Throughput::Elements(1));
    group.bench_function("append_memory", |b| {
        let log = MemoryAuditLog::new();
        let mut index = 0;
        b.iter(|| {
            index += 1;
            black_box(log.append_now(record(index)).expect("memory"))
        });
    });

    let log = MemoryAuditLog::new();
    for index in 0..VERIFY_ENTRIES {
        log.append_now(record(index)).expect("memory");
    }
    let entries =
        futures::executor::block_on(async_policy::AuditLog::entries(&log)).expect("memory");
    drop(log);
    group.throughput(Throughput::Elements(VERIFY_ENTRIES));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("verify_1m", |b| {
        b.iter(|| black_box(verify_chain(black_box(&entries)).expect("intact")));
    });
    group.finish();
}

/// Appends through a `StoredAuditLog`: each append seals the entry, writes it with a
/// conditional put and signs a checkpoint of the head into `checkpoints`.
fn bench_stored_append<S: KeyValueStore, C: KeyValueStore>(
    c: &mut Criterion,
    name: &str,
    entries: S,
    checkpoints: C,
) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let store = EncryptedStore::new(entries, Keyring::generate());
    let log = runtime
        .block_on(StoredAuditLog::open(
            store,
            checkpoints,
            TenantId::new("acme"),
            EncryptionKey::generate(),
        ))
        .expect("log opens");

    let mut group = c.benchmark_group("audit");
    group.throughput(Throughput::Elements(1));
    group.bench_function(name, |b| {
        let mut index = 0;
        b.iter(|| {
            index += 1;
            black_box(
                runtime
                    .block_on(async_policy::AuditLog::append(&log, record(index)))
                    .expect("stored"),
            )
        });
    });
    group.finish();
}

fn stored_audit(c: &mut Criterion) {
    bench_stored_append(
        c,
        "append_stored_memory",
        MemoryStore::new(),
        MemoryStore::new(),
    );

    let dir = tempfile::tempdir().expect("temporary directory");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let entries = runtime
        .block_on(SqliteStore::open(dir.path().join("audit.db")))
        .expect("sqlite opens");
    let checkpoints = runtime
        .block_on(SqliteStore::open(dir.path().join("checkpoints.db")))
        .expect("sqlite opens");
    drop(runtime);
    bench_stored_append(c, "append_stored_sqlite", entries, checkpoints);
}

criterion_group!(benches, decisions, audit, stored_audit);
criterion_main!(benches);
