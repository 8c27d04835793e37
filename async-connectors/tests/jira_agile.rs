//! Boards, sprints, sprint issues and changelog completion against the Agile and platform
//! APIs.

#[path = "common/jira.rs"]
mod common;

use async_connectors::jira::{
    ConversionContext, FieldCatalog, SearchRequest, to_board, to_sprint, to_work_item,
};
use async_core::model::{BoardKind, ChangeField, SprintState};
use common::{basic_client, bearer_client, fixture, param, path, server};
use futures::TryStreamExt;
use mockito::Matcher;

async fn mock_board(server: &mut mockito::ServerGuard, id: u32) {
    server
        .mock("GET", path(&format!("/rest/agile/1.0/board/{id}")).as_str())
        .with_body(fixture(&format!("board_{id}.json")))
        .create_async()
        .await;
    server
        .mock(
            "GET",
            path(&format!("/rest/agile/1.0/board/{id}/configuration")).as_str(),
        )
        .with_body(fixture(&format!("board_{id}_configuration.json")))
        .create_async()
        .await;
}

#[tokio::test]
async fn estimation_field_comes_from_each_board() {
    let mut server = server().await;
    mock_board(&mut server, 84).await;
    mock_board(&mut server, 92).await;
    let client = basic_client(&server);

    let mut boards = Vec::new();
    for id in ["84", "92"] {
        let board = client.board(id).await.expect("board");
        let configuration = client.board_configuration(id).await.expect("configuration");
        boards.push(to_board(&board, &configuration));
    }

    assert_eq!(boards[0].kind, BoardKind::Scrum);
    assert_eq!(boards[0].project_key.as_deref(), Some("PAY"));
    assert_eq!(
        boards[0].estimation_field.as_deref(),
        Some("customfield_10016")
    );
    assert_eq!(boards[1].kind, BoardKind::Kanban);
    assert_eq!(boards[1].project_key.as_deref(), Some("OPS"));
    assert_eq!(
        boards[1].estimation_field.as_deref(),
        Some("customfield_10035")
    );
}

#[tokio::test]
async fn board_sprints_follow_is_last() {
    let mut server = server().await;
    let sprint_path = path("/rest/agile/1.0/board/84/sprint");
    let first = server
        .mock("GET", sprint_path.as_str())
        .match_query(Matcher::AllOf(vec![
            param("startAt", "0"),
            param("maxResults", "50"),
        ]))
        .with_body(fixture("board_84_sprints_1.json"))
        .expect(1)
        .create_async()
        .await;
    let second = server
        .mock("GET", sprint_path.as_str())
        .match_query(param("startAt", "2"))
        .with_body(fixture("board_84_sprints_2.json"))
        .expect(1)
        .create_async()
        .await;

    let client = bearer_client(&server);
    let sprints: Vec<_> = client
        .board_sprints("84")
        .try_collect()
        .await
        .expect("sprints");

    let converted: Vec<_> = sprints
        .iter()
        .map(|sprint| to_sprint(sprint, "84"))
        .collect();
    let states: Vec<SprintState> = converted.iter().map(|sprint| sprint.state).collect();
    assert_eq!(
        states,
        [
            SprintState::Closed,
            SprintState::Active,
            SprintState::Future
        ]
    );
    assert_eq!(
        converted[1].start.map(|at| at.to_rfc3339()),
        Some("2026-03-01T23:00:00+00:00".to_owned())
    );
    assert_eq!(converted[1].goal.as_deref(), Some("Card retries"));
    assert_eq!(converted[2].start, None);
    assert_eq!(converted[0].goal, None);
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn sprint_issues_page_by_total() {
    let mut server = server().await;
    let issue_path = path("/rest/agile/1.0/sprint/502/issue");
    let fields = SearchRequest::new("").fields(["customfield_10016"]);
    let first = server
        .mock("GET", issue_path.as_str())
        .match_query(Matcher::AllOf(vec![
            param("startAt", "0"),
            param("maxResults", "100"),
            param("expand", "changelog"),
            param("fields", &fields.fields_param()),
        ]))
        .with_body(fixture("sprint_502_issues_1.json"))
        .expect(1)
        .create_async()
        .await;
    let second = server
        .mock("GET", issue_path.as_str())
        .match_query(param("startAt", "2"))
        .with_body(fixture("sprint_502_issues_2.json"))
        .expect(1)
        .create_async()
        .await;

    let client = basic_client(&server);
    let issues: Vec<_> = client
        .sprint_issues("502", &fields)
        .try_collect()
        .await
        .expect("issues");

    let keys: Vec<&str> = issues.iter().map(|issue| issue.key.as_str()).collect();
    assert_eq!(keys, ["PAY-201", "PAY-202", "PAY-203"]);
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn truncated_changelog_is_fetched() {
    let mut server = server().await;
    server
        .mock("GET", path("/rest/agile/1.0/sprint/502/issue").as_str())
        .match_query(param("startAt", "2"))
        .with_body(fixture("sprint_502_issues_2.json"))
        .create_async()
        .await;
    let changelog_path = path("/rest/api/3/issue/PAY-203/changelog");
    let first = server
        .mock("GET", changelog_path.as_str())
        .match_query(Matcher::AllOf(vec![
            param("startAt", "0"),
            param("maxResults", "100"),
        ]))
        .with_body(fixture("changelog_pay_203_1.json"))
        .expect(1)
        .create_async()
        .await;
    let second = server
        .mock("GET", changelog_path.as_str())
        .match_query(param("startAt", "2"))
        .with_body(fixture("changelog_pay_203_2.json"))
        .expect(1)
        .create_async()
        .await;

    let client = basic_client(&server);
    let request = SearchRequest::new("");
    let page = client
        .sprint_issues_page("502", &request, Some("2"))
        .await
        .expect("page");
    let mut issue = page.items.into_iter().next().expect("one issue");
    let fetched = client
        .complete_changelog(&mut issue)
        .await
        .expect("changelog");

    assert!(fetched);
    let catalog = FieldCatalog {
        flagged: Some("customfield_10021".to_owned()),
        sprint: Some("customfield_10020".to_owned()),
    };
    let context = ConversionContext {
        fields: &catalog,
        estimation_field: Some("customfield_10016"),
        site: client.site_url(),
    };
    let item = to_work_item(&issue, &context).expect("the issue has both times");
    let statuses: Vec<(Option<&str>, &str)> = item
        .status_history
        .iter()
        .map(|change| (change.from.as_deref(), change.to.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            (Some("To Do"), "In Progress"),
            (Some("In Progress"), "In Review")
        ]
    );
    assert_eq!(item.changes.len(), 1);
    assert_eq!(item.changes[0].field, ChangeField::Flagged);
    assert_eq!(item.estimate, Some(8.5));
    assert!(!item.is_flagged);
    first.assert_async().await;
    second.assert_async().await;
}

#[tokio::test]
async fn complete_changelog_skips_whole_changelog() {
    let mut server = server().await;
    server
        .mock("GET", path("/rest/agile/1.0/sprint/502/issue").as_str())
        .match_query(Matcher::Any)
        .with_body(fixture("sprint_502_issues_1.json"))
        .create_async()
        .await;
    let changelog = server
        .mock("GET", Matcher::Regex(".*/changelog$".to_owned()))
        .expect(0)
        .create_async()
        .await;

    let client = basic_client(&server);
    let page = client
        .sprint_issues_page("502", &SearchRequest::new(""), None)
        .await
        .expect("page");
    for mut issue in page.items {
        assert!(
            !client
                .complete_changelog(&mut issue)
                .await
                .expect("no fetch")
        );
    }
    assert_eq!(page.next.as_deref(), Some("2"));
    changelog.assert_async().await;
}
