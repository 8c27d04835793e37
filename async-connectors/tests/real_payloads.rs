//! The connectors' wire models against real provider payloads: recorded responses and the
//! providers' own documentation examples, kept outside this repository.
//!
//! Set `ASYNC_SHARED_PAYLOADS` to the folder holding `github/`, `slack/` and `jira/`. Each
//! payload is deserialized into the connector's public models, exactly as the clients do
//! after unwrapping the page envelope, and converted into the domain model. Without the
//! variable every test prints that it was skipped and passes, because the payloads are not
//! part of the repository.

use std::path::{Path, PathBuf};

use async_connectors::github::RepoName;
use async_connectors::github::convert::{AccountSet, PullRequestActivity, pull_request};
use async_connectors::github::models as github;
use async_connectors::jira::{
    self, BoardConfiguration, ChangelogPage, ConversionContext, FieldCatalog, FieldDefinition,
    Issue, JiraBoard, JiraSprint,
};
use async_connectors::slack::{self, Message, PostedMessage};
use async_core::model::{BoardKind, Provider, ReviewState};
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The environment variable naming the payload folder.
const VARIABLE: &str = "ASYNC_SHARED_PAYLOADS";

/// Returns the payload folder, or `None` after printing why the test is skipped.
///
/// A relative path is taken from the workspace root, where CI runs.
fn payloads(test: &str) -> Option<PathBuf> {
    let Some(folder) = std::env::var_os(VARIABLE) else {
        eprintln!("{test}: skipped because {VARIABLE} is not set");
        return None;
    };
    let folder = PathBuf::from(folder);
    if folder.is_absolute() {
        return Some(folder);
    }
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Some(workspace.join(folder))
}

/// Reads `provider/name` from the payload folder as JSON.
fn read(folder: &Path, provider: &str, name: &str) -> Value {
    let path = folder.join(provider).join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{name} is not JSON: {error}"))
}

/// Deserializes `value` into a model, naming the payload on failure.
fn parse<T: DeserializeOwned>(value: &Value, what: &str) -> T {
    serde_json::from_value(value.clone())
        .unwrap_or_else(|error| panic!("{what} does not fit the model: {error}"))
}

/// Returns the array under `key` of a page envelope.
fn items<'a>(page: &'a Value, key: &str, what: &str) -> &'a Vec<Value> {
    page[key]
        .as_array()
        .unwrap_or_else(|| panic!("{what} has no `{key}` array"))
}

fn hello_world() -> RepoName {
    "octocat/Hello-World".parse().expect("valid repository")
}

#[test]
fn github_pull_request_converts() {
    let Some(folder) = payloads("github_pull_request_converts") else {
        return;
    };
    let pulls: Vec<github::PullRequest> = parse(
        &read(&folder, "github", "octocrab__pull_requests_list.json"),
        "pull request list",
    );
    let reviews: Vec<github::Review> = vec![parse(
        &read(&folder, "github", "octocrab__get_pull_request_review.json"),
        "review",
    )];
    let review_comments: Vec<github::ReviewComment> = parse(
        &read(
            &folder,
            "github",
            "octocrab__get_pull_request_review_comments.json",
        ),
        "review comments",
    );
    let commits: Vec<github::Commit> = parse(
        &read(&folder, "github", "octocrab__pull_request_commits.json"),
        "pull request commits",
    );
    assert_eq!(pulls.len(), 1);

    let activity = PullRequestActivity {
        pull: pulls[0].clone(),
        reviews,
        review_comments,
        commits,
    };
    let converted = pull_request(&hello_world(), &activity);

    assert_eq!(converted.id.as_str(), "octocat/Hello-World#1347");
    assert_eq!(converted.head_branch.as_deref(), Some("new-topic"));
    assert_eq!(converted.reviews.len(), 1);
    assert_eq!(converted.reviews[0].state, ReviewState::Approved);
    assert_eq!(converted.review_comments.len(), 1);
    assert_eq!(converted.commits.len(), 1);
    assert_eq!(
        converted.commits[0].sha.as_str(),
        "6dcb09b5b57875f334f61aebed695e2e4193db5e"
    );
    let mut accounts = AccountSet::new();
    accounts.add_activity(&activity);
    assert_eq!(accounts.logins(), ["octocat"]);
}

#[test]
fn github_webhook_pull_request_parses() {
    let Some(folder) = payloads("github_webhook_pull_request_parses") else {
        return;
    };
    let event = read(
        &folder,
        "github",
        "octocrab__pull_request_opened_webhook_event.json",
    );

    let pull: github::PullRequest = parse(&event["pull_request"], "webhook pull request");
    let sender: github::User = parse(&event["sender"], "webhook sender");

    assert_eq!(pull.number, 2);
    assert_eq!(pull.state, github::PullRequestState::Open);
    assert_eq!(pull.head.name, "test_pr");
    assert_eq!(sender.login, "gagbo");
}

#[test]
fn github_empty_author_commits_convert() {
    let Some(folder) = payloads("github_empty_author_commits_convert") else {
        return;
    };
    let name = "octocrab__pull_request_commits_empty_author_object.json";
    let commits: Vec<github::Commit> = parse(&read(&folder, "github", name), name);
    let pulls: Vec<github::PullRequest> = parse(
        &read(&folder, "github", "octocrab__pull_requests_list.json"),
        "pull request list",
    );
    assert_eq!(commits.len(), 28);
    // Commits 12 and 13 have `author: {}` and an empty author e-mail.
    assert!(commits[12].author.is_none(), "`{{}}` is no account");
    assert!(commits[13].committer.is_none(), "`{{}}` is no account");

    let activity = PullRequestActivity {
        pull: pulls[0].clone(),
        reviews: Vec::new(),
        review_comments: Vec::new(),
        commits,
    };
    let converted = pull_request(&hello_world(), &activity);

    assert_eq!(converted.commits.len(), 28);
    assert_eq!(converted.commits[12].author, None);
    assert_eq!(converted.commits[12].author_email, None);
}

#[test]
fn github_repository_commits_parse() {
    let Some(folder) = payloads("github_repository_commits_parse") else {
        return;
    };
    let name = "octocrab__repos_list_commits.json";

    let commits: Vec<github::Commit> = parse(&read(&folder, "github", name), name);

    assert_eq!(commits.len(), 1);
    assert_eq!(
        commits[0]
            .commit
            .author
            .as_ref()
            .and_then(|author| author.name.as_deref()),
        Some("First Lastname")
    );
}

#[test]
fn github_users_convert() {
    let Some(folder) = payloads("github_users_convert") else {
        return;
    };
    let list = read(&folder, "github", "octocrab__pull_requests_list.json");
    let author: github::User = parse(&list[0]["user"], "pull request author");

    let mut accounts = AccountSet::new();
    accounts.add(&author);
    let converted = accounts.into_accounts();

    assert_eq!(author.login, "octocat");
    assert_eq!(author.kind, github::UserType::User);
    assert_eq!(converted.len(), 1);
    assert_eq!(converted[0].key.provider, Provider::GitHub);
    assert_eq!(converted[0].key.account_id.as_str(), "1");
    assert_eq!(converted[0].login.as_deref(), Some("octocat"));
}

#[test]
fn slack_users_list_converts() {
    let Some(folder) = payloads("slack_users_list_converts") else {
        return;
    };
    let page = read(&folder, "slack", "java-slack-sdk__users.list.json");

    let members: Vec<slack::User> = parse(&page["members"], "users.list members");

    assert!(!members.is_empty());
    for member in &members {
        let account = member.to_account();
        assert_eq!(account.key.provider, Provider::Slack);
        assert_eq!(account.key.account_id.as_str(), "U00000000");
        // The sample blanks every string: blanks are absent values, not names.
        assert_eq!(account.display_name, None);
        assert_eq!(account.email, None);
    }
}

#[test]
fn slack_history_examples_convert() {
    let Some(folder) = payloads("slack_history_examples_convert") else {
        return;
    };
    let examples = read(
        &folder,
        "slack",
        "slack-api-ref__conversations.history.examples.json",
    );

    for name in [
        "success",
        "success_with_formatted_messages",
        "success_with_timestamp_inclusive",
    ] {
        let what = format!("conversations.history example {name}");
        let messages: Vec<Message> = parse(&examples[name]["messages"], &what);
        assert!(!messages.is_empty(), "{what}");
        for message in &messages {
            let chat = message.to_chat_message("C123ABC456").expect("valid ts");
            assert_eq!(chat.ts, message.ts);
            assert!(chat.author.is_some(), "{what}: {}", chat.ts);
        }
    }
    let first: Vec<Message> = parse(&examples["success"]["messages"], "history");
    assert_eq!(first[0].ts, "1512085950.000216");
    assert_eq!(first[0].user.as_deref(), Some("U123ABC456"));
}

#[test]
fn slack_replies_example_converts() {
    let Some(folder) = payloads("slack_replies_example_converts") else {
        return;
    };
    let examples = read(
        &folder,
        "slack",
        "slack-api-ref__conversations.replies.examples.json",
    );

    let messages: Vec<Message> = parse(
        &examples["success"]["messages"],
        "conversations.replies example",
    );
    let chats: Vec<_> = messages
        .iter()
        .map(|message| message.to_chat_message("C123ABC456").expect("valid ts"))
        .collect();

    assert!(messages[0].has_replies(), "the first message is the parent");
    assert_eq!(messages[0].reply_count, Some(3));
    assert!(!chats[0].is_reply());
    assert!(chats[1..].iter().all(|chat| chat.is_reply()));
    assert_eq!(messages[1].parent_user_id.as_deref(), Some("U061F7AUR"));
}

#[test]
fn slack_post_message_example_parses() {
    let Some(folder) = payloads("slack_post_message_example_parses") else {
        return;
    };
    let examples = read(
        &folder,
        "slack",
        "slack-api-ref__chat.postMessage.examples.json",
    );
    let success = &examples["success"];

    let posted: PostedMessage = parse(success, "chat.postMessage example");
    let stored: Message = parse(&success["message"], "chat.postMessage message");
    let chat = stored.to_chat_message(&posted.channel).expect("valid ts");

    assert_eq!(posted.channel, "C123ABC456");
    assert_eq!(posted.ts, "1503435956.000247");
    assert!(chat.is_bot);
    assert_eq!(chat.author, None);
    assert_eq!(chat.subtype.as_deref(), Some("bot_message"));
}

/// Returns the conversion context of the Jira tests: no custom fields, no estimation field.
fn jira_context(catalog: &FieldCatalog) -> ConversionContext<'_> {
    ConversionContext {
        fields: catalog,
        estimation_field: None,
        site: None,
    }
}

/// Returns `issue` with a `created` time, which Atlassian's examples leave out because
/// their requests did not name it in `fields`.
fn with_created(mut issue: Value) -> Value {
    issue["fields"]["created"] = Value::from("2024-03-01T09:30:00.000+0000");
    issue
}

#[test]
fn jira_search_and_issue_convert() {
    let Some(folder) = payloads("jira_search_and_issue_convert") else {
        return;
    };
    let search = read(&folder, "jira", "platform__search-jql_GET_200.json");
    let single = read(&folder, "jira", "platform__issue_GET_200.json");
    let catalog = FieldCatalog::default();
    let mut raw = items(&search, "issues", "search/jql page").clone();
    raw.push(single);

    for value in &raw {
        let issue: Issue = parse(value, "issue");
        assert_eq!(issue.id, "10002");
        assert_eq!(issue.key, "ED-1");
        assert_eq!(issue.fields.created, None);
        // The examples send `"updated": 1`, read as one millisecond after 1970.
        assert_eq!(
            issue.fields.updated.map(|at| at.timestamp_millis()),
            Some(1)
        );
        assert_eq!(
            issue
                .fields
                .project
                .as_ref()
                .map(|project| project.key.as_str()),
            Some("EX")
        );
        assert_eq!(issue.fields.issuelinks.len(), 2);
        assert!(
            jira::to_work_item(&issue, &jira_context(&catalog)).is_none(),
            "no work item without a creation time"
        );

        let issue: Issue = parse(&with_created(value.clone()), "issue with created");
        let item = jira::to_work_item(&issue, &jira_context(&catalog)).expect("both times set");
        assert_eq!(item.key.as_str(), "ED-1");
        assert_eq!(item.project_key, "EX");
        assert_eq!(item.links.len(), 2);
        assert!(
            jira::accounts_of(&issue).is_empty(),
            "the example names no people"
        );
    }
}

#[test]
fn jira_changelog_parses() {
    let Some(folder) = payloads("jira_changelog_parses") else {
        return;
    };
    let page: ChangelogPage = parse(
        &read(&folder, "jira", "platform__issue-changelog_GET_200.json"),
        "issue changelog",
    );

    assert_eq!(page.start_at, 2);
    assert_eq!(page.total, Some(5));
    assert_eq!(page.is_last, Some(false));
    assert_eq!(page.values.len(), 2);
    let author = page.values[0].author.as_ref().expect("history author");
    assert_eq!(
        author.account_id.as_deref(),
        Some("5b10a2844c20165700ede21g")
    );
    assert!(!page.values[0].items.is_empty());
}

#[test]
fn jira_board_and_configuration_convert() {
    let Some(folder) = payloads("jira_board_and_configuration_convert") else {
        return;
    };
    let boards = read(&folder, "jira", "agile__board_GET_200.json");
    let boards: Vec<JiraBoard> = parse(
        &Value::Array(items(&boards, "values", "board page").clone()),
        "boards",
    );
    let configuration: BoardConfiguration = parse(
        &read(&folder, "jira", "agile__board-configuration_GET_200.json"),
        "board configuration",
    );

    let scrum = jira::to_board(&boards[0], &configuration);
    let kanban = jira::to_board(&boards[1], &configuration);

    assert_eq!(boards.len(), 2);
    assert_eq!(boards[0].id, "84");
    assert_eq!(scrum.kind, BoardKind::Scrum);
    assert_eq!(kanban.kind, BoardKind::Kanban);
    assert_eq!(configuration.id, "10000");
    assert_eq!(configuration.estimation_field(), Some("customfield_10002"));
}

#[test]
fn jira_board_sprints_convert() {
    let Some(folder) = payloads("jira_board_sprints_convert") else {
        return;
    };
    let page = read(&folder, "jira", "agile__board-sprint_GET_200.json");
    let sprints: Vec<JiraSprint> = parse(
        &Value::Array(items(&page, "values", "sprint page").clone()),
        "sprints",
    );

    let closed = jira::to_sprint(&sprints[0], "84");
    let future = jira::to_sprint(&sprints[1], "84");

    assert_eq!(sprints.len(), 2);
    assert_eq!(sprints[0].id, "37");
    assert!(sprints[0].start_date.is_some(), "`+10:00` offsets parse");
    assert!(sprints[0].complete_date.is_some());
    assert!(
        sprints[1].start_date.is_none(),
        "a future sprint has no dates"
    );
    assert_eq!(closed.name, "sprint 1");
    assert_eq!(future.name, "sprint 2");
}

#[test]
fn jira_sprint_issue_converts() {
    let Some(folder) = payloads("jira_sprint_issue_converts") else {
        return;
    };
    // The documentation example of the sprint-issue listing is one issue, not a page.
    let value = read(&folder, "jira", "agile__sprint-issue_GET_200.json");
    let catalog = FieldCatalog::default();

    let issue: Issue = parse(&value, "sprint issue");
    let completed: Issue = parse(&with_created(value), "sprint issue with created");
    let item = jira::to_work_item(&completed, &jira_context(&catalog)).expect("both times set");

    assert_eq!(issue.key, "HSP-1");
    assert!(issue.fields.extra.contains_key("sprint"));
    assert!(jira::to_work_item(&issue, &jira_context(&catalog)).is_none());
    assert_eq!(item.key.as_str(), "HSP-1");
    // The Agile API's own `flagged` and `sprint` fields are read without a field catalog.
    assert!(item.is_flagged);
    assert_eq!(item.sprint_ids.len(), 1);
}

#[test]
fn jira_fields_and_user_convert() {
    let Some(folder) = payloads("jira_fields_and_user_convert") else {
        return;
    };
    let fields: Vec<FieldDefinition> = parse(
        &read(&folder, "jira", "platform__field_GET_200.json"),
        "fields",
    );
    let user: jira::User = parse(
        &read(&folder, "jira", "platform__user_GET_200.json"),
        "user",
    );

    let catalog = FieldCatalog::from_fields(&fields);
    let account = jira::to_account(&user).expect("an active person converts");

    assert_eq!(fields.len(), 2);
    assert_eq!(fields[1].id, "summary");
    assert_eq!(catalog, FieldCatalog::default(), "neither field is custom");
    assert_eq!(account.key.provider, Provider::Jira);
    assert_eq!(account.key.account_id.as_str(), "5b10a2844c20165700ede21g");
    assert_eq!(account.display_name.as_deref(), Some("Mia Krystof"));
}
