//! A person's review as the page does it: correct a field or accept a
//! record (decided by `core::results::review`), then show the changed row and keep
//! it on the device with its new revision.

use super::state::AppState;
use crate::core::domain::ballot::BallotRecord;
use crate::core::domain::field::Cell;
use crate::core::domain::registry::Registry;
use crate::core::results::review::{self, ReviewError};
use crate::core::results::table::RowStatus;
use crate::web;
use leptos::prelude::*;

impl AppState {
    /// The record of the row `index` (from 1), with the row's position.
    pub fn record_of(&self, index: usize) -> Option<(usize, BallotRecord)> {
        let p = self.results.progress;
        let (pos, at) = p.rows.with_untracked(|rows| {
            let pos = rows.binary_search_by_key(&index, |r| r.index()).ok()?;
            Some((pos, rows[pos].record?))
        })?;
        p.records
            .with_untracked(|r| r.get(at).cloned())
            .map(|r| (pos, r))
    }

    /// The image `record` was read from, when it is on this device (the
    /// batch in view): as it was sent (the prepared JPEG kept), else the
    /// picked file.
    pub async fn image_for(self, record: BallotRecord) -> Option<web_sys::File> {
        let p = self.results.progress;
        let at = p
            .records
            .with_untracked(|all| all.iter().position(|r| r.source.same_image(&record.source)))?;
        let origin = p.rows.with_untracked(|rows| {
            rows.iter()
                .find(|r| r.record == Some(at))
                .and_then(|r| r.origin)
        })?;
        let batch = p.batch.get_untracked();
        let store = self.device.store.get_value();
        if let (Some(store), Some(batch)) = (store, batch) {
            if let Some(kept) = store.image(&batch, origin).await {
                return Some(kept);
            }
        }
        self.image_of(origin, &record.source.file_name).await
    }

    /// Who corrects: the volunteer's name, or "volunteer".
    fn who(&self) -> String {
        let name = self
            .settings
            .settings
            .with_untracked(|s| s.volunteer.clone());
        if name.trim().is_empty() {
            super::i18n::t(self.lang.get_untracked(), super::i18n::Text::Volunteer0).into()
        } else {
            name.trim().into()
        }
    }

    /// Shows and keeps a changed record.
    fn commit(&self, pos: usize, record: BallotRecord) {
        let file = record.source.file_name.clone();
        if let Some(origin) = self.results.progress.replace(pos, record.clone()) {
            let state = *self;
            leptos::task::spawn_local(state.save_record(origin, file, record));
        }
        self.results.exported.set(false);
    }

    /// Corrects `field` of row `index` to `input`, and checks the record
    /// again. `Ok(false)`: nothing changed.
    pub fn correct_field(
        &self,
        index: usize,
        field: &Cell,
        input: &str,
    ) -> Result<bool, ReviewError> {
        let Some((pos, mut record)) = self.record_of(index) else {
            return Ok(false);
        };
        let at = web::timer::unix_ms() as u64;
        if !review::correct(&mut record, field, input, &self.who(), at)? {
            return Ok(false);
        }
        self.commit(pos, review::recheck(record, Registry::shared()));
        Ok(true)
    }

    /// Accepts row `index`'s record as it is, with a reason.
    pub fn accept_record(&self, index: usize, reason: &str) -> Result<(), ReviewError> {
        let Some((pos, mut record)) = self.record_of(index) else {
            return Ok(());
        };
        review::accept(
            &mut record,
            reason,
            &self.who(),
            web::timer::unix_ms() as u64,
        )?;
        self.commit(pos, record);
        Ok(())
    }

    /// The next row after `index` that needs review (from the top again
    /// after the last), if any.
    pub fn next_needing_review(&self, index: usize) -> Option<usize> {
        self.results.progress.rows.with_untracked(|rows| {
            let needs = |r: &&super::progress::Row| r.status() == RowStatus::Review;
            rows.iter()
                .filter(needs)
                .find(|r| r.index() > index)
                .or_else(|| rows.iter().find(needs))
                .map(|r| r.index())
        })
    }
}

/// A check's draft: the record with `input` in `field`, checked again,
/// without keeping anything (the cells show what the value would do as
/// the person types).
pub fn draft(record: &BallotRecord, field: &Cell, input: &str) -> Option<BallotRecord> {
    let mut r = record.clone();
    review::correct(&mut r, field, input, "", 0).ok()?;
    Some(review::recheck(r, Registry::shared()))
}
