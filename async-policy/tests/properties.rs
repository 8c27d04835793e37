//! Property tests of the rules' invariants on random organisations.

mod common;

use std::collections::BTreeSet;

use async_core::ids::PersonId;
use async_policy::{
    AccessRequest, AuditLog, Decision, Effect, Guard, MemoryAuditLog, PolicyEngine, RuleId,
    RulesEngine, Scope, Visibility,
};
use common::Record;
use common::random::{NO_TEAM, PEOPLE, STRANGER, Spec, category, spec, visibility};
use proptest::prelude::*;

fn engine(spec: &Spec) -> RulesEngine {
    RulesEngine::new(spec.organization(), spec.settings()).with_min_group_size(spec.min_group_size)
}

fn index_of(name: &str) -> Option<usize> {
    PEOPLE.iter().position(|person| *person == name)
}

/// Whether the test's own reading of DESIGN.md lets `viewer` see `subject`'s `category`:
/// a role in a team the subject is directly in, covered by the subject's setting.
fn oracle_allows_individual(
    spec: &Spec,
    viewer: usize,
    subject: usize,
    request: &AccessRequest,
) -> bool {
    let setting = spec
        .settings
        .iter()
        .rev()
        .find(|(person, category, _)| *person == subject && *category == request.category)
        .map(|(_, _, visibility)| *visibility)
        .unwrap_or_else(|| Visibility::default_for(request.category));
    let above = |team: usize| {
        let mut chain = vec![team];
        while let Some(parent) = chain.last().and_then(|t| spec.teams[*t].parent) {
            chain.push(parent);
        }
        chain
    };
    let below = |team: usize, of: usize| above(of).contains(&team);
    spec.teams
        .iter()
        .enumerate()
        .filter(|(_, t)| t.members.contains(&subject))
        .any(|(team, _)| {
            let member = (0..spec.teams.len())
                .any(|t| spec.teams[t].members.contains(&viewer) && below(team, t));
            let manager = above(team)
                .iter()
                .any(|t| spec.teams[*t].managers.contains(&viewer));
            (manager && setting >= Visibility::Managers) || (member && setting == Visibility::Team)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn default_deny_and_known_rules_only(spec in spec()) {
        let engine = engine(&spec);
        let known = spec.known();
        for request in spec.requests() {
            let decision = engine.decide(&request);
            if request.viewer.as_str() == STRANGER {
                prop_assert_eq!(decision.rule(), &RuleId::DefaultDeny);
            }
            if let Scope::Individual(subject) = &request.scope {
                let unknown = index_of(subject.as_str()).is_none_or(|s| !known.contains(&s));
                if unknown {
                    prop_assert!(!decision.is_allowed(), "{}", decision);
                }
            }
            if let Scope::TeamAggregate(team) = &request.scope && team.as_str() == NO_TEAM {
                prop_assert!(!decision.is_allowed());
            }
            if decision.is_allowed() {
                prop_assert!(matches!(
                    decision.rule(),
                    RuleId::SelfAccess | RuleId::TeamAggregate | RuleId::OthersIndividual
                ));
            }
        }
    }

    #[test]
    fn self_is_always_allowed(spec in spec()) {
        let engine = engine(&spec);
        for person in spec.known() {
            for category in async_policy::DataCategory::ALL {
                for purpose in async_policy::Purpose::ALL {
                    let request = AccessRequest::individual(PEOPLE[person], PEOPLE[person], category, purpose);
                    let decision = engine.decide(&request);
                    prop_assert!(decision.is_allowed(), "{}", decision);
                    prop_assert_eq!(decision.rule(), &RuleId::SelfAccess);
                }
            }
        }
    }

    #[test]
    fn aggregates_under_the_minimum_are_never_released(spec in spec()) {
        let engine = engine(&spec);
        let minimum = spec.min_group_size.max(2);
        prop_assert_eq!(engine.min_group_size(), minimum);
        for request in spec.requests() {
            let Scope::TeamAggregate(team) = &request.scope else { continue };
            let Some(index) = team.as_str().strip_prefix('t').and_then(|n| n.parse::<usize>().ok()) else {
                continue;
            };
            let decision = engine.decide(&request);
            if spec.size(index) < minimum {
                prop_assert!(!decision.is_allowed(), "{}", decision);
            }
        }
    }

    #[test]
    fn others_individual_data_needs_role_setting_and_audit(spec in spec()) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let guard = Guard::new(engine(&spec), MemoryAuditLog::new());
        for request in spec.requests() {
            let Scope::Individual(subject) = &request.scope else { continue };
            if *subject == request.viewer {
                continue;
            }
            let before = guard.log().len();
            let released = runtime.block_on(guard.authorize(&request, Record::owned_by(&request.scope))).is_ok();
            let entries = runtime.block_on(guard.log().entries()).expect("memory");
            prop_assert_eq!(entries.len(), before + 1, "every decision about another is recorded");
            if released {
                let (Some(viewer), Some(subject)) =
                    (index_of(request.viewer.as_str()), index_of(subject.as_str()))
                else {
                    return Err(TestCaseError::fail("released data of a stranger"));
                };
                prop_assert!(oracle_allows_individual(&spec, viewer, subject, &request));
                let access = entries[before].record.access().expect("access");
                prop_assert_eq!(access.effect, Effect::Allow);
                prop_assert_eq!(&access.viewer, &request.viewer);
            }
        }
        prop_assert!(runtime.block_on(guard.log().verify()).is_ok());
    }

    #[test]
    fn settings_changes_take_effect(
        spec in spec(),
        subject in 0..PEOPLE.len(),
        category in category(),
        visibility in visibility(),
    ) {
        let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        let guard = Guard::new(engine(&spec), MemoryAuditLog::new());
        let person = PersonId::new(PEOPLE[subject]);
        let changed = runtime.block_on(guard.change_visibility(&person, &person, category, visibility));
        prop_assert_eq!(changed.is_ok(), spec.known().contains(&subject));
        if changed.is_err() {
            return Ok(());
        }
        let mut changed_spec = spec.clone();
        changed_spec.settings.push((subject, category, visibility));
        let viewers: BTreeSet<usize> = spec.known();
        for viewer in viewers.into_iter().filter(|v| *v != subject) {
            let request = AccessRequest::individual(PEOPLE[viewer], PEOPLE[subject], category, async_policy::Purpose::Standup);
            let decision: Decision = guard.decide(&request);
            prop_assert_eq!(
                decision.is_allowed(),
                oracle_allows_individual(&changed_spec, viewer, subject, &request),
                "{}", decision
            );
            if visibility == Visibility::OnlyMe {
                prop_assert!(!decision.is_allowed());
            }
        }
    }
}
