//! Visibility settings read from a TOML file.

use std::collections::BTreeSet;
use std::path::Path;

use async_core::identity::IdentityConfig;
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
/// A privacy setting that silently did not apply would widen access to the default, so
/// every person must be declared in `identities`, and a person and category may appear
/// only once.
///
/// # Errors
///
/// Returns [`JobError::Read`] when the file cannot be read and [`JobError::Config`] naming
/// the file, the line when known, and the problem when it is not valid.
pub fn load_visibility(
    path: &Path,
    identities: &IdentityConfig,
) -> Result<VisibilitySettings, JobError> {
    let text = std::fs::read_to_string(path).map_err(|source| JobError::Read {
        path: path.to_owned(),
        source,
    })?;
    let invalid = |problem: String| {
        JobError::Config(format!(
            "visibility settings in {} are invalid: {problem}",
            path.display()
        ))
    };
    let file: SettingsFile = toml::from_str(&text).map_err(|error| {
        let line = error
            .span()
            .map(|span| text[..span.start.min(text.len())].lines().count().max(1));
        match line {
            Some(line) => invalid(format!("line {line}: {}", error.message())),
            None => invalid(error.message().to_owned()),
        }
    })?;

    let mut settings = VisibilitySettings::new();
    let mut seen = BTreeSet::new();
    for setting in file.setting {
        let person = PersonId::new(setting.person.as_str().trim());
        if !identities.people.iter().any(|known| known.id == person) {
            return Err(invalid(format!(
                "person `{person}` is not in the identity mapping"
            )));
        }
        if !seen.insert((person.clone(), setting.category)) {
            return Err(invalid(format!(
                "{} of `{person}` is set twice; keep one setting",
                setting.category
            )));
        }
        settings.set(person, setting.category, setting.visibility);
    }
    Ok(settings)
}
