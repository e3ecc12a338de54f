//! Users: `GET users`, `GET user/loggedin`.

use crate::error::Result;
use crate::models::{decode, TenantClient, User};
use crate::transport::Call;
use crate::Client;

/// Handle for user operations (`client.users()`).
#[derive(Clone, Copy, Debug)]
pub struct Users<'a> {
    pub(crate) client: &'a Client,
}

impl<'a> Users<'a> {
    /// `GET users`: the caller's tenants with their users, templates, kanban columns and
    /// folders.
    pub async fn list(&self) -> Result<Vec<TenantClient>> {
        let v = self
            .client
            .inner
            .json(&Call::get("users.list", "users"))
            .await?;
        let v = match v {
            serde_json::Value::Null => serde_json::Value::Array(vec![]),
            o @ serde_json::Value::Object(_) => serde_json::Value::Array(vec![o]),
            other => other,
        };
        decode(v, "the tenant list")
    }

    /// `GET user/loggedin`: the user the token belongs to.
    pub async fn logged_in(&self) -> Result<User> {
        let v = self
            .client
            .inner
            .json(&Call::get("users.logged_in", "user/loggedin"))
            .await?;
        decode(v, "the logged-in user")
    }
}
