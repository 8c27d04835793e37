//! The team standup: per person Done, In progress and Blocked, then the team's blockers.
//!
//! # How facts reach the model
//!
//! [`StandupFacts`] is built only from [`Authorized`] parts, which only the policy's
//! `Guard` can create, so facts that did not pass the policy cannot be passed in.
//! [`write_standup`] also checks each part's approval. It must be for the standup's viewer,
//! for [`Purpose::Standup`], for the person it is filed under, and for the category of its
//! slot. Work items need work approval and pull requests code approval. Each blocker needs
//! the category of its source, so chat blockers need chat approval. Each fact names its
//! person, and the guard approves it only for that person's scope, so a viewer cannot
//! approve their own data and wrap another person's facts in it. A caller who builds a
//! fact by hand and attributes another person's content to the wrong person is outside
//! what a library can check.
//!
//! The approved facts are then sorted into a digest and fitted to a token budget: when the
//! prompt would exceed it, finished work is dropped first (oldest first), then ongoing
//! work, and blockers last; the prompt says how many facts were omitted. The digest is
//! both written into the prompt, one line per fact with keys and links verbatim, and
//! attached to the request as its [`FactSheet`](crate::FactSheet). The
//! [`OfflineModel`](crate::OfflineModel) renders that attachment; a network model receives
//! only the prompt. Either way the Markdown is converted to Slack `mrkdwn` by
//! [`markdown_to_mrkdwn`].

mod digest;
mod facts;
mod insights;
mod prompt;
mod pseudonyms;
mod render;

use std::sync::Arc;

use async_core::ids::PersonId;
use async_policy::{Attributed, Authorized, DataCategory, Pseudonymizer, Purpose, Scope};

pub use facts::{
    BlockerFact, BlockerSource, CodeFacts, Evidence, Progress, PullRequestFact, PullRequestStatus,
    ReviewFact, WorkFacts, WorkItemFact,
};

use self::digest::{Digest, PersonDigest};
use crate::slack::markdown_to_mrkdwn;
use crate::tasks::pseudonyms::PromptNames;
use crate::{
    CompletionRequest, Error, LanguageModel, Message, ModelInfo, ProviderContext, StopReason, Usage,
};

/// One person's approved facts for a standup.
#[derive(Debug, Clone)]
pub struct PersonFacts {
    /// The person the facts are about.
    pub person: PersonId,
    /// The person's display name. With a pseudonymizer, the prompt carries the person's
    /// pseudonym instead and the written standup this name.
    pub name: String,
    /// Work items, approved for the work category.
    pub work: Option<Authorized<WorkFacts>>,
    /// Pull requests, approved for the code category.
    pub code: Option<Authorized<CodeFacts>>,
    /// Blockers, each approved for the category of its source.
    pub blockers: Vec<Authorized<BlockerFact>>,
}

impl PersonFacts {
    /// Starts an entry for `person`, shown as `name`, with no facts yet.
    pub fn new(person: impl Into<PersonId>, name: impl Into<String>) -> Self {
        Self {
            person: person.into(),
            name: name.into(),
            work: None,
            code: None,
            blockers: Vec::new(),
        }
    }

    /// Sets the approved work items.
    #[must_use]
    pub fn with_work(mut self, work: Authorized<WorkFacts>) -> Self {
        self.work = Some(work);
        self
    }

    /// Sets the approved pull requests.
    #[must_use]
    pub fn with_code(mut self, code: Authorized<CodeFacts>) -> Self {
        self.code = Some(code);
        self
    }

    /// Adds an approved blocker.
    #[must_use]
    pub fn with_blocker(mut self, blocker: Authorized<BlockerFact>) -> Self {
        self.blockers.push(blocker);
        self
    }
}

/// Everything one viewer's standup is written from.
#[derive(Debug, Clone)]
pub struct StandupFacts {
    /// The person the standup is written for; every approval must be for them.
    pub viewer: PersonId,
    /// The people in the order the standup lists them.
    pub people: Vec<PersonFacts>,
    /// The tenant's pseudonymizer. When set, each person appears in the prompt only as
    /// their keyed pseudonym, and their full name, and a first name no other person in
    /// the standup has, are replaced as whole words in titles and blocker summaries. The
    /// written standup gets the display names back before it is returned.
    ///
    /// NOTE: a nickname, another spelling or the name of someone outside the standup
    /// inside a fact's text still reaches the model.
    pub pseudonymizer: Option<Arc<Pseudonymizer>>,
}

impl StandupFacts {
    /// Starts the facts of `viewer`'s standup with nobody in it.
    pub fn new(viewer: impl Into<PersonId>) -> Self {
        Self {
            viewer: viewer.into(),
            people: Vec::new(),
            pseudonymizer: None,
        }
    }

    /// Sends people to the model as keyed pseudonyms from `pseudonymizer`; see
    /// [`StandupFacts::pseudonymizer`].
    #[must_use]
    pub fn with_pseudonymizer(mut self, pseudonymizer: Arc<Pseudonymizer>) -> Self {
        self.pseudonymizer = Some(pseudonymizer);
        self
    }

    /// Adds a person.
    #[must_use]
    pub fn with_person(mut self, person: PersonFacts) -> Self {
        self.people.push(person);
        self
    }
}

/// Settings for writing a standup.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct StandupOptions {
    /// The estimated prompt size (system prompt and facts) not to exceed, in tokens.
    pub max_prompt_tokens: usize,
    /// The maximum length of the written standup, in tokens.
    pub max_output_tokens: u32,
    /// The sampling temperature; low values keep the wording close to the facts.
    pub temperature: Option<f32>,
}

impl Default for StandupOptions {
    /// 4,000 prompt tokens, 1,024 output tokens, temperature 0.2.
    fn default() -> Self {
        Self {
            max_prompt_tokens: 4_000,
            max_output_tokens: 1_024,
            temperature: Some(0.2),
        }
    }
}

impl StandupOptions {
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
}

/// A written standup.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Standup {
    /// The standup as Markdown.
    pub markdown: String,
    /// The same standup as Slack `mrkdwn`, converted from the Markdown.
    pub slack_mrkdwn: String,
    /// The model that wrote it.
    pub model: ModelInfo,
    /// Token usage, when the model reported any (the offline model reports none).
    pub usage: Option<Usage>,
    /// The reason the model stopped. [`StopReason::MaxTokens`] means the standup was cut short
    /// and `max_output_tokens` should be raised.
    pub stop_reason: StopReason,
    /// How many facts were left out to fit the token budget.
    pub omitted_facts: usize,
    /// References (keys, pull requests, URLs) from the facts that the Markdown does not
    /// contain verbatim; a model that dropped or altered one shows up here.
    pub missing_references: Vec<String>,
}

/// Writes `facts` into a standup with `model`.
///
/// # Errors
///
/// - [`Error::AuthorizationMismatch`] when a part was approved for another viewer,
///   purpose, person or category, or names another person than the one it is filed under.
/// - [`Error::InvalidConfig`] when the token budget cannot hold even the prompt's fixed
///   text.
/// - [`Error::PseudonymCollision`] when two people share a pseudonym; nothing is sent.
/// - [`Error::EmptyOutput`] when the model wrote nothing.
/// - Any error of [`LanguageModel::complete`].
///
/// # Examples
///
/// ```
/// use async_llm::OfflineModel;
/// use async_llm::tasks::standup::{write_standup, PersonFacts, StandupFacts, StandupOptions};
///
/// # tokio::runtime::Builder::new_current_thread().build().expect("runtime").block_on(async {
/// // Approved facts come from the policy guard; a person without any still gets a section.
/// let facts = StandupFacts::new("dana").with_person(PersonFacts::new("dana", "Dana"));
/// let standup = write_standup(&OfflineModel::new(), &facts, &StandupOptions::default()).await?;
/// assert!(standup.markdown.contains("## Dana"));
/// assert!(standup.slack_mrkdwn.starts_with("*Standup*"));
/// # Ok::<(), async_llm::Error>(())
/// # }).expect("standup");
/// ```
pub async fn write_standup<M: LanguageModel + ?Sized>(
    model: &M,
    facts: &StandupFacts,
    options: &StandupOptions,
) -> Result<Standup, Error> {
    let info = model.describe();
    let Prepared {
        digest,
        user_prompt,
        names,
    } = prepare(facts, options, &info)?;
    let references = prompt::references(&digest);
    let omitted_facts = digest.omitted;

    let mut request =
        CompletionRequest::new(vec![Message::user(user_prompt)], options.max_output_tokens)
            .with_system(prompt::SYSTEM_PROMPT)
            .with_facts(Arc::new(digest));
    request.temperature = options.temperature;

    let response = model.complete(&request).await?;
    let written = response.text();
    let markdown = match &names {
        Some(names) => names.restore_markdown(written.trim()),
        None => written.trim().to_owned(),
    };
    if markdown.is_empty() {
        let context =
            ProviderContext::new("standup", "write").with_request_id(response.request_id.clone());
        return Err(Error::EmptyOutput {
            context: Box::new(context),
            stop_reason: response.stop_reason,
        });
    }

    let slack_mrkdwn = markdown_to_mrkdwn(&markdown);
    let missing_references = references
        .into_iter()
        .filter(|reference| {
            !markdown.contains(reference.as_str()) && !slack_mrkdwn.contains(reference.as_str())
        })
        .collect();
    Ok(Standup {
        markdown,
        slack_mrkdwn,
        model: info,
        usage: (!response.usage.is_empty()).then_some(response.usage),
        stop_reason: response.stop_reason,
        omitted_facts,
        missing_references,
    })
}

/// The prompt a standup sends to a network model, for inspection or measurement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandupPrompt {
    /// The system prompt.
    pub system: &'static str,
    /// The user message holding the facts.
    pub user: String,
    /// How many facts were left out to stay within the token budget.
    pub omitted_facts: usize,
}

/// Builds the prompt [`write_standup`] would send to a model described by `info`, without
/// sending anything.
///
/// With a pseudonymizer in `facts`, the prompt contains the pseudonyms, as sent.
///
/// # Errors
///
/// Returns the same approval, pseudonym and budget errors as [`write_standup`].
///
/// # Examples
///
/// ```
/// use async_llm::{LanguageModel, OfflineModel};
/// use async_llm::tasks::standup::{standup_prompt, PersonFacts, StandupFacts, StandupOptions};
///
/// let facts = StandupFacts::new("dana").with_person(PersonFacts::new("dana", "Dana"));
/// let prompt = standup_prompt(&facts, &StandupOptions::default(), &OfflineModel::new().describe())?;
/// assert!(prompt.user.contains("Dana"));
/// assert_eq!(prompt.omitted_facts, 0);
/// # Ok::<(), async_llm::Error>(())
/// ```
pub fn standup_prompt(
    facts: &StandupFacts,
    options: &StandupOptions,
    info: &ModelInfo,
) -> Result<StandupPrompt, Error> {
    let prepared = prepare(facts, options, info)?;
    Ok(StandupPrompt {
        system: prompt::SYSTEM_PROMPT,
        user: prepared.user_prompt,
        omitted_facts: prepared.digest.omitted,
    })
}

/// The approved facts sorted, pseudonymized when asked, and fitted into the budget.
struct Prepared {
    digest: Digest,
    user_prompt: String,
    names: Option<PromptNames>,
}

fn prepare(
    facts: &StandupFacts,
    options: &StandupOptions,
    info: &ModelInfo,
) -> Result<Prepared, Error> {
    let mut digest = digest_of(facts)?;
    let names = match &facts.pseudonymizer {
        Some(pseudonymizer) => Some(pseudonyms::apply(
            pseudonymizer,
            &facts.people,
            &mut digest,
        )?),
        None => None,
    };
    let budget = prompt_budget(info, options);
    let (digest, user_prompt) = prompt::fit_to_budget(digest, budget)?;
    Ok(Prepared {
        digest,
        user_prompt,
        names,
    })
}

/// Keeps the prompt within both the caller's budget and the model's context window minus
/// the room the answer needs.
fn prompt_budget(info: &ModelInfo, options: &StandupOptions) -> usize {
    match info.context_window {
        Some(window) => {
            let room = window.saturating_sub(options.max_output_tokens);
            options.max_prompt_tokens.min(room as usize)
        }
        None => options.max_prompt_tokens,
    }
}

/// Checks every approval and sorts the approved facts into a digest.
fn digest_of(facts: &StandupFacts) -> Result<Digest, Error> {
    let mut people = Vec::with_capacity(facts.people.len());
    for person in &facts.people {
        let check = |slot: &str, approval: (&PersonId, &Scope, DataCategory, Purpose), category| {
            check_approval(facts, person, slot, approval, category)
        };
        if let Some(work) = &person.work {
            check("work", parts(work), DataCategory::Work)?;
            check_owner(person, "work", work)?;
        }
        if let Some(code) = &person.code {
            check("code", parts(code), DataCategory::Code)?;
            check_owner(person, "code", code)?;
        }
        for blocker in &person.blockers {
            check(
                "blocker",
                parts(blocker),
                category_of(blocker.value().source),
            )?;
            check_owner(person, "blocker", blocker)?;
        }

        let blockers = person.blockers.iter().map(|b| b.value().clone()).collect();
        people.push(PersonDigest::new(
            &person.name,
            person.work.as_ref().map(Authorized::value),
            person.code.as_ref().map(Authorized::value),
            blockers,
        ));
    }
    Ok(Digest { people, omitted: 0 })
}

/// Rejects facts that belong to someone else than the person they are filed under.
///
/// The scope check in `check_approval` and the guard's attribution check already imply
/// this one. It is repeated so that losing either of them cannot mix up whose facts are
/// whose.
fn check_owner<T: Attributed>(
    person: &PersonFacts,
    slot: &str,
    approved: &Authorized<T>,
) -> Result<(), Error> {
    let owner = approved.value().attribution();
    if owner == Scope::Individual(person.person.clone()) {
        return Ok(());
    }
    Err(Error::AuthorizationMismatch(format!(
        "{slot} facts of {owner} were filed under {}; file each person's facts under that \
         person",
        person.person
    )))
}

fn parts<T>(approved: &Authorized<T>) -> (&PersonId, &Scope, DataCategory, Purpose) {
    (
        approved.viewer(),
        approved.scope(),
        approved.category(),
        approved.purpose(),
    )
}

fn category_of(source: BlockerSource) -> DataCategory {
    match source {
        BlockerSource::WorkItem => DataCategory::Work,
        BlockerSource::PullRequest => DataCategory::Code,
        BlockerSource::Chat => DataCategory::Chat,
    }
}

fn check_approval(
    facts: &StandupFacts,
    person: &PersonFacts,
    slot: &str,
    (viewer, scope, category, purpose): (&PersonId, &Scope, DataCategory, Purpose),
    expected: DataCategory,
) -> Result<(), Error> {
    let subject = &person.person;
    let problem = if viewer != &facts.viewer {
        Some(format!(
            "approved for viewer {viewer}, not {}",
            facts.viewer
        ))
    } else if purpose != Purpose::Standup {
        Some(format!("approved for the {purpose} purpose, not standup"))
    } else if scope != &Scope::Individual(subject.clone()) {
        Some(format!("approved for another subject than {subject}"))
    } else if category != expected {
        Some(format!(
            "approved as {category} data, but the slot needs {expected}"
        ))
    } else {
        None
    };
    match problem {
        Some(problem) => Err(Error::AuthorizationMismatch(format!(
            "{slot} facts of {subject} were {problem}; authorize them for this slot"
        ))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
