//! The guard releases data only through allowed, audited decisions.

mod common;

use async_core::ids::PersonId;
use async_policy::{
    AccessRequest, AuditEntry, AuditLog, AuditRecord, DataCategory, Effect, Error, Guard,
    MemoryAuditLog, Purpose, RuleId, VisibilitySettings, verify_chain,
};
use chrono::{TimeZone, Utc};

fn guard() -> Guard<async_policy::RulesEngine, MemoryAuditLog> {
    let now = Utc
        .with_ymd_and_hms(2026, 11, 26, 9, 0, 0)
        .single()
        .expect("valid time");
    Guard::new(
        common::engine(VisibilitySettings::new()),
        MemoryAuditLog::new(),
    )
    .with_clock(move || now)
}

#[test]
fn allowed_access_to_others_is_audited_before_release() {
    let guard = guard();
    let request = AccessRequest::individual("lee", "dana", DataCategory::Work, Purpose::Standup);

    let approved = guard.authorize(&request, "PAY-12").expect("allowed");

    assert_eq!(*approved.value(), "PAY-12");
    assert_eq!(approved.viewer(), &PersonId::new("lee"));
    let entries = guard.log().entries_about(&PersonId::new("dana"));
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].record.effect, Effect::Allow);
    assert_eq!(entries[0].record.rule, RuleId::OthersIndividual);
    assert_eq!(entries[0].record.purpose, Purpose::Standup);
}

#[test]
fn denied_access_is_audited_and_not_released() {
    let guard = guard();
    let request =
        AccessRequest::individual("lee", "dana", DataCategory::ChatMetrics, Purpose::Standup);

    let error = guard.authorize(&request, 42).expect_err("denied");

    assert!(error.is_denied());
    assert_eq!(
        error.to_string(),
        "denied by others-individual: Dana shares chat metrics with nobody but themselves"
    );
    let entries = guard.log().entries_about(&PersonId::new("dana"));
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].record.effect, Effect::Deny);
}

#[test]
fn self_and_aggregate_access_leave_no_individual_trail() {
    let guard = guard();
    let own = AccessRequest::individual("dana", "dana", DataCategory::Chat, Purpose::Standup);
    let team =
        AccessRequest::team_aggregate("dana", "payments", DataCategory::Work, Purpose::Standup);

    guard.authorize(&own, ()).expect("own data");
    guard.authorize(&team, ()).expect("team aggregate");

    assert!(guard.log().entries().is_empty());
}

/// An audit log whose storage always fails.
struct FailingLog;

impl AuditLog for FailingLog {
    fn append(&self, _record: AuditRecord) -> Result<AuditEntry, Error> {
        Err(Error::AuditWriteFailed {
            reason: "disk full".to_owned(),
        })
    }

    fn entries(&self) -> Vec<AuditEntry> {
        Vec::new()
    }
}

#[test]
fn failed_audit_write_means_no_release() {
    let guard = Guard::new(common::engine(VisibilitySettings::new()), FailingLog);
    let request = AccessRequest::individual("lee", "dana", DataCategory::Work, Purpose::Standup);

    let error = guard
        .authorize(&request, "PAY-12")
        .expect_err("not released");

    assert!(matches!(error, Error::AuditWriteFailed { .. }));
}

#[test]
fn audit_chain_verifies_and_detects_tampering() {
    let guard = guard();
    for (viewer, subject) in [
        ("lee", "dana"),
        ("sam", "dana"),
        ("morgan", "lee"),
        ("ari", "sam"),
    ] {
        let request =
            AccessRequest::individual(viewer, subject, DataCategory::Code, Purpose::Standup);
        guard.authorize(&request, ()).expect("allowed");
    }
    let entries = guard.log().entries();
    assert!(guard.log().verify().is_ok());

    let mut edited = entries.clone();
    edited[1].record.viewer = PersonId::new("root");
    assert_tampered(&edited, 1);

    let mut dropped = entries.clone();
    dropped.remove(1);
    assert_tampered(&dropped, 2);

    let mut reordered = entries.clone();
    reordered.swap(1, 2);
    assert_tampered(&reordered, 2);

    let mut inserted = entries.clone();
    let mut forged = entries[1].clone();
    forged.record.purpose = Purpose::Export;
    inserted.insert(2, forged);
    assert_tampered(&inserted, 1);
}

fn assert_tampered(entries: &[AuditEntry], expected_sequence: u64) {
    match verify_chain(entries) {
        Err(Error::AuditTampered { sequence, .. }) => assert_eq!(sequence, expected_sequence),
        other => panic!("expected tampering at {expected_sequence}, got {other:?}"),
    }
    let reloaded = MemoryAuditLog::from_entries(entries.to_vec());
    assert!(reloaded.verify().is_err());
}
