//! Canary facts the viewer may not see never reach any task's prompt.
//!
//! Each candidate fact goes through the policy guard as a service would send it; only
//! approved ones are handed to the tasks. Canary strings sit in facts the policy denies
//! (a private chat, a person outside the viewer's teams, a code setting for managers
//! only), and a recording model keeps every prompt each task sends.

mod common;

use std::sync::Mutex;

use async_core::ids::{PersonId, SprintId, TeamId, WorkItemKey};
use async_core::model::{Team, TranscriptCue};
use async_llm::tasks::copilot::{CopilotFacts, CopilotOptions, answer_question};
use async_llm::tasks::meeting::{
    MeetingNotesOptions, MeetingTranscript, SpeakerCues, extract_meeting_notes,
};
use async_llm::tasks::retro::{
    RetroFacts, RetroOptions, SprintItem, SprintOutcome, SprintSummary, SprintWork,
    write_retrospective,
};
use async_llm::tasks::standup::{
    BlockerFact, BlockerSource, CodeFacts, PersonFacts, Progress, PullRequestFact,
    PullRequestStatus, StandupFacts, StandupOptions, WorkFacts, WorkItemFact, write_standup,
};
use async_llm::{
    CompletionRequest, CompletionResponse, Error, LanguageModel, ModelInfo, OfflineModel,
};
use async_policy::{
    AccessRequest, Authorized, DataCategory, Guard, MemoryAuditLog, Organization, Purpose,
    RulesEngine, Visibility, VisibilitySettings,
};
use async_trait::async_trait;
use chrono::NaiveDate;

const CANARIES: [&str; 4] = [
    "CANARY-CHAT-7f3",
    "CANARY-OUTSIDER-42",
    "CANARY-CODE-9c1",
    "CANARY-CUE-b55",
];

type TestGuard = Guard<RulesEngine, MemoryAuditLog>;

/// The offline model, keeping the text of every request it answers.
#[derive(Default)]
struct Recording {
    prompts: Mutex<Vec<String>>,
}

#[async_trait]
impl LanguageModel for Recording {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let text = common::request_text(request);
        self.prompts.lock().expect("prompts lock").push(text);
        OfflineModel::new().complete(request).await
    }

    fn describe(&self) -> ModelInfo {
        ModelInfo::new("recording", "recording")
    }
}

impl Recording {
    fn all_prompts(&self) -> String {
        self.prompts.lock().expect("prompts lock").join("\n")
    }
}

/// Team `payments` of Dana, Lee and Sam; Sam keeps chat private and Lee shows code to
/// managers only. Riley is in another team.
fn guard() -> TestGuard {
    let payments = Team {
        id: TeamId::new("payments"),
        name: "Payments".into(),
        members: ["dana", "lee", "sam"].map(PersonId::new).to_vec(),
        managers: vec![PersonId::new("morgan")],
    };
    let ledger = Team {
        id: TeamId::new("ledger"),
        name: "Ledger".into(),
        members: ["riley", "kim", "ash"].map(PersonId::new).to_vec(),
        managers: Vec::new(),
    };
    let mut settings = VisibilitySettings::default();
    settings.set(PersonId::new("sam"), DataCategory::Chat, Visibility::OnlyMe);
    settings.set(
        PersonId::new("lee"),
        DataCategory::Code,
        Visibility::Managers,
    );
    Guard::new(
        RulesEngine::new(Organization::new(vec![payments, ledger]), settings),
        MemoryAuditLog::new(),
    )
}

/// Asks the guard as a service would, keeping only what it allows.
fn ask<T: async_policy::Attributed>(
    guard: &TestGuard,
    subject: &str,
    category: DataCategory,
    purpose: Purpose,
    value: T,
) -> Option<Authorized<T>> {
    let request = AccessRequest::individual("dana", subject, category, purpose);
    guard.authorize_now(&request, value).ok()
}

fn work(person: &str, key: &str, title: &str) -> WorkFacts {
    WorkFacts {
        person: PersonId::new(person),
        items: vec![WorkItemFact {
            key: WorkItemKey::new(key),
            title: title.into(),
            url: None,
            status: "In Progress".into(),
            progress: Progress::InProgress,
            updated_at: None,
        }],
    }
}

fn code(person: &str, title: &str) -> CodeFacts {
    CodeFacts {
        person: PersonId::new(person),
        pull_requests: vec![PullRequestFact {
            repository: async_core::ids::RepositoryId::new("acme/payments"),
            number: 7,
            title: title.into(),
            url: None,
            status: PullRequestStatus::Open,
            updated_at: None,
            work_items: Vec::new(),
        }],
        reviews: Vec::new(),
    }
}

fn chat_blocker(person: &str, text: &str) -> BlockerFact {
    BlockerFact {
        person: PersonId::new(person),
        summary: text.into(),
        source: BlockerSource::Chat,
        since: None,
        evidence: Vec::new(),
    }
}

#[tokio::test]
async fn standup_prompt_has_no_canary() {
    let guard = guard();
    let model = Recording::default();
    let purpose = Purpose::Standup;

    let mut facts = StandupFacts::new("dana");
    let mut lee = PersonFacts::new("lee", "Lee");
    if let Some(approved) = ask(
        &guard,
        "lee",
        DataCategory::Work,
        purpose,
        work("lee", "PAY-13", "Audit trail"),
    ) {
        lee = lee.with_work(approved);
    }
    if let Some(approved) = ask(
        &guard,
        "lee",
        DataCategory::Code,
        purpose,
        code("lee", "CANARY-CODE-9c1"),
    ) {
        lee = lee.with_code(approved);
    }
    let mut sam = PersonFacts::new("sam", "Sam");
    if let Some(approved) = ask(
        &guard,
        "sam",
        DataCategory::Chat,
        purpose,
        chat_blocker("sam", "CANARY-CHAT-7f3"),
    ) {
        sam = sam.with_blocker(approved);
    }
    let mut riley = PersonFacts::new("riley", "Riley");
    if let Some(approved) = ask(
        &guard,
        "riley",
        DataCategory::Work,
        purpose,
        work("riley", "LED-1", "CANARY-OUTSIDER-42"),
    ) {
        riley = riley.with_work(approved);
    }
    facts = facts.with_person(lee).with_person(sam).with_person(riley);

    write_standup(&model, &facts, &StandupOptions::default())
        .await
        .expect("standup");

    assert_clean(&model, "PAY-13");
}

#[tokio::test]
async fn copilot_prompt_has_no_canary() {
    let guard = guard();
    let model = Recording::default();
    let purpose = Purpose::CopilotAnswer;

    let mut facts = CopilotFacts::new("dana");
    if let Some(approved) = ask(
        &guard,
        "lee",
        DataCategory::Work,
        purpose,
        work("lee", "PAY-13", "Audit trail"),
    ) {
        facts = facts
            .with_work("Lee", &approved)
            .expect("matching approval");
    }
    if let Some(approved) = ask(
        &guard,
        "lee",
        DataCategory::Code,
        purpose,
        code("lee", "CANARY-CODE-9c1"),
    ) {
        facts = facts
            .with_code("Lee", &approved)
            .expect("matching approval");
    }
    if let Some(approved) = ask(
        &guard,
        "sam",
        DataCategory::Chat,
        purpose,
        chat_blocker("sam", "CANARY-CHAT-7f3"),
    ) {
        facts = facts
            .with_blocker("Sam", &approved)
            .expect("matching approval");
    }
    if let Some(approved) = ask(
        &guard,
        "riley",
        DataCategory::Work,
        purpose,
        work("riley", "LED-1", "CANARY-OUTSIDER-42"),
    ) {
        facts = facts
            .with_work("Riley", &approved)
            .expect("matching approval");
    }

    answer_question(
        &model,
        &facts,
        "What is CANARY about the audit trail?",
        &CopilotOptions::default(),
    )
    .await
    .expect("answer");

    // The question itself names "CANARY"; the canary ids must still be absent.
    assert_clean(&model, "PAY-13");
}

#[tokio::test]
async fn retrospective_prompt_has_no_canary() {
    let guard = guard();
    let model = Recording::default();
    let purpose = Purpose::Retrospective;
    let sprint = SprintSummary {
        id: SprintId::new("14"),
        name: "PAY Sprint 14".into(),
        goal: None,
        start: None,
        closed_at: None,
    };
    let items = SprintWork {
        team: TeamId::new("payments"),
        items: vec![SprintItem {
            key: WorkItemKey::new("PAY-13"),
            title: "Audit trail".into(),
            url: None,
            outcome: SprintOutcome::CarriedOver,
            added_after_start: false,
            flagged: false,
            estimate: None,
        }],
    };
    let team = AccessRequest::team_aggregate("dana", "payments", DataCategory::Work, purpose);
    let items = guard
        .authorize_now(&team, items)
        .expect("a member sees team aggregates");
    let mut facts = RetroFacts::new("dana", sprint)
        .with_work(&items)
        .expect("matching approval");
    if let Some(approved) = ask(
        &guard,
        "sam",
        DataCategory::Chat,
        purpose,
        chat_blocker("sam", "CANARY-CHAT-7f3"),
    ) {
        facts = facts.with_blocker(&approved).expect("matching approval");
    }
    let other_team = AccessRequest::team_aggregate("dana", "ledger", DataCategory::Work, purpose);
    let outsider = SprintWork {
        team: TeamId::new("ledger"),
        items: vec![SprintItem {
            key: WorkItemKey::new("LED-1"),
            title: "CANARY-OUTSIDER-42".into(),
            url: None,
            outcome: SprintOutcome::Completed,
            added_after_start: false,
            flagged: false,
            estimate: None,
        }],
    };
    assert!(
        guard.authorize_now(&other_team, outsider).is_err(),
        "another team's aggregate"
    );

    write_retrospective(&model, &facts, &RetroOptions::default())
        .await
        .expect("retrospective");

    assert_clean(&model, "PAY-13");
}

#[tokio::test]
async fn meeting_prompt_has_no_canary() {
    let guard = guard();
    let model = Recording::default();
    let purpose = Purpose::MeetingNotes;
    let cue = |index, text: &str| TranscriptCue {
        index,
        start_ms: 0,
        end_ms: 1_000,
        speaker: None,
        speaker_account: None,
        text: text.into(),
    };
    let date = NaiveDate::from_ymd_opt(2026, 12, 3).expect("valid date");
    let mut transcript = MeetingTranscript::new("dana", "Sync", date);
    let speakers = [
        ("lee", "Lee", cue(1, "I'll finish PAY-13 by Friday.")),
        ("sam", "Sam", cue(2, "I'll share CANARY-CUE-b55 later.")),
        ("riley", "Riley", cue(3, "We decided CANARY-OUTSIDER-42.")),
    ];
    for (person, name, spoken) in speakers {
        let cues = SpeakerCues {
            person: PersonId::new(person),
            name: name.into(),
            cues: vec![spoken],
        };
        if let Some(approved) = ask(&guard, person, DataCategory::Chat, purpose, cues) {
            transcript = transcript
                .with_speaker(&approved)
                .expect("matching approval");
        }
    }

    extract_meeting_notes(&model, &transcript, &MeetingNotesOptions::default())
        .await
        .expect("notes");

    assert_clean(&model, "PAY-13");
}

/// Checks that the approved fact reached a prompt and no canary did.
fn assert_clean(model: &Recording, approved: &str) {
    let prompts = model.all_prompts();
    assert!(
        prompts.contains(approved),
        "the approved fact {approved} is missing"
    );
    for canary in CANARIES {
        assert!(!prompts.contains(canary), "{canary} reached a prompt");
    }
}
