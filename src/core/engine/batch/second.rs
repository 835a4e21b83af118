//! The second reading of a flagged ballot: whether it is read again, and how
//! it ends when the batch stops first.

use super::{Engine, Finished, Outcome};
use crate::core::api::provider::ProviderSettings;
use crate::core::domain::ballot::BallotRecord;
use crate::core::domain::field::Field;
use crate::core::engine::progress::EngineEvent;
use crate::core::read::reread::{failed as reread_failed, prompt as reread_prompt, targets};

/// A second reading under way: the first reading and what is asked.
pub(super) struct Second {
    pub(super) first: Box<BallotRecord>,
    pub(super) cells: Vec<Field>,
    pub(super) prompt: String,
    /// The ballot's attempts before the re-read (its own are counted apart).
    pub(super) attempts_before: u32,
}

/// A ballot that ends early (the batch stopped): unfinished, or, during a
/// second reading, the first reading with why the second did not come.
pub(super) fn leave(index: usize, second: Option<Second>, why: &str) -> Finished {
    Finished {
        index,
        outcome: second.map(|s| {
            let model = s.first.source.model.clone();
            Outcome::Record(Box::new(reread_failed(&s.first, &s.cells, &model, why)))
        }),
        image: None,
    }
}

impl<'a> Engine<'_, 'a> {
    /// Whether `first` is read a second time (its errors are ones a second
    /// look may settle, re-reads are on and the batch's cap not reached):
    /// the re-read and the settings to ask with, or the record as it is.
    pub(super) fn second_reading(
        &self,
        index: usize,
        first: Box<BallotRecord>,
        settings: &'a ProviderSettings,
    ) -> Result<(Second, &'a ProviderSettings), Box<BallotRecord>> {
        let opts = self.opts.reread;
        let Some((cells, rows_present)) = targets(&first).filter(|_| opts.enabled) else {
            return Err(first);
        };
        {
            let mut s = self.shared.borrow_mut();
            if s.rereads >= opts.cap {
                return Err(first);
            }
            s.rereads += 1;
        }
        let with = match (opts.use_fallback, self.env.fallback) {
            (true, Some(f)) => f,
            _ => settings,
        };
        self.event(EngineEvent::Reread {
            index,
            cells: cells.len(),
        });
        Ok((
            Second {
                prompt: reread_prompt(&cells, rows_present),
                cells,
                first,
                attempts_before: self.tries(index).attempts,
            },
            with,
        ))
    }
}
