//! Asking the policy which of each person's standup facts the viewer may see.

use std::collections::BTreeSet;

use async_core::identity::IdentityMap;
use async_core::ids::PersonId;
use async_core::insights::{PersonStandup, StandupInsights, TeamStandup};
use async_llm::tasks::standup::{
    BlockerFact, BlockerSource, CodeFacts, PersonFacts, StandupFacts, WorkFacts,
};
use async_policy::{
    AccessRequest, Attributed, AuditLog, DataCategory, Guard, Organization, PolicyEngine, Purpose,
    SettingsHistory,
};

/// A part of someone's standup the policy kept from the viewer, with the policy's reason.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Withheld {
    /// Whose data it is.
    pub person: PersonId,
    /// Which category.
    pub category: DataCategory,
    /// The policy's reason, as a sentence.
    pub reason: String,
}

/// Builds the policy's view of the organisation from resolved identities: the teams and
/// the names to use in explanations.
pub fn organization_of(identity: &IdentityMap) -> Organization {
    let organization = Organization::new(identity.teams().to_vec());
    identity
        .people()
        .iter()
        .fold(organization, |organization, person| {
            organization.with_name(person.id.clone(), person.display_name.clone())
        })
}

/// Builds the standup facts of `team` that `viewer` may see, through `guard`.
///
/// Each person's work, code and blocker facts are authorized on their own, for the
/// standup purpose; what the policy denies is left out and listed in the returned
/// [`Withheld`] entries. Parts with nothing to show are not requested, so they leave no
/// audit entry.
pub async fn authorize_standup<E: PolicyEngine, L: AuditLog, H: SettingsHistory>(
    guard: &Guard<E, L, H>,
    viewer: &PersonId,
    team: &TeamStandup,
    insights: &StandupInsights,
) -> (StandupFacts, Vec<Withheld>) {
    let mut facts = StandupFacts::new(viewer.clone());
    let mut withheld = BTreeSet::new();
    for member in &team.members {
        let Some(standup) = insights.person(member) else {
            continue;
        };
        let person = PersonRequests {
            guard,
            viewer,
            subject: member,
            withheld: &mut withheld,
        };
        facts = facts.with_person(person.facts(standup).await);
    }
    (facts, withheld.into_iter().collect())
}

/// The requests for one person's facts, collecting what the policy denies.
struct PersonRequests<'a, E, L, H> {
    guard: &'a Guard<E, L, H>,
    viewer: &'a PersonId,
    subject: &'a PersonId,
    withheld: &'a mut BTreeSet<Withheld>,
}

impl<E: PolicyEngine, L: AuditLog, H: SettingsHistory> PersonRequests<'_, E, L, H> {
    async fn facts(mut self, standup: &PersonStandup) -> PersonFacts {
        let activity = &standup.activity;
        let mut person = PersonFacts::new(activity.person.clone(), activity.display_name.clone());

        let work = WorkFacts::from_activity(activity);
        if !work.items.is_empty()
            && let Some(work) = self.authorize(DataCategory::Work, work).await
        {
            person = person.with_work(work);
        }
        let code = CodeFacts::from_activity(activity);
        let has_code = !code.pull_requests.is_empty() || !code.reviews.is_empty();
        if has_code && let Some(code) = self.authorize(DataCategory::Code, code).await {
            person = person.with_code(code);
        }
        // A blocker whose account resolved to no person cannot be approved as anyone's.
        let facts = standup
            .blockers
            .iter()
            .filter_map(BlockerFact::from_blocker);
        for fact in facts {
            if let Some(fact) = self.authorize(category_of(fact.source), fact).await {
                person = person.with_blocker(fact);
            }
        }
        person
    }

    async fn authorize<T: Attributed>(
        &mut self,
        category: DataCategory,
        value: T,
    ) -> Option<async_policy::Authorized<T>> {
        let request = AccessRequest::individual(
            self.viewer.clone(),
            self.subject.clone(),
            category,
            Purpose::Standup,
        );
        match self.guard.authorize(&request, value).await {
            Ok(authorized) => Some(authorized),
            Err(error) => {
                let reason = match error.decision() {
                    Some(decision) => decision.reason().to_string(),
                    None => error.to_string(),
                };
                self.withheld.insert(Withheld {
                    person: self.subject.clone(),
                    category,
                    reason,
                });
                None
            }
        }
    }
}

/// The data category a blocker belongs to, which decides who may see it.
fn category_of(source: BlockerSource) -> DataCategory {
    match source {
        BlockerSource::WorkItem => DataCategory::Work,
        BlockerSource::PullRequest => DataCategory::Code,
        BlockerSource::Chat => DataCategory::Chat,
    }
}
