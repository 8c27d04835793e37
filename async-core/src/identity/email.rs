//! E-mail normalization and GitHub no-reply addresses.

/// The domain GitHub uses for the no-reply addresses of people who hide their e-mail.
const GITHUB_NOREPLY_DOMAIN: &str = "users.noreply.github.com";

/// Normalizes an e-mail address for comparison: trims whitespace and lowercases it.
///
/// Returns `None` when the value is not shaped like an address (no `@`, or an empty
/// local part or domain), so junk never becomes a join key.
///
/// Lowercasing the local part is not strictly what RFC 5321 allows, but every mail
/// provider the SDK meets treats it case-insensitively, and commit e-mails are typed by
/// hand with inconsistent case.
///
/// # Examples
///
/// ```
/// use async_core::identity::normalize_email;
///
/// assert_eq!(normalize_email("  Dana@ACME.example "), Some("dana@acme.example".to_owned()));
/// assert_eq!(normalize_email("not an address"), None);
/// ```
pub fn normalize_email(raw: &str) -> Option<String> {
    let trimmed = raw.trim();
    let (local, domain) = trimmed.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() || trimmed.chars().any(char::is_whitespace) {
        return None;
    }

    Some(trimmed.to_lowercase())
}

/// The account a GitHub no-reply address identifies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitHubNoReply {
    /// The current form, `ID+login@users.noreply.github.com`: the numeric account id
    /// identifies the account even after the login is renamed.
    Id {
        /// The numeric GitHub account id.
        id: String,
        /// The login at the time the address was issued.
        login: String,
    },
    /// The older form, `login@users.noreply.github.com`, issued before July 2017.
    Login(String),
}

/// Parses a normalized e-mail address as a GitHub no-reply address.
///
/// Returns `None` for any other address.
///
/// # Examples
///
/// ```
/// use async_core::identity::{parse_github_noreply, GitHubNoReply};
///
/// assert_eq!(
///     parse_github_noreply("583231+octocat@users.noreply.github.com"),
///     Some(GitHubNoReply::Id { id: "583231".into(), login: "octocat".into() }),
/// );
/// assert_eq!(parse_github_noreply("dana@acme.example"), None);
/// ```
pub fn parse_github_noreply(email: &str) -> Option<GitHubNoReply> {
    let (local, domain) = email.rsplit_once('@')?;
    if !domain.eq_ignore_ascii_case(GITHUB_NOREPLY_DOMAIN) || local.is_empty() {
        return None;
    }

    match local.split_once('+') {
        Some((id, login))
            if !id.is_empty() && !login.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) =>
        {
            Some(GitHubNoReply::Id {
                id: id.to_owned(),
                login: login.to_lowercase(),
            })
        }
        Some(_) => None,
        None => Some(GitHubNoReply::Login(local.to_lowercase())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_rejects_malformed_values() {
        for raw in [
            "",
            "@",
            "dana@",
            "@acme.example",
            "da na@acme.example",
            "plain",
        ] {
            assert_eq!(normalize_email(raw), None, "{raw:?}");
        }
    }

    #[test]
    fn noreply_older_form_yields_login() {
        assert_eq!(
            parse_github_noreply("octocat@users.noreply.github.com"),
            Some(GitHubNoReply::Login("octocat".into()))
        );
    }

    #[test]
    fn noreply_with_non_numeric_id_is_rejected() {
        assert_eq!(
            parse_github_noreply("abc+octocat@users.noreply.github.com"),
            None
        );
    }
}
