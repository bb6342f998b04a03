//! Thin HTTP wrapper over gloo-net; URLs are same-origin.

use onsite_core::wire::LoginResponse;

#[derive(Debug, Clone)]
pub enum ApiError {
    Offline,
    Unauthorized,
    Http {
        status: u16,
        code: String,
        message: String,
    },
    Decode(String),
}

pub async fn login(
    _username: &str,
    _password: &str,
    _client_id: uuid::Uuid,
) -> Result<LoginResponse, ApiError> {
    todo!()
}

pub async fn logout(_token: &str) -> Result<(), ApiError> {
    todo!()
}
