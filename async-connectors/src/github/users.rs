//! `GET /users/{login}`: an account's public profile.

use super::client::{Endpoint, GitHubClient};
use super::models::User;
use crate::error::Error;

const GET: Endpoint = Endpoint {
    operation: "users.get",
    template: "/users/{login}",
};

impl GitHubClient {
    /// Fetches an account's public profile: login, id, type, and the name and e-mail when
    /// the account made them public.
    ///
    /// # Errors
    ///
    /// Returns [`Error::Api`] with [`ErrorClass::NotFound`](crate::ErrorClass::NotFound)
    /// when no account has that login, [`Error::Config`] when the login is empty, `.` or
    /// `..`, and otherwise as for [`list_pulls_page`](Self::list_pulls_page).
    pub async fn user(&self, login: &str) -> Result<User, Error> {
        let url = self.url(&["users", login], &[])?;
        self.get_one(GET, url).await
    }
}
