//! The three rules and the default deny, case by case.

mod common;

use async_policy::{
    AccessRequest, DataCategory, Decision, PolicyEngine, Purpose, RuleId, Visibility,
    VisibilitySettings,
};

fn decide(settings: VisibilitySettings, request: &AccessRequest) -> Decision {
    common::engine(settings).decide(request)
}

#[test]
fn self_access_is_always_allowed() {
    let settings = VisibilitySettings::new().with("dana", DataCategory::Chat, Visibility::OnlyMe);

    for category in DataCategory::ALL {
        let request = AccessRequest::individual("dana", "dana", category, Purpose::Standup);
        let decision = decide(settings.clone(), &request);
        assert!(decision.is_allowed(), "{category}: {decision}");
        assert_eq!(decision.rule(), RuleId::SelfAccess);
    }
}

#[test]
fn teammate_sees_team_visible_categories() {
    let request = AccessRequest::individual("lee", "dana", DataCategory::Work, Purpose::Standup);
    let decision = decide(VisibilitySettings::new(), &request);

    assert!(decision.is_allowed());
    assert_eq!(decision.rule(), RuleId::OthersIndividual);
    assert!(matches!(
        decision,
        Decision::Allow {
            requires_audit: true,
            ..
        }
    ));
}

#[test]
fn teammate_denied_private_metrics_by_default() {
    let request = AccessRequest::individual(
        "lee",
        "dana",
        DataCategory::MeetingMetrics,
        Purpose::Standup,
    );
    let decision = decide(VisibilitySettings::new(), &request);

    assert!(!decision.is_allowed());
    assert_eq!(decision.rule(), RuleId::OthersIndividual);
    assert_eq!(
        decision.reason(),
        "Dana shares meeting metrics with nobody but themselves"
    );
}

#[test]
fn managers_setting_admits_manager_not_teammate() {
    let settings = VisibilitySettings::new().with("dana", DataCategory::Chat, Visibility::Managers);
    let by_manager =
        AccessRequest::individual("morgan", "dana", DataCategory::Chat, Purpose::Standup);
    let by_teammate =
        AccessRequest::individual("lee", "dana", DataCategory::Chat, Purpose::Standup);

    assert!(decide(settings.clone(), &by_manager).is_allowed());
    let denied = decide(settings, &by_teammate);
    assert!(!denied.is_allowed());
    assert_eq!(denied.reason(), "Dana shares chat with their managers only");
}

#[test]
fn only_me_setting_denies_the_manager() {
    let settings = VisibilitySettings::new().with("dana", DataCategory::Work, Visibility::OnlyMe);
    let request =
        AccessRequest::individual("morgan", "dana", DataCategory::Work, Purpose::Coaching);

    assert!(!decide(settings, &request).is_allowed());
}

#[test]
fn administrator_gains_no_individual_access() {
    let request = AccessRequest::individual("root", "dana", DataCategory::Work, Purpose::Export);
    let decision = decide(VisibilitySettings::new(), &request);

    assert!(!decision.is_allowed());
    assert!(
        decision
            .reason()
            .contains("grants no access to individual data"),
        "{decision}"
    );
}

#[test]
fn outsider_is_denied() {
    let request = AccessRequest::individual("noa", "dana", DataCategory::Work, Purpose::Standup);
    let decision = decide(VisibilitySettings::new(), &request);

    assert!(!decision.is_allowed());
    assert!(decision.reason().contains("holds no role"), "{decision}");
}

#[test]
fn unknown_subject_is_denied_by_default() {
    let request = AccessRequest::individual("dana", "ghost", DataCategory::Work, Purpose::Standup);
    let decision = decide(VisibilitySettings::new(), &request);

    assert!(!decision.is_allowed());
    assert_eq!(decision.rule(), RuleId::DefaultDeny);
}

#[test]
fn aggregate_allowed_for_member_and_manager() {
    for viewer in ["dana", "morgan"] {
        let request = AccessRequest::team_aggregate(
            viewer,
            "payments",
            DataCategory::MeetingMetrics,
            Purpose::Retrospective,
        );
        let decision = decide(VisibilitySettings::new(), &request);
        assert!(decision.is_allowed(), "{viewer}: {decision}");
        assert_eq!(decision.rule(), RuleId::TeamAggregate);
    }
}

#[test]
fn aggregate_below_minimum_is_suppressed() {
    let request =
        AccessRequest::team_aggregate("kim", "platform", DataCategory::Code, Purpose::Standup);
    let decision = decide(VisibilitySettings::new(), &request);

    assert!(!decision.is_allowed());
    assert_eq!(decision.rule(), RuleId::TeamAggregate);
    assert!(
        decision
            .reason()
            .contains("fewer than the minimum group size of 3"),
        "{decision}"
    );
}

#[test]
fn minimum_group_size_never_drops_below_two() {
    let engine = common::engine(VisibilitySettings::new()).with_min_group_size(0);

    assert_eq!(engine.min_group_size(), 2);
    let request =
        AccessRequest::team_aggregate("kim", "platform", DataCategory::Code, Purpose::Standup);
    assert!(engine.decide(&request).is_allowed());
}

#[test]
fn aggregate_denied_to_outsider_and_administrator() {
    for viewer in ["noa", "root"] {
        let request =
            AccessRequest::team_aggregate(viewer, "payments", DataCategory::Work, Purpose::Standup);
        let decision = decide(VisibilitySettings::new(), &request);
        assert!(!decision.is_allowed(), "{viewer}: {decision}");
        assert_eq!(decision.rule(), RuleId::DefaultDeny);
    }
}

#[test]
fn setting_change_takes_effect_at_once() {
    let mut engine = common::engine(VisibilitySettings::new());
    let request = AccessRequest::individual("lee", "dana", DataCategory::Code, Purpose::Standup);
    assert!(engine.decide(&request).is_allowed());

    engine.set_visibility("dana".into(), DataCategory::Code, Visibility::OnlyMe);

    assert!(!engine.decide(&request).is_allowed());
}

#[test]
fn repeated_members_count_once_for_minimum() {
    let team = async_core::model::Team {
        id: "solo".into(),
        name: "Solo".to_owned(),
        members: vec!["ana".into(), "ana".into(), "ana".into(), "mia".into()],
        managers: Vec::new(),
    };
    let engine = async_policy::RulesEngine::new(
        async_policy::Organization::new(vec![team]),
        VisibilitySettings::new(),
    );
    let request = AccessRequest::team_aggregate(
        "mia",
        "solo",
        DataCategory::MeetingMetrics,
        Purpose::Standup,
    );

    let decision = engine.decide(&request);

    assert!(!decision.is_allowed(), "{decision}");
    assert!(decision.reason().contains("has 2 members"), "{decision}");
}
