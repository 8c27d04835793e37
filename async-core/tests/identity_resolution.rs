//! Joining accounts into people: e-mail, no-reply addresses, mapping, bots, conflicts.

use async_core::identity::{IdentityConfig, IdentityConflict, IdentityMap, IdentityResolver};
use async_core::ids::PersonId;
use async_core::model::{AccountKey, Provider, ProviderAccount};

fn key(provider: Provider, id: &str) -> AccountKey {
    AccountKey::new(provider, id)
}

fn account(provider: Provider, id: &str, email: Option<&str>) -> ProviderAccount {
    let mut account = ProviderAccount::new(key(provider, id));
    account.email = email.map(str::to_owned);
    account
}

fn resolve(mapping: &str, accounts: &[ProviderAccount], commit_emails: &[&str]) -> IdentityMap {
    let config = IdentityConfig::from_toml_str(mapping).expect("valid mapping");
    IdentityResolver::new(config)
        .expect("valid config")
        .resolve(accounts, commit_emails.iter().copied())
}

fn person(id: &str) -> PersonId {
    PersonId::new(id)
}

const DANA: &str = r#"
[[person]]
id = "dana"
name = "Dana Whitfield"
emails = ["dana@acme.example"]
accounts = ["github:583231"]
"#;

#[test]
fn email_match_is_case_and_space_insensitive() {
    let slack = account(Provider::Slack, "U0DANA01", Some("  DANA@Acme.Example "));
    let map = resolve(DANA, &[slack], &[]);

    assert_eq!(
        map.person_of(&key(Provider::Slack, "U0DANA01")),
        Some(&person("dana"))
    );
    let dana = map.person(&person("dana")).expect("dana exists");
    assert!(dana.accounts.contains(&key(Provider::Slack, "U0DANA01")));
    assert!(map.conflicts().is_empty());
}

#[test]
fn mapped_account_lends_its_email_to_other_accounts() {
    let github = account(Provider::GitHub, "583231", Some("d.whitfield@home.example"));
    let zoom = account(Provider::Zoom, "z-1", Some("D.Whitfield@home.example"));
    let map = resolve(DANA, &[zoom, github], &[]);

    assert_eq!(
        map.person_of(&key(Provider::Zoom, "z-1")),
        Some(&person("dana"))
    );
}

#[test]
fn noreply_with_id_resolves_through_account_id() {
    let map = resolve(DANA, &[], &[]);

    assert_eq!(
        map.person_of_commit_email("583231+renamed-login@users.noreply.github.com"),
        Some(&person("dana"))
    );
    assert_eq!(
        map.person_of_commit_email("999+renamed-login@users.noreply.github.com"),
        None
    );
}

#[test]
fn older_noreply_resolves_through_login() {
    let mut github = account(Provider::GitHub, "583231", None);
    github.login = Some("DanaW".into());
    let map = resolve(DANA, &[github], &[]);

    assert_eq!(
        map.person_of_commit_email("danaw@users.noreply.github.com"),
        Some(&person("dana"))
    );
    assert_eq!(
        map.person_of_commit_email("someoneelse@users.noreply.github.com"),
        None
    );
}

#[test]
fn commit_email_matches_declared_email() {
    let map = resolve(DANA, &[], &["Dana@acme.example", "ghost@acme.example"]);

    assert_eq!(
        map.person_of_commit_email(" DANA@acme.example"),
        Some(&person("dana"))
    );
    assert_eq!(map.unresolved_emails(), ["ghost@acme.example".to_owned()]);
}

#[test]
fn noreply_email_never_joins_other_providers() {
    let noreply = "583231+dana@users.noreply.github.com";
    let github = account(Provider::GitHub, "1", Some(noreply));
    let slack = account(Provider::Slack, "U1", Some(noreply));
    let map = resolve("", &[github, slack], &[]);

    let github_person = map.person_of(&key(Provider::GitHub, "1"));
    let slack_person = map.person_of(&key(Provider::Slack, "U1"));
    assert_ne!(github_person, slack_person);
}

#[test]
fn mapping_overrides_email_and_reports_contradiction() {
    let mapping = r#"
[[person]]
id = "dana"
name = "Dana"
emails = ["dana@acme.example"]

[[person]]
id = "lee"
name = "Lee"
accounts = ["slack:U0LEE"]
"#;
    // Lee's Slack account reports Dana's e-mail, but the mapping assigns it to Lee.
    let slack = account(Provider::Slack, "U0LEE", Some("dana@acme.example"));
    let map = resolve(mapping, &[slack], &[]);

    assert_eq!(
        map.person_of(&key(Provider::Slack, "U0LEE")),
        Some(&person("lee"))
    );
    assert_eq!(
        map.conflicts(),
        [IdentityConflict::EmailContradictsMapping {
            account: key(Provider::Slack, "U0LEE"),
            email: "dana@acme.example".into(),
            mapped_to: person("lee"),
            email_owner: person("dana"),
        }]
    );
}

#[test]
fn same_display_name_never_merges() {
    let mut first = account(Provider::GitHub, "1", None);
    first.display_name = Some("Alex Kim".into());
    let mut second = account(Provider::Slack, "U2", None);
    second.display_name = Some("Alex Kim".into());
    let map = resolve("", &[first, second], &[]);

    let a = map
        .person_of(&key(Provider::GitHub, "1"))
        .expect("own person");
    let b = map
        .person_of(&key(Provider::Slack, "U2"))
        .expect("own person");
    assert_ne!(a, b);
    assert_eq!(map.people().len(), 2);
}

#[test]
fn unmapped_account_without_email_is_own_person() {
    let mut slack = account(Provider::Slack, "U024BE7LH", None);
    slack.display_name = Some("Sam".into());
    let map = resolve("", &[slack], &[]);

    let id = map
        .person_of(&key(Provider::Slack, "U024BE7LH"))
        .expect("own person");
    assert_eq!(id.as_str(), "slack:U024BE7LH");
    let found = map.person(id).expect("listed");
    assert_eq!(found.display_name, "Sam");
    assert!(!map.is_mapped(id));
}

#[test]
fn unmapped_accounts_sharing_email_become_one_person() {
    let github = account(Provider::GitHub, "7", Some("sam@acme.example"));
    let jira = account(Provider::Jira, "abc", Some("SAM@acme.example"));
    let map = resolve("", &[jira, github], &[]);

    assert_eq!(map.people().len(), 1);
    assert_eq!(
        map.person_of(&key(Provider::Jira, "abc")),
        map.person_of(&key(Provider::GitHub, "7"))
    );
    assert_eq!(map.people()[0].emails, vec!["sam@acme.example".to_owned()]);
}

#[test]
fn bots_are_not_people() {
    let mut bot = account(Provider::GitHub, "49699333", Some("bot@acme.example"));
    bot.is_bot = true;
    let map = resolve("", &[bot], &["bot@acme.example"]);

    assert_eq!(map.person_of(&key(Provider::GitHub, "49699333")), None);
    assert!(map.is_bot(&key(Provider::GitHub, "49699333")));
    assert!(map.people().is_empty());
}

#[test]
fn mapped_bot_is_reported_and_unresolved() {
    let mapping = "[[person]]\nid = \"dana\"\nname = \"Dana\"\naccounts = [\"github:49699333\"]\n";
    let mut bot = account(Provider::GitHub, "49699333", None);
    bot.is_bot = true;
    let map = resolve(mapping, &[bot], &[]);

    assert_eq!(map.person_of(&key(Provider::GitHub, "49699333")), None);
    assert_eq!(
        map.conflicts(),
        [IdentityConflict::BotAccountMapped {
            account: key(Provider::GitHub, "49699333"),
            person: person("dana"),
        }]
    );
}

#[test]
fn email_on_two_people_matches_nobody() {
    let mapping = r#"
[[person]]
id = "dana"
name = "Dana"
emails = ["shared@acme.example"]

[[person]]
id = "lee"
name = "Lee"
emails = ["Shared@acme.example"]
"#;
    let slack = account(Provider::Slack, "U9", Some("shared@acme.example"));
    let map = resolve(mapping, &[slack], &["shared@acme.example"]);

    assert_eq!(
        map.conflicts(),
        [IdentityConflict::EmailOnSeveralPeople {
            email: "shared@acme.example".into(),
            people: vec![person("dana"), person("lee")],
        }]
    );
    let slack_person = map
        .person_of(&key(Provider::Slack, "U9"))
        .expect("own person");
    assert_ne!(slack_person, &person("dana"));
    assert_ne!(slack_person, &person("lee"));
    assert_eq!(map.person_of_commit_email("shared@acme.example"), None);
}

#[test]
fn account_claimed_twice_stays_unresolved() {
    let mapping = r#"
[[person]]
id = "dana"
name = "Dana"
accounts = ["github:1"]

[[person]]
id = "lee"
name = "Lee"
accounts = ["GITHUB:1"]
"#;
    let github = account(Provider::GitHub, "1", None);
    let map = resolve(mapping, &[github], &[]);

    assert_eq!(
        map.conflicts(),
        [IdentityConflict::AccountClaimedTwice {
            account: key(Provider::GitHub, "1"),
            people: vec![person("dana"), person("lee")],
        }]
    );
    let claimed = map.person_of(&key(Provider::GitHub, "1"));
    assert_ne!(claimed, Some(&person("dana")));
    assert_ne!(claimed, Some(&person("lee")));
    for someone in ["dana", "lee"] {
        let entry = map.person(&person(someone)).expect("declared");
        assert!(entry.accounts.is_empty(), "{someone}");
    }
}

#[test]
fn result_does_not_depend_on_account_order() {
    let accounts = vec![
        account(Provider::GitHub, "583231", Some("dana@home.example")),
        account(Provider::Slack, "U1", Some("dana@home.example")),
        account(Provider::Jira, "j1", Some("sam@acme.example")),
        account(Provider::Zoom, "z1", Some("sam@acme.example")),
        account(Provider::Slack, "U2", None),
    ];
    let mut reversed = accounts.clone();
    reversed.reverse();

    let forward = resolve(DANA, &accounts, &[]);
    let backward = resolve(DANA, &reversed, &[]);

    assert_eq!(forward.people(), backward.people());
    assert_eq!(forward.conflicts(), backward.conflicts());
    assert_eq!(
        forward.person_of(&key(Provider::Slack, "U1")),
        Some(&person("dana"))
    );
}

#[test]
fn teams_and_membership_are_exposed() {
    let mapping = r#"
[[person]]
id = "dana"
name = "Dana"
[[person]]
id = "morgan"
name = "Morgan"
[[team]]
id = "payments"
name = "Payments"
members = ["dana"]
managers = ["morgan"]
"#;
    let map = resolve(mapping, &[], &[]);

    assert_eq!(map.teams().len(), 1);
    assert_eq!(map.teams_of(&person("dana")).count(), 1);
    assert_eq!(map.teams_of(&person("morgan")).count(), 0);
    assert!(map.is_mapped(&person("morgan")));
}
