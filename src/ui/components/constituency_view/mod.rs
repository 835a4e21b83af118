//! Per constituency: units read, units needing review, the leader (with
//! its name where the registry has one: parties always, candidates once
//! the ECT's candidate file is loaded), valid ballots and total; then every record that
//! counts in no constituency, with why. The tally is `core::results::aggregate`.

use crate::core::domain::form::Category;
use crate::core::domain::registry::Registry;
use crate::ui::chart::bars;
use crate::ui::i18n::{t, Text};
use crate::ui::results::ResultsStore;
use crate::ui::settings::SettingsStore;
use leptos::prelude::*;

mod tally;
use tally::{leader, not_placed_rows, top};

/// The constituency view. While a batch runs, the tallies are computed
/// again every two seconds, not on every ballot.
#[component]
pub fn ConstituencyView() -> impl IntoView {
    let results = expect_context::<ResultsStore>();
    let settings = expect_context::<SettingsStore>();
    let lang = settings.lang;
    let registry = StoredValue::new(Registry::shared());
    let records = results.progress.records;
    let agg = results.aggregate;
    let chosen = RwSignal::new(0usize);
    let header = move |text: Text| move || t(lang.get(), text);
    view! {
        <section class="panel constituencies">
            <h2>{header(Text::Constituencies)}</h2>
            <div class="table-scroll">
                <table id="constituencies">
                    <thead>
                        <tr>
                            <th>{header(Text::Province)}</th>
                            <th>{header(Text::ConstituencyNo)}</th>
                            <th>{header(Text::Category)}</th>
                            <th>{header(Text::Units)}</th>
                            <th>{header(Text::ReviewShare)}</th>
                            <th>{header(Text::Duplicates)}</th>
                            <th>{header(Text::ConflictCount)}</th>
                            <th>{header(Text::Leader)}</th>
                            <th>{header(Text::Valid)}</th>
                            <th>{header(Text::Total)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || agg.with(|a| records.with_untracked(|recs| a.constituencies.iter().enumerate().map(|(k, c)| {
                            let category = t(lang.get(), match c.category {
                                Category::PartyList => Text::PartyList,
                                Category::Constituency => Text::ConstituencyBallot,
                            });
                            let expected = registry.with_value(|reg| c.units_expected(reg));
                            let units = if expected > 0 { format!("{} / {expected}", c.units) } else { c.units.to_string() };
                            let (dups, conflicts) = c.doubles(a, recs.as_slice());
                            let review = format!("{} ({:.0}%)", c.units_needing_review, c.review_share() * 100.0);
                            view! {
                                <tr class:chosen=move || chosen.get() == k>
                                    <td data-label=header(Text::Province)>{c.province.clone()}</td>
                                    <td data-label=header(Text::ConstituencyNo)><button type="button" class="link" on:click=move |_| chosen.set(k)>{c.constituency}</button></td>
                                    <td data-label=header(Text::Category)>{category}</td>
                                    <td class="num" data-label=header(Text::Units)>{units}</td>
                                    <td class="num" data-label=header(Text::ReviewShare)>{review}</td>
                                    <td class="num" data-label=header(Text::Duplicates)>{dups}</td>
                                    <td class="num" data-label=header(Text::ConflictCount)>{conflicts}</td>
                                    <td data-label=header(Text::Leader)>{registry.with_value(|reg| leader(c, reg))}</td>
                                    <td class="num" data-label=header(Text::Valid)>{c.valid}</td>
                                    <td class="num" data-label=header(Text::Total)>{c.total}</td>
                                </tr>
                            }
                        }).collect_view()))}
                    </tbody>
                </table>
            </div>
            {move || agg.with(|a| a.constituencies.get(chosen.get()).map(|c| {
                let title = format!("{} {} {} · {}", c.province, t(lang.get(), Text::ConstituencyNo), c.constituency, t(lang.get(), Text::Votes));
                let data = registry.with_value(|reg| top(c, reg, lang.get()));
                view! { <figure id="constituency-chart">{bars(title.clone(), data)}<figcaption>{title}</figcaption></figure> }
            }))}
            {move || {
                let rows = agg.with(|a| records.with(|r| not_placed_rows(a, r, lang.get())));
                (!rows.is_empty()).then(|| view! {
                    <h3>{header(Text::NotPlaced)}</h3>
                    <ul id="not-placed">
                        {rows.into_iter().map(|(file, why)| view! { <li><span class="file">{file}</span>": "{why}</li> }).collect_view()}
                    </ul>
                })
            }}
        </section>
    }
}
