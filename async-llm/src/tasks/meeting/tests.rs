//! Meeting notes offline and with a scripted model.

use async_core::model::TranscriptCue;
use async_policy::{DataCategory, Purpose};

use super::*;
use crate::OfflineModel;
use crate::structured::MismatchKind;
use crate::tasks::tokens::estimate_tokens;
use crate::test_support::{Scripted, approve, guard};

fn cue(index: u32, text: &str) -> TranscriptCue {
    TranscriptCue {
        index,
        start_ms: u64::from(index) * 5_000,
        end_ms: u64::from(index) * 5_000 + 4_000,
        speaker: None,
        speaker_account: None,
        text: text.into(),
    }
}

fn date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).expect("valid date")
}

fn speaker(person: &str, name: &str, cues: Vec<TranscriptCue>) -> SpeakerCues {
    SpeakerCues {
        person: PersonId::new(person),
        name: name.into(),
        cues,
    }
}

fn transcript() -> MeetingTranscript {
    let guard = guard();
    let purpose = Purpose::MeetingNotes;
    let dana = speaker(
        "dana",
        "Dana Whitfield",
        vec![
            cue(1, "Let's look at the event store options."),
            cue(3, "Okay, let's go with Postgres for the event store."),
            cue(5, "Lee, can you rotate the staging keys by Friday?"),
        ],
    );
    let lee = speaker(
        "lee",
        "Lee",
        vec![
            cue(2, "Kafka would be a lot more to run."),
            cue(4, "I'll write the migration plan by 2026-12-10."),
            cue(6, "Sure. Action item for Dana: book the review."),
        ],
    );
    MeetingTranscript::new("dana", "Storage sync", date())
        .with_speaker(&approve(&guard, "dana", DataCategory::Chat, purpose, dana))
        .and_then(|t| t.with_speaker(&approve(&guard, "lee", DataCategory::Chat, purpose, lee)))
        .expect("approved cues")
        .with_participant("sam", "Sam")
}

#[tokio::test]
async fn offline_extracts_decisions_and_actions() {
    let notes = extract_meeting_notes(
        &OfflineModel::new(),
        &transcript(),
        &MeetingNotesOptions::default(),
    )
    .await
    .expect("offline notes");

    assert_eq!(notes.decisions.len(), 1);
    assert_eq!(notes.decisions[0].cue, 3);
    assert_eq!(notes.decisions[0].fact_id.as_str(), "cue:3");
    assert!(notes.decisions[0].statement.contains("Postgres"));

    let actions: Vec<(u32, Option<&str>, Option<NaiveDate>)> = notes
        .action_items
        .iter()
        .map(|a| {
            (
                a.cue,
                a.owner
                    .as_ref()
                    .and_then(|o| o.person.as_ref())
                    .map(|p| p.as_str()),
                a.due,
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            (4, Some("lee"), NaiveDate::from_ymd_opt(2026, 12, 10)),
            (5, Some("lee"), NaiveDate::from_ymd_opt(2026, 12, 4)),
            (6, Some("dana"), None),
        ]
    );
    assert!(notes.markdown.contains("## Decisions"));
    assert!(
        notes
            .markdown
            .contains("- **Lee**: I'll write the migration plan")
    );
    assert!(notes.usage.is_none());
}

#[tokio::test]
async fn model_owners_are_resolved() {
    let reply = r#"{
        "decisions": [{"statement": "Use Postgres for the event store", "cue": 3}],
        "action_items": [
            {"description": "Write the migration plan", "owner": "I", "due_date": "2026-12-10", "cue": 4},
            {"description": "Rotate staging keys", "owner": "Lee", "due_date": "2026-12-04", "cue": 5},
            {"description": "Book the review", "owner": "dana", "due_date": null, "cue": 6},
            {"description": "Tell ops", "owner": "Morgan", "due_date": null, "cue": 6},
            {"description": "Tidy up", "owner": null, "due_date": null, "cue": 2}
        ]
    }"#;
    let model = Scripted::new(&[reply]);

    let notes = extract_meeting_notes(&model, &transcript(), &MeetingNotesOptions::default())
        .await
        .expect("valid notes");

    let owners: Vec<Option<(String, Option<String>)>> = notes
        .action_items
        .iter()
        .map(|a| {
            a.owner
                .as_ref()
                .map(|o| (o.name.clone(), o.person.as_ref().map(|p| p.to_string())))
        })
        .collect();
    assert_eq!(
        owners,
        [
            Some(("Lee".into(), Some("lee".into()))),
            Some(("Lee".into(), Some("lee".into()))),
            Some(("Dana Whitfield".into(), Some("dana".into()))),
            Some(("Morgan".into(), None)),
            None,
        ]
    );
    let request = &model.requests()[0];
    let user = request.messages[0].content[0].as_text().expect("text");
    assert!(user.starts_with("Meeting: Storage sync on 2026-12-03 (Thu)"));
    assert!(user.contains("\n3 | Dana Whitfield | Okay, let's go with Postgres"));
}

#[tokio::test]
async fn unknown_cue_and_bad_date_are_rejected() {
    let bad = r#"{"decisions": [{"statement": "x", "cue": 99}],
        "action_items": [{"description": "y", "owner": null, "due_date": "2026-02-31", "cue": 4}]}"#;
    let model = Scripted::new(&[bad, bad]);

    let error = extract_meeting_notes(&model, &transcript(), &MeetingNotesOptions::default())
        .await
        .expect_err("invalid notes");

    let mismatch = error.schema_mismatch().expect("mismatch");
    assert_eq!(mismatch.kind(), &MismatchKind::Schema);
    assert_eq!(mismatch.violations()[0].instance_path, "/decisions/0/cue");
    assert_eq!(mismatch.raw_text(), bad);
}

#[test]
fn impossible_date_is_content_problem() {
    let reply = Reply {
        decisions: Vec::new(),
        action_items: vec![ReplyAction {
            description: "y".into(),
            owner: None,
            due_date: Some("2026-02-31".into()),
            cue: 4,
        }],
    };
    let problems = content_problems(&reply, &BTreeSet::from([4]));
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].instance_path, "/action_items/0/due_date");
}

#[test]
fn private_chat_speaker_cannot_join() {
    let guard = guard();
    let request = async_policy::AccessRequest::individual(
        "dana",
        "sam",
        DataCategory::Chat,
        Purpose::MeetingNotes,
    );
    let denied = guard.authorize_now(
        &request,
        speaker("sam", "Sam", vec![cue(7, "I'll fix it.")]),
    );
    assert!(denied.is_err(), "Sam shares chat with nobody");
}

#[test]
fn self_approval_cannot_wrap_others_cues() {
    let guard = guard();
    let own = async_policy::AccessRequest::individual(
        "dana",
        "dana",
        DataCategory::Chat,
        Purpose::MeetingNotes,
    );

    let error = guard
        .authorize_now(&own, speaker("lee", "Lee", vec![cue(2, "Hello.")]))
        .expect_err("Lee's cues are not Dana's own data");

    assert!(error.is_attribution_mismatch(), "{error}");
    assert!(guard.log().is_empty());
}

#[test]
fn others_cues_join_under_their_speaker() {
    let guard = guard();
    let lee_cues = approve(
        &guard,
        "lee",
        DataCategory::Chat,
        Purpose::MeetingNotes,
        speaker("lee", "Lee", vec![cue(2, "Hello.")]),
    );

    let transcript = MeetingTranscript::new("dana", "Sync", date())
        .with_speaker(&lee_cues)
        .expect("Lee's cues approved as Lee's");

    assert_eq!(transcript.cue_count(), 1);
    assert_eq!(transcript.participants[0].person.as_str(), "lee");
}

#[test]
fn other_purpose_is_rejected() {
    let guard = guard();
    let cues = approve(
        &guard,
        "dana",
        DataCategory::Chat,
        Purpose::Standup,
        speaker("dana", "Dana", vec![cue(1, "Hello.")]),
    );
    let error = MeetingTranscript::new("dana", "Sync", date())
        .with_speaker(&cues)
        .expect_err("standup approval");
    assert!(
        error
            .to_string()
            .contains("standup purpose, not meeting notes")
    );
}

#[test]
fn small_budget_keeps_phrase_cues() {
    let transcript = transcript();
    let info = ModelInfo::new("t", "t");
    let full =
        meeting_notes_prompt(&transcript, &MeetingNotesOptions::default(), &info).expect("prompt");
    assert_eq!(full.cues, [1, 2, 3, 4, 5, 6]);

    let budget = full.estimated_tokens - 12;
    let options = MeetingNotesOptions::default().with_max_prompt_tokens(budget);
    let prompt = meeting_notes_prompt(&transcript, &options, &info).expect("prompt");

    assert!(prompt.omitted_cues >= 1);
    assert!(!prompt.cues.contains(&1), "{:?}", prompt.cues);
    assert!(prompt.cues.contains(&3), "{:?}", prompt.cues);
    assert!(
        prompt
            .user
            .contains("cues without a decision or task phrase were left out")
    );
    let whole = estimate_tokens(&prompt.system) + estimate_tokens(&prompt.user);
    assert!(whole <= budget, "{whole} over {budget}");
}

#[test]
fn split_by_speaker_resolves_accounts() {
    use async_core::identity::{IdentityConfig, IdentityResolver};
    use async_core::model::{AccountKey, ActivityBatch, Provider, Transcript};

    let config = IdentityConfig::from_toml_str(
        r#"
        [[person]]
        id = "dana"
        name = "Dana Whitfield"
        accounts = ["zoom:u-dana"]
        "#,
    )
    .expect("config");
    let identity = IdentityResolver::new(config)
        .expect("resolver")
        .resolve_batch(&ActivityBatch::default());
    let mut known = cue(1, "Hello.");
    known.speaker_account = Some(AccountKey::new(Provider::Zoom, "u-dana"));
    let mut unknown = cue(2, "Hi.");
    unknown.speaker = Some("Guest".into());
    let transcript = Transcript {
        meeting: MeetingId::new("m1"),
        cues: vec![known, unknown],
    };

    let (speakers, unattributed) = split_by_speaker(&transcript, &identity);

    assert_eq!(speakers.len(), 1);
    assert_eq!(speakers[0].person.as_str(), "dana");
    assert_eq!(speakers[0].name, "Dana Whitfield");
    assert_eq!(unattributed.len(), 1);
}
