//! The national panel drawn in stages, a frame apart.

use leptos::prelude::*;

/// The last of the stages the panel is drawn in (0, the summary, to 5).
const STAGES: u8 = 5;

/// The stage the panel is drawn to. Drawn in stages, a frame apart (at
/// log-in, all at once was a task of over 100 ms): the summary, the
/// tables, the conflicts, the map, the official comparison, the reports
/// and coverage; from the start again at each log-in (the reports closed).
pub(super) fn staged(coordinator: Memo<bool>, reports_open: RwSignal<bool>) -> RwSignal<u8> {
    let stage = RwSignal::new(0u8);
    // Each log-in's chain of frames (one left over from before a log-out
    // stops).
    let chain = StoredValue::new(0u32);
    Effect::new(move |_| {
        chain.update_value(|c| *c += 1);
        stage.set(0);
        reports_open.set(false);
        if coordinator.get() {
            advance(stage, chain, chain.get_value());
        }
    });
    stage
}

/// Draws the panel's next stage after the next frame, until all are drawn
/// or another chain (`mine` is no longer `chain`'s) takes over. A stage
/// is built in a task of its own, just after a frame, not in the frame's
/// callback: the frame's style and layout are then another task's (the
/// two together took up to 47 ms at log-in).
fn advance(stage: RwSignal<u8>, chain: StoredValue<u32>, mine: u32) {
    if stage.get_untracked() < STAGES {
        request_animation_frame(move || {
            set_timeout(
                move || {
                    if chain.get_value() == mine {
                        stage.update(|n| *n = (*n + 1).min(STAGES));
                        advance(stage, chain, mine);
                    }
                },
                std::time::Duration::ZERO,
            )
        });
    }
}
