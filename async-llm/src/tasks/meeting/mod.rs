//! Decisions and action items from a meeting transcript, each tied to the cue it came from.
//!
//! # How notes are made
//!
//! 1. [`split_by_speaker`] splits a transcript into each resolved speaker's cues, and the
//!    policy approves each speaker's cues as that speaker's chat data. [`MeetingTranscript`]
//!    accepts only those [`Authorized`](async_policy::Authorized) parts, so a person whose
//!    chat the viewer may not see is left out of the prompt entirely.
//! 2. The cues are written one per line (`cue | speaker | text`) within the token budget.
//!    When the meeting is too long, cues with a decision or task phrase are kept first,
//!    each with the cue before it.
//! 3. The model returns decisions (`statement`, `cue`) and action items (`description`,
//!    `owner`, `due_date`, `cue`) through [`structured`](crate::structured) output; the
//!    schema accepts only the cue numbers given, and a due date must be a real date.
//! 4. Owners are resolved to participants: `I` and the speaker's own name give the
//!    speaker; otherwise a participant's full name, or a first name only one participant
//!    has. An owner that matches no participant keeps the name as said and no person.
//! 5. The [`OfflineModel`](crate::OfflineModel) answers with a phrase-based extractor.
//!
//! With [`MeetingTranscript::with_pseudonymizer`], the prompt names every participant by
//! a keyed pseudonym, the model's owners are resolved against those pseudonyms, and the
//! notes get the display names back before they are returned.
//!
//! # The offline extractor's rules
//!
//! A sentence is a **decision** when it contains a phrase such as "we decided", "we
//! agreed", "agreed to", "decision is" or "let's go with", and is not a question. It is
//! an **action item** when it
//!
//! - starts with "action item", "todo" or "to do" (the owner follows "for", as in
//!   "Action item for Lee: ...", and is otherwise the speaker),
//! - holds a first-person commitment such as "I'll", "I will" or "I'm going to" (the
//!   owner is the speaker), or
//! - starts with a participant's name followed by "will", "can you", "could you" or
//!   "to" ("Lee will rotate the keys"; the owner is that participant).
//!
//! A due date is read from "by" and a weekday (the next such day after the meeting), "by
//! tomorrow", "by today", "by end of day", "by EOD", "by end of (the) week" (that week's
//! Friday) and "by YYYY-MM-DD". Vaguer timeframes ("next sprint") leave the date empty
//! rather than guess one. The rules find clear, performative statements; they miss a
//! decision reached over several turns and can read "I'll be out tomorrow" as a task,
//! which a language model reading the same cues does not.

mod phrases;
mod prompt;
mod pseudonyms;
mod transcript;

use std::collections::BTreeSet;
use std::sync::Arc;

use async_core::ids::{MeetingId, PersonId};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};

pub use transcript::{MeetingTranscript, SpeakerCues, split_by_speaker};

use self::phrases::Found;
use crate::structured::{StructuredOptions, Violation, complete_checked};
use crate::tasks::FactId;
use crate::tasks::markdown::escape;
use crate::tasks::pseudonyms::PromptNames;
use crate::{
    CompletionRequest, Error, FactSheet, LanguageModel, Message, ModelInfo, StopReason, Usage,
};

/// Settings for extracting meeting notes.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct MeetingNotesOptions {
    /// The estimated prompt size (instructions and transcript) not to exceed, in tokens.
    pub max_prompt_tokens: usize,
    /// The maximum length of the reply, in tokens.
    pub max_output_tokens: u32,
    /// The sampling temperature.
    pub temperature: Option<f32>,
    /// The structured-output settings: schema placement and retries.
    pub structured: StructuredOptions,
}

impl Default for MeetingNotesOptions {
    /// 6,000 prompt tokens, 1,500 output tokens, temperature 0, default structured
    /// options.
    fn default() -> Self {
        Self {
            max_prompt_tokens: 6_000,
            max_output_tokens: 1_500,
            temperature: Some(0.0),
            structured: StructuredOptions::default(),
        }
    }
}

impl MeetingNotesOptions {
    /// Sets the prompt budget in (estimated) tokens.
    #[must_use]
    pub fn with_max_prompt_tokens(mut self, tokens: usize) -> Self {
        self.max_prompt_tokens = tokens;
        self
    }
}

/// The owner of an action item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// The name as the transcript or the model gave it.
    pub name: String,
    /// The participant it resolved to, when exactly one matched.
    pub person: Option<PersonId>,
}

/// Something the meeting settled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The decision as stated.
    pub statement: String,
    /// The cue it was said in.
    pub cue: u32,
    /// The citable id of that cue (`cue:17`).
    pub fact_id: FactId,
}

/// A task someone took on or was given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    /// The task.
    pub description: String,
    /// Who does it, when said.
    pub owner: Option<Owner>,
    /// When it is due, when a date was said.
    pub due: Option<NaiveDate>,
    /// The cue it was said in.
    pub cue: u32,
    /// The citable id of that cue (`cue:17`).
    pub fact_id: FactId,
}

/// The decisions and action items of one meeting.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct MeetingNotes {
    /// The meeting, when its id was given.
    pub meeting: Option<MeetingId>,
    /// The decisions, in cue order as the model listed them.
    pub decisions: Vec<Decision>,
    /// The action items.
    pub action_items: Vec<ActionItem>,
    /// The notes as Markdown.
    pub markdown: String,
    /// The model that wrote them.
    pub model: ModelInfo,
    /// Token usage over every attempt, when the model reported any.
    pub usage: Option<Usage>,
    /// The reason the model stopped.
    pub stop_reason: StopReason,
    /// How many cues were left out to fit the token budget.
    pub omitted_cues: usize,
}

/// The prompt meeting notes send to a network model, for inspection or measurement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingNotesPrompt {
    /// The system prompt with the reply instruction and schema appended.
    pub system: String,
    /// The user message: meeting, participants and cues.
    pub user: String,
    /// The cue numbers in the prompt.
    pub cues: Vec<u32>,
    /// How many cues were left out to fit the token budget.
    pub omitted_cues: usize,
    /// The estimated tokens of the whole prompt.
    pub estimated_tokens: usize,
}

#[derive(Debug, Deserialize)]
struct Reply {
    decisions: Vec<ReplyDecision>,
    action_items: Vec<ReplyAction>,
}

#[derive(Debug, Deserialize)]
struct ReplyDecision {
    statement: String,
    cue: u32,
}

#[derive(Debug, Deserialize)]
struct ReplyAction {
    description: String,
    owner: Option<String>,
    due_date: Option<String>,
    cue: u32,
}

/// Extracts decisions and action items from `transcript` with `model`.
///
/// # Errors
///
/// - [`Error::InvalidConfig`] when the budget cannot hold the instructions.
/// - [`Error::PseudonymCollision`] when two participants share a pseudonym; nothing is
///   sent.
/// - [`Error::SchemaMismatch`] when the replies did not match the schema, named cues
///   that were not given, or gave an impossible date.
/// - Any error of [`LanguageModel::complete`].
///
/// # Examples
///
/// ```
/// # use async_core::ids::{PersonId, TeamId};
/// # use async_core::model::{Team, TranscriptCue};
/// # use async_policy::{
/// #     AccessRequest, DataCategory, Guard, MemoryAuditLog, Organization, Purpose,
/// #     RulesEngine, VisibilitySettings,
/// # };
/// use async_llm::OfflineModel;
/// use async_llm::tasks::meeting::{
///     MeetingNotesOptions, MeetingTranscript, SpeakerCues, extract_meeting_notes,
/// };
/// use chrono::NaiveDate;
///
/// # let team = Team {
/// #     id: TeamId::new("payments"),
/// #     name: "Payments".into(),
/// #     members: vec![PersonId::new("dana"), PersonId::new("lee"), PersonId::new("sam")],
/// #     managers: Vec::new(),
/// # };
/// # let guard = Guard::new(
/// #     RulesEngine::new(Organization::new(vec![team]), VisibilitySettings::default()),
/// #     MemoryAuditLog::new(),
/// # );
/// let cue = TranscriptCue {
///     index: 4,
///     start_ms: 61_000,
///     end_ms: 64_500,
///     speaker: Some("Dana".into()),
///     speaker_account: None,
///     text: "We decided to keep Postgres. I'll write the ADR by Friday.".into(),
/// };
/// let cues = SpeakerCues { person: PersonId::new("dana"), name: "Dana".into(), cues: vec![cue] };
/// // The guard approves Dana's cues as her chat data.
/// let request =
///     AccessRequest::individual("dana", "dana", DataCategory::Chat, Purpose::MeetingNotes);
/// let approved = guard.authorize_now(&request, cues).expect("own data");
/// let date = NaiveDate::from_ymd_opt(2026, 12, 3).expect("valid date");
/// let transcript = MeetingTranscript::new("dana", "Storage sync", date).with_speaker(&approved)?;
///
/// # tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(async {
/// let notes =
///     extract_meeting_notes(&OfflineModel::new(), &transcript, &MeetingNotesOptions::default())
///         .await?;
/// assert_eq!(notes.decisions[0].cue, 4);
/// let action = &notes.action_items[0];
/// assert_eq!(action.owner.as_ref().and_then(|o| o.person.as_ref()), Some(&PersonId::new("dana")));
/// assert_eq!(action.due, NaiveDate::from_ymd_opt(2026, 12, 4));
/// # Ok::<(), async_llm::Error>(())
/// # }).expect("notes");
/// # Ok::<(), async_llm::Error>(())
/// ```
pub async fn extract_meeting_notes<M: LanguageModel + ?Sized>(
    model: &M,
    transcript: &MeetingTranscript,
    options: &MeetingNotesOptions,
) -> Result<MeetingNotes, Error> {
    let info = model.describe();
    let (view, names) = pseudonyms::prompt_view(transcript)?;
    let selection = prompt::select(&view, budget(&info, options), &options.structured)?;
    let sheet = OfflineNotes::new(&view, &selection.cues);

    let mut request = CompletionRequest::new(
        vec![Message::user(selection.user.clone())],
        options.max_output_tokens,
    )
    .with_system(prompt::SYSTEM_PROMPT)
    .with_facts(Arc::new(sheet));
    request.temperature = options.temperature;

    let given: BTreeSet<u32> = selection.cues.iter().copied().collect();
    let check = |reply: &Reply| content_problems(reply, &given);
    let reply = complete_checked(
        model,
        request,
        &selection.schema,
        &options.structured,
        check,
    )
    .await?;

    let restore = Restore {
        transcript,
        view: &view,
        names: names.as_ref(),
    };
    let decisions: Vec<Decision> = reply
        .value
        .decisions
        .iter()
        .map(|decision| Decision {
            statement: restore.text(decision.statement.trim()),
            cue: decision.cue,
            fact_id: cue_id(decision.cue),
        })
        .collect();
    let action_items: Vec<ActionItem> = reply
        .value
        .action_items
        .iter()
        .map(|action| restore.action_item(action))
        .collect();
    let markdown = render_markdown(transcript, &decisions, &action_items);
    Ok(MeetingNotes {
        meeting: transcript.meeting.clone(),
        decisions,
        action_items,
        markdown,
        model: info,
        usage: (!reply.usage.is_empty()).then_some(reply.usage),
        stop_reason: reply.response.stop_reason,
        omitted_cues: selection.omitted,
    })
}

/// Builds the prompt [`extract_meeting_notes`] would send to a model described by
/// `info`, without sending anything.
///
/// With a pseudonymizer in `transcript`, the prompt contains the pseudonyms, as sent.
///
/// # Errors
///
/// Returns the same pseudonym and budget errors as [`extract_meeting_notes`].
pub fn meeting_notes_prompt(
    transcript: &MeetingTranscript,
    options: &MeetingNotesOptions,
    info: &ModelInfo,
) -> Result<MeetingNotesPrompt, Error> {
    let (view, _) = pseudonyms::prompt_view(transcript)?;
    let selection = prompt::select(&view, budget(info, options), &options.structured)?;
    let instruction = crate::structured::schema_instruction(&selection.schema, &options.structured);
    Ok(MeetingNotesPrompt {
        system: format!("{}\n\n{instruction}", prompt::SYSTEM_PROMPT),
        user: selection.user,
        cues: selection.cues,
        omitted_cues: selection.omitted,
        estimated_tokens: selection.tokens,
    })
}

fn budget(info: &ModelInfo, options: &MeetingNotesOptions) -> usize {
    match info.context_window {
        Some(window) => {
            let room = window.saturating_sub(options.max_output_tokens) as usize;
            options.max_prompt_tokens.min(room)
        }
        None => options.max_prompt_tokens,
    }
}

fn cue_id(cue: u32) -> FactId {
    FactId::new("cue", &cue.to_string())
}

/// Lists cues outside the prompt (when a provider ignored the schema's `enum`) and due
/// dates that match the pattern but are not real dates.
fn content_problems(reply: &Reply, given: &BTreeSet<u32>) -> Vec<Violation> {
    let mut problems = Vec::new();
    for (index, decision) in reply.decisions.iter().enumerate() {
        if !given.contains(&decision.cue) {
            problems.push(unknown_cue(
                &format!("/decisions/{index}/cue"),
                decision.cue,
            ));
        }
    }
    for (index, action) in reply.action_items.iter().enumerate() {
        if !given.contains(&action.cue) {
            problems.push(unknown_cue(
                &format!("/action_items/{index}/cue"),
                action.cue,
            ));
        }
        if let Some(due) = &action.due_date
            && NaiveDate::parse_from_str(due, "%Y-%m-%d").is_err()
        {
            problems.push(Violation::new(
                format!("/action_items/{index}/due_date"),
                "date",
                format!("`{due}` is not a calendar date; write YYYY-MM-DD or null"),
            ));
        }
    }
    problems
}

fn unknown_cue(path: &str, cue: u32) -> Violation {
    Violation::new(
        path,
        "cue",
        format!("cue {cue} is not in the transcript given; use a listed cue number"),
    )
}

/// Maps the model's reply, written against the transcript as sent, back to the
/// transcript with display names.
struct Restore<'a> {
    transcript: &'a MeetingTranscript,
    /// The transcript as sent: the same participants in the same order, possibly named
    /// by pseudonyms.
    view: &'a MeetingTranscript,
    names: Option<&'a PromptNames>,
}

impl Restore<'_> {
    fn text(&self, text: &str) -> String {
        match self.names {
            Some(names) => names.restore(text),
            None => text.to_owned(),
        }
    }

    fn action_item(&self, action: &ReplyAction) -> ActionItem {
        let speaker = self
            .view
            .cues
            .iter()
            .find(|cue| cue.index == action.cue)
            .map(|cue| cue.speaker);
        ActionItem {
            description: self.text(action.description.trim()),
            owner: action
                .owner
                .as_deref()
                .map(|name| self.owner(resolve_owner(self.view, name, speaker))),
            due: action
                .due_date
                .as_deref()
                .and_then(|due| NaiveDate::parse_from_str(due, "%Y-%m-%d").ok()),
            cue: action.cue,
            fact_id: cue_id(action.cue),
        }
    }

    /// Names a resolved owner by their display name, and restores any pseudonym in the
    /// name of an owner who matched no participant.
    fn owner(&self, owner: Owner) -> Owner {
        let participant = owner.person.as_ref().and_then(|person| {
            self.transcript
                .participants
                .iter()
                .find(|participant| &participant.person == person)
        });
        match participant {
            Some(participant) => Owner {
                name: participant.name.clone(),
                person: owner.person,
            },
            None => Owner {
                name: self.text(&owner.name),
                person: owner.person,
            },
        }
    }
}

/// Resolves an owner's name to a participant: `I`/`me` and the speaker's own name give
/// the speaker, then a full name, then a first name only one participant has.
fn resolve_owner(transcript: &MeetingTranscript, name: &str, speaker: Option<usize>) -> Owner {
    let said = name.trim();
    let lower = said.to_lowercase();
    let participants = &transcript.participants;
    let first = |full: &str| full.split_whitespace().next().map(str::to_lowercase);

    let by_self = matches!(lower.as_str(), "i" | "me" | "myself")
        .then_some(speaker)
        .flatten();
    let by_full = || {
        participants
            .iter()
            .position(|p| p.name.to_lowercase() == lower)
    };
    let by_first = || {
        let matches: Vec<usize> = participants
            .iter()
            .enumerate()
            .filter(|(_, p)| first(&p.name).as_deref() == Some(lower.as_str()))
            .map(|(index, _)| index)
            .collect();
        (matches.len() == 1).then(|| matches[0])
    };
    let found = by_self.or_else(by_full).or_else(by_first);
    match found {
        Some(index) => Owner {
            name: participants[index].name.clone(),
            person: Some(participants[index].person.clone()),
        },
        None => Owner {
            name: said.to_owned(),
            person: None,
        },
    }
}

fn render_markdown(
    transcript: &MeetingTranscript,
    decisions: &[Decision],
    actions: &[ActionItem],
) -> String {
    let mut lines = vec![format!(
        "# {} ({})",
        escape(&transcript.topic),
        transcript.date
    )];
    lines.push(String::new());
    lines.push("## Decisions".to_owned());
    if decisions.is_empty() {
        lines.push("- none recorded".to_owned());
    }
    for decision in decisions {
        lines.push(format!(
            "- {} (cue {})",
            escape(&decision.statement),
            decision.cue
        ));
    }
    lines.push(String::new());
    lines.push("## Action items".to_owned());
    if actions.is_empty() {
        lines.push("- none recorded".to_owned());
    }
    for action in actions {
        let owner = action
            .owner
            .as_ref()
            .map_or_else(|| "unassigned".to_owned(), |owner| escape(&owner.name));
        let due = action
            .due
            .map_or_else(String::new, |due| format!("due {due}, "));
        let description = action.description.trim_end_matches(['.', '!', '?']);
        lines.push(format!(
            "- **{owner}**: {} ({due}cue {})",
            escape(description),
            action.cue
        ));
    }
    lines.join("\n")
}

/// The notes the offline model gives: the phrase extractor's findings in the chosen cues.
#[derive(Debug)]
struct OfflineNotes {
    json: Value,
    markdown: String,
}

impl OfflineNotes {
    fn new(transcript: &MeetingTranscript, cues: &[u32]) -> Self {
        let chosen: BTreeSet<u32> = cues.iter().copied().collect();
        let mut decisions = Vec::new();
        let mut actions = Vec::new();
        for found in phrases::extract(transcript) {
            match found {
                Found::Decision { statement, cue } if chosen.contains(&cue) => {
                    decisions.push(json!({"statement": statement, "cue": cue}));
                }
                Found::Action {
                    description,
                    owner,
                    due,
                    cue,
                } if chosen.contains(&cue) => {
                    actions.push(json!({
                        "description": description,
                        "owner": owner,
                        "due_date": due.map(|due| due.to_string()),
                        "cue": cue
                    }));
                }
                _ => {}
            }
        }
        let json = json!({"decisions": decisions, "action_items": actions});
        Self {
            markdown: json.to_string(),
            json,
        }
    }
}

impl FactSheet for OfflineNotes {
    fn render_markdown(&self) -> String {
        self.markdown.clone()
    }

    fn render_json(&self) -> Option<Value> {
        Some(self.json.clone())
    }
}

#[cfg(test)]
mod tests;
