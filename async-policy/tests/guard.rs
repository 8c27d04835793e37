//! The guard releases data only through allowed, audited decisions.

mod common;

use async_core::ids::PersonId;
use async_policy::{
    AccessRequest, AuditEntry, AuditEvent, AuditLog, AuditRecord, DataCategory, Effect, Error,
    Guard, MemoryAuditLog, Purpose, RuleId, Scope, Verified, Visibility, VisibilitySettings,
};
use chrono::{DateTime, TimeZone, Utc};
use common::Record;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 9, 0, 0)
        .single()
        .expect("valid time")
}

fn guard() -> Guard<async_policy::RulesEngine, MemoryAuditLog> {
    Guard::new(
        common::engine(VisibilitySettings::new()),
        MemoryAuditLog::new(),
    )
    .with_clock(now)
}

fn chat() -> Record {
    Record::of("dana", "chat")
}

fn access(entry: &AuditEntry) -> &async_policy::AccessEvent {
    entry.record.access().expect("an access")
}

#[tokio::test]
async fn allowed_access_to_others_is_audited_before_release() {
    let guard = guard();
    let request = AccessRequest::individual("lee", "dana", DataCategory::Work, Purpose::Standup);

    let approved = guard
        .authorize(&request, Record::of("dana", "PAY-12"))
        .await
        .expect("allowed");

    assert_eq!(approved.value().text, "PAY-12");
    assert_eq!(approved.viewer(), &PersonId::new("lee"));
    assert_eq!(approved.audit_entry(), Some(0));
    let entries = guard
        .accesses_to(&PersonId::new("dana"))
        .await
        .expect("readable");
    assert_eq!(entries.len(), 1);
    assert_eq!(access(&entries[0]).effect, Effect::Allow);
    assert_eq!(access(&entries[0]).rule, RuleId::OthersIndividual);
    assert_eq!(access(&entries[0]).purpose, Purpose::Standup);
    assert_eq!(entries[0].record.at, now());
}

#[tokio::test]
async fn denied_access_is_audited_and_not_released() {
    let guard = guard();
    let request =
        AccessRequest::individual("lee", "dana", DataCategory::ChatMetrics, Purpose::Coaching);

    let error = guard
        .authorize(&request, Record::of("dana", "42 messages"))
        .await
        .expect_err("denied");

    assert!(error.is_denied());
    assert_eq!(
        error.to_string(),
        "denied: Dana shares chat metrics with nobody but herself"
    );
    let entries = guard.log().entries().await.expect("readable");
    assert_eq!(entries.len(), 1);
    assert_eq!(access(&entries[0]).effect, Effect::Deny);
}

#[tokio::test]
async fn own_data_and_aggregates_leave_no_entry() {
    let guard = guard();
    let own = AccessRequest::individual("dana", "dana", DataCategory::Chat, Purpose::Standup);
    let team =
        AccessRequest::team_aggregate("dana", "payments", DataCategory::Work, Purpose::Standup);

    let own_chat = Record::of("dana", "own chat");
    guard.authorize(&own, own_chat).await.expect("own data");
    let team_work = Record::of_team("payments", "team work");
    guard.authorize(&team, team_work).await.expect("aggregate");

    assert!(guard.log().is_empty());
}

/// A log whose writes always fail.
struct BrokenLog;

impl AuditLog for BrokenLog {
    async fn append(&self, _record: AuditRecord) -> Result<AuditEntry, Error> {
        Err(Error::AuditWriteFailed {
            reason: "disk full".to_owned(),
        })
    }

    async fn entries(&self) -> Result<Vec<AuditEntry>, Error> {
        Ok(Vec::new())
    }
}

#[tokio::test]
async fn failed_audit_write_releases_nothing() {
    let guard = Guard::new(common::engine(VisibilitySettings::new()), BrokenLog);
    let request = AccessRequest::individual("lee", "dana", DataCategory::Work, Purpose::Standup);

    let error = guard
        .authorize(&request, Record::of("dana", "secret"))
        .await
        .expect_err("not released");

    assert!(matches!(error, Error::AuditWriteFailed { .. }), "{error}");
    assert!(error.to_string().contains("disk full"));
}

#[tokio::test]
async fn visibility_change_applies_at_once_and_is_audited() {
    let guard = guard();
    let dana = PersonId::new("dana");
    let request = AccessRequest::individual("lee", "dana", DataCategory::Chat, Purpose::Standup);
    assert!(guard.authorize(&request, chat()).await.is_ok());

    let change = guard
        .change_visibility(&dana, &dana, DataCategory::Chat, Visibility::OnlyMe)
        .await
        .expect("own setting");

    assert_eq!(change.from, Visibility::Team);
    assert!(guard.authorize(&request, chat()).await.is_err());
    let about = guard.accesses_to(&dana).await.expect("readable");
    assert!(matches!(
        &about[1].record.event,
        AuditEvent::VisibilityChange(change) if change.to == Visibility::OnlyMe
    ));
    let verified: Verified = guard.log().verify().await.expect("intact");
    assert_eq!(verified.entries, 3);
}

#[tokio::test]
async fn only_the_person_changes_their_settings() {
    let guard = guard();
    let (lee, dana, ghost) = (
        PersonId::new("lee"),
        PersonId::new("dana"),
        PersonId::new("ghost"),
    );

    let other = guard
        .change_visibility(&lee, &dana, DataCategory::Chat, Visibility::Team)
        .await;
    let unknown = guard
        .change_visibility(&ghost, &ghost, DataCategory::Chat, Visibility::Team)
        .await;

    assert!(matches!(other, Err(Error::NotOwnSetting { .. })));
    assert!(matches!(unknown, Err(Error::UnknownPerson { .. })));
    assert!(guard.log().is_empty());
}

#[tokio::test]
async fn own_request_cannot_carry_others_data() {
    let guard = guard();
    let own = AccessRequest::individual("lee", "lee", DataCategory::Work, Purpose::Standup);

    let error = guard
        .authorize(&own, Record::of("dana", "PAY-12"))
        .await
        .expect_err("Dana's record is not Lee's");

    assert!(error.is_attribution_mismatch(), "{error}");
    assert_eq!(
        error.to_string(),
        "the value belongs to person dana but access was requested for person lee; \
         request access for the value's own subject"
    );
}

#[tokio::test]
async fn attribution_mismatch_is_not_audited() {
    let guard = guard();
    let others = AccessRequest::individual("lee", "dana", DataCategory::Work, Purpose::Standup);

    let error = guard
        .authorize(&others, Record::of("sam", "PAY-14"))
        .await
        .expect_err("Sam's record under Dana's request");

    assert!(
        matches!(
            &error,
            Error::AttributionMismatch { requested, value }
                if *requested == Scope::Individual(PersonId::new("dana"))
                    && *value == Scope::Individual(PersonId::new("sam"))
        ),
        "{error}"
    );
    assert!(guard.log().is_empty());
}

#[tokio::test]
async fn team_request_cannot_carry_individual_data() {
    let guard = guard();
    let team =
        AccessRequest::team_aggregate("dana", "payments", DataCategory::Work, Purpose::Standup);

    let individual = guard.authorize(&team, Record::of("lee", "PAY-12")).await;
    let wrong_team = guard
        .authorize(&team, Record::of_team("platform", "platform work"))
        .await;

    assert!(individual.is_err_and(|error| error.is_attribution_mismatch()));
    assert!(wrong_team.is_err_and(|error| error.is_attribution_mismatch()));
}

#[test]
fn mismatch_is_checked_before_deciding() {
    let guard = guard();
    let denied_anyway =
        AccessRequest::individual("lee", "dana", DataCategory::ChatMetrics, Purpose::Coaching);

    let error = guard
        .authorize_now(&denied_anyway, Record::of("lee", "own metrics"))
        .expect_err("mismatch");

    assert!(error.is_attribution_mismatch(), "{error}");
    assert!(error.decision().is_none());
    assert!(guard.log().is_empty());
}

#[test]
fn borrowed_values_keep_their_attribution() {
    let guard = guard();
    let request = AccessRequest::individual("lee", "dana", DataCategory::Work, Purpose::Standup);
    let record = Record::of("dana", "PAY-12");

    let approved = guard.authorize_now(&request, &record).expect("allowed");
    let borrowed = approved.as_ref();

    assert_eq!(borrowed.value().text, "PAY-12");
    assert_eq!(borrowed.scope(), &Scope::Individual(PersonId::new("dana")));
}
