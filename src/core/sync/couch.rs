//! One database on a CouchDB server, over a [`CouchTransport`]: each call
//! builds its request, sends it, and reads the answer into a typed value or
//! a [`SyncError`] that says what to do.

use super::doc::SCHEMA;
use super::wire::{
    self, Changes, Checkpoint, CouchResponse, CouchTransport, DocResult, ErrorBody, Method,
    RevsDiff, TransportFailure,
};
use serde_json::{json, Value};

/// The design document the setup command writes (its `schema` says which
/// document shape the database holds).
pub const DESIGN_ID: &str = "_design/tallyscan";

/// Why a sync step failed (nothing is lost: what is queued stays queued).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    #[error("the database's address: {0}")]
    Address(String),
    #[error("not logged in, or the session expired: log in again")]
    Unauthorized,
    #[error("the database refused: {0}")]
    Forbidden(String),
    #[error("database \"{0}\" does not exist on this server: run the setup command first")]
    NoDatabase(String),
    #[error("this database holds documents of schema {found}; this version of TallyScan writes schema {SCHEMA}")]
    Schema { found: String },
    #[error("{0}")]
    Transport(#[from] TransportFailure),
    #[error("the server answered {status}: {error} {reason}")]
    Server {
        status: u16,
        error: String,
        reason: String,
    },
    #[error("the server's answer cannot be read: {0}")]
    Malformed(String),
    #[error("this device's store: {0}")]
    Local(String),
}

impl SyncError {
    /// Whether trying again later may succeed (the network, the server),
    /// rather than needing a person (log in, set up the database).
    pub fn is_transient(&self) -> bool {
        match self {
            SyncError::Transport(_) | SyncError::Malformed(_) => true,
            SyncError::Server { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }
}

/// A database on a server.
pub struct Couch<T> {
    pub transport: T,
    pub db: String,
}

fn failure(resp: &CouchResponse, db: &str) -> SyncError {
    let body: ErrorBody = serde_json::from_str(&resp.body).unwrap_or_default();
    match resp.status {
        401 => SyncError::Unauthorized,
        403 => SyncError::Forbidden(if body.reason.is_empty() {
            body.error
        } else {
            body.reason
        }),
        404 if body.reason.contains("Database") || body.reason == "no_db_file" => {
            SyncError::NoDatabase(db.to_string())
        }
        status => SyncError::Server {
            status,
            error: body.error,
            reason: body.reason,
        },
    }
}

impl<T: CouchTransport> Couch<T> {
    pub fn new(transport: T, db: &str) -> Self {
        Couch {
            transport,
            db: db.to_string(),
        }
    }

    async fn call(&self, req: wire::CouchRequest) -> Result<CouchResponse, SyncError> {
        let resp = self.transport.send(req).await?;
        match resp.status {
            200..=299 => Ok(resp),
            _ => Err(failure(&resp, &self.db)),
        }
    }

    /// Documents in the database (design documents too), as its
    /// information says: what a first load will read, for its progress.
    pub async fn doc_count(&self) -> Result<u64, SyncError> {
        let resp = self
            .transport
            .send(wire::get(wire::db_path(&self.db)))
            .await?;
        if !(200..300).contains(&resp.status) {
            return Err(failure(&resp, &self.db));
        }
        let v: Value =
            serde_json::from_str(&resp.body).map_err(|e| SyncError::Malformed(e.to_string()))?;
        v["doc_count"]
            .as_u64()
            .ok_or_else(|| SyncError::Malformed("no doc_count".into()))
    }

    /// Checks that the database exists and holds this app's schema.
    pub async fn check_schema(&self) -> Result<(), SyncError> {
        let path = format!("{}/{}", wire::db_path(&self.db), DESIGN_ID);
        let resp = self.transport.send(wire::get(path)).await?;
        if resp.status == 404 {
            // No design document: either no database, or one not set up.
            let info = self
                .transport
                .send(wire::get(wire::db_path(&self.db)))
                .await?;
            return Err(match info.status {
                200 => SyncError::Schema {
                    found: "none (not set up by TallyScan's setup command)".into(),
                },
                _ => failure(&info, &self.db),
            });
        }
        if !(200..300).contains(&resp.status) {
            return Err(failure(&resp, &self.db));
        }
        let v: Value =
            serde_json::from_str(&resp.body).map_err(|e| SyncError::Malformed(e.to_string()))?;
        match v["schema"].as_u64() {
            Some(s) if s == u64::from(SCHEMA) => Ok(()),
            other => Err(SyncError::Schema {
                found: other.map_or_else(|| "none".into(), |s| s.to_string()),
            }),
        }
    }

    pub async fn revs_diff(&self, revs: &RevsDiff) -> Result<RevsDiff, SyncError> {
        let resp = self.call(wire::revs_diff_request(&self.db, revs)).await?;
        wire::read_revs_diff(&resp.body).map_err(SyncError::Malformed)
    }

    pub async fn bulk_docs(&self, docs: &[Value]) -> Result<Vec<DocResult>, SyncError> {
        let resp = self.call(wire::bulk_docs_request(&self.db, docs)).await?;
        wire::read_bulk_docs(&resp.body).map_err(SyncError::Malformed)
    }

    pub async fn changes(
        &self,
        since: &Value,
        limit: usize,
        wait_ms: Option<u32>,
    ) -> Result<Changes, SyncError> {
        let resp = self
            .call(wire::changes_request(&self.db, since, limit, wait_ms))
            .await?;
        wire::read_changes(&resp.body).map_err(SyncError::Malformed)
    }

    pub async fn bulk_get(
        &self,
        wanted: &[(String, String)],
    ) -> Result<(Vec<String>, Vec<String>), SyncError> {
        let resp = self.call(wire::bulk_get_request(&self.db, wanted)).await?;
        wire::read_bulk_get(&resp.body).map_err(SyncError::Malformed)
    }

    /// The checkpoint kept on the server (`None`: none yet).
    pub async fn checkpoint(&self, rep_id: &str) -> Result<Option<Checkpoint>, SyncError> {
        let resp = self
            .transport
            .send(wire::get(wire::local_path(&self.db, rep_id)))
            .await?;
        match resp.status {
            404 => Ok(None),
            200..=299 => serde_json::from_str(&resp.body)
                .map(Some)
                .map_err(|e| SyncError::Malformed(e.to_string())),
            _ => Err(failure(&resp, &self.db)),
        }
    }

    /// Keeps the checkpoint on the server; returns its new `_rev`.
    pub async fn set_checkpoint(
        &self,
        rep_id: &str,
        cp: &Checkpoint,
    ) -> Result<Option<String>, SyncError> {
        let body = serde_json::to_value(cp).unwrap_or_default();
        let req = wire::with_body(Method::Put, wire::local_path(&self.db, rep_id), &body);
        let resp = self.call(req).await?;
        let v: Value = serde_json::from_str(&resp.body).unwrap_or_default();
        Ok(v["rev"].as_str().map(String::from))
    }
}

/// `POST /_session`: logs in (the server sets the session cookie; the
/// password goes nowhere else and is not kept).
pub fn login_request(name: &str, password: &str) -> wire::CouchRequest {
    wire::with_body(
        Method::Post,
        "/_session".into(),
        &json!({ "name": name, "password": password }),
    )
}

/// Who is logged in, from `GET /_session` or the login's answer:
/// `(name, roles)`; `None` when nobody is.
pub fn read_session(body: &str) -> Option<(String, Vec<String>)> {
    let v: Value = serde_json::from_str(body).ok()?;
    let ctx = if v.get("userCtx").is_some() {
        &v["userCtx"]
    } else {
        &v
    };
    let name = ctx["name"].as_str()?.to_string();
    let roles = ctx["roles"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|x| x.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    Some((name, roles))
}
