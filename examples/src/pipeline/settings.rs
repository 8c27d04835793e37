//! Visibility settings read from a TOML file.

use std::path::Path;

use async_core::ids::PersonId;
use async_policy::{DataCategory, Visibility, VisibilitySettings};
use serde::Deserialize;

use super::JobError;

/// The file's shape: a list of `[[setting]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SettingsFile {
    #[serde(default)]
    setting: Vec<Setting>,
}

/// One person's choice for one category.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Setting {
    person: PersonId,
    category: DataCategory,
    visibility: Visibility,
}

/// Reads visibility settings from a TOML file of `[[setting]]` tables, each with `person`,
/// `category` (`work`, `code`, `chat`, `chat_metrics`, `meeting_metrics`, `docs`) and
/// `visibility` (`only_me`, `managers`, `team`).
///
/// # Errors
///
/// Returns [`JobError::Read`] when the file cannot be read and [`JobError::Config`] naming
/// the file and the problem when it is not valid.
pub fn load_visibility(path: &Path) -> Result<VisibilitySettings, JobError> {
    let text = std::fs::read_to_string(path).map_err(|source| JobError::Read {
        path: path.to_owned(),
        source,
    })?;
    let file: SettingsFile = toml::from_str(&text).map_err(|error| {
        JobError::Config(format!(
            "visibility settings in {} are invalid: {}",
            path.display(),
            error.message()
        ))
    })?;

    let mut settings = VisibilitySettings::new();
    for setting in file.setting {
        settings.set(setting.person, setting.category, setting.visibility);
    }
    Ok(settings)
}
