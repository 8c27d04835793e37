//! Pull request reviews.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::user::{User, nullable_user};

/// A review from `GET /repos/{owner}/{repo}/pulls/{number}/reviews`. The body is not read.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Review {
    /// The review id.
    pub id: u64,
    /// The reviewer, or `null` when the account was deleted.
    #[serde(default, deserialize_with = "nullable_user")]
    pub user: Option<User>,
    /// The verdict.
    pub state: ReviewState,
    /// When it was submitted. Pending reviews have no such field.
    #[serde(default)]
    pub submitted_at: Option<DateTime<Utc>>,
    /// The commit the review was made on, which newer API descriptions allow to be `null`.
    #[serde(default)]
    pub commit_id: Option<String>,
}

/// The `state` of a review.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum ReviewState {
    /// `APPROVED`.
    Approved,
    /// `CHANGES_REQUESTED`.
    ChangesRequested,
    /// `COMMENTED`.
    Commented,
    /// `DISMISSED`.
    Dismissed,
    /// `PENDING`: started and not yet submitted.
    Pending,
    /// A state this SDK does not know yet, kept as GitHub sent it.
    Other(String),
}

impl From<String> for ReviewState {
    fn from(value: String) -> Self {
        match value.as_str() {
            "APPROVED" => ReviewState::Approved,
            "CHANGES_REQUESTED" => ReviewState::ChangesRequested,
            "COMMENTED" => ReviewState::Commented,
            "DISMISSED" => ReviewState::Dismissed,
            "PENDING" => ReviewState::Pending,
            _ => ReviewState::Other(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pending_review_parses_without_submitted_at() {
        let review: Review =
            serde_json::from_str(r#"{"id":5,"user":null,"state":"PENDING","body":""}"#)
                .expect("review parses");

        assert_eq!(review.state, ReviewState::Pending);
        assert_eq!(review.submitted_at, None);
        assert_eq!(review.user, None);
    }

    #[test]
    fn unknown_review_state_is_kept() {
        let state = ReviewState::from("ESCALATED".to_owned());

        assert_eq!(state, ReviewState::Other("ESCALATED".to_owned()));
    }
}
