//! The model APIs: requests and answers of both dialects typed once, the endpoint rules, the connection test, costs and presets, retries and the waits servers ask for.

pub mod connection;
pub mod cost;
pub mod endpoint;
pub mod provider;
pub mod retry;
pub mod wire;
