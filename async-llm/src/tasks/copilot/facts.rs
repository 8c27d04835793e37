//! The facts a copilot answer may rest on, each built from an approved value.

use std::fmt;
use std::sync::Arc;

use async_core::ids::{PersonId, TeamId};
use async_policy::{Attributed, Authorized, DataCategory, Pseudonymizer, Purpose, Scope};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::tasks::FactId;
use crate::tasks::approval::{Slot, blocker_category};
use crate::tasks::fact_id::FactIds;
use crate::tasks::standup::{BlockerFact, CodeFacts, Progress, WorkFacts};

/// The kind of record a fact was taken from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FactKind {
    /// A work item.
    WorkItem,
    /// A pull request.
    PullRequest,
    /// A review of a pull request.
    Review,
    /// A blocker.
    Blocker,
    /// A note the caller wrote from approved data (an aggregate, a decision, a metric).
    Note,
}

impl FactKind {
    /// Returns the words used for the kind in prompts and answers.
    pub fn as_str(self) -> &'static str {
        match self {
            FactKind::WorkItem => "work item",
            FactKind::PullRequest => "pull request",
            FactKind::Review => "review",
            FactKind::Blocker => "blocker",
            FactKind::Note => "note",
        }
    }

    pub(crate) fn id_prefix(self) -> &'static str {
        match self {
            FactKind::WorkItem => "item",
            FactKind::PullRequest => "pr",
            FactKind::Review => "review",
            FactKind::Blocker => "blocker",
            FactKind::Note => "note",
        }
    }
}

impl fmt::Display for FactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A free-form fact the caller wrote from approved data: a team aggregate, a decision
/// from a meeting, a metric.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    /// The reference readers know the note by, kept verbatim and used in its id
    /// (`review-wait-median`, `PAY sprint 14`).
    pub reference: String,
    /// The note itself, one line.
    pub text: String,
    /// The page a reader opens, if any.
    pub url: Option<String>,
    /// When the noted thing happened, if known; ties in relevance go to newer facts.
    pub at: Option<DateTime<Utc>>,
}

impl Note {
    /// Creates a note with a reference and text.
    pub fn new(reference: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            reference: reference.into(),
            text: text.into(),
            url: None,
            at: None,
        }
    }
}

/// Notes written from one team's aggregate data, which the policy approves as that team's
/// aggregate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamNotes {
    /// The team the notes aggregate over.
    pub team: TeamId,
    /// The notes, in the order they are added.
    pub notes: Vec<Note>,
}

impl TeamNotes {
    /// Creates notes about `team`.
    pub fn new(team: impl Into<TeamId>, notes: Vec<Note>) -> Self {
        Self {
            team: team.into(),
            notes,
        }
    }
}

impl Attributed for TeamNotes {
    fn attribution(&self) -> Scope {
        Scope::TeamAggregate(self.team.clone())
    }
}

/// One fact a copilot answer may cite.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub(crate) id: FactId,
    pub(crate) kind: FactKind,
    pub(crate) person: Option<String>,
    /// The person the approval was for, when it was for one person's data.
    pub(crate) person_id: Option<PersonId>,
    pub(crate) reference: String,
    pub(crate) text: String,
    pub(crate) url: Option<String>,
    pub(crate) at: Option<DateTime<Utc>>,
}

impl Fact {
    /// Returns the fact's stable id, which answers cite.
    pub fn id(&self) -> &FactId {
        &self.id
    }

    /// Returns the kind of record the fact was taken from.
    pub fn kind(&self) -> FactKind {
        self.kind
    }

    /// Returns the label of the person the fact is about, if it is about one.
    pub fn person(&self) -> Option<&str> {
        self.person.as_deref()
    }

    /// Returns the reference readers search for (`PAY-12`, `acme/payments#42`).
    pub fn reference(&self) -> &str {
        &self.reference
    }

    /// Returns the fact's text (a title with its status, a blocker summary, a note).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Returns the page a reader opens, if known.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// Returns when the fact last changed, if known.
    pub fn at(&self) -> Option<DateTime<Utc>> {
        self.at
    }
}

/// The approved facts one viewer's questions are answered from.
///
/// The fields are private and every method that adds facts takes an
/// [`Authorized`] value approved for this viewer and [`Purpose::CopilotAnswer`], so facts
/// that did not pass the policy cannot reach a copilot prompt. Each method also checks
/// that the value belongs to the person or team it was approved for.
///
/// # Examples
///
/// ```
/// use async_core::ids::{PersonId, TeamId};
/// use async_core::model::Team;
/// use async_llm::tasks::copilot::{CopilotFacts, Note, TeamNotes};
/// use async_policy::{
///     AccessRequest, DataCategory, Guard, MemoryAuditLog, Organization, Purpose, RulesEngine,
///     VisibilitySettings,
/// };
///
/// let team = Team {
///     id: TeamId::new("payments"),
///     name: "Payments".into(),
///     members: vec![PersonId::new("dana"), PersonId::new("lee"), PersonId::new("sam")],
///     managers: Vec::new(),
/// };
/// let guard = Guard::new(
///     RulesEngine::new(Organization::new(vec![team]), VisibilitySettings::default()),
///     MemoryAuditLog::new(),
/// );
/// let request =
///     AccessRequest::team_aggregate("dana", "payments", DataCategory::Code, Purpose::CopilotAnswer);
/// let notes = vec![Note::new("review-wait", "Median first-review wait: 14 hours")];
/// let notes = guard
///     .authorize_now(&request, TeamNotes::new("payments", notes))
///     .expect("a member sees team aggregates");
///
/// let facts = CopilotFacts::new("dana").with_notes(&notes)?;
/// assert_eq!(facts.facts()[0].id().as_str(), "note:review-wait");
/// # Ok::<(), async_llm::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct CopilotFacts {
    viewer: PersonId,
    facts: Vec<Fact>,
    ids: FactIds,
    pseudonymizer: Option<Arc<Pseudonymizer>>,
    /// People whose names the facts may mention without any fact being about them.
    named: Vec<(PersonId, String)>,
}

impl CopilotFacts {
    /// Starts an empty set of facts for questions `viewer` asks.
    pub fn new(viewer: impl Into<PersonId>) -> Self {
        Self {
            viewer: viewer.into(),
            facts: Vec::new(),
            ids: FactIds::default(),
            pseudonymizer: None,
            named: Vec::new(),
        }
    }

    /// Sends people to the model as keyed pseudonyms from `pseudonymizer`.
    ///
    /// Each fact's person is written as the pseudonym of the person its approval was
    /// for. Their full names, and first names no other such person has, are replaced
    /// as whole words in the question, the facts' text and references, and so are the
    /// names added with [`CopilotFacts::with_name`]. The answer and its citations get
    /// the display names back before they are returned.
    ///
    /// NOTE: a fact approved as a team aggregate has no person to take a pseudonym
    /// from. A person label given with it is replaced only when it is the name of a
    /// person of another fact or of one added with [`CopilotFacts::with_name`].
    #[must_use]
    pub fn with_pseudonymizer(mut self, pseudonymizer: Arc<Pseudonymizer>) -> Self {
        self.pseudonymizer = Some(pseudonymizer);
        self
    }

    /// Adds `person`'s display name to the names a pseudonymizer hides, for a person
    /// the facts' text may mention though no fact is about them (the viewer, a
    /// reviewer).
    #[must_use]
    pub fn with_name(mut self, person: impl Into<PersonId>, name: impl Into<String>) -> Self {
        self.named.push((person.into(), name.into()));
        self
    }

    /// Returns the pseudonymizer, when one was set.
    pub(crate) fn pseudonymizer(&self) -> Option<&Pseudonymizer> {
        self.pseudonymizer.as_deref()
    }

    /// Returns each person the facts are about, then each person added by
    /// [`CopilotFacts::with_name`], with their display names.
    pub(crate) fn people(&self) -> impl Iterator<Item = (&PersonId, &str)> {
        let subjects = self
            .facts
            .iter()
            .filter_map(|fact| Some((fact.person_id.as_ref()?, fact.person.as_deref()?)));
        let named = self
            .named
            .iter()
            .map(|(person, name)| (person, name.as_str()));
        subjects.chain(named)
    }

    /// Returns the viewer the facts were approved for.
    pub fn viewer(&self) -> &PersonId {
        &self.viewer
    }

    /// Returns every fact, in the order they were added.
    pub fn facts(&self) -> &[Fact] {
        &self.facts
    }

    /// Adds `person`'s work items (a work item not started yet is left out).
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuthorizationMismatch`] unless `work` was approved as its person's
    /// data for this viewer, the copilot purpose and the work category.
    pub fn with_work(mut self, person: &str, work: &Authorized<WorkFacts>) -> Result<Self, Error> {
        self.slot("work", DataCategory::Work).check(work)?;
        for item in &work.value().items {
            if item.progress == Progress::ToDo {
                continue;
            }
            let text = format!("{} (status: {})", item.title, item.status);
            self.push(
                FactKind::WorkItem,
                about(person, work),
                item.key.as_str(),
                text,
            )
            .finish(item.url.clone(), item.updated_at);
        }
        Ok(self)
    }

    /// Adds `person`'s pull requests and the reviews they gave.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuthorizationMismatch`] unless `code` was approved as its person's
    /// data for this viewer, the copilot purpose and the code category.
    pub fn with_code(mut self, person: &str, code: &Authorized<CodeFacts>) -> Result<Self, Error> {
        self.slot("code", DataCategory::Code).check(code)?;
        for pull in &code.value().pull_requests {
            let mut text = format!("{} (status: {})", pull.title, pull.status.as_str());
            if !pull.work_items.is_empty() {
                let keys: Vec<&str> = pull.work_items.iter().map(|key| key.as_str()).collect();
                text.push_str(&format!(" for {}", keys.join(", ")));
            }
            self.push(
                FactKind::PullRequest,
                about(person, code),
                &pull.reference(),
                text,
            )
            .finish(pull.url.clone(), pull.updated_at);
        }
        for review in &code.value().reviews {
            let text = format!("reviewed {}: {}", review.title, review.verdict);
            self.push(
                FactKind::Review,
                about(person, code),
                &review.reference(),
                text,
            )
            .finish(review.url.clone(), review.reviewed_at);
        }
        Ok(self)
    }

    /// Adds one of `person`'s blockers.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuthorizationMismatch`] unless `blocker` was approved as its
    /// person's data for this viewer, the copilot purpose and the category of its source (chat blockers need
    /// chat approval).
    pub fn with_blocker(
        mut self,
        person: &str,
        blocker: &Authorized<BlockerFact>,
    ) -> Result<Self, Error> {
        let fact = blocker.value();
        self.slot("blocker", blocker_category(fact.source))
            .check(blocker)?;
        let reference = fact
            .evidence
            .first()
            .map_or_else(|| fact.summary.clone(), |evidence| evidence.label.clone());
        let url = fact
            .evidence
            .iter()
            .find_map(|evidence| evidence.url.clone());
        self.push(
            FactKind::Blocker,
            about(person, blocker),
            &reference,
            fact.summary.clone(),
        )
        .finish(url, fact.since);
        Ok(self)
    }

    /// Adds notes written from one team's aggregate data of any category (review waits,
    /// meeting decisions, metrics).
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuthorizationMismatch`] unless `notes` were approved as the
    /// aggregate of their own team for this viewer and the copilot purpose.
    pub fn with_notes(mut self, notes: &Authorized<TeamNotes>) -> Result<Self, Error> {
        self.slot("note", notes.category()).check_aggregate(notes)?;
        for note in &notes.value().notes {
            self.push(FactKind::Note, None, &note.reference, note.text.clone())
                .finish(note.url.clone(), note.at);
        }
        Ok(self)
    }

    fn slot(&self, name: &'static str, category: DataCategory) -> Slot<'_> {
        Slot {
            name,
            viewer: &self.viewer,
            purpose: Purpose::CopilotAnswer,
            category,
        }
    }

    fn push(
        &mut self,
        kind: FactKind,
        person: Option<(&str, Option<PersonId>)>,
        reference: &str,
        text: String,
    ) -> PendingFact<'_> {
        let (person, person_id) = person.unzip();
        let id = self.ids.issue(kind.id_prefix(), reference);
        PendingFact {
            facts: &mut self.facts,
            fact: Fact {
                id,
                kind,
                person: person.map(str::to_owned),
                person_id: person_id.flatten(),
                reference: reference.to_owned(),
                text,
                url: None,
                at: None,
            },
        }
    }
}

/// Returns a fact's person label with the person `approved` was approved for, when it
/// was approved as one person's data.
fn about<'a, T>(label: &'a str, approved: &Authorized<T>) -> Option<(&'a str, Option<PersonId>)> {
    let person = match approved.scope() {
        Scope::Individual(person) => Some(person.clone()),
        Scope::TeamAggregate(_) => None,
    };
    Some((label, person))
}

/// A fact waiting for its link and time.
struct PendingFact<'a> {
    facts: &'a mut Vec<Fact>,
    fact: Fact,
}

impl PendingFact<'_> {
    fn finish(mut self, url: Option<String>, at: Option<DateTime<Utc>>) {
        self.fact.url = url;
        self.fact.at = at;
        self.facts.push(self.fact);
    }
}
