//! What is done with records: aggregation per constituency, the official comparison, exports and imports, reports, a person's review, the results table, issues in Thai.

pub mod aggregate;
pub mod export;
pub mod import;
pub mod live;
pub mod official;
pub mod packed;
pub mod report;
pub mod review;
pub mod table;
