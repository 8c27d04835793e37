//! Reading and validating the identity mapping file.

use async_core::identity::{IdentityConfig, IdentityError, TeamRole};
use async_core::model::{AccountKey, Provider};

const VALID: &str = r#"
[[person]]
id = "dana"                      # PersonId
name = "Dana Whitfield"          # display name
emails = [" Dana@Acme.example "]
accounts = ["github:583231", "slack:U0DANA01", "jira:5b10a2844c20165700ede21g"]

[[person]]
id = "lee"
name = "Lee Okafor"

[[person]]
id = "morgan"
name = "Morgan Reyes"

[[team]]
id = "payments"
name = "Payments"
members = ["dana", "lee"]
managers = ["morgan"]
"#;

#[test]
fn valid_file_parses() {
    let config = IdentityConfig::from_toml_str(VALID).expect("valid mapping");

    assert_eq!(config.people.len(), 3);
    let dana = &config.people[0];
    assert_eq!(dana.id.as_str(), "dana");
    assert_eq!(dana.name, "Dana Whitfield");
    assert_eq!(dana.emails, vec!["dana@acme.example".to_owned()]);
    assert_eq!(
        dana.accounts,
        vec![
            AccountKey::new(Provider::GitHub, "583231"),
            AccountKey::new(Provider::Slack, "U0DANA01"),
            AccountKey::new(Provider::Jira, "5b10a2844c20165700ede21g"),
        ]
    );
    assert_eq!(config.teams[0].members.len(), 2);
    assert_eq!(config.teams[0].managers[0].as_str(), "morgan");
}

#[test]
fn empty_file_is_empty_config() {
    let config = IdentityConfig::from_toml_str("").expect("empty is valid");
    assert_eq!(config, IdentityConfig::default());
}

#[test]
fn invalid_toml_reports_line_and_column() {
    let text = "[[person]]\nid = \"dana\"\nname = Dana\n";
    let error = IdentityConfig::from_toml_str(text).expect_err("unquoted string");

    let IdentityError::InvalidToml { line, column, .. } = &error else {
        panic!("expected InvalidToml, got {error:?}");
    };
    assert_eq!(*line, Some(3));
    assert_eq!(*column, Some(8));
    let message = error.to_string();
    assert!(
        message.starts_with("invalid identity mapping at line 3, column 8"),
        "{message}"
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn misspelled_key_is_rejected() {
    let text = "[[person]]\nid = \"dana\"\nname = \"Dana\"\nemial = [\"d@acme.example\"]\n";
    let error = IdentityConfig::from_toml_str(text).expect_err("unknown key");

    assert_eq!(error.line(), Some(4));
    assert!(error.to_string().contains("emial"), "{error}");
}

#[test]
fn missing_name_is_rejected() {
    let error = IdentityConfig::from_toml_str("[[person]]\nid = \"dana\"\n").expect_err("no name");
    assert!(
        matches!(error, IdentityError::InvalidToml { .. }),
        "{error:?}"
    );
    assert!(error.to_string().contains("name"), "{error}");
}

#[test]
fn unknown_team_member_names_team_and_line() {
    let text = "[[person]]\nid = \"dana\"\nname = \"Dana\"\n\n[[team]]\nid = \"payments\"\nname = \"Payments\"\nmembers = [\"dana\",\n  \"lee\"]\n";
    let error = IdentityConfig::from_toml_str(text).expect_err("lee is undeclared");

    let IdentityError::UnknownPerson {
        team,
        person,
        role,
        line,
    } = &error
    else {
        panic!("expected UnknownPerson, got {error:?}");
    };
    assert_eq!(team.as_str(), "payments");
    assert_eq!(person.as_str(), "lee");
    assert_eq!(*role, TeamRole::Member);
    assert_eq!(*line, Some(9));
    assert!(
        error.to_string().contains("add a [[person]] entry"),
        "{error}"
    );
}

#[test]
fn unknown_manager_is_reported_as_manager() {
    let text = "[[team]]\nid = \"payments\"\nname = \"Payments\"\nmanagers = [\"morgan\"]\n";
    let error = IdentityConfig::from_toml_str(text).expect_err("morgan is undeclared");

    assert!(
        matches!(
            error,
            IdentityError::UnknownPerson {
                role: TeamRole::Manager,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn bad_account_syntax_explains_expected_form() {
    for bad in ["583231", "gitlab:42", "github:", "slack:U0 DANA"] {
        let text = format!("[[person]]\nid = \"dana\"\nname = \"Dana\"\naccounts = [\"{bad}\"]\n");
        let error = IdentityConfig::from_toml_str(&text).expect_err(bad);

        assert!(
            matches!(error, IdentityError::InvalidAccount { .. }),
            "{bad}: {error:?}"
        );
        assert_eq!(error.line(), Some(4), "{bad}");
        let message = error.to_string();
        assert!(message.contains("`provider:account_id`"), "{message}");
        assert!(
            message.contains("github, slack, zoom, jira, confluence"),
            "{message}"
        );
    }
}

#[test]
fn bad_email_is_rejected() {
    let text = "[[person]]\nid = \"dana\"\nname = \"Dana\"\nemails = [\"dana at acme\"]\n";
    let error = IdentityConfig::from_toml_str(text).expect_err("not an address");

    assert!(
        matches!(error, IdentityError::InvalidEmail { .. }),
        "{error:?}"
    );
    assert_eq!(error.line(), Some(4));
}

#[test]
fn duplicate_ids_are_rejected() {
    let people =
        "[[person]]\nid = \"dana\"\nname = \"A\"\n[[person]]\nid = \"dana\"\nname = \"B\"\n";
    let error = IdentityConfig::from_toml_str(people).expect_err("duplicate person");
    assert!(
        matches!(error, IdentityError::DuplicatePerson { .. }),
        "{error:?}"
    );
    assert_eq!(error.line(), Some(5));

    let teams = "[[team]]\nid = \"t\"\nname = \"A\"\n[[team]]\nid = \"t\"\nname = \"B\"\n";
    let error = IdentityConfig::from_toml_str(teams).expect_err("duplicate team");
    assert!(
        matches!(error, IdentityError::DuplicateTeam { .. }),
        "{error:?}"
    );
    assert_eq!(error.line(), Some(5));
}

#[test]
fn error_converts_into_crate_error() {
    let error = IdentityConfig::from_toml_str("[[person]]\n").expect_err("missing id");
    let crate_error: async_core::Error = error.into();

    assert!(matches!(crate_error, async_core::Error::Identity(_)));
    assert!(!crate_error.is_retryable());
}

#[test]
fn repeated_team_member_is_rejected() {
    let text = r#"
        [[person]]
        id = "ana"
        name = "Ana"

        [[team]]
        id = "solo"
        name = "Solo"
        members = ["ana", " ana", "ana "]
    "#;

    let error = IdentityConfig::from_toml_str(text).expect_err("a repeated member");

    assert!(
        matches!(error, IdentityError::RepeatedTeamMember { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("lists `ana` twice as a member"),
        "{error}"
    );
}
