//! The approval check every task applies to its `Authorized` inputs.

use async_core::ids::PersonId;
use async_policy::{Attributed, Authorized, DataCategory, Purpose, Scope};

use crate::Error;
use crate::tasks::standup::BlockerSource;

/// The viewer, purpose and category an approval needs to fill one slot of a task.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Slot<'a> {
    /// The slot's name in error messages (`work`, `transcript`).
    pub(crate) name: &'a str,
    /// The viewer the task writes for.
    pub(crate) viewer: &'a PersonId,
    /// The task's purpose.
    pub(crate) purpose: Purpose,
    /// The category the slot holds.
    pub(crate) category: DataCategory,
}

impl Slot<'_> {
    /// Checks that `approved` was made for this slot's viewer, purpose and category, and
    /// that the value belongs to the scope it was approved for.
    ///
    /// The guard already rejects a value whose attribution differs from the request. The
    /// task checks it again so its inputs stay sound on their own.
    ///
    /// # Errors
    ///
    /// Returns [`Error::AuthorizationMismatch`] naming the slot and the difference.
    pub(crate) fn check<T: Attributed>(&self, approved: &Authorized<T>) -> Result<(), Error> {
        self.check_request(approved)?;
        let attribution = approved.value().attribution();
        if attribution == *approved.scope() {
            return Ok(());
        }
        Err(Error::AuthorizationMismatch(format!(
            "{} facts of {attribution} were approved as data of {}; request access for the \
             facts' own subject",
            self.name,
            approved.scope()
        )))
    }

    fn check_request<T>(&self, approved: &Authorized<T>) -> Result<(), Error> {
        let problem = if approved.viewer() != self.viewer {
            Some(format!(
                "approved for viewer {}, not {}",
                approved.viewer(),
                self.viewer
            ))
        } else if approved.purpose() != self.purpose {
            Some(format!(
                "approved for the {} purpose, not {}",
                approved.purpose(),
                self.purpose
            ))
        } else if approved.category() != self.category {
            Some(format!(
                "approved as {} data, but the slot needs {}",
                approved.category(),
                self.category
            ))
        } else {
            None
        };
        match problem {
            Some(problem) => Err(Error::AuthorizationMismatch(format!(
                "{} facts about {} were {problem}; authorize them for this slot",
                self.name,
                describe(approved.scope())
            ))),
            None => Ok(()),
        }
    }
}

impl Slot<'_> {
    /// Checks `approved` like [`Slot::check`] and also requires a team aggregate.
    ///
    /// The policy always allows a viewer's own data. Without this check, team-wide facts
    /// approved as the viewer's own would skip the aggregate rule's minimum group size.
    pub(crate) fn check_aggregate<T: Attributed>(
        &self,
        approved: &Authorized<T>,
    ) -> Result<(), Error> {
        self.check(approved)?;
        match approved.scope() {
            Scope::TeamAggregate(_) => Ok(()),
            Scope::Individual(person) => Err(Error::AuthorizationMismatch(format!(
                "{} facts were approved as individual data of {person}, but the slot needs a \
                 team aggregate; authorize them with AccessRequest::team_aggregate",
                self.name
            ))),
        }
    }
}

fn describe(scope: &Scope) -> String {
    match scope {
        Scope::Individual(person) => person.to_string(),
        Scope::TeamAggregate(team) => format!("team {team}"),
    }
}

/// Returns the category that must approve a blocker found in `source`: a chat blocker
/// quotes a message, so it needs chat approval even when it names a work item.
pub(crate) fn blocker_category(source: BlockerSource) -> DataCategory {
    match source {
        BlockerSource::WorkItem => DataCategory::Work,
        BlockerSource::PullRequest => DataCategory::Code,
        BlockerSource::Chat => DataCategory::Chat,
    }
}
