//! Repository names.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// A repository as `owner/name` (`octo-org/payments`).
///
/// # Examples
///
/// ```
/// use async_connectors::github::RepoName;
///
/// let repo: RepoName = "octo-org/payments".parse()?;
/// assert_eq!(repo.owner(), "octo-org");
/// assert_eq!(repo.name(), "payments");
/// assert!("octo-org".parse::<RepoName>().is_err());
/// # Ok::<(), async_connectors::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RepoName {
    owner: String,
    name: String,
}

impl RepoName {
    /// Creates a repository name from its owner and name.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Config`] when either part is empty, contains `/`, or is `.` or `..`.
    pub fn new(owner: &str, name: &str) -> Result<Self, Error> {
        for part in [owner, name] {
            if part.is_empty() || part.contains('/') || part == "." || part == ".." {
                return Err(invalid(owner, name));
            }
        }
        Ok(Self {
            owner: owner.to_owned(),
            name: name.to_owned(),
        })
    }

    /// The owning user or organization.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// The repository's name within its owner.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl FromStr for RepoName {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (owner, name) = text.split_once('/').ok_or_else(|| invalid(text, ""))?;
        Self::new(owner, name)
    }
}

impl fmt::Display for RepoName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.owner, self.name)
    }
}

fn invalid(owner: &str, name: &str) -> Error {
    let shown = if name.is_empty() {
        owner.to_owned()
    } else {
        format!("{owner}/{name}")
    };
    Error::Config {
        what: "repository",
        reason: format!("`{shown}` is not of the form `owner/name`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_name_rejects_bad_shapes() {
        for text in ["", "a", "a/", "/b", "a/b/c", "a/..", "./b"] {
            assert!(
                text.parse::<RepoName>().is_err(),
                "{text:?} must be rejected"
            );
        }
    }

    #[test]
    fn repo_name_displays_as_parsed() {
        let repo: RepoName = "octo-org/pay.ments".parse().expect("valid name");

        assert_eq!(repo.to_string(), "octo-org/pay.ments");
    }
}
