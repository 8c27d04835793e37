//! Sprints: `GET /rest/agile/1.0/board/{boardId}/sprint` and
//! `GET /rest/agile/1.0/sprint/{sprintId}/issue`.
//!
//! Both page by `startAt`. The sprint list ends on `isLast`; the issue list carries its
//! items under `issues` and ends when `startAt` reaches `total`. Agile timestamps use colon
//! offsets (`+10:00`) or `Z`, and future sprints have no dates.

use async_core::ids::{BoardId, SprintId};
use async_core::model::{Sprint, SprintState};
use chrono::{DateTime, Utc};
use futures::Stream;
use serde::Deserialize;

use super::JiraClient;
use super::convert::non_empty;
use super::models::{Issue, id};
use super::search::SearchRequest;
use super::time;
use crate::error::Error;
use crate::page::Page;
use crate::path::checked_segment;

/// Sprints per page (the Agile API's default maximum).
const SPRINT_PAGE_SIZE: u64 = 50;

/// Issues per page; sites may cap it lower (`jira.search.views.default.max`).
const ISSUE_PAGE_SIZE: u64 = 100;

/// A sprint as the Agile API returns it.
#[derive(Debug, Clone, Deserialize)]
pub struct JiraSprint {
    /// The sprint id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// The sprint's name.
    #[serde(default)]
    pub name: String,
    /// `future`, `active` or `closed`.
    #[serde(default)]
    pub state: String,
    /// The planned start; absent on future sprints.
    #[serde(
        default,
        rename = "startDate",
        deserialize_with = "time::optional_timestamp"
    )]
    pub start_date: Option<DateTime<Utc>>,
    /// The planned end; absent on future sprints.
    #[serde(
        default,
        rename = "endDate",
        deserialize_with = "time::optional_timestamp"
    )]
    pub end_date: Option<DateTime<Utc>>,
    /// When the sprint was completed; present only on closed sprints.
    #[serde(
        default,
        rename = "completeDate",
        deserialize_with = "time::optional_timestamp"
    )]
    pub complete_date: Option<DateTime<Utc>>,
    /// The board the sprint was created on; a sprint can appear on several boards.
    #[serde(default, rename = "originBoardId", deserialize_with = "optional_id")]
    pub origin_board_id: Option<String>,
    /// The sprint goal.
    #[serde(default)]
    pub goal: Option<String>,
}

impl JiraSprint {
    /// Returns whether the sprint ran during `[start, end)`: it started before `end` and
    /// had not finished by `start`. Sprints without a start date (future ones) never do.
    pub fn overlaps(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        let Some(sprint_start) = self.start_date else {
            return false;
        };
        let finished = self.complete_date.or(match self.state.as_str() {
            "closed" => self.end_date,
            _ => None,
        });
        sprint_start < end && finished.is_none_or(|finished| finished >= start)
    }
}

#[derive(Debug, Deserialize)]
struct SprintPage {
    #[serde(default, rename = "startAt")]
    start_at: u64,
    #[serde(default, rename = "isLast")]
    is_last: Option<bool>,
    #[serde(default)]
    values: Vec<JiraSprint>,
}

#[derive(Debug, Deserialize)]
struct SprintIssuePage {
    #[serde(default, rename = "startAt")]
    start_at: u64,
    #[serde(default)]
    total: Option<u64>,
    #[serde(default)]
    issues: Vec<Issue>,
}

impl JiraClient {
    /// Fetches one page of a board's sprints; pass the previous page's `next` to continue.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] (400 for a kanban board, which has no sprints) and
    /// [`Error::Decode`] when the response is not a sprint page.
    pub async fn board_sprints_page(
        &self,
        board_id: &str,
        start_at: Option<&str>,
    ) -> Result<Page<JiraSprint>, Error> {
        let path = format!(
            "/rest/agile/1.0/board/{}/sprint",
            checked_segment("board id", board_id)?
        );
        let query = [
            ("startAt", start_at.unwrap_or("0").to_owned()),
            ("maxResults", SPRINT_PAGE_SIZE.to_string()),
        ];
        let page: SprintPage = self
            .get_json(
                "board.sprints",
                "/rest/agile/1.0/board/{boardId}/sprint",
                &path,
                &query,
            )
            .await?;

        let next = page.start_at + page.values.len() as u64;
        let more = page.is_last == Some(false) && !page.values.is_empty();
        Ok(Page {
            items: page.values,
            next: more.then(|| next.to_string()),
        })
    }

    /// Streams every sprint of a board.
    pub fn board_sprints<'a>(
        &'a self,
        board_id: &'a str,
    ) -> impl Stream<Item = Result<JiraSprint, Error>> + Send + 'a {
        Page::into_stream(move |start: Option<String>| async move {
            self.board_sprints_page(board_id, start.as_deref()).await
        })
    }

    /// Fetches one page of a sprint's issues with the fields of `request`; its JQL is
    /// ignored. Pass the previous page's `next` to continue.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] and [`Error::Decode`] as the other calls do.
    pub async fn sprint_issues_page(
        &self,
        sprint_id: &str,
        request: &SearchRequest,
        start_at: Option<&str>,
    ) -> Result<Page<Issue>, Error> {
        let path = format!(
            "/rest/agile/1.0/sprint/{}/issue",
            checked_segment("sprint id", sprint_id)?
        );
        let mut query = vec![
            ("startAt", start_at.unwrap_or("0").to_owned()),
            ("maxResults", ISSUE_PAGE_SIZE.to_string()),
            ("fields", request.fields_param()),
        ];
        query.push(("expand", "changelog".to_owned()));
        let page: SprintIssuePage = self
            .get_json(
                "sprint.issues",
                "/rest/agile/1.0/sprint/{sprintId}/issue",
                &path,
                &query,
            )
            .await?;

        let next = page.start_at + page.issues.len() as u64;
        let more = page.total.is_some_and(|total| next < total) && !page.issues.is_empty();
        Ok(Page {
            items: page.issues,
            next: more.then(|| next.to_string()),
        })
    }

    /// Streams every issue of a sprint, changelogs embedded.
    pub fn sprint_issues<'a>(
        &'a self,
        sprint_id: &'a str,
        request: &'a SearchRequest,
    ) -> impl Stream<Item = Result<Issue, Error>> + Send + 'a {
        Page::into_stream(move |start: Option<String>| async move {
            self.sprint_issues_page(sprint_id, request, start.as_deref())
                .await
        })
    }
}

/// Converts a sprint; `board_id` is used when the sprint does not name its origin board.
pub fn to_sprint(sprint: &JiraSprint, board_id: &str) -> Sprint {
    let state = match sprint.state.as_str() {
        "future" => SprintState::Future,
        "active" => SprintState::Active,
        "closed" => SprintState::Closed,
        _ => SprintState::Unknown,
    };
    Sprint {
        id: SprintId::new(sprint.id.clone()),
        board_id: Some(BoardId::new(
            sprint.origin_board_id.as_deref().unwrap_or(board_id),
        )),
        name: sprint.name.clone(),
        state,
        start: sprint.start_date,
        end: sprint.end_date,
        completed_at: sprint.complete_date,
        goal: non_empty(sprint.goal.as_deref()),
    }
}

/// Deserializes an optional id sent as a string or a number.
fn optional_id<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    super::models::optional_text(deserializer)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use serde_json::json;

    use super::*;

    fn at(day: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, day, 0, 0, 0)
            .single()
            .expect("valid")
    }

    #[test]
    fn sprint_parses_agile_shapes() {
        let sprint: JiraSprint = serde_json::from_value(json!({
            "id": 37, "state": "closed", "name": "sprint 1",
            "startDate": "2015-04-11T15:22:00.000+10:00",
            "endDate": "2015-04-20T01:22:00.000+10:00",
            "completeDate": "2015-04-20T11:04:00.000+10:00",
            "originBoardId": 5, "goal": "ship",
        }))
        .expect("parses");
        assert_eq!(sprint.id, "37");
        assert_eq!(sprint.origin_board_id.as_deref(), Some("5"));

        let future: JiraSprint =
            serde_json::from_value(json!({"id": 72, "state": "future", "name": "sprint 2"}))
                .expect("parses");
        assert!(future.start_date.is_none());
    }

    #[test]
    fn overlap_rules() {
        let sprint = |start: Option<u32>, complete: Option<u32>, state: &str| JiraSprint {
            id: "1".to_owned(),
            name: String::new(),
            state: state.to_owned(),
            start_date: start.map(at),
            end_date: None,
            complete_date: complete.map(at),
            origin_board_id: None,
            goal: None,
        };
        let (start, end) = (at(10), at(20));

        assert!(sprint(Some(5), Some(12), "closed").overlaps(start, end));
        assert!(sprint(Some(15), None, "active").overlaps(start, end));
        assert!(!sprint(Some(1), Some(9), "closed").overlaps(start, end));
        assert!(!sprint(Some(20), None, "active").overlaps(start, end));
        assert!(!sprint(None, None, "future").overlaps(start, end));
    }
}
