//! The three rules and the default deny, case by case.

mod common;

use async_policy::{
    AccessRequest, DataCategory, Decision, PolicyEngine, Purpose, RuleId, Visibility,
    VisibilitySettings,
};

fn decide(settings: VisibilitySettings, request: &AccessRequest) -> Decision {
    common::engine(settings).decide(request)
}

fn individual(viewer: &str, subject: &str, category: DataCategory) -> AccessRequest {
    AccessRequest::individual(viewer, subject, category, Purpose::Standup)
}

#[test]
fn self_access_is_always_allowed() {
    let settings = VisibilitySettings::new().with("dana", DataCategory::Chat, Visibility::OnlyMe);

    for category in DataCategory::ALL {
        let decision = decide(settings.clone(), &individual("dana", "dana", category));
        assert!(decision.is_allowed(), "{category}: {decision}");
        assert_eq!(decision.rule(), &RuleId::SelfAccess);
        assert_eq!(
            decision.to_string(),
            "allowed: Dana may always see her own data"
        );
    }
}

#[test]
fn teammate_sees_team_visible_categories_with_audit() {
    let decision = decide(
        VisibilitySettings::new(),
        &individual("lee", "dana", DataCategory::Work),
    );

    assert_eq!(decision.rule(), &RuleId::OthersIndividual);
    assert!(matches!(
        decision,
        Decision::Allow {
            requires_audit: true,
            ..
        }
    ));
    assert_eq!(
        decision.to_string(),
        "allowed: Lee is a teammate of Dana, who shares work with her team and managers"
    );
}

#[test]
fn private_metrics_are_denied_with_a_sentence() {
    let decision = decide(
        VisibilitySettings::new(),
        &individual("lee", "dana", DataCategory::MeetingMetrics),
    );

    assert!(!decision.is_allowed());
    assert_eq!(decision.rule(), &RuleId::OthersIndividual);
    assert_eq!(
        decision.to_string(),
        "denied: Dana shares meeting metrics with nobody but herself"
    );
}

#[test]
fn managers_setting_admits_managers_but_not_teammates() {
    let settings = VisibilitySettings::new().with("dana", DataCategory::Chat, Visibility::Managers);

    let manager = decide(
        settings.clone(),
        &individual("morgan", "dana", DataCategory::Chat),
    );
    let director = decide(
        settings.clone(),
        &individual("vp", "dana", DataCategory::Chat),
    );
    let teammate = decide(settings, &individual("lee", "dana", DataCategory::Chat));

    assert!(manager.is_allowed(), "{manager}");
    assert!(
        director.is_allowed(),
        "a manager of the team above manages: {director}"
    );
    assert!(!teammate.is_allowed());
    assert_eq!(
        teammate.to_string(),
        "denied: Dana shares chat with her managers only"
    );
}

#[test]
fn sibling_teams_are_not_teammates() {
    let decision = decide(
        VisibilitySettings::new(),
        &individual("kim", "dana", DataCategory::Work),
    );

    assert!(!decision.is_allowed());
    assert_eq!(
        decision.to_string(),
        "denied: kim holds no role in any team of Dana"
    );
}

#[test]
fn a_person_in_several_teams_is_seen_by_each() {
    for viewer in ["dana", "kim"] {
        let decision = decide(
            VisibilitySettings::new(),
            &individual(viewer, "lee", DataCategory::Code),
        );
        assert!(decision.is_allowed(), "{viewer}: {decision}");
    }
}

#[test]
fn administrators_gain_no_individual_access() {
    let decision = decide(
        VisibilitySettings::new(),
        &individual("root", "dana", DataCategory::Work),
    );

    assert!(!decision.is_allowed());
    assert_eq!(
        decision.to_string(),
        "denied: root administers a team of Dana, which grants no access to individual data"
    );
}

#[test]
fn outsiders_and_unknown_people_are_denied() {
    let outsider = decide(
        VisibilitySettings::new(),
        &individual("noa", "dana", DataCategory::Work),
    );
    let unknown_subject = decide(
        VisibilitySettings::new(),
        &individual("dana", "ghost", DataCategory::Work),
    );
    let unknown_viewer = decide(
        VisibilitySettings::new(),
        &individual("ghost", "ghost", DataCategory::Work),
    );

    assert_eq!(outsider.rule(), &RuleId::OthersIndividual);
    assert!(!outsider.is_allowed());
    assert_eq!(unknown_subject.rule(), &RuleId::DefaultDeny);
    assert_eq!(
        unknown_viewer.to_string(),
        "denied: ghost is not known to the organisation"
    );
}

#[test]
fn team_aggregates_need_membership_and_size() {
    let engine = common::engine(VisibilitySettings::new());
    let aggregate = |viewer: &str, team: &str| {
        engine.decide(&AccessRequest::team_aggregate(
            viewer,
            team,
            DataCategory::MeetingMetrics,
            Purpose::Retrospective,
        ))
    };

    assert!(aggregate("dana", "payments").is_allowed());
    assert!(aggregate("morgan", "payments").is_allowed());
    assert!(
        aggregate("dana", "engineering").is_allowed(),
        "members of a sub-team are members"
    );
    assert!(
        aggregate("vp", "payments").is_allowed(),
        "managers above manage"
    );
    assert_eq!(aggregate("noa", "payments").rule(), &RuleId::DefaultDeny);
    assert_eq!(aggregate("root", "payments").rule(), &RuleId::DefaultDeny);
    assert_eq!(aggregate("dana", "nowhere").rule(), &RuleId::DefaultDeny);

    let small = aggregate("kim", "platform");
    assert_eq!(small.rule(), &RuleId::TeamAggregate);
    assert_eq!(
        small.to_string(),
        "denied: platform has 2 members, fewer than the minimum group size of 3, so its aggregates are suppressed"
    );
}

#[test]
fn minimum_group_size_is_configurable_but_never_below_two() {
    let request =
        AccessRequest::team_aggregate("kim", "platform", DataCategory::Work, Purpose::Standup);

    let two = common::engine(VisibilitySettings::new()).with_min_group_size(2);
    let zero = common::engine(VisibilitySettings::new()).with_min_group_size(0);
    let five = common::engine(VisibilitySettings::new()).with_min_group_size(5);

    assert!(two.decide(&request).is_allowed());
    assert_eq!(zero.min_group_size(), 2);
    assert!(
        !five
            .decide(&AccessRequest::team_aggregate(
                "dana",
                "payments",
                DataCategory::Work,
                Purpose::Standup
            ))
            .is_allowed()
    );
}

#[test]
fn a_changed_setting_applies_to_the_next_decision() {
    let engine = common::engine(VisibilitySettings::new());
    let request = individual("lee", "dana", DataCategory::Chat);
    assert!(engine.decide(&request).is_allowed());

    engine
        .set_visibility(&"dana".into(), DataCategory::Chat, Visibility::OnlyMe)
        .expect("dana is known");

    assert!(!engine.decide(&request).is_allowed());
    assert!(
        engine
            .set_visibility(&"ghost".into(), DataCategory::Chat, Visibility::Team)
            .is_err()
    );
}

#[test]
fn unknown_categories_and_settings_do_not_parse() {
    assert!("chat_metrics".parse::<DataCategory>().is_ok());
    assert!("salary".parse::<DataCategory>().is_err());
    assert!("everyone".parse::<Visibility>().is_err());
}
