//! What stays on the device: batches, ballots and sessions, and the settings.

pub mod session;
pub mod settings;
