//! Copilot answers: answer a question from approved facts and cite the facts used.
//!
//! # How an answer is made
//!
//! 1. [`CopilotFacts`] collects facts, each from an [`Authorized`](async_policy::Authorized)
//!    value approved for the viewer and `Purpose::CopilotAnswer` whose own person or team
//!    is the one it was approved for. Each fact gets a stable
//!    [`FactId`] built from its kind and reference (`item:PAY-12`,
//!    `pr:acme/payments#42`), so ids do not shift when other facts come or go.
//! 2. The facts are ranked by lexical relevance to the question (rare question words
//!    count more, and naming a fact's reference counts most; see the scoring rule in the
//!    crate docs' tasks section) and taken best first until the prompt reaches the token
//!    budget.
//! 3. The model is asked for `{"answer": ..., "citations": [...]}` through
//!    [`structured`](crate::structured) output, with the chosen ids as the only values
//!    the schema accepts in `citations`. A citation of any other id is rejected and asked
//!    for again once; a second failure is an [`Error::SchemaMismatch`].
//! 4. The [`OfflineModel`](crate::OfflineModel) answers with the most relevant facts
//!    themselves, each with its id, and cites them.

mod facts;
mod prompt;
mod pseudonyms;
mod relevance;

use std::collections::BTreeSet;
use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};

pub use facts::{CopilotFacts, Fact, FactKind, Note, TeamNotes};

use self::prompt::Selection;
use self::pseudonyms::PromptView;
use crate::structured::{StructuredOptions, Violation, complete_checked};
use crate::tasks::FactId;
use crate::tasks::markdown::{escape, link};
use crate::{
    CompletionRequest, Error, FactSheet, LanguageModel, Message, ModelInfo, StopReason, Usage,
};

/// Settings for answering a question.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct CopilotOptions {
    /// The estimated prompt size (instructions, question and facts) not to exceed, in
    /// tokens.
    pub max_prompt_tokens: usize,
    /// The maximum length of the answer, in tokens.
    pub max_output_tokens: u32,
    /// The sampling temperature.
    pub temperature: Option<f32>,
    /// How many facts the offline answer lists at most.
    pub offline_facts: usize,
    /// The structured-output settings: schema placement and retries.
    pub structured: StructuredOptions,
}

impl Default for CopilotOptions {
    /// 3,000 prompt tokens, 800 output tokens, temperature 0.2, five offline facts, and
    /// the default structured options.
    fn default() -> Self {
        Self {
            max_prompt_tokens: 3_000,
            max_output_tokens: 800,
            temperature: Some(0.2),
            offline_facts: 5,
            structured: StructuredOptions::default(),
        }
    }
}

impl CopilotOptions {
    /// Sets the prompt budget in (estimated) tokens.
    #[must_use]
    pub fn with_max_prompt_tokens(mut self, tokens: usize) -> Self {
        self.max_prompt_tokens = tokens;
        self
    }

    /// Sets the output cap in tokens.
    #[must_use]
    pub fn with_max_output_tokens(mut self, tokens: u32) -> Self {
        self.max_output_tokens = tokens;
        self
    }

    /// Sets how the structured reply is requested and retried.
    #[must_use]
    pub fn with_structured(mut self, structured: StructuredOptions) -> Self {
        self.structured = structured;
        self
    }
}

/// A fact an answer cites.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The fact's id.
    pub id: FactId,
    /// The reference readers search for (`PAY-12`).
    pub reference: String,
    /// The fact's text.
    pub text: String,
    /// The page a reader opens, if known.
    pub url: Option<String>,
}

/// An answer to a question, with the facts it cites.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CopilotAnswer {
    /// The answer as the model wrote it (Markdown), with display names in place of
    /// pseudonyms.
    pub answer: String,
    /// The cited facts, in the order the model cited them, without repeats.
    pub citations: Vec<Citation>,
    /// The answer followed by a list of its sources, as Markdown.
    pub markdown: String,
    /// The model that wrote it.
    pub model: ModelInfo,
    /// Token usage over every attempt, when the model reported any.
    pub usage: Option<Usage>,
    /// The reason the model stopped.
    pub stop_reason: StopReason,
    /// How many facts the prompt held.
    pub given_facts: usize,
    /// How many facts were left out to fit the token budget.
    pub omitted_facts: usize,
}

/// The prompt a copilot answer sends to a network model, for inspection or measurement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopilotPrompt {
    /// The system prompt, with the reply instruction and schema appended.
    pub system: String,
    /// The user message: the question and the chosen facts, with pseudonyms in place
    /// of names when the facts have a pseudonymizer.
    pub user: String,
    /// The ids of the chosen facts as sent, best first.
    pub fact_ids: Vec<FactId>,
    /// How many facts were left out to fit the token budget.
    pub omitted_facts: usize,
    /// The estimated tokens of the whole prompt.
    pub estimated_tokens: usize,
}

/// The reply the model writes.
#[derive(Debug, Deserialize)]
struct Reply {
    answer: String,
    citations: Vec<FactId>,
}

/// Answers `question` from `facts` with `model`, citing the facts used.
///
/// # Errors
///
/// - [`Error::InvalidConfig`] when the question is empty or the budget cannot hold it.
/// - [`Error::PseudonymCollision`] when two people share a pseudonym; nothing is sent.
/// - [`Error::SchemaMismatch`] when the model's replies did not match the reply schema
///   or cited ids it was not given.
/// - Any error of [`LanguageModel::complete`].
///
/// # Examples
///
/// ```
/// # use async_core::ids::{PersonId, TeamId};
/// # use async_core::model::Team;
/// # use async_policy::{
/// #     AccessRequest, DataCategory, Guard, MemoryAuditLog, Organization, Purpose,
/// #     RulesEngine, VisibilitySettings,
/// # };
/// use async_llm::OfflineModel;
/// use async_llm::tasks::copilot::{CopilotFacts, CopilotOptions, Note, TeamNotes, answer_question};
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
/// // The notes come from the policy guard, approved for the copilot purpose.
/// let request =
///     AccessRequest::team_aggregate("dana", "payments", DataCategory::Code, Purpose::CopilotAnswer);
/// let notes = vec![Note::new("review-wait", "Median first-review wait: 14 hours")];
/// let notes = guard
///     .authorize_now(&request, TeamNotes::new("payments", notes))
///     .expect("a member sees team aggregates");
/// let facts = CopilotFacts::new("dana").with_notes(&notes)?;
///
/// # tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(async {
/// let answer = answer_question(
///     &OfflineModel::new(),
///     &facts,
///     "How long do reviews wait?",
///     &CopilotOptions::default(),
/// )
/// .await?;
/// assert_eq!(answer.citations[0].id.as_str(), "note:review-wait");
/// assert!(answer.markdown.contains("14 hours"));
/// # Ok::<(), async_llm::Error>(())
/// # }).expect("answer");
/// # Ok::<(), async_llm::Error>(())
/// ```
pub async fn answer_question<M: LanguageModel + ?Sized>(
    model: &M,
    facts: &CopilotFacts,
    question: &str,
    options: &CopilotOptions,
) -> Result<CopilotAnswer, Error> {
    let info = model.describe();
    let view = PromptView::new(facts, question)?;
    let selection = prompt::select(
        &view.facts,
        &view.question,
        budget(&info, options),
        &options.structured,
    )?;
    let sheet = OfflineAnswer::new(&selection, options.offline_facts);

    let mut request = CompletionRequest::new(
        vec![Message::user(selection.user.clone())],
        options.max_output_tokens,
    )
    .with_system(prompt::SYSTEM_PROMPT)
    .with_facts(Arc::new(sheet));
    request.temperature = options.temperature;

    let given: BTreeSet<&FactId> = selection.chosen.iter().map(|(fact, _)| &fact.id).collect();
    let check = |reply: &Reply| unknown_citations(reply, &given);
    let reply = complete_checked(
        model,
        request,
        &selection.schema,
        &options.structured,
        check,
    )
    .await?;

    let citations = citations(&reply.value.citations, &view, facts);
    let answer = view.restore_markdown(reply.value.answer.trim());
    let markdown = render_markdown(&answer, &citations);
    Ok(CopilotAnswer {
        answer,
        citations,
        markdown,
        model: info,
        usage: (!reply.usage.is_empty()).then_some(reply.usage),
        stop_reason: reply.response.stop_reason,
        given_facts: selection.chosen.len(),
        omitted_facts: selection.omitted,
    })
}

/// Builds the prompt [`answer_question`] would send to a model described by `info`,
/// without sending anything.
///
/// With a pseudonymizer in `facts`, the prompt contains the pseudonyms, as sent.
///
/// # Errors
///
/// Returns the same question, pseudonym and budget errors as [`answer_question`].
pub fn copilot_prompt(
    facts: &CopilotFacts,
    question: &str,
    options: &CopilotOptions,
    info: &ModelInfo,
) -> Result<CopilotPrompt, Error> {
    let view = PromptView::new(facts, question)?;
    let selection = prompt::select(
        &view.facts,
        &view.question,
        budget(info, options),
        &options.structured,
    )?;
    let instruction = crate::structured::schema_instruction(&selection.schema, &options.structured);
    Ok(CopilotPrompt {
        system: format!("{}\n\n{instruction}", prompt::SYSTEM_PROMPT),
        user: selection.user,
        fact_ids: selection
            .chosen
            .into_iter()
            .map(|(fact, _)| fact.id)
            .collect(),
        omitted_facts: selection.omitted,
        estimated_tokens: selection.tokens,
    })
}

/// Keeps the prompt within both the caller's budget and the model's context window minus
/// the room the answer needs.
fn budget(info: &ModelInfo, options: &CopilotOptions) -> usize {
    match info.context_window {
        Some(window) => {
            let room = window.saturating_sub(options.max_output_tokens) as usize;
            options.max_prompt_tokens.min(room)
        }
        None => options.max_prompt_tokens,
    }
}

/// Lists each cited id that was not among the given facts.
fn unknown_citations(reply: &Reply, given: &BTreeSet<&FactId>) -> Vec<Violation> {
    reply
        .citations
        .iter()
        .enumerate()
        .filter(|(_, id)| !given.contains(id))
        .map(|(index, id)| {
            Violation::new(
                format!("/citations/{index}"),
                "citation",
                format!("`{id}` is not the id of a given fact; cite only the ids listed"),
            )
        })
        .collect()
}

/// Resolves cited ids to the facts on offer, dropping repeats.
///
/// The model cites the ids it was sent. Each resolves to the fact it was written from,
/// so a citation carries that fact's own id and its text with the display names.
fn citations(ids: &[FactId], view: &PromptView, facts: &CopilotFacts) -> Vec<Citation> {
    let mut seen = BTreeSet::new();
    ids.iter()
        .filter(|id| seen.insert(*id))
        .filter_map(|id| view.original(facts, id))
        .map(|fact| Citation {
            id: fact.id.clone(),
            reference: fact.reference.clone(),
            text: fact.text.clone(),
            url: fact.url.clone(),
        })
        .collect()
}

/// Writes the answer and its sources.
fn render_markdown(answer: &str, citations: &[Citation]) -> String {
    let mut markdown = answer.to_owned();
    if citations.is_empty() {
        return markdown;
    }
    markdown.push_str("\n\n**Sources**");
    for citation in citations {
        markdown.push_str(&format!(
            "\n- `{}` {}: {}",
            citation.id,
            link(&citation.reference, citation.url.as_deref()),
            escape(&citation.text)
        ));
    }
    markdown
}

/// The answer the offline model gives: the most relevant facts, each cited.
#[derive(Debug)]
struct OfflineAnswer {
    json: Value,
}

impl OfflineAnswer {
    fn new(selection: &Selection, limit: usize) -> Self {
        let relevant: Vec<&Fact> = selection
            .chosen
            .iter()
            .filter(|(_, score)| *score > 0.0)
            .take(limit)
            .map(|(fact, _)| fact)
            .collect();
        let answer = if relevant.is_empty() {
            format!(
                "None of the {} facts available matches the words of the question.",
                selection.chosen.len()
            )
        } else {
            let lines: Vec<String> = relevant.iter().map(|fact| offline_line(fact)).collect();
            format!(
                "The facts that match the question best:\n{}",
                lines.join("\n")
            )
        };
        let citations: Vec<&str> = relevant.iter().map(|fact| fact.id.as_str()).collect();
        Self {
            json: json!({"answer": answer, "citations": citations}),
        }
    }
}

fn offline_line(fact: &Fact) -> String {
    let about = fact
        .person
        .as_deref()
        .map_or_else(String::new, |person| format!("{}, ", escape(person)));
    format!(
        "- {about}{} {}: {} [{}]",
        fact.kind.as_str(),
        escape(&fact.reference),
        escape(&fact.text),
        fact.id
    )
}

impl FactSheet for OfflineAnswer {
    fn render_markdown(&self) -> String {
        self.json["answer"].as_str().unwrap_or_default().to_owned()
    }

    fn render_json(&self) -> Option<Value> {
        Some(self.json.clone())
    }
}

#[cfg(test)]
mod tests;
