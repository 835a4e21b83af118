//! Per constituency: units read, units needing review, the leader (with
//! its name where the registry has one: parties always, candidates once
//! the ECT's candidate file is loaded), valid ballots and total; then every record that
//! counts in no constituency, with why. The tally is `core::aggregate`.

use crate::core::aggregate::{aggregate, Aggregate};
use crate::core::ballot::BallotRecord;
use crate::core::form::Category;
use crate::core::registry::Registry;
use crate::ui::i18n::{self, t, Lang, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The leader's number and name, or "—".
fn leader(t: &crate::core::aggregate::ConstituencyTally, registry: &Registry) -> String {
    let Some(&n) = t.leaders.first() else {
        return "—".into();
    };
    let name = match t.category {
        Category::PartyList => registry.party(n).map(|p| p.name_th.clone()),
        Category::Constituency => registry
            .provinces
            .iter()
            .find(|p| p.code == t.province_code)
            .and_then(|p| registry.constituency(&p.id, t.constituency))
            .and_then(|c| {
                c.candidates
                    .iter()
                    .find(|(m, _)| *m == n)
                    .map(|(_, name)| name.clone())
            }),
    };
    let votes = t.votes.get(&n).copied().unwrap_or(0);
    match name.filter(|n| !n.is_empty()) {
        Some(name) => format!("{n} {name} ({votes})"),
        None => format!("{n} ({votes})"),
    }
}

fn not_placed_rows(agg: &Aggregate, records: &[BallotRecord], lang: Lang) -> Vec<(String, String)> {
    agg.not_placed
        .iter()
        .map(|n| {
            let file = records
                .get(n.record)
                .map(|r| r.source.file_name.clone())
                .unwrap_or_default();
            let kept = match &n.reason {
                crate::core::aggregate::Unplaced::Duplicate { kept } => records
                    .get(*kept)
                    .map(|r| r.source.file_name.clone())
                    .unwrap_or_default(),
                _ => String::new(),
            };
            (file, i18n::unplaced(lang, &n.reason, &kept))
        })
        .collect()
}

/// The constituency view.
#[component]
pub fn ConstituencyView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let registry = StoredValue::new(Registry::builtin());
    let agg = Memo::new(move |_| {
        state
            .progress
            .records
            .with(|r| registry.with_value(|reg| aggregate(r, reg)))
    });
    let header = move |text: Text| move || t(lang.get(), text);
    view! {
        <Show when=move || state.progress.records.with(|r| !r.is_empty())>
            <section class="panel constituencies">
                <h2>{header(Text::Constituencies)}</h2>
                <table id="constituencies">
                    <thead>
                        <tr>
                            <th>{header(Text::Province)}</th>
                            <th>{header(Text::ConstituencyNo)}</th>
                            <th>{header(Text::Category)}</th>
                            <th>{header(Text::Units)}</th>
                            <th>{header(Text::UnitsReview)}</th>
                            <th>{header(Text::Leader)}</th>
                            <th>{header(Text::Valid)}</th>
                            <th>{header(Text::Total)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || agg.with(|a| a.constituencies.iter().map(|c| {
                            let category = t(lang.get(), match c.category {
                                Category::PartyList => Text::PartyList,
                                Category::Constituency => Text::ConstituencyBallot,
                            });
                            view! {
                                <tr>
                                    <td>{c.province.clone()}</td>
                                    <td>{c.constituency}</td>
                                    <td>{category}</td>
                                    <td>{c.units}</td>
                                    <td>{c.units_needing_review}</td>
                                    <td>{registry.with_value(|reg| leader(c, reg))}</td>
                                    <td>{c.valid}</td>
                                    <td>{c.total}</td>
                                </tr>
                            }
                        }).collect_view())}
                    </tbody>
                </table>
                {move || {
                    let rows = agg.with(|a| state.progress.records.with(|r| not_placed_rows(a, r, lang.get())));
                    (!rows.is_empty()).then(|| view! {
                        <h3>{header(Text::NotPlaced)}</h3>
                        <ul id="not-placed">
                            {rows.into_iter().map(|(file, why)| view! { <li><span class="file">{file}</span>": "{why}</li> }).collect_view()}
                        </ul>
                    })
                }}
            </section>
        </Show>
    }
}
