//! Boards: `GET /rest/agile/1.0/board/{boardId}` and its `/configuration`.
//!
//! The board configuration is the source of truth for the estimation field: each board
//! names its own (`estimation.field.fieldId`), so story points are never read from a
//! hard-coded custom field.

use async_core::ids::BoardId;
use async_core::model::{Board, BoardKind};
use serde::Deserialize;

use super::JiraClient;
use super::models::id;
use crate::error::Error;
use crate::path::checked_segment;

/// A board.
#[derive(Debug, Clone, Deserialize)]
pub struct JiraBoard {
    /// The board id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// The board's name.
    #[serde(default)]
    pub name: String,
    /// `scrum`, `kanban` or `simple`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The board's location (a project or a user).
    #[serde(default)]
    pub location: Option<BoardLocation>,
}

/// A board's location as the board endpoint describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct BoardLocation {
    /// The project key, when the board belongs to a project.
    #[serde(default, rename = "projectKey")]
    pub project_key: Option<String>,
}

/// A board's configuration.
#[derive(Debug, Clone, Deserialize)]
pub struct BoardConfiguration {
    /// The board id.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// The board's location.
    #[serde(default)]
    pub location: Option<ConfigurationLocation>,
    /// The board's estimation settings.
    #[serde(default)]
    pub estimation: Option<Estimation>,
}

impl BoardConfiguration {
    /// Returns the id of the field the board estimates with, when it estimates with a field
    /// (rather than not at all or by issue count).
    pub fn estimation_field(&self) -> Option<&str> {
        let estimation = self.estimation.as_ref()?;
        if estimation.kind != "field" {
            return None;
        }
        estimation
            .field
            .as_ref()
            .map(|field| field.field_id.as_str())
            .filter(|field_id| !field_id.is_empty())
    }

    /// Returns the project key when the board belongs to a project.
    pub fn project_key(&self) -> Option<&str> {
        let location = self.location.as_ref()?;
        (location.kind == "project")
            .then_some(location.key.as_deref())
            .flatten()
    }
}

/// A board's location as the configuration endpoint describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct ConfigurationLocation {
    /// `project` or `user`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The project key, for project boards.
    #[serde(default)]
    pub key: Option<String>,
}

/// A board's estimation settings.
#[derive(Debug, Clone, Deserialize)]
pub struct Estimation {
    /// `field`, `issueCount` or `none`.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// The estimation field, when `kind` is `field`.
    #[serde(default)]
    pub field: Option<EstimationField>,
}

/// The field a board estimates with.
#[derive(Debug, Clone, Deserialize)]
pub struct EstimationField {
    /// Its id (`customfield_10016`).
    #[serde(default, rename = "fieldId")]
    pub field_id: String,
    /// Its name (`Story Points`).
    #[serde(default, rename = "displayName")]
    pub display_name: Option<String>,
}

impl JiraClient {
    /// Fetches a board.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] (404 when the board does not exist or is not visible) and
    /// [`Error::Decode`] when the response is not a board.
    pub async fn board(&self, board_id: &str) -> Result<JiraBoard, Error> {
        let path = format!(
            "/rest/agile/1.0/board/{}",
            checked_segment("board id", board_id)?
        );
        self.get_json("board.get", "/rest/agile/1.0/board/{boardId}", &path, &[])
            .await
    }

    /// Fetches a board's configuration, which names its estimation field.
    ///
    /// NOTE: Atlassian's scope list grants this endpoint through
    /// `read:board-scope.admin:jira-software`, which the published manifest does not request.
    /// An OAuth token with only `read:board-scope:jira-software` may get 401 or 403 here.
    ///
    /// # Errors
    ///
    /// As [`JiraClient::board`].
    pub async fn board_configuration(&self, board_id: &str) -> Result<BoardConfiguration, Error> {
        let path = format!(
            "/rest/agile/1.0/board/{}/configuration",
            checked_segment("board id", board_id)?
        );
        self.get_json(
            "board.configuration",
            "/rest/agile/1.0/board/{boardId}/configuration",
            &path,
            &[],
        )
        .await
    }
}

/// Converts a board with its configuration.
pub fn to_board(board: &JiraBoard, configuration: &BoardConfiguration) -> Board {
    let kind = match board.kind.as_str() {
        "scrum" => BoardKind::Scrum,
        "kanban" => BoardKind::Kanban,
        "simple" => BoardKind::Simple,
        other => BoardKind::Other(other.to_owned()),
    };
    let project_key = configuration.project_key().map(str::to_owned).or_else(|| {
        board
            .location
            .as_ref()
            .and_then(|location| location.project_key.clone())
    });
    Board {
        id: BoardId::new(board.id.clone()),
        name: board.name.clone(),
        kind,
        project_key,
        estimation_field: configuration.estimation_field().map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn estimation_field_only_for_field_type() {
        let with_field: BoardConfiguration = serde_json::from_value(json!({
            "id": 84, "location": {"type": "project", "key": "PROJ"},
            "estimation": {"type": "field", "field": {"fieldId": "customfield_10002", "displayName": "Story Points"}},
        }))
        .expect("parses");
        assert_eq!(with_field.estimation_field(), Some("customfield_10002"));
        assert_eq!(with_field.project_key(), Some("PROJ"));

        let by_count: BoardConfiguration = serde_json::from_value(json!({
            "id": "85", "location": {"type": "user", "key": "someone"},
            "estimation": {"type": "issueCount"},
        }))
        .expect("parses");
        assert_eq!(by_count.estimation_field(), None);
        assert_eq!(by_count.project_key(), None);
    }
}
