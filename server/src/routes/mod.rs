//! The HTTP surface: one small module per group of endpoints.

pub mod auth;
pub mod blobs;
pub mod devices;
pub mod health;
pub mod manager;
pub mod openapi;
pub mod policies;
pub mod sync;
