//! Audit entries written by earlier versions still verify, and a new purpose is
//! recorded under its own key.

use async_core::ids::PersonId;
use async_policy::{
    AccessEvent, AuditEntry, AuditEvent, AuditRecord, DataCategory, Effect, MemoryAuditLog,
    Purpose, RuleId, Scope, verify_chain,
};
use chrono::{TimeZone, Utc};

/// Reads a log that was written before `Purpose::MeetingNotes` existed.
fn earlier_log() -> Vec<AuditEntry> {
    let path = format!(
        "{}/tests/fixtures/audit/log-v2-before-meeting-notes.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{path}: {error}"));
    serde_json::from_str(&text).expect("the fixture is an audit log")
}

fn meeting_notes_record() -> AuditRecord {
    AuditRecord {
        at: Utc
            .with_ymd_and_hms(2026, 12, 3, 10, 0, 0)
            .single()
            .expect("valid time"),
        event: AuditEvent::Access(AccessEvent {
            viewer: PersonId::new("dana"),
            scope: Scope::Individual(PersonId::new("lee")),
            category: DataCategory::Chat,
            purpose: Purpose::MeetingNotes,
            effect: Effect::Allow,
            rule: RuleId::OthersIndividual,
        }),
    }
}

#[test]
fn earlier_log_still_verifies() {
    let entries = earlier_log();

    let verified = verify_chain(&entries).expect("an unchanged log verifies");

    assert_eq!(verified.entries, 3);
}

#[test]
fn meeting_notes_entry_extends_earlier_log() {
    let log = MemoryAuditLog::from_entries(earlier_log());

    let entry = log
        .append_now(meeting_notes_record())
        .expect("append succeeds");
    let json = serde_json::to_value(&entry).expect("serializes");

    assert_eq!(entry.sequence, 3);
    assert_eq!(
        json["record"]["event"]["access"]["purpose"],
        "meeting_notes"
    );
    let mut entries = earlier_log();
    entries.push(entry);
    assert_eq!(verify_chain(&entries).expect("verifies").entries, 4);
}

#[test]
fn purpose_change_breaks_the_chain() {
    let log = MemoryAuditLog::from_entries(earlier_log());
    let entry = log
        .append_now(meeting_notes_record())
        .expect("append succeeds");
    let mut entries = earlier_log();
    entries.push(entry);

    if let AuditEvent::Access(access) = &mut entries[3].record.event {
        access.purpose = Purpose::Retrospective;
    }

    assert!(verify_chain(&entries).is_err());
}
