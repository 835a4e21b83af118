//! Hostile model answers: whatever JSON a model writes, reading and checking
//! it never panics, and a form whose numbers could only "add up" by
//! wrapping around is never passed.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use serde_json::{json, Map, Value};
use tallyscan::core::domain::ballot::Source;
use tallyscan::core::domain::registry::Registry;
use tallyscan::core::read::extract::extract;
use tallyscan::core::read::validate::validate;
use tallyscan::core::results::aggregate::aggregate;
use tallyscan::core::results::export;

/// Field names the reader looks for, so generated objects reach its paths.
const KEYS: [&str; 24] = [
    "form_type",
    "form_code",
    "is_party_list",
    "province",
    "constituency_number",
    "polling_unit",
    "page",
    "votes",
    "vote_counts",
    "party_votes",
    "candidates",
    "valid_votes",
    "invalid_votes",
    "no_vote",
    "total_votes",
    "ballots_received",
    "totals",
    "numeric",
    "thai_text",
    "number",
    "of",
    "has_vote_table",
    "บัตรดี",
    "รวม",
];

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        (0u64..5000).prop_map(Value::from),
        Just(Value::from(u64::MAX)),
    ]
}

fn text() -> impl Strategy<Value = Value> {
    prop_oneof![
        "\\PC{0,16}".prop_map(Value::from),
        "[๐-๙0-9,. -]{0,14}".prop_map(Value::from),
        "(หนึ่ง|สอง|ร้อย|พัน|ล้าน|สิบ|เอ็ด|ยี่|ห้า|ศูนย์){0,8}".prop_map(Value::from),
        "(ส\\.ส\\. )?[๕5]/[๑๖1-8]{1,2}( \\(บช\\))?".prop_map(Value::from),
        "[0-9]{1,3}/[0-9]{1,3}".prop_map(Value::from),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        text()
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(KEYS.to_vec()).prop_map(str::to_string),
                        "[0-9๐-๙]{1,12}",
                        "\\PC{0,8}",
                    ],
                    inner
                ),
                0..8
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn extract_and_validate_never_panic(v in json_value()) {
        let registry = Registry::builtin();
        for text in [v.to_string(), format!("```json\n{v}\n```"), format!("Here: {v}")] {
            if let Ok(record) = extract(&text, Source::default()) {
                let record = validate(record, &registry);
                let records = vec![record.clone(), record];
                let agg = aggregate(&records, &registry);
                let _ = export::records_csv(&records, &agg);
                let _ = export::summary_csv(&agg, &registry, &records);
                proptest::prop_assert!(agg.silently_dropped(records.len()).is_empty());
            }
        }
    }

    #[test]
    fn no_form_passes_by_wrapping_around(
        rows in prop::collection::vec(1u64 << 60..u64::MAX, 2..6),
        invalid in 0u64..10,
        no_vote in 0u64..10,
    ) {
        // The value a wrapping sum would give: it "matches" only by overflow.
        let wrapped = rows.iter().fold(0u64, |a, b| a.wrapping_add(*b));
        let votes: Map<String, Value> = rows
            .iter()
            .enumerate()
            .map(|(i, v)| ((i + 1).to_string(), json!({"numeric": v})))
            .collect();
        let form = json!({
            "form_type": "ส.ส. 5/18", "province": "แพร่", "constituency_number": 1, "polling_unit": 3,
            "votes": votes, "valid_votes": wrapped, "invalid_votes": invalid, "no_vote": no_vote,
            "total_votes": wrapped.wrapping_add(invalid).wrapping_add(no_vote),
        });
        let record = validate(extract(&form.to_string(), Source::default()).unwrap(), &Registry::builtin());
        prop_assert!(record.has_errors() && record.confidence.needs_review, "{:?}", record.issues);
    }
}
