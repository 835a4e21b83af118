//! Per constituency: units read, units needing review, the leader (with
//! its name where the registry has one: parties always, candidates once
//! the ECT's candidate file is loaded), valid ballots and total; then every record that
//! counts in no constituency, with why. The tally is `core::aggregate`.

use crate::core::aggregate::{aggregate, Aggregate};
use crate::core::ballot::BallotRecord;
use crate::core::form::Category;
use crate::core::registry::Registry;
use crate::ui::chart::bars;
use crate::ui::i18n::{self, t, Lang, Text};
use crate::ui::state::AppState;
use leptos::prelude::*;

/// The name of number `n` in a tally's constituency or party list, where
/// the registry has it.
fn name_of(
    t: &crate::core::aggregate::ConstituencyTally,
    n: u32,
    registry: &Registry,
) -> Option<String> {
    Some(crate::core::report::name_of(t, n, registry)).filter(|name| !name.is_empty())
}

/// The leader's number and name, or "—".
fn leader(t: &crate::core::aggregate::ConstituencyTally, registry: &Registry) -> String {
    let Some(&n) = t.leaders.first() else {
        return "—".into();
    };
    let votes = t.votes.get(&n).copied().unwrap_or(0);
    match name_of(t, n, registry) {
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

/// The numbers with the most votes, with names: (label, votes), at most 10.
fn top(
    t: &crate::core::aggregate::ConstituencyTally,
    registry: &Registry,
    lang: Lang,
) -> Vec<(String, u64)> {
    let mut v: Vec<(u32, u64)> = t.votes.iter().map(|(n, v)| (*n, *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    v.truncate(10);
    v.into_iter()
        .map(|(n, votes)| {
            let label = match name_of(t, n, registry) {
                Some(name) => format!("{n} {name}"),
                None => format!("{} {n}", t_number(lang)),
            };
            (label, votes)
        })
        .collect()
}

fn t_number(lang: Lang) -> &'static str {
    match lang {
        Lang::Th => "หมายเลข",
        Lang::En => "No.",
    }
}

/// The constituency view. While a batch runs, the tallies are computed
/// again every two seconds, not on every ballot.
#[component]
pub fn ConstituencyView() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let registry = StoredValue::new(Registry::builtin());
    let records = state.progress.records;
    let tick = RwSignal::new(0u32);
    let timer = set_interval_with_handle(
        move || {
            if state.running.get_untracked() {
                tick.update(|t| *t += 1)
            }
        },
        std::time::Duration::from_secs(2),
    )
    .ok();
    on_cleanup(move || {
        if let Some(t) = timer {
            t.clear()
        }
    });
    let agg = Memo::new(move |_| {
        tick.track();
        if !state.running.get() {
            records.track();
        }
        records.with_untracked(|r| registry.with_value(|reg| aggregate(r, reg)))
    });
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
                            let (dups, conflicts) = c.doubles(a, recs);
                            let review = format!("{} ({:.0}%)", c.units_needing_review, c.review_share() * 100.0);
                            view! {
                                <tr class:chosen=move || chosen.get() == k>
                                    <td>{c.province.clone()}</td>
                                    <td><button type="button" class="link" on:click=move |_| chosen.set(k)>{c.constituency}</button></td>
                                    <td>{category}</td>
                                    <td class="num">{units}</td>
                                    <td class="num">{review}</td>
                                    <td class="num">{dups}</td>
                                    <td class="num">{conflicts}</td>
                                    <td>{registry.with_value(|reg| leader(c, reg))}</td>
                                    <td class="num">{c.valid}</td>
                                    <td class="num">{c.total}</td>
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
