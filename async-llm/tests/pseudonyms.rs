//! Keyed pseudonyms keep people's names and ids out of every task's prompt, stay the
//! same across requests, and are mapped back to names in what the tasks return.

mod common;

use std::sync::{Arc, Mutex};

use async_core::ids::{PersonId, RepositoryId, TeamId, TenantId, WorkItemKey};
use async_core::model::{Team, TranscriptCue};
use async_core::secret::EncryptionKey;
use async_llm::tasks::copilot::{CopilotFacts, CopilotOptions, answer_question, copilot_prompt};
use async_llm::tasks::meeting::{
    MeetingNotesOptions, MeetingTranscript, SpeakerCues, extract_meeting_notes,
    meeting_notes_prompt,
};
use async_llm::tasks::standup::{
    BlockerFact, BlockerSource, CodeFacts, PersonFacts, Progress, PullRequestFact,
    PullRequestStatus, ReviewFact, StandupFacts, StandupOptions, WorkFacts, WorkItemFact,
    standup_prompt, write_standup,
};
use async_llm::{
    CompletionRequest, CompletionResponse, ContentPart, Error, LanguageModel, ModelInfo, StopReason,
};
use async_policy::{
    AccessRequest, Attributed, Authorized, DataCategory, Guard, MemoryAuditLog, Organization,
    Pseudonymizer, Purpose, RulesEngine, VisibilitySettings,
};
use async_trait::async_trait;
use chrono::NaiveDate;

/// A fixed 32-byte test key, so a test can derive the pseudonyms it expects.
const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

const DANA: &str = "acct-7781";
const LEE: &str = "acct-7782";

/// Every name, first name and id that must not reach a prompt.
const HIDDEN: [&str; 5] = ["Dana", "Whitfield", "Lee", "Okafor", "acct-778"];

/// An unknown pseudonym a model might echo; it must come back unchanged.
const STRANGER: &str = "person-0123456789ab";

type TestGuard = Guard<RulesEngine, MemoryAuditLog>;

/// A model that keeps every prompt and answers with a fixed text.
struct Scripted {
    reply: String,
    prompts: Mutex<Vec<String>>,
}

impl Scripted {
    fn new(reply: impl Into<String>) -> Self {
        Self {
            reply: reply.into(),
            prompts: Mutex::new(Vec::new()),
        }
    }

    fn sent(&self) -> String {
        self.prompts.lock().expect("prompts lock").join("\n")
    }
}

#[async_trait]
impl LanguageModel for Scripted {
    async fn complete(&self, request: &CompletionRequest) -> Result<CompletionResponse, Error> {
        let text = common::request_text(request);
        self.prompts.lock().expect("prompts lock").push(text);
        let content = vec![ContentPart::Text(self.reply.clone())];
        Ok(CompletionResponse::new(
            content,
            StopReason::EndTurn,
            "scripted",
        ))
    }

    fn describe(&self) -> ModelInfo {
        ModelInfo::new("scripted", "scripted")
    }
}

/// Creates a pseudonymizer for tenant `acme` under the test key, as each request would.
fn pseudonymizer() -> Arc<Pseudonymizer> {
    let key = EncryptionKey::from_base64(KEY).expect("valid key");
    Arc::new(Pseudonymizer::new(TenantId::new("acme"), key))
}

/// Derives the pseudonym of `person` independently of any task.
fn pseudonym(person: &str) -> String {
    pseudonymizer()
        .pseudonym(&PersonId::new(person))
        .expect("no collision")
}

fn guard() -> TestGuard {
    let team = Team {
        id: TeamId::new("payments"),
        name: "Payments".into(),
        members: [DANA, LEE, "acct-7783"].map(PersonId::new).to_vec(),
        managers: Vec::new(),
    };
    Guard::new(
        RulesEngine::new(Organization::new(vec![team]), VisibilitySettings::default()),
        MemoryAuditLog::new(),
    )
}

fn approve<T: Attributed>(
    guard: &TestGuard,
    subject: &str,
    category: DataCategory,
    purpose: Purpose,
    value: T,
) -> Authorized<T> {
    let request = AccessRequest::individual(DANA, subject, category, purpose);
    guard
        .authorize_now(&request, value)
        .expect("the policy allows it")
}

fn assert_hidden(prompt: &str) {
    for hidden in HIDDEN {
        assert!(
            !prompt.contains(hidden),
            "{hidden} in the prompt:\n{prompt}"
        );
    }
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

fn code(person: &str) -> CodeFacts {
    CodeFacts {
        person: PersonId::new(person),
        pull_requests: vec![PullRequestFact {
            repository: RepositoryId::new("acme/payments"),
            number: 42,
            title: "Dana Whitfield's retry change".into(),
            url: None,
            status: PullRequestStatus::Open,
            updated_at: None,
            work_items: Vec::new(),
        }],
        reviews: vec![ReviewFact {
            repository: RepositoryId::new("acme/ledger"),
            number: 7,
            title: "Ledger export for Lee".into(),
            url: None,
            verdict: "approved".into(),
            reviewed_at: None,
        }],
    }
}

fn blocker(person: &str, summary: &str) -> BlockerFact {
    BlockerFact {
        person: PersonId::new(person),
        summary: summary.into(),
        source: BlockerSource::WorkItem,
        since: None,
        evidence: Vec::new(),
    }
}

fn standup_facts(guard: &TestGuard) -> StandupFacts {
    let purpose = Purpose::Standup;
    let dana = PersonFacts::new(DANA, "Dana Whitfield")
        .with_work(approve(
            guard,
            DANA,
            DataCategory::Work,
            purpose,
            work(DANA, "PAY-12", "Pair with Lee on refund rounding"),
        ))
        .with_code(approve(
            guard,
            DANA,
            DataCategory::Code,
            purpose,
            code(DANA),
        ));
    let lee = PersonFacts::new(LEE, "Lee Okafor").with_blocker(approve(
        guard,
        LEE,
        DataCategory::Work,
        purpose,
        blocker(LEE, "Waiting on Dana's security review"),
    ));
    StandupFacts::new(DANA).with_person(dana).with_person(lee)
}

#[test]
fn standup_prompt_holds_only_pseudonyms() {
    let guard = guard();
    let info = ModelInfo::new("scripted", "scripted");
    let options = StandupOptions::default();

    let first = standup_facts(&guard).with_pseudonymizer(pseudonymizer());
    let second = standup_facts(&guard).with_pseudonymizer(pseudonymizer());
    let first = standup_prompt(&first, &options, &info).expect("prompt builds");
    let second = standup_prompt(&second, &options, &info).expect("prompt builds");

    assert_hidden(&first.user);
    assert!(first.user.contains(&format!("## {}", pseudonym(DANA))));
    assert!(
        first
            .user
            .contains(&format!("Pair with {} on refund", pseudonym(LEE)))
    );
    assert!(
        first
            .user
            .contains(&format!("Waiting on {}'s security", pseudonym(DANA)))
    );
    assert_eq!(
        first.user, second.user,
        "pseudonyms are stable across requests"
    );
}

#[test]
fn pseudonyms_differ_between_tenants() {
    let guard = guard();
    let info = ModelInfo::new("scripted", "scripted");
    let key = EncryptionKey::from_base64(KEY).expect("valid key");
    let other = Arc::new(Pseudonymizer::new(TenantId::new("globex"), key));

    let acme = standup_facts(&guard).with_pseudonymizer(pseudonymizer());
    let globex = standup_facts(&guard).with_pseudonymizer(other);
    let acme = standup_prompt(&acme, &StandupOptions::default(), &info).expect("prompt");
    let globex = standup_prompt(&globex, &StandupOptions::default(), &info).expect("prompt");

    assert!(acme.user.contains(&pseudonym(DANA)));
    assert!(!globex.user.contains(&pseudonym(DANA)));
}

#[tokio::test]
async fn standup_answer_gets_names_back() {
    let guard = guard();
    let (dana, lee) = (pseudonym(DANA), pseudonym(LEE));
    let reply = format!(
        "## {dana}\n**Done**\n- PAY-12 with {lee}\n## {lee}\n**Blocked**\n- waits on {dana} \
         and {STRANGER}"
    );
    let model = Scripted::new(reply);
    let facts = standup_facts(&guard).with_pseudonymizer(pseudonymizer());

    let info = ModelInfo::new("scripted", "scripted");
    let preview = standup_prompt(&facts, &StandupOptions::default(), &info).expect("prompt");
    let standup = write_standup(&model, &facts, &StandupOptions::default())
        .await
        .expect("standup");

    assert_hidden(&model.sent());
    assert!(
        model.sent().contains(&preview.user),
        "the preview is what was sent"
    );
    assert!(standup.markdown.starts_with("## Dana Whitfield\n"));
    assert!(standup.markdown.contains("- PAY-12 with Lee Okafor"));
    assert!(standup.markdown.contains("waits on Dana Whitfield"));
    assert!(
        standup.markdown.contains(STRANGER),
        "unknown pseudonyms stay"
    );
    assert!(!standup.markdown.contains(&dana));
    assert!(standup.slack_mrkdwn.contains("Lee Okafor"));
    assert!(!standup.slack_mrkdwn.contains(&lee));
}

fn copilot_facts(guard: &TestGuard) -> CopilotFacts {
    let purpose = Purpose::CopilotAnswer;
    let lee_work = approve(
        guard,
        LEE,
        DataCategory::Work,
        purpose,
        work(LEE, "PAY-13", "Pair with Dana on the audit trail"),
    );
    let lee_blocker = approve(
        guard,
        LEE,
        DataCategory::Work,
        purpose,
        blocker(LEE, "Waiting on Dana Whitfield to approve the schema"),
    );
    CopilotFacts::new(DANA)
        .with_name(DANA, "Dana Whitfield")
        .with_work("Lee Okafor", &lee_work)
        .and_then(|facts| facts.with_blocker("Lee Okafor", &lee_blocker))
        .expect("approved facts")
}

#[tokio::test]
async fn copilot_prompt_and_answer_use_pseudonyms() {
    let guard = guard();
    let (dana, lee) = (pseudonym(DANA), pseudonym(LEE));
    let question = "What is Lee Okafor blocked on?";
    let facts = copilot_facts(&guard).with_pseudonymizer(pseudonymizer());
    let info = ModelInfo::new("scripted", "scripted");

    let prompt =
        copilot_prompt(&facts, question, &CopilotOptions::default(), &info).expect("prompt builds");
    let blocker_id = prompt
        .fact_ids
        .iter()
        .find(|id| id.as_str().starts_with("blocker:"))
        .expect("the blocker is in the prompt")
        .clone();
    let reply = serde_json::json!({
        "answer": format!("{lee} waits on {dana}; {STRANGER} is not named."),
        "citations": [blocker_id.as_str()]
    });
    let model = Scripted::new(reply.to_string());
    let answer = answer_question(&model, &facts, question, &CopilotOptions::default())
        .await
        .expect("answer");

    assert_hidden(&format!("{}\n{}", prompt.system, prompt.user));
    assert_hidden(blocker_id.as_str());
    assert_hidden(&model.sent());
    assert!(
        model.sent().contains(&prompt.user),
        "the preview is what was sent"
    );
    assert!(prompt.user.contains(&format!("What is {lee} blocked on?")));
    assert_eq!(
        answer.answer,
        format!("Lee Okafor waits on Dana Whitfield; {STRANGER} is not named.")
    );
    assert_eq!(
        answer.citations[0].text,
        "Waiting on Dana Whitfield to approve the schema"
    );
    assert!(!answer.markdown.contains(&lee), "{}", answer.markdown);
}

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

fn transcript(guard: &TestGuard) -> MeetingTranscript {
    let speakers = [
        (
            DANA,
            "Dana Whitfield",
            cue(1, "Lee, can you rotate the keys?"),
        ),
        (
            LEE,
            "Lee Okafor",
            cue(2, "I'll ask Dana Whitfield about the budget."),
        ),
    ];
    let date = NaiveDate::from_ymd_opt(2026, 12, 3).expect("valid date");
    let mut transcript = MeetingTranscript::new(DANA, "Key rotation with Lee", date);
    for (person, name, spoken) in speakers {
        let cues = SpeakerCues {
            person: PersonId::new(person),
            name: name.into(),
            cues: vec![spoken],
        };
        let approved = approve(
            guard,
            person,
            DataCategory::Chat,
            Purpose::MeetingNotes,
            cues,
        );
        transcript = transcript
            .with_speaker(&approved)
            .expect("approved for meeting notes");
    }
    transcript
}

#[tokio::test]
async fn meeting_notes_use_pseudonyms_and_resolve_owners() {
    let guard = guard();
    let (dana, lee) = (pseudonym(DANA), pseudonym(LEE));
    let transcript = transcript(&guard).with_pseudonymizer(pseudonymizer());
    let info = ModelInfo::new("scripted", "scripted");
    let reply = serde_json::json!({
        "decisions": [{"statement": format!("{dana} asked {lee} to rotate keys"), "cue": 1}],
        "action_items": [
            {"description": "Rotate the keys", "owner": lee, "due_date": null, "cue": 1},
            {"description": "Ask about the budget", "owner": STRANGER, "due_date": null, "cue": 2}
        ]
    });
    let model = Scripted::new(reply.to_string());

    let prompt = meeting_notes_prompt(&transcript, &MeetingNotesOptions::default(), &info)
        .expect("prompt builds");
    let notes = extract_meeting_notes(&model, &transcript, &MeetingNotesOptions::default())
        .await
        .expect("notes");

    assert_hidden(&prompt.user);
    assert_hidden(&model.sent());
    assert!(
        model.sent().contains(&prompt.user),
        "the preview is what was sent"
    );
    assert!(
        prompt
            .user
            .contains(&format!("1 | {dana} | {lee}, can you"))
    );
    assert_eq!(
        notes.decisions[0].statement,
        "Dana Whitfield asked Lee Okafor to rotate keys"
    );
    let owner = notes.action_items[0].owner.as_ref().expect("an owner");
    assert_eq!(owner.name, "Lee Okafor");
    assert_eq!(owner.person, Some(PersonId::new(LEE)));
    let stranger = notes.action_items[1].owner.as_ref().expect("an owner");
    assert_eq!(stranger.name, STRANGER);
    assert_eq!(stranger.person, None);
    assert!(notes.markdown.contains("**Lee Okafor**: Rotate the keys"));
}
