//! `JiraSource::collect` over two boards with different estimation fields.

#[path = "common/jira.rs"]
mod common;

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

use async_connectors::jira::{BASE_FIELDS, JiraSource};
use async_core::model::{
    ActivityBatch, LinkDirection, Provider, StatusCategory, TimeWindow, WorkItem,
};
use async_core::source::ActivitySource;
use chrono::{TimeZone, Utc};
use common::{basic_client, fixture, param, path, server};
use mockito::Matcher;

/// Collects log output written by a `tracing` subscriber.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log lock").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs one global subscriber for this test binary and returns its buffer.
///
/// A thread-local subscriber would race with the other tests: `tracing` caches whether a
/// call site is enabled, and a test without a subscriber can cache "disabled" first.
fn logs() -> &'static LogBuffer {
    static LOGS: OnceLock<LogBuffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = LogBuffer::default();
        let writer = logs.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_global_default(subscriber).expect("first subscriber");
        logs
    })
}

fn window() -> TimeWindow {
    TimeWindow::new(
        Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0)
            .single()
            .expect("valid"),
        Utc.with_ymd_and_hms(2026, 3, 16, 0, 0, 0)
            .single()
            .expect("valid"),
    )
}

fn fields_with(estimation: &str) -> String {
    format!(
        "{},customfield_10021,customfield_10020,{estimation}",
        BASE_FIELDS.join(",")
    )
}

async fn mock_get(server: &mut mockito::ServerGuard, rest: &str, query: Matcher, body: &str) {
    server
        .mock("GET", path(rest).as_str())
        .match_query(query)
        .with_body(fixture(body))
        .expect(1)
        .create_async()
        .await;
}

/// Mocks the whole site: fields, board 84 (scrum, PAY, Story Points) with its sprints and
/// sprint issues, board 92 (kanban, OPS, Story point estimate) and both project searches.
async fn mock_site(server: &mut mockito::ServerGuard) {
    mock_get(server, "/rest/api/3/field", Matcher::Any, "fields.json").await;
    for id in ["84", "92"] {
        let board = format!("/rest/agile/1.0/board/{id}");
        mock_get(server, &board, Matcher::Any, &format!("board_{id}.json")).await;
        let configuration = format!("{board}/configuration");
        let body = format!("board_{id}_configuration.json");
        mock_get(server, &configuration, Matcher::Any, &body).await;
    }

    let sprints = "/rest/agile/1.0/board/84/sprint";
    mock_get(
        server,
        sprints,
        param("startAt", "0"),
        "board_84_sprints_1.json",
    )
    .await;
    mock_get(
        server,
        sprints,
        param("startAt", "2"),
        "board_84_sprints_2.json",
    )
    .await;
    let issues = "/rest/agile/1.0/sprint/502/issue";
    let pay_fields = fields_with("customfield_10016");
    let first_page = Matcher::AllOf(vec![param("startAt", "0"), param("fields", &pay_fields)]);
    mock_get(server, issues, first_page, "sprint_502_issues_1.json").await;
    mock_get(
        server,
        issues,
        param("startAt", "2"),
        "sprint_502_issues_2.json",
    )
    .await;
    let changelog = "/rest/api/3/issue/PAY-203/changelog";
    mock_get(
        server,
        changelog,
        param("startAt", "0"),
        "changelog_pay_203_1.json",
    )
    .await;
    mock_get(
        server,
        changelog,
        param("startAt", "2"),
        "changelog_pay_203_2.json",
    )
    .await;

    // The window starts 2026-03-02 00:00 UTC; the JQL starts 14 hours earlier because
    // Jira reads JQL dates in the user's time zone.
    let search = "/rest/api/3/search/jql";
    let pay = Matcher::AllOf(vec![
        param(
            "jql",
            r#"project = "PAY" AND updated >= "2026-03-01 10:00" AND (issuetype != Epic) ORDER BY updated ASC"#,
        ),
        param("fields", &pay_fields),
        param("expand", "changelog"),
    ]);
    mock_get(server, search, pay, "search_project_pay.json").await;
    let ops = Matcher::AllOf(vec![
        param(
            "jql",
            r#"project = "OPS" AND updated >= "2026-03-01 10:00" AND (issuetype != Epic) ORDER BY updated ASC"#,
        ),
        param("fields", &fields_with("customfield_10035")),
    ]);
    mock_get(server, search, ops, "search_project_ops.json").await;
}

fn item<'a>(batch: &'a ActivityBatch, key: &str) -> &'a WorkItem {
    batch
        .work_items
        .iter()
        .find(|item| item.key.as_str() == key)
        .unwrap_or_else(|| panic!("{key} collected"))
}

#[tokio::test]
async fn collect_reads_boards_sprints_and_issues() {
    let mut server = server().await;
    mock_site(&mut server).await;
    let no_kanban_sprints = server
        .mock("GET", path("/rest/agile/1.0/board/92/sprint").as_str())
        .match_query(Matcher::Any)
        .expect(0)
        .create_async()
        .await;
    let logs = logs();

    let source = JiraSource::new(basic_client(&server), ["84", "92"]).with_jql("issuetype != Epic");
    let batch = source.collect(window()).await.expect("collect");

    assert_eq!(source.provider(), Provider::Jira);
    assert_eq!(batch.boards.len(), 2);
    let sprint_ids: Vec<&str> = batch
        .sprints
        .iter()
        .map(|sprint| sprint.id.as_str())
        .collect();
    assert_eq!(
        sprint_ids,
        ["502"],
        "only the sprint overlapping the window"
    );
    let mut keys: Vec<&str> = batch
        .work_items
        .iter()
        .map(|item| item.key.as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["OPS-7", "PAY-201", "PAY-202", "PAY-203", "PAY-209"]);

    // Each board's own estimation field decides the estimate.
    assert_eq!(item(&batch, "PAY-201").estimate, Some(5.0));
    assert_eq!(item(&batch, "PAY-202").estimate, None);
    assert_eq!(item(&batch, "OPS-7").estimate, Some(3.0));

    no_kanban_sprints.assert_async().await;
    let output = String::from_utf8(logs.0.lock().expect("log lock").clone()).expect("utf-8");
    let progress = output
        .lines()
        .find(|line| line.contains("collected Jira activity"))
        .unwrap_or_else(|| panic!("no progress line in {output}"));
    assert!(
        progress.contains("INFO async_connectors::jira"),
        "{progress}"
    );
    assert!(
        progress.contains("boards=2 sprints=1 work_items=5 accounts=3"),
        "{progress}"
    );
    assert!(
        output.contains("read Jira board boards_read=2 new_work_items=1"),
        "{output}"
    );
    assert!(!output.contains(common::API_TOKEN));
    assert!(!output.contains(common::basic_header().trim_start_matches("Basic ")));
}

#[tokio::test]
async fn collect_converts_work_item_details() {
    logs();
    let mut server = server().await;
    mock_site(&mut server).await;
    let source = JiraSource::new(basic_client(&server), ["84", "92"]).with_jql("issuetype != Epic");
    let batch = source.collect(window()).await.expect("collect");

    let flagged = item(&batch, "PAY-201");
    assert!(flagged.is_flagged);
    assert_eq!(flagged.status_category, StatusCategory::InProgress);
    assert_eq!(flagged.project_key, "PAY");
    assert_eq!(
        flagged.parent.as_ref().map(|key| key.as_str()),
        Some("PAY-200")
    );
    let sprints: Vec<&str> = flagged.sprint_ids.iter().map(|id| id.as_str()).collect();
    assert_eq!(sprints, ["501", "502"]);
    assert_eq!(
        flagged.url.as_deref(),
        Some(format!("{}/jira/browse/PAY-201", server.url()).as_str())
    );
    assert_eq!(flagged.status_history.len(), 1);
    let fields: Vec<String> = flagged
        .changes
        .iter()
        .map(|change| format!("{:?}={:?}", change.field, change.to))
        .collect();
    assert_eq!(
        fields,
        [
            r#"Sprint=Some("501, 502")"#,
            r#"Estimate=Some("5")"#,
            r#"Assignee=Some("5f1e2d3c4b5a697887766554")"#,
            r#"Flagged=Some("Impediment")"#,
        ]
    );

    let done = item(&batch, "PAY-202");
    assert_eq!(done.status_category, StatusCategory::Done);
    assert!(done.assignee.is_none());
    assert!(done.resolved_at.is_some());
    assert!(!done.is_flagged);
    let links: Vec<(LinkDirection, &str, &str, Option<StatusCategory>)> = done
        .links
        .iter()
        .map(|link| {
            (
                link.direction,
                link.description.as_str(),
                link.other.as_str(),
                link.other_status_category,
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            (
                LinkDirection::Inward,
                "is blocked by",
                "PAY-201",
                Some(StatusCategory::InProgress)
            ),
            (
                LinkDirection::Outward,
                "blocks",
                "OPS-7",
                Some(StatusCategory::Done)
            ),
            (LinkDirection::Outward, "relates to", "OPS-8", None),
        ]
    );
    assert!(item(&batch, "OPS-7").is_flagged, "Flagged custom field set");
}

#[tokio::test]
async fn collect_reports_accounts_once() {
    logs();
    let mut server = server().await;
    mock_site(&mut server).await;
    let source = JiraSource::new(basic_client(&server), ["84", "92"]).with_jql("issuetype != Epic");
    let batch = source.collect(window()).await.expect("collect");

    let ids: Vec<&str> = batch
        .accounts
        .iter()
        .map(|account| account.key.account_id.as_str())
        .collect();
    assert_eq!(
        ids,
        [
            "557058:0c1d2e3f-4a5b-6c7d-8e9f-a0b1c2d3e4f5",
            "557058:bot-0001-0002",
            "5f1e2d3c4b5a697887766554",
        ]
    );
    let bot = &batch.accounts[1];
    assert!(bot.is_bot);
    assert_eq!(bot.email, None);
    let ana = &batch.accounts[2];
    assert_eq!(ana.email.as_deref(), Some("ana@example.com"));
    assert_eq!(ana.display_name.as_deref(), Some("Ana Ruiz"));
    assert!(!ana.is_bot);
    assert_eq!(batch.accounts[0].email, None);
}
