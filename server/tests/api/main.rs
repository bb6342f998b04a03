//! End-to-end tests of the HTTP API: each test starts the real server on 127.0.0.1:0
//! with a fresh SQLite file in a temporary directory, seeded with just what it needs
//! (`seed.rs`), or with the whole demo where a test is about the demo.

mod args;
mod auth;
mod blobs;
mod cancel;
mod contracts;
mod demo;
mod errors;
mod feed;
mod helpers;
mod hostile;
mod knowledge;
mod matrix;
mod pull;
mod push;
mod raw;
mod seed;
mod service;
mod service_dashboard;
mod service_stock;
mod statics;
mod trust;
