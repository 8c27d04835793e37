//! The bundled demo directory: every recording is routed, parses, and stays small.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use async_examples::demo::{Demo, DemoRole};
use common::manifest_routes;

/// The size budget of the whole demo directory, so the package stays light.
const MAX_DEMO_BYTES: u64 = 1_500_000;

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(current) = pending.pop() {
        for entry in std::fs::read_dir(&current).expect("demo directory is readable") {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn every_route_body_exists_and_parses() {
    let demo = Demo::bundled();
    let routes = manifest_routes();
    assert!(routes.len() > 50, "only {} routes", routes.len());

    for route in routes {
        let path = demo.dir().join(&route.body);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        let parsed = serde_json::from_str::<serde_json::Value>(&text);
        assert!(parsed.is_ok(), "{} is not JSON", path.display());
    }
}

#[test]
fn every_recording_is_routed() {
    let demo = Demo::bundled();
    let routed: BTreeSet<PathBuf> = manifest_routes()
        .into_iter()
        .map(|route| demo.dir().join(route.body))
        .collect();

    for file in files_under(demo.dir()) {
        let is_recording = file.extension().is_some_and(|ext| ext == "json")
            && file.file_name().is_some_and(|name| name != "routes.json");
        if is_recording {
            assert!(routed.contains(&file), "{} has no route", file.display());
        }
    }
}

fn is_data_file(file: &Path) -> bool {
    file.extension()
        .is_some_and(|ext| ext == "json" || ext == "toml")
}

#[test]
fn data_never_names_loopback() {
    for file in files_under(Demo::bundled().dir())
        .iter()
        .filter(|f| is_data_file(f))
    {
        let text = std::fs::read_to_string(file).expect("readable");

        assert!(
            !text.contains("127.0.0.1"),
            "{} names 127.0.0.1",
            file.display()
        );
        assert!(
            !text.contains("localhost"),
            "{} names localhost",
            file.display()
        );
    }
}

#[test]
fn recordings_are_pretty_printed() {
    for file in files_under(Demo::bundled().dir()) {
        if file.extension().is_some_and(|ext| ext == "json") {
            let text = std::fs::read_to_string(&file).expect("readable");
            let longest = text.lines().map(str::len).max().unwrap_or(0);
            let is_empty_list = text.trim() == "[]";

            assert!(
                is_empty_list || text.lines().count() > 1,
                "{} is on one line",
                file.display()
            );
            assert!(
                longest < 400,
                "{} has a {longest}-byte line",
                file.display()
            );
        }
    }
}

#[test]
fn demo_stays_under_size_budget() {
    let total: u64 = files_under(Demo::bundled().dir())
        .iter()
        .map(|file| std::fs::metadata(file).map(|meta| meta.len()).unwrap_or(0))
        .sum();

    assert!(total < MAX_DEMO_BYTES, "the demo holds {total} bytes");
}

#[test]
fn identities_match_demo_people() {
    let text = std::fs::read_to_string(Demo::bundled().identities_path()).expect("readable");
    let identities: toml::Value = toml::from_str(&text).expect("identities.toml parses");

    let people = identities["person"].as_array().expect("[[person]] tables");
    let ids: Vec<&str> = people.iter().filter_map(|p| p["id"].as_str()).collect();
    let expected: Vec<&str> = Demo::people().iter().map(|p| p.id).collect();
    assert_eq!(ids, expected);

    let team = &identities["team"][0];
    let members: Vec<&str> = team["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    let managers: Vec<&str> = team["managers"]
        .as_array()
        .expect("managers")
        .iter()
        .filter_map(|m| m.as_str())
        .collect();
    assert_eq!(team["id"].as_str(), Some(Demo::TEAM_ID));
    assert_eq!(managers, ["morgan", "dana"]);
    assert_eq!(members.len(), 7);
    assert!(!members.contains(&"morgan"));
    for person in Demo::people() {
        let listed = members.contains(&person.id) || managers.contains(&person.id);
        assert!(listed, "{} is in no team role", person.id);
        let leads = matches!(
            person.role,
            DemoRole::EngineeringManager | DemoRole::TeamLead
        );
        assert_eq!(managers.contains(&person.id), leads);
    }
}

/// Returns the e-mail a recorded provider account reports, if any.
fn recorded_email(account: &str) -> Option<String> {
    let demo = Demo::bundled();
    let (provider, id) = account.split_once(':').expect("provider:id");
    match provider {
        "github" => {
            let users = demo.dir().join("github/users");
            for file in files_under(&users) {
                let text = std::fs::read_to_string(&file).expect("readable");
                let user: serde_json::Value = serde_json::from_str(&text).expect("JSON");
                if user["id"]
                    .as_u64()
                    .map(|number| number.to_string())
                    .as_deref()
                    == Some(id)
                {
                    return user["email"].as_str().map(str::to_owned);
                }
            }
            panic!("no recorded GitHub user {id}");
        }
        "jira" => {
            let issues = demo.dir().join("jira");
            let needle = format!("\"accountId\": \"{id}\"");
            let mut seen = false;
            for file in files_under(&issues) {
                let text = std::fs::read_to_string(&file).expect("readable");
                for block in text.split(&needle).skip(1) {
                    seen = true;
                    let user = block.split('}').next().unwrap_or_default();
                    if user.contains("emailAddress") {
                        return Some(user.to_owned());
                    }
                }
            }
            assert!(seen, "no recorded Jira user {id}");
            None
        }
        other => panic!("unexpected provider {other}"),
    }
}

#[test]
fn identities_map_only_accounts_without_email() {
    let text = std::fs::read_to_string(Demo::bundled().identities_path()).expect("readable");
    let identities: toml::Value = toml::from_str(&text).expect("identities.toml parses");

    for person in identities["person"].as_array().expect("[[person]] tables") {
        for account in person["accounts"].as_array().expect("accounts") {
            let account = account.as_str().expect("account is a string");
            assert_eq!(
                recorded_email(account),
                None,
                "{account} could resolve by e-mail"
            );
        }
        for email in person["emails"].as_array().expect("emails") {
            let email = email.as_str().expect("e-mail is a string");
            assert_eq!(
                email,
                email.trim().to_lowercase(),
                "{email} is not normalized"
            );
        }
    }
}

#[test]
fn identities_parse_as_core_mapping() {
    let text = std::fs::read_to_string(Demo::bundled().identities_path()).expect("readable");

    let config = async_core::identity::IdentityConfig::from_toml_str(&text);

    let config = config.expect("the core mapping parser accepts the demo file");
    assert_eq!(config.people.len(), Demo::people().len());
    assert!(config.validate().is_ok());
}
