//! The native engine and the Cedar encoding decide every request the same way.
//!
//! Each case is a random organisation (nested teams, several teams per person, managers,
//! administrators), random settings and minimum group size; every viewer (and a stranger)
//! asks about every subject in every category and about every team's aggregate, about 600
//! requests per case. Then one random setting changes in both engines and every request is
//! compared again. 100 cases, the default, compare more than 100,000 decisions; set
//! `ASYNC_POLICY_DIFFERENTIAL_CASES` for a longer run (see the crate README).

mod common;

use async_core::ids::PersonId;
use async_policy::{AccessRequest, CedarEngine, Decision, PolicyEngine, RulesEngine};
use common::random::{PEOPLE, Spec, category, spec, visibility};
use proptest::prelude::*;

const DEFAULT_CASES: u32 = 100;

fn cases() -> u32 {
    std::env::var("ASYNC_POLICY_DIFFERENTIAL_CASES")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

fn engines(spec: &Spec) -> (RulesEngine, CedarEngine) {
    let native = RulesEngine::new(spec.organization(), spec.settings())
        .with_min_group_size(spec.min_group_size);
    let cedar = CedarEngine::builder(spec.organization(), spec.settings())
        .min_group_size(spec.min_group_size)
        .build()
        .expect("the built-in policies validate");
    (native, cedar)
}

/// Effect and rule id must match; the sentences differ by design.
fn agree(
    request: &AccessRequest,
    native: &Decision,
    cedar: &Decision,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        (native.effect(), native.rule()),
        (cedar.effect(), cedar.rule()),
        "{:?}\nnative: {}\ncedar:  {}",
        request,
        native,
        cedar
    );
    Ok(())
}

fn compare(spec: &Spec, native: &RulesEngine, cedar: &CedarEngine) -> Result<usize, TestCaseError> {
    let requests = spec.requests();
    for request in &requests {
        agree(request, &native.decide(request), &cedar.decide(request))?;
    }
    Ok(requests.len())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn native_and_cedar_agree(
        spec in spec(),
        person in 0..PEOPLE.len(),
        changed in category(),
        to in visibility(),
    ) {
        let (native, cedar) = engines(&spec);
        let compared = compare(&spec, &native, &cedar)?;
        prop_assert!(compared > 500);

        let person = PersonId::new(PEOPLE[person]);
        let native_change = native.set_visibility(&person, changed, to);
        let cedar_change = cedar.set_visibility(&person, changed, to);
        prop_assert_eq!(native_change.is_ok(), cedar_change.is_ok());
        compare(&spec, &native, &cedar)?;
    }
}
