//! The batch engine over small ports: admission under the token bucket, pause and cancel, progress callbacks and events; the test doubles that run it in fake time (tests).

pub mod batch;
pub mod control;
pub mod events;
pub mod ports;
pub mod progress;
pub mod rate_limit;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
