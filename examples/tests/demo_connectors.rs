//! The real GitHub, Slack and Jira connectors read the demo through the sandbox, and the
//! standup insights over what they read find exactly the blockers the README plants.

mod common;

use std::collections::BTreeSet;

use async_connectors::github::{GitHubClient, GitHubSource};
use async_connectors::jira::{JiraClient, JiraSource};
use async_connectors::slack::{SlackClient, SlackSource};
use async_core::http::{EgressPolicy, HttpClient};
use async_core::identity::{IdentityConfig, IdentityMap, IdentityResolver};
use async_core::ids::ChannelId;
use async_core::insights::{BlockerKind, InsightConfig, detect_blockers};
use async_core::model::{ActivityBatch, ChatChannel};
use async_core::source::ActivitySource;
use async_examples::demo::Demo;
use async_examples::sandbox::Sandbox;
use secrecy::SecretString;

fn http() -> HttpClient {
    let egress = EgressPolicy::deny_all().allow_insecure_loopback_for_testing();
    HttpClient::new(egress).expect("HTTP client builds")
}

async fn github_batch(sandbox: &Sandbox) -> ActivityBatch {
    let client = GitHubClient::builder(http(), SecretString::from("ghp_demo"))
        .base_url(sandbox.github_base())
        .user_agent("async-demo-test")
        .build()
        .expect("GitHub client builds");
    let source = GitHubSource::new(client, Demo::REPOSITORIES).expect("valid repositories");
    source
        .collect(Demo::window())
        .await
        .expect("GitHub collects")
}

async fn slack_batch(sandbox: &Sandbox) -> ActivityBatch {
    let client = SlackClient::builder(http(), SecretString::from("xoxb-demo"))
        .base_url(sandbox.slack_base())
        .build()
        .expect("Slack client builds");
    let channels = [
        ("C0PAYTEAM1", "payments-team"),
        ("C0PAYREL02", "payments-releases"),
    ]
    .map(|(id, name)| ChatChannel {
        id: ChannelId::new(id),
        name: Some(name.to_owned()),
        is_private: false,
    });
    let source = SlackSource::new(client, channels);
    source
        .collect(Demo::window())
        .await
        .expect("Slack collects")
}

async fn jira_batch(sandbox: &Sandbox) -> ActivityBatch {
    let client = JiraClient::builder(http())
        .base_url(sandbox.jira_base())
        .bearer_token(SecretString::from("jira-demo"))
        .build()
        .expect("Jira client builds");
    let source = JiraSource::new(client, [Demo::BOARD_ID.to_string()]);
    source.collect(Demo::window()).await.expect("Jira collects")
}

fn identities() -> IdentityResolver {
    let text = std::fs::read_to_string(Demo::bundled().identities_path()).expect("readable");
    let config = IdentityConfig::from_toml_str(&text).expect("identities.toml parses");
    IdentityResolver::new(config).expect("valid mapping")
}

async fn collect_all() -> (ActivityBatch, IdentityMap) {
    let sandbox = Demo::bundled()
        .start_sandbox()
        .await
        .expect("sandbox starts");
    let mut batch = github_batch(&sandbox).await;
    batch.merge(slack_batch(&sandbox).await);
    batch.merge(jira_batch(&sandbox).await);
    sandbox.shutdown().await;

    let identity = identities().resolve_batch(&batch);
    (batch, identity)
}

#[tokio::test]
async fn connectors_read_every_provider() {
    let (batch, _) = collect_all().await;

    let pulls: BTreeSet<String> = batch
        .pull_requests
        .iter()
        .map(|pull| pull.id.to_string())
        .collect();
    // Merged in the window and listed on the second page, behind the `Link` header.
    assert!(pulls.contains("acme/payments-api#212"), "{pulls:?}");
    assert!(pulls.contains("acme/checkout-web#89"), "{pulls:?}");
    assert!(!batch.messages.is_empty(), "no messages");
    assert_eq!(batch.work_items.len(), 24, "sprint issues");
    // The estimates come from the field the board configuration names.
    let points: f64 = batch
        .work_items
        .iter()
        .filter_map(|item| item.estimate)
        .sum();
    assert!(
        (points - 77.0).abs() < f64::EPSILON,
        "{points} story points"
    );
}

#[tokio::test]
async fn identities_resolve_team_accounts() {
    let (batch, identity) = collect_all().await;

    let mut unresolved = BTreeSet::new();
    for account in &batch.accounts {
        if account.is_bot || account.is_deleted {
            continue;
        }
        let person = identity
            .person_of(&account.key)
            .map(|id| id.as_str().to_owned());
        let known = person
            .as_deref()
            .is_some_and(|id| Demo::person(id).is_some());
        if !known {
            unresolved.insert(account.key.to_string());
        }
    }

    assert!(
        unresolved.is_empty(),
        "accounts of nobody in the demo: {unresolved:?}"
    );
    // A bot's commits resolve to nobody, and so does Seun's laptop address.
    assert_eq!(
        identity.unresolved_emails(),
        [
            "149001234+acme-deps[bot]@users.noreply.github.com".to_owned(),
            "seun@seun-laptop.local".to_owned(),
        ]
    );
}

#[tokio::test]
async fn blockers_match_readme() {
    let (batch, identity) = collect_all().await;

    let blockers = detect_blockers(
        &batch,
        &identity,
        Demo::window(),
        Demo::now(),
        &InsightConfig::default(),
    );
    let found: BTreeSet<(String, String, String)> = blockers
        .iter()
        .map(|blocker| {
            let person = blocker
                .person
                .as_ref()
                .map(|id| id.as_str().to_owned())
                .unwrap_or_default();
            (format!("{:?}", blocker.kind), person, blocker.subject())
        })
        .collect();

    let expected = [
        (BlockerKind::Flagged, "ingrid", "PAY-141"),
        (BlockerKind::BlockedByLink, "ingrid", "PAY-148"),
        (BlockerKind::BlockedStatus, "tomas", "PAY-150"),
        (BlockerKind::StaleInProgress, "tomas", "PAY-139"),
        (
            BlockerKind::AwaitingFirstReview,
            "priya",
            "acme/payments-api#216",
        ),
        (
            BlockerKind::ChatMessage,
            "lee",
            "C0PAYTEAM1/1795618080.002100",
        ),
    ]
    .map(|(kind, person, subject)| (format!("{kind:?}"), person.to_owned(), subject.to_owned()));
    assert_eq!(found, BTreeSet::from(expected));
}
