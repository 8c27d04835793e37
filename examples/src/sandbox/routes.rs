//! The route manifest (`routes.json`) and request matching.
//!
//! A manifest is `{"routes": [...]}`. Each route names a method, a path, an optional
//! subset of query parameters, a status, headers and a body file relative to the demo
//! directory:
//!
//! ```json
//! {"method": "GET", "path": "/slack/api/users.list", "query": {"cursor": "dXNlcjpVMDY="},
//!  "status": 200, "headers": {"x-slack-req-id": "1f0c"}, "body": "slack/users.list.page-2.json"}
//! ```

use std::collections::BTreeMap;
use std::fs;
use std::path::{Component, Path, PathBuf};

use bytes::Bytes;
use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::Deserialize;
use serde::de::IgnoredAny;

use super::error::{Error, RouteProblem};

/// The placeholder that recordings use for the sandbox's own base URL.
pub(crate) const BASE_PLACEHOLDER: &str = "{{base}}";

/// The manifest's file name inside the demo directory.
pub(crate) const MANIFEST_FILE: &str = "routes.json";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    routes: Vec<RouteEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteEntry {
    method: String,
    path: String,
    #[serde(default)]
    query: BTreeMap<String, String>,
    #[serde(default = "default_status")]
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    body: PathBuf,
}

fn default_status() -> u16 {
    200
}

/// One recorded response, with `{{base}}` already replaced.
#[derive(Debug, Clone)]
pub(crate) struct Recording {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

#[derive(Debug)]
struct Route {
    method: Method,
    path: String,
    query: BTreeMap<String, String>,
    recording: Recording,
}

/// Every route of a manifest, with its recording loaded into memory.
#[derive(Debug)]
pub(crate) struct RouteTable {
    routes: Vec<Route>,
}

impl RouteTable {
    /// Reads `routes.json` and every body it names, replacing `{{base}}` with `base_url`.
    ///
    /// Everything is read and checked up front, so a broken recording fails the start of
    /// the sandbox with the file's name instead of failing one request later.
    pub(crate) fn load(demo_dir: &Path, base_url: &str) -> Result<Self, Error> {
        let manifest_path = demo_dir.join(MANIFEST_FILE);
        let text = read_text(&manifest_path)?;
        let manifest: Manifest = serde_json::from_str(&text).map_err(|source| Error::Json {
            path: manifest_path.clone(),
            source,
        })?;

        let mut routes = Vec::with_capacity(manifest.routes.len());
        for (index, entry) in manifest.routes.into_iter().enumerate() {
            let invalid = |problem| Error::InvalidRoute {
                manifest: manifest_path.clone(),
                index,
                problem,
            };
            routes.push(
                load_route(demo_dir, base_url, entry).map_err(|error| match error {
                    LoadError::Route(problem) => invalid(problem),
                    LoadError::File(error) => error,
                })?,
            );
        }
        Ok(Self { routes })
    }

    /// Finds the recording for a request.
    ///
    /// `path` is the percent-decoded request path and `query` the decoded query pairs.
    /// A route matches when its method and path are equal to the request's and every pair
    /// of its query subset is present in the request. Among matches, the route with the
    /// most query pairs wins; on a tie, the one listed first in the manifest.
    pub(crate) fn find(
        &self,
        method: &Method,
        path: &str,
        query: &[(String, String)],
    ) -> Option<&Recording> {
        let mut best: Option<&Route> = None;
        for route in &self.routes {
            if route.method != *method || route.path != path || !query_matches(route, query) {
                continue;
            }
            if best.is_none_or(|current| route.query.len() > current.query.len()) {
                best = Some(route);
            }
        }
        best.map(|route| &route.recording)
    }
}

fn query_matches(route: &Route, query: &[(String, String)]) -> bool {
    route.query.iter().all(|(key, value)| {
        query
            .iter()
            .any(|(request_key, request_value)| request_key == key && request_value == value)
    })
}

/// Why one route failed to load: its own content, or a file it names.
enum LoadError {
    Route(RouteProblem),
    File(Error),
}

fn load_route(demo_dir: &Path, base_url: &str, entry: RouteEntry) -> Result<Route, LoadError> {
    let method = Method::from_bytes(entry.method.as_bytes())
        .map_err(|_| LoadError::Route(RouteProblem::Method(entry.method.clone())))?;
    if !entry.path.starts_with('/') || entry.path.contains('?') {
        return Err(LoadError::Route(RouteProblem::Path(entry.path)));
    }
    let status = StatusCode::from_u16(entry.status)
        .map_err(|_| LoadError::Route(RouteProblem::Status(entry.status)))?;
    let headers = render_headers(&entry.headers, base_url).map_err(LoadError::Route)?;
    let body = load_body(demo_dir, &entry.body, base_url)?;

    Ok(Route {
        method,
        path: entry.path,
        query: entry.query,
        recording: Recording {
            status,
            headers,
            body,
        },
    })
}

fn render_headers(
    headers: &BTreeMap<String, String>,
    base_url: &str,
) -> Result<HeaderMap, RouteProblem> {
    let mut rendered = HeaderMap::with_capacity(headers.len() + 1);
    for (name, value) in headers {
        let header_name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| RouteProblem::HeaderName(name.clone()))?;
        let header_value = HeaderValue::from_str(&value.replace(BASE_PLACEHOLDER, base_url))
            .map_err(|_| RouteProblem::HeaderValue(name.clone()))?;
        rendered.append(header_name, header_value);
    }
    if !rendered.contains_key(CONTENT_TYPE) {
        rendered.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    Ok(rendered)
}

/// Reads a body file, checks that it is JSON, and fills in the base URL.
fn load_body(demo_dir: &Path, relative: &Path, base_url: &str) -> Result<Bytes, LoadError> {
    let stays_inside = relative
        .components()
        .all(|component| matches!(component, Component::Normal(_) | Component::CurDir));
    if !stays_inside {
        return Err(LoadError::Route(RouteProblem::BodyPath(
            relative.to_owned(),
        )));
    }

    let path = demo_dir.join(relative);
    let text = read_text(&path).map_err(LoadError::File)?;
    // The placeholder only appears inside JSON strings, so the file parses before it is
    // filled in.
    serde_json::from_str::<IgnoredAny>(&text)
        .map_err(|source| LoadError::File(Error::Json { path, source }))?;

    Ok(Bytes::from(text.replace(BASE_PLACEHOLDER, base_url)))
}

fn read_text(path: &Path) -> Result<String, Error> {
    fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(method: Method, path: &str, query: &[(&str, &str)], body: &'static str) -> Route {
        Route {
            method,
            path: path.to_owned(),
            query: query
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
            recording: Recording {
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                body: Bytes::from_static(body.as_bytes()),
            },
        }
    }

    fn pairs(query: &[(&str, &str)]) -> Vec<(String, String)> {
        query
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    }

    fn table() -> RouteTable {
        RouteTable {
            routes: vec![
                route(Method::GET, "/history", &[("channel", "C1")], "c1-page-1"),
                route(
                    Method::GET,
                    "/history",
                    &[("channel", "C1"), ("cursor", "next")],
                    "c1-page-2",
                ),
                route(Method::GET, "/history", &[("channel", "C2")], "c2"),
                route(Method::GET, "/users", &[], "users-first"),
                route(Method::GET, "/users", &[], "users-second"),
                route(Method::POST, "/post", &[], "posted"),
            ],
        }
    }

    fn body(recording: Option<&Recording>) -> Option<&[u8]> {
        recording.map(|recording| recording.body.as_ref())
    }

    #[test]
    fn most_query_keys_win() {
        let table = table();
        let query = pairs(&[("cursor", "next"), ("limit", "15"), ("channel", "C1")]);

        let found = table.find(&Method::GET, "/history", &query);

        assert_eq!(body(found), Some(&b"c1-page-2"[..]));
    }

    #[test]
    fn subset_must_be_present() {
        let table = table();

        let first_page = table.find(&Method::GET, "/history", &pairs(&[("channel", "C1")]));
        let other_channel = table.find(&Method::GET, "/history", &pairs(&[("channel", "C2")]));
        let unknown_channel = table.find(&Method::GET, "/history", &pairs(&[("channel", "C9")]));
        let no_channel = table.find(&Method::GET, "/history", &[]);

        assert_eq!(body(first_page), Some(&b"c1-page-1"[..]));
        assert_eq!(body(other_channel), Some(&b"c2"[..]));
        assert!(unknown_channel.is_none());
        assert!(no_channel.is_none());
    }

    #[test]
    fn tie_goes_to_first_route() {
        let table = table();

        let found = table.find(&Method::GET, "/users", &pairs(&[("limit", "200")]));

        assert_eq!(body(found), Some(&b"users-first"[..]));
    }

    #[test]
    fn method_and_path_are_exact() {
        let table = table();

        assert!(table.find(&Method::GET, "/post", &[]).is_none());
        assert!(table.find(&Method::POST, "/users", &[]).is_none());
        assert!(table.find(&Method::GET, "/users/", &[]).is_none());
    }

    #[test]
    fn headers_get_base_and_default_content_type() {
        let headers = BTreeMap::from([(
            "Link".to_owned(),
            "<{{base}}/github/x?page=2>; rel=\"next\"".to_owned(),
        )]);

        let rendered = render_headers(&headers, "http://127.0.0.1:4000").expect("valid headers");

        assert_eq!(
            rendered.get("link").and_then(|value| value.to_str().ok()),
            Some("<http://127.0.0.1:4000/github/x?page=2>; rel=\"next\"")
        );
        assert_eq!(
            rendered
                .get(CONTENT_TYPE)
                .and_then(|value| value.to_str().ok()),
            Some("application/json")
        );
    }

    #[test]
    fn invalid_header_name_is_reported() {
        let headers = BTreeMap::from([("bad name".to_owned(), "x".to_owned())]);

        let problem = render_headers(&headers, "http://127.0.0.1:1").expect_err("invalid name");

        assert_eq!(problem, RouteProblem::HeaderName("bad name".to_owned()));
    }

    #[test]
    fn body_path_cannot_leave_directory() {
        for path in ["../secrets.json", "/etc/passwd", "github/../../x.json"] {
            let result = load_body(Path::new("demo"), Path::new(path), "http://127.0.0.1:1");

            assert!(
                matches!(result, Err(LoadError::Route(RouteProblem::BodyPath(_)))),
                "{path} was accepted"
            );
        }
    }
}
