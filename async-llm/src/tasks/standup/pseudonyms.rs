//! Keyed pseudonyms in place of people's names in a standup digest.

use async_policy::Pseudonymizer;

use super::PersonFacts;
use super::digest::{Digest, Entry};
use crate::Error;
use crate::tasks::pseudonyms::PromptNames;

/// Replaces each person's name in `digest` with their keyed pseudonym, and their names
/// inside titles and blocker summaries as whole words, and returns the names for
/// restoring the answer.
///
/// `people` are the facts the digest was built from, in the same order. Keys, links and
/// evidence labels are left alone, because a standup must quote them verbatim.
///
/// # Errors
///
/// Returns [`Error::PseudonymCollision`] when two people share a pseudonym.
pub(crate) fn apply(
    pseudonymizer: &Pseudonymizer,
    people: &[PersonFacts],
    digest: &mut Digest,
) -> Result<PromptNames, Error> {
    let names = PromptNames::new(
        pseudonymizer,
        people
            .iter()
            .map(|person| (&person.person, person.name.as_str())),
    )?;
    for (facts, person) in people.iter().zip(&mut digest.people) {
        if let Some(pseudonym) = names.pseudonym(&facts.person) {
            person.name = pseudonym.to_owned();
        }
        for entry in person.done.iter_mut().chain(person.in_progress.iter_mut()) {
            let title = match entry {
                Entry::Item(item) => &mut item.title,
                Entry::Pull(pull) => &mut pull.title,
                Entry::Review(review) => &mut review.title,
            };
            *title = names.hide(title);
        }
        for blocker in &mut person.blockers {
            blocker.summary = names.hide(&blocker.summary);
        }
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use async_core::ids::TenantId;
    use async_core::secret::EncryptionKey;

    use super::*;
    use crate::tasks::standup::digest::PersonDigest;
    use crate::tasks::standup::facts::{BlockerFact, BlockerSource};

    #[test]
    fn apply_hides_names_in_headings_and_summaries() {
        let blocker = BlockerFact {
            person: async_core::ids::PersonId::new("dana"),
            summary: "Waiting on Lee Okafor's review".into(),
            source: BlockerSource::WorkItem,
            since: None,
            evidence: Vec::new(),
        };
        let mut digest = Digest {
            people: vec![
                PersonDigest::new("Dana", None, None, vec![blocker]),
                PersonDigest::new("Lee Okafor", None, None, Vec::new()),
            ],
            omitted: 0,
        };
        let people = [
            PersonFacts::new("dana", "Dana"),
            PersonFacts::new("lee", "Lee Okafor"),
        ];
        let pseudonymizer = Pseudonymizer::new(TenantId::new("acme"), EncryptionKey::generate());

        let names = apply(&pseudonymizer, &people, &mut digest).expect("no collision");

        let lee = pseudonymizer
            .pseudonym(&"lee".into())
            .expect("no collision");
        assert_eq!(digest.people[1].name, lee);
        let summary = &digest.people[0].blockers[0].summary;
        assert_eq!(summary, &format!("Waiting on {lee}'s review"));
        assert_eq!(names.restore(summary), "Waiting on Lee Okafor's review");
    }
}
