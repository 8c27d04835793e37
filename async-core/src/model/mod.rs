//! The provider-neutral domain model.
//!
//! Connectors convert each provider's wire models into these records; insights, the policy
//! engine and the writing tasks work only on them. Records are plain data with serde
//! support, so they can be stored through any [`KeyValueStore`](crate::store::KeyValueStore).
//!
//! People appear in records as [`AccountKey`]s (a provider and its account id). Identity
//! resolution later joins accounts into [`Person`]s; records never carry display names as
//! identity.

mod activity;
mod chat;
mod code;
mod docs;
mod meetings;
mod people;
mod time;
mod work;

pub use activity::ActivityBatch;
pub use chat::{ChatChannel, ChatMessage};
pub use code::{Commit, PullRequest, PullRequestState, Review, ReviewComment, ReviewState};
pub use docs::{Document, DocumentVersion};
pub use meetings::{Meeting, MeetingParticipant, Transcript, TranscriptCue};
pub use people::{AccountKey, Person, Provider, ProviderAccount, Team};
pub use time::TimeWindow;
pub use work::{
    Board, BoardKind, ChangeField, IssueLink, LinkDirection, Sprint, SprintState, StatusCategory,
    StatusChange, WorkItem, WorkItemChange,
};
