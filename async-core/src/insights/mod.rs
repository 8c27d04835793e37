//! Insights: pure computations over domain records.
//!
//! Every function here takes its records, an [`IdentityMap`], a [`TimeWindow`] and the
//! current time `now` as arguments. Nothing reads a clock, a file or the network, and
//! every output is sorted, so the same input always gives the same result.
//!
//! The standup entry point is [`standup_insights`]: per-person activity
//! ([`PersonActivity`], see [`activity`] for the counting rules) and blockers
//! ([`Blocker`], see [`blockers`] for the rules and their thresholds), tuned by an
//! [`InsightConfig`].
//!
//! Output names individuals. The policy crate decides what may be shown to whom, and
//! these functions neither rank people nor compare them with each other.

pub mod activity;
pub mod blockers;
mod config;
mod refs;
#[doc(hidden)]
pub mod synthetic;
mod working_days;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use activity::{FinishedWorkItem, PersonActivity, ReviewedPullRequest};
pub use blockers::{
    Blocker, BlockerKind, Evidence, LinkedStatus, MessageEvidence, RecordKind, detect_blockers,
    is_blocker_text, is_resolution_text,
};
pub use config::{ChannelScope, DEFAULT_BLOCKED_STATUSES, InsightConfig};
pub use refs::{PullRequestRef, WorkItemRef};
pub use working_days::working_days_between;

use crate::identity::IdentityMap;
use crate::ids::{PersonId, TeamId};
use crate::model::{ActivityBatch, TimeWindow};

/// The facts of one standup window: each person's activity and blockers, per team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StandupInsights {
    /// The window the activity was counted in.
    pub window: TimeWindow,
    /// The instant blockers were evaluated at.
    pub now: DateTime<Utc>,
    /// Every team member, and everyone else with activity or a blocker, sorted by id.
    pub people: Vec<PersonStandup>,
    /// Every team, in mapping order. [`StandupInsights::team_blockers`] lists each team's blockers.
    pub teams: Vec<TeamStandup>,
    /// Blockers whose record resolved to no person (a deleted or unknown account).
    pub unattributed_blockers: Vec<Blocker>,
}

/// One person's part of a standup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonStandup {
    /// The person's activity in the window, with empty lists when nothing was found.
    pub activity: PersonActivity,
    /// The blockers that hold the person up at `now`.
    pub blockers: Vec<Blocker>,
}

/// One team's part of a standup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamStandup {
    /// The team.
    pub team: TeamId,
    /// The team's name.
    pub name: String,
    /// The team's members, as the mapping lists them.
    pub members: Vec<PersonId>,
}

impl StandupInsights {
    /// Returns the standup part of one person.
    pub fn person(&self, id: &PersonId) -> Option<&PersonStandup> {
        // `people` is sorted by id, so a binary search finds the entry. A list built by
        // hand out of order falls back to a scan rather than missing the person.
        match self
            .people
            .binary_search_by(|entry| entry.activity.person.cmp(id))
        {
            Ok(index) => self.people.get(index),
            Err(_) => self
                .people
                .iter()
                .find(|entry| &entry.activity.person == id),
        }
    }

    /// Returns the standup part of one team.
    pub fn team(&self, id: &TeamId) -> Option<&TeamStandup> {
        self.teams.iter().find(|entry| &entry.team == id)
    }

    /// Returns every blocker of any member of `team`, ordered by person, kind and subject.
    ///
    /// The blockers are borrowed from the members' entries rather than kept a second time
    /// per team. A person in two teams appears in both.
    pub fn team_blockers<'a>(&'a self, team: &'a TeamStandup) -> impl Iterator<Item = &'a Blocker> {
        // Members are visited sorted and once each, as a scan of `people` filtered by
        // membership would visit them.
        let members: BTreeSet<&PersonId> = team.members.iter().collect();
        members
            .into_iter()
            .filter_map(|member| self.person(member))
            .flat_map(|entry| entry.blockers.iter())
    }
}

/// Computes the standup insights for `window`, with blockers evaluated as of `now`.
///
/// # Examples
///
/// ```
/// use async_core::identity::{IdentityConfig, IdentityResolver};
/// use async_core::insights::{InsightConfig, standup_insights};
/// use async_core::model::{ActivityBatch, TimeWindow};
/// use chrono::{TimeDelta, TimeZone, Utc};
///
/// let config = IdentityConfig::from_toml_str(r#"
///     [[person]]
///     id = "dana"
///     name = "Dana Whitfield"
///     [[team]]
///     id = "payments"
///     name = "Payments"
///     members = ["dana"]
/// "#)?;
/// let batch = ActivityBatch::default();
/// let identity = IdentityResolver::new(config)?.resolve_batch(&batch);
/// let now = Utc.with_ymd_and_hms(2026, 1, 7, 9, 0, 0).single().expect("valid date");
/// let window = TimeWindow::new(now - TimeDelta::days(1), now);
///
/// let insights = standup_insights(&batch, &identity, window, now, &InsightConfig::default());
///
/// // Every team member is present, even without activity.
/// assert_eq!(insights.people.len(), 1);
/// assert!(insights.people[0].activity.is_empty());
/// # Ok::<(), async_core::identity::IdentityError>(())
/// ```
pub fn standup_insights(
    batch: &ActivityBatch,
    identity: &IdentityMap,
    window: TimeWindow,
    now: DateTime<Utc>,
    config: &InsightConfig,
) -> StandupInsights {
    let mut activity = activity::activity_by_person(batch, identity, window);
    let mut unattributed_blockers = Vec::new();
    let mut blockers_by_person: BTreeMap<PersonId, Vec<Blocker>> = BTreeMap::new();
    for blocker in detect_blockers(batch, identity, window, now, config) {
        match &blocker.person {
            Some(person) => blockers_by_person
                .entry(person.clone())
                .or_default()
                .push(blocker),
            None => unattributed_blockers.push(blocker),
        }
    }

    let mut ids: BTreeSet<PersonId> = identity
        .teams()
        .iter()
        .flat_map(|team| team.members.iter().cloned())
        .collect();
    ids.extend(activity.keys().cloned());
    ids.extend(blockers_by_person.keys().cloned());

    let people: Vec<PersonStandup> = ids
        .into_iter()
        .map(|id| {
            let activity = activity.remove(&id).unwrap_or_else(|| {
                let name = identity
                    .person(&id)
                    .map_or_else(|| id.to_string(), |person| person.display_name.clone());
                PersonActivity::new(id.clone(), name)
            });
            let blockers = blockers_by_person.remove(&id).unwrap_or_default();
            PersonStandup { activity, blockers }
        })
        .collect();
    let teams = team_standups(identity);

    StandupInsights {
        window,
        now,
        people,
        teams,
        unattributed_blockers,
    }
}

/// Lists each team with its members, in mapping order.
fn team_standups(identity: &IdentityMap) -> Vec<TeamStandup> {
    identity
        .teams()
        .iter()
        .map(|team| TeamStandup {
            team: team.id.clone(),
            name: team.name.clone(),
            members: team.members.clone(),
        })
        .collect()
}
