//! The official results: the Election Commission's `stats_cons.json` and
//! `stats_party.json`, picked as files (or fetched from a URL whose server
//! allows it), set against the tallies of the forms read. Every
//! discrepancy with its severity and the forms behind our number; filters
//! by severity and province; CSV and JSON exports. The reading and the
//! comparison are `core::results::official`.

use crate::core::domain::registry::Registry;
use crate::core::results::official::{self, Severity};
use crate::ui::i18n::{t, Text};
use crate::ui::results::ResultsStore;
use crate::ui::settings::SettingsStore;
use leptos::prelude::*;

pub(crate) mod texts;
use texts::{coverage_line, severity_text};
mod files;
use files::{export, provinces_of};
mod input;
use input::input_view;
mod table;
use table::{row, HEADS};

/// The discrepancy view: of the forms in view, or (`whole`, for a
/// coordinator) of the whole shared database as its national picture
/// counts it (then without the forms behind each number).
#[component]
pub fn OfficialView(#[prop(optional)] whole: bool) -> impl IntoView {
    let results = expect_context::<ResultsStore>();
    let sync = expect_context::<crate::ui::state::AppState>().sync;
    let p = if whole { "national-" } else { "" };
    let settings = expect_context::<SettingsStore>();
    let lang = settings.lang;
    let registry = StoredValue::new(Registry::shared());
    let records = results.progress.records;
    let agg = results.aggregate;
    // The whole database's: redrawn four tasks after it changes.
    let rev = whole.then(|| sync.national_later(4));
    let comparison = Memo::new(move |_| {
        let official = results.official.get();
        if let Some(rev) = rev {
            rev.track();
            let a = sync.national.with_value(|n| n.report_parts().0);
            return official::compare(&a, &[], &official, Registry::shared());
        }
        agg.with(|a| records.with(|r| official::compare(a, r, &official, Registry::shared())))
    });
    let severity = RwSignal::new(String::new());
    let province = RwSignal::new(String::new());
    let shown = move || {
        let (sev, prov) = (severity.get(), province.get());
        comparison.with(|c| {
            c.discrepancies
                .iter()
                .filter(|d| sev.is_empty() || format!("{:?}", d.severity) == sev)
                .filter(|d| prov.is_empty() || d.province == prov)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    let provinces = move || comparison.with(provinces_of);
    let export =
        move |csv: bool| comparison.with(|c| registry.with_value(|reg| export(c, reg, csv)));
    view! {
        <section class="panel official" id=format!("{p}official")>
            <h2>{move || t(lang.get(), if whole { Text::CompareWholeDatabase } else { Text::CompareWithTheOfficialResults })}</h2>
            {input_view(results, lang, p)}
            <Show when=move || results.official.with(|o| !o.constituencies.is_empty() || !o.national_parties.is_empty())>
                <p id=format!("{p}official-coverage")>{move || comparison.with(|c| coverage_line(lang.get(), c))}</p>
                <div class="row">
                    <label for=format!("{p}official-severity")>{move || t(lang.get(), Text::Severity)}</label>
                    <select id=format!("{p}official-severity") on:change=move |ev| severity.set(event_target_value(&ev))>
                        <option value="">{move || t(lang.get(), Text::All)}</option>
                        <option value="High">{move || severity_text(lang.get(), Severity::High)}</option>
                        <option value="Medium">{move || severity_text(lang.get(), Severity::Medium)}</option>
                        <option value="Low">{move || severity_text(lang.get(), Severity::Low)}</option>
                    </select>
                    <label for=format!("{p}official-province")>{move || t(lang.get(), Text::Province)}</label>
                    <select id=format!("{p}official-province") on:change=move |ev| province.set(event_target_value(&ev))>
                        <option value="">{move || t(lang.get(), Text::AllProvinces)}</option>
                        {move || provinces().into_iter().map(|p| view! { <option value=p.clone()>{p.clone()}</option> }).collect_view()}
                    </select>
                    <button type="button" id=format!("{p}export-discrepancies-csv") on:click=move |_| export(true)>
                        {move || t(lang.get(), Text::ExportCSV)}
                    </button>
                    <button type="button" id=format!("{p}export-discrepancies-json") on:click=move |_| export(false)>
                        {move || t(lang.get(), Text::ExportJSON)}
                    </button>
                </div>
                <div class="table-scroll">
                    <table id=format!("{p}discrepancies")>
                        <thead>
                            <tr>
                                {HEADS.map(|h| view! { <th>{move || t(lang.get(), h)}</th> }).to_vec()}
                            </tr>
                        </thead>
                        <tbody>
                            {move || { let l = lang.get(); registry.with_value(|reg| shown().iter().map(|d| row(l, d, reg)).collect_view()) }}
                        </tbody>
                    </table>
                </div>
            </Show>
        </section>
    }
}
