//! Each recording deserializes into the fields its real API guarantees.
//!
//! The structs here are deliberately minimal and local: they hold only what GitHub,
//! Slack and Jira always send, so a recording that lost a guaranteed field, or changed
//! its type, fails here before a connector sees it.

mod common;

use chrono::{DateTime, Utc};
use common::{ManifestRoute, manifest_routes, recording_text};
use serde::Deserialize;
use serde::de::DeserializeOwned;

fn parse<T: DeserializeOwned>(route: &ManifestRoute) -> T {
    let text = recording_text(route);
    serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} does not fit its shape: {error}", route.body.display()))
}

/// Parses Jira's platform timestamps (`2026-11-25T14:05:00.000+0000`).
fn jira_time(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.3f%z")
        .unwrap_or_else(|error| panic!("{text}: {error}"))
        .to_utc()
}

mod github {
    use super::*;

    #[derive(Debug, Deserialize)]
    pub(super) struct User {
        pub(super) login: String,
        pub(super) id: u64,
        #[serde(rename = "type")]
        pub(super) kind: String,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct PullRequest {
        pub(super) number: u64,
        pub(super) state: String,
        pub(super) user: Option<User>,
        pub(super) created_at: DateTime<Utc>,
        pub(super) updated_at: DateTime<Utc>,
        pub(super) merged_at: Option<DateTime<Utc>>,
        pub(super) draft: Option<bool>,
        pub(super) html_url: String,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Review {
        pub(super) id: u64,
        pub(super) user: Option<User>,
        pub(super) state: String,
        pub(super) submitted_at: Option<DateTime<Utc>>,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Signature {
        pub(super) email: String,
        pub(super) date: DateTime<Utc>,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct CommitDetail {
        pub(super) author: Option<Signature>,
        pub(super) message: String,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Commit {
        pub(super) sha: String,
        pub(super) commit: CommitDetail,
        pub(super) author: Option<serde_json::Value>,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct ReviewComment {
        pub(super) id: u64,
        pub(super) user: Option<User>,
        pub(super) body: String,
        pub(super) path: String,
        pub(super) created_at: DateTime<Utc>,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct FullUser {
        pub(super) login: String,
        pub(super) id: u64,
        #[serde(rename = "type")]
        pub(super) kind: String,
        pub(super) email: Option<String>,
        pub(super) created_at: DateTime<Utc>,
    }
}

mod slack {
    use super::*;

    #[derive(Debug, Deserialize)]
    pub(super) struct Metadata {
        pub(super) next_cursor: String,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Profile {
        pub(super) email: Option<String>,
        pub(super) real_name: String,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Member {
        pub(super) id: String,
        pub(super) deleted: bool,
        pub(super) is_bot: bool,
        pub(super) profile: Profile,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct UsersList {
        pub(super) ok: bool,
        pub(super) members: Vec<Member>,
        pub(super) response_metadata: Metadata,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Message {
        #[serde(rename = "type")]
        pub(super) kind: String,
        pub(super) ts: String,
        pub(super) user: Option<String>,
        pub(super) bot_id: Option<String>,
        pub(super) text: String,
        pub(super) thread_ts: Option<String>,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Messages {
        pub(super) ok: bool,
        pub(super) messages: Vec<Message>,
        pub(super) has_more: bool,
        pub(super) response_metadata: Metadata,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Posted {
        pub(super) ok: bool,
        pub(super) channel: String,
        pub(super) ts: String,
        pub(super) message: Message,
    }
}

mod jira {
    use super::*;

    #[derive(Debug, Deserialize)]
    pub(super) struct Field {
        pub(super) id: String,
        pub(super) name: String,
        pub(super) custom: bool,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Board {
        pub(super) id: u64,
        pub(super) name: String,
        #[serde(rename = "type")]
        pub(super) kind: String,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct EstimationField {
        #[serde(rename = "fieldId")]
        pub(super) field_id: String,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Estimation {
        #[serde(rename = "type")]
        pub(super) kind: String,
        pub(super) field: EstimationField,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Configuration {
        pub(super) id: u64,
        pub(super) estimation: Estimation,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Sprint {
        pub(super) id: u64,
        pub(super) state: String,
        pub(super) name: String,
        #[serde(rename = "startDate")]
        pub(super) start_date: Option<DateTime<chrono::FixedOffset>>,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct SprintPage {
        pub(super) values: Vec<Sprint>,
        #[serde(rename = "isLast")]
        pub(super) is_last: bool,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct StatusCategory {
        pub(super) key: String,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Status {
        pub(super) name: String,
        #[serde(rename = "statusCategory")]
        pub(super) category: StatusCategory,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct History {
        pub(super) created: String,
        pub(super) items: Vec<serde_json::Value>,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Changelog {
        pub(super) total: usize,
        pub(super) histories: Vec<History>,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Fields {
        pub(super) summary: String,
        pub(super) status: Status,
        pub(super) updated: String,
        #[serde(flatten)]
        pub(super) other: serde_json::Map<String, serde_json::Value>,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Issue {
        pub(super) id: String,
        pub(super) key: String,
        pub(super) fields: Fields,
        pub(super) changelog: Changelog,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct SprintIssues {
        #[serde(rename = "startAt")]
        pub(super) start_at: usize,
        pub(super) total: usize,
        pub(super) issues: Vec<Issue>,
    }

    #[derive(Debug, Deserialize)]
    pub(super) struct Search {
        pub(super) issues: Vec<Issue>,
        #[serde(rename = "nextPageToken")]
        pub(super) next_page_token: Option<String>,
        #[serde(rename = "isLast")]
        pub(super) is_last: bool,
    }
}

fn routes_ending(suffix: &str) -> Vec<ManifestRoute> {
    let routes: Vec<ManifestRoute> = manifest_routes()
        .into_iter()
        .filter(|route| route.path.ends_with(suffix))
        .collect();
    assert!(!routes.is_empty(), "no route ends with {suffix}");
    routes
}

#[test]
fn github_pull_pages_fit_shape() {
    let mut numbers = Vec::new();
    for route in routes_ending("/pulls") {
        let pulls: Vec<github::PullRequest> = parse(&route);
        assert!(!pulls.is_empty(), "{}", route.body.display());
        for pull in pulls {
            assert!(["open", "closed"].contains(&pull.state.as_str()));
            let user = pull.user.expect("author");
            assert!(!user.login.is_empty() && user.id > 0);
            assert!(
                ["User", "Bot"].contains(&user.kind.as_str()),
                "#{}",
                pull.number
            );
            assert!(pull.created_at <= pull.updated_at, "#{}", pull.number);
            assert!(pull.draft.is_some(), "#{}", pull.number);
            assert!(pull.html_url.starts_with("https://github.example/"));
            if pull.merged_at.is_some() {
                assert_eq!(pull.state, "closed", "#{}", pull.number);
            }
            numbers.push(pull.number);
        }
    }
    numbers.sort_unstable();
    numbers.dedup();
    assert_eq!(numbers.len(), 15);
}

#[test]
fn github_reviews_fit_shape() {
    let states = [
        "APPROVED",
        "CHANGES_REQUESTED",
        "COMMENTED",
        "DISMISSED",
        "PENDING",
    ];
    for route in routes_ending("/reviews") {
        let reviews: Vec<github::Review> = parse(&route);
        for review in reviews {
            assert!(
                states.contains(&review.state.as_str()),
                "review {}",
                review.id
            );
            assert!(review.user.is_some());
            assert!(review.submitted_at.is_some(), "review {}", review.id);
        }
    }
}

#[test]
fn github_commits_fit_shape() {
    let mut noreply = 0;
    let mut unlinked = 0;
    for route in routes_ending("/commits") {
        let commits: Vec<github::Commit> = parse(&route);
        assert!(!commits.is_empty(), "{}", route.body.display());
        for commit in commits {
            assert_eq!(commit.sha.len(), 40);
            assert!(!commit.commit.message.is_empty());
            let signature = commit.commit.author.expect("git author");
            assert!(signature.date <= async_examples::demo::Demo::now());
            if signature.email.ends_with("@users.noreply.github.com") {
                noreply += 1;
            }
            if commit.author.is_none() {
                unlinked += 1;
            }
        }
    }
    assert!(noreply > 0, "no commit uses a noreply e-mail");
    assert!(unlinked > 0, "every commit is linked to an account");
}

#[test]
fn github_review_comments_fit_shape() {
    let mut total = 0;
    for route in routes_ending("/comments") {
        let comments: Vec<github::ReviewComment> = parse(&route);
        for comment in comments {
            assert!(comment.user.is_some(), "comment {}", comment.id);
            assert!(!comment.body.is_empty() && !comment.path.is_empty());
            assert!(comment.created_at <= async_examples::demo::Demo::now());
            total += 1;
        }
    }
    assert!(total > 0);
}

#[test]
fn github_users_fit_shape() {
    let routes: Vec<ManifestRoute> = manifest_routes()
        .into_iter()
        .filter(|route| route.path.starts_with("/github/users/"))
        .collect();
    let users: Vec<github::FullUser> = routes.iter().map(parse).collect();

    for (route, user) in routes.iter().zip(&users) {
        assert_eq!(route.path, format!("/github/users/{}", user.login));
        assert!(user.id > 0 && user.created_at <= async_examples::demo::Demo::now());
    }
    assert_eq!(users.iter().filter(|user| user.kind == "Bot").count(), 1);
    assert!(users.iter().any(|user| user.email.is_some()));
    assert!(users.iter().any(|user| user.email.is_none()));
}

#[test]
fn slack_users_fit_shape() {
    let pages: Vec<slack::UsersList> = routes_ending("/users.list").iter().map(parse).collect();

    assert_eq!(pages.len(), 2);
    assert!(!pages[0].response_metadata.next_cursor.is_empty());
    assert_eq!(pages[1].response_metadata.next_cursor, "");
    let members: Vec<&slack::Member> = pages.iter().flat_map(|page| &page.members).collect();
    for page in &pages {
        assert!(page.ok);
    }
    for person in async_examples::demo::Demo::people() {
        let member = members
            .iter()
            .find(|member| member.id == person.slack_user_id)
            .unwrap_or_else(|| panic!("{} is not in users.list", person.id));
        assert!(
            member.profile.email.is_some(),
            "{} has no e-mail",
            person.id
        );
        assert!(!member.is_bot && !member.deleted && !member.profile.real_name.is_empty());
    }
    assert!(members.iter().any(|member| member.is_bot));
    assert!(members.iter().any(|member| member.deleted));
}

#[test]
fn slack_messages_fit_shape() {
    let mut routes = routes_ending("/conversations.history");
    routes.extend(routes_ending("/conversations.replies"));

    for route in routes {
        let page: slack::Messages = parse(&route);
        assert!(page.ok);
        assert_eq!(
            page.has_more,
            !page.response_metadata.next_cursor.is_empty()
        );
        for message in &page.messages {
            assert_eq!(message.kind, "message");
            assert!(
                message.user.is_some() || message.bot_id.is_some(),
                "{}",
                message.ts
            );
            assert!(!message.text.is_empty());
            let (seconds, sequence) = message.ts.split_once('.').expect("ts has a dot");
            assert!(seconds.parse::<u64>().is_ok() && sequence.len() == 6);
        }
        if route.path.ends_with("/conversations.history") {
            let stamps: Vec<&str> = page.messages.iter().map(|m| m.ts.as_str()).collect();
            assert!(stamps.is_sorted_by(|a, b| a > b), "history is newest first");
        }
        if let Some(parent_ts) = route.query.get("ts") {
            assert_eq!(
                &page.messages[0].ts, parent_ts,
                "replies start with the parent"
            );
            for reply in &page.messages[1..] {
                assert_eq!(reply.thread_ts.as_ref(), Some(parent_ts));
            }
        }
    }
}

#[test]
fn slack_post_message_fits_shape() {
    let routes = routes_ending("/chat.postMessage");
    let posted: slack::Posted = parse(&routes[0]);

    assert_eq!(routes[0].method, "POST");
    assert!(posted.ok);
    assert_eq!(posted.channel, async_examples::demo::Demo::STANDUP_CHANNEL);
    assert_eq!(posted.ts, posted.message.ts);
}

#[test]
fn jira_board_and_fields_fit_shape() {
    let fields: Vec<jira::Field> = parse(&routes_ending("/rest/api/3/field")[0]);
    let board: jira::Board = parse(&routes_ending("/board/31")[0]);
    let configuration: jira::Configuration = parse(&routes_ending("/configuration")[0]);
    let sprints: jira::SprintPage = parse(&routes_ending("/board/31/sprint")[0]);

    assert_eq!(board.id, async_examples::demo::Demo::BOARD_ID);
    assert_eq!(
        (board.kind.as_str(), board.name.is_empty()),
        ("scrum", false)
    );
    assert_eq!(configuration.id, board.id);
    assert_eq!(configuration.estimation.kind, "field");
    let points = &configuration.estimation.field.field_id;
    assert_ne!(
        points, "customfield_10016",
        "the demo proves field discovery"
    );
    let field = fields
        .iter()
        .find(|field| &field.id == points)
        .expect("listed");
    assert!(field.custom);
    assert!(fields.iter().any(|field| field.name == "Flagged"));
    assert!(fields.iter().any(|field| field.name == "Sprint"));
    assert!(sprints.is_last);
    let active: Vec<&jira::Sprint> = sprints
        .values
        .iter()
        .filter(|s| s.state == "active")
        .collect();
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].id, async_examples::demo::Demo::SPRINT_ID);
    assert_eq!(active[0].name, async_examples::demo::Demo::SPRINT_NAME);
    assert_eq!(
        active[0].start_date.map(|date| date.to_utc()),
        Some(async_examples::demo::Demo::sprint_window().start)
    );
}

fn check_issue(issue: &jira::Issue, points_field: &str) {
    assert!(issue.key.starts_with("PAY-") && issue.id.parse::<u64>().is_ok());
    assert!(!issue.fields.summary.is_empty() && !issue.fields.status.name.is_empty());
    let category = issue.fields.status.category.key.as_str();
    assert!(
        ["new", "indeterminate", "done"].contains(&category),
        "{}",
        issue.key
    );
    assert!(jira_time(&issue.fields.updated) <= async_examples::demo::Demo::now());
    assert!(
        issue.fields.other[points_field].is_f64(),
        "{} has no points",
        issue.key
    );
    // The demo keeps every changelog complete, so no connector needs the changelog API.
    assert_eq!(issue.changelog.total, issue.changelog.histories.len());
    for history in &issue.changelog.histories {
        assert!(jira_time(&history.created) <= jira_time(&issue.fields.updated));
        assert!(!history.items.is_empty());
    }
}

#[test]
fn jira_sprint_issues_fit_shape() {
    let configuration: jira::Configuration = parse(&routes_ending("/configuration")[0]);
    let points = configuration.estimation.field.field_id;
    let pages: Vec<jira::SprintIssues> = routes_ending("/issue").iter().map(parse).collect();

    assert_eq!(pages.len(), 2);
    assert_eq!(pages[1].start_at, pages[0].issues.len());
    let issues: Vec<&jira::Issue> = pages.iter().flat_map(|page| &page.issues).collect();
    assert_eq!(issues.len(), pages[0].total);
    for issue in issues {
        check_issue(issue, &points);
        assert!(issue.fields.other.contains_key("flagged"), "{}", issue.key);
    }
}

#[test]
fn jira_search_fits_shape() {
    let routes = routes_ending("/search/jql");
    let pages: Vec<jira::Search> = routes.iter().map(parse).collect();

    assert_eq!(pages.len(), 2);
    assert!(!pages[0].is_last && pages[1].is_last);
    assert_eq!(
        pages[0].next_page_token.as_ref(),
        routes[1].query.get("nextPageToken")
    );
    assert!(pages[1].next_page_token.is_none());
    let mut keys: Vec<&str> = pages
        .iter()
        .flat_map(|page| &page.issues)
        .map(|issue| issue.key.as_str())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), 24);
    for page in &pages {
        for issue in &page.issues {
            check_issue(issue, "customfield_10058");
        }
    }
}
