//! Helpers shared by the demo tests: reading the route manifest and calling the sandbox.

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of these helpers"
)]

use std::path::PathBuf;

use async_examples::demo::Demo;
use serde::Deserialize;

/// One route of `routes.json`, as the tests read it.
#[derive(Debug, Clone, Deserialize)]
pub(crate) struct ManifestRoute {
    pub(crate) method: String,
    pub(crate) path: String,
    #[serde(default)]
    pub(crate) query: std::collections::BTreeMap<String, String>,
    pub(crate) status: u16,
    #[serde(default)]
    pub(crate) headers: std::collections::BTreeMap<String, String>,
    pub(crate) body: PathBuf,
}

#[derive(Debug, Deserialize)]
struct Manifest {
    routes: Vec<ManifestRoute>,
}

/// Reads the bundled route manifest.
pub(crate) fn manifest_routes() -> Vec<ManifestRoute> {
    let path = Demo::bundled().routes_path();
    let text = std::fs::read_to_string(&path).expect("routes.json is readable");
    let manifest: Manifest = serde_json::from_str(&text).expect("routes.json parses");
    manifest.routes
}

/// Reads a recording of the bundled demo as text.
pub(crate) fn recording_text(route: &ManifestRoute) -> String {
    let path = Demo::bundled().dir().join(&route.body);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// Builds the URL of a route on a running sandbox, query included.
pub(crate) fn route_url(base_url: &str, route: &ManifestRoute) -> String {
    let mut url = url::Url::parse(&format!("{base_url}{}", route.path)).expect("valid URL");
    if !route.query.is_empty() {
        url.query_pairs_mut().extend_pairs(route.query.iter());
    }
    url.to_string()
}

/// A client that sends the `Authorization` header every provider requires.
pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client builds")
}

/// Sends a GET with a placeholder token.
pub(crate) async fn get(url: &str) -> reqwest::Response {
    client()
        .get(url)
        .header("authorization", "Bearer demo-token")
        .send()
        .await
        .expect("sandbox answers")
}

/// Sends a GET without credentials.
pub(crate) async fn get_without_token(url: &str) -> reqwest::Response {
    client().get(url).send().await.expect("sandbox answers")
}

/// Reads a response body as JSON.
pub(crate) async fn json(response: reqwest::Response) -> serde_json::Value {
    let text = response.text().await.expect("body is readable");
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("body is not JSON ({error}): {text}"))
}

/// Estimates the tokens of `text` at four characters per token, the estimate the tasks
/// budget with.
pub(crate) fn estimate_tokens(text: &str) -> usize {
    text.chars().count().div_ceil(4)
}

/// Concatenates every JSON file under `dir` whose path passes `keep`.
pub(crate) fn raw_json(dir: &std::path::Path, keep: &dyn Fn(&std::path::Path) -> bool) -> String {
    let mut text = String::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            let entries = std::fs::read_dir(&path).expect("demo folder reads");
            pending.extend(entries.map(|entry| entry.expect("entry").path()));
        } else if path.extension().is_some_and(|ext| ext == "json") && keep(&path) {
            text.push_str(&std::fs::read_to_string(&path).expect("demo file reads"));
        }
    }
    text
}
