//! Conversion of Jira wire models into the `async-core` domain model.

use async_core::ids::{SprintId, WorkItemId, WorkItemKey};
use async_core::model::{
    AccountKey, ChangeField, IssueLink, LinkDirection, Provider, ProviderAccount, StatusCategory,
    StatusChange, WorkItem, WorkItemChange,
};
use serde_json::Value;

use super::fields::FieldCatalog;
use super::models::{
    AccountType, ChangeItem, History, Issue, IssueLink as WireLink, Status, StatusCategoryKey, User,
};

/// The Agile API's own names for the flag and sprint fields on sprint-issue listings.
const AGILE_FLAGGED: &str = "flagged";
const AGILE_SPRINT: &str = "sprint";
const AGILE_CLOSED_SPRINTS: &str = "closedSprints";

/// The context of a conversion beyond the issue: the site's custom field ids, the board's
/// estimation field and the site URL for browse links.
#[derive(Debug, Clone, Copy)]
pub struct ConversionContext<'a> {
    /// The site's Flagged and Sprint field ids.
    pub fields: &'a FieldCatalog,
    /// The field the board estimates with, from its configuration.
    pub estimation_field: Option<&'a str>,
    /// The site URL, ending in `/`, for `{site}/browse/{key}` links.
    pub site: Option<&'a url::Url>,
}

/// Converts an issue into a [`WorkItem`].
///
/// Histories are sorted oldest first. Status changes come from items whose field is
/// `status`. Changes to the flag, assignee, sprint and estimate fields go into `changes`.
/// Assignee and sprint changes keep the raw values (account ids, sprint ids), and the
/// others the values shown to people.
///
/// Returns `None` when the issue has no `created` or no `updated` time, which happens
/// when the request's `fields` did not name them: a work item needs both.
pub fn to_work_item(issue: &Issue, context: &ConversionContext<'_>) -> Option<WorkItem> {
    let fields = &issue.fields;
    let created_at = fields.created?;
    let updated_at = fields.updated?;
    let mut histories: Vec<&History> = issue
        .changelog
        .iter()
        .flat_map(|changelog| &changelog.histories)
        .collect();
    histories.sort_by_key(|history| history.created);

    let (status, status_category) = status_of(fields.status.as_ref());
    Some(WorkItem {
        id: WorkItemId::new(issue.id.clone()),
        key: WorkItemKey::new(issue.key.clone()),
        project_key: project_key(issue),
        summary: fields.summary.clone().unwrap_or_default(),
        url: context.site.map(|site| {
            format!(
                "{}browse/{}",
                site.as_str(),
                crate::path::segment(&issue.key)
            )
        }),
        issue_type: fields
            .issuetype
            .as_ref()
            .map(|issue_type| issue_type.name.clone())
            .unwrap_or_default(),
        status,
        status_category,
        assignee: fields.assignee.as_ref().and_then(account_key),
        reporter: fields.reporter.as_ref().and_then(account_key),
        created_at,
        updated_at,
        resolved_at: fields.resolutiondate,
        due_date: fields.duedate,
        estimate: context
            .estimation_field
            .and_then(|field| fields.extra.get(field))
            .and_then(number),
        is_flagged: is_flagged(issue, context.fields),
        links: fields.issuelinks.iter().filter_map(link).collect(),
        status_history: histories
            .iter()
            .flat_map(|history| status_changes(history))
            .collect(),
        changes: histories
            .iter()
            .flat_map(|history| field_changes(history, context))
            .collect(),
        sprint_ids: sprint_ids(issue, context.fields),
        parent: fields
            .parent
            .as_ref()
            .map(|parent| WorkItemKey::new(parent.key.clone())),
        labels: fields.labels.clone(),
    })
}

/// Returns every account an issue mentions: assignee, reporter, creator and changelog
/// authors, possibly with repeats.
pub fn accounts_of(issue: &Issue) -> Vec<ProviderAccount> {
    let fields = &issue.fields;
    let authors = issue
        .changelog
        .iter()
        .flat_map(|changelog| &changelog.histories)
        .filter_map(|history| history.author.as_ref());
    [&fields.assignee, &fields.reporter, &fields.creator]
        .into_iter()
        .flatten()
        .chain(authors)
        .filter_map(to_account)
        .collect()
}

/// Converts a Jira user into a [`ProviderAccount`]; users without an account id yield none.
pub fn to_account(user: &User) -> Option<ProviderAccount> {
    let mut account = ProviderAccount::new(account_key(user)?);
    account.display_name = non_empty(user.display_name.as_deref());
    account.email = non_empty(user.email_address.as_deref());
    account.is_bot = user.account_type == AccountType::App;
    account.is_deleted = user.active == Some(false);
    account.time_zone = non_empty(user.time_zone.as_deref());
    Some(account)
}

/// Maps Jira's status category key; unknown keys map to [`StatusCategory::Unknown`].
pub fn status_category(key: StatusCategoryKey) -> StatusCategory {
    match key {
        StatusCategoryKey::New => StatusCategory::ToDo,
        StatusCategoryKey::Indeterminate => StatusCategory::InProgress,
        StatusCategoryKey::Done => StatusCategory::Done,
        StatusCategoryKey::Unknown => StatusCategory::Unknown,
    }
}

fn status_of(status: Option<&Status>) -> (String, StatusCategory) {
    let Some(status) = status else {
        return (String::new(), StatusCategory::Unknown);
    };
    let category = status
        .status_category
        .as_ref()
        .map_or(StatusCategory::Unknown, |category| {
            status_category(category.key)
        });
    (status.name.clone(), category)
}

fn project_key(issue: &Issue) -> String {
    match &issue.fields.project {
        Some(project) => project.key.clone(),
        // Issue keys are `{project}-{number}`, so the prefix is the project key.
        None => issue
            .key
            .rsplit_once('-')
            .map_or_else(String::new, |(project, _)| project.to_owned()),
    }
}

fn account_key(user: &User) -> Option<AccountKey> {
    let id = non_empty(user.account_id.as_deref())?;
    Some(AccountKey::new(Provider::Jira, id))
}

fn link(link: &WireLink) -> Option<IssueLink> {
    let (direction, description, other) = match (&link.inward_issue, &link.outward_issue) {
        (Some(other), _) => (LinkDirection::Inward, &link.link_type.inward, other),
        (None, Some(other)) => (LinkDirection::Outward, &link.link_type.outward, other),
        (None, None) => return None,
    };
    let other_status = other
        .fields
        .as_ref()
        .and_then(|fields| fields.status.as_ref());
    Some(IssueLink {
        link_type: link.link_type.name.clone(),
        direction,
        description: description.clone(),
        other: WorkItemKey::new(other.key.clone()),
        other_status_category: other_status
            .and_then(|status| status.status_category.as_ref())
            .map(|category| status_category(category.key)),
    })
}

fn status_changes(history: &History) -> Vec<StatusChange> {
    history
        .items
        .iter()
        .filter(|item| item.is_field(Some("status"), "status"))
        .filter_map(|item| {
            Some(StatusChange {
                at: history.created,
                author: history.author.as_ref().and_then(account_key),
                from: item.from_string.clone().or_else(|| item.from.clone()),
                to: item.to_string.clone().or_else(|| item.to.clone())?,
            })
        })
        .collect()
}

fn field_changes(history: &History, context: &ConversionContext<'_>) -> Vec<WorkItemChange> {
    history
        .items
        .iter()
        .filter_map(|item| {
            let (field, raw) = change_field(item, context)?;
            let (from, to) = if raw {
                (item.from.clone(), item.to.clone())
            } else {
                (item.from_string.clone(), item.to_string.clone())
            };
            Some(WorkItemChange {
                at: history.created,
                author: history.author.as_ref().and_then(account_key),
                field,
                from: from.or_else(|| item.from_string.clone()),
                to: to.or_else(|| item.to_string.clone()),
            })
        })
        .collect()
}

/// Returns which kept field an item changes, and whether its raw values (ids) are wanted.
fn change_field(item: &ChangeItem, context: &ConversionContext<'_>) -> Option<(ChangeField, bool)> {
    let catalog = context.fields;
    if item.is_field(catalog.flagged.as_deref(), "Flagged") {
        Some((ChangeField::Flagged, false))
    } else if item.is_field(Some("assignee"), "assignee") {
        Some((ChangeField::Assignee, true))
    } else if item.is_field(catalog.sprint.as_deref(), "Sprint") {
        Some((ChangeField::Sprint, true))
    } else {
        let estimate = context.estimation_field?;
        (item.field_id.as_deref() == Some(estimate)).then_some((ChangeField::Estimate, false))
    }
}

/// Returns whether the Flagged field contains a value (Jira stores `[{"value":"Impediment"}]`
/// or `null`) or the Agile API's `flagged` is true.
fn is_flagged(issue: &Issue, catalog: &FieldCatalog) -> bool {
    let extra = &issue.fields.extra;
    let agile = extra.get(AGILE_FLAGGED).and_then(Value::as_bool) == Some(true);
    let custom = catalog
        .flagged
        .as_deref()
        .and_then(|field| extra.get(field))
        .is_some_and(|value| match value {
            Value::Null => false,
            Value::Array(values) => !values.is_empty(),
            Value::Bool(flag) => *flag,
            Value::String(text) => !text.is_empty(),
            _ => true,
        });
    agile || custom
}

/// Collects sprint ids from the Sprint custom field (an array of sprint objects) and the
/// Agile API's `sprint` and `closedSprints`, without repeats.
fn sprint_ids(issue: &Issue, catalog: &FieldCatalog) -> Vec<SprintId> {
    let extra = &issue.fields.extra;
    let sources = [
        catalog.sprint.as_deref(),
        Some(AGILE_SPRINT),
        Some(AGILE_CLOSED_SPRINTS),
    ];

    let mut ids: Vec<SprintId> = Vec::new();
    for value in sources
        .into_iter()
        .flatten()
        .filter_map(|field| extra.get(field))
    {
        let sprints = match value {
            Value::Array(sprints) => sprints.iter().collect(),
            other => vec![other],
        };
        for id in sprints.into_iter().filter_map(|sprint| sprint.get("id")) {
            let id = match id {
                Value::Number(number) => SprintId::new(number.to_string()),
                Value::String(text) => SprintId::new(text.clone()),
                _ => continue,
            };
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
    }
    ids
}

/// Reads an estimate that Jira sends as a number or, through some APIs, numeric text.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

pub(crate) fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn status_category_keys_map() {
        assert_eq!(
            status_category(StatusCategoryKey::New),
            StatusCategory::ToDo
        );
        assert_eq!(
            status_category(StatusCategoryKey::Indeterminate),
            StatusCategory::InProgress
        );
        assert_eq!(
            status_category(StatusCategoryKey::Done),
            StatusCategory::Done
        );
        assert_eq!(
            status_category(StatusCategoryKey::Unknown),
            StatusCategory::Unknown
        );
    }

    #[test]
    fn work_item_needs_both_times() {
        let catalog = FieldCatalog::default();
        let context = ConversionContext {
            fields: &catalog,
            estimation_field: None,
            site: None,
        };
        let issue = |fields: serde_json::Value| -> Issue {
            serde_json::from_value(json!({"id": "10002", "key": "PAY-7", "fields": fields}))
                .expect("issue parses")
        };
        let created = "2026-03-02T09:00:00.000+0000";
        let updated = "2026-03-03T09:00:00.000+0000";

        let both = issue(json!({"created": created, "updated": updated}));
        let no_created = issue(json!({"updated": updated}));
        let no_updated = issue(json!({"created": created, "updated": null}));

        let item = to_work_item(&both, &context).expect("both times set");
        assert_eq!(item.created_at.to_rfc3339(), "2026-03-02T09:00:00+00:00");
        assert!(to_work_item(&no_created, &context).is_none());
        assert!(to_work_item(&no_updated, &context).is_none());
    }

    #[test]
    fn user_without_account_id_is_skipped() {
        let user: User =
            serde_json::from_value(json!({"accountId": "", "displayName": "x"})).expect("parses");
        assert!(to_account(&user).is_none());
    }

    #[test]
    fn estimate_accepts_number_or_text() {
        assert_eq!(number(&json!(3)), Some(3.0));
        assert_eq!(number(&json!("8.0")), Some(8.0));
        assert_eq!(number(&json!(null)), None);
        assert_eq!(number(&json!({"value": 1})), None);
    }

    #[test]
    fn link_without_other_issue_is_dropped() {
        let wire: WireLink = serde_json::from_value(json!({
            "id": "1", "type": {"name": "Blocks", "inward": "is blocked by", "outward": "blocks"}
        }))
        .expect("parses");
        assert!(link(&wire).is_none());
    }

    #[test]
    fn project_key_falls_back_to_key_prefix() {
        let issue: Issue = serde_json::from_value(json!({
            "id": "1", "key": "OPS-12",
            "fields": {"created": "2026-01-01T00:00:00.000+0000", "updated": "2026-01-01T00:00:00.000+0000"}
        }))
        .expect("parses");
        assert_eq!(project_key(&issue), "OPS");
    }
}
