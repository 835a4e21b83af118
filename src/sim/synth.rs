//! Synthetic, internally consistent form readings, derived from an image's
//! hash so the same image always gets the same answer. Honest about being
//! synthetic: the `_synthetic` field says so.

use crate::core::{
    domain::hash::sha256_hex, domain::registry, domain::rng::SplitMix64, domain::thai::to_words,
};
use serde_json::{json, Map, Value};

/// A plausible reading of a constituency form (ส.ส. 5/18) for `image`: one
/// row per candidate of a real constituency (2 to 10 where the registry has
/// no count), a polling unit's worth of ballots (at most 900), rows summing
/// to the valid count, Thai words for every number.
pub fn synthetic_form(image: &[u8]) -> Value {
    let hash = sha256_hex(image);
    let seed = u64::from_str_radix(&hash[..16], 16).unwrap_or(0);
    let mut rng = SplitMix64::new(seed);
    let provinces = registry::provinces();
    let province = &provinces[rng.range(0, provinces.len() as u64 - 1) as usize];
    let constituency = rng.range(1, province.constituencies as u64);
    let numbers: Vec<u32> = registry::constituency_numbers(province.id, constituency as u32)
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| (1..=rng.range(2, 10) as u32).collect());
    let mut values: Vec<u64> = numbers
        .iter()
        .map(|_| {
            if rng.next_f64() < 0.4 {
                rng.range(20, 300)
            } else {
                rng.range(0, 15)
            }
        })
        .collect();
    let cap = rng.range(150, 900);
    let sum: u64 = values.iter().sum();
    if sum > cap {
        values.iter_mut().for_each(|v| *v = *v * cap / sum);
    }
    let mut votes = Map::new();
    let mut valid = 0;
    for (n, v) in numbers.into_iter().zip(values) {
        valid += v;
        votes.insert(n.to_string(), count(v));
    }
    let invalid = rng.range(0, 30);
    let no_vote = rng.range(0, 40);
    json!({
        "_synthetic": "TallyScan OCR simulator: not a real reading of this image",
        "form_type": "ส.ส. 5/18",
        "is_party_list": false,
        "province": province.name_th,
        "constituency_number": constituency,
        "polling_unit": rng.range(1, 40),
        "has_vote_table": true,
        "votes": votes,
        "valid_votes": count(valid),
        "invalid_votes": count(invalid),
        "no_vote": count(no_vote),
        "total_votes": count(valid + invalid + no_vote),
        "image_sha256": hash,
    })
}

/// `reading` (a form's JSON) with row 1's words ten more than its digits,
/// as a hurried reader writes them; any other text as it is.
pub fn misread(reading: &str) -> String {
    let Ok(mut form) = serde_json::from_str::<Value>(reading) else {
        return reading.to_string();
    };
    let cell = &mut form["votes"]["1"];
    if let Some(n) = cell["numeric"].as_u64() {
        cell["thai_text"] = Value::String(to_words(n + 10));
    }
    serde_json::to_string_pretty(&form).unwrap_or_else(|_| reading.to_string())
}

fn count(n: u64) -> Value {
    json!({"numeric": n, "thai_text": to_words(n)})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::domain::thai::parse_words;

    #[test]
    fn a_misread_row_disagrees_with_itself() {
        let form = synthetic_form(b"x").to_string();
        let wrong: Value = serde_json::from_str(&misread(&form)).unwrap();
        let n = wrong["votes"]["1"]["numeric"].as_u64().unwrap();
        let words = wrong["votes"]["1"]["thai_text"].as_str().unwrap();
        assert_eq!(parse_words(words), Ok(n + 10));
        assert_eq!(misread("not json"), "not json");
    }

    #[test]
    fn consistent_and_deterministic() {
        let reg = registry::Registry::builtin();
        for i in 0..200u32 {
            let img = i.to_le_bytes();
            let f = synthetic_form(&img);
            assert_eq!(f, synthetic_form(&img));
            let rows = f["votes"].as_object().unwrap();
            let prov = reg.province(f["province"].as_str().unwrap()).unwrap();
            let c = f["constituency_number"].as_u64().unwrap() as u32;
            let numbers: Vec<u32> = rows.keys().map(|k| k.parse().unwrap()).collect();
            let mut expected = registry::constituency_numbers(&prov.id, c).unwrap();
            expected.sort_unstable_by_key(|n| n.to_string());
            assert_eq!(numbers, expected, "the registry's ballot numbers");
            let sum: u64 = rows.values().map(|r| r["numeric"].as_u64().unwrap()).sum();
            assert_eq!(sum, f["valid_votes"]["numeric"].as_u64().unwrap());
            for r in rows.values() {
                let words = r["thai_text"].as_str().unwrap();
                assert_eq!(parse_words(words).ok(), r["numeric"].as_u64());
            }
            let total = f["total_votes"]["numeric"].as_u64().unwrap();
            let parts = ["valid_votes", "invalid_votes", "no_vote"]
                .iter()
                .map(|k| f[*k]["numeric"].as_u64().unwrap())
                .sum::<u64>();
            assert_eq!(total, parts);
            let p = f["province"].as_str().unwrap();
            let prov = reg.province(p).unwrap();
            let c = f["constituency_number"].as_u64().unwrap();
            assert!(c >= 1 && c <= prov.constituencies as u64);
        }
    }
}
