//! The sandbox server: serving recordings, pagination links, errors and shutdown.

mod common;

use std::time::Duration;

use async_examples::demo::Demo;
use async_examples::sandbox::{Error, RouteProblem, Sandbox};
use common::{get, get_without_token, json, manifest_routes, recording_text, route_url};

async fn bundled() -> Sandbox {
    Demo::bundled()
        .start_sandbox()
        .await
        .expect("bundled demo starts")
}

#[tokio::test]
async fn serves_recorded_route() {
    let sandbox = bundled().await;

    let response = get(&format!("{}/users/dwhitfield", sandbox.github_base())).await;

    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-github-request-id"));
    let user = json(response).await;
    assert_eq!(user["login"], "dwhitfield");
    assert_eq!(
        user["url"],
        format!("{}/users/dwhitfield", sandbox.github_base())
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn every_route_serves_its_recording() {
    let sandbox = bundled().await;
    let client = common::client();

    for route in manifest_routes() {
        let url = route_url(sandbox.base_url(), &route);
        let method = reqwest::Method::from_bytes(route.method.as_bytes()).expect("method");
        let response = client
            .request(method, &url)
            .header("authorization", "Bearer demo-token")
            .send()
            .await
            .expect("sandbox answers");

        assert_eq!(response.status().as_u16(), route.status, "{url}");
        let expected = recording_text(&route).replace("{{base}}", sandbox.base_url());
        assert_eq!(response.text().await.expect("body"), expected, "{url}");
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn percent_encoded_path_matches() {
    let sandbox = bundled().await;

    let response = get(&format!(
        "{}/users/acme-deps%5Bbot%5D",
        sandbox.github_base()
    ))
    .await;

    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["type"], "Bot");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn link_header_leads_to_second_page() {
    let sandbox = bundled().await;
    let first_url = format!(
        "{}/repos/acme/payments-api/pulls?state=all&sort=updated&direction=desc&per_page=100",
        sandbox.github_base()
    );

    let first = get(&first_url).await;
    let link = first.headers()["link"].to_str().expect("ASCII").to_owned();
    let first_page = json(first).await;
    let next = link
        .split(',')
        .find(|part| part.contains("rel=\"next\""))
        .and_then(|part| part.split(['<', '>']).nth(1))
        .expect("a next link")
        .to_owned();
    let second = get(&next).await;
    let second_link = second.headers()["link"].to_str().expect("ASCII").to_owned();
    let second_page = json(second).await;

    assert!(next.starts_with(sandbox.base_url()), "{next}");
    assert!(!second_link.contains("rel=\"next\""));
    let numbers = |page: &serde_json::Value| -> Vec<u64> {
        page.as_array()
            .expect("a page is an array")
            .iter()
            .filter_map(|pr| pr["number"].as_u64())
            .collect()
    };
    assert_eq!(numbers(&first_page), [216, 217, 218, 215, 213]);
    assert_eq!(numbers(&second_page), [212, 214, 210, 211, 209]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn most_specific_query_wins() {
    let sandbox = bundled().await;
    let history = format!("{}/conversations.history", sandbox.slack_base());

    let first = json(get(&format!("{history}?channel=C0PAYTEAM1&limit=100")).await).await;
    let cursor = first["response_metadata"]["next_cursor"]
        .as_str()
        .expect("a cursor")
        .to_owned();
    let mut second_url = url::Url::parse(&history).expect("URL");
    second_url
        .query_pairs_mut()
        .append_pair("channel", "C0PAYTEAM1")
        .append_pair("limit", "100")
        .append_pair("cursor", &cursor);
    let second = json(get(second_url.as_str()).await).await;

    assert_eq!(first["has_more"], true);
    assert_eq!(second["has_more"], false);
    assert_eq!(second["response_metadata"]["next_cursor"], "");
    assert_ne!(first["messages"][0]["ts"], second["messages"][0]["ts"]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn unknown_path_returns_404() {
    let sandbox = bundled().await;

    let github = get(&format!(
        "{}/repos/acme/unknown/pulls",
        sandbox.github_base()
    ))
    .await;
    let jira = get(&format!("{}/rest/api/3/issue/PAY-999", sandbox.jira_base())).await;
    let slack = get(&format!(
        "{}/conversations.history?channel=C9",
        sandbox.slack_base()
    ))
    .await;
    let elsewhere = get(&format!("{}/nothing/here", sandbox.base_url())).await;

    assert_eq!(github.status(), 404);
    assert_eq!(json(github).await["message"], "Not Found");
    assert_eq!(jira.status(), 404);
    assert!(json(jira).await["errorMessages"].is_array());
    assert_eq!(slack.status(), 404);
    assert_eq!(json(slack).await["ok"], false);
    assert_eq!(elsewhere.status(), 404);
    assert!(json(elsewhere).await.is_object());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn missing_authorization_is_rejected() {
    let sandbox = bundled().await;

    let github = get_without_token(&format!("{}/users/dwhitfield", sandbox.github_base())).await;
    let jira = get_without_token(&format!("{}/rest/api/3/field", sandbox.jira_base())).await;
    let slack = get_without_token(&format!("{}/users.list", sandbox.slack_base())).await;

    assert_eq!(github.status(), 401);
    assert_eq!(json(github).await["message"], "Requires authentication");
    assert_eq!(jira.status(), 401);
    assert!(json(jira).await["errorMessages"].is_array());
    // Slack answers a missing token with HTTP 200 and `ok: false`.
    assert_eq!(slack.status(), 200);
    let slack = json(slack).await;
    assert_eq!(slack["ok"], false);
    assert_eq!(slack["error"], "not_authed");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn post_message_is_acknowledged() {
    let sandbox = bundled().await;

    let response = common::client()
        .post(format!("{}/chat.postMessage", sandbox.slack_base()))
        .header("authorization", "Bearer demo-token")
        .header("content-type", "application/json; charset=utf-8")
        .body(r#"{"channel":"C0PAYTEAM1","text":"Standup"}"#)
        .send()
        .await
        .expect("sandbox answers");

    assert_eq!(response.status(), 200);
    let posted = json(response).await;
    assert_eq!(posted["ok"], true);
    assert_eq!(posted["channel"], Demo::STANDUP_CHANNEL);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let sandbox = bundled().await;
    let address = sandbox.local_addr();

    sandbox.shutdown().await;

    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

#[tokio::test]
async fn drop_stops_serving() {
    let sandbox = bundled().await;
    let address = sandbox.local_addr();

    drop(sandbox);

    // The server winds down in the background after a drop; give it a moment.
    let mut refused = false;
    for _ in 0..50 {
        if tokio::net::TcpStream::connect(address).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(refused, "the sandbox still accepts connections after drop");
}

#[tokio::test]
async fn missing_manifest_names_file() {
    let dir = tempfile::tempdir().expect("temporary directory");

    let error = Sandbox::start(dir.path()).await.expect_err("no manifest");

    let Error::Read { path, .. } = &error else {
        panic!("unexpected error: {error:?}");
    };
    assert_eq!(path, &dir.path().join("routes.json"));
    assert!(error.to_string().contains("routes.json"), "{error}");
}

fn write_manifest(dir: &std::path::Path, route: &str) {
    let manifest = format!(r#"{{"routes": [{route}]}}"#);
    std::fs::write(dir.join("routes.json"), manifest).expect("manifest written");
}

#[tokio::test]
async fn malformed_body_names_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_manifest(
        dir.path(),
        r#"{"method": "GET", "path": "/x", "status": 200, "body": "broken.json"}"#,
    );
    std::fs::write(dir.path().join("broken.json"), "{\"ok\": ").expect("body written");

    let error = Sandbox::start(dir.path()).await.expect_err("bad body");

    let Error::Json { path, .. } = &error else {
        panic!("unexpected error: {error:?}");
    };
    assert_eq!(path, &dir.path().join("broken.json"));
    assert!(error.to_string().contains("broken.json"), "{error}");
}

#[tokio::test]
async fn missing_body_names_file() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_manifest(
        dir.path(),
        r#"{"method": "GET", "path": "/x", "status": 200, "body": "absent.json"}"#,
    );

    let error = Sandbox::start(dir.path()).await.expect_err("no body");

    assert!(matches!(&error, Error::Read { path, .. } if path.ends_with("absent.json")));
}

#[tokio::test]
async fn invalid_route_names_index() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_manifest(
        dir.path(),
        r#"{"method": "GET", "path": "x?y=1", "status": 200, "body": "b.json"}"#,
    );

    let error = Sandbox::start(dir.path()).await.expect_err("bad path");

    let Error::InvalidRoute { index, problem, .. } = &error else {
        panic!("unexpected error: {error:?}");
    };
    assert_eq!(*index, 0);
    assert_eq!(problem, &RouteProblem::Path("x?y=1".to_owned()));
}

#[tokio::test]
async fn custom_demo_directory_is_served() {
    let dir = tempfile::tempdir().expect("temporary directory");
    write_manifest(
        dir.path(),
        r#"{"method": "GET", "path": "/jira/self", "query": {}, "status": 203,
            "headers": {"x-self": "{{base}}/jira"}, "body": "self.json"}"#,
    );
    std::fs::write(dir.path().join("self.json"), r#"{"self": "{{base}}/jira"}"#)
        .expect("body written");
    let sandbox = Demo::from_dir(dir.path())
        .start_sandbox()
        .await
        .expect("starts");

    let response = get(&format!("{}/self", sandbox.jira_base())).await;

    assert_eq!(response.status(), 203);
    assert_eq!(response.headers()["x-self"], sandbox.jira_base().as_str());
    assert_eq!(json(response).await["self"], sandbox.jira_base());
    sandbox.shutdown().await;
}
