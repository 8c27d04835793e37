//! Wire models of Jira issues, users and changelogs, as the v3 and Agile APIs send them.
//!
//! The models accept what real sites return: nullable users, missing dates, numeric ids
//! where strings are documented, and custom fields of any JSON shape (kept as
//! [`serde_json::Value`] in [`IssueFields::extra`]). Unknown enum values map to `Unknown`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::time;

/// An issue as search, the sprint-issue listing and the issue endpoint return it.
#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    /// The numeric id, as a string.
    #[serde(deserialize_with = "id")]
    pub id: String,
    /// The human key (`PAY-12`).
    pub key: String,
    /// The issue's fields, as many as the request named in `fields`.
    pub fields: IssueFields,
    /// The change history, when requested with `expand=changelog`.
    #[serde(default)]
    pub changelog: Option<InlineChangelog>,
}

/// The fields of an issue that this SDK reads; every other field is kept in `extra`.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueFields {
    /// The one-line summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// The current status.
    #[serde(default)]
    pub status: Option<Status>,
    /// The issue type.
    #[serde(default)]
    pub issuetype: Option<IssueType>,
    /// The project.
    #[serde(default)]
    pub project: Option<ProjectRef>,
    /// The assignee; `null` when unassigned.
    #[serde(default)]
    pub assignee: Option<User>,
    /// The reporter; `null` when unknown.
    #[serde(default)]
    pub reporter: Option<User>,
    /// The creator.
    #[serde(default)]
    pub creator: Option<User>,
    /// When the issue was created; absent when the request's `fields` did not name it.
    #[serde(default, deserialize_with = "time::optional_timestamp")]
    pub created: Option<DateTime<Utc>>,
    /// When the issue last changed; absent when the request's `fields` did not name it.
    #[serde(default, deserialize_with = "time::optional_timestamp")]
    pub updated: Option<DateTime<Utc>>,
    /// When the issue was resolved; `null` until then.
    #[serde(default, deserialize_with = "time::optional_timestamp")]
    pub resolutiondate: Option<DateTime<Utc>>,
    /// The due date.
    #[serde(default, deserialize_with = "time::optional_date")]
    pub duedate: Option<NaiveDate>,
    /// Labels.
    #[serde(default, deserialize_with = "null_as_default")]
    pub labels: Vec<String>,
    /// Links to other issues.
    #[serde(default, deserialize_with = "null_as_default")]
    pub issuelinks: Vec<IssueLink>,
    /// The parent issue (an epic or a story), if any.
    #[serde(default)]
    pub parent: Option<IssueRef>,
    /// Every other field: custom fields (`customfield_10020`) and the Agile API's `flagged`,
    /// `sprint` and `closedSprints`, in whatever shape the site sends.
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// A status and its category.
#[derive(Debug, Clone, Deserialize)]
pub struct Status {
    /// The status name (`In Review`).
    #[serde(default)]
    pub name: String,
    /// The status's category; linked issues sometimes come without it.
    #[serde(default, rename = "statusCategory")]
    pub status_category: Option<StatusCategoryRef>,
}

/// A status category reference.
#[derive(Debug, Clone, Deserialize)]
pub struct StatusCategoryRef {
    /// The category key.
    #[serde(default, deserialize_with = "null_as_default")]
    pub key: StatusCategoryKey,
}

/// Jira's status category keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusCategoryKey {
    /// Not started ("To Do").
    New,
    /// Started ("In Progress").
    Indeterminate,
    /// Finished.
    Done,
    /// A key this SDK does not know (Jira also has `undefined`).
    #[default]
    #[serde(other)]
    Unknown,
}

/// An issue type.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueType {
    /// The type's name (`Story`, `Bug`).
    #[serde(default)]
    pub name: String,
}

/// A project reference.
#[derive(Debug, Clone, Deserialize)]
pub struct ProjectRef {
    /// The project key (`PAY`).
    pub key: String,
}

/// A reference to another issue by key.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueRef {
    /// The other issue's key.
    pub key: String,
}

/// A Jira user as embedded in issues and changelogs.
#[derive(Debug, Clone, Deserialize)]
pub struct User {
    /// The account id; some changelog authors come with an empty one.
    #[serde(default, rename = "accountId")]
    pub account_id: Option<String>,
    /// The kind of account.
    #[serde(default, rename = "accountType", deserialize_with = "null_as_default")]
    pub account_type: AccountType,
    /// The display name, which can be a privacy alias.
    #[serde(default, rename = "displayName")]
    pub display_name: Option<String>,
    /// The e-mail address; usually absent because of the user's privacy setting.
    #[serde(default, rename = "emailAddress")]
    pub email_address: Option<String>,
    /// Whether the account is active.
    #[serde(default)]
    pub active: Option<bool>,
    /// The user's IANA time zone, if shared.
    #[serde(default, rename = "timeZone")]
    pub time_zone: Option<String>,
}

/// Jira's account types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccountType {
    /// A person with an Atlassian account.
    Atlassian,
    /// An app or bot.
    App,
    /// A Jira Service Management customer.
    Customer,
    /// A type this SDK does not know, or none was sent.
    #[default]
    #[serde(other)]
    Unknown,
}

/// A link between two issues; exactly one of `inward_issue` and `outward_issue` is set.
#[derive(Debug, Clone, Deserialize)]
pub struct IssueLink {
    /// The link type with its phrases.
    #[serde(rename = "type")]
    pub link_type: LinkType,
    /// The other issue when it acts on this one (this issue "is blocked by" it).
    #[serde(default, rename = "inwardIssue")]
    pub inward_issue: Option<LinkedIssue>,
    /// The other issue when this one acts on it (this issue "blocks" it).
    #[serde(default, rename = "outwardIssue")]
    pub outward_issue: Option<LinkedIssue>,
}

/// A link type.
#[derive(Debug, Clone, Deserialize)]
pub struct LinkType {
    /// The name (`Blocks`).
    #[serde(default)]
    pub name: String,
    /// The inward phrase (`is blocked by`).
    #[serde(default)]
    pub inward: String,
    /// The outward phrase (`blocks`).
    #[serde(default)]
    pub outward: String,
}

/// The other issue of a link, with its status.
#[derive(Debug, Clone, Deserialize)]
pub struct LinkedIssue {
    /// The other issue's key.
    pub key: String,
    /// A few of its fields.
    #[serde(default)]
    pub fields: Option<LinkedIssueFields>,
}

/// The fields Jira includes for a linked issue.
#[derive(Debug, Clone, Deserialize)]
pub struct LinkedIssueFields {
    /// Its status.
    #[serde(default)]
    pub status: Option<Status>,
}

/// The changelog embedded by `expand=changelog`, possibly truncated.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct InlineChangelog {
    /// How many histories the issue has in total.
    #[serde(default)]
    pub total: Option<u64>,
    /// The histories included (the most recent ones when truncated).
    #[serde(default, deserialize_with = "null_as_default")]
    pub histories: Vec<History>,
}

impl InlineChangelog {
    /// Returns whether Jira left out histories that the changelog endpoint can return.
    pub fn is_truncated(&self) -> bool {
        self.total
            .is_some_and(|total| total > self.histories.len() as u64)
    }
}

/// One change event: who changed which fields when.
#[derive(Debug, Clone, Deserialize)]
pub struct History {
    /// The event's id.
    #[serde(default, deserialize_with = "id")]
    pub id: String,
    /// The change's author, absent for some automated changes.
    #[serde(default)]
    pub author: Option<User>,
    /// When it happened.
    #[serde(deserialize_with = "time::timestamp")]
    pub created: DateTime<Utc>,
    /// The fields changed.
    #[serde(default, deserialize_with = "null_as_default")]
    pub items: Vec<ChangeItem>,
}

/// One changed field. `from`/`to` hold ids (status ids, account ids, sprint ids);
/// `from_string`/`to_string` the names shown to people.
#[derive(Debug, Clone, Deserialize)]
pub struct ChangeItem {
    /// The field's name (`status`, `Flagged`, `Sprint`).
    #[serde(default)]
    pub field: String,
    /// The field's id (`customfield_10020`); absent on older entries.
    #[serde(default, rename = "fieldId")]
    pub field_id: Option<String>,
    /// The raw value before.
    #[serde(default, deserialize_with = "optional_text")]
    pub from: Option<String>,
    /// The shown value before.
    #[serde(default, rename = "fromString", deserialize_with = "optional_text")]
    pub from_string: Option<String>,
    /// The raw value after.
    #[serde(default, deserialize_with = "optional_text")]
    pub to: Option<String>,
    /// The shown value after.
    #[serde(default, rename = "toString", deserialize_with = "optional_text")]
    pub to_string: Option<String>,
}

impl ChangeItem {
    /// Returns whether the item changes the field with this id or, when either side lacks
    /// an id (older entries, sites without the field), this name.
    pub fn is_field(&self, id: Option<&str>, name: &str) -> bool {
        match (id, &self.field_id) {
            (Some(id), Some(field_id)) => field_id == id,
            _ => self.field.eq_ignore_ascii_case(name),
        }
    }
}

/// Deserializes an id that Jira sends as a string or a number.
pub(crate) fn id<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected a string or numeric id, found {other}"
        ))),
    }
}

/// Deserializes an optional scalar as text; `null` and empty strings count as absent.
pub(crate) fn optional_text<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(deserializer)? {
        Some(Value::String(text)) if !text.is_empty() => Some(text),
        Some(Value::Number(number)) => Some(number.to_string()),
        Some(Value::Bool(flag)) => Some(flag.to_string()),
        _ => None,
    })
}

/// Deserializes a list that Jira may send as `null`.
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn issue_tolerates_nulls_and_numeric_ids() {
        let issue: Issue = serde_json::from_value(json!({
            "id": 10063, "key": "EE-1",
            "fields": {
                "summary": "s", "assignee": null, "reporter": null, "labels": null,
                "created": "2020-06-12T08:13:13.360+0800",
                "updated": "2021-03-28T16:06:08.713+0800",
                "resolutiondate": null, "duedate": null,
                "status": {"name": "Odd", "statusCategory": {"id": 1, "key": "undefined"}},
                "customfield_10021": [{"value": "Impediment", "id": "10019"}],
            },
        }))
        .expect("tolerant");
        assert_eq!(issue.id, "10063");
        assert!(issue.fields.assignee.is_none());
        let status = issue.fields.status.expect("status");
        assert_eq!(
            status.status_category.expect("category").key,
            StatusCategoryKey::Unknown
        );
        assert!(issue.fields.extra.contains_key("customfield_10021"));
    }

    #[test]
    fn unknown_account_type_maps_to_unknown() {
        let user: User = serde_json::from_value(json!({"accountId": "a", "accountType": "robot"}))
            .expect("tolerant");
        assert_eq!(user.account_type, AccountType::Unknown);
    }

    #[test]
    fn truncated_changelog_detected() {
        let changelog: InlineChangelog = serde_json::from_value(
            json!({"startAt": 0, "maxResults": 0, "total": 3, "histories": []}),
        )
        .expect("parses");
        assert!(changelog.is_truncated());
    }
}
