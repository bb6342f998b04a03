//! Sync protocol v1: push (apply a device's queued mutations) and pull (the change feed).

pub mod outcome;
pub mod pull;
pub mod push;
