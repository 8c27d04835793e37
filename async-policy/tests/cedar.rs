//! The Cedar backend: organisation policies, fail-closed evaluation, stable ids.

mod common;

use async_policy::{
    AccessRequest, CedarEngine, DataCategory, Error, PolicyEngine, Purpose, RuleId,
    VisibilitySettings,
};

fn builder() -> async_policy::CedarEngineBuilder {
    CedarEngine::builder(common::organization(), VisibilitySettings::new())
}

#[test]
fn the_built_in_rules_validate_and_keep_their_ids() {
    let engine = builder().build().expect("valid");

    assert_eq!(
        engine.policy_ids(),
        [
            "others-individual/manager",
            "others-individual/teammate",
            "self-access",
            "team-aggregate",
            "team-aggregate/minimum-size",
        ]
    );
}

#[test]
fn an_organisation_can_forbid_a_purpose() {
    let engine = builder()
        .organization_policies(
            r#"@id("no-exports")
               @reason("this organisation does not export individual data")
               forbid (principal, action == Action::"ViewIndividual", resource)
               when { context.purpose == "export" };"#,
        )
        .build()
        .expect("valid");
    let export = AccessRequest::individual("lee", "dana", DataCategory::Work, Purpose::Export);
    let standup = AccessRequest::individual("lee", "dana", DataCategory::Work, Purpose::Standup);

    let denied = engine.decide(&export);

    assert_eq!(denied.rule(), &RuleId::Organization("no-exports".into()));
    assert_eq!(
        denied.to_string(),
        "denied: this organisation does not export individual data (policy no-exports)"
    );
    assert!(engine.decide(&standup).is_allowed());
}

#[test]
fn meeting_notes_purpose_reaches_policies() {
    let engine = builder()
        .organization_policies(
            r#"@id("no-meeting-notes")
               @reason("this organisation keeps meeting chat out of notes")
               forbid (principal, action == Action::"ViewIndividual", resource)
               when { context.purpose == "meeting_notes" };"#,
        )
        .build()
        .expect("valid");
    let notes = AccessRequest::individual("lee", "dana", DataCategory::Chat, Purpose::MeetingNotes);
    let retro =
        AccessRequest::individual("lee", "dana", DataCategory::Chat, Purpose::Retrospective);

    let denied = engine.decide(&notes);

    assert_eq!(
        denied.rule(),
        &RuleId::Organization("no-meeting-notes".into())
    );
    assert!(engine.decide(&retro).is_allowed());
}

#[test]
fn organisation_permits_are_refused() {
    let error = builder()
        .organization_policies(r#"@id("open") permit (principal, action, resource);"#)
        .build()
        .expect_err("permit refused");

    assert!(
        error.to_string().contains("only forbid policies"),
        "{error}"
    );
}

#[test]
fn policies_without_ids_or_failing_validation_are_refused() {
    let no_id = builder()
        .organization_policies("forbid (principal, action, resource);")
        .build();
    let bad_attribute = builder()
        .organization_policies(
            r#"@id("typo") forbid (principal, action, resource) when { principal.salary > 3 };"#,
        )
        .build();
    let duplicate = builder()
        .organization_policies(r#"@id("self-access") forbid (principal, action, resource);"#)
        .build();

    for result in [no_id, bad_attribute, duplicate] {
        assert!(
            matches!(result, Err(Error::InvalidPolicy { .. })),
            "{result:?}"
        );
    }
}

#[test]
fn an_evaluation_error_denies_even_when_a_permit_holds() {
    // The multiplication overflows for any team of two or more, so Cedar skips this
    // forbid and the team-aggregate permit alone would allow. The wrapper denies.
    let engine = builder()
        .organization_policies(
            r#"@id("overflowing")
               forbid (principal, action == Action::"ViewAggregate", resource)
               when { resource.size * 9223372036854775807 < 0 };"#,
        )
        .build()
        .expect("valid: overflow is a run-time error");
    let request =
        AccessRequest::team_aggregate("dana", "payments", DataCategory::Work, Purpose::Standup);

    let decision = engine.decide(&request);

    assert!(!decision.is_allowed());
    assert_eq!(decision.rule(), &RuleId::EvaluationError);
    assert!(decision.to_string().contains("overflowing"), "{decision}");
}

#[test]
fn unknown_people_and_teams_are_denied_before_evaluation() {
    let engine = builder().build().expect("valid");

    for request in [
        AccessRequest::individual("ghost", "ghost", DataCategory::Work, Purpose::Standup),
        AccessRequest::individual("dana", "ghost", DataCategory::Work, Purpose::Standup),
        AccessRequest::team_aggregate("dana", "nowhere", DataCategory::Work, Purpose::Standup),
    ] {
        assert_eq!(engine.decide(&request).rule(), &RuleId::DefaultDeny);
    }
}

#[test]
fn a_setting_change_rebuilds_the_cached_entities() {
    let engine = builder().build().expect("valid");
    let request = AccessRequest::individual("lee", "dana", DataCategory::Chat, Purpose::Standup);
    assert!(engine.decide(&request).is_allowed());

    engine
        .set_visibility(
            &"dana".into(),
            DataCategory::Chat,
            async_policy::Visibility::OnlyMe,
        )
        .expect("known");

    assert!(!engine.decide(&request).is_allowed());
}
