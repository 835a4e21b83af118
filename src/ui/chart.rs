//! Charts as inline SVG made here (no chart library, nothing fetched):
//! text stays text, bars are outlined so they read in black-and-white
//! print.

use leptos::prelude::*;

/// A horizontal bar chart (SVG made here, text as text): readable in
/// black and white.
pub fn bars(title: String, data: Vec<(String, u64)>) -> impl IntoView {
    const W: f64 = 640.0;
    const LABEL: f64 = 230.0;
    const ROW: f64 = 26.0;
    let max = data.iter().map(|d| d.1).max().unwrap_or(0).max(1) as f64;
    let h = ROW * data.len() as f64 + 8.0;
    let label = title.clone();
    let rows = data
        .into_iter()
        .enumerate()
        .map(|(k, (label, votes))| {
            let y = 4.0 + ROW * k as f64;
            let w = (W - LABEL - 70.0) * votes as f64 / max;
            view! {
                <g>
                    <text x="0" y=y + 17.0 class="bar__label">{label}</text>
                    <rect x=LABEL y=y + 3.0 width=w height=ROW - 8.0 class="bar" />
                    <text x=LABEL + w + 6.0 y=y + 17.0 class="bar__value">{votes}</text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg class="chart" viewBox=format!("0 0 {W} {h}") role="img" aria-label=label>
            <title>{title}</title>
            {rows}
        </svg>
    }
}
