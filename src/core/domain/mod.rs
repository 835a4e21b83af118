//! The domain: the record of a form, the form types, Thai numbers, the registry of provinces, constituencies and parties; hashing and a seeded RNG.

pub mod ballot;
pub mod field;
pub mod form;
pub mod hash;
pub mod province_tiles;
pub mod registry;
mod registry_data;
pub mod rng;
pub mod thai;
