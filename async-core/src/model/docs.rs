//! Documents and their versions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::AccountKey;
use crate::ids::DocumentId;

/// A document (a Confluence page or blog post).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Document {
    /// The provider's id.
    pub id: DocumentId,
    /// The space the document lives in.
    pub space_key: Option<String>,
    /// The title.
    pub title: String,
    /// The page a person opens to read it.
    pub url: Option<String>,
    /// Who created it.
    pub author: Option<AccountKey>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When its latest version was made.
    pub updated_at: DateTime<Utc>,
    /// The parent document, if any.
    pub parent: Option<DocumentId>,
    /// Labels.
    pub labels: Vec<String>,
    /// Versions, oldest first.
    pub versions: Vec<DocumentVersion>,
}

/// One version of a document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentVersion {
    /// The version number, starting at 1.
    pub number: u32,
    /// Who made the version.
    pub author: Option<AccountKey>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// The version comment, if any.
    pub message: Option<String>,
    /// Whether the author marked it as a minor edit.
    pub is_minor_edit: bool,
}
