//! Pooling results in a shared CouchDB database (or PouchDB Server,
//! Cloudant): the documents, the replication protocol's requests and
//! answers, and push and pull over two small ports (the server's transport
//! and this device's replica). No browser API here.

pub mod couch;
pub mod doc;
pub mod national;
pub mod replicate;
pub mod share;
pub mod wire;
