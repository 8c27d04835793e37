//! [`JiraSource`]: the Jira connector as an [`ActivitySource`].

use std::collections::BTreeMap;

use async_core::model::{
    ActivityBatch, Board, BoardKind, Provider, ProviderAccount, Sprint, TimeWindow, WorkItem,
};
use async_core::source::ActivitySource;
use async_trait::async_trait;
use chrono::Duration;
use futures::TryStreamExt;

use super::JiraClient;
use super::boards::to_board;
use super::convert::{ConversionContext, accounts_of, to_work_item};
use super::fields::FieldCatalog;
use super::models::Issue;
use super::search::SearchRequest;
use super::sprints::to_sprint;
use super::time::jql_datetime;
use crate::error::Error;

/// The `tracing` target of the connector's progress events.
const LOG_TARGET: &str = "async_connectors::jira";

/// How far the JQL start is moved back. JQL dates are read in the calling user's profile
/// time zone, which can be up to 14 hours behind UTC; results are filtered in UTC after.
const JQL_ZONE_MARGIN_HOURS: i64 = 14;

/// Collects boards, sprints, work items and accounts from a Jira site.
///
/// For each configured board, [`collect`](ActivitySource::collect) reads the board and its
/// configuration, which names the estimation field. It then reads the board's sprints that
/// overlap the window, with their issues and full changelogs, and the issues of the board's
/// project updated since the window started. Issues are deduplicated by key.
///
/// # Examples
///
/// ```
/// use async_connectors::jira::{JiraClient, JiraSource};
/// use async_core::http::{EgressPolicy, HttpClient};
/// use secrecy::SecretString;
///
/// let http = HttpClient::new(EgressPolicy::default().allow_host("acme.atlassian.net"))?;
/// let client = JiraClient::builder(http)
///     .base_url("https://acme.atlassian.net")
///     .basic_auth(SecretString::from("ana@example.com"), SecretString::from("api token"))
///     .build()?;
/// let source = JiraSource::new(client, ["84", "92"]).with_jql("issuetype != Epic");
/// assert_eq!(source.board_ids(), ["84", "92"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct JiraSource {
    client: JiraClient,
    board_ids: Vec<String>,
    extra_jql: Option<String>,
}

impl JiraSource {
    /// Creates a source reading the given boards.
    pub fn new<I, S>(client: JiraClient, board_ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            client,
            board_ids: board_ids.into_iter().map(Into::into).collect(),
            extra_jql: None,
        }
    }

    /// Narrows the project search with a JQL clause, joined with `AND`.
    #[must_use]
    pub fn with_jql(mut self, jql: impl Into<String>) -> Self {
        self.extra_jql = Some(jql.into());
        self
    }

    /// Returns the boards this source reads.
    pub fn board_ids(&self) -> &[String] {
        &self.board_ids
    }

    /// Collects one board into `collected`.
    async fn collect_board(
        &self,
        board_id: &str,
        catalog: &FieldCatalog,
        window: TimeWindow,
        collected: &mut Collected,
    ) -> Result<(), Error> {
        let board = self.client.board(board_id).await?;
        let configuration = self.client.board_configuration(board_id).await?;
        let board = to_board(&board, &configuration);
        let context = ConversionContext {
            fields: catalog,
            estimation_field: board.estimation_field.as_deref(),
            site: self.client.site_url(),
        };
        let request = SearchRequest::new("")
            .fields(catalog.field_ids())
            .fields(context.estimation_field)
            .expand_changelog(true);

        let before = collected.work_items.len();
        // Kanban boards have no sprints; the Agile API returns an error for them.
        if board.kind != BoardKind::Kanban {
            self.collect_sprints(board_id, &request, &context, window, collected)
                .await?;
        }
        if let Some(project) = board.project_key.as_deref() {
            let jql = self.project_jql(project, window);
            let issues: Vec<Issue> = self
                .client
                .search(request.with_jql(jql))
                .try_collect()
                .await?;
            self.add_issues(issues, &context, Some(window), collected)
                .await?;
        }

        // Progress logs carry counts only, never ids, names or content.
        tracing::info!(
            target: LOG_TARGET,
            boards_read = collected.boards.len() + 1,
            new_work_items = collected.work_items.len() - before,
            "read Jira board"
        );
        collected.boards.push(board);
        Ok(())
    }

    /// Collects the board's sprints that overlap the window, with their issues.
    async fn collect_sprints(
        &self,
        board_id: &str,
        request: &SearchRequest,
        context: &ConversionContext<'_>,
        window: TimeWindow,
        collected: &mut Collected,
    ) -> Result<(), Error> {
        let sprints: Vec<_> = self.client.board_sprints(board_id).try_collect().await?;
        for sprint in sprints
            .iter()
            .filter(|sprint| sprint.overlaps(window.start, window.end))
        {
            let issues: Vec<Issue> = self
                .client
                .sprint_issues(&sprint.id, request)
                .try_collect()
                .await?;
            collected
                .sprints
                .insert(sprint.id.clone(), to_sprint(sprint, board_id));
            self.add_issues(issues, context, None, collected).await?;
        }
        Ok(())
    }

    /// Completes each issue's changelog and converts it; the first board to supply an issue
    /// decides its estimate.
    async fn add_issues(
        &self,
        issues: Vec<Issue>,
        context: &ConversionContext<'_>,
        updated_in: Option<TimeWindow>,
        collected: &mut Collected,
    ) -> Result<(), Error> {
        for mut issue in issues {
            if collected.work_items.contains_key(&issue.key) {
                continue;
            }
            let updated = issue.fields.updated;
            if updated_in.is_some_and(|window| updated.is_some_and(|at| at < window.start)) {
                continue;
            }
            self.client.complete_changelog(&mut issue).await?;
            // Every request names `created` and `updated`, so a missing one is Jira's
            // anomaly: the issue is skipped rather than given an invented time.
            let Some(work_item) = to_work_item(&issue, context) else {
                tracing::warn!(
                    target: "async_connectors::jira",
                    issue = %issue.key,
                    "skipped an issue without created or updated time"
                );
                continue;
            };
            for account in accounts_of(&issue) {
                collected.add_account(account);
            }
            collected.work_items.insert(issue.key.clone(), work_item);
        }
        Ok(())
    }

    /// Builds `project = "KEY" AND updated >= "yyyy-MM-dd HH:mm" [AND (extra)]`.
    fn project_jql(&self, project: &str, window: TimeWindow) -> String {
        let since = window.start - Duration::hours(JQL_ZONE_MARGIN_HOURS);
        let mut jql = format!(
            "project = {} AND updated >= {}",
            quote_jql(project),
            jql_datetime(since)
        );
        if let Some(extra) = &self.extra_jql {
            jql.push_str(&format!(" AND ({extra})"));
        }
        jql.push_str(" ORDER BY updated ASC");
        jql
    }
}

#[async_trait]
impl ActivitySource for JiraSource {
    type Error = Error;

    fn provider(&self) -> Provider {
        Provider::Jira
    }

    async fn collect(&self, window: TimeWindow) -> Result<ActivityBatch, Error> {
        let catalog = self.client.field_catalog().await?;
        let mut collected = Collected::default();
        for board_id in &self.board_ids {
            self.collect_board(board_id, &catalog, window, &mut collected)
                .await?;
        }

        let batch = collected.into_batch();
        tracing::info!(
            target: LOG_TARGET,
            boards = batch.boards.len(),
            sprints = batch.sprints.len(),
            work_items = batch.work_items.len(),
            accounts = batch.accounts.len(),
            "collected Jira activity"
        );
        Ok(batch)
    }
}

/// Records gathered across boards, keyed so that repeats collapse.
#[derive(Debug, Default)]
struct Collected {
    boards: Vec<Board>,
    sprints: BTreeMap<String, Sprint>,
    work_items: BTreeMap<String, WorkItem>,
    accounts: BTreeMap<String, ProviderAccount>,
}

impl Collected {
    /// Keeps one record per account, filling in what a later sighting adds.
    fn add_account(&mut self, account: ProviderAccount) {
        let id = account.key.account_id.to_string();
        let existing = self.accounts.entry(id).or_insert_with(|| account.clone());
        existing.display_name = existing.display_name.take().or(account.display_name);
        existing.email = existing.email.take().or(account.email);
        existing.time_zone = existing.time_zone.take().or(account.time_zone);
        existing.is_bot |= account.is_bot;
    }

    fn into_batch(self) -> ActivityBatch {
        ActivityBatch {
            boards: self.boards,
            sprints: self.sprints.into_values().collect(),
            work_items: self.work_items.into_values().collect(),
            accounts: self.accounts.into_values().collect(),
            ..ActivityBatch::default()
        }
    }
}

/// Quotes a JQL string value, escaping backslashes and quotes.
fn quote_jql(value: &str) -> String {
    format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jql_value_is_escaped() {
        assert_eq!(quote_jql(r#"PA"Y\"#), r#""PA\"Y\\""#);
    }
}
