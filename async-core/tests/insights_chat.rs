//! Chat blockers: lexicon hits in monitored channels that no later message resolves.

use async_core::identity::{IdentityConfig, IdentityMap, IdentityResolver};
use async_core::ids::{ChannelId, PersonId};
use async_core::insights::synthetic::build;
use async_core::insights::{Blocker, BlockerKind, Evidence, InsightConfig, detect_blockers};
use async_core::model::{
    AccountKey, ActivityBatch, ChatChannel, ChatMessage, Provider, ProviderAccount, TimeWindow,
};
use chrono::{DateTime, TimeDelta, TimeZone, Utc};

const MAPPING: &str = r#"
[[person]]
id = "dana"
name = "Dana"
accounts = ["slack:U0DANA"]

[[person]]
id = "lee"
name = "Lee"
accounts = ["slack:U0LEE"]
"#;

/// Tuesday, January 6, 2026 at `hour`:`minute` UTC.
fn at(hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 6, hour, minute, 0)
        .single()
        .expect("valid date")
}

fn now() -> DateTime<Utc> {
    at(18, 0)
}

/// Returns the window, Tuesday 08:00 to 17:00.
fn window() -> TimeWindow {
    TimeWindow::new(at(8, 0), at(17, 0))
}

fn dana() -> Option<AccountKey> {
    Some(AccountKey::new(Provider::Slack, "U0DANA"))
}

fn lee() -> Option<AccountKey> {
    Some(AccountKey::new(Provider::Slack, "U0LEE"))
}

fn team_channel() -> ChannelId {
    ChannelId::new("C0TEAM")
}

fn say(author: Option<AccountKey>, text: &str, posted: DateTime<Utc>) -> ChatMessage {
    build::message(&team_channel(), author, text, posted)
}

fn batch(messages: Vec<ChatMessage>) -> ActivityBatch {
    ActivityBatch {
        channels: vec![ChatChannel {
            id: team_channel(),
            name: Some("payments".into()),
            is_private: false,
        }],
        messages,
        ..ActivityBatch::default()
    }
}

fn identity(batch: &ActivityBatch) -> IdentityMap {
    let config = IdentityConfig::from_toml_str(MAPPING).expect("valid mapping");
    IdentityResolver::new(config)
        .expect("valid config")
        .resolve_batch(batch)
}

fn detect_with(batch: &ActivityBatch, config: &InsightConfig) -> Vec<Blocker> {
    detect_blockers(batch, &identity(batch), window(), now(), config)
}

fn detect(batch: &ActivityBatch) -> Vec<Blocker> {
    detect_with(batch, &InsightConfig::default())
}

fn message_evidence(blocker: &Blocker) -> &async_core::insights::MessageEvidence {
    blocker
        .evidence
        .iter()
        .find_map(|evidence| match evidence {
            Evidence::Message(message) => Some(message),
            _ => None,
        })
        .expect("message evidence")
}

#[test]
fn blocked_message_is_reported_with_evidence() {
    let text = "Blocked on <@U0LEE> reviewing the ledger schema for PAY-12, can't ship the refund flow without it";
    let message = say(dana(), text, at(9, 30));
    let ts = message.ts.clone();

    let blockers = detect(&batch(vec![message]));

    assert_eq!(blockers.len(), 1);
    let blocker = &blockers[0];
    assert_eq!(blocker.kind, BlockerKind::ChatMessage);
    assert_eq!(blocker.person, Some(PersonId::new("dana")));
    assert_eq!(blocker.since, Some(at(9, 30)));
    let evidence = message_evidence(blocker);
    assert_eq!(evidence.channel, team_channel());
    assert_eq!(evidence.channel_name.as_deref(), Some("payments"));
    assert_eq!(evidence.ts, ts);
    assert_eq!(evidence.phrase, "blocked on");
    assert_eq!(evidence.mentions, lee().into_iter().collect::<Vec<_>>());
    assert_eq!(evidence.work_items, vec!["PAY-12".into()]);
}

#[test]
fn long_message_is_excerpted() {
    let text = format!(
        "Waiting for the vendor sandbox. {}",
        "More detail. ".repeat(20)
    );
    let blockers = detect(&batch(vec![say(dana(), &text, at(9, 0))]));

    let excerpt = &message_evidence(&blockers[0]).excerpt;
    assert_eq!(excerpt.chars().count(), 121);
    assert!(excerpt.starts_with("Waiting for the vendor sandbox."));
    assert!(excerpt.ends_with('…'));
}

#[test]
fn unblocked_and_negated_text_is_ignored() {
    let messages = vec![
        say(dana(), "Finally unblocked on the migration", at(9, 0)),
        say(lee(), "I'm not blocked by anything today", at(9, 5)),
        say(dana(), "No longer waiting for the keys", at(9, 10)),
        say(lee(), "The blockers list is empty", at(9, 15)),
    ];

    assert!(detect(&batch(messages)).is_empty());
}

#[test]
fn thread_reply_from_anyone_resolves() {
    let message = say(dana(), "Stuck on the flaky checkout test", at(9, 0));
    let reply = build::reply(
        &message,
        lee(),
        "Fixed it on main, rebase and you're good",
        at(10, 0),
    );

    assert!(detect(&batch(vec![message, reply])).is_empty());
}

#[test]
fn reply_after_window_still_resolves() {
    let message = say(dana(), "Waiting on infra for the DNS change", at(16, 0));
    let reply = build::reply(&message, lee(), "DNS change is done", at(17, 30));

    assert!(detect(&batch(vec![message, reply])).is_empty());
}

#[test]
fn unrelated_reply_does_not_resolve() {
    let message = say(dana(), "Waiting on infra for the DNS change", at(9, 0));
    let reply = build::reply(&message, lee(), "I'll ping them", at(9, 10));
    let negated = build::reply(&message, lee(), "Not resolved yet, sorry", at(9, 20));

    let blockers = detect(&batch(vec![message, reply, negated]));

    assert_eq!(blockers.len(), 1);
}

#[test]
fn others_unthreaded_resolution_ignored() {
    let message = say(
        dana(),
        "Can't proceed until the API key is rotated",
        at(9, 0),
    );
    let other = say(lee(), "Merged my branch", at(10, 0));

    assert_eq!(detect(&batch(vec![message, other])).len(), 1);
}

#[test]
fn writers_own_later_message_resolves() {
    let message = say(dana(), "Need help with the Terraform plan", at(9, 0));
    let later = say(dana(), "Sorted, thanks all", at(11, 0));

    assert!(detect(&batch(vec![message, later])).is_empty());
}

#[test]
fn earlier_resolution_does_not_count() {
    let earlier = say(dana(), "Yesterday's issue is resolved", at(8, 30));
    let message = say(dana(), "Now blocked by the release freeze", at(9, 0));

    assert_eq!(detect(&batch(vec![earlier, message])).len(), 1);
}

#[test]
fn message_outside_window_is_ignored() {
    let before = say(dana(), "Blocked on legal review", at(7, 59));
    let after = say(dana(), "Blocked on legal review again", at(17, 0));

    assert!(detect(&batch(vec![before, after])).is_empty());
}

#[test]
fn bot_messages_are_ignored() {
    let mut flagged = say(lee(), "Deploy waiting for approval", at(9, 0));
    flagged.is_bot = true;
    let deploy_bot = Some(AccountKey::new(Provider::Slack, "B0DEPLOY"));
    let by_bot_account = say(
        deploy_bot.clone(),
        "Pipeline blocked by failing checks",
        at(9, 5),
    );
    let mut data = batch(vec![flagged, by_bot_account]);
    let mut bot = ProviderAccount::new(AccountKey::new(Provider::Slack, "B0DEPLOY"));
    bot.is_bot = true;
    data.accounts.push(bot);

    assert!(detect(&data).is_empty());
}

#[test]
fn system_events_are_ignored() {
    let mut join = say(dana(), "joined, waiting for onboarding", at(9, 0));
    join.subtype = Some("channel_join".into());

    assert!(detect(&batch(vec![join])).is_empty());
}

#[test]
fn unmonitored_channel_is_ignored() {
    let message = say(dana(), "Blocked on the vendor", at(9, 0));
    let data = batch(vec![message]);

    let config = InsightConfig::default().with_monitored_channels([ChannelId::new("C0OTHER")]);
    assert!(detect_with(&data, &config).is_empty());

    let config = InsightConfig::default().with_monitored_channels([team_channel()]);
    assert_eq!(detect_with(&data, &config).len(), 1);
}

#[test]
fn reply_in_thread_can_itself_be_a_blocker() {
    let message = say(lee(), "Who owns the payment webhooks?", at(9, 0));
    let reply = build::reply(
        &message,
        dana(),
        "Same question, I'm blocked until we know",
        at(9, 10),
    );

    let blockers = detect(&batch(vec![message, reply]));

    assert_eq!(blockers.len(), 1);
    assert_eq!(blockers[0].person, Some(PersonId::new("dana")));
    assert!(message_evidence(&blockers[0]).thread_ts.is_some());
}

#[test]
fn message_without_author_is_ignored() {
    let mut message = say(dana(), "Blocked by VPN access", at(9, 0));
    message.author = None;

    assert!(detect(&batch(vec![message])).is_empty());
}

#[test]
fn unmapped_writer_becomes_own_person() {
    let guest = Some(AccountKey::new(Provider::Slack, "U0GUEST"));
    let message = say(guest, "Blocked by VPN access", at(9, 0));

    let blockers = detect(&batch(vec![message]));

    assert_eq!(blockers.len(), 1);
    assert_eq!(blockers[0].person, Some(PersonId::new("slack:U0GUEST")));
}

#[test]
fn later_message_after_now_is_ignored() {
    let message = say(dana(), "Waiting for the security sign-off", at(9, 0));
    let future = build::reply(
        &message,
        lee(),
        "Approved and merged",
        now() + TimeDelta::hours(1),
    );

    assert_eq!(detect(&batch(vec![message, future])).len(), 1);
}
