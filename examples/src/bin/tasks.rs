//! Runs the copilot, retrospective and meeting-notes tasks on a small fictional sprint.
//!
//! Every fact passes the privacy policy first: the guard approves each part for the
//! viewer and the task's purpose, and a part it denies never reaches a prompt. The
//! copilot and meeting-notes prompts name people only by keyed pseudonyms, which are
//! mapped back to names before the results are printed. With no
//! API key the offline model writes each result from the facts alone. With
//! `ANTHROPIC_API_KEY`, `OPENAI_API_KEY` or `GEMINI_API_KEY` set (checked in that order),
//! that provider writes them instead.

use std::process::ExitCode;
use std::sync::Arc;

use async_core::ids::{PersonId, SprintId, TeamId, TenantId, WorkItemKey};
use async_core::model::{Team, TranscriptCue};
use async_core::secret::EncryptionKey;
use async_llm::tasks::copilot::{CopilotFacts, CopilotOptions, Note, TeamNotes, answer_question};
use async_llm::tasks::meeting::{
    MeetingNotesOptions, MeetingTranscript, SpeakerCues, extract_meeting_notes,
};
use async_llm::tasks::retro::{
    RetroFacts, RetroOptions, ReviewWait, SprintItem, SprintOutcome, SprintReviews, SprintSummary,
    SprintWork, write_retrospective,
};
use async_llm::tasks::standup::{Progress, WorkFacts, WorkItemFact};
use async_llm::{AnthropicModel, GeminiModel, LanguageModel, OfflineModel, OpenAiModel};
use async_policy::{
    AccessRequest, DataCategory, Guard, MemoryAuditLog, Organization, Pseudonymizer, Purpose,
    RulesEngine, Visibility, VisibilitySettings,
};
use chrono::{NaiveDate, TimeZone, Utc};
use clap::Parser;
use secrecy::SecretString;

type DemoGuard = Guard<RulesEngine, MemoryAuditLog>;

/// The person every result is written for: the team lead.
const VIEWER: &str = "dana";

/// Run the copilot, retrospective and meeting-notes tasks on a small fictional sprint.
///
/// Set ANTHROPIC_API_KEY, OPENAI_API_KEY or GEMINI_API_KEY to have that provider write
/// the results; without one the offline model writes them.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {}

fn main() -> ExitCode {
    // No options yet, but a mistyped flag or `--help` must not start a run.
    Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), async_llm::Error> {
    let model = choose_model()?;
    let guard = guard();
    // NOTE: a fresh key each run, so pseudonyms are stable within one run only. A
    // deployment keeps one key per tenant in its secret store.
    let pseudonymizer = Arc::new(Pseudonymizer::new(
        TenantId::new("acme"),
        EncryptionKey::generate(),
    ));

    let retro = write_retrospective(
        model.as_ref(),
        &retro_facts(&guard)?,
        &RetroOptions::default(),
    )
    .await?;
    println!("{}\n", retro.markdown);

    let notes = extract_meeting_notes(
        model.as_ref(),
        &transcript(&guard)?.with_pseudonymizer(Arc::clone(&pseudonymizer)),
        &MeetingNotesOptions::default(),
    )
    .await?;
    println!("{}\n", notes.markdown);

    let question = "What is blocking the refund audit trail?";
    let answer = answer_question(
        model.as_ref(),
        &copilot_facts(&guard)?.with_pseudonymizer(pseudonymizer),
        question,
        &CopilotOptions::default(),
    )
    .await?;
    println!("# Copilot\n\n**{question}**\n\n{}", answer.markdown);
    Ok(())
}

/// Picks the first provider with a key in the environment, else the offline model.
fn choose_model() -> Result<Arc<dyn LanguageModel>, async_llm::Error> {
    let key = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|key| !key.trim().is_empty())
            .map(SecretString::from)
    };
    let model: Arc<dyn LanguageModel> = if let Some(key) = key("ANTHROPIC_API_KEY") {
        Arc::new(AnthropicModel::builder(key, "claude-sonnet-4-5").build()?)
    } else if let Some(key) = key("OPENAI_API_KEY") {
        Arc::new(OpenAiModel::builder(key, "gpt-4.1-mini").build()?)
    } else if let Some(key) = key("GEMINI_API_KEY") {
        Arc::new(GeminiModel::builder(key, "gemini-2.5-flash").build()?)
    } else {
        Arc::new(OfflineModel::new())
    };
    let info = model.describe();
    eprintln!("model: {} {}", info.provider, info.model);
    Ok(model)
}

/// Team `payments` of Dana (lead), Lee and Sam; Sam shares chat with nobody.
fn guard() -> DemoGuard {
    let team = Team {
        id: TeamId::new("payments"),
        name: "Payments".into(),
        members: ["dana", "lee", "sam"].map(PersonId::new).to_vec(),
        managers: vec![PersonId::new("morgan")],
    };
    let mut settings = VisibilitySettings::default();
    settings.set(PersonId::new("sam"), DataCategory::Chat, Visibility::OnlyMe);
    Guard::new(
        RulesEngine::new(Organization::new(vec![team]), settings),
        MemoryAuditLog::new(),
    )
}

fn policy_error(error: async_policy::Error) -> async_llm::Error {
    async_llm::Error::AuthorizationMismatch(error.to_string())
}

fn retro_facts(guard: &DemoGuard) -> Result<RetroFacts, async_llm::Error> {
    let at = |day| Utc.with_ymd_and_hms(2026, 11, day, 9, 0, 0).single();
    let sprint = SprintSummary {
        id: SprintId::new("411"),
        name: "PAY Sprint 23".into(),
        goal: Some("Refunds retry safely".into()),
        start: at(2),
        closed_at: at(13),
    };
    let item = |key: &str, title: &str, outcome, added_after_start| SprintItem {
        key: WorkItemKey::new(key),
        title: title.into(),
        url: Some(format!("https://acme.atlassian.net/browse/{key}")),
        outcome,
        added_after_start,
        flagged: false,
        estimate: Some(3.0),
    };
    let work = SprintWork {
        team: TeamId::new("payments"),
        items: vec![
            item(
                "PAY-10",
                "Retry refunds on timeout",
                SprintOutcome::Completed,
                false,
            ),
            item(
                "PAY-11",
                "Idempotency keys for refunds",
                SprintOutcome::Completed,
                false,
            ),
            item(
                "PAY-13",
                "Refund audit trail",
                SprintOutcome::CarriedOver,
                false,
            ),
            item(
                "PAY-16",
                "Hotfix currency rounding",
                SprintOutcome::Completed,
                true,
            ),
        ],
    };
    let wait = |number: u64, wait_hours| ReviewWait {
        reference: format!("acme/payments-api#{number}"),
        title: format!("Refund change {number}"),
        url: Some(format!(
            "https://github.com/acme/payments-api/pull/{number}"
        )),
        wait_hours,
    };
    let reviews = SprintReviews {
        team: TeamId::new("payments"),
        pulls: vec![wait(120, Some(6)), wait(121, Some(41)), wait(124, Some(30))],
    };
    let aggregate = |category| {
        AccessRequest::team_aggregate(VIEWER, "payments", category, Purpose::Retrospective)
    };
    let work = guard
        .authorize_now(&aggregate(DataCategory::Work), work)
        .map_err(policy_error)?;
    let reviews = guard
        .authorize_now(&aggregate(DataCategory::Code), reviews)
        .map_err(policy_error)?;
    RetroFacts::new(VIEWER, sprint)
        .with_work(&work)?
        .with_reviews(&reviews)
}

fn transcript(guard: &DemoGuard) -> Result<MeetingTranscript, async_llm::Error> {
    let cue = |index, text: &str| TranscriptCue {
        index,
        start_ms: u64::from(index) * 6_000,
        end_ms: u64::from(index) * 6_000 + 5_000,
        speaker: None,
        speaker_account: None,
        text: text.into(),
    };
    let speakers = [
        SpeakerCues {
            person: PersonId::new("dana"),
            name: "Dana Whitfield".into(),
            cues: vec![
                cue(1, "The audit trail slipped again. What do we store?"),
                cue(3, "Okay, let's go with an append-only table in Postgres."),
                cue(5, "Lee, can you draft the schema by Friday?"),
            ],
        },
        SpeakerCues {
            person: PersonId::new("lee"),
            name: "Lee Okafor".into(),
            cues: vec![
                cue(2, "An append-only table is simplest to audit."),
                cue(
                    4,
                    "I'll check the retention rules with legal by 2026-12-08.",
                ),
            ],
        },
        SpeakerCues {
            person: PersonId::new("sam"),
            name: "Sam Reyes".into(),
            cues: vec![cue(6, "I'll pair with Lee on the migration.")],
        },
    ];
    let date = NaiveDate::from_ymd_opt(2026, 12, 3).ok_or_else(|| {
        async_llm::Error::InvalidConfig("the meeting date is not a calendar date".to_owned())
    })?;
    let mut transcript = MeetingTranscript::new(VIEWER, "Refund audit sync", date);
    for speaker in speakers {
        let request = AccessRequest::individual(
            VIEWER,
            speaker.person.clone(),
            DataCategory::Chat,
            Purpose::MeetingNotes,
        );
        // Sam shares chat with nobody, so Sam's cue is denied here and never sent.
        match guard.authorize_now(&request, speaker) {
            Ok(approved) => transcript = transcript.with_speaker(&approved)?,
            Err(denied) => eprintln!("policy: {denied}"),
        }
    }
    Ok(transcript.with_participant("sam", "Sam Reyes"))
}

fn copilot_facts(guard: &DemoGuard) -> Result<CopilotFacts, async_llm::Error> {
    let request =
        AccessRequest::individual(VIEWER, "lee", DataCategory::Work, Purpose::CopilotAnswer);
    let lee_work = WorkFacts {
        person: PersonId::new("lee"),
        items: vec![WorkItemFact {
            key: WorkItemKey::new("PAY-13"),
            title: "Refund audit trail".into(),
            url: Some("https://acme.atlassian.net/browse/PAY-13".into()),
            status: "Blocked".into(),
            progress: Progress::InProgress,
            updated_at: Utc.with_ymd_and_hms(2026, 12, 2, 15, 0, 0).single(),
        }],
    };
    let lee_work = guard
        .authorize_now(&request, lee_work)
        .map_err(policy_error)?;
    let notes = TeamNotes::new(
        "payments",
        vec![
            Note::new(
                "decision-2026-12-03",
                "Refund audit sync decided on an append-only Postgres table for the audit trail",
            ),
            Note::new(
                "legal-retention",
                "The audit trail waits on legal's retention rules, due 2026-12-08",
            ),
        ],
    );
    let request = AccessRequest::team_aggregate(
        VIEWER,
        "payments",
        DataCategory::Work,
        Purpose::CopilotAnswer,
    );
    let notes = guard.authorize_now(&request, notes).map_err(policy_error)?;
    CopilotFacts::new(VIEWER)
        .with_work("Lee Okafor", &lee_work)?
        .with_notes(&notes)
}
