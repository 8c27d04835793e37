//! Per-person, per-category visibility settings.

use std::collections::BTreeMap;

use async_core::ids::PersonId;
use serde::{Deserialize, Serialize};

use crate::DataCategory;

/// Who besides the person may see one category of their individual-level data.
///
/// The levels nest: `Team` includes the managers, `Managers` includes nobody else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Only the person.
    OnlyMe,
    /// The person and the managers of their teams.
    Managers,
    /// The person, their teammates and their managers.
    Team,
}

impl Visibility {
    /// The default for a category: what the source tools already show colleagues.
    ///
    /// Work, code, chat and docs are visible to the team; chat metrics and meeting metrics
    /// stay with the person.
    pub fn default_for(category: DataCategory) -> Visibility {
        match category {
            DataCategory::Work | DataCategory::Code | DataCategory::Chat | DataCategory::Docs => {
                Visibility::Team
            }
            DataCategory::ChatMetrics | DataCategory::MeetingMetrics => Visibility::OnlyMe,
        }
    }

    /// The setting's key in stored settings and Cedar entities (`"only_me"`).
    pub fn key(self) -> &'static str {
        match self {
            Visibility::OnlyMe => "only_me",
            Visibility::Managers => "managers",
            Visibility::Team => "team",
        }
    }
}

impl std::str::FromStr for Visibility {
    type Err = crate::Error;

    /// Parses a setting by its key (`"only_me"`, `"managers"`, `"team"`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        [Visibility::OnlyMe, Visibility::Managers, Visibility::Team]
            .into_iter()
            .find(|visibility| visibility.key() == text)
            .ok_or_else(|| crate::Error::UnknownVisibility {
                visibility: text.to_owned(),
            })
    }
}

/// Everyone's visibility settings; categories a person has not set use the defaults.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisibilitySettings {
    overrides: BTreeMap<PersonId, BTreeMap<DataCategory, Visibility>>,
}

impl VisibilitySettings {
    /// Settings where everyone uses the defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets who may see `person`'s data of `category`; takes effect for the next decision.
    pub fn set(&mut self, person: PersonId, category: DataCategory, visibility: Visibility) {
        self.overrides
            .entry(person)
            .or_default()
            .insert(category, visibility);
    }

    /// Builder form of [`VisibilitySettings::set`].
    #[must_use]
    pub fn with(
        mut self,
        person: impl Into<PersonId>,
        category: DataCategory,
        visibility: Visibility,
    ) -> Self {
        self.set(person.into(), category, visibility);
        self
    }

    /// Returns who may see `person`'s data of `category`.
    pub fn visibility(&self, person: &PersonId, category: DataCategory) -> Visibility {
        self.overrides
            .get(person)
            .and_then(|categories| categories.get(&category))
            .copied()
            .unwrap_or_else(|| Visibility::default_for(category))
    }

    /// Returns every setting a person made, as (person, category, visibility).
    pub fn overrides(&self) -> impl Iterator<Item = (&PersonId, DataCategory, Visibility)> {
        self.overrides.iter().flat_map(|(person, categories)| {
            categories
                .iter()
                .map(move |(category, visibility)| (person, *category, *visibility))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_categories() {
        let settings = VisibilitySettings::new();
        let dana = PersonId::new("dana");

        assert_eq!(
            settings.visibility(&dana, DataCategory::Work),
            Visibility::Team
        );
        assert_eq!(
            settings.visibility(&dana, DataCategory::Code),
            Visibility::Team
        );
        assert_eq!(
            settings.visibility(&dana, DataCategory::Chat),
            Visibility::Team
        );
        assert_eq!(
            settings.visibility(&dana, DataCategory::Docs),
            Visibility::Team
        );
        assert_eq!(
            settings.visibility(&dana, DataCategory::ChatMetrics),
            Visibility::OnlyMe
        );
        assert_eq!(
            settings.visibility(&dana, DataCategory::MeetingMetrics),
            Visibility::OnlyMe
        );
    }

    #[test]
    fn override_applies_to_one_person_and_category() {
        let settings =
            VisibilitySettings::new().with("dana", DataCategory::Chat, Visibility::OnlyMe);

        assert_eq!(
            settings.visibility(&PersonId::new("dana"), DataCategory::Chat),
            Visibility::OnlyMe
        );
        assert_eq!(
            settings.visibility(&PersonId::new("dana"), DataCategory::Work),
            Visibility::Team
        );
        assert_eq!(
            settings.visibility(&PersonId::new("lee"), DataCategory::Chat),
            Visibility::Team
        );
    }
}
