//! Both readings of a ballot read twice, side by side, and whether the
//! second settled it.

use crate::core::domain::ballot::BallotRecord;
use crate::ui::i18n::Lang;
use crate::ui::row_text;
use leptos::prelude::*;

/// Both readings, side by side, when the ballot was read twice.
pub(super) fn second_reading_view(
    lang: RwSignal<Lang>,
    shown: Memo<Option<BallotRecord>>,
) -> impl IntoView {
    let second = move || {
        let l = lang.get();
        shown.with(|r| {
            let s = r.as_ref()?.reread.as_ref()?;
            let show = |c: &crate::core::domain::ballot::Count| {
                format!(
                    "{} / {}",
                    c.digits
                        .map(|d| d.to_string())
                        .unwrap_or_else(|| "—".into()),
                    c.words.clone().unwrap_or_else(|| "—".into())
                )
            };
            let lines: Vec<(bool, String)> = s
                .cells
                .iter()
                .map(|c| {
                    let how = match (c.settled, l) {
                        (true, crate::ui::i18n::Lang::Th) => "ยุติด้วยการอ่านซ้ำ",
                        (true, _) => "settled by the second reading",
                        (false, crate::ui::i18n::Lang::Th) => "ไม่ยุติ",
                        (false, _) => "not settled",
                    };
                    let second = c.second.as_ref().map(show).unwrap_or_else(|| "—".into());
                    (
                        c.settled,
                        format!(
                            "{}: {} → {second} · {how}",
                            row_text::field(l, &c.field),
                            show(&c.first)
                        ),
                    )
                })
                .collect();
            Some((s.settled, lines))
        })
    };
    view! {
        {move || second().map(|(settled, lines)| view! {
            <h3>{move || match (settled, lang.get()) {
                (true, crate::ui::i18n::Lang::Th) => "อ่านสองครั้ง: ยุติด้วยการอ่านซ้ำ (ครั้งแรก → ครั้งที่สอง)",
                (true, _) => "Read twice: settled by the second reading (first → second)",
                (false, crate::ui::i18n::Lang::Th) => "อ่านสองครั้ง: ยังไม่ยุติ ต้องให้คนตรวจ (ครั้งแรก → ครั้งที่สอง)",
                (false, _) => "Read twice: not settled, a person must look (first → second)",
            }}</h3>
            <ul id="review-reread">
                {lines.into_iter().map(|(ok, text)| view! { <li class:ok=ok>{text}</li> }).collect_view()}
            </ul>
        })}
    }
}
