//! Field definitions: `GET /rest/api/3/field`, and the custom fields found there.
//!
//! Custom field ids differ per site (`customfield_10016` on one, `customfield_10002` on
//! another), so the Flagged and Sprint fields are looked up by name and schema, never
//! hard-coded.

use serde::Deserialize;

use super::JiraClient;
use crate::error::Error;

/// The schema type Jira Software gives the Sprint field.
const SPRINT_SCHEMA: &str = "com.pyxis.greenhopper.jira:gh-sprint";

/// The name Jira Software gives the impediment flag field.
const FLAGGED_NAME: &str = "Flagged";

/// A field definition.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldDefinition {
    /// The id used in `fields` (`summary`, `customfield_10020`).
    pub id: String,
    /// The name shown to people.
    #[serde(default)]
    pub name: String,
    /// Whether it is a custom field.
    #[serde(default)]
    pub custom: bool,
    /// The field's type.
    #[serde(default)]
    pub schema: Option<FieldSchema>,
}

/// A field's type.
#[derive(Debug, Clone, Deserialize)]
pub struct FieldSchema {
    /// The JSON type (`array`, `number`, `user`).
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// The custom field type key (`com.pyxis.greenhopper.jira:gh-sprint`).
    #[serde(default)]
    pub custom: Option<String>,
}

/// The site-specific ids of the custom fields this SDK reads.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldCatalog {
    /// The Flagged field's id, if the site has one.
    pub flagged: Option<String>,
    /// The Sprint field's id, if the site has Jira Software.
    pub sprint: Option<String>,
}

impl FieldCatalog {
    /// Finds the Flagged field (by name) and the Sprint field (by schema) among `fields`.
    pub fn from_fields(fields: &[FieldDefinition]) -> Self {
        let flagged = fields
            .iter()
            .find(|field| field.custom && field.name == FLAGGED_NAME)
            .map(|field| field.id.clone());
        let sprint = fields
            .iter()
            .find(|field| {
                field
                    .schema
                    .as_ref()
                    .and_then(|schema| schema.custom.as_deref())
                    == Some(SPRINT_SCHEMA)
            })
            .map(|field| field.id.clone());
        Self { flagged, sprint }
    }

    /// Returns the custom field ids to request with `fields`.
    pub fn field_ids(&self) -> impl Iterator<Item = &str> {
        self.flagged.iter().chain(&self.sprint).map(String::as_str)
    }
}

impl JiraClient {
    /// Lists every field of the site, system and custom.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] when Jira rejects the request and [`Error::Decode`] when the
    /// response is not a field list.
    pub async fn fields(&self) -> Result<Vec<FieldDefinition>, Error> {
        self.get_json("fields.list", "/rest/api/3/field", "/rest/api/3/field", &[])
            .await
    }

    /// Lists the fields and finds the Flagged and Sprint field ids.
    ///
    /// # Errors
    ///
    /// As [`JiraClient::fields`].
    pub async fn field_catalog(&self) -> Result<FieldCatalog, Error> {
        Ok(FieldCatalog::from_fields(&self.fields().await?))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn catalog_finds_flagged_and_sprint() {
        let fields: Vec<FieldDefinition> = serde_json::from_value(json!([
            {"id": "summary", "name": "Summary", "custom": false, "schema": {"type": "string", "system": "summary"}},
            {"id": "customfield_10021", "name": "Flagged", "custom": true,
             "schema": {"type": "array", "items": "option", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes"}},
            {"id": "customfield_10020", "name": "Sprint", "custom": true,
             "schema": {"type": "array", "items": "json", "custom": "com.pyxis.greenhopper.jira:gh-sprint", "customId": 10020}},
            {"id": "customfield_10400", "name": "gitBranch", "custom": true, "schema": {"type": "any"}},
        ]))
        .expect("parses");

        let catalog = FieldCatalog::from_fields(&fields);
        assert_eq!(catalog.flagged.as_deref(), Some("customfield_10021"));
        assert_eq!(catalog.sprint.as_deref(), Some("customfield_10020"));
        assert_eq!(catalog.field_ids().count(), 2);
    }

    #[test]
    fn catalog_empty_without_software() {
        let catalog = FieldCatalog::from_fields(&[]);
        assert_eq!(catalog, FieldCatalog::default());
    }
}
