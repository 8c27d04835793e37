//! A batch of collected records.

use serde::{Deserialize, Serialize};

use super::{
    Board, ChatChannel, ChatMessage, Document, Meeting, ProviderAccount, PullRequest, Sprint,
    Transcript, WorkItem,
};

/// Records collected from one or more providers for a time window.
///
/// Connectors return one batch per collection; [`ActivityBatch::merge`] combines batches
/// from several sources before identity resolution and insights.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityBatch {
    /// Accounts seen, with whatever profile data the provider shared.
    pub accounts: Vec<ProviderAccount>,
    /// Pull requests with reviews, comments and commits.
    pub pull_requests: Vec<PullRequest>,
    /// Work items with history and links.
    pub work_items: Vec<WorkItem>,
    /// Sprints.
    pub sprints: Vec<Sprint>,
    /// Boards.
    pub boards: Vec<Board>,
    /// Channels read.
    pub channels: Vec<ChatChannel>,
    /// Messages, top level and replies.
    pub messages: Vec<ChatMessage>,
    /// Meetings with participants.
    pub meetings: Vec<Meeting>,
    /// Transcripts.
    pub transcripts: Vec<Transcript>,
    /// Documents with versions.
    pub documents: Vec<Document>,
}

impl ActivityBatch {
    /// Appends every record of `other` to this batch.
    pub fn merge(&mut self, other: ActivityBatch) {
        self.accounts.extend(other.accounts);
        self.pull_requests.extend(other.pull_requests);
        self.work_items.extend(other.work_items);
        self.sprints.extend(other.sprints);
        self.boards.extend(other.boards);
        self.channels.extend(other.channels);
        self.messages.extend(other.messages);
        self.meetings.extend(other.meetings);
        self.transcripts.extend(other.transcripts);
        self.documents.extend(other.documents);
    }

    /// Returns the total number of records in the batch.
    pub fn len(&self) -> usize {
        self.accounts.len()
            + self.pull_requests.len()
            + self.work_items.len()
            + self.sprints.len()
            + self.boards.len()
            + self.channels.len()
            + self.messages.len()
            + self.meetings.len()
            + self.transcripts.len()
            + self.documents.len()
    }

    /// Returns whether the batch holds no records.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
