//! The copilot's facts and question as the prompt carries them, with people as keyed
//! pseudonyms when the facts have a pseudonymizer.

use super::facts::{CopilotFacts, Fact};
use crate::Error;
use crate::tasks::FactId;
use crate::tasks::fact_id::FactIds;
use crate::tasks::pseudonyms::PromptNames;

/// The facts and question of one copilot prompt.
#[derive(Debug, Clone)]
pub(crate) struct PromptView {
    /// The facts as sent, in the order of the facts on offer.
    pub(crate) facts: Vec<Fact>,
    /// The question as sent.
    pub(crate) question: String,
    /// The people's names and pseudonyms, when the facts have a pseudonymizer.
    pub(crate) names: Option<PromptNames>,
}

impl PromptView {
    /// Writes each fact's person as their pseudonym and hides names in the question and
    /// in each fact's text and reference; without a pseudonymizer, copies the facts.
    ///
    /// A fact whose reference held a name gets its id from the hidden reference, so no
    /// id in the prompt carries a name either.
    ///
    /// # Errors
    ///
    /// Returns [`Error::PseudonymCollision`] when two people share a pseudonym.
    pub(crate) fn new(facts: &CopilotFacts, question: &str) -> Result<Self, Error> {
        let Some(pseudonymizer) = facts.pseudonymizer() else {
            return Ok(Self {
                facts: facts.facts().to_vec(),
                question: question.to_owned(),
                names: None,
            });
        };
        let names = PromptNames::new(pseudonymizer, facts.people())?;

        let mut ids = FactIds::default();
        let hidden = facts
            .facts()
            .iter()
            .map(|fact| hide(fact, &names, &mut ids))
            .collect();
        Ok(Self {
            facts: hidden,
            question: names.hide(question),
            names: Some(names),
        })
    }

    /// Returns the fact on offer that the prompt's fact `id` was written from.
    pub(crate) fn original<'a>(&self, facts: &'a CopilotFacts, id: &FactId) -> Option<&'a Fact> {
        let index = self.facts.iter().position(|fact| &fact.id == id)?;
        facts.facts().get(index)
    }

    /// Puts the display names back into Markdown the model wrote.
    pub(crate) fn restore_markdown(&self, markdown: &str) -> String {
        match &self.names {
            Some(names) => names.restore_markdown(markdown),
            None => markdown.to_owned(),
        }
    }
}

/// Returns `fact` as the prompt carries it, with a fresh id from `ids`.
fn hide(fact: &Fact, names: &PromptNames, ids: &mut FactIds) -> Fact {
    let pseudonym = fact
        .person_id
        .as_ref()
        .and_then(|person| names.pseudonym(person));
    let person = match (pseudonym, &fact.person) {
        (Some(pseudonym), _) => Some(pseudonym.to_owned()),
        (None, Some(label)) => Some(names.hide(label)),
        (None, None) => None,
    };
    let reference = names.hide(&fact.reference);
    Fact {
        id: ids.issue(fact.kind.id_prefix(), &reference),
        kind: fact.kind,
        person,
        person_id: fact.person_id.clone(),
        reference,
        text: names.hide(&fact.text),
        url: fact.url.clone(),
        at: fact.at,
    }
}
